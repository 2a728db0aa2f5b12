//! Delivery channel kernels: how one message reaches one endpoint, and what happened.
//!
//! Two channels live here, each a pure "send this to that" function that returns an
//! [`Outcome`]:
//! - [`webhook`]: a POST signed with HMAC-SHA256 over `"{timestamp}.{body}"`, for the
//!   office's messaging gateway (a WhatsApp/SMS/Telegram relay), and [`webhook::verify`]
//!   for whoever receives it.
//! - [`push`]: Web Push to a browser subscription, with RFC 8291 payload encryption and
//!   RFC 8292 (VAPID) authorization.
//!
//! Nothing here knows about users, preferences, the job queue or the database: the
//! notification backbone decides *whom* and *when*, stores the subscription and the
//! secret, and maps an [`Outcome`] to a retry, a removed subscription or a failure in
//! the delivery log. That keeps this crate testable on loopback alone (feature
//! `testing`: the `testing` module has a push endpoint that decrypts and a webhook receiver
//! that verifies).

pub mod outcome;
pub mod push;
pub mod webhook;

#[cfg(feature = "testing")]
pub mod testing;

pub use outcome::Outcome;

use std::time::Duration;

/// How long one delivery attempt may take, connection to last byte, unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client the channels are meant to be used with: no redirects (a webhook or push
/// endpoint that redirects is misconfigured, and following it would turn a POST into a GET
/// or send a signed body somewhere unexpected), a short connect timeout, and a user agent
/// that says who is calling. Build it once and share it: it pools connections.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("Simpul/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a reqwest client with rustls and no custom roots always builds")
}

/// Seconds since the Unix epoch, as the webhook timestamp and the VAPID `exp` use it.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
