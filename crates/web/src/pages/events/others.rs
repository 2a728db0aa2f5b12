//! Registering other people: a KIM officer ticks members of their KIM, an office's
//! administrator ticks the office's staff, from the list the page offers (people already
//! registered are shown as such). All or nothing: a refusal names each person and why, and
//! nobody is registered; each participant gets their ticket in the app and by e-mail.

use super::super::{render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, PathParam, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::events::others::{self as register, PersonProblem};
use simpul_store::events::{Colleague, EventRecord};

/// A person offered: the account, and their registration's status if any.
pub struct Offered {
    pub who: Colleague,
    pub status: Option<String>,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "events_others.html")]
struct OthersPage<'a> {
    page: Page<'a>,
    event: EventRecord,
    people: Vec<Offered>,
    seats_only: bool,
    problems: Vec<String>,
    errors: Vec<FieldError>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct OthersInput {
    /// Account ids ticked.
    participant: Vec<String>,
    /// "1": refuse rather than put anyone on the waiting list.
    seats_only: String,
}

#[allow(clippy::too_many_arguments)]
async fn others_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::CurrentUser,
    id: i64,
    chosen: &[i64],
    seats_only: bool,
    problems: Vec<PersonProblem>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let event = state.store.event(id).await?;
    if !simpul_app::events::may_view(state, user, &event).await? {
        return Err(AppError::NotFound);
    }
    if register::proxy_scopes(user).is_empty() {
        return Err(AppError::Forbidden);
    }
    let candidates = register::candidates(state, user).await?;
    let regs = state.store.participants(id).await?;
    let people = candidates
        .into_iter()
        .map(|c| Offered {
            status: regs
                .iter()
                .find(|p| {
                    p.registration.user_id == c.user_id && p.registration.status != "cancelled"
                })
                .map(|p| p.registration.status.clone()),
            chosen: chosen.contains(&c.user_id),
            who: c,
        })
        .collect();
    let page = Page::new(state, ctx, Some(user));
    let problems = problems
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                p.name,
                page.t.fmt(p.key, &[("region", p.region.as_str())])
            )
        })
        .collect();
    render_with_status(
        status,
        OthersPage {
            page,
            event,
            people,
            seats_only,
            problems,
            errors,
        },
    )
}

pub async fn form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    others_page(
        &state,
        &ctx,
        &user,
        id,
        &[],
        true,
        Vec::new(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<OthersInput>,
) -> AppResult<Response> {
    let mut ids = Vec::new();
    for p in &input.participant {
        ids.push(
            p.trim()
                .parse::<i64>()
                .map_err(|_| AppError::BadRequest("error.bad_form"))?,
        );
    }
    let seats_only = input.seats_only == "1";
    let outcome =
        register::register_others(&state, &user, &user.audit(&ctx), id, &ids, seats_only).await;
    match outcome {
        Ok(Ok(_)) => Ok(Redirect::to(&format!("/events/{id}?done=others")).into_response()),
        Ok(Err(problems)) => {
            let status = if problems
                .iter()
                .all(|p| p.key == "events.error_duplicate_person")
            {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            others_page(
                &state,
                &ctx,
                &user,
                id,
                &ids,
                seats_only,
                problems,
                Vec::new(),
                status,
            )
            .await
        }
        Err(e) => {
            let (status, errors) = super::super::form_errors(e)?;
            others_page(
                &state,
                &ctx,
                &user,
                id,
                &ids,
                seats_only,
                Vec::new(),
                errors,
                status,
            )
            .await
        }
    }
}
