//! Administrators' view of the delivery backbone: the delivery log of notifications (with
//! retry), the background job queue (with "run again"), and the offices' messaging gateways.

use super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::AppResult;
use crate::extract::{CsrfForm, PathParam, Query, SessionUser};
use crate::pages::Empty;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::operations;
use simpul_core::notify::Channel;
use simpul_store::jobs::{Job, JobCounts};
use simpul_store::notify::{DeliveryFilter, DeliveryRecord, OfficeWebhook};

#[derive(Template)]
#[template(path = "deliveries.html")]
struct DeliveriesPage<'a> {
    page: Page<'a>,
    rows: Vec<DeliveryRecord>,
    status: String,
    channel: String,
    statuses: &'static [&'static str],
    channels: Vec<&'static str>,
    retried: bool,
}

const DELIVERY_STATUSES: &[&str] = &["queued", "sent", "delivered", "failed", "digest"];

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DeliveriesQuery {
    status: String,
    channel: String,
    retried: Option<String>,
}

pub async fn deliveries(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<DeliveriesQuery>,
) -> AppResult<Response> {
    // Unknown filter values are ignored (the selects only offer known ones).
    let status = DELIVERY_STATUSES
        .iter()
        .find(|s| **s == q.status)
        .map(|s| s.to_string());
    let channel = Channel::parse(&q.channel).map(|c| c.as_str().to_owned());
    let filter = DeliveryFilter {
        status: status.clone(),
        channel: channel.clone(),
        ..Default::default()
    };
    let rows = operations::deliveries(&state, &user, &filter, 100).await?;
    render(DeliveriesPage {
        page: Page::new(&state, &ctx, Some(&user)),
        rows,
        status: status.unwrap_or_default(),
        channel: channel.unwrap_or_default(),
        statuses: DELIVERY_STATUSES,
        channels: Channel::ALL.iter().map(|c| c.as_str()).collect(),
        retried: q.retried.is_some(),
    })
}

pub async fn retry_delivery(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    operations::retry_delivery(&state, &user, &user.audit(&ctx), id).await?;
    Ok(Redirect::to("/admin/deliveries?retried=1").into_response())
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage<'a> {
    page: Page<'a>,
    counts: JobCounts,
    jobs: Vec<Job>,
    status: String,
    requeued: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct JobsQuery {
    status: String,
    requeued: Option<String>,
}

pub async fn jobs(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<JobsQuery>,
) -> AppResult<Response> {
    let status = ["queued", "running", "done", "failed", "dead"]
        .into_iter()
        .find(|s| *s == q.status);
    let (counts, jobs) = operations::jobs(&state, &user, status, 100).await?;
    render(JobsPage {
        page: Page::new(&state, &ctx, Some(&user)),
        counts,
        jobs,
        status: status.unwrap_or_default().to_owned(),
        requeued: q.requeued.is_some(),
    })
}

pub async fn requeue_job(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    operations::requeue_job(&state, &user, &user.audit(&ctx), id).await?;
    Ok(Redirect::to("/admin/jobs?requeued=1").into_response())
}

#[derive(Template)]
#[template(path = "gateways.html")]
struct GatewaysPage<'a> {
    page: Page<'a>,
    offices: Vec<(String, String)>,
    gateways: Vec<OfficeWebhook>,
    /// Shown once, right after it was made.
    new_secret: Option<String>,
    url_error: Option<&'a str>,
    region: String,
    url: String,
}

async fn office_names(
    state: &AppState,
    user: &crate::CurrentUser,
) -> AppResult<Vec<(String, String)>> {
    let index = state.regions.index(&state.store).await?;
    Ok(operations::gateway_offices(state, user)
        .await?
        .into_iter()
        .map(|code| {
            let name = index.get(&code).map(|r| r.name.clone()).unwrap_or_default();
            (code.to_string(), name)
        })
        .collect())
}

pub async fn gateways(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let offices = office_names(&state, &user).await?;
    if offices.is_empty() {
        return Err(crate::error::AppError::Forbidden);
    }
    render(GatewaysPage {
        page: Page::new(&state, &ctx, Some(&user)),
        gateways: operations::gateways(&state, &user).await?,
        region: offices[0].0.clone(),
        offices,
        new_secret: None,
        url_error: None,
        url: String::new(),
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct GatewayInput {
    region: String,
    url: String,
    active: Option<String>,
    rotate: Option<String>,
}

pub async fn save_gateway(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<GatewayInput>,
) -> AppResult<Response> {
    let saved = operations::save_gateway(
        &state,
        &user,
        &user.audit(&ctx),
        &input.region,
        &input.url,
        input.active.is_some(),
        input.rotate.is_some(),
    )
    .await;
    let page = Page::new(&state, &ctx, Some(&user));
    let (new_secret, url_error) = match saved {
        Ok(secret) => (secret, None),
        Err(crate::error::AppError::Invalid(fields)) => (None, page.field_error(&fields, "url")),
        Err(e) => return Err(e),
    };
    let status = if url_error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    super::render_with_status(
        status,
        GatewaysPage {
            offices: office_names(&state, &user).await?,
            gateways: operations::gateways(&state, &user).await?,
            new_secret,
            url_error,
            region: input.region.clone(),
            url: if url_error.is_some() {
                input.url.clone()
            } else {
                String::new()
            },
            page,
        },
    )
}
