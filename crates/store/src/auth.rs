//! Sessions, API tokens, login throttling and password resets. Only token digests are stored.

use crate::connect::BeginWrite;
use crate::{audit_in_tx, revoke_credentials_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::secrets::{new_token, token_digest};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub use crate::outbox::OutgoingMail;

/// A counted login attempt: its row, and the attempts in the window including it.
#[derive(Debug, Clone, Copy)]
pub struct LoginAttempt {
    pub id: i64,
    pub by_account: i64,
    pub by_ip: i64,
}

impl Store {
    /// Start a session; returns the secret cookie value.
    pub async fn create_session(
        &self,
        ctx: &AuditContext,
        user_id: i64,
        ttl: Duration,
    ) -> Result<String> {
        let token = new_token("");
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_digest(&token)).bind(user_id).bind(now).bind(now + ttl)
                .execute(&mut *tx).await?;
            // Housekeeping rides along: expired sessions of everyone go.
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(&mut *tx).await?;
            let event = AuditEvent::new("auth.login", "user", user_id);
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(token)
    }

    /// The active user behind a session cookie, if the session is live.
    pub async fn session_user(&self, token: &str) -> Result<Option<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = $1 AND s.expires_at > $2 AND u.active")
            .bind(token_digest(token)).bind(Utc::now())
            .fetch_optional(p).await?))
    }

    pub async fn end_session(&self, ctx: &AuditContext, token: &str) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let user: Option<i64> = sqlx::query_scalar("DELETE FROM sessions WHERE id = $1 RETURNING user_id")
                .bind(token_digest(token)).fetch_optional(&mut *tx).await?;
            if let Some(user) = user {
                let event = AuditEvent::new("auth.logout", "user", user);
                audit_in_tx!(tx, ctx, &event);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Issue an API token; the secret is returned once and only its digest kept.
    pub async fn create_api_token(
        &self,
        ctx: &AuditContext,
        user_id: i64,
        name: &str,
    ) -> Result<(i64, String)> {
        let token = new_token("smp_");
        let id = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(user_id).bind(name).bind(token_digest(&token)).bind(Utc::now())
                .fetch_one(&mut *tx).await?;
            let event = AuditEvent::new("token.create", "api_token", id).with_summary(json!({"after": {"name": name, "user_id": user_id}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            id
        });
        Ok((id, token))
    }

    pub async fn api_token_user(&self, token: &str) -> Result<Option<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active")
            .bind(token_digest(token)).fetch_optional(p).await?))
    }

    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiTokenInfo>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC")
            .bind(user_id).fetch_all(p).await?))
    }

    /// Revoke one of the user's own tokens.
    pub async fn revoke_api_token(
        &self,
        ctx: &AuditContext,
        user_id: i64,
        token_id: i64,
    ) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
                .bind(Utc::now()).bind(token_id).bind(user_id)
                .execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            let event = AuditEvent::new("token.revoke", "api_token", token_id);
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Count a login attempt before its password is checked: the attempt is written first, then
    /// the attempts inside the window are counted, this one included. Checking first and writing
    /// after the (slow) password check let parallel attempts all pass the check; now the last of
    /// any `n` parallel attempts to be counted sees all `n`. The row stays as the failure unless
    /// the login succeeds ([`Store::clear_login_failures`]) or is throttled
    /// ([`Store::forget_login_attempt`]).
    pub async fn begin_login_attempt(
        &self,
        username: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<LoginAttempt> {
        // Two statements, not one transaction: the row must be visible to the other attempts
        // before this one counts.
        let id: i64 = with_pool!(self, p => sqlx::query_scalar(
            "INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3) RETURNING id")
            .bind(username).bind(ip).bind(Utc::now()).fetch_one(p).await?);
        let (by_account, by_ip) = self.login_failures_since(username, ip, since).await?;
        Ok(LoginAttempt {
            id,
            by_account,
            by_ip,
        })
    }

    /// A throttled attempt is not held against the account: it never reached the password.
    pub async fn forget_login_attempt(&self, id: i64) -> Result<()> {
        with_pool!(self, p => sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(id).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// Failed logins since `since`: (for this username, from this IP).
    pub async fn login_failures_since(
        &self,
        username: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, i64)> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $3), \
                    (SELECT COUNT(*) FROM login_failures WHERE ip = $2 AND at > $3)")
            .bind(username).bind(ip).bind(since).fetch_one(p).await?))
    }

    /// A successful login forgives the account's earlier failures.
    pub async fn clear_login_failures(&self, username: &str) -> Result<()> {
        with_pool!(self, p => sqlx::query("DELETE FROM login_failures WHERE username = $1")
            .bind(username).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// Create a reset token and queue the mail carrying it, atomically. The mail's `secret` link
    /// gets the token substituted for `{token}`.
    pub async fn create_password_reset(
        &self,
        ctx: &AuditContext,
        user_id: i64,
        ttl: Duration,
        mail: OutgoingMail,
    ) -> Result<String> {
        let token = new_token("");
        let now = Utc::now();
        let secret = mail.secret.as_ref().map(|s| s.replace("{token}", &token));
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_digest(&token)).bind(user_id).bind(now).bind(now + ttl)
                .execute(&mut *tx).await?;
            crate::outbox::queue_mail_in_tx!(tx, &mail, secret.as_deref(), None);
            let event = AuditEvent::new("auth.reset_requested", "user", user_id);
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(token)
    }

    /// Whether a reset token is live (for showing the form).
    pub async fn password_reset_user(&self, token: &str) -> Result<Option<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
            .bind(token_digest(token)).bind(Utc::now()).fetch_optional(p).await?))
    }

    /// Use a reset token once: set the new password, end all sessions. Returns the user id.
    pub async fn complete_password_reset(
        &self,
        ctx: &AuditContext,
        token: &str,
        password_hash: &str,
    ) -> Result<i64> {
        let now = Utc::now();
        let user = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let user: Option<i64> = sqlx::query_scalar(
                "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id")
                .bind(now).bind(token_digest(token)).fetch_optional(&mut *tx).await?;
            let Some(user) = user else { return Err(StoreError::NotFound) };
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(password_hash).bind(now).bind(user).execute(&mut *tx).await?;
            revoke_credentials_in_tx!(tx, user, now, None);
            sqlx::query("DELETE FROM login_failures WHERE username = (SELECT username FROM users WHERE id = $1)")
                .bind(user).execute(&mut *tx).await?;
            let event = AuditEvent::new("auth.reset_completed", "user", user);
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            user
        });
        Ok(user)
    }
}
