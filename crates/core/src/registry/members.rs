//! Who is in a KIM: their role in it, and the two facts kept for the membership statistics
//! (gender and age band; an age band rather than a birth date, so no more is kept than needed).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A member's position in the KIM's board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Ketua,
    WakilKetua,
    Sekretaris,
    Bendahara,
    AdminKonten,
    Anggota,
}

impl MemberRole {
    pub const ALL: [MemberRole; 6] = [
        MemberRole::Ketua,
        MemberRole::WakilKetua,
        MemberRole::Sekretaris,
        MemberRole::Bendahara,
        MemberRole::AdminKonten,
        MemberRole::Anggota,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Ketua => "ketua",
            MemberRole::WakilKetua => "wakil_ketua",
            MemberRole::Sekretaris => "sekretaris",
            MemberRole::Bendahara => "bendahara",
            MemberRole::AdminKonten => "admin_konten",
            MemberRole::Anggota => "anggota",
        }
    }

    pub fn parse(s: &str) -> Option<MemberRole> {
        MemberRole::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Board members (pengurus), who may act for the KIM.
    pub fn is_officer(self) -> bool {
        self != MemberRole::Anggota
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub const ALL: [Gender; 2] = [Gender::Male, Gender::Female];

    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    /// The slug, or what forms and KTP-based spreadsheets say: L/P, Laki-laki/Perempuan,
    /// Pria/Wanita, M/F. Any case.
    pub fn parse(s: &str) -> Option<Gender> {
        match s.trim().to_lowercase().as_str() {
            "male" | "l" | "lk" | "laki-laki" | "laki laki" | "lakilaki" | "pria" | "m" => {
                Some(Gender::Male)
            }
            "female" | "p" | "perempuan" | "wanita" | "f" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// Age in the bands the national KIM statistics use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "under_18")]
    Under18,
    #[serde(rename = "18_24")]
    Age18To24,
    #[serde(rename = "25_34")]
    Age25To34,
    #[serde(rename = "35_44")]
    Age35To44,
    #[serde(rename = "45_54")]
    Age45To54,
    #[serde(rename = "55_plus")]
    Age55Plus,
}

/// Older than any living person: a typo, not an age.
const MAX_AGE: u32 = 120;

impl AgeBand {
    pub const ALL: [AgeBand; 6] = [
        AgeBand::Under18,
        AgeBand::Age18To24,
        AgeBand::Age25To34,
        AgeBand::Age35To44,
        AgeBand::Age45To54,
        AgeBand::Age55Plus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Under18 => "under_18",
            AgeBand::Age18To24 => "18_24",
            AgeBand::Age25To34 => "25_34",
            AgeBand::Age35To44 => "35_44",
            AgeBand::Age45To54 => "45_54",
            AgeBand::Age55Plus => "55_plus",
        }
    }

    pub fn from_age(age: u32) -> Option<AgeBand> {
        Some(match age {
            0..=17 => AgeBand::Under18,
            18..=24 => AgeBand::Age18To24,
            25..=34 => AgeBand::Age25To34,
            35..=44 => AgeBand::Age35To44,
            45..=54 => AgeBand::Age45To54,
            55..=MAX_AGE => AgeBand::Age55Plus,
            _ => return None,
        })
    }

    /// The slug, a band as people write it (`18-24`, `55+`, `<18`), or an age (`37`, `37 tahun`).
    pub fn parse(s: &str) -> Option<AgeBand> {
        let s = s.trim().to_lowercase();
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let compact = compact.replace('-', "_");
        if let Some(band) = AgeBand::ALL.into_iter().find(|b| b.as_str() == compact) {
            return Some(band);
        }
        match compact.as_str() {
            "<18" => return Some(AgeBand::Under18),
            "55+" | ">55" => return Some(AgeBand::Age55Plus),
            _ => {}
        }
        let age = ["tahun", "thn"]
            .into_iter()
            .find_map(|unit| compact.strip_suffix(unit))
            .unwrap_or(&compact);
        if age.is_empty() || age.len() > 3 || !age.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        AgeBand::from_age(age.parse().ok()?)
    }
}

impl fmt::Display for MemberRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for AgeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_through_parse_and_serde() {
        for r in MemberRole::ALL {
            assert_eq!(MemberRole::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{r}\""));
        }
        for g in Gender::ALL {
            assert_eq!(Gender::parse(g.as_str()), Some(g));
            assert_eq!(serde_json::to_string(&g).unwrap(), format!("\"{g}\""));
        }
        for b in AgeBand::ALL {
            assert_eq!(AgeBand::parse(b.as_str()), Some(b));
            assert_eq!(serde_json::to_string(&b).unwrap(), format!("\"{b}\""));
        }
    }

    #[test]
    fn only_anggota_is_not_an_officer() {
        let officers: Vec<_> = MemberRole::ALL
            .into_iter()
            .filter(|r| r.is_officer())
            .collect();
        assert_eq!(officers.len(), 5);
        assert!(!MemberRole::Anggota.is_officer());
        assert_eq!(MemberRole::parse("Ketua"), None);
    }

    #[test]
    fn gender_as_forms_write_it() {
        for male in [
            "L",
            "l",
            "Laki-laki",
            "LAKI-LAKI",
            "laki laki",
            "Pria",
            "M",
            " male ",
        ] {
            assert_eq!(Gender::parse(male), Some(Gender::Male), "{male}");
        }
        for female in ["P", "Perempuan", "PEREMPUAN", "Wanita", "F", "female"] {
            assert_eq!(Gender::parse(female), Some(Gender::Female), "{female}");
        }
        for other in ["", "x", "lp", "pr"] {
            assert_eq!(Gender::parse(other), None, "{other}");
        }
    }

    #[test]
    fn age_bands_from_bands_and_ages() {
        let cases = [
            ("17", AgeBand::Under18),
            ("0", AgeBand::Under18),
            ("<18", AgeBand::Under18),
            ("18", AgeBand::Age18To24),
            ("18 - 24", AgeBand::Age18To24),
            ("24", AgeBand::Age18To24),
            ("25", AgeBand::Age25To34),
            ("37", AgeBand::Age35To44),
            ("37 tahun", AgeBand::Age35To44),
            ("45-54", AgeBand::Age45To54),
            ("55", AgeBand::Age55Plus),
            ("55+", AgeBand::Age55Plus),
            ("120", AgeBand::Age55Plus),
        ];
        for (typed, band) in cases {
            assert_eq!(AgeBand::parse(typed), Some(band), "{typed}");
        }
        for bad in ["", "121", "-3", "3.5", "tahun", "tiga puluh", "0037"] {
            assert_eq!(AgeBand::parse(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,20}") {
            let _ = MemberRole::parse(&s);
            let _ = Gender::parse(&s);
            let _ = AgeBand::parse(&s);
        }

        #[test]
        fn every_age_lands_in_its_band(age in 0u32..=120) {
            let band = AgeBand::from_age(age).unwrap();
            proptest::prop_assert_eq!(AgeBand::parse(&age.to_string()), Some(band));
            proptest::prop_assert_eq!(AgeBand::parse(band.as_str()), Some(band));
        }
    }
}
