//! The mail outbox: a durable queue. Rows are written in the same transaction as the change
//! that causes them; a worker claims, sends and marks them, so a crash never loses a mail and a
//! lease (`locked_until`) keeps two instances from sending the same one.

use crate::filter::push_territory;
use crate::{with_pool, Result, Store};
use chrono::{DateTime, Duration, Utc};
use simpul_core::authz::ScopeRegions;
use sqlx::QueryBuilder;

/// Where a mail body carries its secret link (a password reset or an invitation). The link is
/// stored apart from the body, substituted only when the mail is handed to SMTP, and dropped
/// once delivered: an administrator reading the outbox never sees it (review finding: a peer
/// admin could take over an account by reading a reset link there).
pub const SECRET_PLACEHOLDER: &str = "{secret}";

/// A mail to queue, possibly in the same transaction as the change that causes it.
#[derive(Debug, Clone, Default)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    /// The text, with [`SECRET_PLACEHOLDER`] where the secret link goes.
    pub body: String,
    pub region_code: Option<String>,
    /// The recipient's account, when they have one (the outbox shows the mail only to those
    /// who may manage that account).
    pub user_id: Option<i64>,
    /// The secret link; for a password reset, `{token}` in it is replaced by the new token.
    pub secret: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Mail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    /// Emptied once the mail is delivered.
    pub body_text: String,
    secret: Option<String>,
    pub user_id: Option<i64>,
    pub region_code: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const MAIL_COLUMNS: &str = "id, to_addr, subject, body_text, secret, user_id, region_code, \
     status, attempts, last_error, created_at, sent_at";

impl Mail {
    /// The text to hand to SMTP, secret link included: for the mailer only.
    pub fn body_for_delivery(&self) -> String {
        match &self.secret {
            Some(secret) => self.body_text.replace(SECRET_PLACEHOLDER, secret),
            None => self.body_text.clone(),
        }
    }

    /// The text for an administrator's eyes: the secret link replaced by `hidden`. Links that
    /// look secret in mails queued before secrets were kept apart are hidden too.
    pub fn body_redacted(&self, hidden: &str) -> String {
        let body = self.body_text.replace(SECRET_PLACEHOLDER, hidden);
        body.split_inclusive(char::is_whitespace)
            .map(|word| {
                if word.contains("/password/reset/") || word.contains("/invite/") {
                    let ws = &word[word.trim_end().len()..];
                    format!("{hidden}{ws}")
                } else {
                    word.to_owned()
                }
            })
            .collect()
    }
}

/// Binds: to, subject, body, region, created_at, user_id, secret.
pub(crate) const INSERT_MAIL: &str = "INSERT INTO outbox_mail \
    (to_addr, subject, body_text, region_code, created_at, user_id, secret) VALUES ($1, $2, $3, $4, $5, $6, $7)";

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
            "UPDATE outbox_mail SET status = 'sent', sent_at = $1, locked_until = NULL, last_error = NULL, \
             body_text = '', secret = NULL WHERE id = $2")
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
        // A mail given up on keeps its text for the record, but not its secret link.
        with_pool!(self, p => sqlx::query(
            "UPDATE outbox_mail SET status = $1, last_error = $2, \
             secret = CASE WHEN $1 = 'failed' THEN NULL ELSE secret END WHERE id = $3")
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
    pub async fn queue_mail(&self, mail: &OutgoingMail) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar(&format!("{INSERT_MAIL} RETURNING id"))
            .bind(&mail.to).bind(&mail.subject).bind(&mail.body).bind(&mail.region_code)
            .bind(Utc::now()).bind(mail.user_id).bind(&mail.secret).fetch_one(p).await?),
        )
    }
}
