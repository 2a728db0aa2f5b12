//! Village voices (issue 15): the public portal of KIM posts (latest by region or KIM, search,
//! "Potensi desa" by category and on a map, one post with Open Graph and schema.org markup,
//! Atom feeds, the sitemap), and the writers' and reviewers' pages ([`write`]); citizens'
//! aspirations ([`aspirations`]).
//!
//! The public pages carry no form that posts and no personal data, so they are answered from
//! the public render cache (`public_cache`); a search is a GET like any other page.

pub mod aspirations;
pub mod upload;
pub mod write;

use super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{MaybeUser, PathParam, Query};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use simpul_core::portal::{Category, PostKind};
use simpul_core::RegionCode;
use simpul_store::portal::{PhotoRecord, PostFilter, PostRecord};

/// Posts per page.
const PER_PAGE: usize = 20;

/// The portal's filters, as the search form and links send them.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PortalQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub region: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kim: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub category: String,
    /// `YYYY-MM-DD`
    #[serde(skip_serializing_if = "String::is_empty")]
    pub from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub until: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// A filter date; years no database can store (or no post has) are ignored.
fn day(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::Datelike;
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2200).contains(&d.year()))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

impl PortalQuery {
    /// The store's filter: unknown values are ignored (a hostile link shows the whole portal).
    pub fn filter(&self) -> PostFilter {
        PostFilter {
            region: RegionCode::parse(self.region.trim()).ok(),
            kim_id: self.kim.trim().parse().ok(),
            kind: PostKind::parse(self.kind.trim()).map(|k| k.as_str().to_owned()),
            category: Category::parse(self.category.trim()).map(|c| c.as_str().to_owned()),
            from: day(&self.from),
            until: day(&self.until).and_then(|d| d.checked_add_signed(chrono::Duration::days(1))),
            ids: None,
            located: false,
        }
    }

    fn query_string(&self) -> String {
        let mut base = self.clone();
        base.page = None;
        let qs = serde_urlencoded::to_string(&base).unwrap_or_default();
        if qs.is_empty() {
            String::new()
        } else {
            format!("?{qs}")
        }
    }
}

/// The posts of a portal page (search or latest) and how many matched.
async fn find(
    state: &AppState,
    q: &PortalQuery,
    limit: usize,
    offset: usize,
) -> AppResult<(Vec<PostRecord>, usize)> {
    let f = q.filter();
    if q.q.trim().is_empty() {
        let (posts, total) = state
            .store
            .portal_posts(&f, limit as i64, offset as i64)
            .await?;
        Ok((posts, total as usize))
    } else {
        let text: String = q.q.chars().take(200).collect();
        simpul_app::portal::search(state, &text, &f, limit, offset).await
    }
}

/// A post in a list: with its cover photo and place.
pub struct Card {
    pub post: PostRecord,
    pub cover: Option<PhotoRecord>,
    pub place: String,
}

pub async fn cards(state: &AppState, posts: Vec<PostRecord>) -> AppResult<Vec<Card>> {
    let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let covers = state.store.portal_cover_photos(&ids).await?;
    let index = state.regions.index(&state.store).await?;
    Ok(posts
        .into_iter()
        .map(|p| Card {
            cover: covers.iter().find(|c| c.post_id == p.id).cloned(),
            place: index.place_name(&p.village_code),
            post: p,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "portal_list.html")]
struct ListPage<'a> {
    page: Page<'a>,
    q: PortalQuery,
    heading: String,
    cards: Vec<Card>,
    good: Vec<Card>,
    /// "120 tulisan", or "Lebih dari 10.000 tulisan" past the count's cap.
    count: String,
    prev: Option<String>,
    next: Option<String>,
    query: String,
    canonical: String,
    kinds: &'static [PostKind],
    categories: &'static [Category],
    provinces: Vec<crate::pages::hoax::public::Province>,
}

/// How many posts a list holds, in words; past the count's cap, "more than 10,000".
fn count_text(page: &Page, total: usize) -> String {
    let cap = simpul_store::portal::POST_COUNT_CAP as u64;
    if total as u64 > cap {
        let sep = if page.lang == "en" { ',' } else { '.' };
        let n = crate::charts::format_count(cap, sep);
        page.t.fmt("portal.count_more", &[("n", n.as_str())])
    } else {
        page.t
            .fmt("portal.count", &[("n", total.to_string().as_str())])
    }
}

/// `/portal`: the latest posts (of a region or a KIM), or a search.
pub async fn index(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<PortalQuery>,
) -> AppResult<Response> {
    let page_no = q.page.unwrap_or(1).clamp(1, 500) as usize;
    let (posts, total) = find(&state, &q, PER_PAGE, (page_no - 1) * PER_PAGE).await?;
    let page = Page::new(&state, &ctx, user.as_ref());
    let t = page.t;
    let f = q.filter();
    let heading = if let Some(k) = f.kim_id {
        match state.store.kim(k).await {
            Ok(kim) => t.fmt("portal.heading_kim", &[("name", &kim.name)]),
            Err(_) => t.get("portal.title").to_owned(),
        }
    } else if let Some(r) = &f.region {
        match state.store.region(r).await {
            Ok(region) => t.fmt("portal.heading_region", &[("name", &region.name)]),
            Err(_) => t.get("portal.title").to_owned(),
        }
    } else {
        t.get("portal.title").to_owned()
    };
    // Good practice: the province's most re-shared posts of the last 90 days, on the first page
    // of the province's (or the whole portal's) latest.
    let province = f
        .region
        .as_ref()
        .map(|r| r.as_str().split('.').next().unwrap_or("35").to_owned())
        .unwrap_or_else(|| "35".into());
    let good = if page_no == 1 && q.q.trim().is_empty() && f.kim_id.is_none() {
        let since = chrono::Utc::now() - chrono::Duration::days(90);
        cards(
            &state,
            state
                .store
                .portal_good_practice(&province, since, 3)
                .await?,
        )
        .await?
    } else {
        Vec::new()
    };
    let query = q.query_string();
    let link = |n: usize| {
        let mut p = q.clone();
        p.page = Some(n as u32);
        format!(
            "/portal?{}",
            serde_urlencoded::to_string(&p).unwrap_or_default()
        )
    };
    let count = count_text(&page, total);
    render(ListPage {
        heading,
        cards: cards(&state, posts).await?,
        good,
        count,
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: (page_no * PER_PAGE < total).then(|| link(page_no + 1)),
        canonical: format!(
            "{}/portal{}",
            state.config.base_url.trim_end_matches('/'),
            query
        ),
        query,
        kinds: PostKind::ALL,
        categories: Category::ALL,
        provinces: crate::pages::hoax::public::provinces(&state).await?,
        q,
        page,
    })
}

#[derive(Template)]
#[template(path = "portal_show.html")]
struct ShowPage<'a> {
    page: Page<'a>,
    post: PostRecord,
    photos: Vec<PhotoRecord>,
    place: String,
    resharers: Vec<simpul_store::portal::ReshareRecord>,
    canonical: String,
    image: String,
    json_ld: String,
    /// The reader reviews or moderates it.
    moderate: bool,
    /// KIMs the reader may re-share it to.
    share_kims: Vec<(i64, String)>,
    done: &'static str,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    done: String,
}

/// schema.org markup: a place (tourism, culture) or a product (UMKM, farming, crafts) for village
/// potential, an article otherwise. Serialised by serde_json (escaped), and `</` broken so the
/// script element cannot be closed from inside.
fn json_ld(p: &PostRecord, url: &str, image: &str, place: &str) -> String {
    let doc = if p.kind == "potential" {
        let is_place = matches!(p.category.as_str(), "tourism" | "culture" | "public");
        let mut v = serde_json::json!({
            "@context": "https://schema.org",
            "@type": if is_place { "TouristAttraction" } else { "Product" },
            "name": if p.place_name.is_empty() { &p.title } else { &p.place_name },
            "description": p.summary,
            "url": url,
        });
        if !image.is_empty() {
            v["image"] = image.into();
        }
        if is_place {
            v["address"] = serde_json::json!({"@type": "PostalAddress", "addressLocality": place, "addressCountry": "ID"});
            if let (Some(lat), Some(lon)) = (p.lat, p.lon) {
                v["geo"] = serde_json::json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon});
            }
            if !p.opening_hours.is_empty() {
                v["openingHours"] = p.opening_hours.clone().into();
            }
        } else {
            v["brand"] = serde_json::json!({"@type": "Organization", "name": p.kim_name});
            if !p.price_range.is_empty() {
                v["offers"] = serde_json::json!({"@type": "Offer", "description": p.price_range, "priceCurrency": "IDR"});
            }
        }
        v
    } else {
        let mut v = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": p.title,
            "description": p.summary,
            "url": url,
            "author": {"@type": "Organization", "name": p.kim_name},
        });
        if let Some(d) = p.published_at {
            v["datePublished"] = d.to_rfc3339().into();
        }
        if !image.is_empty() {
            v["image"] = image.into();
        }
        v
    };
    doc.to_string().replace("</", "<\\/")
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let post = state.store.portal_post(id).await?;
    let actor = user.as_ref().map(|u| &u.actor);
    if !simpul_app::portal::may_see(actor, &post) {
        return Err(AppError::NotFound);
    }
    let photos = state.store.portal_photos(id).await?;
    let index = state.regions.index(&state.store).await?;
    let place = index.place_name(&post.village_code);
    let base = state.config.base_url.trim_end_matches('/').to_owned();
    let canonical = format!("{base}/portal/posts/{id}");
    let image = photos
        .first()
        .map(|p| format!("{base}/portal/photos/{}", p.large_file_id))
        .unwrap_or_default();
    let moderate = actor.is_some_and(|a| simpul_app::portal::may_moderate(a, &post));
    let mut share_kims = Vec::new();
    if let Some(a) = actor {
        if post.status == "published" && !post.hidden {
            for k in simpul_app::portal::writing_kims(a) {
                if a.can(simpul_core::Action::SharePost { kim_id: k }) && k != post.kim_id {
                    if let Ok(kim) = state.store.kim(k).await {
                        if kim.village_code != post.village_code {
                            share_kims.push((k, kim.name));
                        }
                    }
                }
            }
        }
    }
    let done = match q.done.as_str() {
        "shared" => "portal.done_shared",
        "reported" => "portal.done_reported",
        "hidden" => "portal.done_hidden",
        "restored" => "portal.done_restored",
        "published" => "portal.done_published",
        "sent_back" => "portal.done_sent_back",
        "created" => "portal.done_created",
        "pending" => "portal.done_pending",
        "resubmitted" => "portal.done_resubmitted",
        _ => "",
    };
    render(ShowPage {
        page: Page::new(&state, &ctx, user.as_ref()),
        json_ld: json_ld(&post, &canonical, &image, &place),
        resharers: state.store.portal_resharers(id).await?,
        post,
        photos,
        place,
        canonical,
        image,
        moderate,
        share_kims,
        done,
    })
}

/// A post's photo: public while the post is visible; otherwise for those who may see the post.
pub async fn photo(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    PathParam(file): PathParam<i64>,
) -> AppResult<Response> {
    let post_id = state.store.portal_photo_post(file).await?;
    let post = state.store.portal_post(post_id).await?;
    if !simpul_app::portal::may_see(user.as_ref().map(|u| &u.actor), &post) {
        return Err(AppError::NotFound);
    }
    let f = state.store.file(file).await?;
    let cache = if post.status == "published" && !post.hidden {
        "public, max-age=3600"
    } else {
        "private, no-store"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, cache),
        ],
        f.data,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "portal_feed.xml")]
struct Feed {
    base: String,
    self_link: String,
    title: String,
    updated: String,
    entries: Vec<(PostRecord, String)>,
}

/// `/portal/feed.atom`: the Atom feed of any portal page (the same filters).
pub async fn atom(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<PortalQuery>,
) -> AppResult<Response> {
    let (posts, _) = find(&state, &q, 30, 0).await?;
    let base = state.config.base_url.trim_end_matches('/').to_owned();
    let newest = posts.iter().filter_map(|p| p.published_at).max();
    let t = state.catalog.messages(ctx.locale);
    let xml = Feed {
        self_link: format!("{base}/portal/feed.atom{}", q.query_string()),
        title: format!("Simpul: {}", t.get("portal.title")),
        updated: newest.unwrap_or_else(chrono::Utc::now).to_rfc3339(),
        entries: posts
            .into_iter()
            .map(|p| {
                let at = p.published_at.unwrap_or(p.created_at).to_rfc3339();
                (p, at)
            })
            .collect(),
        base,
    }
    .render()
    .map_err(AppError::internal)?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "portal_sitemap.xml")]
struct Sitemap {
    base: String,
    posts: Vec<(i64, String)>,
}

/// `/sitemap.xml`: the public pages and every visible post.
pub async fn sitemap(State(state): State<AppState>) -> AppResult<Response> {
    let posts = state
        .store
        .portal_sitemap(45_000)
        .await?
        .into_iter()
        .map(|(id, at)| (id, at.format("%Y-%m-%d").to_string()))
        .collect();
    let xml = Sitemap {
        base: state.config.base_url.trim_end_matches('/').to_owned(),
        posts,
    }
    .render()
    .map_err(AppError::internal)?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "portal_potensi.html")]
struct PotensiPage<'a> {
    page: Page<'a>,
    q: PortalQuery,
    cards: Vec<Card>,
    count: String,
    categories: &'static [Category],
    query: String,
    map: bool,
    tiles: String,
    attribution: String,
    leaflet_css: &'static str,
    leaflet_js: &'static str,
    map_js: &'static str,
}

async fn potensi_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: Option<&crate::extract::CurrentUser>,
    mut q: PortalQuery,
    map: bool,
) -> AppResult<Response> {
    q.kind = "potential".into();
    q.page = None;
    let (posts, total) = find(state, &q, 60, 0).await?;
    let mut shown = q.clone();
    shown.kind = String::new();
    let page = Page::new(state, ctx, user);
    let count = count_text(&page, total);
    render(PotensiPage {
        page,
        cards: cards(state, posts).await?,
        count,
        categories: Category::ALL,
        query: shown.query_string(),
        q: shown,
        map,
        tiles: state.config.map_tiles.clone(),
        attribution: state.config.map_attribution.clone(),
        leaflet_css: &crate::assets::LEAFLET_CSS.url,
        leaflet_js: &crate::assets::LEAFLET_JS.url,
        map_js: &crate::assets::MAP_JS.url,
    })
}

/// `/potensi`: village potential by category (and region, and search).
pub async fn potensi(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<PortalQuery>,
) -> AppResult<Response> {
    potensi_page(&state, &ctx, user.as_ref(), q, false).await
}

/// `/potensi/map`: the same on a map (with the list as the no-JavaScript fallback).
pub async fn potensi_map(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<PortalQuery>,
) -> AppResult<Response> {
    potensi_page(&state, &ctx, user.as_ref(), q, true).await
}

/// The map's points: visible village-potential posts with a location.
pub async fn potensi_geojson(
    State(state): State<AppState>,
    Query(mut q): Query<PortalQuery>,
) -> AppResult<Response> {
    q.kind = "potential".into();
    let mut f = q.filter();
    f.located = true;
    let posts = if q.q.trim().is_empty() {
        state.store.portal_posts(&f, 2000, 0).await?.0
    } else {
        let text: String = q.q.chars().take(200).collect();
        simpul_app::portal::search(&state, &text, &f, 2000, 0)
            .await?
            .0
    };
    let features: Vec<serde_json::Value> = posts
        .iter()
        .filter_map(|p| {
            let (lat, lon) = (p.lat?, p.lon?);
            Some(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"id": p.id, "name": if p.place_name.is_empty() { &p.title } else { &p.place_name },
                    "number": p.kim_name, "status": "done", "url": format!("/portal/posts/{}", p.id)},
            }))
        })
        .collect();
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
        .into_response())
}

/// Labels of the enumerations, for templates.
pub fn kind_key(kind: &str) -> String {
    format!("portal.kind_{kind}")
}

pub fn category_key(category: &str) -> String {
    format!("portal.category_{category}")
}

pub fn status_key(status: &str) -> String {
    format!("portal.status_{status}")
}
