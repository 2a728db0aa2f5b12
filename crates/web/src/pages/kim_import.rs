//! Import (dry run, then commit) and export of the KIM directory, as CSV or XLSX.

use super::{render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, CurrentUser, PathParam, Query, SessionUser};
use crate::service::import::{self, Plan, COLUMNS};
use crate::service::registry::{self as reg, DirectoryQuery};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::registry::KimNumber;
use simpul_core::sheet::{self, Limits};
use simpul_core::RegionCode;
use simpul_store::registry::ImportKim;

#[derive(Template)]
#[template(path = "kim_import.html")]
struct ImportPage<'a> {
    page: Page<'a>,
    error: Option<String>,
    summary: Option<String>,
    rows: Vec<(usize, String, String, String)>,
    commit_file: Option<i64>,
}

/// Where this user may import: the territory of their account-managing grants.
pub fn import_territory(who: &CurrentUser) -> AppResult<ScopeRegions> {
    let territory = ScopeRegions::union(
        who.actor
            .grants
            .iter()
            .filter(|g| {
                matches!(
                    g.role,
                    simpul_core::Role::NationalAdmin
                        | simpul_core::Role::ProvincialAdmin
                        | simpul_core::Role::RegencyAdmin
                )
            })
            .map(|g| g.territory.clone()),
    );
    if territory.is_empty()
        || !who.actor.can(Action::ManageRegistry {
            territory: &territory,
        })
    {
        return Err(AppError::Forbidden);
    }
    Ok(territory)
}

pub async fn form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    import_territory(&user)?;
    render(ImportPage {
        page: Page::new(&state, &ctx, Some(&user)),
        error: None,
        summary: None,
        rows: Vec::new(),
        commit_file: None,
    })
}

pub fn number_for(village: &str, seq: i64) -> String {
    RegionCode::parse(village)
        .ok()
        .and_then(|v| KimNumber::new(&v, u32::try_from(seq).ok()?).ok())
        .map(|n| n.to_string())
        .unwrap_or_else(|| format!("KIM-{village}-{seq:03}"))
}

/// Read and check a stored upload.
pub async fn plan_file(
    state: &AppState,
    who: &CurrentUser,
    filename: &str,
    bytes: &[u8],
) -> AppResult<Plan> {
    let territory = import_territory(who)?;
    let format = sheet::detect_format(filename, bytes)
        .map_err(|e| AppError::invalid("file", e.message_key()))?;
    let table = sheet::read_table(bytes, format, &Limits::default())
        .map_err(|e| AppError::invalid("file", e.message_key()))?;
    import::check_headers(&table).map_err(|_| AppError::invalid("file", "error.import_headers"))?;
    let may_verify = true;
    import::plan(state, &table, &territory, may_verify, |_, _| {}).await
}

fn report_rows(t: crate::i18n::Messages<'_>, plan: &Plan) -> Vec<(usize, String, String, String)> {
    plan.rows
        .iter()
        .filter(|r| r.outcome != "ok" || plan.rows.len() <= 200)
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
        .collect()
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CsrfQuery {
    csrf_token: String,
}

/// Dry run: read the upload, report every row; keep the file for the commit step.
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
    let page = Page::new(&state, &ctx, Some(&user));
    let t = page.t;
    let Some((name, bytes)) = upload.filter(|(_, b)| !b.is_empty()) else {
        let error = Some(t.get("error.no_file").to_owned());
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            ImportPage {
                page,
                error,
                summary: None,
                rows: Vec::new(),
                commit_file: None,
            },
        );
    };
    match plan_file(&state, &user, &name, &bytes).await {
        Ok(plan) => {
            let errors = plan.errors();
            let summary = t.fmt(
                "import.summary",
                &[
                    ("rows", &plan.rows.len().to_string()),
                    ("ready", &plan.ready.len().to_string()),
                    ("errors", &errors.to_string()),
                    (
                        "exists",
                        &plan
                            .rows
                            .iter()
                            .filter(|r| r.outcome == "exists")
                            .count()
                            .to_string(),
                    ),
                ],
            );
            let commit_file = if errors == 0 && !plan.ready.is_empty() {
                Some(
                    state
                        .store
                        .save_file(
                            &user.audit(&ctx),
                            "import",
                            "application/octet-stream",
                            &name,
                            &bytes,
                        )
                        .await?,
                )
            } else {
                None
            };
            let status = if errors > 0 {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let rows = report_rows(t, &plan);
            render_with_status(
                status,
                ImportPage {
                    page,
                    error: None,
                    summary: Some(summary),
                    rows,
                    commit_file,
                },
            )
        }
        Err(AppError::Invalid(fields)) => {
            let error = fields.first().map(|f| t.get(f.key).to_owned());
            render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                ImportPage {
                    page,
                    error,
                    summary: None,
                    rows: Vec::new(),
                    commit_file: None,
                },
            )
        }
        Err(e) => Err(e),
    }
}

/// Write everything the dry run accepted, in one transaction (re-checked: the registry may have
/// changed since).
pub async fn commit_plan(
    state: &AppState,
    user: &CurrentUser,
    ctx: &RequestCtx,
    plan: &Plan,
) -> AppResult<usize> {
    if plan.errors() > 0 {
        return Err(AppError::invalid("file", "error.import_has_errors"));
    }
    let rows: Vec<ImportKim<'_>> = plan
        .ready
        .iter()
        .map(|r| ImportKim {
            profile: &r.profile,
            status: r.status.as_str(),
            import_key: &r.import_key,
        })
        .collect();
    let ids = state
        .store
        .import_kims(&user.audit(ctx), &rows, &number_for, |_| {})
        .await?;
    state.store.analyze().await?;
    Ok(ids.len())
}

#[derive(serde::Deserialize)]
pub struct Empty {}

pub async fn commit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(file_id): PathParam<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let file = state.store.file(file_id).await?;
    if file.kind != "import" {
        return Err(AppError::NotFound);
    }
    let plan = plan_file(&state, &user, &file.filename, &file.data).await?;
    let written = commit_plan(&state, &user, &ctx, &plan).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let summary = Some(page.t.fmt("import.done", &[("n", &written.to_string())]));
    render(ImportPage {
        page,
        error: None,
        summary,
        rows: Vec::new(),
        commit_file: None,
    })
}

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
