use crate::common::smtp::SmtpServer;
use crate::common::{web_config, Engine, TestApp};
use crate::on_both_engines;
use reqwest::StatusCode;
use simpul_app::mail::Mailer;
use std::time::Duration;

on_both_engines!(
    password_reset_by_mail_through_smtp,
    without_smtp_mail_waits_in_the_outbox
);

fn reset_link(mail: &str) -> String {
    // Quoted-printable may wrap long lines with "=\n".
    let unfolded = mail.replace("=\r\n", "").replace("=\n", "");
    let start = unfolded
        .find("http://simpul.test/password/reset/")
        .expect("mail carries the reset link");
    unfolded[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

async fn password_reset_by_mail_through_smtp(engine: Engine) {
    let smtp = SmtpServer::start().await;
    let mut web = web_config();
    web.smtp_enabled = true;
    let mailer = Mailer::new(&smtp.url(), "Simpul <noreply@simpul.test>").unwrap();
    let mut app = TestApp::spawn_with(engine, web, Some(mailer)).await;
    let r = app
        .post_form("/password/forgot", &[("who", "kominfo.kab-pasuruan")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("tautan untuk membuat kata sandi baru sudah dikirim"));
    // An unknown account gets the same answer and no mail.
    let r = app
        .post_form("/password/forgot", &[("who", "nobody@example.id")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mails = smtp.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.contains("kominfo.kab-pasuruan@demo.simpul.id"));
    assert!(mail.contains("Simpul: buat kata sandi baru"));
    let link = reset_link(mail);
    let path = link.trim_start_matches("http://simpul.test");
    assert_eq!(app.get(path).await.status(), StatusCode::OK);
    let token = path.rsplit('/').next().unwrap().to_owned();
    let r = app
        .post_form(
            "/password/reset",
            &[("token", &token), ("password", "short")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            "/password/reset",
            &[("token", &token), ("password", "kata-sandi-baru-2026")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Used once only.
    let r = app
        .post_form(
            "/password/reset",
            &[("token", &token), ("password", "kata-sandi-lain-2026")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.new_visitor();
    assert_eq!(
        app.login("kominfo.kab-pasuruan", "kata-sandi-baru-2026")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let sent = app
        .store
        .outbox(&simpul_core::authz::ScopeRegions::All, 10)
        .await
        .unwrap();
    assert_eq!(sent[0].status, "sent");
    app.finish().await;
}

async fn without_smtp_mail_waits_in_the_outbox(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    app.post_form(
        "/password/forgot",
        &[("who", "kominfo.kota-surabaya@demo.simpul.id")],
    )
    .await;
    app.new_visitor();
    app.login_as("kominfo.jatim").await;
    let (status, html) = app.get_text("/admin/outbox").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("kominfo.kota-surabaya@demo.simpul.id"));
    assert!(
        !html.contains("/password/reset/"),
        "the secret link is for the recipient only"
    );
    // Regency admins cannot read the outbox.
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    assert_eq!(
        app.get("/admin/outbox").await.status(),
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}
