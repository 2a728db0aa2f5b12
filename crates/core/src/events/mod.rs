//! Capacity building (issue 14): the event kinds, registration outcomes, signed ticket codes,
//! certificate codes and the rules around them (when a session's check-in opens, who attended
//! enough for a certificate). Pure: no SQL, no HTTP.

pub mod ticket;

pub use ticket::{certificate_code, Ticket, TicketError};

use chrono::{DateTime, Duration, Utc};

macro_rules! labelled {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

labelled!(
    /// What kind of gathering.
    EventKind {
        Forum => "forum",
        Bimtek => "bimtek",
        Workshop => "workshop",
        Discussion => "discussion",
        Webinar => "webinar",
    }
);

labelled!(
    /// Where a registration stands.
    RegStatus {
        Confirmed => "confirmed",
        Waitlisted => "waitlisted",
        Cancelled => "cancelled",
    }
);

/// Check-in opens this long before a session starts (people arrive early).
pub const CHECKIN_OPENS_BEFORE_MINUTES: i64 = 30;

/// Whether a session accepts check-ins at `at`: from half an hour before it starts; refused
/// before (the person is told when it opens). After it ended it is still accepted until the
/// end of the event day, so a queue synced late from a phone counts.
pub fn checkin_open(session_starts: DateTime<Utc>, at: DateTime<Utc>) -> bool {
    at >= session_starts - Duration::minutes(CHECKIN_OPENS_BEFORE_MINUTES)
}

/// Whether someone who attended `attended_minutes` of `total_minutes` of the agenda earns a
/// certificate with the organiser's minimum percentage.
pub fn earned_certificate(attended_minutes: i64, total_minutes: i64, min_percent: i64) -> bool {
    attended_minutes > 0
        && total_minutes > 0
        && attended_minutes * 100 >= total_minutes * min_percent
}

/// A speaker of a session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Speaker {
    pub name: String,
    pub position: String,
    pub institution: String,
}

/// Speakers typed one per line as "name; position; institution" (position and institution
/// optional). Lines are trimmed; blank lines skipped. `Err` on an over-long line.
pub fn parse_speakers(text: &str) -> Result<Vec<Speaker>, &'static str> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.chars().count() > 300 {
            return Err("events.error_speaker");
        }
        let mut parts = line.split(';').map(str::trim);
        let name = parts.next().unwrap_or("").to_string();
        if name.is_empty() {
            return Err("events.error_speaker");
        }
        out.push(Speaker {
            name,
            position: parts.next().unwrap_or("").to_string(),
            institution: parts.next().unwrap_or("").to_string(),
        });
    }
    if out.len() > 20 {
        return Err("events.error_speaker");
    }
    Ok(out)
}

/// The most specific quota region (among `quotas`, region codes) containing `region`.
pub fn matching_quota<'a>(quotas: &'a [String], region: &str) -> Option<&'a String> {
    quotas
        .iter()
        .filter(|q| {
            !region.is_empty() && (region == q.as_str() || region.starts_with(&format!("{q}.")))
        })
        .max_by_key(|q| q.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(*k));
        }
        for s in RegStatus::ALL {
            assert_eq!(RegStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(EventKind::parse("party"), None);
    }

    #[test]
    fn checkin_opens_half_an_hour_early() {
        let start = Utc::now();
        assert!(!checkin_open(start, start - Duration::minutes(31)));
        assert!(checkin_open(start, start - Duration::minutes(30)));
        assert!(checkin_open(start, start + Duration::hours(3)));
    }

    #[test]
    fn certificates_need_the_minimum_share() {
        assert!(earned_certificate(90, 120, 75));
        assert!(!earned_certificate(89, 120, 75));
        assert!(!earned_certificate(0, 0, 0));
    }

    #[test]
    fn speakers_parse_line_by_line() {
        let s = parse_speakers("Dr. Siti; Direktur; BMKG\n\n  Budi  \n").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].institution, "BMKG");
        assert_eq!(s[1].position, "");
        assert!(parse_speakers("; tanpa nama").is_err());
    }

    #[test]
    fn the_most_specific_quota_wins() {
        let q = vec!["35".to_string(), "35.07".to_string()];
        assert_eq!(matching_quota(&q, "35.07.01.2001").unwrap(), "35.07");
        assert_eq!(matching_quota(&q, "35.78").unwrap(), "35");
        assert_eq!(matching_quota(&q, "35.0"), Some(&q[0]));
        assert_eq!(matching_quota(&q, "36.01"), None);
        assert_eq!(matching_quota(&q, ""), None);
    }
}
