//! The worker that runs queued jobs (see `simpul_store::jobs` for the queue's guarantees).
//!
//! Every instance runs one worker. It claims a job, runs the handler for its kind, and while
//! the handler works a heartbeat renews the lease and publishes the handler's progress, so a
//! page can show "4,200 of 10,000 rows checked" and a dead instance's job is taken over.

use crate::AppCtx;
use serde_json::Value;
use simpul_store::jobs::{Job, Lease, NewJob};
use std::future::Future;
use std::pin::Pin;
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
    /// For now (the database was busy, a receiver did not answer): the job runs again after
    /// its kind's backoff.
    Retry(String),
}

impl From<&'static str> for JobError {
    fn from(key: &'static str) -> Self {
        JobError::Failed(key)
    }
}

/// A handler: runs one job with the application context, reporting progress.
pub type Handler = for<'a> fn(
    &'a AppCtx,
    &'a Job,
    &'a Progress,
)
    -> Pin<Box<dyn Future<Output = Result<Value, JobError>> + Send + 'a>>;

/// A kind of background job, declared once by the capability that owns it (see
/// [`crate::manifest`]): its name, its handler and its retry policy.
pub struct JobKind {
    pub name: &'static str,
    pub run: Handler,
    /// Claims before the job is given up (`dead`).
    pub max_attempts: i64,
    /// The longest wait between attempts (the wait doubles from two seconds up to this).
    pub max_backoff: Duration,
}

impl JobKind {
    /// The job of this kind with `payload`, its retry policy, and an idempotency key.
    pub fn job(
        &self,
        payload: Value,
        created_by: Option<i64>,
        dedupe_key: Option<String>,
    ) -> NewJob<'static> {
        NewJob {
            kind: self.name,
            payload,
            created_by,
            max_attempts: self.max_attempts,
            dedupe_key,
        }
    }

    /// How long a job waits before its next attempt after a transient failure: 2, 4, 8…
    /// seconds, at most `max_backoff`.
    pub fn backoff(&self, attempt: i64) -> chrono::Duration {
        let secs = 1u64 << attempt.clamp(1, 20);
        chrono::Duration::from_std(Duration::from_secs(secs).min(self.max_backoff))
            .unwrap_or(chrono::Duration::seconds(60))
    }
}

/// Work that runs once per period across all instances.
pub struct ScheduleDef {
    pub name: &'static str,
    pub every: Duration,
    /// The kind of job each period queues (payload `{}`).
    pub kind: &'static JobKind,
}

fn kind_of(name: &str) -> Option<&'static JobKind> {
    crate::manifest::job_kinds().find(|k| k.name == name)
}

/// Run one claimed job to its end, renewing its lease meanwhile.
pub async fn run_claimed(state: &AppCtx, job: Job) {
    let Some(kind) = kind_of(&job.kind) else {
        tracing::error!(job = job.id, kind = %job.kind, "no handler for this job kind");
        let lease = Lease {
            job_id: job.id,
            attempt: job.attempts,
        };
        let _ = state.store.finish_job(lease, Err("error.internal")).await;
        return;
    };
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
        outcome = dispatch(state, kind, &job, &progress) => Some(outcome),
        _ = lost_rx.wait_for(|lost| *lost) => None,
    };
    heartbeat.abort();
    let Some(outcome) = outcome else {
        tracing::warn!(job = job.id, "lease lost to another worker; stopped");
        return;
    };
    let outcome = match outcome {
        Err(JobError::Retry(cause)) => {
            let delay = kind.backoff(job.attempts);
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

async fn dispatch(
    state: &AppCtx,
    kind: &JobKind,
    job: &Job,
    progress: &Progress,
) -> Result<Value, JobError> {
    (kind.run)(state, job, progress).await
}

async fn heartbeat(state: AppCtx, lease: Lease, progress: Progress, lost: watch::Sender<bool>) {
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

/// Claim and run jobs until shutdown, up to `job_concurrency` at once (a long import does not
/// hold up an alert's deliveries). Idle, it polls every two seconds (jobs queued by other
/// instances) and wakes at once when this instance queues one. It also queues the scheduled
/// jobs that are due.
pub async fn worker(state: AppCtx, mut shutdown: watch::Receiver<bool>) {
    for s in crate::manifest::schedules() {
        let every = chrono::Duration::from_std(s.every).unwrap_or(chrono::Duration::hours(1));
        let first = every.min(chrono::Duration::seconds(60));
        if let Err(e) = state.store.ensure_schedule(s.name, every, first).await {
            tracing::warn!(schedule = s.name, error = %e, "could not set up a schedule");
        }
    }
    let slots = Arc::new(tokio::sync::Semaphore::new(
        state.config.job_concurrency.max(1),
    ));
    let mut next_schedule_check = tokio::time::Instant::now();
    loop {
        if tokio::time::Instant::now() >= next_schedule_check {
            queue_due_schedules(&state).await;
            next_schedule_check = tokio::time::Instant::now() + Duration::from_secs(5);
        }
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("semaphore open"),
            _ = shutdown.changed() => return,
        };
        match state.store.claim_job(state.config.job_lease).await {
            Ok(Some(job)) => {
                tracing::info!(job = job.id, kind = %job.kind, attempt = job.attempts, "job claimed");
                let (state, mut stop) = (state.clone(), shutdown.clone());
                tokio::spawn(async move {
                    tokio::select! {
                        _ = run_claimed(&state, job) => {}
                        // On shutdown the job stops here; its lease runs out and a worker reruns it.
                        _ = stop.changed() => {}
                    }
                    drop(permit);
                });
                continue;
            }
            Ok(None) => drop(permit),
            Err(e) => {
                drop(permit);
                tracing::warn!(error = %e, "could not claim a job");
            }
        }
        tokio::select! {
            _ = state.jobs_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Queue the job of every schedule that is due (one instance wins each period).
pub async fn queue_due_schedules(state: &AppCtx) {
    for s in crate::manifest::schedules() {
        let job = s.kind.job(
            serde_json::json!({}),
            None,
            Some(format!("schedule:{}", s.name)),
        );
        match state.store.run_schedule_if_due(s.name, &job).await {
            Ok(Some(id)) => {
                tracing::info!(schedule = s.name, job = id, "scheduled job queued");
                state.jobs_wake.notify_one();
            }
            Ok(None) => {}
            Err(e) => tracing::debug!(schedule = s.name, error = %e, "schedule check failed"),
        }
    }
}

/// Queue a job and wake this instance's worker; `None` when a live job has the same key.
pub async fn queue(
    state: &AppCtx,
    job: &NewJob<'_>,
) -> Result<Option<i64>, simpul_store::StoreError> {
    let id = state.store.enqueue(job).await?;
    state.jobs_wake.notify_one();
    Ok(id)
}

/// Queue a job for `user` and wake this instance's worker.
pub async fn enqueue(
    state: &AppCtx,
    kind: &str,
    payload: &Value,
    user_id: i64,
) -> Result<i64, simpul_store::StoreError> {
    let kind = kind_of(kind).ok_or(simpul_store::StoreError::NotFound)?;
    let job = kind.job(payload.clone(), Some(user_id), None);
    queue(state, &job)
        .await?
        .ok_or(simpul_store::StoreError::NotFound)
}

/// Wait up to `max` for a job to finish (a small import answers as if synchronous).
pub async fn wait_briefly(state: &AppCtx, id: i64, max: Duration) -> Option<Job> {
    let deadline = tokio::time::Instant::now() + max;
    loop {
        let job = state.store.job(id).await.ok()?;
        if job.is_finished() || tokio::time::Instant::now() >= deadline {
            return Some(job);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
