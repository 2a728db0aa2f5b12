//! Dissemination over JSON: packages (write, correct, moderate), a KIM officer's inbox and
//! reports, reach numbers (the same as the dashboard's), and the program calendar with its
//! overlaps, gaps and decisions.

use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiUser, PathParam, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use base64::Engine as _;
use simpul_app::dissem::inbox::{self as app_inbox, ReportInput};
use simpul_app::dissem::programs::{self as app_programs, ProgramInput};
use simpul_app::dissem::{self as app, reach as app_reach, PackageInput};
use simpul_core::dissem::Step;
use simpul_core::RegionCode;
use simpul_store::dissem::{PackageRecord, ProgramRecord};

/// A program in the calendar.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ProgramView {
    pub id: i64,
    pub theme: String,
    pub topic: String,
    #[schema(value_type = String)]
    pub starts_on: chrono::NaiveDate,
    #[schema(value_type = String)]
    pub ends_on: chrono::NaiveDate,
    pub regions: Vec<String>,
    /// The owning office's region code (none: national).
    pub office: Option<String>,
    pub channels: Vec<String>,
    pub budget_line: String,
}

impl From<ProgramRecord> for ProgramView {
    fn from(p: ProgramRecord) -> Self {
        ProgramView {
            id: p.id,
            theme: p.theme,
            topic: p.topic,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            regions: p.regions.split(',').map(str::to_string).collect(),
            office: p.owner_region,
            channels: p
                .channels
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
            budget_line: p.budget_line,
        }
    }
}

/// A package as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PackageView {
    pub id: i64,
    /// `draft`, `review` or `published`.
    pub status: String,
    pub version: i64,
    #[serde(flatten)]
    pub content: PackageInput,
    /// KIMs targeted and KIMs that reported (published packages).
    pub targeted: i64,
    pub reported: i64,
}

async fn view(state: &AppState, p: PackageRecord) -> AppResult<PackageView> {
    let targets = state.store.dissem_targets(p.id).await?;
    let reported = targets
        .iter()
        .filter(|t| t.state == simpul_core::dissem::TargetState::Done)
        .count() as i64;
    Ok(PackageView {
        id: p.id,
        status: p.status.as_str().to_string(),
        version: p.version,
        content: PackageInput::from_record(&p),
        targeted: targets.len() as i64,
        reported,
    })
}

/// Packages owned in the caller's offices or written by them.
#[utoipa::path(get, path = "/api/v1/dissem/packages", tag = "dissemination", security(("bearer" = [])),
    responses((status = 200, body = [PackageView])))]
pub async fn packages(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<PackageView>>> {
    let mut out = Vec::new();
    for p in app::list(&state, &user.actor).await?.into_iter().take(100) {
        out.push(view(&state, p).await?);
    }
    Ok(Json(out))
}

/// Write a draft package.
#[utoipa::path(post, path = "/api/v1/dissem/packages", tag = "dissemination", security(("bearer" = [])),
    request_body = PackageInput, responses((status = 201, body = PackageView)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<PackageInput>,
) -> AppResult<(axum::http::StatusCode, Json<PackageView>)> {
    let id = app::create(&state, &user.actor, &user.audit(&ctx), &input).await?;
    let p = state.store.dissem_package(id).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(view(&state, p).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/dissem/packages/{id}", tag = "dissemination", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = PackageView)))]
pub async fn package(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<PackageView>> {
    let p = app::visible(&state, &user.actor, id).await?;
    Ok(Json(view(&state, p).await?))
}

/// Change a package; a published one is corrected (`change_note` required, KIMs that acted
/// are told what changed).
#[utoipa::path(put, path = "/api/v1/dissem/packages/{id}", tag = "dissemination", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PackageInput,
    responses((status = 200, body = PackageView), (status = 409, body = crate::api::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<PackageInput>,
) -> AppResult<Json<PackageView>> {
    app::update(&state, &user.actor, &user.audit(&ctx), id, &input).await?;
    let p = state.store.dissem_package(id).await?;
    Ok(Json(view(&state, p).await?))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct StepInput {
    /// `submit`, `publish` or `send_back`.
    #[serde(default)]
    pub step: String,
}

/// Moderation: submit for review, publish (the owning office), send back.
#[utoipa::path(post, path = "/api/v1/dissem/packages/{id}/transitions", tag = "dissemination", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = StepInput,
    responses((status = 200, body = PackageView), (status = 409, body = crate::api::Problem)))]
pub async fn transition(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<StepInput>,
) -> AppResult<Json<PackageView>> {
    let step = Step::parse(&input.step).ok_or(AppError::invalid("step", "dissem.error.step"))?;
    app::transition(&state, &user.actor, &user.audit(&ctx), id, step).await?;
    let p = state.store.dissem_package(id).await?;
    Ok(Json(view(&state, p).await?))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InboxItem {
    pub kim_id: i64,
    pub package_id: i64,
    pub title: String,
    pub topic: String,
    pub priority: String,
    #[schema(value_type = String)]
    pub starts_on: chrono::NaiveDate,
    #[schema(value_type = String)]
    pub ends_on: chrono::NaiveDate,
    pub version: i64,
    /// `new`, `in_progress` or `done`.
    pub state: String,
}

/// The packages aimed at the caller's KIMs (KIM officers).
#[utoipa::path(get, path = "/api/v1/dissem/inbox", tag = "dissemination", security(("bearer" = [])),
    responses((status = 200, body = [InboxItem])))]
pub async fn inbox(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<InboxItem>>> {
    let mut out = Vec::new();
    for k in app_inbox::inbox(&state, &user.actor).await? {
        for p in k.packages {
            out.push(InboxItem {
                kim_id: k.kim_id,
                package_id: p.id,
                title: p.title,
                topic: p.topic,
                priority: p.priority,
                starts_on: p.starts_on,
                ends_on: p.ends_on,
                version: p.version,
                state: p.state.as_str().to_string(),
            });
        }
    }
    Ok(Json(out))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ApiReportInput {
    pub channel: String,
    /// `YYYY-MM-DD`.
    pub reported_on: String,
    pub reach: i64,
    pub link: String,
    pub kim: Option<i64>,
    /// A PNG or JPEG photo as evidence, base64 (at most 5 MB).
    pub photo: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReportResult {
    pub report_id: i64,
    /// `ok`, or `flagged` when the reach is implausible for a village KIM (reviewed by the
    /// owning office before it counts).
    pub review: String,
}

/// File a dissemination report for a package aimed at the caller's KIM.
#[utoipa::path(post, path = "/api/v1/dissem/packages/{id}/reports", tag = "dissemination", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ApiReportInput,
    responses((status = 201, body = ReportResult)))]
pub async fn report(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<ApiReportInput>,
) -> AppResult<(axum::http::StatusCode, Json<ReportResult>)> {
    let photo = match input.photo.as_deref() {
        Some(s) if s.len() > 8 * 1024 * 1024 => {
            return Err(AppError::invalid("photo", "hoax.error.image_too_large"))
        }
        Some(s) => Some((
            "foto".to_string(),
            base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|_| AppError::invalid("photo", "hoax.error.not_image"))?,
        )),
        None => None,
    };
    let form = ReportInput {
        channel: input.channel,
        reported_on: input.reported_on,
        reach: input.reach.to_string(),
        link: input.link,
        kim: input.kim,
        photo,
    };
    let (report_id, review) =
        app_inbox::report(&state, &user.actor, &user.audit(&ctx), id, form).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(ReportResult {
            report_id,
            review: review.as_str().to_string(),
        }),
    ))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ReachQuery {
    /// One package (otherwise every package owned in the caller's territory).
    pub package: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PackageReach {
    pub package_id: i64,
    pub title: String,
    pub reach: i64,
    pub reports: i64,
    pub kims_acted: i64,
    pub kims_targeted: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Count {
    pub key: String,
    pub reach: i64,
    pub reports: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReachView {
    /// Packages by people reached, most first.
    pub by_package: Vec<PackageReach>,
    /// By kabupaten/kota code.
    pub by_regency: Vec<Count>,
    pub by_channel: Vec<Count>,
    /// By day (`YYYY-MM-DD`), reports counted.
    pub by_day: Vec<Count>,
    /// Reports waiting for a review of their reach.
    pub flagged: i64,
    /// For one package: the targeted KIMs that have not reported.
    pub not_acted: Vec<i64>,
}

/// Reach numbers, the same as the dashboard's.
#[utoipa::path(get, path = "/api/v1/dissem/reach", tag = "dissemination", security(("bearer" = [])),
    params(ReachQuery), responses((status = 200, body = ReachView),
        (status = 404, description = "No such package, or one outside the caller's scope", body = crate::api::Problem)))]
pub async fn reach(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ReachQuery>,
) -> AppResult<Json<ReachView>> {
    let v = app_reach::dashboard(&state, &user.actor, q.package).await?;
    let r = v.reach;
    Ok(Json(ReachView {
        by_package: r
            .by_package
            .into_iter()
            .map(
                |(package_id, title, reach, reports, kims_acted, kims_targeted)| PackageReach {
                    package_id,
                    title,
                    reach,
                    reports,
                    kims_acted,
                    kims_targeted,
                },
            )
            .collect(),
        by_regency: r
            .by_regency
            .into_iter()
            .map(|(key, reach, reports)| Count {
                key,
                reach,
                reports,
            })
            .collect(),
        by_channel: r
            .by_channel
            .into_iter()
            .map(|(key, reach, reports)| Count {
                key,
                reach,
                reports,
            })
            .collect(),
        by_day: r
            .by_day
            .into_iter()
            .map(|(d, reach)| Count {
                key: d.to_string(),
                reach,
                reports: 0,
            })
            .collect(),
        flagged: r.flagged,
        not_acted: v
            .package
            .map(|(_, t)| {
                t.into_iter()
                    .filter(|t| t.state != simpul_core::dissem::TargetState::Done)
                    .map(|t| t.kim_id)
                    .collect()
            })
            .unwrap_or_default(),
    }))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct CalendarQuery {
    /// `YYYY-MM` (this month when absent).
    pub month: Option<String>,
    /// A region code: programs touching it, and gaps among the regions below it.
    pub region: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OverlapView {
    pub a: i64,
    pub b: i64,
    /// `same_topic` or `same_kims`.
    pub kind: String,
    /// `merge`, `move` or `accept` once decided.
    pub decision: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CalendarView {
    pub programs: Vec<ProgramView>,
    pub overlaps: Vec<OverlapView>,
    /// Regions below the one asked with nothing planned in the month.
    pub empty_regions: Vec<String>,
    /// Topics with nothing planned in the month.
    pub empty_topics: Vec<String>,
}

/// A month of the shared program calendar, with overlaps and gaps.
#[utoipa::path(get, path = "/api/v1/programs", tag = "dissemination", security(("bearer" = [])),
    params(CalendarQuery), responses((status = 200, body = CalendarView)))]
pub async fn programs(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<CalendarQuery>,
) -> AppResult<Json<CalendarView>> {
    let month = app_programs::month_start(q.month.as_deref());
    let region = q
        .region
        .as_deref()
        .map(|r| {
            RegionCode::parse(r.trim())
                .map_err(|_| AppError::invalid("region", "dissem.error.target"))
        })
        .transpose()?;
    let cal = app_programs::calendar(&state, &user.actor, month, region).await?;
    Ok(Json(CalendarView {
        overlaps: cal
            .overlaps
            .iter()
            .map(|o| OverlapView {
                a: o.overlap.a,
                b: o.overlap.b,
                kind: o.overlap.kind.as_str().to_string(),
                decision: o.decision.as_ref().map(|d| d.decision.clone()),
                note: o.decision.as_ref().map(|d| d.note.clone()),
            })
            .collect(),
        programs: cal.programs.into_iter().map(Into::into).collect(),
        empty_regions: cal.empty_regions.iter().map(|r| r.to_string()).collect(),
        empty_topics: cal
            .empty_topics
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
    }))
}

/// Enter a program.
#[utoipa::path(post, path = "/api/v1/programs", tag = "dissemination", security(("bearer" = [])),
    request_body = ProgramInput, responses((status = 201, body = ProgramView)))]
pub async fn create_program(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ProgramInput>,
) -> AppResult<(axum::http::StatusCode, Json<ProgramView>)> {
    let id = app_programs::save(&state, &user.actor, &user.audit(&ctx), None, &input).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(state.store.program(id).await?.into()),
    ))
}

#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "dissemination", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = ProgramView)))]
pub async fn program(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<ProgramView>> {
    Ok(Json(
        app_programs::program(&state, &user.actor, id).await?.into(),
    ))
}

/// Change a program of the caller's office (move it, for example).
#[utoipa::path(put, path = "/api/v1/programs/{id}", tag = "dissemination", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ProgramInput, responses((status = 200, body = ProgramView)))]
pub async fn update_program(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<ProgramInput>,
) -> AppResult<Json<ProgramView>> {
    app_programs::save(&state, &user.actor, &user.audit(&ctx), Some(id), &input).await?;
    Ok(Json(state.store.program(id).await?.into()))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// One program's id (a number, or a string of digits).
    #[schema(value_type = i64)]
    pub a: serde_json::Value,
    /// The other program's id.
    #[schema(value_type = i64)]
    pub b: serde_json::Value,
    /// `merge`, `move` or `accept`.
    pub decision: String,
    pub note: String,
}

/// Record how an overlap is resolved (an owner of either program).
#[utoipa::path(post, path = "/api/v1/programs/decisions", tag = "dissemination", security(("bearer" = [])),
    request_body = DecisionInput, responses((status = 204)))]
pub async fn decide(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<DecisionInput>,
) -> AppResult<axum::http::StatusCode> {
    let id = |v: &serde_json::Value, field: &'static str| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .ok_or(AppError::invalid(field, "dissem.error.no_overlap"))
    };
    let (a, b) = (id(&input.a, "a")?, id(&input.b, "b")?);
    app_programs::decide(
        &state,
        &user.actor,
        &user.audit(&ctx),
        a,
        b,
        &input.decision,
        &input.note,
    )
    .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
