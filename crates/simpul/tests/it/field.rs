//! Issue 10, the registry in the field: the directory finds places, the dashboard says what to do
//! next, villages are chosen by name, verification shows its history and asks for confirmation,
//! and an edit cannot overwrite a verification that happened meanwhile.

use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use simpul_core::RegionCode;

on_both_engines!(
    edit_and_verify_race_leaves_a_consistent_kim,
    a_villager_finds_the_kims_of_their_kabupaten,
    a_kabupaten_admin_verifies_with_confidence,
    each_role_knows_what_to_do_next,
    an_officer_registers_choosing_the_village_by_name,
);

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
            Some(&simpul_app::import::number_for),
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
    let woke = app
        .store
        .update_kim(&ctx, id, &profile, &any)
        .await
        .unwrap();
    assert!(woke.0);
    assert_eq!(app.store.kim(id).await.unwrap().status, "active");
    app.finish().await;
}

/// Journey 1: the cascade answers at every step (no 400), the search box finds places, an
/// empty result offers a way out, and region pages and the home page lead to the directory.
async fn a_villager_finds_the_kims_of_their_kabupaten(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (status, home) = app.get_text("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains(r#"href="/kim""#),
        "the home page links to the directory"
    );

    // The form as sent without JavaScript: each select under its own name.
    let (status, page) = app.get_text("/kim?q=&province=35").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<select id="regency" name="regency">"#));
    let (status, page) = app
        .get_text("/kim?q=&province=35&regency=35.14&status=&topic=")
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"<option value="35.14" selected>Kabupaten Pasuruan</option>"#));
    assert!(page.contains(r#"<select id="district" name="district">"#));
    assert!(page.contains("Kec. Prigen") || page.contains("Prigen"));
    // Changing the province leaves a kabupaten of the old one behind: it is ignored, not a 400.
    let (status, page) = app
        .get_text("/kim?province=33&regency=35.14&district=35.14.10")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(r#"<select id="district""#));
    // Garbage is still refused.
    assert!(app
        .get("/kim?regency=not-a-code")
        .await
        .status()
        .is_client_error());

    // Searching a place offers its KIMs.
    let (_, page) = app.get_text("/kim?q=Pasuruan").await;
    assert!(page.contains("KIM di Kabupaten Pasuruan"), "{page}");
    assert!(page.contains(r#"href="/kim?region=35.14""#));
    let (_, page) = app.get_text("/kim?q=prigen").await;
    assert!(page.contains("KIM di Kecamatan Prigen"));
    let (_, page) = app.get_text("/kim?region=35.14.10").await;
    assert!(page.contains(r#"id="kim-results""#), "Prigen has KIMs");

    // Nothing found: what to try, and a reset.
    let (status, page) = app.get_text("/kim?q=zzqxw&province=35").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="kim-empty""#));
    assert!(page.contains(r#"id="kim-reset" href="/kim""#));

    // Region pages link to their KIMs.
    let (_, page) = app.get_text("/regions/35.14").await;
    assert!(page.contains(r#"href="/kim?region=35.14""#));
    assert!(page.contains("KIM di Kabupaten Pasuruan"));
    app.finish().await;
}

/// Journey 4: the profile shows the decree scan's absence and the history; verify, reject and
/// dissolve ask first; after verifying the page says so and shows the number.
async fn a_kabupaten_admin_verifies_with_confidence(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.api_token("kominfo.kab-pasuruan").await;
    let (a, _) = two_prigen_villages(&app).await;
    let id = register(&app, &admin, "KIM Yakin Verifikasi", &a).await;
    let rejected = register(&app, &admin, "KIM Perlu Alasan", &a).await;
    app.login_as("kominfo.kab-pasuruan").await;
    let profile = format!("/kim/{id}");
    let (status, page) = app.get_text(&profile).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="kim-sk-missing""#), "no scan yet");
    assert!(page.contains(r#"id="kim-history""#));
    assert!(page.contains("Didaftarkan (Diajukan)"), "{page}");
    assert!(page.contains("kominfo.kab-pasuruan"));

    // Verify asks first, and changes nothing until confirmed.
    let transition = format!("/kim/{id}/transition");
    let r = app.post_form(&transition, &[("action", "verify")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"id="confirm-form""#));
    assert!(page.contains("Verifikasi KIM Yakin Verifikasi?"));
    assert_eq!(app.store.kim(id).await.unwrap().status, "submitted");
    let r = app
        .post_form(&transition, &[("action", "verify"), ("confirm", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, page) = app.get_text(&to).await;
    let number = app.store.kim(id).await.unwrap().reg_number.unwrap();
    assert!(page.contains(&format!(
        "KIM ini sudah terverifikasi. Nomor registrasinya: {number}."
    )));
    assert!(page.contains(&format!("Terverifikasi, nomor {number}")));

    // A rejection without a reason asks again on the confirmation step.
    let transition = format!("/kim/{rejected}/transition");
    let r = app
        .post_form(
            &transition,
            &[("action", "reject"), ("confirm", "1"), ("reason", " ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"id="reason-error""#));
    assert!(page.contains(r#"id="confirm-form""#));
    let r = app
        .post_form(
            &transition,
            &[
                ("action", "reject"),
                ("confirm", "1"),
                ("reason", "SK belum ada"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get_text(&format!("/kim/{rejected}")).await;
    assert!(page.contains("Ditolak: SK belum ada"), "{page}");
    app.finish().await;
}

/// Journey 2: the dashboard names the officer's KIM and what its profile lacks, tells the
/// kabupaten what waits for verification and the province its coverage; forms offer only what
/// the role may do.
async fn each_role_knows_what_to_do_next(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    app.login_as("kim.prigen.ketua").await;
    let (_, page) = app.get_text("/dashboard").await;
    assert!(page.contains(r#"class="card kim-card""#), "{page}");
    assert!(page.contains("Lestari") || page.contains("KIM "));
    assert!(
        page.contains("Scan SK pembentukan"),
        "the demo KIM has no decree scan"
    );
    assert!(page.contains(r#"href="/account/tokens""#));
    // Filtering another kabupaten: no "register" button there.
    let (_, page) = app.get_text("/kim?region=35.78").await;
    assert!(!page.contains(r#"href="/kim/new""#));

    app.new_visitor();
    app.login_as("kim.prigen.anggota").await;
    let (_, page) = app.get_text("/dashboard").await;
    assert!(page.contains(r#"class="card kim-card""#));
    assert!(
        !page.contains(r#"href="/account/tokens""#),
        "members are not offered tokens"
    );

    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let pending = app
        .store
        .search_kims(
            &simpul_store::registry::KimFilter {
                region: Some(RegionCode::parse("35.14").unwrap()),
                statuses: vec!["submitted".into()],
                ..Default::default()
            },
            0,
            0,
        )
        .await
        .unwrap()
        .1;
    let (_, page) = app.get_text("/dashboard").await;
    if pending > 0 {
        assert!(
            page.contains(&format!("{pending} KIM menunggu verifikasi")),
            "{page}"
        );
        assert!(page.contains("/kim?status=submitted") && page.contains("region=35.14\""));
    }
    let (_, page) = app.get_text("/admin/users/new").await;
    assert!(page.contains(r#"value="kim_officer""#));
    assert!(!page.contains(r#"value="provincial_admin""#));
    assert!(!page.contains(r#"value="national_admin""#));
    assert!(!page.contains(r#"value="national""#));

    app.new_visitor();
    app.login_as("kominfo.jatim").await;
    let (_, page) = app.get_text("/dashboard").await;
    assert!(
        page.contains(r#"class="overview-link" href="/kim/stats?region=35""#),
        "{page}"
    );
    assert!(page.contains("desa punya KIM aktif"));
    app.finish().await;
}

/// Journey 3: the village is chosen by name, without JavaScript: each refresh keeps what was
/// typed; a misspelt name gets the nearest official names; the KIM is registered there.
async fn an_officer_registers_choosing_the_village_by_name(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.kab-pasuruan").await;
    let (status, page) = app.get_text("/kim/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="village-picker""#));
    assert!(page.contains(r#"<select id="v_province" name="v_province">"#));
    // Cascade by refreshing: province, kabupaten, kecamatan, then the villages appear.
    let typed = [("name", "KIM Pilih Nama"), ("phone", "0812 3456 7890")];
    let mut fields: Vec<(&str, &str)> = typed.to_vec();
    fields.extend([
        ("v_province", "35"),
        ("v_regency", "35.14"),
        ("v_district", "35.14.10"),
        ("refresh", "1"),
    ]);
    let r = app.post_form("/kim", &fields).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"<select id="village" name="village">"#));
    assert!(
        page.contains(r#"value="KIM Pilih Nama""#),
        "typed values are kept"
    );
    assert!(page.contains(r#"value="0812 3456 7890""#));
    // A misspelt name: "did you mean".
    let mut fields: Vec<(&str, &str)> = typed.to_vec();
    fields.extend([("village_q", "Prigan"), ("refresh", "1")]);
    let page = app.post_form("/kim", &fields).await.text().await.unwrap();
    assert!(page.contains("Mungkin maksud Anda"), "{page}");
    let (_, prigen_village) = (
        0,
        app.store
            .region_children(Some(&RegionCode::parse("35.14.10").unwrap()))
            .await
            .unwrap(),
    );
    let prigen = prigen_village
        .iter()
        .find(|v| v.name == "Prigen")
        .expect("Desa Prigen");
    let code = prigen.code.to_string();
    assert!(page.contains(&format!(r#"value="{code}""#)));
    // Choosing the suggestion and saving registers the KIM in that village.
    let mut fields: Vec<(&str, &str)> = typed.to_vec();
    fields.extend([("village_pick", code.as_str()), ("submit", "0")]);
    let r = app.post_form("/kim", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let kims = app.store.kims_in_village(&prigen.code).await.unwrap();
    assert!(kims.iter().any(|(_, n)| n == "KIM Pilih Nama"));
    // A village outside the admin's kabupaten: refused on the village, typed input kept.
    let mut fields: Vec<(&str, &str)> = typed.to_vec();
    fields.extend([("village_q", "Gubeng"), ("refresh", "1")]);
    let page = app.post_form("/kim", &fields).await.text().await.unwrap();
    assert!(page.contains(r#"name="village_pick""#), "{page}");
    let elsewhere = "35.78.09.1001";
    let mut fields: Vec<(&str, &str)> = typed.to_vec();
    fields.extend([("village_pick", elsewhere), ("submit", "0")]);
    let r = app.post_form("/kim", &fields).await;
    if app
        .store
        .region(&RegionCode::parse(elsewhere).unwrap())
        .await
        .is_ok()
    {
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let page = r.text().await.unwrap();
        assert!(page.contains(r#"id="village-error""#));
        assert!(page.contains(r#"value="KIM Pilih Nama""#));
    }
    // The htmx fragment answers the same fields.
    let (status, frag) = app.get_text("/kim/village-picker?village_q=prigen").await;
    assert_eq!(status, StatusCode::OK);
    assert!(frag.starts_with("<fieldset"));
    app.finish().await;
}
