//! `normalize_social`: an accepted link is a canonical http(s) link of at most 300 characters,
//! safe to put in an HTML attribute, and normalising it again gives the same link.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simpul_core::registry::{normalize_social, SocialKind};

fuzz_target!(|input: (u8, &str)| {
    let (k, typed) = input;
    let kind = SocialKind::ALL[usize::from(k) % SocialKind::ALL.len()];
    let Ok(link) = normalize_social(kind, typed) else {
        return;
    };
    assert!(
        link.starts_with("https://") || link.starts_with("http://"),
        "{kind} {typed:?} -> {link:?}"
    );
    assert!(link.len() <= 300, "{link:?}");
    assert!(
        link.chars()
            .all(|c| c.is_ascii_graphic() && !"<>\"'`{}|\\^".contains(c)),
        "{kind} {typed:?} -> {link:?}"
    );
    assert_eq!(
        normalize_social(kind, &link).as_ref(),
        Ok(&link),
        "{kind} {typed:?}"
    );
});
