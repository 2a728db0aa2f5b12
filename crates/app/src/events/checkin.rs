//! Check-in at the door, per session: a scanned or typed ticket code is parsed (it names its
//! event: a ticket of another event is refused), its signature checked against the
//! registration's nonce, and the participant checked in once (a second scan, or the same scan
//! synced again from a phone that was offline, changes nothing). A session that has not yet
//! started refuses check-ins with a clear message.

use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use chrono::{DateTime, Duration, Utc};
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;
use simpul_core::events::{checkin_open, Ticket};
use simpul_store::events::{EventRecord, SessionRecord};

/// What the person at the door is told.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CheckedIn {
    pub registration_id: i64,
    pub name: String,
    /// False when this person was already checked in to this session.
    pub first: bool,
}

/// Where a check-in comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Scan,
    Typed,
    /// Queued on a phone while offline, synced later.
    Offline,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Scan => "scan",
            Source::Typed => "typed",
            Source::Offline => "offline",
        }
    }
}

fn refuse(key: &'static str) -> AppError {
    AppError::Invalid(vec![FieldError::new("code", key)])
}

/// The event and session, for someone who manages the event.
pub async fn door(
    ctx: &AppCtx,
    who: &Actor,
    event_id: i64,
    session_id: i64,
) -> AppResult<(EventRecord, SessionRecord)> {
    let e = ctx.store.event(event_id).await?;
    if !super::may_manage(who, &e) {
        return Err(AppError::NotFound);
    }
    let session = ctx
        .store
        .event_sessions(event_id)
        .await?
        .into_iter()
        .find(|s| s.id == session_id)
        .ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new("session", "events.error_session")])
        })?;
    Ok((e, session))
}

/// Check one code in to one session. `scanned_at`: when a phone queued it offline (accepted
/// within the last day; otherwise now).
#[allow(clippy::too_many_arguments)]
pub async fn check_in(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    event_id: i64,
    session_id: i64,
    code: &str,
    source: Source,
    scanned_at: Option<DateTime<Utc>>,
) -> AppResult<CheckedIn> {
    let (e, session) = door(ctx, who, event_id, session_id).await?;
    check_in_at(ctx, who, audit, &e, &session, code, source, scanned_at).await
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn check_in_at(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    e: &EventRecord,
    session: &SessionRecord,
    code: &str,
    source: Source,
    scanned_at: Option<DateTime<Utc>>,
) -> AppResult<CheckedIn> {
    let now = Utc::now();
    let at = scanned_at
        .filter(|t| *t <= now + Duration::minutes(5) && *t >= now - Duration::days(1))
        .map(|t| t.min(now))
        .unwrap_or(now);
    if e.is_cancelled() {
        return Err(refuse("events.error_checkin_cancelled"));
    }
    let ticket = Ticket::parse(code, e.id).map_err(|k| refuse(k.message_key()))?;
    let reg = match ctx.store.registration(ticket.registration_id).await {
        Ok(r) if r.event_id == e.id => r,
        _ => return Err(refuse("events.error_ticket_forged")),
    };
    ticket
        .verify(&ctx.config.secret.0, &reg.ticket_nonce)
        .map_err(|k| refuse(k.message_key()))?;
    if reg.status != "confirmed" {
        return Err(refuse("events.error_ticket_not_confirmed"));
    }
    if !checkin_open(session.starts_at, at) {
        return Err(refuse("events.error_session_not_started"));
    }
    let first = ctx
        .store
        .check_in(
            audit,
            reg.id,
            session.id,
            at,
            Some(who.user_id),
            source.as_str(),
        )
        .await?;
    Ok(CheckedIn {
        registration_id: reg.id,
        name: reg.name,
        first,
    })
}

/// One queued scan from a phone.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QueuedScan {
    /// The phone's own id for this scan (echoed back so it can drop it from its queue).
    pub id: String,
    pub code: String,
    pub session_id: i64,
    /// Milliseconds since 1970 when the phone read the code.
    pub scanned_at: Option<i64>,
}

/// The outcome of one queued scan.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SyncResult {
    pub id: String,
    pub ok: bool,
    pub first: bool,
    pub name: String,
    /// The reason in the person's language when refused.
    pub message: String,
}

/// Apply a phone's queue (at most 500 scans a call); each scan stands alone: one refused
/// ticket does not hold back the others, and a scan synced twice counts once.
pub async fn sync(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    event_id: i64,
    scans: &[QueuedScan],
    locale: crate::Locale,
) -> AppResult<Vec<SyncResult>> {
    if scans.len() > 500 {
        return Err(AppError::invalid("scans", "events.error_too_many_scans"));
    }
    let e = ctx.store.event(event_id).await?;
    if !super::may_manage(who, &e) {
        return Err(AppError::NotFound);
    }
    let sessions = ctx.store.event_sessions(event_id).await?;
    let t = ctx.catalog.messages(locale);
    let mut out = Vec::with_capacity(scans.len());
    for s in scans {
        let id: String = s.id.chars().take(64).collect();
        let at = s
            .scanned_at
            .and_then(DateTime::<Utc>::from_timestamp_millis);
        let result = match sessions.iter().find(|x| x.id == s.session_id) {
            Some(session) => {
                check_in_at(ctx, who, audit, &e, session, &s.code, Source::Offline, at).await
            }
            None => Err(AppError::invalid("session", "events.error_session")),
        };
        out.push(match result {
            Ok(c) => SyncResult {
                id,
                ok: true,
                first: c.first,
                name: c.name,
                message: String::new(),
            },
            Err(AppError::Invalid(f)) => SyncResult {
                id,
                ok: false,
                first: false,
                name: String::new(),
                message: f
                    .first()
                    .map(|f| t.get(f.key).to_string())
                    .unwrap_or_default(),
            },
            Err(other) => return Err(other),
        });
    }
    Ok(out)
}
