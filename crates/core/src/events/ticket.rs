//! Signed ticket codes: `T<event>-<registration>-<signature>`. The signature is an HMAC-SHA256
//! (key derived from the installation secret) over the event, the registration and the
//! registration's random nonce, cut to 16 hex digits (64 bits): short enough to type from a
//! printout, far too long to guess. A code names its event, so a ticket of one event is
//! refused at another, and a forged or altered code fails the signature check. The nonce lives
//! only in the database: a code cannot be made without both the secret and the row.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// A parsed (not yet verified) ticket code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub event_id: i64,
    pub registration_id: i64,
    pub signature: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketError {
    /// Not a ticket code at all.
    Malformed,
    /// A ticket of another event.
    OtherEvent,
    /// The signature does not match (forged or altered).
    Forged,
}

impl TicketError {
    pub fn message_key(self) -> &'static str {
        match self {
            TicketError::Malformed => "events.error_ticket_malformed",
            TicketError::OtherEvent => "events.error_ticket_other_event",
            TicketError::Forged => "events.error_ticket_forged",
        }
    }
}

fn mac(secret: &[u8], purpose: &str, message: &str) -> String {
    let mut key = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    key.update(b"simpul-events-key:");
    key.update(purpose.as_bytes());
    let derived = key.finalize().into_bytes();
    let mut m = HmacSha256::new_from_slice(&derived).expect("HMAC takes any key length");
    m.update(message.as_bytes());
    hex::encode_upper(m.finalize().into_bytes())
}

impl Ticket {
    /// The code of a registration.
    pub fn code(secret: &[u8], event_id: i64, registration_id: i64, nonce: &str) -> String {
        let sig = mac(
            secret,
            "ticket",
            &format!("{event_id}:{registration_id}:{nonce}"),
        );
        format!("T{event_id}-{registration_id}-{}", &sig[..16])
    }

    /// Parse what a scanner read or a person typed (spaces and case forgiven) for `event_id`.
    pub fn parse(input: &str, event_id: i64) -> Result<Ticket, TicketError> {
        let cleaned: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if cleaned.len() > 64 {
            return Err(TicketError::Malformed);
        }
        let rest = cleaned.strip_prefix('T').ok_or(TicketError::Malformed)?;
        let mut parts = rest.split('-');
        let (Some(e), Some(r), Some(sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TicketError::Malformed);
        };
        let event: i64 = e.parse().map_err(|_| TicketError::Malformed)?;
        let registration: i64 = r.parse().map_err(|_| TicketError::Malformed)?;
        if sig.len() != 16 || !sig.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(TicketError::Malformed);
        }
        if event != event_id {
            return Err(TicketError::OtherEvent);
        }
        Ok(Ticket {
            event_id: event,
            registration_id: registration,
            signature: sig.to_string(),
        })
    }

    /// Check the signature against the registration's nonce.
    pub fn verify(&self, secret: &[u8], nonce: &str) -> Result<(), TicketError> {
        let expected = Ticket::code(secret, self.event_id, self.registration_id, nonce);
        let theirs = format!(
            "T{}-{}-{}",
            self.event_id, self.registration_id, self.signature
        );
        if crate::secrets::constant_time_eq(&expected, &theirs) {
            Ok(())
        } else {
            Err(TicketError::Forged)
        }
    }
}

/// The verification code printed on a certificate: `S-` and 12 hex digits of an HMAC over
/// the registration and its nonce (nobody can mint one for a registration they do not hold).
pub fn certificate_code(secret: &[u8], registration_id: i64, nonce: &str) -> String {
    let sig = mac(secret, "certificate", &format!("{registration_id}:{nonce}"));
    format!("S-{}", &sig[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"test-secret";

    #[test]
    fn a_code_verifies_for_its_event_only() {
        let code = Ticket::code(SECRET, 7, 42, "nonce");
        let t = Ticket::parse(&code, 7).unwrap();
        assert_eq!(t.registration_id, 42);
        assert!(t.verify(SECRET, "nonce").is_ok());
        assert_eq!(Ticket::parse(&code, 8), Err(TicketError::OtherEvent));
        // Typed in lower case with spaces.
        let typed = code.to_lowercase().replace('-', " - ");
        assert!(Ticket::parse(&typed, 7)
            .unwrap()
            .verify(SECRET, "nonce")
            .is_ok());
    }

    #[test]
    fn forged_and_altered_codes_fail() {
        let code = Ticket::code(SECRET, 7, 42, "nonce");
        let other = code.replace("-42-", "-43-");
        assert_eq!(
            Ticket::parse(&other, 7).unwrap().verify(SECRET, "nonce"),
            Err(TicketError::Forged)
        );
        let t = Ticket::parse(&code, 7).unwrap();
        assert_eq!(t.verify(b"other-secret", "nonce"), Err(TicketError::Forged));
        assert_eq!(t.verify(SECRET, "other"), Err(TicketError::Forged));
        for bad in [
            "",
            "T",
            "T7-42",
            "X7-42-0123456789ABCDEF",
            "T7-42-ZZ",
            "T7-a-0123456789ABCDEF",
        ] {
            assert_eq!(Ticket::parse(bad, 7), Err(TicketError::Malformed), "{bad}");
        }
    }

    #[test]
    fn certificate_codes_depend_on_the_secret() {
        let a = certificate_code(SECRET, 1, "n");
        assert!(a.starts_with("S-") && a.len() == 14);
        assert_ne!(a, certificate_code(b"x", 1, "n"));
    }
}
