//! Static assets, embedded in the binary and served under content-hashed names with a one-year
//! immutable cache lifetime: a phone downloads the stylesheet and htmx once.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

pub struct Asset {
    /// The URL path the templates link to, e.g. `/static/app.3f2a9c1b7d.css`.
    pub url: String,
    content_type: &'static str,
    bytes: &'static [u8],
}

fn asset(name: &str, ext: &str, content_type: &'static str, bytes: &'static [u8]) -> Asset {
    let hash = hex::encode(&Sha256::digest(bytes)[..5]);
    Asset {
        url: format!("/static/{name}.{hash}.{ext}"),
        content_type,
        bytes,
    }
}

pub static CSS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "app",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("../static/app.css"),
    )
});
pub static HTMX: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "vendor/htmx-2.0.4.min",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/htmx-2.0.4.min.js"),
    )
});
pub static LEAFLET_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "vendor/leaflet-1.9.4",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/leaflet-1.9.4.js"),
    )
});
pub static LEAFLET_CSS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "vendor/leaflet-1.9.4",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("../static/vendor/leaflet-1.9.4.css"),
    )
});
pub static MAP_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "map",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/map.js"),
    )
});
pub static PICK_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "pick",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/pick.js"),
    )
});
pub static LIVE_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "live",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/live.js"),
    )
});
pub static PUSH_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "push",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/push.js"),
    )
});

pub static ALERTS_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "alerts",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/alerts.js"),
    )
});

/// Copy buttons beside read-only text meant to be pasted elsewhere (a dissemination package's
/// captions, a clarification's WhatsApp text): an enhancement, the text boxes can be selected
/// and copied by hand without it.
pub static COPY_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "copy",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/copy.js"),
    )
});

/// jsQR, the check-in camera's QR reader where the browser has no `BarcodeDetector` (loaded
/// only when the door staff start the camera).
pub static JSQR_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "vendor/jsqr-1.4.0",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/jsqr-1.4.0.js"),
    )
});

/// The check-in page's offline queue and camera scanning (events).
pub static EVENTS_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "events",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/events.js"),
    )
});

/// The service worker, served at `/sw.js` (its scope is the folder it is served from, so it
/// cannot live under `/static/`) and revalidated on every load, as browsers expect.
pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        &include_bytes!("../static/sw.js")[..],
    )
        .into_response()
}

pub static FAVICON: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "favicon",
        "svg",
        "image/svg+xml",
        include_bytes!("../static/favicon.svg"),
    )
});

/// `/favicon.ico`: what a browser asks for on a document without a `<link rel="icon">` (the
/// Atom and CAP feeds it shows as XML). The SVG icon, revalidated daily.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, FAVICON.content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON.bytes,
    )
        .into_response()
}

pub async fn serve(Path(path): Path<String>) -> Response {
    let wanted = format!("/static/{path}");
    for a in [
        &*CSS,
        &*HTMX,
        &*FAVICON,
        &*LEAFLET_JS,
        &*LEAFLET_CSS,
        &*MAP_JS,
        &*PICK_JS,
        &*LIVE_JS,
        &*PUSH_JS,
        &*ALERTS_JS,
        &*COPY_JS,
        &*EVENTS_JS,
        &*JSQR_JS,
    ] {
        if a.url == wanted {
            return (
                [
                    (header::CONTENT_TYPE, a.content_type),
                    (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                ],
                a.bytes,
            )
                .into_response();
        }
    }
    StatusCode::NOT_FOUND.into_response()
}
