/// Storage failures. `NotFound` and `Conflict` are expected outcomes the web layer turns into
/// 404/409 with a message; `Database` is an internal failure logged with its cause.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was violated; the constraint or column name says which.
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("invalid data: {0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// The database could not serve the request just now (SQLite busy past its timeout, no
    /// pooled connection free, a PostgreSQL serialization failure or lost connection): trying
    /// again later may succeed. Requests answer 503; jobs are retried instead of failed.
    #[error("database busy: {0}")]
    Busy(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.constraint().unwrap_or(db.message()).to_owned())
            }
            _ if is_transient(&err) => StoreError::Busy(err),
            _ => StoreError::Database(err),
        }
    }
}

/// Failures that say "not now" rather than "never".
fn is_transient(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            // SQLite: SQLITE_BUSY and SQLITE_LOCKED with their extended codes.
            Some("5" | "6" | "261" | "517" | "262")
                // PostgreSQL: serialization failure, deadlock, admin shutdown, cannot connect now.
                | Some("40001" | "40P01" | "57P01" | "57P03")
        ),
        _ => false,
    }
}

impl StoreError {
    /// Worth trying again later (see [`StoreError::Busy`]).
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Busy(_))
    }
}
