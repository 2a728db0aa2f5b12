//! The focus topics a KIM works on, shared by the registry, content and reports.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Health,
    Education,
    Disaster,
    /// Economy, including UMKM (micro, small and medium enterprises).
    Economy,
    Agriculture,
    Tourism,
    Culture,
    Social,
    Governance,
    Environment,
    DigitalLiteracy,
}

impl Topic {
    pub const ALL: [Topic; 11] = [
        Topic::Health,
        Topic::Education,
        Topic::Disaster,
        Topic::Economy,
        Topic::Agriculture,
        Topic::Tourism,
        Topic::Culture,
        Topic::Social,
        Topic::Governance,
        Topic::Environment,
        Topic::DigitalLiteracy,
    ];

    /// Stable slug (storage, API, URLs); never rename one.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Health => "health",
            Topic::Education => "education",
            Topic::Disaster => "disaster",
            Topic::Economy => "economy",
            Topic::Agriculture => "agriculture",
            Topic::Tourism => "tourism",
            Topic::Culture => "culture",
            Topic::Social => "social",
            Topic::Governance => "governance",
            Topic::Environment => "environment",
            Topic::DigitalLiteracy => "digital_literacy",
        }
    }

    pub fn parse(s: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Message-catalogue key of the topic's name: `topic.<slug>`.
    pub fn message_key(self) -> &'static str {
        match self {
            Topic::Health => "topic.health",
            Topic::Education => "topic.education",
            Topic::Disaster => "topic.disaster",
            Topic::Economy => "topic.economy",
            Topic::Agriculture => "topic.agriculture",
            Topic::Tourism => "topic.tourism",
            Topic::Culture => "topic.culture",
            Topic::Social => "topic.social",
            Topic::Governance => "topic.governance",
            Topic::Environment => "topic.environment",
            Topic::DigitalLiteracy => "topic.digital_literacy",
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_keys_follow_them() {
        for t in Topic::ALL {
            assert_eq!(Topic::parse(t.as_str()), Some(t));
            assert_eq!(t.message_key(), format!("topic.{}", t.as_str()));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        assert_eq!(Topic::parse("umkm"), None);
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = Topic::parse(&s);
        }
    }
}
