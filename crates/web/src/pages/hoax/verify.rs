//! The verifiers' pages: the queue, a claim with its reports (count, regions, since when),
//! notes, suggested similar claims, the verdict form, the second review; trends and the
//! second-review setting for administrators; a report's picture.

use super::{
    channel_name, label_class, label_name, reason_name, region_name, status_name, topic_name,
};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CurrentUser, PathParam, Query, SessionUser};
use crate::i18n::Messages;
use crate::pages::Empty;
use crate::pages::{form_errors, render, render_with_status, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::hoax::review::{self, VerdictInput};
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::hoax::ClaimStatus;

pub struct QueueRow {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub reports: String,
    pub region: String,
    pub last_seen: String,
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "hoax_queue.html")]
struct QueuePage<'a> {
    page: Page<'a>,
    rows: Vec<QueueRow>,
}

pub async fn queue(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let claims = review::queue(&state, &user.actor).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let mut rows = Vec::new();
    for c in claims {
        rows.push(QueueRow {
            id: c.id,
            title: display_title(&page, &c.title),
            status: status_name(&page.t, c.status),
            reports: page.t.fmt(
                "hoax.queue.reports",
                &[("count", &c.report_count.to_string())],
            ),
            region: match &c.region_code {
                Some(r) => region_name(&state, r).await?,
                None => String::new(),
            },
            last_seen: page.time(c.last_seen_at),
            mine: c.assignee_id == Some(user.actor.user_id),
        });
    }
    render(QueuePage { page, rows })
}

fn display_title(page: &Page<'_>, title: &str) -> String {
    if title.trim().is_empty() {
        page.t.get("hoax.untitled").to_string()
    } else {
        title.to_string()
    }
}

pub struct ReportRow {
    pub id: i64,
    pub body: String,
    pub channel: String,
    pub region: String,
    pub contact: Option<String>,
    pub instant: bool,
    pub at: String,
    pub image_ids: Vec<i64>,
}

pub struct SimilarRow {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub similarity: String,
    pub reason: String,
    /// How it differs from this claim (numbers, places, negations), in words; empty when
    /// nothing contradicts.
    pub differs: String,
    /// Its words this claim does not explain, heaviest first.
    pub extra: String,
    pub published: bool,
    pub mergeable: bool,
}

#[derive(Template)]
#[template(path = "hoax_claim.html")]
struct ClaimPage<'a> {
    page: Page<'a>,
    id: i64,
    title: String,
    body: String,
    status: ClaimStatus,
    status_name: String,
    topic: String,
    spread: String,
    assignee_is_me: bool,
    assigned: bool,
    regions: Vec<(String, i64)>,
    channels: Vec<(String, i64)>,
    rows: Vec<ReportRow>,
    notes: Vec<(String, String, String)>,
    similar: Vec<SimilarRow>,
    verdict: Option<(String, &'static str, String, String, String, bool)>,
    labels: Vec<(String, String)>,
    form: VerdictInput,
    errors: Vec<FieldError>,
    second_review: bool,
    can_review: bool,
}

async fn claim_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    form: Option<VerdictInput>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let view = review::claim_view(state, &user.actor, id).await?;
    let page = Page::new(state, ctx, Some(user));
    let mut regions = Vec::new();
    for (code, n) in &view.regions {
        regions.push((region_name(state, code).await?, *n));
    }
    let channels = view
        .channels
        .iter()
        .map(|(c, n)| (channel_name(&page.t, c), *n))
        .collect();
    let mut rows = Vec::new();
    for r in view.reports {
        rows.push(ReportRow {
            id: r.id,
            body: r.body,
            channel: channel_name(&page.t, &r.channel),
            region: match &r.region_code {
                Some(c) => region_name(state, c).await?,
                None => String::new(),
            },
            contact: r.reporter_email,
            instant: r.instant,
            at: page.time(r.created_at),
            image_ids: r.image_ids,
        });
    }
    let claim = view.claim;
    let verdict = view.clarification.as_ref().map(|v| {
        (
            label_name(&page.t, &v.label),
            label_class(&v.label),
            v.summary.clone(),
            v.explanation.clone(),
            v.sources.clone(),
            v.author_id == Some(user.actor.user_id),
        )
    });
    let form = form.unwrap_or_else(|| match &view.clarification {
        Some(v) => VerdictInput {
            label: v.label.clone(),
            summary: v.summary.clone(),
            explanation: v.explanation.clone(),
            sources: v.sources.clone(),
            title: Some(claim.title.clone()),
        },
        None => VerdictInput {
            title: Some(claim.title.clone()),
            ..Default::default()
        },
    });
    let can_review = claim.status == ClaimStatus::AwaitingReview
        && view
            .clarification
            .as_ref()
            .is_some_and(|v| v.author_id != Some(user.actor.user_id));
    let similar = view
        .similar
        .into_iter()
        .map(|(c, m)| SimilarRow {
            id: c.id,
            title: display_title(&page, &c.title),
            status: status_name(&page.t, c.status),
            similarity: format!("{:.0}%", m.similarity * 100.0),
            reason: reason_name(&page.t, m.reason),
            differs: differences_text(&page.t, &m),
            extra: m
                .unexplained
                .iter()
                .take(4)
                .map(|(w, _)| w.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            published: c.status == ClaimStatus::Published,
            mergeable: c.status != ClaimStatus::Merged,
        })
        .collect();
    render_with_status(
        status,
        ClaimPage {
            id,
            title: display_title(&page, &claim.title),
            body: claim.body.clone(),
            status: claim.status,
            status_name: status_name(&page.t, claim.status),
            topic: topic_name(&page.t, claim.topic.as_deref()),
            spread: page.t.fmt(
                "hoax.claim.spread",
                &[
                    ("count", &claim.report_count.to_string()),
                    ("first", &page.time(claim.first_seen_at)),
                    ("last", &page.time(claim.last_seen_at)),
                ],
            ),
            assignee_is_me: claim.assignee_id == Some(user.actor.user_id),
            assigned: claim.assignee_id.is_some(),
            regions,
            channels,
            rows,
            notes: view
                .notes
                .into_iter()
                .map(|n| {
                    (
                        n.author_name.unwrap_or_default(),
                        page.time(n.created_at),
                        n.body,
                    )
                })
                .collect(),
            similar,
            verdict,
            labels: state
                .hoax
                .labels
                .labels()
                .iter()
                .map(|l| (l.as_str().to_string(), label_name(&page.t, l.as_str())))
                .collect(),
            form,
            errors,
            second_review: view.second_review,
            can_review,
            page,
        },
    )
}

pub async fn claim(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    claim_page(&state, &ctx, &user, id, None, Vec::new(), StatusCode::OK).await
}

fn back(id: i64) -> Response {
    Redirect::to(&format!("/hoax/claims/{id}")).into_response()
}

/// A workflow refusal (someone else moved the claim) shown on the claim page, not as an error.
async fn or_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    result: Result<(), AppError>,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(back(id)),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            claim_page(state, ctx, user, id, None, errors, status).await
        }
    }
}

pub async fn take(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let r = review::take(&state, &user.actor, &user.audit(&ctx), id).await;
    or_page(&state, &ctx, &user, id, r).await
}

#[derive(serde::Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
}

pub async fn note(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> AppResult<Response> {
    let r = review::add_note(&state, &user.actor, &user.audit(&ctx), id, &form.body)
        .await
        .map(|_| ());
    or_page(&state, &ctx, &user, id, r).await
}

pub async fn verdict(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(form): CsrfForm<VerdictInput>,
) -> AppResult<Response> {
    match review::submit_verdict(&state, &user.actor, &user.audit(&ctx), id, &form).await {
        Ok(_) => Ok(back(id)),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            claim_page(&state, &ctx, &user, id, Some(form), errors, status).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
}

pub async fn review_verdict(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    let approve = match form.decision.as_str() {
        "approve" => true,
        "send_back" => false,
        _ => return Err(AppError::BadRequest("error.bad_form")),
    };
    let r = review::review(&state, &user.actor, &user.audit(&ctx), id, approve)
        .await
        .map(|_| ());
    or_page(&state, &ctx, &user, id, r).await
}

pub async fn reopen(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let r = review::reopen(&state, &user.actor, &user.audit(&ctx), id).await;
    or_page(&state, &ctx, &user, id, r).await
}

#[derive(serde::Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    into: String,
}

pub async fn merge(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(form): CsrfForm<MergeForm>,
) -> AppResult<Response> {
    let Ok(into) = form.into.trim().parse::<i64>() else {
        let errors = vec![FieldError::new("into", "hoax.error.merge_target")];
        return claim_page(
            &state,
            &ctx,
            &user,
            id,
            None,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match review::merge(&state, &user.actor, &user.audit(&ctx), id, into).await {
        Ok(()) => Ok(back(into)),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            claim_page(&state, &ctx, &user, id, None, errors, status).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct SplitForm {
    #[serde(default)]
    report: Vec<String>,
}

/// Split the ticked reports off into a new claim, then show the new claim.
pub async fn split(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(form): CsrfForm<SplitForm>,
) -> AppResult<Response> {
    let ids: Option<Vec<i64>> = form.report.iter().map(|r| r.trim().parse().ok()).collect();
    let result = match ids {
        Some(ids) => review::split(&state, &user.actor, &user.audit(&ctx), id, &ids).await,
        None => Err(AppError::invalid("report", "hoax.error.split_reports")),
    };
    match result {
        Ok(new_id) => Ok(back(new_id)),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            claim_page(&state, &ctx, &user, id, None, errors, status).await
        }
    }
}

/// A report's picture (PNG, re-encoded at intake), for the claim's verifiers only.
pub async fn image(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let png = review::image(&state, &user.actor, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        png,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "hoax_trends.html")]
struct TrendsPage<'a> {
    page: Page<'a>,
    period: String,
    topics: Vec<(String, i64, i64)>,
    regions: Vec<(String, i64)>,
    weeks: Vec<(String, i64)>,
    spreading: Vec<(i64, String, String, String)>,
    offices: Vec<(String, String)>,
    can_check: bool,
    notice: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct TrendsQuery {
    #[serde(default)]
    days: Option<i64>,
    #[serde(default)]
    saved: Option<String>,
}

pub async fn trends(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<TrendsQuery>,
) -> AppResult<Response> {
    let days = q.days.unwrap_or(28).clamp(7, 366);
    let t = review::trends(&state, &user.actor, days).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let mut regions = Vec::new();
    for (code, n) in t.by_region {
        regions.push((region_name(&state, &code).await?, n));
    }
    let mut offices = Vec::new();
    if let ScopeRegions::Regions(roots) = user.actor.oversight() {
        for r in roots {
            if user.actor.can(Action::ConfigureHoax { region: &r }) {
                offices.push((r.to_string(), region_name(&state, r.as_str()).await?));
            }
        }
    }
    render(TrendsPage {
        period: page
            .t
            .fmt("hoax.trends.period", &[("days", &days.to_string())]),
        topics: t
            .by_topic
            .into_iter()
            .map(|(topic, claims, reports)| {
                (topic_name(&page.t, topic.as_deref()), claims, reports)
            })
            .collect(),
        regions,
        weeks: t.by_week,
        spreading: t
            .spreading
            .into_iter()
            .map(|(c, n)| {
                let counts = page.t.fmt(
                    "hoax.trends.week_reports",
                    &[
                        ("week", &n.to_string()),
                        ("total", &c.report_count.to_string()),
                    ],
                );
                (
                    c.id,
                    display_title(&page, &c.title),
                    status_name(&page.t, c.status),
                    counts,
                )
            })
            .collect(),
        offices,
        can_check: user.actor.can(Action::CheckClaim { region: None }),
        notice: q
            .saved
            .map(|_| page.t.get("hoax.settings.saved").to_string()),
        page,
    })
}

#[derive(serde::Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    region: String,
    #[serde(default)]
    second_review: Option<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> AppResult<Response> {
    review::set_second_review(
        &state,
        &user.actor,
        &user.audit(&ctx),
        &form.region,
        form.second_review.is_some(),
    )
    .await?;
    Ok(Redirect::to("/hoax/trends?saved=1").into_response())
}

/// How a similar claim differs from this one, in the reader's language ("angka 300000, tempat
/// atau nama lain: madiun").
fn differences_text(t: &Messages<'_>, m: &simpul_core::hoax::Match) -> String {
    use simpul_core::hoax::Difference;
    m.differences()
        .into_iter()
        .map(|d| match d {
            Difference::Number(n) => t.fmt("hoax.clash.number", &[("number", &n)]),
            Difference::Name(n) => t.fmt("hoax.clash.name", &[("name", &n)]),
            Difference::Negation => t.get("hoax.clash.negation").to_string(),
            Difference::Opposite(a, b) => {
                t.fmt("hoax.clash.opposite", &[("ours", &a), ("theirs", &b)])
            }
            Difference::Stop => t.get("hoax.clash.stop").to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
