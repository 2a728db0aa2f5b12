//! CAP 1.2 (OASIS Common Alerting Protocol) in and out, through the `oasiscap` crate.
//!
//! Why `oasiscap`: it models CAP 1.0, 1.1 and 1.2 and enforces section 3's rules the XML schema
//! cannot express (closed polygons of at least four pairs, WGS 84 ranges, identifiers without
//! spaces or commas, time zones required), both when it parses and when it writes, so a
//! document Simpul emits is conforming by construction; our tests still validate every emitted
//! document against the OASIS schema with `xmllint`. Two caveats we work around: its `ceiling`
//! element is written in the wrong namespace (Simpul never sets altitude or ceiling), and its
//! XML layer (`xml_serde`) pulls in an old logger crate (no effect on our logging).
//!
//! [`CapMessage`] is Simpul's view of one CAP message: what the rest of the code reads and
//! writes; [`parse`] and [`to_xml`] convert.

use super::area::{Circle, Polygon};
use super::{Certainty, Hazard, MsgType, Severity, Urgency};
use chrono::{DateTime, Utc};
use oasiscap::v1dot2 as cap;

/// Largest CAP document read (a CAP message with long descriptions is a few tens of KB).
pub const MAX_BYTES: usize = 512 * 1024;
/// Info blocks and areas read at most.
const MAX_INFOS: usize = 16;
const MAX_AREAS: usize = 64;

/// The geocode name under which Simpul writes Kemendagri region codes.
pub const GEOCODE_REGION: &str = "KEMENDAGRI";

#[derive(Debug, Clone, PartialEq)]
pub struct CapMessage {
    pub identifier: String,
    pub sender: String,
    pub sent: DateTime<Utc>,
    pub msg_type: MsgType,
    /// (sender, identifier, sent) of earlier messages this one updates or cancels.
    pub references: Vec<(String, String, DateTime<Utc>)>,
    pub infos: Vec<CapInfo>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CapInfo {
    /// RFC 3066 language ("id-ID", "en-US").
    pub language: String,
    pub hazard: Hazard,
    pub event: String,
    pub severity: Severity,
    pub urgency: Urgency,
    pub certainty: Certainty,
    pub sender_name: Option<String>,
    pub headline: String,
    pub description: String,
    pub instruction: Option<String>,
    pub onset: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
    pub web: Option<String>,
    pub areas: Vec<CapArea>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CapArea {
    pub description: String,
    pub polygons: Vec<Polygon>,
    pub circles: Vec<Circle>,
    /// (valueName, value) pairs.
    pub geocodes: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum CapError {
    #[error("document too large")]
    TooLarge,
    #[error("not a valid CAP message: {0}")]
    Invalid(String),
    #[error("not CAP 1.2")]
    Version,
    #[error("message type {0} is not handled")]
    MsgType(String),
    #[error("an {0} without references")]
    NoReferences(&'static str),
    #[error("no info block")]
    NoInfo,
    #[error("severity, urgency or certainty unknown")]
    Unknown,
    #[error("area: {0}")]
    Area(#[from] super::AreaError),
}

fn from_cap_dt(d: oasiscap::DateTime) -> DateTime<Utc> {
    chrono::DateTime::<chrono::FixedOffset>::from(d).with_timezone(&Utc)
}

/// Guess a hazard from a foreign message's event text and category.
fn hazard_of(event: &str, categories: &[cap::Category]) -> Hazard {
    let e = event.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| e.contains(w));
    if has(&["tsunami"]) {
        Hazard::Tsunami
    } else if has(&["gempa", "earthquake", "quake"]) {
        Hazard::Earthquake
    } else if has(&["banjir", "flood"]) {
        Hazard::Flood
    } else if has(&["longsor", "landslide"]) {
        Hazard::Landslide
    } else if has(&["gunung", "erupsi", "volcan"]) {
        Hazard::Volcano
    } else if has(&["kebakaran", "fire"]) || categories.contains(&cap::Category::Fire) {
        Hazard::Fire
    } else if has(&[
        "cuaca", "hujan", "angin", "weather", "storm", "wind", "rain",
    ]) || categories.contains(&cap::Category::Met)
    {
        Hazard::ExtremeWeather
    } else {
        Hazard::Other
    }
}

/// Parse and check a CAP 1.2 message (Alert, Update or Cancel; Ack and Error are refused).
pub fn parse(xml: &str) -> Result<CapMessage, CapError> {
    if xml.len() > MAX_BYTES {
        return Err(CapError::TooLarge);
    }
    let any: oasiscap::Alert =
        xml.parse()
            .map_err(|e: <oasiscap::Alert as std::str::FromStr>::Err| {
                CapError::Invalid(e.to_string())
            })?;
    let oasiscap::Alert::V1dot2(a) = any else {
        return Err(CapError::Version);
    };
    let msg_type = match a.message_type {
        cap::MessageType::Alert => MsgType::Alert,
        cap::MessageType::Update => MsgType::Update,
        cap::MessageType::Cancel => MsgType::Cancel,
        other => return Err(CapError::MsgType(format!("{other:?}"))),
    };
    let references: Vec<(String, String, DateTime<Utc>)> = a
        .references
        .iter()
        .flat_map(|r| r.iter())
        .map(|r| {
            (
                r.sender.as_str().to_owned(),
                r.identifier.as_str().to_owned(),
                from_cap_dt(r.sent),
            )
        })
        .collect();
    if msg_type != MsgType::Alert && references.is_empty() {
        return Err(CapError::NoReferences(msg_type.as_str()));
    }
    let mut infos = Vec::new();
    for i in a.info.iter().take(MAX_INFOS) {
        let severity = match i.severity {
            cap::Severity::Extreme => Severity::Extreme,
            cap::Severity::Severe => Severity::Severe,
            cap::Severity::Moderate => Severity::Moderate,
            cap::Severity::Minor => Severity::Minor,
            cap::Severity::Unknown => Severity::Minor,
        };
        let urgency = match i.urgency {
            cap::Urgency::Immediate => Urgency::Immediate,
            cap::Urgency::Expected => Urgency::Expected,
            cap::Urgency::Future => Urgency::Future,
            cap::Urgency::Past => Urgency::Past,
            cap::Urgency::Unknown => Urgency::Expected,
        };
        let certainty = match i.certainty {
            cap::Certainty::Observed => Certainty::Observed,
            cap::Certainty::Likely => Certainty::Likely,
            cap::Certainty::Possible => Certainty::Possible,
            cap::Certainty::Unlikely => Certainty::Unlikely,
            cap::Certainty::Unknown => Certainty::Possible,
        };
        let mut areas = Vec::new();
        for area in i.areas.iter().take(MAX_AREAS) {
            areas.push(CapArea {
                description: area.description.clone(),
                polygons: area
                    .polygons
                    .iter()
                    .map(|p| {
                        Polygon::new(p.iter().map(|pt| (pt.latitude(), pt.longitude())).collect())
                    })
                    .collect::<Result<_, _>>()?,
                circles: area
                    .circles
                    .iter()
                    .map(|c| Circle::new(c.center.latitude(), c.center.longitude(), c.radius))
                    .collect::<Result<_, _>>()?,
                geocodes: area
                    .geocode
                    .iter()
                    .map(|(name, value)| (name.to_owned(), value.to_owned()))
                    .collect(),
            });
        }
        infos.push(CapInfo {
            language: i.language.as_str().to_owned(),
            hazard: hazard_of(&i.event, &i.categories),
            event: i.event.clone(),
            severity,
            urgency,
            certainty,
            sender_name: i.sender_name.clone(),
            headline: i.headline.clone().unwrap_or_else(|| i.event.clone()),
            description: i.description.clone().unwrap_or_default(),
            instruction: i.instruction.clone(),
            onset: i.onset.map(from_cap_dt),
            expires: i.expires.map(from_cap_dt),
            web: i.web.as_ref().map(|u| u.to_string()),
            areas,
        });
    }
    if infos.is_empty() && msg_type != MsgType::Cancel {
        return Err(CapError::NoInfo);
    }
    Ok(CapMessage {
        identifier: a.identifier.as_str().to_owned(),
        sender: a.sender.as_str().to_owned(),
        sent: from_cap_dt(a.sent),
        msg_type,
        references,
        infos,
    })
}

fn id(s: &str) -> Result<oasiscap::id::Id, CapError> {
    oasiscap::id::Id::new(s.to_owned()).map_err(|e| CapError::Invalid(e.to_string()))
}

/// Write a CAP 1.2 document.
pub fn to_xml(m: &CapMessage) -> Result<String, CapError> {
    let references = if m.references.is_empty() {
        None
    } else {
        Some(oasiscap::references::References::new(
            m.references
                .iter()
                .map(|(s, i, t)| {
                    Ok(oasiscap::references::Reference {
                        sender: id(s)?,
                        identifier: id(i)?,
                        sent: (*t).into(),
                    })
                })
                .collect::<Result<_, CapError>>()?,
        ))
    };
    let mut info = Vec::new();
    for i in &m.infos {
        let mut areas = Vec::new();
        for a in &i.areas {
            let polygons = a
                .polygons
                .iter()
                .map(|p| {
                    let points = p
                        .points()
                        .iter()
                        .map(|(la, lo)| oasiscap::geo::Point::new(*la, *lo))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| CapError::Invalid(e.to_string()))?;
                    oasiscap::geo::Polygon::try_from(points)
                        .map_err(|e| CapError::Invalid(e.to_string()))
                })
                .collect::<Result<Vec<_>, CapError>>()?;
            let circles = a
                .circles
                .iter()
                .map(|c| {
                    let centre = oasiscap::geo::Point::new(c.lat, c.lon)
                        .map_err(|e| CapError::Invalid(e.to_string()))?;
                    oasiscap::geo::Circle::new(centre, c.radius_km)
                        .map_err(|e| CapError::Invalid(e.to_string()))
                })
                .collect::<Result<Vec<_>, CapError>>()?;
            let mut geocode = cap::Map::new();
            for (k, v) in &a.geocodes {
                geocode.push(k.clone(), v.clone());
            }
            areas.push(cap::Area {
                description: a.description.clone(),
                polygons,
                circles,
                geocode,
                altitude: None,
                ceiling: None,
            });
        }
        info.push(cap::Info {
            language: oasiscap::language::Language::new(Some(i.language.clone()))
                .map_err(|e| CapError::Invalid(e.to_string()))?,
            categories: vec![i.hazard.cap_category()],
            event: i.event.clone(),
            response_type: vec![],
            urgency: i.urgency.cap(),
            severity: i.severity.cap(),
            certainty: i.certainty.cap(),
            audience: None,
            event_codes: cap::Map::new(),
            effective: None,
            onset: i.onset.map(Into::into),
            expires: i.expires.map(Into::into),
            sender_name: i.sender_name.clone(),
            headline: Some(i.headline.clone()),
            description: Some(i.description.clone()).filter(|d| !d.is_empty()),
            instruction: i.instruction.clone(),
            web: i.web.as_deref().and_then(|w| oasiscap::Url::parse(w).ok()),
            contact: None,
            parameters: cap::Map::new(),
            resources: vec![],
            areas,
        });
    }
    let alert = cap::Alert {
        identifier: id(&m.identifier)?,
        sender: id(&m.sender)?,
        sent: m.sent.into(),
        status: cap::Status::Actual,
        message_type: match m.msg_type {
            MsgType::Alert => cap::MessageType::Alert,
            MsgType::Update => cap::MessageType::Update,
            MsgType::Cancel => cap::MessageType::Cancel,
        },
        source: None,
        scope: cap::Scope::Public,
        restriction: None,
        addresses: None,
        codes: vec![],
        note: None,
        references,
        incidents: None,
        info,
    };
    // `xml_serde` writes the XML declaration itself.
    Ok(oasiscap::Alert::V1dot2(alert).to_string())
}

#[cfg(test)]
mod tests;
