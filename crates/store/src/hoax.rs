//! The hoax clearing house: claims, the reports grouped under them, clarifications, notes, the
//! second-review setting per office, the matching index's change log and intake flood counters.
//!
//! Every change writes its audit row and, when it changes what the matcher knows, a row in
//! `hoax_index_log`, in its own transaction.

use crate::connect::BeginWrite;
use crate::filter::push_territory;
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::authz::ScopeRegions;
use simpul_core::hoax::ClaimStatus;
use simpul_core::RegionCode;
use sqlx::QueryBuilder;

/// A claim as verifiers and the public see it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ClaimRecord {
    pub id: i64,
    pub title: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub status: ClaimStatus,
    pub topic: Option<String>,
    pub region_code: Option<String>,
    pub assignee_id: Option<i64>,
    pub merged_into: Option<i64>,
    pub report_count: i64,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const CLAIM_COLUMNS: &str = "id, title, body, status, topic, region_code, assignee_id, \
     merged_into, report_count, first_seen_at, last_seen_at, updated_at";

/// One report. `reporter_email` and `gateway_sender` are encrypted: the application decrypts
/// them only for those entitled.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRecord {
    pub id: i64,
    pub claim_id: i64,
    pub body: String,
    pub links: String,
    pub image_hashes: String,
    pub channel: String,
    pub region_code: Option<String>,
    pub reporter_id: Option<i64>,
    pub reporter_email: Option<String>,
    pub gateway_region: Option<String>,
    pub gateway_sender: Option<String>,
    pub instant: bool,
    pub similarity: Option<f64>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const REPORT_COLUMNS: &str = "id, claim_id, body, links, image_hashes, channel, region_code, \
     reporter_id, reporter_email, gateway_region, gateway_sender, instant, similarity, \
     answered_at, created_at";

/// A report to write.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub body: String,
    /// Canonical links, one a line.
    pub links: String,
    /// Perceptual hashes (16 hex digits each), comma-separated.
    pub image_hashes: String,
    pub channel: &'static str,
    pub region_code: Option<RegionCode>,
    pub reporter_id: Option<i64>,
    pub reporter_email: Option<String>,
    pub gateway_region: Option<String>,
    pub gateway_sender: Option<String>,
    /// Re-encoded pictures: (hash, PNG bytes).
    pub images: Vec<(String, Vec<u8>)>,
}

/// Where a report goes.
#[derive(Debug, Clone)]
pub enum Placement {
    /// Answered at once with this published claim.
    Instant { claim_id: i64, similarity: f64 },
    /// Grouped under this open claim.
    Group { claim_id: i64, similarity: f64 },
    /// A new claim with this title and topic.
    NewClaim {
        title: String,
        topic: Option<String>,
    },
}

/// A verdict and clarification.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Clarification {
    pub claim_id: i64,
    pub label: String,
    pub summary: String,
    pub explanation: String,
    /// One link or reference a line.
    pub sources: String,
    pub author_id: Option<i64>,
    pub reviewer_id: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

const CLARIFICATION_COLUMNS: &str = "claim_id, label, summary, explanation, sources, author_id, \
     reviewer_id, published_at, updated_at";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Note {
    pub id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A claim's texts for the matching index.
#[derive(Debug, Clone)]
pub struct IndexTexts {
    pub claim_id: i64,
    pub status: ClaimStatus,
    /// The claim's own text, then each report's (text, canonical links, image hashes).
    pub texts: Vec<(String, String, String)>,
}

/// A review from an imported fact-check archive, with the title and topic the application gave it.
pub struct ImportedClaim<'a> {
    pub title: String,
    pub topic: Option<String>,
    pub review: &'a simpul_core::hoax::claimreview::Imported,
}

/// Counts for trends.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Trends {
    /// (topic, claims, reports) in the period.
    pub by_topic: Vec<(Option<String>, i64, i64)>,
    /// (kabupaten/kota code or province, reports).
    pub by_region: Vec<(String, i64)>,
    /// (ISO week start, reports).
    pub by_week: Vec<(String, i64)>,
    /// Open claims by reports in the last 7 days: (claim, reports in the window).
    pub spreading: Vec<(ClaimRecord, i64)>,
}

fn event_region(code: Option<&str>) -> Option<RegionCode> {
    code.and_then(|c| RegionCode::parse(c).ok())
}

impl Store {
    /// Write a report where `placement` says, in one transaction with its audit row.
    /// Returns (claim id, report id).
    pub async fn hoax_add_report(
        &self,
        ctx: &AuditContext,
        report: &NewReport,
        placement: &Placement,
    ) -> Result<(i64, i64)> {
        let now = Utc::now();
        let region = report.region_code.as_ref().map(|c| c.to_string());
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let (claim_id, instant, similarity) = match placement {
                Placement::Instant { claim_id, similarity } => (*claim_id, true, Some(*similarity)),
                Placement::Group { claim_id, similarity } => (*claim_id, false, Some(*similarity)),
                Placement::NewClaim { title, topic } => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO hoax_claims (title, body, status, topic, region_code, report_count, \
                         first_seen_at, last_seen_at, created_at, updated_at) \
                         VALUES ($1, $2, 'new', $3, $4, 0, $5, $5, $5, $5) RETURNING id")
                        .bind(title).bind(&report.body).bind(topic).bind(&region).bind(now)
                        .fetch_one(&mut *tx).await?;
                    (id, false, None)
                }
            };
            let updated = sqlx::query(
                "UPDATE hoax_claims SET report_count = report_count + 1, last_seen_at = $1, \
                 region_code = COALESCE(region_code, $2) WHERE id = $3 AND status <> 'merged'")
                .bind(now).bind(&region).bind(claim_id)
                .execute(&mut *tx).await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let report_id: i64 = sqlx::query_scalar(
                "INSERT INTO hoax_reports (claim_id, body, links, image_hashes, channel, region_code, \
                 reporter_id, reporter_email, gateway_region, gateway_sender, instant, similarity, \
                 answered_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id")
                .bind(claim_id).bind(&report.body).bind(&report.links).bind(&report.image_hashes)
                .bind(report.channel).bind(&region).bind(report.reporter_id)
                .bind(&report.reporter_email).bind(&report.gateway_region)
                .bind(&report.gateway_sender).bind(instant).bind(similarity)
                .bind(if instant { Some(now) } else { None }).bind(now)
                .fetch_one(&mut *tx).await?;
            for (hash, png) in &report.images {
                sqlx::query("INSERT INTO hoax_report_images (report_id, phash, png) VALUES ($1, $2, $3)")
                    .bind(report_id).bind(hash).bind(png).execute(&mut *tx).await?;
            }
            if !instant {
                // An instant answer adds nothing the index does not know; a queued text may be
                // the variant that matches the next report.
                sqlx::query("INSERT INTO hoax_index_log (claim_id, at) VALUES ($1, $2)")
                    .bind(claim_id).bind(now).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("hoax.report", "hoax_report", report_id)
                .in_region(report.region_code.clone())
                .with_summary(json!({
                    "claim_id": claim_id,
                    "channel": report.channel,
                    "instant": instant,
                    "placement": match placement {
                        Placement::Instant { .. } => "instant",
                        Placement::Group { .. } => "group",
                        Placement::NewClaim { .. } => "new_claim",
                    },
                }));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok((claim_id, report_id))
        })
    }

    pub async fn hoax_claim(&self, id: i64) -> Result<ClaimRecord> {
        let sql = format!("SELECT {CLAIM_COLUMNS} FROM hoax_claims WHERE id = $1");
        with_pool!(self, p => Ok(sqlx::query_as(&sql).bind(id).fetch_optional(p).await?
            .ok_or(StoreError::NotFound)?))
    }

    /// Claims in `statuses` visible in `territory` (a claim with no region is everyone's),
    /// most recently reported first.
    pub async fn hoax_claims(
        &self,
        territory: &ScopeRegions,
        statuses: &[ClaimStatus],
        limit: i64,
    ) -> Result<Vec<ClaimRecord>> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("SELECT {CLAIM_COLUMNS} FROM hoax_claims WHERE status IN ("));
            let mut sep = qb.separated(", ");
            for s in statuses {
                sep.push_bind(s.as_str().to_string());
            }
            qb.push(")");
            if !matches!(territory, ScopeRegions::All) {
                qb.push(" AND (region_code IS NULL OR (1 = 1");
                push_territory(&mut qb, "region_code", territory);
                qb.push("))");
            }
            qb.push(" ORDER BY last_seen_at DESC, id DESC LIMIT ");
            qb.push_bind(limit);
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// How many claims wait for a verdict in `territory`.
    pub async fn hoax_open_count(&self, territory: &ScopeRegions) -> Result<i64> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT COUNT(*) FROM hoax_claims WHERE status IN ('new', 'in_review', 'awaiting_review')");
            if !matches!(territory, ScopeRegions::All) {
                qb.push(" AND (region_code IS NULL OR (1 = 1");
                push_territory(&mut qb, "region_code", territory);
                qb.push("))");
            }
            Ok(qb.build_query_scalar().fetch_one(p).await?)
        })
    }

    pub async fn hoax_reports(&self, claim_id: i64, limit: i64) -> Result<Vec<ReportRecord>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM hoax_reports WHERE claim_id = $1 ORDER BY id DESC LIMIT $2"
        );
        with_pool!(self, p => Ok(sqlx::query_as(&sql).bind(claim_id).bind(limit).fetch_all(p).await?))
    }

    pub async fn hoax_report(&self, id: i64) -> Result<ReportRecord> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM hoax_reports WHERE id = $1");
        with_pool!(self, p => Ok(sqlx::query_as(&sql).bind(id).fetch_optional(p).await?
            .ok_or(StoreError::NotFound)?))
    }

    /// Reports of one account, newest first.
    pub async fn hoax_reports_by(&self, user_id: i64, limit: i64) -> Result<Vec<ReportRecord>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM hoax_reports WHERE reporter_id = $1 ORDER BY id DESC LIMIT $2"
        );
        with_pool!(self, p => Ok(sqlx::query_as(&sql).bind(user_id).bind(limit).fetch_all(p).await?))
    }

    /// Where a claim was reported: (region code, reports), most first; and by channel.
    pub async fn hoax_spread(
        &self,
        claim_id: i64,
    ) -> Result<(Vec<(String, i64)>, Vec<(String, i64)>)> {
        with_pool!(self, p => {
            let regions = sqlx::query_as(
                "SELECT region_code, COUNT(*) FROM hoax_reports WHERE claim_id = $1 AND region_code IS NOT NULL \
                 GROUP BY region_code ORDER BY COUNT(*) DESC, region_code LIMIT 50")
                .bind(claim_id).fetch_all(p).await?;
            let channels = sqlx::query_as(
                "SELECT channel, COUNT(*) FROM hoax_reports WHERE claim_id = $1 GROUP BY channel ORDER BY channel")
                .bind(claim_id).fetch_all(p).await?;
            Ok((regions, channels))
        })
    }

    /// A report's re-encoded picture.
    pub async fn hoax_image(&self, image_id: i64) -> Result<(i64, Vec<u8>)> {
        with_pool!(self, p => Ok(sqlx::query_as(
            "SELECT report_id, png FROM hoax_report_images WHERE id = $1")
            .bind(image_id).fetch_optional(p).await?.ok_or(StoreError::NotFound)?))
    }

    /// The ids of a report's pictures.
    pub async fn hoax_image_ids(&self, report_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
        if report_ids.is_empty() {
            return Ok(Vec::new());
        }
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new("SELECT report_id, id FROM hoax_report_images WHERE report_id IN (");
            let mut sep = qb.separated(", ");
            for id in report_ids {
                sep.push_bind(*id);
            }
            qb.push(") ORDER BY id");
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// Move a claim from `from` to `to`, with its assignee, if it is still in `from` (two
    /// verifiers acting at once: the second finds it moved and is told so).
    #[allow(clippy::too_many_arguments)]
    pub async fn hoax_move(
        &self,
        ctx: &AuditContext,
        claim: &ClaimRecord,
        to: ClaimStatus,
        assignee: Option<i64>,
        action: &'static str,
        summary: serde_json::Value,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE hoax_claims SET status = $1, assignee_id = $2, updated_at = $3 \
                 WHERE id = $4 AND status = $5 AND updated_at = $6")
                .bind(to.as_str()).bind(assignee).bind(now).bind(claim.id)
                .bind(claim.status.as_str()).bind(claim.updated_at)
                .execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("hoax_claim_changed".into()));
            }
            if to == ClaimStatus::Published || claim.status == ClaimStatus::Published {
                if to == ClaimStatus::Published {
                    sqlx::query("UPDATE hoax_clarifications SET published_at = $1, updated_at = $1 WHERE claim_id = $2")
                        .bind(now).bind(claim.id).execute(&mut *tx).await?;
                } else {
                    sqlx::query("UPDATE hoax_clarifications SET published_at = NULL, updated_at = $1 WHERE claim_id = $2")
                        .bind(now).bind(claim.id).execute(&mut *tx).await?;
                }
                sqlx::query("INSERT INTO hoax_index_log (claim_id, at) VALUES ($1, $2)")
                    .bind(claim.id).bind(now).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new(action, "hoax_claim", claim.id)
                .in_region(event_region(claim.region_code.as_deref()))
                .with_summary(json!({"from": claim.status.as_str(), "to": to.as_str(), "detail": summary}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Write (or rewrite) the verdict of a claim in review, and move it to `to` (awaiting
    /// review, or published) in the same transaction.
    pub async fn hoax_save_verdict(
        &self,
        ctx: &AuditContext,
        claim: &ClaimRecord,
        verdict: &Clarification,
        to: ClaimStatus,
        title: Option<&str>,
    ) -> Result<()> {
        let now = Utc::now();
        let published = (to == ClaimStatus::Published).then_some(now);
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE hoax_claims SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4 AND updated_at = $5")
                .bind(to.as_str()).bind(now).bind(claim.id)
                .bind(claim.status.as_str()).bind(claim.updated_at)
                .execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("hoax_claim_changed".into()));
            }
            if let Some(t) = title {
                sqlx::query("UPDATE hoax_claims SET title = $1 WHERE id = $2")
                    .bind(t).bind(claim.id).execute(&mut *tx).await?;
            }
            sqlx::query(
                "INSERT INTO hoax_clarifications (claim_id, label, summary, explanation, sources, author_id, \
                 reviewer_id, published_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8) \
                 ON CONFLICT (claim_id) DO UPDATE SET label = excluded.label, summary = excluded.summary, \
                 explanation = excluded.explanation, sources = excluded.sources, author_id = excluded.author_id, \
                 reviewer_id = NULL, published_at = excluded.published_at, updated_at = excluded.updated_at")
                .bind(claim.id).bind(&verdict.label).bind(&verdict.summary).bind(&verdict.explanation)
                .bind(&verdict.sources).bind(verdict.author_id).bind(published).bind(now)
                .execute(&mut *tx).await?;
            if published.is_some() {
                sqlx::query("INSERT INTO hoax_index_log (claim_id, at) VALUES ($1, $2)")
                    .bind(claim.id).bind(now).execute(&mut *tx).await?;
            }
            let action = if published.is_some() { "hoax.publish" } else { "hoax.verdict" };
            let event = AuditEvent::new(action, "hoax_claim", claim.id)
                .in_region(event_region(claim.region_code.as_deref()))
                .with_summary(json!({"from": claim.status.as_str(), "to": to.as_str(), "label": verdict.label}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Publish a verdict awaiting review, recording its reviewer.
    pub async fn hoax_approve(
        &self,
        ctx: &AuditContext,
        claim: &ClaimRecord,
        reviewer: i64,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE hoax_claims SET status = 'published', updated_at = $1 WHERE id = $2 AND status = 'awaiting_review' AND updated_at = $3")
                .bind(now).bind(claim.id).bind(claim.updated_at).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("hoax_claim_changed".into()));
            }
            sqlx::query("UPDATE hoax_clarifications SET reviewer_id = $1, published_at = $2, updated_at = $2 WHERE claim_id = $3")
                .bind(reviewer).bind(now).bind(claim.id).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO hoax_index_log (claim_id, at) VALUES ($1, $2)")
                .bind(claim.id).bind(now).execute(&mut *tx).await?;
            let event = AuditEvent::new("hoax.approve", "hoax_claim", claim.id)
                .in_region(event_region(claim.region_code.as_deref()))
                .with_summary(json!({"from": "awaiting_review", "to": "published"}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn hoax_clarification(&self, claim_id: i64) -> Result<Option<Clarification>> {
        let sql =
            format!("SELECT {CLARIFICATION_COLUMNS} FROM hoax_clarifications WHERE claim_id = $1");
        with_pool!(self, p => Ok(sqlx::query_as(&sql).bind(claim_id).fetch_optional(p).await?))
    }

    /// Published clarifications with their claims, newest first.
    pub async fn hoax_published(
        &self,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<(ClaimRecord, Clarification)>> {
        let ids: Vec<i64> = with_pool!(self, p => sqlx::query_scalar(
            "SELECT c.claim_id FROM hoax_clarifications c JOIN hoax_claims h ON h.id = c.claim_id \
             WHERE h.status = 'published' AND c.published_at IS NOT NULL \
             ORDER BY c.published_at DESC, c.claim_id DESC LIMIT $1 OFFSET $2")
            .bind(limit).bind(offset).fetch_all(p).await?);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Two queries for the whole page (the export reads 500 at a time), not two per row.
        let (claims, clarifications): (Vec<ClaimRecord>, Vec<Clarification>) = with_pool!(self, p => {
            let mut q = QueryBuilder::new(format!("SELECT {CLAIM_COLUMNS} FROM hoax_claims WHERE id IN ("));
            let mut sep = q.separated(", ");
            for id in &ids {
                sep.push_bind(*id);
            }
            q.push(")");
            let claims = q.build_query_as().fetch_all(p).await?;
            let mut q = QueryBuilder::new(format!(
                "SELECT {CLARIFICATION_COLUMNS} FROM hoax_clarifications WHERE claim_id IN ("));
            let mut sep = q.separated(", ");
            for id in &ids {
                sep.push_bind(*id);
            }
            q.push(")");
            (claims, q.build_query_as().fetch_all(p).await?)
        });
        let mut claims: std::collections::HashMap<i64, ClaimRecord> =
            claims.into_iter().map(|c| (c.id, c)).collect();
        let mut clarifications: std::collections::HashMap<i64, Clarification> = clarifications
            .into_iter()
            .map(|c| (c.claim_id, c))
            .collect();
        Ok(ids
            .into_iter()
            .filter_map(|id| Some((claims.remove(&id)?, clarifications.remove(&id)?)))
            .collect())
    }

    pub async fn hoax_add_note(
        &self,
        ctx: &AuditContext,
        claim: &ClaimRecord,
        author: i64,
        body: &str,
    ) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO hoax_notes (claim_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(claim.id).bind(author).bind(body).bind(now).fetch_one(&mut *tx).await?;
            let event = AuditEvent::new("hoax.note", "hoax_claim", claim.id)
                .in_region(event_region(claim.region_code.as_deref()))
                .with_summary(json!({"note_id": id}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn hoax_notes(&self, claim_id: i64) -> Result<Vec<Note>> {
        with_pool!(self, p => Ok(sqlx::query_as(
            "SELECT n.id, n.author_id, u.display_name AS author_name, n.body, n.created_at \
             FROM hoax_notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.claim_id = $1 ORDER BY n.id")
            .bind(claim_id).fetch_all(p).await?))
    }

    /// Merge `from` into `into`: its reports move, counts and first/last seen follow.
    pub async fn hoax_merge(
        &self,
        ctx: &AuditContext,
        from: &ClaimRecord,
        into: &ClaimRecord,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE hoax_claims SET status = 'merged', merged_into = $1, updated_at = $2 \
                 WHERE id = $3 AND status = $4 AND updated_at = $5")
                .bind(into.id).bind(now).bind(from.id).bind(from.status.as_str()).bind(from.updated_at)
                .execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("hoax_claim_changed".into()));
            }
            sqlx::query("UPDATE hoax_reports SET claim_id = $1 WHERE claim_id = $2")
                .bind(into.id).bind(from.id).execute(&mut *tx).await?;
            let into_done = sqlx::query(
                "UPDATE hoax_claims SET report_count = report_count + $1, \
                 first_seen_at = CASE WHEN first_seen_at < $2 THEN first_seen_at ELSE $2 END, \
                 last_seen_at = CASE WHEN last_seen_at > $3 THEN last_seen_at ELSE $3 END, updated_at = $4 \
                 WHERE id = $5 AND status <> 'merged'")
                .bind(from.report_count).bind(from.first_seen_at).bind(from.last_seen_at).bind(now).bind(into.id)
                .execute(&mut *tx).await?;
            if into_done.rows_affected() == 0 {
                return Err(StoreError::Conflict("hoax_claim_changed".into()));
            }
            for id in [from.id, into.id] {
                sqlx::query("INSERT INTO hoax_index_log (claim_id, at) VALUES ($1, $2)")
                    .bind(id).bind(now).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("hoax.merge", "hoax_claim", from.id)
                .in_region(event_region(from.region_code.as_deref()))
                .with_summary(json!({"into": into.id, "reports": from.report_count}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Split the reports `report_ids` of `from` off into a new claim (status new, the first
    /// moved report's text as its body); counts and first/last seen of both follow. Refused
    /// (`Invalid`) when a report is not `from`'s or when every report would move.
    pub async fn hoax_split(
        &self,
        ctx: &AuditContext,
        from: &ClaimRecord,
        report_ids: &[i64],
        title: &str,
    ) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let same = sqlx::query(
                "UPDATE hoax_claims SET updated_at = $1 WHERE id = $2 AND status = $3 AND updated_at = $4")
                .bind(now).bind(from.id).bind(from.status.as_str()).bind(from.updated_at)
                .execute(&mut *tx).await?;
            if same.rows_affected() == 0 {
                return Err(StoreError::Conflict("hoax_claim_changed".into()));
            }
            let mut qb = QueryBuilder::new(
                "SELECT id, body, region_code, created_at FROM hoax_reports WHERE claim_id = ");
            qb.push_bind(from.id).push(" AND id IN (");
            let mut sep = qb.separated(", ");
            for id in report_ids {
                sep.push_bind(*id);
            }
            qb.push(") ORDER BY id");
            let moved: Vec<(i64, String, Option<String>, DateTime<Utc>)> =
                qb.build_query_as().fetch_all(&mut *tx).await?;
            let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hoax_reports WHERE claim_id = $1")
                .bind(from.id).fetch_one(&mut *tx).await?;
            if moved.is_empty() || moved.len() != report_ids.len() || moved.len() as i64 >= total {
                return Err(StoreError::Invalid("split_reports".into()));
            }
            let first = moved.iter().map(|m| m.3).min().unwrap_or(now);
            let last = moved.iter().map(|m| m.3).max().unwrap_or(now);
            let region = moved.iter().find_map(|m| m.2.clone());
            let new_id: i64 = sqlx::query_scalar(
                "INSERT INTO hoax_claims (title, body, status, topic, region_code, report_count, \
                 first_seen_at, last_seen_at, created_at, updated_at) \
                 VALUES ($1, $2, 'new', $3, $4, $5, $6, $7, $8, $8) RETURNING id")
                .bind(title).bind(&moved[0].1).bind(&from.topic).bind(&region)
                .bind(moved.len() as i64).bind(first).bind(last).bind(now)
                .fetch_one(&mut *tx).await?;
            for (id, ..) in &moved {
                sqlx::query("UPDATE hoax_reports SET claim_id = $1 WHERE id = $2")
                    .bind(new_id).bind(*id).execute(&mut *tx).await?;
            }
            sqlx::query(
                "UPDATE hoax_claims SET report_count = (SELECT COUNT(*) FROM hoax_reports WHERE claim_id = $1), \
                 first_seen_at = COALESCE((SELECT MIN(created_at) FROM hoax_reports WHERE claim_id = $1), first_seen_at), \
                 last_seen_at = COALESCE((SELECT MAX(created_at) FROM hoax_reports WHERE claim_id = $1), last_seen_at) \
                 WHERE id = $1")
                .bind(from.id).execute(&mut *tx).await?;
            for id in [from.id, new_id] {
                sqlx::query("INSERT INTO hoax_index_log (claim_id, at) VALUES ($1, $2)")
                    .bind(id).bind(now).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("hoax.split", "hoax_claim", from.id)
                .in_region(event_region(from.region_code.as_deref()))
                .with_summary(json!({"into": new_id, "reports": moved.len()}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(new_id)
        })
    }

    /// Store reviews read from a fact-check archive as published clarifications (claims with
    /// no reports, in `region`, by `author_id`), all or nothing. A review whose claim text is
    /// already a published claim's is skipped. Returns (imported, skipped).
    pub async fn hoax_import_reviews(
        &self,
        ctx: &AuditContext,
        reviews: &[ImportedClaim<'_>],
        region: Option<&RegionCode>,
        author_id: i64,
    ) -> Result<(usize, usize)> {
        let now = Utc::now();
        let region = region.map(|r| r.to_string());
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let (mut imported, mut skipped) = (0usize, 0usize);
            let mut seen = std::collections::HashSet::new();
            for ImportedClaim { title, topic, review: r } in reviews {
                let exists: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM hoax_claims WHERE body = $1 AND status = 'published' LIMIT 1")
                    .bind(&r.claim).fetch_optional(&mut *tx).await?;
                if exists.is_some() || !seen.insert(r.claim.as_str()) {
                    skipped += 1;
                    continue;
                }
                let published = r.published_at.unwrap_or(now);
                let seen_at = r.claim_seen_at.unwrap_or(published);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO hoax_claims (title, body, status, topic, region_code, report_count, \
                     first_seen_at, last_seen_at, created_at, updated_at) \
                     VALUES ($1, $2, 'published', $3, $4, 0, $5, $5, $6, $6) RETURNING id")
                    .bind(title).bind(&r.claim).bind(topic).bind(&region)
                    .bind(seen_at).bind(now)
                    .fetch_one(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO hoax_clarifications (claim_id, label, summary, explanation, sources, author_id, \
                     reviewer_id, published_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)")
                    .bind(id).bind(r.label.as_str()).bind(&r.summary).bind(&r.explanation)
                    .bind(r.sources.join("\n")).bind(author_id).bind(published).bind(now)
                    .execute(&mut *tx).await?;
                sqlx::query("INSERT INTO hoax_index_log (claim_id, at) VALUES ($1, $2)")
                    .bind(id).bind(now).execute(&mut *tx).await?;
                imported += 1;
            }
            let event = AuditEvent::new("hoax.import", "hoax_settings", author_id)
                .in_region(region.as_deref().and_then(|c| RegionCode::parse(c).ok()))
                .with_summary(json!({"imported": imported, "skipped": skipped}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok((imported, skipped))
        })
    }

    /// The newest change-log id (0 when none).
    pub async fn hoax_index_head(&self) -> Result<i64> {
        with_pool!(self, p => Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM hoax_index_log")
            .fetch_one(p).await?.unwrap_or(0)))
    }

    /// The last change-log id, and the claims changed after `after`.
    pub async fn hoax_index_changes(&self, after: i64) -> Result<(i64, Vec<i64>)> {
        let rows: Vec<(i64, i64)> = with_pool!(self, p => sqlx::query_as(
            "SELECT id, claim_id FROM hoax_index_log WHERE id > $1 ORDER BY id LIMIT 5000")
            .bind(after).fetch_all(p).await?);
        let last = rows.last().map_or(after, |r| r.0);
        let mut claims: Vec<i64> = rows.into_iter().map(|r| r.1).collect();
        claims.sort_unstable();
        claims.dedup();
        Ok((last, claims))
    }

    /// The texts of claims (all claims not merged when `ids` is `None`) for the matcher.
    pub async fn hoax_index_texts(&self, ids: Option<&[i64]>) -> Result<Vec<IndexTexts>> {
        type Row = (i64, String, String);
        type ReportRow = (i64, String, String, String);
        let (claims, reports): (Vec<Row>, Vec<ReportRow>) = with_pool!(self, p => {
            let mut qb = QueryBuilder::new("SELECT id, status, body FROM hoax_claims WHERE status <> 'merged'");
            let mut rq = QueryBuilder::new(
                "SELECT r.claim_id, r.body, r.links, r.image_hashes FROM hoax_reports r \
                 JOIN hoax_claims c ON c.id = r.claim_id WHERE c.status <> 'merged' AND r.instant = FALSE");
            if let Some(ids) = ids {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                for (q, col) in [(&mut qb, "id"), (&mut rq, "r.claim_id")] {
                    q.push(format!(" AND {col} IN ("));
                    let mut sep = q.separated(", ");
                    for id in ids {
                        sep.push_bind(*id);
                    }
                    q.push(")");
                }
            }
            let claims: Vec<Row> = qb.build_query_as().fetch_all(p).await?;
            let reports = rq.build_query_as().fetch_all(p).await?;
            (claims, reports)
        });
        let mut out: Vec<IndexTexts> = Vec::with_capacity(claims.len());
        let mut pos = std::collections::HashMap::new();
        for (id, status, body) in claims {
            let status = ClaimStatus::parse(&status)
                .ok_or_else(|| StoreError::Invalid(format!("claim status {status:?}")))?;
            pos.insert(id, out.len());
            out.push(IndexTexts {
                claim_id: id,
                status,
                texts: vec![(body, String::new(), String::new())],
            });
        }
        for (claim_id, body, links, hashes) in reports {
            if let Some(&i) = pos.get(&claim_id) {
                out[i].texts.push((body, links, hashes));
            }
        }
        Ok(out)
    }

    /// Count one submission from `bucket` in the window starting at `window_start`; false when,
    /// with the previous window (starting at `previous`), the bucket went over `limit`. Two
    /// fixed windows read together keep a burst across a window boundary from passing twice.
    pub async fn hoax_intake_allow(
        &self,
        bucket: &str,
        window_start: DateTime<Utc>,
        previous: DateTime<Utc>,
        limit: i64,
    ) -> Result<bool> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n: i64 = sqlx::query_scalar(
                "INSERT INTO hoax_intake_counts (bucket, window_start, n) VALUES ($1, $2, 1) \
                 ON CONFLICT (bucket, window_start) DO UPDATE SET n = hoax_intake_counts.n + 1 RETURNING n")
                .bind(bucket).bind(window_start).fetch_one(&mut *tx).await?;
            let before: Option<i64> = sqlx::query_scalar(
                "SELECT n FROM hoax_intake_counts WHERE bucket = $1 AND window_start = $2")
                .bind(bucket).bind(previous).fetch_optional(&mut *tx).await?;
            sqlx::query("DELETE FROM hoax_intake_counts WHERE window_start < $1")
                .bind(previous - chrono::Duration::days(1)).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(n + before.unwrap_or(0) <= limit)
        })
    }

    /// Whether the office of `region` (its nearest ancestor with a setting) requires a second
    /// verifier; false where no office set it.
    pub async fn hoax_second_review(&self, region: Option<&RegionCode>) -> Result<bool> {
        let mut candidates: Vec<String> = Vec::new();
        let mut r = region.cloned();
        while let Some(code) = r {
            candidates.push(code.to_string());
            r = code.parent();
        }
        candidates.push(String::new());
        with_pool!(self, p => {
            for c in &candidates {
                let v: Option<bool> = sqlx::query_scalar("SELECT second_review FROM hoax_settings WHERE region_code = $1")
                    .bind(c).fetch_optional(p).await?;
                if let Some(v) = v {
                    return Ok(v);
                }
            }
            Ok(false)
        })
    }

    /// Set an office's second-review rule (`region` `None`: the whole installation).
    pub async fn hoax_set_second_review(
        &self,
        ctx: &AuditContext,
        region: Option<&RegionCode>,
        on: bool,
        by: i64,
    ) -> Result<()> {
        let key = region.map(|r| r.to_string()).unwrap_or_default();
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO hoax_settings (region_code, second_review, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (region_code) DO UPDATE SET second_review = excluded.second_review, \
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at")
                .bind(&key).bind(on).bind(by).bind(now).execute(&mut *tx).await?;
            let event = AuditEvent::new("hoax.settings", "hoax_settings", &key)
                .in_region(region.cloned())
                .with_summary(json!({"second_review": on}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Reports of a claim not yet answered.
    pub async fn hoax_unanswered(&self, claim_id: i64) -> Result<Vec<ReportRecord>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM hoax_reports WHERE claim_id = $1 AND answered_at IS NULL ORDER BY id LIMIT 5000"
        );
        with_pool!(self, p => Ok(sqlx::query_as(&sql).bind(claim_id).fetch_all(p).await?))
    }

    pub async fn hoax_mark_answered(&self, report_ids: &[i64]) -> Result<()> {
        if report_ids.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new("UPDATE hoax_reports SET answered_at = ");
            qb.push_bind(now);
            qb.push(" WHERE answered_at IS NULL AND id IN (");
            let mut sep = qb.separated(", ");
            for id in report_ids {
                sep.push_bind(*id);
            }
            qb.push(")");
            qb.build().execute(p).await?;
            Ok(())
        })
    }

    /// Trends since `since` in `territory`: by topic, by kabupaten/kota, by week, and the open
    /// claims with the most reports in the last seven days.
    pub async fn hoax_trends(
        &self,
        territory: &ScopeRegions,
        since: DateTime<Utc>,
    ) -> Result<Trends> {
        let week_ago = Utc::now() - chrono::Duration::days(7);
        type TrendRow = (i64, Option<String>, Option<String>, DateTime<Utc>);
        let rows: Vec<TrendRow> = with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT r.claim_id, c.topic, r.region_code, r.created_at FROM hoax_reports r \
                 JOIN hoax_claims c ON c.id = r.claim_id WHERE r.created_at >= ");
            qb.push_bind(since);
            if !matches!(territory, ScopeRegions::All) {
                qb.push(" AND (1 = 1");
                push_territory(&mut qb, "r.region_code", territory);
                qb.push(")");
            }
            qb.push(" LIMIT 200000");
            qb.build_query_as().fetch_all(p).await?
        });
        use std::collections::{BTreeMap, HashMap, HashSet};
        let mut topics: BTreeMap<Option<String>, (HashSet<i64>, i64)> = BTreeMap::new();
        let mut regions: HashMap<String, i64> = HashMap::new();
        let mut weeks: BTreeMap<String, i64> = BTreeMap::new();
        let mut recent: HashMap<i64, i64> = HashMap::new();
        for (claim, topic, region, at) in rows {
            let t = topics.entry(topic).or_default();
            t.0.insert(claim);
            t.1 += 1;
            if let Some(r) = region {
                let regency: String = r.split('.').take(2).collect::<Vec<_>>().join(".");
                *regions.entry(regency).or_default() += 1;
            }
            let date = at.date_naive();
            let monday = date
                - chrono::Duration::days(i64::from(
                    chrono::Datelike::weekday(&date).num_days_from_monday(),
                ));
            *weeks.entry(monday.to_string()).or_default() += 1;
            if at >= week_ago {
                *recent.entry(claim).or_default() += 1;
            }
        }
        let mut by_topic: Vec<(Option<String>, i64, i64)> = topics
            .into_iter()
            .map(|(t, (c, n))| (t, c.len() as i64, n))
            .collect();
        by_topic.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        let mut by_region: Vec<(String, i64)> = regions.into_iter().collect();
        by_region.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        by_region.truncate(20);
        let mut hot: Vec<(i64, i64)> = recent.into_iter().collect();
        hot.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut spreading = Vec::new();
        for (id, n) in hot {
            let c = self.hoax_claim(id).await?;
            if c.status.is_open() {
                spreading.push((c, n));
            }
            if spreading.len() >= 10 {
                break;
            }
        }
        Ok(Trends {
            by_topic,
            by_region,
            by_week: weeks.into_iter().collect(),
            spreading,
        })
    }
}
