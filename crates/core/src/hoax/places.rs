//! The places of East Java a message may name: each regency's and district's name, as
//! [`super::normalize::claim_words`] writes it, with the regencies it lies in. A message that
//! names a place the checked claim does not, outside every regency the claim names ("Kota
//! Madiun" against a claim about Tulungagung, "Ambulu" against one about Mojoroto), speaks of
//! another event: the matcher reads it as a contradiction, as it reads a different number.
//!
//! The names come from the official region files Simpul already ships (`data/regions`, ODbL),
//! East Java only (province 35): the KIMs this matcher serves. A name that is also an Indonesian
//! word ("Sumber", "Pakis", "Batu"), a word of the regional lexicons or shorter than four letters
//! is left out; so is a name of more than one word ("Gondang Wetan").

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::OnceLock;

use super::normalize::{claim_words, is_known_word, is_root_word};

static REGENCIES: &[u8] = include_bytes!("../../../../data/regions/regencies.csv.gz");
static DISTRICTS: &[u8] = include_bytes!("../../../../data/regions/districts.csv.gz");

/// The province whose places are read.
const PROVINCE: &str = "35";

/// Regency names kept although they are Indonesian words: "Malang" is far more often the
/// regency and city than "unlucky" in the messages KIMs forward.
const KEPT: &[&str] = &["malang"];

/// The regencies (codes such as "35.19") a word names, if it is a place name.
pub fn regencies_of(word: &str) -> Option<&'static HashSet<String>> {
    places().get(word)
}

fn places() -> &'static HashMap<String, HashSet<String>> {
    static P: OnceLock<HashMap<String, HashSet<String>>> = OnceLock::new();
    P.get_or_init(|| {
        let mut out: HashMap<String, HashSet<String>> = HashMap::new();
        let mut add = |name: &str, regency: &str| {
            let name = name
                .trim()
                .trim_start_matches("Kabupaten ")
                .trim_start_matches("Kota ");
            let lower = name.to_lowercase();
            if lower.contains(' ') || lower.len() < 4 {
                return;
            }
            if !KEPT.contains(&lower.as_str()) && (is_root_word(&lower) || is_known_word(&lower)) {
                return;
            }
            if let [word] = claim_words(name).as_slice() {
                // "Larangan" is read "larang", "Dagangan" "dagang": words, not places.
                let ordinary = word != &lower
                    && !KEPT.contains(&word.as_str())
                    && (is_root_word(word) || is_known_word(word));
                if ordinary || word.len() < 4 {
                    return;
                }
                out.entry(word.clone())
                    .or_default()
                    .insert(regency.to_string());
            }
        };
        for line in gunzip(REGENCIES).lines().skip(1) {
            let mut f = line.split(',');
            let (Some(code), Some(province), Some(name)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            if province == PROVINCE {
                add(name, code);
            }
        }
        for line in gunzip(DISTRICTS).lines().skip(1) {
            let mut f = line.split(',');
            let (Some(_), Some(regency), Some(name)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            if regency.starts_with("35.") {
                add(name, regency);
            }
        }
        out
    })
}

fn gunzip(bytes: &[u8]) -> String {
    let mut s = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut s)
        .expect("the region files shipped with Simpul are valid gzip");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regencies_and_districts_are_places_and_common_words_are_not() {
        assert!(regencies_of("madiun").is_some_and(|r| r.contains("35.19") && r.contains("35.77")));
        assert!(regencies_of("kalisat").is_some_and(|r| r.contains("35.09")));
        assert!(regencies_of("malang").is_some());
        // "Batu" (the city) and "Sumber" (a district of Probolinggo) are Indonesian words, and
        // "Larangan" (a district of Pamekasan) is read "larang" (forbidden).
        assert!(regencies_of("batu").is_none());
        assert!(regencies_of("sumber").is_none());
        assert!(regencies_of("larang").is_none());
        assert!(regencies_of("vaksin").is_none());
    }
}
