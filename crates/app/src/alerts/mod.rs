//! Emergency alerts (issue 11), the application side: compose → preview (the message and the
//! KIMs it reaches, with the reason for each) → send, or submit for a second person's approval
//! where the office requires it; updates and cancellations to the same people; BMKG and CAP
//! feeds ingested by a scheduled job; acknowledgements and situation reports from the field;
//! silent KIMs escalated. Delivery goes through [`crate::notify`] as urgent alerts.

pub mod board;
pub mod escalate;
pub mod field;
pub mod ingest;
pub mod send;
mod targeting;

pub use send::{approve, cancel, cap_document, compose, preview, send_now, update, Preview};
pub use targeting::{targets_for, TargetPlan};

use crate::error::{AppError, AppResult, FieldError};
use simpul_core::alerts::{
    text_field, AlertArea, Certainty, Circle, Hazard, Polygon, RadiusRule, Severity, Urgency,
};
use simpul_core::RegionCode;
use std::time::Duration;

/// Settings of the alerts capability (part of [`crate::Config`]).
#[derive(Debug, Clone)]
pub struct AlertsConfig {
    /// The magnitude/depth → radius rule for earthquakes.
    pub radius: RadiusRule,
    /// Below this magnitude, an earthquake nobody reports feeling makes no alert.
    pub min_magnitude: f64,
    /// Minutes a KIM may stay silent, per severity, before it is escalated.
    pub escalation_minutes: Vec<(Severity, i64)>,
    /// A feed answer larger than this is cut off and refused.
    pub max_feed_bytes: usize,
    /// A feed that does not answer within this is a failure (retried with backoff).
    pub feed_timeout: Duration,
    /// How long an earthquake alert stays in force.
    pub quake_hours: i64,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig {
            radius: RadiusRule::default(),
            min_magnitude: 5.0,
            escalation_minutes: Severity::ALL
                .iter()
                .map(|s| (*s, s.default_escalation_minutes()))
                .collect(),
            max_feed_bytes: 2 * 1024 * 1024,
            feed_timeout: Duration::from_secs(10),
            quake_hours: 24,
        }
    }
}

impl AlertsConfig {
    pub fn escalation_after(&self, s: Severity) -> chrono::Duration {
        let minutes = self
            .escalation_minutes
            .iter()
            .find(|(sev, _)| *sev == s)
            .map(|(_, m)| *m)
            .unwrap_or(s.default_escalation_minutes());
        chrono::Duration::minutes(minutes)
    }
}

/// What a person typed into the compose form (all text, as the browser sends it).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ComposeInput {
    pub hazard: String,
    pub severity: String,
    pub urgency: String,
    pub certainty: String,
    pub headline: String,
    pub description: String,
    pub instruction: String,
    pub headline_en: String,
    pub instruction_en: String,
    pub area_desc: String,
    /// Region codes (kabupaten/kota, kecamatan, desa), any number.
    pub regions: Vec<String>,
    pub circle_lat: String,
    pub circle_lon: String,
    pub circle_km: String,
    /// CAP polygon text ("lat,lon lat,lon ..."), drawn on the map or typed.
    pub polygon: String,
    /// A saved area's id.
    pub saved_area: String,
    /// A name to save this area under for the office's next alerts (empty: not saved).
    pub save_area_as: String,
    /// Hours from now until the alert expires (empty: 24).
    pub expires_hours: String,
    /// Which button the form was sent with (`preview` or `send`); the services ignore it.
    pub action: String,
}

/// A checked composition.
#[derive(Debug, Clone)]
pub struct Draft {
    pub hazard: Hazard,
    pub severity: Severity,
    pub urgency: Urgency,
    pub certainty: Certainty,
    pub headline: String,
    pub description: String,
    pub instruction: String,
    pub headline_en: String,
    pub instruction_en: String,
    pub area_desc: String,
    pub area: AlertArea,
    /// The name to save the area under, if any.
    pub save_area_as: String,
    pub expires: chrono::DateTime<chrono::Utc>,
}

fn pick<T>(errors: &mut Vec<FieldError>, field: &'static str, value: Option<T>) -> Option<T> {
    if value.is_none() {
        errors.push(FieldError::new(field, "alerts.error_choose"));
    }
    value
}

/// Check a composition field by field (every problem at once, in the person's language).
pub async fn validate(ctx: &crate::AppCtx, input: &ComposeInput) -> AppResult<Draft> {
    let mut errors = Vec::new();
    let hazard = pick(&mut errors, "hazard", Hazard::parse(&input.hazard));
    let severity = pick(&mut errors, "severity", Severity::parse(&input.severity));
    let urgency = pick(&mut errors, "urgency", Urgency::parse(&input.urgency));
    let certainty = pick(&mut errors, "certainty", Certainty::parse(&input.certainty));
    let mut text = |field: &'static str, value: &str, max: usize, required: bool| {
        if !required && value.trim().is_empty() {
            return String::new();
        }
        match text_field(value, max) {
            Ok(v) => v,
            Err(key) => {
                errors.push(FieldError::new(field, key));
                String::new()
            }
        }
    };
    let headline = text("headline", &input.headline, 140, true);
    let description = text("description", &input.description, 2000, false);
    let instruction = text("instruction", &input.instruction, 500, true);
    let headline_en = text("headline_en", &input.headline_en, 140, false);
    let instruction_en = text("instruction_en", &input.instruction_en, 500, false);
    let mut area_desc = text("area_desc", &input.area_desc, 200, false);
    let save_area_as = text("save_area_as", &input.save_area_as, 80, false);
    let mut area = AlertArea::default();
    let index = ctx.regions.index(&ctx.store).await?;
    let mut names = Vec::new();
    for r in input.regions.iter().filter(|r| !r.trim().is_empty()) {
        match RegionCode::parse(r.trim())
            .ok()
            .and_then(|c| index.get(&c).cloned())
        {
            Some(region) => {
                names.push(region.name.clone());
                area.regions.push(region.code);
            }
            None => errors.push(FieldError::new("regions", "alerts.error_region")),
        }
    }
    area.regions.sort();
    area.regions.dedup();
    let circle_typed = [&input.circle_lat, &input.circle_lon, &input.circle_km]
        .iter()
        .any(|s| !s.trim().is_empty());
    if circle_typed {
        match Circle::parse(&input.circle_lat, &input.circle_lon, &input.circle_km) {
            Ok(c) => area.circles.push(c),
            Err(e) => errors.push(FieldError::new("circle", e.message_key())),
        }
    }
    if !input.polygon.trim().is_empty() {
        match Polygon::parse(&input.polygon) {
            Ok(p) => area.polygons.push(p),
            Err(e) => errors.push(FieldError::new("polygon", e.message_key())),
        }
    }
    if let Ok(id) = input.saved_area.trim().parse::<i64>() {
        let saved = ctx.store.saved_alert_areas().await?;
        match saved.iter().find(|a| a.id == id) {
            Some(a) => match serde_json::from_str::<AlertArea>(&a.area) {
                Ok(s) => {
                    names.push(a.name.clone());
                    area.polygons.extend(s.polygons);
                    area.circles.extend(s.circles);
                    area.regions.extend(s.regions);
                }
                Err(_) => errors.push(FieldError::new("saved_area", "alerts.error_region")),
            },
            None => errors.push(FieldError::new("saved_area", "alerts.error_region")),
        }
    }
    if area.is_empty()
        && !errors
            .iter()
            .any(|e| ["regions", "circle", "polygon"].contains(&e.field))
    {
        errors.push(FieldError::new("regions", "alerts.error_area_empty"));
    }
    if area_desc.is_empty() {
        area_desc = names.join(", ");
        if area_desc.is_empty() {
            area_desc = "-".into();
        }
        area_desc = area_desc.chars().take(200).collect();
    }
    let hours = match input.expires_hours.trim() {
        "" => Some(24),
        h => h.parse::<i64>().ok().filter(|h| (1..=24 * 14).contains(h)),
    };
    let hours = hours.unwrap_or_else(|| {
        errors.push(FieldError::new("expires_hours", "alerts.error_expires"));
        24
    });
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(Draft {
        hazard: hazard.unwrap_or(Hazard::Other),
        severity: severity.unwrap_or(Severity::Moderate),
        urgency: urgency.unwrap_or(Urgency::Expected),
        certainty: certainty.unwrap_or(Certainty::Likely),
        headline,
        description,
        instruction,
        headline_en,
        instruction_en,
        area_desc,
        area,
        save_area_as,
        expires: chrono::Utc::now() + chrono::Duration::hours(hours),
    })
}

/// The CAP `sender` of this installation ("simpul@" and the site's host).
pub fn sender(ctx: &crate::AppCtx) -> String {
    let host = url::Url::parse(&ctx.config.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "simpul.invalid".into());
    format!("simpul@{host}")
}
