//! Dissemination and program synchronisation (issue 13) through the real server: a partner
//! writes a package, the province publishes it, the Prigen officer finds it in the inbox,
//! copies a caption and reports; an absurd reach is flagged until the office accepts it; a
//! correction tells the KIM what changed; reach numbers agree between page, API and export.
//! The bad input is refused field by field with nothing written. Programs collide,
//! leave gaps, get decisions, and come out as iCalendar and spreadsheets.

use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use simpul_core::ScopeRegions;
use std::time::Duration;

on_both_engines!(
    a_package_reaches_the_officer_who_reports_and_the_office_sees_the_reach,
    bad_input_is_refused_field_by_field_and_nothing_is_written,
    programs_collide_leave_gaps_get_decisions_and_feed_calendars,
    a_kim_verified_later_gets_the_running_package_and_an_expired_one_nothing,
    planners_target_a_kecamatan_and_a_village_chosen_by_name,
);

/// The reach totals kept by the database's triggers (what the dashboard reads) equal the
/// figures counted from the reports themselves, for everyone, East Java and one package.
pub async fn totals_match_the_reports(store: &simpul_store::Store, package: Option<i64>) {
    use simpul_store::dissem::ReportFilter;
    let east_java = ScopeRegions::Regions(vec![simpul_core::RegionCode::parse("35").unwrap()]);
    for owners in [None, Some(ScopeRegions::All), Some(east_java)] {
        let f = ReportFilter {
            package_id: package,
            owners,
            ..Default::default()
        };
        let mut kept = store.dissem_reach(&f).await.unwrap();
        let mut counted = store.dissem_reach_from_reports(&f).await.unwrap();
        for r in [&mut kept, &mut counted] {
            r.by_regency.sort();
            r.by_channel.sort();
        }
        assert_eq!(kept, counted, "{f:?}");
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn package_form(title: &str, targets: &[&str]) -> Vec<(String, String)> {
    let mut f = vec![
        ("title".to_string(), title.to_string()),
        ("topic".into(), "health".into()),
        ("office".into(), "35".into()),
        (
            "key_messages".into(),
            "Cegah stunting sejak kehamilan.\nTimbang balita tiap bulan.".into(),
        ),
        (
            "body".into(),
            "Isi lengkap tentang pencegahan stunting.".into(),
        ),
        (
            "caption_whatsapp".into(),
            "Ayo timbang balita di posyandu! #CegahStunting".into(),
        ),
        (
            "starts_on".into(),
            (today() - chrono::Duration::days(3)).to_string(),
        ),
        (
            "ends_on".into(),
            (today() + chrono::Duration::days(20)).to_string(),
        ),
        ("priority".into(), "high".into()),
    ];
    for t in targets {
        f.push(("targets".into(), t.to_string()));
    }
    f
}

async fn post_pairs(app: &TestApp, path: &str, pairs: &[(String, String)]) -> reqwest::Response {
    let csrf = app.csrf().await;
    let mut body: Vec<(&str, &str)> = vec![("csrf_token", &csrf)];
    body.extend(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    app.client
        .post(app.url(path))
        .form(&body)
        .send()
        .await
        .unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

async fn package_by_title(app: &TestApp, title: &str) -> simpul_store::dissem::PackageRecord {
    app.store
        .dissem_packages(&ScopeRegions::All, None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.title == title)
        .unwrap_or_else(|| panic!("a package titled {title:?}"))
}

async fn package_count(app: &TestApp) -> usize {
    app.store
        .dissem_packages(&ScopeRegions::All, None, 100_000)
        .await
        .unwrap()
        .len()
}

async fn report(
    app: &TestApp,
    id: i64,
    fields: &[(&str, &str)],
    photo: Option<Vec<u8>>,
) -> reqwest::Response {
    let csrf = app.csrf().await;
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some(p) = photo {
        form = form.part("photo", Part::bytes(p).file_name("kegiatan.jpg"));
    }
    app.client
        .post(app.url(&format!("/dissem/inbox/{id}/report?csrf_token={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn wait_for_notification(app: &TestApp, user: i64, contains: &str) {
    for _ in 0..300 {
        let notes = app.store.notifications(user, 200).await.unwrap();
        if notes
            .iter()
            .any(|n| n.title.contains(contains) || n.body.contains(contains))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("user {user} was not told {contains:?}");
}

async fn reach(app: &TestApp, token: &str, id: i64) -> Value {
    let path = format!("/api/v1/dissem/reach?package={id}");
    app.api(Method::GET, &path, token, None)
        .await
        .json::<Value>()
        .await
        .unwrap()
}

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(320, 240, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    out
}

async fn a_package_reaches_the_officer_who_reports_and_the_office_sees_the_reach(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let kim = app.demo_officer_kim().await;
    let officer = app.user_id("kim.prigen.ketua").await;
    let title = "Cegah Stunting Pasuruan Uji";

    // A partner writes the package and submits it; it cannot publish it.
    app.login_as("mitra.bmkg").await;
    let r = post_pairs(&app, "/dissem/new", &package_form(title, &["region:35.14"])).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let p = package_by_title(&app, title).await;
    assert_eq!(p.status.as_str(), "draft");
    let r = post_pairs(
        &app,
        &format!("/dissem/{}/transition", p.id),
        &[("step".into(), "submit".into())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post_pairs(
        &app,
        &format!("/dissem/{}/transition", p.id),
        &[("step".into(), "publish".into())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A picture attachment is re-encoded as PNG; a text file is refused.
    let csrf = app.csrf().await;
    let form = Form::new().part(
        "attachments",
        Part::bytes(jpeg()).file_name("poster stunting.jpg"),
    );
    let r = app
        .client
        .post(app.url(&format!("/dissem/{}/attachments?csrf_token={csrf}", p.id)))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let attachments = app.store.dissem_attachments(p.id).await.unwrap();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].2, "image/png");

    // The province publishes it: the Prigen KIM is among the targets, and told.
    app.new_visitor();
    app.login_as("kominfo.jatim").await;
    let r = post_pairs(
        &app,
        &format!("/dissem/{}/transition", p.id),
        &[("step".into(), "publish".into())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let targets = app.store.dissem_targets(p.id).await.unwrap();
    assert!(
        targets.iter().any(|t| t.kim_id == kim),
        "the Prigen KIM is targeted"
    );
    assert!(targets.iter().all(|t| t.regency_code == "35.14"));
    wait_for_notification(&app, officer, title).await;

    // The officer's inbox: new, then in progress once opened, with the caption to copy.
    app.new_visitor();
    app.login_as("kim.prigen.ketua").await;
    let (status, html) = app.get_text("/dissem").await;
    assert_eq!(status, StatusCode::OK);
    let new_section = html
        .split("id=\"inbox-new\"")
        .nth(1)
        .expect("new packages listed");
    assert!(new_section.split("</ul>").next().unwrap().contains(title));
    // Once its period is over without a report it moves to its own list, still open.
    let ends_on = p.ends_on;
    set_ends_on(
        &app,
        p.id,
        chrono::Utc::now().date_naive() - chrono::Days::new(1),
    )
    .await;
    let (_, html) = app.get_text("/dissem").await;
    let section = |id: &str| {
        html.split(&format!("id=\"inbox-{id}\""))
            .nth(1)
            .map(|s| s.split("</ul>").next().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(section("expired").contains(title), "{html}");
    assert!(!section("new").contains(title));
    set_ends_on(&app, p.id, ends_on).await;
    let (status, html) = app.get_text(&format!("/dissem/inbox/{}", p.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("readonly>Ayo timbang balita di posyandu! #CegahStunting</textarea>"),
        "{html}"
    );
    assert!(html.contains(&format!("/dissem/attachments/{}", attachments[0].0)));
    let r = app
        .get(&format!("/dissem/attachments/{}", attachments[0].0))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap()[..4], b"\x89PNG"[..]);
    assert_eq!(
        app.store
            .dissem_target_state(p.id, kim)
            .await
            .unwrap()
            .unwrap()
            .0
            .as_str(),
        "in_progress"
    );

    // A report with a link; then one with a photo and an absurd reach (flagged, not counted).
    let before = app.store.kim(kim).await.unwrap().last_activity_at;
    let day = today().to_string();
    let r = report(
        &app,
        p.id,
        &[
            ("channel", "whatsapp"),
            ("reported_on", &day),
            ("reach", "250"),
            ("link", "https://wa.me/p/123"),
        ],
        None,
    )
    .await;
    assert_eq!(location(&r), format!("/dissem/inbox/{}?done=ok", p.id));
    assert!(
        app.store.kim(kim).await.unwrap().last_activity_at > before,
        "a report is KIM activity"
    );
    assert_eq!(
        app.store
            .dissem_target_state(p.id, kim)
            .await
            .unwrap()
            .unwrap()
            .0
            .as_str(),
        "done"
    );
    let r = report(
        &app,
        p.id,
        &[
            ("channel", "meeting"),
            ("reported_on", &day),
            ("reach", "1000000"),
        ],
        Some(jpeg()),
    )
    .await;
    assert_eq!(location(&r), format!("/dissem/inbox/{}?done=flagged", p.id));
    let (_, html) = app.get_text(&format!("/dissem/kims/{kim}")).await;
    assert!(html.contains(title), "the KIM's own history lists it");

    // The office: reach 250 (the million waits for review), the Prigen KIM has acted.
    let token = app.api_token("kominfo.jatim").await;
    let v = reach(&app, &token, p.id).await;
    assert_eq!(v["by_package"][0]["reach"], 250, "{v}");
    assert_eq!(v["flagged"], 1);
    assert!(!v["not_acted"].as_array().unwrap().iter().any(|k| k == kim));
    assert_eq!(v["by_channel"][0]["key"], "whatsapp");
    app.new_visitor();
    app.login_as("kominfo.jatim").await;
    let (status, html) = app
        .get_text(&format!("/dissem/reach?package={}", p.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"reach-total\">250<"), "{html}");
    assert!(html.contains("<svg"), "charts are drawn on the server");
    // The map's points: the Prigen KIM (it has a location in the demo) has acted.
    assert!(html.contains("data-geojson=\"/dissem/reach/map.geojson?package="));
    let (status, points) = app
        .get_text(&format!("/dissem/reach/map.geojson?package={}", p.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    let points: serde_json::Value = serde_json::from_str(&points).unwrap();
    let features = points["features"].as_array().unwrap();
    assert!(!features.is_empty());
    if let Some(f) = features.iter().find(|f| f["properties"]["id"] == kim) {
        assert_ne!(f["properties"]["status"], "new", "{f}");
    }
    let flagged = app
        .store
        .dissem_reports(
            &simpul_store::dissem::ReportFilter {
                package_id: Some(p.id),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.reach == 1_000_000)
        .unwrap();
    assert!(flagged.has_photo);
    let r = post_pairs(
        &app,
        &format!("/dissem/{}/reports/{}/review", p.id, flagged.id),
        &[("decision".into(), "accept".into())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        reach(&app, &token, p.id).await["by_package"][0]["reach"],
        1_000_250
    );
    // The totals the database keeps for the dashboard are the reports' own figures.
    totals_match_the_reports(&app.store, None).await;
    totals_match_the_reports(&app.store, Some(p.id)).await;
    let csv = app
        .get(&format!("/dissem/reach/export?format=csv&package={}", p.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("1000000") && csv.contains("Grup WhatsApp"),
        "{csv}"
    );
    let xlsx = app
        .get(&format!(
            "/dissem/reach/export?format=xlsx&package={}",
            p.id
        ))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(&xlsx[..2], b"PK");

    // A correction needs a note, raises the version and tells the KIM that acted.
    let mut fields = package_form(title, &["region:35.14"]);
    fields.retain(|(k, _)| k != "key_messages");
    fields.push((
        "key_messages".into(),
        "Cegah stunting sejak kehamilan.\nTimbang balita tiap bulan di posyandu.".into(),
    ));
    let r = post_pairs(&app, &format!("/dissem/{}/edit", p.id), &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Tuliskan apa yang diubah"));
    fields.push((
        "change_note".into(),
        "Posyandu ditambahkan ke pesan kunci".into(),
    ));
    let r = post_pairs(&app, &format!("/dissem/{}/edit", p.id), &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.dissem_package(p.id).await.unwrap().version, 2);
    wait_for_notification(&app, officer, "Posyandu ditambahkan ke pesan kunci").await;
    let notes = app.store.notifications(officer, 200).await.unwrap();
    let correction = notes
        .iter()
        .find(|n| n.body.contains("Posyandu ditambahkan"))
        .unwrap();
    assert!(
        correction.body.contains("Pesan kunci"),
        "says what changed: {}",
        correction.body
    );
    app.finish().await;
}

async fn bad_input_is_refused_field_by_field_and_nothing_is_written(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.jatim").await;
    let before = package_count(&app).await;
    // No target.
    let r = post_pairs(&app, "/dissem/new", &package_form("Tanpa sasaran", &[])).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"targets-error\""));
    // Empty period.
    let mut f = package_form("Periode kosong", &["region:35.14"]);
    f.retain(|(k, _)| k != "ends_on");
    f.push((
        "ends_on".into(),
        (today() - chrono::Duration::days(10)).to_string(),
    ));
    let r = post_pairs(&app, "/dissem/new", &f).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"ends_on-error\""));
    // Targets outside the office, an unknown topic, an unreadable date: over the API.
    let token = app.api_token("kominfo.kab-pasuruan").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/dissem/packages",
            &token,
            Some(json!({
            "title": "Di luar", "topic": "nonsense", "office": "35.14", "key_messages": "x",
            "targets": ["region:35.78"], "starts_on": "kemarin", "ends_on": "2026-01-01"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in ["topic", "targets", "starts_on"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert_eq!(package_count(&app).await, before, "nothing written");

    // A package for Surabaya: not aimed at the Prigen KIM.
    let r = post_pairs(
        &app,
        "/dissem/new",
        &package_form("Untuk Surabaya", &["region:35.78"]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let sby = package_by_title(&app, "Untuk Surabaya").await;
    // Attachments too large or of the wrong type.
    for (bytes, name) in [
        (b"hello, not a picture".to_vec(), "catatan.txt"),
        (
            [b"%PDF-1.4 ".to_vec(), vec![b'x'; 11 * 1024 * 1024]].concat(),
            "besar.pdf",
        ),
    ] {
        let csrf = app.csrf().await;
        let form = Form::new().part("attachments", Part::bytes(bytes).file_name(name));
        let r = app
            .client
            .post(app.url(&format!("/dissem/{}/attachments?csrf_token={csrf}", sby.id)))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(r.text().await.unwrap().contains("id=\"attachments-error\""));
    }
    assert!(app
        .store
        .dissem_attachments(sby.id)
        .await
        .unwrap()
        .is_empty());
    let r = post_pairs(
        &app,
        &format!("/dissem/{}/transition", sby.id),
        &[("step".into(), "publish".into())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let pas = post_pairs(
        &app,
        "/dissem/new",
        &package_form("Untuk Pasuruan", &["region:35.14"]),
    )
    .await;
    assert_eq!(pas.status(), StatusCode::SEE_OTHER);
    let pas = package_by_title(&app, "Untuk Pasuruan").await;
    post_pairs(
        &app,
        &format!("/dissem/{}/transition", pas.id),
        &[("step".into(), "publish".into())],
    )
    .await;

    let officer = app.api_token("kim.prigen.ketua").await;
    let reports_before = app
        .store
        .dissem_reports(&Default::default(), 100_000)
        .await
        .unwrap()
        .len();
    let day = today().to_string();
    let send = |id: i64, body: Value| {
        let officer = officer.clone();
        let app = &app;
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/dissem/packages/{id}/reports"),
                &officer,
                Some(body),
            )
            .await
        }
    };
    let r = send(
        sby.id,
        json!({"channel": "whatsapp", "reported_on": day, "reach": 10, "link": "https://wa.me/x"}),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not aimed at the KIM"
    );
    for (body, field) in [
        (
            json!({"channel": "whatsapp", "reported_on": day, "reach": -5, "link": "https://wa.me/x"}),
            "reach",
        ),
        (
            json!({"channel": "whatsapp", "reported_on": day, "reach": 50_000_000, "link": "https://wa.me/x"}),
            "reach",
        ),
        (
            json!({"channel": "whatsapp", "reported_on": day, "reach": 10, "link": "javascript:alert(1)"}),
            "link",
        ),
        (
            json!({"channel": "telepati", "reported_on": day, "reach": 10, "link": "https://wa.me/x"}),
            "channel",
        ),
        (
            json!({"channel": "whatsapp", "reported_on": "2000-01-01", "reach": 10, "link": "https://wa.me/x"}),
            "reported_on",
        ),
        (
            json!({"channel": "whatsapp", "reported_on": day, "reach": 10, "photo": "bm90IGFuIGltYWdl"}),
            "photo",
        ),
    ] {
        let r = send(pas.id, body.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["errors"][0]["field"], field, "{v}");
    }
    // The phone form with a negative reach shows the message next to the field.
    app.login_as("kim.prigen.ketua").await;
    let r = report(
        &app,
        pas.id,
        &[
            ("channel", "radio"),
            ("reported_on", &day),
            ("reach", "-3"),
            ("link", "https://radio.desa.id/siaran"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"reach-error\""));
    let after = app
        .store
        .dissem_reports(&Default::default(), 100_000)
        .await
        .unwrap()
        .len();
    assert_eq!(after, reports_before, "nothing written");

    // A program whose end precedes its start.
    let token = app.api_token("kominfo.jatim").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/programs",
            &token,
            Some(json!({
            "theme": "Terbalik", "topic": "health", "office": "35", "regions": ["35.14"],
            "starts_on": "2027-05-10", "ends_on": "2027-05-01", "channels": ["kim"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "ends_on");
    let programs = app
        .store
        .programs_between(
            chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap(),
        )
        .await
        .unwrap();
    assert!(!programs.iter().any(|p| p.theme == "Terbalik"));
    app.finish().await;
}

async fn programs_collide_leave_gaps_get_decisions_and_feed_calendars(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let province = app.api_token("kominfo.jatim").await;
    let pasuruan = app.api_token("kominfo.kab-pasuruan").await;
    let create = |token: &str, body: Value| {
        let token = token.to_string();
        let app = &app;
        async move {
            let r = app
                .api(Method::POST, "/api/v1/programs", &token, Some(body))
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
            r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    let a = create(&province, json!({"theme": "Bulan Gizi Jatim", "topic": "health", "office": "35",
        "regions": ["35.07", "35.14"], "starts_on": "2031-03-01", "ends_on": "2031-03-31", "channels": ["radio"],
        "budget_line": "5.02.01 Rahasia Anggaran"})).await;
    let b = create(&pasuruan, json!({"theme": "Posyandu Pasuruan", "topic": "health", "office": "35.14",
        "regions": ["35.14"], "starts_on": "2031-03-10", "ends_on": "2031-03-20", "channels": ["kim"]})).await;
    let c = create(&province, json!({"theme": "Sekolah Aman Prigen", "topic": "education", "office": "35",
        "regions": ["35.14.10"], "starts_on": "2031-03-21", "ends_on": "2031-03-22", "channels": ["kim", "event"]})).await;
    let d = create(&province, json!({"theme": "Wisata Batu", "topic": "tourism", "office": "35",
        "regions": ["35.79"], "starts_on": "2031-03-05", "ends_on": "2031-03-06", "channels": ["kim"]})).await;

    let v: Value = app
        .api(
            Method::GET,
            "/api/v1/programs?month=2031-03&region=35",
            &province,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let overlaps: Vec<(i64, i64, String)> = v["overlaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["a"].as_i64().unwrap(),
                o["b"].as_i64().unwrap(),
                o["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        overlaps.contains(&(a, b, "same_topic".into())),
        "{overlaps:?}"
    );
    // Posyandu ends on Friday the 20th, the school program starts that weekend: same KIMs,
    // same week.
    assert!(
        overlaps.contains(&(b, c, "same_kims".into())),
        "{overlaps:?}"
    );
    assert!(
        !overlaps.iter().any(|(x, y, _)| *x == d || *y == d),
        "Batu collides with nothing"
    );
    let empty: Vec<&str> = v["empty_regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        empty.contains(&"35.78") && !empty.contains(&"35.14") && !empty.contains(&"35.79"),
        "{empty:?}"
    );
    let topics: Vec<&str> = v["empty_topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        topics.contains(&"agriculture") && !topics.contains(&"health"),
        "{topics:?}"
    );

    // Pasuruan accepts the collision with the province's program; a pair that does not
    // collide cannot be "resolved"; Pasuruan cannot change the province's program.
    let r = app
        .api(
            Method::POST,
            "/api/v1/programs/decisions",
            &pasuruan,
            Some(json!({"a": b, "b": a, "decision": "accept", "note": "Saling melengkapi"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = app
        .api(
            Method::POST,
            "/api/v1/programs/decisions",
            &province,
            Some(json!({"a": a, "b": d, "decision": "merge"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .api(Method::PUT, &format!("/api/v1/programs/{a}"), &pasuruan, Some(json!({"theme": "Diambil alih", "topic": "health",
            "office": "35.14", "regions": ["35.14"], "starts_on": "2031-03-01", "ends_on": "2031-03-31"})))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let v: Value = app
        .api(
            Method::GET,
            "/api/v1/programs?month=2031-03&region=35.14",
            &province,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let decided = v["overlaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["a"] == a && o["b"] == b)
        .unwrap();
    assert_eq!(decided["decision"], "accept");
    assert_eq!(decided["note"], "Saling melengkapi");

    // The month view on the page, and the exports.
    let mut app = app;
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let (status, html) = app.get_text("/programs?month=2031-03&region=35.14").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Posyandu Pasuruan") && html.contains("Saling melengkapi"));
    let csv = app
        .get("/programs/export?format=csv&month=2031-03&region=35.14")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("Posyandu Pasuruan") && csv.contains("Bulan Gizi Jatim"));
    let xlsx = app
        .get("/programs/export?format=xlsx&month=2031-03")
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(&xlsx[..2], b"PK");

    // iCalendar feeds: public, per region and per office, without budget lines.
    app.new_visitor();
    let r = app.get("/programs/region/35.14/calendar.ics").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let ics = r.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("SUMMARY:Posyandu Pasuruan") && ics.contains("SUMMARY:Bulan Gizi Jatim"));
    assert!(ics.contains("DTSTART;VALUE=DATE:20310310"), "{ics}");
    assert!(!ics.contains("Rahasia Anggaran"));
    let office = app
        .get("/programs/office/35.14/calendar.ics")
        .await
        .text()
        .await
        .unwrap();
    assert!(office.contains("Posyandu Pasuruan") && !office.contains("Bulan Gizi Jatim"));
    assert_eq!(
        app.get("/programs/region/bukan-kode/calendar.ics")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // A KIM officer does not plan programs.
    let officer = app.api_token("kim.prigen.ketua").await;
    let r = app
        .api(Method::GET, "/api/v1/programs", &officer, None)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.finish().await;
}

async fn a_kim_verified_later_gets_the_running_package_and_an_expired_one_nothing(engine: Engine) {
    // The test runs the sync itself: the server's own scheduled `dissem.sync` would otherwise
    // race it for the new KIM (and the test would see it added by the job, not by its call).
    let mut web = crate::common::web_config();
    web.run_jobs = false;
    let app = TestApp::spawn_with(engine, web, None).await;
    let ctx = simpul_app::AppCtx::new(app.store.clone(), crate::common::web_config())
        .await
        .unwrap();
    let audit = simpul_core::audit::AuditContext::system("test");
    app.login_as("kominfo.kab-pasuruan").await;
    let mut f = package_form("Berjalan Pasuruan", &["region:35.14.10"]);
    f.retain(|(k, _)| k != "office");
    f.push(("office".into(), "35.14".into()));
    let r = post_pairs(&app, "/dissem/new", &f).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let p = package_by_title(&app, "Berjalan Pasuruan").await;
    post_pairs(
        &app,
        &format!("/dissem/{}/transition", p.id),
        &[("step".into(), "publish".into())],
    )
    .await;
    let before = app.store.dissem_targets(p.id).await.unwrap().len();
    assert!(before >= 1);

    // A new KIM in Prigen is verified after publication: the hourly sync finds and tells it.
    let village = app
        .store
        .kim(app.demo_officer_kim().await)
        .await
        .unwrap()
        .village_code;
    let profile = simpul_store::registry::KimProfile {
        name: "KIM Baru Terverifikasi".into(),
        name_norm: "baru terverifikasi".into(),
        village: Some(simpul_core::RegionCode::parse(&village).unwrap()),
        ..Default::default()
    };
    let kim = app
        .store
        .create_kim(&audit, &profile, "verified", None, None, None)
        .await
        .unwrap();
    let p = app.store.dissem_package(p.id).await.unwrap();
    let (added, _) = simpul_app::dissem::sync(&ctx, &p).await.unwrap();
    assert_eq!(added, 1);
    let targets = app.store.dissem_targets(p.id).await.unwrap();
    assert_eq!(targets.len(), before + 1);
    assert!(targets.iter().any(|t| t.kim_id == kim));
    assert!(
        app.store.dissem_unnotified(p.id).await.unwrap().is_empty(),
        "every KIM told"
    );
    // Nothing more the second time.
    assert_eq!(simpul_app::dissem::sync(&ctx, &p).await.unwrap(), (0, 0));

    // An expired package reaches no one new.
    let expired = simpul_store::dissem::PackageRecord {
        ends_on: today() - chrono::Duration::days(1),
        ..p
    };
    assert_eq!(
        simpul_app::dissem::sync(&ctx, &expired).await.unwrap(),
        (0, 0)
    );
    app.finish().await;
}

/// Move a package's end behind the server's back (time passing), on either engine.
async fn set_ends_on(app: &TestApp, id: i64, day: chrono::NaiveDate) {
    use sqlx::Connection;
    let sql = "UPDATE dissem_packages SET ends_on = $1 WHERE id = $2";
    match app.engine {
        Engine::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(app.db_url()).await.unwrap();
            sqlx::query(sql)
                .bind(day)
                .bind(id)
                .execute(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
        }
        Engine::Postgres => {
            let mut c = sqlx::PgConnection::connect(app.db_url()).await.unwrap();
            sqlx::query(sql)
                .bind(day)
                .bind(id)
                .execute(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
        }
    }
}

fn program_form(theme: &str, regions: &[&str]) -> Vec<(String, String)> {
    let mut f = vec![
        ("theme".to_string(), theme.to_string()),
        ("topic".into(), "education".into()),
        ("office".into(), "35".into()),
        ("starts_on".into(), "2031-05-01".into()),
        ("ends_on".into(), "2031-05-20".into()),
        ("channels".into(), "kim".into()),
    ];
    f.extend(
        regions
            .iter()
            .map(|r| ("regions".to_string(), r.to_string())),
    );
    f
}

fn searching(mut form: Vec<(String, String)>, q: &str) -> Vec<(String, String)> {
    form.push(("place_q".into(), q.into()));
    form.push(("find_place".into(), "1".into()));
    form
}

/// The form values of the place box's checkboxes, with whether each is ticked.
fn place_choices(html: &str, field: &str) -> Vec<(String, bool)> {
    let marker = format!("name=\"{field}\" value=\"");
    let Some(start) = html.find("id=\"place-targets\"") else {
        return Vec::new();
    };
    let html = &html[start
        ..html[start..]
            .find("</details>")
            .map_or(html.len(), |e| start + e)];
    html.match_indices(&marker)
        .map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            let value = rest[..rest.find('"').unwrap()].to_string();
            let tag_end = rest.find('>').unwrap();
            (value, rest[..tag_end].contains("checked"))
        })
        .collect()
}

async fn planners_target_a_kecamatan_and_a_village_chosen_by_name(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.jatim").await;
    let before = app.store.programs_between(
        chrono::NaiveDate::from_ymd_opt(2031, 1, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2031, 12, 31).unwrap(),
    );
    let before = before.await.unwrap().len();

    // The province planner types "Prigen" and presses Cari: the form comes back with what was
    // typed, the kecamatan and the village of that name offered, and nothing saved.
    let theme = "Sekolah Siaga Bencana Prigen";
    let r = post_pairs(
        &app,
        "/programs/new",
        &searching(program_form(theme, &["35.14"]), "prigen"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(theme), "the typed theme is kept");
    let offered = place_choices(&html, "regions");
    assert!(offered.contains(&("35.14.10".into(), false)), "{offered:?}");
    assert!(
        offered.contains(&("35.14.10.1009".into(), false)),
        "{offered:?}"
    );
    assert!(
        html.contains("Kabupaten Pasuruan"),
        "hits say where they are"
    );
    // A village outside East Java is not offered to the province's planner.
    let r = post_pairs(
        &app,
        "/programs/new",
        &searching(program_form(theme, &[]), "sisir"),
    )
    .await;
    let offered = place_choices(&r.text().await.unwrap(), "regions");
    assert_eq!(
        offered[0],
        ("35.79.01.1004".to_string(), false),
        "the exact name first"
    );
    assert!(
        offered.iter().all(|(c, _)| c.starts_with("35.")),
        "{offered:?}"
    );

    // Ticking the kecamatan and a village and saving stores both.
    let r = post_pairs(
        &app,
        "/programs/new",
        &program_form(theme, &["35.14.10", "35.14.10.2003"]),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let all = app
        .store
        .programs_between(
            chrono::NaiveDate::from_ymd_opt(2031, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2031, 12, 31).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(all.len(), before + 1, "searching saved nothing");
    let p = all.iter().find(|p| p.theme == theme).unwrap();
    assert_eq!(p.regions, "35.14.10,35.14.10.2003");

    // The edit form lists them ticked, so they can be unticked; saving without the village
    // removes it.
    let (status, html) = app.get_text(&format!("/programs/{}", p.id)).await;
    assert_eq!(status, StatusCode::OK);
    let chosen = place_choices(&html, "regions");
    assert!(chosen.contains(&("35.14.10".into(), true)), "{chosen:?}");
    assert!(
        chosen.contains(&("35.14.10.2003".into(), true)),
        "{chosen:?}"
    );
    let r = post_pairs(
        &app,
        &format!("/programs/{}", p.id),
        &program_form(theme, &["35.14.10"]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.program(p.id).await.unwrap().regions, "35.14.10");

    // The kabupaten office is offered its own villages only, and is told when nothing matches.
    app.login_as("kominfo.kab-pasuruan").await;
    let mut f = program_form("Posyandu Dayurejo", &[]);
    f[2].1 = "35.14".into();
    let r = post_pairs(&app, "/programs/new", &searching(f.clone(), "dayurejo")).await;
    let html = r.text().await.unwrap();
    assert_eq!(
        place_choices(&html, "regions"),
        vec![("35.14.10.2003".to_string(), false)]
    );
    let r = post_pairs(&app, "/programs/new", &searching(f, "sisir")).await;
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"place-nothing\""),
        "no Kota Batu village for Pasuruan"
    );

    // The package form offers the same search; a package to one village reaches its KIMs only.
    app.login_as("kominfo.jatim").await;
    let title = "Imunisasi Desa Prigen";
    let r = post_pairs(
        &app,
        "/dissem/new",
        &searching(package_form(title, &[]), "prigen"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(title));
    let offered = place_choices(&html, "targets");
    assert!(
        offered.contains(&("region:35.14.10.1009".into(), false)),
        "{offered:?}"
    );
    let r = post_pairs(
        &app,
        "/dissem/new",
        &package_form(title, &["region:35.14.10.1009"]),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let p = package_by_title(&app, title).await;
    assert!(p.targets.contains("35.14.10.1009"), "{}", p.targets);
    let (status, html) = app.get_text(&format!("/dissem/{}/edit", p.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        place_choices(&html, "targets"),
        vec![("region:35.14.10.1009".to_string(), true)]
    );
}
