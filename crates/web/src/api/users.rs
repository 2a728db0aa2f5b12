use super::auth::GrantView;
use crate::csrf::RequestCtx;
use crate::error::AppResult;
use crate::extract::{ApiJson, ApiUser, PathParam, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use simpul_app::accounts::{self, NewAccount, NewGrant};
use simpul_core::PageNumber;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// Only for callers who may manage the account.
    pub email: Option<String>,
    pub active: bool,
    pub grants: Vec<GrantItem>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct GrantItem {
    pub id: i64,
    #[serde(flatten)]
    pub grant: GrantView,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    /// The page, from 1; any 64-bit integer is accepted and clamped to the pages there are
    /// (0 or less is the first page), so a link can never break on a number.
    #[param(value_type = Option<i64>)]
    pub page: Option<PageNumber>,
}

/// Accounts with a role inside the caller's territory (50 a page).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = [UserView]), (status = 403, body = crate::api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<ListParams>,
) -> AppResult<Json<Vec<UserView>>> {
    let found = accounts::list(&state, &user, &p.q, p.page.unwrap_or_default()).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|u| UserView {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                email: None,
                active: u.active,
                grants: u
                    .grants
                    .iter()
                    .map(|g| GrantItem {
                        id: g.id,
                        grant: GrantView::new(g.role, &g.scope),
                    })
                    .collect(),
            })
            .collect(),
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Create an account with its first role.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])), request_body = NewAccount,
    responses((status = 201, body = Created), (status = 403, body = crate::api::Problem), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<NewAccount>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = accounts::create(&state, &user, &user.audit(&ctx), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "accounts", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = UserView), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<UserView>> {
    accounts::check_visible(&state, &user, id).await?;
    let can_manage = accounts::check_manage(&state, &user, id).await.is_ok();
    let u = state.store.user(id).await?;
    let grants = state.store.grants_of(id).await?;
    Ok(Json(UserView {
        id,
        username: u.username,
        display_name: u.display_name,
        email: if can_manage { u.email } else { None },
        active: u.active,
        grants: grants
            .iter()
            .map(|g| GrantItem {
                id: g.id,
                grant: GrantView::new(g.role, &g.scope),
            })
            .collect(),
    }))
}

/// Give the account another role.
#[utoipa::path(post, path = "/api/v1/users/{id}/grants", tag = "accounts", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NewGrant,
    responses((status = 201, body = Created), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn add_grant(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<NewGrant>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let gid = accounts::add_grant(&state, &user, &user.audit(&ctx), id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: gid })))
}

/// Take a role away.
#[utoipa::path(delete, path = "/api/v1/users/{id}/grants/{grant_id}", tag = "accounts", security(("bearer" = [])), params(("id" = i64, Path), ("grant_id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn revoke_grant(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam((id, gid)): PathParam<(i64, i64)>,
) -> AppResult<StatusCode> {
    accounts::revoke_grant(&state, &user, &user.audit(&ctx), id, gid).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ActiveInput {
    pub active: bool,
}

/// Activate or deactivate an account (deactivation ends its sessions and tokens).
#[utoipa::path(put, path = "/api/v1/users/{id}/active", tag = "accounts", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ActiveInput,
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn set_active(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<ActiveInput>,
) -> AppResult<StatusCode> {
    accounts::set_active(&state, &user, &user.audit(&ctx), id, input.active).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PasswordInput {
    pub password: String,
}

/// Set a new password for an account (ends its sessions).
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "accounts", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PasswordInput,
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn set_password(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<PasswordInput>,
) -> AppResult<StatusCode> {
    accounts::set_password(&state, &user, &user.audit(&ctx), id, &input.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
