//! The hoax clearing house over JSON: submit a message (a signed-in account), the verifiers'
//! queue, a claim, its workflow steps, published clarifications, and the signed inbound webhook
//! of an office's messaging gateway.

use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiUser, PathParam, Query};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use base64::Engine as _;
use simpul_app::hoax::intake::{submit, Outcome, Source, SubmitInput};
use simpul_app::hoax::review::{self, ReportView, VerdictInput};
use simpul_core::audit::AuditContext;
use simpul_core::hoax::intake::MAX_IMAGES;
use simpul_core::RegionCode;
use simpul_store::hoax::ClaimRecord;

/// A suspicious message.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    /// The message as received (at most 10,000 characters; links inside are matched too).
    #[serde(default)]
    pub text: String,
    /// Where it was received, a region code such as `35.07` (optional).
    #[serde(default)]
    pub region: Option<String>,
    /// Up to 4 PNG or JPEG pictures, base64 (each at most 5 MB).
    #[serde(default)]
    pub images: Vec<String>,
}

/// A message from an office's messaging gateway.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct GatewayInput {
    /// The gateway's own reference for the sender (echoed back when the answer is sent).
    pub sender: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub images: Vec<String>,
}

/// A checked claim that matched.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MatchView {
    pub claim_id: i64,
    /// The claim as checked: shown so a person can judge the match.
    pub claim: String,
    /// Verdict label code (`hoaks`, `disinformasi`, `misinformasi`, `fakta`, ...).
    pub label: String,
    pub summary: String,
    /// 0 to 1.
    pub similarity: f64,
    /// `same_link`, `same_image`, `near_duplicate` or `same_words`.
    pub reason: String,
    /// The public clarification page.
    pub url: String,
}

/// What happened to a submitted message.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReportOutcome {
    pub report_id: i64,
    pub claim_id: i64,
    /// `answered` (a checked claim matched) or `queued`.
    pub status: String,
    pub answer: Option<MatchView>,
    /// Published claims that resemble a queued message (not asserted to be the same).
    pub similar: Vec<MatchView>,
    /// Text ready to send back in a chat (the verdict, or that it is being checked).
    pub reply: String,
}

fn decode_images(images: &[String]) -> AppResult<Vec<Vec<u8>>> {
    if images.len() > MAX_IMAGES {
        return Err(AppError::invalid("images", "hoax.error.too_many_images"));
    }
    images
        .iter()
        .map(|s| {
            if s.len() > 8 * 1024 * 1024 {
                return Err(AppError::invalid("images", "hoax.error.image_too_large"));
            }
            base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|_| AppError::invalid("images", "hoax.error.not_image"))
        })
        .collect()
}

async fn outcome_view(
    state: &AppState,
    ctx: &RequestCtx,
    outcome: Outcome,
) -> AppResult<ReportOutcome> {
    let t = state.catalog.messages(ctx.locale);
    let base = state.config.base_url.trim_end_matches('/').to_string();
    let view = |claim: &ClaimRecord,
                label: String,
                summary: String,
                m: &simpul_core::hoax::Match| MatchView {
        claim_id: claim.id,
        claim: claim.title.clone(),
        label,
        summary,
        similarity: (m.similarity * 1000.0).round() / 1000.0,
        reason: m.reason.as_str().to_string(),
        url: format!("{base}{}", simpul_app::hoax::answer::public_link(claim.id)),
    };
    Ok(match outcome {
        Outcome::Answered {
            report_id,
            claim,
            clarification,
            matched,
        } => {
            let v = view(
                &claim,
                clarification.label.clone(),
                clarification.summary.clone(),
                &matched,
            );
            let label = crate::pages::hoax::label_name(&t, &clarification.label);
            ReportOutcome {
                report_id,
                claim_id: claim.id,
                status: "answered".into(),
                reply: crate::pages::hoax::whatsapp_text(
                    &t,
                    &label,
                    &claim.title,
                    &clarification.summary,
                    &v.url,
                ),
                answer: Some(v),
                similar: Vec::new(),
            }
        }
        Outcome::Queued {
            report_id,
            claim_id,
            similar,
            ..
        } => {
            let mut shown = Vec::new();
            for (c, m) in similar {
                if let Some(v) = state.store.hoax_clarification(c.id).await? {
                    if v.published_at.is_some() {
                        shown.push(view(&c, v.label, v.summary, &m));
                    }
                }
            }
            ReportOutcome {
                report_id,
                claim_id,
                status: "queued".into(),
                answer: None,
                similar: shown,
                reply: t.get("hoax.gateway.queued").to_string(),
            }
        }
    })
}

/// Submit a suspicious message as the signed-in account: the verdict at once when it matches a
/// checked claim, otherwise it joins the verification queue (the answer arrives in the
/// account's notifications).
#[utoipa::path(post, path = "/api/v1/hoax/reports", tag = "hoax", security(("bearer" = [])), request_body = ReportInput,
    responses((status = 200, body = ReportOutcome), (status = 422, body = crate::api::Problem), (status = 429, body = crate::api::Problem)))]
pub async fn report(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ReportInput>,
) -> AppResult<Json<ReportOutcome>> {
    let submit_input = SubmitInput {
        text: input.text,
        region: input.region,
        images: decode_images(&input.images)?,
        ..Default::default()
    };
    let outcome = submit(
        &state,
        Source::Account {
            actor: &user.actor,
            api: true,
        },
        &user.audit(&ctx),
        &submit_input,
    )
    .await?;
    Ok(Json(outcome_view(&state, &ctx, outcome).await?))
}

/// The inbound webhook of an office's messaging gateway: the body signed like Simpul's own
/// webhooks (`X-Simpul-Timestamp`, `X-Simpul-Signature: v1=<hex HMAC-SHA256 of
/// "{timestamp}.{body}">`, `X-Simpul-Delivery`), with the secret of the office's gateway. A
/// retried delivery id is answered again without storing the message twice.
#[utoipa::path(post, path = "/api/v1/hoax/gateway/{region}", tag = "hoax", request_body = GatewayInput,
    params(("region" = String, Path, description = "The office's region code, e.g. `35.07`")),
    responses((status = 200, body = ReportOutcome), (status = 401, body = crate::api::Problem), (status = 422, body = crate::api::Problem), (status = 429, body = crate::api::Problem)))]
pub async fn gateway(
    State(state): State<AppState>,
    ctx: RequestCtx,
    PathParam(region): PathParam<String>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<ReportOutcome>> {
    let office = RegionCode::parse(&region).map_err(|_| AppError::NotFound)?;
    let hook = state
        .store
        .office_webhook(office.as_str())
        .await?
        .filter(|h| h.active)
        .ok_or(AppError::NotFound)?;
    let secret = state
        .cipher
        .decrypt(&hook.secret)
        .and_then(|s| simpul_delivery::webhook::WebhookSecret::new(s).ok())
        .ok_or(AppError::Unauthenticated)?;
    let now = chrono::Utc::now().timestamp().max(0) as u64;
    let verified = simpul_delivery::webhook::verify(
        &secret,
        &headers,
        &body,
        now,
        simpul_delivery::webhook::REPLAY_WINDOW,
        None,
    )
    .map_err(|_| AppError::Unauthenticated)?;
    // A delivery seen before (within the replay window) is a retry: not stored twice.
    let start = simpul_app::hoax::intake::window_start(chrono::Utc::now());
    let first = state
        .store
        .hoax_intake_allow(
            &format!("gateway-delivery:{}:{}", office, verified.delivery_id),
            start,
            start - chrono::Duration::minutes(10),
            1,
        )
        .await?;
    if !first {
        return Err(AppError::Conflict(crate::error::FieldError::new(
            "",
            "hoax.error.duplicate_delivery",
        )));
    }
    let input: GatewayInput =
        serde_json::from_slice(&body).map_err(|_| AppError::BadRequest("error.bad_json"))?;
    let submit_input = SubmitInput {
        text: input.text,
        region: input.region.or_else(|| Some(office.to_string())),
        sender: Some(input.sender),
        images: decode_images(&input.images)?,
        ..Default::default()
    };
    let audit = AuditContext {
        actor_id: None,
        actor_name: format!("gateway:{office}"),
        request_id: ctx.request_id.clone(),
        ip: Some(ctx.ip.clone()),
    };
    let outcome = submit(
        &state,
        Source::Gateway { office: &office },
        &audit,
        &submit_input,
    )
    .await?;
    Ok(Json(outcome_view(&state, &ctx, outcome).await?))
}

/// A claim in the queue.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ClaimView {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// `new`, `in_review`, `awaiting_review`, `published` or `merged`.
    pub status: String,
    pub topic: Option<String>,
    pub region: Option<String>,
    pub assignee_id: Option<i64>,
    pub merged_into: Option<i64>,
    pub report_count: i64,
    #[schema(value_type = String)]
    pub first_seen_at: chrono::DateTime<chrono::Utc>,
    #[schema(value_type = String)]
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
}

impl From<ClaimRecord> for ClaimView {
    fn from(c: ClaimRecord) -> Self {
        ClaimView {
            id: c.id,
            title: c.title,
            body: c.body,
            status: c.status.as_str().to_string(),
            topic: c.topic,
            region: c.region_code,
            assignee_id: c.assignee_id,
            merged_into: c.merged_into,
            report_count: c.report_count,
            first_seen_at: c.first_seen_at,
            last_seen_at: c.last_seen_at,
        }
    }
}

/// Claims waiting for a verdict in the fact-checker's territory.
#[utoipa::path(get, path = "/api/v1/hoax/claims", tag = "hoax", security(("bearer" = [])),
    responses((status = 200, body = [ClaimView])))]
pub async fn claims(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<ClaimView>>> {
    Ok(Json(
        review::queue(&state, &user.actor)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// A claim with its reports, spread, verdict and similar claims.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ClaimDetail {
    pub claim: ClaimView,
    pub reports: Vec<ReportView>,
    /// (region code, reports)
    pub regions: Vec<(String, i64)>,
    pub label: Option<String>,
    pub summary: Option<String>,
    /// (claim id, similarity) of claims that look alike.
    pub similar: Vec<(i64, f64)>,
    pub second_review: bool,
}

#[utoipa::path(get, path = "/api/v1/hoax/claims/{id}", tag = "hoax", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = ClaimDetail)))]
pub async fn claim(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<ClaimDetail>> {
    let v = review::claim_view(&state, &user.actor, id).await?;
    Ok(Json(ClaimDetail {
        label: v.clarification.as_ref().map(|c| c.label.clone()),
        summary: v.clarification.as_ref().map(|c| c.summary.clone()),
        similar: v
            .similar
            .iter()
            .map(|(c, m)| (c.id, m.similarity))
            .collect(),
        claim: v.claim.into(),
        reports: v.reports,
        regions: v.regions,
        second_review: v.second_review,
    }))
}

/// The claim's state after a step.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StepResult {
    pub status: String,
}

async fn status_of(state: &AppState, id: i64) -> AppResult<Json<StepResult>> {
    Ok(Json(StepResult {
        status: state
            .store
            .hoax_claim(id)
            .await?
            .status
            .as_str()
            .to_string(),
    }))
}

/// Take the claim (or take it over).
#[utoipa::path(post, path = "/api/v1/hoax/claims/{id}/take", tag = "hoax", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = StepResult), (status = 409, body = crate::api::Problem)))]
pub async fn take(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<StepResult>> {
    review::take(&state, &user.actor, &user.audit(&ctx), id).await?;
    status_of(&state, id).await
}

/// Submit the verdict of a claim you took: published, or waiting for a second verifier.
#[utoipa::path(post, path = "/api/v1/hoax/claims/{id}/verdict", tag = "hoax", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = VerdictInput,
    responses((status = 200, body = StepResult), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn verdict(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<VerdictInput>,
) -> AppResult<Json<StepResult>> {
    review::submit_verdict(&state, &user.actor, &user.audit(&ctx), id, &input).await?;
    status_of(&state, id).await
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct ReviewInput {
    /// `true` publishes the verdict, `false` sends it back to its author.
    pub approve: bool,
}

/// The second verifier's decision on a verdict awaiting review.
#[utoipa::path(post, path = "/api/v1/hoax/claims/{id}/review", tag = "hoax", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = StepResult), (status = 409, body = crate::api::Problem)))]
pub async fn review_verdict(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> AppResult<Json<StepResult>> {
    review::review(&state, &user.actor, &user.audit(&ctx), id, input.approve).await?;
    status_of(&state, id).await
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct MergeInput {
    /// The claim this duplicate is merged into (its id, as a number or a string of digits).
    pub into: ClaimRef,
}

/// A claim id, as a number or a string of digits (form posts and scripts send either).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ClaimRef {
    Id(i64),
    Text(String),
}

impl ClaimRef {
    fn id(&self) -> AppResult<i64> {
        match self {
            ClaimRef::Id(id) => Ok(*id),
            ClaimRef::Text(s) => s
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("into", "hoax.error.merge_target")),
        }
    }
}

/// Merge a duplicate claim into another; its reports follow.
#[utoipa::path(post, path = "/api/v1/hoax/claims/{id}/merge", tag = "hoax", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = MergeInput,
    responses((status = 200, body = StepResult), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn merge(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<MergeInput>,
) -> AppResult<Json<StepResult>> {
    review::merge(&state, &user.actor, &user.audit(&ctx), id, input.into.id()?).await?;
    status_of(&state, id).await
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct SplitInput {
    /// The reports (ids from the claim's `reports`, as numbers or strings of digits) that
    /// move to a new claim; at least one, and not all of them.
    pub reports: Vec<ClaimRef>,
}

/// The claim a split created.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SplitResult {
    pub claim_id: i64,
}

/// Split reports grouped under the wrong claim off into a new claim, which joins the queue.
#[utoipa::path(post, path = "/api/v1/hoax/claims/{id}/split", tag = "hoax", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = SplitInput,
    responses((status = 201, body = SplitResult), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem),
        (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn split(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<SplitInput>,
) -> AppResult<(StatusCode, Json<SplitResult>)> {
    let reports = input
        .reports
        .iter()
        .map(|r| match r {
            ClaimRef::Id(id) => Ok(*id),
            ClaimRef::Text(s) => s
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("reports", "hoax.error.split_reports")),
        })
        .collect::<AppResult<Vec<i64>>>()?;
    let claim_id = review::split(&state, &user.actor, &user.audit(&ctx), id, &reports).await?;
    Ok((StatusCode::CREATED, Json(SplitResult { claim_id })))
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Page number, from 1.
    #[serde(default)]
    pub page: Option<i64>,
}

/// A published clarification.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ClarificationView {
    pub claim_id: i64,
    pub claim: String,
    pub label: String,
    pub summary: String,
    pub explanation: String,
    pub sources: Vec<String>,
    #[schema(value_type = Option<String>)]
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub url: String,
}

/// Published clarifications, newest first (public).
#[utoipa::path(get, path = "/api/v1/hoax/clarifications", tag = "hoax", params(PageQuery),
    responses((status = 200, body = [ClarificationView])))]
pub async fn clarifications(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<Vec<ClarificationView>>> {
    let n = q.page.unwrap_or(1).clamp(1, 10_000);
    let base = state.config.base_url.trim_end_matches('/').to_string();
    Ok(Json(
        state
            .store
            .hoax_published(50, (n - 1) * 50)
            .await?
            .into_iter()
            .map(|(c, v)| ClarificationView {
                claim_id: c.id,
                url: format!("{base}{}", simpul_app::hoax::answer::public_link(c.id)),
                claim: c.title,
                label: v.label,
                summary: v.summary,
                explanation: v.explanation,
                sources: v.sources.lines().map(str::to_string).collect(),
                published_at: v.published_at,
            })
            .collect(),
    ))
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// Page number, from 1 (500 reviews a page, newest first).
    #[serde(default)]
    pub page: Option<i64>,
}

/// Published clarifications as a JSON-LD document of schema.org `ClaimReview`s (public), the
/// format fact-check archives and search engines read, and the import below accepts.
#[utoipa::path(get, path = "/api/v1/hoax/claimreview", tag = "hoax", params(ExportQuery),
    responses((status = 200, description = "A JSON-LD document with a `@graph` of ClaimReview objects", body = serde_json::Value, content_type = "application/ld+json")))]
pub async fn export_reviews(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let n = q.page.unwrap_or(1).clamp(1, 10_000);
    let t = state.catalog.messages(simpul_app::i18n::Locale::default());
    let graph: Vec<serde_json::Value> = state
        .store
        .hoax_published(500, (n - 1) * 500)
        .await?
        .into_iter()
        .map(|(c, v)| {
            let label = crate::pages::hoax::label_name(&t, &v.label);
            crate::pages::hoax::public::claim_review_json(&state, &c, &v, &label)
        })
        .collect();
    let doc = serde_json::json!({"@context": "https://schema.org", "@graph": graph});
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/ld+json")],
        doc.to_string(),
    )
        .into_response())
}

/// Import a fact-check archive (a ClaimReview, a list, or a JSON-LD `@graph`) as published
/// clarifications of the verifier's region. Any unusable review (an unknown label, a missing
/// claim or URL) refuses the whole archive with every problem listed; nothing is stored then.
#[utoipa::path(post, path = "/api/v1/hoax/claimreview", tag = "hoax", security(("bearer" = [])),
    request_body(content = serde_json::Value, description = "ClaimReview JSON (at most 5 MB, 1,000 reviews)", content_type = "application/json"),
    responses((status = 201, body = simpul_app::hoax::archive::ImportOutcome), (status = 403, body = crate::api::Problem),
        (status = 413, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn import_reviews(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    body: Bytes,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    match simpul_app::hoax::archive::import(&state, &user.actor, &user.audit(&ctx), &body).await? {
        Ok(outcome) => Ok((axum::http::StatusCode::CREATED, Json(outcome)).into_response()),
        Err(problems) => {
            let t = state.catalog.messages(ctx.locale);
            let errors: Vec<serde_json::Value> = problems
                .iter()
                .map(|p| {
                    let detail = t.fmt(p.key, &[("value", &p.value)]);
                    let field = if p.item == 0 {
                        p.field.to_string()
                    } else {
                        format!("items[{}].{}", p.item, p.field)
                    };
                    serde_json::json!({"field": field, "code": p.key, "detail": detail})
                })
                .collect();
            let problem = serde_json::json!({
                "type": "https://simpul.id/problems/invalid",
                "title": t.get("error.invalid"),
                "status": 422,
                "detail": t.get("hoax.import.refused"),
                "errors": errors,
            });
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                [(axum::http::header::CONTENT_TYPE, "application/problem+json")],
                problem.to_string(),
            )
                .into_response())
        }
    }
}
