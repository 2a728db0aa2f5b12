//! Public region pages: Indonesia → province → kabupaten/kota → kecamatan → desa/kelurahan.

use super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{MaybeUser, PathParam, Query};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use simpul_core::regions::{Region, RegionCode};

#[derive(Template)]
#[template(path = "region.html")]
struct RegionPage<'a> {
    page: Page<'a>,
    title: String,
    code: Option<String>,
    level_name: &'a str,
    ancestors: Vec<Region>,
    children: Vec<Region>,
    children_heading: String,
    /// "KIM di Kabupaten Pasuruan".
    kims_link: String,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
) -> AppResult<Response> {
    let children = state.store.region_children(None).await?;
    let page = Page::new(&state, &ctx, user.as_ref());
    let t = page.t;
    render(RegionPage {
        title: t.get("regions.title").to_owned(),
        code: None,
        level_name: "",
        ancestors: Vec::new(),
        children_heading: t.get("regions.child_province").to_owned(),
        kims_link: String::new(),
        children,
        page,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    PathParam(code): PathParam<String>,
) -> AppResult<Response> {
    let code = RegionCode::parse(&code).map_err(|_| AppError::NotFound)?;
    let detail = state.store.region_detail(&code).await?;
    let page = Page::new(&state, &ctx, user.as_ref());
    let t = page.t;
    let level = detail.region.level();
    let children_heading = level
        .child()
        .map(|c| t.get(&format!("regions.child_{}", c.as_str())).to_owned())
        .unwrap_or_default();
    render(RegionPage {
        title: detail.region.name.clone(),
        code: Some(code.to_string()),
        level_name: t.get(&format!("level.{}", level.as_str())),
        kims_link: t.fmt(
            "kim.in_place",
            &[(
                "place",
                &super::kim::place_label(t, level, &detail.region.name),
            )],
        ),
        ancestors: detail.ancestors,
        children: detail.children,
        children_heading,
        page,
    })
}

pub struct HitView {
    pub code: String,
    pub name: String,
    pub level: String,
    pub context: String,
}

#[derive(Template)]
#[template(path = "region_search.html")]
struct SearchPage<'a> {
    page: Page<'a>,
    q: String,
    hits: Vec<HitView>,
    message: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub async fn search(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(query): Query<SearchQuery>,
) -> AppResult<Response> {
    let page = Page::new(&state, &ctx, user.as_ref());
    let t = page.t;
    let q = query.q.chars().take(100).collect::<String>();
    let (hits, message) = if q.trim().chars().count() < 2 {
        (
            Vec::new(),
            Some(t.get("regions.search_too_short").to_owned()),
        )
    } else {
        let index = state.regions.index(&state.store).await?;
        let hits: Vec<HitView> = index
            .search(&q, 30)
            .into_iter()
            .map(|h| HitView {
                code: h.region.code.to_string(),
                name: h.region.name.clone(),
                level: t
                    .get(&format!("level.{}", h.region.level().as_str()))
                    .to_owned(),
                context: h.context.join(", "),
            })
            .collect();
        let message = if hits.is_empty() {
            Some(t.fmt("regions.no_results", &[("q", q.trim())]))
        } else {
            None
        };
        (hits, message)
    };
    render(SearchPage {
        page,
        q,
        hits,
        message,
    })
}
