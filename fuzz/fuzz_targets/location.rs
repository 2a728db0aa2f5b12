//! `LatLon::parse` and `LatLon::parse_pair`: an accepted point is finite, in Indonesia, and its
//! printed coordinates read back as the same point in every accepted spelling.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simpul_core::registry::{is_in_indonesia, LatLon};

fn check(p: LatLon, context: &str) {
    let (lat, lon) = (p.lat(), p.lon());
    assert!(lat.is_finite() && lon.is_finite(), "{context}");
    assert!(is_in_indonesia(lat, lon), "{context}: {lat} {lon}");
    let (la, lo) = (lat.to_string(), lon.to_string());
    assert_eq!(LatLon::parse(&la, &lo), Ok(p), "{context}: {la} {lo}");
    let (la_c, lo_c) = (la.replace('.', ","), lo.replace('.', ","));
    assert_eq!(LatLon::parse(&la_c, &lo_c), Ok(p), "{context}");
    for pair in [
        format!("{la}, {lo}"),
        format!("{la},{lo}"),
        format!("{la} {lo}"),
        format!("{la_c}; {lo_c}"),
    ] {
        assert_eq!(LatLon::parse_pair(&pair), Ok(p), "{context}: {pair:?}");
    }
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<LatLon>(&json).unwrap(), p);
}

fuzz_target!(|text: &str| {
    if let Ok(p) = LatLon::parse_pair(text) {
        check(p, text);
    }
    // The same text split into two form fields at its first line break.
    let (lat, lon) = text.split_once('\n').unwrap_or((text, ""));
    if let Ok(p) = LatLon::parse(lat, lon) {
        check(p, text);
    }
});
