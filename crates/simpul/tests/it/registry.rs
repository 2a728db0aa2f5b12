use crate::common::{header, Engine, TestApp};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_engines!(
    officer_registers_and_regency_admin_verifies,
    bad_profiles_get_field_errors,
    possible_duplicates_are_flagged,
    member_personal_data_is_protected,
    directory_map_and_statistics,
    inactivity_job_marks_dormant_kims,
    decree_and_logo_uploads_are_checked,
);

async fn officer_token(app: &TestApp) -> (String, i64) {
    let token = app.api_token("kim.prigen.ketua").await;
    (token, app.demo_officer_kim().await)
}

fn officer_village(kim: &Value) -> String {
    kim["village"].as_str().unwrap().to_owned()
}

async fn officer_registers_and_regency_admin_verifies(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (officer, own_kim) = officer_token(&app).await;
    let own: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/kims/{own_kim}"),
            &officer,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let village = officer_village(&own);
    let r = app
        .api(Method::POST, "/api/v1/kims", &officer, Some(json!({
            "name": "KIM Cahaya Prigen", "village": village, "phone": "0812-3456-7890", "instagram": "@kimcahaya",
            "lat": "-7,69", "lon": "112,63", "topics": ["health", "disaster"], "submit": "0"})))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let kim: Value = app
        .api(Method::GET, &format!("/api/v1/kims/{id}"), &officer, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kim["status"], "draft");
    assert_eq!(kim["phone"], "+6281234567890", "phones are stored as E.164");
    assert_eq!(
        kim["social"]["instagram"],
        "https://www.instagram.com/kimcahaya"
    );
    // A draft is not public.
    assert_eq!(
        app.get(&format!("/api/v1/kims/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let submit = |token: String, action: &'static str, reason: &'static str| {
        let app = &app;
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/kims/{id}/transitions"),
                &token,
                Some(json!({"action": action, "reason": reason})),
            )
            .await
        }
    };
    assert_eq!(
        submit(officer.clone(), "verify", "").await.status(),
        StatusCode::FORBIDDEN,
        "officers cannot verify"
    );
    assert_eq!(
        submit(officer.clone(), "submit", "").await.status(),
        StatusCode::OK
    );
    // Another kabupaten's admin may not touch it; Pasuruan's may.
    let surabaya = app.api_token("kominfo.kota-surabaya").await;
    assert_eq!(
        submit(surabaya, "verify", "").await.status(),
        StatusCode::NOT_FOUND
    );
    let pasuruan = app.api_token("kominfo.kab-pasuruan").await;
    let r = submit(pasuruan.clone(), "reject", "").await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejection needs a reason"
    );
    let rejected: Value = submit(pasuruan.clone(), "reject", "SK belum dilampirkan")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["reject_reason"], "SK belum dilampirkan");
    assert_eq!(
        submit(officer.clone(), "submit", "").await.status(),
        StatusCode::OK,
        "resubmittable"
    );
    let verified: Value = submit(pasuruan.clone(), "verify", "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(verified["status"], "verified");
    let number = verified["reg_number"].as_str().unwrap().to_owned();
    assert!(number.starts_with(&format!("KIM-{village}-")), "{number}");
    // Verifying twice is a conflict; the number is stable through later moves.
    assert_eq!(
        submit(pasuruan.clone(), "verify", "").await.status(),
        StatusCode::CONFLICT
    );
    let active: Value = submit(pasuruan.clone(), "activate", "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(active["reg_number"], number.as_str());
    let dissolved: Value = submit(pasuruan.clone(), "dissolve", "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dissolved["reg_number"], number.as_str());
    // Numbers are never reused: the next KIM of the village gets a higher sequence.
    let r = app
        .api(
            Method::POST,
            "/api/v1/kims",
            &pasuruan,
            Some(json!({"name": "KIM Sinar Baru", "village": village, "submit": "1"})),
        )
        .await;
    let next = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let n2: Value = app
        .api(
            Method::POST,
            &format!("/api/v1/kims/{next}/transitions"),
            &pasuruan,
            Some(json!({"action": "verify"})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(n2["reg_number"], number.as_str());
    // Every transition is audited and the officer is notified.
    let audit: Vec<Value> = app
        .api(
            Method::GET,
            "/api/v1/audit?action=kim.transition",
            &pasuruan,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .filter(|e| e["object_id"].as_str() == Some(id.to_string().as_str()))
            .count()
            >= 5
    );
    let officer_id = app.user_id("kim.prigen.ketua").await;
    // Each move was told to the officers through the backbone (one notice per move, in
    // Indonesian, with the new status in words).
    let notes = app.notifications_at_least(officer_id, 5).await;
    let about: Vec<_> = notes
        .iter()
        .filter(|n| n.title.contains("KIM Cahaya Prigen") && n.kind == "account")
        .collect();
    assert!(about.len() >= 5, "{notes:?}");
    assert!(about.iter().any(|n| n.title.contains("Terverifikasi")));
    assert!(about.iter().all(|n| n.link == format!("/kim/{id}")));
    app.finish().await;
}

async fn bad_profiles_get_field_errors(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kominfo.kab-pasuruan").await;
    let r = app
        .api(Method::POST, "/api/v1/kims", &token, Some(json!({
            "name": "K", "village": "35.14.99.9999", "phone": "12345", "email": "nope", "lat": "3.14", "lon": "101.69",
            "instagram": "https://facebook.com/x", "website": "javascript:alert(1)", "founded_on": "2999-01-01", "topics": ["astrology"]})))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "name",
        "village",
        "phone",
        "email",
        "lat",
        "instagram",
        "website",
        "founded_on",
        "topics",
    ] {
        assert!(fields.contains(&f), "{f} missing in {fields:?}");
    }
    // Kuala Lumpur is not in Indonesia; the message says so in the user's language.
    let lat = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "lat")
        .unwrap();
    assert!(
        lat["detail"].as_str().unwrap().contains("luar Indonesia"),
        "{lat}"
    );
    // The HTML form keeps the input and marks the fields.
    app.login_as("kominfo.kab-pasuruan").await;
    let r = app
        .post_form(
            "/kim",
            &[
                ("name", "KIM Uji"),
                ("village", "35.14"),
                ("phone", "08-12"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Kode desa/kelurahan tidak dikenal") && html.contains(r#"value="KIM Uji""#)
    );
    app.finish().await;
}

async fn possible_duplicates_are_flagged(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (officer, own_kim) = officer_token(&app).await;
    let own: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/kims/{own_kim}"),
            &officer,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
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
            Some(json!({"name": similar, "village": own["village"]})),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let kim: Value = app
        .api(Method::GET, &format!("/api/v1/kims/{id}"), &officer, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kim["possible_duplicate_of"], own_kim);
    app.login_as("kim.prigen.ketua").await;
    let r = app
        .post_form(
            "/kim",
            &[
                ("name", "KIM Bunga Desa Terpencil"),
                ("village", own["village"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        header(r.headers(), "location").ends_with("created=1"),
        "a different name is no duplicate"
    );
    app.finish().await;
}

async fn member_personal_data_is_protected(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (officer, kim) = officer_token(&app).await;
    let own: Value = app
        .api(Method::GET, &format!("/api/v1/kims/{kim}"), &officer, None)
        .await
        .json()
        .await
        .unwrap();
    let regency = &own["village"].as_str().unwrap()[..5];
    // A NIK from Kabupaten Pasuruan (35.14), born 1990-07-05, female (day + 40).
    let nik = format!("{}104507900001", regency.replace('.', ""));
    let member = json!({"name": "Siti Aminah", "role": "sekretaris", "phone": "+62 812 1111 2222", "email": "siti@example.id",
        "gender": "P", "age_band": "35", "nik": nik, "consent_on": "2026-01-05"});
    // Personal data without consent is refused.
    let mut no_consent = member.clone();
    no_consent["consent_on"] = json!("");
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/kims/{kim}/members"),
            &officer,
            Some(no_consent),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/kims/{kim}/members"),
            &officer,
            Some(member.clone()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // Stored encrypted, listed masked.
    let stored = app.store.member(mid).await.unwrap();
    assert!(!stored.nik_enc.clone().unwrap().contains(&nik));
    let list: Vec<Value> = app
        .api(
            Method::GET,
            &format!("/api/v1/kims/{kim}/members"),
            &officer,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let siti = list.iter().find(|m| m["id"] == mid).unwrap();
    assert_eq!(siti["phone"], "+6281211112222");
    assert_eq!(siti["gender"], "female");
    let masked = siti["nik"].as_str().unwrap();
    assert!(
        masked.contains('*') && !masked.contains(&nik[6..12]),
        "{masked}"
    );
    // The same NIK twice is a conflict; a NIK from another regency does not fit.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/kims/{kim}/members"),
            &officer,
            Some(json!({"name": "Dua", "role": "anggota", "nik": nik, "consent_on": "2026-01-05"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = app.api(Method::POST, &format!("/api/v1/kims/{kim}/members"), &officer, Some(json!({"name": "Tiga", "role": "anggota", "nik": "3578104507900001", "consent_on": "2026-01-05"}))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Who may see members: the KIM's officers and admins in scope; not its members, not the public, not other regions.
    for (user, expected) in [
        ("kominfo.kab-pasuruan", StatusCode::OK),
        ("bakorwil.malang", StatusCode::OK),
        ("kominfo.kota-surabaya", StatusCode::FORBIDDEN),
        ("kim.prigen.anggota", StatusCode::FORBIDDEN),
        ("mitra.bmkg", StatusCode::FORBIDDEN),
    ] {
        let t = app.api_token(user).await;
        assert_eq!(
            app.api(
                Method::GET,
                &format!("/api/v1/kims/{kim}/members"),
                &t,
                None
            )
            .await
            .status(),
            expected,
            "{user}"
        );
    }
    assert_eq!(
        app.get(&format!("/api/v1/kims/{kim}/members"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // Data-access request: everything, NIK decrypted; audited.
    let export: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/kims/{kim}/members/{mid}/export"),
            &officer,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(export["nik"], nik.as_str());
    assert_eq!(export["email"], "siti@example.id");
    // Editing without a NIK keeps it.
    let mut edit = member.clone();
    edit["nik"] = json!("");
    edit["name"] = json!("Siti Aminah Rahayu");
    assert_eq!(
        app.api(
            Method::PUT,
            &format!("/api/v1/kims/{kim}/members/{mid}"),
            &officer,
            Some(edit)
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.store.member(mid).await.unwrap().nik_digest,
        stored.nik_digest
    );
    // Deletion on request erases the row; the audit log keeps no personal data.
    assert_eq!(
        app.api(
            Method::DELETE,
            &format!("/api/v1/kims/{kim}/members/{mid}"),
            &officer,
            None
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    assert!(app.store.member(mid).await.is_err());
    let audit = app
        .store
        .audit_entries(
            &simpul_core::authz::ScopeRegions::All,
            &Default::default(),
            500,
        )
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .all(|e| !e.summary.contains(&nik) && !e.summary.contains("Siti")),
        "no personal data in the audit log"
    );
    // Invitation: the member creates an account scoped to the KIM.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/kims/{kim}/members"),
            &officer,
            Some(json!({"name": "Budi Santoso", "role": "anggota"})),
        )
        .await;
    let budi = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.login_as("kim.prigen.ketua").await;
    let path = &app.invite(kim, budi).await;
    let mut visitor =
        TestApp::attach(engine, app.db_url(), crate::common::web_config(), None).await;
    visitor.new_visitor();
    assert_eq!(visitor.get(path).await.status(), StatusCode::OK);
    let r = visitor
        .post_form(
            path,
            &[
                ("username", "budi.santoso"),
                ("password", "rahasia-budi-123"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        visitor.get(path).await.status(),
        StatusCode::NOT_FOUND,
        "an invitation works once"
    );
    let budi_user = visitor.user_id("budi.santoso").await;
    let grants = visitor.store.grants_of(budi_user).await.unwrap();
    assert_eq!(grants[0].scope, simpul_core::Scope::Kim(kim));
    visitor.finish().await;
    app.finish().await;
}

async fn directory_map_and_statistics(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    // The demo: 325 KIMs in East Java.
    let filter = simpul_store::registry::KimFilter {
        region: Some("35".parse().unwrap()),
        ..Default::default()
    };
    assert_eq!(app.store.search_kims(&filter, 1, 0).await.unwrap().1, 325);
    // The public directory lists published KIMs only, filtered by region and topic.
    let page: Value = app
        .get("/api/v1/kims?region=35.14")
        .await
        .json()
        .await
        .unwrap();
    assert!(page["total"].as_i64().unwrap() > 0);
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| ["verified", "active", "inactive"].contains(&k["status"].as_str().unwrap())));
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["village"].as_str().unwrap().starts_with("35.14.")));
    let by_topic: Value = app
        .get("/api/v1/kims?region=35&topic=health")
        .await
        .json()
        .await
        .unwrap();
    assert!(by_topic["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["topics"].as_array().unwrap().contains(&json!("health"))));
    assert_eq!(
        app.get("/api/v1/kims?status=draft").await.status(),
        StatusCode::FORBIDDEN,
        "drafts are not public"
    );
    assert_eq!(
        app.get("/api/v1/kims?region=xx").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, html) = app.get_text("/kim?region=35.14").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"kim-results\"") && html.contains("Kabupaten Pasuruan"));
    // GeoJSON points inside East Java.
    let geo: Value = app
        .get("/api/v1/kims.geojson?region=35")
        .await
        .json()
        .await
        .unwrap();
    let features = geo["features"].as_array().unwrap();
    assert!(features.len() > 250);
    for f in features {
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            (110.8..114.7).contains(&lon) && (-8.9..-6.7).contains(&lat),
            "{lat},{lon}"
        );
    }
    assert_eq!(app.get("/kim/map?region=35").await.status(), StatusCode::OK);
    // Statistics: per kabupaten/kota, adding up to the province.
    let jatim = app.api_token("kominfo.jatim").await;
    let stats: Vec<Value> = app
        .api(Method::GET, "/api/v1/kims/stats?region=35", &jatim, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stats.len(), 38);
    assert_eq!(
        stats
            .iter()
            .map(|s| s["kims"].as_i64().unwrap())
            .sum::<i64>(),
        325
    );
    assert_eq!(
        stats
            .iter()
            .map(|s| s["villages"].as_i64().unwrap())
            .sum::<i64>(),
        8_494,
        "East Java's villages"
    );
    let covered: i64 = stats
        .iter()
        .map(|s| s["villages_with_active_kim"].as_i64().unwrap())
        .sum();
    assert!(covered > 0 && covered < 325);
    let kec: Vec<Value> = app
        .api(Method::GET, "/api/v1/kims/stats?region=35.14", &jatim, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kec.len(), 24, "Pasuruan's kecamatan");
    // The counts are kept between requests, but a new KIM shows at once, also when another
    // instance registered it.
    let pasuruan_total = |stats: &[Value]| {
        stats
            .iter()
            .find(|s| s["code"] == "35.14")
            .map(|s| s["kims"].as_i64().unwrap())
            .unwrap()
    };
    let before = pasuruan_total(&stats);
    let other = TestApp::attach(engine, app.db_url(), crate::common::web_config(), None).await;
    let admin = other.api_token("kominfo.kab-pasuruan").await;
    let r = other
        .api(
            Method::POST,
            "/api/v1/kims",
            &admin,
            Some(json!({"name": "KIM Hitung Ulang", "village": "35.14.10.2005"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let again: Vec<Value> = app
        .api(Method::GET, "/api/v1/kims/stats?region=35", &jatim, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pasuruan_total(&again), before + 1);
    other.finish().await;
    app.login_as("kominfo.jatim").await;
    let (status, html) = app.get_text("/kim/stats?region=35").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<svg")
            && html.contains("Kabupaten Pasuruan")
            && html.contains("id=\"stats\"")
    );
    // Other provinces are not Jatim's business.
    assert_eq!(
        app.api(Method::GET, "/api/v1/kims/stats?region=33", &jatim, None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

async fn inactivity_job_marks_dormant_kims(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let mut web = crate::common::web_config();
    web.kim_inactive_after = chrono::Duration::days(-1);
    let state = simpul_app::AppCtx::new(app.store.clone(), web)
        .await
        .unwrap();
    let before = app
        .get("/api/v1/kims?region=35&status=active")
        .await
        .json::<Value>()
        .await
        .unwrap()["total"]
        .as_i64()
        .unwrap();
    assert!(before > 0);
    let mut marked = 0;
    loop {
        let n = simpul_app::housekeeping::mark_inactive_kims(&state)
            .await
            .unwrap();
        if n == 0 {
            break;
        }
        marked += n;
    }
    assert!(marked as i64 >= before);
    // Marked by another context (as another process would): the server's cached directory
    // notices the audit log moving within about a second.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let after: Value = app
            .get("/api/v1/kims?region=35&status=active")
            .await
            .json()
            .await
            .unwrap();
        if after["total"] == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still listed: {after}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Activity brings a KIM back.
    let (officer, kim) = officer_token(&app).await;
    let own: Value = app
        .api(Method::GET, &format!("/api/v1/kims/{kim}"), &officer, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["status"], "inactive");
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/kims/{kim}"),
            &officer,
            Some(json!({"name": own["name"], "village": own["village"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let own: Value = app
        .api(Method::GET, &format!("/api/v1/kims/{kim}"), &officer, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["status"], "active");
    app.finish().await;
}

async fn decree_and_logo_uploads_are_checked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (_, kim) = officer_token(&app).await;
    app.login_as("kim.prigen.ketua").await;
    let csrf = app.csrf().await;
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let app = &app;
        let csrf = csrf.clone();
        async move {
            let form = reqwest::multipart::Form::new()
                .part(name, reqwest::multipart::Part::bytes(bytes).file_name("f"));
            app.client
                .post(app.url(&format!("/kim/{kim}/files?csrf_token={csrf}")))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        upload("sk", b"hello, not a pdf".to_vec()).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        upload("logo", b"%PDF-1.4".to_vec()).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(6 * 1024 * 1024, b'x');
    assert_eq!(
        upload("sk", big).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        upload("sk", b"%PDF-1.4\n%demo decree\n".to_vec())
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let r = app.get(&format!("/kim/{kim}/files/sk")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(r.headers(), "content-type"), "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF-1.4\n%demo"));
    // Without the CSRF token, nothing is stored.
    let form = reqwest::multipart::Form::new().part(
        "sk",
        reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("f"),
    );
    let r = app
        .client
        .post(app.url(&format!("/kim/{kim}/files")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    app.finish().await;
}
