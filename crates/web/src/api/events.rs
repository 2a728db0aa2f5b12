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

/// Someone the caller may register for an event: a member of their KIM, staff of their office.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CandidateView {
    pub user_id: i64,
    pub name: String,
    /// The person's role (`kim_member`, `kim_officer`, `regency_admin`, ...).
    pub role: String,
    /// Their registration for this event, if they hold one: `confirmed` or `waitlisted`.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/events/{id}/candidates", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = [CandidateView]), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
/// The people the caller may register for this event besides themselves (a KIM officer: the
/// officers and members of their KIM; an office's administrator: the office's staff).
pub async fn candidates(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<Vec<CandidateView>>> {
    let e = state.store.event(id).await?;
    if !app::may_view(&state, &user, &e).await? {
        return Err(AppError::NotFound);
    }
    if app::others::proxy_scopes(&user).is_empty() {
        return Err(AppError::Forbidden);
    }
    let people = state.store.participants(id).await?;
    Ok(Json(
        app::others::candidates(&state, &user)
            .await?
            .into_iter()
            .map(|c| CandidateView {
                status: people
                    .iter()
                    .find(|p| {
                        p.registration.user_id == c.user_id && p.registration.status != "cancelled"
                    })
                    .map(|p| p.registration.status.clone()),
                user_id: c.user_id,
                name: c.display_name,
                role: c.role,
            })
            .collect(),
    ))
}

/// Whom to register: user ids among the caller's candidates.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OthersInput {
    pub user_ids: Vec<i64>,
    /// `true`: everyone must get a seat, or nobody is registered; `false`: those without a seat
    /// join the waiting list.
    pub seats_only: bool,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlacedView {
    pub name: String,
    pub registration_id: i64,
    /// `confirmed` or `waitlisted`.
    pub status: String,
    /// Why waiting: `full` or `quota`.
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/events/{id}/participants", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OthersInput,
    responses((status = 201, body = [PlacedView]), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem),
        (status = 409, body = crate::api::Problem, content_type = "application/problem+json",
            description = "Someone named already holds a seat or a waiting place; nobody was registered"),
        (status = 422, body = crate::api::Problem, content_type = "application/problem+json",
            description = "Someone named may not register or has no seat; `errors` names each person (`participants[<user id>]`); nobody was registered")))]
/// Register other people (see `candidates`), all or nothing; each is sent their ticket.
pub async fn register_others(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<OthersInput>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let outcome = app::others::register_others(
        &state,
        &user,
        &user.audit(&ctx),
        id,
        &input.user_ids,
        input.seats_only,
    )
    .await?;
    match outcome {
        Ok(placed) => Ok((
            StatusCode::CREATED,
            Json(
                placed
                    .into_iter()
                    .map(|r| PlacedView {
                        name: r.name,
                        registration_id: r.placement.id,
                        status: r.placement.status.as_str().into(),
                        reason: r.placement.reason.map(Into::into),
                    })
                    .collect::<Vec<_>>(),
            ),
        )
            .into_response()),
        Err(problems) => {
            let t = state.catalog.messages(ctx.locale);
            let duplicates_only = problems
                .iter()
                .all(|p| p.key == "events.error_duplicate_person");
            let status = if duplicates_only {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let errors: Vec<serde_json::Value> = problems
                .iter()
                .map(|p| {
                    let detail = format!(
                        "{}: {}",
                        p.name,
                        t.fmt(p.key, &[("region", p.region.as_str())])
                    );
                    serde_json::json!({
                        "field": format!("participants[{}]", p.user_id),
                        "code": p.key,
                        "detail": detail,
                    })
                })
                .collect();
            let (kind, title) = if duplicates_only {
                ("conflict", "error.conflict")
            } else {
                ("invalid", "error.invalid")
            };
            let problem = serde_json::json!({
                "type": format!("https://simpul.id/problems/{kind}"),
                "title": t.get(title),
                "status": status.as_u16(),
                "detail": t.get("events.others_refused"),
                "errors": errors,
            });
            Ok((
                status,
                [(axum::http::header::CONTENT_TYPE, "application/problem+json")],
                problem.to_string(),
            )
                .into_response())
        }
    }
}

#[utoipa::path(get, path = "/api/v1/events/{id}/participants", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = [ParticipantView]), (status = 404, body = crate::api::Problem)))]
/// The participant list with attendance (the organiser's office).
pub async fn participants(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<Vec<ParticipantView>>> {
    let e = state.store.event(id).await?;
    if !app::may_manage(&user, &e) {
        return Err(AppError::NotFound);
    }
    let sessions = state.store.event_sessions(id).await?;
    Ok(Json(
        state
            .store
            .participants(id)
            .await?
            .into_iter()
            .map(|p| {
                let (minutes, _) =
                    simpul_app::events::report::attended_minutes(&sessions, &p.sessions);
                let r = p.registration;
                ParticipantView {
                    registration_id: r.id,
                    user_id: r.user_id,
                    name: r.name,
                    role: r.role,
                    region: r.region_code,
                    kim_id: r.kim_id,
                    status: r.status,
                    sessions_attended: p.sessions,
                    minutes_attended: minutes,
                    certificate_code: r.certificate_code,
                    registered_by: r.registered_by,
                }
            })
            .collect(),
    ))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ParticipantView {
    pub registration_id: i64,
    pub user_id: i64,
    pub name: String,
    pub role: String,
    /// The participant's region code (their village, kecamatan or office).
    pub region: String,
    pub kim_id: Option<i64>,
    /// `confirmed`, `waitlisted` or `cancelled`.
    pub status: String,
    /// Ids of the sessions they were checked in to.
    pub sessions_attended: Vec<i64>,
    pub minutes_attended: i64,
    pub certificate_code: Option<String>,
    /// Who registered them, when not themselves.
    pub registered_by: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EventInput,
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
/// Change an event (its organiser's office): the same fields and checks as creating it (its
/// region stays); registered people are told it changed.
pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<EventInput>,
) -> AppResult<StatusCode> {
    app::edit::update(&state, &user, &user.audit(&ctx), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CancelEventInput {
    /// Told to everyone holding a seat or a waiting place (up to 500 characters).
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/events/{id}/cancellation", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = CancelEventInput,
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
/// Cancel the whole event with a reason (its organiser's office). Cancelling it again changes
/// nothing.
pub async fn cancel_event(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<CancelEventInput>,
) -> AppResult<StatusCode> {
    app::edit::cancel_event(&state, &user, &user.audit(&ctx), id, &input.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TicketView {
    pub registration_id: i64,
    /// `confirmed`, `waitlisted` or `cancelled`.
    pub status: String,
    /// The signed ticket code to show at the door (confirmed places only).
    pub ticket: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/events/{id}/ticket", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = TicketView), (status = 404, body = crate::api::Problem)))]
/// The caller's own registration and ticket for this event.
pub async fn ticket(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<TicketView>> {
    let e = state.store.event(id).await?;
    let Some(r) = state.store.registration_of(id, user.actor.user_id).await? else {
        return Err(AppError::NotFound);
    };
    let ticket =
        (r.status == "confirmed").then(|| register::ticket_code(&state, &e, r.id, &r.ticket_nonce));
    Ok(Json(TicketView {
        registration_id: r.id,
        status: r.status,
        ticket,
    }))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EvaluationInput {
    /// One entry per session attended: a rating from 1 to 5 and an optional comment.
    pub entries: Vec<simpul_app::events::report::EvaluationEntry>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Saved {
    /// How many sessions' ratings were saved.
    pub saved: usize,
}

#[utoipa::path(post, path = "/api/v1/events/{id}/evaluation", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EvaluationInput,
    responses((status = 200, body = Saved), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
/// The caller's evaluation of the sessions they attended (given again, it replaces the earlier).
pub async fn evaluate(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<EvaluationInput>,
) -> AppResult<Json<Saved>> {
    let saved =
        simpul_app::events::report::evaluate(&state, &user, &user.audit(&ctx), id, &input.entries)
            .await?;
    Ok(Json(Saved { saved }))
}

#[utoipa::path(get, path = "/api/v1/events/{id}/certificate", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>,
            description = "The caller's certificate (issued on the first request), with its verification code"),
        (status = 404, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem, content_type = "application/problem+json",
            description = "The caller did not attend enough of the event (yet)")))]
/// The caller's certificate as a PDF, once they attended enough.
pub async fn certificate(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let (code, pdf) =
        simpul_app::events::certificate::for_participant(&state, &user, &user.audit(&ctx), id)
            .await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"sertifikat-{code}.pdf\""),
            ),
        ],
        pdf,
    )
        .into_response())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MaterialInput {
    pub title: String,
    /// An http(s) link to the material or recording.
    pub url: String,
}

#[utoipa::path(post, path = "/api/v1/events/{id}/materials", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = MaterialInput,
    responses((status = 201, body = Created), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
/// Add a material or recording to an event (its organiser's office).
pub async fn add_material(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<MaterialInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = app::add_material(
        &state,
        &user,
        &user.audit(&ctx),
        id,
        &input.title,
        &input.url,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
