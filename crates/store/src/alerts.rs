//! Emergency alerts: feeds and their poll state, alerts with every message sent, the KIMs
//! targeted with the reason for each, acknowledgements, situation reports with photos, the
//! offices' approval setting and saved areas. Every state change is audited in its own
//! transaction.

use crate::connect::BeginWrite;
use crate::filter::push_territory;
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::authz::ScopeRegions;
use simpul_core::RegionCode;
use sqlx::QueryBuilder;

/// Insert targets (ignoring KIMs already targeted) inside the caller's transaction.
macro_rules! insert_targets {
    ($tx:expr, $alert_id:expr, $targets:expr, $now:expr) => {{
        let targets: &[NewTarget] = $targets;
        for part in targets.chunks(500) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO alert_targets (alert_id, kim_id, reason, detail, regency_code, targeted_at) ",
            );
            qb.push_values(part, |mut b, t| {
                b.push_bind($alert_id)
                    .push_bind(t.kim_id)
                    .push_bind(&t.reason)
                    .push_bind(&t.detail)
                    .push_bind(&t.regency_code)
                    .push_bind($now);
            });
            qb.push(" ON CONFLICT (alert_id, kim_id) DO NOTHING");
            qb.build().execute(&mut *$tx).await?;
        }
    }};
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AlertFeed {
    pub id: i64,
    pub name: String,
    /// `bmkg` or `cap`.
    pub kind: String,
    pub url: String,
    pub every_secs: i64,
    pub active: bool,
    pub next_poll_at: DateTime<Utc>,
    pub failures: i64,
    pub last_ok_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AlertRecord {
    pub id: i64,
    pub identifier: String,
    pub sender: String,
    pub origin: String,
    pub feed_id: Option<i64>,
    pub state: String,
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
    /// JSON of `simpul_core::alerts::AlertArea`.
    pub area: String,
    /// JSON of `simpul_core::alerts::Quake`.
    pub quake: Option<String>,
    pub scope_region: String,
    pub onset: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
    pub source_sent: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_by: Option<i64>,
    pub approved_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

const ALERT_COLUMNS: &str = "id, identifier, sender, origin, feed_id, state, hazard, severity, urgency, certainty, \
    headline, description, instruction, headline_en, instruction_en, area_desc, area, quake, scope_region, onset, \
    expires, source_sent, version, created_by, approved_by, created_at, updated_at, sent_at, cancelled_at";

/// The content of an alert, as composed or ingested.
#[derive(Debug, Clone, Default)]
pub struct AlertContent {
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
    pub area_json: String,
    pub quake_json: Option<String>,
    pub onset: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
    /// For alerts from a CAP feed: the `sent` time of the message this content comes from.
    pub source_sent: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewAlert {
    pub identifier: String,
    pub sender: String,
    pub origin: String,
    pub feed_id: Option<i64>,
    /// `active` (sent now) or `pending` (waiting for approval).
    pub state: String,
    pub content: AlertContent,
    pub scope_region: Option<RegionCode>,
    pub created_by: Option<i64>,
}

/// A KIM an alert reaches and why.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTarget {
    pub kim_id: i64,
    pub reason: String,
    pub detail: String,
    pub regency_code: String,
}

/// A KIM as the targeting rules need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TargetableKim {
    pub id: i64,
    pub village_code: String,
    pub regency_code: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// What counting an alert's answers needs of one target.
#[derive(Debug, Clone)]
pub struct TargetFacts {
    pub status: String,
    pub escalated: bool,
    pub via_village: bool,
    pub first_ack_at: Option<DateTime<Utc>>,
}

/// A row of the live board.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TargetRow {
    pub kim_id: i64,
    pub kim_name: String,
    pub village_code: String,
    pub regency_code: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub reason: String,
    pub detail: String,
    pub status: String,
    pub status_at: Option<DateTime<Utc>>,
    pub first_ack_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub targeted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ReportRecord {
    pub id: i64,
    pub alert_id: i64,
    pub kim_id: i64,
    pub kim_name: String,
    pub username: Option<String>,
    pub body: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AlertMessage {
    pub alert_id: i64,
    pub version: i64,
    pub msg_type: String,
    pub sent_at: DateTime<Utc>,
    pub cap_xml: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SavedArea {
    pub id: i64,
    pub name: String,
    pub region_code: String,
    pub area: String,
}

/// A photo ready to store: already re-encoded by the caller.
#[derive(Debug, Clone)]
pub struct Photo {
    pub content_type: String,
    pub filename: String,
    pub data: Vec<u8>,
}

/// Which alerts a list shows.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub states: Vec<String>,
    /// Only alerts concerning this territory (by `scope_region`; national alerts always).
    pub territory: Option<ScopeRegions>,
    /// Only alerts targeting one of these KIMs.
    pub kims: Option<Vec<i64>>,
    /// Only alerts still in force at this time (no expiry or a later one).
    pub in_force_at: Option<DateTime<Utc>>,
}

fn scope(region: &str) -> Option<RegionCode> {
    RegionCode::parse(region).ok()
}

impl Store {
    pub async fn alert_feeds(&self) -> Result<Vec<AlertFeed>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, name, kind, url, every_secs, active, next_poll_at, failures, last_ok_at, last_error, last_error_at \
             FROM alert_feeds ORDER BY id").fetch_all(p).await?))
    }

    /// Add (or, for a known URL, reconfigure) a feed. Audited.
    pub async fn save_alert_feed(
        &self,
        ctx: &AuditContext,
        name: &str,
        kind: &str,
        url: &str,
        every_secs: i64,
    ) -> Result<i64> {
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO alert_feeds (name, kind, url, every_secs, next_poll_at, created_at) VALUES ($1, $2, $3, $4, $5, $5) \
                 ON CONFLICT (url) DO UPDATE SET name = excluded.name, kind = excluded.kind, every_secs = excluded.every_secs, active = excluded.active \
                 RETURNING id")
                .bind(name).bind(kind).bind(url).bind(every_secs).bind(now)
                .fetch_one(&mut *tx).await?;
            let event = AuditEvent::new("alert.feed", "alert_feed", id)
                .with_summary(json!({"after": {"name": name, "kind": kind, "every_secs": every_secs}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            id
        }))
    }

    /// Active feeds whose next poll is due.
    pub async fn due_alert_feeds(&self, now: DateTime<Utc>) -> Result<Vec<AlertFeed>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, name, kind, url, every_secs, active, next_poll_at, failures, last_ok_at, last_error, last_error_at \
             FROM alert_feeds WHERE active AND next_poll_at <= $1 ORDER BY next_poll_at").bind(now).fetch_all(p).await?))
    }

    /// Claim a feed's poll: move `next_poll_at` from what the caller saw to `until` (a lease
    /// longer than the poll's timeout). False when another worker claimed it first.
    pub async fn claim_alert_feed(
        &self,
        id: i64,
        seen: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(with_pool!(self, p => sqlx::query(
            "UPDATE alert_feeds SET next_poll_at = $1 WHERE id = $2 AND next_poll_at = $3")
            .bind(until).bind(id).bind(seen).execute(p).await?.rows_affected() == 1))
    }

    /// Record a poll's outcome and when to poll next.
    pub async fn alert_feed_polled(
        &self,
        id: i64,
        outcome: std::result::Result<(), &str>,
        next: DateTime<Utc>,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            match outcome {
                Ok(()) => {
                    sqlx::query("UPDATE alert_feeds SET failures = 0, last_ok_at = $1, next_poll_at = $2 WHERE id = $3")
                        .bind(now).bind(next).bind(id).execute(p).await?;
                }
                Err(e) => {
                    sqlx::query("UPDATE alert_feeds SET failures = failures + 1, last_error = $1, last_error_at = $2, next_poll_at = $3 WHERE id = $4")
                        .bind(e.chars().take(500).collect::<String>()).bind(now).bind(next).bind(id).execute(p).await?;
                }
            }
        });
        Ok(())
    }

    /// Write a new alert with its targets and, when it is sent now, its first CAP message.
    /// Audited. A known identifier is a `Conflict` (the same event never makes two alerts).
    pub async fn create_alert(
        &self,
        ctx: &AuditContext,
        a: &NewAlert,
        targets: &[NewTarget],
        cap_xml: Option<&str>,
    ) -> Result<i64> {
        let now = Utc::now();
        let c = &a.content;
        let sent_at = (a.state == "active").then_some(now);
        let scope_region = a
            .scope_region
            .as_ref()
            .map(|r| r.to_string())
            .unwrap_or_default();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO alerts (identifier, sender, origin, feed_id, state, hazard, severity, urgency, certainty, headline, \
                 description, instruction, headline_en, instruction_en, area_desc, area, quake, scope_region, onset, expires, \
                 created_by, created_at, updated_at, sent_at, source_sent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22, $23, $24) \
                 ON CONFLICT (identifier) DO NOTHING RETURNING id")
                .bind(&a.identifier).bind(&a.sender).bind(&a.origin).bind(a.feed_id).bind(&a.state)
                .bind(&c.hazard).bind(&c.severity).bind(&c.urgency).bind(&c.certainty).bind(&c.headline)
                .bind(&c.description).bind(&c.instruction).bind(&c.headline_en).bind(&c.instruction_en)
                .bind(&c.area_desc).bind(&c.area_json).bind(&c.quake_json).bind(&scope_region)
                .bind(c.onset).bind(c.expires).bind(a.created_by).bind(now).bind(sent_at).bind(c.source_sent)
                .fetch_optional(&mut *tx).await?;
            let Some(id) = id else {
                return Err(StoreError::Conflict("alert_exists".into()));
            };
            insert_targets!(tx, id, targets, now);
            if let Some(xml) = cap_xml {
                sqlx::query("INSERT INTO alert_messages (alert_id, version, msg_type, sent_at, cap_xml) VALUES ($1, 1, 'alert', $2, $3)")
                    .bind(id).bind(now).bind(xml).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new(if a.state == "active" { "alert.send" } else { "alert.submit" }, "alert", id)
                .in_region(a.scope_region.clone())
                .with_summary(json!({"after": {"headline": c.headline, "severity": c.severity, "origin": a.origin, "targets": targets.len()}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn alert(&self, id: i64) -> Result<AlertRecord> {
        let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    pub async fn alert_by_identifier(&self, identifier: &str) -> Result<Option<AlertRecord>> {
        let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE identifier = $1");
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(identifier).fetch_optional(p).await?))
    }

    /// Earthquake alerts whose origin time lies in `[from, to]` (candidates for "the same event").
    pub async fn quake_alerts_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AlertRecord>> {
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE origin = 'bmkg' AND onset >= $1 AND onset <= $2 ORDER BY id"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(from).bind(to).fetch_all(p).await?))
    }

    /// Alerts matching `f`, newest first.
    pub async fn alerts(&self, f: &AlertFilter, limit: i64) -> Result<Vec<AlertRecord>> {
        Ok(with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("SELECT {ALERT_COLUMNS} FROM alerts a WHERE 1 = 1"));
            if !f.states.is_empty() {
                qb.push(" AND a.state IN (");
                let mut sep = qb.separated(", ");
                for s in &f.states {
                    sep.push_bind(s.clone());
                }
                qb.push(")");
            }
            if let Some(t) = &f.territory {
                if let ScopeRegions::Regions(_) = t {
                    // An alert concerns an office when its scope lies inside the office's
                    // territory, or when it is national/provincial and covers it.
                    qb.push(" AND (a.scope_region = '' OR EXISTS (SELECT 1 FROM alert_targets t JOIN kims k ON k.id = t.kim_id WHERE t.alert_id = a.id");
                    push_territory(&mut qb, "k.village_code", t);
                    qb.push(") OR (1 = 1");
                    push_territory(&mut qb, "a.scope_region", t);
                    qb.push("))");
                }
            }
            if let Some(kims) = &f.kims {
                if kims.is_empty() {
                    qb.push(" AND 1 = 0");
                } else {
                    qb.push(" AND EXISTS (SELECT 1 FROM alert_targets t WHERE t.alert_id = a.id AND t.kim_id IN (");
                    let mut sep = qb.separated(", ");
                    for k in kims {
                        sep.push_bind(*k);
                    }
                    qb.push("))");
                }
            }
            if let Some(at) = f.in_force_at {
                qb.push(" AND (a.expires IS NULL OR a.expires > ").push_bind(at).push(")");
            }
            qb.push(" ORDER BY a.created_at DESC, a.id DESC LIMIT ").push_bind(limit);
            qb.build_query_as().fetch_all(p).await?
        }))
    }

    /// KIMs that can be reached (verified, active or inactive) inside a bounding box
    /// (lat_min, lat_max, lon_min, lon_max), or inside one of `regions`, and those without
    /// coordinates in the villages of the first group.
    pub async fn targetable_kims(
        &self,
        bbox: Option<(f64, f64, f64, f64)>,
        regions: &[RegionCode],
    ) -> Result<Vec<TargetableKim>> {
        const STATUSES: &str = "('verified', 'active', 'inactive')";
        let mut out: Vec<TargetableKim> = Vec::new();
        with_pool!(self, p => {
            if let Some((a, b, c, d)) = bbox {
                let mut qb = QueryBuilder::new(format!(
                    "SELECT id, village_code, regency_code, lat, lon FROM kims WHERE status IN {STATUSES} AND lat BETWEEN "));
                qb.push_bind(a).push(" AND ").push_bind(b).push(" AND lon BETWEEN ").push_bind(c).push(" AND ").push_bind(d);
                out.extend(qb.build_query_as::<TargetableKim>().fetch_all(p).await?);
                let villages: std::collections::BTreeSet<String> = out.iter().map(|k| k.village_code.clone()).collect();
                let villages: Vec<String> = villages.into_iter().collect();
                for part in villages.chunks(500) {
                    let mut qb = QueryBuilder::new(format!(
                        "SELECT id, village_code, regency_code, lat, lon FROM kims WHERE status IN {STATUSES} AND lat IS NULL AND village_code IN ("));
                    let mut sep = qb.separated(", ");
                    for v in part {
                        sep.push_bind(v.clone());
                    }
                    qb.push(")");
                    out.extend(qb.build_query_as::<TargetableKim>().fetch_all(p).await?);
                }
            }
            for part in regions.chunks(200) {
                let mut qb = QueryBuilder::new(format!(
                    "SELECT id, village_code, regency_code, lat, lon FROM kims WHERE status IN {STATUSES}"));
                let t = ScopeRegions::Regions(part.to_vec());
                push_territory(&mut qb, "village_code", &t);
                out.extend(qb.build_query_as::<TargetableKim>().fetch_all(p).await?);
            }
        });
        out.sort_by_key(|k| k.id);
        out.dedup_by_key(|k| k.id);
        Ok(out)
    }

    /// The board: every targeted KIM with its status and reason.
    pub async fn alert_targets(&self, alert_id: i64) -> Result<Vec<TargetRow>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT t.kim_id, k.name AS kim_name, k.village_code, t.regency_code, k.lat, k.lon, t.reason, t.detail, t.status, \
             t.status_at, t.first_ack_at, t.escalated_at, t.targeted_at \
             FROM alert_targets t JOIN kims k ON k.id = t.kim_id WHERE t.alert_id = $1 \
             ORDER BY CASE t.status WHEN 'need_help' THEN 0 WHEN 'affected' THEN 1 WHEN 'silent' THEN 2 ELSE 3 END, k.name")
            .bind(alert_id).fetch_all(p).await?))
    }

    /// What the history's counts need of each target of `alert_ids`, in one query (no KIM
    /// names): (alert id, facts).
    pub async fn alert_target_facts(&self, alert_ids: &[i64]) -> Result<Vec<(i64, TargetFacts)>> {
        if alert_ids.is_empty() {
            return Ok(Vec::new());
        }
        type Row = (
            i64,
            String,
            Option<DateTime<Utc>>,
            String,
            Option<DateTime<Utc>>,
        );
        let rows: Vec<Row> = with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT alert_id, status, escalated_at, reason, first_ack_at FROM alert_targets WHERE alert_id IN (");
            let mut sep = qb.separated(", ");
            for id in alert_ids {
                sep.push_bind(*id);
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .map(|(alert_id, status, escalated_at, reason, first_ack_at)| {
                (
                    alert_id,
                    TargetFacts {
                        status,
                        escalated: escalated_at.is_some(),
                        via_village: reason == "via_village",
                        first_ack_at,
                    },
                )
            })
            .collect())
    }

    pub async fn alert_target_ids(&self, alert_id: i64) -> Result<Vec<i64>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT kim_id FROM alert_targets WHERE alert_id = $1 ORDER BY kim_id")
            .bind(alert_id).fetch_all(p).await?),
        )
    }

    /// A newer message of an alert (an update of its content and area): the version moves on
    /// only from `expected_version` (two editors cannot both win), new targets are added (the
    /// people already reached stay targeted), the CAP document is kept. Audited.
    pub async fn update_alert(
        &self,
        ctx: &AuditContext,
        id: i64,
        expected_version: i64,
        c: &AlertContent,
        targets: &[NewTarget],
        cap_xml: &str,
    ) -> Result<i64> {
        let now = Utc::now();
        let before = self.alert(id).await?;
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let version: Option<i64> = sqlx::query_scalar(
                "UPDATE alerts SET hazard = $1, severity = $2, urgency = $3, certainty = $4, headline = $5, description = $6, \
                 instruction = $7, headline_en = $8, instruction_en = $9, area_desc = $10, area = $11, quake = $12, onset = $13, \
                 expires = $14, version = version + 1, updated_at = $15, source_sent = COALESCE($18, source_sent) \
                 WHERE id = $16 AND version = $17 AND state = 'active' RETURNING version")
                .bind(&c.hazard).bind(&c.severity).bind(&c.urgency).bind(&c.certainty).bind(&c.headline)
                .bind(&c.description).bind(&c.instruction).bind(&c.headline_en).bind(&c.instruction_en)
                .bind(&c.area_desc).bind(&c.area_json).bind(&c.quake_json).bind(c.onset).bind(c.expires)
                .bind(now).bind(id).bind(expected_version).bind(c.source_sent)
                .fetch_optional(&mut *tx).await?;
            let Some(version) = version else {
                return Err(StoreError::Conflict("alert_changed_meanwhile".into()));
            };
            insert_targets!(tx, id, targets, now);
            sqlx::query("INSERT INTO alert_messages (alert_id, version, msg_type, sent_at, cap_xml) VALUES ($1, $2, 'update', $3, $4)")
                .bind(id).bind(version).bind(now).bind(cap_xml).execute(&mut *tx).await?;
            let event = AuditEvent::new("alert.update", "alert", id)
                .in_region(scope(&before.scope_region))
                .with_summary(json!({
                    "before": {"headline": before.headline, "severity": before.severity},
                    "after": {"headline": c.headline, "severity": c.severity, "version": version},
                }));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(version)
        })
    }

    /// Cancel an active or pending alert. Audited; the CAP Cancel is kept.
    pub async fn cancel_alert(
        &self,
        ctx: &AuditContext,
        id: i64,
        cap_xml: Option<&str>,
    ) -> Result<i64> {
        let now = Utc::now();
        let before = self.alert(id).await?;
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let version: Option<i64> = sqlx::query_scalar(
                "UPDATE alerts SET state = 'cancelled', cancelled_at = $1, updated_at = $1, version = version + 1 \
                 WHERE id = $2 AND state = 'active' RETURNING version")
                .bind(now).bind(id).fetch_optional(&mut *tx).await?;
            let Some(version) = version else {
                return Err(StoreError::Conflict("alert_not_active".into()));
            };
            if let Some(xml) = cap_xml {
                sqlx::query("INSERT INTO alert_messages (alert_id, version, msg_type, sent_at, cap_xml) VALUES ($1, $2, 'cancel', $3, $4)")
                    .bind(id).bind(version).bind(now).bind(xml).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("alert.cancel", "alert", id)
                .in_region(scope(&before.scope_region))
                .with_summary(json!({"before": {"state": before.state}, "after": {"state": "cancelled"}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(version)
        })
    }

    /// Approve (send) or reject a pending alert. Audited.
    pub async fn decide_alert(
        &self,
        ctx: &AuditContext,
        id: i64,
        approve: bool,
        approver: i64,
        cap_xml: Option<&str>,
    ) -> Result<()> {
        let now = Utc::now();
        let before = self.alert(id).await?;
        let to = if approve { "active" } else { "rejected" };
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE alerts SET state = $1, approved_by = $2, updated_at = $3, sent_at = CASE WHEN $1 = 'active' THEN $3 ELSE sent_at END \
                 WHERE id = $4 AND state = 'pending'")
                .bind(to).bind(approver).bind(now).bind(id).execute(&mut *tx).await?.rows_affected();
            if done == 0 {
                return Err(StoreError::Conflict("alert_not_pending".into()));
            }
            if let Some(xml) = cap_xml {
                sqlx::query("INSERT INTO alert_messages (alert_id, version, msg_type, sent_at, cap_xml) VALUES ($1, $2, 'alert', $3, $4)")
                    .bind(id).bind(before.version).bind(now).bind(xml).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new(if approve { "alert.approve" } else { "alert.reject" }, "alert", id)
                .in_region(scope(&before.scope_region))
                .with_summary(json!({"before": {"state": "pending"}, "after": {"state": to}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Every message of an alert as sent, oldest first.
    pub async fn alert_messages(&self, alert_id: i64) -> Result<Vec<AlertMessage>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT alert_id, version, msg_type, sent_at, cap_xml FROM alert_messages WHERE alert_id = $1 ORDER BY version")
            .bind(alert_id).fetch_all(p).await?))
    }

    /// The latest CAP document of each alert in `ids`.
    pub async fn latest_alert_messages(&self, ids: &[i64]) -> Result<Vec<AlertMessage>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        Ok(with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT m.alert_id, m.version, m.msg_type, m.sent_at, m.cap_xml FROM alert_messages m \
                 WHERE m.version = (SELECT MAX(version) FROM alert_messages x WHERE x.alert_id = m.alert_id) AND m.alert_id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            qb.push(") ORDER BY m.sent_at DESC");
            qb.build_query_as().fetch_all(p).await?
        }))
    }

    /// A KIM answers an alert: the tap is kept, the board's row moves. Audited. `NotFound`
    /// when the KIM is not targeted by this alert.
    pub async fn ack_alert(
        &self,
        ctx: &AuditContext,
        alert_id: i64,
        kim_id: i64,
        user_id: Option<i64>,
        kind: &str,
        region: Option<RegionCode>,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE alert_targets SET status = $1, status_at = $2, first_ack_at = COALESCE(first_ack_at, $2) \
                 WHERE alert_id = $3 AND kim_id = $4")
                .bind(kind).bind(now).bind(alert_id).bind(kim_id).execute(&mut *tx).await?.rows_affected();
            if done == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("INSERT INTO alert_acks (alert_id, kim_id, user_id, kind, at) VALUES ($1, $2, $3, $4, $5)")
                .bind(alert_id).bind(kim_id).bind(user_id).bind(kind).bind(now).execute(&mut *tx).await?;
            let event = AuditEvent::new("alert.ack", "alert", alert_id)
                .in_region(region)
                .with_summary(json!({"after": {"kim": kim_id, "status": kind}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// A situation report with its photos (already re-encoded), in one transaction. Audited.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_alert_report(
        &self,
        ctx: &AuditContext,
        alert_id: i64,
        kim_id: i64,
        user_id: Option<i64>,
        body: &str,
        location: Option<(f64, f64)>,
        photos: &[Photo],
        region: Option<RegionCode>,
    ) -> Result<i64> {
        use sha2::Digest;
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let targeted: Option<i64> = sqlx::query_scalar("SELECT kim_id FROM alert_targets WHERE alert_id = $1 AND kim_id = $2")
                .bind(alert_id).bind(kim_id).fetch_optional(&mut *tx).await?;
            if targeted.is_none() {
                return Err(StoreError::NotFound);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO alert_reports (alert_id, kim_id, user_id, body, lat, lon, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(alert_id).bind(kim_id).bind(user_id).bind(body)
                .bind(location.map(|l| l.0)).bind(location.map(|l| l.1)).bind(now)
                .fetch_one(&mut *tx).await?;
            for (i, photo) in photos.iter().enumerate() {
                let file_id: i64 = sqlx::query_scalar(
                    "INSERT INTO files (kind, content_type, filename, size, sha256, data, created_by, created_at) \
                     VALUES ('alert_photo', $1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(&photo.content_type).bind(&photo.filename).bind(photo.data.len() as i64)
                    .bind(hex::encode(sha2::Sha256::digest(&photo.data))).bind(&photo.data).bind(user_id).bind(now)
                    .fetch_one(&mut *tx).await?;
                sqlx::query("INSERT INTO alert_report_photos (report_id, position, file_id) VALUES ($1, $2, $3)")
                    .bind(id).bind(i as i64).bind(file_id).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("alert.report", "alert", alert_id)
                .in_region(region)
                .with_summary(json!({"after": {"kim": kim_id, "report": id, "photos": photos.len()}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn alert_reports(&self, alert_id: i64) -> Result<Vec<ReportRecord>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT r.id, r.alert_id, r.kim_id, k.name AS kim_name, u.username, r.body, r.lat, r.lon, r.created_at \
             FROM alert_reports r JOIN kims k ON k.id = r.kim_id LEFT JOIN users u ON u.id = r.user_id \
             WHERE r.alert_id = $1 ORDER BY r.id DESC")
            .bind(alert_id).fetch_all(p).await?))
    }

    /// (report id, position, file id) of the photos of an alert's reports.
    pub async fn alert_report_photos(&self, alert_id: i64) -> Result<Vec<(i64, i64, i64)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT ph.report_id, ph.position, ph.file_id FROM alert_report_photos ph JOIN alert_reports r ON r.id = ph.report_id \
             WHERE r.alert_id = $1 ORDER BY ph.report_id, ph.position")
            .bind(alert_id).fetch_all(p).await?))
    }

    /// Silent targets of active alerts, never escalated, targeted before the cutoff of their
    /// alert's severity: (alert id, kim id, regency code, severity).
    pub async fn silent_targets_due(
        &self,
        cutoffs: &[(&str, DateTime<Utc>)],
        limit: i64,
    ) -> Result<Vec<(i64, i64, String, String)>> {
        let mut out = Vec::new();
        for (severity, cutoff) in cutoffs {
            let rows: Vec<(i64, i64, String, String)> = with_pool!(self, p => sqlx::query_as(
                "SELECT t.alert_id, t.kim_id, t.regency_code, a.severity FROM alert_targets t JOIN alerts a ON a.id = t.alert_id \
                 WHERE a.state = 'active' AND a.severity = $1 AND t.status = 'silent' AND t.escalated_at IS NULL AND t.targeted_at <= $2 \
                 AND (a.expires IS NULL OR a.expires > $3) ORDER BY t.alert_id, t.kim_id LIMIT $4")
                .bind(*severity).bind(*cutoff).bind(Utc::now()).bind(limit).fetch_all(p).await?);
            out.extend(rows);
        }
        Ok(out)
    }

    /// Mark targets escalated (only those still silent and not yet escalated); returns the
    /// KIMs marked. Audited once per alert.
    pub async fn mark_escalated(
        &self,
        ctx: &AuditContext,
        alert_id: i64,
        kim_ids: &[i64],
    ) -> Result<Vec<i64>> {
        if kim_ids.is_empty() {
            return Ok(vec![]);
        }
        let now = Utc::now();
        let before = self.alert(alert_id).await?;
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut qb = QueryBuilder::new("UPDATE alert_targets SET escalated_at = ");
            qb.push_bind(now).push(" WHERE alert_id = ").push_bind(alert_id)
                .push(" AND status = 'silent' AND escalated_at IS NULL AND kim_id IN (");
            let mut sep = qb.separated(", ");
            for k in kim_ids {
                sep.push_bind(*k);
            }
            qb.push(") RETURNING kim_id");
            let marked: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *tx).await?;
            if !marked.is_empty() {
                let event = AuditEvent::new("alert.escalate", "alert", alert_id)
                    .in_region(scope(&before.scope_region))
                    .with_summary(json!({"after": {"kims": marked.len()}}));
                audit_in_tx!(tx, ctx, &event);
            }
            tx.commit().await?;
            Ok(marked)
        })
    }

    /// Whether an office (the nearest setting among a region and its ancestors) requires a
    /// second person's approval.
    pub async fn office_requires_approval(&self, region: &RegionCode) -> Result<bool> {
        let mut codes: Vec<String> = region.ancestors().iter().map(|c| c.to_string()).collect();
        codes.push(region.to_string());
        let rows: Vec<(String, bool)> = with_pool!(self, p => {
            let mut qb = QueryBuilder::new("SELECT region_code, requires_approval FROM alert_office_settings WHERE region_code IN (");
            let mut sep = qb.separated(", ");
            for c in &codes {
                sep.push_bind(c.clone());
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .max_by_key(|(c, _)| c.len())
            .map(|(_, r)| r)
            .unwrap_or(false))
    }

    pub async fn set_office_approval(
        &self,
        ctx: &AuditContext,
        region: &RegionCode,
        requires: bool,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO alert_office_settings (region_code, requires_approval, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (region_code) DO UPDATE SET requires_approval = excluded.requires_approval, updated_by = excluded.updated_by, updated_at = excluded.updated_at")
                .bind(region.as_str()).bind(requires).bind(ctx.actor_id).bind(now).execute(&mut *tx).await?;
            let event = AuditEvent::new("alert.settings", "alert_settings", region.as_str())
                .in_region(Some(region.clone()))
                .with_summary(json!({"after": {"requires_approval": requires}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Saved areas of offices inside (or above) a territory.
    pub async fn saved_alert_areas(&self) -> Result<Vec<SavedArea>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, name, region_code, area FROM alert_areas ORDER BY name").fetch_all(p).await?))
    }

    pub async fn save_alert_area(
        &self,
        ctx: &AuditContext,
        name: &str,
        region: &RegionCode,
        area_json: &str,
    ) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO alert_areas (name, region_code, area, created_by, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (region_code, name) DO UPDATE SET area = excluded.area RETURNING id")
                .bind(name).bind(region.as_str()).bind(area_json).bind(ctx.actor_id).bind(now)
                .fetch_one(&mut *tx).await?;
            let event = AuditEvent::new("alert.area", "alert_area", id)
                .in_region(Some(region.clone()))
                .with_summary(json!({"after": {"name": name}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// The KIMs an account belongs to (officer or member grants).
    pub async fn kims_of_user(&self, user_id: i64) -> Result<Vec<i64>> {
        let refs: Vec<String> = with_pool!(self, p => sqlx::query_scalar(
            "SELECT scope_ref FROM role_grants WHERE user_id = $1 AND scope_kind = 'kim' ORDER BY scope_ref")
            .bind(user_id).fetch_all(p).await?);
        Ok(refs.iter().filter_map(|r| r.parse().ok()).collect())
    }
}

impl Store {
    /// (id, name, village code) of KIMs, for previews.
    pub async fn kim_names(&self, ids: &[i64]) -> Result<Vec<(i64, String, String)>> {
        let mut out = Vec::new();
        for part in ids.chunks(500) {
            let rows: Vec<(i64, String, String)> = with_pool!(self, p => {
                let mut qb = QueryBuilder::new("SELECT id, name, village_code FROM kims WHERE id IN (");
                let mut sep = qb.separated(", ");
                for id in part {
                    sep.push_bind(*id);
                }
                qb.push(") ORDER BY name");
                qb.build_query_as().fetch_all(p).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Active alerts a KIM has not answered yet: (alert id, headline).
    pub async fn unanswered_alerts(&self, kim_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT a.id, a.headline FROM alert_targets t JOIN alerts a ON a.id = t.alert_id \
             WHERE t.kim_id = $1 AND t.status = 'silent' AND a.state = 'active' AND (a.expires IS NULL OR a.expires > $2) \
             ORDER BY a.id DESC LIMIT 5")
            .bind(kim_id).bind(Utc::now()).fetch_all(p).await?))
    }
}
