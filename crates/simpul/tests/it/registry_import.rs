use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::Value;

on_both_engines!(
    import_checks_every_row_then_writes_all_at_once,
    import_reads_xlsx_and_old_encodings,
    export_is_scoped
);

async fn import(
    app: &TestApp,
    token: &str,
    body: Vec<u8>,
    filename: &str,
    commit: bool,
) -> (StatusCode, Value) {
    let r = app
        .client
        .post(app.url(&format!(
            "/api/v1/kims/import?filename={filename}&commit={commit}"
        )))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

fn outcomes(report: &Value) -> Vec<String> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap().to_owned())
        .collect()
}

async fn count_in(app: &TestApp, district: &str) -> i64 {
    let filter = simpul_store::registry::KimFilter {
        region: Some(district.parse().unwrap()),
        ..Default::default()
    };
    app.store.search_kims(&filter, 1, 0).await.unwrap().1
}

async fn import_checks_every_row_then_writes_all_at_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kominfo.kab-pasuruan").await;
    let before = count_in(&app, "35.14.10").await;
    let bad = "nama_kim;kode_desa;desa;kecamatan;kabupaten_kota;telepon;status\n\
               KIM Impor Satu;;Prigen;Kec. Prigen;Kab. Pasuruan;0812 1234 5678;\n\
               KIM Impor Dua;35.14.10.9999;;;;;\n\
               KIM Impor Tiga;;Prigen;Prigen;Kabupaten Pasuruan;12;\n\
               KIM Impor Empat;;Ketintang;Gayungan;Kota Surabaya;;\n\
               KIM Impor Lima;;Prigen;Prigen;Pasuruan;;tutup\n";
    let (status, report) = import(&app, &token, bad.as_bytes().to_vec(), "kim.csv", true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(report["committed"], false);
    assert_eq!(
        outcomes(&report),
        ["ok", "error", "error", "error", "error"]
    );
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows[0]["line"], 2);
    assert!(
        rows[0]["village"]
            .as_str()
            .unwrap()
            .starts_with("35.14.10."),
        "found by names with prefixes: {}",
        rows[0]
    );
    let codes = |i: usize| {
        rows[i]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(codes(1).contains(&"error.import_village_code".to_owned()));
    assert!(codes(2).iter().any(|c| c.starts_with("error.phone")));
    assert!(
        codes(3).contains(&"error.import_outside_scope".to_owned()),
        "Surabaya is not Pasuruan's"
    );
    assert!(codes(4).contains(&"error.import_status".to_owned()));
    assert_eq!(
        count_in(&app, "35.14.10").await,
        before,
        "nothing half-written"
    );
    // A clean file goes in whole: verified ones with numbers, an empty status waiting for
    // verification (never verified by default).
    let good = "nama_kim,kode_desa,desa,kecamatan,kabupaten_kota,telepon,topik,status\n\
                KIM Impor Satu,,Prigen,Kec. Prigen,Kab. Pasuruan,0812 1234 5678,\"health, disaster\",Terverifikasi\n\
                KIM Impor Enam,,Jatiarjo,Prigen,Kab. Pasuruan,,,\n";
    let (status, dry) = import(&app, &token, good.as_bytes().to_vec(), "kim.csv", false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(dry["written"], 0);
    assert_eq!(count_in(&app, "35.14.10").await, before);
    let (status, done) = import(&app, &token, good.as_bytes().to_vec(), "kim.csv", true).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["written"], 2);
    assert_eq!(count_in(&app, "35.14.10").await, before + 2);
    let page: Value = app
        .get("/api/v1/kims?q=impor%20satu")
        .await
        .json()
        .await
        .unwrap();
    assert!(page["items"][0]["reg_number"]
        .as_str()
        .unwrap()
        .starts_with("KIM-35.14.10."));
    // The same file again adds nothing.
    let (status, again) = import(&app, &token, good.as_bytes().to_vec(), "kim.csv", true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(outcomes(&again), ["exists", "exists"]);
    assert_eq!(again["written"], 0);
    assert_eq!(count_in(&app, "35.14.10").await, before + 2);
    // Wrong headers, old .xls and empty files are refused with a message.
    let (status, _) = import(
        &app,
        &token,
        b"name,village\nX,35.14.10.2001\n".to_vec(),
        "kim.csv",
        false,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .api(
            Method::POST,
            "/api/v1/kims/import?filename=old.xls",
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The CLI does the same.
    let report = simpul::cli_import::run(
        &app.store,
        "kominfo.kab-pasuruan",
        "kim.csv",
        bad.as_bytes(),
        true,
        |_, _| {},
    )
    .await;
    assert!(report.unwrap_err().to_string().contains("nothing written"));
    let out = simpul::cli_import::run(
        &app.store,
        "kominfo.kab-pasuruan",
        "kim.csv",
        good.as_bytes(),
        false,
        |_, _| {},
    )
    .await
    .unwrap();
    assert!(out.contains("already registered"), "{out}");
    app.finish().await;
}

async fn import_reads_xlsx_and_old_encodings(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kominfo.jatim").await;
    let rows = vec![vec![
        "KIM Sumber Ilmu".to_owned(),
        "".into(),
        "Prigen".into(),
        "Prigen".into(),
        "Kab. Pasuruan".into(),
        "0812-9999-0000".into(),
    ]];
    let xlsx = simpul_core::sheet::write_xlsx(
        "KIM",
        &[
            "nama_kim",
            "kode_desa",
            "desa",
            "kecamatan",
            "kabupaten_kota",
            "telepon",
        ],
        &rows,
    )
    .unwrap();
    let (status, report) = import(&app, &token, xlsx, "daftar.xlsx", true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["written"], 1);
    // Windows-1252 (Excel's "CSV" on Windows): the right single quote of "Ma’ruf" is 0x92.
    let mut cp1252 = b"nama_kim;desa;kecamatan;kabupaten_kota;status\nKIM Ma".to_vec();
    cp1252.push(0x92);
    cp1252.extend_from_slice(b"ruf;Jatiarjo;Prigen;Kab. Pasuruan;Aktif\n");
    let (status, report) = import(&app, &token, cp1252, "kim.csv", true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let page: Value = app.get("/api/v1/kims?q=ruf").await.json().await.unwrap();
    assert_eq!(page["items"][0]["name"], "KIM Ma\u{2019}ruf");
    app.finish().await;
}

async fn export_is_scoped(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.kab-pasuruan").await;
    let r = app.get("/kim/export.csv").await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!records.is_empty());
    assert!(
        records.iter().all(|r| r[1].starts_with("35.14.")),
        "only Pasuruan's KIMs"
    );
    assert!(
        records
            .iter()
            .any(|r| &r[16] == "Draf" || &r[16] == "Diajukan" || &r[16] == "Ditolak"),
        "staff export includes unpublished ones"
    );
    let r = app.get("/kim/export.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let table = simpul_core::sheet::read_table(
        &bytes,
        simpul_core::sheet::Format::Xlsx,
        &Default::default(),
    )
    .unwrap();
    assert_eq!(table.rows.len(), records.len());
    // The public cannot export.
    app.post_form("/logout", &[]).await;
    assert_eq!(
        app.get("/kim/export.csv").await.status(),
        StatusCode::SEE_OTHER
    );
    app.finish().await;
}
