//! A suspicious message as it arrives, parsed once at the edge: the public form, a KIM member's
//! account, the authenticated API and the messaging-gateway webhook all build a [`Submission`].

use serde::Serialize;

use crate::regions::RegionCode;

/// Longest message text, in characters.
pub const MAX_TEXT: usize = 10_000;
/// Most images in one submission.
pub const MAX_IMAGES: usize = 4;
/// Longest gateway sender reference (an opaque id the gateway uses to answer).
pub const MAX_SENDER: usize = 100;

/// How a report reached us, and so how its reporter is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The public "Cek hoaks" form (answered by e-mail if one was left, and on the page).
    Web,
    /// A signed-in person (answered in their notifications).
    Account,
    /// The authenticated API (answered in the account's notifications).
    Api,
    /// A messaging gateway's signed webhook (answered through the gateway).
    Gateway,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Web,
        Channel::Account,
        Channel::Api,
        Channel::Gateway,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Account => "account",
            Channel::Api => "api",
            Channel::Gateway => "gateway",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn message_key(self) -> String {
        format!("hoax.channel.{}", self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("write or paste the message, or add a picture")]
    Empty,
    #[error("the message is longer than 10,000 characters")]
    TooLong,
    #[error("the message contains characters that are not text")]
    NotText,
    #[error("at most 4 pictures")]
    TooManyImages,
    #[error("the e-mail address is not valid")]
    BadEmail,
    #[error("the sender reference is not valid")]
    BadSender,
}

impl IntakeError {
    /// Message-catalogue key for the user's language.
    pub fn message_key(self) -> &'static str {
        match self {
            IntakeError::Empty => "hoax.error.empty",
            IntakeError::TooLong => "hoax.error.too_long",
            IntakeError::NotText => "hoax.error.not_text",
            IntakeError::TooManyImages => "hoax.error.too_many_images",
            IntakeError::BadEmail => "error.email",
            IntakeError::BadSender => "hoax.error.bad_sender",
        }
    }

    /// The form field the message belongs to.
    pub fn field(self) -> &'static str {
        match self {
            IntakeError::Empty | IntakeError::TooLong | IntakeError::NotText => "text",
            IntakeError::TooManyImages => "images",
            IntakeError::BadEmail => "email",
            IntakeError::BadSender => "sender",
        }
    }
}

/// A parsed submission (images are decoded and re-encoded separately by the application).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub text: String,
    pub region: Option<RegionCode>,
    pub channel: Channel,
    /// Where to answer a public reporter by e-mail (personal data: shown only to verifiers).
    pub email: Option<String>,
    /// The gateway's reference for the sender (personal data: never shown).
    pub sender: Option<String>,
}

impl Submission {
    /// `image_count` images come with the text; an empty text is fine when there is one.
    pub fn parse(
        text: &str,
        image_count: usize,
        region: Option<RegionCode>,
        channel: Channel,
        email: Option<&str>,
        sender: Option<&str>,
    ) -> Result<Submission, IntakeError> {
        if text.chars().count() > MAX_TEXT {
            return Err(IntakeError::TooLong);
        }
        // Control characters other than line breaks and tabs: binary pasted as text.
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(IntakeError::NotText);
        }
        let text = text.trim().replace("\r\n", "\n");
        if image_count > MAX_IMAGES {
            return Err(IntakeError::TooManyImages);
        }
        if text.chars().all(|c| !c.is_alphanumeric()) && image_count == 0 {
            return Err(IntakeError::Empty);
        }
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => Some(crate::accounts::parse_email(e).map_err(|_| IntakeError::BadEmail)?),
            None => None,
        };
        let sender = match sender.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) if s.len() <= MAX_SENDER && s.bytes().all(|b| b.is_ascii_graphic()) => {
                Some(s.to_string())
            }
            Some(_) => return Err(IntakeError::BadSender),
            None => None,
        };
        Ok(Submission {
            text,
            region,
            channel,
            email,
            sender,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, images: usize) -> Result<Submission, IntakeError> {
        Submission::parse(text, images, None, Channel::Web, None, None)
    }

    #[test]
    fn bad_messages_are_refused_with_a_reason() {
        assert_eq!(parse("", 0), Err(IntakeError::Empty));
        assert_eq!(parse("  !!! 🙏 ", 0), Err(IntakeError::Empty));
        assert_eq!(
            parse(&"a".repeat(MAX_TEXT + 1), 0),
            Err(IntakeError::TooLong)
        );
        assert_eq!(parse("PK\u{3}\u{4}\u{0}", 0), Err(IntakeError::NotText));
        assert_eq!(parse("ada gambar", 5), Err(IntakeError::TooManyImages));
        assert_eq!(
            Submission::parse("x y", 0, None, Channel::Web, Some("bukan email"), None),
            Err(IntakeError::BadEmail)
        );
        assert_eq!(
            Submission::parse("x y", 0, None, Channel::Gateway, None, Some("a b")),
            Err(IntakeError::BadSender)
        );
    }

    #[test]
    fn good_messages_are_kept_as_written() {
        let s = parse(&"a".repeat(MAX_TEXT), 0).unwrap();
        assert_eq!(s.text.len(), MAX_TEXT);
        assert_eq!(parse("", 1).unwrap().text, "");
        let s = parse(" <script>alert(1)</script>\r\nVaksin berbahaya ", 0).unwrap();
        assert_eq!(s.text, "<script>alert(1)</script>\nVaksin berbahaya");
        let s = Submission::parse("x", 0, None, Channel::Web, Some(" A@Desa.ID "), None).unwrap();
        assert_eq!(s.email.as_deref(), Some("A@desa.id"));
    }
}

/// The public form's anti-spam token: when the form was served, signed with the installation
/// secret. A submission must come back with a valid token at least [`FORM_MIN_SECS`] and at
/// most [`FORM_MAX_SECS`] after the form was served (bots post at once, or replay old forms).
pub const FORM_MIN_SECS: i64 = 1;
pub const FORM_MAX_SECS: i64 = 2 * 60 * 60;

fn form_mac(secret: &[u8], ts: i64) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(b"hoax-form.");
    mac.update(ts.to_string().as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// A token for a form served at `now` (Unix seconds).
pub fn form_token(secret: &[u8], now: i64) -> String {
    format!("{now}.{}", form_mac(secret, now))
}

/// Was this token issued by us, and is its age plausible for a person?
pub fn form_token_ok(secret: &[u8], token: &str, now: i64) -> bool {
    let Some((ts, mac)) = token.split_once('.') else {
        return false;
    };
    let Ok(ts) = ts.parse::<i64>() else {
        return false;
    };
    let age = now - ts;
    (FORM_MIN_SECS..=FORM_MAX_SECS).contains(&age)
        && crate::secrets::constant_time_eq(mac, &form_mac(secret, ts))
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn form_tokens_are_signed_and_age_checked() {
        let t = form_token(b"k", 1_000);
        assert!(form_token_ok(b"k", &t, 1_005));
        assert!(
            !form_token_ok(b"k", &t, 1_000),
            "posted in the same second: a bot"
        );
        assert!(!form_token_ok(b"k", &t, 1_000 + FORM_MAX_SECS + 1), "stale");
        assert!(!form_token_ok(b"other", &t, 1_005), "not ours");
        assert!(!form_token_ok(b"k", "1000.00", 1_005));
        assert!(!form_token_ok(b"k", "", 1_005));
    }
}
