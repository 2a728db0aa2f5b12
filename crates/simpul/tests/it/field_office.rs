//! Issue 10, journeys 5-8: the spreadsheets offices really keep go in as written (their headers,
//! dates, words and leaders), unknown columns are chosen on a page, doubtful rows are flagged,
//! an export goes into another instance without loss, statistics are public and the audit log
//! reads as sentences.

use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::Value;

on_both_engines!(
    an_office_spreadsheet_is_read_as_written,
    unknown_columns_are_chosen_on_a_page,
    doubtful_rows_are_flagged,
    an_export_round_trips_into_another_instance,
    statistics_are_public_and_audit_reads_as_sentences,
);

/// The API's import, synchronous; `commit` writes.
async fn import(app: &TestApp, token: &str, csv: &str, commit: bool) -> (StatusCode, Value) {
    let r = app
        .client
        .post(app.url(&format!(
            "/api/v1/kims/import?filename=daftar.csv&commit={commit}"
        )))
        .bearer_auth(token)
        .body(csv.as_bytes().to_vec())
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

fn codes(row: &Value, list: &str) -> Vec<String> {
    row[list]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["code"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn kim(app: &TestApp, id: i64) -> simpul_store::registry::KimRecord {
    app.store.kim(id).await.unwrap()
}

async fn an_office_spreadsheet_is_read_as_written(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kominfo.kab-pasuruan").await;
    let csv = "No;Nama KIM;Desa/Kelurahan;Kecamatan;Kabupaten/Kota;Nama Ketua;No HP Ketua;Persetujuan;Tgl SK;Nomor SK;Tanggal Berdiri;Bidang;Status\n\
               1;KIM Kabar Ledug;Ledug;Prigen;Kab. Pasuruan;Siti Aminah;0812-3456-7001;Ya;12 Maret 2021;188/1/2021;1/5/2019;Kesehatan dan Pertanian;Aktif\n\
               2;KIM Warta Jatiarjo;Jatiarjo;Prigen;Kabupaten Pasuruan;Budi Santoso;0812 3456 7002;;44267;;05-06-20;UMKM;\n\
               3;KIM Suara Lumbangrejo;Lumbangrejo;Prigen;Kab. Pasuruan;;;;;;;Literasi Digital;Tidak Aktif\n";
    let (status, report) = import(&app, &token, csv, true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["written"], 3, "{report}");
    let rows = report["rows"].as_array().unwrap();
    let ids: Vec<i64> = rows.iter().map(|r| r["kim_id"].as_i64().unwrap()).collect();
    // Row 1: dates as written, topics and status in Bahasa Indonesia, the leader a member.
    let k = kim(&app, ids[0]).await;
    assert_eq!(k.status, "active");
    assert!(k.reg_number.is_some());
    assert_eq!(k.sk_date.unwrap().to_string(), "2021-03-12");
    assert_eq!(k.founded_on.unwrap().to_string(), "2019-05-01");
    assert_eq!(k.topics, "agriculture,health");
    assert_eq!(
        k.phone.as_deref(),
        Some("+6281234567001"),
        "the leader's phone is the contact"
    );
    let members = app.store.members_of(ids[0]).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(
        (members[0].name.as_str(), members[0].role.as_str()),
        ("Siti Aminah", "ketua")
    );
    assert!(members[0].consent_on.is_some());
    // Row 2: no consent, so the leader is the contact only, and the report says so. An Excel
    // serial date; an empty status waits for verification.
    let k = kim(&app, ids[1]).await;
    assert_eq!(k.status, "submitted");
    assert_eq!(k.reg_number, None);
    assert_eq!(k.sk_date.unwrap().to_string(), "2021-03-12");
    assert_eq!(k.founded_on.unwrap().to_string(), "2020-06-05");
    assert_eq!(k.phone.as_deref(), Some("+6281234567002"));
    assert!(app.store.members_of(ids[1]).await.unwrap().is_empty());
    assert_eq!(
        codes(&rows[1], "warnings"),
        ["import.warn_leader_no_consent"]
    );
    assert_eq!(kim(&app, ids[2]).await.status, "inactive");
    app.finish().await;
}

async fn unknown_columns_are_chosen_on_a_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.kab-pasuruan").await;
    let csv = "Nama Kelompok;Desa;Kec;Kab;Warna Seragam;Keterangan Petugas\n\
               KIM Seragam Biru;Ledug;Prigen;Kab. Pasuruan;biru;sudah dicek\n";
    let csrf = app.csrf().await;
    let part = reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("daftar.csv");
    let r = app
        .client
        .post(app.url(&format!("/kim/import?csrf_token={csrf}")))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let job = crate::common::header(r.headers(), "location").to_owned();
    let html = wait_for(&app, &job, "import-columns").await;
    // The recognised columns are chosen already; the unknown ones are flagged, with a sample.
    assert!(
        html.contains("<option value=\"nama_kim\" selected>"),
        "{html}"
    );
    assert!(html.contains("Warna Seragam") && html.contains("biru"));
    assert!(
        !html.contains("import-summary"),
        "nothing checked before the columns are chosen"
    );
    // "Keterangan Petugas" goes to the address; "Warna Seragam" is not imported.
    let r = app
        .post_form(
            &format!("{job}/columns"),
            &[
                ("col_0", "nama_kim"),
                ("col_1", "desa"),
                ("col_2", "kecamatan"),
                ("col_3", "kabupaten_kota"),
                ("col_4", ""),
                ("col_5", "alamat"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let checked = crate::common::header(r.headers(), "location").to_owned();
    let html = wait_for(&app, &checked, "import-summary").await;
    assert!(html.contains("1 baris: 1 siap disimpan"), "{html}");
    // Saving uses the same choice of columns, and the report links the row to its KIM.
    let r = app.post_form(&format!("{checked}/commit"), &[]).await;
    let done = crate::common::header(r.headers(), "location").to_owned();
    let html = wait_for(&app, &done, "tersimpan").await;
    let report = html
        .split("id=\"import-report\"")
        .nth(1)
        .expect("the report");
    let id: i64 = report
        .split("href=\"/kim/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("a link to the KIM");
    let k = kim(&app, id).await;
    assert_eq!(
        (k.name.as_str(), k.address.as_str()),
        ("KIM Seragam Biru", "sudah dicek")
    );
    app.finish().await;
}

/// The job page once it shows `marker` (the worker runs the job meanwhile).
async fn wait_for(app: &TestApp, path: &str, marker: &str) -> String {
    for _ in 0..100 {
        let (status, html) = app.get_text(path).await;
        assert_eq!(status, StatusCode::OK);
        if html.contains(marker) {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{path} never showed {marker}");
}

async fn doubtful_rows_are_flagged(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kominfo.kab-pasuruan").await;
    let existing = kim(&app, app.demo_officer_kim().await).await;
    let csv = format!(
        "Nama KIM,Kode Desa,Email\n\
         KIM Contoh Sumber Rejeki,35.14.10.2001,kim.sumberrejeki@example.id\n\
         {} Jaya,{},\n\
         KIM Lereng Baru,35.14.10.2002,\n\
         KIM Lereng-Baru Jaya,35.14.10.2002,\n",
        existing.name, existing.village_code
    );
    let (status, report) = import(&app, &token, &csv, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(codes(&rows[0], "errors"), ["error.import_example_row"]);
    assert_eq!(codes(&rows[1], "warnings"), ["import.warn_similar_kim"]);
    assert_eq!(rows[1]["warnings"][0]["detail"], existing.name.as_str());
    assert!(codes(&rows[2], "warnings").is_empty());
    assert_eq!(codes(&rows[3], "warnings"), ["import.warn_similar_row"]);
    assert_eq!(rows[3]["warnings"][0]["detail"], "4");
    app.finish().await;
}

/// The export of `region` as CSV records, by the office's session.
async fn export(app: &TestApp, region: &str) -> (String, Vec<Vec<String>>) {
    let r = app.get(&format!("/kim/export.csv?region={region}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    // The registration number is the receiving office's to give (the column after the
    // template's 22): left out.
    for r in &mut rows {
        r.remove(22);
    }
    rows.sort();
    (text, rows)
}

async fn an_export_round_trips_into_another_instance(engine: Engine) {
    let one = TestApp::spawn(engine).await;
    let token = one.api_token("kominfo.kab-pasuruan").await;
    let csv = "nama_kim,kode_desa,alamat,lat,lon,tanggal_berdiri,no_sk,tanggal_sk,penerbit_sk,telepon,email,topik,status,instagram,website,ketua,telepon_ketua,persetujuan_ketua\n\
               KIM Pulang Pergi,35.14.10.2005,\"Jl. Raya 1, RT 2\",-7.6912345,112.6312345,2019-05-01,188/9/2019,10 Mei 2019,Kepala Desa,0343 123456,kim.pp@desa.id,\"kesehatan, budaya\",Aktif,@kimpulangpergi,https://kimpp.desa.id,Siti Rahayu,0812-3456-7001,03/02/2024\n\
               KIM Pulang Dua,35.14.10.2005,,,,,,,,,,,,,,,,\n";
    let (status, report) = import(&one, &token, csv, true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    one.login_as("kominfo.kab-pasuruan").await;
    let (text, before) = export(&one, "35.14.10.2005").await;
    assert!(before.iter().any(|r| r[0] == "KIM Pulang Pergi"));
    assert!(text.contains("\"Nama KIM\",\"Kode Desa\",\"Desa/Kelurahan\""));
    assert!(
        text.contains("(0343) 123456"),
        "phones as Excel keeps text: {text}"
    );
    assert!(text.contains("Budaya, Kesehatan"));
    // The leader travels too (the office may see its KIMs' members), as the KIM's first member.
    let pp = before.iter().find(|r| r[0] == "KIM Pulang Pergi").unwrap();
    assert_eq!(pp[19..22], ["Siti Rahayu", "0812-3456-7001", "03/02/2024"]);
    assert_eq!(pp[22], "1", "one member");
    one.finish().await;
    // Another instance of the same office takes the export as it is.
    let two = TestApp::spawn(engine).await;
    let token = two.api_token("kominfo.kab-pasuruan").await;
    let (status, report) = import(&two, &token, &text, true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    two.login_as("kominfo.kab-pasuruan").await;
    let (_, after) = export(&two, "35.14.10.2005").await;
    assert_eq!(before, after, "nothing lost on the way");
    two.finish().await;
}

async fn statistics_are_public_and_audit_reads_as_sentences(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    // A visitor sees published counts, Indonesian numbers, and no link they cannot follow.
    let (status, html) = app.get_text("/kim/stats?region=35").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("/api/v1/kims/stats"));
    assert!(
        !html.contains(">Ditolak<") && !html.contains(">Draf<"),
        "counts of published KIMs only"
    );
    assert!(html.contains("Kabupaten Pasuruan"));
    let (_, html) = app.get_text("/kim/stats").await;
    assert!(html.contains("/kim/stats?region=35"));
    // The kabupaten admin's breadcrumb leads to the province: public figures there.
    app.login_as("kominfo.kab-pasuruan").await;
    let (_, html) = app.get_text("/kim/stats").await;
    assert!(html.contains(">Ditolak<"), "their own region in full");
    assert_eq!(
        app.get("/kim/stats?region=35").await.status(),
        StatusCode::OK
    );
    // The map's points follow the session (the API's endpoint knows only tokens).
    let r = app
        .get("/kim/map.geojson?region=35.14&status=submitted")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["properties"]["kind"] == "regency"));
    // The audit log: sentences, a select of actions, times in WIB, no JSON.
    let (_, html) = app.get_text("/admin/audit?action=kim.import").await;
    assert!(
        html.contains("<option value=\"kim.import\" selected>"),
        "{html}"
    );
    assert!(html.contains("mengimpor <a href=\"/kim/"), "{html}");
    assert!(html.contains(" WIB"));
    let log = html.split("id=\"audit\"").nth(1).expect("the log");
    assert!(
        !log.contains("{&quot;") && !log.contains("{\"") && !log.contains("kim.import"),
        "no raw JSON, no codes"
    );
    let r = app
        .api(
            Method::GET,
            "/api/v1/kims/stats?region=35",
            &app.api_token("kominfo.jatim").await,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.finish().await;
}
