//! The hoax clearing house through the real server: a citizen's instant answer, a near miss
//! that is not answered, bad input and bots refused with nothing stored, a KIM member's report
//! taken, checked and published by the demo fact-checker and answered on every channel, the
//! second review, merging, the API, the signed gateway webhook, and the index following a
//! verdict published on another instance.

use crate::common::{web_config, Engine, TestApp};
use crate::on_both_engines;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use simpul_app::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::hoax::ClaimStatus;
use simpul_core::ScopeRegions;
use std::time::Duration;

on_both_engines!(
    a_known_hoax_in_javanese_chat_is_answered_at_once_and_a_near_miss_is_queued,
    bots_floods_and_bad_input_are_refused_and_nothing_is_stored,
    a_kim_report_is_checked_published_and_answered_on_every_channel,
    a_second_verifier_reviews_where_the_office_requires_it,
    duplicates_merge_and_verifiers_outside_the_region_see_nothing,
    a_report_grouped_under_the_wrong_claim_is_split_off,
    a_fact_check_archive_is_imported_whole_or_not_at_all_and_answers_citizens,
    a_checked_photo_forwarded_again_recompressed_is_answered_at_once,
    the_api_and_the_signed_gateway_webhook,
    a_verdict_on_one_instance_answers_on_another,
);

/// A form token issued a few seconds ago (a person takes that long to paste a message).
fn token() -> String {
    let secret = web_config().secret.0;
    simpul_core::hoax::intake::form_token(&secret, chrono::Utc::now().timestamp() - 5)
}

async fn check(
    app: &TestApp,
    fields: &[(&str, &str)],
    images: Vec<Vec<u8>>,
) -> (StatusCode, String) {
    let csrf = app.csrf().await;
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for img in images {
        form = form.part("images", Part::bytes(img).file_name("foto.jpg"));
    }
    let r = app
        .client
        .post(app.url(&format!("/hoax?csrf_token={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn submit_text(app: &TestApp, text: &str) -> (StatusCode, String) {
    let t = token();
    check(
        app,
        &[("text", text), ("form_token", &t), ("region", "35")],
        Vec::new(),
    )
    .await
}

async fn report_count(app: &TestApp) -> i64 {
    app.store
        .hoax_claims(&ScopeRegions::All, &ClaimStatus::ALL, 10_000)
        .await
        .unwrap()
        .iter()
        .map(|c| c.report_count)
        .sum()
}

async fn claim_by_title(app: &TestApp, starts: &str) -> simpul_store::hoax::ClaimRecord {
    app.store
        .hoax_claims(&ScopeRegions::All, &ClaimStatus::ALL, 10_000)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.title.starts_with(starts))
        .unwrap_or_else(|| panic!("a claim titled {starts:?}"))
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

async fn a_known_hoax_in_javanese_chat_is_answered_at_once_and_a_near_miss_is_queued(
    engine: Engine,
) {
    let app = TestApp::spawn(engine).await;
    let (status, html) = app.get_text("/hoax").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("name=\"website\""),
        "the honeypot is on the form"
    );

    let before = report_count(&app).await;
    let (status, html) = submit_text(
        &app,
        "Vaksin covid ngandung microchip kanggo nglacak wong sing wis divaksin!! 🙏 Sebarkan",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"instant-answer\""), "{html}");
    assert!(html.contains("HOAKS"));
    // The matched claim is shown so the person can judge the match.
    assert!(html.contains("Vaksin covid mengandung microchip untuk melacak warga"));
    assert!(html.contains("id=\"wa-text\""));
    assert_eq!(
        report_count(&app).await,
        before + 1,
        "the instant answer is recorded as a report"
    );

    // Same words but a different claim: never answered automatically.
    let (status, html) = submit_text(
        &app,
        "Vaksin covid mengandung babi sehingga haram untuk warga",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("id=\"instant-answer\""));
    assert!(html.contains("id=\"queued-notice\""));
    // A verifier opening it sees the checked claim it resembles and why it was not answered
    // with it: the words that claim does not have.
    let queued = claim_by_title(&app, "Vaksin covid mengandung babi").await;
    let mut verifier = TestApp::attach(engine, app.db_url(), web_config(), None).await;
    verifier.new_visitor();
    verifier.login_as("cekfakta.jatim").await;
    let (status, page) = verifier
        .get_text(&format!("/hoax/claims/{}", queued.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    let similar = page
        .split("id=\"similar-claims\"")
        .nth(1)
        .expect("the similar claims are listed");
    assert!(
        similar.contains("Kata yang tidak ada di klaim itu"),
        "{similar}"
    );
    assert!(similar.contains("babi"), "{similar}");
    verifier.finish().await;

    // The clarification is public, with ClaimReview JSON-LD, and its image card.
    let claim = claim_by_title(&app, "Vaksin covid mengandung microchip").await;
    let mut anon = TestApp::attach(engine, app.db_url(), web_config(), None).await;
    anon.new_visitor();
    let (status, page) = anon
        .get_text(&format!("/hoax/clarifications/{}", claim.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("\"@type\":\"ClaimReview\""));
    let (_, list) = anon.get_text("/hoax/clarifications").await;
    assert!(list.contains(&format!("/hoax/clarifications/{}", claim.id)));
    let card = anon
        .get(&format!("/hoax/clarifications/{}/card.png", claim.id))
        .await;
    assert_eq!(card.status(), StatusCode::OK);
    let png = card.bytes().await.unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let side = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((side(16), side(20)), (1080, 1080));
    // An open claim has no public page.
    let open = claim_by_title(&app, "Air PDAM mati total").await;
    assert_eq!(
        anon.get(&format!("/hoax/clarifications/{}", open.id))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    anon.finish().await;
    app.finish().await;
}

async fn bots_floods_and_bad_input_are_refused_and_nothing_is_stored(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let before = report_count(&app).await;
    let t = token();
    let text = "Jembatan Suramadu ditutup buat motor mulai senin";
    // The honeypot filled: a bot.
    let (status, html) = check(
        &app,
        &[
            ("text", text),
            ("form_token", &t),
            ("website", "http://spam"),
        ],
        vec![],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Formulir kedaluwarsa"));
    // No token, a forged token, a token used at once.
    for bad in [
        "",
        "123.abc",
        // Served "now" as the server will see it: stamped ahead, so a slow (loaded) machine
        // cannot age it past the minimum before the server checks it.
        &simpul_core::hoax::intake::form_token(
            &web_config().secret.0,
            chrono::Utc::now().timestamp() + 30,
        ),
    ] {
        let (status, _) = check(&app, &[("text", text), ("form_token", bad)], vec![]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "token {bad:?}");
    }
    // Empty, too long, binary, an unknown region, not a picture, a decompression bomb.
    let long = "a ".repeat(5_001);
    for (fields, images, message) in [
        (vec![("text", "  ")], vec![], "Tulis atau tempel pesannya"),
        (
            vec![("text", long.as_str())],
            vec![],
            "Pesan terlalu panjang",
        ),
        (vec![("text", "PK\u{3}\u{4}\u{0}zip")], vec![], "bukan teks"),
        (
            vec![("text", text), ("region", "99.99.99")],
            vec![],
            "Wilayah",
        ),
        (
            vec![("text", text)],
            vec![b"%PDF-1.4 not a picture".to_vec()],
            "bukan gambar PNG atau JPEG",
        ),
        (
            vec![("text", text)],
            vec![vec![1u8; 5]; 5],
            "Paling banyak 4 gambar",
        ),
        (
            vec![("text", "<script>alert('x')</script>")],
            vec![b"GIF89a".to_vec()],
            "bukan gambar",
        ),
    ] {
        let mut fields: Vec<(&str, &str)> = fields;
        fields.push(("form_token", &t));
        let (status, html) = check(&app, &fields, images).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(
            html.contains(message) || message == "Wilayah",
            "{message}: {html}"
        );
        assert!(
            !html.contains("<script>alert"),
            "scripts are rendered inert"
        );
    }
    assert_eq!(report_count(&app).await, before, "nothing stored");

    // A flood from one address: the eleventh in ten minutes is refused.
    for i in 0..10 {
        let (status, _) = submit_text(
            &app,
            &format!("pesan berantai nomor {i} tentang arisan online"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "submission {i}");
    }
    let (status, _) = submit_text(&app, "satu pesan lagi tentang arisan online").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(report_count(&app).await, before + 10);
    app.finish().await;
}

async fn a_kim_report_is_checked_published_and_answered_on_every_channel(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let member = app.user_id("kim.prigen.anggota").await;
    let officer = app.user_id("kim.prigen.ketua").await;
    app.login_as("kim.prigen.anggota").await;
    let hoax = "Beredar pesan: minum air rebusan daun sirsak tiga kali sehari menyembuhkan demam berdarah tanpa ke puskesmas";
    let (status, html) = check(&app, &[("text", hoax)], vec![]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"queued-notice\""), "{html}");
    // A public reporter of the same claim, who leaves an e-mail address.
    let mut citizen = TestApp::attach(engine, app.db_url(), web_config(), None).await;
    citizen.new_visitor();
    let t = token();
    let (status, html) = check(
        &citizen,
        &[("text", "minum air rebusan daun sirsak 3x sehari menyembuhkan demam berdarah tanpa ke puskesmas!!"), ("form_token", &t), ("email", "warga@desa.test")],
        vec![],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"queued-notice\""));
    let claim = claim_by_title(&app, "Beredar pesan: minum air rebusan").await;
    assert_eq!(
        claim.report_count, 2,
        "the two reports are grouped under one claim"
    );
    assert_eq!(claim.status, ClaimStatus::New);

    // Only fact-checkers see the queue.
    assert_eq!(app.get("/hoax/queue").await.status(), StatusCode::FORBIDDEN);
    app.new_visitor();
    app.login_as("cekfakta.jatim").await;
    let (_, dashboard) = app.get_text("/dashboard").await;
    assert!(dashboard.contains("klaim menunggu verifikasi"));
    let (_, queue) = app.get_text("/hoax/queue").await;
    assert!(queue.contains(&format!("/hoax/claims/{}", claim.id)));
    let (_, page) = app.get_text(&format!("/hoax/claims/{}", claim.id)).await;
    assert!(
        page.contains("warga@desa.test"),
        "verifiers see the reporter's contact"
    );
    assert!(page.contains("2 laporan"));
    // A verdict before taking the claim is refused.
    let verdict = [
        ("label", "hoaks"),
        (
            "summary",
            "Daun sirsak tidak menyembuhkan demam berdarah. Segera periksa ke puskesmas.",
        ),
        (
            "explanation",
            "Tidak ada penelitian yang menunjukkan rebusan daun sirsak menyembuhkan DBD.",
        ),
        ("sources", "https://www.kemkes.go.id"),
        ("title", "Rebusan daun sirsak menyembuhkan demam berdarah"),
    ];
    let r = app
        .post_form(&format!("/hoax/claims/{}/verdict", claim.id), &verdict)
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = app
        .post_form(&format!("/hoax/claims/{}/take", claim.id), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &format!("/hoax/claims/{}/notes", claim.id),
            &[("body", "Cek ke dinkes Pasuruan")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // An unknown label: a field message, nothing stored.
    let mut bad = verdict;
    bad[0] = ("label", "satire");
    let r = app
        .post_form(&format!("/hoax/claims/{}/verdict", claim.id), &bad)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app
        .store
        .hoax_clarification(claim.id)
        .await
        .unwrap()
        .is_none());
    let r = app
        .post_form(&format!("/hoax/claims/{}/verdict", claim.id), &verdict)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let published = app.store.hoax_claim(claim.id).await.unwrap();
    assert_eq!(published.status, ClaimStatus::Published);
    assert_eq!(
        published.title,
        "Rebusan daun sirsak menyembuhkan demam berdarah"
    );

    // Every reporter is answered: the member in their notifications, the citizen by e-mail;
    // the KIMs of the region get the clarification to share.
    wait_until("the reporters are answered", || async {
        app.store
            .hoax_unanswered(claim.id)
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    let notes = app.store.notifications(member, 20).await.unwrap();
    assert!(notes.iter().any(
        |n| n.title.contains("HOAKS") && n.link == format!("/hoax/clarifications/{}", claim.id)
    ));
    let officer_notes = app.store.notifications(officer, 20).await.unwrap();
    assert!(
        officer_notes
            .iter()
            .any(|n| n.title.contains("untuk dibagikan")),
        "the KIM officer of the region gets it"
    );
    let mails = app.store.outbox(&ScopeRegions::All, 50).await.unwrap();
    assert!(mails
        .iter()
        .any(|m| m.to_addr == "warga@desa.test" && m.subject.contains("HOAKS")));
    // The member sees the answer among their reports.
    app.new_visitor();
    app.login_as("kim.prigen.anggota").await;
    let (_, mine) = app.get_text("/hoax/mine").await;
    assert!(mine.contains("Daun sirsak tidak menyembuhkan demam berdarah"));
    // And the next variant is answered at once: the index followed the verdict.
    let (_, html) = check(&app, &[("text", "Ngombe banyu godhogan godhong sirsak 3x sehari menyembuhkan demam berdarah tanpa ke puskesmas")], vec![]).await;
    assert!(html.contains("id=\"instant-answer\""), "{html}");
    // Every step is in the audit log.
    let actions: Vec<String> = app
        .store
        .audit_entries(&ScopeRegions::All, &Default::default(), 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.object_id == claim.id.to_string())
        .map(|a| a.action)
        .collect();
    for a in ["hoax.take", "hoax.note", "hoax.publish"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    citizen.finish().await;
    app.finish().await;
}

async fn second_checker(app: &TestApp) {
    let ctx = AuditContext::system("test");
    let hash = simpul_core::secrets::hash_password(crate::common::PASSWORD);
    app.store
        .create_user(
            &ctx,
            &simpul_store::accounts::NewUser {
                username: "cekfakta.kedua".into(),
                display_name: "Verifikator kedua".into(),
                email: None,
                password_hash: hash,
                locale: "id".into(),
            },
            simpul_core::Role::FactChecker,
            &simpul_core::Scope::Region(simpul_core::RegionCode::parse("35").unwrap()),
        )
        .await
        .unwrap();
}

async fn a_second_verifier_reviews_where_the_office_requires_it(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    second_checker(&app).await;
    // The provincial office requires a second verifier.
    app.login_as("kominfo.jatim").await;
    let r = app
        .post_form(
            "/hoax/settings",
            &[("region", "35"), ("second_review", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A regency admin may not set it for the province.
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let r = app
        .post_form("/hoax/settings", &[("region", "35"), ("second_review", "")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let claim = claim_by_title(&app, "Telur palsu dari plastik").await;
    let first = app.api_token("cekfakta.jatim").await;
    let second = app.api_token("cekfakta.kedua").await;
    let path = |s: &str| format!("/api/v1/hoax/claims/{}{s}", claim.id);
    let r = app.api(Method::POST, &path("/take"), &first, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let verdict = json!({"label": "HOAKS", "summary": "Telur plastik tidak ada.", "explanation": "Uji laboratorium dinas menemukan telur asli."});
    let r = app
        .api(Method::POST, &path("/verdict"), &first, Some(verdict))
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["status"],
        "awaiting_review"
    );
    assert!(app
        .store
        .hoax_clarification(claim.id)
        .await
        .unwrap()
        .unwrap()
        .published_at
        .is_none());
    // The author cannot approve their own verdict.
    let r = app
        .api(
            Method::POST,
            &path("/review"),
            &first,
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = app
        .api(
            Method::POST,
            &path("/review"),
            &second,
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "published");
    let v = app
        .store
        .hoax_clarification(claim.id)
        .await
        .unwrap()
        .unwrap();
    assert!(v.published_at.is_some());
    assert_eq!(v.reviewer_id, Some(app.user_id("cekfakta.kedua").await));
    app.finish().await;
}

async fn duplicates_merge_and_verifiers_outside_the_region_see_nothing(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ctx = AppCtx::new(app.store.clone(), web_config()).await.unwrap();
    let checker = simpul_app::accounts::actor(&ctx, app.user_id("cekfakta.jatim").await)
        .await
        .unwrap();
    let audit = AuditContext::system("test");
    let a = claim_by_title(&app, "Lowongan kerja Pertamina").await;
    let b = claim_by_title(&app, "Air PDAM mati total").await;
    let total = a.report_count + b.report_count;
    simpul_app::hoax::review::merge(&ctx, &checker, &audit, a.id, b.id)
        .await
        .unwrap();
    let merged = app.store.hoax_claim(a.id).await.unwrap();
    assert_eq!(merged.status, ClaimStatus::Merged);
    assert_eq!(merged.merged_into, Some(b.id));
    let into = app.store.hoax_claim(b.id).await.unwrap();
    assert_eq!(into.report_count, total);
    assert_eq!(
        app.store.hoax_reports(b.id, 100).await.unwrap().len() as i64,
        total
    );
    // Merging again, or into itself, is refused.
    assert!(
        simpul_app::hoax::review::merge(&ctx, &checker, &audit, a.id, b.id)
            .await
            .is_err()
    );
    assert!(
        simpul_app::hoax::review::merge(&ctx, &checker, &audit, b.id, b.id)
            .await
            .is_err()
    );

    // A fact-checker of Central Java sees neither the queue's East Java claims nor their pages.
    let hash = simpul_core::secrets::hash_password(crate::common::PASSWORD);
    app.store
        .create_user(
            &audit,
            &simpul_store::accounts::NewUser {
                username: "cekfakta.jateng".into(),
                display_name: "Cek fakta Jateng".into(),
                email: None,
                password_hash: hash,
                locale: "id".into(),
            },
            simpul_core::Role::FactChecker,
            &simpul_core::Scope::Region(simpul_core::RegionCode::parse("33").unwrap()),
        )
        .await
        .unwrap();
    let token = app.api_token("cekfakta.jateng").await;
    let r = app
        .api(Method::GET, "/api/v1/hoax/claims", &token, None)
        .await;
    let list: Value = r.json().await.unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|c| c["region"].is_null()),
        "{list}"
    );
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/hoax/claims/{}", b.id),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A KIM member is not a verifier at all.
    let member = app.api_token("kim.prigen.anggota").await;
    let r = app
        .api(Method::GET, "/api/v1/hoax/claims", &member, None)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.finish().await;
}

async fn a_report_grouped_under_the_wrong_claim_is_split_off(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    // The demo's open claim with reports from several kabupaten/kota.
    let claim = app
        .store
        .hoax_claims(&ScopeRegions::All, &ClaimStatus::ALL, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.status.is_open())
        .max_by_key(|c| c.report_count)
        .unwrap();
    assert!(claim.report_count >= 3, "{claim:?}");
    let reports = app.store.hoax_reports(claim.id, 100).await.unwrap();
    let moved = reports.last().unwrap().clone();
    app.login_as("cekfakta.jatim").await;
    let page_path = format!("/hoax/claims/{}", claim.id);
    let (status, page) = app.get_text(&page_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("name=\"report\" value=\"{}\"", moved.id)),
        "{page}"
    );

    // Nothing ticked, or every report ticked: a message on the page, nothing changed.
    let path = format!("/hoax/claims/{}/split", claim.id);
    let r = app.post_form(&path, &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Centang laporan yang akan dipisahkan"));
    let all: Vec<String> = reports.iter().map(|r| r.id.to_string()).collect();
    let fields: Vec<(&str, &str)> = all.iter().map(|id| ("report", id.as_str())).collect();
    let r = app.post_form(&path, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("bukan semuanya"));
    // A report of another claim is not this claim's to split.
    let other = app
        .store
        .hoax_claims(&ScopeRegions::All, &ClaimStatus::ALL, 10_000)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id != claim.id && c.report_count > 0)
        .unwrap();
    let foreign = app.store.hoax_reports(other.id, 1).await.unwrap()[0].id;
    let token = app.api_token("cekfakta.jatim").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/hoax/claims/{}/split", claim.id),
            &token,
            Some(json!({"reports": [foreign]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.store.hoax_claim(claim.id).await.unwrap().report_count,
        claim.report_count
    );

    // One report split off: a new claim in the queue with that report; the old one keeps the rest.
    let r = app
        .post_form(&path, &[("report", &moved.id.to_string())])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = crate::common::header(r.headers(), "location").to_owned();
    let new_id: i64 = location
        .trim_start_matches("/hoax/claims/")
        .parse()
        .unwrap_or_else(|_| panic!("{location}"));
    let new = app.store.hoax_claim(new_id).await.unwrap();
    assert_eq!(new.status, ClaimStatus::New);
    assert_eq!(new.report_count, 1);
    assert_eq!(new.body, moved.body);
    assert_eq!(new.first_seen_at, moved.created_at);
    let moved_now = app.store.hoax_reports(new_id, 100).await.unwrap();
    assert_eq!(moved_now.len(), 1);
    assert_eq!(moved_now[0].id, moved.id);
    let old = app.store.hoax_claim(claim.id).await.unwrap();
    assert_eq!(old.report_count, claim.report_count - 1);
    assert_eq!(old.status, claim.status);
    let (_, queue) = app.get_text("/hoax/queue").await;
    assert!(queue.contains(&format!("/hoax/claims/{new_id}")), "{queue}");
    let audit: Value = app
        .api(
            Method::GET,
            "/api/v1/audit?action=hoax.split",
            &app.api_token("kominfo.jatim").await,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(audit.to_string().contains("hoax.split"), "{audit}");
    app.finish().await;
}

/// A photo-like picture (gradients and a pattern) as a JPEG of the given size and quality.
fn photo(width: u32, height: u32, quality: u8, rings: bool) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        // Drawn in the picture's own proportions, so a resized copy is the same scene.
        let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
        let pattern = if rings {
            ((((u - 0.4).powi(2) + (v - 0.6).powi(2)).sqrt() * 18.0) as u32).is_multiple_of(2)
        } else {
            ((u * 6.0) as u32 + (v * 4.0) as u32).is_multiple_of(2)
        };
        let shade = if pattern { 190.0 } else { 40.0 };
        image::Rgb([(u * 255.0) as u8, shade as u8, (v * 255.0) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img)
        .unwrap();
    out
}

async fn a_checked_photo_forwarded_again_recompressed_is_answered_at_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = token();
    let (status, html) = check(
        &app,
        &[
            (
                "text",
                "Foto banjir bandang di Kota Batu pagi ini, warga diminta mengungsi",
            ),
            ("form_token", &t),
            ("region", "35.79"),
        ],
        vec![photo(640, 480, 92, false)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"queued-notice\""), "{html}");
    let claim = claim_by_title(&app, "Foto banjir bandang di Kota Batu").await;
    let ctx = AppCtx::new(app.store.clone(), web_config()).await.unwrap();
    let checker = simpul_app::accounts::actor(&ctx, app.user_id("cekfakta.jatim").await)
        .await
        .unwrap();
    let audit = AuditContext::system("test");
    simpul_app::hoax::review::take(&ctx, &checker, &audit, claim.id)
        .await
        .unwrap();
    let verdict = simpul_app::hoax::review::VerdictInput {
        label: "misinformasi".into(),
        summary: "Foto itu banjir tahun 2021, bukan hari ini.".into(),
        explanation: "BPBD Kota Batu: tidak ada banjir bandang hari ini.".into(),
        sources: String::new(),
        title: None,
    };
    simpul_app::hoax::review::submit_verdict(&ctx, &checker, &audit, claim.id, &verdict)
        .await
        .unwrap();

    // The same photo, forwarded again: smaller and more compressed, without any text.
    let mut other = TestApp::attach(engine, app.db_url(), web_config(), None).await;
    other.new_visitor();
    let t = token();
    let (status, html) = check(
        &other,
        &[("text", ""), ("form_token", &t)],
        vec![photo(480, 360, 35, false)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"instant-answer\""), "{html}");
    assert!(html.contains("Foto itu banjir tahun 2021"), "{html}");
    // A different picture is not answered with it.
    let t = token();
    let (_, html) = check(
        &other,
        &[("text", ""), ("form_token", &t)],
        vec![photo(640, 480, 80, true)],
    )
    .await;
    assert!(!html.contains("id=\"instant-answer\""), "{html}");
    other.finish().await;
    app.finish().await;
}

async fn upload_archive(app: &TestApp, archive: &str) -> (StatusCode, String) {
    let csrf = app.csrf().await;
    let part = Part::bytes(archive.as_bytes().to_vec()).file_name("arsip.json");
    let r = app
        .client
        .post(app.url(&format!("/hoax/import?csrf_token={csrf}")))
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn published_count(app: &TestApp) -> usize {
    app.store.hoax_published(100_000, 0).await.unwrap().len()
}

async fn a_fact_check_archive_is_imported_whole_or_not_at_all_and_answers_citizens(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let review = |url: &str, claim: &str, label: &str| {
        json!({"@type": "ClaimReview", "url": url, "claimReviewed": claim,
            "datePublished": "2025-06-02",
            "reviewBody": "Balai Besar Jalan Nasional tidak pernah mengumumkan penutupan; jembatan dibuka seperti biasa.",
            "author": {"@type": "Organization", "name": "MAFINDO"},
            "reviewRating": {"@type": "Rating", "alternateName": label}})
    };
    let suramadu =
        "Jembatan Suramadu ditutup total selama sebulan mulai besok karena retak di tengah bentang";
    let good = review("https://turnbackhoax.id/suramadu", suramadu, "Hoaks");
    let bad = review(
        "https://turnbackhoax.id/lain",
        "Sekolah libur seminggu karena hujan abu",
        "Menyesatkan",
    );
    app.login_as("cekfakta.jatim").await;
    let (_, queue) = app.get_text("/hoax/queue").await;
    assert!(
        queue.contains("href=\"/hoax/import\""),
        "reachable from the queue"
    );

    // One unknown label refuses the whole archive, and says which item and why.
    let before = published_count(&app).await;
    let (status, html) = upload_archive(&app, &json!([good, bad]).to_string()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Butir 2"), "{html}");
    assert!(html.contains("Menyesatkan"), "{html}");
    assert_eq!(published_count(&app).await, before, "nothing stored half");
    let (status, html) = upload_archive(&app, "{\"not\": \"json\"").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("bukan JSON"), "{html}");

    // A JSON-LD graph: imported, then a second upload skips what is already there.
    let graph = json!({"@context": "https://schema.org", "@graph": [{"@type": "WebSite"}, good]});
    let (status, html) = upload_archive(&app, &graph.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("1 klarifikasi diimpor, 0 sudah ada"),
        "{html}"
    );
    let (_, html) = upload_archive(&app, &graph.to_string()).await;
    assert!(
        html.contains("0 klarifikasi diimpor, 1 sudah ada"),
        "{html}"
    );
    assert_eq!(published_count(&app).await, before + 1);

    // A citizen forwarding it in chat spelling is answered at once with the imported verdict.
    let mut citizen = TestApp::attach(engine, app.db_url(), web_config(), None).await;
    citizen.new_visitor();
    let (status, html) = submit_text(
        &citizen,
        "Diteruskan: jembatan suramadu DITUTUP total sebulan mulai besok krn retak di tengah bentang!! sebarkan",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"instant-answer\""), "{html}");
    assert!(html.contains("Jembatan Suramadu ditutup total"));

    // The export gives it back as ClaimReview, readable by the same importer.
    let r = citizen.get("/api/v1/hoax/claimreview").await;
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    let graph = doc["@graph"].as_array().unwrap();
    assert!(graph.iter().any(|g| g["claimReviewed"]
        .as_str()
        .is_some_and(|c| c.starts_with("Jembatan Suramadu"))));
    let labels = simpul_core::hoax::LabelSet::default();
    let back =
        simpul_core::hoax::claimreview::parse_archive(doc.to_string().as_bytes(), &labels).unwrap();
    assert_eq!(back.len(), graph.len());

    // Over the API: the same refusal with the item named; a KIM member may not import.
    let token = app.api_token("cekfakta.jatim").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/hoax/claimreview",
            &token,
            Some(json!([bad])),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(
        problem["errors"][0]["field"], "items[1].reviewRating",
        "{problem}"
    );
    let member = app.api_token("kim.prigen.anggota").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/hoax/claimreview",
            &member,
            Some(json!([good])),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    citizen.finish().await;
    app.finish().await;
}

async fn the_api_and_the_signed_gateway_webhook(engine: Engine) {
    use simpul_delivery::webhook::{sign, WebhookSecret};
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kim.prigen.ketua").await;
    let r = app
        .api(Method::POST, "/api/v1/hoax/reports", &token, Some(json!({"text": "blt bbm 3.500.000 per keluarga cair bsk di kantor desa tanpa syarat"})))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let out: Value = r.json().await.unwrap();
    assert_eq!(out["status"], "answered", "{out}");
    assert_eq!(out["answer"]["label"], "hoaks");
    assert!(out["answer"]["claim"]
        .as_str()
        .unwrap()
        .starts_with("BLT BBM sebesar 3,5 juta"));
    let r = app
        .api(
            Method::POST,
            "/api/v1/hoax/reports",
            &token,
            Some(json!({"text": "", "images": ["bm90IGFuIGltYWdl"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The office of Kabupaten Malang has a gateway: its relay posts what villagers forward.
    let secret = app
        .office_gateway("kominfo.kab-malang", "35.07", "https://relay.invalid/hook")
        .await
        .expect("a new gateway's secret");
    let secret = WebhookSecret::new(secret).unwrap();
    let post = |body: Value, delivery: &str, key: &WebhookSecret| {
        let body = body.to_string();
        let now = chrono::Utc::now().timestamp() as u64;
        let signed = sign(key, delivery, now, body.as_bytes());
        let req = signed.apply(app.client.post(app.url("/api/v1/hoax/gateway/35.07")));
        async move {
            req.header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let msg = json!({"sender": "wa:6281234567890", "text": "Jembatan Suramadu etotop kaangguy sepeda motor mulai are Senin polana retak"});
    let r = post(msg.clone(), "d-1", &secret).await;
    assert_eq!(r.status(), StatusCode::OK);
    let out: Value = r.json().await.unwrap();
    assert_eq!(out["status"], "answered", "{out}");
    assert!(out["reply"].as_str().unwrap().contains("DISINFORMASI"));
    // A retried delivery is not stored twice; a forged signature is refused.
    assert_eq!(
        post(msg.clone(), "d-1", &secret).await.status(),
        StatusCode::CONFLICT
    );
    let forged = WebhookSecret::new("whsec_not-the-office-secret-at-all").unwrap();
    assert_eq!(
        post(msg, "d-2", &forged).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let report = app
        .store
        .hoax_report(out["report_id"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(report.channel, "gateway");
    assert!(
        !report.gateway_sender.unwrap().contains("6281234567890"),
        "the sender is stored encrypted"
    );

    // A message nobody has checked yet waits in the queue; once the verdict is published, the
    // answer goes back through the office's gateway (a real receiver that checks the signature)
    // addressed to the sender it came from.
    let hook = simpul_delivery::testing::WebhookReceiver::start(secret.clone()).await;
    let kept = app
        .office_gateway("kominfo.kab-malang", "35.07", &hook.url())
        .await;
    assert_eq!(kept, None, "the relay moved, the secret stays");
    let novel = json!({"sender": "wa:6289876543210", "text": "Pasar hewan Singosari ditutup sebulan mulai Jumat karena wabah sapi gila"});
    let r = post(novel, "d-3", &secret).await;
    assert_eq!(r.status(), StatusCode::OK);
    let out: Value = r.json().await.unwrap();
    assert_eq!(out["status"], "queued", "{out}");
    let claim_id = app
        .store
        .hoax_report(out["report_id"].as_i64().unwrap())
        .await
        .unwrap()
        .claim_id;
    let ctx = AppCtx::new(app.store.clone(), web_config()).await.unwrap();
    let checker = simpul_app::accounts::actor(&ctx, app.user_id("cekfakta.jatim").await)
        .await
        .unwrap();
    let audit = AuditContext::system("test");
    simpul_app::hoax::review::take(&ctx, &checker, &audit, claim_id)
        .await
        .unwrap();
    let verdict = simpul_app::hoax::review::VerdictInput {
        label: "hoaks".into(),
        summary: "Pasar hewan Singosari tetap buka; tidak ada wabah sapi gila.".into(),
        explanation: "Dinas Peternakan Kabupaten Malang memastikan pasar buka seperti biasa."
            .into(),
        sources: "https://malangkab.go.id/pasar-hewan".into(),
        title: None,
    };
    simpul_app::hoax::review::submit_verdict(&ctx, &checker, &audit, claim_id, &verdict)
        .await
        .unwrap();
    wait_until("the answer through the gateway", || async {
        hook.bodies().len() == 1
    })
    .await;
    let sent: Value = serde_json::from_slice(&hook.bodies()[0]).unwrap();
    assert_eq!(sent["type"], "hoax_answer");
    assert_eq!(sent["to"]["sender"], "wa:6289876543210");
    assert_eq!(sent["label"], "hoaks");
    assert!(
        sent["text"]
            .as_str()
            .unwrap()
            .contains("Pasar hewan Singosari tetap buka"),
        "{sent}"
    );
    assert!(hook.refused().is_empty());
    app.finish().await;
}

async fn a_verdict_on_one_instance_answers_on_another(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let other = TestApp::attach(engine, app.db_url(), web_config(), None).await;
    // The other instance has built its index (and answers from it) before the verdict.
    let (_, html) = submit_text(
        &other,
        "Pasar Besar Malang ditutup permanen minggu depan, pedagang dipindah ke luar kota",
    )
    .await;
    assert!(html.contains("id=\"queued-notice\""));
    let claim = claim_by_title(&app, "Pasar Besar Malang ditutup permanen").await;
    let token = app.api_token("cekfakta.jatim").await;
    app.api(
        Method::POST,
        &format!("/api/v1/hoax/claims/{}/take", claim.id),
        &token,
        None,
    )
    .await;
    let r = app
        .api(Method::POST, &format!("/api/v1/hoax/claims/{}/verdict", claim.id), &token,
            Some(json!({"label": "hoaks", "summary": "Pasar Besar tetap buka.", "explanation": "Pemkot membantah."})))
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "published");
    let (_, html) = submit_text(
        &other,
        "pasar besar malang ditutup permanen mgg depan, pedagang dipindah nang luar kota!!",
    )
    .await;
    assert!(html.contains("id=\"instant-answer\""), "{html}");
    // A fresh instance rebuilds the index from the database.
    let ctx = AppCtx::new(app.store.clone(), web_config()).await.unwrap();
    let fp =
        simpul_core::hoax::Fingerprint::of("Pasar Besar Malang ditutup permanen minggu depan", &[]);
    let found = simpul_app::hoax::search(&ctx, &fp, 3).await.unwrap();
    assert_eq!(found.first().map(|m| m.claim_id), Some(claim.id));
    assert!(found[0].answerable);
    other.finish().await;
    app.finish().await;
}
