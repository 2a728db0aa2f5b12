use crate::common::{header, Engine, TestApp, PASSWORD};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::Value;

on_both_engines!(
    login_and_logout,
    wrong_password_is_explained_in_the_users_language,
    login_is_throttled_per_account,
    forms_without_csrf_token_are_refused,
    api_tokens_are_issued_used_and_revoked,
    language_switch_sets_a_cookie_and_returns,
);

async fn login_and_logout(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let r = app.login("kominfo.jatim", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(r.headers(), "location"), "/dashboard");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("simpul_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (status, html) = app.get_text("/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<span id="current-user""#) && html.contains("kominfo.jatim"));
    let session = app.cookie("simpul_session").unwrap();
    let r = app.post_form("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The old session cookie no longer works, even if replayed.
    let (client, _) = crate::common::new_client();
    let r = client
        .get(app.url("/dashboard"))
        .header("cookie", format!("simpul_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(r.headers(), "location"), "/login?next=%2Fdashboard");
    // Login and logout are in the audit log.
    let entries = app
        .store
        .audit_entries(
            &simpul_core::authz::ScopeRegions::All,
            &Default::default(),
            50,
        )
        .await
        .unwrap();
    assert!(entries
        .iter()
        .any(|e| e.action == "auth.login" && e.actor_name == "kominfo.jatim"));
    assert!(entries.iter().any(|e| e.action == "auth.logout"));
    app.finish().await;
}

async fn wrong_password_is_explained_in_the_users_language(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let r = app.login("kominfo.jatim", "wrong password!").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Nama pengguna atau kata sandi salah."),
        "Indonesian by default"
    );
    app.new_visitor();
    app.get("/lang/en").await;
    let r = app.login("nobody-here", "wrong password!").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Wrong username or password."));
    app.finish().await;
}

async fn login_is_throttled_per_account(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    for _ in 0..5 {
        assert_eq!(
            app.login("kominfo.kab-pasuruan", "not the password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password waits now.
    let r = app.login("kominfo.kab-pasuruan", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("Terlalu banyak percobaan"));
    // The API shares the throttle.
    let r = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .json(&serde_json::json!({"username": "kominfo.kab-pasuruan", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another account from the same address is not locked out by it.
    app.login_as("kominfo.jatim").await;
    app.finish().await;
}

async fn forms_without_csrf_token_are_refused(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.csrf().await;
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[("username", "kominfo.jatim"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Formulir sudah kedaluwarsa"));
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", "0".repeat(64).as_str()),
            ("username", "kominfo.jatim"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Malformed bodies are a 400 too, never a 500.
    let r = app
        .client
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("%%%")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    app.finish().await;
}

async fn api_tokens_are_issued_used_and_revoked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let r = app.get("/api/v1/me").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(r.headers(), "content-type"),
        "application/problem+json"
    );
    let token = app.api_token("kominfo.kab-pasuruan").await;
    assert!(token.starts_with("smp_"));
    let me: Value = app
        .api(Method::GET, "/api/v1/me", &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "kominfo.kab-pasuruan");
    assert_eq!(me["grants"][0]["role"], "regency_admin");
    assert_eq!(me["grants"][0]["scope_ref"], "35.14");
    let tokens: Vec<Value> = app
        .api(Method::GET, "/api/v1/auth/tokens", &token, None)
        .await
        .json()
        .await
        .unwrap();
    let id = tokens[0]["id"].as_i64().unwrap();
    assert!(tokens[0].get("token").is_none(), "secrets are never listed");
    let r = app
        .api(
            Method::DELETE,
            &format!("/api/v1/auth/tokens/{id}"),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", &token, None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // Bad JSON is a problem document in the caller's language.
    let r = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("accept-language", "en")
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["status"], 400);
    assert!(p["detail"].as_str().unwrap().contains("not valid JSON"));
    app.finish().await;
}

async fn language_switch_sets_a_cookie_and_returns(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let r = app.get("/lang/en?next=/regions/35").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(r.headers(), "location"), "/regions/35");
    let (_, html) = app.get_text("/regions/35").await;
    assert!(html.contains(r#"<html lang="en">"#) && html.contains("Regencies/cities"));
    // Off-site redirects are not followed.
    let r = app.get("/lang/id?next=//evil.example").await;
    assert_eq!(header(r.headers(), "location"), "/dashboard");
    assert_eq!(app.get("/lang/xx").await.status(), StatusCode::NOT_FOUND);
    app.finish().await;
}
