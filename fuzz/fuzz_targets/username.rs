//! `Username::parse`: an accepted login name is lower-case `a-z 0-9 . _ -`, 3-64 long, starts with
//! a letter or digit, and reads back as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simpul_core::Username;

fuzz_target!(|typed: &str| {
    let Ok(name) = Username::parse(typed) else {
        return;
    };
    let s = name.as_str();
    assert!((3..=64).contains(&s.len()), "{s:?}");
    assert!(s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)));
    assert!(s.as_bytes()[0].is_ascii_alphanumeric());
    assert_eq!(Username::parse(s).as_ref(), Ok(&name));
    assert_eq!(Username::parse(&s.to_uppercase()).as_ref(), Ok(&name));
});
