//! The admin's live board: every targeted KIM with its answer and the reason it was targeted,
//! counts and timings, situation reports with their (re-encoded) photos; CSV export. The table
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
