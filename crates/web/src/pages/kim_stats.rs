//! Coverage statistics (table and server-rendered SVG charts), the map, and KIM files
//! (decree scan, logo).

use super::{render, Page};
use crate::charts::{format_count, percent_bar_chart, stacked_bar_chart, Bar};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{CurrentUser, MaybeUser, PathParam, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::registry::{self as reg, DirectoryQuery};
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::registry::KimStatus;
use simpul_core::{Level, RegionCode};
use simpul_store::registry::RegionStats;

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct StatsQuery {
    /// Region whose children are counted; empty for the provinces of Indonesia.
    pub region: String,
}

/// Statistics below a region the user oversees (staff only).
pub async fn stats_for(
    state: &AppState,
    who: &CurrentUser,
    q: &StatsQuery,
) -> AppResult<(Option<RegionCode>, Vec<RegionStats>)> {
    if !who.actor.can(Action::Oversee) {
        return Err(AppError::Forbidden);
    }
    let oversight = who.actor.oversight();
    let region = match q.region.trim() {
        "" => match &oversight {
            ScopeRegions::All => None,
            ScopeRegions::Regions(r) if r.len() == 1 => Some(r[0].clone()),
            ScopeRegions::Regions(r) => Some(r[0].province())
                .filter(|p| oversight.contains_region(p))
                .or(None),
        },
        code => {
            Some(RegionCode::parse(code).map_err(|_| AppError::invalid("region", "error.region"))?)
        }
    };
    let allowed = match &region {
        None => matches!(oversight, ScopeRegions::All),
        Some(r) => oversight.contains_region(r),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    if region.as_ref().is_some_and(|r| r.level() == Level::Village) {
        return Err(AppError::invalid("region", "error.region"));
    }
    if let Some(r) = &region {
        state.store.region(r).await?;
    }
    let mut stats = state.store.kim_stats(region.as_ref()).await?;
    let index = state.regions.index(&state.store).await?;
    for s in &mut stats {
        if let Ok(code) = RegionCode::parse(&s.code) {
            s.villages = index.villages_under(&code) as i64;
        }
    }
    Ok((region, stats))
}

pub struct StatRow {
    code: String,
    name: String,
    drill: bool,
    counts: Vec<i64>,
    total: i64,
    members: i64,
    villages: i64,
    coverage: String,
}

#[derive(Template)]
#[template(path = "kim_stats.html")]
struct StatsPage<'a> {
    page: Page<'a>,
    region_name: String,
    ancestors: Vec<(String, String)>,
    summary: String,
    status_names: Vec<&'a str>,
    rows: Vec<StatRow>,
    coverage_chart: String,
    status_chart: String,
    api_query: String,
}

const COLORS: [(&str, &str); 7] = [
    ("active", "#0b5d75"),
    ("verified", "#2e8b57"),
    ("submitted", "#b35c00"),
    ("draft", "#c9a227"),
    ("inactive", "#777777"),
    ("rejected", "#b3261e"),
    ("dissolved", "#444444"),
];

fn percent(part: i64, whole: i64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}

pub async fn stats(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<StatsQuery>,
) -> AppResult<Response> {
    let (region, stats) = stats_for(&state, &user, &q).await?;
    let index = state.regions.index(&state.store).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let t = page.t;
    let name = |code: &str| {
        RegionCode::parse(code)
            .ok()
            .and_then(|c| index.get(&c).map(|r| r.name.clone()))
            .unwrap_or_else(|| code.to_owned())
    };
    let statuses: Vec<&str> = COLORS.iter().map(|(s, _)| *s).collect();
    let (mut kims, mut villages, mut covered) = (0, 0, 0);
    let rows: Vec<StatRow> = stats
        .iter()
        .map(|s| {
            kims += s.kims;
            villages += s.villages;
            covered += s.villages_with_active_kim;
            StatRow {
                code: s.code.clone(),
                name: name(&s.code),
                drill: s.code.len() < 13,
                counts: statuses
                    .iter()
                    .map(|st| s.by_status.get(*st).copied().unwrap_or(0))
                    .collect(),
                total: s.kims,
                members: s.members,
                villages: s.villages,
                coverage: format!(
                    "{:.1}%",
                    percent(s.villages_with_active_kim, s.villages) * 100.0
                ),
            }
        })
        .collect();
    let series: Vec<(&str, &str)> = COLORS
        .iter()
        .map(|(s, c)| (t.get(&format!("status.{s}")), *c))
        .collect();
    let bars: Vec<Bar> = rows
        .iter()
        .filter(|r| r.total > 0)
        .map(|r| Bar {
            label: r.name.clone(),
            segments: statuses
                .iter()
                .zip(&r.counts)
                .map(|(s, n)| (t.get(&format!("status.{s}")).to_owned(), *n as f64))
                .collect(),
        })
        .collect();
    let coverage: Vec<(String, f64)> = stats
        .iter()
        .map(|s| {
            (
                name(&s.code),
                percent(s.villages_with_active_kim, s.villages),
            )
        })
        .collect();
    let region_name = region
        .as_ref()
        .map(|r| name(r.as_str()))
        .unwrap_or_else(|| "Indonesia".into());
    let ancestors = region
        .as_ref()
        .map(|r| {
            r.ancestors()
                .iter()
                .map(|a| (a.to_string(), name(a.as_str())))
                .collect()
        })
        .unwrap_or_default();
    render(StatsPage {
        summary: t.fmt(
            "stats.summary",
            &[
                ("kims", &format_count(kims as u64, '.')),
                ("covered", &format_count(covered as u64, '.')),
                ("villages", &format_count(villages as u64, '.')),
                ("pct", &format!("{:.1}", percent(covered, villages) * 100.0)),
            ],
        ),
        coverage_chart: percent_bar_chart(t.get("stats.coverage_chart"), &coverage, 400),
        status_chart: stacked_bar_chart(t.get("stats.status_chart"), &bars, &series, 400),
        status_names: statuses
            .iter()
            .map(|s| t.get(&format!("status.{s}")))
            .collect(),
        api_query: region
            .as_ref()
            .map(|r| format!("?region={r}"))
            .unwrap_or_default(),
        region_name,
        ancestors,
        rows,
        page,
    })
}

#[derive(Template)]
#[template(path = "kim_map.html")]
struct MapPage<'a> {
    page: Page<'a>,
    query: String,
    tiles: String,
    attribution: String,
    leaflet_css: &'static str,
    leaflet_js: &'static str,
    map_js: &'static str,
}

pub async fn map(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    reg::directory_filter(user.as_ref().map(|u| &u.actor), &q)?;
    let mut base = q.clone();
    base.page = None;
    let qs = serde_urlencoded::to_string(&base).unwrap_or_default();
    render(MapPage {
        page: Page::new(&state, &ctx, user.as_ref()),
        query: if qs.is_empty() {
            String::new()
        } else {
            format!("?{qs}")
        },
        tiles: state.config.map_tiles.clone(),
        attribution: state.config.map_attribution.clone(),
        leaflet_css: &crate::assets::LEAFLET_CSS.url,
        leaflet_js: &crate::assets::LEAFLET_JS.url,
        map_js: &crate::assets::MAP_JS.url,
    })
}

/// The KIM points of a directory query as GeoJSON (at most 20,000 points).
pub async fn geojson_for(
    state: &AppState,
    who: Option<&CurrentUser>,
    q: &DirectoryQuery,
) -> AppResult<serde_json::Value> {
    let filter = reg::directory_filter(who.map(|u| &u.actor), q)?;
    let (kims, _) = state.store.search_kims(&filter, 20_000, 0).await?;
    let index = state.regions.index(&state.store).await?;
    let features: Vec<serde_json::Value> = kims
        .iter()
        .filter_map(|k| {
            let (lat, lon) = (k.lat?, k.lon?);
            Some(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"id": k.id, "name": k.name, "number": k.reg_number, "status": k.status,
                    "url": format!("/kim/{}", k.id), "village": super::kim::place_name(&index, &k.village_code)},
            }))
        })
        .collect();
    Ok(serde_json::json!({"type": "FeatureCollection", "features": features}))
}

/// Serve a KIM's decree scan or logo to whoever may see the KIM.
pub async fn file(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    PathParam((id, slot)): PathParam<(i64, String)>,
) -> AppResult<Response> {
    let k = state.store.kim(id).await?;
    let village = reg::kim_village(&k).await?;
    if !reg::can_see(user.as_ref().map(|u| &u.actor), &k, &village) {
        return Err(AppError::NotFound);
    }
    let file_id = match slot.as_str() {
        "sk" => k.sk_file_id,
        "logo" => k.logo_file_id,
        _ => None,
    }
    .ok_or(AppError::NotFound)?;
    let f = state.store.file(file_id).await?;
    // An unpublished KIM's files are for its officers and admins only: no cache keeps a copy.
    let published = KimStatus::parse(&k.status).is_some_and(|s| s.is_public());
    let cache = if published {
        "private, max-age=3600"
    } else {
        "no-store"
    };
    let disposition = if slot == "sk" {
        format!("inline; filename=\"SK-{}.pdf\"", k.id)
    } else {
        "inline".into()
    };
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, cache.into()),
        ],
        f.data,
    )
        .into_response())
}

const MAX_PDF: usize = 5 * 1024 * 1024;
const MAX_LOGO: usize = 1024 * 1024;

/// What an upload really is, by its first bytes (never trust the browser's content type).
pub fn sniff(slot: &str, data: &[u8]) -> Result<&'static str, &'static str> {
    match slot {
        "sk" if data.len() > MAX_PDF => Err("error.file_too_large"),
        "sk" if data.starts_with(b"%PDF-") => Ok("application/pdf"),
        "sk" => Err("error.not_pdf"),
        "logo" if data.len() > MAX_LOGO => Err("error.file_too_large"),
        "logo" if data.starts_with(b"\x89PNG\r\n\x1a\n") => Ok("image/png"),
        "logo" if data.starts_with(&[0xFF, 0xD8, 0xFF]) => Ok("image/jpeg"),
        "logo" => Err("error.not_image"),
        _ => Err("error.bad_form"),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct UploadQuery {
    csrf_token: String,
}

/// Multipart upload of `sk` (PDF) and/or `logo` (PNG/JPEG). The CSRF token travels in the
/// query string because the form is multipart.
pub async fn upload(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<UploadQuery>,
    mut form: Multipart,
) -> AppResult<Response> {
    if !simpul_core::secrets::constant_time_eq(&q.csrf_token, &ctx.csrf) {
        return Err(AppError::BadRequest("error.csrf"));
    }
    let k = state.store.kim(id).await?;
    let village = reg::kim_village(&k).await?;
    if !user.actor.can(Action::EditKim {
        kim_id: id,
        village: &village,
    }) {
        return Err(AppError::Forbidden);
    }
    let audit = user.audit(&ctx);
    let mut saved = 0;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error.bad_form"))?
    {
        let slot = field.name().unwrap_or("").to_owned();
        let filename = field
            .file_name()
            .unwrap_or("upload")
            .chars()
            .take(120)
            .collect::<String>();
        let data = field
            .bytes()
            .await
            .map_err(|_| AppError::BadRequest("error.file_too_large"))?;
        if data.is_empty() {
            continue;
        }
        let content_type = sniff(&slot, &data)
            .map_err(|key| AppError::invalid(if slot == "logo" { "logo" } else { "sk" }, key))?;
        let file_id = state
            .store
            .save_file(&audit, &slot, content_type, &filename, &data)
            .await?;
        state
            .store
            .attach_kim_file(&audit, id, &village, &slot, file_id)
            .await?;
        saved += 1;
    }
    if saved == 0 {
        return Err(AppError::invalid("sk", "error.no_file"));
    }
    Ok(Redirect::to(&format!("/kim/{id}?saved=1")).into_response())
}
