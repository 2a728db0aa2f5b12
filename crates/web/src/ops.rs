//! Operations: health, Prometheus metrics, security headers, request metrics.

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::time::Instant;

/// Install the process-wide metrics recorder once; later calls return the same handle.
pub fn install_metrics_recorder() -> PrometheusHandle {
    static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Full(
                        "http_request_duration_seconds".into(),
                    ),
                    &[
                        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                    ],
                )
                .expect("valid buckets")
                .install_recorder()
                .expect("metrics recorder installs once")
        })
        .clone()
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `degraded`.
    status: &'static str,
    /// `sqlite` or `postgres`.
    database: &'static str,
    version: &'static str,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    let ok = state.store.ping().await.is_ok();
    let body = Health {
        status: if ok { "ok" } else { "degraded" },
        database: state.store.engine().as_str(),
        version: env!("CARGO_PKG_VERSION"),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    match &state.metrics {
        Some(handle) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            handle.render(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Where a client's own `X-Request-Id` is kept, labelled as the client's.
pub const CLIENT_REQUEST_ID: &str = "x-client-request-id";

/// The request id in logs and in the audit trail is always one the server made (a UUID), so no
/// client can plant a chosen id there. A client's `X-Request-Id` is set aside under
/// [`CLIENT_REQUEST_ID`] (visible ASCII, at most 64 characters) and logged only as that.
pub async fn set_aside_client_request_id(mut req: Request) -> Request {
    let headers = req.headers_mut();
    headers.remove(CLIENT_REQUEST_ID);
    if let Some(theirs) = headers.remove("x-request-id") {
        let fits = theirs.len() <= 64 && theirs.as_bytes().iter().all(u8::is_ascii_graphic);
        if fits {
            headers.insert(CLIENT_REQUEST_ID, theirs);
        }
    }
    req
}

/// Count requests and time them by route pattern (not raw path, to keep cardinality bounded).
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let start = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    response
}

/// Only our own scripts and styles; images also from the map tile server, when one is set.
fn content_security_policy(map_tiles: &str) -> String {
    let tiles = tile_origin(map_tiles)
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// `https://{s}.tile.example.org/{z}/{x}/{y}.png` → `https://*.tile.example.org`.
fn tile_origin(template: &str) -> Option<String> {
    let (scheme, rest) = template.split_once("://")?;
    let host = rest.split('/').next()?.replace("{s}", "*");
    let valid = matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '*'));
    valid.then(|| format!("{scheme}://{host}"))
}

/// The one page that films: the door's check-in page scans tickets with the camera.
fn uses_camera(path: &str) -> bool {
    path.strip_prefix("/events/")
        .and_then(|rest| rest.strip_suffix("/checkin"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Headers every response carries.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let camera = uses_camera(req.uri().path());
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    if let Ok(csp) = content_security_policy(&state.config.map_tiles).parse() {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        "nosniff".parse().expect("static header"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        "DENY".parse().expect("static header"),
    );
    h.insert(
        header::REFERRER_POLICY,
        "same-origin".parse().expect("static header"),
    );
    let permissions = if camera {
        "camera=(self), microphone=(), geolocation=(self)"
    } else {
        "camera=(), microphone=(), geolocation=(self)"
    };
    h.insert(
        "permissions-policy",
        permissions.parse().expect("static header"),
    );
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains"
                .parse()
                .expect("static header"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(
            header::CACHE_CONTROL,
            "no-store".parse().expect("static header"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_check_in_page_may_use_the_camera() {
        assert!(uses_camera("/events/12/checkin"));
        for other in [
            "/events/12",
            "/events/x/checkin",
            "/events//checkin",
            "/portal/new",
        ] {
            assert!(!uses_camera(other), "{other}");
        }
    }

    #[test]
    fn tile_servers_are_allowed_as_image_sources() {
        assert_eq!(
            tile_origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.openstreetmap.org")
        );
        assert_eq!(
            tile_origin("http://127.0.0.1:9000/{z}/{x}/{y}.png").as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(tile_origin(""), None);
        assert_eq!(tile_origin("https://evil.example;script-src *"), None);
        assert!(content_security_policy("").contains("img-src 'self' data:;"));
        assert!(
            content_security_policy("https://tiles.example/{z}/{x}/{y}.png")
                .contains("img-src 'self' data: https://tiles.example;")
        );
    }
}
