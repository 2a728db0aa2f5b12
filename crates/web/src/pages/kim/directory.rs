//! The public KIM directory: search by name or place, cascading region filters that work with
//! and without JavaScript, status and topic filters.

use super::{may_register, status_badge};
use crate::csrf::RequestCtx;
use crate::error::AppResult;
use crate::extract::{MaybeUser, Query};
use crate::i18n::Messages;
use crate::pages::{render, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use simpul_app::registry::{self as reg, DirectoryQuery, PAGE_SIZE};
use simpul_core::authz::Action;
use simpul_core::regions::RegionIndex;
use simpul_core::registry::{KimStatus, Topic};
use simpul_core::{Level, PageNumber, RegionCode};

pub struct RegionSelect {
    /// The query parameter: province, regency or district.
    pub name: &'static str,
    pub label: String,
    pub options: Vec<(String, String, bool)>,
}

pub struct DirRow {
    id: i64,
    name: String,
    status: String,
    badge: &'static str,
    number: Option<String>,
    place: String,
}

/// "KIM di Kabupaten Pasuruan": a place whose name matched the search box.
pub struct PlaceLink {
    label: String,
    context: String,
    href: String,
}

#[derive(Template)]
#[template(path = "kim_directory.html")]
struct DirectoryPage<'a> {
    page: Page<'a>,
    q: DirectoryQuery,
    summary: String,
    region_selects: Vec<RegionSelect>,
    /// A village chosen by a link (the selects stop at the kecamatan).
    village: Option<(String, String)>,
    statuses: Vec<(&'static str, &'a str, bool)>,
    topics: Vec<(&'static str, &'a str, bool)>,
    places: Vec<PlaceLink>,
    rows: Vec<DirRow>,
    filtered: bool,
    prev: Option<String>,
    next: Option<String>,
    query_string: String,
    can_register: bool,
    can_export: bool,
    can_import: bool,
}

fn query_string(q: &DirectoryQuery) -> String {
    match serde_urlencoded::to_string(q).unwrap_or_default() {
        s if s.is_empty() => String::new(),
        s => format!("?{s}"),
    }
}

fn with_page(q: &DirectoryQuery, page: i64) -> String {
    let mut q = q.clone();
    q.page = Some(PageNumber::new(page));
    query_string(&q)
}

/// Cascading region selects that work without JavaScript: each level appears once its parent is
/// chosen (the form is sent in between; with JavaScript, htmx sends it on every change).
pub async fn region_selects(
    state: &AppState,
    t: Messages<'_>,
    selected: Option<&RegionCode>,
) -> AppResult<Vec<RegionSelect>> {
    let mut chain = selected
        .map(|c| {
            let mut v = c.ancestors();
            v.push(c.clone());
            v
        })
        .unwrap_or_default();
    chain.truncate(3);
    let mut out = Vec::new();
    let mut parent: Option<RegionCode> = None;
    for (depth, name) in ["province", "regency", "district"].into_iter().enumerate() {
        let children = state.store.region_children(parent.as_ref()).await?;
        let level = Level::from_depth(depth as i64 + 1).expect("depth 1..3");
        let chosen = chain.get(depth);
        out.push(RegionSelect {
            name,
            label: t.get(&format!("level.{}", level.as_str())).to_owned(),
            options: children
                .iter()
                .map(|c| (c.code.to_string(), c.name.clone(), Some(&c.code) == chosen))
                .collect(),
        });
        match chosen {
            Some(c) => parent = Some(c.clone()),
            None => break,
        }
    }
    Ok(out)
}

/// How a place reads in a link: "Kabupaten Pasuruan", "Kecamatan Prigen", "Desa Prigen".
pub fn place_label(t: Messages<'_>, level: Level, name: &str) -> String {
    match level {
        Level::District => t.fmt("kim.place_district", &[("name", name)]),
        Level::Village => t.fmt("kim.place_village", &[("name", name)]),
        _ => name.to_owned(),
    }
}

/// Places whose names match the search box, as links to their KIMs (keeping the other filters).
fn matching_places(
    t: Messages<'_>,
    index: &RegionIndex,
    q: &DirectoryQuery,
    chosen: Option<&RegionCode>,
) -> Vec<PlaceLink> {
    if q.q.trim().chars().count() < 3 {
        return Vec::new();
    }
    index
        .search(&q.q, 6)
        .into_iter()
        .filter(|h| Some(&h.region.code) != chosen)
        .take(5)
        .map(|h| {
            let target = DirectoryQuery {
                region: h.region.code.to_string(),
                status: q.status.clone(),
                topic: q.topic.clone(),
                ..Default::default()
            };
            let place = place_label(t, h.region.level(), &h.region.name);
            PlaceLink {
                label: t.fmt("kim.in_place", &[("place", &place)]),
                context: h.context.join(", "),
                href: format!("/kim{}", query_string(&target)),
            }
        })
        .collect()
}

pub async fn directory(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    let filter = reg::directory_filter(user.as_ref().map(|u| &u.actor), &q)?;
    let q = q.canonical()?;
    let page_no = q.page.unwrap_or_default().get();
    let (kims, total) = state
        .store
        .search_kims(&filter, PAGE_SIZE, (page_no - 1) * PAGE_SIZE)
        .await?;
    let index = state.regions.index(&state.store).await?;
    let page = Page::new(&state, &ctx, user.as_ref());
    let t = page.t;
    let rows = kims
        .iter()
        .map(|k| DirRow {
            id: k.id,
            name: k.name.clone(),
            status: t.get(&format!("status.{}", k.status)).to_owned(),
            badge: status_badge(&k.status),
            number: k.reg_number.clone(),
            place: index.place_name(&k.village_code),
        })
        .collect();
    let staff = user.as_ref().is_some_and(|u| u.actor.can(Action::Oversee));
    let statuses = KimStatus::ALL
        .iter()
        .filter(|s| s.is_public() || staff)
        .map(|s| {
            let key = s.as_str();
            (key, t.get(&format!("status.{key}")), q.status == key)
        })
        .collect();
    let topics = Topic::ALL
        .iter()
        .map(|tp| {
            let key = tp.as_str();
            (key, t.get(&format!("topic.{key}")), q.topic == key)
        })
        .collect();
    let chosen = filter.region.as_ref();
    let region_selects = region_selects(&state, t, chosen).await?;
    let village = chosen
        .filter(|c| c.level() == Level::Village)
        .map(|c| (c.to_string(), index.place_name(c.as_str())));
    let places = matching_places(t, &index, &q, chosen);
    let mut base = q.clone();
    base.page = None;
    let cap = simpul_store::registry::COUNT_CAP;
    render(DirectoryPage {
        summary: if total > cap {
            t.fmt("kim.found_many", &[("n", &cap.to_string())])
        } else {
            t.fmt("kim.found", &[("n", &total.to_string())])
        },
        prev: (page_no > 1).then(|| with_page(&q, page_no - 1)),
        next: (page_no * PAGE_SIZE < total).then(|| with_page(&q, page_no + 1)),
        // Offered only where it can succeed: an officer filtering another village's KIMs is
        // not invited to register there.
        can_register: user.as_ref().is_some_and(|u| {
            may_register(u)
                && chosen.is_none_or(|c| u.actor.can(Action::RegisterKim { village: c }))
        }),
        can_export: staff,
        can_import: user
            .as_ref()
            .is_some_and(|u| simpul_app::import::import_territory(u).is_ok()),
        filtered: !query_string(&base).is_empty(),
        query_string: query_string(&base),
        region_selects,
        village,
        statuses,
        topics,
        places,
        rows,
        q,
        page,
    })
}
