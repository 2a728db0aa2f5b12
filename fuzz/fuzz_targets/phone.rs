//! `PhoneE164::parse`: whatever is typed, an accepted number is canonical E.164 and every form
//! it prints (E.164, national, grouped) reads back as the same number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simpul_core::registry::PhoneE164;

fuzz_target!(|typed: &str| {
    let Ok(phone) = PhoneE164::parse(typed) else {
        return;
    };
    let e164 = phone.as_str();
    let nsn = e164.strip_prefix("+62").expect("E.164 starts with +62");
    assert!(nsn.bytes().all(|b| b.is_ascii_digit()), "{e164}");
    assert!(!nsn.starts_with('0'), "{e164}");
    let total = nsn.len() + 1; // counting the trunk 0, as the error message does
    if phone.is_mobile() {
        assert!((10..=13).contains(&total), "{e164}");
    } else {
        assert!((8..=12).contains(&total), "{e164}");
    }
    assert_eq!(phone.to_string(), e164);
    assert_eq!(phone.national(), format!("0{nsn}"));
    for form in [e164.to_owned(), phone.national(), phone.national_grouped()] {
        assert_eq!(
            PhoneE164::parse(&form).as_ref(),
            Ok(&phone),
            "{typed:?} -> {form:?}"
        );
    }
    let json = serde_json::to_string(&phone).unwrap();
    assert_eq!(serde_json::from_str::<PhoneE164>(&json).unwrap(), phone);
});
