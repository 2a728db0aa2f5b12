use crate::common::{header, Engine, TestApp, PASSWORD};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_engines!(
    provincial_admin_creates_an_account_through_the_form,
    bad_account_input_gets_field_errors,
    regency_admin_stays_inside_its_regency,
    deactivation_ends_sessions_and_tokens,
    account_api_round_trip,
);

async fn provincial_admin_creates_an_account_through_the_form(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.jatim").await;
    let r = app
        .post_form(
            "/admin/users",
            &[
                ("username", "Ani.Prigen"),
                ("display_name", "Ani Rahmawati"),
                ("email", "ani@example.id"),
                ("password", "sangat-rahasia-123"),
                ("role", "kim_officer"),
                ("scope_kind", "region"),
                ("scope_ref", "35.14.10"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let user = app
        .store
        .user_by_username("ani.prigen")
        .await
        .unwrap()
        .expect("created, username normalised");
    assert!(user.password_hash.starts_with("$argon2id$"));
    let grants = app.store.grants_of(user.id).await.unwrap();
    assert_eq!(grants[0].role, simpul_core::Role::KimOfficer);
    // The new account can log in.
    let mut other = TestApp::attach(engine, app.db_url(), crate::common::web_config(), None).await;
    other.new_visitor();
    assert_eq!(
        other
            .login("ani.prigen", "sangat-rahasia-123")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    other.finish().await;
    // And the creation is audited in Pasuruan's territory.
    let (_, html) = app.get_text("/admin/audit?action=account.create").await;
    // As a sentence with a link to the account, never the action code.
    assert!(
        html.contains("</strong> membuat <a href=\"/admin/users/"),
        "{html}"
    );
    assert!(html.contains("akun ani.prigen</a>"), "{html}");
    assert!(!html.contains(">account.create<"));
    app.finish().await;
}

async fn bad_account_input_gets_field_errors(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.jatim").await;
    let r = app
        .post_form(
            "/admin/users",
            &[
                ("username", "a b"),
                ("display_name", ""),
                ("email", "nope"),
                ("password", "short"),
                ("role", "kim_officer"),
                ("scope_kind", "region"),
                ("scope_ref", "99.99"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for msg in [
        "Nama pengguna 3–64 karakter",
        "Nama harus 1–120 karakter.",
        "Alamat surel tidak valid.",
        "Kata sandi harus 10–128 karakter.",
        "Wilayah atau Bakorwil ini tidak ada.",
    ] {
        assert!(html.contains(msg), "missing {msg:?}");
    }
    assert!(html.contains(r#"value="a b""#), "input is kept");
    // A duplicate username is a conflict on the field.
    let r = app
        .post_form(
            "/admin/users",
            &[
                ("username", "kominfo.kab-malang"),
                ("display_name", "X"),
                ("password", "sangat-rahasia-123"),
                ("role", "kim_member"),
                ("scope_kind", "region"),
                ("scope_ref", "35.07"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Nama pengguna ini sudah dipakai."));
    // A role that does not fit its scope.
    let r = app
        .post_form(
            "/admin/users",
            &[
                ("username", "x.prov"),
                ("display_name", "X"),
                ("password", "sangat-rahasia-123"),
                ("role", "regency_admin"),
                ("scope_kind", "region"),
                ("scope_ref", "35"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.store
            .user_by_username("x.prov")
            .await
            .unwrap()
            .is_none(),
        "nothing half-written"
    );
    app.finish().await;
}

async fn regency_admin_stays_inside_its_regency(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.kab-pasuruan").await;
    let make = |scope: &'static str, username: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                "/admin/users",
                &[
                    ("username", username),
                    ("display_name", "Warga"),
                    ("password", "sangat-rahasia-123"),
                    ("role", "kim_member"),
                    ("scope_kind", "region"),
                    ("scope_ref", scope),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(
        make("35.14.10", "warga.prigen").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(make("35.78", "warga.surabaya").await, StatusCode::FORBIDDEN);
    // It cannot create its peers either.
    let r = app
        .post_form(
            "/admin/users",
            &[
                ("username", "admin2"),
                ("display_name", "X"),
                ("password", "sangat-rahasia-123"),
                ("role", "regency_admin"),
                ("scope_kind", "region"),
                ("scope_ref", "35.14"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The list shows Pasuruan's accounts only.
    let (_, html) = app.get_text("/admin/users").await;
    assert!(html.contains("warga.prigen") && html.contains("kominfo.kab-pasuruan"));
    assert!(!html.contains("kominfo.kota-surabaya") && !html.contains("kominfo.jatim"));
    let surabaya = app.user_id("kominfo.kota-surabaya").await;
    assert_eq!(
        app.get(&format!("/admin/users/{surabaya}")).await.status(),
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

async fn deactivation_ends_sessions_and_tokens(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let member_token = app.api_token("kim.prigen.anggota").await;
    app.login_as("kim.prigen.anggota").await;
    let member_session = app.cookie("simpul_session").unwrap();
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let member = app.user_id("kim.prigen.anggota").await;
    let r = app
        .post_form(
            &format!("/admin/users/{member}/active"),
            &[("active", "false")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", &member_token, None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let (client, _) = crate::common::new_client();
    let r = client
        .get(app.url("/dashboard"))
        .header("cookie", format!("simpul_session={member_session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(header(r.headers(), "location"), "/login?next=%2Fdashboard");
    assert_eq!(
        app.login("kim.prigen.anggota", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Admins cannot manage themselves: a regency admin is not its own superior, and even a
    // national admin cannot lock itself out.
    let me = app.user_id("kominfo.kab-pasuruan").await;
    let r = app
        .post_form(&format!("/admin/users/{me}/active"), &[("active", "false")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.new_visitor();
    app.login_as("nasional").await;
    let me = app.user_id("nasional").await;
    let r = app
        .post_form(&format!("/admin/users/{me}/active"), &[("active", "false")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Anda tidak dapat menonaktifkan akun sendiri."));
    app.finish().await;
}

async fn account_api_round_trip(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kominfo.jatim").await;
    let r = app
        .api(Method::POST, "/api/v1/users", &token, Some(json!({"username": "mitra.dinkes", "display_name": "Dinas Kesehatan Jatim", "password": "sangat-rahasia-123", "role": "partner_staff", "scope_kind": "region", "scope_ref": "35"})))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/users/{id}/grants"),
            &token,
            Some(json!({"role": "fact_checker", "scope_kind": "region", "scope_ref": "35"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let gid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let user: Value = app
        .api(Method::GET, &format!("/api/v1/users/{id}"), &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(user["grants"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.api(
            Method::DELETE,
            &format!("/api/v1/users/{id}/grants/{gid}"),
            &token,
            None
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    // Field-level problem details.
    let r = app.api(Method::POST, "/api/v1/users", &token, Some(json!({"username": "", "display_name": "X", "password": "x", "role": "wizard", "scope_kind": "region", "scope_ref": "35"}))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"username") && fields.contains(&"password") && fields.contains(&"role"),
        "{fields:?}"
    );
    let list: Vec<Value> = app
        .api(Method::GET, "/api/v1/users?q=mitra", &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(list.iter().any(|u| u["username"] == "mitra.dinkes"));
    assert_eq!(
        app.api(
            Method::PUT,
            &format!("/api/v1/users/{id}/password"),
            &token,
            Some(json!({"password": "baru-sangat-rahasia"}))
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    app.finish().await;
}
