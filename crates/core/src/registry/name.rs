//! A KIM's name as it appears in the directory.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 3–120 characters, no control characters; outer spacing trimmed and inner runs of spacing
/// collapsed to one space, so "KIM  Prigen" and "KIM Prigen" are one name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct KimName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a KIM name has 3 to 120 characters")]
pub struct KimNameError;

impl KimNameError {
    /// Message-catalogue key for the user's language.
    pub fn message_key(&self) -> &'static str {
        "error.kim_name"
    }
}

impl KimName {
    pub fn parse(input: &str) -> Result<KimName, KimNameError> {
        // Tabs and line breaks (pasted from a spreadsheet) are spacing; other controls are not.
        let s = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if (3..=120).contains(&s.chars().count()) && !s.chars().any(char::is_control) {
            Ok(KimName(s))
        } else {
            Err(KimNameError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KimName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for KimName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        KimName::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_collapses_spaces() {
        assert_eq!(
            KimName::parse("  KIM   Prigen Maju ").unwrap().as_str(),
            "KIM Prigen Maju"
        );
        assert_eq!(KimName::parse("Ria").unwrap().as_str(), "Ria");
        assert_eq!(
            KimName::parse("KIM\tPrigen\r\n").unwrap().as_str(),
            "KIM Prigen"
        );
    }

    #[test]
    fn rejects_short_long_and_control_characters() {
        for bad in ["", "  ", "ab", " ab ", "KIM Prigen\u{0}", "KIM\u{7f}Prigen"] {
            assert_eq!(KimName::parse(bad), Err(KimNameError), "{bad:?}");
        }
        assert!(KimName::parse(&"é".repeat(120)).is_ok());
        assert!(KimName::parse(&"é".repeat(121)).is_err());
        assert_eq!(KimNameError.message_key(), "error.kim_name");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_round_trips(s in "\\PC{0,130}") {
            if let Ok(n) = KimName::parse(&s) {
                proptest::prop_assert_eq!(KimName::parse(n.as_str()), Ok(n.clone()));
                let json = serde_json::to_string(&n).unwrap();
                proptest::prop_assert_eq!(serde_json::from_str::<KimName>(&json).unwrap(), n);
            }
        }
    }
}
