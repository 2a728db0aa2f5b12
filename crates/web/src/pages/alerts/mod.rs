//! Emergency alert pages: the list (an officer's alerts, staff's history), composing with a
//! preview of the message and the KIMs reached, the alert's page with one-tap acknowledgement
//! and the situation report form, the live board, and the public page and feeds
//! ([`public`]). Every core flow is a plain form; the board's live refresh and the map are
//! enhancements.

pub mod board;
pub mod compose;
pub mod feeds;
pub mod public;

use super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::CsrfMultipart;
use crate::extract::{CsrfForm, PathParam, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::alerts::{board as app_board, field};
use simpul_core::alerts::AckKind;
use simpul_core::authz::Action;
use simpul_store::alerts::{AlertFilter, AlertRecord, TargetRow};

/// A label's catalogue key for an enumerated alert value ("severity", "extreme").
pub fn label_key(kind: &str, value: &str) -> String {
    format!("alerts.{kind}_{value}")
}

/// A number of seconds, by value or through however many references askama adds.
pub trait Secs {
    fn secs(&self) -> i64;
}

impl Secs for i64 {
    fn secs(&self) -> i64 {
        *self
    }
}

impl<T: Secs + ?Sized> Secs for &T {
    fn secs(&self) -> i64 {
        (**self).secs()
    }
}

/// "2 mnt 5 dtk" / "2 min 5 s": a duration for reading.
pub fn duration(t: &crate::i18n::Messages<'_>, secs: impl Secs) -> String {
    let secs = secs.secs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let (h, m, s) = (h.to_string(), m.to_string(), s.to_string());
    if secs >= 3600 {
        t.fmt("alerts.dur_hours", &[("h", &h), ("m", &m)])
    } else if secs >= 60 {
        t.fmt("alerts.dur_minutes", &[("m", &m), ("s", &s)])
    } else {
        t.fmt("alerts.dur_seconds", &[("s", &s)])
    }
}

/// The detail of a targeting reason for reading: "12 km", "MMI III"; nothing for regions
/// (the KIM's place is shown beside it).
pub fn reason_detail(t: &crate::i18n::Messages<'_>, reason: &str, detail: &str) -> String {
    match reason {
        "in_circle" => format!("{detail} km"),
        "in_polygon" => t.fmt("alerts.polygon_n", &[("n", detail)]),
        "felt" => {
            let mmi = detail
                .rsplit(':')
                .next()
                .and_then(|m| m.parse::<usize>().ok())
                .unwrap_or(0);
            const N: [&str; 13] = [
                "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
            ];
            format!("MMI {}", N.get(mmi).copied().unwrap_or(""))
        }
        _ => String::new(),
    }
}

/// The badge class of a KIM's answer.
pub fn ack_badge(status: &str) -> &'static str {
    match status {
        "need_help" => "badge-danger",
        "affected" => "badge-warn",
        "safe" | "received" => "badge-ok",
        _ => "badge-muted",
    }
}

/// Whether an alert is still in force now.
pub fn in_force(a: &AlertRecord) -> bool {
    a.state == "active" && a.expires.is_none_or(|e| e > chrono::Utc::now())
}

/// The state to show: an active alert past its expiry has ended.
pub fn shown_state(a: &AlertRecord) -> &'static str {
    match a.state.as_str() {
        "active" if !in_force(a) => "expired",
        "active" => "active",
        "pending" => "pending",
        "rejected" => "rejected",
        _ => "cancelled",
    }
}

#[derive(Template)]
#[template(path = "alerts_list.html")]
struct ListPage<'a> {
    page: Page<'a>,
    /// The officer's alerts: (alert, their KIM's status).
    mine: Vec<(AlertRecord, String)>,
    history: Vec<(AlertRecord, app_board::Stats)>,
    can_compose: bool,
    can_feeds: bool,
}

/// Whether this person composes alerts somewhere.
pub fn may_compose(user: &crate::CurrentUser) -> bool {
    !simpul_app::alerts::send::alert_territory(user).is_empty()
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let kims = state.store.kims_of_user(user.actor.user_id).await?;
    let officer_kims: Vec<i64> = kims
        .iter()
        .copied()
        .filter(|k| user.actor.can(Action::AnswerAlert { kim_id: *k }))
        .collect();
    let mut mine = Vec::new();
    if !kims.is_empty() {
        let f = AlertFilter {
            states: vec!["active".into(), "cancelled".into()],
            kims: Some(kims.clone()),
            ..AlertFilter::default()
        };
        for a in state.store.alerts(&f, 50).await? {
            let targets = state.store.alert_targets(a.id).await?;
            let status = targets
                .iter()
                .find(|t| officer_kims.contains(&t.kim_id) || kims.contains(&t.kim_id))
                .map(|t| t.status.clone())
                .unwrap_or_else(|| "silent".into());
            mine.push((a, status));
        }
    }
    let watcher = user.actor.is_admin() || may_compose(&user);
    let history = if watcher {
        app_board::history(&state, &user, 50).await?
    } else {
        Vec::new()
    };
    render(ListPage {
        page: Page::new(&state, &ctx, Some(&user)),
        mine,
        history,
        can_compose: may_compose(&user),
        can_feeds: user.actor.can(Action::ManageAlertFeeds),
    })
}

#[derive(Template)]
#[template(path = "alerts_show.html")]
struct ShowPage<'a> {
    page: Page<'a>,
    alert: AlertRecord,
    state_label: &'static str,
    /// The KIMs this person answers for, with their current status.
    answering: Vec<TargetRow>,
    acks: &'static [AckKind],
    can_watch: bool,
    can_change: bool,
    /// A manual alert can be edited (an update to the same people); feeds update their own.
    can_edit: bool,
    can_approve: bool,
    notice: Option<&'a str>,
    errors: Vec<crate::error::FieldError>,
    body: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    done: String,
}

async fn show_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::CurrentUser,
    id: i64,
    notice: Option<&'static str>,
    errors: Vec<crate::error::FieldError>,
    body: String,
) -> AppResult<Response> {
    let alert = state.store.alert(id).await?;
    let mine = field::answering_kims(state, user, id).await?;
    let can_watch = app_board::may_watch(user, &alert);
    let kims = state.store.kims_of_user(user.actor.user_id).await?;
    let targeted = state.store.alert_target_ids(id).await?;
    let member = kims.iter().any(|k| targeted.contains(k));
    if !can_watch && !member {
        return Err(AppError::NotFound);
    }
    if !can_watch && alert.state != "active" && alert.state != "cancelled" {
        return Err(AppError::NotFound);
    }
    let answering = if mine.is_empty() {
        Vec::new()
    } else {
        state
            .store
            .alert_targets(id)
            .await?
            .into_iter()
            .filter(|t| mine.contains(&t.kim_id))
            .collect()
    };
    let scope = simpul_core::RegionCode::parse(&alert.scope_region).ok();
    let page = Page::new(state, ctx, Some(user));
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    super::render_with_status(
        status,
        ShowPage {
            notice: notice.map(|k| page.t.get(k)),
            page,
            state_label: shown_state(&alert),
            can_change: in_force(&alert)
                && user.actor.can(Action::ComposeAlert {
                    region: scope.as_ref(),
                }),
            can_edit: compose::editable(&alert)
                && user.actor.can(Action::ComposeAlert {
                    region: scope.as_ref(),
                }),
            can_approve: alert.state == "pending"
                && alert.created_by != Some(user.actor.user_id)
                && user.actor.can(Action::ApproveAlert {
                    region: scope.as_ref(),
                }),
            alert,
            answering,
            acks: AckKind::ALL,
            can_watch,
            errors,
            body,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let notice = match q.done.as_str() {
        "ack" => Some("alerts.done_ack"),
        "report" => Some("alerts.done_report"),
        "sent" => Some("alerts.done_sent"),
        "updated" => Some("alerts.done_updated"),
        "pending" => Some("alerts.done_pending"),
        "cancelled" => Some("alerts.done_cancelled"),
        "approved" => Some("alerts.done_approved"),
        "rejected" => Some("alerts.done_rejected"),
        _ => None,
    };
    show_page(&state, &ctx, &user, id, notice, Vec::new(), String::new()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AckInput {
    kind: String,
    kim: Option<i64>,
}

/// One tap: a plain form POST.
pub async fn ack(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<AckInput>,
) -> AppResult<Response> {
    field::acknowledge(&state, &user, &user.audit(&ctx), id, input.kim, &input.kind).await?;
    Ok(Redirect::to(&format!("/alerts/{id}?done=ack#answer")).into_response())
}

/// A situation report: multipart (text, location, up to five photos); the CSRF token travels
/// in the query string because the form is multipart.
pub async fn report(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfMultipart(mut form): CsrfMultipart,
) -> AppResult<Response> {
    let mut input = field::ReportInput::default();
    while let Some(f) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error.bad_form"))?
    {
        let name = f.name().unwrap_or("").to_owned();
        let filename = f
            .file_name()
            .unwrap_or("foto")
            .chars()
            .take(120)
            .collect::<String>();
        let data = f
            .bytes()
            .await
            .map_err(|_| AppError::BadRequest("error.file_too_large"))?;
        let text = || {
            String::from_utf8_lossy(&data)
                .chars()
                .take(4000)
                .collect::<String>()
        };
        match name.as_str() {
            "body" => input.body = text(),
            "lat" => input.lat = text(),
            "lon" => input.lon = text(),
            "kim" => input.kim = text().trim().parse().ok(),
            "photos" => {
                if input.photos.len() > field::MAX_PHOTOS {
                    return Err(AppError::invalid("photos", "alerts.error_photo_count"));
                }
                input.photos.push((filename, data.to_vec()))
            }
            _ => {}
        }
    }
    let body = input.body.clone();
    match field::report(&state, &user, &user.audit(&ctx), id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/alerts/{id}?done=report#answer")).into_response()),
        Err(e) => {
            let (_, errors) = super::form_errors(e)?;
            show_page(&state, &ctx, &user, id, None, errors, body).await
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DecisionInput {
    decision: String,
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<DecisionInput>,
) -> AppResult<Response> {
    let yes = input.decision != "reject";
    simpul_app::alerts::approve(&state, &user, &user.audit(&ctx), id, yes).await?;
    let done = if yes { "approved" } else { "rejected" };
    Ok(Redirect::to(&format!("/alerts/{id}?done={done}")).into_response())
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<DecisionInput>,
) -> AppResult<Response> {
    simpul_app::alerts::cancel(&state, &user, &user.audit(&ctx), id).await?;
    Ok(Redirect::to(&format!("/alerts/{id}?done=cancelled")).into_response())
}
