//! KIM registry pages: the public directory and profiles, registration and editing, and the
//! lifecycle buttons (submit, verify, reject, ...).

use super::{form_errors, render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CurrentUser, MaybeUser, PathParam, Query, SessionUser};
use crate::i18n::Messages;
use crate::service::registry::{self as reg, DirectoryQuery, KimInput, PAGE_SIZE};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_core::authz::Action;
use simpul_core::regions::RegionIndex;
use simpul_core::registry::{KimStatus, PhoneE164, Topic, Transition};
use simpul_core::{Level, PageNumber, RegionCode};
use simpul_store::registry::KimRecord;

/// Whether the registration form makes sense for this user (where, is checked on submit).
fn may_register(user: &CurrentUser) -> bool {
    use simpul_core::Role::*;
    user.actor.grants.iter().any(|g| {
        matches!(
            g.role,
            NationalAdmin | ProvincialAdmin | RegencyAdmin | KimOfficer
        )
    })
}

pub fn status_badge(status: &str) -> &'static str {
    match status {
        "verified" | "active" => "badge-ok",
        "submitted" | "draft" | "rejected" => "badge-warn",
        _ => "badge-muted",
    }
}

/// "Desa X, Kec. Y, Kabupaten Z, Jawa Timur" from the in-memory index.
pub fn place_name(index: &RegionIndex, village: &str) -> String {
    let Ok(code) = RegionCode::parse(village) else {
        return village.to_owned();
    };
    let mut chain = code.ancestors();
    chain.push(code);
    chain
        .iter()
        .rev()
        .filter_map(|c| index.get(c).map(|r| r.name.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub struct RegionSelect {
    id: String,
    label: String,
    parent: String,
    options: Vec<(String, String, bool)>,
}

pub struct DirRow {
    id: i64,
    name: String,
    status: String,
    badge: &'static str,
    number: Option<String>,
    place: String,
}

#[derive(Template)]
#[template(path = "kim_directory.html")]
struct DirectoryPage<'a> {
    page: Page<'a>,
    q: DirectoryQuery,
    summary: String,
    region_selects: Vec<RegionSelect>,
    statuses: Vec<(&'static str, &'a str, bool)>,
    topics: Vec<(&'static str, &'a str, bool)>,
    rows: Vec<DirRow>,
    prev: Option<String>,
    next: Option<String>,
    query_string: String,
    can_register: bool,
    can_export: bool,
    can_import: bool,
}

fn with_page(q: &DirectoryQuery, page: i64) -> String {
    let mut q = q.clone();
    q.page = Some(PageNumber::new(page));
    format!("?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
}

/// Cascading region selects that work without JavaScript: each level appears once its parent is
/// chosen (the form is submitted in between).
async fn region_selects(
    state: &AppState,
    t: Messages<'_>,
    selected: Option<&RegionCode>,
) -> AppResult<Vec<RegionSelect>> {
    let mut out = Vec::new();
    let mut chain = selected
        .map(|c| {
            let mut v = c.ancestors();
            v.push(c.clone());
            v
        })
        .unwrap_or_default();
    chain.truncate(3);
    let mut parent: Option<RegionCode> = None;
    for depth in 0..=chain.len().min(2) {
        let children = state.store.region_children(parent.as_ref()).await?;
        let level = Level::from_depth(depth as i64 + 1).expect("depth 1..3");
        let chosen = chain.get(depth);
        out.push(RegionSelect {
            id: format!("region-{}", level.as_str()),
            label: t.get(&format!("level.{}", level.as_str())).to_owned(),
            parent: parent.as_ref().map(|p| p.to_string()).unwrap_or_default(),
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

pub async fn directory(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    let filter = reg::directory_filter(user.as_ref(), &q)?;
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
            place: place_name(&index, &k.village_code),
        })
        .collect();
    let staff = user.as_ref().is_some_and(|u| u.actor.can(Action::Oversee));
    let statuses = KimStatus::ALL
        .iter()
        .filter(|s| s.is_public() || staff)
        .map(|s| {
            (
                s.as_str(),
                t.get(&format!("status.{}", s.as_str())),
                q.status == s.as_str(),
            )
        })
        .collect();
    let topics = Topic::ALL
        .iter()
        .map(|tp| {
            (
                tp.as_str(),
                t.get(&format!("topic.{}", tp.as_str())),
                q.topic == tp.as_str(),
            )
        })
        .collect();
    let region_selects = region_selects(&state, t, filter.region.as_ref()).await?;
    let mut base = q.clone();
    base.page = None;
    let query_string = format!(
        "?{}",
        serde_urlencoded::to_string(&base).unwrap_or_default()
    );
    render(DirectoryPage {
        summary: if total > simpul_store::registry::COUNT_CAP {
            t.fmt(
                "kim.found_many",
                &[("n", &simpul_store::registry::COUNT_CAP.to_string())],
            )
        } else {
            t.fmt("kim.found", &[("n", &total.to_string())])
        },
        prev: (page_no > 1).then(|| with_page(&q, page_no - 1)),
        next: (page_no * PAGE_SIZE < total).then(|| with_page(&q, page_no + 1)),
        can_register: user.as_ref().is_some_and(may_register),
        can_export: staff,
        can_import: user
            .as_ref()
            .is_some_and(|u| crate::service::import::import_territory(u).is_ok()),
        query_string,
        region_selects,
        statuses,
        topics,
        rows,
        q,
        page,
    })
}

#[derive(Template)]
#[template(path = "kim_profile.html")]
struct ProfilePage<'a> {
    page: Page<'a>,
    k: KimRecord,
    status: &'a str,
    badge: &'static str,
    place: String,
    places: Vec<(String, String)>,
    phone: Option<String>,
    topics: String,
    social: Vec<(String, String)>,
    member_count: i64,
    can_edit: bool,
    can_members: bool,
    moves: Vec<(&'static str, &'a str, bool)>,
    duplicate: Option<(i64, String)>,
    logo_url: Option<String>,
    notice: Option<&'a str>,
    errors: Vec<FieldError>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    saved: Option<String>,
    created: Option<String>,
    duplicate: Option<String>,
}

pub async fn profile(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = if q.duplicate.is_some() {
        Some("kim.created_duplicate")
    } else if q.created.is_some() {
        Some("kim.created")
    } else if q.saved.is_some() {
        Some("common.saved")
    } else {
        None
    };
    profile_page(
        &state,
        &ctx,
        user.as_ref(),
        id,
        notice,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn profile_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: Option<&CurrentUser>,
    id: i64,
    notice: Option<&str>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let k = state.store.kim(id).await?;
    let village = reg::kim_village(&k).await?;
    if !reg::can_see(user, &k, &village) {
        return Err(AppError::NotFound);
    }
    let index = state.regions.index(&state.store).await?;
    let page = Page::new(state, ctx, user);
    let t = page.t;
    let can_edit = user.is_some_and(|u| {
        u.actor.can(Action::EditKim {
            kim_id: id,
            village: &village,
        })
    });
    let can_verify = user.is_some_and(|u| u.actor.can(Action::VerifyKim { village: &village }));
    let can_members = user.is_some_and(|u| {
        u.actor.can(Action::ViewKimPrivate {
            kim_id: id,
            village: &village,
        })
    });
    let current =
        KimStatus::parse(&k.status).ok_or_else(|| AppError::internal("unknown status"))?;
    let moves = current
        .transitions()
        .into_iter()
        .filter(|tr| match tr {
            Transition::Submit => can_edit,
            Transition::MarkInactive => false,
            _ => can_verify,
        })
        .map(|tr| {
            (
                tr.as_str(),
                t.get(&format!("transition.{}", tr.as_str())),
                matches!(tr, Transition::Reject | Transition::Dissolve),
            )
        })
        .collect();
    let mut places: Vec<(String, String)> = village
        .ancestors()
        .iter()
        .filter_map(|c| index.get(c).map(|r| (c.to_string(), r.name.clone())))
        .collect();
    places.truncate(3);
    let social: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&k.social).unwrap_or_default();
    let duplicate = match k.duplicate_of {
        Some(d) if can_verify || can_edit => state.store.kim(d).await.ok().map(|o| (o.id, o.name)),
        _ => None,
    };
    render_with_status(
        status,
        ProfilePage {
            status: t.get(&format!("status.{}", k.status)),
            badge: status_badge(&k.status),
            place: place_name(&index, &k.village_code),
            places,
            phone: k
                .phone
                .as_deref()
                .and_then(|p| PhoneE164::parse(p).ok())
                .map(|p| p.national_grouped()),
            topics: k
                .topics
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| t.get(&format!("topic.{s}")))
                .collect::<Vec<_>>()
                .join(", "),
            social: social
                .into_iter()
                .map(|(kind, url)| (t.get(&format!("social.{kind}")).to_owned(), url))
                .collect(),
            member_count: state.store.member_count(id).await?,
            logo_url: k.logo_file_id.map(|_| format!("/kim/{id}/files/logo")),
            can_edit,
            can_members,
            moves,
            duplicate,
            notice: notice.map(|n| t.get(n)),
            errors,
            k,
            page,
        },
    )
}

pub struct FormField {
    name: &'static str,
    kind: &'static str,
    label: String,
    value: String,
    hint: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "kim_form.html")]
struct FormPage<'a> {
    page: Page<'a>,
    heading: String,
    action: String,
    is_new: bool,
    fields: Vec<FormField>,
    topics: Vec<(&'static str, &'a str, bool)>,
    errors: Vec<FieldError>,
    /// For the location picker (pick.js): tiles, and Leaflet loaded only when the map opens.
    tiles: String,
    attribution: String,
    leaflet_js: &'static str,
    leaflet_css: &'static str,
    pick_js: &'static str,
}

fn form_page<'a>(
    state: &AppState,
    page: Page<'a>,
    id: Option<i64>,
    input: &KimInput,
    errors: Vec<FieldError>,
) -> FormPage<'a> {
    let t = page.t;
    let field = |name: &'static str, kind: &'static str, value: &str, hint: bool| FormField {
        name,
        kind,
        label: t.get(&format!("kim.field_{name}")).to_owned(),
        value: value.to_owned(),
        hint: hint.then(|| t.get(&format!("kim.hint_{name}")).to_owned()),
        error: errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| t.get(e.key).to_owned()),
    };
    let fields = vec![
        field("name", "text", &input.name, false),
        field("village", "text", &input.village, true),
        field("address", "text", &input.address, false),
        field("lat", "text", &input.lat, true),
        field("lon", "text", &input.lon, false),
        field("founded_on", "date", &input.founded_on, false),
        field("sk_number", "text", &input.sk_number, false),
        field("sk_date", "date", &input.sk_date, false),
        field("sk_issuer", "text", &input.sk_issuer, false),
        field("phone", "tel", &input.phone, true),
        field("email", "email", &input.email, false),
        field("facebook", "text", &input.facebook, false),
        field("instagram", "text", &input.instagram, true),
        field("tiktok", "text", &input.tiktok, false),
        field("youtube", "text", &input.youtube, false),
        field("x", "text", &input.x, false),
        field("whatsapp_channel", "url", &input.whatsapp_channel, false),
        field("website", "url", &input.website, false),
    ];
    FormPage {
        heading: match id {
            Some(_) => input.name.clone(),
            None => t.get("kim.register").to_owned(),
        },
        action: id
            .map(|i| format!("/kim/{i}"))
            .unwrap_or_else(|| "/kim".into()),
        is_new: id.is_none(),
        topics: Topic::ALL
            .iter()
            .map(|tp| {
                (
                    tp.as_str(),
                    t.get(&format!("topic.{}", tp.as_str())),
                    input.topics.iter().any(|x| x == tp.as_str()),
                )
            })
            .collect(),
        fields,
        errors,
        tiles: state.config.map_tiles.clone(),
        attribution: state.config.map_attribution.clone(),
        leaflet_js: &crate::assets::LEAFLET_JS.url,
        leaflet_css: &crate::assets::LEAFLET_CSS.url,
        pick_js: &crate::assets::PICK_JS.url,
        page,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    village: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    if !may_register(&user) {
        return Err(AppError::Forbidden);
    }
    let input = KimInput {
        village: q.village,
        ..Default::default()
    };
    render(form_page(
        &state,
        Page::new(&state, &ctx, Some(&user)),
        None,
        &input,
        Vec::new(),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<KimInput>,
) -> AppResult<Response> {
    match reg::register(
        &state,
        &user,
        &user.audit(&ctx),
        &input,
        input.submit == "1",
    )
    .await
    {
        Ok((id, dup)) => {
            let flag = if dup.is_some() {
                "duplicate"
            } else {
                "created"
            };
            Ok(Redirect::to(&format!("/kim/{id}?{flag}=1")).into_response())
        }
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            render_with_status(
                status,
                form_page(
                    &state,
                    Page::new(&state, &ctx, Some(&user)),
                    None,
                    &input,
                    errors,
                ),
            )
        }
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let k = state.store.kim(id).await?;
    let village = reg::kim_village(&k).await?;
    if !user.actor.can(Action::EditKim {
        kim_id: id,
        village: &village,
    }) {
        return Err(AppError::Forbidden);
    }
    render(form_page(
        &state,
        Page::new(&state, &ctx, Some(&user)),
        Some(id),
        &KimInput::from_record(&k),
        Vec::new(),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<KimInput>,
) -> AppResult<Response> {
    match reg::update(&state, &user, &user.audit(&ctx), id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/kim/{id}?saved=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            render_with_status(
                status,
                form_page(
                    &state,
                    Page::new(&state, &ctx, Some(&user)),
                    Some(id),
                    &input,
                    errors,
                ),
            )
        }
    }
}

#[derive(serde::Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

pub async fn transition(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(form): CsrfForm<TransitionForm>,
) -> AppResult<Response> {
    let t = Transition::parse(&form.action).ok_or(AppError::BadRequest("error.bad_form"))?;
    match reg::transition(&state, &user, &user.audit(&ctx), id, t, &form.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/kim/{id}?saved=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            let general = errors
                .into_iter()
                .map(|e| FieldError::new("", e.key))
                .collect();
            profile_page(&state, &ctx, Some(&user), id, None, general, status).await
        }
    }
}
