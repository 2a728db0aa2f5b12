//! Signed webhooks: the office's messaging gateway (a WhatsApp, SMS or Telegram relay)
//! receives each notification as a POST it can authenticate.
//!
//! Every request carries three headers:
//! - `X-Simpul-Timestamp`: Unix seconds when this attempt was signed;
//! - `X-Simpul-Signature`: `v1=` and the lower-case hex HMAC-SHA256, keyed with the
//!   secret string exactly as shown to the administrator, over `"{timestamp}.{body}"`;
//! - `X-Simpul-Delivery`: the idempotency id, the same on every retry of one delivery,
//!   so a receiver that got the first attempt but whose answer was lost can drop the
//!   retry (and should answer it 2xx, so the sender stops).
//!
//! A receiver in another language needs only that paragraph; a Rust receiver calls
//! [`verify`]. Signing the timestamp with the body is what bounds replays: a captured
//! request is refused once it is older than the window ([`REPLAY_WINDOW`], five minutes),
//! and within the window the seen-set refuses it.

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use rand::RngCore as _;
use sha2::Sha256;

use crate::Outcome;

pub const TIMESTAMP_HEADER: &str = "X-Simpul-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Simpul-Signature";
pub const DELIVERY_HEADER: &str = "X-Simpul-Delivery";

/// How far a request's timestamp may be from the receiver's clock, either way.
pub const REPLAY_WINDOW: Duration = Duration::from_secs(5 * 60);

/// Longest accepted delivery id; ids are the backbone's idempotency keys, far shorter.
pub const MAX_DELIVERY_ID_LEN: usize = 200;

type HmacSha256 = Hmac<Sha256>;

/// The shared secret of one webhook. It never prints (`Debug` shows `WebhookSecret(…)`);
/// [`WebhookSecret::expose`] is the one way out, for storing it and showing it once to the
/// administrator who configures the relay.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// A fresh secret: `whsec_` and 32 random bytes in base64url.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        WebhookSecret(format!(
            "whsec_{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        ))
    }

    /// A secret as stored. Refuses one too short to be a key (under 16 characters).
    pub fn new(secret: impl Into<String>) -> Result<Self, WeakSecret> {
        let secret = secret.into();
        if secret.len() < 16 {
            return Err(WeakSecret);
        }
        Ok(WebhookSecret(secret))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(self.0.as_bytes()).expect("HMAC takes keys of any length")
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a webhook secret must be at least 16 characters")]
pub struct WeakSecret;

/// The three headers of one signed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub timestamp: u64,
    pub signature: String,
    pub delivery_id: String,
}

impl SignedHeaders {
    /// `(name, value)` pairs, in the order they are sent.
    pub fn pairs(&self) -> [(&'static str, String); 3] {
        [
            (TIMESTAMP_HEADER, self.timestamp.to_string()),
            (SIGNATURE_HEADER, self.signature.clone()),
            (DELIVERY_HEADER, self.delivery_id.clone()),
        ]
    }

    pub fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        self.pairs()
            .into_iter()
            .fold(request, |request, (name, value)| {
                request.header(name, value)
            })
    }
}

/// `v1=<hex>`: HMAC-SHA256 over `"{timestamp}.{body}"`.
pub fn signature(secret: &WebhookSecret, timestamp: u64, body: &[u8]) -> String {
    let mut mac = secret.mac();
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The headers for one attempt signed at `timestamp`.
pub fn sign(
    secret: &WebhookSecret,
    delivery_id: &str,
    timestamp: u64,
    body: &[u8],
) -> SignedHeaders {
    SignedHeaders {
        timestamp,
        signature: signature(secret, timestamp, body),
        delivery_id: delivery_id.to_owned(),
    }
}

/// Why a receiver refused a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("header {0} is missing")]
    MissingHeader(&'static str),
    #[error("header {0} is malformed")]
    MalformedHeader(&'static str),
    #[error("signature does not match")]
    BadSignature,
    #[error(
        "timestamp {timestamp} is outside the replay window (now {now}, window {window_secs} s)"
    )]
    OutsideWindow {
        timestamp: u64,
        now: u64,
        window_secs: u64,
    },
    /// Authentic and fresh, but this delivery (or this exact signed request) was seen
    /// before. A receiver should answer it 2xx without acting on it again: the sender is
    /// retrying because it never saw the first answer.
    #[error("delivery {delivery_id} was already received")]
    Duplicate { delivery_id: String },
}

impl Refusal {
    /// A duplicate is not an attack: answer it as accepted, act on it once.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Refusal::Duplicate { .. })
    }
}

/// Where a receiver remembers the deliveries it has accepted. Entries older than the
/// replay window may be forgotten: [`verify`] refuses those requests by their timestamp.
pub trait SeenDeliveries {
    /// Records `key`; `false` if it was already there.
    fn first_time(&mut self, key: &str) -> bool;
}

impl SeenDeliveries for HashSet<String> {
    fn first_time(&mut self, key: &str) -> bool {
        self.insert(key.to_owned())
    }
}

/// What a verified request said about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub delivery_id: String,
    pub timestamp: u64,
}

/// Checks a received request: the signature (constant-time; any `v1=` of a
/// comma-separated list may match, so a sender can rotate secrets), then the timestamp
/// against `now` (Unix seconds) within `window` either way, then, if `seen` is given, that
/// neither the delivery id nor this exact signature was accepted before; only a request
/// that passes all of it is recorded in `seen`.
///
/// The id is not under the signature, so within the window a replay with an altered id
/// still carries a signature already seen: both are recorded, and either refuses it.
pub fn verify(
    secret: &WebhookSecret,
    headers: &HeaderMap,
    body: &[u8],
    now: u64,
    window: Duration,
    seen: Option<&mut dyn SeenDeliveries>,
) -> Result<Verified, Refusal> {
    let timestamp_text = header(headers, TIMESTAMP_HEADER)?;
    let timestamp: u64 = timestamp_text
        .parse()
        .map_err(|_| Refusal::MalformedHeader(TIMESTAMP_HEADER))?;
    let signatures = header(headers, SIGNATURE_HEADER)?;
    let delivery_id = header(headers, DELIVERY_HEADER)?;
    if !valid_delivery_id(delivery_id) {
        return Err(Refusal::MalformedHeader(DELIVERY_HEADER));
    }

    let mut matched = None;
    for candidate in signatures.split(',').map(str::trim) {
        let Some(hex_value) = candidate.strip_prefix("v1=") else {
            continue;
        };
        let Ok(bytes) = hex::decode(hex_value) else {
            return Err(Refusal::MalformedHeader(SIGNATURE_HEADER));
        };
        let mut mac = secret.mac();
        // The timestamp as it was sent, not re-formatted: "0123" must not verify as "123".
        mac.update(timestamp_text.as_bytes());
        mac.update(b".");
        mac.update(body);
        if mac.verify_slice(&bytes).is_ok() {
            matched = Some(hex_value.to_ascii_lowercase());
            break;
        }
    }
    let Some(matched) = matched else {
        return Err(Refusal::BadSignature);
    };

    if now.abs_diff(timestamp) > window.as_secs() {
        return Err(Refusal::OutsideWindow {
            timestamp,
            now,
            window_secs: window.as_secs(),
        });
    }

    if let Some(seen) = seen {
        let by_id = seen.first_time(&format!("id:{delivery_id}"));
        let by_signature = seen.first_time(&format!("v1:{matched}"));
        if !(by_id && by_signature) {
            return Err(Refusal::Duplicate {
                delivery_id: delivery_id.to_owned(),
            });
        }
    }
    Ok(Verified {
        delivery_id: delivery_id.to_owned(),
        timestamp,
    })
}

fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, Refusal> {
    let value = headers.get(name).ok_or(Refusal::MissingHeader(name))?;
    value
        .to_str()
        .map(str::trim)
        .map_err(|_| Refusal::MalformedHeader(name))
}

fn valid_delivery_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_DELIVERY_ID_LEN && id.bytes().all(|b| b.is_ascii_graphic())
}

/// POSTs `body` (JSON by convention) to `url`, signed now, within [`crate::DEFAULT_TIMEOUT`].
pub async fn send(
    client: &reqwest::Client,
    url: &str,
    secret: &WebhookSecret,
    delivery_id: &str,
    body: &[u8],
) -> Outcome {
    send_with_timeout(
        client,
        url,
        secret,
        delivery_id,
        body,
        crate::DEFAULT_TIMEOUT,
    )
    .await
}

/// [`send`] with a timeout of the caller's choosing (the whole attempt, body included).
pub async fn send_with_timeout(
    client: &reqwest::Client,
    url: &str,
    secret: &WebhookSecret,
    delivery_id: &str,
    body: &[u8],
    timeout: Duration,
) -> Outcome {
    if !valid_delivery_id(delivery_id) {
        return Outcome::failed(
            "delivery id must be 1 to 200 visible ASCII characters without spaces",
        );
    }
    let url = match reqwest::Url::parse(url) {
        Ok(url) if matches!(url.scheme(), "https" | "http") => url,
        Ok(_) => return Outcome::gone("webhook URL must be http or https"),
        Err(e) => return Outcome::gone(format!("webhook URL is invalid: {e}")),
    };
    let signed = sign(secret, delivery_id, crate::unix_now(), body);
    let request = client
        .post(url)
        .timeout(timeout)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body.to_vec());
    crate::outcome::attempt(signed.apply(request)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> WebhookSecret {
        WebhookSecret::new("whsec_test_secret_for_units").unwrap()
    }

    fn headers_of(signed: &SignedHeaders) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in signed.pairs() {
            headers.insert(name, value.parse().unwrap());
        }
        headers
    }

    const NOW: u64 = 1_750_000_000;

    #[test]
    fn a_signed_request_verifies() {
        let body = br#"{"kind":"alert"}"#;
        let signed = sign(&secret(), "d-1", NOW, body);
        assert!(signed.signature.starts_with("v1="));
        assert_eq!(signed.signature.len(), 3 + 64);
        let verified = verify(
            &secret(),
            &headers_of(&signed),
            body,
            NOW + 10,
            REPLAY_WINDOW,
            None,
        );
        assert_eq!(
            verified,
            Ok(Verified {
                delivery_id: "d-1".into(),
                timestamp: NOW
            })
        );
    }

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // Computed outside Rust:
        // printf '1750000000.{}' | openssl dgst -sha256 -hmac whsec_test_secret_for_units
        let expected = "v1=ee531da485e01a961a61c6194fbefa507c39e43c9aa3b2b45b1831e47a4179bc";
        assert_eq!(signature(&secret(), NOW, b"{}"), expected);
    }

    #[test]
    fn wrong_secret_altered_body_or_altered_timestamp_is_refused() {
        let body = b"{\"n\":1}";
        let signed = sign(&secret(), "d-1", NOW, body);
        let other = WebhookSecret::new("whsec_someone_elses_secret").unwrap();
        assert_eq!(
            verify(&other, &headers_of(&signed), body, NOW, REPLAY_WINDOW, None),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify(
                &secret(),
                &headers_of(&signed),
                b"{\"n\":2}",
                NOW,
                REPLAY_WINDOW,
                None
            ),
            Err(Refusal::BadSignature)
        );
        let mut moved = headers_of(&signed);
        moved.insert(TIMESTAMP_HEADER, (NOW + 1).to_string().parse().unwrap());
        assert_eq!(
            verify(&secret(), &moved, body, NOW, REPLAY_WINDOW, None),
            Err(Refusal::BadSignature)
        );
        let mut padded = headers_of(&signed);
        padded.insert(TIMESTAMP_HEADER, format!("0{NOW}").parse().unwrap());
        assert_eq!(
            verify(&secret(), &padded, body, NOW, REPLAY_WINDOW, None),
            Err(Refusal::BadSignature)
        );
    }

    #[test]
    fn old_and_future_timestamps_are_refused() {
        let signed = sign(&secret(), "d-1", NOW, b"x");
        let window = REPLAY_WINDOW.as_secs();
        assert!(verify(
            &secret(),
            &headers_of(&signed),
            b"x",
            NOW + window,
            REPLAY_WINDOW,
            None
        )
        .is_ok());
        assert!(matches!(
            verify(
                &secret(),
                &headers_of(&signed),
                b"x",
                NOW + window + 1,
                REPLAY_WINDOW,
                None
            ),
            Err(Refusal::OutsideWindow { .. })
        ));
        assert!(matches!(
            verify(
                &secret(),
                &headers_of(&signed),
                b"x",
                NOW - window - 1,
                REPLAY_WINDOW,
                None
            ),
            Err(Refusal::OutsideWindow { .. })
        ));
    }

    #[test]
    fn a_delivery_seen_before_is_a_duplicate_even_under_another_id() {
        let mut seen: HashSet<String> = HashSet::new();
        let first = sign(&secret(), "d-1", NOW, b"x");
        assert!(verify(
            &secret(),
            &headers_of(&first),
            b"x",
            NOW,
            REPLAY_WINDOW,
            Some(&mut seen)
        )
        .is_ok());

        // The sender's retry: same id, signed again later.
        let retry = sign(&secret(), "d-1", NOW + 30, b"x");
        let refusal = verify(
            &secret(),
            &headers_of(&retry),
            b"x",
            NOW + 30,
            REPLAY_WINDOW,
            Some(&mut seen),
        )
        .unwrap_err();
        assert!(refusal.is_duplicate());

        // An attacker's replay of the first request with the id changed.
        let mut renamed = headers_of(&first);
        renamed.insert(DELIVERY_HEADER, "d-2".parse().unwrap());
        assert!(verify(
            &secret(),
            &renamed,
            b"x",
            NOW + 60,
            REPLAY_WINDOW,
            Some(&mut seen)
        )
        .unwrap_err()
        .is_duplicate());
    }

    #[test]
    fn a_refused_request_does_not_poison_the_seen_set() {
        let mut seen: HashSet<String> = HashSet::new();
        let forged = SignedHeaders {
            signature: format!("v1={}", "0".repeat(64)),
            ..sign(&secret(), "d-1", NOW, b"x")
        };
        assert_eq!(
            verify(
                &secret(),
                &headers_of(&forged),
                b"x",
                NOW,
                REPLAY_WINDOW,
                Some(&mut seen)
            ),
            Err(Refusal::BadSignature)
        );
        let genuine = sign(&secret(), "d-1", NOW, b"x");
        assert!(verify(
            &secret(),
            &headers_of(&genuine),
            b"x",
            NOW,
            REPLAY_WINDOW,
            Some(&mut seen)
        )
        .is_ok());
    }

    #[test]
    fn rotation_list_and_malformed_headers() {
        let signed = sign(&secret(), "d-1", NOW, b"x");
        let mut headers = headers_of(&signed);
        let rotated = format!("v1={}, {}", "ab".repeat(32), signed.signature);
        headers.insert(SIGNATURE_HEADER, rotated.parse().unwrap());
        assert!(verify(&secret(), &headers, b"x", NOW, REPLAY_WINDOW, None).is_ok());

        headers.remove(DELIVERY_HEADER);
        assert_eq!(
            verify(&secret(), &headers, b"x", NOW, REPLAY_WINDOW, None),
            Err(Refusal::MissingHeader(DELIVERY_HEADER))
        );
        headers.insert(DELIVERY_HEADER, "d-1".parse().unwrap());
        headers.insert(TIMESTAMP_HEADER, "yesterday".parse().unwrap());
        assert_eq!(
            verify(&secret(), &headers, b"x", NOW, REPLAY_WINDOW, None),
            Err(Refusal::MalformedHeader(TIMESTAMP_HEADER))
        );
        headers.insert(TIMESTAMP_HEADER, NOW.to_string().parse().unwrap());
        headers.insert(SIGNATURE_HEADER, "v1=zz".parse().unwrap());
        assert_eq!(
            verify(&secret(), &headers, b"x", NOW, REPLAY_WINDOW, None),
            Err(Refusal::MalformedHeader(SIGNATURE_HEADER))
        );
        headers.insert(SIGNATURE_HEADER, "v0=abcd".parse().unwrap());
        assert_eq!(
            verify(&secret(), &headers, b"x", NOW, REPLAY_WINDOW, None),
            Err(Refusal::BadSignature)
        );
    }

    #[test]
    fn secrets_never_print_and_short_ones_are_refused() {
        let secret = WebhookSecret::generate();
        assert!(secret.expose().starts_with("whsec_"));
        assert_eq!(secret.expose().len(), 6 + 43);
        assert_eq!(format!("{secret:?}"), "WebhookSecret(…)");
        assert_eq!(WebhookSecret::new("short"), Err(WeakSecret));
    }
}
