//! Village voices (issue 15): what a KIM post and a citizen's aspiration are made of, and the
//! rules around them. Pure: no SQL, no HTTP.
//!
//! - Posts: their kind, category and review status.
//! - Aspirations: their category and status, tracking codes, the routing rule that picks the
//!   responsible office, and when an aspiration is overdue.

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
    /// What a KIM writes about.
    PostKind {
        News => "news",
        Potential => "potential",
        Success => "success",
        EventReport => "event_report",
    }
);

labelled!(
    /// The village potential a post is about (also used to file the other kinds).
    Category {
        Umkm => "umkm",
        Tourism => "tourism",
        Culture => "culture",
        Farming => "farming",
        Crafts => "crafts",
        Public => "public",
    }
);

labelled!(
    /// Where a post stands with the kabupaten/kota office.
    PostStatus {
        Pending => "pending",
        Published => "published",
        SentBack => "sent_back",
    }
);

labelled!(
    /// What a reader may report a post for.
    ReportReason {
        Wrong => "wrong",
        Offensive => "offensive",
        Spam => "spam",
        Privacy => "privacy",
    }
);

labelled!(
    /// What a citizen's aspiration is about.
    AspirationCategory {
        Infrastructure => "infrastructure",
        Health => "health",
        Education => "education",
        Social => "social",
        Environment => "environment",
        Administration => "administration",
        Economy => "economy",
        Other => "other",
    }
);

labelled!(
    /// Where an aspiration stands.
    AspirationStatus {
        Received => "received",
        Forwarded => "forwarded",
        Answered => "answered",
        Closed => "closed",
    }
);

impl AspirationStatus {
    /// Still waiting for the office (counts against its service-level target).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AspirationStatus::Received | AspirationStatus::Forwarded
        )
    }
}

/// Tracking codes: "ASP-" and 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
/// 31^12 ≈ 7.9 × 10^17 possibilities: with lookups rate-limited, guessing one is hopeless.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LEN: usize = 12;

/// A tracking code from random bytes (one byte per character; rejection keeps it uniform).
pub fn tracking_code(mut random: impl FnMut() -> u8) -> String {
    let n = CODE_ALPHABET.len() as u8;
    let limit = 256 - (256 % n as u16) as u8 as u16;
    let mut out = String::from("ASP-");
    while out.len() < 4 + CODE_LEN {
        let b = random();
        if u16::from(b) < limit {
            out.push(CODE_ALPHABET[(b % n) as usize] as char);
        }
    }
    out
}

/// A tracking code as typed ("asp-7k9m…", spaces, dashes): upper case, separators out, or
/// `None` when it cannot be one.
pub fn parse_tracking_code(s: &str) -> Option<String> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    let body = cleaned.strip_prefix("ASP").unwrap_or(&cleaned);
    (body.len() == CODE_LEN && body.bytes().all(|b| CODE_ALPHABET.contains(&b)))
        .then(|| format!("ASP-{body}"))
}

/// How a citizen without an account can be told what happened to their aspiration: the contact
/// they left, read as an e-mail address or an Indonesian phone number (for the office's SMS
/// gateway). Anything else is refused at submission, so the office can always reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Email(String),
    Phone(crate::registry::PhoneE164),
}

impl Contact {
    pub fn parse(s: &str) -> Option<Contact> {
        let s = s.trim();
        if s.contains('@') {
            return crate::accounts::parse_email(s).ok().map(Contact::Email);
        }
        crate::registry::PhoneE164::parse(s)
            .ok()
            .map(Contact::Phone)
    }

    /// The channel's name as stored with each notice.
    pub fn channel(&self) -> &'static str {
        match self {
            Contact::Email(_) => "email",
            Contact::Phone(_) => "sms",
        }
    }

    /// The address itself.
    pub fn address(&self) -> &str {
        match self {
            Contact::Email(e) => e,
            Contact::Phone(p) => p.as_str(),
        }
    }
}

/// A routing rule: aspirations of `category` (`None`: any) from inside `region` go to the office
/// of `office`, to be answered within `target_days`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub category: Option<AspirationCategory>,
    pub region: crate::RegionCode,
    pub office: crate::RegionCode,
    pub target_days: i64,
}

/// Default service-level target when no rule names one.
pub const DEFAULT_TARGET_DAYS: i64 = 7;

/// The responsible office for an aspiration: the rule with the most specific region containing
/// `at`, a rule for the category preferred over a catch-all; without a rule, the kabupaten/kota
/// office of `at` (or `at` itself above that level).
pub fn route(
    rules: &[Route],
    category: AspirationCategory,
    at: &crate::RegionCode,
) -> (crate::RegionCode, i64) {
    let best = rules
        .iter()
        .filter(|r| r.region.contains(at) && r.category.is_none_or(|c| c == category))
        .max_by_key(|r| (r.region.as_str().len(), r.category.is_some()));
    match best {
        Some(r) => (r.office.clone(), r.target_days),
        None => (regency_of(at), DEFAULT_TARGET_DAYS),
    }
}

/// The kabupaten/kota containing `code` ("35.14.10.2001" → "35.14"), or the code itself.
pub fn regency_of(code: &crate::RegionCode) -> crate::RegionCode {
    let parts: Vec<&str> = code.as_str().split('.').collect();
    if parts.len() > 2 {
        crate::RegionCode::parse(&parts[..2].join(".")).unwrap_or_else(|_| code.clone())
    } else {
        code.clone()
    }
}

/// When an aspiration received at `at` should be answered.
pub fn due(at: DateTime<Utc>, target_days: i64) -> DateTime<Utc> {
    at + Duration::days(target_days.clamp(1, 90))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RegionCode;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn tracking_codes_are_long_uniform_and_parse_back() {
        let mut x = 7u8;
        let c = tracking_code(|| {
            x = x.wrapping_mul(31).wrapping_add(17);
            x
        });
        assert_eq!(c.len(), 16);
        assert_eq!(parse_tracking_code(&c.to_lowercase()), Some(c.clone()));
        assert_eq!(parse_tracking_code(&c.replace('-', " ")), Some(c.clone()));
        assert_eq!(parse_tracking_code("ASP-0000"), None);
        assert_eq!(parse_tracking_code("ASP-OOOOOOOOOOOO"), None);
        assert_eq!(parse_tracking_code("<script>"), None);
    }

    #[test]
    fn contacts_are_an_email_or_an_indonesian_phone() {
        assert_eq!(
            Contact::parse(" Warga@Desa.ID ").map(|c| c.channel()),
            Some("email")
        );
        let phone = Contact::parse("0812 9999 0000").unwrap();
        assert_eq!(phone.channel(), "sms");
        assert_eq!(phone.address(), "+6281299990000");
        assert_eq!(Contact::parse("Pak RT"), None);
        assert_eq!(Contact::parse("a@b"), None);
    }

    #[test]
    fn the_most_specific_rule_routes_and_the_regency_is_the_default() {
        let rules = vec![
            Route {
                category: None,
                region: code("35"),
                office: code("35"),
                target_days: 14,
            },
            Route {
                category: Some(AspirationCategory::Health),
                region: code("35.14"),
                office: code("35.14"),
                target_days: 3,
            },
        ];
        let prigen = code("35.14.10.2001");
        assert_eq!(
            route(&rules, AspirationCategory::Health, &prigen),
            (code("35.14"), 3)
        );
        assert_eq!(
            route(&rules, AspirationCategory::Education, &prigen),
            (code("35"), 14)
        );
        assert_eq!(
            route(&rules, AspirationCategory::Health, &code("33.74.01")),
            (code("33.74"), DEFAULT_TARGET_DAYS)
        );
    }
}
