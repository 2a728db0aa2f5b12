//! Indonesian phone numbers, typed any way people write them, stored in E.164 (`+6281234567890`).
//!
//! After removing the prefix (`0`, `62`, `+62`, `0062`) what remains is the national significant
//! number (NSN): mobile numbers start with 8, landlines with their area code (02x–07x, and 09x in
//! Maluku and Papua, e.g. Ambon 0911, Jayapura 0967).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A phone number in Indonesia, in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PhoneE164(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("a phone number is required")]
    Empty,
    #[error("a phone number has only digits, spaces, dashes, dots, parentheses and a leading +")]
    BadCharacter,
    #[error("only Indonesian numbers (+62) are accepted")]
    Foreign,
    #[error("start the number with 0, 62 or +62: 0812-3456-7890 or (0343) 123456")]
    BadPrefix,
    #[error("mobile numbers have 10 to 13 digits and landlines 8 to 12, counting the leading 0")]
    BadLength,
}

impl PhoneError {
    /// Message-catalogue key for the user's language.
    pub fn message_key(&self) -> &'static str {
        match self {
            PhoneError::Empty => "error.required",
            PhoneError::BadCharacter | PhoneError::BadPrefix => "error.phone",
            PhoneError::Foreign => "error.phone_foreign",
            PhoneError::BadLength => "error.phone_length",
        }
    }
}

/// Two-digit area codes (Jakarta, Bandung, Semarang, Surabaya, Medan); all others have three.
const SHORT_AREA_CODES: [&str; 5] = ["21", "22", "24", "31", "61"];

impl PhoneE164 {
    pub fn parse(input: &str) -> Result<PhoneE164, PhoneError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        if s.len() > 40 {
            return Err(PhoneError::BadLength);
        }
        let digits = digits_of(s)?;
        // (national significant number, had a prefix, had the country code)
        let (nsn, prefixed, with_country) = if s.starts_with('+') || digits.starts_with("00") {
            let dialled = if s.starts_with('+') {
                &digits
            } else {
                &digits[2..]
            };
            let rest = dialled.strip_prefix("62").ok_or(PhoneError::Foreign)?;
            (rest, true, true)
        } else if let Some(rest) = digits.strip_prefix("62") {
            (rest, true, true)
        } else if let Some(rest) = digits.strip_prefix('0') {
            (rest, true, false)
        } else {
            (digits.as_str(), false, false)
        };
        // "+62 (0)812..." keeps the trunk 0 out of habit; an NSN never starts with 0.
        let nsn = match nsn.strip_prefix('0') {
            Some(rest) if with_country => rest,
            _ => nsn,
        };
        let (ok_len, ok_bare) = match nsn.as_bytes().first() {
            Some(b'8') => ((9..=12).contains(&nsn.len()), true),
            Some(b'2'..=b'7' | b'9') => ((7..=11).contains(&nsn.len()), false),
            _ => return Err(PhoneError::BadPrefix),
        };
        // A bare "812..." can only be a mobile number; a bare landline could be anything.
        if !prefixed && !ok_bare {
            return Err(PhoneError::BadPrefix);
        }
        if !ok_len {
            return Err(PhoneError::BadLength);
        }
        Ok(PhoneE164(format!("+62{nsn}")))
    }

    /// `+6281234567890`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Mobile numbers (they can receive WhatsApp and SMS).
    pub fn is_mobile(&self) -> bool {
        self.nsn().starts_with('8')
    }

    /// The domestic dialling form: `081234567890`.
    pub fn national(&self) -> String {
        format!("0{}", self.nsn())
    }

    /// The domestic form grouped for reading: `0812-3456-7890`, `(0343) 123456`, `(021) 12345678`.
    pub fn national_grouped(&self) -> String {
        let nsn = self.nsn();
        if self.is_mobile() {
            let national = self.national();
            let (head, tail) = national.split_at(4);
            let mut groups: Vec<&str> = vec![head];
            let mut rest = tail;
            while !rest.is_empty() {
                // A lone trailing digit joins the group before it: 0812-3456-78901.
                let take = if rest.len() == 5 {
                    5
                } else {
                    rest.len().min(4)
                };
                let (group, more) = rest.split_at(take);
                groups.push(group);
                rest = more;
            }
            groups.join("-")
        } else {
            let area = if SHORT_AREA_CODES.contains(&&nsn[..2]) {
                2
            } else {
                3
            };
            format!("(0{}) {}", &nsn[..area], &nsn[area..])
        }
    }

    fn nsn(&self) -> &str {
        &self.0[3..]
    }
}

/// The digits of a phone number, refusing anything but the separators people type.
fn digits_of(s: &str) -> Result<String, PhoneError> {
    let mut digits = String::with_capacity(s.len());
    for (i, ch) in s.char_indices() {
        match ch {
            '0'..='9' => digits.push(ch),
            '+' if i == 0 => {}
            '-' | '.' | '(' | ')' => {}
            c if c.is_whitespace() => {}
            _ => return Err(PhoneError::BadCharacter),
        }
    }
    Ok(digits)
}

impl fmt::Display for PhoneE164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for PhoneE164 {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhoneE164::parse(s)
    }
}

impl<'de> Deserialize<'de> for PhoneE164 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PhoneE164::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(s: &str) -> String {
        PhoneE164::parse(s).unwrap().as_str().to_owned()
    }

    #[test]
    fn accepts_mobile_numbers_as_typed() {
        for typed in [
            "0812-3456-7890",
            "+62 812 3456 7890",
            "+62 (0)812-3456-7890",
            "6281234567890",
            "0062 812 3456 7890",
            "0812.3456.7890",
            " 81234567890 ",
        ] {
            assert_eq!(e164(typed), "+6281234567890", "{typed}");
        }
        assert_eq!(e164("62812345678"), "+62812345678");
    }

    #[test]
    fn accepts_landlines_with_area_code() {
        assert_eq!(e164("(0343) 123456"), "+62343123456");
        assert_eq!(e164("021-1234 5678"), "+622112345678");
        assert_eq!(e164("+62 967 533 123"), "+62967533123");
        let p = PhoneE164::parse("(0343) 123456").unwrap();
        assert!(!p.is_mobile());
        assert_eq!(p.national(), "0343123456");
        assert_eq!(p.national_grouped(), "(0343) 123456");
        assert_eq!(
            PhoneE164::parse("02112345678").unwrap().national_grouped(),
            "(021) 12345678"
        );
    }

    #[test]
    fn groups_mobile_numbers_for_reading() {
        let cases = [
            ("0812345678", "0812-3456-78"),
            ("08123456789", "0812-3456-789"),
            ("081234567890", "0812-3456-7890"),
            ("0812345678901", "0812-3456-78901"),
        ];
        for (typed, grouped) in cases {
            let p = PhoneE164::parse(typed).unwrap();
            assert!(p.is_mobile());
            assert_eq!(p.national(), typed);
            assert_eq!(p.national_grouped(), grouped);
        }
    }

    #[test]
    fn rejects_what_is_not_an_indonesian_number() {
        let cases = [
            ("", PhoneError::Empty),
            ("0812-3456-789O", PhoneError::BadCharacter),
            ("0812 3456 7890 ext 2", PhoneError::BadCharacter),
            ("08123+4567890", PhoneError::BadCharacter),
            ("+1 415 555 2671", PhoneError::Foreign),
            ("+60 12 345 6789", PhoneError::Foreign),
            ("001 415 555 2671", PhoneError::Foreign),
            ("0112345678", PhoneError::BadPrefix),
            ("343123456", PhoneError::BadPrefix),
            ("+62", PhoneError::BadPrefix),
            ("0812345", PhoneError::BadLength),
            ("08123456789012", PhoneError::BadLength),
            ("034312", PhoneError::BadLength),
            ("0343123456789", PhoneError::BadLength),
        ];
        for (typed, err) in cases {
            assert_eq!(PhoneE164::parse(typed), Err(err), "{typed:?}");
        }
        assert_eq!(PhoneError::Foreign.message_key(), "error.phone_foreign");
    }

    #[test]
    fn serializes_as_e164() {
        let p = PhoneE164::parse("0812-3456-7890").unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "\"+6281234567890\"");
        assert_eq!(serde_json::from_str::<PhoneE164>(&json).unwrap(), p);
        assert!(serde_json::from_str::<PhoneE164>("\"+1415\"").is_err());
    }

    /// Digits with separators sprinkled between them, as people type.
    fn sprinkle(digits: &str, seps: &[u8]) -> String {
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            out.push(ch);
            out.push_str(["", "", " ", "-", ".", ") "][seps.get(i).copied().unwrap_or(0) as usize]);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,30}", t in "[0-9 +().-]{0,24}") {
            let _ = PhoneE164::parse(&s);
            if let Ok(p) = PhoneE164::parse(&t) {
                proptest::prop_assert_eq!(PhoneE164::parse(p.as_str()), Ok(p.clone()));
            }
        }

        #[test]
        fn every_written_form_parses_back(
            nsn in "8[0-9]{8,11}|[2-79][0-9]{6,10}",
            prefix in proptest::sample::select(vec!["0", "+62 ", "62", "+62 0", "0062 "]),
            seps in proptest::collection::vec(0u8..6, 0..14),
        ) {
            let typed = format!("{prefix}{}", sprinkle(&nsn, &seps));
            let p = PhoneE164::parse(&typed).unwrap();
            proptest::prop_assert_eq!(p.as_str(), format!("+62{nsn}"));
            proptest::prop_assert_eq!(PhoneE164::parse(p.as_str()), Ok(p.clone()));
            proptest::prop_assert_eq!(PhoneE164::parse(&p.national()), Ok(p.clone()));
            proptest::prop_assert_eq!(PhoneE164::parse(&p.national_grouped()), Ok(p.clone()));
        }
    }
}
