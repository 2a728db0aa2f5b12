//! Web Push: a notification on a phone's or computer's browser, through the push service
//! the browser chose (FCM, Mozilla autopush, Apple, …), with no app to install.
//!
//! Three standards, all in this file:
//! - RFC 8291 (with RFC 8188's `aes128gcm`): the payload is encrypted to the browser's
//!   `p256dh` key and `auth` secret, so the push service carries what it cannot read;
//! - RFC 8292 (VAPID): each request carries `Authorization: vapid t=<JWT>, k=<key>`, an
//!   ES256 token for the push service's origin signed with our key pair, whose public half
//!   the browser received as `applicationServerKey` when it subscribed;
//! - RFC 8030: `TTL`, `Urgency` (urgent alerts go `high`, which wakes a sleeping phone)
//!   and `Topic` headers, and the 404/410 answer that means the subscription is gone.
//!
//! Why RustCrypto primitives (`p256`, `hkdf`, `aes-gcm`, `hmac`) rather than the
//! `web-push` crate (or `ece` + `jwt-simple`): `web-push` 0.11 encrypts through `ece`,
//! whose backend is OpenSSL (a C library to install on every machine and CI, and a second
//! crypto stack beside rustls), and it builds `http` 0.2 requests for isahc or hyper 0.14,
//! not for the reqwest 0.12 client the rest of Simpul uses. `ece` alone has the same
//! OpenSSL backend and picks the salt and ephemeral key itself, so the RFC's fixed-salt
//! test vector could only be decrypted, not reproduced. The protocol on top of the
//! primitives is small (two HKDF steps, one AES-GCM record, one ES256 signature), written
//! once here and pinned byte for byte to RFC 8291's Appendix A in the tests below.

use std::fmt;
use std::time::Duration;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use base64::Engine as _;
use hkdf::Hkdf;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::Outcome;

/// The largest encrypted body a push service must accept (RFC 8030 §7.2); bigger ones are
/// refused with 413 by some services and silently dropped by none we can trust.
pub const MAX_BODY: usize = 4096;
/// The largest payload that fits [`MAX_BODY`] once encrypted: 86 bytes of header
/// (salt, record size, key), a 16-byte tag and the 1-byte padding delimiter (RFC 8291 §4).
pub const MAX_PAYLOAD: usize = MAX_BODY - HEADER_LEN - TAG_LEN - 1;
/// How long a push service keeps a message for a phone that is offline, unless told.
pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// A VAPID token's lifetime; RFC 8292 allows at most 24 hours.
pub const VAPID_TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

const RECORD_SIZE: u32 = 4096;
const KEY_LEN: usize = 65;
const HEADER_LEN: usize = 16 + 4 + 1 + KEY_LEN;
const TAG_LEN: usize = 16;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Base64url as browsers send it, also accepting padding and the standard alphabet
/// (some libraries re-encode the keys before they reach us).
fn unb64(text: &str) -> Option<Vec<u8>> {
    let normalised: String = text
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(normalised)
        .ok()
}

/// What can be wrong with keys, subscriptions and payloads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    #[error("the VAPID private key is not a base64url P-256 scalar")]
    InvalidVapidKey,
    #[error("the subscription endpoint is not usable: {0}")]
    InvalidEndpoint(String),
    #[error("the subscription's p256dh key is not a base64url uncompressed P-256 point")]
    InvalidP256dh,
    #[error("the subscription's auth secret is not 16 bytes of base64url")]
    InvalidAuth,
    #[error("a payload of {len} bytes is over the Web Push limit of {max} bytes")]
    PayloadTooLarge { len: usize, max: usize },
    #[error("the push message cannot be decrypted: {0}")]
    Decrypt(&'static str),
}

/// Our VAPID key pair (P-256). Generated once at first start and stored as the string of
/// [`VapidKeys::export_private`]; the private key never prints (`Debug` shows the public).
#[derive(Clone)]
pub struct VapidKeys {
    signing: SigningKey,
}

impl VapidKeys {
    pub fn generate() -> Self {
        VapidKeys {
            signing: SigningKey::random(&mut rand::rngs::OsRng),
        }
    }

    /// Reads the stored private key: 32 bytes, base64url.
    pub fn from_private(stored: &str) -> Result<Self, PushError> {
        let bytes = unb64(stored).ok_or(PushError::InvalidVapidKey)?;
        let signing = SigningKey::from_slice(&bytes).map_err(|_| PushError::InvalidVapidKey)?;
        Ok(VapidKeys { signing })
    }

    /// The private key for storage: 32 bytes, base64url without padding.
    pub fn export_private(&self) -> String {
        b64(&self.signing.to_bytes())
    }

    /// The public key as the browser's `applicationServerKey` wants it (and as VAPID's
    /// `k=` sends it): the uncompressed point, 65 bytes, base64url without padding.
    pub fn public_key(&self) -> String {
        b64(self
            .signing
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes())
    }
}

impl fmt::Debug for VapidKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VapidKeys")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

/// One browser's subscription, as `PushSubscription.toJSON()` gives it (flattened): the
/// push service URL, the browser's P-256 key and its 16-byte auth secret, both base64url.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

#[derive(Deserialize)]
struct BrowserSubscription {
    endpoint: String,
    keys: BrowserKeys,
}

#[derive(Deserialize)]
struct BrowserKeys {
    p256dh: String,
    auth: String,
}

impl Subscription {
    /// A subscription whose endpoint and keys are usable: parse it once when the browser
    /// posts it, and a stored one will not fail for its shape later.
    pub fn parse(endpoint: &str, p256dh: &str, auth: &str) -> Result<Self, PushError> {
        let subscription = Subscription {
            endpoint: endpoint.trim().to_owned(),
            p256dh: p256dh.trim().to_owned(),
            auth: auth.trim().to_owned(),
        };
        subscription.endpoint_url()?;
        subscription.keys()?;
        Ok(subscription)
    }

    /// The JSON of `PushSubscription.toJSON()`: `{"endpoint": …, "keys": {"p256dh": …, "auth": …}}`.
    pub fn from_browser_json(json: &str) -> Result<Self, PushError> {
        let browser: BrowserSubscription = serde_json::from_str(json)
            .map_err(|e| PushError::InvalidEndpoint(format!("not a PushSubscription: {e}")))?;
        Self::parse(&browser.endpoint, &browser.keys.p256dh, &browser.keys.auth)
    }

    /// The endpoint as a URL: https, or http to a loopback address (tests). Any other
    /// http URL is refused: the endpoint comes from a browser, and a server that POSTs
    /// wherever a browser says should at least not do it in clear text.
    pub fn endpoint_url(&self) -> Result<reqwest::Url, PushError> {
        let url = reqwest::Url::parse(&self.endpoint)
            .map_err(|e| PushError::InvalidEndpoint(e.to_string()))?;
        let loopback = match url.host() {
            Some(url::Host::Domain(name)) => name == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match url.scheme() {
            "https" => Ok(url),
            "http" if loopback => Ok(url),
            _ => Err(PushError::InvalidEndpoint(
                "must be an https URL".to_owned(),
            )),
        }
    }

    /// The VAPID audience: the endpoint's origin, `scheme://host[:port]`.
    pub fn audience(&self) -> Result<String, PushError> {
        Ok(self.endpoint_url()?.origin().ascii_serialization())
    }

    fn keys(&self) -> Result<(PublicKey, [u8; 16]), PushError> {
        let point = unb64(&self.p256dh).ok_or(PushError::InvalidP256dh)?;
        if point.len() != KEY_LEN {
            return Err(PushError::InvalidP256dh);
        }
        let public = PublicKey::from_sec1_bytes(&point).map_err(|_| PushError::InvalidP256dh)?;
        let auth: [u8; 16] = unb64(&self.auth)
            .and_then(|a| a.try_into().ok())
            .ok_or(PushError::InvalidAuth)?;
        Ok((public, auth))
    }
}

/// RFC 8030 §5.3: how hard the push service should try to reach a device now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Urgency {
    VeryLow,
    Low,
    #[default]
    Normal,
    /// Urgent alerts: delivered even to a phone saving battery.
    High,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::VeryLow => "very-low",
            Urgency::Low => "low",
            Urgency::Normal => "normal",
            Urgency::High => "high",
        }
    }
}

/// How one message is to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOptions {
    /// How long the push service keeps it for an offline device (whole seconds).
    pub ttl: Duration,
    pub urgency: Urgency,
    /// A message with the same topic replaces an undelivered earlier one (at most 32
    /// base64url characters), e.g. an alert's id, so an updated alert does not arrive twice.
    pub topic: Option<String>,
    /// The whole attempt, connection to answer.
    pub timeout: Duration,
}

impl Default for PushOptions {
    fn default() -> Self {
        PushOptions {
            ttl: DEFAULT_TTL,
            urgency: Urgency::Normal,
            topic: None,
            timeout: crate::DEFAULT_TIMEOUT,
        }
    }
}

impl PushOptions {
    /// For urgent alerts: `Urgency: high`.
    pub fn urgent() -> Self {
        PushOptions {
            urgency: Urgency::High,
            ..PushOptions::default()
        }
    }
}

/// Encrypts `payload` for `subscription` (RFC 8291, one `aes128gcm` record) with a fresh
/// salt and ephemeral key: the request body to POST.
pub fn encrypt(subscription: &Subscription, payload: &[u8]) -> Result<Vec<u8>, PushError> {
    if payload.len() > MAX_PAYLOAD {
        return Err(PushError::PayloadTooLarge {
            len: payload.len(),
            max: MAX_PAYLOAD,
        });
    }
    let (ua_public, auth) = subscription.keys()?;
    let ephemeral = SecretKey::random(&mut rand::rngs::OsRng);
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    Ok(encrypt_with(&ua_public, &auth, &ephemeral, &salt, payload))
}

/// The RFC 8291 derivation: (CEK, nonce) for one message.
fn derive(
    ecdh_secret: &[u8],
    auth: &[u8; 16],
    ua_public: &[u8],
    as_public: &[u8],
    salt: &[u8; 16],
) -> ([u8; 16], [u8; 12]) {
    let mut key_info = Vec::with_capacity(14 + 2 * KEY_LEN);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(as_public);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth.as_slice()), ecdh_secret)
        .expand(&key_info, &mut ikm)
        .expect("32 bytes is a valid HKDF-SHA256 length");
    let prk = Hkdf::<Sha256>::new(Some(salt.as_slice()), &ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .expect("16 bytes is a valid HKDF-SHA256 length");
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .expect("12 bytes is a valid HKDF-SHA256 length");
    (cek, nonce)
}

/// [`encrypt`] with the sender's key and salt given: deterministic, for the RFC's vector.
fn encrypt_with(
    ua_public: &PublicKey,
    auth: &[u8; 16],
    as_secret: &SecretKey,
    salt: &[u8; 16],
    payload: &[u8],
) -> Vec<u8> {
    let ua_bytes = ua_public.to_encoded_point(false);
    let as_bytes = as_secret.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(as_secret.to_nonzero_scalar(), ua_public.as_affine());
    let (cek, nonce) = derive(
        shared.raw_secret_bytes(),
        auth,
        ua_bytes.as_bytes(),
        as_bytes.as_bytes(),
        salt,
    );

    let mut record = Vec::with_capacity(payload.len() + 1);
    record.extend_from_slice(payload);
    record.push(2); // the last (and only) record's delimiter, no padding
    let sealed = Aes128Gcm::new_from_slice(&cek)
        .expect("16-byte key")
        .encrypt(Nonce::from_slice(&nonce), record.as_slice())
        .expect("AES-GCM encrypts any record under 64 GiB");

    let mut body = Vec::with_capacity(HEADER_LEN + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(KEY_LEN as u8);
    body.extend_from_slice(as_bytes.as_bytes());
    body.extend_from_slice(&sealed);
    body
}

/// The browser's side of RFC 8291: decrypts a body with the subscription's private key
/// and auth secret. Used by the loopback push endpoint in `crate::testing`; a single
/// record, as Web Push sends.
pub fn decrypt(ua_secret: &SecretKey, auth: &[u8; 16], body: &[u8]) -> Result<Vec<u8>, PushError> {
    if body.len() < HEADER_LEN + TAG_LEN + 1 {
        return Err(PushError::Decrypt("body shorter than a header and a tag"));
    }
    let salt: [u8; 16] = body[..16].try_into().expect("16 bytes");
    let record_size = u32::from_be_bytes(body[16..20].try_into().expect("4 bytes")) as usize;
    if usize::from(body[20]) != KEY_LEN {
        return Err(PushError::Decrypt("key id is not a 65-byte P-256 point"));
    }
    let as_bytes = &body[21..HEADER_LEN];
    let ciphertext = &body[HEADER_LEN..];
    if record_size < TAG_LEN + 2 || ciphertext.len() > record_size {
        return Err(PushError::Decrypt("not exactly one record"));
    }
    let as_public = PublicKey::from_sec1_bytes(as_bytes)
        .map_err(|_| PushError::Decrypt("sender key is not on P-256"))?;
    let ua_public = ua_secret.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(ua_secret.to_nonzero_scalar(), as_public.as_affine());
    let (cek, nonce) = derive(
        shared.raw_secret_bytes(),
        auth,
        ua_public.as_bytes(),
        as_bytes,
        &salt,
    );
    let mut record = Aes128Gcm::new_from_slice(&cek)
        .expect("16-byte key")
        .decrypt(Nonce::from_slice(&nonce), ciphertext)
        .map_err(|_| PushError::Decrypt("authentication tag does not match"))?;
    let end = record
        .iter()
        .rposition(|&b| b != 0)
        .ok_or(PushError::Decrypt("record has no delimiter"))?;
    if record[end] != 2 {
        return Err(PushError::Decrypt("record is not marked as the last"));
    }
    record.truncate(end);
    Ok(record)
}

/// The claims of a VAPID token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VapidClaims {
    pub aud: String,
    pub exp: u64,
    pub sub: String,
}

/// `vapid t=<JWT>, k=<public key>` for `audience` (the push service's origin), signed
/// ES256, expiring at `expires_at` (Unix seconds). `contact` is the JWT `sub`: a
/// `mailto:` or `https:` URI where the push service can reach the operator.
pub fn vapid_authorization(
    keys: &VapidKeys,
    audience: &str,
    contact: &str,
    expires_at: u64,
) -> String {
    let header = b64(br#"{"typ":"JWT","alg":"ES256"}"#);
    let claims = VapidClaims {
        aud: audience.to_owned(),
        exp: expires_at,
        sub: contact.to_owned(),
    };
    let claims = b64(&serde_json::to_vec(&claims).expect("claims serialise"));
    let signing_input = format!("{header}.{claims}");
    let signature: Signature = keys.signing.sign(signing_input.as_bytes());
    format!(
        "vapid t={signing_input}.{}, k={}",
        b64(&signature.to_bytes()),
        keys.public_key()
    )
}

/// Why a push endpoint refused a VAPID authorization.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VapidError {
    #[error("authorization is not `vapid t=…, k=…`")]
    Malformed,
    #[error("k= is not the expected application server key")]
    WrongKey,
    #[error("the JWT is not ES256 or does not decode")]
    BadToken,
    #[error("the JWT signature does not verify")]
    BadSignature,
    #[error("aud is {got:?}, expected {expected:?}")]
    WrongAudience { got: String, expected: String },
    #[error("the JWT has expired or expires more than 24 hours ahead")]
    Expiry,
    #[error("sub is not a mailto: or https: contact")]
    BadContact,
}

/// The push service's side of RFC 8292, for the loopback endpoint in `crate::testing`:
/// checks that `authorization` is signed by `expected_key` (base64url point) for
/// `expected_audience`, and unexpired at `now`.
pub fn verify_vapid(
    authorization: &str,
    expected_key: &str,
    expected_audience: &str,
    now: u64,
) -> Result<VapidClaims, VapidError> {
    let params = authorization
        .strip_prefix("vapid ")
        .ok_or(VapidError::Malformed)?;
    let (mut token, mut key) = (None, None);
    for param in params.split(',').map(str::trim) {
        match param.split_once('=') {
            Some(("t", value)) => token = Some(value),
            Some(("k", value)) => key = Some(value),
            _ => return Err(VapidError::Malformed),
        }
    }
    let (token, key) = token.zip(key).ok_or(VapidError::Malformed)?;
    let expected = unb64(expected_key).ok_or(VapidError::WrongKey)?;
    if unb64(key).as_deref() != Some(expected.as_slice()) {
        return Err(VapidError::WrongKey);
    }
    let verifying = VerifyingKey::from_sec1_bytes(&expected).map_err(|_| VapidError::WrongKey)?;

    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VapidError::BadToken);
    };
    let header: serde_json::Value = unb64(header)
        .and_then(|h| serde_json::from_slice(&h).ok())
        .ok_or(VapidError::BadToken)?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("ES256") {
        return Err(VapidError::BadToken);
    }
    let signature = unb64(signature)
        .and_then(|s| Signature::from_slice(&s).ok())
        .ok_or(VapidError::BadToken)?;
    let signing_input = &token[..token.rfind('.').expect("three parts")];
    verifying
        .verify(signing_input.as_bytes(), &signature)
        .map_err(|_| VapidError::BadSignature)?;

    let claims: VapidClaims = unb64(claims)
        .and_then(|c| serde_json::from_slice(&c).ok())
        .ok_or(VapidError::BadToken)?;
    if claims.aud != expected_audience {
        return Err(VapidError::WrongAudience {
            got: claims.aud,
            expected: expected_audience.to_owned(),
        });
    }
    if claims.exp <= now || claims.exp > now + 24 * 60 * 60 {
        return Err(VapidError::Expiry);
    }
    if !(claims.sub.starts_with("mailto:") || claims.sub.starts_with("https:")) {
        return Err(VapidError::BadContact);
    }
    Ok(claims)
}

/// Sends one push message. `contact` is the operator's `mailto:`/`https:` URI (the VAPID
/// `sub`). A payload over [`MAX_PAYLOAD`] fails before anything is sent; a subscription
/// whose endpoint or keys cannot be used is [`Outcome::Gone`] (it can never work: remove
/// it), as is a 404 or 410 from the push service.
pub async fn send(
    client: &reqwest::Client,
    vapid: &VapidKeys,
    contact: &str,
    subscription: &Subscription,
    payload: &[u8],
    options: &PushOptions,
) -> Outcome {
    if payload.len() > MAX_PAYLOAD {
        return Outcome::failed(format!(
            "push payload of {} bytes is over the {MAX_PAYLOAD}-byte limit",
            payload.len()
        ));
    }
    if !(contact.starts_with("mailto:") || contact.starts_with("https:")) {
        return Outcome::failed("VAPID contact must be a mailto: or https: URI");
    }
    if let Some(topic) = &options.topic {
        let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        if topic.is_empty() || topic.len() > 32 || !topic.bytes().all(base64url) {
            return Outcome::failed("push topic must be 1 to 32 base64url characters");
        }
    }
    let url = match subscription.endpoint_url() {
        Ok(url) => url,
        Err(e) => return Outcome::gone(e.to_string()),
    };
    let audience = url.origin().ascii_serialization();
    let body = match encrypt(subscription, payload) {
        Ok(body) => body,
        Err(e) => return Outcome::gone(e.to_string()),
    };
    let expires_at = crate::unix_now() + VAPID_TOKEN_LIFETIME.as_secs();
    let mut request = client
        .post(url)
        .timeout(options.timeout)
        .header(
            http::header::AUTHORIZATION,
            vapid_authorization(vapid, &audience, contact, expires_at),
        )
        .header(http::header::CONTENT_ENCODING, "aes128gcm")
        .header(http::header::CONTENT_TYPE, "application/octet-stream")
        .header("TTL", options.ttl.as_secs().to_string())
        .header("Urgency", options.urgency.as_str())
        .body(body);
    if let Some(topic) = &options.topic {
        request = request.header("Topic", topic.as_str());
    }
    crate::outcome::attempt(request).await
}

#[cfg(test)]
mod tests;
