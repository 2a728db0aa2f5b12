use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_engines!(
    audit_log_is_scoped_filtered_and_exported,
    audit_log_is_append_only
);

async fn audit_log_is_scoped_filtered_and_exported(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let jatim = app.api_token("kominfo.jatim").await;
    for (username, scope) in [("warga.prigen", "35.14.10"), ("warga.surabaya", "35.78")] {
        let r = app
            .api(Method::POST, "/api/v1/users", &jatim, Some(json!({"username": username, "display_name": "Warga", "password": "sangat-rahasia-123", "role": "kim_member", "scope_kind": "region", "scope_ref": scope})))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let objects = |entries: &[Value]| {
        entries
            .iter()
            .filter(|e| e["action"] == "account.create")
            .map(|e| e["region"].as_str().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    // Pasuruan's admin sees Pasuruan's change only.
    let pasuruan = app.api_token("kominfo.kab-pasuruan").await;
    let seen: Vec<Value> = app
        .api(Method::GET, "/api/v1/audit?action=account", &pasuruan, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(objects(&seen).contains(&"35.14.10".to_owned()));
    assert!(
        !objects(&seen).iter().any(|r| r.starts_with("35.78")),
        "{seen:?}"
    );
    // The province sees both, and filters by region.
    let seen: Vec<Value> = app
        .api(
            Method::GET,
            "/api/v1/audit?action=account.create&region=35.78",
            &jatim,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !seen.is_empty()
            && seen
                .iter()
                .all(|e| e["region"].as_str().unwrap().starts_with("35.78"))
    );
    // A KIM member sees no audit log at all.
    let member = app.api_token("kim.prigen.anggota").await;
    assert_eq!(
        app.api(Method::GET, "/api/v1/audit", &member, None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // Bad dates are field errors.
    let r = app
        .api(Method::GET, "/api/v1/audit?from=kemarin", &jatim, None)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // CSV export for the browser session.
    app.login_as("kominfo.jatim").await;
    let r = app.get("/admin/audit.csv?action=account.create").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let text = r.text().await.unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().take(5).collect::<Vec<_>>(),
        ["id", "at", "actor_id", "actor", "action"]
    );
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert!(records.len() >= 2 && records.iter().all(|r| &r[4] == "account.create"));
    assert!(records.iter().any(|r| r[8].contains("warga.surabaya")));
    app.finish().await;
}

async fn audit_log_is_append_only(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.jatim").await;
    let url = app.db_url().to_owned();
    let refused = match engine {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            let u = sqlx::query("UPDATE audit_log SET actor_name = 'someone else'")
                .execute(&pool)
                .await
                .is_err();
            let d = sqlx::query("DELETE FROM audit_log")
                .execute(&pool)
                .await
                .is_err();
            pool.close().await;
            u && d
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            let u = sqlx::query("UPDATE audit_log SET actor_name = 'someone else'")
                .execute(&pool)
                .await
                .is_err();
            let d = sqlx::query("DELETE FROM audit_log")
                .execute(&pool)
                .await
                .is_err();
            pool.close().await;
            u && d
        }
    };
    assert!(refused, "the database refuses to rewrite history");
    app.finish().await;
}
