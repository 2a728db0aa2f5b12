//! Several `simpul serve` processes on one PostgreSQL behave as one site: all state (sessions,
//! throttling, regions) lives in the database.

use crate::common::{postgres_url, web_config, Engine, TestApp, PASSWORD};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_act_as_one_site() {
    if postgres_url().is_none() {
        eprintln!("SIMPUL_TEST_POSTGRES_URL not set: multi-instance test not run");
        return;
    }
    let a = TestApp::spawn(Engine::Postgres).await;
    let mut b = TestApp::attach(Engine::Postgres, a.db_url(), web_config(), None).await;
    // Log in on A, carry the session cookie to B.
    a.login_as("kominfo.jatim").await;
    let session = a.cookie("simpul_session").unwrap();
    let r = b
        .client
        .get(b.url("/dashboard"))
        .header("cookie", format!("simpul_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("kominfo.jatim"));
    // An account created through B is visible through A.
    b.new_visitor();
    b.login_as("kominfo.jatim").await;
    let r = b
        .post_form(
            "/admin/users",
            &[
                ("username", "dibuat.di.b"),
                ("display_name", "B"),
                ("password", "sangat-rahasia-123"),
                ("role", "kim_member"),
                ("scope_kind", "region"),
                ("scope_ref", "35.14"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = a.get_text("/admin/users?q=dibuat").await;
    assert!(html.contains("dibuat.di.b"));
    // Failed logins counted on A throttle B.
    for _ in 0..5 {
        a.login("kominfo.kab-malang", "wrong password!").await;
    }
    b.new_visitor();
    assert_eq!(
        b.login("kominfo.kab-malang", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Logging out on B ends the session on A.
    let mut c = TestApp::attach(Engine::Postgres, a.db_url(), web_config(), None).await;
    c.new_visitor();
    b.post_form("/logout", &[]).await;
    let b_session_gone = a.client.get(a.url("/dashboard")).send().await.unwrap();
    assert_eq!(
        b_session_gone.status(),
        StatusCode::OK,
        "A's own session is unaffected"
    );
    c.finish().await;
    b.finish().await;
    a.finish().await;
}
