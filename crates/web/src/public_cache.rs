//! Surge-proof public pages: an in-memory render cache for anonymous visitors, with validators
//! (`ETag`, `Last-Modified`, 304 answers) and `Cache-Control` a reverse proxy can follow.
//!
//! The layer is the outermost one: a hit is answered before tracing, request ids, the timeout
//! and compression run (like a reverse proxy's hit, it is counted in `public_cache_total`
//! only, not in the request log or `http_requests_total`); a miss goes through all of them.
//!
//! What is cached: a `GET` of one of [`PUBLIC_ROUTES`] by a visitor with neither a session
//! cookie nor an `Authorization` header, answered 200. The key is the path, the query and the
//! visitor's language (the `simpul_lang` cookie; `Accept-Language` on the API); each entry
//! holds the body once as sent and once gzip-compressed, so compression is done once per
//! render, not per request, and the same entry serves both kinds of client.
//!
//! What never leaks: the CSRF middleware gives a first-time visitor a fresh token cookie. A
//! cacheable response drops that `Set-Cookie` (public pages carry no form that posts; the login
//! page, which is not cached, sets it), a response with any other `Set-Cookie` is not cached,
//! and a body that contains the visitor's token is not cached either (a template that starts
//! embedding `page.csrf` for anonymous visitors turns caching off for that page instead of
//! handing one visitor's token to the next). Signed-in visitors get `private, no-store`.
//!
//! When it is dropped: after every successful state-changing request on this instance (and
//! then every instance hears of it through the live bus: PostgreSQL `NOTIFY`), when the live bus
//! says `Changed` or `Resync`, and, for writes made elsewhere (the command-line import, a
//! background job, another process on the same SQLite file), when the audit log's highest id
//! moves: every state change is audit-logged, and a task looks once a second. A render that
//! was under way while the cache was dropped is not stored (generation check), so a page read
//! before a change never outlives it.

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{
    ACCEPT_ENCODING, AUTHORIZATION, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE,
    ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, SET_COOKIE, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use simpul_app::live::LiveEvent;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Route patterns whose anonymous answers are the same for every visitor.
pub const PUBLIC_ROUTES: &[&str] = &[
    "/",
    "/regions",
    "/regions/search",
    "/regions/{code}",
    "/kim",
    "/kim/map",
    "/kim/{id}",
    "/api/v1/regions",
    "/api/v1/regions/{code}",
    "/api/v1/kims",
    "/api/v1/kims.geojson",
    "/hoax/clarifications",
    "/hoax/clarifications/{id}",
    "/hoax/clarifications/{id}/card.png",
    "/api/v1/hoax/clarifications",
    // Emergency alerts: the public page, one alert (or its CAP document) and the Atom feed.
    "/peringatan",
    "/peringatan/feed.atom",
    "/peringatan/{id}",
    // Capacity building: the certificate check and an event's calendar file.
    "/sertifikat",
    "/sertifikat/{code}",
    "/penghargaan/{id}",
    "/events/{id}/event.ics",
    // Program calendars, which calendar apps poll (no budget lines: the same for everyone).
    "/programs/office/{code}/calendar.ics",
    "/programs/region/{code}/calendar.ics",
    // Published clarifications as ClaimReview, for fact-check archives and search engines.
    "/api/v1/hoax/claimreview",
    // Village voices: the portal, a post, its photos, village potential, feeds and the sitemap.
    "/portal",
    "/portal/feed.atom",
    "/portal/posts/{id}",
    "/portal/photos/{file}",
    "/potensi",
    "/potensi/map",
    "/potensi/map.geojson",
    "/sitemap.xml",
    "/api/v1/portal/posts",
    "/api/v1/portal/posts/{id}",
];

/// Memory for cached bodies (both encodings counted).
const BUDGET_BYTES: usize = 64 * 1024 * 1024;
/// A larger body is served but not kept.
const MAX_ENTRY_BYTES: usize = 4 * 1024 * 1024;
/// How often the audit log is asked whether anything changed.
const POLL: Duration = Duration::from_secs(1);

const PUBLIC: &str = "public, max-age=30, stale-while-revalidate=60";
const PRIVATE: &str = "private, no-store";
const VARY_ON: &str = "Cookie, Accept-Language, Accept-Encoding";

/// The render cache; cheap to clone.
#[derive(Clone)]
pub struct PublicCache {
    inner: Arc<Inner>,
}

struct Inner {
    entries: RwLock<Entries>,
    /// Moves on every drop: a render begun before a drop is not stored.
    generation: AtomicU64,
    /// When the cache was last dropped (Unix seconds): the data cached since is at least that
    /// old, so it is every entry's `Last-Modified`.
    since: AtomicU64,
    /// Logical clock for least-recently-used eviction.
    clock: AtomicU64,
    /// One render at a time per key: after a drop, a crowd asking for the same page waits for
    /// the first render instead of each making its own.
    renders: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Tells the other instances that data changed.
    live: simpul_app::live::LiveBus,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Arc<Entry>>,
    bytes: usize,
}

struct Entry {
    plain: Variant,
    gzip: Option<Variant>,
    /// Both tags, for `If-None-Match` (either encoding of the same body is the same page).
    tags: [HeaderValue; 2],
    modified: u64,
    not_modified: HeaderMap,
    used: AtomicU64,
    size: usize,
}

struct Variant {
    headers: HeaderMap,
    body: Bytes,
}

impl PublicCache {
    /// A cache that drops itself on the application's live events and audit-log changes.
    pub fn start(app: &simpul_app::AppCtx) -> PublicCache {
        let cache = PublicCache {
            inner: Arc::new(Inner {
                entries: RwLock::default(),
                generation: AtomicU64::new(0),
                since: AtomicU64::new(unix_now()),
                clock: AtomicU64::new(0),
                renders: Default::default(),
                live: app.live.clone(),
            }),
        };
        tokio::spawn(watch(
            Arc::downgrade(&cache.inner),
            app.live.subscribe(),
            app.store.clone(),
        ));
        cache
    }

    /// Forget every page.
    pub fn clear(&self) {
        let mut entries = self.inner.entries.write().expect("public cache lock");
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        self.inner.since.store(unix_now(), Ordering::SeqCst);
        entries.map.clear();
        entries.bytes = 0;
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let entry = self
            .inner
            .entries
            .read()
            .expect("public cache lock")
            .map
            .get(key)
            .cloned()?;
        let tick = self.inner.clock.fetch_add(1, Ordering::Relaxed);
        entry.used.store(tick, Ordering::Relaxed);
        Some(entry)
    }

    /// Store `entry` unless the cache was dropped since `generation` was read.
    fn insert(&self, key: String, entry: Arc<Entry>, generation: u64) {
        if entry.size > MAX_ENTRY_BYTES {
            return;
        }
        let mut entries = self.inner.entries.write().expect("public cache lock");
        if self.inner.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        if let Some(old) = entries.map.remove(&key) {
            entries.bytes -= old.size;
        }
        if entries.bytes + entry.size > BUDGET_BYTES {
            // Evict the least recently used down to three quarters, so eviction is rare.
            let mut by_age: Vec<(u64, String)> = entries
                .map
                .iter()
                .map(|(k, e)| (e.used.load(Ordering::Relaxed), k.clone()))
                .collect();
            by_age.sort_unstable();
            for (_, k) in by_age {
                if entries.bytes + entry.size <= BUDGET_BYTES / 4 * 3 {
                    break;
                }
                if let Some(old) = entries.map.remove(&k) {
                    entries.bytes -= old.size;
                }
            }
        }
        entries.bytes += entry.size;
        entries.map.insert(key, entry);
    }

    /// The gate of one key's render (see `Inner::renders`).
    fn gate(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut renders = self.inner.renders.lock().expect("render gates lock");
        renders.entry(key.to_owned()).or_default().clone()
    }

    /// Forget a gate nobody else waits at.
    fn ungate(&self, key: &str, gate: Arc<tokio::sync::Mutex<()>>) {
        let mut renders = self.inner.renders.lock().expect("render gates lock");
        // Ours and the map's: nobody else holds it, and cloning it needs this lock.
        if Arc::strong_count(&gate) <= 2 {
            renders.remove(key);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.entries.read().unwrap().map.len()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Drop the cache on live events, and when the audit log moves (writes by other processes).
async fn watch(
    cache: Weak<Inner>,
    mut events: tokio::sync::broadcast::Receiver<LiveEvent>,
    store: simpul_store::Store,
) {
    use tokio::sync::broadcast::error::RecvError;
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut marker: Option<i64> = None;
    loop {
        let stale = tokio::select! {
            event = events.recv() => match event {
                Ok(LiveEvent::Changed | LiveEvent::Resync) | Err(RecvError::Lagged(_)) => true,
                Ok(LiveEvent::Notified(_)) => false,
                Err(RecvError::Closed) => return,
            },
            _ = tick.tick() => {
                if store.is_closed() {
                    return;
                }
                match store.change_marker().await {
                    Ok(now) => marker.replace(now).is_some_and(|before| before != now),
                    Err(e) => {
                        tracing::debug!(error = %e, "public cache: change marker unavailable");
                        false
                    }
                }
            }
        };
        let Some(inner) = cache.upgrade() else { return };
        if stale {
            PublicCache { inner }.clear();
        }
    }
}

/// A signed-in visitor (session cookie) or API caller (bearer token): never served from, or
/// stored in, the shared cache.
fn authenticated(headers: &HeaderMap) -> bool {
    headers.contains_key(AUTHORIZATION)
        || crate::csrf::cookie(headers, crate::csrf::SESSION_COOKIE).is_some()
}

/// Whether the client takes gzip (`gzip` or `*` with a non-zero quality).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let zero = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !zero
        })
}

/// The middleware (see the module documentation).
/// Its state is the cache alone (one reference count per request, not the whole `AppState`).
pub async fn layer(State(cache): State<PublicCache>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let response = next.run(req).await;
        let s = response.status();
        if s.is_success() || s.is_redirection() {
            // This instance at once (the visitor's next page is fresh), then every instance.
            cache.clear();
            cache.inner.live.changed().await;
        }
        return response;
    }
    let public = req
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|p| PUBLIC_ROUTES.contains(&p.as_str()));
    if !public || method != Method::GET {
        return next.run(req).await;
    }
    if authenticated(req.headers()) {
        let mut response = next.run(req).await;
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
        return response;
    }

    let headers = req.headers();
    let is_api = req.uri().path().starts_with("/api/");
    let key = format!(
        "{}?{}|{}",
        req.uri().path(),
        req.uri().query().unwrap_or_default(),
        crate::csrf::locale_of(headers, is_api).code()
    );
    let gzip = accepts_gzip(headers);
    let conditions = Conditions::of(headers);
    let cache = &cache;
    if let Some(entry) = cache.get(&key) {
        metrics::counter!("public_cache_total", "result" => "hit").increment(1);
        return with_request_id(entry.answer(&conditions, gzip), None);
    }
    let gate = cache.gate(&key);
    let turn = gate.lock().await;
    if let Some(entry) = cache.get(&key) {
        drop(turn);
        cache.ungate(&key, gate);
        metrics::counter!("public_cache_total", "result" => "hit").increment(1);
        return with_request_id(entry.answer(&conditions, gzip), None);
    }
    metrics::counter!("public_cache_total", "result" => "miss").increment(1);
    let response = render(cache, key.clone(), &conditions, gzip, req, next).await;
    drop(turn);
    cache.ungate(&key, gate);
    response
}

/// Render a public page for an anonymous visitor, keep it if it may be shared, answer.
async fn render(
    cache: &PublicCache,
    key: String,
    conditions: &Conditions,
    gzip: bool,
    req: Request,
    next: Next,
) -> Response {
    let mut req = req;
    // The body is compressed here, once; the compression layer inside must leave it plain.
    req.headers_mut().remove(ACCEPT_ENCODING);
    let visitor_token =
        crate::csrf::cookie(req.headers(), crate::csrf::CSRF_COOKIE).map(str::to_owned);
    let generation = cache.inner.generation.load(Ordering::SeqCst);
    let modified = cache.inner.since.load(Ordering::SeqCst);

    let response = next.run(req).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bounded = axum::body::HttpBody::size_hint(&body)
        .upper()
        .is_some_and(|n| n <= MAX_ENTRY_BYTES as u64);
    if !bounded {
        return Response::from_parts(parts, body);
    }
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            tracing::warn!(error = %e, "public cache: reading a response body failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    // The only cookie a public page may set is a first visit's CSRF token: drop it (the login
    // page hands it out). The token, from the cookie sent or the one set, must not be in the body.
    let mut tokens: Vec<String> = visitor_token.into_iter().collect();
    let mut other_cookie = false;
    for v in parts.headers.get_all(SET_COOKIE) {
        let v = v.to_str().unwrap_or_default();
        match v
            .split(';')
            .next()
            .and_then(|kv| kv.split_once('='))
            .filter(|(k, _)| *k == crate::csrf::CSRF_COOKIE)
        {
            Some((_, token)) => tokens.push(token.to_owned()),
            None => other_cookie = true,
        }
    }
    let leaks = tokens
        .iter()
        .any(|t| !t.is_empty() && body.windows(t.len()).any(|w| w == t.as_bytes()));
    if other_cookie || leaks {
        if leaks {
            tracing::warn!(
                key,
                "public cache: a public page holds the visitor's CSRF token; not cached"
            );
        }
        parts
            .headers
            .insert(CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
        return Response::from_parts(parts, Body::from(body));
    }
    parts.headers.remove(SET_COOKIE);
    let request_id = parts.headers.get(REQUEST_ID).cloned();
    let entry = Arc::new(Entry::new(parts.headers, body, modified));
    let answer = with_request_id(entry.answer(conditions, gzip), request_id);
    cache.insert(key, entry, generation);
    answer
}

const REQUEST_ID: &str = "x-request-id";

/// Every response carries a request id: a miss keeps the one its render was logged under, a
/// hit (logged nowhere) gets a fresh one.
fn with_request_id(mut response: Response, id: Option<HeaderValue>) -> Response {
    let id = id.unwrap_or_else(|| {
        // A version 4 UUID from the thread's generator (no system call per hit).
        let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        HeaderValue::from_str(id.hyphenated().encode_lower(&mut text))
            .expect("a UUID is a valid header")
    });
    response.headers_mut().insert(REQUEST_ID, id);
    response
}

/// A request's validators.
struct Conditions {
    none_match: Option<String>,
    modified_since: Option<u64>,
}

impl Conditions {
    fn of(headers: &HeaderMap) -> Conditions {
        let text = |name| {
            headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        Conditions {
            none_match: text(IF_NONE_MATCH).map(str::to_owned),
            modified_since: text(IF_MODIFIED_SINCE)
                .and_then(|v| httpdate::parse_http_date(v).ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_secs()),
        }
    }
}

impl Entry {
    fn new(mut headers: HeaderMap, body: Bytes, modified: u64) -> Entry {
        use sha2::Digest;
        for h in [
            CONTENT_LENGTH,
            CONTENT_ENCODING,
            CACHE_CONTROL,
            VARY,
            ETAG,
            LAST_MODIFIED,
        ] {
            headers.remove(h);
        }
        // Per request, not per page.
        headers.remove(REQUEST_ID);
        let hash = hex::encode(&sha2::Sha256::digest(&body)[..16]);
        let tag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{hash}{suffix}\"")).expect("hex is a valid header")
        };
        let tags = [tag(""), tag("-gz")];
        let last_modified = HeaderValue::from_str(&httpdate::fmt_http_date(
            UNIX_EPOCH + Duration::from_secs(modified),
        ))
        .expect("an HTTP date is a valid header");
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(PUBLIC));
        headers.insert(VARY, HeaderValue::from_static(VARY_ON));
        headers.insert(LAST_MODIFIED, last_modified);
        let mut not_modified = HeaderMap::new();
        for h in [CACHE_CONTROL, VARY, LAST_MODIFIED] {
            if let Some(v) = headers.get(&h) {
                not_modified.insert(h, v.clone());
            }
        }
        let compressible = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/") || t.contains("json") || t.contains("xml"));
        // From the same size the compression layer would compress at (it passes responses
        // that already carry a Content-Encoding), so a client taking gzip always gets ours.
        let gzip = (compressible && body.len() >= 32)
            .then(|| gzip(&body))
            .flatten()
            .map(|z| {
                let mut h = headers.clone();
                h.insert(ETAG, tags[1].clone());
                h.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                Variant {
                    headers: h,
                    body: Bytes::from(z),
                }
            });
        headers.insert(ETAG, tags[0].clone());
        let size = body.len() + gzip.as_ref().map_or(0, |g| g.body.len()) + 1024;
        Entry {
            plain: Variant { headers, body },
            gzip,
            tags,
            modified,
            not_modified,
            used: AtomicU64::new(0),
            size,
        }
    }

    fn answer(&self, conditions: &Conditions, gzip: bool) -> Response {
        let variant = match (&self.gzip, gzip) {
            (Some(z), true) => z,
            _ => &self.plain,
        };
        if self.fresh_for(conditions) {
            let mut headers = self.not_modified.clone();
            if let Some(tag) = variant.headers.get(ETAG) {
                headers.insert(ETAG, tag.clone());
            }
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            *response.headers_mut() = headers;
            return response;
        }
        let mut response = Response::new(Body::from(variant.body.clone()));
        *response.headers_mut() = variant.headers.clone();
        response
    }

    /// RFC 9110 §13.2.2: `If-None-Match` decides when present; otherwise `If-Modified-Since`.
    fn fresh_for(&self, c: &Conditions) -> bool {
        if let Some(list) = &c.none_match {
            return list.split(',').map(str::trim).any(|t| {
                let t = t.strip_prefix("W/").unwrap_or(t);
                t == "*" || self.tags.iter().any(|tag| tag.as_bytes() == t.as_bytes())
            });
        }
        c.modified_since.is_some_and(|since| self.modified <= since)
    }
}

fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut z = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::default(),
    );
    z.write_all(body).ok()?;
    z.finish().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn gzip_is_taken_unless_refused() {
        assert!(accepts_gzip(&headers(&[(
            "accept-encoding",
            "gzip, deflate, br"
        )])));
        assert!(accepts_gzip(&headers(&[(
            "accept-encoding",
            "br;q=1.0, GZIP;q=0.5"
        )])));
        assert!(accepts_gzip(&headers(&[("accept-encoding", "*")])));
        assert!(!accepts_gzip(&headers(&[("accept-encoding", "gzip;q=0")])));
        assert!(!accepts_gzip(&headers(&[("accept-encoding", "identity")])));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn validators_answer_304() {
        let body = Bytes::from("<p>".repeat(200));
        let entry = Entry::new(
            headers(&[("content-type", "text/html; charset=utf-8")]),
            body.clone(),
            1_700_000_000,
        );
        let plain = entry.answer(&Conditions::of(&HeaderMap::new()), false);
        assert_eq!(plain.status(), StatusCode::OK);
        let tag = plain.headers()[ETAG].to_str().unwrap().to_owned();
        assert!(tag.starts_with('"') && tag.len() == 34, "{tag}");
        let zipped = entry.answer(&Conditions::of(&HeaderMap::new()), true);
        assert_eq!(zipped.headers()[CONTENT_ENCODING], "gzip");
        assert_ne!(zipped.headers()[ETAG], tag.as_str());

        let ask = |pairs: &[(&'static str, &str)]| {
            entry
                .answer(&Conditions::of(&headers(pairs)), false)
                .status()
        };
        assert_eq!(ask(&[("if-none-match", &tag)]), StatusCode::NOT_MODIFIED);
        assert_eq!(
            ask(&[("if-none-match", &format!("\"x\", W/{tag}"))]),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(ask(&[("if-none-match", "\"other\"")]), StatusCode::OK);
        let lm = plain.headers()[LAST_MODIFIED].to_str().unwrap().to_owned();
        assert_eq!(ask(&[("if-modified-since", &lm)]), StatusCode::NOT_MODIFIED);
        assert_eq!(
            ask(&[("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT")]),
            StatusCode::OK
        );
        // If-None-Match wins over If-Modified-Since.
        assert_eq!(
            ask(&[("if-none-match", "\"other\""), ("if-modified-since", &lm)]),
            StatusCode::OK
        );
    }

    #[tokio::test]
    async fn a_render_begun_before_a_drop_is_not_stored() {
        let cache = PublicCache {
            inner: Arc::new(Inner {
                entries: RwLock::default(),
                generation: AtomicU64::new(0),
                since: AtomicU64::new(0),
                clock: AtomicU64::new(0),
                renders: Default::default(),
                live: simpul_app::live::LiveBus::local(),
            }),
        };
        let entry = || Arc::new(Entry::new(HeaderMap::new(), Bytes::from_static(b"x"), 0));
        let before = cache.inner.generation.load(Ordering::SeqCst);
        cache.clear();
        cache.insert("a".into(), entry(), before);
        assert_eq!(cache.len(), 0);
        let now = cache.inner.generation.load(Ordering::SeqCst);
        cache.insert("a".into(), entry(), now);
        assert_eq!(cache.len(), 1);
        assert!(cache.get("a").is_some());
    }
}
