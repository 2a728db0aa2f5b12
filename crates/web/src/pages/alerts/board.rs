//! The admin's live board: every targeted KIM with its answer and the reason it was targeted,
//! counts and timings, the KIMs on a map, situation reports with their (re-encoded) photos;
//! CSV and XLSX export. The table
//! refreshes itself through a server-sent event stream when something changes (any instance:
//! the live bus); without JavaScript the page reloads itself every 30 seconds.

use super::super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{PathParam, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use simpul_app::alerts::board::{self as app_board, Board};
use simpul_app::live::LiveEvent;
use std::time::Duration;

#[derive(Template)]
#[template(path = "alerts_board.html")]
struct BoardPage<'a> {
    page: Page<'a>,
    b: Board,
    state_label: &'static str,
    places: Vec<String>,
    alerts_js: &'static str,
    tiles: String,
    attribution: String,
    leaflet_css: &'static str,
    leaflet_js: &'static str,
    map_js: &'static str,
}

#[derive(Template)]
#[template(path = "alerts_board_rows.html")]
struct BoardRows<'a> {
    page: Page<'a>,
    b: Board,
    places: Vec<String>,
}

async fn places(state: &AppState, b: &Board) -> AppResult<Vec<String>> {
    let index = state.regions.index(&state.store).await?;
    Ok(b.targets
        .iter()
        .map(|t| index.place_name(&t.village_code))
        .collect())
}

pub async fn page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let b = app_board::board(&state, &user, id).await?;
    let places = places(&state, &b).await?;
    render(BoardPage {
        page: Page::new(&state, &ctx, Some(&user)),
        state_label: super::shown_state(&b.alert),
        places,
        b,
        alerts_js: &crate::assets::ALERTS_JS.url,
        tiles: state.config.map_tiles.clone(),
        attribution: state.config.map_attribution.clone(),
        leaflet_css: &crate::assets::LEAFLET_CSS.url,
        leaflet_js: &crate::assets::LEAFLET_JS.url,
        map_js: &crate::assets::MAP_JS.url,
    })
}

/// A fingerprint of what the board shows: when it moves, the rows are sent again.
fn fingerprint(b: &Board) -> String {
    let s = &b.stats;
    format!(
        "{}:{}:{}:{}:{}:{}:{}:{}",
        b.alert.version,
        b.alert.state,
        s.received,
        s.safe,
        s.affected,
        s.need_help,
        s.escalated,
        b.reports.len()
    )
}

/// Server-sent events: `board` with the table's new HTML whenever it changed.
pub async fn live(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    // Refuse at once what the page would refuse.
    let first = app_board::board(&state, &user, id).await?;
    struct S {
        state: AppState,
        ctx: RequestCtx,
        user: crate::CurrentUser,
        events: tokio::sync::broadcast::Receiver<LiveEvent>,
        last: String,
    }
    let start = S {
        events: state.live.subscribe(),
        last: fingerprint(&first),
        state,
        ctx,
        user,
    };
    let stream = futures_util::stream::unfold(start, move |mut s| async move {
        loop {
            let stopping = async {
                match s.state.shutdown.clone().as_mut() {
                    Some(rx) => {
                        let _ = rx.wait_for(|stop| *stop).await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                // Re-read on any change, and every five seconds regardless (a background job's
                // write on another process reaches no bus).
                _ = tokio::time::timeout(Duration::from_secs(5), s.events.recv()) => {}
                _ = stopping => return None,
            }
            let Ok(b) = app_board::board(&s.state, &s.user, id).await else {
                continue;
            };
            let print = fingerprint(&b);
            if print == s.last {
                continue;
            }
            s.last = print;
            let Ok(places) = places(&s.state, &b).await else {
                continue;
            };
            let html = BoardRows {
                page: Page::new(&s.state, &s.ctx, Some(&s.user)),
                b,
                places,
            }
            .render()
            .unwrap_or_default();
            return Some((
                Ok::<Event, std::convert::Infallible>(Event::default().event("board").data(html)),
                s,
            ));
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response())
}

pub async fn csv(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let b = app_board::board(&state, &user, id).await?;
    Ok((
        [
            ("content-type", "text/csv; charset=utf-8".to_owned()),
            (
                "content-disposition",
                format!("attachment; filename=\"peringatan-{id}.csv\""),
            ),
            ("cache-control", "private, no-store".to_owned()),
        ],
        app_board::board_csv(&b),
    )
        .into_response())
}

/// The board as a workbook for the office's records and its report upward: one row per targeted
/// KIM, in the reader's language (the CSV keeps the codes, for machines).
pub async fn xlsx(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let b = app_board::board(&state, &user, id).await?;
    let places = places(&state, &b).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let t = page.t;
    let when =
        |d: Option<chrono::DateTime<chrono::Utc>>| d.map(|d| page.time(d)).unwrap_or_default();
    let label = |kind: &str, v: &str| t.get(&super::label_key(kind, v)).to_owned();
    let headers = [
        t.get("alerts.col_kim"),
        t.get("alerts.col_place"),
        t.get("alerts.answer"),
        t.get("alerts.col_answered_at"),
        t.get("alerts.first_ack"),
        t.get("alerts.escalated"),
        t.get("alerts.reason"),
    ];
    let rows: Vec<Vec<String>> = b
        .targets
        .iter()
        .zip(&places)
        .map(|(r, place)| {
            let reason = match super::reason_detail(&t, &r.reason, &r.detail) {
                d if d.is_empty() => label("reason", &r.reason),
                d => format!("{} ({d})", label("reason", &r.reason)),
            };
            vec![
                r.kim_name.clone(),
                place.clone(),
                label("ack", &r.status),
                when(r.status_at),
                when(r.first_ack_at),
                when(r.escalated_at),
                reason,
            ]
        })
        .collect();
    let bytes = simpul_core::sheet::write_xlsx(t.get("alerts.board"), &headers, &rows)
        .map_err(AppError::internal)?;
    Ok((
        [
            (
                "content-type",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                "content-disposition",
                format!("attachment; filename=\"peringatan-{id}.xlsx\""),
            ),
            ("cache-control", "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// The board's KIMs on the map (map.js), fetched again whenever the board moves.
pub async fn geojson(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let b = app_board::board(&state, &user, id).await?;
    Ok((
        [
            ("content-type", "application/geo+json"),
            ("cache-control", "private, no-store"),
        ],
        app_board::board_points(&b).to_string(),
    )
        .into_response())
}

/// A situation report's photo, for those who may watch the alert's board.
pub async fn photo(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam((id, file)): PathParam<(i64, i64)>,
) -> AppResult<Response> {
    let b = app_board::board(&state, &user, id).await?;
    if !b.photos.iter().any(|(_, f)| *f == file) {
        return Err(AppError::NotFound);
    }
    let f = state.store.file(file).await?;
    Ok((
        [
            ("content-type", "image/jpeg"),
            ("cache-control", "private, max-age=3600"),
        ],
        f.data,
    )
        .into_response())
}
