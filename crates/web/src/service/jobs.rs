//! The worker that runs queued jobs (see `simpul_store::jobs` for the queue's guarantees).
//!
//! Every instance runs one worker. It claims a job, runs the handler for its kind, and while
//! the handler works a heartbeat renews the lease and publishes the handler's progress, so a
//! page can show "4,200 of 10,000 rows checked" and a dead instance's job is taken over.

use crate::service::import_job;
use crate::state::AppState;
use serde_json::Value;
use simpul_store::jobs::{Job, Lease};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// What a running handler reports: a stage key and a count.
#[derive(Clone, Default)]
pub struct Progress(Arc<Mutex<(String, i64, i64)>>);

impl Progress {
    pub fn set(&self, stage: &str, done: usize, total: usize) {
        let mut p = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *p = (
            stage.to_owned(),
            i64::try_from(done).unwrap_or(i64::MAX),
            i64::try_from(total).unwrap_or(i64::MAX),
        );
    }

    fn get(&self) -> (String, i64, i64) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A handler's failure.
#[derive(Debug)]
pub enum JobError {
    /// For good: a message-catalogue key shown to the person who started the job.
    Failed(&'static str),
    /// For now (the database was busy): the job runs again after a backoff.
    Retry(String),
}

impl From<&'static str> for JobError {
    fn from(key: &'static str) -> Self {
        JobError::Failed(key)
    }
}

/// How long a job waits before its next attempt after a transient failure: 2, 4, 8… seconds,
/// at most a minute.
fn backoff(attempt: i64) -> chrono::Duration {
    chrono::Duration::seconds((1i64 << attempt.clamp(1, 6)).min(60))
}

/// Run one job's handler by its kind.
async fn dispatch(state: &AppState, job: &Job, progress: &Progress) -> Result<Value, JobError> {
    match job.kind.as_str() {
        import_job::KIND => import_job::run(state, job, progress).await,
        other => {
            tracing::error!(job = job.id, kind = other, "no handler for this job kind");
            Err(JobError::Failed("error.internal"))
        }
    }
}

/// Run one claimed job to its end, renewing its lease meanwhile.
pub async fn run_claimed(state: &AppState, job: Job) {
    let lease = Lease {
        job_id: job.id,
        attempt: job.attempts,
    };
    let progress = Progress::default();
    // The heartbeat is its own task: on SQLite it may wait for the write lock that the job's
    // own transaction holds, and the job must go on meanwhile.
    let (lost_tx, mut lost_rx) = watch::channel(false);
    let heartbeat = tokio::spawn(heartbeat(state.clone(), lease, progress.clone(), lost_tx));
    let outcome = tokio::select! {
        outcome = dispatch(state, &job, &progress) => Some(outcome),
        _ = lost_rx.wait_for(|lost| *lost) => None,
    };
    heartbeat.abort();
    let Some(outcome) = outcome else {
        tracing::warn!(job = job.id, "lease lost to another worker; stopped");
        return;
    };
    let outcome = match outcome {
        Err(JobError::Retry(cause)) => {
            let delay = backoff(job.attempts);
            tracing::warn!(job = job.id, kind = %job.kind, %cause, retry_in = %delay, "job will be retried");
            if let Err(e) = state.store.release_job(lease, delay, &cause).await {
                tracing::error!(job = job.id, error = %e, "could not release the job; its lease will run out");
            }
            return;
        }
        Err(JobError::Failed(key)) => {
            tracing::info!(job = job.id, kind = %job.kind, error = key, "job failed");
            Err(key)
        }
        Ok(v) => Ok(v),
    };
    match state
        .store
        .finish_job(lease, outcome.as_ref().map_err(|e| *e))
        .await
    {
        Ok(true) => tracing::info!(job = job.id, kind = %job.kind, "job finished"),
        Ok(false) => tracing::warn!(job = job.id, "lease lost before the result was saved"),
        Err(e) => tracing::error!(job = job.id, error = %e, "could not save the job result"),
    }
}

async fn heartbeat(state: AppState, lease: Lease, progress: Progress, lost: watch::Sender<bool>) {
    let extend = state.config.job_lease;
    loop {
        tokio::time::sleep(heartbeat_interval(extend)).await;
        let (stage, done, total) = progress.get();
        match state
            .store
            .job_heartbeat(lease, &stage, done, total, extend)
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                let _ = lost.send(true);
                return;
            }
            Err(e) => tracing::debug!(job = lease.job_id, error = %e, "heartbeat failed; retrying"),
        }
    }
}

/// Publish progress about once a second, and well within the lease.
fn heartbeat_interval(lease: chrono::Duration) -> Duration {
    let third = lease.to_std().unwrap_or(Duration::from_secs(30)) / 3;
    third.clamp(Duration::from_millis(100), Duration::from_secs(1))
}

/// Claim and run jobs until shutdown. Idle, it polls every two seconds (jobs queued by other
/// instances) and wakes at once when this instance queues one.
pub async fn worker(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        match state.store.claim_job(state.config.job_lease).await {
            Ok(Some(job)) => {
                tracing::info!(job = job.id, kind = %job.kind, attempt = job.attempts, "job claimed");
                tokio::select! {
                    _ = run_claimed(&state, job) => {}
                    // On shutdown the job stops here; its lease runs out and a worker reruns it.
                    _ = shutdown.changed() => return,
                }
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not claim a job"),
        }
        tokio::select! {
            _ = state.jobs_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Queue a job for `user` and wake this instance's worker.
pub async fn enqueue(
    state: &AppState,
    kind: &str,
    payload: &Value,
    user_id: i64,
) -> Result<i64, simpul_store::StoreError> {
    let id = state
        .store
        .enqueue_job(kind, payload, Some(user_id))
        .await?;
    state.jobs_wake.notify_one();
    Ok(id)
}

/// Wait up to `max` for a job to finish (a small import answers as if synchronous).
pub async fn wait_briefly(state: &AppState, id: i64, max: Duration) -> Option<Job> {
    let deadline = tokio::time::Instant::now() + max;
    loop {
        let job = state.store.job(id).await.ok()?;
        if job.is_finished() || tokio::time::Instant::now() >= deadline {
            return Some(job);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
