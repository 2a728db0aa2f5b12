//! A KIM's position on the map, in decimal degrees (WGS 84).
//!
//! The "is it in Indonesia" check is a coarse approximation whose only job is to catch typing
//! mistakes: latitude and longitude swapped, a missing minus sign, a point copied from the wrong
//! place. It is Indonesia's bounding box minus hand-drawn polygons for the foreign land inside it
//! (peninsular Malaysia and Singapore, Sarawak/Brunei/Sabah, the southern Philippines, Timor-Leste,
//! Papua New Guinea). Near a border it errs towards accepting: rejecting a real Indonesian
//! village is worse than accepting a point a few kilometres across. Checking that a point lies in
//! the KIM's own region needs region geometry, which is future work.

use serde::{Deserialize, Serialize};

/// A point in Indonesia.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatLon {
    lat: f64,
    lon: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    #[error("write coordinates as decimal degrees, like -7.2575 and 112.7521")]
    NotANumber,
    #[error("this point is outside Indonesia")]
    OutsideIndonesia,
    #[error("latitude and longitude seem to be swapped")]
    LikelySwapped,
    #[error(
        "check the minus signs: latitude is negative south of the equator, longitude is positive"
    )]
    SignFlipped,
}

impl LocationError {
    /// Message-catalogue key for the user's language.
    pub fn message_key(&self) -> &'static str {
        match self {
            LocationError::NotANumber => "error.location_number",
            LocationError::OutsideIndonesia => "error.location_outside",
            LocationError::LikelySwapped => "error.location_swapped",
            LocationError::SignFlipped => "error.location_sign",
        }
    }
}

impl LatLon {
    pub fn new(lat: f64, lon: f64) -> Result<LatLon, LocationError> {
        if !lat.is_finite() || !lon.is_finite() {
            return Err(LocationError::NotANumber);
        }
        if is_in_indonesia(lat, lon) {
            // Adding 0.0 turns -0.0 into 0.0, so equal points serialize equally.
            return Ok(LatLon {
                lat: lat + 0.0,
                lon: lon + 0.0,
            });
        }
        let lat_impossible = !(-11.1..=6.1).contains(&lat);
        Err(if lat_impossible && is_in_indonesia(lon, lat) {
            LocationError::LikelySwapped
        } else if (lat_impossible && is_in_indonesia(-lat, lon)) || is_in_indonesia(lat, -lon) {
            LocationError::SignFlipped
        } else {
            LocationError::OutsideIndonesia
        })
    }

    /// Two form fields, decimal point or comma: `-7,2575` and `112,7521`.
    pub fn parse(lat_text: &str, lon_text: &str) -> Result<LatLon, LocationError> {
        LatLon::new(parse_degrees(lat_text)?, parse_degrees(lon_text)?)
    }

    /// One field holding both, as map apps copy them: `-7.257472, 112.752088`,
    /// `-7,2575; 112,7521`, `-7.2575 112.7521`.
    pub fn parse_pair(text: &str) -> Result<LatLon, LocationError> {
        let text = text.trim();
        let comma_space = text
            .find(", ")
            .or_else(|| text.find(",\t"))
            .map(|i| (&text[..i], &text[i + 1..]));
        let words: Vec<&str> = text.split_whitespace().collect();
        let (lat, lon) = if let Some(pair) = text.split_once(';') {
            pair
        } else if let Some(pair) = comma_space {
            pair
        } else if let [lat, lon] = words[..] {
            (lat, lon)
        } else if text.matches(',').count() == 1 {
            text.split_once(',').expect("one comma")
        } else {
            return Err(LocationError::NotANumber);
        };
        LatLon::parse(lat, lon)
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }
}

impl<'de> Deserialize<'de> for LatLon {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            lat: f64,
            lon: f64,
        }
        let raw = Raw::deserialize(d)?;
        LatLon::new(raw.lat, raw.lon).map_err(serde::de::Error::custom)
    }
}

/// Plain decimal degrees only: no exponents, `inf` or `NaN` (which `f64::from_str` accepts), and
/// the Unicode minus sign that text copied from web pages often carries.
fn parse_degrees(text: &str) -> Result<f64, LocationError> {
    let text = text.trim().replace('\u{2212}', "-");
    let unsigned = text
        .strip_prefix(['-', '+'])
        .unwrap_or(&text)
        .replace(',', ".");
    // ",5" is measured as "0.5", the way it prints: a value is never longer printed than typed,
    // so whatever is accepted reads back as itself (found by fuzzing: a 40-character ",000…"
    // printed as 41 characters and was then refused).
    let printed_len = unsigned.len() + usize::from(unsigned.starts_with('.'));
    let well_formed = printed_len <= 40
        && unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && unsigned.matches('.').count() <= 1;
    if !well_formed {
        return Err(LocationError::NotANumber);
    }
    let value: f64 = unsigned.parse().map_err(|_| LocationError::NotANumber)?;
    Ok(if text.starts_with('-') { -value } else { value })
}

/// The coarse test described at the top of this file.
pub fn is_in_indonesia(lat: f64, lon: f64) -> bool {
    let in_box = (-11.1..=6.1).contains(&lat) && (94.9..=141.1).contains(&lon);
    in_box
        && !in_malaya_or_singapore(lat, lon)
        && !in_northern_borneo(lat, lon)
        && !in_philippines(lat, lon)
        && !in_timor_leste(lat, lon)
        && lon <= 141.0 // Papua New Guinea (the Fly River bend west of 141° E is ignored)
}

/// East of a line down the middle of the Strait of Malacca, north of the Singapore Strait
/// (1.2° N) and west of 104.5° E (the tip of Bintan). Sumatra's east coast (Dumai, Bengkalis,
/// Tanjung Balai) and Batam, Bintan and Karimun stay Indonesian.
fn in_malaya_or_singapore(lat: f64, lon: f64) -> bool {
    // (latitude, longitude of the strait's midline)
    const STRAIT: [(f64, f64); 7] = [
        (1.2, 103.2),
        (1.5, 102.8),
        (2.0, 102.0),
        (2.5, 101.2),
        (3.0, 100.6),
        (4.0, 99.6),
        (6.1, 99.2),
    ];
    lat > 1.2 && lon < 104.5 && lon > interpolate(&STRAIT, lat)
}

/// North of the Kalimantan border with Sarawak and Sabah (Brunei between them), from Tanjung
/// Datu in the west to Sebatik, then along 4.2° N to 119° E. The line is drawn a little on the
/// Malaysian side (Krayan, Entikong and Nunukan stay in).
fn in_northern_borneo(lat: f64, lon: f64) -> bool {
    // (longitude, latitude of the border)
    const BORDER: [(f64, f64); 14] = [
        (109.65, 2.1),
        (110.0, 1.45),
        (110.4, 1.15),
        (111.0, 1.1),
        (111.9, 1.2),
        (113.0, 1.6),
        (114.0, 1.75),
        (114.6, 2.2),
        (115.1, 2.8),
        (115.45, 3.7),
        (115.6, 4.1),
        (116.0, 4.3),
        (117.0, 4.2),
        (119.0, 4.2),
    ];
    (109.65..=119.0).contains(&lon) && lat > interpolate(&BORDER, lon)
}

/// Mindanao and the Sulu archipelago, except Miangas, Indonesia's northernmost island.
fn in_philippines(lat: f64, lon: f64) -> bool {
    let miangas = (5.5..=5.65).contains(&lat) && (126.5..=126.65).contains(&lon);
    lat > 4.8 && lon > 119.0 && !miangas
}

/// East of West Timor (the border runs near 125.1° E; 125.15 keeps Alor's east tip in), south of
/// Kisar. Atauro is included; the Oecusse enclave inside West Timor is ignored.
fn in_timor_leste(lat: f64, lon: f64) -> bool {
    (-9.5..=-8.15).contains(&lat) && (125.15..=127.4).contains(&lon)
}

/// Piecewise-linear interpolation through `points` (sorted by x), flat beyond both ends.
fn interpolate(points: &[(f64, f64)], x: f64) -> f64 {
    let (first, last) = (points[0], points[points.len() - 1]);
    if x <= first.0 {
        return first.1;
    }
    points
        .windows(2)
        .find(|w| x <= w[1].0)
        .map(|w| {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            y0 + (x - x0) / (x1 - x0) * (y1 - y0)
        })
        .unwrap_or(last.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepted_coordinate_prints_back_as_itself() {
        assert_eq!(
            parse_degrees("-,000000000000000000000000000000864347848"),
            Err(LocationError::NotANumber)
        );
        assert!(parse_degrees("-,00000000000000000000000000000086434784").is_ok());
    }

    const INDONESIA: [(&str, f64, f64); 22] = [
        ("Surabaya", -7.2575, 112.7521),
        ("Prigen", -7.69, 112.63),
        ("Banda Aceh", 5.55, 95.32),
        ("Sabang", 5.89, 95.32),
        ("Medan", 3.59, 98.67),
        ("Tanjung Balai", 2.97, 99.8),
        ("Dumai", 1.67, 101.45),
        ("Bengkalis", 1.47, 102.1),
        ("Batam", 1.13, 104.05),
        ("Tanjung Pinang", 0.92, 104.45),
        ("Natuna", 3.9, 108.4),
        ("Anambas", 3.2, 106.2),
        ("Pontianak", -0.03, 109.33),
        ("Long Bawan", 3.9, 115.69),
        ("Nunukan", 4.14, 117.66),
        ("Miangas", 5.56, 126.58),
        ("Kalabahi", -8.22, 124.52),
        ("Atambua", -9.1, 124.9),
        ("Kisar", -8.06, 127.18),
        ("Kupang", -10.17, 123.6),
        ("Jayapura", -2.53, 140.72),
        ("Merauke", -8.5, 140.4),
    ];

    const ABROAD: [(&str, f64, f64); 14] = [
        ("Kuala Lumpur", 3.139, 101.687),
        ("Penang", 5.41, 100.33),
        ("Malacca", 2.2, 102.25),
        ("Singapore", 1.35, 103.82),
        ("Tuas", 1.3, 103.64),
        ("Kuching", 1.55, 110.35),
        ("Bandar Seri Begawan", 4.89, 114.94),
        ("Tawau", 4.25, 117.89),
        ("Kota Kinabalu", 5.98, 116.07),
        ("Jolo", 6.05, 121.0),
        ("Manila", 14.6, 120.98),
        ("Dili", -8.56, 125.57),
        ("Port Moresby", -9.44, 147.18),
        ("Vanimo", -2.69, 141.3),
    ];

    #[test]
    fn accepts_indonesian_places() {
        for (name, lat, lon) in INDONESIA {
            let p = LatLon::new(lat, lon).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((p.lat(), p.lon()), (lat, lon));
        }
    }

    #[test]
    fn rejects_foreign_places() {
        for (name, lat, lon) in ABROAD {
            assert_eq!(
                LatLon::new(lat, lon),
                Err(LocationError::OutsideIndonesia),
                "{name}"
            );
        }
        assert_eq!(LatLon::new(0.0, 0.0), Err(LocationError::OutsideIndonesia));
    }

    #[test]
    fn names_the_usual_typing_mistakes() {
        assert_eq!(
            LatLon::new(112.75, -7.25),
            Err(LocationError::LikelySwapped)
        );
        assert_eq!(
            LatLon::new(7.2575, 112.7521),
            Err(LocationError::SignFlipped)
        );
        assert_eq!(
            LatLon::new(-7.2575, -112.7521),
            Err(LocationError::SignFlipped)
        );
        assert_eq!(LatLon::new(f64::NAN, 112.0), Err(LocationError::NotANumber));
        assert_eq!(
            LatLon::new(-7.0, f64::INFINITY),
            Err(LocationError::NotANumber)
        );
        assert_eq!(
            LocationError::LikelySwapped.message_key(),
            "error.location_swapped"
        );
    }

    #[test]
    fn parses_text_with_dot_or_comma() {
        let surabaya = LatLon::new(-7.2575, 112.7521).unwrap();
        for (lat, lon) in [
            ("-7.2575", "112.7521"),
            (" -7,2575 ", "112,7521"),
            ("\u{2212}7.2575", "+112.7521"),
        ] {
            assert_eq!(LatLon::parse(lat, lon), Ok(surabaya), "{lat} {lon}");
        }
        for bad in [
            "", "-", ".", "NaN", "inf", "1e2", "-7.25.1", "7,2,5", "--7", "7°15'",
        ] {
            assert_eq!(
                LatLon::parse(bad, "112.75"),
                Err(LocationError::NotANumber),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn parses_pairs_copied_from_map_apps() {
        let surabaya = LatLon::new(-7.2575, 112.7521).unwrap();
        for pair in [
            "-7.2575, 112.7521",
            "-7.2575,112.7521",
            "-7,2575, 112,7521",
            "-7,2575; 112,7521",
            "-7.2575 112.7521",
            " -7,2575\t112,7521 ",
        ] {
            assert_eq!(LatLon::parse_pair(pair), Ok(surabaya), "{pair:?}");
        }
        for bad in ["", "-7.2575", "-7,2575,112,7521", "-7.25 112.75 3"] {
            assert!(LatLon::parse_pair(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serde_checks_the_point() {
        let p = LatLon::new(-7.69, 112.63).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{"lat":-7.69,"lon":112.63}"#);
        assert_eq!(serde_json::from_str::<LatLon>(&json).unwrap(), p);
        assert!(serde_json::from_str::<LatLon>(r#"{"lat":3.14,"lon":101.69}"#).is_err());
    }

    /// Found by the `location` fuzz target: serde_json's default float parser may be one unit in
    /// the last place off, so a point sent as JSON came back a different point.
    #[test]
    fn json_round_trips_every_digit() {
        let p = LatLon::parse_pair("-7.772542, 112.75208866666668").unwrap();
        assert_eq!(p.lon().to_string(), "112.75208866666668");
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<LatLon>(&json).unwrap(), p);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(a in "\\PC{0,30}", b in "[-+0-9.,; ]{0,24}") {
            let _ = LatLon::parse(&a, &b);
            let _ = LatLon::parse_pair(&a);
            let _ = LatLon::parse_pair(&b);
        }

        #[test]
        fn any_float_is_judged_without_panicking(lat: f64, lon: f64) {
            if let Ok(p) = LatLon::new(lat, lon) {
                proptest::prop_assert!(is_in_indonesia(p.lat(), p.lon()));
            }
        }

        #[test]
        fn text_round_trips(lat in -11.1f64..=6.1, lon in 94.9f64..=141.0) {
            if let Ok(p) = LatLon::new(lat, lon) {
                let (la, lo) = (p.lat().to_string(), p.lon().to_string());
                proptest::prop_assert_eq!(LatLon::parse(&la, &lo), Ok(p));
                proptest::prop_assert_eq!(
                    LatLon::parse(&la.replace('.', ","), &lo.replace('.', ",")), Ok(p));
                proptest::prop_assert_eq!(LatLon::parse_pair(&format!("{la}, {lo}")), Ok(p));
            }
        }
    }
}
