//! An alert's area and who is inside it: CAP polygons and circles (WGS 84, "lat,lon" pairs),
//! a list of regions, and for earthquakes a radius from magnitude and depth.
//!
//! Geometry is `geo`'s (containment, haversine distance, segment intersection): well-tested
//! code for the edge cases (points on an edge, antimeridian-free WGS 84 maths) we would
//! otherwise get subtly wrong by hand.

use crate::regions::RegionCode;
use geo::{Contains, Distance, Haversine, Line, LineString, Point};

/// Points of a polygon at most (a hand-drawn area has dozens).
pub const MAX_POINTS: usize = 1_000;
/// The widest circle an alert may draw, in km.
pub const MAX_RADIUS_KM: f64 = 1_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AreaError {
    #[error("a coordinate pair is unreadable")]
    Unreadable,
    #[error("a coordinate is outside WGS 84 ranges")]
    OutOfRange,
    #[error("a polygon needs at least four pairs")]
    TooFew,
    #[error("too many points")]
    TooMany,
    #[error("the polygon does not close (first and last pairs differ)")]
    NotClosed,
    #[error("the polygon crosses itself")]
    SelfCrossing,
    #[error("the radius must be above 0 and at most 1000 km")]
    Radius,
    #[error("the area is empty")]
    Empty,
}

impl AreaError {
    pub fn message_key(self) -> &'static str {
        match self {
            AreaError::Unreadable => "alerts.error_area_unreadable",
            AreaError::OutOfRange => "alerts.error_area_range",
            AreaError::TooFew => "alerts.error_polygon_few",
            AreaError::TooMany => "alerts.error_polygon_many",
            AreaError::NotClosed => "alerts.error_polygon_open",
            AreaError::SelfCrossing => "alerts.error_polygon_crossing",
            AreaError::Radius => "alerts.error_radius",
            AreaError::Empty => "alerts.error_area_empty",
        }
    }
}

/// Kilometres between two (lat, lon) points.
pub fn km_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine::distance(Point::new(a.1, a.0), Point::new(b.1, b.0)) / 1000.0
}

fn check(lat: f64, lon: f64) -> Result<(f64, f64), AreaError> {
    if lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
    {
        Ok((lat, lon))
    } else {
        Err(AreaError::OutOfRange)
    }
}

fn number(s: &str) -> Result<f64, AreaError> {
    s.trim().parse::<f64>().map_err(|_| AreaError::Unreadable)
}

/// A closed, simple polygon in CAP's form: at least four "lat,lon" pairs, the last equal to the
/// first, no two edges crossing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Polygon(Vec<(f64, f64)>);

impl Polygon {
    /// Parse CAP's whitespace-separated "lat,lon" pairs.
    pub fn parse(text: &str) -> Result<Polygon, AreaError> {
        let mut points = Vec::new();
        for pair in text.split_whitespace() {
            if points.len() >= MAX_POINTS {
                return Err(AreaError::TooMany);
            }
            let (a, b) = pair.split_once(',').ok_or(AreaError::Unreadable)?;
            points.push(check(number(a)?, number(b)?)?);
        }
        Polygon::new(points)
    }

    pub fn new(points: Vec<(f64, f64)>) -> Result<Polygon, AreaError> {
        if points.len() > MAX_POINTS {
            return Err(AreaError::TooMany);
        }
        for (lat, lon) in &points {
            check(*lat, *lon)?;
        }
        if points.len() < 4 {
            return Err(AreaError::TooFew);
        }
        if points.first() != points.last() {
            return Err(AreaError::NotClosed);
        }
        let edges: Vec<Line<f64>> = points
            .windows(2)
            .map(|w| Line::new((w[0].1, w[0].0), (w[1].1, w[1].0)))
            .collect();
        let n = edges.len();
        for i in 0..n {
            if edges[i].start == edges[i].end {
                continue;
            }
            for j in i + 1..n {
                // Neighbouring edges share an end; the first and the last share the closing point.
                let neighbours = j == i + 1 || (i == 0 && j == n - 1);
                match geo::line_intersection::line_intersection(edges[i], edges[j]) {
                    None => {}
                    Some(geo::LineIntersection::SinglePoint { .. }) if neighbours => {}
                    Some(_) => return Err(AreaError::SelfCrossing),
                }
            }
        }
        Ok(Polygon(points))
    }

    pub fn points(&self) -> &[(f64, f64)] {
        &self.0
    }

    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let ring: LineString<f64> = self.0.iter().map(|(la, lo)| (*lo, *la)).collect();
        geo::Polygon::new(ring, vec![]).contains(&Point::new(lon, lat))
    }

    /// CAP's text form.
    pub fn to_cap(&self) -> String {
        self.0
            .iter()
            .map(|(la, lo)| format!("{la},{lo}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A centre and a radius in kilometres.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Circle {
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
}

impl Circle {
    pub fn new(lat: f64, lon: f64, radius_km: f64) -> Result<Circle, AreaError> {
        check(lat, lon)?;
        if !(radius_km.is_finite() && radius_km > 0.0 && radius_km <= MAX_RADIUS_KM) {
            return Err(AreaError::Radius);
        }
        Ok(Circle {
            lat,
            lon,
            radius_km,
        })
    }

    /// From typed text: latitude, longitude and radius (decimal comma allowed).
    pub fn parse(lat: &str, lon: &str, radius_km: &str) -> Result<Circle, AreaError> {
        let n = |s: &str| number(&s.replace(',', "."));
        Circle::new(n(lat)?, n(lon)?, n(radius_km)?)
    }

    /// CAP's "lat,lon radius" form.
    pub fn parse_cap(text: &str) -> Result<Circle, AreaError> {
        let (centre, radius) = text
            .trim()
            .split_once(char::is_whitespace)
            .ok_or(AreaError::Unreadable)?;
        let (a, b) = centre.split_once(',').ok_or(AreaError::Unreadable)?;
        Circle::new(number(a)?, number(b)?, number(radius)?)
    }

    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        km_between((self.lat, self.lon), (lat, lon)) <= self.radius_km
    }
}

/// Everything an alert covers.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AlertArea {
    pub polygons: Vec<Polygon>,
    pub circles: Vec<Circle>,
    /// Regions (any level): every KIM whose village lies inside.
    pub regions: Vec<RegionCode>,
    /// Kabupaten/kota named in an earthquake's `Dirasakan`, with the intensity felt.
    pub felt: Vec<(RegionCode, u8)>,
}

impl AlertArea {
    pub fn is_empty(&self) -> bool {
        self.polygons.is_empty()
            && self.circles.is_empty()
            && self.regions.is_empty()
            && self.felt.is_empty()
    }

    /// Why a KIM at `location` in `village` is inside, or `None`. A KIM without coordinates
    /// can only be reached through its village: it is inside when its village lies in a listed
    /// region or a felt kabupaten/kota, or, for a drawn shape, when `village_in_shape` (the
    /// caller's knowledge that other KIMs of the same village are inside) says so.
    pub fn reason_for(
        &self,
        location: Option<(f64, f64)>,
        village: &RegionCode,
        village_in_shape: bool,
    ) -> Option<(super::Reason, String)> {
        use super::Reason;
        if let Some((lat, lon)) = location {
            if let Some(p) = self.polygons.iter().position(|p| p.contains(lat, lon)) {
                return Some((Reason::InPolygon, (p + 1).to_string()));
            }
            if let Some(c) = self.circles.iter().find(|c| c.contains(lat, lon)) {
                let km = km_between((c.lat, c.lon), (lat, lon));
                return Some((Reason::InCircle, format!("{km:.0}")));
            }
        }
        if let Some((code, mmi)) = self.felt.iter().find(|(r, _)| r.contains(village)) {
            return Some((Reason::Felt, format!("{}:{}", code, mmi)));
        }
        if let Some(r) = self.regions.iter().find(|r| r.contains(village)) {
            let reason = if location.is_some() {
                Reason::InRegion
            } else {
                Reason::ViaVillage
            };
            return Some((reason, r.to_string()));
        }
        if location.is_none() && village_in_shape {
            return Some((Reason::ViaVillage, village.to_string()));
        }
        None
    }
}

/// How far an earthquake's alert reaches from the epicentre: a radius by magnitude, shrunk for
/// deeper events (the energy spreads before it reaches the surface). Configurable per
/// installation; the defaults follow the bands BMKG's own impact statements use loosely
/// (M5: felt locally, M6: damage possible within tens of km, M7: regional).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RadiusRule {
    /// (minimum magnitude, radius in km), ascending; below the first, no radius.
    pub steps: Vec<(f64, f64)>,
    /// (maximum depth in km, factor), ascending; deeper than the last, its factor.
    pub depth_factors: Vec<(f64, f64)>,
}

impl Default for RadiusRule {
    fn default() -> Self {
        RadiusRule {
            steps: vec![
                (4.5, 15.0),
                (5.0, 30.0),
                (6.0, 75.0),
                (7.0, 150.0),
                (8.0, 300.0),
            ],
            depth_factors: vec![(70.0, 1.0), (300.0, 0.6), (f64::MAX, 0.3)],
        }
    }
}

impl RadiusRule {
    /// Parse "4.5:15,5:30,6:75" (magnitude:km pairs), keeping the default depth factors.
    pub fn parse(text: &str) -> Result<RadiusRule, AreaError> {
        let mut steps = Vec::new();
        for item in text.split(',').filter(|s| !s.trim().is_empty()) {
            let (m, km) = item.split_once(':').ok_or(AreaError::Unreadable)?;
            let (m, km) = (number(m)?, number(km)?);
            if !(0.0..=10.0).contains(&m) || !(0.0..=MAX_RADIUS_KM).contains(&km) {
                return Err(AreaError::Radius);
            }
            steps.push((m, km));
        }
        steps.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(RadiusRule {
            steps,
            ..RadiusRule::default()
        })
    }

    /// The radius in km for a magnitude and depth (0: no radius).
    pub fn radius_km(&self, magnitude: f64, depth_km: f64) -> f64 {
        let base = self
            .steps
            .iter()
            .rev()
            .find(|(m, _)| magnitude >= *m)
            .map(|(_, km)| *km)
            .unwrap_or(0.0);
        let factor = self
            .depth_factors
            .iter()
            .find(|(d, _)| depth_km <= *d)
            .or(self.depth_factors.last())
            .map(|(_, f)| *f)
            .unwrap_or(1.0);
        base * factor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygons_must_close_have_four_pairs_and_not_cross_themselves() {
        let square = "-7.5,112.5 -7.5,113.0 -8.0,113.0 -8.0,112.5 -7.5,112.5";
        let p = Polygon::parse(square).unwrap();
        assert!(p.contains(-7.72, 112.83));
        assert!(!p.contains(-7.25, 112.75));
        assert_eq!(Polygon::parse(&p.to_cap()).unwrap(), p);
        assert_eq!(
            Polygon::parse("-7.5,112.5 -7.5,113.0 -8.0,113.0 -8.0,112.5"),
            Err(AreaError::NotClosed)
        );
        assert_eq!(
            Polygon::parse("-7.5,112.5 -7.5,113.0 -7.5,112.5"),
            Err(AreaError::TooFew)
        );
        // A bow tie: the second and fourth edges cross.
        assert_eq!(
            Polygon::parse("-7.5,112.5 -7.5,113.0 -8.0,112.5 -8.0,113.0 -7.5,112.5"),
            Err(AreaError::SelfCrossing)
        );
        assert_eq!(
            Polygon::parse("-97.5,112.5 -7.5,113.0 -8.0,113.0 -8.0,112.5 -97.5,112.5"),
            Err(AreaError::OutOfRange)
        );
        assert_eq!(Polygon::parse("-7.5;112.5"), Err(AreaError::Unreadable));
    }

    #[test]
    fn circles_contain_what_lies_within_their_radius() {
        let c = Circle::parse("-7,72", "112.83", "20").unwrap();
        // Prigen is about 23 km from this epicentre; Pasuruan town about 14.
        assert!(c.contains(-7.65, 112.90));
        assert!(!c.contains(-7.25, 112.75));
        assert_eq!(Circle::parse("-7.7", "112.8", "0"), Err(AreaError::Radius));
        assert_eq!(
            Circle::parse("-7.7", "212.8", "10"),
            Err(AreaError::OutOfRange)
        );
        assert_eq!(Circle::parse_cap("-7.72,112.83 20").unwrap(), c);
        let km = km_between((-7.72, 112.83), (-7.25, 112.75));
        assert!((50.0..55.0).contains(&km), "{km}");
    }

    #[test]
    fn the_radius_grows_with_magnitude_and_shrinks_with_depth() {
        let r = RadiusRule::default();
        assert_eq!(r.radius_km(4.0, 10.0), 0.0);
        assert_eq!(r.radius_km(5.1, 10.0), 30.0);
        assert_eq!(r.radius_km(6.2, 10.0), 75.0);
        assert_eq!(r.radius_km(6.2, 120.0), 45.0);
        assert_eq!(r.radius_km(7.5, 500.0), 45.0);
        let custom = RadiusRule::parse("5:10, 6:20").unwrap();
        assert_eq!(custom.radius_km(5.5, 10.0), 10.0);
        assert!(RadiusRule::parse("5:x").is_err());
    }

    #[test]
    fn kims_without_coordinates_are_reached_through_their_village() {
        use crate::alerts::Reason;
        let village = RegionCode::parse("35.14.10.2001").unwrap();
        let area = AlertArea {
            regions: vec![RegionCode::parse("35.14").unwrap()],
            ..AlertArea::default()
        };
        assert_eq!(
            area.reason_for(Some((-7.7, 112.7)), &village, false)
                .unwrap()
                .0,
            Reason::InRegion
        );
        assert_eq!(
            area.reason_for(None, &village, false).unwrap().0,
            Reason::ViaVillage
        );
        let circle = AlertArea {
            circles: vec![Circle::new(-7.72, 112.83, 20.0).unwrap()],
            ..AlertArea::default()
        };
        assert_eq!(circle.reason_for(None, &village, false), None);
        assert_eq!(
            circle.reason_for(None, &village, true).unwrap().0,
            Reason::ViaVillage
        );
        assert_eq!(
            circle
                .reason_for(Some((-7.65, 112.90)), &village, false)
                .unwrap()
                .0,
            Reason::InCircle
        );
        let felt = AlertArea {
            felt: vec![(RegionCode::parse("35.14").unwrap(), 3)],
            ..AlertArea::default()
        };
        assert_eq!(
            felt.reason_for(None, &village, false).unwrap(),
            (Reason::Felt, "35.14:3".into())
        );
    }
}
