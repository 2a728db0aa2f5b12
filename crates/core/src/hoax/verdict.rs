//! Verdict labels: HOAKS, DISINFORMASI, MISINFORMASI, FAKTA by default; an installation may
//! configure its own list (`SIMPUL_HOAX_LABELS=hoaks,disinformasi,misinformasi,satire,fakta`).
//!
//! A label is a short code; people see its catalogue label (`hoax.label.<code>`), or, for a
//! configured code the catalogue does not know, the code in capitals (the label an office chose
//! is its own name, not an internal code).

use serde::Serialize;

/// One verdict label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Label(String);

/// The labels shipped with a catalogue entry.
pub const DEFAULT_LABELS: [&str; 4] = ["hoaks", "disinformasi", "misinformasi", "fakta"];

/// Labels that say the claim is true (shown in green, not red).
const TRUE_LABELS: [&str; 2] = ["fakta", "benar"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown verdict label")]
pub struct UnknownLabel;

impl Label {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Message-catalogue key of its name.
    pub fn message_key(&self) -> String {
        format!("hoax.label.{}", self.0)
    }

    /// The label itself in capitals, for a configured code with no catalogue entry.
    pub fn fallback_name(&self) -> String {
        self.0.to_uppercase()
    }

    /// Does the label say the claim is true?
    pub fn is_true(&self) -> bool {
        TRUE_LABELS.contains(&self.0.as_str())
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The labels an installation uses, in the order the verdict form offers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSet(Vec<Label>);

impl Default for LabelSet {
    fn default() -> Self {
        LabelSet(
            DEFAULT_LABELS
                .iter()
                .map(|s| Label(s.to_string()))
                .collect(),
        )
    }
}

fn valid_code(s: &str) -> bool {
    (2..=24).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

impl LabelSet {
    /// A comma-separated list of codes (`a-z` and `_`, 2 to 24 characters), at least one.
    pub fn parse_config(s: &str) -> Result<LabelSet, UnknownLabel> {
        let mut labels: Vec<Label> = Vec::new();
        for code in s.split(',').map(|c| c.trim().to_lowercase()) {
            if !valid_code(&code) {
                return Err(UnknownLabel);
            }
            if !labels.iter().any(|l| l.0 == code) {
                labels.push(Label(code));
            }
        }
        if labels.is_empty() {
            return Err(UnknownLabel);
        }
        Ok(LabelSet(labels))
    }

    pub fn labels(&self) -> &[Label] {
        &self.0
    }

    /// One of this set's labels, by code or by name in any case ("HOAKS", "Hoaks", "hoaks").
    pub fn parse(&self, input: &str) -> Result<Label, UnknownLabel> {
        let code = input.trim().to_lowercase();
        self.0
            .iter()
            .find(|l| l.0 == code)
            .cloned()
            .ok_or(UnknownLabel)
    }

    /// A label read back from the database, kept even if the configuration dropped it since.
    pub fn from_stored(s: &str) -> Label {
        Label(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_in_any_case_and_unknown_labels_are_refused() {
        let set = LabelSet::default();
        assert_eq!(set.parse("HOAKS").unwrap().as_str(), "hoaks");
        assert_eq!(set.parse(" Fakta ").unwrap().as_str(), "fakta");
        assert_eq!(set.parse("satire"), Err(UnknownLabel));
        assert_eq!(set.parse(""), Err(UnknownLabel));
        assert!(set.parse("fakta").unwrap().is_true());
        assert!(!set.parse("hoaks").unwrap().is_true());
    }

    #[test]
    fn an_office_configures_its_own_labels() {
        let set = LabelSet::parse_config("hoaks, satire ,fakta,hoaks").unwrap();
        assert_eq!(set.labels().len(), 3);
        assert_eq!(set.parse("SATIRE").unwrap().fallback_name(), "SATIRE");
        assert_eq!(set.parse("disinformasi"), Err(UnknownLabel));
        assert!(LabelSet::parse_config("").is_err());
        assert!(LabelSet::parse_config("hoaks,<b>").is_err());
    }
}
