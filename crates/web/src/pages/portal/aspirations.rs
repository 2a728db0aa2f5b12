//! Citizens' aspirations: the public form (no account needed) and tracking page, the office's
//! list and handling page, the administrators' routing rules and statistics.

use super::super::{form_errors, render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CsrfMultipart, MaybeUser, PathParam, Query, SessionUser};
use crate::pages::kim::picker::{build_for, resolve_fields, PickerFields, VillagePicker};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::portal::aspirations::{self as app, ActInput, AspirationInput, Submitter};
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::portal::{AspirationCategory, AspirationStatus};
use simpul_store::portal::{
    AspirationEvent, AspirationNotice, AspirationRecord, AspirationStats, RouteRecord,
};

#[derive(Template)]
#[template(path = "aspiration_form.html")]
struct FormPage<'a> {
    page: Page<'a>,
    input: AspirationInput,
    errors: Vec<FieldError>,
    categories: &'static [AspirationCategory],
    picker: VillagePicker,
    kims: Vec<(i64, String)>,
    code: String,
}

/// The fragment route of the aspiration form's location picker.
const PICKER: &str = "/aspirasi/desa";

async fn picker(
    state: &AppState,
    page: &Page<'_>,
    fields: &PickerFields,
    errors: &[FieldError],
) -> AppResult<VillagePicker> {
    let t = page.t;
    let error = errors
        .iter()
        .find(|e| e.field == "region")
        .map(|e| t.get(e.key).to_owned());
    build_for(
        state,
        t,
        fields,
        error,
        PICKER,
        t.get("aspiration.region").to_owned(),
    )
    .await
}

async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: Option<&crate::extract::CurrentUser>,
    input: AspirationInput,
    fields: &PickerFields,
    errors: Vec<FieldError>,
    code: String,
) -> AppResult<Response> {
    let mut kims = Vec::new();
    if let Some(u) = user {
        for k in simpul_app::portal::writing_kims(u) {
            if u.can(Action::SharePost { kim_id: k }) {
                if let Ok(kim) = state.store.kim(k).await {
                    kims.push((k, kim.name));
                }
            }
        }
    }
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = Page::new(state, ctx, user);
    let picker = picker(state, &page, fields, &errors).await?;
    render_with_status(
        status,
        FormPage {
            page,
            input,
            errors,
            categories: AspirationCategory::ALL,
            picker,
            kims,
            code,
        },
    )
}

/// The form; the picker's fields in the query (a refresh without JavaScript keeps them).
pub async fn form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(mut fields): Query<PickerFields>,
) -> AppResult<Response> {
    resolve_fields(&mut fields);
    form_page(
        &state,
        &ctx,
        user.as_ref(),
        AspirationInput::default(),
        &fields,
        Vec::new(),
        String::new(),
    )
    .await
}

#[derive(Template)]
#[template(path = "kim_village_picker.html")]
struct PickerFragment<'a> {
    page: Page<'a>,
    picker: VillagePicker,
}

/// The location picker alone, for htmx (the registry's village picker, open to everyone).
pub async fn village_picker(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(mut fields): Query<PickerFields>,
) -> AppResult<Response> {
    resolve_fields(&mut fields);
    let page = Page::new(&state, &ctx, user.as_ref());
    let picker = picker(&state, &page, &fields, &[]).await?;
    render(PickerFragment { page, picker })
}

/// The public form: multipart (photos), the CSRF token in the query string.
pub async fn submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    CsrfMultipart(mut form): CsrfMultipart,
) -> AppResult<Response> {
    let mut input = AspirationInput::default();
    let mut fields = PickerFields::default();
    let mut refresh = false;
    let mut photos: Vec<Vec<u8>> = Vec::new();
    for part in super::upload::read_parts(&mut form).await? {
        let text = || part.text(6000);
        match part.name.as_str() {
            "category" => input.category = text(),
            "description" => input.description = text(),
            "region" => input.region = text(),
            "contact" => input.contact = text(),
            "kim" => input.kim = text(),
            "refresh" => refresh = part.text(2) == "1",
            "photos" if !part.data.is_empty() => {
                if photos.len() > app::MAX_PHOTOS {
                    return Err(AppError::invalid("photos", "aspiration.error_photo_count"));
                }
                photos.push(part.data.to_vec());
            }
            name => {
                fields.take(name, part.text(200));
            }
        }
    }
    // The picker's choice is the location (a form without it, or an old one, sends `region`).
    resolve_fields(&mut fields);
    if input.region.trim().is_empty() {
        input.region = fields.deepest();
    }
    if refresh {
        // The picker's "show" button without JavaScript: the form again, nothing sent.
        return form_page(
            &state,
            &ctx,
            user.as_ref(),
            input,
            &fields,
            Vec::new(),
            String::new(),
        )
        .await;
    }
    let who = match &user {
        Some(u) => Submitter::Account(&u.actor),
        None => Submitter::Public { ip: &ctx.ip },
    };
    let audit = match &user {
        Some(u) => u.audit(&ctx),
        None => simpul_core::audit::AuditContext {
            actor_id: None,
            actor_name: "anonymous".into(),
            request_id: ctx.request_id.clone(),
            ip: None,
        },
    };
    match app::submit(&state, who, &audit, &input, &photos).await {
        Ok(code) => {
            form_page(
                &state,
                &ctx,
                user.as_ref(),
                AspirationInput::default(),
                &PickerFields::default(),
                Vec::new(),
                code,
            )
            .await
        }
        Err(e) => {
            let (_, errors) = form_errors(e)?;
            form_page(
                &state,
                &ctx,
                user.as_ref(),
                input,
                &fields,
                errors,
                String::new(),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "aspiration_track.html")]
struct TrackPage<'a> {
    page: Page<'a>,
    kode: String,
    found: Option<AspirationRecord>,
    events: Vec<AspirationEvent>,
    not_found: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct TrackQuery {
    kode: String,
}

async fn track_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: Option<&crate::extract::CurrentUser>,
    kode: String,
) -> AppResult<Response> {
    let kode: String = kode.chars().take(40).collect();
    let (found, events) = if kode.trim().is_empty() {
        (None, Vec::new())
    } else {
        match app::track(state, &ctx.ip, &kode).await? {
            Some(a) => {
                let events = state.store.aspiration_events(a.id).await?;
                (Some(a), events)
            }
            None => (None, Vec::new()),
        }
    };
    let not_found = !kode.trim().is_empty() && found.is_none();
    let mut response = render(TrackPage {
        page: Page::new(state, ctx, user),
        kode,
        found,
        events,
        not_found,
    })?;
    if not_found {
        *response.status_mut() = axum::http::StatusCode::NOT_FOUND;
    }
    Ok(response)
}

/// `/aspirasi/lacak?kode=…`: the tracking form, and the aspiration when a code is given.
pub async fn track(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<TrackQuery>,
) -> AppResult<Response> {
    track_page(&state, &ctx, user.as_ref(), q.kode).await
}

/// `/aspirasi/lacak/{code}`: the link given with the code.
pub async fn track_code(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    PathParam(code): PathParam<String>,
) -> AppResult<Response> {
    track_page(&state, &ctx, user.as_ref(), code).await
}

/// Where this person handles aspirations: their administrator territories.
fn handling(user: &simpul_core::Actor) -> ScopeRegions {
    user.oversight()
}

#[derive(Template)]
#[template(path = "aspiration_list.html")]
struct ListPage<'a> {
    page: Page<'a>,
    items: Vec<AspirationRecord>,
    now: chrono::DateTime<chrono::Utc>,
    can_route: bool,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let territory = handling(&user);
    if territory.is_empty() {
        return Err(AppError::Forbidden);
    }
    render(ListPage {
        items: state.store.aspirations_for(&territory, None, 200).await?,
        now: chrono::Utc::now(),
        can_route: user.can(Action::RouteAspirations),
        page: Page::new(&state, &ctx, Some(&user)),
    })
}

#[derive(Template)]
#[template(path = "aspiration_show.html")]
struct ShowPage<'a> {
    page: Page<'a>,
    a: AspirationRecord,
    events: Vec<AspirationEvent>,
    notices: Vec<AspirationNotice>,
    photos: Vec<i64>,
    contact: Option<String>,
    place: String,
    errors: Vec<FieldError>,
    open: bool,
}

async fn show_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::extract::CurrentUser,
    id: i64,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let a = state.store.aspiration(id).await?;
    if !app::may_handle(user, &a) {
        return Err(AppError::NotFound);
    }
    let index = state.regions.index(&state.store).await?;
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        ShowPage {
            page: Page::new(state, ctx, Some(user)),
            events: state.store.aspiration_events(id).await?,
            notices: state.store.aspiration_notices(id).await?,
            photos: state.store.aspiration_photos(id).await?,
            contact: app::contact(state, user, &a),
            place: index.place_name(&a.region_code),
            open: AspirationStatus::parse(&a.status) != Some(AspirationStatus::Closed),
            a,
            errors,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    show_page(&state, &ctx, &user, id, Vec::new()).await
}

pub async fn act(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<ActInput>,
) -> AppResult<Response> {
    match app::act(&state, &user, &user.audit(&ctx), id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/aspirations/{id}")).into_response()),
        Err(e) => {
            let (_, errors) = form_errors(e)?;
            show_page(&state, &ctx, &user, id, errors).await
        }
    }
}

/// An aspiration's photo, for the office handling it.
pub async fn photo(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam((id, file)): PathParam<(i64, i64)>,
) -> AppResult<Response> {
    let a = state.store.aspiration(id).await?;
    if !app::may_handle(&user, &a) || !state.store.aspiration_photos(id).await?.contains(&file) {
        return Err(AppError::NotFound);
    }
    let f = state.store.file(file).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        f.data,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "aspiration_routes.html")]
struct RoutesPage<'a> {
    page: Page<'a>,
    routes: Vec<RouteRecord>,
    categories: &'static [AspirationCategory],
    errors: Vec<FieldError>,
}

async fn routes_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::extract::CurrentUser,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    if !user.can(Action::RouteAspirations) {
        return Err(AppError::Forbidden);
    }
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        RoutesPage {
            page: Page::new(state, ctx, Some(user)),
            routes: state.store.aspiration_routes().await?,
            categories: AspirationCategory::ALL,
            errors,
        },
    )
}

pub async fn routes(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    routes_page(&state, &ctx, &user, Vec::new()).await
}

#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct RouteInput {
    pub category: String,
    pub region: String,
    pub office: String,
    pub target_days: String,
}

async fn known_region(state: &AppState, s: &str) -> Option<simpul_core::RegionCode> {
    let c = simpul_core::RegionCode::parse(s.trim()).ok()?;
    state.store.region(&c).await.ok().map(|_| c)
}

/// Check a routing rule: a known category (or any), existing regions, 1–90 days.
pub async fn validate_route(
    state: &AppState,
    input: &RouteInput,
) -> AppResult<(
    String,
    simpul_core::RegionCode,
    simpul_core::RegionCode,
    i64,
)> {
    let mut errors = Vec::new();
    let category = match input.category.trim() {
        "" => Some(String::new()),
        c => AspirationCategory::parse(c).map(|c| c.as_str().to_owned()),
    };
    if category.is_none() {
        errors.push(FieldError::new("category", "aspiration.error_category"));
    }
    let region = known_region(state, &input.region).await;
    let office = known_region(state, &input.office).await;
    if region.is_none() {
        errors.push(FieldError::new("region", "aspiration.error_region"));
    }
    if office
        .as_ref()
        .is_none_or(|o| o.as_str().split('.').count() > 2)
    {
        errors.push(FieldError::new("office", "aspiration.error_office"));
    }
    let days = input
        .target_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=90).contains(d));
    if days.is_none() {
        errors.push(FieldError::new("target_days", "aspiration.error_days"));
    }
    match (category, region, office, days) {
        (Some(c), Some(r), Some(o), Some(d)) if errors.is_empty() => Ok((c, r, o, d)),
        _ => Err(AppError::Invalid(errors)),
    }
}

pub async fn add_route(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<RouteInput>,
) -> AppResult<Response> {
    if !user.can(Action::RouteAspirations) {
        return Err(AppError::Forbidden);
    }
    match validate_route(&state, &input).await {
        Ok((c, r, o, d)) => {
            state
                .store
                .aspiration_route_add(&user.audit(&ctx), &c, &r, &o, d)
                .await?;
            Ok(Redirect::to("/admin/aspiration-routes").into_response())
        }
        Err(e) => {
            let (_, errors) = form_errors(e)?;
            routes_page(&state, &ctx, &user, errors).await
        }
    }
}

pub async fn delete_route(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<super::super::Empty>,
) -> AppResult<Response> {
    if !user.can(Action::RouteAspirations) {
        return Err(AppError::Forbidden);
    }
    state
        .store
        .aspiration_route_delete(&user.audit(&ctx), id)
        .await?;
    Ok(Redirect::to("/admin/aspiration-routes").into_response())
}

#[derive(Template)]
#[template(path = "aspiration_stats.html")]
struct StatsPage<'a> {
    page: Page<'a>,
    stats: AspirationStats,
    mean: String,
    regions: Vec<(String, String, i64)>,
}

pub async fn stats(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let territory = handling(&user);
    if territory.is_empty() {
        return Err(AppError::Forbidden);
    }
    let stats = state
        .store
        .aspiration_stats(&territory, chrono::Utc::now())
        .await?;
    let index = state.regions.index(&state.store).await?;
    let regions = stats
        .by_region
        .iter()
        .map(|(r, c, n)| (index.place_name(r), c.clone(), *n))
        .collect();
    render(StatsPage {
        page: Page::new(&state, &ctx, Some(&user)),
        mean: format!("{:.1}", stats.mean_hours),
        stats,
        regions,
    })
}

pub fn category_key(c: &str) -> String {
    format!("aspiration.category_{c}")
}

pub fn status_key(s: &str) -> String {
    format!("aspiration.status_{s}")
}
