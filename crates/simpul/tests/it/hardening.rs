//! Findings of the hostile security review (issue 8) on the HTTP surface: redirects, the login
//! throttle under parallel attempts, far-future audit filters, huge page numbers, request ids.

use crate::common::{header, Engine, TestApp, PASSWORD};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_engines!(
    redirects_after_login_or_language_switch_stay_on_the_site,
    parallel_logins_cannot_pass_the_throttle_together,
    a_far_future_audit_filter_is_a_field_error,
    huge_page_numbers_are_clamped_everywhere,
    request_ids_are_made_by_the_server,
);

async fn redirects_after_login_or_language_switch_stay_on_the_site(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    for (next, to) in [
        ("/%09/evil.example", "/dashboard"),
        ("/%0a", "/dashboard"),
        ("/%0d%0a/evil.example", "/dashboard"),
        ("/%5Cevil.example", "/dashboard"),
        ("//evil.example", "/dashboard"),
        ("/%20/evil.example", "/dashboard"),
        ("https://evil.example", "/dashboard"),
        ("/kim%3Fq%3Dprigen", "/kim?q=prigen"),
        ("", "/"),
    ] {
        let r = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "next={next}");
        assert_eq!(header(r.headers(), "location"), to, "next={next}");
    }
    for (next, to) in [
        ("/\t/evil.example", "/dashboard"),
        ("/\n", "/dashboard"),
        ("/kim/map", "/kim/map"),
    ] {
        app.new_visitor();
        let r = app
            .post_form(
                "/login",
                &[
                    ("username", "kominfo.jatim"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "next={next:?}");
        assert_eq!(header(r.headers(), "location"), to, "next={next:?}");
    }
    app.finish().await;
}

async fn token_attempt(client: &reqwest::Client, url: &str, password: &str) -> StatusCode {
    client
        .post(url)
        .json(&json!({"username": "kominfo.jatim", "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

async fn parallel_logins_cannot_pass_the_throttle_together(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    // Twelve wrong passwords at once against a limit of five failures per account.
    let url = app.url("/api/v1/auth/token");
    let attempts: Vec<_> = (0..12)
        .map(|i| {
            let (client, url) = (app.client.clone(), url.clone());
            tokio::spawn(async move { token_attempt(&client, &url, &format!("wrong-{i}")).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert!(
        checked <= 5,
        "{checked} passwords were checked: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| matches!(*s, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS)),
        "{statuses:?}"
    );
    // Up to the limit (parallel attempts may have been refused before reaching it), then the
    // right password waits too.
    while token_attempt(&app.client, &url, "wrong").await == StatusCode::UNAUTHORIZED {}
    assert_eq!(
        token_attempt(&app.client, &url, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.finish().await;
}

async fn a_far_future_audit_filter_is_a_field_error(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("nasional").await;
    for (query, field) in [
        ("until=%2B262142-12-31", "until"),
        ("until=9999-12-31", ""),
        ("from=%2B262142-12-31", "from"),
        ("from=-262143-01-01", "from"),
        ("from=0001-01-01", "from"),
    ] {
        let r = app
            .api(Method::GET, &format!("/api/v1/audit?{query}"), &token, None)
            .await;
        if field.is_empty() {
            assert_eq!(r.status(), StatusCode::OK, "{query}");
            continue;
        }
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(
            header(r.headers(), "content-type"),
            "application/problem+json"
        );
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    app.login_as("nasional").await;
    let r = app.get("/admin/audit?until=%2B262142-12-31").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"id="until-error""#) && html.contains("9999-12-31"),
        "the form shows the field's message"
    );
    let r = app.get("/admin/audit.csv?until=%2B262142-12-31").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}

async fn huge_page_numbers_are_clamped_everywhere(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kominfo.jatim").await;
    // Beyond 64 bits a page number is refused (400), as the API document says int64.
    for page in ["9223372036854775808", "99999999999999999999999"] {
        let r = app
            .api(
                Method::GET,
                &format!("/api/v1/users?page={page}"),
                &token,
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "page={page}");
    }
    for page in ["9223372036854775807", "-9223372036854775808"] {
        let r = app
            .api(
                Method::GET,
                &format!("/api/v1/users?page={page}"),
                &token,
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "page={page}");
        let users: Value = r.json().await.unwrap();
        let first_page = page.starts_with('-');
        assert_eq!(
            users.as_array().unwrap().is_empty(),
            !first_page,
            "page={page} must not wrap around to page 1"
        );
        let r = app
            .api(
                Method::GET,
                &format!("/api/v1/kims?page={page}"),
                &token,
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "page={page}");
        let kims: Value = r.json().await.unwrap();
        assert_eq!(kims["page"], if first_page { 1 } else { 100_000 });
    }
    app.login_as("kominfo.jatim").await;
    for path in ["/admin/users", "/kim"] {
        let (status, _) = app
            .get_text(&format!("{path}?page=9223372036854775807"))
            .await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    assert_eq!(
        app.get("/kim?page=lots").await.status(),
        StatusCode::BAD_REQUEST
    );
    app.finish().await;
}

async fn request_ids_are_made_by_the_server(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let r = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("x-request-id", "job-1")
        .json(&json!({"username": "kominfo.jatim", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = header(r.headers(), "x-request-id").to_owned();
    assert_eq!(id.len(), 36, "a server-made UUID, not the client's {id:?}");
    let token = app.api_token("nasional").await;
    let log: Value = app
        .api(
            Method::GET,
            "/api/v1/audit?action=token.create",
            &token,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["request_id"].as_str())
        .collect();
    assert!(ids.contains(&id.as_str()), "{ids:?}");
    assert!(!ids.contains(&"job-1"), "{ids:?}");
    app.finish().await;
}
