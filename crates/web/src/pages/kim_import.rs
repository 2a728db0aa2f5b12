//! Import (check, then commit, each as a background job with progress) and export of the KIM
//! directory, as CSV or XLSX.

use super::{render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, CurrentUser, PathParam, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::import::{import_territory, COLUMNS};
use simpul_app::import_job::{self, ImportJobInput, ImportJobResult};
use simpul_app::jobs;
use simpul_app::registry::{self as reg, DirectoryQuery};
use simpul_core::authz::Action;
use simpul_core::sheet;
use simpul_core::RegionCode;
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
    rows: Vec<(usize, String, String, String)>,
    /// The finished check job whose rows may now be written.
    commit_job: Option<i64>,
    /// A job still running: what it does and how far it is.
    running: Option<Running>,
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

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CsrfQuery {
    csrf_token: String,
}

/// Keep the upload and start checking it; the job page shows progress, then the report.
pub async fn check(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<CsrfQuery>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    if !simpul_core::secrets::constant_time_eq(&q.csrf_token, &ctx.csrf) {
        return Err(AppError::BadRequest("error.csrf"));
    }
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
    let id =
        import_job::start_upload(&state, &user, &user.audit(&ctx), &name, &bytes, false).await?;
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
    page.summary = Some(summary);
    page.rows = result
        .report
        .iter()
        .map(|r| {
            let problems = r
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, t.get(&e.code)))
                .collect::<Vec<_>>()
                .join("; ");
            (
                r.line,
                r.name.clone(),
                t.get(&format!("import.outcome_{}", r.outcome)).to_owned(),
                problems,
            )
        })
        .collect();
    if result.committable() {
        page.commit_job = Some(job.id);
    }
    render(page)
}

#[derive(serde::Deserialize)]
pub struct Empty {}

fn template_rows() -> Vec<Vec<String>> {
    vec![[
        "KIM Sumber Rejeki",
        "35.14.10.2001",
        "",
        "",
        "",
        "",
        "Jl. Raya Prigen 1",
        "-7.69",
        "112.63",
        "2019-05-01",
        "188/12/424.011/2019",
        "2019-05-10",
        "Kepala Desa",
        "0812-3456-7890",
        "kim.sumberrejeki@example.id",
        "kesehatan, pertanian",
        "",
        "@kimsumberrejeki",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()]
}

pub async fn template(PathParam(format): PathParam<String>) -> AppResult<Response> {
    // Topic slugs in the example are Indonesian words people type; the importer maps the slugs.
    let mut rows = template_rows();
    rows[0][15] = "health, agriculture".into();
    match format.as_str() {
        "template.csv" => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"simpul-kim-template.csv\"",
                ),
            ],
            sheet::write_csv(&COLUMNS, &rows),
        )
            .into_response()),
        "template.xlsx" => {
            let bytes = sheet::write_xlsx("KIM", &COLUMNS, &rows).map_err(AppError::internal)?;
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

const EXPORT_COLUMNS: [&str; 16] = [
    "no_registrasi",
    "nama_kim",
    "status",
    "kode_desa",
    "desa",
    "kecamatan",
    "kabupaten_kota",
    "provinsi",
    "alamat",
    "lat",
    "lon",
    "telepon",
    "email",
    "topik",
    "jumlah_anggota",
    "tanggal_berdiri",
];

/// The directory within the user's territory as rows (staff only).
pub async fn export_rows(
    state: &AppState,
    who: &CurrentUser,
    q: &DirectoryQuery,
) -> AppResult<Vec<Vec<String>>> {
    if !who.actor.can(Action::Oversee) {
        return Err(AppError::Forbidden);
    }
    let mut filter = reg::directory_filter(Some(who), q)?;
    let oversight = who.actor.oversight();
    if q.status.trim().is_empty() {
        filter.statuses.clear();
        filter.territory = Some(oversight);
    }
    let (kims, _) = state.store.search_kims(&filter, 200_000, 0).await?;
    let index = state.regions.index(&state.store).await?;
    let name = |code: &RegionCode| index.get(code).map(|r| r.name.clone()).unwrap_or_default();
    let mut rows = Vec::with_capacity(kims.len());
    for k in kims {
        let village = RegionCode::parse(&k.village_code).map_err(AppError::internal)?;
        let chain = village.ancestors();
        rows.push(vec![
            k.reg_number.clone().unwrap_or_default(),
            k.name.clone(),
            k.status.clone(),
            k.village_code.clone(),
            name(&village),
            name(&chain[2]),
            name(&chain[1]),
            name(&chain[0]),
            k.address.clone(),
            k.lat.map(|v| v.to_string()).unwrap_or_default(),
            k.lon.map(|v| v.to_string()).unwrap_or_default(),
            k.phone.clone().unwrap_or_default(),
            k.email.clone().unwrap_or_default(),
            k.topics.clone(),
            k.member_count.to_string(),
            k.founded_on.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    Ok(rows)
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
    let rows = export_rows(state, user, q).await?;
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
            sheet::write_csv(&EXPORT_COLUMNS, &rows),
        )
            .into_response()),
        "export.xlsx" => {
            let bytes =
                sheet::write_xlsx("KIM", &EXPORT_COLUMNS, &rows).map_err(AppError::internal)?;
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
