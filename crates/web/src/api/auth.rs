use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiUser, PathParam};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use simpul_app::auth::{verify_login, LoginError};
use simpul_core::audit::AuditContext;

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    /// A label to recognise the token by, e.g. "sync script".
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub id: i64,
    /// The secret; shown only once.
    pub token: String,
    pub token_type: &'static str,
}

/// Exchange a username and password for an API token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 201, body = TokenResponse), (status = 401, body = crate::api::Problem), (status = 429, body = crate::api::Problem)))]
pub async fn issue_token(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiJson(req): ApiJson<TokenRequest>,
) -> AppResult<(StatusCode, Json<TokenResponse>)> {
    let user_id = match verify_login(&state, &req.username, &req.password, &ctx.ip).await {
        Ok(id) => id,
        Err(LoginError::BadCredentials) => return Err(AppError::Unauthenticated),
        Err(LoginError::Throttled) => return Err(AppError::TooManyRequests),
        Err(LoginError::Other(e)) => return Err(e),
    };
    let user = state.store.user(user_id).await?;
    let audit = AuditContext {
        actor_id: Some(user_id),
        actor_name: user.username,
        request_id: ctx.request_id.clone(),
        ip: Some(ctx.ip.clone()),
    };
    let name = req
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("api")
        .chars()
        .take(80)
        .collect::<String>();
    let (id, token) = state.store.create_api_token(&audit, user_id, &name).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse {
            id,
            token,
            token_type: "Bearer",
        }),
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The caller's API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = [TokenInfo]), (status = 401, body = crate::api::Problem)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<TokenInfo>>> {
    let tokens = state.store.api_tokens(user.actor.user_id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenInfo {
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                revoked_at: t.revoked_at,
            })
            .collect(),
    ))
}

/// Revoke one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = crate::api::Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<StatusCode> {
    state
        .store
        .revoke_api_token(&user.audit(&ctx), user.actor.user_id, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<GrantView>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct GrantView {
    pub role: String,
    pub scope_kind: String,
    pub scope_ref: String,
}

impl GrantView {
    pub fn new(role: simpul_core::Role, scope: &simpul_core::Scope) -> GrantView {
        let (kind, reference) = scope.to_parts();
        GrantView {
            role: role.as_str().into(),
            scope_kind: kind.into(),
            scope_ref: reference,
        }
    }
}

/// Who the token belongs to and what they may do where.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::api::Problem)))]
pub async fn me(ApiUser(user): ApiUser) -> Json<Me> {
    Json(Me {
        id: user.actor.user_id,
        grants: user
            .actor
            .grants
            .iter()
            .map(|g| GrantView::new(g.role, &g.scope))
            .collect(),
        username: user.actor.username,
        display_name: user.display_name,
    })
}
