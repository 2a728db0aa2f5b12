//! Logging in (with throttling per account and per IP address) and password resets by e-mail.

use crate::error::{AppError, AppResult};
use crate::i18n::Messages;
use crate::AppCtx;
use chrono::{Duration, Utc};
use simpul_core::audit::AuditContext;
use simpul_core::secrets::{dummy_verify, verify_password};
use simpul_store::auth::OutgoingMail;

pub enum LoginError {
    /// Wrong username or password (never says which).
    BadCredentials,
    /// Too many failures for this account or from this address; try again later.
    Throttled,
    Other(AppError),
}

impl From<simpul_store::StoreError> for LoginError {
    fn from(e: simpul_store::StoreError) -> Self {
        LoginError::Other(e.into())
    }
}

/// Check credentials; returns the user id. Every attempt counts against the account name and the
/// client address before the password is looked at; once either is over its limit inside the
/// window, even a right password waits. Parallel attempts cannot slip past the limit together.
pub async fn verify_login(
    state: &AppCtx,
    username: &str,
    password: &str,
    ip: &str,
) -> Result<i64, LoginError> {
    let username = username.trim().to_lowercase();
    let cfg = &state.config;
    let since = Utc::now() - cfg.throttle_window;
    let attempt = state
        .store
        .begin_login_attempt(&username, ip, since)
        .await?;
    if attempt.by_account > cfg.max_failures_per_account || attempt.by_ip > cfg.max_failures_per_ip
    {
        state.store.forget_login_attempt(attempt.id).await?;
        return Err(LoginError::Throttled);
    }
    let user = state.store.user_by_username(&username).await?;
    let password = password.to_owned();
    let ok = match &user {
        Some(u) if u.active => {
            let phc = u.password_hash.clone();
            tokio::task::spawn_blocking(move || verify_password(&password, &phc))
                .await
                .map_err(|e| LoginError::Other(AppError::internal(e)))?
        }
        _ => {
            tokio::task::spawn_blocking(move || dummy_verify(&password))
                .await
                .map_err(|e| LoginError::Other(AppError::internal(e)))?;
            false
        }
    };
    match (ok, user) {
        (true, Some(u)) => {
            state.store.clear_login_failures(&username).await?;
            Ok(u.id)
        }
        // The attempt's row stays: it is the failure.
        _ => Err(LoginError::BadCredentials),
    }
}

/// Queue a reset link for the account named by username or e-mail. Says nothing about whether
/// the account exists; accounts without an e-mail address ask their administrator instead.
pub async fn request_reset(
    state: &AppCtx,
    t: &Messages<'_>,
    audit: &AuditContext,
    who: &str,
) -> AppResult<()> {
    let who = who.trim();
    let user = match state.store.user_by_username(&who.to_lowercase()).await? {
        Some(u) => Some(u),
        None => state.store.user_by_email(who).await?,
    };
    let Some(user) = user.filter(|u| u.active) else {
        return Ok(());
    };
    let Some(email) = user.email.clone() else {
        return Ok(());
    };
    let region = state
        .store
        .grants_of(user.id)
        .await?
        .into_iter()
        .find_map(|g| g.region_code)
        .map(|c| c.to_string());
    let link = format!(
        "{}/password/reset/{{token}}",
        state.config.base_url.trim_end_matches('/')
    );
    let mail = OutgoingMail {
        to: email,
        subject: t.get("mail.reset_subject").to_owned(),
        body: t.fmt(
            "mail.reset_body",
            &[
                ("name", &user.display_name),
                ("link", simpul_store::outbox::SECRET_PLACEHOLDER),
            ],
        ),
        region_code: region,
        user_id: Some(user.id),
        secret: Some(link),
    };
    state
        .store
        .create_password_reset(audit, user.id, Duration::hours(1), mail)
        .await?;
    Ok(())
}
