//! Background jobs started through the API (a large import), for polling their progress.

use crate::error::{AppError, AppResult};
use crate::extract::{ApiUser, PathParam};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;

/// A background job's state; `result` holds the job's report once `status` is `done`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JobStatus {
    pub id: i64,
    pub kind: String,
    /// queued, running, done or failed.
    pub status: String,
    /// What it is doing now (e.g. `check`, `write`).
    pub stage: String,
    pub progress_done: i64,
    pub progress_total: i64,
    /// For a failed job: a message-catalogue key.
    pub error: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
}

/// A job the caller started. Others' jobs answer 404.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Job id")),
    responses((status = 200, body = JobStatus), (status = 404, body = crate::api::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<JobStatus>> {
    let job = state.store.job(id).await?;
    if job.created_by != Some(user.actor.user_id) {
        return Err(AppError::NotFound);
    }
    Ok(Json(JobStatus {
        id: job.id,
        result: job
            .result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok()),
        kind: job.kind,
        status: job.status,
        stage: job.stage,
        progress_done: job.progress_done,
        progress_total: job.progress_total,
        error: job.error,
    }))
}
