//! The organiser's form: kind, title, place (venue, address, map point, or an online link),
//! dates, the agenda with speakers, capacity and quotas, the registration window, who may
//! register and materials. Without JavaScript: six agenda rows, speakers one per line.

use super::super::{render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::events::{self as app, EventInput, FORM_SESSIONS, REGISTERING_ROLES};
use simpul_core::events::EventKind;
use simpul_core::{Region, Role};

#[derive(Template)]
#[template(path = "events_form.html")]
struct FormPage<'a> {
    page: Page<'a>,
    input: EventInput,
    kinds: &'static [EventKind],
    roles: &'static [Role],
    regions: Vec<Region>,
    rows: Vec<usize>,
    errors: Vec<FieldError>,
}

impl FormPage<'_> {
    fn session_value(&self, list: &[String], i: &usize) -> String {
        list.get(*i).cloned().unwrap_or_default()
    }

    fn checked_role(&self, role: &Role) -> bool {
        self.input.roles.iter().any(|r| r == role.as_str())
    }

    fn selected_region(&self, code: &str) -> bool {
        self.input.regions.iter().any(|r| r == code)
    }
}

async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::CurrentUser,
    input: EventInput,
    errors: Vec<FieldError>,
    status: axum::http::StatusCode,
) -> AppResult<Response> {
    let Some(home) = app::home_region(user) else {
        return Err(AppError::Forbidden);
    };
    let regions = state.store.region_children(Some(&home)).await?;
    render_with_status(
        status,
        FormPage {
            page: Page::new(state, ctx, Some(user)),
            input,
            kinds: EventKind::ALL,
            roles: &REGISTERING_ROLES,
            regions,
            rows: (0..FORM_SESSIONS).collect(),
            errors,
        },
    )
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    if !super::may_organise(&user) {
        return Err(AppError::Forbidden);
    }
    let input = EventInput {
        kind: "bimtek".into(),
        min_attendance: "75".into(),
        ..EventInput::default()
    };
    form_page(
        &state,
        &ctx,
        &user,
        input,
        Vec::new(),
        axum::http::StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<EventInput>,
) -> AppResult<Response> {
    if !super::may_organise(&user) {
        return Err(AppError::Forbidden);
    }
    match app::create(&state, &user, &user.audit(&ctx), &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/events/{id}?done=created")).into_response()),
        Err(e) => {
            let (status, errors) = super::super::form_errors(e)?;
            form_page(&state, &ctx, &user, input, errors, status).await
        }
    }
}
