//! The KIM import as a background job, so that a 100,000-row file neither times out a request
//! nor leaves the person staring at a blank page: the job checks every row of a stored upload
//! (and, for a commit, writes them all or none) while the page shows its progress.
//!
//! Rerunning the job after a crash is safe: the commit stages its rows in short transactions
//! under the job's batch and makes them visible in one (nothing or all); the rerun clears what
//! the dead run staged, and its re-check marks rows already visible as "exists", so nothing is
//! written twice. The short transactions leave SQLite's write lock free between chunks for
//! logins, sessions, audit entries and this job's own lease renewals.

use crate::error::AppError;
use crate::import;
use crate::jobs::{JobError, JobKind, Progress};
use crate::AppCtx;
use serde_json::Value;
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;
use simpul_store::jobs::Job;

pub const KIND: &str = "kim_import";

pub static JOB: JobKind = JobKind {
    name: KIND,
    run: |state, job, progress| Box::pin(run(state, job, progress)),
    max_attempts: 5,
    max_backoff: std::time::Duration::from_secs(60),
};

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ImportJobInput {
    /// The upload, kept in `files` (kind `import`).
    pub file_id: i64,
    /// Write the rows (after checking them again); otherwise only check.
    pub commit: bool,
    /// The field each column holds, as the person chose (see `import::apply_columns`).
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Unknown columns end the check with the columns to choose (the web's mapping step)
    /// rather than fail it (the API's and the CLI's answer).
    #[serde(default)]
    pub ask_columns: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ImportJobResult {
    pub file_id: i64,
    pub commit: bool,
    pub rows: usize,
    pub ready: usize,
    pub exists: usize,
    pub errors: usize,
    pub written: usize,
    /// The rows worth showing (see [`import::report_rows`]).
    pub report: Vec<import::RowReport>,
    /// How each column was read.
    #[serde(default)]
    pub columns: Vec<import::ColumnChoice>,
    /// Nothing was checked: the person first says what the unknown columns hold.
    #[serde(default)]
    pub needs_mapping: bool,
}

impl ImportJobResult {
    /// The check found rows to write and nothing wrong.
    pub fn committable(&self) -> bool {
        !self.commit && self.errors == 0 && self.ready > 0
    }
}

pub async fn run(state: &AppCtx, job: &Job, progress: &Progress) -> Result<Value, JobError> {
    let input: ImportJobInput =
        serde_json::from_str(&job.payload).map_err(|_| "error.internal_detail")?;
    // The person's rights are read again now: a role withdrawn since the upload stops the job.
    let user_id = job.created_by.ok_or("error.forbidden_detail")?;
    let who = crate::accounts::actor(state, user_id)
        .await
        .map_err(error_key)?;
    let file = state
        .store
        .file(input.file_id)
        .await
        .map_err(|_| "error.not_found_detail")?;
    if file.kind != "import" {
        return Err(JobError::Failed("error.not_found_detail"));
    }
    let mut plan = import::plan_upload_columns(
        state,
        &who,
        &file.filename,
        &file.data,
        input.columns.as_deref(),
        |done, total| progress.set("check", done, total),
    )
    .await
    .map_err(error_key)?;
    if plan.needs_mapping && !input.ask_columns {
        return Err(JobError::Failed("error.import_headers"));
    }
    let mut written = 0;
    if input.commit && plan.errors() == 0 {
        let total = plan.ready.len();
        let audit = AuditContext {
            actor_id: Some(user_id),
            actor_name: who.username.clone(),
            request_id: Some(format!("job-{}", job.id)),
            ip: None,
        };
        // The batch is the job's: a rerun after a crash clears what the dead run staged.
        let batch = format!("job-{}", job.id);
        written = import::commit_and_link(state, &audit, &batch, &mut plan, |done| {
            progress.set("write", done, total)
        })
        .await
        .map_err(error_key)?;
    }
    let count = |outcome: &str| plan.rows.iter().filter(|r| r.outcome == outcome).count();
    let result = ImportJobResult {
        file_id: input.file_id,
        commit: input.commit,
        rows: plan.rows.len(),
        ready: plan.ready.len(),
        exists: count("exists"),
        errors: plan.errors(),
        written,
        report: import::report_rows(&plan.rows),
        columns: plan.columns,
        needs_mapping: plan.needs_mapping,
    };
    serde_json::to_value(result).map_err(|_| JobError::Failed("error.internal_detail"))
}

fn error_key(e: AppError) -> JobError {
    JobError::Failed(match e {
        AppError::Invalid(fields) => fields.first().map_or("error.invalid_detail", |f| f.key),
        AppError::Forbidden | AppError::Unauthenticated => "error.forbidden_detail",
        AppError::NotFound => "error.not_found_detail",
        // A busy database is no reason to give up the import: it runs again shortly.
        AppError::Unavailable(cause) => return JobError::Retry(cause),
        other => {
            tracing::error!(error = ?other, "import job failed");
            "error.internal_detail"
        }
    })
}

/// Keep an uploaded spreadsheet and queue its check (or check and commit) for `who`.
pub async fn start_upload(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    filename: &str,
    bytes: &[u8],
    commit: bool,
) -> Result<i64, AppError> {
    import::import_territory(who)?;
    let file_id = state
        .store
        .save_file(audit, "import", "application/octet-stream", filename, bytes)
        .await?;
    let input = ImportJobInput {
        file_id,
        commit,
        columns: None,
        ask_columns: false,
    };
    start(state, who, &input).await
}

/// Queue an import job for `who` (and wake this instance's worker).
pub async fn start(state: &AppCtx, who: &Actor, input: &ImportJobInput) -> Result<i64, AppError> {
    let payload = serde_json::to_value(input).map_err(AppError::internal)?;
    Ok(crate::jobs::enqueue(state, KIND, &payload, who.user_id).await?)
}

/// The result of a finished import job, if it has one.
pub fn result_of(job: &Job) -> Option<ImportJobResult> {
    job.result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
}
