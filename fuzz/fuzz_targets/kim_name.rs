//! `KimName::parse` and the duplicate-detection kernel fed by the same names: an accepted name is
//! canonical (trimmed, single spaces, 3-120 characters, no controls) and reads back as itself;
//! similarity is bounded, symmetric and reflexive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simpul_core::registry::{is_possible_duplicate, name_similarity, normalize_kim_name, KimName};

fuzz_target!(|typed: &str| {
    if let Ok(name) = KimName::parse(typed) {
        let s = name.as_str();
        assert!((3..=120).contains(&s.chars().count()), "{s:?}");
        assert!(!s.chars().any(char::is_control), "{s:?}");
        assert_eq!(s.split_whitespace().collect::<Vec<_>>().join(" "), s);
        assert_eq!(KimName::parse(s).as_ref(), Ok(&name));
        let json = serde_json::to_string(&name).unwrap();
        assert_eq!(serde_json::from_str::<KimName>(&json).unwrap(), name);
    }
    // Two names for the duplicate check: the text split at its first '|'.
    let (a, b) = typed.split_once('|').unwrap_or((typed, "KIM Prigen Maju"));
    let s = name_similarity(a, b);
    assert!((0.0..=1.0).contains(&s), "{s}");
    assert_eq!(s, name_similarity(b, a));
    assert_eq!(name_similarity(a, a), 1.0);
    assert_eq!(is_possible_duplicate(a, b), is_possible_duplicate(b, a));
    let n = normalize_kim_name(a);
    assert_eq!(normalize_kim_name(&n), n);
});
