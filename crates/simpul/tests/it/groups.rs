use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_engines!(
    bakorwil_groups_are_managed_by_the_province,
    coordinator_oversees_its_group
);

async fn bakorwil_groups_are_managed_by_the_province(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let jatim = app.api_token("kominfo.jatim").await;
    let groups: Vec<Value> = app
        .api(Method::GET, "/api/v1/groups", &jatim, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(groups.len(), 5, "demo seeds East Java's five Bakorwil");
    let malang = groups
        .iter()
        .find(|g| g["name"] == "Bakorwil III Malang")
        .unwrap();
    assert!(malang["members"]
        .as_array()
        .unwrap()
        .contains(&json!("35.14")));
    // Regencies belong to one group only.
    let r = app
        .api(
            Method::POST,
            "/api/v1/groups",
            &jatim,
            Some(json!({"province": "35", "name": "Bakorwil Baru", "members": ["35.14"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "members");
    // Members must be kabupaten/kota of that province.
    let r = app
        .api(
            Method::POST,
            "/api/v1/groups",
            &jatim,
            Some(json!({"province": "35", "name": "X", "members": ["33.01"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Move Kota Batu out of Malang's group into a new one, then delete it.
    let malang_id = malang["id"].as_i64().unwrap();
    let members: Vec<&str> = malang["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .filter(|m| *m != "35.79")
        .collect();
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/groups/{malang_id}"),
            &jatim,
            Some(json!({"province": "35", "name": "Bakorwil III Malang", "members": members})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = app
        .api(
            Method::POST,
            "/api/v1/groups",
            &jatim,
            Some(json!({"province": "35", "name": "Bakorwil Batu", "members": ["35.79"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(
        app.api(
            Method::DELETE,
            &format!("/api/v1/groups/{id}"),
            &jatim,
            None
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    // A group in use as a role's scope cannot be deleted.
    assert_eq!(
        app.api(
            Method::DELETE,
            &format!("/api/v1/groups/{malang_id}"),
            &jatim,
            None
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );
    // A regency admin may not define groups; another province's admin neither.
    let pasuruan = app.api_token("kominfo.kab-pasuruan").await;
    assert_eq!(
        app.api(
            Method::POST,
            "/api/v1/groups",
            &pasuruan,
            Some(json!({"province": "35", "name": "Y", "members": ["35.79"]}))
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    // The same through the form, with checkboxes.
    app.login_as("kominfo.jatim").await;
    let r = app
        .post_form(
            "/admin/groups",
            &[
                ("province", "35"),
                ("name", "Bakorwil Batu"),
                ("members", "35.79"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_text("/admin/groups").await;
    assert!(html.contains("Bakorwil Batu") && html.contains("Kota Batu"));
    let r = app
        .post_form("/admin/groups", &[("province", "35"), ("name", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}

async fn coordinator_oversees_its_group(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("bakorwil.malang").await;
    let users: Vec<Value> = app
        .api(Method::GET, "/api/v1/users", &token, None)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = users
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"kominfo.kab-pasuruan") && names.contains(&"kominfo.kota-surabaya"));
    assert!(
        !names.contains(&"kominfo.kab-madiun"),
        "Madiun is Bakorwil I"
    );
    // Coordinators oversee but do not create accounts.
    let r = app
        .api(Method::POST, "/api/v1/users", &token, Some(json!({"username": "x.y", "display_name": "X", "password": "sangat-rahasia-123", "role": "kim_member", "scope_kind": "region", "scope_ref": "35.14.10"})))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.finish().await;
}
