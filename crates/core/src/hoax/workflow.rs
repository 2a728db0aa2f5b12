//! The life of a claim: reported (new) → taken by a verifier (in review) → verdict written →
//! reviewed by a second verifier where the office requires it → published; a published claim
//! can be reopened; a duplicate is merged into another claim.
//!
//! Pure rules: who may do which step is decided here from the facts the caller passes in
//! (assignee, author of the verdict), so the service and its tests agree.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Reported, nobody working on it.
    New,
    /// A verifier took it.
    InReview,
    /// A verdict is written and waits for a second verifier.
    AwaitingReview,
    /// The clarification is public.
    Published,
    /// A duplicate, merged into another claim.
    Merged,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 5] = [
        ClaimStatus::New,
        ClaimStatus::InReview,
        ClaimStatus::AwaitingReview,
        ClaimStatus::Published,
        ClaimStatus::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::New => "new",
            ClaimStatus::InReview => "in_review",
            ClaimStatus::AwaitingReview => "awaiting_review",
            ClaimStatus::Published => "published",
            ClaimStatus::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<ClaimStatus> {
        ClaimStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Message-catalogue key of its name.
    pub fn message_key(self) -> String {
        format!("hoax.status.{}", self.as_str())
    }

    /// Still waiting for a verdict (in the verifiers' queue).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ClaimStatus::New | ClaimStatus::InReview | ClaimStatus::AwaitingReview
        )
    }
}

impl TryFrom<String> for ClaimStatus {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ClaimStatus::parse(&s).ok_or(s)
    }
}

/// A step a verifier asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Take the claim (or take it over).
    Take,
    /// Submit the verdict; published at once unless `second_review` is required.
    SubmitVerdict { second_review: bool },
    /// Approve someone else's verdict.
    Approve,
    /// Send a verdict back to its author.
    SendBack,
    /// Open a published claim again.
    Reopen,
    /// Merge into another claim.
    Merge,
    /// Move some of its reports to a new claim of their own (the claim keeps its state).
    Split,
}

/// Who is involved, as the store knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub actor: i64,
    pub assignee: Option<i64>,
    pub verdict_author: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("this step is not possible in the claim's current state")]
    WrongState,
    #[error("another verifier is working on this claim")]
    NotAssignee,
    #[error("a verdict needs a second verifier, not its author")]
    OwnVerdict,
}

impl WorkflowError {
    pub fn message_key(self) -> &'static str {
        match self {
            WorkflowError::WrongState => "hoax.error.wrong_state",
            WorkflowError::NotAssignee => "hoax.error.not_assignee",
            WorkflowError::OwnVerdict => "hoax.error.own_verdict",
        }
    }
}

impl ClaimStatus {
    /// The state after `step`, or why it is refused.
    pub fn apply(self, step: Transition, facts: Facts) -> Result<ClaimStatus, WorkflowError> {
        use ClaimStatus as S;
        use Transition as T;
        match (self, step) {
            (S::New | S::InReview, T::Take) => Ok(S::InReview),
            (S::InReview, T::SubmitVerdict { second_review }) => {
                if facts.assignee != Some(facts.actor) {
                    return Err(WorkflowError::NotAssignee);
                }
                Ok(if second_review {
                    S::AwaitingReview
                } else {
                    S::Published
                })
            }
            (S::AwaitingReview, T::Approve) => {
                if facts.verdict_author == Some(facts.actor) {
                    return Err(WorkflowError::OwnVerdict);
                }
                Ok(S::Published)
            }
            (S::AwaitingReview, T::SendBack) => {
                if facts.verdict_author == Some(facts.actor) {
                    return Err(WorkflowError::OwnVerdict);
                }
                Ok(S::InReview)
            }
            (S::Published, T::Reopen) => Ok(S::InReview),
            (S::New | S::InReview, T::Merge) => Ok(S::Merged),
            (s @ (S::New | S::InReview), T::Split) => Ok(s),
            _ => Err(WorkflowError::WrongState),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClaimStatus as S;
    use Transition as T;

    const ME: i64 = 1;
    const OTHER: i64 = 2;

    fn facts(assignee: Option<i64>, author: Option<i64>) -> Facts {
        Facts {
            actor: ME,
            assignee,
            verdict_author: author,
        }
    }

    #[test]
    fn the_happy_path_with_and_without_second_review() {
        let s = S::New.apply(T::Take, facts(None, None)).unwrap();
        assert_eq!(s, S::InReview);
        let verdict = |r| T::SubmitVerdict { second_review: r };
        assert_eq!(
            s.apply(verdict(false), facts(Some(ME), None)),
            Ok(S::Published)
        );
        let s = s.apply(verdict(true), facts(Some(ME), None)).unwrap();
        assert_eq!(s, S::AwaitingReview);
        let reviewer = Facts {
            actor: OTHER,
            assignee: Some(ME),
            verdict_author: Some(ME),
        };
        assert_eq!(s.apply(T::Approve, reviewer), Ok(S::Published));
        assert_eq!(s.apply(T::SendBack, reviewer), Ok(S::InReview));
        assert_eq!(S::Published.apply(T::Reopen, reviewer), Ok(S::InReview));
    }

    #[test]
    fn only_open_claims_not_yet_judged_are_split() {
        assert_eq!(S::New.apply(T::Split, facts(None, None)), Ok(S::New));
        assert_eq!(
            S::InReview.apply(T::Split, facts(Some(OTHER), None)),
            Ok(S::InReview)
        );
        for s in [S::AwaitingReview, S::Published, S::Merged] {
            assert_eq!(
                s.apply(T::Split, facts(None, None)),
                Err(WorkflowError::WrongState)
            );
        }
    }

    #[test]
    fn nobody_reviews_their_own_verdict_or_publishes_anothers_claim() {
        assert_eq!(
            S::AwaitingReview.apply(T::Approve, facts(Some(ME), Some(ME))),
            Err(WorkflowError::OwnVerdict)
        );
        assert_eq!(
            S::InReview.apply(
                T::SubmitVerdict {
                    second_review: false
                },
                facts(Some(OTHER), None)
            ),
            Err(WorkflowError::NotAssignee)
        );
    }

    #[test]
    fn impossible_steps_are_refused() {
        for (s, t) in [
            (S::New, T::Approve),
            (
                S::New,
                T::SubmitVerdict {
                    second_review: false,
                },
            ),
            (S::Published, T::Take),
            (S::Published, T::Merge),
            (S::Merged, T::Take),
            (S::Merged, T::Reopen),
            (S::InReview, T::Reopen),
        ] {
            assert_eq!(
                s.apply(t, facts(Some(ME), None)),
                Err(WorkflowError::WrongState),
                "{s:?} {t:?}"
            );
        }
        for s in ClaimStatus::ALL {
            assert_eq!(ClaimStatus::parse(s.as_str()), Some(s));
        }
    }
}
