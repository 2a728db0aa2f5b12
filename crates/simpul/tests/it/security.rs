//! Regression tests for the hostile review's findings (issue 8) about secrets and grants: each
//! failed before its fix. The lifecycle of credentials and grants: whatever should be dead after
//! a change is dead.

use crate::common::{Engine, TestApp, PASSWORD};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_engines!(
    the_outbox_shows_no_secret_link_and_no_peer_admins_mail,
    a_delivered_mail_keeps_no_body,
    removing_or_demoting_a_member_ends_their_account_role,
    an_officer_invited_by_an_officer_waits_for_an_admins_approval,
    an_invitation_follows_the_member,
    a_password_change_ends_every_other_credential,
    an_admin_reset_or_deactivation_ends_every_credential,
    a_nik_in_a_kim_the_saver_cannot_see_is_not_revealed
);

/// The national admin creates an account (with an e-mail address) and returns its id.
async fn create_account(app: &TestApp, username: &str, role: &str, scope: &str) -> i64 {
    let token = app.api_token("nasional").await;
    let (kind, scope_ref) = if scope.is_empty() {
        ("national", "")
    } else {
        ("region", scope)
    };
    let r = app
        .api(
            Method::POST,
            "/api/v1/users",
            &token,
            Some(json!({"username": username, "display_name": username,
                "email": format!("{username}@example.id"), "password": PASSWORD,
                "role": role, "scope_kind": kind, "scope_ref": scope_ref})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "create {username}");
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn outbox_as(app: &mut TestApp, username: &str) -> String {
    app.new_visitor();
    app.login_as(username).await;
    let (status, html) = app.get_text("/admin/outbox").await;
    assert_eq!(status, StatusCode::OK);
    html
}

async fn the_outbox_shows_no_secret_link_and_no_peer_admins_mail(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    create_account(&app, "kominfo.jatim.dua", "provincial_admin", "35").await;
    // The attack: a provincial admin asks a reset for a peer and reads the link in the outbox.
    for who in ["kominfo.jatim.dua", "kominfo.kota-surabaya"] {
        app.new_visitor();
        let r = app.post_form("/password/forgot", &[("who", who)]).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let html = outbox_as(&mut app, "kominfo.jatim").await;
    assert!(
        !html.contains("kominfo.jatim.dua@example.id"),
        "a peer's mail is not listed"
    );
    assert!(
        html.contains("kominfo.kota-surabaya@demo.simpul.id"),
        "mail to an account the reader manages is listed"
    );
    assert!(!html.contains("/password/reset/"), "the link is hidden");
    assert!(html.contains("tautan rahasia, hanya untuk penerima"));
    // The national admin manages both, and sees neither link.
    let html = outbox_as(&mut app, "nasional").await;
    assert!(html.contains("kominfo.jatim.dua@example.id"));
    assert!(!html.contains("/password/reset/"));
    // The link exists only in what the mailer would send.
    let mails = app
        .store
        .outbox(&simpul_core::authz::ScopeRegions::All, 10)
        .await
        .unwrap();
    assert!(mails
        .iter()
        .all(|m| !m.body_text.contains("/password/reset/")
            && m.body_for_delivery().contains("/password/reset/")));
    app.finish().await;
}

async fn a_delivered_mail_keeps_no_body(engine: Engine) {
    use crate::common::smtp::SmtpServer;
    use std::time::Duration;
    let smtp = SmtpServer::start().await;
    let mut web = crate::common::web_config();
    web.smtp_enabled = true;
    let mailer =
        simpul_app::mail::Mailer::new(&smtp.url(), "Simpul <noreply@simpul.test>").unwrap();
    let app = TestApp::spawn_with(engine, web, Some(mailer)).await;
    app.post_form("/password/forgot", &[("who", "kominfo.kab-pasuruan")])
        .await;
    let delivered = smtp.wait_for(1, Duration::from_secs(20)).await;
    assert!(delivered[0].contains("/password/reset/"));
    // The mailer marks the row after the SMTP server accepted it.
    let mut row = None;
    for _ in 0..100 {
        let mails = app
            .store
            .outbox(&simpul_core::authz::ScopeRegions::All, 1)
            .await
            .unwrap();
        if mails[0].status == "sent" {
            row = Some(mails[0].clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let row = row.expect("marked sent");
    assert_eq!(row.body_text, "");
    assert!(!row.body_for_delivery().contains("/password/reset/"));
    app.finish().await;
}

async fn add_member(app: &TestApp, token: &str, kim: i64, body: Value) -> reqwest::Response {
    app.api(
        Method::POST,
        &format!("/api/v1/kims/{kim}/members"),
        token,
        Some(body),
    )
    .await
}

/// `inviter` invites the member through the members page; a new visitor accepts the invitation
/// as `username`. Returns the new account's id.
async fn invite_and_accept(
    app: &mut TestApp,
    inviter: &str,
    kim: i64,
    member: i64,
    username: &str,
) -> i64 {
    let path = invite_path(app, inviter, kim, member).await;
    accept(app, &path, username).await
}

async fn accept(app: &mut TestApp, path: &str, username: &str) -> i64 {
    app.new_visitor();
    let r = app
        .post_form(path, &[("username", username), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "invitation accepted");
    app.user_id(username).await
}

/// The invitation link's path, as its sender sees it on the members page.
async fn invite_path(app: &mut TestApp, inviter: &str, kim: i64, member: i64) -> String {
    app.new_visitor();
    app.login_as(inviter).await;
    app.invite(kim, member).await
}

async fn an_invitation_follows_the_member(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let kim = app.demo_officer_kim().await;
    let admin = app.api_token("kominfo.kab-pasuruan").await;
    let members = format!("/api/v1/kims/{kim}/members");
    let new_member = |name: &str| json!({"name": name, "role": "ketua"});
    // Invited as an officer, demoted before accepting: a member's account.
    let r = add_member(&app, &admin, kim, new_member("Ketua Lama")).await;
    let demoted = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = invite_path(&mut app, "kominfo.kab-pasuruan", kim, demoted).await;
    let r = app
        .api(
            Method::PUT,
            &format!("{members}/{demoted}"),
            &admin,
            Some(json!({"name": "Ketua Lama", "role": "anggota"})),
        )
        .await;
    assert!(r.status().is_success());
    let user = accept(&mut app, &path, "ketua.lama").await;
    assert_eq!(kim_roles(&app, user).await, ["kim_member"]);
    // Invited, then removed: the link is dead.
    let r = add_member(&app, &admin, kim, new_member("Ketua Batal")).await;
    let removed = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = invite_path(&mut app, "kominfo.kab-pasuruan", kim, removed).await;
    let r = app
        .api(
            Method::DELETE,
            &format!("{members}/{removed}"),
            &admin,
            None,
        )
        .await;
    assert!(r.status().is_success());
    app.new_visitor();
    assert_eq!(app.get(&path).await.status(), StatusCode::NOT_FOUND);
    app.finish().await;
}

async fn kim_roles(app: &TestApp, user: i64) -> Vec<String> {
    let mut roles: Vec<String> = app
        .store
        .grants_of(user)
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.role.as_str().to_owned())
        .collect();
    roles.sort();
    roles
}

async fn removing_or_demoting_a_member_ends_their_account_role(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let kim = app.demo_officer_kim().await;
    let admin = app.api_token("kominfo.kab-pasuruan").await;
    let r = add_member(
        &app,
        &admin,
        kim,
        json!({"name": "Wati Sekretaris", "role": "sekretaris"}),
    )
    .await;
    let member = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let user = invite_and_accept(
        &mut app,
        "kominfo.kab-pasuruan",
        kim,
        member,
        "wati.sekretaris",
    )
    .await;
    assert_eq!(
        kim_roles(&app, user).await,
        ["kim_officer"],
        "an admin's invitation of an officer gives an officer's account"
    );
    let wati = app.api_token("wati.sekretaris").await;
    let members = format!("/api/v1/kims/{kim}/members");
    assert_eq!(
        app.api(Method::GET, &members, &wati, None).await.status(),
        StatusCode::OK
    );
    // Demoted to an ordinary member: the officer's rights end at once.
    let r = app
        .api(
            Method::PUT,
            &format!("{members}/{member}"),
            &admin,
            Some(json!({"name": "Wati Sekretaris", "role": "anggota"})),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(kim_roles(&app, user).await, ["kim_member"]);
    assert_eq!(
        app.api(Method::GET, &members, &wati, None).await.status(),
        StatusCode::FORBIDDEN,
        "a demoted officer no longer reads the members' personal data"
    );
    // Removed: nothing is left on this KIM.
    let r = app
        .api(Method::DELETE, &format!("{members}/{member}"), &admin, None)
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    assert!(kim_roles(&app, user).await.is_empty());
    app.finish().await;
}

async fn an_officer_invited_by_an_officer_waits_for_an_admins_approval(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let kim = app.demo_officer_kim().await;
    let officer = app.api_token("kim.prigen.ketua").await;
    let r = add_member(
        &app,
        &officer,
        kim,
        json!({"name": "Bendahara Baru", "role": "bendahara"}),
    )
    .await;
    let member = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let user = invite_and_accept(&mut app, "kim.prigen.ketua", kim, member, "bendahara.baru").await;
    assert_eq!(
        kim_roles(&app, user).await,
        ["kim_member"],
        "an officer cannot mint an officer's account"
    );
    // The officer may not approve; the kabupaten admin is told and approves.
    app.new_visitor();
    app.login_as("kim.prigen.ketua").await;
    let approve = format!("/kim/{kim}/members/{member}/approve-officer");
    assert_eq!(
        app.post_form(&approve, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let (_, dashboard) = app.get_text("/dashboard").await;
    assert!(
        dashboard.contains("Persetujuan peran pengurus KIM"),
        "the admin is told"
    );
    let (_, page) = app.get_text(&format!("/kim/{kim}/members/{member}")).await;
    assert!(page.contains("Setujui sebagai pengurus"));
    assert_eq!(
        app.post_form(&approve, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(kim_roles(&app, user).await, ["kim_officer"]);
    app.finish().await;
}

/// Signs in `username` in a fresh browser; returns that browser.
async fn browser(app: &TestApp, username: &str, password: &str) -> TestApp {
    let engine = app.engine;
    let mut b = TestApp::attach(engine, app.db_url(), crate::common::web_config(), None).await;
    b.new_visitor();
    assert_eq!(
        b.login(username, password).await.status(),
        StatusCode::SEE_OTHER
    );
    b
}

async fn signed_in(b: &TestApp) -> bool {
    let r = b.get("/account/tokens").await;
    r.status() == StatusCode::OK && r.url().path() == "/account/tokens"
}

async fn token_works(app: &TestApp, token: &str) -> bool {
    app.api(Method::GET, "/api/v1/me", token, None)
        .await
        .status()
        == StatusCode::OK
}

/// A live reset link for `username`, made as the forgot-password form would.
async fn reset_token(app: &TestApp, username: &str) -> String {
    let user = app.user_id(username).await;
    let mail = simpul_store::outbox::OutgoingMail {
        to: format!("{username}@example.id"),
        subject: "reset".into(),
        body: "{secret}".into(),
        secret: Some("{token}".into()),
        user_id: Some(user),
        ..Default::default()
    };
    let ctx = simpul_core::audit::AuditContext::system("test");
    app.store
        .create_password_reset(&ctx, user, chrono::Duration::hours(1), mail)
        .await
        .unwrap()
}

async fn reset_link_works(app: &TestApp, token: &str) -> bool {
    app.get(&format!("/password/reset/{token}")).await.status() == StatusCode::OK
}

async fn a_password_change_ends_every_other_credential(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let user = "kominfo.kab-pasuruan";
    let here = browser(&app, user, PASSWORD).await;
    let elsewhere = browser(&app, user, PASSWORD).await;
    let token = app.api_token(user).await;
    let reset = reset_token(&app, user).await;
    assert!(token_works(&app, &token).await && reset_link_works(&app, &reset).await);
    // A wrong current password changes nothing.
    let r = here
        .post_form(
            "/account/password",
            &[
                ("current", "salah-sekali-123"),
                ("password", "kata-sandi-baru-2026"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Kata sandi saat ini salah"));
    assert!(signed_in(&elsewhere).await);
    let r = here
        .post_form(
            "/account/password",
            &[("current", PASSWORD), ("password", "kata-sandi-baru-2026")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(signed_in(&here).await, "this browser stays signed in");
    assert!(!signed_in(&elsewhere).await, "other sessions end");
    assert!(!token_works(&app, &token).await, "API tokens end");
    assert!(!reset_link_works(&app, &reset).await, "reset links end");
    app.new_visitor();
    assert_eq!(
        app.login(user, "kata-sandi-baru-2026").await.status(),
        StatusCode::SEE_OTHER
    );
    here.finish().await;
    elsewhere.finish().await;
    app.finish().await;
}

async fn an_admin_reset_or_deactivation_ends_every_credential(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let target = "kim.prigen.ketua";
    let target_id = app.user_id(target).await;
    let admin = app.api_token("kominfo.kab-pasuruan").await;
    // A password set by an administrator.
    let session = browser(&app, target, PASSWORD).await;
    let token = app.api_token(target).await;
    let reset = reset_token(&app, target).await;
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/users/{target_id}/password"),
            &admin,
            Some(json!({"password": "dari-admin-2026"})),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    assert!(!signed_in(&session).await);
    assert!(!token_works(&app, &token).await);
    assert!(!reset_link_works(&app, &reset).await);
    session.finish().await;
    // Deactivation.
    let session = browser(&app, target, "dari-admin-2026").await;
    let reset = reset_token(&app, target).await;
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/users/{target_id}/active"),
            &admin,
            Some(json!({"active": false})),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    assert!(!signed_in(&session).await);
    assert!(!reset_link_works(&app, &reset).await);
    session.finish().await;
    app.finish().await;
}

async fn a_nik_in_a_kim_the_saver_cannot_see_is_not_revealed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let prigen = app.demo_officer_kim().await;
    // Another KIM of Kabupaten Pasuruan, which the Prigen officer may not see inside.
    let list: Value = app
        .get("/api/v1/kims?region=35.14&limit=50")
        .await
        .json()
        .await
        .unwrap();
    let other = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_i64().unwrap())
        .find(|id| *id != prigen)
        .expect("another KIM in Kabupaten Pasuruan");
    // A NIK from Kabupaten Pasuruan (35.14), born 1990-07-05, female (day + 40).
    let nik = "3514104507900077";
    let member = |name: &str| json!({"name": name, "role": "anggota", "nik": nik, "consent_on": "2026-01-05"});
    let admin = app.api_token("kominfo.kab-pasuruan").await;
    let r = add_member(&app, &admin, other, member("Sri Lestari")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let admin_id = app.user_id("kominfo.kab-pasuruan").await;
    let notes_before = app.store.notifications(admin_id, 100).await.unwrap().len();
    // The officer learns nothing about the other KIM: the member is saved...
    let officer = app.api_token("kim.prigen.ketua").await;
    let r = add_member(&app, &officer, prigen, member("Sri L.")).await;
    assert_eq!(r.status(), StatusCode::CREATED, "no oracle");
    // ...and the region's administrators are told.
    let notes = app.notifications_at_least(admin_id, notes_before + 1).await;
    assert_eq!(notes.len(), notes_before + 1);
    assert!(notes[0].title.contains("NIK sama"));
    assert!(notes[0]
        .link
        .starts_with(&format!("/kim/{prigen}/members/")));
    // Who may see both KIMs is told directly.
    let r = add_member(&app, &admin, other, member("Sri Lestari 2")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    app.finish().await;
}
