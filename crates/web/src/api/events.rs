//! Capacity building over JSON: events visible to the caller, creating one (organisers), an
//! event with its agenda and seats, registering and cancelling, a batch of check-ins (a
//! scanner app syncing its queue), and the organiser's report.

use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiUser, PathParam};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use simpul_app::events::checkin::{QueuedScan, SyncResult};
use simpul_app::events::report::Report;
use simpul_app::events::{self as app, register, EventInput};
use simpul_store::events::EventRecord;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub venue: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub capacity: i64,
    pub registration_opens_at: chrono::DateTime<chrono::Utc>,
    pub registration_closes_at: chrono::DateTime<chrono::Utc>,
    pub invited_only: bool,
    pub region: String,
}

impl From<EventRecord> for EventView {
    fn from(e: EventRecord) -> Self {
        EventView {
            id: e.id,
            kind: e.kind,
            title: e.title,
            description: e.description,
            venue: e.venue,
            address: e.address,
            lat: e.lat,
            lon: e.lon,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            capacity: e.capacity,
            registration_opens_at: e.reg_opens_at,
            registration_closes_at: e.reg_closes_at,
            invited_only: e.invited_only,
            region: e.region_code,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: i64,
    pub title: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    /// Each speaker's name, position and institution.
    pub speakers: Vec<SpeakerView>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SpeakerView {
    pub name: String,
    pub position: String,
    pub institution: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EventDetail {
    #[serde(flatten)]
    pub event: EventView,
    pub sessions: Vec<SessionView>,
    pub confirmed: i64,
    pub waitlisted: i64,
    /// The caller's registration status, if any.
    pub my_status: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationView {
    pub registration_id: i64,
    /// `confirmed` or `waitlisted`.
    pub status: String,
    /// Why waiting: `full` or `quota`.
    pub reason: Option<String>,
    /// The signed ticket code (confirmed places only).
    pub ticket: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CheckinBatch {
    pub scans: Vec<QueuedScan>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

#[utoipa::path(get, path = "/api/v1/events", tag = "events", security(("bearer" = [])),
    responses((status = 200, body = [EventView])))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<EventView>>> {
    Ok(Json(
        app::visible(&state, &user)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/events", tag = "events", security(("bearer" = [])), request_body = EventInput,
    responses((status = 201, body = Created), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<EventInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = app::create(&state, &user, &user.audit(&ctx), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = EventDetail), (status = 404, body = crate::api::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<EventDetail>> {
    let e = state.store.event(id).await?;
    if !app::may_view(&state, &user, &e).await? {
        return Err(AppError::NotFound);
    }
    let people = state.store.participants(id).await?;
    let count = |s: &str| people.iter().filter(|p| p.registration.status == s).count() as i64;
    let sessions = state
        .store
        .event_sessions(id)
        .await?
        .into_iter()
        .map(|s| SessionView {
            speakers: s
                .speaker_list()
                .into_iter()
                .map(|p| SpeakerView {
                    name: p.name,
                    position: p.position,
                    institution: p.institution,
                })
                .collect(),
            id: s.id,
            title: s.title,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
        })
        .collect();
    Ok(Json(EventDetail {
        confirmed: count("confirmed"),
        waitlisted: count("waitlisted"),
        my_status: people
            .iter()
            .find(|p| p.registration.user_id == user.actor.user_id)
            .map(|p| p.registration.status.clone()),
        sessions,
        event: e.into(),
    }))
}

#[utoipa::path(post, path = "/api/v1/events/{id}/registrations", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 201, body = RegistrationView), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn register(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<(StatusCode, Json<RegistrationView>)> {
    let p = register::register(&state, &user, &user.audit(&ctx), id).await?;
    let ticket = if p.status == simpul_core::events::RegStatus::Confirmed {
        let r = state.store.registration(p.id).await?;
        let e = state.store.event(id).await?;
        Some(register::ticket_code(&state, &e, r.id, &r.ticket_nonce))
    } else {
        None
    };
    Ok((
        StatusCode::CREATED,
        Json(RegistrationView {
            registration_id: p.id,
            status: p.status.as_str().into(),
            reason: p.reason.map(Into::into),
            ticket,
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{id}/registrations/{registration_id}", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path), ("registration_id" = i64, Path)), responses((status = 204), (status = 404, body = crate::api::Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam((id, registration_id)): PathParam<(i64, i64)>,
) -> AppResult<StatusCode> {
    let r = state.store.registration(registration_id).await?;
    if r.event_id != id {
        return Err(AppError::NotFound);
    }
    register::cancel(&state, &user, &user.audit(&ctx), registration_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/events/{id}/checkins", tag = "events", security(("bearer" = [])), request_body = CheckinBatch,
    params(("id" = i64, Path)), responses((status = 200, body = [SyncResult]), (status = 404, body = crate::api::Problem)))]
pub async fn checkins(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(batch): ApiJson<CheckinBatch>,
) -> AppResult<Json<Vec<SyncResult>>> {
    Ok(Json(
        simpul_app::events::checkin::sync(
            &state,
            &user,
            &user.audit(&ctx),
            id,
            &batch.scans,
            ctx.locale,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{id}/report", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Report), (status = 404, body = crate::api::Problem)))]
pub async fn report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<Report>> {
    let (_, r) = simpul_app::events::report::report(&state, &user, id, |r| r.to_string()).await?;
    Ok(Json(r))
}
