//! Scheduled housekeeping of the registry: marking KIMs with no activity as inactive, as an
//! hourly scheduled job (once per hour across all instances; each change is a conditional
//! update too, so a rerun after a crash skips KIMs already marked).

use crate::jobs::{JobError, JobKind, Progress, ScheduleDef};
use crate::AppCtx;
use serde_json::Value;
use simpul_core::audit::AuditContext;
use simpul_core::registry::Transition;
use simpul_store::jobs::Job;
use std::time::Duration;

/// Mark KIMs with no activity for the configured period as inactive. Returns how many.
pub async fn mark_inactive_kims(state: &AppCtx) -> Result<usize, simpul_store::StoreError> {
    let before = chrono::Utc::now() - state.config.kim_inactive_after;
    let ctx = AuditContext::system("inactivity-job");
    let mut marked = 0;
    for id in state.store.stale_active_kims(before, 500).await? {
        let kim = state.store.kim(id).await?;
        match crate::registry::apply(
            state,
            &ctx,
            &kim,
            Transition::MarkInactive,
            Some("no activity"),
        )
        .await
        {
            Ok(_) => marked += 1,
            Err(e) => tracing::debug!(kim = id, error = ?e, "not marked inactive"),
        }
    }
    Ok(marked)
}

pub static MARK_INACTIVE: JobKind = JobKind {
    name: "registry.mark_inactive",
    run: |state, job, progress| Box::pin(mark_inactive_job(state, job, progress)),
    max_attempts: 3,
    max_backoff: Duration::from_secs(300),
};

pub static HOURLY: ScheduleDef = ScheduleDef {
    name: "registry.mark_inactive",
    every: Duration::from_secs(3600),
    kind: &MARK_INACTIVE,
};

async fn mark_inactive_job(state: &AppCtx, _: &Job, _: &Progress) -> Result<Value, JobError> {
    match mark_inactive_kims(state).await {
        Ok(n) => Ok(serde_json::json!({ "marked": n })),
        Err(e) => Err(JobError::Retry(e.to_string())),
    }
}
