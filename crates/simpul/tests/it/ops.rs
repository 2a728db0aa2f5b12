use crate::common::{header, Engine, TestApp};
use crate::on_both_engines;
use reqwest::StatusCode;
use serde_json::Value;

on_both_engines!(
    health_metrics_and_headers,
    openapi_describes_the_api,
    static_assets_are_cached_and_small
);

async fn health_metrics_and_headers(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let health: Value = app.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["database"],
        if engine == Engine::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
    let r = app.get("/regions").await;
    for (name, expected) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
    ] {
        assert_eq!(header(r.headers(), name), expected, "{name}");
    }
    assert!(header(r.headers(), "content-security-policy").contains("script-src 'self'"));
    assert_eq!(
        header(r.headers(), "x-request-id").len(),
        36,
        "every response carries a request id"
    );
    assert_eq!(
        app.get("/metrics").await.status(),
        StatusCode::NOT_FOUND,
        "metrics are not on the public site"
    );
    let metrics = app
        .client
        .get(app.metrics_url())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("http_requests_total{"), "{metrics}");
    assert!(metrics.contains(r#"route="/regions""#));
    app.finish().await;
}

async fn openapi_describes_the_api(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/auth/token",
        "/api/v1/regions",
        "/api/v1/regions/{code}",
        "/api/v1/users",
        "/api/v1/groups",
        "/api/v1/audit",
        "/healthz",
    ] {
        assert!(paths.contains_key(p), "{p} documented");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    app.finish().await;
}

async fn static_assets_are_cached_and_small(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let html = app.get_text("/regions").await.1;
    let css = html
        .split("href=\"")
        .find(|s| s.starts_with("/static/app."))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let r = app.get(&css).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        header(r.headers(), "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        app.get("/static/app.0000000000.css").await.status(),
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}

/// `simpul serve --database-url postgres://…/name` on a server without that database creates it
/// when the role may, and otherwise names the command that does.
#[tokio::test]
async fn a_missing_postgres_database_is_created_or_explained() {
    let Some(admin_url) = crate::common::postgres_url() else {
        return; // PostgreSQL not configured: nothing to check here (CI sets it).
    };
    let base = admin_url.rsplit_once('/').unwrap().0.to_owned();
    let suffix = std::process::id();
    let name = format!("simpul_autocreate_{suffix}");
    let store = simpul::server::open_store(&format!("{base}/{name}"))
        .await
        .expect("created and migrated");
    assert!(store.user_by_username("nobody").await.unwrap().is_none());
    store.close().await;
    let mut admin = crate::common::pg_admin().await;
    let role = format!("simpul_nocreate_{suffix}");
    sqlx::query(&format!("CREATE ROLE {role} LOGIN"))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = base.replacen("postgres@", &format!("{role}@"), 1);
    let err = simpul::server::open_store(&format!("{url}/{name}_x"))
        .await
        .expect_err("a role without CREATEDB cannot create it");
    let message = format!("{err:#}");
    assert!(
        message.contains("does not exist") && message.contains("createdb -h"),
        "{message}"
    );
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query(&format!("DROP ROLE {role}"))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::Connection::close(admin).await.unwrap();
}
