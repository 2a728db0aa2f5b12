//! Extractors: who is asking (session cookie or API token), and request bodies parsed into
//! typed input with errors mapped to [`AppError`] (never axum's plain-text rejections).

use crate::csrf::{cookie, RequestCtx, SESSION_COOKIE};
use crate::error::AppError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;

impl<S: Send + Sync> FromRequestParts<S> for RequestCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestCtx>()
            .cloned()
            .ok_or_else(|| AppError::internal("request context middleware missing"))
    }
}

/// A signed-in person.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub actor: Actor,
    pub display_name: String,
    pub email: Option<String>,
    pub locale: String,
    /// The session cookie value, for logout.
    pub session: Option<String>,
}

/// A signed-in person is the actor the services take (deref coercion passes `&user` as
/// `&Actor`).
impl std::ops::Deref for CurrentUser {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.actor
    }
}

impl CurrentUser {
    pub fn audit(&self, ctx: &RequestCtx) -> AuditContext {
        AuditContext {
            actor_id: Some(self.actor.user_id),
            actor_name: self.actor.username.clone(),
            request_id: ctx.request_id.clone(),
            ip: Some(ctx.ip.clone()),
        }
    }

    pub async fn load(
        state: &AppState,
        user_id: i64,
        session: Option<String>,
    ) -> Result<CurrentUser, AppError> {
        let user = state.store.user(user_id).await?;
        let grants = state.store.resolved_grants(user_id).await?;
        Ok(CurrentUser {
            actor: Actor {
                user_id,
                username: user.username,
                grants,
            },
            display_name: user.display_name,
            email: user.email,
            locale: user.locale,
            session,
        })
    }
}

/// The session user, if any (public pages).
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(MaybeUser(Some(user.clone())));
        }
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned) else {
            return Ok(MaybeUser(None));
        };
        let user = match state.store.session_user(&token).await? {
            Some(id) => Some(CurrentUser::load(state, id, Some(token)).await?),
            None => None,
        };
        if let Some(u) = &user {
            parts.extensions.insert(u.clone());
        }
        Ok(MaybeUser(user))
    }
}

/// A signed-in person on a page; otherwise the login form.
pub struct SessionUser(pub CurrentUser);

impl FromRequestParts<AppState> for SessionUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        MaybeUser::from_request_parts(parts, state)
            .await?
            .0
            .map(SessionUser)
            .ok_or(AppError::Unauthenticated)
    }
}

/// An API caller authenticated with `Authorization: Bearer smp_...`.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthenticated)?;
        let user_id = state
            .store
            .api_token_user(token)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        Ok(ApiUser(CurrentUser::load(state, user_id, None).await?))
    }
}

/// Largest form or JSON body accepted.
const MAX_BODY: usize = 256 * 1024;

async fn body_bytes(req: Request) -> Result<Bytes, AppError> {
    axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|_| AppError::BadRequest("error.body_too_large"))
}

/// A multipart form (uploads) whose CSRF token matched: a multipart body is read field by field
/// by the handler, so the page's form puts `csrf_token` in its action's query string instead.
pub struct CsrfMultipart(pub axum::extract::Multipart);

impl FromRequest<AppState> for CsrfMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let ctx = req
            .extensions()
            .get::<RequestCtx>()
            .cloned()
            .ok_or_else(|| AppError::internal("request context middleware missing"))?;
        let token = req
            .uri()
            .query()
            .and_then(|q| serde_urlencoded::from_str::<CsrfField>(q).ok())
            .map(|f| f.csrf_token)
            .unwrap_or_default();
        if !simpul_core::secrets::constant_time_eq(&token, &ctx.csrf) {
            return Err(AppError::BadRequest("error.csrf"));
        }
        let form = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest("error.bad_form"))?;
        Ok(CsrfMultipart(form))
    }
}

/// A URL-encoded form whose `csrf_token` matched the CSRF cookie.
pub struct CsrfForm<T>(pub T);

/// A CSRF-checked form read twice from the same body: the service's input `T` and the page's
/// own controls `E` (a search button inside the form, say), so the service's input type stays
/// free of page concerns.
pub struct CsrfFormWith<T, E>(pub T, pub E);

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

/// The body of a URL-encoded form after its CSRF token was checked.
async fn checked_form_body(req: Request) -> Result<Bytes, AppError> {
    let ctx = req
        .extensions()
        .get::<RequestCtx>()
        .cloned()
        .ok_or_else(|| AppError::internal("request context middleware missing"))?;
    let cookie_token = cookie(req.headers(), crate::csrf::CSRF_COOKIE).map(str::to_owned);
    let bytes = body_bytes(req).await?;
    if has_encoded_nul(&bytes) {
        return Err(AppError::BadRequest("error.bad_form"));
    }
    let field: CsrfField =
        serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest("error.bad_form"))?;
    let ok = cookie_token.is_some_and(|c| {
        simpul_core::secrets::constant_time_eq(&c, &field.csrf_token)
            && simpul_core::secrets::constant_time_eq(&c, &ctx.csrf)
    });
    if !ok {
        return Err(AppError::BadRequest("error.csrf"));
    }
    Ok(bytes)
}

/// serde_html_form accepts repeated keys (checkbox lists) as sequences.
fn form_of<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_html_form::from_bytes(bytes).map_err(|_| AppError::BadRequest("error.bad_form"))
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = checked_form_body(req).await?;
        form_of(&bytes).map(CsrfForm)
    }
}

impl<T: DeserializeOwned, E: DeserializeOwned> FromRequest<AppState> for CsrfFormWith<T, E> {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = checked_form_body(req).await?;
        Ok(CsrfFormWith(form_of(&bytes)?, form_of(&bytes)?))
    }
}

/// A JSON body; malformed JSON is a 400 problem, not a plain-text rejection.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req).await?;
        let bad = || AppError::BadRequest("error.bad_json");
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if contains_nul(&value) {
            return Err(bad());
        }
        serde_json::from_value(value)
            .map(ApiJson)
            .map_err(|_| bad())
    }
}

/// Whether URL-encoded text holds a NUL character. No text Simpul keeps may: PostgreSQL refuses
/// to store one (a 500 before; found by page fuzzing), so it is a malformed request on both
/// engines.
fn has_encoded_nul(urlencoded: &[u8]) -> bool {
    urlencoded.windows(3).any(|w| w == b"%00") || urlencoded.contains(&0)
}

/// Whether any string or key of a JSON document holds a NUL character (see [`has_encoded_nul`]).
fn contains_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(contains_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || contains_nul(v)),
        _ => false,
    }
}

/// Query parameters; unparseable ones are a 400 with a message.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        if has_encoded_nul(query.as_bytes()) {
            return Err(AppError::BadRequest("error.bad_query"));
        }
        serde_urlencoded::from_str(query)
            .map(Query)
            .map_err(|_| AppError::BadRequest("error.bad_query"))
    }
}

/// A path parameter; unparseable ones are a 404 (there is no such page).
pub struct PathParam<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParam<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| PathParam(p.0))
            .map_err(|_| AppError::NotFound)
    }
}
