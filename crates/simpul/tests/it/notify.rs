//! The notification backbone, called directly (no HTTP) and watched arriving at real
//! receivers: an SMTP server, a Web Push endpoint that decrypts with the subscription's keys
//! and checks the VAPID signature, and a messaging gateway that checks the webhook signature
//! and refuses replays. Then the person's settings page and the admin's delivery log.

use crate::common::smtp::SmtpServer;
use crate::common::{web_config, Engine, TestApp};
use crate::on_both_engines;
use reqwest::StatusCode;
use simpul_app::mail::Mailer;
use simpul_app::notify::{notify, Audience, Message};
use simpul_app::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::notify::{Kind, Priority};
use simpul_core::Role;
use simpul_delivery::testing::{PushEndpoint, WebhookReceiver};
use simpul_delivery::webhook::WebhookSecret;
use simpul_store::notify::DeliveryFilter;
use std::time::Duration;

on_both_engines!(
    one_alert_reaches_the_app_push_email_and_the_gateway_once,
    failures_are_retried_logged_and_never_delivered_twice,
    a_flood_is_rate_limited_into_one_digest,
    urgent_alerts_cannot_be_switched_off_and_the_test_button_shows_each_channel,
    a_bakorwil_hears_of_its_own_kabupaten_only,
    an_earthquake_from_bmkg_reaches_the_officer_on_every_channel
);

/// End to end through the real receivers: BMKG's autogempa document near Pasuruan, ingested as
/// the feed poller does, reaches the Prigen officer in the app, by push (decrypted by the
/// browser's keys), by e-mail (through the SMTP server) and through the kabupaten office's
/// gateway (signature checked), as an urgent alert whose text fits an SMS; the officer's
/// answer then shows on the admin's board.
async fn an_earthquake_from_bmkg_reaches_the_officer_on_every_channel(engine: Engine) {
    let (app, ctx, r) = set_up(engine).await;
    let document = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/alerts/autogempa.json"
    ))
    .unwrap();
    let out = simpul_app::alerts::ingest::ingest_bmkg(&ctx, None, &document)
        .await
        .unwrap();
    assert_eq!(out.created, 1);
    let alert = app
        .store
        .alert_by_identifier("bmkg-20261129032130")
        .await
        .unwrap()
        .unwrap();

    wait_until("the gateway", || async { r.hook.bodies().len() == 1 }).await;
    let sms: serde_json::Value = serde_json::from_slice(&r.hook.bodies()[0]).unwrap();
    assert_eq!(sms["to"]["phone"], "+6281234567890");
    assert_eq!(sms["priority"], "urgent");
    let text = sms["body"].as_str().unwrap_or_default();
    assert!(text.starts_with("GEMPA M5,1 "), "{sms}");
    // The place, not BMKG's "Pusat gempa berada di darat" opening, gets the SMS's room.
    assert!(text.contains("15 km BaratDaya Kab. Pasuruan"), "{sms}");
    assert!(text.chars().count() <= 160, "fits one SMS: {text}");
    assert!(r.hook.refused().is_empty());
    wait_until("the push", || async { r.push.plaintexts().len() == 1 }).await;
    let push: serde_json::Value = serde_json::from_slice(&r.push.plaintexts()[0]).unwrap();
    assert!(
        push.to_string().contains(&format!("/alerts/{}", alert.id)),
        "{push}"
    );
    assert_eq!(r.push.received()[0].urgency.as_deref(), Some("high"));
    // The officer's mail (the kabupaten office may be mailed too, in either order).
    let mail = r
        .smtp
        .wait_for_one_with("ketua@desa.test", Duration::from_secs(30))
        .await;
    assert!(mail.contains("GEMPA") || mail.contains("Gempa"), "{mail}");
    let mine = app.store.notifications(r.officer, 10).await.unwrap();
    assert!(mine.iter().any(|n| n.kind == "alert"));

    // The officer answers from the phone; the board in the kabupaten office shows it.
    app.login_as("kim.prigen.ketua").await;
    let answer = app
        .post_form(&format!("/alerts/{}/ack", alert.id), &[("kind", "safe")])
        .await;
    assert!(answer.status().is_redirection(), "{}", answer.status());
    let mut admin = TestApp::attach(engine, app.db_url(), web_config(), None).await;
    admin.new_visitor();
    admin.login_as("kominfo.kab-pasuruan").await;
    let (status, board) = admin.get_text(&format!("/alerts/{}/board", alert.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        board.contains("Wilayah kami aman") || board.contains("aman"),
        "{board}"
    );
    admin.finish().await;
    app.finish().await;
}

/// Holders of a role for a region: the Bakorwil of Malang (whose group holds Kabupaten
/// Pasuruan) for a village of Pasuruan and for the province, not for Madiun's kabupaten.
async fn a_bakorwil_hears_of_its_own_kabupaten_only(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let malang = app.user_id("bakorwil.malang").await;
    let holders = |code: &'static str| {
        let store = app.store.clone();
        async move {
            let region = simpul_core::RegionCode::parse(code).unwrap();
            store
                .grant_holders(&[simpul_core::Role::Coordinator], Some(&region))
                .await
                .unwrap()
        }
    };
    assert!(
        holders("35.14.10.2001").await.contains(&malang),
        "a village of Pasuruan"
    );
    assert!(holders("35.14").await.contains(&malang));
    assert!(holders("35").await.contains(&malang), "the province");
    assert!(
        !holders("35.01").await.contains(&malang),
        "Pacitan is Madiun's"
    );
    assert!(!holders("35.01.01.2001").await.contains(&malang));
    // Regency offices are unaffected: Pasuruan's admin for a village of Pasuruan.
    let pasuruan = app.user_id("kominfo.kab-pasuruan").await;
    let region = simpul_core::RegionCode::parse("35.14.10.2001").unwrap();
    assert!(app
        .store
        .grant_holders(&[simpul_core::Role::RegencyAdmin], Some(&region))
        .await
        .unwrap()
        .contains(&pasuruan));
    app.finish().await;
}

/// A notifier beside the running server (same database); the server's worker delivers.
async fn ctx_for(app: &TestApp) -> AppCtx {
    AppCtx::new(app.store.clone(), web_config()).await.unwrap()
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

struct Receivers {
    smtp: SmtpServer,
    push: PushEndpoint,
    hook: WebhookReceiver,
    officer: i64,
    kim: i64,
}

/// The Prigen KIM officer with an e-mail address, a phone, a subscribed browser, and a
/// kabupaten office whose gateway is a local receiver.
async fn set_up(engine: Engine) -> (TestApp, AppCtx, Receivers) {
    let smtp = SmtpServer::start().await;
    let mut web = web_config();
    web.smtp_enabled = true;
    let mailer = Mailer::new(&smtp.url(), "Simpul <noreply@simpul.test>").unwrap();
    let app = TestApp::spawn_with(engine, web, Some(mailer)).await;
    let ctx = ctx_for(&app).await;
    let officer = app.user_id("kim.prigen.ketua").await;
    let kim = app.demo_officer_kim().await;
    let audit = AuditContext::system("test");
    let who = simpul_app::accounts::actor(&ctx, officer).await.unwrap();
    simpul_app::accounts::set_contact(&ctx, &who, &audit, "ketua@desa.test", "0812 3456 7890")
        .await
        .unwrap();
    let key = simpul_app::push_keys::public_key(&ctx).await.unwrap();
    let push = PushEndpoint::start(&key).await;
    let sub = push.subscription();
    app.store
        .save_push_subscription(
            officer,
            &sub.endpoint,
            &sub.p256dh,
            &sub.auth,
            "test browser",
        )
        .await
        .unwrap();
    let admin = app.user_id("kominfo.kab-pasuruan").await;
    let admin = simpul_app::accounts::actor(&ctx, admin).await.unwrap();
    let first = simpul_app::operations::save_gateway(
        &ctx,
        &admin,
        &audit,
        "35.14",
        "https://relay.invalid/hook",
        true,
        false,
    )
    .await
    .unwrap()
    .expect("a new gateway gets a secret, shown once");
    let hook = WebhookReceiver::start(WebhookSecret::new(first.clone()).unwrap()).await;
    let again = simpul_app::operations::save_gateway(
        &ctx,
        &admin,
        &audit,
        "35.14",
        &hook.url(),
        true,
        false,
    )
    .await
    .unwrap();
    assert_eq!(again, None, "the secret is not shown again");
    let stored = app.store.office_webhook("35.14").await.unwrap().unwrap();
    assert!(
        !stored.secret.contains(&first),
        "the secret is stored encrypted"
    );
    (
        app,
        ctx,
        Receivers {
            smtp,
            push,
            hook,
            officer,
            kim,
        },
    )
}

fn alert(key: &str) -> Message {
    Message {
        kind: Kind::Alert,
        priority: Priority::Urgent,
        template: "test".into(),
        args: vec![],
        link: "/account/notifications".into(),
        dedupe_key: Some(key.into()),
    }
}

async fn statuses(app: &TestApp, user: i64) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = app
        .store
        .deliveries(
            &DeliveryFilter {
                user_id: Some(user),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.channel, d.status))
        .collect();
    rows.sort();
    rows
}

async fn one_alert_reaches_the_app_push_email_and_the_gateway_once(engine: Engine) {
    let (app, ctx, r) = set_up(engine).await;
    let audience = Audience::Kims {
        kim_ids: vec![r.kim],
        roles: vec![Role::KimOfficer],
    };
    let report = notify(&ctx, &audience, &alert("quake-1")).await.unwrap();
    assert_eq!(
        (report.recipients, report.written, report.queued),
        (1, 1, 3)
    );

    wait_until("the gateway", || async { r.hook.bodies().len() == 1 }).await;
    let body: serde_json::Value = serde_json::from_slice(&r.hook.bodies()[0]).unwrap();
    assert_eq!(body["to"]["phone"], "+6281234567890");
    assert_eq!(body["title"], "Percobaan notifikasi Simpul");
    assert_eq!(body["priority"], "urgent");
    wait_until("the push", || async { r.push.plaintexts().len() == 1 }).await;
    let push: serde_json::Value = serde_json::from_slice(&r.push.plaintexts()[0]).unwrap();
    assert_eq!(push["title"], "Percobaan notifikasi Simpul");
    assert_eq!(r.push.received()[0].urgency.as_deref(), Some("high"));
    let mails = r.smtp.wait_for(1, Duration::from_secs(30)).await;
    assert!(mails[0].contains("ketua@desa.test"));
    assert!(mails[0].contains("Percobaan notifikasi Simpul"));
    wait_until("the delivery log", || async {
        statuses(&app, r.officer).await
            == vec![
                ("app".to_string(), "delivered".to_string()),
                ("email".into(), "sent".into()),
                ("gateway".into(), "delivered".into()),
                ("push".into(), "delivered".into()),
            ]
    })
    .await;
    let mine = app.store.notifications(r.officer, 10).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].kind, "alert");

    // The same event again notifies nobody twice.
    let again = notify(&ctx, &audience, &alert("quake-1")).await.unwrap();
    assert_eq!((again.recipients, again.written, again.queued), (1, 0, 0));
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(r.hook.bodies().len(), 1);
    assert_eq!(r.push.plaintexts().len(), 1);
    assert_eq!(
        app.store.notifications(r.officer, 10).await.unwrap().len(),
        1
    );
    app.assert_no_panic();
    app.finish().await;
}

async fn failures_are_retried_logged_and_never_delivered_twice(engine: Engine) {
    let (mut app, ctx, r) = set_up(engine).await;
    // The gateway answers 500 once, then takes the delivery but answers too late: the retry
    // carries the same delivery id, and the receiver drops the repeat.
    r.hook.answer_next(1, StatusCode::INTERNAL_SERVER_ERROR);
    r.hook.stall_next(1, Duration::from_secs(13));
    // The push service says the subscription is gone.
    r.push.answer_next(1, StatusCode::GONE);
    let audience = Audience::Users(vec![r.officer]);
    notify(&ctx, &audience, &alert("flood-7")).await.unwrap();

    wait_until("the push subscription to be removed", || async {
        app.store
            .push_subscriptions(r.officer)
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    wait_until("the gateway delivery to succeed after retries", || async {
        statuses(&app, r.officer)
            .await
            .contains(&("gateway".to_string(), "delivered".to_string()))
    })
    .await;
    assert_eq!(r.hook.bodies().len(), 1, "accepted once");
    assert!(r.hook.requests() >= 3, "500, the late answer, the repeat");
    assert!(r.hook.refused().iter().any(|x| x.is_duplicate()));
    let log = app
        .store
        .deliveries(
            &DeliveryFilter {
                user_id: Some(r.officer),
                channel: Some("push".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(log[0].status, "failed");
    assert!(
        log[0].last_error.as_deref().unwrap_or("").contains("410"),
        "{:?}",
        log[0].last_error
    );

    // The kabupaten admin sees the failure with its reason, and retries it.
    app.login_as("kominfo.kab-pasuruan").await;
    let (status, html) = app.get_text("/admin/deliveries?status=failed").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Gagal") && html.contains("410"), "{html}");
    let r2 = app
        .post_form(&format!("/admin/deliveries/{}/retry", log[0].id), &[])
        .await;
    assert_eq!(r2.status(), StatusCode::SEE_OTHER);
    wait_until("the retried delivery to end", || async {
        let d = app.store.delivery_work(log[0].id).await.unwrap();
        d.status == "failed" && d.attempts >= 2
    })
    .await;
    let d = app.store.delivery_work(log[0].id).await.unwrap();
    assert_eq!(d.status, "failed");
    // Retrying what has not failed is refused in words.
    let again = app
        .post_form(&format!("/admin/deliveries/{}/retry", log[0].id - 1), &[])
        .await;
    assert!(matches!(
        again.status(),
        StatusCode::CONFLICT | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    // A village member cannot read the log.
    app.new_visitor();
    app.login_as("kim.prigen.anggota").await;
    assert_eq!(
        app.get("/admin/deliveries").await.status(),
        StatusCode::FORBIDDEN
    );
    app.assert_no_panic();
    app.finish().await;
}

async fn a_flood_is_rate_limited_into_one_digest(engine: Engine) {
    let (app, ctx, r) = set_up(engine).await;
    let who = simpul_app::accounts::actor(&ctx, r.officer).await.unwrap();
    simpul_app::notify::save_settings(
        &ctx,
        &who,
        &AuditContext::system("test"),
        &[(
            Kind::Program,
            vec![simpul_core::notify::Channel::Email],
            false,
        )],
    )
    .await
    .unwrap();
    let limit = simpul_app::notify::rate_limit(simpul_core::notify::Channel::Email) as usize;
    let mut digested = 0;
    for i in 0..limit + 5 {
        let m = Message {
            kind: Kind::Program,
            priority: Priority::Normal,
            template: "test".into(),
            args: vec![],
            link: format!("/program/{i}"),
            dedupe_key: Some(format!("program-{i}")),
        };
        let report = notify(&ctx, &Audience::Users(vec![r.officer]), &m)
            .await
            .unwrap();
        digested += report.digested;
    }
    assert_eq!(
        digested, 5,
        "the messages over the hourly limit wait for the digest"
    );
    let mails = r.smtp.wait_for(limit, Duration::from_secs(40)).await;
    assert_eq!(mails.len(), limit);
    // The digest job sends the rest as one mail.
    let job = simpul_app::notify::DIGEST.job(serde_json::json!({}), None, None);
    app.store.enqueue(&job).await.unwrap();
    let mails = r.smtp.wait_for(limit + 1, Duration::from_secs(40)).await;
    assert_eq!(mails.len(), limit + 1);
    assert!(
        mails
            .iter()
            .any(|m| m.contains("ringkasan 5 pemberitahuan")),
        "{mails:?}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        r.smtp
            .wait_for(limit + 1, Duration::from_millis(10))
            .await
            .len(),
        limit + 1
    );
    // All of them are in the app.
    assert_eq!(
        app.store.notifications(r.officer, 100).await.unwrap().len(),
        limit + 5
    );
    app.finish().await;
}

async fn urgent_alerts_cannot_be_switched_off_and_the_test_button_shows_each_channel(
    engine: Engine,
) {
    let (app, _ctx, r) = set_up(engine).await;
    app.login_as("kim.prigen.ketua").await;
    let (status, html) = app.get_text("/account/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Peringatan darurat"));
    // Unticking every channel of the alerts is refused with a message; other kinds may be
    // reduced to the app alone.
    let r1 = app
        .post_form("/account/notifications", &[("program", "email")])
        .await;
    assert_eq!(r1.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r1.text().await.unwrap();
    assert!(html.contains("pilih minimal satu saluran lain"), "{html}");
    let r2 = app
        .post_form(
            "/account/notifications",
            &[("alert", "gateway"), ("hoax", "push")],
        )
        .await;
    assert_eq!(r2.status(), StatusCode::SEE_OTHER);
    let saved = app.store.prefs_of(&[r.officer]).await.unwrap();
    let alert = saved.iter().find(|(_, p)| p.kind == Kind::Alert).unwrap();
    assert_eq!(alert.1.channels.len(), 2, "app and the gateway");
    // Contact with a bad phone number: a field message, the typed value kept.
    let r3 = app
        .post_form(
            "/account/notifications/contact",
            &[("email", "ketua@desa.test"), ("phone", "12ab")],
        )
        .await;
    assert_eq!(r3.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r3.text().await.unwrap();
    assert!(html.contains("value=\"12ab\""));
    // The test goes to every channel the person can receive.
    let r4 = app.post_form("/account/notifications/test", &[]).await;
    assert_eq!(r4.status(), StatusCode::SEE_OTHER);
    wait_until("the test on every channel", || async {
        r.hook.bodies().len() == 1 && r.push.plaintexts().len() == 1
    })
    .await;
    r.smtp.wait_for(1, Duration::from_secs(30)).await;
    let (_, html) = app.get_text("/account/notifications?done=test").await;
    assert!(html.contains("Percobaan dikirim"));
    assert!(html.contains("WhatsApp/SMS melalui kantor"));
    app.assert_no_panic();
    app.finish().await;
}
