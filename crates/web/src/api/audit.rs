use crate::error::AppResult;
use crate::extract::{ApiUser, Query};
use crate::pages::admin_audit::{entries, AuditQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub region: Option<String>,
    /// JSON text with `before`/`after`.
    pub summary: String,
    pub request_id: Option<String>,
}

/// Audit log entries inside the caller's territory, newest first (100 a page; pass `before`
/// = the last id to page on).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = [AuditEntry]), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<AuditQuery>,
) -> AppResult<Json<Vec<AuditEntry>>> {
    let rows = entries(&state, &user, &q, 100).await?;
    Ok(Json(
        rows.into_iter()
            .map(|e| AuditEntry {
                id: e.id,
                at: e.at,
                actor_id: e.actor_id,
                actor: e.actor_name,
                action: e.action,
                object_type: e.object_type,
                object_id: e.object_id,
                region: e.region_code,
                summary: e.summary,
                request_id: e.request_id,
            })
            .collect(),
    ))
}
