//! Dissemination: packages offices and partners publish for KIMs to pass on, the KIMs' reports
//! of how many people they reached, and the shared calendar of public-communication programs.
//!
//! - this module: package states and who moves them, channels, priorities, targets, the
//!   plausibility of a reported reach;
//! - [`programs`]: overlaps and gaps between programs.

pub mod programs;

use crate::RegionCode;
use serde::Serialize;

macro_rules! slug_enum {
    ($(#[$m:meta])* $name:ident, $prefix:literal, [$($variant:ident => $slug:literal),+ $(,)?]) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $slug),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s.trim())
            }

            /// Message-catalogue key of its name.
            pub fn message_key(self) -> String {
                format!(concat!("dissem.", $prefix, ".{}"), self.as_str())
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $name::parse(&s).ok_or(s)
            }
        }
    };
}

slug_enum!(
    /// Moderation of a package: written, waiting for the owning office, out to the KIMs.
    PackageStatus, "status", [Draft => "draft", Review => "review", Published => "published"]
);

slug_enum!(
    /// Channels a package carries a ready-to-post caption for.
    CaptionChannel, "caption", [
        Whatsapp => "whatsapp",
        Facebook => "facebook",
        Instagram => "instagram",
        Tiktok => "tiktok",
        Radio => "radio",
    ]
);

slug_enum!(
    /// Where a KIM passed a package on.
    ReportChannel, "channel", [
        Whatsapp => "whatsapp",
        Facebook => "facebook",
        Instagram => "instagram",
        Tiktok => "tiktok",
        Radio => "radio",
        Meeting => "meeting",
        Mosque => "mosque",
        Other => "other",
    ]
);

slug_enum!(
    /// How urgently a package should be passed on.
    Priority, "priority", [Low => "low", Normal => "normal", High => "high"]
);

slug_enum!(
    /// Where a targeted KIM is with a package.
    TargetState, "state", [New => "new", InProgress => "in_progress", Done => "done"]
);

slug_enum!(
    /// The review of a report's reach.
    Review, "review", [Ok => "ok", Flagged => "flagged", Accepted => "accepted", Rejected => "rejected"]
);

slug_enum!(
    /// How the owners resolved an overlap between two programs.
    Decision, "decision", [Merge => "merge", Move => "move", Accept => "accept"]
);

/// A step in a package's moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The author asks the owning office to publish.
    Submit,
    /// The owning office publishes (from review, or its own draft).
    Publish,
    /// The owning office sends a package in review back to its author.
    SendBack,
}

impl Step {
    pub fn parse(s: &str) -> Option<Step> {
        match s.trim() {
            "submit" => Some(Step::Submit),
            "publish" => Some(Step::Publish),
            "send_back" => Some(Step::SendBack),
            _ => None,
        }
    }
}

impl PackageStatus {
    /// The state after `step`, or `None` when the step is not possible now. Who may take it is
    /// the authorization policy's question (`Action::PublishPackage`).
    pub fn apply(self, step: Step) -> Option<PackageStatus> {
        use PackageStatus as S;
        match (self, step) {
            (S::Draft, Step::Submit) => Some(S::Review),
            (S::Draft | S::Review, Step::Publish) => Some(S::Published),
            (S::Review, Step::SendBack) => Some(S::Draft),
            _ => None,
        }
    }
}

/// One part of a package's target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// A province, kabupaten/kota, kecamatan or village and everything inside it.
    Region(RegionCode),
    /// A Bakorwil coordination group (its kabupaten/kota).
    Group(i64),
    /// KIMs working on a focus topic.
    Topic(crate::registry::Topic),
}

impl Target {
    pub fn parse(s: &str) -> Option<Target> {
        let s = s.trim();
        if let Some(code) = s.strip_prefix("region:") {
            return RegionCode::parse(code.trim()).ok().map(Target::Region);
        }
        if let Some(id) = s.strip_prefix("group:") {
            return id.trim().parse().ok().filter(|i| *i > 0).map(Target::Group);
        }
        if let Some(t) = s.strip_prefix("topic:") {
            return crate::registry::Topic::parse(t.trim()).map(Target::Topic);
        }
        RegionCode::parse(s).ok().map(Target::Region)
    }

    pub fn to_token(&self) -> String {
        match self {
            Target::Region(r) => format!("region:{r}"),
            Target::Group(g) => format!("group:{g}"),
            Target::Topic(t) => format!("topic:{}", t.as_str()),
        }
    }

    /// Targets stored one a line; lines that do not parse are skipped.
    pub fn parse_list(s: &str) -> Vec<Target> {
        let mut out: Vec<Target> = s
            .split(['\n', ','])
            .filter(|l| !l.trim().is_empty())
            .filter_map(Target::parse)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn list(targets: &[Target]) -> String {
        targets
            .iter()
            .map(Target::to_token)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Which KIMs a target reaches, split as the store resolves it: a KIM is reached when it lies
/// in one of the regions or groups (or anywhere in the owner's territory when there are none)
/// and, when topics are given, works on one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    pub regions: Vec<RegionCode>,
    pub groups: Vec<i64>,
    pub topics: Vec<crate::registry::Topic>,
}

impl Resolved {
    pub fn of(targets: &[Target]) -> Resolved {
        let mut r = Resolved::default();
        for t in targets {
            match t {
                Target::Region(c) => r.regions.push(c.clone()),
                Target::Group(g) => r.groups.push(*g),
                Target::Topic(t) => r.topics.push(*t),
            }
        }
        r
    }
}

/// Largest reach anyone may report at all (beyond it the number is refused, not reviewed).
pub const MAX_REACH: i64 = 10_000_000;

/// The most people a village KIM plausibly reaches in one report on a channel. A report above
/// it is kept but flagged for an office to review, and left out of the totals until accepted.
/// Figures: a village meeting or a mosque announcement reaches the village (East Java villages
/// have a few thousand people); chat groups a few groups of a few hundred; a community radio or
/// a public page may reach a kabupaten.
pub fn plausible_reach(channel: ReportChannel) -> i64 {
    match channel {
        ReportChannel::Meeting => 1_500,
        ReportChannel::Mosque => 3_000,
        ReportChannel::Whatsapp | ReportChannel::Other => 5_000,
        ReportChannel::Radio | ReportChannel::Facebook | ReportChannel::Instagram => 50_000,
        ReportChannel::Tiktok => 100_000,
    }
}

/// The review a reported reach gets, or `Err` with the catalogue key when it is refused.
pub fn check_reach(channel: ReportChannel, reach: i64) -> Result<Review, &'static str> {
    if reach < 0 {
        return Err("dissem.error.reach_negative");
    }
    if reach > MAX_REACH {
        return Err("dissem.error.reach_absurd");
    }
    Ok(if reach > plausible_reach(channel) {
        Review::Flagged
    } else {
        Review::Ok
    })
}

/// Whether a link is one people can open: http(s), a host, no spaces, at most 500 characters.
pub fn valid_link(s: &str) -> bool {
    let s = s.trim();
    if s.len() > 500 || s.chars().any(char::is_whitespace) {
        return false;
    }
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moderation_goes_draft_review_published() {
        use PackageStatus as S;
        assert_eq!(S::Draft.apply(Step::Submit), Some(S::Review));
        assert_eq!(S::Review.apply(Step::Publish), Some(S::Published));
        assert_eq!(S::Review.apply(Step::SendBack), Some(S::Draft));
        assert_eq!(S::Published.apply(Step::Submit), None);
        assert_eq!(S::Published.apply(Step::Publish), None);
        assert_eq!(S::Draft.apply(Step::SendBack), None);
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(*s));
        }
    }

    #[test]
    fn targets_mix_regions_groups_and_topics() {
        let t = Target::parse_list("region:35.14\ngroup:3\ntopic:health\n35.07.01\nnonsense\n");
        assert_eq!(t.len(), 4);
        let r = Resolved::of(&t);
        assert_eq!(r.regions.len(), 2);
        assert_eq!(r.groups, vec![3]);
        assert_eq!(r.topics, vec![crate::registry::Topic::Health]);
        assert_eq!(Target::parse_list(&Target::list(&t)), t);
        assert!(Target::parse("group:-1").is_none());
    }

    #[test]
    fn a_million_from_a_village_meeting_is_flagged_and_negative_refused() {
        assert_eq!(check_reach(ReportChannel::Meeting, 120), Ok(Review::Ok));
        assert_eq!(
            check_reach(ReportChannel::Whatsapp, 1_000_000),
            Ok(Review::Flagged)
        );
        assert!(check_reach(ReportChannel::Radio, -1).is_err());
        assert!(check_reach(ReportChannel::Radio, MAX_REACH + 1).is_err());
    }

    #[test]
    fn links_must_be_web_addresses() {
        assert!(valid_link("https://facebook.com/kim.prigen/posts/1"));
        assert!(valid_link("http://kim.desa.id"));
        assert!(!valid_link("javascript:alert(1)"));
        assert!(!valid_link("https://"));
        assert!(!valid_link("https://a b.id"));
        assert!(!valid_link("ftp://x.id"));
    }
}
