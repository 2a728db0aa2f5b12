//! Crash safety: the real `simpul` binary is killed with SIGKILL in the middle of a bulk import,
//! then restarted on the same database. Nothing may be half-written (the import stages its rows
//! in short transactions and makes them visible in one), nothing lost (the job is taken over once its lease runs out and finishes),
//! and nothing written twice (rerunning skips rows already registered).

use crate::common::{Engine, TestDb, PASSWORD};
use crate::on_both_engines;
use serde_json::Value;
use simpul_store::Store;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

on_both_engines!(killed_during_a_bulk_import_nothing_is_half_written_lost_or_doubled);

/// Rows in the import: enough that writing them takes a moment on both engines.
const ROWS: usize = 4000;
const LEASE_SECS: &str = "2";

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(db_url: &str, dir: &Path, log: &str) -> Server {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let log = std::fs::File::create(dir.join(log)).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_simpul"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--database-url", db_url, "--data-dir"])
            .arg(dir)
            .args(["--secret-key", "crash-test-secret-0123456789"])
            .args(["--job-lease-secs", LEASE_SECS])
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("simpul binary starts");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await {
                if r.status().is_success() {
                    return server;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("server did not come up");
    }

    fn kill(mut self) {
        self.child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
        self.child.wait().unwrap();
    }
}

async fn token(client: &reqwest::Client, base: &str) -> String {
    let r: Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"username": "kominfo.kab-pasuruan", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["token"].as_str().expect("token").to_owned()
}

async fn job(client: &reqwest::Client, base: &str, token: &str, id: i64) -> Value {
    client
        .get(format!("{base}/api/v1/jobs/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Imported KIMs and their audit events, read straight from the database.
async fn written(store: &Store) -> (i64, usize) {
    let filter = simpul_store::registry::KimFilter {
        name: Some("uji mati".into()),
        ..Default::default()
    };
    // The rows themselves: the page total stops counting at COUNT_CAP.
    let kims = store
        .search_kims(&filter, 100_000, 0)
        .await
        .unwrap()
        .0
        .len() as i64;
    let audit = simpul_store::audit::AuditFilter {
        action: Some("kim.import".into()),
        actor: Some("kominfo.kab-pasuruan".into()),
        ..Default::default()
    };
    let events = store
        .audit_entries(&simpul_core::authz::ScopeRegions::All, &audit, 100_000)
        .await
        .unwrap()
        .len();
    (kims, events)
}

/// Rows an unfinished import has staged (written, not yet visible), read straight from the
/// database: the import is in its write stage while there are some.
async fn staged_rows(engine: Engine, url: &str) -> i64 {
    use sqlx::Connection;
    let sql = "SELECT COUNT(*) FROM kim_import_rows";
    match engine {
        Engine::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
        }
        Engine::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
        }
    }
}

async fn import_file(store: &Store) -> String {
    let mut villages = Vec::new();
    for district in store
        .region_children(Some(&"35.14".parse().unwrap()))
        .await
        .unwrap()
    {
        for v in store.region_children(Some(&district.code)).await.unwrap() {
            villages.push(v.code.to_string());
        }
    }
    let mut csv = String::from("nama_kim,kode_desa,topik\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "KIM Uji Mati {i},{},health\n",
            villages[i % villages.len()]
        ));
    }
    csv
}

async fn killed_during_a_bulk_import_nothing_is_half_written_lost_or_doubled(engine: Engine) {
    let db = TestDb::new(engine).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    let csv = import_file(&store).await;
    let client = reqwest::Client::new();

    let server = Server::start(&db.url, dir.path(), "first.log").await;
    let token = token(&client, &server.base).await;
    let started: Value = client
        .post(format!(
            "{}/api/v1/kims/import?filename=kim.csv&commit=true&background=true",
            server.base
        ))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = started["job_id"].as_i64().expect("job started");

    // Kill while the rows are being written: staged in short transactions, not yet visible.
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        assert!(
            Instant::now() < deadline,
            "import never reached the write stage"
        );
        let j = job(&client, &server.base, &token, id).await;
        if j["status"] == "failed" {
            let log = std::fs::read_to_string(dir.path().join("first.log")).unwrap_or_default();
            panic!("job failed: {j}\n--- server log ---\n{log}");
        }
        assert_ne!(
            j["status"], "done",
            "the import finished before it could be killed; raise ROWS: {j}"
        );
        let writing = staged_rows(engine, &db.url).await > 0;
        if writing {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();

    let (kims, events) = written(&store).await;
    assert!(
        kims == 0 || kims == ROWS as i64,
        "an import is all or nothing, found {kims} of {ROWS} after the kill"
    );
    assert_eq!(events as i64, kims, "audit and data are written together");
    if kims == 0 {
        assert!(
            staged_rows(engine, &db.url).await > 0,
            "killed mid-write: only invisible staged rows"
        );
    }
    let orphan = store.job(id).await.unwrap();
    assert_eq!(
        orphan.status, "running",
        "the job is still claimed by the dead server"
    );

    // Restarted, the server takes the job over when the dead one's lease has run out.
    let server = Server::start(&db.url, dir.path(), "second.log").await;
    let deadline = Instant::now() + Duration::from_secs(300);
    let finished = loop {
        assert!(Instant::now() < deadline, "the job was not taken over");
        let j = job(&client, &server.base, &token, id).await;
        if j["status"] == "done" || j["status"] == "failed" {
            break j;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(finished["status"], "done", "{finished}");
    // Taken over: at least the dead server's attempt and this one (a moment of a busy database
    // makes a job wait and try again, which counts an attempt too).
    assert!(store.job(id).await.unwrap().attempts >= 2);
    let result = &finished["result"];
    assert_eq!(
        result["written"].as_i64().unwrap() + result["exists"].as_i64().unwrap(),
        ROWS as i64,
        "every row written once, by the first run or the second: {result}"
    );
    let (kims, events) = written(&store).await;
    assert_eq!(kims, ROWS as i64, "nothing lost");
    assert_eq!(events, ROWS, "nothing written twice");
    assert_eq!(
        staged_rows(engine, &db.url).await,
        0,
        "the rerun cleared what the dead server staged"
    );
    eprintln!(
        "crash test ({engine:?}): killed with {} rows committed; the rerun wrote {}",
        ROWS as i64 - result["written"].as_i64().unwrap(),
        result["written"]
    );
    server.kill();
    store.close().await;
    db.drop_db().await;
}
