//! The feeds Simpul polls (BMKG earthquake JSON/XML, CAP 1.2) with their state (last success,
//! failures in a row, the last error), and the offices' approval setting. National and
//! provincial admins.

use super::super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_core::authz::Action;
use simpul_core::RegionCode;
use simpul_store::alerts::AlertFeed;

#[derive(Template)]
#[template(path = "alerts_feeds.html")]
struct FeedsPage<'a> {
    page: Page<'a>,
    feeds: Vec<AlertFeed>,
    offices: Vec<(String, String)>,
    notice: Option<&'a str>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct FeedsQuery {
    done: String,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<FeedsQuery>,
) -> AppResult<Response> {
    if !user.actor.can(Action::ManageAlertFeeds) {
        return Err(AppError::Forbidden);
    }
    let index = state.regions.index(&state.store).await?;
    let territory = user.actor.oversight();
    let offices = index
        .regions()
        .filter(|r| {
            matches!(
                r.level(),
                simpul_core::Level::Province | simpul_core::Level::Regency
            ) && territory.contains_region(&r.code)
        })
        .map(|r| (r.code.to_string(), r.name.clone()))
        .take(600)
        .collect();
    let page = Page::new(&state, &ctx, Some(&user));
    render(FeedsPage {
        notice: (!q.done.is_empty()).then(|| page.t.get("alerts.feeds_saved")),
        page,
        feeds: state.store.alert_feeds().await?,
        offices,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct FeedInput {
    name: String,
    kind: String,
    url: String,
    every_secs: String,
}

pub async fn save(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<FeedInput>,
) -> AppResult<Response> {
    if !user.actor.can(Action::ManageAlertFeeds) {
        return Err(AppError::Forbidden);
    }
    let kind = match input.kind.as_str() {
        "bmkg" | "cap" => input.kind.as_str(),
        _ => return Err(AppError::invalid("kind", "alerts.error_choose")),
    };
    let url = url_ok(&input.url).ok_or(AppError::invalid("url", "alerts.error_feed_url"))?;
    let every: i64 = input
        .every_secs
        .trim()
        .parse()
        .ok()
        .filter(|s| (10..=86_400).contains(s))
        .ok_or(AppError::invalid("every_secs", "alerts.error_feed_every"))?;
    let name = simpul_core::alerts::text_field(&input.name, 100)
        .map_err(|k| AppError::invalid("name", k))?;
    state
        .store
        .save_alert_feed(&user.audit(&ctx), &name, kind, &url, every)
        .await?;
    Ok(Redirect::to("/admin/alert-feeds?done=1").into_response())
}

fn url_ok(s: &str) -> Option<String> {
    let u = url::Url::parse(s.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ApprovalInput {
    region: String,
    requires: Option<String>,
}

pub async fn approval(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<ApprovalInput>,
) -> AppResult<Response> {
    let region = RegionCode::parse(input.region.trim())
        .map_err(|_| AppError::invalid("region", "alerts.error_region"))?;
    if !user.actor.can(Action::ManageAlertFeeds) || !user.actor.oversight().contains_region(&region)
    {
        return Err(AppError::Forbidden);
    }
    state
        .store
        .set_office_approval(&user.audit(&ctx), &region, input.requires.is_some())
        .await?;
    Ok(Redirect::to("/admin/alert-feeds?done=1").into_response())
}
