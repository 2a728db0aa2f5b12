//! `simpul backup` and `simpul restore`: one file holding a consistent snapshot of the database,
//! the installation secret (without it the members' encrypted NIKs are unreadable) and a
//! manifest that describes both.
//!
//! The file is a gzip-compressed tar archive with three entries:
//! - `manifest.json`: format version, engine, Simpul version, time, latest migration, the
//!   database file's size and SHA-256, and every table's row count and content checksum;
//! - `secret.key`: the installation secret;
//! - `simpul.db` (SQLite, written by `VACUUM INTO` from the live database) or `simpul.pgdump`
//!   (PostgreSQL, `pg_dump --format=custom` of a snapshot exported by an open transaction, so
//!   the manifest's counts describe exactly what was dumped).
//!
//! Both snapshots are taken while the server runs and writes. A restore goes into an empty
//! target only (or any with `--force`), checks the file's integrity first and the restored
//! tables against the manifest afterwards.

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use simpul_store::backup::Summary;
use simpul_store::{Engine, Store};
use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub const FORMAT: &str = "simpul-backup";
pub const FORMAT_VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";
const SECRET: &str = "secret.key";
const SQLITE_FILE: &str = "simpul.db";
const PG_FILE: &str = "simpul.pgdump";

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// `sqlite` or `postgres`
    pub engine: String,
    pub simpul_version: String,
    pub created_at: DateTime<Utc>,
    /// The newest applied migration in the snapshot.
    pub migration: Option<i64>,
    pub database: DatabaseFile,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres: Option<PgInfo>,
    pub tables: Summary,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatabaseFile {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PgInfo {
    pub server_version: String,
    pub pg_dump_version: String,
}

impl Manifest {
    pub fn engine(&self) -> Result<Engine> {
        match self.engine.as_str() {
            "sqlite" => Ok(Engine::Sqlite),
            "postgres" => Ok(Engine::Postgres),
            other => bail!("the backup's engine {other:?} is unknown"),
        }
    }

    pub fn total_rows(&self) -> i64 {
        self.tables.values().map(|t| t.rows).sum()
    }
}

pub struct BackupOptions {
    pub database_url: String,
    pub data_dir: PathBuf,
    /// The secret given on the command line or in the environment; else `DATA_DIR/secret.key`.
    pub secret_key: Option<String>,
    /// The backup file, or a directory for the default name; default: the current directory.
    pub to: Option<PathBuf>,
    /// Where pg_dump/pg_restore are; default: the server's version's Debian directory, then PATH.
    pub pg_bin_dir: Option<PathBuf>,
}

pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub manifest: Manifest,
    pub elapsed: Duration,
}

impl fmt::Display for BackupReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Backup written to {} ({}, {:.1} s).",
            self.path.display(),
            human_bytes(self.bytes),
            self.elapsed.as_secs_f64()
        )?;
        write_tables(f, &self.manifest)?;
        write!(
            f,
            "It holds the installation secret (secret.key): keep it as safe as the data itself."
        )
    }
}

pub struct RestoreOptions {
    pub from: PathBuf,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub force: bool,
    pub pg_bin_dir: Option<PathBuf>,
}

pub struct RestoreReport {
    pub manifest: Manifest,
    pub database: String,
    pub secret: SecretOutcome,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretOutcome {
    Written(PathBuf),
    AlreadyThere(PathBuf),
    /// A different secret was there (restore --force); it was kept under this name.
    Replaced {
        path: PathBuf,
        old: PathBuf,
    },
}

impl fmt::Display for RestoreReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.manifest;
        writeln!(
            f,
            "Restored the {} backup of {} (Simpul {}, migration {}) into {} in {:.1} s.",
            m.engine,
            m.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
            m.simpul_version,
            m.migration.map_or("none".into(), |v| v.to_string()),
            self.database,
            self.elapsed.as_secs_f64()
        )?;
        write_tables(f, m)?;
        writeln!(
            f,
            "Every table's row count and content checksum match the manifest."
        )?;
        match &self.secret {
            SecretOutcome::Written(p) => {
                write!(f, "Installation secret written to {}.", p.display())
            }
            SecretOutcome::AlreadyThere(p) => {
                write!(
                    f,
                    "Installation secret {} was already the same.",
                    p.display()
                )
            }
            SecretOutcome::Replaced { path, old } => write!(
                f,
                "Installation secret {} replaced; the previous one is kept as {}.",
                path.display(),
                old.display()
            ),
        }
    }
}

fn write_tables(f: &mut fmt::Formatter<'_>, m: &Manifest) -> fmt::Result {
    let width = m.tables.keys().map(|k| k.len()).max().unwrap_or(0);
    for (name, t) in &m.tables {
        writeln!(f, "  {name:<width$}  {:>10} rows", t.rows)?;
    }
    writeln!(
        f,
        "  {:<width$}  {:>10} rows in {} tables",
        "total",
        m.total_rows(),
        m.tables.len()
    )
}

fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.1} KiB", n as f64 / 1024.0)
    }
}

fn engine_of(url: &str) -> Engine {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Engine::Postgres
    } else {
        Engine::Sqlite
    }
}

/// The file behind a `sqlite://` URL.
fn sqlite_path(url: &str) -> Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| anyhow!("not a SQLite URL"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        bail!("a backup or restore needs a SQLite file, not {url}");
    }
    Ok(PathBuf::from(path))
}

/// A directory removed when dropped (temporary files of a backup or restore).
struct TempDir(PathBuf);

impl TempDir {
    fn new_in(parent: &Path, what: &str) -> Result<TempDir> {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create directory {}", parent.display()))?;
        let dir = parent.join(format!(
            ".simpul-{what}-{}-{}",
            std::process::id(),
            simpul_core::secrets::new_token("")[..8].to_owned()
        ));
        std::fs::create_dir(&dir)
            .with_context(|| format!("cannot create directory {}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, hex::encode(hasher.finalize())))
}

#[cfg(unix)]
fn private_file(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}
#[cfg(not(unix))]
fn private_file(_path: &Path) {}

// ---------------------------------------------------------------------------------------------
// PostgreSQL client tools
// ---------------------------------------------------------------------------------------------

/// A libpq connection URI without its password, and the password (for PGPASSWORD), so that it
/// never shows in the process list.
fn libpq_target(url: &str) -> (String, Option<String>) {
    if let (Some(scheme), Some(at)) = (url.find("://"), url.rfind('@')) {
        if at > scheme {
            let creds = &url[scheme + 3..at];
            if let Some((user, password)) = creds.split_once(':') {
                let uri = format!("{}{user}{}", &url[..scheme + 3], &url[at..]);
                return (uri, Some(percent_decode(password)));
            }
        }
    }
    (url.to_owned(), None)
}

fn percent_decode(s: &str) -> String {
    fn hex_digit(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex_digit(bytes[i + 1]), hex_digit(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// pg_dump or pg_restore: from `--pg-bin-dir`, else the Debian directory of the server's major
/// version, else PATH; with its version checked.
#[derive(Clone)]
struct PgTool {
    path: PathBuf,
    version: String,
    major: u32,
}

fn pg_tool(name: &str, bin_dir: Option<&Path>, server_major: u32) -> Result<PgTool> {
    let path = match bin_dir {
        Some(dir) => dir.join(name),
        None => {
            let debian = PathBuf::from(format!("/usr/lib/postgresql/{server_major}/bin/{name}"));
            if debian.is_file() {
                debian
            } else {
                PathBuf::from(name)
            }
        }
    };
    let output = Command::new(&path).arg("--version").output().map_err(|e| {
        anyhow!(
            "cannot run {} ({e}): the PostgreSQL client tools of the server's version are needed \
             (Debian/Ubuntu: apt-get install postgresql-client-{server_major}); \
             --pg-bin-dir DIR points at another installation",
            path.display()
        )
    })?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    // "pg_dump (PostgreSQL) 15.4 (Debian 15.4-1)"
    let version = text
        .split_whitespace()
        .nth(2)
        .map(str::to_owned)
        .unwrap_or_default();
    let major = version
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|m| m.parse().ok())
        .ok_or_else(|| anyhow!("{} --version said {text:?}", path.display()))?;
    Ok(PgTool {
        path,
        version,
        major,
    })
}

fn run_pg_tool(tool: &PgTool, url: &str, args: &[&str]) -> Result<()> {
    let (uri, password) = libpq_target(url);
    let mut cmd = Command::new(&tool.path);
    cmd.args(args).arg(format!("--dbname={uri}"));
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let output = cmd
        .output()
        .with_context(|| format!("cannot run {}", tool.path.display()))?;
    if !output.status.success() {
        bail!(
            "{} failed ({}): {}",
            tool.path.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// backup
// ---------------------------------------------------------------------------------------------

fn read_secret(given: Option<String>, data_dir: &Path) -> Result<Vec<u8>> {
    if let Some(s) = given {
        if s.trim().len() < 16 {
            bail!("--secret-key must be at least 16 characters");
        }
        return Ok(s.trim().as_bytes().to_vec());
    }
    let path = data_dir.join(SECRET);
    let bytes = std::fs::read(&path).map_err(|e| {
        anyhow!(
            "cannot read the installation secret {} ({e}); without it the members' encrypted \
             NIKs in a backup could never be read again. Point --data-dir at the server's data \
             directory, or give the secret with --secret-key / SIMPUL_SECRET_KEY",
            path.display()
        )
    })?;
    let trimmed = String::from_utf8_lossy(&bytes).trim().to_owned();
    if trimmed.is_empty() {
        bail!("the installation secret {} is empty", path.display());
    }
    Ok(trimmed.into_bytes())
}

fn default_backup_name() -> String {
    format!(
        "simpul-backup-{}.tar.gz",
        Utc::now().format("%Y%m%d-%H%M%S")
    )
}

/// Take a consistent backup of a live database and the installation secret.
pub async fn backup(opts: BackupOptions) -> Result<BackupReport> {
    let started = Instant::now();
    let secret = read_secret(opts.secret_key.clone(), &opts.data_dir)?;
    let target = match &opts.to {
        Some(p) if p.is_dir() => p.join(default_backup_name()),
        Some(p) => p.clone(),
        None => PathBuf::from(default_backup_name()),
    };
    if target.exists() {
        bail!("{} already exists; choose another --to", target.display());
    }
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let work = TempDir::new_in(&parent, "backup")?;
    let engine = engine_of(&opts.database_url);
    let (db_file, migration, tables, postgres) = match engine {
        Engine::Sqlite => {
            let source = sqlite_path(&opts.database_url)?;
            if !source.is_file() {
                bail!("no SQLite database at {}", source.display());
            }
            let store = Store::connect(&opts.database_url)
                .await
                .with_context(|| format!("cannot open database {}", source.display()))?;
            let snapshot = work.0.join(SQLITE_FILE);
            let vacuumed = store.sqlite_vacuum_into(&snapshot).await;
            store.close().await;
            vacuumed.context("VACUUM INTO (the SQLite snapshot) failed")?;
            let report = simpul_store::backup::inspect_sqlite_file(&snapshot)
                .await
                .context("cannot read the SQLite snapshot")?;
            if !report.problems.is_empty() {
                bail!(
                    "the SQLite snapshot fails its integrity check: {}",
                    report.problems.join("; ")
                );
            }
            (snapshot, report.migration, report.summary, None)
        }
        Engine::Postgres => {
            let redacted = simpul_store::connect::redact(&opts.database_url);
            let store = Store::connect(&opts.database_url)
                .await
                .with_context(|| format!("cannot open database {redacted}"))?;
            let result = pg_backup(&store, &opts, &work.0).await;
            store.close().await;
            result?
        }
    };
    if tables.is_empty() {
        bail!("the database has no tables: nothing to back up (was it ever started?)");
    }
    let (bytes, sha256) = sha256_file(&db_file)?;
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        engine: engine.as_str().into(),
        simpul_version: env!("CARGO_PKG_VERSION").into(),
        created_at: Utc::now(),
        migration,
        database: DatabaseFile {
            name: db_file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes,
            sha256,
        },
        postgres,
        tables,
    };
    let partial = work.0.join("backup.tar.gz");
    let manifest_json = serde_json::to_vec_pretty(&manifest)?;
    {
        let partial = partial.clone();
        let db_file = db_file.clone();
        let db_name = manifest.database.name.clone();
        tokio::task::spawn_blocking(move || {
            write_archive(&partial, &manifest_json, &secret, &db_file, &db_name)
        })
        .await??;
    }
    private_file(&partial);
    std::fs::rename(&partial, &target)
        .or_else(|_| std::fs::copy(&partial, &target).map(|_| ()))
        .with_context(|| format!("cannot write {}", target.display()))?;
    private_file(&target);
    let bytes = std::fs::metadata(&target)?.len();
    Ok(BackupReport {
        path: target,
        bytes,
        manifest,
        elapsed: started.elapsed(),
    })
}

type Snapshot = (PathBuf, Option<i64>, Summary, Option<PgInfo>);

async fn pg_backup(store: &Store, opts: &BackupOptions, work: &Path) -> Result<Snapshot> {
    let (server_major, server_version) = store.pg_server_version().await?;
    let pg_dump = pg_tool("pg_dump", opts.pg_bin_dir.as_deref(), server_major)?;
    if pg_dump.major < server_major {
        bail!(
            "{} is version {} but the server is PostgreSQL {server_version}: pg_dump must be at \
             least the server's major version (Debian/Ubuntu: apt-get install \
             postgresql-client-{server_major}; or --pg-bin-dir DIR)",
            pg_dump.path.display(),
            pg_dump.version
        );
    }
    let mut snapshot = store
        .pg_export_snapshot()
        .await
        .context("cannot open a snapshot transaction")?;
    let dump = work.join(PG_FILE);
    let dumped = {
        let tool = &pg_dump;
        let url = opts.database_url.clone();
        let args = [
            "--format=custom".to_owned(),
            format!("--snapshot={}", snapshot.id),
            "--no-password".to_owned(),
            format!("--file={}", dump.display()),
        ];
        let tool = tool.clone();
        let dump_job = async move {
            tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                run_pg_tool(&tool, &url, &args)
            })
            .await
            .unwrap_or_else(|e| Err(e.into()))
        };
        // pg_dump reads while this transaction summarises the same snapshot.
        let (dumped, summary) = tokio::join!(dump_job, async {
            let s = snapshot.summary().await?;
            let m = snapshot.latest_migration().await?;
            Ok::<_, simpul_store::StoreError>((s, m))
        });
        dumped.map(|_| summary)
    };
    let finished = snapshot.finish().await;
    let (summary, migration) = dumped?.context("cannot summarise the snapshot")?;
    finished?;
    Ok((
        dump,
        migration,
        summary,
        Some(PgInfo {
            server_version,
            pg_dump_version: pg_dump.version,
        }),
    ))
}

fn write_archive(
    path: &Path,
    manifest: &[u8],
    secret: &[u8],
    db_file: &Path,
    db_name: &str,
) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    private_file(path);
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let now = Utc::now().timestamp().max(0) as u64;
    for (name, data) in [(MANIFEST, manifest), (SECRET, secret)] {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(now);
        header.set_cksum();
        tar.append_data(&mut header, name, data)?;
    }
    let mut db = std::fs::File::open(db_file)?;
    let mut header = tar::Header::new_gnu();
    header.set_size(db.metadata()?.len());
    header.set_mode(0o600);
    header.set_mtime(now);
    header.set_cksum();
    tar.append_data(&mut header, db_name, &mut db)?;
    let gz = tar.into_inner()?;
    let mut file = gz.finish()?;
    file.flush()?;
    file.sync_all()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// restore
// ---------------------------------------------------------------------------------------------

/// An unpacked, checked backup.
struct Unpacked {
    manifest: Manifest,
    secret: Vec<u8>,
    database: PathBuf,
}

fn damaged(path: &Path, e: impl fmt::Display) -> anyhow::Error {
    anyhow!("{} is damaged or not a Simpul backup: {e}", path.display())
}

/// Read only the manifest of a backup file.
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in archive.entries().map_err(|e| damaged(path, e))? {
        let mut entry = entry.map_err(|e| damaged(path, e))?;
        if entry.path().map_err(|e| damaged(path, e))?.as_os_str() == MANIFEST {
            let text = read_small(path, &mut entry)?;
            return parse_manifest(path, &text);
        }
    }
    Err(damaged(path, "it has no manifest.json"))
}

/// The manifest and the secret are a few hundred bytes; an entry inflating past this is not
/// one of ours, and is refused before it is held in memory.
const MAX_SMALL_ENTRY: u64 = 1024 * 1024;

fn read_small(path: &Path, entry: &mut impl Read) -> Result<Vec<u8>> {
    let mut text = Vec::new();
    entry
        .take(MAX_SMALL_ENTRY + 1)
        .read_to_end(&mut text)
        .map_err(|e| damaged(path, e))?;
    if text.len() as u64 > MAX_SMALL_ENTRY {
        return Err(damaged(path, "an entry is far larger than a backup writes"));
    }
    Ok(text)
}

fn parse_manifest(path: &Path, text: &[u8]) -> Result<Manifest> {
    let manifest: Manifest = serde_json::from_slice(text)
        .map_err(|e| damaged(path, format!("manifest.json is not valid: {e}")))?;
    if manifest.format != FORMAT {
        return Err(damaged(path, format!("format {:?}", manifest.format)));
    }
    if manifest.format_version > FORMAT_VERSION {
        bail!(
            "{} is backup format {} from Simpul {}; this Simpul ({}) reads format {FORMAT_VERSION}: \
             restore it with that version or newer",
            path.display(),
            manifest.format_version,
            manifest.simpul_version,
            env!("CARGO_PKG_VERSION")
        );
    }
    manifest.engine()?;
    Ok(manifest)
}

/// Unpack into `dir`, taking only the entries a backup has, and check the database file against
/// the manifest's size and SHA-256.
fn unpack(path: &Path, dir: &Path) -> Result<Unpacked> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut manifest = None;
    let mut secret = None;
    let mut database = None;
    for entry in archive.entries().map_err(|e| damaged(path, e))? {
        let mut entry = entry.map_err(|e| damaged(path, e))?;
        let name = entry
            .path()
            .map_err(|e| damaged(path, e))?
            .to_string_lossy()
            .into_owned();
        match name.as_str() {
            MANIFEST => {
                let text = read_small(path, &mut entry)?;
                manifest = Some(parse_manifest(path, &text)?);
            }
            SECRET => {
                let text = read_small(path, &mut entry)?;
                secret = Some(text);
            }
            SQLITE_FILE | PG_FILE => {
                let out = dir.join(&name);
                let mut file = std::fs::File::create(&out)
                    .with_context(|| format!("cannot write {}", out.display()))?;
                std::io::copy(&mut entry, &mut file).map_err(|e| damaged(path, e))?;
                file.sync_all()?;
                database = Some(out);
            }
            other => return Err(damaged(path, format!("unexpected entry {other:?}"))),
        }
    }
    let manifest = manifest.ok_or_else(|| damaged(path, "it has no manifest.json"))?;
    let secret = secret.ok_or_else(|| damaged(path, "it has no secret.key"))?;
    let database = database.ok_or_else(|| damaged(path, "it has no database file"))?;
    if database
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        != Some(manifest.database.name.clone())
    {
        return Err(damaged(path, "its database file is not the manifest's"));
    }
    let (bytes, sha256) = sha256_file(&database)?;
    if bytes != manifest.database.bytes || sha256 != manifest.database.sha256 {
        return Err(damaged(
            path,
            format!(
                "the database file has {bytes} bytes and SHA-256 {sha256}, the manifest says {} \
                 and {}",
                manifest.database.bytes, manifest.database.sha256
            ),
        ));
    }
    Ok(Unpacked {
        manifest,
        secret,
        database,
    })
}

/// The first difference between what was restored and the manifest, if any.
fn compare(expected: &Summary, found: &Summary) -> Option<String> {
    for (name, want) in expected {
        match found.get(name) {
            None => return Some(format!("table {name} is missing")),
            Some(got) if got.rows != want.rows => {
                return Some(format!(
                    "table {name} has {} rows, the backup {}",
                    got.rows, want.rows
                ))
            }
            Some(got) if got != want => {
                return Some(format!("table {name}'s content differs from the backup"))
            }
            Some(_) => {}
        }
    }
    found
        .keys()
        .find(|k| !expected.contains_key(*k))
        .map(|extra| format!("table {extra} is not in the backup"))
}

/// What to do with the secret: decided before anything is written.
enum SecretPlan {
    Write,
    Same,
    Replace,
}

fn plan_secret(path: &Path, secret: &[u8], force: bool) -> Result<SecretPlan> {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SecretPlan::Write),
        Err(e) => Err(anyhow!("cannot read {} ({e})", path.display())),
        Ok(existing) if existing.trim_ascii() == secret.trim_ascii() => Ok(SecretPlan::Same),
        Ok(_) if force => Ok(SecretPlan::Replace),
        Ok(_) => bail!(
            "{} holds a different installation secret than the backup; the restored members' \
             NIKs need the backup's. Restore into another --data-dir, or use --force to replace \
             it (the old one is kept beside it)",
            path.display()
        ),
    }
}

fn apply_secret(path: &Path, secret: &[u8], plan: SecretPlan) -> Result<SecretOutcome> {
    let write = |p: &Path| -> Result<()> {
        let tmp = p.with_extension("key.tmp");
        std::fs::write(&tmp, secret).with_context(|| format!("cannot write {}", tmp.display()))?;
        private_file(&tmp);
        std::fs::rename(&tmp, p).with_context(|| format!("cannot write {}", p.display()))?;
        Ok(())
    };
    match plan {
        SecretPlan::Same => Ok(SecretOutcome::AlreadyThere(path.to_owned())),
        SecretPlan::Write => {
            write(path)?;
            Ok(SecretOutcome::Written(path.to_owned()))
        }
        SecretPlan::Replace => {
            let old = path.with_file_name(format!(
                "secret.key.replaced-{}",
                Utc::now().format("%Y%m%d-%H%M%S")
            ));
            std::fs::copy(path, &old)
                .with_context(|| format!("cannot keep the old secret as {}", old.display()))?;
            private_file(&old);
            write(path)?;
            Ok(SecretOutcome::Replaced {
                path: path.to_owned(),
                old,
            })
        }
    }
}

/// Restore a backup file into an empty database and a data directory.
pub async fn restore(opts: RestoreOptions) -> Result<RestoreReport> {
    let started = Instant::now();
    if !opts.from.is_file() {
        bail!("no backup file at {}", opts.from.display());
    }
    let engine = engine_of(&opts.database_url);
    // Unpack next to the target, so that the SQLite file can be renamed into place atomically.
    let work_parent = match engine {
        Engine::Sqlite => {
            let target = sqlite_path(&opts.database_url)?;
            match target.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        }
        Engine::Postgres => opts.data_dir.clone(),
    };
    let work = TempDir::new_in(&work_parent, "restore")?;
    let unpacked = {
        let from = opts.from.clone();
        let dir = work.0.clone();
        tokio::task::spawn_blocking(move || unpack(&from, &dir)).await??
    };
    let manifest = &unpacked.manifest;
    if manifest.engine()? != engine {
        bail!(
            "{} is a {} backup but the target is {}: restore it into a {} database (moving \
             between engines is not supported)",
            opts.from.display(),
            manifest.engine,
            engine.as_str(),
            manifest.engine
        );
    }
    if let (Some(theirs), Some(ours)) = (
        manifest.migration,
        simpul_store::backup::latest_known_migration(engine),
    ) {
        if theirs > ours {
            bail!(
                "the backup comes from a newer Simpul ({}, migration {theirs}) than this one ({}, \
                 migration {ours}): restore it with that version or newer",
                manifest.simpul_version,
                env!("CARGO_PKG_VERSION")
            );
        }
    }
    let secret_path = opts.data_dir.join(SECRET);
    let database = match engine {
        Engine::Sqlite => {
            let target = sqlite_path(&opts.database_url)?;
            let plan = sqlite_restore_check(&opts, &target, &secret_path, &unpacked).await?;
            restore_sqlite(&target, &unpacked).await?;
            (target.display().to_string(), plan)
        }
        Engine::Postgres => {
            let plan = restore_postgres(&opts, &secret_path, &unpacked).await?;
            (simpul_store::connect::redact(&opts.database_url), plan)
        }
    };
    let (database, plan) = database;
    std::fs::create_dir_all(&opts.data_dir)
        .with_context(|| format!("cannot create {}", opts.data_dir.display()))?;
    let secret = apply_secret(&secret_path, &unpacked.secret, plan)?;
    Ok(RestoreReport {
        manifest: unpacked.manifest,
        database,
        secret,
        elapsed: started.elapsed(),
    })
}

/// SQLite: the target must be absent or hold no tables (unless --force); the unpacked file must
/// pass `PRAGMA integrity_check` and match the manifest table by table.
async fn sqlite_restore_check(
    opts: &RestoreOptions,
    target: &Path,
    secret_path: &Path,
    unpacked: &Unpacked,
) -> Result<SecretPlan> {
    if target.exists() {
        let store = Store::connect(&opts.database_url)
            .await
            .with_context(|| format!("cannot open {}", target.display()))?;
        let tables = store.table_names().await;
        store.close().await;
        let tables = tables?;
        if !tables.is_empty() && !opts.force {
            bail!(
                "{} already holds a database ({} tables); stop Simpul and restore with --force to \
                 replace it, or restore into another --data-dir",
                target.display(),
                tables.len()
            );
        }
    }
    let plan = plan_secret(secret_path, &unpacked.secret, opts.force)?;
    let report = simpul_store::backup::inspect_sqlite_file(&unpacked.database)
        .await
        .map_err(|e| damaged(&opts.from, format!("its SQLite file cannot be read: {e}")))?;
    if !report.problems.is_empty() {
        return Err(damaged(
            &opts.from,
            format!(
                "its SQLite file fails the integrity check: {}",
                report.problems.join("; ")
            ),
        ));
    }
    if let Some(diff) = compare(&unpacked.manifest.tables, &report.summary) {
        return Err(damaged(&opts.from, diff));
    }
    Ok(plan)
}

/// SQLite: move the checked file into place (the old `-wal`/`-shm` go first: they belong to the
/// replaced database and would corrupt the new one).
async fn restore_sqlite(target: &Path, unpacked: &Unpacked) -> Result<()> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = target.as_os_str().to_owned();
        name.push(suffix);
        let side = PathBuf::from(name);
        if side.exists() {
            std::fs::remove_file(&side)
                .with_context(|| format!("cannot remove {}", side.display()))?;
        }
    }
    std::fs::rename(&unpacked.database, target)
        .with_context(|| format!("cannot move the database into {}", target.display()))?;
    private_file(target);
    // The renamed file is what the manifest describes; read it once more as a final check.
    let check = simpul_store::backup::inspect_sqlite_file(target).await?;
    if let Some(diff) = compare(&unpacked.manifest.tables, &check.summary) {
        bail!("the restored database does not match the backup: {diff}");
    }
    Ok(())
}

/// PostgreSQL: the target database must exist and hold no tables (unless --force, which empties
/// the public schema); pg_restore runs in one transaction; the result is compared with the
/// manifest.
async fn restore_postgres(
    opts: &RestoreOptions,
    secret_path: &Path,
    unpacked: &Unpacked,
) -> Result<SecretPlan> {
    let redacted = simpul_store::connect::redact(&opts.database_url);
    let store = Store::connect(&opts.database_url).await.with_context(|| {
        format!(
            "cannot open database {redacted} (it must exist: create an empty one first, e.g. \
             `createdb NAME`)"
        )
    })?;
    let result = restore_postgres_into(&store, opts, secret_path, unpacked).await;
    store.close().await;
    result
}

async fn restore_postgres_into(
    store: &Store,
    opts: &RestoreOptions,
    secret_path: &Path,
    unpacked: &Unpacked,
) -> Result<SecretPlan> {
    let redacted = simpul_store::connect::redact(&opts.database_url);
    let tables = store.table_names().await?;
    if !tables.is_empty() && !opts.force {
        bail!(
            "database {redacted} is not empty ({} tables); stop Simpul and restore with \
             --force to replace its contents, or restore into a new empty database",
            tables.len()
        );
    }
    let plan = plan_secret(secret_path, &unpacked.secret, opts.force)?;
    let (server_major, _) = store.pg_server_version().await?;
    let pg_restore = pg_tool("pg_restore", opts.pg_bin_dir.as_deref(), server_major)?;
    if !tables.is_empty() {
        store.pg_reset_public_schema().await?;
    }
    let tool = pg_restore;
    let url = opts.database_url.clone();
    let file = unpacked.database.clone();
    tokio::task::spawn_blocking(move || {
        let file = file.display().to_string();
        run_pg_tool(
            &tool,
            &url,
            &[
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                &file,
            ],
        )
    })
    .await??;
    let found = store.summary().await?;
    if let Some(diff) = compare(&unpacked.manifest.tables, &found) {
        bail!("the restored database does not match the backup: {diff}");
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use simpul_store::backup::TableSummary;

    #[test]
    fn passwords_stay_out_of_the_command_line() {
        assert_eq!(
            libpq_target("postgres://simpul:s%40cret@db.example:5432/simpul?sslmode=require"),
            (
                "postgres://simpul@db.example:5432/simpul?sslmode=require".to_owned(),
                Some("s@cret".to_owned())
            )
        );
        assert_eq!(
            libpq_target("postgres://postgres@127.0.0.1/x"),
            ("postgres://postgres@127.0.0.1/x".to_owned(), None)
        );
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/simpul/simpul.db?mode=rwc").unwrap(),
            PathBuf::from("/var/lib/simpul/simpul.db")
        );
        assert_eq!(
            sqlite_path("sqlite://simpul-data/simpul.db").unwrap(),
            PathBuf::from("simpul-data/simpul.db")
        );
        assert!(sqlite_path("sqlite::memory:").is_err());
    }

    #[test]
    fn comparison_names_the_first_difference() {
        let t = |rows, checksum: &str| TableSummary {
            rows,
            checksum: checksum.into(),
        };
        let want: Summary = [
            ("kims".to_owned(), t(2, "aa")),
            ("users".to_owned(), t(1, "bb")),
        ]
        .into_iter()
        .collect();
        assert_eq!(compare(&want, &want.clone()), None);
        let mut fewer = want.clone();
        fewer.insert("kims".into(), t(1, "aa"));
        assert!(compare(&want, &fewer).unwrap().contains("kims has 1 rows"));
        let mut changed = want.clone();
        changed.insert("users".into(), t(1, "cc"));
        assert!(compare(&want, &changed).unwrap().contains("users"));
        let mut extra = want.clone();
        extra.insert("x".into(), t(0, "0"));
        assert!(compare(&want, &extra).unwrap().contains("table x"));
    }
}
