//! Village voices, the follow-ups (issue 15), through the real server on both engines: a citizen
//! without an account who left an e-mail address hears back through the mail outbox and a real
//! SMTP server, one who left a phone number through the office's messaging gateway (a real
//! receiver checking the signature), each telling recorded for the office and the address seen
//! by nobody else; aspirations located down to the village and routed by the rules around it;
//! a post the office sent back is corrected and resubmitted; photos added through the API.

use crate::common::smtp::SmtpServer;
use crate::common::{web_config, Engine, TestApp};
use crate::on_both_engines;
use crate::portal::{another_kims_officer, phone_photo, post_multipart};
use reqwest::StatusCode;
use serde_json::Value;
use simpul_app::mail::Mailer;
use simpul_core::audit::AuditContext;
use std::time::Duration;

on_both_engines!(
    a_citizen_without_an_account_hears_back_by_mail_and_by_sms,
    an_aspiration_located_in_a_village_is_routed_by_the_rules_around_it,
    a_post_sent_back_is_corrected_and_resubmitted,
    photos_are_added_through_the_api,
);

fn audited(actions: &[String], action: &str) -> bool {
    actions.iter().any(|a| a == action)
}

async fn post_actions(app: &TestApp) -> Vec<String> {
    app.store
        .audit_entries(
            &simpul_core::ScopeRegions::All,
            &simpul_store::audit::AuditFilter {
                object_type: Some("portal_post".into()),
                ..Default::default()
            },
            500,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The mails delivered so far that mention `needle` (waiting until there are `n`), unfolded
/// from quoted-printable's soft line breaks. Other mails (the office's notifications) are left.
async fn mails_with(smtp: &SmtpServer, needle: &str, n: usize) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    loop {
        let found: Vec<String> = smtp
            .wait_for(0, Duration::from_secs(1))
            .await
            .into_iter()
            .map(|m| m.replace("=\r\n", "").replace("=\n", ""))
            .filter(|m| m.contains(needle))
            .collect();
        if found.len() >= n {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "expected {n} mails to {needle}, got {}",
            found.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A citizen sends an aspiration without an account; its tracking code.
async fn send_aspiration(app: &TestApp, fields: &[(&str, &str)]) -> String {
    let r = post_multipart(app, "/aspirasi", fields, vec![]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    html.split("id=\"tracking-code\">")
        .nth(1)
        .expect("a tracking code")
        .split('<')
        .next()
        .unwrap()
        .to_owned()
}

async fn a_citizen_without_an_account_hears_back_by_mail_and_by_sms(engine: Engine) {
    use simpul_delivery::webhook::WebhookSecret;
    let smtp = SmtpServer::start().await;
    let mut web = web_config();
    web.smtp_enabled = true;
    let mailer = Mailer::new(&smtp.url(), "Simpul <noreply@simpul.test>").unwrap();
    let app = TestApp::spawn_with(engine, web, Some(mailer)).await;

    // A contact the office could not reach is refused with a message, nothing written.
    let r = post_multipart(
        &app,
        "/aspirasi",
        &[
            ("category", "infrastructure"),
            ("description", "Lampu jalan di Dusun Ledug mati sebulan."),
            ("region", "35.14"),
            ("contact", "Pak RT Ledug"),
        ],
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("nomor HP Indonesia"));

    let by_mail = send_aspiration(
        &app,
        &[
            ("category", "infrastructure"),
            ("description", "Lampu jalan di Dusun Ledug mati sebulan."),
            ("region", "35.14"),
            ("contact", "warga.ledug@example.id"),
        ],
    )
    .await;
    let by_sms = send_aspiration(
        &app,
        &[
            ("category", "environment"),
            ("description", "Sampah menumpuk di tepi Sungai Welang."),
            ("region", "35.14"),
            ("contact", "0812 9999 0000"),
        ],
    )
    .await;
    let by_mail = app.store.aspiration_by_code(&by_mail).await.unwrap();
    let by_sms = app.store.aspiration_by_code(&by_sms).await.unwrap();

    // The office of Kabupaten Pasuruan has a messaging gateway that sends SMS.
    let secret = app
        .office_gateway(
            "kominfo.kab-pasuruan",
            "35.14",
            "https://relay.invalid/hook",
        )
        .await
        .expect("a new gateway's secret");
    let hook =
        simpul_delivery::testing::WebhookReceiver::start(WebhookSecret::new(secret).unwrap()).await;
    app.office_gateway("kominfo.kab-pasuruan", "35.14", &hook.url())
        .await;

    // The office answers both.
    app.login_as("kominfo.kab-pasuruan").await;
    for a in [&by_mail, &by_sms] {
        let r = app
            .post_form(
                &format!("/aspirations/{}/act", a.id),
                &[("action", "answer"), ("note", "Petugas datang hari Kamis.")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }

    // The e-mail through the outbox and SMTP: the status, the office's note, the tracking link.
    let unfolded = mails_with(&smtp, "warga.ledug@example.id", 1)
        .await
        .remove(0);
    assert!(unfolded.contains(&format!("Aspirasi {}: Ditanggapi", by_mail.code)));
    assert!(unfolded.contains("Petugas datang hari Kamis."));
    assert!(
        unfolded.contains(&format!(
            "http://simpul.test/aspirasi/lacak/{}",
            by_mail.code
        )),
        "{unfolded}"
    );
    // The SMS through the gateway, to the number as the gateway dials it.
    wait_until("the SMS through the gateway", || async {
        hook.bodies().len() == 1
    })
    .await;
    let sms: Value = serde_json::from_slice(&hook.bodies()[0]).unwrap();
    assert_eq!(sms["type"], "aspiration_update");
    assert_eq!(sms["to"]["phone"], "+6281299990000");
    let text = sms["text"].as_str().unwrap();
    assert!(text.contains("Petugas datang hari Kamis.") && text.contains(&by_sms.code));
    assert!(hook.refused().is_empty());

    // Each telling is recorded for the office (channel and outcome, not the address). The
    // outcome is written once the gateway has answered, just after it received the SMS.
    for (a, channel) in [(&by_mail, "surel"), (&by_sms, "SMS lewat gateway kantor")] {
        wait_until("the telling recorded as sent", || async {
            let notices = app.store.aspiration_notices(a.id).await.unwrap();
            notices.len() == 1 && notices[0].status == "sent"
        })
        .await;
        let notices = app.store.aspiration_notices(a.id).await.unwrap();
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].status, "sent");
        let (_, page) = app.get_text(&format!("/aspirations/{}", a.id)).await;
        let told = page.split("id=\"notices\"").nth(1).expect("the notices");
        assert!(
            told.contains(channel) && told.contains("terkirim"),
            "{told}"
        );
    }
    // The job carries no address; the outbox lists the mail only inside the handling office's
    // territory, without the tracking link.
    let jobs = app.store.jobs(None, 500).await.unwrap();
    let tell: Vec<_> = jobs
        .iter()
        .filter(|j| j.kind == "aspiration.tell")
        .collect();
    assert_eq!(tell.len(), 2);
    assert!(tell
        .iter()
        .all(|j| !j.payload.contains("ledug") && !j.payload.contains("81299990000")));
    let outbox = app
        .store
        .outbox(&simpul_core::ScopeRegions::All, 50)
        .await
        .unwrap();
    let queued = outbox
        .iter()
        .find(|m| m.to_addr == "warga.ledug@example.id")
        .unwrap();
    assert_eq!(queued.region_code.as_deref(), Some("35.14"));
    assert!(!queued.body_redacted("…").contains("/aspirasi/lacak/"));

    // Closing it tells the citizen again; a citizen without a contact is told nothing.
    let r = app
        .post_form(
            &format!("/aspirations/{}/act", by_mail.id),
            &[("action", "close"), ("note", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mails = mails_with(&smtp, "warga.ledug@example.id", 2).await;
    assert!(mails
        .iter()
        .any(|m| m.contains(&format!("Aspirasi {}: Ditutup", by_mail.code))));
    app.assert_no_panic();
    app.finish().await;
}

async fn an_aspiration_located_in_a_village_is_routed_by_the_rules_around_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let village = simpul_core::RegionCode::parse("35.14.10.2001").unwrap();
    let name = app.store.region(&village).await.unwrap().name;
    // Without JavaScript: the cascading selects come down to the kecamatan's villages.
    let (status, page) = app
        .get_text("/aspirasi?v_province=35&v_regency=35.14&v_district=35.14.10")
        .await;
    assert_eq!(status, StatusCode::OK);
    let village_select = page
        .split("<select id=\"village\" name=\"village\">")
        .nth(1)
        .expect("the villages of the kecamatan");
    assert!(village_select.contains("35.14.10.2001") && village_select.contains(&name));
    // With htmx: the name search, open to citizens without an account.
    let (status, fragment) = app
        .get_text(&format!("/aspirasi/desa?village_q={}", name.to_lowercase()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(fragment.contains("pick-35.14.10.2001"), "{fragment}");
    assert!(fragment.contains("hx-get=\"/aspirasi/desa\""));
    // The form's "show" button without JavaScript sends nothing: the form comes back.
    let before = app
        .store
        .aspirations_for(&simpul_core::ScopeRegions::All, None, 1000)
        .await
        .unwrap()
        .len();
    let r = post_multipart(
        &app,
        "/aspirasi",
        &[
            ("category", "infrastructure"),
            ("description", "Jembatan bambu di dusun kami hampir putus."),
            ("v_province", "35"),
            ("v_regency", "35.14"),
            ("refresh", "1"),
        ],
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Jembatan bambu di dusun kami") && html.contains("name=\"v_district\""));
    assert_eq!(
        app.store
            .aspirations_for(&simpul_core::ScopeRegions::All, None, 1000)
            .await
            .unwrap()
            .len(),
        before
    );
    // Chosen down to the village, from the selects or the search: the kabupaten's office
    // handles it when no rule is more specific.
    let by_selects = send_aspiration(
        &app,
        &[
            ("category", "infrastructure"),
            ("description", "Jembatan bambu di dusun kami hampir putus."),
            ("v_province", "35"),
            ("v_regency", "35.14"),
            ("v_district", "35.14.10"),
            ("village", "35.14.10.2001"),
        ],
    )
    .await;
    let a = app.store.aspiration_by_code(&by_selects).await.unwrap();
    assert_eq!(
        (
            a.region_code.as_str(),
            a.regency_code.as_str(),
            a.office_code.as_str()
        ),
        ("35.14.10.2001", "35.14", "35.14")
    );
    // A rule for the kecamatan (more specific than the kabupaten's) wins for its category.
    let audit = AuditContext::system("test");
    let kabupaten = simpul_core::RegionCode::parse("35.14").unwrap();
    let kecamatan = simpul_core::RegionCode::parse("35.14.10").unwrap();
    let province = simpul_core::RegionCode::parse("35").unwrap();
    app.store
        .aspiration_route_add(&audit, "", &kabupaten, &kabupaten, 5)
        .await
        .unwrap();
    app.store
        .aspiration_route_add(&audit, "health", &kecamatan, &province, 2)
        .await
        .unwrap();
    let health = send_aspiration(
        &app,
        &[
            ("category", "health"),
            ("description", "Posyandu dusun tidak buka dua bulan."),
            ("village_pick", "35.14.10.2001"),
        ],
    )
    .await;
    let h = app.store.aspiration_by_code(&health).await.unwrap();
    assert_eq!(
        (h.region_code.as_str(), h.office_code.as_str()),
        ("35.14.10.2001", "35")
    );
    let road = send_aspiration(
        &app,
        &[
            ("category", "infrastructure"),
            ("description", "Jalan makadam dusun berlubang."),
            ("village_pick", "35.14.10.2001"),
        ],
    )
    .await;
    let r = app.store.aspiration_by_code(&road).await.unwrap();
    assert_eq!(r.office_code, "35.14");
    // The office sees where: the village's name.
    app.login_as("kominfo.kab-pasuruan").await;
    let (_, page) = app.get_text(&format!("/aspirations/{}", r.id)).await;
    assert!(page.contains(&name));
    app.assert_no_panic();
    app.finish().await;
}

async fn a_post_sent_back_is_corrected_and_resubmitted(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kim.prigen.ketua").await;
    let r = post_multipart(
        &app,
        "/portal/new",
        &[
            ("kind", "potential"),
            ("category", "umkm"),
            ("title", "Kripik tempe Ledug"),
            ("body", "Kripik tempe renyah buatan ibu-ibu PKK."),
            ("place_name", "Kripik Tempe Bu Sri"),
            ("alt_0", "Kripik tempe dalam toples"),
        ],
        vec![("photo_0", phone_photo(800, 600))],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id: i64 = crate::common::header(r.headers(), "location")
        .trim_start_matches("/portal/posts/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let first = app.store.portal_photos(id).await.unwrap();
    // A pending post cannot be "corrected" yet.
    assert_eq!(
        app.get(&format!("/portal/posts/{id}/edit")).await.status(),
        StatusCode::CONFLICT
    );
    // The office sends it back with a note.
    app.login_as("kominfo.kab-pasuruan").await;
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/review"),
            &[
                ("decision", "send_back"),
                ("note", "Tambahkan harga dan jam buka."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Another KIM's officer cannot touch it.
    another_kims_officer(&app).await;
    app.login_as("kim.surabaya.ketua").await;
    assert_eq!(
        app.get(&format!("/portal/posts/{id}/edit")).await.status(),
        StatusCode::FORBIDDEN
    );
    // The writer sees the note and the way to correct it.
    app.login_as("kim.prigen.ketua").await;
    let (_, mine) = app.get_text("/portal/mine").await;
    assert!(mine.contains("Tambahkan harga dan jam buka."));
    assert!(mine.contains(&format!("href=\"/portal/posts/{id}/edit\"")));
    let (status, form) = app.get_text(&format!("/portal/posts/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Tambahkan harga dan jam buka."));
    assert!(form.contains("Kripik tempe renyah") && form.contains("id=\"current-photo-0\""));
    // A mistake: a message, nothing changed.
    let r = post_multipart(
        &app,
        &format!("/portal/posts/{id}/edit"),
        &[
            ("kind", "potential"),
            ("category", "umkm"),
            ("title", ""),
            ("body", "x"),
        ],
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Tambahkan harga dan jam buka."));
    assert_eq!(app.store.portal_post(id).await.unwrap().status, "sent_back");
    // Corrected, the photo kept (with a better alt text): back to review.
    let r = post_multipart(
        &app,
        &format!("/portal/posts/{id}/edit"),
        &[
            ("kind", "potential"),
            ("category", "umkm"),
            ("title", "Kripik tempe Ledug"),
            ("body", "Kripik tempe renyah buatan ibu-ibu PKK."),
            ("place_name", "Kripik Tempe Bu Sri"),
            ("price_range", "Rp15.000 per bungkus"),
            ("opening_hours", "08.00-17.00"),
            ("alt_0", "Toples kripik tempe di meja"),
        ],
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(crate::common::header(r.headers(), "location").ends_with("done=resubmitted"));
    let post = app.store.portal_post(id).await.unwrap();
    assert_eq!(post.status, "pending");
    assert_eq!(post.price_range, "Rp15.000 per bungkus");
    let kept = app.store.portal_photos(id).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].large_file_id, first[0].large_file_id);
    assert_eq!(kept[0].alt, "Toples kripik tempe di meja");
    // In the office's queue again; sent back once more, the photo is replaced this time.
    app.login_as("kominfo.kab-pasuruan").await;
    let (_, queue) = app.get_text("/portal/review").await;
    assert!(queue.contains("Kripik tempe Ledug"));
    app.post_form(
        &format!("/portal/posts/{id}/review"),
        &[("decision", "send_back"), ("note", "Foto kurang jelas.")],
    )
    .await;
    app.login_as("kim.prigen.ketua").await;
    let r = post_multipart(
        &app,
        &format!("/portal/posts/{id}/edit"),
        &[
            ("kind", "potential"),
            ("category", "umkm"),
            ("title", "Kripik tempe Ledug"),
            ("body", "Kripik tempe renyah buatan ibu-ibu PKK."),
            ("place_name", "Kripik Tempe Bu Sri"),
            ("alt_0", "Kripik tempe difoto dari dekat"),
        ],
        vec![("photo_0", phone_photo(1200, 900))],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let replaced = app.store.portal_photos(id).await.unwrap();
    assert_eq!(replaced.len(), 1);
    assert_ne!(replaced[0].large_file_id, first[0].large_file_id);
    assert!(
        app.store.file(first[0].large_file_id).await.is_err(),
        "the old photo is gone"
    );
    let actions = post_actions(&app).await;
    assert!(audited(&actions, "portal.resubmit"));
    app.assert_no_panic();
    app.finish().await;
}

async fn photos_are_added_through_the_api(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kim.prigen.ketua").await;
    let r = app
        .api(
            reqwest::Method::POST,
            "/api/v1/portal/posts",
            &token,
            Some(serde_json::json!({"kind": "news", "category": "farming", "title": "Panen raya kopi Prigen", "body": "Petani memanen kopi arabika."})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let upload = |token: String, parts: Vec<(&'static str, Vec<u8>)>| {
        let url = app.url(&format!("/api/v1/portal/posts/{id}/photos"));
        let client = app.client.clone();
        async move {
            let mut form = reqwest::multipart::Form::new();
            for (name, bytes) in parts {
                form = if name == "photo" {
                    form.part(
                        name,
                        reqwest::multipart::Part::bytes(bytes).file_name("kopi.jpg"),
                    )
                } else {
                    form.text(name, String::from_utf8(bytes).unwrap())
                };
            }
            client
                .post(url)
                .bearer_auth(token)
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    // Without alt text: refused, field by field, as problem+json.
    let r = upload(token.clone(), vec![("photo", phone_photo(900, 600))]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        crate::common::header(r.headers(), "content-type"),
        "application/problem+json"
    );
    // A fake image: refused.
    let r = upload(
        token.clone(),
        vec![
            ("photo", b"<script>alert(1)</script>".to_vec()),
            ("alt", b"x".to_vec()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another KIM's officer: refused.
    another_kims_officer(&app).await;
    let other = app.api_token("kim.surabaya.ketua").await;
    let r = upload(
        other,
        vec![("photo", phone_photo(900, 600)), ("alt", b"Kopi".to_vec())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Refused before the photo was read: the connection ends, and the client is told so.
    assert_eq!(crate::common::header(r.headers(), "connection"), "close");
    // The photo with its alt text: resized, EXIF gone.
    let r = upload(
        token.clone(),
        vec![
            ("photo", phone_photo(2000, 1500)),
            ("alt", b"Biji kopi merah di tangan petani".to_vec()),
            ("caption", b"Panen pagi".to_vec()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // Read to its end: the connection stays open for the next request.
    assert_eq!(crate::common::header(r.headers(), "connection"), "");
    let photo: Value = r.json().await.unwrap();
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(1280), Some(960))
    );
    let photos = app.store.portal_photos(id).await.unwrap();
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0].alt, "Biji kopi merah di tangan petani");
    let stored = app.store.file(photos[0].large_file_id).await.unwrap().data;
    assert!(!stored.windows(4).any(|w| w == b"Exif"));
    assert!(audited(&post_actions(&app).await, "portal.photo_add"));
    // Once published, the photos are the office's reviewed ones: no more.
    let admin = app.api_token("kominfo.kab-pasuruan").await;
    let r = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/portal/posts/{id}/review"),
            &admin,
            Some(serde_json::json!({"decision": "publish"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = upload(
        token,
        vec![("photo", phone_photo(900, 600)), ("alt", b"Kopi".to_vec())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // The OpenAPI document describes the upload.
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let op = &doc["paths"]["/api/v1/portal/posts/{id}/photos"]["post"];
    assert!(
        op["requestBody"]["content"]["multipart/form-data"].is_object(),
        "{op}"
    );
    for status in ["201", "400", "401", "403", "404", "409", "413", "422"] {
        assert!(op["responses"][status].is_object(), "{status} in {op}");
    }
    app.assert_no_panic();
    app.finish().await;
}
