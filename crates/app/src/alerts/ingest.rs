//! Feeds in: BMKG's earthquake documents and CAP 1.2 messages, polled by a scheduled job.
//!
//! Every feed has its own interval; the job runs every 15 seconds and polls the feeds that are
//! due, claiming each (a conditional update) so two instances never poll the same feed at once.
//! A failure (timeout, refused connection, an answer over the byte limit, an unreadable
//! document) is logged on the feed and the next poll waits longer: the interval doubled per
//! failure in a row, at most an hour. Answers are read in chunks and cut off at
//! `max_feed_bytes`, under a per-request timeout, so a 50 MB or never-ending answer costs at
//! most that much memory and time.

use super::send::{apply_update, cancel_as, send_now};
use super::targeting::{common_region, targets_for};
use crate::error::AppResult;
use crate::jobs::{JobError, JobKind, Progress, ScheduleDef};
use crate::{AppCtx, Locale};
use serde_json::Value;
use simpul_core::alerts::cap::{self, CapMessage};
use simpul_core::alerts::cap_index;
use simpul_core::alerts::felt::match_regencies;
use simpul_core::alerts::{AlertArea, Circle, Hazard, MsgType, Quake, Severity};
use simpul_core::audit::AuditContext;
use simpul_core::RegionCode;
use simpul_store::alerts::{AlertContent, AlertFeed, NewAlert};
use simpul_store::jobs::Job;
use std::time::Duration;

/// What one document did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Ingested {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("request failed: {0}")]
    Http(String),
    #[error("answered {0}")]
    Status(u16),
    #[error("answer larger than {0} bytes")]
    TooLarge(usize),
    #[error("answer is not UTF-8")]
    Encoding,
}

/// GET a feed: at most `max` bytes, within `timeout`.
pub async fn fetch(
    ctx: &AppCtx,
    url: &str,
    max: usize,
    timeout: Duration,
) -> Result<String, FetchError> {
    let read = async {
        let mut resp = ctx
            .http
            .get(url)
            .header("accept", "application/json, application/xml, text/xml")
            .send()
            .await
            .map_err(|e| FetchError::Http(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(FetchError::Status(resp.status().as_u16()));
        }
        if resp.content_length().is_some_and(|n| n > max as u64) {
            return Err(FetchError::TooLarge(max));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| FetchError::Http(e.to_string()))?
        {
            if body.len() + chunk.len() > max {
                return Err(FetchError::TooLarge(max));
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| FetchError::Encoding)
    };
    tokio::time::timeout(timeout, read)
        .await
        .map_err(|_| FetchError::Http("timed out".into()))?
}

/// Poll one feed now and ingest what it says.
pub async fn poll(ctx: &AppCtx, feed: &AlertFeed) -> Result<Ingested, String> {
    let cfg = &ctx.config.alerts;
    let body = fetch(ctx, &feed.url, cfg.max_feed_bytes, cfg.feed_timeout)
        .await
        .map_err(|e| e.to_string())?;
    match feed.kind.as_str() {
        "cap" if cap_index::is_index(&body) => ingest_cap_index(ctx, feed, &body).await,
        "cap" => ingest_cap(ctx, Some(feed.id), &body).await,
        _ => ingest_bmkg(ctx, Some(feed.id), &body).await,
    }
}

/// A CAP index (Atom or RSS): fetch and ingest each listed CAP document. One unreadable entry
/// is counted as rejected and logged; it does not stop the others. Messages already ingested
/// change nothing (CAP ingestion is idempotent), so the same index polled again is harmless.
async fn ingest_cap_index(ctx: &AppCtx, feed: &AlertFeed, body: &str) -> Result<Ingested, String> {
    let entries = cap_index::parse_index(body).map_err(|e| e.to_string())?;
    let base = url::Url::parse(&feed.url).map_err(|e| e.to_string())?;
    let cfg = &ctx.config.alerts;
    let mut total = Ingested::default();
    for entry in entries {
        let link = match base.join(&entry.link) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => u,
            _ => {
                tracing::warn!(feed = feed.id, link = %entry.link, "CAP index entry with an unusable link");
                total.rejected += 1;
                continue;
            }
        };
        let doc = match fetch(ctx, link.as_str(), cap::MAX_BYTES, cfg.feed_timeout).await {
            Ok(doc) => doc,
            Err(e) => {
                tracing::warn!(feed = feed.id, %link, error = %e, "CAP index entry not fetched");
                total.rejected += 1;
                continue;
            }
        };
        match ingest_cap(ctx, Some(feed.id), &doc).await {
            Ok(one) => {
                total.created += one.created;
                total.updated += one.updated;
                total.unchanged += one.unchanged;
                total.rejected += one.rejected;
            }
            Err(e) => {
                tracing::warn!(feed = feed.id, %link, error = %e, "CAP index entry not ingested");
                total.rejected += 1;
            }
        }
    }
    Ok(total)
}

fn audit_for(feed_id: Option<i64>) -> AuditContext {
    AuditContext::system(&match feed_id {
        Some(id) => format!("alert-feed-{id}"),
        None => "alert-feed".into(),
    })
}

/// Severity of an earthquake: by magnitude, raised by a tsunami warning or strong shaking.
pub fn quake_severity(q: &Quake) -> Severity {
    if q.magnitude >= 7.0 || q.tsunami_possible() || q.max_mmi() >= 7 {
        Severity::Extreme
    } else if q.magnitude >= 6.0 || q.max_mmi() >= 5 {
        Severity::Severe
    } else if q.magnitude >= 5.0 || q.max_mmi() >= 4 {
        Severity::Moderate
    } else {
        Severity::Minor
    }
}

/// The area of an earthquake: a circle from the radius rule and the felt kabupaten/kota.
/// A felt name found in several provinces is narrowed to the province where the other felt
/// places of the same report lie (BMKG lists neighbours together).
pub async fn quake_area(ctx: &AppCtx, q: &Quake) -> AppResult<AlertArea> {
    let index = ctx.regions.index(&ctx.store).await?;
    let first = match_regencies(&q.felt, &index, None);
    let mut provinces: std::collections::BTreeMap<RegionCode, usize> = Default::default();
    for m in first.iter().filter(|m| {
        let p: std::collections::BTreeSet<_> = m.regencies.iter().map(|c| c.province()).collect();
        p.len() == 1
    }) {
        *provinces.entry(m.regencies[0].province()).or_default() += 1;
    }
    let home = provinces
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(p, _)| p);
    let matched = match_regencies(&q.felt, &index, home.as_ref());
    let mut area = AlertArea::default();
    for m in matched {
        for r in m.regencies {
            if !area.felt.iter().any(|(c, _)| *c == r) {
                area.felt.push((r, m.felt.mmi));
            }
        }
    }
    let km = ctx.config.alerts.radius.radius_km(q.magnitude, q.depth_km);
    if km > 0.0 {
        if let Ok(c) = Circle::new(q.lat, q.lon, km) {
            area.circles.push(c);
        }
    }
    Ok(area)
}

fn quake_content(ctx: &AppCtx, q: &Quake, area: &AlertArea) -> AlertContent {
    let t_id = ctx.catalog.messages(Locale::Id);
    let t_en = ctx.catalog.messages(Locale::En);
    let mag_id = format!("{:.1}", q.magnitude).replace('.', ",");
    let mag_en = format!("{:.1}", q.magnitude);
    let felt = q
        .felt
        .iter()
        .map(|f| format!("{} {}", roman(f.mmi), f.place))
        .collect::<Vec<_>>()
        .join(", ");
    let depth = format!("{:.0}", q.depth_km);
    let description = t_id.fmt(
        "alerts.quake_description",
        &[
            ("mag", &mag_id),
            ("depth", &depth),
            ("place", &q.place),
            ("felt", if felt.is_empty() { "-" } else { &felt }),
            ("potential", q.potential.as_deref().unwrap_or("-")),
        ],
    );
    let tsunami = q.tsunami_possible();
    let place: String = q.place.chars().take(120).collect();
    AlertContent {
        hazard: if tsunami {
            Hazard::Tsunami
        } else {
            Hazard::Earthquake
        }
        .as_str()
        .into(),
        severity: quake_severity(q).as_str().into(),
        urgency: "immediate".into(),
        certainty: "observed".into(),
        headline: t_id.fmt(
            "alerts.quake_headline",
            &[("mag", &mag_id), ("place", &place)],
        ),
        description,
        instruction: t_id.get("alerts.quake_instruction").into(),
        headline_en: t_en.fmt(
            "alerts.quake_headline",
            &[("mag", &mag_en), ("place", &place)],
        ),
        instruction_en: t_en.get("alerts.quake_instruction").into(),
        area_desc: place,
        area_json: serde_json::to_string(area).unwrap_or_else(|_| "{}".into()),
        quake_json: serde_json::to_string(q).ok(),
        onset: Some(q.at),
        expires: Some(q.at + chrono::Duration::hours(ctx.config.alerts.quake_hours)),
        source_sent: None,
    }
}

fn roman(n: u8) -> &'static str {
    const N: [&str; 13] = [
        "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    N.get(usize::from(n)).copied().unwrap_or("")
}

/// Ingest a BMKG document (JSON or XML, one event or a list). Each earthquake is one alert
/// however many feeds and polls report it; a report with more detail updates it. BMKG
/// alerts never wait for approval.
pub async fn ingest_bmkg(
    ctx: &AppCtx,
    feed_id: Option<i64>,
    body: &str,
) -> Result<Ingested, String> {
    let entries = simpul_core::alerts::bmkg::parse_document(body).map_err(|e| e.to_string())?;
    let audit = audit_for(feed_id);
    let mut out = Ingested::default();
    for entry in entries {
        let q = match entry {
            Ok(q) => q,
            Err(e) => {
                tracing::warn!(feed = ?feed_id, error = %e, "BMKG entry rejected");
                out.rejected += 1;
                continue;
            }
        };
        match ingest_quake(ctx, &audit, feed_id, &q).await {
            Ok(Outcome::Created) => out.created += 1,
            Ok(Outcome::Updated) => out.updated += 1,
            Ok(Outcome::Unchanged) => out.unchanged += 1,
            Err(e) => return Err(format!("{e:?}")),
        }
    }
    Ok(out)
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

async fn ingest_quake(
    ctx: &AppCtx,
    audit: &AuditContext,
    feed_id: Option<i64>,
    q: &Quake,
) -> AppResult<Outcome> {
    let window = chrono::Duration::seconds(90);
    let known = ctx
        .store
        .quake_alerts_between(q.at - window, q.at + window)
        .await?;
    for alert in known {
        let Some(mut stored) = alert
            .quake
            .as_deref()
            .and_then(|j| serde_json::from_str::<Quake>(j).ok())
        else {
            continue;
        };
        if !stored.same_event(q) {
            continue;
        }
        if alert.state != "active" || !stored.merge(q) {
            return Ok(Outcome::Unchanged);
        }
        let area = quake_area(ctx, &stored).await?;
        let plan = targets_for(ctx, &area, None).await?;
        let content = quake_content(ctx, &stored, &area);
        apply_update(ctx, audit, &alert, &content, &plan.targets).await?;
        return Ok(Outcome::Updated);
    }
    if q.magnitude < ctx.config.alerts.min_magnitude && q.felt.is_empty() {
        return Ok(Outcome::Unchanged);
    }
    let area = quake_area(ctx, q).await?;
    let plan = targets_for(ctx, &area, None).await?;
    let scope = common_region(&area, &plan.targets);
    let new = NewAlert {
        identifier: q.event_key(),
        sender: super::sender(ctx),
        origin: "bmkg".into(),
        feed_id,
        state: "active".into(),
        content: quake_content(ctx, q, &area),
        scope_region: scope,
        created_by: None,
    };
    match send_now(ctx, audit, &new, &plan.targets).await {
        Ok(_) => Ok(Outcome::Created),
        // Another poll of another feed wrote it a moment ago.
        Err(crate::AppError::Conflict(_)) => Ok(Outcome::Unchanged),
        Err(e) => Err(e),
    }
}

/// Ingest one CAP 1.2 message: an Alert becomes an alert; an Update or Cancel follows the
/// alert it references (an Update of an unknown alert is taken as new; a Cancel of an
/// unknown one is logged and dropped); a repeated or older message changes nothing.
pub async fn ingest_cap(
    ctx: &AppCtx,
    feed_id: Option<i64>,
    body: &str,
) -> Result<Ingested, String> {
    let m = cap::parse(body).map_err(|e| e.to_string())?;
    let audit = audit_for(feed_id);
    let mut out = Ingested::default();
    let referenced = {
        let mut found = None;
        for (_, identifier, _) in &m.references {
            if let Some(a) = ctx
                .store
                .alert_by_identifier(identifier)
                .await
                .map_err(|e| e.to_string())?
            {
                found = Some(a);
                break;
            }
        }
        found
    };
    match (m.msg_type, referenced) {
        (MsgType::Cancel, None) => {
            tracing::warn!(identifier = %m.identifier, "CAP Cancel for an unknown alert: dropped");
            out.rejected += 1;
        }
        (MsgType::Cancel, Some(alert)) => {
            if alert.state == "active" {
                cancel_as(ctx, &audit, &alert)
                    .await
                    .map_err(|e| format!("{e:?}"))?;
                out.updated += 1;
            } else {
                out.unchanged += 1;
            }
        }
        (MsgType::Update, Some(alert)) => {
            let newer = alert.source_sent.is_none_or(|s| m.sent > s) && alert.state == "active";
            if !newer {
                out.unchanged += 1;
            } else {
                let (content, area) = cap_content(ctx, &m).await.map_err(|e| format!("{e:?}"))?;
                let plan = targets_for(ctx, &area, None)
                    .await
                    .map_err(|e| format!("{e:?}"))?;
                apply_update(ctx, &audit, &alert, &content, &plan.targets)
                    .await
                    .map_err(|e| format!("{e:?}"))?;
                out.updated += 1;
            }
        }
        (_, _) => {
            if ctx
                .store
                .alert_by_identifier(&m.identifier)
                .await
                .map_err(|e| e.to_string())?
                .is_some()
            {
                out.unchanged += 1;
                return Ok(out);
            }
            let (content, area) = cap_content(ctx, &m).await.map_err(|e| format!("{e:?}"))?;
            if content.expires.is_some_and(|e| e <= chrono::Utc::now()) {
                // Already over: nothing to tell anyone.
                out.unchanged += 1;
                return Ok(out);
            }
            let plan = targets_for(ctx, &area, None)
                .await
                .map_err(|e| format!("{e:?}"))?;
            let new = NewAlert {
                identifier: m.identifier.clone(),
                sender: m.sender.clone(),
                origin: "cap".into(),
                feed_id,
                state: "active".into(),
                content,
                scope_region: common_region(&area, &plan.targets),
                created_by: None,
            };
            match send_now(ctx, &audit, &new, &plan.targets).await {
                Ok(_) => out.created += 1,
                Err(crate::AppError::Conflict(_)) => out.unchanged += 1,
                Err(e) => return Err(format!("{e:?}")),
            }
        }
    }
    Ok(out)
}

async fn cap_content(ctx: &AppCtx, m: &CapMessage) -> AppResult<(AlertContent, AlertArea)> {
    let main = m
        .infos
        .iter()
        .find(|i| i.language.to_lowercase().starts_with("id"))
        .or(m.infos.first())
        .ok_or(crate::AppError::BadRequest("alerts.error_cap"))?;
    let en = m
        .infos
        .iter()
        .find(|i| i.language.to_lowercase().starts_with("en"));
    let index = ctx.regions.index(&ctx.store).await?;
    let mut area = AlertArea::default();
    for a in &main.areas {
        area.polygons.extend(a.polygons.iter().cloned());
        area.circles.extend(a.circles.iter().cloned());
        for (name, value) in &a.geocodes {
            if name.eq_ignore_ascii_case(cap::GEOCODE_REGION) {
                if let Ok(code) = RegionCode::parse(value) {
                    if index.get(&code).is_some() {
                        area.regions.push(code);
                    }
                }
            }
        }
    }
    let area_desc = main
        .areas
        .iter()
        .map(|a| a.description.as_str())
        .collect::<Vec<_>>()
        .join("; ")
        .chars()
        .take(200)
        .collect();
    let content = AlertContent {
        hazard: main.hazard.as_str().into(),
        severity: main.severity.as_str().into(),
        urgency: main.urgency.as_str().into(),
        certainty: main.certainty.as_str().into(),
        headline: main.headline.chars().take(140).collect(),
        description: main.description.chars().take(2000).collect(),
        instruction: main
            .instruction
            .clone()
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect(),
        headline_en: en
            .map(|i| i.headline.chars().take(140).collect())
            .unwrap_or_default(),
        instruction_en: en
            .and_then(|i| i.instruction.clone())
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect(),
        area_desc,
        area_json: serde_json::to_string(&area).unwrap_or_else(|_| "{}".into()),
        quake_json: None,
        onset: main.onset,
        expires: main.expires,
        source_sent: Some(m.sent),
    };
    Ok((content, area))
}

/// Poll every due feed (the scheduled job).
async fn poll_job(ctx: &AppCtx, _: &Job, progress: &Progress) -> Result<Value, JobError> {
    poll_due_with(ctx, progress).await
}

/// Poll every feed that is due now; returns one `{"feed", "ok"}` per feed polled.
pub async fn poll_due(ctx: &AppCtx) -> Result<Value, JobError> {
    poll_due_with(ctx, &Progress::default()).await
}

async fn poll_due_with(ctx: &AppCtx, progress: &Progress) -> Result<Value, JobError> {
    let now = chrono::Utc::now();
    let due = ctx
        .store
        .due_alert_feeds(now)
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
    let total = due.len();
    let mut results = Vec::new();
    for (i, feed) in due.into_iter().enumerate() {
        let lease = now + chrono::Duration::seconds(120);
        if !ctx
            .store
            .claim_alert_feed(feed.id, feed.next_poll_at, lease)
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?
        {
            continue;
        }
        let outcome = poll(ctx, &feed).await;
        let every = chrono::Duration::seconds(feed.every_secs.max(10));
        let next = match &outcome {
            Ok(_) => chrono::Utc::now() + every,
            Err(_) => {
                let factor = 1i32 << feed.failures.clamp(0, 8);
                chrono::Utc::now() + (every * factor).min(chrono::Duration::hours(1))
            }
        };
        match &outcome {
            Ok(r) => tracing::info!(feed = feed.id, ?r, "alert feed polled"),
            Err(e) => tracing::warn!(feed = feed.id, error = %e, "alert feed failed; backing off"),
        }
        let _ = ctx
            .store
            .alert_feed_polled(
                feed.id,
                outcome.as_ref().map(|_| ()).map_err(|e| e.as_str()),
                next,
            )
            .await;
        results.push(serde_json::json!({"feed": feed.id, "ok": outcome.is_ok()}));
        progress.set("alerts.poll", i + 1, total);
    }
    Ok(serde_json::json!({ "feeds": results }))
}

pub static POLL: JobKind = JobKind {
    name: "alerts.poll",
    run: |ctx, job, progress| Box::pin(poll_job(ctx, job, progress)),
    max_attempts: 3,
    max_backoff: Duration::from_secs(60),
};

pub static POLL_SCHEDULE: ScheduleDef = ScheduleDef {
    name: "alerts.poll",
    every: Duration::from_secs(15),
    kind: &POLL,
};
