//! KIM registry API: the same use cases as the pages.

use super::users::Created;
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiUser, CurrentUser, PathParam, Query};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use simpul_app::import::RowReport;
use simpul_app::import::{commit_and_link, plan_upload};
use simpul_app::members::{self, MemberExport, MemberInput};
use simpul_app::registry::{self as reg, DirectoryQuery, KimInput, PAGE_SIZE};
use simpul_app::stats::{stats_for, StatsQuery};
use simpul_core::registry::Transition;
use simpul_store::registry::KimRecord;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct KimView {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub reg_number: Option<String>,
    pub village: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub founded_on: Option<chrono::NaiveDate>,
    pub sk_number: String,
    pub sk_date: Option<chrono::NaiveDate>,
    pub sk_issuer: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Social kind → canonical URL.
    pub social: serde_json::Value,
    pub topics: Vec<String>,
    pub reject_reason: Option<String>,
    pub possible_duplicate_of: Option<i64>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<KimRecord> for KimView {
    fn from(k: KimRecord) -> Self {
        KimView {
            social: serde_json::from_str(&k.social).unwrap_or_default(),
            topics: k
                .topics
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            id: k.id,
            name: k.name,
            status: k.status,
            reg_number: k.reg_number,
            village: k.village_code,
            address: k.address,
            lat: k.lat,
            lon: k.lon,
            founded_on: k.founded_on,
            sk_number: k.sk_number,
            sk_date: k.sk_date,
            sk_issuer: k.sk_issuer,
            phone: k.phone,
            email: k.email,
            reject_reason: k.reject_reason,
            possible_duplicate_of: k.duplicate_of,
            updated_at: k.updated_at,
        }
    }
}

impl KimView {
    /// What the caller may read: which KIM this one might duplicate is a reviewer's lead, not
    /// public information.
    fn for_caller(k: KimRecord, caller: Option<&CurrentUser>) -> Self {
        let mut view = KimView::from(k);
        if caller.is_none() {
            view.possible_duplicate_of = None;
        }
        view
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct KimPage {
    /// Matching KIMs, counted up to 1,001: 1001 means "more than 1,000" (narrow the search).
    pub total: i64,
    pub page: i64,
    pub items: Vec<KimView>,
}

/// The optional caller: the directory is public, staff see more.
async fn optional_user(state: &AppState, headers: &HeaderMap) -> AppResult<Option<CurrentUser>> {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(None);
    };
    let id = state
        .store
        .api_token_user(token.trim())
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(Some(CurrentUser::load(state, id, None).await?))
}

/// Search the directory (published KIMs; staff with a token also see unpublished ones in
/// their territory when filtering by status).
#[utoipa::path(get, path = "/api/v1/kims", tag = "kims", params(DirectoryQuery),
    responses((status = 200, body = KimPage), (status = 422, body = crate::api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Json<KimPage>> {
    let user = optional_user(&state, &headers).await?;
    let filter = reg::directory_filter(user.as_ref().map(|u| &u.actor), &q)?;
    let page = q.page.unwrap_or_default();
    let (kims, total) = state
        .store
        .search_kims(&filter, PAGE_SIZE, page.offset(PAGE_SIZE))
        .await?;
    Ok(Json(KimPage {
        total,
        page: page.get(),
        items: kims
            .into_iter()
            .map(|k| KimView::for_caller(k, user.as_ref()))
            .collect(),
    }))
}

/// Register a KIM (`submit: "1"` submits it for verification right away).
#[utoipa::path(post, path = "/api/v1/kims", tag = "kims", security(("bearer" = [])), request_body = KimInput,
    responses((status = 201, body = Created), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<KimInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let (id, _) = reg::register(
        &state,
        &user,
        &user.audit(&ctx),
        &input,
        input.submit == "1",
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One KIM (published ones are public).
#[utoipa::path(get, path = "/api/v1/kims/{id}", tag = "kims", params(("id" = i64, Path)),
    responses((status = 200, body = KimView), (status = 404, body = crate::api::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<KimView>> {
    let user = optional_user(&state, &headers).await?;
    let k = state.store.kim(id).await?;
    let village = reg::kim_village(&k).await?;
    if !reg::can_see(user.as_ref().map(|u| &u.actor), &k, &village) {
        return Err(AppError::NotFound);
    }
    Ok(Json(KimView::for_caller(k, user.as_ref())))
}

/// Replace a KIM's profile.
#[utoipa::path(put, path = "/api/v1/kims/{id}", tag = "kims", security(("bearer" = [])), params(("id" = i64, Path)), request_body = KimInput,
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<KimInput>,
) -> AppResult<StatusCode> {
    reg::update(&state, &user, &user.audit(&ctx), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TransitionInput {
    /// submit, verify, reject, activate, reactivate, dissolve.
    pub action: String,
    /// Required when rejecting.
    #[serde(default)]
    pub reason: String,
}

/// Move a KIM through its lifecycle; returns it with its new status (and number once verified).
#[utoipa::path(post, path = "/api/v1/kims/{id}/transitions", tag = "kims", security(("bearer" = [])), params(("id" = i64, Path)), request_body = TransitionInput,
    responses((status = 200, body = KimView), (status = 403, body = crate::api::Problem), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn transition(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<TransitionInput>,
) -> AppResult<Json<KimView>> {
    let t = Transition::parse(&input.action)
        .ok_or_else(|| AppError::invalid("action", "error.transition_unknown"))?;
    Ok(Json(
        reg::transition(&state, &user, &user.audit(&ctx), id, t, &input.reason)
            .await?
            .into(),
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub gender: Option<String>,
    pub age_band: Option<String>,
    pub occupation: String,
    /// Always masked.
    pub nik: Option<String>,
    pub consent_on: Option<chrono::NaiveDate>,
    pub has_account: bool,
}

/// Members of a KIM (its officers and the administrators of its region only).
#[utoipa::path(get, path = "/api/v1/kims/{id}/members", tag = "kims", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = [MemberView]), (status = 403, body = crate::api::Problem)))]
pub async fn list_members(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<Vec<MemberView>>> {
    let (_, list, _) = members::list(&state, &user, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|m| MemberView {
                has_account: m.user_id.is_some(),
                id: m.id,
                name: m.name,
                role: m.role,
                phone: m.phone,
                email: m.email,
                gender: m.gender,
                age_band: m.age_band,
                occupation: m.occupation,
                nik: m.nik_masked,
                consent_on: m.consent_on,
            })
            .collect(),
    ))
}

/// Add a member.
#[utoipa::path(post, path = "/api/v1/kims/{id}/members", tag = "kims", security(("bearer" = [])), params(("id" = i64, Path)), request_body = MemberInput,
    responses((status = 201, body = Created), (status = 403, body = crate::api::Problem), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn add_member(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<MemberInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let mid = members::save(&state, &user, &user.audit(&ctx), id, None, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: mid })))
}

/// Replace a member's data (an empty `nik` keeps the stored one).
#[utoipa::path(put, path = "/api/v1/kims/{id}/members/{member_id}", tag = "kims", security(("bearer" = [])), params(("id" = i64, Path), ("member_id" = i64, Path)), request_body = MemberInput,
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn update_member(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam((id, mid)): PathParam<(i64, i64)>,
    ApiJson(input): ApiJson<MemberInput>,
) -> AppResult<StatusCode> {
    members::save(&state, &user, &user.audit(&ctx), id, Some(mid), &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Erase a member and their personal data (deletion request under UU PDP).
#[utoipa::path(delete, path = "/api/v1/kims/{id}/members/{member_id}", tag = "kims", security(("bearer" = [])), params(("id" = i64, Path), ("member_id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn delete_member(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam((id, mid)): PathParam<(i64, i64)>,
) -> AppResult<StatusCode> {
    members::delete(&state, &user, &user.audit(&ctx), id, mid, "api request").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything stored about a member, NIK included (data-access request under UU PDP).
#[utoipa::path(get, path = "/api/v1/kims/{id}/members/{member_id}/export", tag = "kims", security(("bearer" = [])), params(("id" = i64, Path), ("member_id" = i64, Path)),
    responses((status = 200, body = MemberExport), (status = 403, body = crate::api::Problem)))]
pub async fn export_member(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam((id, mid)): PathParam<(i64, i64)>,
) -> AppResult<Json<MemberExport>> {
    Ok(Json(
        members::export(&state, &user, &user.audit(&ctx), id, mid).await?,
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RegionStatsView {
    /// The child region's code.
    pub code: String,
    /// KIMs by status.
    pub by_status: std::collections::BTreeMap<String, i64>,
    pub kims: i64,
    pub members: i64,
    pub villages: i64,
    pub villages_with_active_kim: i64,
    /// villages_with_active_kim / villages.
    pub coverage: f64,
}

/// KIM counts by status, members and village coverage for the regions below `region`.
#[utoipa::path(get, path = "/api/v1/kims/stats", tag = "kims", security(("bearer" = [])), params(StatsQuery),
    responses((status = 200, body = [RegionStatsView]), (status = 403, body = crate::api::Problem)))]
pub async fn stats(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<StatsQuery>,
) -> AppResult<Json<Vec<RegionStatsView>>> {
    let rows = stats_for(&state, &user, &q).await?.1;
    Ok(Json(
        rows.into_iter()
            .map(|s| RegionStatsView {
                coverage: if s.villages > 0 {
                    s.villages_with_active_kim as f64 / s.villages as f64
                } else {
                    0.0
                },
                code: s.code,
                by_status: s.by_status,
                kims: s.kims,
                members: s.members,
                villages: s.villages,
                villages_with_active_kim: s.villages_with_active_kim,
            })
            .collect(),
    ))
}

/// KIM locations as a GeoJSON FeatureCollection (published KIMs; same filters as the list).
#[utoipa::path(get, path = "/api/v1/kims.geojson", tag = "kims", params(DirectoryQuery), responses((status = 200, description = "GeoJSON FeatureCollection")))]
pub async fn geojson(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    let user = optional_user(&state, &headers).await?;
    let doc = simpul_app::stats::kim_points(&state, user.as_deref(), &q, false).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        doc.to_string(),
    )
        .into_response())
}

/// A CSV or XLSX file, the whole request body: bytes, not JSON.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct SheetFile(#[allow(dead_code)] Vec<u8>);

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct ImportParams {
    /// File name, used to tell CSV from XLSX when the content does not.
    #[serde(default)]
    pub filename: String,
    /// `true` writes the rows (all or nothing); otherwise a dry run.
    #[serde(default)]
    pub commit: bool,
    /// `true` answers 202 at once with a job to poll at `/api/v1/jobs/{id}` (for large files);
    /// the job's result is the same report.
    #[serde(default)]
    pub background: bool,
}

/// A background import was started.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportStarted {
    pub job_id: i64,
    /// Where to poll its progress and result.
    pub status_url: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub committed: bool,
    pub written: usize,
    /// Every data row of the file, and those that were wrong.
    pub total_rows: usize,
    pub errors: usize,
    /// A small file's rows, otherwise those not "ok" (at most 1,000; the counts cover all).
    pub rows: Vec<RowReport>,
}

async fn import_in_background(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    name: &str,
    body: &[u8],
    commit: bool,
) -> AppResult<Response> {
    let job_id =
        simpul_app::import_job::start_upload(state, user, &user.audit(ctx), name, body, commit)
            .await?;
    let status_url = format!("/api/v1/jobs/{job_id}");
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, status_url.clone())],
        Json(ImportStarted { job_id, status_url }),
    )
        .into_response())
}

/// Import a CSV or XLSX KIM list (the request body is the file). Dry run by default.
#[utoipa::path(post, path = "/api/v1/kims/import", tag = "kims", security(("bearer" = [])), params(ImportParams),
    request_body(content((SheetFile = "text/csv"), (SheetFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 200, body = ImportReport), (status = 202, body = ImportStarted), (status = 403, body = crate::api::Problem),
        (status = 422, description = "Rows with errors (a report), or a file that cannot be read (a problem)",
            content((ImportReport = "application/json"), (crate::api::Problem = "application/problem+json")))))]
pub async fn import(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> AppResult<Response> {
    let name = if p.filename.is_empty() {
        "upload.csv"
    } else {
        &p.filename
    };
    // An empty body is no file: refused here, before a background job is queued for it.
    if body.is_empty() {
        return Err(AppError::invalid("file", "error.sheet_empty"));
    }
    if p.background {
        return import_in_background(&state, &ctx, &user, name, &body, p.commit).await;
    }
    let mut plan = plan_upload(&state, &user, name, &body, |_, _| {}).await?;
    let errors = plan.errors();
    let written = if p.commit && errors == 0 {
        let batch = simpul_app::import::one_off_batch();
        commit_and_link(&state, &user.audit(&ctx), &batch, &mut plan, |_| {}).await?
    } else {
        0
    };
    let status = if errors > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(ImportReport {
            committed: p.commit && errors == 0,
            written,
            total_rows: plan.rows.len(),
            errors,
            rows: simpul_app::import::report_rows(&plan.rows),
        }),
    )
        .into_response())
}
