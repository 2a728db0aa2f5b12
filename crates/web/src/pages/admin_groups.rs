//! Coordination groups (Bakorwil) pages.

use super::{form_errors, render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CurrentUser, PathParam, Query, SessionUser};
use crate::pages::Empty;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::groups::{self, GroupInput};
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::{Level, RegionCode};
use simpul_store::groups::Group;

/// Groups an administrator may see: those touching their territory.
pub async fn visible_groups(state: &AppState, user: &CurrentUser) -> AppResult<Vec<Group>> {
    groups::check_view(user)?;
    let oversight = user.actor.oversight();
    Ok(state
        .store
        .groups(None)
        .await?
        .into_iter()
        .filter(|g| {
            oversight.contains_region(&g.province)
                || g.members.iter().any(|m| oversight.contains_region(m))
        })
        .collect())
}

pub struct GroupRow {
    id: i64,
    name: String,
    members: String,
}

#[derive(Template)]
#[template(path = "groups.html")]
struct GroupsPage<'a> {
    page: Page<'a>,
    groups: Vec<GroupRow>,
    provinces: Vec<(String, String)>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let groups = visible_groups(&state, &user).await?;
    let index = state.regions.index(&state.store).await?;
    let name = |c: &RegionCode| {
        index
            .get(c)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| c.to_string())
    };
    let rows = groups
        .iter()
        .map(|g| GroupRow {
            id: g.id,
            name: g.name.clone(),
            members: g.members.iter().map(name).collect::<Vec<_>>().join(", "),
        })
        .collect();
    // Provinces in which this user may create groups.
    let mut provinces = Vec::new();
    for p in state.store.region_children(None).await? {
        if user.actor.can(Action::ManageGroups { province: &p.code })
            && !matches!(user.actor.oversight(), ScopeRegions::All)
        {
            provinces.push((p.code.to_string(), p.name));
        }
    }
    render(GroupsPage {
        page: Page::new(&state, &ctx, Some(&user)),
        groups: rows,
        provinces,
    })
}

#[derive(Template)]
#[template(path = "group_form.html")]
struct GroupForm<'a> {
    page: Page<'a>,
    heading: String,
    action: String,
    province: String,
    name: String,
    group_id: Option<i64>,
    can_edit: bool,
    regencies: Vec<(String, String, bool)>,
    errors: Vec<FieldError>,
}

#[allow(clippy::too_many_arguments)]
async fn form(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    group_id: Option<i64>,
    input: &GroupInput,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let province = RegionCode::parse(&input.province)
        .ok()
        .filter(|c| c.level() == Level::Province)
        .ok_or(AppError::NotFound)?;
    let province_name = state.store.region(&province).await?.name;
    let regencies = state
        .store
        .region_children(Some(&province))
        .await?
        .into_iter()
        .map(|r| {
            let checked = input.members.iter().any(|m| m == r.code.as_str());
            (r.code.to_string(), r.name, checked)
        })
        .collect();
    let page = Page::new(state, ctx, Some(user));
    let heading = match group_id {
        Some(_) => input.name.clone(),
        None => format!("{} · {province_name}", page.t.get("groups.new")),
    };
    render_with_status(
        status,
        GroupForm {
            heading,
            action: group_id
                .map(|id| format!("/admin/groups/{id}"))
                .unwrap_or_else(|| "/admin/groups".into()),
            province: province.to_string(),
            name: input.name.clone(),
            group_id,
            can_edit: user.actor.can(Action::ManageGroups {
                province: &province,
            }),
            regencies,
            errors,
            page,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    province: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let province = RegionCode::parse(&q.province).map_err(|_| AppError::NotFound)?;
    if !user.actor.can(Action::ManageGroups {
        province: &province,
    }) {
        return Err(AppError::Forbidden);
    }
    let input = GroupInput {
        province: q.province,
        ..Default::default()
    };
    form(
        &state,
        &ctx,
        &user,
        None,
        &input,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let group = visible_groups(&state, &user)
        .await?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or(AppError::NotFound)?;
    let input = GroupInput {
        province: group.province.to_string(),
        name: group.name,
        members: group.members.iter().map(|c| c.to_string()).collect(),
    };
    form(
        &state,
        &ctx,
        &user,
        Some(id),
        &input,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<GroupInput>,
) -> AppResult<Response> {
    save(state, ctx, user, None, input).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<GroupInput>,
) -> AppResult<Response> {
    save(state, ctx, user, Some(id), input).await
}

async fn save(
    state: AppState,
    ctx: RequestCtx,
    user: CurrentUser,
    id: Option<i64>,
    input: GroupInput,
) -> AppResult<Response> {
    match groups::save(&state, &user, &user.audit(&ctx), id, &input).await {
        Ok(_) => Ok(Redirect::to("/admin/groups").into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            form(&state, &ctx, &user, id, &input, errors, status).await
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    groups::delete(&state, &user, &user.audit(&ctx), id).await?;
    Ok(Redirect::to("/admin/groups").into_response())
}
