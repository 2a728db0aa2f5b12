//! `KimNumber::parse`: an accepted number is a positive sequence in a village, and its printed
//! (and JSON) form reads back as the same number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simpul_core::registry::KimNumber;
use simpul_core::Level;

fuzz_target!(|typed: &str| {
    let Ok(number) = KimNumber::parse(typed) else {
        return;
    };
    assert_eq!(number.village().level(), Level::Village);
    assert!(number.seq() > 0);
    let printed = number.to_string();
    assert_eq!(
        printed,
        format!("KIM-{}-{:03}", number.village(), number.seq())
    );
    assert_eq!(
        KimNumber::parse(&printed).as_ref(),
        Ok(&number),
        "{typed:?}"
    );
    assert_eq!(
        KimNumber::parse(&printed.to_lowercase()).as_ref(),
        Ok(&number)
    );
    let json = serde_json::to_string(&number).unwrap();
    assert_eq!(serde_json::from_str::<KimNumber>(&json).unwrap(), number);
});
