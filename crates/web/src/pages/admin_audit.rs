//! The audit log (browse, filter, export as CSV) and the mail outbox, within the
//! administrator's territory.

use super::{render, Page};
use crate::csrf::{urlencode, RequestCtx};
use crate::error::{AppError, AppResult};
use crate::extract::{CurrentUser, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use simpul_core::authz::Action;
use simpul_store::audit::{AuditFilter, AuditRecord};
use simpul_store::outbox::Mail;

/// Audit filters as typed in the form (dates as YYYY-MM-DD).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
pub struct AuditQuery {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub before: Option<i64>,
}

fn day(s: &str, field: &'static str) -> AppResult<Option<chrono::DateTime<Utc>>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    // Nothing in the log is older than the year 1, and PostgreSQL keeps no dates before 4713 BC
    // (`-262143-01-01` was a 500 there; found by page fuzzing).
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| d.year() >= 1)
        .ok_or(())
        .map(|d| Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists"))))
        .map_err(|_| AppError::invalid(field, "error.date"))
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl AuditQuery {
    pub fn to_filter(&self) -> AppResult<AuditFilter> {
        Ok(AuditFilter {
            action: opt(&self.action),
            actor: opt(&self.actor),
            object_type: None,
            region: opt(&self.region),
            from: day(&self.from, "from")?,
            // "until" is inclusive of the whole day.
            until: day(&self.until, "until")?.map(|d| d + chrono::Duration::days(1)),
            before_id: self.before,
        })
    }

    fn without_cursor(&self) -> String {
        let mut q = self.clone();
        q.before = None;
        serde_urlencoded::to_string(&q).unwrap_or_default()
    }
}

/// Audit entries the user may see.
pub async fn entries(
    state: &AppState,
    user: &CurrentUser,
    q: &AuditQuery,
    limit: i64,
) -> AppResult<Vec<AuditRecord>> {
    if !user.actor.can(Action::Oversee) {
        return Err(AppError::Forbidden);
    }
    let filter = q.to_filter()?;
    Ok(state
        .store
        .audit_entries(&user.actor.oversight(), &filter, limit)
        .await?)
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    page: Page<'a>,
    f: AuditQuery,
    entries: Vec<AuditRecord>,
    query: String,
    next_before: Option<i64>,
}

const PAGE: i64 = 100;

pub async fn audit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let entries = entries(&state, &user, &q, PAGE).await?;
    let next_before = if entries.len() as i64 == PAGE {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    render(AuditPage {
        page: Page::new(&state, &ctx, Some(&user)),
        query: q.without_cursor(),
        f: q,
        entries,
        next_before,
    })
}

/// CSV export of the filtered log (up to 100,000 rows).
pub async fn audit_csv(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let entries = entries(&state, &user, &q, 100_000).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "id",
            "at",
            "actor_id",
            "actor",
            "action",
            "object_type",
            "object_id",
            "region",
            "summary",
            "request_id",
            "ip",
        ])
        .map_err(AppError::internal)?;
    for e in entries {
        writer
            .write_record([
                e.id.to_string(),
                e.at.to_rfc3339(),
                e.actor_id.map(|i| i.to_string()).unwrap_or_default(),
                e.actor_name,
                e.action,
                e.object_type,
                e.object_id,
                e.region_code.unwrap_or_default(),
                e.summary,
                e.request_id.unwrap_or_default(),
                e.ip.unwrap_or_default(),
            ])
            .map_err(AppError::internal)?;
    }
    let body = writer.into_inner().map_err(AppError::internal)?;
    let filename = format!("simpul-audit-{}.csv", Utc::now().format("%Y%m%d-%H%M%S"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", urlencode(&filename)),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage<'a> {
    page: Page<'a>,
    mails: Vec<Mail>,
    smtp: bool,
}

pub async fn outbox(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    if !user.actor.can(Action::ReadOutbox) {
        return Err(AppError::Forbidden);
    }
    let mails = state.store.outbox(&user.actor.oversight(), 200).await?;
    render(OutboxPage {
        page: Page::new(&state, &ctx, Some(&user)),
        mails,
        smtp: state.config.smtp_enabled,
    })
}
