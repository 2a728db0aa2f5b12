//! `Nik::parse`: an accepted NIK is 16 digits whose parts are what the parser read, it never
//! shows in full, and it reads back as itself.
#![no_main]

use chrono::{Datelike, Days, NaiveDate};
use libfuzzer_sys::fuzz_target;
use simpul_core::registry::Nik;

fuzz_target!(|input: (u16, &str)| {
    let (offset, typed) = input;
    // Any "today" from 2000 to 2179, so the century choice is exercised too.
    let today = NaiveDate::from_ymd_opt(2000, 1, 1)
        .unwrap()
        .checked_add_days(Days::new(u64::from(offset)))
        .unwrap();
    let Ok(nik) = Nik::parse(typed, today) else {
        return;
    };
    let digits = nik.as_str();
    assert_eq!(digits.len(), 16);
    assert!(digits.bytes().all(|b| b.is_ascii_digit()));
    let born = nik.birth_date();
    assert!(born <= today, "{born} after {today}");
    let day = digits[6..8].parse::<u32>().unwrap();
    assert_eq!(nik.is_female(), day > 40);
    assert_eq!(born.day(), day % 40);
    assert_eq!(born.month(), digits[8..10].parse::<u32>().unwrap());
    assert_eq!(born.year() % 100, digits[10..12].parse::<i32>().unwrap());
    let masked = nik.masked();
    assert_eq!(masked.len(), 16);
    assert!(!format!("{nik:?}").contains(digits));
    let district = nik.district_code();
    assert_eq!(district.as_str().replace('.', ""), digits[..6]);
    assert!(nik.check_region(&district));
    assert!(nik.check_region(&district.province()));
    assert_eq!(Nik::parse(digits, today).as_ref(), Ok(&nik));
});
