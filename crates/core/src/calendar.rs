//! Dates and times as Indonesians read them: "28 Februari 2020", and clock times in the zone of
//! the reader's province, named as Indonesia names them (WIB, WITA, WIT).

use crate::RegionCode;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

/// Indonesia's three time zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Waktu Indonesia Barat, UTC+7: Sumatra, Java, West and Central Kalimantan.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8: Bali, Nusa Tenggara, South, East and North Kalimantan,
    /// Sulawesi.
    Wita,
    /// Waktu Indonesia Timur, UTC+9: Maluku and Papua.
    Wit,
}

impl Zone {
    /// The zone of a region's province (Kemendagri province codes); WIB, where the ministry
    /// sits, when there is no region.
    pub fn of(region: Option<&RegionCode>) -> Zone {
        let province: u32 = region
            .and_then(|r| r.as_str().get(..2))
            .and_then(|p| p.parse().ok())
            .unwrap_or(31);
        match province {
            51..=53 | 63..=65 | 71..=76 => Zone::Wita,
            81..=82 | 91..=99 => Zone::Wit,
            _ => Zone::Wib,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Zone::Wib => "WIB",
            Zone::Wita => "WITA",
            Zone::Wit => "WIT",
        }
    }

    pub fn offset(self) -> FixedOffset {
        let hours = match self {
            Zone::Wib => 7,
            Zone::Wita => 8,
            Zone::Wit => 9,
        };
        FixedOffset::east_opt(hours * 3600).expect("a whole-hour offset")
    }
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "28 Februari 2020" (`lang` "id") or "28 February 2020" ("en").
pub fn long_date(date: NaiveDate, lang: &str) -> String {
    let months = if lang == "en" { &MONTHS_EN } else { &MONTHS_ID };
    format!(
        "{} {} {}",
        date.day(),
        months[date.month0() as usize],
        date.year()
    )
}

/// "28 Februari 2020, 14.05 WIB": a moment in the reader's zone, the zone stated. Indonesian
/// writes the clock with a dot, English with a colon.
pub fn long_time(at: DateTime<Utc>, zone: Zone, lang: &str) -> String {
    let local = at.with_timezone(&zone.offset());
    let clock = if lang == "en" {
        local.format("%H:%M")
    } else {
        local.format("%H.%M")
    };
    format!(
        "{}, {clock} {}",
        long_date(local.date_naive(), lang),
        zone.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn zones_by_province() {
        let z = |c: &str| Zone::of(Some(&RegionCode::parse(c).unwrap()));
        assert_eq!(z("35.14"), Zone::Wib);
        assert_eq!(z("51"), Zone::Wita);
        assert_eq!(z("64.72"), Zone::Wita);
        assert_eq!(z("73"), Zone::Wita);
        assert_eq!(z("81"), Zone::Wit);
        assert_eq!(z("94"), Zone::Wit);
        assert_eq!(z("61"), Zone::Wib);
        assert_eq!(Zone::of(None), Zone::Wib);
    }

    #[test]
    fn dates_and_times_as_read() {
        let d = NaiveDate::from_ymd_opt(2020, 2, 28).unwrap();
        assert_eq!(long_date(d, "id"), "28 Februari 2020");
        assert_eq!(long_date(d, "en"), "28 February 2020");
        let at = Utc.with_ymd_and_hms(2020, 2, 28, 17, 5, 0).unwrap();
        assert_eq!(
            long_time(at, Zone::Wib, "id"),
            "29 Februari 2020, 00.05 WIB"
        );
        assert_eq!(
            long_time(at, Zone::Wita, "en"),
            "29 February 2020, 01:05 WITA"
        );
        let at = Utc.with_ymd_and_hms(2020, 2, 28, 7, 5, 0).unwrap();
        assert_eq!(
            long_time(at, Zone::Wit, "id"),
            "28 Februari 2020, 16.05 WIT"
        );
    }
}
