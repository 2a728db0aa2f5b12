//! Issue 10, the registry in the field: the directory finds places, the dashboard says what to do
//! next, villages are chosen by name, verification shows its history and asks for confirmation,
//! and an edit cannot overwrite a verification that happened meanwhile.

use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use simpul_core::RegionCode;

on_both_engines!(edit_and_verify_race_leaves_a_consistent_kim,);

/// Two villages of Kecamatan Prigen, Kabupaten Pasuruan.
async fn two_prigen_villages(app: &TestApp) -> (String, String) {
    let district = RegionCode::parse("35.14.10").unwrap();
    let villages = app.store.region_children(Some(&district)).await.unwrap();
    (villages[0].code.to_string(), villages[1].code.to_string())
}

async fn register(app: &TestApp, token: &str, name: &str, village: &str) -> i64 {
    let r = app
        .api(
            Method::POST,
            "/api/v1/kims",
            token,
            Some(json!({"name": name, "village": village, "submit": "1"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// A move to another village and a verification, sent at the same moment, many times: whichever
/// wins, the KIM ends up numbered for the village it is in, and a losing edit is a 409.
async fn edit_and_verify_race_leaves_a_consistent_kim(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.api_token("kominfo.kab-pasuruan").await;
    let (a, b) = two_prigen_villages(&app).await;
    let mut edits_refused = 0;
    for round in 0..12 {
        let id = register(&app, &admin, &format!("KIM Balapan {round}"), &a).await;
        let path = format!("/api/v1/kims/{id}");
        let moved = json!({"name": format!("KIM Balapan {round}"), "village": b});
        let transitions = format!("{path}/transitions");
        let (edit, verify) = tokio::join!(
            app.api(Method::PUT, &path, &admin, Some(moved)),
            app.api(
                Method::POST,
                &transitions,
                &admin,
                Some(json!({"action": "verify"}))
            ),
        );
        assert_eq!(verify.status(), StatusCode::OK, "round {round}");
        match edit.status() {
            StatusCode::OK | StatusCode::NO_CONTENT => {}
            StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY => edits_refused += 1,
            other => panic!("round {round}: edit answered {other}"),
        }
        let kim = app.store.kim(id).await.unwrap();
        assert_eq!(kim.status, "verified");
        let number = kim.reg_number.unwrap();
        assert!(
            number.starts_with(&format!("KIM-{}-", kim.village_code)),
            "round {round}: {number} in {}",
            kim.village_code
        );
    }
    eprintln!("edits refused after a verification: {edits_refused} of 12");

    // Deterministically: an edit authorized while the KIM was unverified in A, written after it
    // was verified, is a conflict and changes nothing.
    let id = register(&app, &admin, "KIM Terlambat", &a).await;
    let kim = app.store.kim(id).await.unwrap();
    let ctx = simpul_core::audit::AuditContext::system("test");
    app.store
        .transition_kim(
            &ctx,
            id,
            "submitted",
            "verified",
            None,
            Some(&simpul_web::service::import::number_for),
            None,
        )
        .await
        .unwrap();
    let mut profile = simpul_store::registry::KimProfile {
        name: kim.name.clone(),
        name_norm: kim.name.to_lowercase(),
        village: Some(RegionCode::parse(&b).unwrap()),
        social_json: "{}".into(),
        ..Default::default()
    };
    let village_a = RegionCode::parse(&a).unwrap();
    let unverified = simpul_store::registry::EditGuard {
        statuses: &["draft", "rejected", "submitted"],
        village: &village_a,
    };
    let r = app.store.update_kim(&ctx, id, &profile, &unverified).await;
    assert!(
        matches!(r, Err(simpul_store::StoreError::Conflict(_))),
        "{r:?}"
    );
    assert_eq!(app.store.kim(id).await.unwrap().village_code, a);

    // Editing an inactive KIM brings it back, in the same write.
    app.store
        .transition_kim(&ctx, id, "verified", "inactive", None, None, None)
        .await
        .unwrap();
    profile.village = Some(village_a.clone());
    let any = simpul_store::registry::EditGuard {
        statuses: &["inactive", "verified", "active"],
        village: &village_a,
    };
    let woke = app.store.update_kim(&ctx, id, &profile, &any).await.unwrap();
    assert!(woke.0);
    assert_eq!(app.store.kim(id).await.unwrap().status, "active");
    app.finish().await;
}
