//! Duplicate detection when a KIM is registered: "KIM Prigen Maju" and "Kim Prigen-Maju" are
//! probably the same group, registered twice by two officers.
//!
//! Only a hint for the reviewing office ("a KIM with a similar name exists in this village"),
//! never a refusal: two villages may well have a "KIM Sejahtera" each.

/// Words every KIM name carries; they say nothing about which KIM it is.
const FILLER_WORDS: [&str; 6] = [
    "kim",
    "komunitas",
    "informasi",
    "masyarakat",
    "desa",
    "kelurahan",
];

/// Names at least this similar are flagged.
const DUPLICATE_THRESHOLD: f64 = 0.9;

/// Lower-cased words without punctuation or filler words: "KIM Prigen-Maju" → "prigen maju".
pub fn normalize_kim_name(name: &str) -> String {
    words(name)
        .filter(|w| !FILLER_WORDS.contains(&w.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Jaro-Winkler similarity of the normalized names, 0.0 to 1.0. A name made only of filler
/// words ("KIM Desa") is compared in full rather than as an empty string.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (comparable(a), comparable(b));
    if a == b || a.replace(' ', "") == b.replace(' ', "") {
        return 1.0;
    }
    strsim::jaro_winkler(&a, &b)
}

/// Worth showing to the reviewer: very similar, or one name's words contained in the other's
/// ("KIM Prigen" and "KIM Prigen Maju Jaya"). Containment is by whole words so that "Ria" does
/// not match "Bahteria".
pub fn is_possible_duplicate(a: &str, b: &str) -> bool {
    let (na, nb) = (comparable(a), comparable(b));
    if na.is_empty() || nb.is_empty() {
        return false;
    }
    if name_similarity(a, b) >= DUPLICATE_THRESHOLD {
        return true;
    }
    let (wa, wb): (Vec<&str>, Vec<&str>) = (na.split(' ').collect(), nb.split(' ').collect());
    let (short, long) = if wa.len() <= wb.len() {
        (wa, wb)
    } else {
        (wb, wa)
    };
    long.windows(short.len()).any(|w| w == short.as_slice())
}

fn comparable(name: &str) -> String {
    let normalized = normalize_kim_name(name);
    if normalized.is_empty() {
        words(name).collect::<Vec<_>>().join(" ")
    } else {
        normalized
    }
}

/// Runs of letters and digits, lower-cased first (some capitals lower-case to a letter plus a
/// combining mark, which must then split the same way every time).
fn words(name: &str) -> impl Iterator<Item = String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_punctuation_and_filler() {
        assert_eq!(normalize_kim_name("KIM Prigen-Maju"), "prigen maju");
        assert_eq!(
            normalize_kim_name("Komunitas Informasi Masyarakat Desa Ledug"),
            "ledug"
        );
        assert_eq!(
            normalize_kim_name("  K.I.M. Sumber  Rejeki!! "),
            "k i m sumber rejeki"
        );
        assert_eq!(normalize_kim_name("KIM Kelurahan"), "");
    }

    #[test]
    fn spots_the_same_kim_written_differently() {
        assert!(is_possible_duplicate("KIM Prigen Maju", "Kim Prigen-Maju"));
        assert_eq!(name_similarity("KIM Prigen Maju", "Kim Prigen-Maju"), 1.0);
        assert!(is_possible_duplicate("KIM PrigenMaju", "KIM Prigen Maju"));
        assert!(is_possible_duplicate("KIM Prigen Maju", "KIM Prigen Majoe"));
        assert!(is_possible_duplicate(
            "KIM Prigen",
            "Komunitas Informasi Prigen Maju Jaya"
        ));
    }

    #[test]
    fn different_kims_are_not_flagged() {
        assert!(!is_possible_duplicate(
            "KIM Sumber Rejeki",
            "KIM Sumber Makmur"
        ));
        assert!(!is_possible_duplicate("KIM Ria", "KIM Bahteria"));
        assert!(!is_possible_duplicate("KIM Ledug", "KIM Prigen"));
        assert!(name_similarity("KIM Sumber Rejeki", "KIM Sumber Makmur") < 0.9);
    }

    #[test]
    fn names_of_only_filler_words_compare_in_full() {
        assert!(is_possible_duplicate("KIM Desa", "kim desa"));
        assert!(!is_possible_duplicate("KIM Desa", "KIM Kelurahan"));
        assert!(!is_possible_duplicate("", "KIM Prigen"));
    }

    proptest::proptest! {
        #[test]
        fn similarity_is_bounded_symmetric_and_reflexive(a in "\\PC{0,30}", b in "\\PC{0,30}") {
            let s = name_similarity(&a, &b);
            proptest::prop_assert!((0.0..=1.0).contains(&s));
            proptest::prop_assert_eq!(s, name_similarity(&b, &a));
            proptest::prop_assert_eq!(name_similarity(&a, &a), 1.0);
            proptest::prop_assert_eq!(is_possible_duplicate(&a, &b), is_possible_duplicate(&b, &a));
            let n = normalize_kim_name(&a);
            proptest::prop_assert_eq!(normalize_kim_name(&n), n);
        }
    }
}
