//! BMKG's public earthquake feeds: `autogempa` (the latest event, one object), `gempaterkini`
//! (the latest fifteen of magnitude 5 or more, a list) and `gempadirasakan` (the latest felt
//! ones, a list with `Dirasakan`), each as JSON (`{"Infogempa":{"gempa":{…}}}` or `[…]`) and as
//! XML (`<Infogempa><gempa>…</gempa>…</Infogempa>`).
//!
//! Every entry becomes a [`Quake`] or a typed [`BmkgError`]; one bad entry of a list does not
//! spoil the others. Times come from `DateTime` (ISO 8601 with an offset) or else from `Tanggal`
//! and `Jam` with their WIB/WITA/WIT suffix; numbers may use a decimal comma; coordinates come
//! from `Coordinates` (or the XML `point`) checked against `Lintang`/`Bujur` when both are there,
//! which settles the order of the pair.

use super::felt::{self, Felt};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Deserialize;

/// Entries read from one document at most (BMKG's lists hold 15).
pub const MAX_ENTRIES: usize = 200;
/// A field longer than this is not BMKG's.
const MAX_FIELD: usize = 2_000;

/// One earthquake as BMKG reported it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Quake {
    /// Origin time, in UTC.
    pub at: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    pub magnitude: f64,
    pub depth_km: f64,
    /// `Wilayah`: where, in BMKG's words ("Pusat gempa berada di darat 15 km BaratDaya Kab. Pasuruan").
    pub place: String,
    /// `Potensi` ("Tidak berpotensi tsunami"), when given.
    pub potential: Option<String>,
    /// `Dirasakan`, parsed.
    pub felt: Vec<Felt>,
    /// `Shakemap` image name, when given.
    pub shakemap: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BmkgError {
    #[error("not a BMKG earthquake document: {0}")]
    Document(String),
    #[error("field {0} missing")]
    Missing(&'static str),
    #[error("field {field} unreadable: {value:?}")]
    Invalid { field: &'static str, value: String },
    #[error("unknown time zone {0:?}")]
    UnknownZone(String),
    #[error("coordinates out of range: {0}, {1}")]
    OutOfRange(f64, f64),
    #[error("Coordinates and Lintang/Bujur disagree")]
    Disagree,
}

/// The fields of one `gempa` entry as they arrive (all text).
#[derive(Debug, Default, Deserialize)]
struct Raw {
    #[serde(rename = "Tanggal")]
    tanggal: Option<String>,
    #[serde(rename = "Jam")]
    jam: Option<String>,
    #[serde(rename = "DateTime")]
    date_time: Option<String>,
    #[serde(rename = "Coordinates")]
    coordinates: Option<String>,
    /// XML only: `<point><coordinates>…</coordinates></point>`.
    point: Option<RawPoint>,
    #[serde(rename = "Lintang")]
    lintang: Option<String>,
    #[serde(rename = "Bujur")]
    bujur: Option<String>,
    #[serde(rename = "Magnitude")]
    magnitude: Option<String>,
    #[serde(rename = "Kedalaman")]
    kedalaman: Option<String>,
    #[serde(rename = "Wilayah")]
    wilayah: Option<String>,
    #[serde(rename = "Potensi")]
    potensi: Option<String>,
    #[serde(rename = "Dirasakan")]
    dirasakan: Option<String>,
    #[serde(rename = "Shakemap")]
    shakemap: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RawPoint {
    coordinates: Option<String>,
}

#[derive(Deserialize)]
struct XmlDoc {
    #[serde(default)]
    gempa: Vec<Raw>,
}

/// Parse a whole document, JSON or XML (told apart by its first character).
pub fn parse_document(body: &str) -> Result<Vec<Result<Quake, BmkgError>>, BmkgError> {
    let body = body.trim_start_matches('\u{feff}').trim_start();
    let raws = if body.starts_with('<') {
        let doc: XmlDoc =
            quick_xml::de::from_str(body).map_err(|e| BmkgError::Document(e.to_string()))?;
        doc.gempa
    } else {
        let v: serde_json::Value =
            serde_json::from_str(body).map_err(|e| BmkgError::Document(e.to_string()))?;
        let gempa = v
            .get("Infogempa")
            .and_then(|i| i.get("gempa"))
            .ok_or_else(|| BmkgError::Document("no Infogempa.gempa".into()))?;
        let items = match gempa {
            serde_json::Value::Array(items) => items.clone(),
            serde_json::Value::Object(_) => vec![gempa.clone()],
            _ => {
                return Err(BmkgError::Document(
                    "gempa is neither object nor list".into(),
                ))
            }
        };
        items
            .into_iter()
            .take(MAX_ENTRIES)
            .map(|i| serde_json::from_value::<Raw>(i).unwrap_or_default())
            .collect()
    };
    if raws.is_empty() {
        return Err(BmkgError::Document("no gempa entry".into()));
    }
    Ok(raws
        .into_iter()
        .take(MAX_ENTRIES)
        .map(Quake::from_raw)
        .collect())
}

fn field<'a>(value: &'a Option<String>, name: &'static str) -> Result<&'a str, BmkgError> {
    match value.as_deref().map(str::trim) {
        Some("") | None => Err(BmkgError::Missing(name)),
        Some(v) if v.len() > MAX_FIELD => Err(BmkgError::Invalid {
            field: name,
            value: v.chars().take(40).collect(),
        }),
        Some(v) => Ok(v),
    }
}

fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= MAX_FIELD)
        .map(str::to_owned)
}

/// A number that may use a decimal comma ("5,1"), with an optional unit after it ("10 km").
pub fn number(text: &str) -> Option<f64> {
    let head = text
        .trim()
        .split(|c: char| c.is_whitespace() || c.is_alphabetic())
        .next()?;
    let v: f64 = head.replace(',', ".").parse().ok()?;
    v.is_finite().then_some(v)
}

fn invalid(field: &'static str, value: &str) -> BmkgError {
    BmkgError::Invalid {
        field,
        value: value.chars().take(40).collect(),
    }
}

/// "7.72 LS" → -7.72; "112.83 BT" → 112.83 (LU/LS north/south, BT/BB east/west).
fn hemisphere(text: &str, field: &'static str) -> Result<f64, BmkgError> {
    let t = text.trim();
    let v = number(t).ok_or_else(|| invalid(field, t))?.abs();
    let suffix = t
        .rsplit(|c: char| c.is_whitespace() || c.is_ascii_digit())
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    match suffix.as_str() {
        "LU" | "N" | "BT" | "E" => Ok(v),
        "LS" | "S" | "BB" | "W" => Ok(-v),
        _ => Err(invalid(field, t)),
    }
}

/// "-7.72,112.83", or with decimal commas "-7,72,112,83".
fn pair(text: &str) -> Option<(f64, f64)> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let (a, b) = match parts.as_slice() {
        [a, b] => (a.to_string(), b.to_string()),
        [a1, a2, b1, b2] => (format!("{a1}.{a2}"), format!("{b1}.{b2}")),
        _ => {
            let mut ws = text.split_whitespace();
            (ws.next()?.to_owned(), ws.next()?.to_owned())
        }
    };
    Some((number(&a)?, number(&b)?))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.051
}

const MONTHS: [(&str, u32); 16] = [
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("mei", 5),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("agu", 8),
    ("agt", 8),
    ("aug", 8),
    ("sep", 9),
    ("okt", 10),
    ("oct", 10),
    ("nov", 11),
    ("des", 12),
];

/// "29 Nov 2026" or "29-Nov-26".
fn date(text: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|p| !p.is_empty())
        .collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let day: u32 = d.parse().ok()?;
    let m = m.to_lowercase();
    let month = if m == "dec" {
        12
    } else {
        MONTHS
            .iter()
            .find(|(name, _)| m.starts_with(name))
            .map(|(_, n)| *n)?
    };
    let mut year: i32 = y.parse().ok()?;
    if y.len() == 2 {
        year += 2000;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The offset of an Indonesian zone name.
pub fn zone_offset(name: &str) -> Option<FixedOffset> {
    let hours = match name.trim().to_ascii_uppercase().as_str() {
        "WIB" => 7,
        "WITA" => 8,
        "WIT" => 9,
        "UTC" | "GMT" => 0,
        _ => return None,
    };
    FixedOffset::east_opt(hours * 3600)
}

fn local_time(tanggal: &str, jam: &str) -> Result<DateTime<Utc>, BmkgError> {
    let day = date(tanggal).ok_or_else(|| invalid("Tanggal", tanggal))?;
    let mut parts = jam.split_whitespace();
    let clock = parts.next().ok_or(BmkgError::Missing("Jam"))?;
    let zone = parts
        .next()
        .ok_or_else(|| BmkgError::UnknownZone(String::new()))?;
    let offset = zone_offset(zone).ok_or_else(|| BmkgError::UnknownZone(zone.to_owned()))?;
    let time = NaiveTime::parse_from_str(clock, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M"))
        .map_err(|_| invalid("Jam", jam))?;
    offset
        .from_local_datetime(&day.and_time(time))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| invalid("Jam", jam))
}

impl Quake {
    fn from_raw(raw: Raw) -> Result<Quake, BmkgError> {
        let at = match raw
            .date_time
            .as_deref()
            .map(str::trim)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        {
            Some(t) => t.with_timezone(&Utc),
            None => local_time(field(&raw.tanggal, "Tanggal")?, field(&raw.jam, "Jam")?)?,
        };
        let stated = match (&raw.lintang, &raw.bujur) {
            (Some(la), Some(lo)) if !la.trim().is_empty() && !lo.trim().is_empty() => {
                Some((hemisphere(la, "Lintang")?, hemisphere(lo, "Bujur")?))
            }
            _ => None,
        };
        let coordinates = optional(&raw.coordinates)
            .or_else(|| raw.point.as_ref().and_then(|p| optional(&p.coordinates)));
        let (lat, lon) = match (coordinates, stated) {
            (Some(text), stated) => {
                let (a, b) = pair(&text).ok_or_else(|| invalid("Coordinates", &text))?;
                match stated {
                    Some((la, lo)) if close(a, la) && close(b, lo) => (a, b),
                    Some((la, lo)) if close(b, la) && close(a, lo) => (b, a),
                    Some(_) => return Err(BmkgError::Disagree),
                    // Without Lintang/Bujur, a first number beyond ±90 can only be a longitude.
                    None if a.abs() > 90.0 => (b, a),
                    None => (a, b),
                }
            }
            (None, Some(p)) => p,
            (None, None) => return Err(BmkgError::Missing("Coordinates")),
        };
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(BmkgError::OutOfRange(lat, lon));
        }
        let m = field(&raw.magnitude, "Magnitude")?;
        let magnitude = number(m)
            .filter(|v| (0.0..=10.0).contains(v))
            .ok_or_else(|| invalid("Magnitude", m))?;
        let k = field(&raw.kedalaman, "Kedalaman")?;
        let depth_km = number(k)
            .filter(|v| (0.0..=1000.0).contains(v))
            .ok_or_else(|| invalid("Kedalaman", k))?;
        let place = field(&raw.wilayah, "Wilayah")?.to_owned();
        // An unreadable `Dirasakan` is BMKG's prose, not a reason to drop the event: keep
        // what parses.
        let felt = optional(&raw.dirasakan)
            .map(|d| felt::parse_lenient(&d))
            .unwrap_or_default();
        Ok(Quake {
            at,
            lat,
            lon,
            magnitude,
            depth_km,
            place,
            potential: optional(&raw.potensi),
            felt,
            shakemap: optional(&raw.shakemap),
        })
    }

    /// The identifier of the alert made from this event (stable across feeds and polls).
    pub fn event_key(&self) -> String {
        format!("bmkg-{}", self.at.format("%Y%m%d%H%M%S"))
    }

    /// Distance between two points on the earth, in kilometres (via `geo`'s haversine).
    pub fn km_to(&self, lat: f64, lon: f64) -> f64 {
        super::area::km_between((self.lat, self.lon), (lat, lon))
    }

    /// Whether `other` reports the same earthquake: origin times within 90 seconds and
    /// epicentres within 100 km. BMKG's feeds round differently (two decimals in one, a revised
    /// location in the felt list), so an exact key would split one event into two alerts.
    pub fn same_event(&self, other: &Quake) -> bool {
        (self.at - other.at).num_seconds().abs() <= 90 && self.km_to(other.lat, other.lon) <= 100.0
    }

    /// Whether BMKG says a tsunami may follow.
    pub fn tsunami_possible(&self) -> bool {
        self.potential.as_deref().is_some_and(|p| {
            let p = p.to_lowercase();
            p.contains("tsunami") && !p.contains("tidak berpotensi") && !p.contains("tidak ")
        })
    }

    /// Fold a later report of the same event into this one. Returns whether anything a KIM
    /// would notice changed (so an out-of-order or repeated document changes nothing).
    ///
    /// The felt list only grows (the highest intensity per place wins); a report naming more
    /// felt places than we know (the reviewed `gempadirasakan`) also brings its magnitude,
    /// depth and location; one naming fewer never overwrites them (an older automatic report
    /// arriving late changes nothing).
    pub fn merge(&mut self, newer: &Quake) -> bool {
        let before = self.clone();
        let authoritative =
            newer.felt.len() > self.felt.len() || (newer.felt.is_empty() && self.felt.is_empty());
        if authoritative {
            self.magnitude = newer.magnitude;
            self.depth_km = newer.depth_km;
            self.lat = newer.lat;
            self.lon = newer.lon;
            if newer.place.len() >= self.place.len() || self.place.is_empty() {
                self.place = newer.place.clone();
            }
        }
        for f in &newer.felt {
            match self
                .felt
                .iter_mut()
                .find(|g| g.place.eq_ignore_ascii_case(&f.place))
            {
                Some(g) => g.mmi = g.mmi.max(f.mmi),
                None => self.felt.push(f.clone()),
            }
        }
        if newer.potential.is_some() && (self.potential.is_none() || newer.tsunami_possible()) {
            self.potential = newer.potential.clone();
        }
        if self.shakemap.is_none() {
            self.shakemap = newer.shakemap.clone();
        }
        let noticed = (self.magnitude - before.magnitude).abs() >= 0.05
            || self.felt != before.felt
            || self.tsunami_possible() != before.tsunami_possible()
            || self.km_to(before.lat, before.lon) >= 1.0;
        if !noticed {
            // Keep the stored version byte for byte: nothing to tell anyone.
            *self = before;
        }
        noticed
    }

    /// The highest intensity felt anywhere (0 when no place is named).
    pub fn max_mmi(&self) -> u8 {
        self.felt.iter().map(|f| f.mmi).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests;
