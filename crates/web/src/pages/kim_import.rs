//! Import (check, then commit, each as a background job with progress) and export of the KIM
//! directory, as CSV or XLSX.

use super::{render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::CsrfMultipart;
use crate::extract::{CsrfForm, CurrentUser, PathParam, Query, SessionUser};
use crate::pages::Empty;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::import::{import_territory, RowError, RowReport};
use simpul_app::import_job::{self, ImportJobInput, ImportJobResult};
use simpul_app::jobs;
use simpul_app::registry::DirectoryQuery;
use simpul_core::registry::import::{Field, TEMPLATE_EXAMPLE};
use simpul_core::sheet;
use simpul_store::jobs::Job;
use std::time::Duration;

/// How long a request waits for its job before showing the progress page instead: a small
/// file's report appears at once, a large one's progress within a second.
const WAIT_FOR_JOB: Duration = Duration::from_millis(1500);

#[derive(Template)]
#[template(path = "kim_import.html")]
struct ImportPage<'a> {
    page: Page<'a>,
    error: Option<String>,
    summary: Option<String>,
    rows: Vec<ReportRow>,
    /// The columns and the field each is read as: a form when `mapping_job` is set.
    columns: Vec<ColumnRow>,
    /// The check job whose columns the person may (or must) choose again.
    mapping_job: Option<i64>,
    /// Some columns are unknown: nothing was checked yet.
    needs_mapping: bool,
    /// (field key, label) for the column selects, "not imported" first.
    field_options: Vec<(String, String)>,
    /// The finished check job whose rows may now be written.
    commit_job: Option<i64>,
    /// A job still running: what it does and how far it is.
    running: Option<Running>,
}

/// One row of the report, in words.
struct ReportRow {
    line: usize,
    name: String,
    /// "ok", "exists" or "error": the badge's style.
    outcome: String,
    outcome_text: String,
    /// "Telepon: Nomor telepon tidak valid."
    problems: Vec<String>,
    notes: Vec<String>,
    /// The KIM the row created or matched.
    kim_id: Option<i64>,
}

struct ColumnRow {
    index: usize,
    header: String,
    sample: String,
    field: String,
    known: bool,
}

struct Running {
    stage: String,
    /// "Checking rows: 4,200 of 10,000".
    text: String,
    percent: i64,
}

impl<'a> ImportPage<'a> {
    fn empty(page: Page<'a>) -> Self {
        ImportPage {
            page,
            error: None,
            summary: None,
            rows: Vec::new(),
            columns: Vec::new(),
            mapping_job: None,
            needs_mapping: false,
            field_options: Vec::new(),
            commit_job: None,
            running: None,
        }
    }
}

pub async fn form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    import_territory(&user)?;
    render(ImportPage::empty(Page::new(&state, &ctx, Some(&user))))
}

/// Keep the upload and start checking it; the job page shows progress, then the report.
pub async fn check(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfMultipart(mut multipart): CsrfMultipart,
) -> AppResult<Response> {
    import_territory(&user)?;
    let mut upload = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error.bad_form"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.csv").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::BadRequest("error.file_too_large"))?;
            upload = Some((name, bytes));
        }
    }
    let Some((name, bytes)) = upload.filter(|(_, b)| !b.is_empty()) else {
        let mut page = ImportPage::empty(Page::new(&state, &ctx, Some(&user)));
        page.error = Some(page.page.t.get("error.no_file").to_owned());
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, page);
    };
    // Kept, then checked; unknown columns bring the person to choose what they hold.
    let file_id = state
        .store
        .save_file(
            &user.audit(&ctx),
            "import",
            "application/octet-stream",
            &name,
            &bytes,
        )
        .await?;
    let input = ImportJobInput {
        file_id,
        commit: false,
        columns: None,
        ask_columns: true,
    };
    let id = import_job::start(&state, &user, &input).await?;
    show_job(&state, id).await
}

/// Write the rows a finished check accepted (checked again, all at once, as a job).
pub async fn commit(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam(job_id): PathParam<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let job = own_job(&state, &user, job_id).await?;
    let Some(result) = import_job::result_of(&job).filter(ImportJobResult::committable) else {
        return Err(AppError::invalid("file", "error.import_has_errors"));
    };
    let input = ImportJobInput {
        file_id: result.file_id,
        commit: true,
        columns: chosen_columns(&result),
        ask_columns: false,
    };
    let id = import_job::start(&state, &user, &input).await?;
    show_job(&state, id).await
}

/// The columns as the check read them, for the next job over the same file.
fn chosen_columns(result: &ImportJobResult) -> Option<Vec<String>> {
    (!result.columns.is_empty()).then(|| result.columns.iter().map(|c| c.field.clone()).collect())
}

/// Check the same file again, with the columns read as the person chose (`col_0`, `col_1`, ...:
/// a field key, or "" for "not imported").
pub async fn columns(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam(job_id): PathParam<i64>,
    CsrfForm(form): CsrfForm<std::collections::HashMap<String, String>>,
) -> AppResult<Response> {
    let job = own_job(&state, &user, job_id).await?;
    // Still running (or failed): its page says so.
    let Some(result) = import_job::result_of(&job) else {
        return Ok(Redirect::to(&format!("/kim/import/jobs/{job_id}")).into_response());
    };
    let columns = (0..result.columns.len())
        .map(|i| {
            let chosen = form
                .get(&format!("col_{i}"))
                .map(String::as_str)
                .unwrap_or("");
            Field::from_key(chosen)
                .map(|f| f.key().to_owned())
                .unwrap_or_default()
        })
        .collect();
    let input = ImportJobInput {
        file_id: result.file_id,
        commit: false,
        columns: Some(columns),
        ask_columns: true,
    };
    let id = import_job::start(&state, &user, &input).await?;
    show_job(&state, id).await
}

/// Send the person to the job's page, once it is done or after a short wait.
async fn show_job(state: &AppState, id: i64) -> AppResult<Response> {
    jobs::wait_briefly(state, id, WAIT_FOR_JOB).await;
    Ok(Redirect::to(&format!("/kim/import/jobs/{id}")).into_response())
}

/// An import job of this user's (others' jobs do not exist for them).
async fn own_job(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Job> {
    let job = state.store.job(id).await?;
    if job.kind != import_job::KIND || job.created_by != Some(user.actor.user_id) {
        return Err(AppError::NotFound);
    }
    Ok(job)
}

/// The job's progress while it runs (the page reloads itself), then its report.
pub async fn job_page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(job_id): PathParam<i64>,
) -> AppResult<Response> {
    import_territory(&user)?;
    let job = own_job(&state, &user, job_id).await?;
    let mut page = ImportPage::empty(Page::new(&state, &ctx, Some(&user)));
    let t = page.page.t;
    if !job.is_finished() {
        let stage = match job.stage.as_str() {
            "write" => t.get("import.stage_write"),
            "check" => t.get("import.stage_check"),
            _ => t.get("import.stage_queued"),
        };
        let text = if job.progress_total > 0 {
            let counts = t.fmt(
                "import.progress",
                &[
                    ("done", &job.progress_done.to_string()),
                    ("total", &job.progress_total.to_string()),
                ],
            );
            format!("{stage}: {counts}")
        } else {
            stage.to_owned()
        };
        page.running = Some(Running {
            stage: stage.to_owned(),
            text,
            percent: (job.progress_done * 100)
                .checked_div(job.progress_total)
                .unwrap_or(0),
        });
        return render(page);
    }
    if let Some(key) = &job.error {
        page.error = Some(t.get(key).to_owned());
        return render(page);
    }
    let Some(result) = import_job::result_of(&job) else {
        return Err(AppError::internal("import job without a result"));
    };
    let summary = if result.commit {
        t.fmt(
            "import.done",
            &[
                ("n", &result.written.to_string()),
                ("exists", &result.exists.to_string()),
            ],
        )
    } else {
        t.fmt(
            "import.summary",
            &[
                ("rows", &result.rows.to_string()),
                ("ready", &result.ready.to_string()),
                ("errors", &result.errors.to_string()),
                ("exists", &result.exists.to_string()),
            ],
        )
    };
    page.columns = result
        .columns
        .iter()
        .enumerate()
        .map(|(index, c)| ColumnRow {
            index,
            header: c.header.clone(),
            sample: c.sample.clone(),
            field: c.field.clone(),
            known: c.known,
        })
        .collect();
    if !result.commit {
        page.mapping_job = Some(job.id);
        page.field_options =
            std::iter::once((String::new(), t.get("import.column_ignore").to_owned()))
                .chain(Field::ALL.into_iter().map(|f| {
                    (
                        f.key().to_owned(),
                        t.get(&format!("import.field_{}", f.key())).to_owned(),
                    )
                }))
                .collect();
    }
    if result.needs_mapping {
        page.needs_mapping = true;
        // Columns were chosen, and still none holds the KIM's name.
        if result.columns.iter().all(|c| c.known) {
            page.error = Some(t.get("error.import_headers").to_owned());
        }
        return render(page);
    }
    page.summary = Some(summary);
    page.rows = result.report.iter().map(|r| report_row(t, r)).collect();
    if result.committable() {
        page.commit_job = Some(job.id);
    }
    render(page)
}

/// A report row in the person's words: the column's name, never a field key or a code.
fn report_row(t: crate::i18n::Messages<'_>, r: &RowReport) -> ReportRow {
    let say = |e: &RowError| {
        let column = t.get(&format!("import.field_{}", e.field));
        let message = t.fmt(&e.code, &[("detail", &e.detail)]);
        format!("{column}: {message}")
    };
    ReportRow {
        line: r.line,
        name: r.name.clone(),
        outcome: r.outcome.clone(),
        outcome_text: t.get(&format!("import.outcome_{}", r.outcome)).to_owned(),
        problems: r.errors.iter().map(say).collect(),
        notes: r.warnings.iter().map(say).collect(),
        kim_id: r.kim_id,
    }
}

/// The example row, which the check flags if it is left in place.
fn template_rows() -> Vec<Vec<String>> {
    let mut row: Vec<String> = TEMPLATE_EXAMPLE
        .iter()
        .map(|(_, v)| v.to_string())
        .collect();
    row.extend(["Budi Contoh", "0813-1111-2222", "Ya"].map(str::to_owned));
    vec![row]
}

pub async fn template(PathParam(format): PathParam<String>) -> AppResult<Response> {
    let rows = template_rows();
    let headers = simpul_app::export::template_headers();
    match format.as_str() {
        "template.csv" => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"simpul-kim-template.csv\"",
                ),
            ],
            sheet::write_csv(&headers, &rows),
        )
            .into_response()),
        "template.xlsx" => {
            let bytes = sheet::write_xlsx("KIM", &headers, &rows).map_err(AppError::internal)?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"simpul-kim-template.xlsx\"",
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        _ => Err(AppError::NotFound),
    }
}

pub async fn export_csv(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    export(&state, &user, "export.csv", &q).await
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    export(&state, &user, "export.xlsx", &q).await
}

async fn export(
    state: &AppState,
    user: &CurrentUser,
    format: &str,
    q: &DirectoryQuery,
) -> AppResult<Response> {
    let rows = simpul_app::export::export_rows(state, user, q).await?;
    let stamp = chrono::Utc::now().format("%Y%m%d");
    match format {
        "export.csv" => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"simpul-kim-{stamp}.csv\""),
                ),
            ],
            sheet::write_csv(&simpul_app::export::export_headers(), &rows),
        )
            .into_response()),
        "export.xlsx" => {
            let bytes = sheet::write_xlsx("KIM", &simpul_app::export::export_headers(), &rows)
                .map_err(AppError::internal)?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"simpul-kim-{stamp}.xlsx\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        _ => Err(AppError::NotFound),
    }
}
