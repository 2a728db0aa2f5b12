//! `RegionCode::parse`: an accepted code is the trimmed input, its level is its number of parts,
//! it reads back as itself, and its ancestors contain it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simpul_core::RegionCode;

fuzz_target!(|typed: &str| {
    let Ok(code) = RegionCode::parse(typed) else {
        return;
    };
    let s = code.as_str();
    assert_eq!(s, typed.trim());
    assert_eq!(code.to_string(), s);
    assert_eq!(code.level().depth() as usize, s.split('.').count());
    assert_eq!(RegionCode::parse(s).as_ref(), Ok(&code));
    let ancestors = code.ancestors();
    assert_eq!(ancestors.len() + 1, code.level().depth() as usize);
    for a in &ancestors {
        assert!(a.contains(&code) && !code.contains(a), "{a} {code}");
    }
    assert!(code.province().contains(&code));
    assert!(code.contains(&code));
    let json = serde_json::to_string(&code).unwrap();
    assert_eq!(serde_json::from_str::<RegionCode>(&json).unwrap(), code);
});
