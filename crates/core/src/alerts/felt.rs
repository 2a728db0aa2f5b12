//! BMKG's `Dirasakan`: where an earthquake was felt, and how strongly, on the Modified Mercalli
//! Intensity scale in Roman numerals: "III Pasuruan, II Malang", "II-III Kab. Probolinggo".
//!
//! Matching the places to official regions: BMKG names kabupaten/kota without saying which
//! ("Pasuruan" is both Kabupaten Pasuruan, 35.14, and Kota Pasuruan, 35.75). Regions carry no
//! coordinates here, so "the one nearest the epicentre" cannot be decided from the region
//! table; and a kota of the same name as a kabupaten almost always lies inside or against it
//! (Pasuruan, Malang, Blitar, Kediri, Madiun, Mojokerto, Probolinggo, Bogor, Bekasi, ...), so
//! the shaking BMKG reports for "Pasuruan" was felt in both. We therefore take **both** unless
//! BMKG wrote "Kab." or "Kota" itself. Missing a KIM in an emergency costs more than telling one
//! too many. A name that exists in several provinces (rare) is narrowed to the province of the
//! epicentre when the caller knows it.

use crate::regions::{normalize_name, parse_query, Level, RegionCode, RegionIndex};

/// One place named in `Dirasakan`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Felt {
    /// Intensity (MMI 1..=12); for a range ("II-III") the higher one.
    pub mmi: u8,
    /// The place as BMKG wrote it ("Pasuruan", "Kab. Malang").
    pub place: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeltError {
    #[error("no intensity before {0:?}")]
    NoIntensity(String),
    #[error("no place after the intensity in {0:?}")]
    NoPlace(String),
}

/// Items read at most (BMKG lists a handful).
const MAX_ITEMS: usize = 64;

/// A Roman numeral from I to XII.
pub fn roman(s: &str) -> Option<u8> {
    const NUMERALS: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    let s = s.trim().to_ascii_uppercase();
    NUMERALS
        .iter()
        .position(|n| *n == s)
        .map(|i| u8::try_from(i + 1).unwrap_or(12))
}

fn item(text: &str) -> Result<Felt, FeltError> {
    let t = text.trim();
    // The intensity is the leading run of Roman numerals, '-' and spaces between them.
    let mut mmi = 0u8;
    let mut rest = t;
    loop {
        let r = rest.trim_start();
        let r = r.strip_prefix('-').map(str::trim_start).unwrap_or(r);
        let word_end = r
            .find(|c: char| c.is_whitespace() || c == '-')
            .unwrap_or(r.len());
        match roman(&r[..word_end]) {
            Some(v) if word_end > 0 => {
                mmi = mmi.max(v);
                rest = &r[word_end..];
            }
            _ => {
                rest = r;
                break;
            }
        }
    }
    if mmi == 0 {
        return Err(FeltError::NoIntensity(t.chars().take(40).collect()));
    }
    let place = rest.trim().trim_end_matches('.').trim();
    if place.is_empty() || place.chars().count() > 80 {
        return Err(FeltError::NoPlace(t.chars().take(40).collect()));
    }
    Ok(Felt {
        mmi,
        place: place.to_owned(),
    })
}

/// Parse every item; the first unreadable one is an error.
pub fn parse(text: &str) -> Result<Vec<Felt>, FeltError> {
    text.split(',')
        .filter(|s| !s.trim().is_empty())
        .take(MAX_ITEMS)
        .map(item)
        .collect()
}

/// Parse what can be read, skipping prose BMKG sometimes adds.
pub fn parse_lenient(text: &str) -> Vec<Felt> {
    text.split(',')
        .take(MAX_ITEMS)
        .filter_map(|s| item(s).ok())
        .collect()
}

/// A felt place matched to official kabupaten/kota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeltMatch {
    pub felt: Felt,
    /// Regency codes; empty when the name matched none.
    pub regencies: Vec<RegionCode>,
}

/// Match each place to kabupaten/kota codes (see the module's note on "Pasuruan").
/// `epicentre_province`: narrows a name found in several provinces.
pub fn match_regencies(
    felt: &[Felt],
    index: &RegionIndex,
    epicentre_province: Option<&RegionCode>,
) -> Vec<FeltMatch> {
    let regencies: Vec<(&RegionCode, String, bool)> = index
        .regions()
        .filter(|r| r.level() == Level::Regency)
        .map(|r| {
            let city = r.name.to_lowercase().starts_with("kota ");
            (&r.code, normalize_name(&r.name, Level::Regency), city)
        })
        .collect();
    felt.iter()
        .map(|f| {
            let q = parse_query(&f.place);
            let mut found: Vec<RegionCode> = regencies
                .iter()
                .filter(|(_, norm, city)| {
                    *norm == q.term && q.city_hint.is_none_or(|want| want == *city)
                })
                .map(|(code, _, _)| (*code).clone())
                .collect();
            let provinces: std::collections::BTreeSet<RegionCode> =
                found.iter().map(RegionCode::province).collect();
            if provinces.len() > 1 {
                if let Some(p) = epicentre_province {
                    if provinces.contains(p) {
                        found.retain(|c| c.province() == *p);
                    }
                }
            }
            found.sort();
            FeltMatch {
                felt: f.clone(),
                regencies: found,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::Region;

    fn region(code: &str, name: &str) -> Region {
        Region {
            code: RegionCode::parse(code).unwrap(),
            name: name.into(),
        }
    }

    #[test]
    fn reads_bmkg_felt_lists() {
        assert_eq!(
            parse("III Pasuruan, II Malang").unwrap(),
            vec![
                Felt {
                    mmi: 3,
                    place: "Pasuruan".into()
                },
                Felt {
                    mmi: 2,
                    place: "Malang".into()
                }
            ]
        );
        let v = parse("II-III Kab. Probolinggo, II - III Kota Malang, IV Lumajang").unwrap();
        assert_eq!(v[0].mmi, 3);
        assert_eq!(v[0].place, "Kab. Probolinggo");
        assert_eq!(v[1].mmi, 3);
        assert_eq!(v[1].place, "Kota Malang");
        assert_eq!(v[2].mmi, 4);
        // "Ii" is not a place; "Indramayu" starts with I but is a place, not a numeral.
        assert_eq!(parse("II Indramayu").unwrap()[0].place, "Indramayu");
    }

    #[test]
    fn unreadable_items_are_errors_or_skipped() {
        assert!(matches!(
            parse("Pasuruan, II Malang"),
            Err(FeltError::NoIntensity(_))
        ));
        assert!(matches!(parse("III"), Err(FeltError::NoPlace(_))));
        assert_eq!(parse_lenient("dirasakan kuat, II Malang").len(), 1);
        assert_eq!(roman("xii"), Some(12));
        assert_eq!(roman("XIII"), None);
    }

    #[test]
    fn pasuruan_matches_both_the_kabupaten_and_the_kota_unless_bmkg_says_which() {
        let index = RegionIndex::new(vec![
            region("35", "Jawa Timur"),
            region("35.14", "Kabupaten Pasuruan"),
            region("35.75", "Kota Pasuruan"),
            region("35.07", "Kabupaten Malang"),
            region("35.73", "Kota Malang"),
            region("35.08", "Kabupaten Lumajang"),
        ]);
        let felt = parse("III Pasuruan, II Kota Malang, II Kab. Lumajang, I Atlantis").unwrap();
        let m = match_regencies(&felt, &index, None);
        let codes = |i: usize| -> Vec<&str> { m[i].regencies.iter().map(|c| c.as_str()).collect() };
        assert_eq!(codes(0), vec!["35.14", "35.75"]);
        assert_eq!(codes(1), vec!["35.73"]);
        assert_eq!(codes(2), vec!["35.08"]);
        assert!(codes(3).is_empty());
    }

    #[test]
    fn a_name_in_two_provinces_is_narrowed_to_the_epicentres() {
        let index = RegionIndex::new(vec![
            region("35", "Jawa Timur"),
            region("52", "Nusa Tenggara Barat"),
            region("35.99", "Kabupaten Samanama"),
            region("52.99", "Kabupaten Samanama"),
        ]);
        let felt = parse("III Samanama").unwrap();
        let both = match_regencies(&felt, &index, None);
        assert_eq!(both[0].regencies.len(), 2);
        let p = RegionCode::parse("52").unwrap();
        let near = match_regencies(&felt, &index, Some(&p));
        assert_eq!(near[0].regencies, vec![RegionCode::parse("52.99").unwrap()]);
    }
}
