//! What one delivery attempt came to, the same for every channel.
//!
//! The backbone needs exactly four answers: done, try again later, stop using this
//! address, or give up on this message. Reasons are short English for the logs and the
//! delivery log's detail; the web layer shows the translated category, not the reason.

use std::time::Duration;

use http::{HeaderMap, StatusCode};

/// The longest `Retry-After` we honour: a receiver asking for more is treated as asking
/// for a day, so one bad header cannot park a message for a year.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// The result of one attempt to deliver one message to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The endpoint took the message (any 2xx).
    Delivered,
    /// Worth trying again: a timeout, a connection error, a 5xx, a 429 or 408.
    /// `after` is the receiver's `Retry-After`, when it sent one; otherwise the caller's
    /// backoff decides.
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    /// The address is dead (404 or 410): for push, remove the subscription; for a
    /// webhook, the office's URL needs fixing. Never retried.
    Gone { reason: String },
    /// This message will never be accepted here (other 4xx, a payload too large, a
    /// malformed request). Never retried.
    Failed { reason: String },
}

impl Outcome {
    pub fn retry(reason: impl Into<String>) -> Self {
        Outcome::Retry {
            reason: reason.into(),
            after: None,
        }
    }

    pub fn gone(reason: impl Into<String>) -> Self {
        Outcome::Gone {
            reason: reason.into(),
        }
    }

    pub fn failed(reason: impl Into<String>) -> Self {
        Outcome::Failed {
            reason: reason.into(),
        }
    }

    /// The short English reason, or `None` for [`Outcome::Delivered`].
    pub fn reason(&self) -> Option<&str> {
        match self {
            Outcome::Delivered => None,
            Outcome::Retry { reason, .. }
            | Outcome::Gone { reason }
            | Outcome::Failed { reason } => Some(reason),
        }
    }

    /// A stable lower-case name for the category, for logs, metrics labels and the
    /// delivery log's status column: `delivered`, `retry`, `gone`, `failed`.
    pub fn category(&self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Retry { .. } => "retry",
            Outcome::Gone { .. } => "gone",
            Outcome::Failed { .. } => "failed",
        }
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self, Outcome::Retry { .. })
    }

    /// Classifies an HTTP answer. `body` is the start of the response body, quoted in the
    /// reason (shortened) because a receiver's "invalid signature" is the fastest clue.
    pub fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let what = describe(status, body);
        match status.as_u16() {
            200..=299 => Outcome::Delivered,
            404 | 410 => Outcome::gone(format!("endpoint gone: {what}")),
            408 | 425 | 429 | 500..=599 => Outcome::Retry {
                reason: format!("endpoint unavailable: {what}"),
                after: retry_after(headers),
            },
            300..=399 => Outcome::failed(format!("endpoint redirects, not followed: {what}")),
            413 => Outcome::failed(format!("payload too large for the endpoint: {what}")),
            _ => Outcome::failed(format!("endpoint refused the message: {what}")),
        }
    }

    /// Classifies a transport error: everything short of an HTTP answer is worth a retry,
    /// except a request we could not even build.
    pub fn from_error(error: &reqwest::Error) -> Self {
        if error.is_builder() {
            return Outcome::failed(format!("request could not be built: {error}"));
        }
        let reason = if error.is_timeout() {
            "timed out waiting for the endpoint".to_owned()
        } else if error.is_connect() {
            format!("could not connect: {}", root_cause(error))
        } else {
            format!("transport error: {}", root_cause(error))
        };
        Outcome::retry(reason)
    }
}

/// Sends one request and classifies what came back, reading at most the first 1 KiB of
/// the answer (for the reason); the request's own timeout bounds the whole attempt.
pub(crate) async fn attempt(request: reqwest::RequestBuilder) -> Outcome {
    const KEEP: usize = 1024;
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(e) => return Outcome::from_error(&e),
    };
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let mut start = Vec::new();
    while start.len() < KEEP {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                start.extend_from_slice(&chunk[..chunk.len().min(KEEP - start.len())])
            }
            Ok(None) => break,
            // The status is the answer; a body cut short only shortens the reason.
            Err(_) => break,
        }
    }
    Outcome::from_response(status, &headers, &start)
}

/// `Retry-After` as delay-seconds or an HTTP-date, capped at [`MAX_RETRY_AFTER`].
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let delay = if let Ok(seconds) = value.parse::<u64>() {
        Duration::from_secs(seconds)
    } else {
        let when = httpdate::parse_http_date(value).ok()?;
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO)
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

fn describe(status: StatusCode, body: &[u8]) -> String {
    let mut what = status.as_u16().to_string();
    if let Some(text) = status.canonical_reason() {
        what.push(' ');
        what.push_str(text);
    }
    let snippet = snippet(body);
    if !snippet.is_empty() {
        what.push_str(": ");
        what.push_str(&snippet);
    }
    what
}

/// At most 120 characters of the body, on one line, without control characters.
fn snippet(body: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX * 4)]);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if out.chars().count() > MAX {
        out = out.chars().take(MAX).collect();
        out.push('…');
    }
    out
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(code: u16) -> Outcome {
        Outcome::from_response(StatusCode::from_u16(code).unwrap(), &HeaderMap::new(), b"")
    }

    #[test]
    fn statuses_map_to_the_four_outcomes() {
        assert_eq!(classify(201), Outcome::Delivered);
        assert_eq!(classify(204), Outcome::Delivered);
        assert_eq!(classify(410).category(), "gone");
        assert_eq!(classify(404).category(), "gone");
        assert_eq!(classify(500).category(), "retry");
        assert_eq!(classify(503).category(), "retry");
        assert_eq!(classify(429).category(), "retry");
        assert_eq!(classify(400).category(), "failed");
        assert_eq!(classify(401).category(), "failed");
        assert_eq!(classify(413).category(), "failed");
        assert_eq!(classify(302).category(), "failed");
    }

    #[test]
    fn retry_after_seconds_and_dates_are_honoured_and_capped() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, "120".parse().unwrap());
        let outcome = Outcome::from_response(StatusCode::TOO_MANY_REQUESTS, &headers, b"");
        assert_eq!(
            outcome,
            Outcome::Retry {
                reason: "endpoint unavailable: 429 Too Many Requests".into(),
                after: Some(Duration::from_secs(120)),
            }
        );

        headers.insert(http::header::RETRY_AFTER, "99999999".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(MAX_RETRY_AFTER));

        let soon = std::time::SystemTime::now() + Duration::from_secs(600);
        headers.insert(
            http::header::RETRY_AFTER,
            httpdate::fmt_http_date(soon).parse().unwrap(),
        );
        let after = retry_after(&headers).unwrap();
        assert!(after > Duration::from_secs(590) && after <= Duration::from_secs(600));

        headers.insert(http::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn reasons_quote_a_short_clean_body() {
        let long = format!("bad\nsignature {}", "x".repeat(500));
        let outcome =
            Outcome::from_response(StatusCode::UNAUTHORIZED, &HeaderMap::new(), long.as_bytes());
        let reason = outcome.reason().unwrap();
        assert!(
            reason.starts_with("endpoint refused the message: 401 Unauthorized: bad signature x")
        );
        assert!(reason.chars().count() < 200, "{reason}");
        assert!(!reason.contains('\n'));
    }
}
