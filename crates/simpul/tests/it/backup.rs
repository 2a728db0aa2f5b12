//! `simpul backup` / `simpul restore` through the built binary: an online backup taken while
//! accounts are being created, restored into a fresh data directory and database, compared
//! table by table with the source, and served again; and the refusals.

use crate::common::{web_config, Engine, TestApp, TestDb};
use crate::on_both_engines;
use reqwest::Method;
use serde_json::{json, Value};
use simpul_core::audit::AuditContext;
use simpul_core::{Role, Scope};
use simpul_store::backup::Summary;
use simpul_store::Store;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

on_both_engines!(online_backup_restores_into_a_fresh_instance);

const SECRET: &str = "backup-test-secret-7f3a9c0e51d24b68";
/// The tables the writer touches while the backup runs (one transaction each: the account, its
/// role grant and the audit entry).
const WRITTEN: [&str; 3] = ["users", "role_grants", "audit_log"];

struct Cli {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Run the built `simpul` binary, with no configuration from the environment.
async fn simpul(args: Vec<String>) -> Cli {
    tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_simpul"))
            .args(&args)
            .env_remove("SIMPUL_DATABASE_URL")
            .env_remove("SIMPUL_DATA_DIR")
            .env_remove("SIMPUL_SECRET_KEY")
            .env_remove("SIMPUL_CONFIG")
            .output()
            .expect("simpul runs");
        Cli {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn restore_args(from: &Path, target: &TestDb, data_dir: &Path, force: bool) -> Vec<String> {
    let mut a = args(&[
        "restore",
        "--from",
        &from.display().to_string(),
        "--database-url",
        &target.url,
        "--data-dir",
        &data_dir.display().to_string(),
    ]);
    if force {
        a.push("--force".into());
    }
    a
}

async fn summary_of(url: &str) -> Summary {
    let store = Store::connect(url).await.unwrap();
    let s = store.summary().await.unwrap();
    store.close().await;
    s
}

fn rows(s: &Summary, table: &str) -> i64 {
    s.get(table)
        .unwrap_or_else(|| panic!("table {table} present"))
        .rows
}

async fn online_backup_restores_into_a_fresh_instance(engine: Engine) {
    let started = Instant::now();
    // The source: a server whose secret lives in its data directory, as `serve` keeps it.
    let source_dir = tempfile::tempdir().unwrap();
    std::fs::write(source_dir.path().join("secret.key"), format!("{SECRET}\n")).unwrap();
    let web = simpul_app::Config {
        secret: simpul_app::Secret(SECRET.as_bytes().to_vec()),
        ..web_config()
    };
    let app = TestApp::spawn_with(engine, web, None).await;

    // A member with a NIK, stored encrypted under the installation secret.
    let officer = app.api_token("kim.prigen.ketua").await;
    let me: Value = app
        .api(Method::GET, "/api/v1/me", &officer, None)
        .await
        .json()
        .await
        .unwrap();
    let kim: i64 = me["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["scope_kind"] == "kim")
        .unwrap()["scope_ref"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let own: Value = app
        .api(Method::GET, &format!("/api/v1/kims/{kim}"), &officer, None)
        .await
        .json()
        .await
        .unwrap();
    let nik = format!(
        "{}104507900001",
        own["village"].as_str().unwrap()[..5].replace('.', "")
    );
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/kims/{kim}/members"),
            &officer,
            Some(json!({"name": "Siti Aminah", "role": "sekretaris", "nik": nik, "consent_on": "2026-01-05"})),
        )
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    let member = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert!(!app
        .store
        .member(member)
        .await
        .unwrap()
        .nik_enc
        .unwrap()
        .contains(&nik));

    // Writes that go on during the backup: accounts, one transaction each.
    let base = app.store.summary().await.unwrap();
    let committed = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, committed, stop) = (app.store.clone(), committed.clone(), stop.clone());
        let hash = simpul_core::secrets::hash_password("writer-password-123");
        tokio::spawn(async move {
            let ctx = AuditContext::system("backup-test");
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let user = simpul_store::accounts::NewUser {
                    username: format!("writer-{n}"),
                    display_name: format!("Writer {n}"),
                    email: None,
                    password_hash: hash.clone(),
                    locale: "id".into(),
                };
                store
                    .create_user(&ctx, &user, Role::NationalAdmin, &Scope::National)
                    .await
                    .expect("writes succeed during the backup");
                n += 1;
                committed.store(n, Ordering::SeqCst);
            }
        })
    };
    while committed.load(Ordering::SeqCst) < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }

    // A backup needs the installation secret.
    let no_secret = tempfile::tempdir().unwrap();
    let out = simpul(args(&[
        "backup",
        "--database-url",
        app.db_url(),
        "--data-dir",
        &no_secret.path().display().to_string(),
        "--to",
        &no_secret.path().join("b.tar.gz").display().to_string(),
    ]))
    .await;
    assert!(!out.ok);
    assert!(out.stderr.contains("installation secret"), "{}", out.stderr);

    // The backup, online.
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("simpul.tar.gz");
    let before_backup = committed.load(Ordering::SeqCst);
    let backup_started = Instant::now();
    let out = simpul(args(&[
        "backup",
        "--database-url",
        app.db_url(),
        "--data-dir",
        &source_dir.path().display().to_string(),
        "--to",
        &file.display().to_string(),
    ]))
    .await;
    let backup_time = backup_started.elapsed();
    let after_backup = committed.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let written = committed.load(Ordering::SeqCst);
    assert!(out.ok, "backup failed: {}", out.stderr);
    assert!(out.stdout.contains("Backup written to"), "{}", out.stdout);
    assert!(
        after_backup > before_backup,
        "the writer kept committing while the backup ran"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup holds the secret: owner only");
    }

    // The manifest describes one consistent moment: each account with its grant and audit entry.
    let manifest = simpul::backup::read_manifest(&file).unwrap();
    assert_eq!(manifest.engine, format!("{engine:?}").to_lowercase());
    assert_eq!(manifest.migration, Some(latest_migration(engine)));
    let snapshot_writes = rows(&manifest.tables, "users") - rows(&base, "users");
    assert!(
        (before_backup as i64..=after_backup as i64).contains(&snapshot_writes),
        "{before_backup} <= {snapshot_writes} <= {after_backup}"
    );
    for table in WRITTEN {
        assert_eq!(
            rows(&manifest.tables, table),
            rows(&base, table) + snapshot_writes,
            "{table}: the snapshot holds whole transactions only"
        );
    }
    assert_eq!(
        manifest.tables.keys().collect::<Vec<_>>(),
        base.keys().collect::<Vec<_>>()
    );

    // Restore into a fresh data directory and an empty database.
    let target = TestDb::empty(engine).await;
    let target_dir = tempfile::tempdir().unwrap();
    let restore_started = Instant::now();
    let out = simpul(restore_args(&file, &target, target_dir.path(), false)).await;
    let restore_time = restore_started.elapsed();
    assert!(out.ok, "restore failed: {}", out.stderr);
    assert!(
        out.stdout.contains("match the manifest") && out.stdout.contains("secret written"),
        "{}",
        out.stdout
    );
    assert_eq!(
        std::fs::read_to_string(target_dir.path().join("secret.key"))
            .unwrap()
            .trim(),
        SECRET
    );

    // Table by table: the restore is the manifest; untouched tables equal the source's now; the
    // written ones hold exactly the accounts committed before the snapshot.
    let restored = summary_of(&target.url).await;
    assert_eq!(restored, manifest.tables);
    let source_now = app.store.summary().await.unwrap();
    for (table, s) in &source_now {
        if WRITTEN.contains(&table.as_str()) {
            assert_eq!(s.rows, rows(&base, table) + written as i64, "{table}");
        } else {
            assert_eq!(Some(s), restored.get(table), "{table} equals the source");
        }
    }
    let restored_store = Store::connect(&target.url).await.unwrap();
    let last = snapshot_writes - 1;
    assert!(restored_store
        .user_by_username(&format!("writer-{last}"))
        .await
        .unwrap()
        .is_some());
    assert!(restored_store
        .user_by_username(&format!("writer-{snapshot_writes}"))
        .await
        .unwrap()
        .is_none());
    restored_store.close().await;
    eprintln!(
        "{engine:?}: {} tables, {} rows, {} accounts written during the backup ({} in the \
         snapshot); backup {:.2} s, restore {:.2} s",
        manifest.tables.len(),
        manifest.total_rows(),
        after_backup - before_backup,
        snapshot_writes - before_backup as i64,
        backup_time.as_secs_f64(),
        restore_time.as_secs_f64()
    );

    // Refusals: a database that holds tables, without --force; the target stays as it was.
    let out = simpul(restore_args(&file, &target, target_dir.path(), false)).await;
    assert!(!out.ok);
    assert!(
        out.stderr.contains("--force") && !out.stderr.contains("panicked"),
        "{}",
        out.stderr
    );
    // A different secret.key in the data directory is not silently replaced.
    let other_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        other_dir.path().join("secret.key"),
        "another-installation-secret-0000",
    )
    .unwrap();
    let fresh = TestDb::empty(engine).await;
    let out = simpul(restore_args(&file, &fresh, other_dir.path(), false)).await;
    assert!(!out.ok);
    assert!(
        out.stderr.contains("different installation secret"),
        "{}",
        out.stderr
    );
    assert!(fresh_is_empty(&fresh).await, "nothing was restored");
    fresh.drop_db().await;
    // A truncated file and a file that is no backup at all.
    let bytes = std::fs::read(&file).unwrap();
    let truncated = backups.path().join("truncated.tar.gz");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let garbage = backups.path().join("garbage.tar.gz");
    std::fs::write(&garbage, b"this is not a backup at all\n".repeat(100)).unwrap();
    for bad in [&truncated, &garbage] {
        let fresh = TestDb::empty(engine).await;
        let dir = tempfile::tempdir().unwrap();
        let out = simpul(restore_args(bad, &fresh, dir.path(), false)).await;
        assert!(!out.ok, "{}", bad.display());
        assert!(
            out.stderr.contains("is damaged or not a Simpul backup")
                && !out.stderr.contains("panicked"),
            "{}",
            out.stderr
        );
        assert!(fresh_is_empty(&fresh).await);
        assert!(!dir.path().join("secret.key").exists());
        fresh.drop_db().await;
    }
    // --force replaces a database that holds tables, and verifies it the same way.
    let out = simpul(restore_args(&file, &target, target_dir.path(), true)).await;
    assert!(out.ok, "restore --force failed: {}", out.stderr);
    assert_eq!(summary_of(&target.url).await, manifest.tables);

    // The restored instance serves the data: demo logins work and the NIK decrypts with the
    // restored secret.
    let restored_secret = std::fs::read_to_string(target_dir.path().join("secret.key")).unwrap();
    let web = simpul_app::Config {
        secret: simpul_app::Secret(restored_secret.trim().as_bytes().to_vec()),
        ..web_config()
    };
    let restored_app = TestApp::attach(engine, &target.url, web, None).await;
    restored_app.login_as("kominfo.kab-pasuruan").await;
    let officer = restored_app.api_token("kim.prigen.ketua").await;
    let export: Value = restored_app
        .api(
            Method::GET,
            &format!("/api/v1/kims/{kim}/members/{member}/export"),
            &officer,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(export["nik"], nik.as_str());
    assert_eq!(export["name"], "Siti Aminah");
    restored_app.finish().await;
    target.drop_db().await;
    app.finish().await;
    eprintln!(
        "{engine:?}: whole test {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn fresh_is_empty(db: &TestDb) -> bool {
    if let Some(path) = db.url.strip_prefix("sqlite://") {
        if !Path::new(path).exists() {
            return true;
        }
    }
    let store = Store::connect(&db.url).await.unwrap();
    let tables = store.table_names().await.unwrap();
    store.close().await;
    tables.is_empty()
}

/// The newest migration's number, from the migration files of the engine.
fn latest_migration(engine: Engine) -> i64 {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/migrations")
        .join(match engine {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        });
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.split('_').next()?.parse::<i64>().ok()
        })
        .max()
        .expect("migrations exist")
}
