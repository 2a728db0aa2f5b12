//! The enum parsers fed by forms, URLs and spreadsheets (topics, statuses, transitions, member
//! roles, gender, age band, social kind, account role): whatever they accept maps back to a slug
//! that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simpul_core::registry::{
    AgeBand, Gender, KimStatus, MemberRole, SocialKind, Topic, Transition,
};
use simpul_core::Role;

fuzz_target!(|s: &str| {
    if let Some(t) = Topic::parse(s) {
        assert_eq!(t.as_str(), s);
    }
    if let Some(k) = KimStatus::parse(s) {
        assert_eq!(k.as_str(), s);
    }
    if let Some(t) = Transition::parse(s) {
        assert_eq!(t.as_str(), s);
    }
    if let Some(r) = MemberRole::parse(s) {
        assert_eq!(r.as_str(), s);
    }
    if let Some(k) = SocialKind::parse(s) {
        assert_eq!(k.as_str(), s);
    }
    if let Some(r) = Role::parse(s) {
        assert_eq!(r.as_str(), s);
    }
    if let Some(g) = Gender::parse(s) {
        assert_eq!(Gender::parse(g.as_str()), Some(g), "{s:?}");
    }
    if let Some(band) = AgeBand::parse(s) {
        assert_eq!(AgeBand::parse(band.as_str()), Some(band), "{s:?}");
        // An age typed as a number lands in the band `from_age` gives it.
        if let Ok(age) = s.trim().parse::<u32>() {
            assert_eq!(AgeBand::from_age(age), Some(band), "{s:?}");
        }
    }
});
