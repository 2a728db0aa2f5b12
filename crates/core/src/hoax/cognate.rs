//! Is a regional word the same word as an Indonesian one, said the Javanese or Madurese way?
//!
//! The lexicons (`lexicon.tsv`) map the frequent Javanese and Madurese words to Indonesian, but
//! chat keeps bringing new forms of words the two languages share with Indonesian: a Madurese
//! passive "èrendem" (direndam), "ègighit" (digigit), "sontè'" (suntik), a Javanese "direndhem",
//! "kelipet" (terlipat), "nyuntik" (menyuntik). They differ from the Indonesian word in the same
//! few ways: the affixes (Madurese è-, a-, ma-, ka-, ta-, sa-, -na, -aghi; Javanese di-, ke-, ng-,
//! ny-, -e, -ne, -ake, -no), the aspirated consonants (bh, dh, gh, jh), the vowels (e for a, o
//! for u, è for i) and a final glottal stop for k. So after taking each possible affix off, the
//! two must have the same consonants in the same places and vowels that fit: "èrendem" and
//! "rendam", "konèng" and "kuning", but not "sontè'" and "santai".
//!
//! A short word says too little, so a word matches only with at least three consonants, and
//! only a word that is in no known text, no Indonesian root list and no general
//! Indonesian text (the matcher's "unknown" word) is compared, and only with the words of the one
//! known text it is being compared with: it explains a word of the message, it never finds a
//! claim.

/// Prefixes a Javanese or Madurese word may carry, with what the Indonesian word begins with
/// instead (a nasal prefix replaces the first consonant: "nyuntik" is "suntik", "ngirim"
/// "kirim", "nulis" "tulis", "mbayar" "bayar").
const PREFIXES: &[(&str, &str)] = &[
    ("dipun", ""),
    ("di", ""),
    ("ke", ""),
    ("ka", ""),
    ("ko", ""),
    ("ta", ""),
    ("sa", ""),
    ("sak", ""),
    ("pa", ""),
    ("ma", ""),
    ("nga", ""),
    ("e", ""),
    ("a", ""),
    ("ny", "s"),
    ("ng", "k"),
    ("ng", ""),
    ("mb", "b"),
    ("m", "p"),
    ("n", "t"),
    ("nd", "d"),
    ("nj", "j"),
];

/// Suffixes (Javanese -e, -ne, -ke, -ake, -no, -en, -an, -i, krama -ipun; Madurese -na, -a,
/// -aghi, -an; Indonesian -nya).
const SUFFIXES: &[&str] = &[
    "nipun", "ipun", "aghi", "agi", "ake", "aken", "ane", "nya", "na", "ne", "ke", "no", "en",
    "an", "e", "a", "i",
];

/// Fewest consonants a word must have to be compared.
const MIN_CONSONANTS: usize = 3;

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// A word as compared: aspirates as plain stops, no apostrophe, a double letter once, no final
/// glottal "k".
fn form(word: &str) -> Vec<char> {
    let w = word
        .replace("bh", "b")
        .replace("dh", "d")
        .replace("gh", "g")
        .replace("jh", "j")
        .replace("th", "t")
        .replace("kh", "k");
    let mut out: Vec<char> = Vec::new();
    for c in w.chars() {
        if !c.is_ascii_alphabetic() || out.last() == Some(&c) {
            continue;
        }
        out.push(c);
    }
    if out.last() == Some(&'k') {
        out.pop();
    }
    out
}

/// Whether a regional vowel may stand for an Indonesian one: a is said a, e (schwa) or, in
/// Javanese, o; i is said i or e; u is said u or o.
fn vowel_fits(regional: char, indonesian: char) -> bool {
    regional == indonesian
        || match indonesian {
            'a' => matches!(regional, 'e' | 'o'),
            'i' => regional == 'e',
            'u' => regional == 'o',
            'e' => matches!(regional, 'a' | 'i'),
            'o' => regional == 'u',
            _ => false,
        }
}

/// The same consonants in the same places, and vowels that fit.
fn fits(regional: &[char], indonesian: &[char]) -> bool {
    regional.len() == indonesian.len()
        && regional.iter().zip(indonesian).all(|(&r, &i)| {
            if is_vowel(i) {
                is_vowel(r) && vowel_fits(r, i)
            } else {
                r == i
            }
        })
}

/// The word with each possible affix taken off (and the nasal prefix put back as the consonant
/// it replaced), the word itself first.
fn bases(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    let stems: Vec<String> = std::iter::once(word.to_string())
        .chain(
            SUFFIXES
                .iter()
                .filter_map(|s| word.strip_suffix(s).map(str::to_string)),
        )
        .collect();
    for base in stems {
        for (prefix, instead) in PREFIXES {
            if let Some(rest) = base.strip_prefix(prefix) {
                if rest.chars().count() >= 3 {
                    out.push(format!("{instead}{rest}"));
                }
            }
        }
        out.push(base);
    }
    out
}

/// Whether the regional word `word` is the Indonesian word `known` (a stemmed word of a known
/// text) said the Javanese or Madurese way.
pub fn is_cognate_of(word: &str, known: &str) -> bool {
    if known.chars().count() < 4 || word.chars().count() < 4 || word == known {
        return false;
    }
    let target = form(known);
    if target.iter().filter(|c| !is_vowel(**c)).count() < MIN_CONSONANTS {
        return false;
    }
    bases(word).iter().any(|b| fits(&form(b), &target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn madurese_and_javanese_forms_match_their_indonesian_word() {
        for (regional, indonesian) in [
            ("erendem", "rendam"),
            ("direndhem", "rendam"),
            ("egighit", "gigit"),
            ("sonte", "suntik"),
            ("esonte", "suntik"),
            ("koneng", "kuning"),
            ("samingghu", "minggu"),
            ("kelipet", "lipat"),
            ("nyuntik", "suntik"),
            ("ngirimke", "kirim"),
        ] {
            assert!(
                is_cognate_of(regional, indonesian),
                "{regional} / {indonesian}"
            );
        }
    }

    #[test]
    fn different_words_and_short_ones_do_not() {
        for (regional, indonesian) in [
            ("ososa", "usus"), // two consonants: too little to tell
            ("erendem", "rumah"),
            ("koneng", "kantor"),
            ("sonte", "santai"),
            ("egighit", "gagal"),
        ] {
            assert!(
                !is_cognate_of(regional, indonesian),
                "{regional} / {indonesian}"
            );
        }
    }
}
