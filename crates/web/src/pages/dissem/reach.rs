//! The reach dashboard: a ranking of packages by people reached, reach by kabupaten/kota, by
//! channel and over time as server-drawn SVG bars, which targeted KIMs have not acted (for one
//! package), reports flagged for review; CSV and XLSX exports of the reports.

use super::{place, topic_name};
use crate::charts::{format_count, stacked_bar_chart, Bar};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, PathParam, Query, SessionUser};
use crate::pages::{render, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use simpul_app::dissem::{inbox as app_inbox, reach as app_reach};
use simpul_core::dissem::{ReportChannel, TargetState};

const CHART_WIDTH: u32 = 420;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReachQuery {
    package: Option<i64>,
    format: Option<String>,
}

pub struct PackageRow {
    pub id: i64,
    pub title: String,
    pub reach: String,
    pub counts: String,
}

#[derive(Template)]
#[template(path = "dissem_reach.html")]
struct ReachPage<'a> {
    page: Page<'a>,
    package: Option<(i64, String, String)>,
    total: String,
    ranking: Vec<PackageRow>,
    by_regency: String,
    by_channel: String,
    by_week: String,
    not_acted: Vec<(i64, String, String, String)>,
    flagged: Vec<(i64, i64, String, String, String, String, bool)>,
    export_q: String,
    tiles: String,
    attribution: String,
    leaflet_css: &'static str,
    leaflet_js: &'static str,
    map_js: &'static str,
}

fn bars(rows: Vec<(String, i64)>, series: &str) -> Vec<Bar> {
    rows.into_iter()
        .map(|(label, n)| Bar {
            label,
            segments: vec![(series.to_string(), n as f64)],
        })
        .collect()
}

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<ReachQuery>,
) -> AppResult<Response> {
    let view = app_reach::dashboard(&state, &user.actor, q.package).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let series = page.t.get("dissem.reach.people");
    let colors = [(series, "#0b5d75")];
    let mut regency_rows = Vec::new();
    for (code, n, _) in &view.reach.by_regency {
        regency_rows.push((super::place(&state, &page.t, Some(code)).await?, *n));
    }
    let channel_rows = view
        .reach
        .by_channel
        .iter()
        .map(|(c, n, _)| {
            (
                ReportChannel::parse(c)
                    .map(|x| page.t.get(&x.message_key()).to_string())
                    .unwrap_or_else(|| c.clone()),
                *n,
            )
        })
        .collect();
    // Weeks (Monday) over the days reported.
    let mut weeks: Vec<(chrono::NaiveDate, i64)> = Vec::new();
    for (day, n) in &view.reach.by_day {
        let monday = *day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()));
        match weeks.last_mut() {
            Some((w, total)) if *w == monday => *total += n,
            _ => weeks.push((monday, *n)),
        }
    }
    let week_rows = weeks
        .iter()
        .rev()
        .take(12)
        .rev()
        .map(|(w, n)| (page.date(*w), *n))
        .collect();
    let total: i64 = view.reach.by_package.iter().map(|p| p.2).sum();
    let ranking = view
        .reach
        .by_package
        .iter()
        .map(|(id, title, reach, reports, acted, targeted)| PackageRow {
            id: *id,
            title: title.clone(),
            reach: format_count((*reach).max(0) as u64, '.'),
            counts: page.t.fmt(
                "dissem.reach.counts",
                &[
                    ("reports", &reports.to_string()),
                    ("acted", &acted.to_string()),
                    ("targeted", &targeted.to_string()),
                ],
            ),
        })
        .collect();
    let mut not_acted = Vec::new();
    let mut package = None;
    if let Some((p, targets)) = &view.package {
        let office = place(&state, &page.t, p.owner_region.as_deref()).await?;
        package = Some((
            p.id,
            p.title.clone(),
            format!("{} · {}", topic_name(&page.t, &p.topic), office),
        ));
        let index = state.regions.index(&state.store).await?;
        for t in targets
            .iter()
            .filter(|t| t.state != TargetState::Done)
            .take(500)
        {
            not_acted.push((
                t.kim_id,
                t.kim_name.clone(),
                index.place_name(&t.village_code),
                page.t.get(&t.state.message_key()).to_string(),
            ));
        }
    }
    let flagged = view
        .flagged
        .iter()
        .map(|r| {
            (
                r.package_id,
                r.id,
                r.kim_name.clone(),
                r.package_title.clone(),
                format_count(r.reach.max(0) as u64, '.'),
                ReportChannel::parse(&r.channel)
                    .map(|x| page.t.get(&x.message_key()).to_string())
                    .unwrap_or_default(),
                r.has_photo,
            )
        })
        .collect();
    let export_q = q
        .package
        .map(|p| format!("&package={p}"))
        .unwrap_or_default();
    render(ReachPage {
        package,
        total: format_count(total.max(0) as u64, '.'),
        ranking,
        by_regency: stacked_bar_chart(
            page.t.get("dissem.reach.by_regency"),
            &bars(regency_rows, series),
            &colors,
            CHART_WIDTH,
        ),
        by_channel: stacked_bar_chart(
            page.t.get("dissem.reach.by_channel"),
            &bars(channel_rows, series),
            &colors,
            CHART_WIDTH,
        ),
        by_week: stacked_bar_chart(
            page.t.get("dissem.reach.by_week"),
            &bars(week_rows, series),
            &colors,
            CHART_WIDTH,
        ),
        not_acted,
        flagged,
        export_q,
        page,
        tiles: state.config.map_tiles.clone(),
        attribution: state.config.map_attribution.clone(),
        leaflet_css: &crate::assets::LEAFLET_CSS.url,
        leaflet_js: &crate::assets::LEAFLET_JS.url,
        map_js: &crate::assets::MAP_JS.url,
    })
}

/// A package's targeted KIMs with a location, coloured by whether they acted (map.js).
pub async fn map_points(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Query(q): Query<ReachQuery>,
) -> AppResult<Response> {
    let Some(package) = q.package else {
        return Err(AppError::NotFound);
    };
    let view = app_reach::dashboard(&state, &user.actor, Some(package)).await?;
    let Some((_, targets)) = view.package else {
        return Err(AppError::NotFound);
    };
    let features: Vec<serde_json::Value> = targets
        .iter()
        .filter_map(|t| {
            let (lat, lon) = (t.lat?, t.lon?);
            Some(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"id": t.kim_id, "name": t.kim_name, "status": t.state.as_str(),
                    "url": format!("/kim/{}", t.kim_id)},
            }))
        })
        .collect();
    Ok((
        [
            ("content-type", "application/geo+json"),
            ("cache-control", "private, no-store"),
        ],
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
        .into_response())
}

pub async fn export(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Query(q): Query<ReachQuery>,
) -> AppResult<Response> {
    let rows = app_reach::export_rows(&state, &user.actor, q.package).await?;
    let (ct, ext, bytes) = app_reach::sheet(
        q.format.as_deref().unwrap_or("csv"),
        "Laporan",
        &app_reach::EXPORT_HEADERS,
        &rows,
    )?;
    Ok((
        [
            ("content-type", ct.to_string()),
            (
                "content-disposition",
                format!("attachment; filename=\"laporan-diseminasi.{ext}\""),
            ),
            ("cache-control", "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    decision: String,
}

pub async fn review(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam((package, report)): PathParam<(i64, i64)>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    let accept = match form.decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("error.bad_form")),
    };
    app_inbox::review(
        &state,
        &user.actor,
        &user.audit(&ctx),
        package,
        report,
        accept,
    )
    .await?;
    Ok(Redirect::to(&format!("/dissem/reach?package={package}")).into_response())
}
