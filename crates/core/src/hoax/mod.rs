//! The hoax clearing house: what a suspicious message is made of, whether it is a claim already
//! checked, and the rules of checking one.
//!
//! - [`normalize`]: chat text (slang, elongation, digits for letters, Javanese and Madurese
//!   words, amounts, forwarding boilerplate) to stemmed Indonesian words; its word lists are
//!   `slang.tsv`, `lexicon.tsv` (Javanese, Madurese) and `synonyms.tsv` (Indonesian synonyms).
//! - [`cognate`]: a regional word no list has, matched to the known text's Indonesian word said
//!   the Javanese or Madurese way.
//! - [`url`]: links to a canonical form.
//! - [`places`]: the regencies and districts of East Java a message may name.
//! - [`matcher`]: ranked retrieval and the conservative instant-answer decision.
//! - [`verdict`]: verdict labels.
//! - [`workflow`]: claim states and who may move a claim between them.
//! - [`intake`]: a submission parsed at the edge.
//! - [`eval`]: the evaluation harness (labelled development and held-out sets).

pub mod claimreview;
pub mod cognate;
pub mod eval;
pub mod intake;
pub mod matcher;
pub mod normalize;
pub mod places;
pub mod stem;
pub mod topics;
pub mod url;
pub mod verdict;
pub mod workflow;

#[cfg(test)]
mod devset;

pub use intake::{Channel, IntakeError, Submission};
pub use matcher::{decide, Decision, Difference, Fingerprint, Index, Match, Reason};
pub use verdict::{Label, LabelSet};
pub use workflow::{ClaimStatus, Transition, WorkflowError};
