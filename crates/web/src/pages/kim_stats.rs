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
use simpul_core::authz::Action;
use simpul_core::registry::KimStatus;
use simpul_core::RegionCode;

use simpul_app::stats::public_stats;
pub use simpul_app::stats::{stats_for, StatsQuery};

pub struct StatRow {
    code: String,
    name: String,
    drill: bool,
    counts: Vec<String>,
    total: String,
    members: String,
    villages: String,
    coverage: String,
}

/// Numbers as the reader's language writes them: "8.494" and "3,0%" in Indonesian, "8,494"
/// and "3.0%" in English.
struct Numbers {
    group: char,
    decimal: char,
}

impl Numbers {
    fn for_lang(lang: &str) -> Numbers {
        if lang == "en" {
            Numbers {
                group: ',',
                decimal: '.',
            }
        } else {
            Numbers {
                group: '.',
                decimal: ',',
            }
        }
    }

    fn count(&self, n: i64) -> String {
        format_count(n.max(0) as u64, self.group)
    }

    /// A share (0.0–1.0) as a percentage with one decimal.
    fn percent(&self, share: f64) -> String {
        let text = format!("{:.1}", share * 100.0);
        text.replace('.', &self.decimal.to_string())
    }
}

/// Whether `who` oversees the region asked for (or, with none asked, has a territory of their
/// own): then they see every status; otherwise the public counts.
fn oversees(who: Option<&CurrentUser>, q: &StatsQuery) -> bool {
    let Some(who) = who.filter(|w| w.actor.can(Action::Oversee)) else {
        return false;
    };
    let oversight = who.actor.oversight();
    match q.region.trim() {
        "" => true,
        code => RegionCode::parse(code).is_ok_and(|c| oversight.contains_region(&c)),
    }
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
    /// Counts of published KIMs only (the visitor oversees no part of this region).
    public_view: bool,
}

/// Charts are drawn this wide: a 360 px phone shows them unshrunk.
const CHART_WIDTH: u32 = 320;

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
    MaybeUser(user): MaybeUser,
    Query(q): Query<StatsQuery>,
) -> AppResult<Response> {
    let full = oversees(user.as_ref(), &q);
    let (full, (region, stats)) = match &user {
        // A territory with no one region of its own (a Bakorwil group) has no default page:
        // the public figures then, from which its kabupaten are a link away.
        Some(u) if full => match stats_for(&state, u, &q).await {
            Err(AppError::Forbidden) => (false, public_stats(&state, &q).await?),
            other => (true, other?),
        },
        _ => (false, public_stats(&state, &q).await?),
    };
    let index = state.regions.index(&state.store).await?;
    let page = Page::new(&state, &ctx, user.as_ref());
    let t = page.t;
    let num = Numbers::for_lang(page.lang);
    let name = |code: &str| {
        RegionCode::parse(code)
            .ok()
            .and_then(|c| index.get(&c).map(|r| r.name.clone()))
            .unwrap_or_else(|| code.to_owned())
    };
    let statuses: Vec<&str> = COLORS
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| full || KimStatus::parse(s).is_some_and(|k| k.is_public()))
        .collect();
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
                    .map(|st| num.count(s.by_status.get(*st).copied().unwrap_or(0)))
                    .collect(),
                total: num.count(s.kims),
                members: num.count(s.members),
                villages: num.count(s.villages),
                coverage: format!(
                    "{}%",
                    num.percent(percent(s.villages_with_active_kim, s.villages))
                ),
            }
        })
        .collect();
    let series: Vec<(&str, &str)> = COLORS
        .iter()
        .map(|(s, c)| (t.get(&format!("status.{s}")), *c))
        .collect();
    let bars: Vec<Bar> = stats
        .iter()
        .filter(|s| s.kims > 0)
        .map(|s| Bar {
            label: name(&s.code),
            segments: statuses
                .iter()
                .map(|st| {
                    let n = s.by_status.get(*st).copied().unwrap_or(0);
                    (t.get(&format!("status.{st}")).to_owned(), n as f64)
                })
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
                ("kims", &num.count(kims)),
                ("covered", &num.count(covered)),
                ("villages", &num.count(villages)),
                ("pct", &num.percent(percent(covered, villages))),
            ],
        ),
        // Drawn at a phone's width, so the 12 px labels are not shrunk on a 360 px screen.
        coverage_chart: percent_bar_chart(t.get("stats.coverage_chart"), &coverage, CHART_WIDTH),
        status_chart: stacked_bar_chart(t.get("stats.status_chart"), &bars, &series, CHART_WIDTH),
        public_view: !full,
        status_names: statuses
            .iter()
            .map(|s| t.get(&format!("status.{s}")))
            .collect(),
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
    /// The same KIMs as the map, as a list: what a screen reader or a phone without
    /// JavaScript gets.
    kims: Vec<MapItem>,
    /// "and 25 more": KIMs beyond the list (narrow the filter in the directory).
    more: String,
    /// How many KIMs of the list have no location and so are not on the map.
    without_location: String,
    tiles: String,
    attribution: String,
    leaflet_css: &'static str,
    leaflet_js: &'static str,
    map_js: &'static str,
}

struct MapItem {
    id: i64,
    name: String,
    place: String,
    status: String,
    status_class: &'static str,
}

/// KIMs the map's list shows at most.
const MAP_LIST: i64 = 300;

pub async fn map(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    let filter = reg::directory_filter(user.as_ref().map(|u| &u.actor), &q)?;
    let (found, total) = state.store.search_kims(&filter, MAP_LIST, 0).await?;
    let index = state.regions.index(&state.store).await?;
    let page = Page::new(&state, &ctx, user.as_ref());
    let t = page.t;
    let without_location = found
        .iter()
        .filter(|k| k.lat.is_none() || k.lon.is_none())
        .count();
    let kims = found
        .iter()
        .map(|k| MapItem {
            id: k.id,
            name: k.name.clone(),
            place: index.place_name(&k.village_code),
            status: t.get(&format!("status.{}", k.status)).to_owned(),
            status_class: status_class(&k.status),
        })
        .collect();
    let mut base = q.clone();
    base.page = None;
    let qs = serde_urlencoded::to_string(&base).unwrap_or_default();
    render(MapPage {
        page,
        kims,
        more: if total > MAP_LIST {
            t.fmt("map.more", &[("n", &(total - MAP_LIST).to_string())])
        } else {
            String::new()
        },
        without_location: if without_location > 0 {
            t.fmt(
                "map.without_location",
                &[("n", &without_location.to_string())],
            )
        } else {
            String::new()
        },
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

/// The legend's colour class of a status, as map.js colours the points.
fn status_class(status: &str) -> &'static str {
    match status {
        "verified" | "active" => "dot-active",
        "inactive" => "dot-inactive",
        _ => "dot-other",
    }
}

/// The map's points for the person looking at it (their session decides what they may see,
/// as on the directory page; the API's own endpoint knows only bearer tokens).
pub async fn map_geojson(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    let doc = simpul_app::stats::kim_points(&state, user.as_deref(), &q, true).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        doc.to_string(),
    )
        .into_response())
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
