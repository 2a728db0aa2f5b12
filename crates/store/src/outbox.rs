//! The mail outbox: a durable queue. Rows are written in the same transaction as the change
//! that causes them; a worker claims, sends and marks them, so a crash never loses a mail and a
//! lease (`locked_until`) keeps two instances from sending the same one.

use crate::filter::push_territory;
use crate::{with_pool, Result, Store};
use chrono::{DateTime, Duration, Utc};
use simpul_core::authz::ScopeRegions;
use sqlx::QueryBuilder;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Mail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body_text: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const MAIL_COLUMNS: &str =
    "id, to_addr, subject, body_text, status, attempts, last_error, created_at, sent_at";

/// Give up on a mail after this many attempts.
pub const MAX_ATTEMPTS: i64 = 8;

impl Store {
    /// Lease up to `limit` pending mails for `lease`.
    pub async fn claim_mail(&self, limit: i64, lease: Duration) -> Result<Vec<Mail>> {
        let now = Utc::now();
        let sql = format!(
            "UPDATE outbox_mail SET locked_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox_mail WHERE status = 'pending' \
                          AND (locked_until IS NULL OR locked_until < $2) ORDER BY id LIMIT $3) \
             AND (locked_until IS NULL OR locked_until < $2) RETURNING {MAIL_COLUMNS}"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql)
            .bind(now + lease).bind(now).bind(limit).fetch_all(p).await?))
    }

    pub async fn mark_mail_sent(&self, id: i64) -> Result<()> {
        with_pool!(self, p => sqlx::query(
            "UPDATE outbox_mail SET status = 'sent', sent_at = $1, locked_until = NULL, last_error = NULL WHERE id = $2")
            .bind(Utc::now()).bind(id).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// Record a failed attempt: retried after the lease unless attempts are exhausted.
    pub async fn mark_mail_failed(&self, id: i64, error: &str, attempts: i64) -> Result<()> {
        let status = if attempts >= MAX_ATTEMPTS {
            "failed"
        } else {
            "pending"
        };
        with_pool!(self, p => sqlx::query(
            "UPDATE outbox_mail SET status = $1, last_error = $2 WHERE id = $3")
            .bind(status).bind(error).bind(id).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// Mails for recipients inside `territory`, newest first.
    pub async fn outbox(&self, territory: &ScopeRegions, limit: i64) -> Result<Vec<Mail>> {
        Ok(with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("SELECT {MAIL_COLUMNS} FROM outbox_mail WHERE 1 = 1"));
            push_territory(&mut qb, "region_code", territory);
            qb.push(" ORDER BY id DESC LIMIT ");
            qb.push_bind(limit);
            qb.build_query_as().fetch_all(p).await?
        }))
    }
}

impl Store {
    /// Queue one mail on its own (when no other change needs to share its transaction).
    pub async fn queue_mail(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        region_code: Option<&str>,
    ) -> Result<i64> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "INSERT INTO outbox_mail (to_addr, subject, body_text, region_code, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(to).bind(subject).bind(body).bind(region_code).bind(Utc::now()).fetch_one(p).await?))
    }
}
