//! What `simpul backup` and `simpul restore` need from the database: a consistent snapshot
//! (SQLite `VACUUM INTO`; a PostgreSQL exported snapshot that `pg_dump --snapshot` shares) and a
//! per-table summary (row count and an order-independent content checksum) to prove that a
//! restore holds exactly what was backed up.

use crate::connect::BeginWrite;
use crate::connect::Pool;
use crate::{Result, Store, StoreError};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Connection, PgConnection, SqliteConnection};
use std::collections::BTreeMap;
use std::path::Path;

/// One table's row count and content checksum.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableSummary {
    pub rows: i64,
    /// Hex of the wrapping sum of every row's SHA-256 prefix: independent of row order, so a
    /// restored table with the same rows has the same checksum.
    pub checksum: String,
}

/// Every table of the database by name.
pub type Summary = BTreeMap<String, TableSummary>;

/// Adds up rows into a [`TableSummary`].
#[derive(Default)]
struct RowSum {
    rows: i64,
    sum: u128,
}

impl RowSum {
    fn add(&mut self, row: &str) {
        let digest = Sha256::digest(row.as_bytes());
        let mut prefix = [0u8; 16];
        prefix.copy_from_slice(&digest[..16]);
        self.sum = self.sum.wrapping_add(u128::from_be_bytes(prefix));
        self.rows += 1;
    }

    fn finish(self) -> TableSummary {
        TableSummary {
            rows: self.rows,
            checksum: format!("{:032x}", self.sum),
        }
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn sqlite_tables(conn: &mut SqliteConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(conn)
    .await?)
}

async fn pg_tables(conn: &mut PgConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
         ORDER BY tablename",
    )
    .fetch_all(conn)
    .await?)
}

/// Summary of a SQLite database: each row rendered with `quote()` column by column.
async fn sqlite_summary(conn: &mut SqliteConnection) -> Result<Summary> {
    let mut out = Summary::new();
    for table in sqlite_tables(conn).await? {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(&table)
                .fetch_all(&mut *conn)
                .await?;
        let expr = if columns.is_empty() {
            "''".to_owned()
        } else {
            columns
                .iter()
                .map(|c| format!("quote({})", quote_ident(c)))
                .collect::<Vec<_>>()
                .join(" || '|' || ")
        };
        let sql = format!("SELECT {expr} FROM {}", quote_ident(&table));
        let mut sum = RowSum::default();
        let mut rows = sqlx::query_scalar::<_, String>(&sql).fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            sum.add(&row);
        }
        drop(rows);
        out.insert(table, sum.finish());
    }
    Ok(out)
}

/// Summary of a PostgreSQL database: each row as its text form (`t::text`).
async fn pg_summary(conn: &mut PgConnection) -> Result<Summary> {
    let mut out = Summary::new();
    for table in pg_tables(conn).await? {
        let sql = format!("SELECT t::text FROM {} AS t", quote_ident(&table));
        let mut sum = RowSum::default();
        let mut rows = sqlx::query_scalar::<_, String>(&sql).fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            sum.add(&row);
        }
        drop(rows);
        out.insert(table, sum.finish());
    }
    Ok(out)
}

async fn sqlite_latest_migration(conn: &mut SqliteConnection) -> Result<Option<i64>> {
    if !sqlite_tables(conn)
        .await?
        .iter()
        .any(|t| t == "_sqlx_migrations")
    {
        return Ok(None);
    }
    Ok(
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(conn)
            .await?,
    )
}

async fn pg_latest_migration(conn: &mut PgConnection) -> Result<Option<i64>> {
    if !pg_tables(conn)
        .await?
        .iter()
        .any(|t| t == "_sqlx_migrations")
    {
        return Ok(None);
    }
    Ok(
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(conn)
            .await?,
    )
}

/// The newest migration this build knows for an engine: a backup from a newer Simpul cannot be
/// served by this one.
pub fn latest_known_migration(engine: crate::Engine) -> Option<i64> {
    let migrator = match engine {
        crate::Engine::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        crate::Engine::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    migrator.iter().map(|m| m.version).max()
}

/// What a SQLite database file holds, read with a connection of its own.
#[derive(Debug)]
pub struct SqliteFileReport {
    /// `PRAGMA integrity_check`'s findings; empty when the file is sound.
    pub problems: Vec<String>,
    pub summary: Summary,
    pub migration: Option<i64>,
}

/// Check a (snapshot) SQLite file: integrity, per-table summary, latest migration. The file is
/// switched to rollback-journal mode so that it is complete on its own, without a `-wal` file.
pub async fn inspect_sqlite_file(path: &Path) -> Result<SqliteFileReport> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .journal_mode(SqliteJournalMode::Delete);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let findings: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?;
    let problems: Vec<String> = findings.into_iter().filter(|f| f != "ok").collect();
    if !problems.is_empty() {
        conn.close().await?;
        return Ok(SqliteFileReport {
            problems,
            summary: Summary::new(),
            migration: None,
        });
    }
    let summary = sqlite_summary(&mut conn).await?;
    let migration = sqlite_latest_migration(&mut conn).await?;
    conn.close().await?;
    Ok(SqliteFileReport {
        problems,
        summary,
        migration,
    })
}

/// An open PostgreSQL transaction whose snapshot is exported: `pg_dump --snapshot=ID` sees
/// exactly what this transaction sees, so the summary taken here describes the dump.
pub struct PgSnapshot {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    pub id: String,
}

impl PgSnapshot {
    pub async fn summary(&mut self) -> Result<Summary> {
        pg_summary(&mut self.tx).await
    }

    pub async fn latest_migration(&mut self) -> Result<Option<i64>> {
        pg_latest_migration(&mut self.tx).await
    }

    /// End the transaction (after pg_dump has finished).
    pub async fn finish(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// The names of the database's tables (SQLite: all but its internal ones; PostgreSQL: those
    /// of the current schema). Empty for a database that was never migrated.
    pub async fn table_names(&self) -> Result<Vec<String>> {
        match self.pool() {
            Pool::Sqlite(p) => sqlite_tables(&mut *p.acquire().await?).await,
            Pool::Postgres(p) => pg_tables(&mut *p.acquire().await?).await,
        }
    }

    /// Row count and content checksum of every table (not a snapshot: for a database nothing
    /// else writes to, such as a freshly restored one).
    pub async fn summary(&self) -> Result<Summary> {
        match self.pool() {
            Pool::Sqlite(p) => sqlite_summary(&mut *p.acquire().await?).await,
            Pool::Postgres(p) => pg_summary(&mut *p.acquire().await?).await,
        }
    }

    /// The newest applied migration, if any.
    pub async fn latest_migration(&self) -> Result<Option<i64>> {
        match self.pool() {
            Pool::Sqlite(p) => sqlite_latest_migration(&mut *p.acquire().await?).await,
            Pool::Postgres(p) => pg_latest_migration(&mut *p.acquire().await?).await,
        }
    }

    /// SQLite: write a consistent copy of the live database to `path` (which must not exist)
    /// with `VACUUM INTO`; writers carry on meanwhile.
    pub async fn sqlite_vacuum_into(&self, path: &Path) -> Result<()> {
        let Pool::Sqlite(p) = self.pool() else {
            return Err(StoreError::Invalid("VACUUM INTO needs SQLite".into()));
        };
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Invalid(format!("path is not UTF-8: {}", path.display())))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(p)
            .await?;
        Ok(())
    }

    /// PostgreSQL: open a read-only repeatable-read transaction and export its snapshot.
    pub async fn pg_export_snapshot(&self) -> Result<PgSnapshot> {
        let Pool::Postgres(p) = self.pool() else {
            return Err(StoreError::Invalid("snapshots are PostgreSQL's".into()));
        };
        let mut tx = p.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
            .fetch_one(&mut *tx)
            .await?;
        Ok(PgSnapshot { tx, id })
    }

    /// PostgreSQL: the server's version as (major, full text), e.g. (15, "15.4").
    pub async fn pg_server_version(&self) -> Result<(u32, String)> {
        let Pool::Postgres(p) = self.pool() else {
            return Err(StoreError::Invalid("not PostgreSQL".into()));
        };
        let num: String = sqlx::query_scalar("SHOW server_version_num")
            .fetch_one(p)
            .await?;
        let text: String = sqlx::query_scalar("SHOW server_version")
            .fetch_one(p)
            .await?;
        let major = num.trim().parse::<u32>().unwrap_or(0) / 10_000;
        Ok((major, text))
    }

    /// PostgreSQL: drop everything in the current schema and recreate it empty (restore
    /// `--force`). Refuses any schema but `public`, the only one Simpul uses.
    pub async fn pg_reset_public_schema(&self) -> Result<()> {
        let Pool::Postgres(p) = self.pool() else {
            return Err(StoreError::Invalid("not PostgreSQL".into()));
        };
        let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
            .fetch_one(p)
            .await?;
        if schema != "public" {
            return Err(StoreError::Invalid(format!(
                "the database's current schema is {schema:?}; only \"public\" can be replaced"
            )));
        }
        let mut tx = p.begin_write().await?;
        sqlx::query("DROP SCHEMA public CASCADE")
            .execute(&mut *tx)
            .await?;
        sqlx::query("CREATE SCHEMA public")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
