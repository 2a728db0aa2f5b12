//! Hygiene findings of the security review (issue 8): what files and fields leak, and to whom.

use crate::common::{header, Engine, TestApp};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_engines!(
    anonymous_callers_do_not_see_possible_duplicates,
    unpublished_files_are_not_cached_and_replaced_files_are_deleted,
);

async fn officer_kim(app: &TestApp, token: &str) -> Value {
    let id = app.demo_officer_kim().await;
    app.api(Method::GET, &format!("/api/v1/kims/{id}"), token, None)
        .await
        .json()
        .await
        .unwrap()
}

async fn anonymous_callers_do_not_see_possible_duplicates(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let officer = app.api_token("kim.prigen.ketua").await;
    let own = officer_kim(&app, &officer).await;
    let similar = own["name"]
        .as_str()
        .unwrap()
        .to_uppercase()
        .replace(' ', "-");
    let r = app
        .api(
            Method::POST,
            "/api/v1/kims",
            &officer,
            Some(json!({"name": similar, "village": own["village"], "submit": "1"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let admin = app.api_token("kominfo.kab-pasuruan").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/kims/{id}/transitions"),
            &admin,
            Some(json!({"action": "verify"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let seen_by_admin: Value = app
        .api(Method::GET, &format!("/api/v1/kims/{id}"), &admin, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen_by_admin["possible_duplicate_of"], own["id"]);
    let public: Value = app
        .get(&format!("/api/v1/kims/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["status"], "verified");
    assert!(public["possible_duplicate_of"].is_null(), "{public}");
    let village = own["village"].as_str().unwrap();
    let list: Value = app
        .get(&format!("/api/v1/kims?region={village}"))
        .await
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert!(items.iter().any(|k| k["id"] == id), "{list}");
    assert!(items.iter().all(|k| k["possible_duplicate_of"].is_null()));
    let (_, html) = app.get_text(&format!("/kim/{id}")).await;
    assert!(
        !html.contains("Mungkin sama dengan KIM"),
        "the page hides it too"
    );
    app.finish().await;
}

async fn upload_sk(app: &TestApp, kim: i64, body: &[u8]) -> StatusCode {
    let csrf = app.csrf().await;
    let form = reqwest::multipart::Form::new().part(
        "sk",
        reqwest::multipart::Part::bytes(body.to_vec()).file_name("sk.pdf"),
    );
    app.client
        .post(app.url(&format!("/kim/{kim}/files?csrf_token={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
}

async fn unpublished_files_are_not_cached_and_replaced_files_are_deleted(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let officer = app.api_token("kim.prigen.ketua").await;
    let own = officer_kim(&app, &officer).await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/kims",
            &officer,
            Some(json!({"name": "KIM Draf Rahasia Sekali", "village": own["village"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let draft = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.login_as("kim.prigen.ketua").await;
    assert_eq!(
        upload_sk(&app, draft, b"%PDF-1.4\n%first\n").await,
        StatusCode::SEE_OTHER
    );
    let first = app.store.kim(draft).await.unwrap().sk_file_id.unwrap();
    let r = app.get(&format!("/kim/{draft}/files/sk")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(r.headers(), "cache-control"), "no-store");
    assert_eq!(
        upload_sk(&app, draft, b"%PDF-1.4\n%second\n").await,
        StatusCode::SEE_OTHER
    );
    let second = app.store.kim(draft).await.unwrap().sk_file_id.unwrap();
    assert_ne!(first, second);
    assert!(
        app.store.file(first).await.is_err(),
        "the superseded scan is gone"
    );
    let r = app.get(&format!("/kim/{draft}/files/sk")).await;
    assert!(r.bytes().await.unwrap().ends_with(b"%second\n"));
    // A published KIM's files may be kept by the browser.
    let published = own["id"].as_i64().unwrap();
    assert_eq!(
        upload_sk(&app, published, b"%PDF-1.4\n%public\n").await,
        StatusCode::SEE_OTHER
    );
    let r = app.get(&format!("/kim/{published}/files/sk")).await;
    assert_ne!(header(r.headers(), "cache-control"), "no-store");
    app.finish().await;
}

#[tokio::test]
async fn the_sqlite_database_is_created_for_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("simpul.db");
    let store = simpul::server::open_store(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    store.close().await;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
}
