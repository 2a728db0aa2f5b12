//! Bulk writes for `simpul generate` (load-test and benchmark data, never the product's own
//! paths): many rows per statement (multi-row `INSERT`), many statements per transaction, one
//! audit row per batch instead of one per record. The rows are the ones the product writes
//! (same tables, same columns, same values), so every page and report reads them as real ones.
//!
//! Rows per statement stay under SQLite's 32,766 bound parameters (PostgreSQL allows 65,535).

use crate::connect::{BeginWrite, Pool};
use crate::portal::NewPost;
use crate::{audit_in_tx, with_pool, Result, Store};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use sqlx::QueryBuilder;

/// A KIM activity is generated for: its id, region codes and location.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SeedKim {
    pub id: i64,
    pub village_code: String,
    pub district_code: String,
    pub regency_code: String,
    pub province_code: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// A published dissemination package with the KIMs it reaches.
#[derive(Debug, Clone)]
pub struct SeedPackage {
    pub title: String,
    pub topic: String,
    pub key_messages: String,
    pub captions: String,
    /// One target a line, as the package form writes them (`region:35.14`).
    pub targets: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub owner_region: String,
    pub published_at: DateTime<Utc>,
    /// (KIM, its kabupaten/kota).
    pub kims: Vec<(i64, String)>,
}

/// A dissemination report (no photo).
#[derive(Debug, Clone)]
pub struct SeedReport {
    pub package_id: i64,
    pub kim_id: i64,
    pub regency_code: String,
    pub channel: &'static str,
    pub reported_on: NaiveDate,
    pub reach: i64,
    pub review: &'static str,
    pub created_at: DateTime<Utc>,
}

/// A published portal post (no photos) and when it was published; `post.terms` are its
/// search-index rows.
#[derive(Debug, Clone)]
pub struct SeedPost {
    pub post: NewPost,
    pub kim: SeedKim,
    pub published_at: DateTime<Utc>,
}

/// An active alert and the KIMs it reached: (KIM, kabupaten/kota, first acknowledgement).
#[derive(Debug, Clone)]
pub struct SeedAlert {
    pub identifier: String,
    pub hazard: &'static str,
    pub severity: &'static str,
    pub headline: String,
    pub description: String,
    pub area_desc: String,
    pub area_json: String,
    pub scope_region: String,
    pub sent_at: DateTime<Utc>,
    pub targets: Vec<(i64, String, Option<DateTime<Utc>>)>,
}

/// A citizen's aspiration a KIM carried to an office.
#[derive(Debug, Clone)]
pub struct SeedAspiration {
    pub code: String,
    pub category: &'static str,
    pub description: String,
    pub kim: SeedKim,
    pub status: &'static str,
    pub created_at: DateTime<Utc>,
}

/// Rows per multi-row statement for a table of `columns` columns.
fn rows_per_statement(columns: usize) -> usize {
    (30_000 / columns).min(2_000)
}

impl Store {
    /// Registered KIMs that take part (verified, active, inactive), by id.
    pub async fn seed_kims(&self) -> Result<Vec<SeedKim>> {
        with_pool!(self, p => Ok(sqlx::query_as(
            "SELECT id, village_code, district_code, regency_code, province_code, lat, lon FROM kims \
             WHERE status IN ('verified', 'active', 'inactive') ORDER BY id")
            .fetch_all(p).await?))
    }

    /// A published package and its targets, in one transaction.
    pub async fn seed_dissem_package(&self, ctx: &AuditContext, s: &SeedPackage) -> Result<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dissem_packages (title, topic, key_messages, body, captions, video_link, targets, \
                 starts_on, ends_on, priority, status, owner_region, version, created_by, published_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, '', $4, '', $5, $6, $7, 'normal', 'published', $8, 1, NULL, $9, $9, $9) RETURNING id")
                .bind(&s.title).bind(&s.topic).bind(&s.key_messages).bind(&s.captions).bind(&s.targets)
                .bind(s.starts_on).bind(s.ends_on).bind(&s.owner_region).bind(s.published_at)
                .fetch_one(&mut *tx).await?;
            for part in s.kims.chunks(rows_per_statement(6)) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO dissem_targets (package_id, kim_id, regency_code, state, added_at, notified_at) ");
                qb.push_values(part, |mut b, (kim, regency)| {
                    b.push_bind(id).push_bind(*kim).push_bind(regency.clone()).push_bind("new")
                        .push_bind(s.published_at).push_bind(s.published_at);
                });
                qb.build().execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("seed.generate", "dissem_package", id)
                .with_summary(json!({"targets": s.kims.len()}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Dissemination reports, in one transaction. Call [`Store::seed_dissem_settle`] once at
    /// the end to mark the targets that reported as done.
    pub async fn seed_dissem_reports(
        &self,
        ctx: &AuditContext,
        rows: &[SeedReport],
    ) -> Result<usize> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for part in rows.chunks(rows_per_statement(10)) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO dissem_reports (package_id, kim_id, regency_code, channel, reported_on, reach, link, review, \
                     author_id, created_at) ");
                qb.push_values(part, |mut b, r| {
                    b.push_bind(r.package_id).push_bind(r.kim_id).push_bind(&r.regency_code).push_bind(r.channel)
                        .push_bind(r.reported_on).push_bind(r.reach).push_bind("").push_bind(r.review)
                        .push_bind(None::<i64>).push_bind(r.created_at);
                });
                qb.build().execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("seed.generate", "dissem_report", rows.len())
                .with_summary(json!({"reports": rows.len()}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(rows.len())
    }

    /// Targets that have a report become done (as [`Store::dissem_add_report`] leaves them).
    pub async fn seed_dissem_settle(&self) -> Result<u64> {
        let now = Utc::now();
        with_pool!(self, p => Ok(sqlx::query(
            "UPDATE dissem_targets SET state = 'done', acted_at = COALESCE(acted_at, $1) WHERE state <> 'done' \
             AND EXISTS (SELECT 1 FROM dissem_reports r WHERE r.package_id = dissem_targets.package_id \
             AND r.kim_id = dissem_targets.kim_id)")
            .bind(now).execute(p).await?.rows_affected()))
    }

    /// Published posts with their search-index rows, in one transaction. Ids are given here
    /// (after the largest one) so each post's terms follow it in the same multi-row statements.
    pub async fn seed_portal_posts(&self, ctx: &AuditContext, rows: &[SeedPost]) -> Result<usize> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let first: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) + 1 FROM portal_posts")
                .fetch_one(&mut *tx).await?;
            for (n, part) in rows.chunks(rows_per_statement(24)).enumerate() {
                let base = first + (n * rows_per_statement(24)) as i64;
                let mut qb = QueryBuilder::new(
                    "INSERT INTO portal_posts (id, kim_id, author_id, kind, category, title, body_md, body_html, summary, topics, \
                     place_name, price_range, opening_hours, contact, lat, lon, status, village_code, district_code, regency_code, \
                     province_code, published_at, created_at, updated_at) ");
                let mut i = base;
                qb.push_values(part, |mut b, s| {
                    let post = &s.post;
                    b.push_bind(i).push_bind(post.kim_id).push_bind(post.author_id).push_bind(&post.kind)
                        .push_bind(&post.category).push_bind(&post.title).push_bind(&post.body_md).push_bind(&post.body_html)
                        .push_bind(&post.summary).push_bind(&post.topics).push_bind(&post.place_name).push_bind(&post.price_range)
                        .push_bind(&post.opening_hours).push_bind(&post.contact).push_bind(post.lat).push_bind(post.lon)
                        .push_bind("published").push_bind(&s.kim.village_code).push_bind(&s.kim.district_code)
                        .push_bind(&s.kim.regency_code).push_bind(&s.kim.province_code).push_bind(s.published_at)
                        .push_bind(s.published_at).push_bind(s.published_at);
                    i += 1;
                });
                qb.build().execute(&mut *tx).await?;
            }
            let terms: Vec<(i64, &String, i64)> = rows
                .iter()
                .enumerate()
                .flat_map(|(i, s)| s.post.terms.iter().map(move |(t, w)| (first + i as i64, t, *w)))
                .collect();
            for part in terms.chunks(rows_per_statement(3)) {
                let mut qb = QueryBuilder::new("INSERT INTO portal_terms (post_id, term, weight) ");
                qb.push_values(part, |mut b, (id, term, weight)| {
                    b.push_bind(*id).push_bind(*term).push_bind(*weight);
                });
                qb.build().execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("seed.generate", "portal_post", rows.len())
                .with_summary(json!({"posts": rows.len(), "terms": terms.len()}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        // The identity column's sequence must move past the ids given above.
        if let Pool::Postgres(p) = self.pool() {
            sqlx::query("SELECT setval(pg_get_serial_sequence('portal_posts', 'id'), (SELECT MAX(id) FROM portal_posts))")
                .execute(p)
                .await?;
        }
        Ok(rows.len())
    }

    /// An active alert with its targets (and their first acknowledgements), in one transaction.
    pub async fn seed_alert(&self, ctx: &AuditContext, a: &SeedAlert) -> Result<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO alerts (identifier, sender, origin, state, hazard, severity, urgency, certainty, headline, \
                 description, area_desc, area, scope_region, onset, version, created_at, updated_at, sent_at) \
                 VALUES ($1, 'generate', 'manual', 'active', $2, $3, 'immediate', 'observed', $4, $5, $6, $7, $8, $9, 1, $9, $9, $9) \
                 RETURNING id")
                .bind(&a.identifier).bind(a.hazard).bind(a.severity).bind(&a.headline).bind(&a.description)
                .bind(&a.area_desc).bind(&a.area_json).bind(&a.scope_region).bind(a.sent_at)
                .fetch_one(&mut *tx).await?;
            for part in a.targets.chunks(rows_per_statement(9)) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO alert_targets (alert_id, kim_id, reason, detail, regency_code, targeted_at, status, status_at, first_ack_at) ");
                qb.push_values(part, |mut b, (kim, regency, ack)| {
                    b.push_bind(id).push_bind(*kim).push_bind("region").push_bind(&a.scope_region).push_bind(regency)
                        .push_bind(a.sent_at).push_bind(if ack.is_some() { "received" } else { "silent" })
                        .push_bind(*ack).push_bind(*ack);
                });
                qb.build().execute(&mut *tx).await?;
            }
            let acks: Vec<(i64, DateTime<Utc>)> = a.targets.iter().filter_map(|(k, _, at)| at.map(|t| (*k, t))).collect();
            for part in acks.chunks(rows_per_statement(4)) {
                let mut qb = QueryBuilder::new("INSERT INTO alert_acks (alert_id, kim_id, kind, at) ");
                qb.push_values(part, |mut b, (kim, at)| {
                    b.push_bind(id).push_bind(*kim).push_bind("received").push_bind(*at);
                });
                qb.build().execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("seed.generate", "alert", id)
                .with_summary(json!({"targets": a.targets.len(), "acks": acks.len()}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Aspirations carried by KIMs, in one transaction (routed to the KIM's kabupaten/kota).
    pub async fn seed_aspirations(
        &self,
        ctx: &AuditContext,
        rows: &[SeedAspiration],
    ) -> Result<usize> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for part in rows.chunks(rows_per_statement(12)) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO aspirations (code, category, description, region_code, regency_code, office_code, kim_id, \
                     status, due_at, created_at, updated_at, answered_at) ");
                qb.push_values(part, |mut b, a| {
                    let due = a.created_at + chrono::Duration::days(7);
                    let answered = (a.status == "answered" || a.status == "closed").then_some(a.created_at + chrono::Duration::days(3));
                    b.push_bind(&a.code).push_bind(a.category).push_bind(&a.description).push_bind(&a.kim.village_code)
                        .push_bind(&a.kim.regency_code).push_bind(&a.kim.regency_code).push_bind(a.kim.id)
                        .push_bind(a.status).push_bind(due).push_bind(a.created_at).push_bind(a.created_at).push_bind(answered);
                });
                qb.build().execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("seed.generate", "aspiration", rows.len())
                .with_summary(json!({"aspirations": rows.len()}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(rows.len())
    }
}
