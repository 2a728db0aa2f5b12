//! Simpul's storage: one [`Store`] over SQLite (the embedded default) or PostgreSQL (scale-out).
//!
//! Why one store with both pools instead of one crate per engine: every query is written once in
//! the SQL both engines understand (`$1` parameters, `RETURNING`, `ON CONFLICT`), and the
//! `with_pool!` macro compiles it against each driver with its native types. The two engines
//! cannot drift apart in behaviour, while each keeps its own migrations (`migrations/sqlite`,
//! `migrations/postgres`) for engine-native types. SQL lives only in this crate.
#![forbid(unsafe_code)]

pub mod connect;
mod error;
mod filter;

pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod dissem;
pub mod events;
pub mod governance;
pub mod groups;
pub mod hoax;
pub mod jobs;
pub mod kim_history;
pub mod members;
pub mod notify;
pub mod outbox;
pub mod portal;
pub mod regions;
pub mod registry;
pub mod seed;

pub use connect::{Engine, Store};
pub use error::StoreError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Run `$body` with `$pool` bound to the concrete pool of either engine.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store.pool() {
            $crate::connect::Pool::Sqlite($pool) => $body,
            $crate::connect::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Append one audit event inside the caller's transaction.
macro_rules! audit_in_tx {
    ($tx:expr, $ctx:expr, $event:expr) => {{
        let ctx: &simpul_core::audit::AuditContext = $ctx;
        let event: &simpul_core::audit::AuditEvent = $event;
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_id, \
             region_code, summary, request_id, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(chrono::Utc::now())
        .bind(ctx.actor_id)
        .bind(&ctx.actor_name)
        .bind(event.action)
        .bind(event.object_type)
        .bind(&event.object_id)
        .bind(event.scope_region.as_ref().map(|c| c.to_string()))
        .bind(event.summary.to_string())
        .bind(&ctx.request_id)
        .bind(&ctx.ip)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use audit_in_tx;

/// End every credential of an account inside the caller's transaction: its sessions (all but
/// the session digest `keep`, when given), API tokens and outstanding password-reset links.
/// Used when a password changes or an account is deactivated, so that nothing issued under the
/// old password outlives it.
macro_rules! revoke_credentials_in_tx {
    ($tx:expr, $user_id:expr, $now:expr, $keep:expr) => {{
        let user_id: i64 = $user_id;
        let now: chrono::DateTime<chrono::Utc> = $now;
        let keep: Option<&str> = $keep;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *$tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(&mut *$tx)
        .await?;
        sqlx::query(
            "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use revoke_credentials_in_tx;
