//! Scheduled housekeeping (hourly). Each instance runs it; that is safe because every change is
//! a conditional update (a KIM already marked inactive by another instance is skipped).
//! Queued background work (imports) is elsewhere: `simpul_web::service::jobs`.

use simpul_core::audit::AuditContext;
use simpul_core::registry::Transition;
use simpul_web::AppState;
use std::time::Duration;
use tokio::sync::watch;

/// Mark KIMs with no activity for the configured period as inactive. Returns how many.
pub async fn mark_inactive_kims(state: &AppState) -> anyhow::Result<usize> {
    let before = chrono::Utc::now() - state.config.kim_inactive_after;
    let ctx = AuditContext::system("inactivity-job");
    let mut marked = 0;
    for id in state.store.stale_active_kims(before, 500).await? {
        let kim = state.store.kim(id).await?;
        match simpul_web::service::registry::apply(
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

/// Run the jobs every hour (first run a minute after start) until shutdown.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let mut wait = Duration::from_secs(60);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => return,
        }
        match mark_inactive_kims(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(kims = n, "marked inactive"),
            Err(e) => tracing::warn!(error = %e, "inactivity job failed"),
        }
        wait = Duration::from_secs(3600);
    }
}
