//! Dissemination: packages with their versions and attachments, the KIMs each reaches, the KIMs'
//! reports, reach counts; the program calendar and decisions on overlaps. Every change writes
//! its audit row in its own transaction.

use crate::connect::BeginWrite;
use crate::filter::push_territory;
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::authz::ScopeRegions;
use simpul_core::dissem::{PackageStatus, Resolved, Review, TargetState};
use simpul_core::RegionCode;
use sqlx::QueryBuilder;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PackageRecord {
    pub id: i64,
    pub title: String,
    pub topic: String,
    pub key_messages: String,
    pub body: String,
    /// JSON object: caption channel → text.
    pub captions: String,
    pub video_link: String,
    /// One target a line (`region:35.14`, `group:3`, `topic:health`).
    pub targets: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub priority: String,
    #[sqlx(try_from = "String")]
    pub status: PackageStatus,
    pub owner_region: Option<String>,
    pub version: i64,
    pub created_by: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const PACKAGE_COLUMNS: &str = "id, title, topic, key_messages, body, captions, video_link, \
     targets, starts_on, ends_on, priority, status, owner_region, version, created_by, \
     published_at, created_at, updated_at";

/// What a package says and whom it is for.
#[derive(Debug, Clone, Default)]
pub struct PackageData {
    pub title: String,
    pub topic: String,
    pub key_messages: String,
    pub body: String,
    pub captions: String,
    pub video_link: String,
    pub targets: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub priority: String,
    pub owner_region: Option<RegionCode>,
}

/// A file to attach: (file name, content type, bytes).
pub type NewAttachment = (String, String, Vec<u8>);

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct VersionRecord {
    pub version: i64,
    pub change_note: String,
    /// Comma-separated names of the fields that changed.
    pub changed: String,
    pub created_at: DateTime<Utc>,
}

/// A targeted KIM as the board shows it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TargetRow {
    pub kim_id: i64,
    pub kim_name: String,
    pub village_code: String,
    pub regency_code: String,
    /// The KIM's own location, if it has one (the reach map).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    #[sqlx(try_from = "String")]
    pub state: TargetState,
    pub acted_at: Option<DateTime<Utc>>,
}

/// A package in a KIM's inbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboxRow {
    pub id: i64,
    pub title: String,
    pub topic: String,
    pub priority: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub version: i64,
    #[sqlx(try_from = "String")]
    pub state: TargetState,
}

#[derive(Debug, Clone)]
pub struct NewReport {
    pub package_id: i64,
    pub kim_id: i64,
    pub regency_code: String,
    pub channel: &'static str,
    pub reported_on: NaiveDate,
    pub reach: i64,
    pub link: String,
    pub review: Review,
    pub photo: Option<Vec<u8>>,
    pub author_id: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ReportRecord {
    pub id: i64,
    pub package_id: i64,
    pub package_title: String,
    pub kim_id: i64,
    pub kim_name: String,
    pub regency_code: String,
    pub channel: String,
    pub reported_on: NaiveDate,
    pub reach: i64,
    pub link: String,
    #[sqlx(try_from = "String")]
    pub review: Review,
    pub has_photo: bool,
    pub created_at: DateTime<Utc>,
}

const REPORT_SELECT: &str = "SELECT r.id, r.package_id, p.title AS package_title, r.kim_id, \
     k.name AS kim_name, r.regency_code, r.channel, r.reported_on, r.reach, r.link, r.review, \
     (r.photo IS NOT NULL) AS has_photo, r.created_at \
     FROM dissem_reports r JOIN dissem_packages p ON p.id = r.package_id JOIN kims k ON k.id = r.kim_id";

/// Which reports a list or a count covers.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub package_id: Option<i64>,
    pub kim_id: Option<i64>,
    /// Packages owned inside this territory (`None`: any owner).
    pub owners: Option<ScopeRegions>,
    pub review: Option<Review>,
}

/// Reach counted from reports that are not flagged or rejected.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Reach {
    /// (package id, title, people reached, reports, KIMs that acted, KIMs targeted), most
    /// reached first.
    pub by_package: Vec<(i64, String, i64, i64, i64, i64)>,
    /// (kabupaten/kota code, people reached, reports).
    pub by_regency: Vec<(String, i64, i64)>,
    /// (channel, people reached, reports).
    pub by_channel: Vec<(String, i64, i64)>,
    /// (day, people reached).
    pub by_day: Vec<(NaiveDate, i64)>,
    /// Reports waiting for a review of their reach.
    pub flagged: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ProgramRecord {
    pub id: i64,
    pub theme: String,
    pub topic: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Comma-separated region codes.
    pub regions: String,
    pub owner_region: Option<String>,
    /// Comma-separated channels (`kim` when it goes through the KIMs).
    pub channels: String,
    pub budget_line: String,
    pub created_by: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

const PROGRAM_COLUMNS: &str = "id, theme, topic, starts_on, ends_on, regions, owner_region, \
     channels, budget_line, created_by, updated_at";

#[derive(Debug, Clone, Default)]
pub struct ProgramData {
    pub theme: String,
    pub topic: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub regions: String,
    pub owner_region: Option<RegionCode>,
    pub channels: String,
    pub budget_line: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DecisionRecord {
    pub a_id: i64,
    pub b_id: i64,
    pub decision: String,
    pub note: String,
    pub decided_by: Option<i64>,
    pub decided_at: DateTime<Utc>,
}

fn region_of(code: Option<&str>) -> Option<RegionCode> {
    code.and_then(|c| RegionCode::parse(c).ok())
}

/// Statuses of KIMs a package reaches: verified and working ones, and inactive ones (a report
/// brings them back to life).
const TARGETABLE: &str = "('verified', 'active', 'inactive')";

impl Store {
    /// Write a new draft package with its attachments.
    pub async fn dissem_create(
        &self,
        ctx: &AuditContext,
        data: &PackageData,
        attachments: &[NewAttachment],
        created_by: Option<i64>,
    ) -> Result<i64> {
        let now = Utc::now();
        let owner = data.owner_region.as_ref().map(|r| r.to_string());
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dissem_packages (title, topic, key_messages, body, captions, video_link, targets, \
                 starts_on, ends_on, priority, status, owner_region, version, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, 1, $12, $13, $13) RETURNING id")
                .bind(&data.title).bind(&data.topic).bind(&data.key_messages).bind(&data.body)
                .bind(&data.captions).bind(&data.video_link).bind(&data.targets)
                .bind(data.starts_on).bind(data.ends_on).bind(&data.priority).bind(&owner)
                .bind(created_by).bind(now)
                .fetch_one(&mut *tx).await?;
            for (name, ct, bytes) in attachments {
                sqlx::query("INSERT INTO dissem_attachments (package_id, filename, content_type, data) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(name).bind(ct).bind(bytes).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("dissem.create", "dissem_package", id)
                .in_region(data.owner_region.clone())
                .with_summary(json!({"title": data.title, "topic": data.topic}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Rewrite a package (if unchanged since `seen`). A published package's rewrite is a
    /// correction: its version grows and the change note is kept with the changed fields.
    pub async fn dissem_update(
        &self,
        ctx: &AuditContext,
        seen: &PackageRecord,
        data: &PackageData,
        attachments: &[NewAttachment],
        correction: Option<(&str, &str, Option<i64>)>,
    ) -> Result<i64> {
        let now = Utc::now();
        let owner = data.owner_region.as_ref().map(|r| r.to_string());
        let version = seen.version + i64::from(correction.is_some());
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE dissem_packages SET title = $1, topic = $2, key_messages = $3, body = $4, captions = $5, \
                 video_link = $6, targets = $7, starts_on = $8, ends_on = $9, priority = $10, owner_region = $11, \
                 version = $12, updated_at = $13 WHERE id = $14 AND updated_at = $15 AND status = $16")
                .bind(&data.title).bind(&data.topic).bind(&data.key_messages).bind(&data.body)
                .bind(&data.captions).bind(&data.video_link).bind(&data.targets)
                .bind(data.starts_on).bind(data.ends_on).bind(&data.priority).bind(&owner)
                .bind(version).bind(now).bind(seen.id).bind(seen.updated_at).bind(seen.status.as_str())
                .execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("dissem_package_changed".into()));
            }
            for (name, ct, bytes) in attachments {
                sqlx::query("INSERT INTO dissem_attachments (package_id, filename, content_type, data) VALUES ($1, $2, $3, $4)")
                    .bind(seen.id).bind(name).bind(ct).bind(bytes).execute(&mut *tx).await?;
            }
            if let Some((note, changed, author)) = correction {
                sqlx::query("INSERT INTO dissem_versions (package_id, version, change_note, changed, author_id, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(seen.id).bind(version).bind(note).bind(changed).bind(author).bind(now)
                    .execute(&mut *tx).await?;
            }
            let event = AuditEvent::new(if correction.is_some() { "dissem.correct" } else { "dissem.update" }, "dissem_package", seen.id)
                .in_region(data.owner_region.clone())
                .with_summary(json!({"title": data.title, "version": version,
                    "changed": correction.map(|c| c.1), "note": correction.map(|c| c.0)}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(version)
        })
    }

    /// Move a package from its state (as `seen`) to `to`.
    pub async fn dissem_move(
        &self,
        ctx: &AuditContext,
        seen: &PackageRecord,
        to: PackageStatus,
    ) -> Result<()> {
        let now = Utc::now();
        let published = (to == PackageStatus::Published).then_some(now);
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE dissem_packages SET status = $1, updated_at = $2, published_at = COALESCE($3, published_at) \
                 WHERE id = $4 AND status = $5 AND updated_at = $6")
                .bind(to.as_str()).bind(now).bind(published).bind(seen.id)
                .bind(seen.status.as_str()).bind(seen.updated_at)
                .execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("dissem_package_changed".into()));
            }
            let event = AuditEvent::new("dissem.transition", "dissem_package", seen.id)
                .in_region(region_of(seen.owner_region.as_deref()))
                .with_summary(json!({"title": seen.title, "from": seen.status.as_str(), "to": to.as_str()}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn dissem_package(&self, id: i64) -> Result<PackageRecord> {
        let sql = format!("SELECT {PACKAGE_COLUMNS} FROM dissem_packages WHERE id = $1");
        with_pool!(self, p => Ok(sqlx::query_as(&sql).bind(id).fetch_optional(p).await?
            .ok_or(StoreError::NotFound)?))
    }

    /// Packages owned inside `owners` (national packages only for the whole country), or
    /// written by `author`, newest first.
    pub async fn dissem_packages(
        &self,
        owners: &ScopeRegions,
        author: Option<i64>,
        limit: i64,
    ) -> Result<Vec<PackageRecord>> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("SELECT {PACKAGE_COLUMNS} FROM dissem_packages WHERE ((1 = 1"));
            if !matches!(owners, ScopeRegions::All) {
                qb.push(" AND owner_region IS NOT NULL");
                push_territory(&mut qb, "owner_region", owners);
            }
            qb.push(") OR created_by = ").push_bind(author.unwrap_or(0));
            qb.push(") ORDER BY updated_at DESC, id DESC LIMIT ").push_bind(limit);
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// Published packages still running on `today` (for targeting KIMs verified later).
    pub async fn dissem_running(&self, today: NaiveDate) -> Result<Vec<PackageRecord>> {
        let sql = format!(
            "SELECT {PACKAGE_COLUMNS} FROM dissem_packages WHERE status = 'published' AND ends_on >= $1 ORDER BY id"
        );
        with_pool!(self, p => Ok(sqlx::query_as(&sql).bind(today).fetch_all(p).await?))
    }

    pub async fn dissem_versions(&self, package_id: i64) -> Result<Vec<VersionRecord>> {
        with_pool!(self, p => Ok(sqlx::query_as(
            "SELECT version, change_note, changed, created_at FROM dissem_versions WHERE package_id = $1 ORDER BY version DESC")
            .bind(package_id).fetch_all(p).await?))
    }

    /// A package's attachments: (id, file name, content type).
    pub async fn dissem_attachments(&self, package_id: i64) -> Result<Vec<(i64, String, String)>> {
        with_pool!(self, p => Ok(sqlx::query_as(
            "SELECT id, filename, content_type FROM dissem_attachments WHERE package_id = $1 ORDER BY id")
            .bind(package_id).fetch_all(p).await?))
    }

    /// One attachment: (package id, file name, content type, bytes).
    pub async fn dissem_attachment(&self, id: i64) -> Result<(i64, String, String, Vec<u8>)> {
        with_pool!(self, p => Ok(sqlx::query_as(
            "SELECT package_id, filename, content_type, data FROM dissem_attachments WHERE id = $1")
            .bind(id).fetch_optional(p).await?.ok_or(StoreError::NotFound)?))
    }

    /// The KIMs a target reaches inside `owner` (`None`: anywhere): (KIM, kabupaten/kota).
    /// An empty geographic part means the whole of `owner`.
    pub async fn dissem_resolve(
        &self,
        target: &Resolved,
        owner: Option<&RegionCode>,
    ) -> Result<Vec<(i64, String)>> {
        let owner_scope = match owner {
            Some(r) => ScopeRegions::Regions(vec![r.clone()]),
            None => ScopeRegions::All,
        };
        let mut group_regencies: Vec<String> = Vec::new();
        with_pool!(self, p => {
            for part in target.groups.chunks(200) {
                let mut qb = QueryBuilder::new("SELECT regency_code FROM coordination_group_members WHERE group_id IN (");
                let mut sep = qb.separated(", ");
                for g in part {
                    sep.push_bind(*g);
                }
                qb.push(")");
                group_regencies.extend(qb.build_query_scalar::<String>().fetch_all(p).await?);
            }
            let mut geo: Vec<RegionCode> = target.regions.clone();
            geo.extend(group_regencies.iter().filter_map(|c| RegionCode::parse(c).ok()));
            if geo.is_empty() && (!target.groups.is_empty() || target.topics.is_empty()) {
                // Groups that hold no kabupaten/kota, or no target at all: nobody.
                return Ok(Vec::new());
            }
            let geo_scope = ScopeRegions::union([ScopeRegions::Regions(geo)]);
            let mut qb = QueryBuilder::new(format!(
                "SELECT id, regency_code FROM kims WHERE status IN {TARGETABLE}"));
            push_territory(&mut qb, "village_code", &owner_scope);
            if let ScopeRegions::Regions(r) = &geo_scope {
                if !r.is_empty() {
                    push_territory(&mut qb, "village_code", &geo_scope);
                }
            }
            if !target.topics.is_empty() {
                qb.push(" AND EXISTS (SELECT 1 FROM kim_topics t WHERE t.kim_id = kims.id AND t.topic IN (");
                let mut sep = qb.separated(", ");
                for t in &target.topics {
                    sep.push_bind(t.as_str().to_string());
                }
                qb.push("))");
            }
            qb.push(" ORDER BY id");
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// Add the KIMs not yet targeted; returns those added.
    pub async fn dissem_add_targets(
        &self,
        package_id: i64,
        kims: &[(i64, String)],
    ) -> Result<Vec<i64>> {
        let now = Utc::now();
        with_pool!(self, p => {
            let existing: Vec<i64> = sqlx::query_scalar("SELECT kim_id FROM dissem_targets WHERE package_id = $1")
                .bind(package_id).fetch_all(p).await?;
            let existing: std::collections::HashSet<i64> = existing.into_iter().collect();
            let fresh: Vec<&(i64, String)> = kims.iter().filter(|(k, _)| !existing.contains(k)).collect();
            let mut tx = p.begin_write().await?;
            for part in fresh.chunks(500) {
                let mut qb = QueryBuilder::new("INSERT INTO dissem_targets (package_id, kim_id, regency_code, state, added_at) ");
                qb.push_values(part, |mut b, (kim, regency)| {
                    b.push_bind(package_id).push_bind(*kim).push_bind(regency.clone())
                        .push_bind("new").push_bind(now);
                });
                qb.push(" ON CONFLICT (package_id, kim_id) DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(fresh.into_iter().map(|(k, _)| *k).collect())
        })
    }

    /// Targeted KIMs not yet told of the package.
    pub async fn dissem_unnotified(&self, package_id: i64) -> Result<Vec<i64>> {
        with_pool!(self, p => Ok(sqlx::query_scalar(
            "SELECT kim_id FROM dissem_targets WHERE package_id = $1 AND notified_at IS NULL ORDER BY kim_id")
            .bind(package_id).fetch_all(p).await?))
    }

    pub async fn dissem_mark_notified(&self, package_id: i64, kims: &[i64]) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            for part in kims.chunks(500) {
                let mut qb = QueryBuilder::new("UPDATE dissem_targets SET notified_at = ");
                qb.push_bind(now).push(" WHERE package_id = ").push_bind(package_id).push(" AND kim_id IN (");
                let mut sep = qb.separated(", ");
                for k in part {
                    sep.push_bind(*k);
                }
                qb.push(")");
                qb.build().execute(p).await?;
            }
            Ok(())
        })
    }

    /// The KIMs a package reaches, with their state, not acted first.
    pub async fn dissem_targets(&self, package_id: i64) -> Result<Vec<TargetRow>> {
        with_pool!(self, p => Ok(sqlx::query_as(
            "SELECT t.kim_id, k.name AS kim_name, k.village_code, t.regency_code, k.lat, k.lon, t.state, t.acted_at \
             FROM dissem_targets t JOIN kims k ON k.id = t.kim_id WHERE t.package_id = $1 \
             ORDER BY CASE t.state WHEN 'done' THEN 1 ELSE 0 END, t.regency_code, k.name")
            .bind(package_id).fetch_all(p).await?))
    }

    /// KIMs that opened or reported a package (told of a correction).
    pub async fn dissem_acted(&self, package_id: i64) -> Result<Vec<i64>> {
        with_pool!(self, p => Ok(sqlx::query_scalar(
            "SELECT kim_id FROM dissem_targets WHERE package_id = $1 AND state <> 'new' ORDER BY kim_id")
            .bind(package_id).fetch_all(p).await?))
    }

    /// Where a KIM is with a package (`None`: not aimed at it).
    pub async fn dissem_target_state(
        &self,
        package_id: i64,
        kim_id: i64,
    ) -> Result<Option<(TargetState, String)>> {
        let row: Option<(String, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT state, regency_code FROM dissem_targets WHERE package_id = $1 AND kim_id = $2")
            .bind(package_id).bind(kim_id).fetch_optional(p).await?);
        Ok(row.and_then(|(s, r)| TargetState::parse(&s).map(|s| (s, r))))
    }

    /// The officer opened the package: new → in progress.
    pub async fn dissem_opened(&self, package_id: i64, kim_id: i64) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query("UPDATE dissem_targets SET state = 'in_progress' WHERE package_id = $1 AND kim_id = $2 AND state = 'new'")
                .bind(package_id).bind(kim_id).execute(p).await?;
            Ok(())
        })
    }

    /// Published packages aimed at a KIM, the running ones first.
    pub async fn dissem_inbox(&self, kim_id: i64) -> Result<Vec<InboxRow>> {
        with_pool!(self, p => Ok(sqlx::query_as(
            "SELECT p.id, p.title, p.topic, p.priority, p.starts_on, p.ends_on, p.version, t.state \
             FROM dissem_targets t JOIN dissem_packages p ON p.id = t.package_id \
             WHERE t.kim_id = $1 AND p.status = 'published' ORDER BY p.ends_on DESC, p.id DESC LIMIT 300")
            .bind(kim_id).fetch_all(p).await?))
    }

    /// Write a report: the target is done and the KIM counts as active, in one transaction.
    pub async fn dissem_add_report(&self, ctx: &AuditContext, r: &NewReport) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dissem_reports (package_id, kim_id, regency_code, channel, reported_on, reach, link, review, \
                 photo, author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
                .bind(r.package_id).bind(r.kim_id).bind(&r.regency_code).bind(r.channel)
                .bind(r.reported_on).bind(r.reach).bind(&r.link).bind(r.review.as_str())
                .bind(&r.photo).bind(r.author_id).bind(now)
                .fetch_one(&mut *tx).await?;
            let done = sqlx::query("UPDATE dissem_targets SET state = 'done', acted_at = COALESCE(acted_at, $1) \
                                    WHERE package_id = $2 AND kim_id = $3")
                .bind(now).bind(r.package_id).bind(r.kim_id).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("UPDATE kims SET last_activity_at = $1 WHERE id = $2")
                .bind(now).bind(r.kim_id).execute(&mut *tx).await?;
            let event = AuditEvent::new("dissem.report", "dissem_report", id)
                .in_region(RegionCode::parse(&r.regency_code).ok())
                .with_summary(json!({"package_id": r.package_id, "kim_id": r.kim_id, "channel": r.channel,
                    "reach": r.reach, "review": r.review.as_str()}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn dissem_reports(&self, f: &ReportFilter, limit: i64) -> Result<Vec<ReportRecord>> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("{REPORT_SELECT} WHERE 1 = 1"));
            push_report_filter(&mut qb, f);
            qb.push(" ORDER BY r.id DESC LIMIT ").push_bind(limit);
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// A KIM's activity in dissemination: (reports, people reached counted).
    pub async fn dissem_kim_totals(&self, kim_id: i64) -> Result<(i64, i64)> {
        with_pool!(self, p => Ok(sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN review IN ('ok', 'accepted') THEN reach ELSE 0 END), 0) AS BIGINT) \
             FROM dissem_reports WHERE kim_id = $1")
            .bind(kim_id).fetch_one(p).await?))
    }

    /// A report's photo: (package id, PNG).
    pub async fn dissem_report_photo(&self, report_id: i64) -> Result<(i64, Vec<u8>)> {
        let row: Option<(i64, Option<Vec<u8>>)> = with_pool!(self, p => sqlx::query_as(
            "SELECT package_id, photo FROM dissem_reports WHERE id = $1")
            .bind(report_id).fetch_optional(p).await?);
        match row {
            Some((pkg, Some(png))) => Ok((pkg, png)),
            _ => Err(StoreError::NotFound),
        }
    }

    /// Accept or reject a flagged reach.
    pub async fn dissem_review(
        &self,
        ctx: &AuditContext,
        report_id: i64,
        to: Review,
    ) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query("UPDATE dissem_reports SET review = $1 WHERE id = $2 AND review = 'flagged'")
                .bind(to.as_str()).bind(report_id).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("dissem_report_reviewed".into()));
            }
            let event = AuditEvent::new("dissem.review", "dissem_report", report_id)
                .with_summary(json!({"review": to.as_str()}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Reach of the packages owned inside `owners` (or one package).
    pub async fn dissem_reach(&self, f: &ReportFilter) -> Result<Reach> {
        if f.kim_id.is_some() || f.review.is_some() {
            return self.dissem_reach_from_reports(f).await;
        }
        // The totals the triggers of migration 0017 keep (dissem_rollup_*), narrowed to the
        // packages of the filter: a few rows per package, whatever the number of reports.
        with_pool!(self, p => {
            let mut out = Reach::default();
            let mut qb = QueryBuilder::new(
                "SELECT p.id, p.title, CAST(COALESCE(u.reach, 0) AS BIGINT), CAST(COALESCE(u.reports, 0) AS BIGINT), \
                 CAST(COALESCE(u.targets_done, 0) AS BIGINT), CAST(COALESCE(u.targets, 0) AS BIGINT) \
                 FROM dissem_packages p LEFT JOIN dissem_rollup_package u ON u.package_id = p.id \
                 WHERE p.status = 'published'");
            push_package_filter(&mut qb, f);
            qb.push(" ORDER BY 3 DESC, p.id DESC LIMIT 100");
            out.by_package = qb.build_query_as().fetch_all(p).await?;
            for (table, column) in [("dissem_rollup_regency", "regency_code"), ("dissem_rollup_channel", "channel")] {
                let mut qb = QueryBuilder::new(format!(
                    "SELECT u.{column}, CAST(SUM(u.reach) AS BIGINT), CAST(SUM(u.reports) AS BIGINT) \
                     FROM {table} u JOIN dissem_packages p ON p.id = u.package_id WHERE 1 = 1"));
                push_package_filter(&mut qb, f);
                qb.push(format!(" GROUP BY u.{column} HAVING SUM(u.reports) > 0 ORDER BY 2 DESC"));
                if column == "regency_code" {
                    qb.push(" LIMIT 100");
                }
                let rows = qb.build_query_as().fetch_all(p).await?;
                if column == "regency_code" {
                    out.by_regency = rows;
                } else {
                    out.by_channel = rows;
                }
            }
            let mut qb = QueryBuilder::new(
                "SELECT u.reported_on, CAST(SUM(u.reach) AS BIGINT) FROM dissem_rollup_day u \
                 JOIN dissem_packages p ON p.id = u.package_id WHERE 1 = 1");
            push_package_filter(&mut qb, f);
            qb.push(" GROUP BY u.reported_on HAVING SUM(u.reports) > 0 ORDER BY u.reported_on DESC LIMIT 366");
            out.by_day = qb.build_query_as().fetch_all(p).await?;
            out.by_day.reverse();
            let mut qb = QueryBuilder::new(
                "SELECT CAST(COALESCE(SUM(u.flagged), 0) AS BIGINT) FROM dissem_rollup_package u \
                 JOIN dissem_packages p ON p.id = u.package_id WHERE 1 = 1");
            push_package_filter(&mut qb, f);
            out.flagged = qb.build_query_scalar().fetch_one(p).await?;
            Ok(out)
        })
    }

    /// The same figures counted from the reports themselves, for the filters the totals do not
    /// keep (one KIM's reports, one review state). Also what the totals are checked against.
    pub async fn dissem_reach_from_reports(&self, f: &ReportFilter) -> Result<Reach> {
        let counted = " AND r.review IN ('ok', 'accepted')";
        with_pool!(self, p => {
            let mut out = Reach::default();
            let mut qb = QueryBuilder::new(
                "SELECT p.id, p.title, \
                 CAST(COALESCE((SELECT SUM(r.reach) FROM dissem_reports r WHERE r.package_id = p.id AND r.review IN ('ok', 'accepted')), 0) AS BIGINT), \
                 (SELECT COUNT(*) FROM dissem_reports r WHERE r.package_id = p.id), \
                 (SELECT COUNT(*) FROM dissem_targets t WHERE t.package_id = p.id AND t.state = 'done'), \
                 (SELECT COUNT(*) FROM dissem_targets t WHERE t.package_id = p.id) \
                 FROM dissem_packages p WHERE p.status = 'published'");
            if let Some(id) = f.package_id {
                qb.push(" AND p.id = ").push_bind(id);
            }
            if let Some(o) = &f.owners {
                if !matches!(o, ScopeRegions::All) {
                    qb.push(" AND p.owner_region IS NOT NULL");
                    push_territory(&mut qb, "p.owner_region", o);
                }
            }
            qb.push(" ORDER BY 3 DESC, p.id DESC LIMIT 100");
            out.by_package = qb.build_query_as().fetch_all(p).await?;
            let base = "FROM dissem_reports r JOIN dissem_packages p ON p.id = r.package_id WHERE 1 = 1";
            let mut qb = QueryBuilder::new(format!("SELECT r.regency_code, CAST(SUM(r.reach) AS BIGINT), COUNT(*) {base}{counted}"));
            push_report_filter(&mut qb, f);
            qb.push(" GROUP BY r.regency_code ORDER BY 2 DESC LIMIT 100");
            out.by_regency = qb.build_query_as().fetch_all(p).await?;
            let mut qb = QueryBuilder::new(format!("SELECT r.channel, CAST(SUM(r.reach) AS BIGINT), COUNT(*) {base}{counted}"));
            push_report_filter(&mut qb, f);
            qb.push(" GROUP BY r.channel ORDER BY 2 DESC");
            out.by_channel = qb.build_query_as().fetch_all(p).await?;
            let mut qb = QueryBuilder::new(format!("SELECT r.reported_on, CAST(SUM(r.reach) AS BIGINT) {base}{counted}"));
            push_report_filter(&mut qb, f);
            qb.push(" GROUP BY r.reported_on ORDER BY r.reported_on DESC LIMIT 366");
            out.by_day = qb.build_query_as().fetch_all(p).await?;
            out.by_day.reverse();
            let mut qb = QueryBuilder::new(format!("SELECT COUNT(*) {base} AND r.review = 'flagged'"));
            push_report_filter(&mut qb, f);
            out.flagged = qb.build_query_scalar().fetch_one(p).await?;
            Ok(out)
        })
    }

    // Programs

    /// Write a program (a new one when `id` is `None`).
    pub async fn program_save(
        &self,
        ctx: &AuditContext,
        id: Option<i64>,
        data: &ProgramData,
        by: Option<i64>,
    ) -> Result<i64> {
        let now = Utc::now();
        let owner = data.owner_region.as_ref().map(|r| r.to_string());
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id = match id {
                None => sqlx::query_scalar(
                    "INSERT INTO programs (theme, topic, starts_on, ends_on, regions, owner_region, channels, budget_line, \
                     created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id")
                    .bind(&data.theme).bind(&data.topic).bind(data.starts_on).bind(data.ends_on)
                    .bind(&data.regions).bind(&owner).bind(&data.channels).bind(&data.budget_line)
                    .bind(by).bind(now).fetch_one(&mut *tx).await?,
                Some(id) => {
                    let done = sqlx::query(
                        "UPDATE programs SET theme = $1, topic = $2, starts_on = $3, ends_on = $4, regions = $5, \
                         owner_region = $6, channels = $7, budget_line = $8, updated_at = $9 WHERE id = $10")
                        .bind(&data.theme).bind(&data.topic).bind(data.starts_on).bind(data.ends_on)
                        .bind(&data.regions).bind(&owner).bind(&data.channels).bind(&data.budget_line)
                        .bind(now).bind(id).execute(&mut *tx).await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    id
                }
            };
            let event = AuditEvent::new("program.save", "program", id)
                .in_region(data.owner_region.clone())
                .with_summary(json!({"name": data.theme, "topic": data.topic,
                    "starts_on": data.starts_on.to_string(), "ends_on": data.ends_on.to_string()}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn program(&self, id: i64) -> Result<ProgramRecord> {
        let sql = format!("SELECT {PROGRAM_COLUMNS} FROM programs WHERE id = $1");
        with_pool!(self, p => Ok(sqlx::query_as(&sql).bind(id).fetch_optional(p).await?
            .ok_or(StoreError::NotFound)?))
    }

    /// Programs running at some point between `from` and `until`, by start.
    pub async fn programs_between(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<ProgramRecord>> {
        let sql = format!(
            "SELECT {PROGRAM_COLUMNS} FROM programs WHERE starts_on <= $1 AND ends_on >= $2 ORDER BY starts_on, id LIMIT 20000"
        );
        with_pool!(self, p => Ok(sqlx::query_as(&sql).bind(until).bind(from).fetch_all(p).await?))
    }

    /// Record how an overlap was resolved (the latest decision stands).
    pub async fn program_decide(
        &self,
        ctx: &AuditContext,
        a: i64,
        b: i64,
        decision: &str,
        note: &str,
        by: Option<i64>,
    ) -> Result<()> {
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("INSERT INTO program_decisions (a_id, b_id, decision, note, decided_by, decided_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (a_id, b_id) DO UPDATE SET \
                         decision = EXCLUDED.decision, note = EXCLUDED.note, decided_by = EXCLUDED.decided_by, \
                         decided_at = EXCLUDED.decided_at")
                .bind(a).bind(b).bind(decision).bind(note).bind(by).bind(now)
                .execute(&mut *tx).await?;
            let event = AuditEvent::new("program.decide", "program", a)
                .with_summary(json!({"with": b, "decision": decision, "note": note}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn program_decisions(&self) -> Result<Vec<DecisionRecord>> {
        with_pool!(self, p => Ok(sqlx::query_as(
            "SELECT a_id, b_id, decision, note, decided_by, decided_at FROM program_decisions ORDER BY a_id, b_id")
            .fetch_all(p).await?))
    }
}

/// The package and owner parts of a report filter, on `p` (dissem_packages).
fn push_package_filter<'a, DB: sqlx::Database>(qb: &mut QueryBuilder<'a, DB>, f: &'a ReportFilter)
where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(id) = f.package_id {
        qb.push(" AND p.id = ").push_bind(id);
    }
    push_owner_filter(qb, f);
}

/// Packages owned inside the filter's territory, on `p` (dissem_packages).
fn push_owner_filter<'a, DB: sqlx::Database>(qb: &mut QueryBuilder<'a, DB>, f: &'a ReportFilter)
where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(o) = &f.owners {
        if !matches!(o, ScopeRegions::All) {
            qb.push(" AND p.owner_region IS NOT NULL");
            push_territory(qb, "p.owner_region", o);
        }
    }
}

fn push_report_filter<'a, DB: sqlx::Database>(qb: &mut QueryBuilder<'a, DB>, f: &'a ReportFilter)
where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(id) = f.package_id {
        qb.push(" AND r.package_id = ").push_bind(id);
    }
    if let Some(id) = f.kim_id {
        qb.push(" AND r.kim_id = ").push_bind(id);
    }
    if let Some(rv) = f.review {
        qb.push(" AND r.review = ")
            .push_bind(rv.as_str().to_string());
    }
    push_owner_filter(qb, f);
}
