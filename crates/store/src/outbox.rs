//! The mail outbox: a durable queue. Rows are written in the same transaction as the change
//! that causes them; a worker claims, sends and marks them, so a crash never loses a mail and a
//! lease (`locked_until`) keeps two instances from sending the same one.

use crate::connect::BeginWrite;
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
    /// The notification delivery this mail carries, if any.
    pub delivery_id: Option<i64>,
    /// The text of a QR code the mail shows as an image (a ticket's code); emptied once sent.
    pub qr_text: Option<String>,
}

const MAIL_COLUMNS: &str = "id, to_addr, subject, body_text, secret, user_id, region_code, \
     status, attempts, last_error, created_at, sent_at, delivery_id, qr_text";

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

/// Binds: to, subject, body, region, created_at, user_id, secret, delivery_id, qr_text.
pub(crate) const INSERT_MAIL: &str = "INSERT INTO outbox_mail \
    (to_addr, subject, body_text, region_code, created_at, user_id, secret, delivery_id, qr_text) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

/// Give up on a mail after this many attempts. With the delivery job's backoff (doubling, at
/// most ten minutes) that is more than three hours: an SMTP server down for an hour loses nothing.
pub const MAX_ATTEMPTS: i64 = 24;

/// The job kind that sends one outbox mail (payload `{"mail_id": …}`); its handler lives in the
/// application layer. Every queued mail gets one, in the transaction that queues the mail.
pub const SEND_MAIL_JOB: &str = "mail.send";

/// The job that sends outbox mail `mail_id`.
pub fn send_mail_job(mail_id: i64) -> crate::jobs::NewJob<'static> {
    crate::jobs::NewJob {
        kind: SEND_MAIL_JOB,
        payload: serde_json::json!({ "mail_id": mail_id }),
        created_by: None,
        max_attempts: 8,
        dedupe_key: Some(format!("mail:{mail_id}")),
    }
}

/// Queue a mail and the job that sends it, inside the caller's transaction; evaluates to the
/// mail's id. `$secret` is the link to substitute for the body's placeholder, if any.
macro_rules! queue_mail_in_tx {
    ($tx:expr, $mail:expr, $secret:expr, $delivery:expr) => {
        $crate::outbox::queue_mail_in_tx!($tx, $mail, $secret, $delivery, None)
    };
    ($tx:expr, $mail:expr, $secret:expr, $delivery:expr, $qr:expr) => {{
        let mail: &$crate::outbox::OutgoingMail = $mail;
        let secret: Option<&str> = $secret;
        let delivery: Option<i64> = $delivery;
        let qr: Option<&str> = $qr;
        let id: i64 = sqlx::query_scalar($crate::outbox::INSERT_MAIL)
            .bind(&mail.to)
            .bind(&mail.subject)
            .bind(&mail.body)
            .bind(&mail.region_code)
            .bind(chrono::Utc::now())
            .bind(mail.user_id)
            .bind(secret)
            .bind(delivery)
            .bind(qr)
            .fetch_one(&mut *$tx)
            .await?;
        $crate::jobs::enqueue_in_tx!($tx, &$crate::outbox::send_mail_job(id));
        id
    }};
}
pub(crate) use queue_mail_in_tx;

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

    /// Lease one pending mail for `lease` (its send job holds it while talking to SMTP).
    pub async fn claim_mail_by_id(&self, id: i64, lease: Duration) -> Result<Option<Mail>> {
        let now = Utc::now();
        let sql = format!(
            "UPDATE outbox_mail SET locked_until = $1, attempts = attempts + 1 \
             WHERE id = $3 AND status = 'pending' AND (locked_until IS NULL OR locked_until < $2) \
             RETURNING {MAIL_COLUMNS}"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql)
            .bind(now + lease).bind(now).bind(id).fetch_optional(p).await?))
    }

    /// Pending mails without a live send job (queued while SMTP was off, or whose job died):
    /// the scheduled sweep gives each a job again.
    pub async fn mails_waiting_for_a_job(&self, limit: i64) -> Result<Vec<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT m.id FROM outbox_mail m WHERE m.status = 'pending' AND NOT EXISTS \
             (SELECT 1 FROM jobs j WHERE j.dedupe_key = 'mail:' || m.id AND j.status IN ('queued', 'running')) \
             ORDER BY m.id LIMIT $1")
            .bind(limit).fetch_all(p).await?))
    }

    pub async fn mark_mail_sent(&self, id: i64) -> Result<()> {
        with_pool!(self, p => sqlx::query(
            "UPDATE outbox_mail SET status = 'sent', sent_at = $1, locked_until = NULL, last_error = NULL, \
             body_text = '', secret = NULL, qr_text = NULL WHERE id = $2")
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
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id = queue_mail_in_tx!(tx, mail, mail.secret.as_deref(), None);
            tx.commit().await?;
            Ok(id)
        })
    }
}
