use super::{may_register, place_name, status_badge};
use crate::pages::{form_errors, render, render_with_status, Page};
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
use simpul_core::{Level, RegionCode};
use simpul_store::registry::KimRecord;


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

