//! Region name normalisation and the search box: folding is idempotent and tidy, a query's term
//! is already folded, and every search hit's normalised name contains the term.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use simpul_core::regions::{
    fold, normalize_name, parse_query, Level, Region, RegionCode, RegionIndex,
};

fn index() -> &'static RegionIndex {
    static INDEX: OnceLock<RegionIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let regions = [
            ("35", "Jawa Timur"),
            ("35.14", "Kabupaten Pasuruan"),
            ("35.75", "Kota Pasuruan"),
            ("35.14.10", "Prigen"),
            ("35.14.10.2001", "Prigen"),
            ("35.14.10.2002", "Pecalukan"),
            ("35.14.10.2003", "Kota Baru"),
            ("35.75.01", "Gadingrejo"),
            ("91.01.01.2001", "Regapu’u"),
            ("11.01.01.2001", "İstanbul ẞtraße ǅ"),
        ];
        RegionIndex::new(regions.map(|(code, name)| Region {
            code: RegionCode::parse(code).unwrap(),
            name: name.to_owned(),
        }))
    })
}

fuzz_target!(|typed: &str| {
    let folded = fold(typed);
    assert_eq!(fold(&folded), folded, "{typed:?}");
    assert!(!folded.starts_with(' ') && !folded.ends_with(' ') && !folded.contains("  "));
    for level in [
        Level::Province,
        Level::Regency,
        Level::District,
        Level::Village,
    ] {
        let norm = normalize_name(typed, level);
        assert_eq!(fold(&norm), norm, "{typed:?}");
    }
    let query = parse_query(typed);
    assert_eq!(fold(&query.term), query.term, "{typed:?}");
    let hits = index().search(typed, 5);
    assert!(hits.len() <= 5);
    for hit in &hits {
        let norm = normalize_name(&hit.region.name, hit.region.level());
        assert!(norm.contains(&query.term), "{typed:?} found {norm:?}");
    }
});
