//! Village voices over JSON: the portal's posts (public list and search with the page's
//! filters, one post), writing a post (officers and members: the text as JSON, then each photo as
//! a multipart upload), reviewing one; citizens' aspirations (submitting without an account, tracking
//! by code) and the office's list and follow-up.

use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiUser, PathParam, Query};
use crate::pages::portal::PortalQuery;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use simpul_app::portal::aspirations::{self as asp, ActInput, AspirationInput, Submitter};
use simpul_app::portal::PostInput;
use simpul_store::portal::{AspirationRecord, PostRecord};

/// A published post.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PostView {
    pub id: i64,
    pub kim_id: i64,
    pub kim_name: String,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub summary: String,
    /// Sanitised HTML of the text.
    pub body_html: String,
    pub topics: String,
    pub place_name: String,
    pub price_range: String,
    pub opening_hours: String,
    pub contact: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub village_code: String,
    pub status: String,
    pub reshares: i64,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub url: String,
}

fn view(base: &str, p: PostRecord) -> PostView {
    PostView {
        url: format!("{base}/portal/posts/{}", p.id),
        id: p.id,
        kim_id: p.kim_id,
        kim_name: p.kim_name,
        kind: p.kind,
        category: p.category,
        title: p.title,
        summary: p.summary,
        body_html: p.body_html,
        topics: p.topics,
        place_name: p.place_name,
        price_range: p.price_range,
        opening_hours: p.opening_hours,
        contact: p.contact,
        lat: p.lat,
        lon: p.lon,
        village_code: p.village_code,
        status: p.status,
        reshares: p.reshares,
        published_at: p.published_at,
    }
}

/// The portal's filters.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PostsQuery {
    /// Search words (Bahasa Indonesia, stemmed).
    pub q: String,
    /// A region code at any level.
    pub region: String,
    pub kim: String,
    /// news, potential, success, event_report
    pub kind: String,
    pub category: String,
    /// YYYY-MM-DD
    pub from: String,
    pub until: String,
    /// Page number, from 1.
    pub page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/portal/posts", tag = "portal", params(PostsQuery),
    responses((status = 200, body = [PostView])))]
pub async fn posts(
    State(state): State<AppState>,
    Query(q): Query<PostsQuery>,
) -> AppResult<Json<Vec<PostView>>> {
    let pq = PortalQuery {
        q: q.q.chars().take(200).collect(),
        region: q.region,
        kim: q.kim,
        kind: q.kind,
        category: q.category,
        from: q.from,
        until: q.until,
        page: None,
    };
    let page = q.page.unwrap_or(1).clamp(1, 1000) as usize;
    let offset = (page - 1) * 50;
    let f = pq.filter();
    let found = if pq.q.trim().is_empty() {
        state.store.portal_posts(&f, 50, offset as i64).await?.0
    } else {
        simpul_app::portal::search(&state, &pq.q, &f, 50, offset)
            .await?
            .0
    };
    let base = state.config.base_url.trim_end_matches('/').to_owned();
    Ok(Json(found.into_iter().map(|p| view(&base, p)).collect()))
}

#[utoipa::path(get, path = "/api/v1/portal/posts/{id}", tag = "portal", params(("id" = i64, Path)),
    responses((status = 200, body = PostView), (status = 404, body = crate::api::Problem)))]
pub async fn post(
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<PostView>> {
    let p = state.store.portal_post(id).await?;
    if p.status != "published" || p.hidden {
        return Err(AppError::NotFound);
    }
    let base = state.config.base_url.trim_end_matches('/').to_owned();
    Ok(Json(view(&base, p)))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CreatedPost {
    pub id: i64,
    /// Published at once (a trusted KIM), or waiting for review.
    pub published: bool,
}

#[utoipa::path(post, path = "/api/v1/portal/posts", tag = "portal", security(("bearer" = [])), request_body = PostInput,
    responses((status = 201, body = CreatedPost), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<PostInput>,
) -> AppResult<(StatusCode, Json<CreatedPost>)> {
    let (id, published) =
        simpul_app::portal::create_post(&state, &user, &user.audit(&ctx), &input, &[]).await?;
    Ok((StatusCode::CREATED, Json(CreatedPost { id, published })))
}

/// A photo for a post, as a multipart form (the phone form's limits: JPEG, PNG or WebP, at most
/// 12 MB and 40 megapixels; re-encoded, EXIF and GPS removed).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the multipart body, read part by part
pub struct PhotoUpload {
    /// The picture.
    #[schema(value_type = String, format = Binary)]
    pub photo: Vec<u8>,
    /// Alt text for screen readers (required, at most 300 characters).
    pub alt: String,
    /// Caption shown under the photo (optional).
    pub caption: Option<String>,
}

/// A photo added to a post.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PhotoView {
    pub post_id: i64,
    pub position: i64,
    pub width: i64,
    pub height: i64,
    pub alt: String,
    pub caption: String,
    /// The small size (480 px a side) and the large one (1280 px).
    pub small_url: String,
    pub large_url: String,
}

/// Add a photo to a post of one's KIM that is waiting for review or was sent back.
#[utoipa::path(post, path = "/api/v1/portal/posts/{id}/photos", tag = "portal", security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = PhotoView), (status = 400, body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 403, body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 409, body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 413, body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, body = crate::api::Problem, content_type = "application/problem+json")))]
pub async fn add_photo(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<(StatusCode, Json<PhotoView>)> {
    simpul_app::portal::may_add_photo(&state, &user, id).await?;
    let mut form = form.map_err(|_| AppError::BadRequest("error.bad_form"))?;
    let mut input = simpul_app::portal::PhotoInput::default();
    for part in crate::pages::portal::upload::read_parts(&mut form).await? {
        match part.name.as_str() {
            "photo" => input.bytes = part.data.to_vec(),
            "alt" => input.alt = part.text(1000),
            "caption" => input.caption = part.text(1000),
            _ => {}
        }
    }
    let p = simpul_app::portal::add_photo(&state, &user, &user.audit(&ctx), id, &input).await?;
    let base = state.config.base_url.trim_end_matches('/');
    Ok((
        StatusCode::CREATED,
        Json(PhotoView {
            small_url: format!("{base}/portal/photos/{}", p.small_file_id),
            large_url: format!("{base}/portal/photos/{}", p.large_file_id),
            post_id: p.post_id,
            position: p.position,
            width: p.width,
            height: p.height,
            alt: p.alt,
            caption: p.caption,
        }),
    ))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReviewInput {
    /// `publish` or `send_back`.
    pub decision: String,
    /// Required when sending back.
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/portal/posts/{id}/review", tag = "portal", security(("bearer" = [])), request_body = ReviewInput,
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::api::Problem), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn review(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> AppResult<StatusCode> {
    let publish = match input.decision.as_str() {
        "publish" => true,
        "send_back" => false,
        _ => return Err(AppError::invalid("decision", "portal.error_decision")),
    };
    simpul_app::portal::review(&state, &user, &user.audit(&ctx), id, publish, &input.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the citizen sees of their aspiration.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TrackView {
    pub code: String,
    pub category: String,
    pub status: String,
    pub answer: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub history: Vec<HistoryEntry>,
}

/// One step of an aspiration's history.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    /// received, forwarded, answered, closed, escalated
    pub action: String,
    pub note: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Submitted {
    /// The tracking code.
    pub code: String,
}

#[utoipa::path(post, path = "/api/v1/aspirations", tag = "portal", request_body = AspirationInput,
    responses((status = 201, body = Submitted), (status = 422, body = crate::api::Problem), (status = 429, body = crate::api::Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiJson(input): ApiJson<AspirationInput>,
) -> AppResult<(StatusCode, Json<Submitted>)> {
    let audit = simpul_core::audit::AuditContext {
        actor_id: None,
        actor_name: "anonymous".into(),
        request_id: ctx.request_id.clone(),
        ip: None,
    };
    let mut input = input;
    input.kim = String::new();
    let code = asp::submit(
        &state,
        Submitter::Public { ip: &ctx.ip },
        &audit,
        &input,
        &[],
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Submitted { code })))
}

#[utoipa::path(get, path = "/api/v1/aspirations/track/{code}", tag = "portal", params(("code" = String, Path)),
    responses((status = 200, body = TrackView), (status = 404, body = crate::api::Problem), (status = 429, body = crate::api::Problem)))]
pub async fn track(
    State(state): State<AppState>,
    ctx: RequestCtx,
    PathParam(code): PathParam<String>,
) -> AppResult<Json<TrackView>> {
    let code: String = code.chars().take(40).collect();
    let a = asp::track(&state, &ctx.ip, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let history = state
        .store
        .aspiration_events(a.id)
        .await?
        .into_iter()
        .map(|e| HistoryEntry {
            action: e.action,
            note: e.note,
            at: e.created_at,
        })
        .collect();
    Ok(Json(TrackView {
        code: a.code,
        category: a.category,
        status: a.status,
        answer: a.answer,
        created_at: a.created_at,
        history,
    }))
}

/// An aspiration as its office sees it (the contact, opened for the handling office).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AspirationView {
    pub id: i64,
    pub code: String,
    pub category: String,
    pub description: String,
    pub region: String,
    pub office: String,
    pub status: String,
    pub answer: String,
    pub contact: Option<String>,
    pub due_at: chrono::DateTime<chrono::Utc>,
    pub escalated: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn aspiration_view(
    state: &AppState,
    who: &simpul_core::Actor,
    a: AspirationRecord,
) -> AspirationView {
    AspirationView {
        contact: asp::contact(state, who, &a),
        id: a.id,
        code: a.code,
        category: a.category,
        description: a.description,
        region: a.region_code,
        office: a.office_code,
        status: a.status,
        answer: a.answer,
        due_at: a.due_at,
        escalated: a.escalated,
        created_at: a.created_at,
    }
}

#[utoipa::path(get, path = "/api/v1/aspirations", tag = "portal", security(("bearer" = [])),
    responses((status = 200, body = [AspirationView]), (status = 403, body = crate::api::Problem)))]
pub async fn aspirations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<AspirationView>>> {
    let territory = user.oversight();
    if territory.is_empty() {
        return Err(AppError::Forbidden);
    }
    let items = state.store.aspirations_for(&territory, None, 500).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|a| aspiration_view(&state, &user, a))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/aspirations/{id}/act", tag = "portal", security(("bearer" = [])), request_body = ActInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = AspirationView), (status = 403, body = crate::api::Problem), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn act(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    ApiJson(input): ApiJson<ActInput>,
) -> AppResult<Json<AspirationView>> {
    let a = asp::act(&state, &user, &user.audit(&ctx), id, &input).await?;
    Ok(Json(aspiration_view(&state, &user, a)))
}
