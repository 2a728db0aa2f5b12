//! Loopback receivers for tests (feature `testing`): the far end of each channel, strict
//! the way the real ones are, so a test can send through the real code and check what
//! arrived.
//!
//! - [`PushEndpoint`] plays a browser and its push service: it holds a subscription's
//!   private key and auth secret, checks the VAPID token (signature by the expected
//!   application server key, `aud`, expiry), decrypts the RFC 8291 payload and records
//!   the plaintext.
//! - [`WebhookReceiver`] plays the office's messaging gateway: it checks each request with
//!   [`webhook::verify`], refuses replays, and records what it accepted once.
//!
//! Both listen on `127.0.0.1:0` in a task of the current Tokio runtime, stop when dropped,
//! and can be told to misbehave for the next N requests ([`Misbehave`]).

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::SecretKey;
use rand::RngCore as _;

use crate::push::{self, Subscription, VapidClaims};
use crate::webhook::{self, Refusal, WebhookSecret};

/// What a receiver does instead of its job, for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehave {
    /// Answer this status without looking at the request (410 for an expired push
    /// subscription, 500 for a receiver that is down, 400, 429…).
    Answer(StatusCode),
    /// Do the work (verify, record), then wait this long before answering: the answer is
    /// lost to a sender with a shorter timeout, the case that makes senders retry what
    /// was already received.
    Stall(Duration),
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide what the receiver saw from the next assertion.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn bind() -> (tokio::net::TcpListener, SocketAddr) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind a loopback port");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    (listener, addr)
}

fn spawn(listener: tokio::net::TcpListener, router: Router) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    })
}

/// One push message as the browser would see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedPush {
    pub plaintext: Vec<u8>,
    pub ttl: Option<u64>,
    pub urgency: Option<String>,
    pub topic: Option<String>,
    pub claims: VapidClaims,
}

/// A push service and browser on loopback. See the module docs.
pub struct PushEndpoint {
    addr: SocketAddr,
    state: Arc<PushState>,
    server: tokio::task::JoinHandle<()>,
}

struct PushState {
    ua_secret: SecretKey,
    auth: [u8; 16],
    vapid_public_key: String,
    audience: String,
    path: String,
    log: Mutex<PushLog>,
}

#[derive(Default)]
struct PushLog {
    requests: usize,
    received: Vec<ReceivedPush>,
    refused: Vec<String>,
    script: VecDeque<Misbehave>,
}

impl PushEndpoint {
    /// Starts an endpoint that accepts messages signed by the VAPID key pair whose public
    /// key (base64url, as [`push::VapidKeys::public_key`] gives it) is `vapid_public_key`.
    pub async fn start(vapid_public_key: &str) -> Self {
        let ua_secret = SecretKey::random(&mut rand::rngs::OsRng);
        let mut auth = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut auth);
        let mut token = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut token);

        // The audience names the port: bind before building the state.
        let (listener, addr) = bind().await;
        let state = Arc::new(PushState {
            ua_secret,
            auth,
            vapid_public_key: vapid_public_key.to_owned(),
            audience: format!("http://{addr}"),
            path: format!("/push/{}", b64(&token)),
            log: Mutex::new(PushLog::default()),
        });
        let router = Router::new()
            .fallback(receive_push)
            .with_state(state.clone());
        let server = spawn(listener, router);
        PushEndpoint {
            addr,
            state,
            server,
        }
    }

    /// The subscription a browser would hand over: this endpoint's URL and the public
    /// halves of its keys.
    pub fn subscription(&self) -> Subscription {
        let public = self.state.ua_secret.public_key().to_encoded_point(false);
        Subscription {
            endpoint: format!("http://{}{}", self.addr, self.state.path),
            p256dh: b64(public.as_bytes()),
            auth: b64(&self.state.auth),
        }
    }

    /// The VAPID audience this endpoint expects: `http://127.0.0.1:<port>`.
    pub fn audience(&self) -> &str {
        &self.state.audience
    }

    /// Every message accepted, in order of arrival.
    pub fn received(&self) -> Vec<ReceivedPush> {
        lock(&self.state.log).received.clone()
    }

    /// The decrypted payloads accepted, in order of arrival.
    pub fn plaintexts(&self) -> Vec<Vec<u8>> {
        lock(&self.state.log)
            .received
            .iter()
            .map(|r| r.plaintext.clone())
            .collect()
    }

    /// Why requests were refused (bad token, undecryptable body…), in order.
    pub fn refused(&self) -> Vec<String> {
        lock(&self.state.log).refused.clone()
    }

    /// Requests that reached the endpoint, whatever became of them.
    pub fn requests(&self) -> usize {
        lock(&self.state.log).requests
    }

    /// The next `n` requests get `behaviour` instead of being received.
    pub fn misbehave_next(&self, n: usize, behaviour: Misbehave) {
        lock(&self.state.log)
            .script
            .extend(std::iter::repeat_n(behaviour, n));
    }

    /// The next `n` requests are answered `status` (410: the subscription expired).
    pub fn answer_next(&self, n: usize, status: StatusCode) {
        self.misbehave_next(n, Misbehave::Answer(status));
    }
}

impl Drop for PushEndpoint {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn receive_push(
    State(state): State<Arc<PushState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (script, outcome) = {
        let mut log = lock(&state.log);
        log.requests += 1;
        let script = log.script.pop_front();
        if let Some(Misbehave::Answer(status)) = script {
            return (status, "told to answer so").into_response();
        }
        let outcome = check_push(&state, &uri, &headers, &body);
        match &outcome {
            Ok(received) => log.received.push(received.clone()),
            Err((_, reason)) => log.refused.push(reason.clone()),
        }
        (script, outcome)
    };
    if let Some(Misbehave::Stall(delay)) = script {
        tokio::time::sleep(delay).await;
    }
    match outcome {
        Ok(_) => (StatusCode::CREATED, [("Location", "/message/1")], "").into_response(),
        Err((status, reason)) => (status, reason).into_response(),
    }
}

fn check_push(
    state: &PushState,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<ReceivedPush, (StatusCode, String)> {
    if uri.path() != state.path {
        return Err((
            StatusCode::NOT_FOUND,
            format!("no subscription at {}", uri.path()),
        ));
    }
    let authorization = header_str(headers, "authorization").ok_or((
        StatusCode::UNAUTHORIZED,
        "no Authorization header".to_owned(),
    ))?;
    let claims = push::verify_vapid(
        authorization,
        &state.vapid_public_key,
        &state.audience,
        crate::unix_now(),
    )
    .map_err(|e| {
        let status = match e {
            push::VapidError::WrongKey => StatusCode::FORBIDDEN,
            _ => StatusCode::UNAUTHORIZED,
        };
        (status, format!("VAPID: {e}"))
    })?;
    if header_str(headers, "content-encoding") != Some("aes128gcm") {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Encoding must be aes128gcm".to_owned(),
        ));
    }
    let ttl = header_str(headers, "ttl")
        .and_then(|t| t.parse().ok())
        .ok_or((
            StatusCode::BAD_REQUEST,
            "TTL header missing or not a number".to_owned(),
        ))?;
    let urgency = header_str(headers, "urgency").map(str::to_owned);
    if let Some(u) = &urgency {
        if !["very-low", "low", "normal", "high"].contains(&u.as_str()) {
            return Err((StatusCode::BAD_REQUEST, format!("unknown Urgency {u:?}")));
        }
    }
    if body.len() > push::MAX_BODY {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body of {} bytes is over {}", body.len(), push::MAX_BODY),
        ));
    }
    let plaintext = push::decrypt(&state.ua_secret, &state.auth, body)
        .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    Ok(ReceivedPush {
        plaintext,
        ttl: Some(ttl),
        urgency,
        topic: header_str(headers, "topic").map(str::to_owned),
        claims,
    })
}

/// One webhook the receiver accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedWebhook {
    pub delivery_id: String,
    pub timestamp: u64,
    pub body: Vec<u8>,
}

/// The office's messaging gateway on loopback. See the module docs.
///
/// Answers: 200 for a new authentic delivery (recorded); 200 `duplicate` for an authentic
/// delivery already received (not recorded again: answering 2xx is what lets the sender
/// stop retrying); 401 for a bad or missing signature; 400 for a stale timestamp or
/// malformed headers. Refusals are kept in [`WebhookReceiver::refused`].
pub struct WebhookReceiver {
    addr: SocketAddr,
    state: Arc<WebhookState>,
    server: tokio::task::JoinHandle<()>,
}

struct WebhookState {
    secret: WebhookSecret,
    log: Mutex<WebhookLog>,
}

#[derive(Default)]
struct WebhookLog {
    requests: usize,
    accepted: Vec<AcceptedWebhook>,
    refused: Vec<Refusal>,
    seen: HashSet<String>,
    script: VecDeque<Misbehave>,
}

impl WebhookReceiver {
    pub async fn start(secret: WebhookSecret) -> Self {
        let (listener, addr) = bind().await;
        let state = Arc::new(WebhookState {
            secret,
            log: Mutex::new(WebhookLog::default()),
        });
        let router = Router::new()
            .fallback(receive_webhook)
            .with_state(state.clone());
        let server = spawn(listener, router);
        WebhookReceiver {
            addr,
            state,
            server,
        }
    }

    /// Where to send: `http://127.0.0.1:<port>/hook`.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// Deliveries accepted, each once, in order of arrival.
    pub fn accepted(&self) -> Vec<AcceptedWebhook> {
        lock(&self.state.log).accepted.clone()
    }

    /// The bodies of [`WebhookReceiver::accepted`].
    pub fn bodies(&self) -> Vec<Vec<u8>> {
        lock(&self.state.log)
            .accepted
            .iter()
            .map(|a| a.body.clone())
            .collect()
    }

    /// Requests refused, duplicates included, in order.
    pub fn refused(&self) -> Vec<Refusal> {
        lock(&self.state.log).refused.clone()
    }

    /// Requests that reached the receiver, whatever became of them.
    pub fn requests(&self) -> usize {
        lock(&self.state.log).requests
    }

    /// The next `n` requests get `behaviour` instead of the normal answer.
    pub fn misbehave_next(&self, n: usize, behaviour: Misbehave) {
        lock(&self.state.log)
            .script
            .extend(std::iter::repeat_n(behaviour, n));
    }

    /// The next `n` requests are answered `status` unread (500: the gateway is down).
    pub fn answer_next(&self, n: usize, status: StatusCode) {
        self.misbehave_next(n, Misbehave::Answer(status));
    }

    /// The next `n` requests are received, then answered only after `delay`.
    pub fn stall_next(&self, n: usize, delay: Duration) {
        self.misbehave_next(n, Misbehave::Stall(delay));
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn receive_webhook(
    State(state): State<Arc<WebhookState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (script, answer) = {
        let mut log = lock(&state.log);
        log.requests += 1;
        let script = log.script.pop_front();
        if let Some(Misbehave::Answer(status)) = script {
            return (status, "told to answer so").into_response();
        }
        let log = &mut *log;
        let verdict = webhook::verify(
            &state.secret,
            &headers,
            &body,
            crate::unix_now(),
            webhook::REPLAY_WINDOW,
            Some(&mut log.seen),
        );
        let answer = match verdict {
            Ok(verified) => {
                log.accepted.push(AcceptedWebhook {
                    delivery_id: verified.delivery_id,
                    timestamp: verified.timestamp,
                    body: body.to_vec(),
                });
                (StatusCode::OK, "accepted".to_owned())
            }
            Err(refusal) => {
                let status = match &refusal {
                    Refusal::Duplicate { .. } => StatusCode::OK,
                    Refusal::BadSignature | Refusal::MissingHeader(_) => StatusCode::UNAUTHORIZED,
                    Refusal::MalformedHeader(_) | Refusal::OutsideWindow { .. } => {
                        StatusCode::BAD_REQUEST
                    }
                };
                let text = if refusal.is_duplicate() {
                    "duplicate".to_owned()
                } else {
                    refusal.to_string()
                };
                log.refused.push(refusal);
                (status, text)
            }
        };
        (script, answer)
    };
    if let Some(Misbehave::Stall(delay)) = script {
        tokio::time::sleep(delay).await;
    }
    answer.into_response()
}
