//! Check-in at the door, on a phone. The page works without JavaScript (choose the session,
//! type the code, submit). With JavaScript it scans with the camera (`BarcodeDetector` where the
//! browser has it, the vendored jsQR elsewhere) and keeps working without a connection, even
//! reloaded (the service worker keeps a copy of the page): each scan goes into a queue in the
//! phone's `localStorage` and is sent when the connection is back (`/checkin/sync`); the server
//! counts a person once per session however often a scan arrives.

use super::super::{render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, PathParam, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use simpul_app::events::checkin::{self, QueuedScan, Source};
use simpul_store::events::{EventRecord, SessionRecord};

#[derive(Template)]
#[template(path = "events_checkin.html")]
struct DoorPage<'a> {
    page: Page<'a>,
    event: EventRecord,
    sessions: Vec<SessionRecord>,
    session: Option<SessionRecord>,
    checked_in: usize,
    result: Option<String>,
    errors: Vec<FieldError>,
    js: &'static str,
    /// The QR reader loaded when the camera starts on a browser without `BarcodeDetector`.
    jsqr: &'static str,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DoorQuery {
    session: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
async fn door_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::CurrentUser,
    id: i64,
    session_id: Option<i64>,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let event = state.store.event(id).await?;
    if !simpul_app::events::may_manage(user, &event) {
        return Err(AppError::NotFound);
    }
    let sessions = state.store.event_sessions(id).await?;
    // Without a choice: the session running now (or the next one).
    let now = chrono::Utc::now();
    let session = match session_id {
        Some(s) => sessions.iter().find(|x| x.id == s).cloned(),
        None => sessions
            .iter()
            .find(|s| s.ends_at > now)
            .or(sessions.last())
            .cloned(),
    };
    let checked_in = match &session {
        Some(s) => state
            .store
            .participants(id)
            .await?
            .iter()
            .filter(|p| p.sessions.contains(&s.id))
            .count(),
        None => 0,
    };
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        DoorPage {
            page: Page::new(state, ctx, Some(user)),
            event,
            sessions,
            session,
            checked_in,
            result,
            errors,
            js: &crate::assets::EVENTS_JS.url,
            jsqr: &crate::assets::JSQR_JS.url,
        },
    )
}

pub async fn page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<DoorQuery>,
) -> AppResult<Response> {
    door_page(&state, &ctx, &user, id, q.session, None, Vec::new()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CheckinInput {
    session: i64,
    code: String,
    /// `scan` when the camera read it.
    source: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<CheckinInput>,
) -> AppResult<Response> {
    let source = if input.source == "scan" {
        Source::Scan
    } else {
        Source::Typed
    };
    let t = state.catalog.messages(ctx.locale);
    match checkin::check_in(
        &state,
        &user,
        &user.audit(&ctx),
        id,
        input.session,
        &input.code,
        source,
        None,
    )
    .await
    {
        Ok(c) => {
            let key = if c.first {
                "events.checked_in"
            } else {
                "events.already_checked_in"
            };
            let msg = t.fmt(key, &[("name", &c.name)]);
            door_page(
                &state,
                &ctx,
                &user,
                id,
                Some(input.session),
                Some(msg),
                Vec::new(),
            )
            .await
        }
        Err(e) => {
            let (_, errors) = super::super::form_errors(e)?;
            door_page(&state, &ctx, &user, id, Some(input.session), None, errors).await
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SyncInput {
    /// The queued scans as JSON (a list of `QueuedScan`).
    scans: String,
}

/// The phone's queue, sent when the connection is back: one result per scan.
pub async fn sync(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<SyncInput>,
) -> AppResult<Response> {
    let scans: Vec<QueuedScan> =
        serde_json::from_str(&input.scans).map_err(|_| AppError::BadRequest("error.bad_json"))?;
    let results = checkin::sync(&state, &user, &user.audit(&ctx), id, &scans, ctx.locale).await?;
    Ok(Json(results).into_response())
}
