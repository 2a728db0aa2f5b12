use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use reqwest::StatusCode;
use serde_json::Value;

on_both_engines!(
    whole_country_is_loaded_once,
    region_search_api,
    region_pages_show_parents_and_children,
    unknown_regions_are_404
);

async fn whole_country_is_loaded_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    assert_eq!(
        app.store.region_counts().await.unwrap(),
        [38, 514, 7_285, 83_762]
    );
    // Loading again changes nothing.
    simpul::regions_data::load(&app.store, None, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        app.store.region_counts().await.unwrap(),
        [38, 514, 7_285, 83_762]
    );
    let prigen = app
        .store
        .region(&"35.14.10".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(prigen.name, "Prigen");
    app.finish().await;
}

async fn search(app: &TestApp, q: &str) -> Vec<Value> {
    let r = app
        .client
        .get(app.url("/api/v1/regions"))
        .query(&[("q", q)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Vec<Value>>().await.unwrap()
}

async fn region_search_api(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let hits = search(&app, "Prigen").await;
    assert_eq!(hits[0]["code"], "35.14.10");
    assert_eq!(hits[0]["level"], "district");
    assert_eq!(
        hits[0]["context"],
        serde_json::json!(["Jawa Timur", "Kabupaten Pasuruan"])
    );
    assert_eq!(search(&app, "kota pasuruan").await[0]["code"], "35.75");
    assert_eq!(search(&app, "Kab. Pasuruan").await[0]["code"], "35.14");
    assert_eq!(
        search(&app, "KABUPATEN   pasuruan").await[0]["code"],
        "35.14"
    );
    assert_eq!(search(&app, "kec. prigen").await[0]["code"], "35.14.10");
    assert_eq!(search(&app, "jawa timur").await[0]["code"], "35");
    // Without a query: the provinces.
    assert_eq!(search(&app, "").await.len(), 38);
    // A bad limit is a field-level problem, not a 500.
    let r = app.get("/api/v1/regions?q=prigen&limit=0").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "limit");
    let r = app.get("/api/v1/regions?limit=abc").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    app.finish().await;
}

async fn region_pages_show_parents_and_children(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (status, html) = app.get_text("/regions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"href="/regions/35">Jawa Timur</a>"#));
    assert!(html.contains(r#"<html lang="id">"#));
    let (status, html) = app.get_text("/regions/35.14.10").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Prigen</h1>"));
    assert!(
        html.contains(r#"href="/regions/35.14">Kabupaten Pasuruan</a>"#),
        "breadcrumb"
    );
    assert!(html.contains("Desa/kelurahan"), "children heading");
    let detail: Value = app
        .get("/api/v1/regions/35.14.10")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["parent_code"], "35.14");
    assert_eq!(detail["ancestors"].as_array().unwrap().len(), 2);
    assert!(detail["children"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "Prigen" && c["level"] == "village"));
    let (status, html) = app.get_text("/regions/search?q=prigen").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"href="/regions/35.14.10">Prigen</a>"#));
    let (_, html) = app.get_text("/regions/search?q=zzzzqqq").await;
    assert!(
        html.contains("Tidak ada wilayah"),
        "no-result message in Indonesian"
    );
    app.finish().await;
}

async fn unknown_regions_are_404(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    for path in [
        "/regions/99",
        "/regions/35.99",
        "/regions/not-a-code",
        "/api/v1/regions/35.14.99",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let (_, html) = app.get_text("/regions/99").await;
    assert!(html.contains("Tidak ditemukan"));
    app.finish().await;
}
