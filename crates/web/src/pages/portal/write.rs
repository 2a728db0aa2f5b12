//! The writers' and reviewers' pages: a post written on a phone (multipart, photos with alt
//! text), the writer's own posts (with what the office sent back), the office's review queue
//! with readers' reports and the trusted-KIM setting, and the moderation actions.

use super::super::{form_errors, render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CsrfMultipart, MaybeUser, PathParam, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::portal::{PhotoInput, PostInput, MAX_PHOTOS};
use simpul_core::authz::ScopeRegions;
use simpul_core::portal::{Category, PostKind, ReportReason};
use simpul_core::Role;
use simpul_store::portal::{PostRecord, ReportRecord};

#[derive(Template)]
#[template(path = "portal_form.html")]
struct FormPage<'a> {
    page: Page<'a>,
    input: PostInput,
    errors: Vec<FieldError>,
    kims: Vec<(i64, String)>,
    kinds: &'static [PostKind],
    categories: &'static [Category],
    slots: Vec<usize>,
}

async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::extract::CurrentUser,
    input: PostInput,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let mut kims = Vec::new();
    for k in simpul_app::portal::writing_kims(user) {
        if let Ok(kim) = state.store.kim(k).await {
            kims.push((k, kim.name));
        }
    }
    if kims.is_empty() {
        return Err(AppError::Forbidden);
    }
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        FormPage {
            page: Page::new(state, ctx, Some(user)),
            input,
            errors,
            kims,
            kinds: PostKind::ALL,
            categories: Category::ALL,
            slots: (0..3).collect(),
        },
    )
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    kind: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    crate::extract::Query(q): crate::extract::Query<NewQuery>,
) -> AppResult<Response> {
    let input = PostInput {
        kind: PostKind::parse(&q.kind)
            .unwrap_or(PostKind::News)
            .as_str()
            .into(),
        ..Default::default()
    };
    form_page(&state, &ctx, &user, input, Vec::new()).await
}

/// The post as sent from the phone: multipart, photos with `caption_N` and `alt_N`.
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfMultipart(mut form): CsrfMultipart,
) -> AppResult<Response> {
    let mut input = PostInput::default();
    let mut photos: Vec<PhotoInput> = (0..MAX_PHOTOS + 1).map(|_| PhotoInput::default()).collect();
    let mut extra = 0usize;
    while let Some(f) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error.bad_form"))?
    {
        let name = f.name().unwrap_or("").to_owned();
        let data = f
            .bytes()
            .await
            .map_err(|_| AppError::BadRequest("error.file_too_large"))?;
        let text = || {
            String::from_utf8_lossy(&data)
                .chars()
                .take(20_000)
                .collect::<String>()
        };
        let slot = |prefix: &str| -> Option<usize> {
            name.strip_prefix(prefix)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n < MAX_PHOTOS)
        };
        match name.as_str() {
            "kim" => input.kim = text(),
            "kind" => input.kind = text(),
            "category" => input.category = text(),
            "title" => input.title = text(),
            "body" => input.body = text(),
            "topics" => input.topics = text(),
            "place_name" => input.place_name = text(),
            "price_range" => input.price_range = text(),
            "opening_hours" => input.opening_hours = text(),
            "contact" => input.contact = text(),
            "lat" => input.lat = text(),
            "lon" => input.lon = text(),
            n if n.starts_with("photo_") => match slot("photo_") {
                Some(i) => photos[i].bytes = data.to_vec(),
                None => extra += 1,
            },
            n if n.starts_with("caption_") => {
                if let Some(i) = slot("caption_") {
                    photos[i].caption = text();
                }
            }
            n if n.starts_with("alt_") => {
                if let Some(i) = slot("alt_") {
                    photos[i].alt = text();
                }
            }
            _ => {}
        }
    }
    if extra > 0 {
        // More photos than the form offers: one more (empty alt, oversized count) to be refused.
        photos[MAX_PHOTOS].bytes = vec![0];
    }
    match simpul_app::portal::create_post(&state, &user, &user.audit(&ctx), &input, &photos).await {
        Ok((id, published)) => {
            let done = if published { "created" } else { "pending" };
            Ok(Redirect::to(&format!("/portal/posts/{id}?done={done}")).into_response())
        }
        Err(e) => {
            let (_, errors) = form_errors(e)?;
            form_page(&state, &ctx, &user, input, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "portal_mine.html")]
struct MinePage<'a> {
    page: Page<'a>,
    posts: Vec<PostRecord>,
}

/// The writer's posts, whatever their status: what the office sent back, and why.
pub async fn mine(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let kims = simpul_app::portal::writing_kims(&user);
    if kims.is_empty() {
        return Err(AppError::Forbidden);
    }
    render(MinePage {
        posts: state.store.portal_kim_posts(&kims, 100).await?,
        page: Page::new(&state, &ctx, Some(&user)),
    })
}

/// Where this person reviews posts (their account-managing grants' territories).
pub fn review_territory(user: &simpul_core::Actor) -> ScopeRegions {
    ScopeRegions::union(
        user.grants
            .iter()
            .filter(|g| {
                matches!(
                    g.role,
                    Role::NationalAdmin | Role::ProvincialAdmin | Role::RegencyAdmin
                )
            })
            .map(|g| g.territory.clone()),
    )
}

#[derive(Template)]
#[template(path = "portal_review.html")]
struct ReviewPage<'a> {
    page: Page<'a>,
    pending: Vec<PostRecord>,
    reports: Vec<ReportRecord>,
    done: &'static str,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReviewQuery {
    done: String,
}

pub async fn review_queue(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    crate::extract::Query(q): crate::extract::Query<ReviewQuery>,
) -> AppResult<Response> {
    let territory = review_territory(&user);
    if territory.is_empty() {
        return Err(AppError::Forbidden);
    }
    render(ReviewPage {
        pending: state.store.portal_pending(&territory, 200).await?,
        reports: state.store.portal_open_reports(&territory, 100).await?,
        done: match q.done.as_str() {
            "trusted" => "portal.done_trusted",
            "untrusted" => "portal.done_untrusted",
            _ => "",
        },
        page: Page::new(&state, &ctx, Some(&user)),
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReviewInput {
    decision: String,
    note: String,
}

pub async fn review(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<ReviewInput>,
) -> AppResult<Response> {
    let publish = match input.decision.as_str() {
        "publish" => true,
        "send_back" => false,
        _ => return Err(AppError::invalid("decision", "portal.error_decision")),
    };
    simpul_app::portal::review(&state, &user, &user.audit(&ctx), id, publish, &input.note).await?;
    let done = if publish { "published" } else { "sent_back" };
    Ok(Redirect::to(&format!("/portal/posts/{id}?done={done}")).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReasonInput {
    reason: String,
}

pub async fn hide(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<ReasonInput>,
) -> AppResult<Response> {
    simpul_app::portal::set_hidden(&state, &user, &user.audit(&ctx), id, true, &input.reason)
        .await?;
    Ok(Redirect::to(&format!("/portal/posts/{id}?done=hidden")).into_response())
}

pub async fn restore(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<ReasonInput>,
) -> AppResult<Response> {
    simpul_app::portal::set_hidden(&state, &user, &user.audit(&ctx), id, false, &input.reason)
        .await?;
    Ok(Redirect::to(&format!("/portal/posts/{id}?done=restored")).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct KimInput {
    kim: String,
    trusted: String,
}

pub async fn reshare(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<KimInput>,
) -> AppResult<Response> {
    let kim: i64 = input
        .kim
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("kim", "portal.error_kim"))?;
    simpul_app::portal::reshare(&state, &user, &user.audit(&ctx), id, kim).await?;
    Ok(Redirect::to(&format!("/portal/posts/{id}?done=shared")).into_response())
}

/// The office's setting for one KIM (from the KIM's profile page).
pub async fn trusted(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<KimInput>,
) -> AppResult<Response> {
    let kim: i64 = input
        .kim
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("kim", "portal.error_kim"))?;
    let yes = matches!(input.trusted.as_str(), "1" | "on" | "true" | "yes");
    simpul_app::portal::set_trusted(&state, &user, &user.audit(&ctx), kim, yes).await?;
    let done = if yes { "trusted" } else { "untrusted" };
    Ok(Redirect::to(&format!("/kim/{kim}?done=portal_{done}")).into_response())
}

#[derive(Template)]
#[template(path = "portal_report.html")]
struct ReportPage<'a> {
    page: Page<'a>,
    post: PostRecord,
    reasons: &'static [ReportReason],
    errors: Vec<FieldError>,
}

/// The report form (a page of its own, so the post's page stays cacheable).
pub async fn report_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let post = state.store.portal_post(id).await?;
    if post.status != "published" || post.hidden {
        return Err(AppError::NotFound);
    }
    render(ReportPage {
        page: Page::new(&state, &ctx, user.as_ref()),
        post,
        reasons: ReportReason::ALL,
        errors: Vec::new(),
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReportInput {
    reason: String,
    detail: String,
}

pub async fn report(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<ReportInput>,
) -> AppResult<Response> {
    let audit = match &user {
        Some(u) => u.audit(&ctx),
        None => simpul_core::audit::AuditContext {
            actor_id: None,
            actor_name: "anonymous".into(),
            request_id: ctx.request_id.clone(),
            ip: None,
        },
    };
    match simpul_app::portal::report(&state, &audit, id, &input.reason, &input.detail).await {
        Ok(()) => Ok(Redirect::to(&format!("/portal/posts/{id}?done=reported")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            let post = state.store.portal_post(id).await?;
            render_with_status(
                status,
                ReportPage {
                    page: Page::new(&state, &ctx, user.as_ref()),
                    post,
                    reasons: ReportReason::ALL,
                    errors,
                },
            )
        }
    }
}
