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

use crate::{with_pool, Result, Store, StoreError};
use chrono::{DateTime, Duration, Utc};

/// A job is given up (status `failed`) after this many claims.
pub const MAX_ATTEMPTS: i64 = 5;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// `queued`, `running`, `done` or `failed`.
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
}

impl Job {
    pub fn is_finished(&self) -> bool {
        matches!(self.status.as_str(), "done" | "failed")
    }
}

const JOB_COLUMNS: &str =
    "id, kind, payload, status, stage, attempts, progress_done, progress_total, \
     result, error, created_by, created_at, updated_at, finished_at";

/// A worker's hold on a claimed job: the job and the attempt that fences its writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub job_id: i64,
    pub attempt: i64,
}

impl Store {
    /// Queue a job; `payload` is the handler's JSON input.
    pub async fn enqueue_job(
        &self,
        kind: &str,
        payload: &serde_json::Value,
        created_by: Option<i64>,
    ) -> Result<i64> {
        let now = Utc::now();
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "INSERT INTO jobs (kind, payload, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id")
            .bind(kind).bind(payload.to_string()).bind(created_by).bind(now).fetch_one(p).await?))
    }

    pub async fn job(&self, id: i64) -> Result<Job> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    /// Claim the oldest job that is queued, or running under an expired lease (its worker
    /// died). Jobs claimed `MAX_ATTEMPTS` times already are marked failed instead.
    pub async fn claim_job(&self, lease: Duration) -> Result<Option<Job>> {
        let now = Utc::now();
        let waiting = "(status = 'queued' OR (status = 'running' AND locked_until < $2))";
        with_pool!(self, p => sqlx::query(&format!(
            "UPDATE jobs SET status = 'failed', error = 'gave up after repeated attempts', finished_at = $1, updated_at = $1 \
             WHERE {waiting} AND attempts >= $3"))
            .bind(now).bind(now).bind(MAX_ATTEMPTS).execute(p).await.map(|_| ())?);
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
