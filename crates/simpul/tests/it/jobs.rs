//! The durable job queue and the import that runs on it: leases, takeover of a dead worker's
//! job, fencing of the stale worker, giving up, and the web import's progress and report pages.

use crate::common::{web_config, Engine, TestApp, TestDb};
use crate::on_both_engines;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use simpul_store::jobs::{Lease, MAX_ATTEMPTS};
use simpul_store::Store;
use std::time::Duration;

on_both_engines!(
    a_dead_workers_job_is_taken_over_and_the_stale_worker_is_fenced,
    web_import_runs_as_a_job_with_progress_then_report_then_commit,
    api_import_in_background_is_polled_until_done,
    progress_page_shows_a_running_job
);

async fn a_dead_workers_job_is_taken_over_and_the_stale_worker_is_fenced(engine: Engine) {
    let db = TestDb::new(engine).await;
    let store = Store::connect(&db.url).await.unwrap();
    let lease = chrono::Duration::milliseconds(300);
    let id = store
        .enqueue_job("test", &json!({"n": 1}), None)
        .await
        .unwrap();
    let first = store.claim_job(lease).await.unwrap().expect("queued job");
    assert_eq!(
        (first.id, first.attempts, first.status.as_str()),
        (id, 1, "running")
    );
    assert!(
        store.claim_job(lease).await.unwrap().is_none(),
        "a leased job is not handed out twice"
    );
    let stale = Lease {
        job_id: id,
        attempt: 1,
    };
    assert!(store
        .job_heartbeat(stale, "check", 10, 100, lease)
        .await
        .unwrap());
    assert_eq!(store.job(id).await.unwrap().progress_done, 10);
    // The first worker stops beating (it died); after the lease another takes the job over.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = store
        .claim_job(lease)
        .await
        .unwrap()
        .expect("expired lease");
    assert_eq!((second.id, second.attempts), (id, 2));
    // The first worker wakes up: it can no longer report progress or a result.
    assert!(!store
        .job_heartbeat(stale, "check", 99, 100, lease)
        .await
        .unwrap());
    assert!(!store.finish_job(stale, Ok(&json!("old"))).await.unwrap());
    let current = Lease {
        job_id: id,
        attempt: 2,
    };
    assert!(store
        .finish_job(current, Ok(&json!({"written": 3})))
        .await
        .unwrap());
    let done = store.job(id).await.unwrap();
    assert_eq!(done.status, "done");
    assert_eq!(done.result.as_deref(), Some(r#"{"written":3}"#));
    assert!(store.claim_job(lease).await.unwrap().is_none());

    // A job whose worker keeps dying is given up after MAX_ATTEMPTS claims.
    let doomed = store.enqueue_job("test", &json!({}), None).await.unwrap();
    let short = chrono::Duration::milliseconds(1);
    for attempt in 1..=MAX_ATTEMPTS {
        let job = store.claim_job(short).await.unwrap().expect("claimable");
        assert_eq!((job.id, job.attempts), (doomed, attempt));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(store.claim_job(short).await.unwrap().is_none());
    let given_up = store.job(doomed).await.unwrap();
    assert_eq!(given_up.status, "dead", "given up after its attempts");
    assert!(given_up.error.is_some());
    store.close().await;
    db.drop_db().await;
}

fn upload(csv: &str) -> Form {
    Form::new().part(
        "file",
        Part::bytes(csv.as_bytes().to_vec())
            .file_name("daftar.csv")
            .mime_str("text/csv")
            .unwrap(),
    )
}

async fn post_upload(app: &TestApp, csv: &str) -> (StatusCode, String, String) {
    let csrf = app.csrf().await;
    let r = app
        .client
        .post(app.url(&format!("/kim/import?csrf_token={csrf}")))
        .multipart(upload(csv))
        .send()
        .await
        .unwrap();
    follow(app, r).await
}

/// Follow the 303 to the job page, as a browser would.
async fn follow(app: &TestApp, r: reqwest::Response) -> (StatusCode, String, String) {
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "redirected to the job page"
    );
    let url = crate::common::header(r.headers(), "location").to_owned();
    let (status, body) = app.get_text(&url).await;
    (status, url, body)
}

/// Reload a job page until its job is finished (as the page's own refresh would).
async fn until_finished(app: &TestApp, path: &str) -> String {
    for _ in 0..300 {
        let (status, body) = app.get_text(path).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if !body.contains("id=\"import-progress\"") {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job at {path} did not finish");
}

async fn kims_named(store: &Store, q: &str) -> i64 {
    let filter = simpul_store::registry::KimFilter {
        name: Some(q.to_owned()),
        ..Default::default()
    };
    store.search_kims(&filter, 1, 0).await.unwrap().1
}

async fn web_import_runs_as_a_job_with_progress_then_report_then_commit(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.kab-pasuruan").await;
    // A file with a bad row: the report names it, and there is nothing to commit.
    let bad = "nama_kim,kode_desa,telepon\n\
               KIM Antrian Satu,35.14.10.2001,0812 1234 5678\n\
               KIM Antrian Dua,35.14.10.9999,\n";
    let (status, url, body) = post_upload(&app, bad).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        url.starts_with("/kim/import/jobs/"),
        "redirected to the job: {url}"
    );
    let body = if body.contains("import-progress") {
        until_finished(&app, &url).await
    } else {
        body
    };
    assert!(body.contains("id=\"import-report\""), "{body}");
    assert!(
        body.contains("Kode desa ini tidak ada di daftar wilayah Kemendagri."),
        "row error in Indonesian"
    );
    assert!(!body.contains("id=\"import-commit\""), "nothing to commit");
    assert_eq!(kims_named(&app.store, "antrian").await, 0);

    // A clean file: summary, then "save all" writes both rows in one go.
    let good = "nama_kim,kode_desa,telepon\n\
                KIM Antrian Satu,35.14.10.2001,0812 1234 5678\n\
                KIM Antrian Tiga,35.14.10.2002,\n";
    let (_, url, body) = post_upload(&app, good).await;
    let body = if body.contains("import-progress") {
        until_finished(&app, &url).await
    } else {
        body
    };
    assert!(body.contains("2 baris: 2 siap disimpan"), "{body}");
    assert_eq!(
        kims_named(&app.store, "antrian").await,
        0,
        "a check writes nothing"
    );
    let job_id = url.rsplit('/').next().unwrap().to_owned();
    assert!(body.contains(&format!("/kim/import/jobs/{job_id}/commit")));

    // Someone else cannot see or commit this job.
    let mut other = TestApp::attach(app.engine, app.db_url(), web_config(), None).await;
    other.new_visitor();
    other.login_as("kominfo.jatim").await;
    let (status, _) = other.get_text(&url).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = other
        .post_form(&format!("/kim/import/jobs/{job_id}/commit"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(kims_named(&app.store, "antrian").await, 0);

    let r = app
        .post_form(&format!("/kim/import/jobs/{job_id}/commit"), &[])
        .await;
    let (_, url, _) = follow(&app, r).await;
    let body = until_finished(&app, &url).await;
    assert!(body.contains("2 KIM tersimpan"), "{body}");
    assert_eq!(kims_named(&app.store, "antrian").await, 2);
    // Committing the same check again writes nothing more.
    let r = app
        .post_form(&format!("/kim/import/jobs/{job_id}/commit"), &[])
        .await;
    let (_, url, _) = follow(&app, r).await;
    let body = until_finished(&app, &url).await;
    assert!(
        body.contains("0 KIM tersimpan (2 sudah terdaftar"),
        "{body}"
    );
    assert_eq!(kims_named(&app.store, "antrian").await, 2);
    let filter = simpul_store::audit::AuditFilter {
        action: Some("kim.import".into()),
        actor: Some("kominfo.kab-pasuruan".into()),
        ..Default::default()
    };
    let audit = app
        .store
        .audit_entries(&simpul_core::authz::ScopeRegions::All, &filter, 500)
        .await
        .unwrap();
    let imports = audit.len();
    assert_eq!(imports, 2, "one audit event per KIM written, none twice");
    other.finish().await;
    app.finish().await;
}

async fn api_import_in_background_is_polled_until_done(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kominfo.kab-pasuruan").await;
    let csv = "nama_kim,kode_desa\nKIM Latar Satu,35.14.10.2001\nKIM Latar Dua,35.14.10.2003\n";
    let r = app
        .client
        .post(app.url("/api/v1/kims/import?filename=kim.csv&commit=true&background=true"))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let started: Value = r.json().await.unwrap();
    let status_url = started["status_url"].as_str().unwrap().to_owned();
    let mut job = Value::Null;
    for _ in 0..300 {
        job = app
            .api(Method::GET, &status_url, &token, None)
            .await
            .json()
            .await
            .unwrap();
        if job["status"] == "done" || job["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["result"]["written"], 2);
    assert_eq!(job["result"]["rows"], 2);
    assert_eq!(kims_named(&app.store, "latar").await, 2);
    // Only its owner sees a job.
    let other = app.api_token("kominfo.jatim").await;
    let r = app.api(Method::GET, &status_url, &other, None).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A bad file fails the job with a reason, writing nothing.
    let r = app
        .client
        .post(app.url("/api/v1/kims/import?filename=kim.csv&background=true&commit=true"))
        .bearer_auth(&token)
        .body("name,village\nX,35.14.10.2001\n")
        .send()
        .await
        .unwrap();
    let url = r.json::<Value>().await.unwrap()["status_url"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..300 {
        job = app
            .api(Method::GET, &url, &token, None)
            .await
            .json()
            .await
            .unwrap();
        if job["status"] == "failed" || job["status"] == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(job["status"], "failed");
    assert_eq!(job["error"], "error.import_headers");
    app.finish().await;
}

async fn progress_page_shows_a_running_job(engine: Engine) {
    // An instance without a worker: the job waits, as it would behind a long queue.
    let web = simpul_app::Config {
        run_jobs: false,
        ..web_config()
    };
    let app = TestApp::spawn_with(engine, web, None).await;
    app.login_as("kominfo.kab-pasuruan").await;
    let (status, url, body) =
        post_upload(&app, "nama_kim,kode_desa\nKIM Tunggu,35.14.10.2001\n").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Menunggu giliran diproses"), "{body}");
    assert!(body.contains(r#"<meta http-equiv="refresh" content="2">"#));
    assert!(!body.contains("id=\"import-form\""));
    // A worker elsewhere takes it and reports progress.
    let job = app
        .store
        .claim_job(chrono::Duration::seconds(60))
        .await
        .unwrap()
        .expect("the queued import");
    let lease = Lease {
        job_id: job.id,
        attempt: job.attempts,
    };
    app.store
        .job_heartbeat(lease, "check", 4200, 10000, chrono::Duration::seconds(60))
        .await
        .unwrap();
    let (_, body) = app.get_text(&url).await;
    assert!(body.contains("Memeriksa baris: 4200 dari 10000"), "{body}");
    assert!(body.contains(r#"<progress max="100" value="42""#), "{body}");
    app.finish().await;
}
