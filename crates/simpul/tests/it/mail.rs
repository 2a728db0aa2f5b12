use crate::common::smtp::SmtpServer;
use crate::common::{web_config, Engine, TestApp};
use crate::on_both_engines;
use reqwest::StatusCode;
use simpul_app::mail::Mailer;
use std::time::Duration;

on_both_engines!(
    password_reset_by_mail_through_smtp,
    without_smtp_mail_waits_in_the_outbox,
    a_ticket_mail_shows_the_qr_code_as_an_image
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

/// The body of the MIME part of `content_type` in a raw mail, base64-decoded.
fn mime_part(mail: &str, content_type: &str) -> Option<(String, Vec<u8>)> {
    use base64::Engine as _;
    let at = mail.find(&format!("Content-Type: {content_type}"))?;
    // The part's headers start after its boundary line (Content-ID may come first).
    let start = mail[..at].rfind("\n--").map(|i| i + 1)?;
    let part = &mail[start..];
    let part = &part[part.find('\n')? + 1..];
    let (headers, rest) = part
        .split_once("\r\n\r\n")
        .or_else(|| part.split_once("\n\n"))?;
    let body: String = rest
        .lines()
        .take_while(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .concat();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()?;
    Some((headers.to_owned(), bytes))
}

async fn a_ticket_mail_shows_the_qr_code_as_an_image(engine: Engine) {
    let smtp = SmtpServer::start().await;
    let mut web = web_config();
    web.smtp_enabled = true;
    let mailer = Mailer::new(&smtp.url(), "Simpul <noreply@simpul.test>").unwrap();
    let app = TestApp::spawn_with(engine, web, Some(mailer)).await;
    let id = crate::events::sample_event(&app.store, "35.14", chrono::Duration::days(2), 1, 10, "")
        .await;
    app.login_as("kim.prigen.anggota").await;
    let r = app.post_form(&format!("/events/{id}/register"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, ticket) = app.get_text(&format!("/events/{id}/ticket")).await;
    let code = ticket
        .split("id=\"ticket-code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let mails = smtp.wait_for(1, Duration::from_secs(30)).await;
    let mail = mails
        .iter()
        .find(|m| m.contains("Terdaftar"))
        .expect("the ticket mail");
    // Text for every mail client, HTML showing the picture by its Content-ID, and the PNG.
    assert!(mail.contains("multipart/alternative") && mail.contains("multipart/related"));
    assert!(mail.contains("Content-Type: text/plain"));
    assert!(mail.contains("cid:ticket-qr"), "{mail}");
    let (headers, png) = mime_part(mail, "image/png").expect("an image part");
    assert!(headers.contains("Content-ID: <ticket-qr>"), "{headers}");
    assert!(headers.contains("inline"), "{headers}");
    let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .expect("a PNG")
        .to_luma8();
    assert!(img.width() >= 200, "big enough to scan");
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        img.width() as usize,
        img.height() as usize,
        |x, y| img.get_pixel(x as u32, y as u32).0[0],
    );
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().expect("a readable QR code");
    assert_eq!(content, code, "the picture is the ticket's code");
    app.finish().await;
}
