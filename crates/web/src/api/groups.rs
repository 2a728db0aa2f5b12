use super::users::Created;
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiUser, PathParam};
use crate::pages::admin_groups::visible_groups;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use simpul_app::groups::{self, GroupInput};
use simpul_store::groups::Group;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct GroupView {
    pub id: i64,
    pub province: String,
    pub name: String,
    pub members: Vec<String>,
}

impl From<Group> for GroupView {
    fn from(g: Group) -> Self {
        GroupView {
            id: g.id,
            province: g.province.to_string(),
            name: g.name,
            members: g.members.iter().map(|c| c.to_string()).collect(),
        }
    }
}

/// Coordination groups touching the caller's territory.
#[utoipa::path(get, path = "/api/v1/groups", tag = "groups", security(("bearer" = [])),
    responses((status = 200, body = [GroupView]), (status = 403, body = crate::api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<GroupView>>> {
    Ok(Json(
        visible_groups(&state, &user)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Define a coordination group of kabupaten/kota inside a province.
#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", security(("bearer" = [])), request_body = GroupInput,
    responses((status = 201, body = Created), (status = 403, body = crate::api::Problem), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<GroupInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = groups::save(&state, &user, &user.audit(&ctx), None, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One group.
#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "groups", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GroupView), (status = 404, body = crate::api::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<GroupView>> {
    let group = visible_groups(&state, &user)
        .await?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(Json(group.into()))
}

/// Rename a group or change its members.
#[utoipa::path(put, path = "/api/v1/groups/{id}", tag = "groups", security(("bearer" = [])), params(("id" = i64, Path)), request_body = GroupInput,
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<GroupInput>,
) -> AppResult<StatusCode> {
    groups::save(&state, &user, &user.audit(&ctx), Some(id), &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a group that no role assignment uses.
#[utoipa::path(delete, path = "/api/v1/groups/{id}", tag = "groups", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 409, body = crate::api::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<StatusCode> {
    groups::delete(&state, &user, &user.audit(&ctx), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
