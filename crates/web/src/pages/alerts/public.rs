//! What the public sees: active alerts and their history (`/peringatan`), one alert
//! (`/peringatan/{id}`), its CAP 1.2 document (`/peringatan/{id}.cap`) and the CAP Atom feed
//! for aggregators (`/peringatan/feed.atom`). All of them are answered from the public render
//! cache (see `public_cache`), so a crowd opening them at once costs one render; they carry no
//! form and no personal data (no KIM statuses, no reports).

use super::super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::PathParam;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use simpul_store::alerts::{AlertFilter, AlertRecord};

/// Alerts the public sees (sent ones: never pending or rejected).
async fn published(state: &AppState, limit: i64) -> AppResult<Vec<AlertRecord>> {
    let f = AlertFilter {
        states: vec!["active".into(), "cancelled".into()],
        ..AlertFilter::default()
    };
    Ok(state.store.alerts(&f, limit).await?)
}

#[derive(Template)]
#[template(path = "alerts_public.html")]
struct PublicList<'a> {
    page: Page<'a>,
    active: Vec<AlertRecord>,
    past: Vec<AlertRecord>,
}

pub async fn list(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    let (active, past) = published(&state, 100)
        .await?
        .into_iter()
        .partition(super::in_force);
    render(PublicList {
        page: Page::new(&state, &ctx, None),
        active,
        past,
    })
}

#[derive(Template)]
#[template(path = "alerts_public_show.html")]
struct PublicShow<'a> {
    page: Page<'a>,
    alert: AlertRecord,
    state_label: &'static str,
}

/// `/peringatan/{id}` (the page) or `/peringatan/{id}.cap` (its latest CAP message).
pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    PathParam(id): PathParam<String>,
) -> AppResult<Response> {
    let (number, cap) = match id.strip_suffix(".cap") {
        Some(n) => (n, true),
        None => (id.as_str(), false),
    };
    let number: i64 = number.parse().map_err(|_| AppError::NotFound)?;
    let alert = state.store.alert(number).await?;
    if alert.state != "active" && alert.state != "cancelled" {
        return Err(AppError::NotFound);
    }
    if cap {
        let latest = state
            .store
            .latest_alert_messages(&[number])
            .await?
            .pop()
            .ok_or(AppError::NotFound)?;
        return Ok((
            [("content-type", "application/cap+xml; charset=utf-8")],
            latest.cap_xml,
        )
            .into_response());
    }
    render(PublicShow {
        page: Page::new(&state, &ctx, None),
        state_label: super::shown_state(&alert),
        alert,
    })
}

#[derive(Template)]
#[template(path = "alerts_feed.xml")]
struct Feed {
    base: String,
    updated: String,
    entries: Vec<(AlertRecord, String, String)>,
}

/// The CAP Atom feed: one entry per alert (latest message), linking to its CAP document.
pub async fn atom(State(state): State<AppState>) -> AppResult<Response> {
    let alerts = published(&state, 50).await?;
    let ids: Vec<i64> = alerts.iter().map(|a| a.id).collect();
    let messages = state.store.latest_alert_messages(&ids).await?;
    let base = state.config.base_url.trim_end_matches('/').to_owned();
    let mut entries = Vec::new();
    let mut newest = None;
    for a in alerts {
        let Some(m) = messages.iter().find(|m| m.alert_id == a.id) else {
            continue;
        };
        newest = newest.max(Some(m.sent_at));
        let id = simpul_app::alerts::send::message_identifier(&a.identifier, m.version);
        entries.push((a, m.sent_at.to_rfc3339(), id));
    }
    let updated = newest.unwrap_or_else(chrono::Utc::now).to_rfc3339();
    let xml = Feed {
        base,
        updated,
        entries,
    }
    .render()
    .map_err(AppError::internal)?;
    Ok((
        [("content-type", "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}
