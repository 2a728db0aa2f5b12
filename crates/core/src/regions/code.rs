use serde::{Deserialize, Serialize};
use std::fmt;

/// The four administrative levels below the nation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province = 1,
    Regency = 2,
    District = 3,
    Village = 4,
}

impl Level {
    pub fn from_depth(depth: i64) -> Option<Level> {
        match depth {
            1 => Some(Level::Province),
            2 => Some(Level::Regency),
            3 => Some(Level::District),
            4 => Some(Level::Village),
            _ => None,
        }
    }

    pub fn depth(self) -> i64 {
        self as i64
    }

    /// Stable machine name, also the message-catalogue key suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Regency => "regency",
            Level::District => "district",
            Level::Village => "village",
        }
    }

    pub fn child(self) -> Option<Level> {
        Level::from_depth(self.depth() + 1)
    }
}

/// A Kemendagri region code in its official dotted form: `35`, `35.14`, `35.14.10`, `35.14.10.2001`.
///
/// Segment widths are 2, 2, 2 and 4 digits. The code alone tells the level and every ancestor.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RegionCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error("a region code has 1 to 4 dot-separated parts, like 35.14.10.2001")]
    BadShape,
    #[error("part {0} of the region code must be {1} digits")]
    BadSegment(usize, usize),
}

const WIDTHS: [usize; 4] = [2, 2, 2, 4];

impl RegionCode {
    pub fn parse(input: &str) -> Result<RegionCode, RegionCodeError> {
        let input = input.trim();
        let parts: Vec<&str> = input.split('.').collect();
        if parts.is_empty() || parts.len() > 4 {
            return Err(RegionCodeError::BadShape);
        }
        for (i, part) in parts.iter().enumerate() {
            if part.len() != WIDTHS[i] || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(RegionCodeError::BadSegment(i + 1, WIDTHS[i]));
            }
        }
        Ok(RegionCode(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> Level {
        let depth = self.0.bytes().filter(|&b| b == b'.').count() as i64 + 1;
        Level::from_depth(depth).expect("validated at parse")
    }

    pub fn parent(&self) -> Option<RegionCode> {
        self.0
            .rfind('.')
            .map(|i| RegionCode(self.0[..i].to_owned()))
    }

    /// The province, regency, ... codes above this one, outermost first (excluding itself).
    pub fn ancestors(&self) -> Vec<RegionCode> {
        let mut out = Vec::new();
        let mut cur = self.parent();
        while let Some(code) = cur {
            cur = code.parent();
            out.push(code);
        }
        out.reverse();
        out
    }

    /// The province code (first segment).
    pub fn province(&self) -> RegionCode {
        RegionCode(self.0[..2].to_owned())
    }

    /// True when `other` is this region or lies inside it.
    pub fn contains(&self, other: &RegionCode) -> bool {
        other.0 == self.0
            || (other.0.len() > self.0.len()
                && other.0.starts_with(&self.0)
                && other.0.as_bytes()[self.0.len()] == b'.')
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for RegionCode {
    type Err = RegionCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RegionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn parses_every_level_in_official_form() {
        assert_eq!(code("35").level(), Level::Province);
        assert_eq!(code("35.14").level(), Level::Regency);
        assert_eq!(code("35.14.10").level(), Level::District);
        assert_eq!(code("35.14.10.2001").level(), Level::Village);
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in [
            "",
            "3",
            "351",
            "35.1",
            "35.14.1",
            "35.14.10.201",
            "35.14.10.2001.1",
            "3a",
            "35..14",
        ] {
            assert!(
                RegionCode::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn knows_its_ancestors_and_containment() {
        let village = code("35.14.10.2001");
        assert_eq!(
            village.ancestors(),
            vec![code("35"), code("35.14"), code("35.14.10")]
        );
        assert!(code("35").contains(&village));
        assert!(code("35.14").contains(&code("35.14")));
        // Prefix without a dot boundary is not containment.
        assert!(!code("35.14.10").contains(&code("35.14")));
        assert!(!code("31").contains(&village));
        assert_eq!(village.province(), code("35"));
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(s in "\\PC{0,20}") {
            if let Ok(c) = RegionCode::parse(&s) {
                proptest::prop_assert_eq!(RegionCode::parse(c.as_str()).unwrap(), c.clone());
                if let Some(p) = c.parent() { proptest::prop_assert!(p.contains(&c)); }
            }
        }

        #[test]
        fn valid_codes_parse(p in 11u32..99, r in 1u32..99, d in 1u32..99, v in 1000u32..9999) {
            let s = format!("{p:02}.{r:02}.{d:02}.{v:04}");
            let c = RegionCode::parse(&s).unwrap();
            proptest::prop_assert_eq!(c.level(), Level::Village);
            proptest::prop_assert_eq!(c.ancestors().len(), 3);
        }
    }
}
