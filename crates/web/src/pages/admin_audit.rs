//! The audit log (browse, filter, export as CSV) and the mail outbox, within the
//! administrator's territory.

use super::audit_text::{self, AuditLine};
use super::{render, render_with_status, Page};
use crate::csrf::{urlencode, RequestCtx};
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CurrentUser, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use simpul_app::outbox::{self, OutboxEntry};
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::calendar::Zone;
use simpul_store::audit::{AuditFilter, AuditRecord};

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

/// The dates a filter may name: wide enough for any real search, and far from the ends of the
/// calendar, where "the day after" overflows and PostgreSQL's timestamps stop.
fn day(s: &str, field: &'static str) -> AppResult<Option<NaiveDate>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "error.date"))?;
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a real date");
    let latest = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a real date");
    if !(earliest..=latest).contains(&d) {
        return Err(AppError::invalid(field, "error.date_range"));
    }
    Ok(Some(d))
}

fn midnight(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN))
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
            from: day(&self.from, "from")?.map(midnight),
            // "until" is inclusive of the whole day. After 9999-12-31 there is no bound at all
            // (a five-digit year would not even compare as text in SQLite).
            until: day(&self.until, "until")?
                .and_then(|d| d.succ_opt().filter(|next| next.year() <= 9999))
                .map(midnight),
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
    entries: Vec<AuditLine>,
    /// (code, what it means) for the action filter, "all" first.
    actions: Vec<(&'static str, &'a str)>,
    /// "Waktu dalam WIB (UTC+7)".
    zone_note: String,
    errors: Vec<FieldError>,
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
    // A filter that cannot be read shows the form again with its field's message.
    let (entries, errors) = match entries(&state, &user, &q, PAGE).await {
        Ok(found) => (found, Vec::new()),
        Err(AppError::Invalid(fields)) => (Vec::new(), fields),
        Err(e) => return Err(e),
    };
    let next_before = if entries.len() as i64 == PAGE {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    let page = Page::new(&state, &ctx, Some(&user));
    let t = page.t;
    // The reader's zone: the province of their territory (WIB for the ministry).
    let zone = Zone::of(
        match user.actor.oversight() {
            ScopeRegions::Regions(r) => r.first().cloned(),
            ScopeRegions::All => None,
        }
        .as_ref(),
    );
    let entries = entries
        .iter()
        .map(|e| audit_text::line(t, e, zone, page.lang))
        .collect();
    let actions = std::iter::once(("", t.get("audit.all_actions")))
        .chain(audit_text::actions().map(|a| (a, t.get(&audit_text::action_name_key(a)))))
        .collect();
    let zone_note = t.fmt("audit.zone_note", &[("zone", zone.name())]);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        AuditPage {
            page,
            actions,
            zone_note,
            query: q.without_cursor(),
            f: q,
            entries,
            errors,
            next_before,
        },
    )
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
    mails: Vec<OutboxEntry>,
    smtp: bool,
}

pub async fn outbox(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let page = Page::new(&state, &ctx, Some(&user));
    let mails = outbox::visible(&state, &user, page.t.get("outbox.secret_hidden"), 200).await?;
    render(OutboxPage {
        page,
        mails,
        smtp: state.config.smtp_enabled,
    })
}
