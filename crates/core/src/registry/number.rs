//! KIM registration numbers: `KIM-35.14.10.2001-001`.
//!
//! The village code says where the KIM is, the sequence which one it is there. The store hands out
//! sequences per village and never reuses one, so a number printed on a certificate keeps meaning
//! the same KIM even after it is dissolved.

use crate::regions::{Level, RegionCode};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A KIM's registration number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KimNumber {
    village: RegionCode,
    seq: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KimNumberError {
    #[error("a KIM number looks like KIM-35.14.10.2001-001")]
    BadFormat,
    #[error("a KIM is registered in a desa/kelurahan: use a village code like 35.14.10.2001")]
    NotVillage,
}

impl KimNumberError {
    /// Message-catalogue key for the user's language.
    pub fn message_key(&self) -> &'static str {
        match self {
            KimNumberError::BadFormat => "error.kim_number",
            KimNumberError::NotVillage => "error.kim_number_village",
        }
    }
}

impl KimNumber {
    /// The number for the `seq`-th KIM registered in `village` (sequences start at 1).
    pub fn new(village: &RegionCode, seq: u32) -> Result<KimNumber, KimNumberError> {
        if village.level() != Level::Village {
            return Err(KimNumberError::NotVillage);
        }
        if seq == 0 {
            return Err(KimNumberError::BadFormat);
        }
        Ok(KimNumber {
            village: village.clone(),
            seq,
        })
    }

    /// Read a number as printed or typed: case and surrounding spaces do not matter, and the
    /// sequence may be written with or without its leading zeros (`-7`, `-007`).
    pub fn parse(input: &str) -> Result<KimNumber, KimNumberError> {
        let s = input.trim();
        let rest = s
            .get(..4)
            .filter(|p| p.eq_ignore_ascii_case("KIM-"))
            .map(|_| &s[4..])
            .filter(|rest| !rest.contains(char::is_whitespace))
            .ok_or(KimNumberError::BadFormat)?;
        let (code, seq) = rest.rsplit_once('-').ok_or(KimNumberError::BadFormat)?;
        let village = RegionCode::parse(code).map_err(|_| KimNumberError::BadFormat)?;
        // Ten digits fit a u32 comfortably; more is a typo, not a real sequence.
        if seq.is_empty() || seq.len() > 10 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(KimNumberError::BadFormat);
        }
        let seq = seq.parse().map_err(|_| KimNumberError::BadFormat)?;
        KimNumber::new(&village, seq)
    }

    pub fn village(&self) -> &RegionCode {
        &self.village
    }

    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl fmt::Display for KimNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KIM-{}-{:03}", self.village, self.seq)
    }
}

impl std::str::FromStr for KimNumber {
    type Err = KimNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KimNumber::parse(s)
    }
}

impl Serialize for KimNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for KimNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        KimNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn village() -> RegionCode {
        RegionCode::parse("35.14.10.2001").unwrap()
    }

    #[test]
    fn formats_with_three_digits_growing_past_999() {
        let n = KimNumber::new(&village(), 1).unwrap();
        assert_eq!(n.to_string(), "KIM-35.14.10.2001-001");
        assert_eq!(
            KimNumber::new(&village(), 1234).unwrap().to_string(),
            "KIM-35.14.10.2001-1234"
        );
        assert_eq!(n.village(), &village());
        assert_eq!(n.seq(), 1);
    }

    #[test]
    fn only_villages_and_positive_sequences() {
        for code in ["35", "35.14", "35.14.10"] {
            let code = RegionCode::parse(code).unwrap();
            assert_eq!(
                KimNumber::new(&code, 1),
                Err(KimNumberError::NotVillage),
                "{code}"
            );
        }
        assert_eq!(
            KimNumber::new(&village(), 0),
            Err(KimNumberError::BadFormat)
        );
        assert_eq!(
            KimNumberError::NotVillage.message_key(),
            "error.kim_number_village"
        );
    }

    #[test]
    fn parses_what_people_type() {
        let n = KimNumber::new(&village(), 7).unwrap();
        for ok in [
            "KIM-35.14.10.2001-007",
            " kim-35.14.10.2001-7 ",
            "Kim-35.14.10.2001-0007",
        ] {
            assert_eq!(KimNumber::parse(ok), Ok(n.clone()), "{ok}");
        }
        for bad in [
            "",
            "KIM",
            "KIM-",
            "35.14.10.2001-001",
            "KIM-35.14.10-001",
            "KIM-35.14.10.2001",
            "KIM-35.14.10.2001-",
            "KIM-35.14.10.2001-000",
            "KIM-35.14.10.2001-+1",
            "KIM-35.14.10.2001-99999999999",
            "KIM-35.14.10.2001-١",
            "KIM–35.14.10.2001-001",
            "KIM- 35.14.10.2001-001",
        ] {
            assert!(KimNumber::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serializes_as_its_printed_form() {
        let n = KimNumber::new(&village(), 12).unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"KIM-35.14.10.2001-012\"");
        assert_eq!(serde_json::from_str::<KimNumber>(&json).unwrap(), n);
        assert!(serde_json::from_str::<KimNumber>("\"KIM-35-001\"").is_err());
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            if let Ok(n) = KimNumber::parse(&s) {
                proptest::prop_assert_eq!(KimNumber::parse(&n.to_string()), Ok(n.clone()));
            }
        }

        #[test]
        fn round_trips(p in 11u32..99, r in 1u32..99, d in 1u32..99, v in 1000u32..9999,
                       seq in 1u32..=u32::MAX) {
            let code = RegionCode::parse(&format!("{p:02}.{r:02}.{d:02}.{v:04}")).unwrap();
            let n = KimNumber::new(&code, seq).unwrap();
            proptest::prop_assert_eq!(KimNumber::parse(&n.to_string()), Ok(n.clone()));
            proptest::prop_assert_eq!(n.seq(), seq);
        }
    }
}
