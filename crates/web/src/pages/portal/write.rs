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
use simpul_store::portal::{PhotoRecord, PostRecord, ReportRecord};

#[derive(Template)]
#[template(path = "portal_form.html")]
struct FormPage<'a> {
    page: Page<'a>,
    input: PostInput,
    errors: Vec<FieldError>,
    kims: Vec<(i64, String)>,
    kinds: &'static [PostKind],
    categories: &'static [Category],
    slots: Vec<Slot>,
    /// Correcting a post the office sent back (its note is shown), or writing a new one.
    editing: Option<PostRecord>,
}

/// One photo slot of the form: the photo it holds now (correcting a post), with its texts.
struct Slot {
    i: usize,
    current: Option<PhotoRecord>,
}

impl Slot {
    fn alt(&self) -> &str {
        self.current.as_ref().map_or("", |p| p.alt.as_str())
    }

    fn caption(&self) -> &str {
        self.current.as_ref().map_or("", |p| p.caption.as_str())
    }
}

async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::extract::CurrentUser,
    input: PostInput,
    errors: Vec<FieldError>,
    editing: Option<PostRecord>,
) -> AppResult<Response> {
    let mut kims = Vec::new();
    for k in simpul_app::portal::writing_kims(user) {
        if editing.as_ref().is_some_and(|p| p.kim_id != k) {
            continue;
        }
        if let Ok(kim) = state.store.kim(k).await {
            kims.push((k, kim.name));
        }
    }
    if kims.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut current = match &editing {
        Some(p) => state.store.portal_photos(p.id).await?,
        None => Vec::new(),
    };
    let count = current.len().clamp(3, MAX_PHOTOS);
    current.reverse();
    let slots = (0..count)
        .map(|i| Slot {
            i,
            current: if current.last().is_some_and(|p| p.position as usize == i) {
                current.pop()
            } else {
                None
            },
        })
        .collect();
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
            slots,
            editing,
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
    form_page(&state, &ctx, &user, input, Vec::new(), None).await
}

/// The post as the phone's form sends it: text fields, and photos in slots with `caption_N`
/// and `alt_N`. A photo beyond the form's slots becomes one more (empty alt, too many) for the
/// service to refuse.
async fn read_post(form: &mut axum::extract::Multipart) -> AppResult<(PostInput, Vec<PhotoInput>)> {
    let mut input = PostInput::default();
    let mut photos: Vec<PhotoInput> = (0..MAX_PHOTOS + 1).map(|_| PhotoInput::default()).collect();
    let mut extra = 0usize;
    for part in super::upload::read_parts(form).await? {
        let text = || part.text(20_000);
        match part.name.as_str() {
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
            n if n.starts_with("photo_") => match part.slot("photo_", MAX_PHOTOS) {
                Some(i) => photos[i].bytes = part.data.to_vec(),
                None => extra += 1,
            },
            n if n.starts_with("caption_") => {
                if let Some(i) = part.slot("caption_", MAX_PHOTOS) {
                    photos[i].caption = text();
                }
            }
            n if n.starts_with("alt_") => {
                if let Some(i) = part.slot("alt_", MAX_PHOTOS) {
                    photos[i].alt = text();
                }
            }
            _ => {}
        }
    }
    if extra > 0 {
        photos[MAX_PHOTOS].bytes = vec![0];
    }
    Ok((input, photos))
}

/// The post as sent from the phone.
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfMultipart(mut form): CsrfMultipart,
) -> AppResult<Response> {
    let (input, photos) = read_post(&mut form).await?;
    match simpul_app::portal::create_post(&state, &user, &user.audit(&ctx), &input, &photos).await {
        Ok((id, published)) => {
            let done = if published { "created" } else { "pending" };
            Ok(Redirect::to(&format!("/portal/posts/{id}?done={done}")).into_response())
        }
        Err(e) => {
            let (_, errors) = form_errors(e)?;
            form_page(&state, &ctx, &user, input, errors, None).await
        }
    }
}

/// The correction form of a post the office sent back: the note, the post as it was, its photos
/// (each kept unless a new one is chosen in its slot).
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let post = simpul_app::portal::sent_back_post(&state, &user, id).await?;
    let input = PostInput {
        kim: post.kim_id.to_string(),
        kind: post.kind.clone(),
        category: post.category.clone(),
        title: post.title.clone(),
        body: post.body_md.clone(),
        topics: post.topics.clone(),
        place_name: post.place_name.clone(),
        price_range: post.price_range.clone(),
        opening_hours: post.opening_hours.clone(),
        contact: post.contact.clone(),
        lat: post.lat.map(|v| v.to_string()).unwrap_or_default(),
        lon: post.lon.map(|v| v.to_string()).unwrap_or_default(),
    };
    form_page(&state, &ctx, &user, input, Vec::new(), Some(post)).await
}

/// The corrected post: back to the office's review.
pub async fn edit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfMultipart(mut form): CsrfMultipart,
) -> AppResult<Response> {
    let (input, photos) = read_post(&mut form).await?;
    match simpul_app::portal::resubmit(&state, &user, &user.audit(&ctx), id, &input, &photos).await
    {
        Ok(()) => Ok(Redirect::to(&format!("/portal/posts/{id}?done=resubmitted")).into_response()),
        Err(e) => {
            let (_, errors) = form_errors(e)?;
            let post = simpul_app::portal::sent_back_post(&state, &user, id).await?;
            form_page(&state, &ctx, &user, input, errors, Some(post)).await
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
