//! The organiser's form, for a new event and to edit one: kind, title, place (venue, address,
//! map point, or an online link), dates, the agenda with speakers, capacity and quotas, the
//! registration window, who may register and materials. Without JavaScript: six agenda rows
//! (more when editing a longer agenda), speakers one per line, a seats box for each region the
//! organiser's office covers, and invited KIMs found by name with the form's own search
//! button (the form comes back with what was typed kept and the KIMs found to tick).

use super::super::{render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, PathParam, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::events::{self as app, EventInput, FORM_SESSIONS, REGISTERING_ROLES};
use simpul_core::events::EventKind;
use simpul_core::{Region, RegionCode, Role};

/// A KIM offered on the form: id, name, village.
pub type KimChoice = (i64, String, String);

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
    /// The event being edited (None: a new one).
    editing: Option<i64>,
    /// KIMs already chosen, then those the search found (not yet chosen).
    invited: Vec<KimChoice>,
    found: Vec<KimChoice>,
    searched: bool,
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

    /// The seats typed for a region offered.
    fn quota_value(&self, code: &str) -> String {
        self.input
            .quota_region
            .iter()
            .zip(self.input.quota_seats.iter())
            .find(|(c, _)| c.as_str() == code)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }

    fn action(&self) -> String {
        match self.editing {
            Some(id) => format!("/events/{id}/edit"),
            None => "/events".to_string(),
        }
    }
}

async fn kim_choice(state: &AppState, id: i64) -> Option<KimChoice> {
    let k = state.store.kim(id).await.ok()?;
    let index = state.regions.index(&state.store).await.ok()?;
    let place = RegionCode::parse(&k.village_code)
        .ok()
        .and_then(|c| index.get(&c).map(|r| r.name.clone()))
        .unwrap_or_default();
    Some((k.id, k.name, place))
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::CurrentUser,
    editing: Option<i64>,
    input: EventInput,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let home = match input.region.trim() {
        "" => app::home_region(user),
        r => RegionCode::parse(r).ok().or_else(|| app::home_region(user)),
    };
    let Some(home) = home else {
        return Err(AppError::Forbidden);
    };
    let regions = state.store.region_children(Some(&home)).await?;
    let mut invited = Vec::new();
    let mut ids: Vec<i64> = input
        .invite_kim
        .iter()
        .chain(std::iter::once(&input.invite_kims))
        .flat_map(|s| s.split(|c: char| c == ',' || c.is_whitespace()))
        .filter_map(|p| p.trim_start_matches('#').parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids.into_iter().take(200) {
        if let Some(k) = kim_choice(state, id).await {
            invited.push(k);
        }
    }
    let searched = input.action == "search";
    let found = if searched {
        app::edit::find_kims(
            state,
            user,
            Some(home.to_string().as_str()),
            &input.kim_search,
        )
        .await?
        .into_iter()
        .filter(|k| !invited.iter().any(|i| i.0 == k.0))
        .collect()
    } else {
        Vec::new()
    };
    let rows = FORM_SESSIONS.max(input.session_title.len() + 1).min(20);
    // The chosen invitations travel as ticked boxes from now on, not as typed ids.
    let input = EventInput {
        invite_kim: invited.iter().map(|k| k.0.to_string()).collect(),
        invite_kims: String::new(),
        ..input
    };
    render_with_status(
        status,
        FormPage {
            page: Page::new(state, ctx, Some(user)),
            input,
            kinds: EventKind::ALL,
            roles: &REGISTERING_ROLES,
            regions,
            rows: (0..rows).collect(),
            errors,
            editing,
            invited,
            found,
            searched,
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
    form_page(&state, &ctx, &user, None, input, Vec::new(), StatusCode::OK).await
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
    if input.action == "search" {
        return form_page(&state, &ctx, &user, None, input, Vec::new(), StatusCode::OK).await;
    }
    match app::create(&state, &user, &user.audit(&ctx), &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/events/{id}?done=created")).into_response()),
        Err(e) => {
            let (status, errors) = super::super::form_errors(e)?;
            form_page(&state, &ctx, &user, None, input, errors, status).await
        }
    }
}

/// The edit form of an event its office organises (not a cancelled one).
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let e = state.store.event(id).await?;
    if !app::may_manage(&user, &e) {
        return Err(AppError::NotFound);
    }
    if e.is_cancelled() {
        return Ok(Redirect::to(&format!("/events/{id}")).into_response());
    }
    let input = app::edit::input_of(&state, &e).await?;
    form_page(
        &state,
        &ctx,
        &user,
        Some(id),
        input,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<EventInput>,
) -> AppResult<Response> {
    let e = state.store.event(id).await?;
    if !app::may_manage(&user, &e) {
        return Err(AppError::NotFound);
    }
    let input = EventInput {
        region: e.region_code.clone(),
        ..input
    };
    if input.action == "search" {
        return form_page(
            &state,
            &ctx,
            &user,
            Some(id),
            input,
            Vec::new(),
            StatusCode::OK,
        )
        .await;
    }
    match app::edit::update(&state, &user, &user.audit(&ctx), id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}?done=updated")).into_response()),
        Err(e) => {
            let (status, errors) = super::super::form_errors(e)?;
            form_page(&state, &ctx, &user, Some(id), input, errors, status).await
        }
    }
}
