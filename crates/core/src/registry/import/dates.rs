//! Dates as Indonesian offices write them: "12/03/2021", "12-3-21", "12.03.2021",
//! "12 Maret 2021", "Jumat, 12 Maret 2021", "12-Mar-21", ISO "2021-03-12", and the serial number
//! Excel leaves in a CSV when a date cell was saved as a number ("44267").
//!
//! Day before month, as Indonesia writes it; a date that can only be month-first ("03/25/2021")
//! is read that way rather than refused.

use chrono::{Datelike, NaiveDate};

/// Month names and their usual abbreviations, Indonesian and English.
const MONTHS: [(&str, u32); 30] = [
    ("januari", 1),
    ("january", 1),
    ("februari", 2),
    ("pebruari", 2),
    ("february", 2),
    ("peb", 2),
    ("maret", 3),
    ("march", 3),
    ("april", 4),
    ("mei", 5),
    ("may", 5),
    ("juni", 6),
    ("june", 6),
    ("juli", 7),
    ("july", 7),
    ("agustus", 8),
    ("august", 8),
    ("agt", 8),
    ("ags", 8),
    ("agu", 8),
    ("september", 9),
    ("sept", 9),
    ("oktober", 10),
    ("october", 10),
    ("okt", 10),
    ("november", 11),
    ("nopember", 11),
    ("nop", 11),
    ("desember", 12),
    ("december", 12),
];

const WEEKDAYS: [&str; 14] = [
    "senin",
    "selasa",
    "rabu",
    "kamis",
    "jumat",
    "sabtu",
    "minggu",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn month_named(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .find(|(name, _)| *name == w)
        .or_else(|| {
            MONTHS
                .iter()
                .find(|(name, _)| name.starts_with(&w) && w.len() >= 3)
        })
        .map(|(_, m)| *m)
}

/// Two-digit years: 00–69 are this century, 70–99 the last (Excel's own rule).
fn full_year(text: &str) -> Option<i32> {
    let y: i32 = text.parse().ok()?;
    match text.len() {
        2 if y < 70 => Some(2000 + y),
        2 => Some(1900 + y),
        4 => Some(y),
        _ => None,
    }
}

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A date in any of the forms above, or `None`.
pub fn parse_date_id(text: &str) -> Option<NaiveDate> {
    let mut s = text.trim();
    // Excel's "2021-03-12 00:00:00" and ISO with a time.
    if let Some((date, time)) = s.split_once([' ', 'T']) {
        if time.contains(':') && !date.contains(char::is_alphabetic) {
            s = date;
        }
    }
    if s.is_empty() {
        return None;
    }
    // "Jumat, 12 Maret 2021": drop the weekday.
    let lower = s.to_lowercase();
    let s = match WEEKDAYS.iter().find(|w| lower.starts_with(*w)) {
        Some(w) => s[w.len()..].trim_start_matches([',', ' ']),
        None => s,
    };
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return excel_serial(s);
    }
    let parts: Vec<&str> = s
        .split(['/', '-', '.', ' ', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    // yyyy/mm/dd
    if a.len() == 4 {
        return NaiveDate::from_ymd_opt(full_year(a)?, number(b)?, number(c)?);
    }
    let year = full_year(c)?;
    let day = number(a)?;
    if let Some(month) = month_named(b) {
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    let month = number(b)?;
    NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
        (day <= 12)
            .then(|| NaiveDate::from_ymd_opt(year, day, month))
            .flatten()
    })
}

/// Excel's day number (1900 system; 1 = 1900-01-01, with its phantom 29 February 1900), for
/// plausible years only: a bare "2019" is a year, not a date in 1905.
fn excel_serial(s: &str) -> Option<NaiveDate> {
    let n: i64 = s.parse().ok()?;
    if !(10_000..=80_000).contains(&n) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let d = epoch.checked_add_days(chrono::Days::new(n as u64))?;
    (d.year() >= 1930).then_some(d)
}

/// A date cell as the registry stores it ("2021-03-12"), or the cell unchanged when it is no
/// date we know, so the row's check reports it in the person's words.
pub fn normalize_date(text: &str) -> String {
    match parse_date_id(text) {
        Some(d) => d.format("%Y-%m-%d").to_string(),
        None => text.trim().to_owned(),
    }
}
