//! Public pages under a surge: anonymous visitors get cached renders with validators, signed-in
//! people never do, no visitor's secret is ever replayed, and a change anywhere (this instance,
//! another instance, another process) drops the stale pages.

use crate::common::{header, new_client, postgres_url, web_config, Engine, TestApp};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;
use std::time::{Duration, Instant};

on_both_engines!(
    anonymous_pages_carry_validators_and_answer_304,
    a_cached_page_is_refreshed_when_an_admin_verifies_a_kim,
    a_write_by_another_process_drops_the_cache_within_seconds,
    signed_in_pages_are_private_and_never_cached,
    no_visitor_secret_is_ever_in_a_cached_page,
);

/// Fetch `path` as a visitor without cookies.
async fn anonymous(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = new_client().0.get(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

async fn anonymous_text(app: &TestApp, path: &str) -> String {
    let r = anonymous(app, path, &[]).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.text().await.unwrap()
}

/// Change a KIM's name directly in the database, as another process would, without the audit
/// entry a real change writes.
async fn rename_unaudited(app: &TestApp, id: i64, name: &str) {
    let sql = "UPDATE kims SET name = $1 WHERE id = $2";
    match app.engine {
        Engine::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(app.db_url()).await.unwrap();
            sqlx::query(sql)
                .bind(name)
                .bind(id)
                .execute(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
        }
        Engine::Postgres => {
            let mut c = sqlx::PgConnection::connect(app.db_url()).await.unwrap();
            sqlx::query(sql)
                .bind(name)
                .bind(id)
                .execute(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
        }
    }
}

/// The demo officer registers and submits a KIM in their village; its id.
async fn submit_kim(app: &TestApp, name: &str) -> i64 {
    let officer = app.api_token("kim.prigen.ketua").await;
    let own: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/kims/{}", app.demo_officer_kim().await),
            &officer,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .api(
            Method::POST,
            "/api/v1/kims",
            &officer,
            Some(json!({"name": name, "village": own["village"], "submit": "1"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Poll `path` anonymously until its body contains `needle`; the time it took.
async fn until_shown(app: &TestApp, path: &str, needle: &str, within: Duration) -> Duration {
    let start = Instant::now();
    loop {
        if anonymous_text(app, path).await.contains(needle) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < within,
            "{path} did not show {needle:?} within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn anonymous_pages_carry_validators_and_answer_304(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let kim = app.demo_officer_kim().await;
    for path in [
        "/".to_owned(),
        "/regions".into(),
        "/regions/35.14".into(),
        "/regions/search?q=prigen".into(),
        "/kim".into(),
        "/kim?region=35.14".into(),
        format!("/kim/{kim}"),
        "/kim/map".into(),
        "/api/v1/regions?q=prigen".into(),
        "/api/v1/regions/35.14".into(),
        "/api/v1/kims?region=35.14".into(),
        "/api/v1/kims.geojson".into(),
        "/programs/region/35.14/calendar.ics".into(),
        "/programs/office/35/calendar.ics".into(),
        "/api/v1/hoax/claimreview".into(),
    ] {
        let r = anonymous(&app, &path, &[]).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let h = r.headers().clone();
        assert!(
            header(&h, "cache-control").starts_with("public, max-age="),
            "{path}: {}",
            header(&h, "cache-control")
        );
        assert!(header(&h, "vary").contains("Cookie"), "{path}");
        assert!(h.get("set-cookie").is_none(), "{path} sets a cookie");
        let etag = header(&h, "etag").to_owned();
        let modified = header(&h, "last-modified").to_owned();
        assert!(etag.starts_with('"') && !modified.is_empty(), "{path}");
        assert!(!header(&h, "content-security-policy").is_empty(), "{path}");
        let body = r.bytes().await.unwrap();

        let r = anonymous(&app, &path, &[("if-none-match", &etag)]).await;
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(header(r.headers(), "etag"), etag);
        assert!(r.bytes().await.unwrap().is_empty());
        let r = anonymous(&app, &path, &[("if-modified-since", &modified)]).await;
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{path}");
        let r = anonymous(&app, &path, &[("if-none-match", "\"something-else\"")]).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");

        // Compressed once, served to clients that take gzip; the same page either way.
        let r = anonymous(&app, &path, &[("accept-encoding", "gzip")]).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(r.headers(), "content-encoding"), "gzip", "{path}");
        assert_ne!(header(r.headers(), "etag"), etag, "{path}");
        let zipped = r.bytes().await.unwrap();
        let mut plain = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&zipped[..]), &mut plain)
            .unwrap();
        assert_eq!(plain, body, "{path}");
    }
    // Language is part of the key: the same URL in English and in Bahasa Indonesia.
    let id = anonymous_text(&app, "/regions").await;
    let r = anonymous(&app, "/regions", &[("cookie", "simpul_lang=en")]).await;
    let en = r.text().await.unwrap();
    assert!(id.contains("lang=\"id\"") && en.contains("lang=\"en\""));
    assert_eq!(anonymous_text(&app, "/regions").await, id);
    app.finish().await;
}

async fn a_cached_page_is_refreshed_when_an_admin_verifies_a_kim(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let directory = "/kim?q=Tembolok";
    let before = anonymous_text(&app, directory).await;
    assert!(!before.contains("KIM Cahaya Tembolok"));
    let id = submit_kim(&app, "KIM Cahaya Tembolok").await;
    let admin = app.api_token("kominfo.kab-pasuruan").await;
    // Submitting changes nothing public, but drops the cache all the same; ask again so the
    // page is cached when the admin acts.
    assert!(!anonymous_text(&app, directory)
        .await
        .contains("KIM Cahaya Tembolok"));

    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/kims/{id}/transitions"),
            &admin,
            Some(json!({"action": "verify"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Dropped by the request itself, not a second later.
    assert!(anonymous_text(&app, directory)
        .await
        .contains("KIM Cahaya Tembolok"));
    assert!(anonymous_text(&app, &format!("/kim/{id}"))
        .await
        .contains("KIM Cahaya Tembolok"));
    app.finish().await;
}

async fn a_write_by_another_process_drops_the_cache_within_seconds(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let kim = app.demo_officer_kim().await;
    let profile = format!("/kim/{kim}");
    let first = anonymous(&app, &profile, &[]).await;
    let etag = header(first.headers(), "etag").to_owned();
    let original = first.text().await.unwrap();
    // Written behind the server's back and not audited: the cached page stays, which shows it
    // is served from the cache.
    rename_unaudited(&app, kim, "KIM Diganti Diam Diam").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let r = anonymous(&app, &profile, &[]).await;
    assert_eq!(header(r.headers(), "etag"), etag);
    assert_eq!(r.text().await.unwrap(), original);
    // Every real change is audited; the audit log moving drops the cache within seconds.
    app.store
        .record_audit(
            &simpul_core::audit::AuditContext::system("test"),
            &simpul_core::audit::AuditEvent::new("kim.update", "kim", kim),
        )
        .await
        .unwrap();
    let took = until_shown(
        &app,
        &profile,
        "KIM Diganti Diam Diam",
        Duration::from_secs(5),
    )
    .await;
    eprintln!("refreshed after another process's write in {took:?}");
    app.finish().await;
}

async fn signed_in_pages_are_private_and_never_cached(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let path = "/kim?region=35.14";
    // An anonymous render is cached first; the signed-in person must not get it.
    anonymous_text(&app, path).await;
    app.login_as("kominfo.jatim").await;
    for _ in 0..2 {
        let r = app.get(path).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(r.headers(), "cache-control"), "private, no-store");
        assert!(r.headers().get("etag").is_none());
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"current-user\"") && html.contains("kominfo.jatim"));
    }
    // And what the signed-in person saw is not stored for the next visitor.
    let html = anonymous_text(&app, path).await;
    assert!(!html.contains("current-user") && !html.contains("logout-form"));
    // An API caller with a token is signed in too.
    let token = app.api_token("kominfo.jatim").await;
    let r = app
        .api(Method::GET, "/api/v1/kims?region=35.14", &token, None)
        .await;
    assert_eq!(header(r.headers(), "cache-control"), "private, no-store");
    assert!(r.headers().get("etag").is_none());
    app.finish().await;
}

async fn no_visitor_secret_is_ever_in_a_cached_page(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let kim = app.demo_officer_kim().await;
    let pages = [
        "/".to_owned(),
        "/regions/35.14".into(),
        "/kim?region=35.14".into(),
        format!("/kim/{kim}"),
    ];
    let mut request_ids = std::collections::HashSet::new();
    for round in 0..2 {
        // A visitor who already holds a CSRF token (from the login page).
        app.new_visitor();
        let token = app.csrf().await;
        for path in &pages {
            let r = app.get(path).await;
            assert_eq!(r.status(), StatusCode::OK);
            assert!(
                r.headers().get("set-cookie").is_none(),
                "{path}, round {round}"
            );
            assert!(header(r.headers(), "cache-control").starts_with("public"));
            let id = header(r.headers(), "x-request-id").to_owned();
            assert!(
                id.len() == 36 && request_ids.insert(id),
                "one request id per response"
            );
            let html = r.text().await.unwrap();
            assert!(!html.contains(&token), "{path} holds the visitor's token");
            assert!(!html.contains("csrf_token"), "{path} holds a form token");
        }
    }
    app.finish().await;
}

/// Two servers on one PostgreSQL: a change made through A drops B's cached pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_refreshes_the_others_cache() {
    if postgres_url().is_none() {
        eprintln!("SIMPUL_TEST_POSTGRES_URL not set: multi-instance test not run");
        return;
    }
    let a = TestApp::spawn(Engine::Postgres).await;
    let b = TestApp::attach(Engine::Postgres, a.db_url(), web_config(), None).await;
    // An officer submits a KIM through A (dropping every instance's cache); then B caches
    // the directory without it.
    let id = submit_kim(&a, "KIM Cahaya Tembolok").await;
    let admin = a.api_token("kominfo.kab-pasuruan").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let directory = "/kim?q=Tembolok";
    assert!(!anonymous_text(&b, directory)
        .await
        .contains("KIM Cahaya Tembolok"));
    // B serves its cached pages while nothing it can hear of has changed.
    let kim = a.demo_officer_kim().await;
    let profile = format!("/kim/{kim}");
    let original = anonymous_text(&b, &profile).await;
    rename_unaudited(&a, kim, "KIM Nama Lama Tersimpan").await;
    assert_eq!(anonymous_text(&b, &profile).await, original);
    // Its admin verifies it through A.
    let r = a
        .api(
            Method::POST,
            &format!("/api/v1/kims/{id}/transitions"),
            &admin,
            Some(json!({"action": "verify"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let took = until_shown(&b, directory, "KIM Cahaya Tembolok", Duration::from_secs(3)).await;
    eprintln!("instance B refreshed {took:?} after the change through A");
    b.finish().await;
    a.finish().await;
}
