//! Capacity building pages (issue 14): the list (open events, my registrations, my office's
//! events), an event's page with registration and cancellation, the ticket with its QR code,
//! the create form ([`form`]), check-in at the door ([`door`]), evaluation, report, exports,
//! certificate and calendar file ([`after`]), and the public certificate check ([`public`]).
//! Every core flow is a plain form; the door's camera scanning and offline queue are
//! enhancements on top of the typed code.

pub mod after;
pub mod door;
pub mod form;
pub mod others;
pub mod public;

use super::{render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CurrentUser, PathParam, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::events::{self as app, register};
use simpul_store::events::{
    CompletedTraining, EventRecord, MaterialRecord, QuotaRecord, RegistrationRecord, SessionRecord,
};

/// Whether this person organises events somewhere (the "create" link).
pub fn may_organise(user: &CurrentUser) -> bool {
    !app::organiser_territory(user).is_empty()
}

/// The dashboard's "what to do next" links for events.
pub async fn dashboard_links(
    state: &AppState,
    t: crate::i18n::Messages<'_>,
    user: &CurrentUser,
) -> AppResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    let now = chrono::Utc::now();
    let mine = state
        .store
        .registrations_of_user(user.actor.user_id)
        .await?;
    for r in mine.iter().filter(|r| r.status == "confirmed").take(3) {
        if let Ok(e) = state.store.event(r.event_id).await {
            if e.ends_at > now {
                out.push((
                    t.fmt("events.dashboard_ticket", &[("title", &e.title)]),
                    format!("/events/{}/ticket", e.id),
                ));
            }
        }
    }
    for e in app::visible(state, user)
        .await?
        .into_iter()
        .filter(|e| e.reg_closes_at > now && !e.is_cancelled())
        .take(3)
    {
        if !mine.iter().any(|r| r.event_id == e.id) {
            out.push((
                t.fmt("events.dashboard_open", &[("title", &e.title)]),
                format!("/events/{}", e.id),
            ));
        }
    }
    if may_organise(user) {
        out.push((t.get("events.new").to_string(), "/events/new".to_string()));
    }
    out.push((t.get("events.all").to_string(), "/events".to_string()));
    Ok(out)
}

/// "12 Maret 2026, 08.00 WIB – 13 Maret 2026, 16.00 WIB".
pub fn when(page: &Page<'_>, e: &EventRecord) -> String {
    format!("{} – {}", page.time(e.starts_at), page.time(e.ends_at))
}

#[derive(Template)]
#[template(path = "events_list.html")]
struct ListPage<'a> {
    page: Page<'a>,
    open: Vec<EventRecord>,
    mine: Vec<(EventRecord, RegistrationRecord)>,
    managed: Vec<EventRecord>,
    completed: Vec<CompletedTraining>,
    can_create: bool,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let now = chrono::Utc::now();
    let visible = app::visible(&state, &user).await?;
    let regs = state
        .store
        .registrations_of_user(user.actor.user_id)
        .await?;
    let mut mine = Vec::new();
    for r in regs.into_iter().filter(|r| r.status != "cancelled") {
        if let Some(e) = visible.iter().find(|e| e.id == r.event_id) {
            mine.push((e.clone(), r));
        }
    }
    let managed: Vec<EventRecord> = visible
        .iter()
        .filter(|e| app::may_manage(&user, e))
        .cloned()
        .collect();
    let open: Vec<EventRecord> = visible
        .iter()
        .filter(|e| {
            e.reg_closes_at > now
                && e.reg_opens_at <= now
                && !e.is_cancelled()
                && !mine.iter().any(|(m, _)| m.id == e.id)
        })
        .cloned()
        .collect();
    let completed = state.store.completed_trainings(user.actor.user_id).await?;
    render(ListPage {
        page: Page::new(&state, &ctx, Some(&user)),
        open,
        mine,
        managed,
        completed,
        can_create: may_organise(&user),
    })
}

/// A session with its speakers, for the agenda.
pub struct AgendaItem {
    pub session: SessionRecord,
    pub speakers: Vec<simpul_core::events::Speaker>,
}

#[derive(Template)]
#[template(path = "events_show.html")]
struct ShowPage<'a> {
    page: Page<'a>,
    event: EventRecord,
    when: String,
    agenda: Vec<AgendaItem>,
    quotas: Vec<(String, QuotaRecord)>,
    confirmed: i64,
    waiting: i64,
    registration: Option<RegistrationRecord>,
    attended: bool,
    certificate: bool,
    can_register: bool,
    /// A KIM officer or an office may register members or staff (the window open).
    can_register_others: bool,
    why_not: Option<&'a str>,
    materials: Option<Vec<MaterialRecord>>,
    manage: bool,
    notice: Option<&'a str>,
    errors: Vec<FieldError>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    done: String,
}

pub(crate) async fn show_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let event = state.store.event(id).await?;
    if !app::may_view(state, user, &event).await? {
        return Err(AppError::NotFound);
    }
    let sessions = state.store.event_sessions(id).await?;
    let people = state.store.participants(id).await?;
    let confirmed = people
        .iter()
        .filter(|p| p.registration.status == "confirmed")
        .count() as i64;
    let waiting = people
        .iter()
        .filter(|p| p.registration.status == "waitlisted")
        .count() as i64;
    let registration = people
        .iter()
        .find(|p| p.registration.user_id == user.actor.user_id)
        .map(|p| p.registration.clone());
    let attended = people
        .iter()
        .any(|p| p.registration.user_id == user.actor.user_id && !p.sessions.is_empty());
    let certificate = match &registration {
        Some(r) => simpul_app::events::certificate::eligible(state, &event, r)
            .await?
            .is_some(),
        None => false,
    };
    let page = Page::new(state, ctx, Some(user));
    let eligibility = register::eligibility(state, user, &event).await;
    let why_not = match (&registration, &eligibility) {
        (Some(r), _) if r.status != "cancelled" => None,
        (_, Err(AppError::Invalid(f))) => f.first().map(|f| page.t.get(f.key)),
        _ => None,
    };
    let now = chrono::Utc::now();
    let can_register_others = !event.is_cancelled()
        && event.reg_opens_at <= now
        && event.reg_closes_at > now
        && event.ends_at > now
        && !app::others::proxy_scopes(user).is_empty();
    let can_register = eligibility.is_ok()
        && registration
            .as_ref()
            .is_none_or(|r| r.status == "cancelled");
    let index = state.regions.index(&state.store).await?;
    let quotas = state
        .store
        .event_quotas(id)
        .await?
        .into_iter()
        .map(|q| {
            let name = simpul_core::RegionCode::parse(&q.region_code)
                .ok()
                .and_then(|c| index.get(&c).map(|r| r.name.clone()))
                .unwrap_or_else(|| q.region_code.clone());
            (name, q)
        })
        .collect();
    let materials = if app::may_see_materials(state, user, &event).await? {
        Some(state.store.event_materials(id).await?)
    } else {
        None
    };
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else if errors.iter().any(|e| e.key == "events.error_duplicate") {
        axum::http::StatusCode::CONFLICT
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        ShowPage {
            when: when(&page, &event),
            notice: notice.map(|k| page.t.get(k)),
            manage: app::may_manage(user, &event),
            agenda: sessions
                .into_iter()
                .map(|s| AgendaItem {
                    speakers: s.speaker_list(),
                    session: s,
                })
                .collect(),
            page,
            event,
            quotas,
            confirmed,
            waiting,
            registration,
            attended,
            certificate,
            can_register,
            can_register_others,
            why_not,
            materials,
            errors,
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
        "confirmed" => Some("events.done_confirmed"),
        "full" => Some("events.done_waitlisted_full"),
        "quota" => Some("events.done_waitlisted_quota"),
        "cancelled" => Some("events.done_cancelled"),
        "created" => Some("events.done_created"),
        "evaluated" => Some("events.done_evaluated"),
        "material" => Some("events.done_material"),
        "updated" => Some("events.done_updated"),
        "event_cancelled" => Some("events.done_event_cancelled"),
        "others" => Some("events.done_others"),
        _ => None,
    };
    show_page(&state, &ctx, &user, id, notice, Vec::new()).await
}

pub async fn register(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<super::Empty>,
) -> AppResult<Response> {
    match register::register(&state, &user, &user.audit(&ctx), id).await {
        Ok(p) => {
            let done = p.reason.unwrap_or("confirmed");
            Ok(Redirect::to(&format!("/events/{id}?done={done}")).into_response())
        }
        Err(e) => {
            let (_, errors) = super::form_errors(e)?;
            show_page(&state, &ctx, &user, id, None, errors).await
        }
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<super::Empty>,
) -> AppResult<Response> {
    let Some(r) = state.store.registration_of(id, user.actor.user_id).await? else {
        return Err(AppError::NotFound);
    };
    register::cancel(&state, &user, &user.audit(&ctx), r.id).await?;
    Ok(Redirect::to(&format!("/events/{id}?done=cancelled")).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CancelEventInput {
    reason: String,
}

/// The organiser cancels the whole event with a reason.
pub async fn cancel_event(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<CancelEventInput>,
) -> AppResult<Response> {
    match app::edit::cancel_event(&state, &user, &user.audit(&ctx), id, &input.reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}?done=event_cancelled")).into_response()),
        Err(e) => {
            let (_, errors) = super::form_errors(e)?;
            show_page(&state, &ctx, &user, id, None, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "events_ticket.html")]
struct TicketPage<'a> {
    page: Page<'a>,
    event: EventRecord,
    when: String,
    registration: RegistrationRecord,
    code: String,
    qr: String,
}

/// The participant's ticket: the QR code to show at the door and the code to type.
pub async fn ticket(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let event = state.store.event(id).await?;
    let Some(registration) = state.store.registration_of(id, user.actor.user_id).await? else {
        return Err(AppError::NotFound);
    };
    let confirmed = registration.status == "confirmed";
    let code = if confirmed {
        register::ticket_code(&state, &event, registration.id, &registration.ticket_nonce)
    } else {
        String::new()
    };
    let qr = if confirmed {
        register::qr_svg(&code)
    } else {
        String::new()
    };
    let page = Page::new(&state, &ctx, Some(&user));
    render(TicketPage {
        when: when(&page, &event),
        page,
        event,
        registration,
        code,
        qr,
    })
}
