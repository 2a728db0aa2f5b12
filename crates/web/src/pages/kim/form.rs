use super::may_register;
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, PathParam, Query, SessionUser};
use crate::pages::{form_errors, render, render_with_status, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::registry::{self as reg, KimInput};
use simpul_core::authz::Action;
use simpul_core::registry::Topic;

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
    picker: super::picker::VillagePicker,
    topics: Vec<(&'static str, &'a str, bool)>,
    errors: Vec<FieldError>,
    /// For the location picker (pick.js): tiles, and Leaflet loaded only when the map opens.
    tiles: String,
    attribution: String,
    leaflet_js: &'static str,
    leaflet_css: &'static str,
    pick_js: &'static str,
}

async fn form_page<'a>(
    state: &AppState,
    page: Page<'a>,
    id: Option<i64>,
    input: &KimInput,
    errors: Vec<FieldError>,
) -> AppResult<FormPage<'a>> {
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
    let village_error = errors
        .iter()
        .find(|e| e.field == "village")
        .map(|e| t.get(e.key).to_owned());
    let picker = super::picker::build(state, t, input, village_error).await?;
    Ok(FormPage {
        picker,
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
    })
}

/// A refusal for the chosen village, for someone who may register or edit elsewhere, is shown
/// on the village field (still a 403), with everything typed kept.
fn village_refusal(err: AppError, on_the_village: bool) -> AppError {
    match err {
        AppError::Forbidden if on_the_village => {
            AppError::invalid("village", "error.village_not_yours")
        }
        other => other,
    }
}

fn refusal_status(errors: &[FieldError], status: StatusCode) -> StatusCode {
    if errors.iter().any(|e| e.key == "error.village_not_yours") {
        StatusCode::FORBIDDEN
    } else {
        status
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
    let mut input = KimInput {
        village: q.village,
        ..Default::default()
    };
    super::picker::resolve(&mut input);
    render(
        form_page(
            &state,
            Page::new(&state, &ctx, Some(&user)),
            None,
            &input,
            Vec::new(),
        )
        .await?,
    )
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(mut input): CsrfForm<KimInput>,
) -> AppResult<Response> {
    super::picker::resolve(&mut input);
    if input.refresh == "1" {
        let page = Page::new(&state, &ctx, Some(&user));
        return render(form_page(&state, page, None, &input, Vec::new()).await?);
    }
    match reg::register(
        &state,
        &user,
        &user.audit(&ctx),
        &input,
        input.submit == "1",
    )
    .await
    .map_err(|e| village_refusal(e, may_register(&user)))
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
            let status = refusal_status(&errors, status);
            let page = Page::new(&state, &ctx, Some(&user));
            render_with_status(status, form_page(&state, page, None, &input, errors).await?)
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
    let mut input = KimInput::from_record(&k);
    super::picker::resolve(&mut input);
    let page = Page::new(&state, &ctx, Some(&user));
    render(form_page(&state, page, Some(id), &input, Vec::new()).await?)
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(mut input): CsrfForm<KimInput>,
) -> AppResult<Response> {
    super::picker::resolve(&mut input);
    if input.refresh == "1" {
        let page = Page::new(&state, &ctx, Some(&user));
        return render(form_page(&state, page, Some(id), &input, Vec::new()).await?);
    }
    let result = reg::update(&state, &user, &user.audit(&ctx), id, &input).await;
    let may_edit = match state.store.kim(id).await {
        Ok(k) => reg::kim_village(&k).await.is_ok_and(|village| {
            user.actor.can(Action::EditKim {
                kim_id: id,
                village: &village,
            })
        }),
        Err(_) => false,
    };
    match result.map_err(|e| village_refusal(e, may_edit)) {
        Ok(()) => Ok(Redirect::to(&format!("/kim/{id}?saved=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            let status = refusal_status(&errors, status);
            let page = Page::new(&state, &ctx, Some(&user));
            render_with_status(
                status,
                form_page(&state, page, Some(id), &input, errors).await?,
            )
        }
    }
}
