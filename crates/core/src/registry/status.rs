//! A KIM's life cycle: drafted by its officers, submitted to the kabupaten/kota communication
//! office, verified (or sent back), then active, inactive or dissolved.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a KIM stands in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KimStatus {
    /// Being filled in; only its officers see it.
    Draft,
    /// Waiting for the kabupaten/kota office to check it.
    Submitted,
    /// Checked by the office, not yet running.
    Verified,
    /// Running.
    Active,
    /// Registered but not running (no activity, officers gone, ...).
    Inactive,
    /// Closed for good; kept for the record.
    Dissolved,
    /// Sent back by the office; may be corrected and submitted again.
    Rejected,
}

/// A change of status someone asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Submit,
    Verify,
    Reject,
    Activate,
    MarkInactive,
    Reactivate,
    Dissolve,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a KIM that is {from} cannot {transition}")]
pub struct TransitionError {
    pub from: KimStatus,
    pub transition: Transition,
}

impl TransitionError {
    /// Message-catalogue key for the user's language.
    pub fn message_key(&self) -> &'static str {
        "error.kim_transition"
    }
}

impl KimStatus {
    pub const ALL: [KimStatus; 7] = [
        KimStatus::Draft,
        KimStatus::Submitted,
        KimStatus::Verified,
        KimStatus::Active,
        KimStatus::Inactive,
        KimStatus::Dissolved,
        KimStatus::Rejected,
    ];

    /// Stable machine name (storage, API, message-catalogue suffix).
    pub fn as_str(self) -> &'static str {
        match self {
            KimStatus::Draft => "draft",
            KimStatus::Submitted => "submitted",
            KimStatus::Verified => "verified",
            KimStatus::Active => "active",
            KimStatus::Inactive => "inactive",
            KimStatus::Dissolved => "dissolved",
            KimStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<KimStatus> {
        KimStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Shown in the public directory. An inactive KIM stays listed so citizens can still find
    /// (and revive) it; drafts, pending and rejected entries are not checked yet.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            KimStatus::Verified | KimStatus::Active | KimStatus::Inactive
        )
    }

    /// The status after `transition`, or why it is not allowed from here.
    pub fn apply(self, transition: Transition) -> Result<KimStatus, TransitionError> {
        use KimStatus::*;
        use Transition::*;
        let next = match (self, transition) {
            (Draft | Rejected, Submit) => Submitted,
            (Submitted, Verify) => Verified,
            (Submitted, Reject) => Rejected,
            (Verified, Activate) => Active,
            (Verified | Active, MarkInactive) => Inactive,
            (Inactive, Reactivate) => Active,
            (Verified | Active | Inactive, Dissolve) => Dissolved,
            (from, transition) => return Err(TransitionError { from, transition }),
        };
        Ok(next)
    }

    /// What may happen next, in `Transition::ALL` order (the buttons to show).
    pub fn transitions(self) -> Vec<Transition> {
        Transition::ALL
            .into_iter()
            .filter(|t| self.apply(*t).is_ok())
            .collect()
    }
}

impl Transition {
    pub const ALL: [Transition; 7] = [
        Transition::Submit,
        Transition::Verify,
        Transition::Reject,
        Transition::Activate,
        Transition::MarkInactive,
        Transition::Reactivate,
        Transition::Dissolve,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Verify => "verify",
            Transition::Reject => "reject",
            Transition::Activate => "activate",
            Transition::MarkInactive => "mark_inactive",
            Transition::Reactivate => "reactivate",
            Transition::Dissolve => "dissolve",
        }
    }

    pub fn parse(s: &str) -> Option<Transition> {
        Transition::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for KimStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::KimStatus::*;
    use super::Transition::*;
    use super::*;

    /// The whole table, written out once: (from, transition, to).
    const ALLOWED: &[(KimStatus, Transition, KimStatus)] = &[
        (Draft, Submit, Submitted),
        (Rejected, Submit, Submitted),
        (Submitted, Verify, Verified),
        (Submitted, Reject, Rejected),
        (Verified, Activate, Active),
        (Verified, MarkInactive, Inactive),
        (Active, MarkInactive, Inactive),
        (Inactive, Reactivate, Active),
        (Verified, Dissolve, Dissolved),
        (Active, Dissolve, Dissolved),
        (Inactive, Dissolve, Dissolved),
    ];

    #[test]
    fn every_status_and_transition_matches_the_table() {
        for from in KimStatus::ALL {
            for t in Transition::ALL {
                let expected = ALLOWED
                    .iter()
                    .find(|(f, tr, _)| *f == from && *tr == t)
                    .map(|(_, _, to)| *to);
                match expected {
                    Some(to) => assert_eq!(from.apply(t), Ok(to), "{from} --{t}-->"),
                    None => {
                        let err = from.apply(t).unwrap_err();
                        assert_eq!(
                            err,
                            TransitionError {
                                from,
                                transition: t
                            }
                        );
                        assert_eq!(err.message_key(), "error.kim_transition");
                    }
                }
            }
        }
    }

    #[test]
    fn transitions_list_what_apply_allows() {
        assert_eq!(Draft.transitions(), vec![Submit]);
        assert_eq!(Submitted.transitions(), vec![Verify, Reject]);
        assert_eq!(
            Verified.transitions(),
            vec![Activate, MarkInactive, Dissolve]
        );
        assert_eq!(Active.transitions(), vec![MarkInactive, Dissolve]);
        assert_eq!(Inactive.transitions(), vec![Reactivate, Dissolve]);
        assert_eq!(Rejected.transitions(), vec![Submit]);
        assert!(Dissolved.transitions().is_empty(), "dissolved is final");
    }

    #[test]
    fn names_round_trip_and_unknown_names_fail() {
        for s in KimStatus::ALL {
            assert_eq!(KimStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        for t in Transition::ALL {
            assert_eq!(Transition::parse(t.as_str()), Some(t));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        assert_eq!(KimStatus::parse("Active"), None);
        assert_eq!(Transition::parse("markinactive"), None);
    }

    #[test]
    fn public_directory_shows_checked_kims_only() {
        let public: Vec<_> = KimStatus::ALL
            .into_iter()
            .filter(|s| s.is_public())
            .collect();
        assert_eq!(public, vec![Verified, Active, Inactive]);
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = KimStatus::parse(&s);
            let _ = Transition::parse(&s);
        }
    }
}
