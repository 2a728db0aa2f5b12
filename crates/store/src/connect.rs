use crate::Result;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database, whichever engine it is. Cheap to clone (a pool handle).
/// Starts a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: the write lock is
/// taken at once, waiting up to the busy timeout for another writer. A plain (deferred) `BEGIN`
/// reads first and then has to upgrade to a writer; under WAL an upgrade that finds the
/// database changed since its read fails at once with SQLITE_BUSY, without waiting: that made
/// an import job fail for good when anything else had written a moment before (the flaky
/// crash test). PostgreSQL needs nothing of the kind.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = sqlx::Result<sqlx::Transaction<'static, Self::Db>>> + Send;
}

impl BeginWrite for sqlx::SqlitePool {
    type Db = sqlx::Sqlite;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>>> + Send
    {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for sqlx::PgPool {
    type Db = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>>> + Send
    {
        self.begin()
    }
}

fn pg_code(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    }
}

/// The database named in the URL does not exist: create it through the server's maintenance
/// database when the role may (a first `simpul serve` on a fresh PostgreSQL just works), and
/// otherwise say exactly which command creates it.
async fn create_pg_database(options: &PgConnectOptions) -> Result<()> {
    use sqlx::ConnectOptions;
    let name = options.get_database().unwrap_or("simpul").to_owned();
    let user = options.get_username().to_owned();
    let command = format!(
        "createdb -h {} -p {} -U {user} {name}",
        options.get_host(),
        options.get_port()
    );
    let maintenance = options.clone().database("postgres");
    let attempt = async {
        let mut conn = maintenance.connect().await?;
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        sqlx::query(&format!("CREATE DATABASE {quoted}"))
            .execute(&mut conn)
            .await?;
        Ok::<_, sqlx::Error>(())
    };
    match attempt.await {
        Ok(()) => {
            tracing::info!(database = %name, "the database did not exist; created it");
            Ok(())
        }
        // Two instances starting together: the other one created it.
        Err(e) if pg_code(&e).as_deref() == Some("42P04") => Ok(()),
        Err(e) => Err(crate::StoreError::Invalid(format!(
            "database \"{name}\" does not exist and role \"{user}\" could not create it ({e}); \
             create it with: {command}"
        ))),
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
}

/// Create a missing database file readable by its owner only, like the secret key: it holds
/// password hashes and members' personal data. SQLite gives its -wal and -shm files the same
/// permissions as the database file.
fn create_private(path: &std::path::Path) -> Result<()> {
    if path.as_os_str().is_empty() || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        // Another process created it first: it decided the permissions.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(crate::StoreError::Invalid(format!(
            "cannot create the database file {}: {e}",
            path.display()
        ))),
    }
}

impl Store {
    /// Connect to `sqlite://path` (created if missing, WAL mode) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Store> {
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Custom plans always: with a generic plan PostgreSQL cannot see that `name LIKE
            // '%xyzzy%'` is selective and walks the whole name index instead of the trigram
            // index (measured: 159 → see BENCHMARKS.md). Planning costs well under a millisecond.
            let options = PgConnectOptions::from_str(url)?
                .application_name("simpul")
                .options([("plan_cache_mode", "force_custom_plan")]);
            let pool = || {
                PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options.clone())
            };
            match pool().await {
                Ok(p) => Pool::Postgres(p),
                Err(e) if pg_code(&e).as_deref() == Some("3D000") => {
                    create_pg_database(&options).await?;
                    Pool::Postgres(pool().await?)
                }
                Err(e) => return Err(e.into()),
            }
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // Reads through a memory map and a larger page cache per connection. With the
                // defaults (no map, 2 MB of cache) every page a query touches beyond the cache is
                // a pread system call, and eight connections searching a million posts spent a
                // third of their time in the kernel copying pages (measured with perf; see
                // BENCHMARKS.md, "Village voices"). The map is the operating system's page cache,
                // shared by the connections: it costs address space, not memory. 2 GB is
                // SQLite's default ceiling for it; a larger file is read past it as before.
                .pragma("mmap_size", "2147418112")
                .pragma("cache_size", "-16384")
                // Sorting and grouping (search ranking) in memory, not in temporary files.
                .pragma("temp_store", "memory");
            if !(url.contains(":memory:") || url.contains("mode=memory")) {
                create_private(options.get_filename())?;
            }
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?,
            )
        } else {
            return Err(crate::StoreError::Invalid(format!(
                "unsupported database URL (use sqlite://FILE or postgres://...): {}",
                redact(url)
            )));
        };
        Ok(Store { pool })
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    pub fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Apply the engine's versioned migrations (idempotent; safe with several instances, as
    /// sqlx takes a migration lock).
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Pool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// Refresh the query planner's statistics after bulk writes. Without them SQLite picks the
    /// status index over the name index and sorts thousands of rows for a 20-row directory page.
    pub async fn analyze(&self) -> Result<()> {
        // PostgreSQL's autovacuum would get there eventually; right after a bulk write the
        // planner would otherwise guess from an empty table's statistics (measured: a name
        // search choosing a 200,000-entry bitmap over the trigram index).
        crate::with_pool!(self, p => sqlx::query("ANALYZE").execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// After generating or rewriting most rows: also reclaim the dead row versions the rewrite
    /// left behind (PostgreSQL; SQLite updates in place and only needs statistics).
    pub async fn vacuum_analyze(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::query("ANALYZE").execute(p).await.map(|_| ())?,
            Pool::Postgres(p) => sqlx::query("VACUUM (ANALYZE)")
                .execute(p)
                .await
                .map(|_| ())?,
        }
        Ok(())
    }

    /// A cheap round trip for health checks.
    pub async fn ping(&self) -> Result<()> {
        crate::with_pool!(self, p => {
            sqlx::query("SELECT 1").execute(p).await?;
        });
        Ok(())
    }

    /// Whether [`Store::close`] was called (background listeners stop then).
    pub fn is_closed(&self) -> bool {
        match &self.pool {
            Pool::Sqlite(p) => p.is_closed(),
            Pool::Postgres(p) => p.is_closed(),
        }
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// A database URL with any password removed, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
