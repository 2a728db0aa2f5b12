//! A bulk import commits in short transactions: while 10,000 KIMs are written, other writes
//! (a login, an audit-logged action) go through between the import's chunks instead of waiting
//! seconds behind one long transaction for SQLite's only write lock.

use crate::common::{Engine, TestApp, PASSWORD};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use simpul_core::audit::AuditContext;
use simpul_store::registry::{ImportKim, KimFilter, KimProfile, KimRecord};
use simpul_store::Store;
use sqlx::Connection;

on_both_engines!(
    a_login_and_an_audited_write_go_through_while_an_import_commits,
    an_import_killed_mid_commit_leaves_nothing_and_its_rerun_writes_each_row_once
);

/// `rows` KIM profiles spread over the villages of Kabupaten Pasuruan.
async fn profiles(store: &Store, rows: usize, label: &str) -> Vec<KimProfile> {
    let mut villages = Vec::new();
    for district in store
        .region_children(Some(&"35.14".parse().unwrap()))
        .await
        .unwrap()
    {
        for v in store.region_children(Some(&district.code)).await.unwrap() {
            villages.push(v.code);
        }
    }
    (0..rows)
        .map(|i| {
            let name = format!("KIM {label} {i}");
            KimProfile {
                name_norm: simpul_core::registry::normalize_kim_name(&name),
                name,
                village: Some(villages[i % villages.len()].clone()),
                social_json: "{}".into(),
                topics: vec!["health".into(), "education".into()],
                ..Default::default()
            }
        })
        .collect()
}

/// The staged rows of unfinished imports, read straight from the database.
async fn staged_rows(engine: Engine, url: &str) -> i64 {
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

/// Registration numbers handed out so far, over all villages.
async fn numbers_handed_out(engine: Engine, url: &str) -> i64 {
    let sql = "SELECT CAST(COALESCE(SUM(last_seq), 0) AS BIGINT) FROM kim_number_seq";
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

/// What an import does at its first pause, between two chunks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AtPause {
    /// Wait for the test, then go on.
    Wait,
    /// Die as a killed server would (the thread panics): nothing after this runs.
    Crash,
}

/// An import through `Store::import_kims` on a thread (and runtime) of its own, which stops
/// after its first chunk is staged, with no transaction open, until the test says go on or
/// crash. The test acts at a known point in the middle of the commit, with no timing involved.
struct PausedImport {
    paused: tokio::sync::mpsc::UnboundedReceiver<usize>,
    go: std::sync::mpsc::Sender<AtPause>,
    thread: std::thread::JoinHandle<Vec<i64>>,
}

impl PausedImport {
    fn start(url: &str, rows: usize, label: &'static str, batch: &'static str) -> PausedImport {
        let (paused_tx, paused) = tokio::sync::mpsc::unbounded_channel();
        let (go, go_rx) = std::sync::mpsc::channel();
        let url = url.to_owned();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let store = Store::connect(&url).await.unwrap();
                let (profiles, keys) = import_rows(&store, rows, label).await;
                let rows = as_import(&profiles, &keys);
                let mut first = true;
                let ids = store
                    .import_kims(
                        &actor(),
                        batch,
                        &rows,
                        &simpul_app::import::number_for,
                        |done| {
                            if std::mem::take(&mut first) {
                                paused_tx.send(done).unwrap();
                                if go_rx.recv().unwrap() == AtPause::Crash {
                                    panic!("killed mid-import (on purpose)");
                                }
                            }
                        },
                    )
                    .await
                    .unwrap();
                store.close().await;
                ids
            })
        });
        PausedImport { paused, go, thread }
    }

    /// Wait until the import pauses; the rows staged by then.
    async fn paused(&mut self) -> usize {
        self.paused
            .recv()
            .await
            .expect("the import pauses after its first chunk")
    }

    /// Let it go on, and wait for its end: the new KIMs' ids.
    async fn finish(self) -> Vec<i64> {
        self.go.send(AtPause::Wait).unwrap();
        tokio::task::spawn_blocking(move || self.thread.join().expect("the import finishes"))
            .await
            .unwrap()
    }

    /// Kill it where it stands.
    async fn crash(self) {
        self.go.send(AtPause::Crash).unwrap();
        let died = tokio::task::spawn_blocking(move || self.thread.join())
            .await
            .unwrap();
        assert!(died.is_err(), "the import was killed");
    }
}

fn actor() -> AuditContext {
    AuditContext {
        actor_id: None,
        actor_name: "impor.uji".into(),
        request_id: None,
        ip: None,
    }
}

async fn import_rows(store: &Store, rows: usize, label: &str) -> (Vec<KimProfile>, Vec<String>) {
    let profiles = profiles(store, rows, label).await;
    let keys = (0..rows).map(|i| format!("uji|{label}|{i}")).collect();
    (profiles, keys)
}

fn as_import<'a>(profiles: &'a [KimProfile], keys: &'a [String]) -> Vec<ImportKim<'a>> {
    profiles
        .iter()
        .zip(keys)
        .map(|(p, k)| ImportKim {
            profile: p,
            status: "active",
            import_key: k,
            leader: None,
        })
        .collect()
}

/// The imported KIMs visible in the registry, and their `kim.import` audit entries.
async fn visible(store: &Store, label: &str) -> (Vec<KimRecord>, usize) {
    let filter = KimFilter {
        name: Some(simpul_core::registry::normalize_kim_name(&format!(
            "KIM {label}"
        ))),
        ..Default::default()
    };
    let kims = store.search_kims(&filter, 100_000, 0).await.unwrap().0;
    let audit = simpul_store::audit::AuditFilter {
        action: Some("kim.import".into()),
        actor: Some("impor.uji".into()),
        ..Default::default()
    };
    let events = store
        .audit_entries(&simpul_core::authz::ScopeRegions::All, &audit, 100_000)
        .await
        .unwrap()
        .len();
    (kims, events)
}

/// How many imported KIMs are visible, and how many `kim.import` audit entries.
async fn counts(store: &Store, label: &str) -> (usize, usize) {
    let (kims, events) = visible(store, label).await;
    (kims.len(), events)
}

/// Every imported KIM has a registration number of its own village, none shared.
fn assert_numbered(kims: &[KimRecord]) {
    let mut numbers = std::collections::HashSet::new();
    for k in kims {
        let n = k.reg_number.as_deref().expect("an active KIM has a number");
        assert!(
            n.starts_with(&format!("KIM-{}-", k.village_code)),
            "{n} in {}",
            k.village_code
        );
        assert!(numbers.insert(n.to_owned()), "{n} handed out twice");
    }
}

async fn a_login_and_an_audited_write_go_through_while_an_import_commits(engine: Engine) {
    const ROWS: usize = 10_000;
    let app = TestApp::spawn(engine).await;
    let mut import = PausedImport::start(app.db_url(), ROWS, "Sela Impor", "uji-sela");
    let staged = import.paused().await;
    assert!(
        0 < staged && staged < ROWS,
        "paused mid-commit: {staged} of {ROWS} staged"
    );
    assert_eq!(
        counts(&app.store, "Sela Impor").await,
        (0, 0),
        "staged rows stay invisible"
    );

    // With the old single transaction the import held SQLite's write lock right here, and
    // these waited for it until the busy timeout and failed.
    let r = app.login("kominfo.kab-pasuruan", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "logged in mid-import");
    let token = app.api_token("kominfo.kab-pasuruan").await;
    let village = profiles(&app.store, 1, "x").await[0]
        .village
        .clone()
        .unwrap();
    let r = app
        .api(
            Method::POST,
            "/api/v1/kims",
            &token,
            Some(json!({
            "name": "KIM Sela Daftar", "village": village.to_string(), "submit": "0"})),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "an audited write mid-import"
    );
    let kim = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let audit = simpul_store::audit::AuditFilter {
        action: Some("kim.create".into()),
        actor: Some("kominfo.kab-pasuruan".into()),
        ..Default::default()
    };
    let entries = app
        .store
        .audit_entries(&simpul_core::authz::ScopeRegions::All, &audit, 10)
        .await
        .unwrap();
    assert!(
        entries.iter().any(|e| e.object_id == kim.to_string()),
        "its audit entry"
    );
    // All of that happened before the import finished: none of it is visible yet.
    assert_eq!(visible(&app.store, "Sela Impor").await.1, 0);

    let ids = import.finish().await;
    assert_eq!(ids.len(), ROWS);
    let (kims, events) = visible(&app.store, "Sela Impor").await;
    assert_eq!(
        (kims.len(), events),
        (ROWS, ROWS),
        "all at once, each audited once"
    );
    assert_numbered(&kims);
    assert_eq!(
        staged_rows(engine, app.db_url()).await,
        0,
        "nothing left staged"
    );
    app.finish().await;
}

async fn an_import_killed_mid_commit_leaves_nothing_and_its_rerun_writes_each_row_once(
    engine: Engine,
) {
    const ROWS: usize = 1_200;
    let app = TestApp::spawn(engine).await;
    let numbers_before = numbers_handed_out(engine, app.db_url()).await;
    let mut import = PausedImport::start(app.db_url(), ROWS, "Mati Impor", "uji-mati");
    import.paused().await;
    import.crash().await;
    assert_eq!(
        counts(&app.store, "Mati Impor").await,
        (0, 0),
        "nothing half-written"
    );
    assert!(
        staged_rows(engine, app.db_url()).await > 0,
        "only invisible staged rows"
    );
    assert_eq!(
        numbers_handed_out(engine, app.db_url()).await,
        numbers_before,
        "no registration number burnt"
    );

    // The rerun (the job taken over) stages again under the same batch.
    let (profiles, keys) = import_rows(&app.store, ROWS, "Mati Impor").await;
    let ids = app
        .store
        .import_kims(
            &actor(),
            "uji-mati",
            &as_import(&profiles, &keys),
            &simpul_app::import::number_for,
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), ROWS);
    let (kims, events) = visible(&app.store, "Mati Impor").await;
    assert_eq!((kims.len(), events), (ROWS, ROWS), "each row once");
    assert_numbered(&kims);
    assert_eq!(
        numbers_handed_out(engine, app.db_url()).await,
        numbers_before + ROWS as i64,
        "one number per KIM"
    );
    assert_eq!(staged_rows(engine, app.db_url()).await, 0);
    // Ids come back in row order (the demo and `simpul generate` add members by them).
    for (id, key) in ids.iter().zip(&keys).step_by(97) {
        assert_eq!(
            app.store.kim_id_by_import_key(key).await.unwrap(),
            Some(*id)
        );
    }
    app.finish().await;
}
