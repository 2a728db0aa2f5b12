//! The NIK (Nomor Induk Kependudukan), the 16-digit national identity number of KIM members.
//!
//! `PP RR DD ddmmyy ssss`: province, regency and district where it was issued, birth date (women
//! add 40 to the day) and a serial. A NIK is personal data (UU 27/2022): it is stored encrypted
//! and shown masked, so this type prints only its masked form and is not `Serialize`.

use crate::regions::{Level, RegionCode};
use chrono::NaiveDate;
use std::fmt;

/// A structurally valid NIK. Whether it belongs to a real person only Dukcapil can say.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nik {
    digits: String,
    birth_date: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    #[error("a NIK has exactly 16 digits")]
    BadLength,
    #[error("the first 6 digits of a NIK are a province, regency and district code")]
    BadRegion,
    #[error("digits 7 to 12 of a NIK are a birth date (DDMMYY, women add 40 to the day)")]
    BadBirthDate,
    #[error("the last 4 digits of a NIK cannot be 0000")]
    BadSerial,
}

impl NikError {
    /// Message-catalogue key for the user's language.
    pub fn message_key(&self) -> &'static str {
        match self {
            NikError::BadLength => "error.nik",
            NikError::BadRegion => "error.nik_region",
            NikError::BadBirthDate => "error.nik_birth_date",
            NikError::BadSerial => "error.nik_serial",
        }
    }
}

impl Nik {
    /// Read a NIK as typed (spaces, dots and dashes ignored). `today` decides the century of the
    /// two-digit birth year: 20YY unless that is still in the future, then 19YY.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Nik, NikError> {
        let digits: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || *c == '.' || *c == '-'))
            .collect();
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NikError::BadLength);
        }
        let num = |from: usize, to: usize| -> u32 { digits[from..to].parse().unwrap_or(0) };
        // Province codes run from 11 (Aceh) to 96 (Papua Barat Daya); ranges leave room for new ones.
        if !(11..=96).contains(&num(0, 2)) || num(2, 4) == 0 || num(4, 6) == 0 {
            return Err(NikError::BadRegion);
        }
        let (day, month, yy) = (num(6, 8), num(8, 10), num(10, 12));
        let day = match day {
            1..=31 => day,
            41..=71 => day - 40,
            _ => return Err(NikError::BadBirthDate),
        };
        let birth_date = [2000, 1900]
            .into_iter()
            .filter_map(|century| NaiveDate::from_ymd_opt(century + yy as i32, month, day))
            .find(|date| *date <= today)
            .ok_or(NikError::BadBirthDate)?;
        if num(12, 16) == 0 {
            return Err(NikError::BadSerial);
        }
        Ok(Nik { digits, birth_date })
    }

    /// The full 16 digits. Only for encrypting at rest; never display or log it.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// First 4 and last 2 digits: `3514**********01`.
    pub fn masked(&self) -> String {
        format!("{}**********{}", &self.digits[..4], &self.digits[14..])
    }

    /// The kecamatan that issued it, e.g. `35.14.10`.
    pub fn district_code(&self) -> RegionCode {
        let d = &self.digits;
        RegionCode::parse(&format!("{}.{}.{}", &d[..2], &d[2..4], &d[4..6]))
            .expect("six checked digits form a district code")
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    pub fn is_female(&self) -> bool {
        self.digits.as_bytes()[6] >= b'4'
    }

    /// Whether the NIK was issued in the kabupaten/kota of `region` (a KIM's village, usually).
    ///
    /// Compared at regency level on purpose: people often live, work or volunteer in another
    /// kecamatan of the same kabupaten than the one on their KTP, and a KIM should not turn them
    /// away for that. A province-level region accepts any NIK from that province.
    pub fn check_region(&self, region: &RegionCode) -> bool {
        let regency = if region.level() >= Level::Regency {
            RegionCode::parse(&region.as_str()[..5]).expect("prefix of a valid code")
        } else {
            region.clone()
        };
        regency.contains(&self.district_code())
    }
}

/// Masked, so a NIK never lands in a log by accident.
impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Nik").field(&self.masked()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
    }

    fn nik(s: &str) -> Nik {
        Nik::parse(s, today()).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn reads_region_birth_date_and_sex() {
        let man = nik("3514101208850001");
        assert_eq!(man.district_code().as_str(), "35.14.10");
        assert_eq!(man.birth_date(), date(1985, 8, 12));
        assert!(!man.is_female());
        let woman = nik("3514 1052 0301 0002");
        assert_eq!(woman.birth_date(), date(2001, 3, 12));
        assert!(woman.is_female());
        assert_eq!(nik("35.14.10.710110.0003").birth_date(), date(2010, 1, 31));
    }

    #[test]
    fn chooses_the_century_that_is_not_in_the_future() {
        assert_eq!(nik("3514101503260001").birth_date(), date(2026, 3, 15));
        assert_eq!(nik("3514101603260001").birth_date(), date(1926, 3, 16));
        assert_eq!(nik("3514100101990001").birth_date(), date(1999, 1, 1));
        // 29 Feb 2000 existed; 29 Feb 1900 did not.
        assert_eq!(nik("3514102902000001").birth_date(), date(2000, 2, 29));
        let in_1999 = date(1999, 12, 31);
        assert_eq!(
            Nik::parse("3514102902000001", in_1999),
            Err(NikError::BadBirthDate)
        );
    }

    #[test]
    fn rejects_malformed_niks() {
        let cases = [
            ("", NikError::BadLength),
            ("351410120885001", NikError::BadLength),
            ("35141012088500011", NikError::BadLength),
            ("351410120885000A", NikError::BadLength),
            ("3514/10120885000", NikError::BadLength),
            ("1014101208850001", NikError::BadRegion),
            ("9714101208850001", NikError::BadRegion),
            ("3500101208850001", NikError::BadRegion),
            ("3514001208850001", NikError::BadRegion),
            ("3514100008850001", NikError::BadBirthDate),
            ("3514103208850001", NikError::BadBirthDate),
            ("3514104008850001", NikError::BadBirthDate),
            ("3514107208850001", NikError::BadBirthDate),
            ("3514101213850001", NikError::BadBirthDate),
            ("3514103102850001", NikError::BadBirthDate),
            ("3514102902010001", NikError::BadBirthDate),
            ("3514101208850000", NikError::BadSerial),
        ];
        for (input, err) in cases {
            assert_eq!(Nik::parse(input, today()), Err(err), "{input:?}");
        }
        assert_eq!(NikError::BadSerial.message_key(), "error.nik_serial");
    }

    #[test]
    fn never_shows_the_full_number() {
        let n = nik("3514101208850001");
        assert_eq!(n.masked(), "3514**********01");
        assert_eq!(format!("{n:?}"), "Nik(\"3514**********01\")");
        assert_eq!(n.as_str(), "3514101208850001");
    }

    #[test]
    fn region_check_is_at_regency_level() {
        let n = nik("3514101208850001");
        for inside in ["35", "35.14", "35.14.10", "35.14.10.2001", "35.14.11.2003"] {
            assert!(
                n.check_region(&RegionCode::parse(inside).unwrap()),
                "{inside}"
            );
        }
        for outside in ["31", "35.78", "35.15.10.2001"] {
            assert!(
                !n.check_region(&RegionCode::parse(outside).unwrap()),
                "{outside}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,24}", t in "[0-9]{16}") {
            let _ = Nik::parse(&s, today());
            if let Ok(n) = Nik::parse(&t, today()) {
                proptest::prop_assert!(n.birth_date() <= today());
                proptest::prop_assert_eq!(n.masked().len(), 16);
                proptest::prop_assert_eq!(Nik::parse(n.as_str(), today()), Ok(n.clone()));
            }
        }

        #[test]
        fn valid_niks_parse_and_round_trip(
            p in 11u32..=96, r in 1u32..=99, d in 1u32..=99,
            day in 1u32..=28, month in 1u32..=12, yy in 0u32..=99,
            female: bool, serial in 1u32..=9999,
        ) {
            let dd = if female { day + 40 } else { day };
            let s = format!("{p:02}{r:02}{d:02}{dd:02}{month:02}{yy:02}{serial:04}");
            let n = Nik::parse(&s, today()).unwrap();
            proptest::prop_assert_eq!(n.as_str(), s.as_str());
            proptest::prop_assert_eq!(n.is_female(), female);
            proptest::prop_assert_eq!(
                (n.birth_date().day(), n.birth_date().month(), n.birth_date().year() as u32 % 100),
                (day, month, yy)
            );
            proptest::prop_assert_eq!(n.district_code().to_string(), format!("{p:02}.{r:02}.{d:02}"));
            let regency = RegionCode::parse(&format!("{p:02}.{r:02}")).unwrap();
            proptest::prop_assert!(n.check_region(&regency));
            let debug = format!("{n:?}");
            proptest::prop_assert!(!debug.contains(&s));
        }
    }
}
