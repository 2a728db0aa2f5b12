//! The durable job queue: work too long for a request (checking a 100,000-row import, writing
//! it; later alert fan-outs and reports) is a row in `jobs`, claimed by any instance's worker.
//!
//! Why our own table rather than a queue crate (apalis and the like): a job must be written in
//! the same transaction as the change that causes it, on either engine, with the same SQL and
//! migrations as everything else, and it must carry progress a page can show. That is a few
//! statements on a table we already own; a second schema managed by another library is not.
//!
//! Delivery is at least once: a claim is a lease (`locked_until`), renewed while the job runs;
//! a worker that dies (SIGKILL, power cut) stops renewing, and after the lease another worker
//! runs the job again. Handlers are therefore idempotent (an import re-checks the file and
//! skips rows already written). `attempts` doubles as a fencing token: a worker whose lease was
//! taken over can no longer write progress or results.

use crate::connect::BeginWrite;
use crate::{with_pool, Result, Store, StoreError};
use chrono::{DateTime, Duration, Utc};

/// A job is given up (status `dead`) after this many claims, unless its kind says otherwise.
pub const MAX_ATTEMPTS: i64 = 5;

/// What to queue: the handler's kind and JSON input, who asked, how often to try, and an
/// idempotency key (while a job with the same key is queued or running, queuing it again does
/// nothing).
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: serde_json::Value,
    pub created_by: Option<i64>,
    pub max_attempts: i64,
    pub dedupe_key: Option<String>,
}

/// Binds: kind, payload, created_by, created_at (= updated_at), max_attempts, dedupe_key.
/// A duplicate key of a live job inserts nothing (and returns no row).
pub(crate) const INSERT_JOB: &str = "INSERT INTO jobs (kind, payload, created_by, created_at, updated_at, max_attempts, dedupe_key) \
    VALUES ($1, $2, $3, $4, $4, $5, $6) \
    ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running') DO NOTHING RETURNING id";

/// Queue a job inside the caller's transaction (so the job exists exactly when the change that
/// causes it does). Evaluates to `Option<i64>`: `None` when a live job has the same key.
macro_rules! enqueue_in_tx {
    ($tx:expr, $job:expr) => {{
        let job: &$crate::jobs::NewJob = $job;
        let id: Option<i64> = sqlx::query_scalar($crate::jobs::INSERT_JOB)
            .bind(job.kind)
            .bind(job.payload.to_string())
            .bind(job.created_by)
            .bind(chrono::Utc::now())
            .bind(job.max_attempts)
            .bind(&job.dedupe_key)
            .fetch_optional(&mut *$tx)
            .await?;
        id
    }};
}
pub(crate) use enqueue_in_tx;

/// A schedule's name, period and next due time.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Schedule {
    pub name: String,
    pub every_secs: i64,
    pub next_run_at: DateTime<Utc>,
    pub last_job_id: Option<i64>,
}

/// How many jobs are in each status, for the admin page.
#[derive(Debug, Clone, Default)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
    pub dead: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// `queued`, `running`, `done`, `failed` (the handler said so) or `dead` (given up after
    /// `max_attempts` claims).
    pub status: String,
    /// What the job is doing now, for the progress display (handler-defined key).
    pub stage: String,
    pub attempts: i64,
    pub progress_done: i64,
    pub progress_total: i64,
    /// The handler's JSON result once done.
    pub result: Option<String>,
    pub error: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub max_attempts: i64,
    /// When a running job's lease ends (or, after a transient failure, when it runs again).
    pub locked_until: Option<DateTime<Utc>>,
}

impl Job {
    pub fn is_finished(&self) -> bool {
        matches!(self.status.as_str(), "done" | "failed" | "dead")
    }
}

const JOB_COLUMNS: &str =
    "id, kind, payload, status, stage, attempts, progress_done, progress_total, \
     result, error, created_by, created_at, updated_at, finished_at, max_attempts, locked_until";

/// A worker's hold on a claimed job: the job and the attempt that fences its writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub job_id: i64,
    pub attempt: i64,
}

impl Store {
    /// Queue a job with the default retry policy and no idempotency key.
    pub async fn enqueue_job(
        &self,
        kind: &str,
        payload: &serde_json::Value,
        created_by: Option<i64>,
    ) -> Result<i64> {
        let job = NewJob {
            kind,
            payload: payload.clone(),
            created_by,
            max_attempts: MAX_ATTEMPTS,
            dedupe_key: None,
        };
        self.enqueue(&job).await?.ok_or(StoreError::NotFound)
    }

    /// Queue a job; `None` when a live job has the same idempotency key.
    pub async fn enqueue(&self, job: &NewJob<'_>) -> Result<Option<i64>> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id = enqueue_in_tx!(tx, job);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn job(&self, id: i64) -> Result<Job> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    /// Claim the oldest job that is queued, or running under an expired lease (its worker
    /// died, or it waits out a backoff). Jobs claimed `max_attempts` times already are given up
    /// (`dead`) instead, keeping their last error.
    pub async fn claim_job(&self, lease: Duration) -> Result<Option<Job>> {
        let now = Utc::now();
        let waiting = "(status = 'queued' OR (status = 'running' AND locked_until < $2))";
        with_pool!(self, p => sqlx::query(&format!(
            "UPDATE jobs SET status = 'dead', error = COALESCE(error, 'gave up after repeated attempts'), \
             locked_until = NULL, finished_at = $1, updated_at = $1 WHERE {waiting} AND attempts >= max_attempts"))
            .bind(now).bind(now).execute(p).await.map(|_| ())?);
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $1, updated_at = $2 \
             WHERE id = (SELECT id FROM jobs WHERE {waiting} ORDER BY id LIMIT 1) AND {waiting} \
             RETURNING {JOB_COLUMNS}"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql)
            .bind(now + lease).bind(now).fetch_optional(p).await?))
    }

    /// Renew the lease and record progress. `false`: the lease was lost (another worker took the
    /// job over after this one stalled); the caller must stop.
    pub async fn job_heartbeat(
        &self,
        lease: Lease,
        stage: &str,
        done: i64,
        total: i64,
        extend: Duration,
    ) -> Result<bool> {
        let now = Utc::now();
        let n = with_pool!(self, p => sqlx::query(
            "UPDATE jobs SET locked_until = $1, stage = $2, progress_done = $3, progress_total = $4, updated_at = $5 \
             WHERE id = $6 AND attempts = $7 AND status = 'running'")
            .bind(now + extend).bind(stage).bind(done).bind(total).bind(now)
            .bind(lease.job_id).bind(lease.attempt).execute(p).await?.rows_affected());
        Ok(n == 1)
    }

    /// Give a job back after a transient failure (the database was busy): it stays claimed
    /// until `delay` has passed, then any worker takes it as it would a dead worker's, counting
    /// one more attempt (so a job that keeps failing is given up after `MAX_ATTEMPTS`). Fenced.
    pub async fn release_job(&self, lease: Lease, delay: Duration, error: &str) -> Result<bool> {
        let now = Utc::now();
        let n = with_pool!(self, p => sqlx::query(
            "UPDATE jobs SET locked_until = $1, error = $2, updated_at = $3 \
             WHERE id = $4 AND attempts = $5 AND status = 'running'")
            .bind(now + delay).bind(error).bind(now)
            .bind(lease.job_id).bind(lease.attempt).execute(p).await?.rows_affected());
        Ok(n == 1)
    }

    /// Record the outcome: `Ok(result)` → done, `Err(message)` → failed. Fenced like the
    /// heartbeat; `false` when the lease was lost.
    pub async fn finish_job(
        &self,
        lease: Lease,
        outcome: std::result::Result<&serde_json::Value, &str>,
    ) -> Result<bool> {
        let now = Utc::now();
        let (status, result, error) = match outcome {
            Ok(v) => ("done", Some(v.to_string()), None),
            Err(e) => ("failed", None, Some(e.to_owned())),
        };
        let n = with_pool!(self, p => sqlx::query(
            "UPDATE jobs SET status = $1, result = $2, error = $3, locked_until = NULL, finished_at = $4, updated_at = $4 \
             WHERE id = $5 AND attempts = $6 AND status = 'running'")
            .bind(status).bind(result).bind(error).bind(now)
            .bind(lease.job_id).bind(lease.attempt).execute(p).await?.rows_affected());
        Ok(n == 1)
    }
}

impl Store {
    /// Create the schedule if it does not exist (its first run is due `first_in` from now), or
    /// update its period. Called at start by every instance; harmless when repeated.
    pub async fn ensure_schedule(
        &self,
        name: &str,
        every: Duration,
        first_in: Duration,
    ) -> Result<()> {
        let next = Utc::now() + first_in;
        with_pool!(self, p => sqlx::query(
            "INSERT INTO job_schedules (name, every_secs, next_run_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET every_secs = excluded.every_secs")
            .bind(name).bind(every.num_seconds()).bind(next).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// If the schedule `name` is due, move it to its next period and queue `job` in the same
    /// transaction; `Some(job id)` for the one instance that did. The conditional update makes
    /// a period run once across all instances.
    pub async fn run_schedule_if_due(&self, name: &str, job: &NewJob<'_>) -> Result<Option<i64>> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let due: Option<(i64, DateTime<Utc>)> = sqlx::query_as(
                "SELECT every_secs, next_run_at FROM job_schedules WHERE name = $1 AND next_run_at <= $2")
                .bind(name).bind(now).fetch_optional(&mut *tx).await?;
            let Some((every, was)) = due else { return Ok(None) };
            // The next run is a whole number of periods after the last, past now (a long
            // outage runs the job once, not once per missed period).
            let period = Duration::seconds(every.max(1));
            let mut next = was + period;
            while next <= now {
                next += period;
            }
            let moved = sqlx::query(
                "UPDATE job_schedules SET next_run_at = $1 WHERE name = $2 AND next_run_at = $3")
                .bind(next).bind(name).bind(was).execute(&mut *tx).await?.rows_affected();
            if moved != 1 {
                return Ok(None);
            }
            let id = enqueue_in_tx!(tx, job);
            sqlx::query("UPDATE job_schedules SET last_job_id = $1 WHERE name = $2")
                .bind(id).bind(name).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn schedules(&self) -> Result<Vec<Schedule>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT name, every_secs, next_run_at, last_job_id FROM job_schedules ORDER BY name")
            .fetch_all(p).await?))
    }

    /// Jobs in `status` (any when `None`), newest first.
    pub async fn jobs(&self, status: Option<&str>, limit: i64) -> Result<Vec<Job>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE ($1 IS NULL OR status = $1) ORDER BY id DESC LIMIT $2"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(status).bind(limit).fetch_all(p).await?))
    }

    pub async fn job_counts(&self) -> Result<JobCounts> {
        let rows: Vec<(String, i64)> = with_pool!(self, p => sqlx::query_as(
            "SELECT status, COUNT(*) FROM jobs GROUP BY status").fetch_all(p).await?);
        let mut c = JobCounts::default();
        for (status, n) in rows {
            match status.as_str() {
                "queued" => c.queued = n,
                "running" => c.running = n,
                "done" => c.done = n,
                "failed" => c.failed = n,
                "dead" => c.dead = n,
                _ => {}
            }
        }
        Ok(c)
    }

    /// Queue a failed or dead job again with fresh attempts; `false` if it is not finished
    /// unsuccessfully.
    pub async fn requeue_job(&self, id: i64) -> Result<bool> {
        let now = Utc::now();
        let n = with_pool!(self, p => sqlx::query(
            "UPDATE jobs SET status = 'queued', attempts = 0, locked_until = NULL, finished_at = NULL, \
             stage = '', updated_at = $1 WHERE id = $2 AND status IN ('failed', 'dead')")
            .bind(now).bind(id).execute(p).await?.rows_affected());
        Ok(n == 1)
    }
}
