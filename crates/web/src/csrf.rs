//! Per-request context middleware: language, CSRF token, client address, request id; and the
//! presentation of errors in the request's language.
//!
//! CSRF uses the double-submit pattern: a random `simpul_csrf` cookie (HttpOnly,
//! SameSite=Strict) whose value every form repeats in a hidden `csrf_token` field. A cross-site
//! page can neither read the cookie nor make the browser send it. The JSON API authenticates
//! with bearer tokens only, so it needs no CSRF token.

use crate::error::ErrorInfo;
use crate::i18n::Locale;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

pub const CSRF_COOKIE: &str = "simpul_csrf";
pub const LANG_COOKIE: &str = "simpul_lang";
pub const SESSION_COOKIE: &str = "simpul_session";

/// Facts about the current request, available to every handler.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    pub locale: Locale,
    /// The visitor picked a language (cookie), rather than getting the default.
    pub lang_chosen: bool,
    pub csrf: String,
    pub ip: String,
    pub request_id: Option<String>,
    pub path: String,
    pub is_api: bool,
}

/// Read one cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(
    name: &str,
    value: &str,
    max_age: Option<i64>,
    secure: bool,
    same_site: &str,
) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).expect("cookie values are ASCII tokens")
}

pub(crate) fn locale_of(headers: &HeaderMap, is_api: bool) -> Locale {
    if let Some(locale) = cookie(headers, LANG_COOKIE).and_then(Locale::parse) {
        return locale;
    }
    if is_api {
        // The API follows Accept-Language; the site defaults to Bahasa Indonesia.
        if let Some(first) = headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
        {
            if first.trim().to_ascii_lowercase().starts_with("en") {
                return Locale::En;
            }
        }
    }
    Locale::Id
}

fn valid_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

pub async fn request_context(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let headers = req.headers();
    let path = req.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let locale = locale_of(headers, is_api);
    let existing = cookie(headers, CSRF_COOKIE)
        .filter(|v| valid_token(v))
        .map(str::to_owned);
    let fresh = existing.is_none();
    let csrf = existing.unwrap_or_else(|| simpul_core::secrets::new_token(""));
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let ctx = RequestCtx {
        locale,
        lang_chosen: cookie(headers, LANG_COOKIE)
            .and_then(Locale::parse)
            .is_some(),
        csrf: csrf.clone(),
        ip,
        request_id,
        path,
        is_api,
    };
    req.extensions_mut().insert(ctx.clone());
    let mut response = next.run(req).await;
    if let Some(info) = response.extensions().get::<ErrorInfo>().cloned() {
        response = present_error(&state, &ctx, info, response);
    }
    if fresh && !is_api {
        response.headers_mut().append(
            SET_COOKIE,
            set_cookie(
                CSRF_COOKIE,
                &csrf,
                None,
                state.config.secure_cookies,
                "Strict",
            ),
        );
    }
    response
}

/// Render an error response in the request's language, keeping headers such as Location.
fn present_error(
    state: &AppState,
    ctx: &RequestCtx,
    info: ErrorInfo,
    original: Response,
) -> Response {
    let (mut parts, _) = original.into_parts();
    let t = state.catalog.messages(ctx.locale);
    if ctx.is_api {
        let errors: Vec<serde_json::Value> = info
            .fields
            .iter()
            .filter(|f| !f.field.is_empty())
            .map(|f| serde_json::json!({"field": f.field, "code": f.key, "detail": t.get(f.key)}))
            .collect();
        let mut problem = serde_json::json!({
            "type": format!("https://simpul.id/problems/{}", info.title_key.trim_start_matches("error.")),
            "title": t.get(info.title_key),
            "status": info.status.as_u16(),
            "detail": t.get(info.detail_key),
        });
        if !errors.is_empty() {
            problem["errors"] = serde_json::Value::Array(errors);
        }
        if let Some(id) = &ctx.request_id {
            problem["instance"] = serde_json::Value::String(format!("urn:request:{id}"));
        }
        parts.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        return Response::from_parts(parts, Body::from(problem.to_string()));
    }
    if info.status == axum::http::StatusCode::UNAUTHORIZED {
        let next = urlencode(&ctx.path);
        return axum::response::Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let html = crate::pages::error_page(state, ctx, &info);
    parts.headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, Body::from(html))
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}
