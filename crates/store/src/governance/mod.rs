//! Partnership governance (issue 16): index definitions, computed runs with their snapshot,
//! scores and rankings, coaching ([`mod@self`]); the indicators' bulk queries
//! ([`indicators`]); partnership agreements ([`agreements`]); tiered awards ([`awards`]).

pub mod agreements;
pub mod awards;
pub mod indicators;
pub mod report;

use crate::connect::BeginWrite;
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::RegionCode;
use sqlx::QueryBuilder;

/// The period an indicator is computed over, in days (both ends included, for columns holding
/// a date) and instants (`from` included, `until` excluded, for timestamps), for the KIMs of
/// one province.
#[derive(Debug, Clone)]
pub struct Window {
    pub province: String,
    pub from_day: NaiveDate,
    pub to_day: NaiveDate,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct IndexRecord {
    pub id: i64,
    pub province_code: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: String,
    pub local_limit: i64,
    /// JSON list of `simpul_core::governance::Item`.
    pub items: String,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

const INDEX_COLUMNS: &str =
    "id, province_code, title, starts_on, ends_on, status, local_limit, items, \
    created_at, published_at";

/// An index as saved by its form.
#[derive(Debug, Clone)]
pub struct NewIndex {
    pub province_code: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub local_limit: i64,
    pub items_json: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RunRecord {
    pub id: i64,
    pub index_id: i64,
    /// JSON snapshot: items, local items by kabupaten/kota, the window.
    pub definition: String,
    pub kims: i64,
    pub cause: String,
    pub computed_at: DateTime<Utc>,
}

/// One KIM's computed score, as written by a run.
#[derive(Debug, Clone)]
pub struct NewScore {
    pub kim_id: i64,
    pub regency_code: String,
    pub score: f64,
    pub rank_regency: i64,
    pub rank_province: i64,
    pub inputs_json: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ScoreRecord {
    pub run_id: i64,
    pub kim_id: i64,
    pub kim_name: String,
    pub village_code: String,
    pub regency_code: String,
    pub score: f64,
    pub rank_regency: i64,
    pub rank_province: i64,
    /// JSON `simpul_core::governance::Inputs`.
    #[serde(skip)]
    pub inputs: String,
}

const SCORE_SELECT: &str = "SELECT s.run_id, s.kim_id, k.name AS kim_name, k.village_code, s.regency_code, \
    s.score, s.rank_regency, s.rank_province, s.inputs FROM gov_scores s JOIN kims k ON k.id = s.kim_id";

/// A row of a ranking, with the previous period's score when there was one.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RankRow {
    pub kim_id: i64,
    pub kim_name: String,
    pub regency_code: String,
    pub score: f64,
    pub rank_regency: i64,
    pub rank_province: i64,
    pub previous: Option<f64>,
    pub coached: i64,
}

/// A KIM's score in one period (its trend).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TrendPoint {
    pub index_id: i64,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub run_id: i64,
    pub score: f64,
    pub rank_regency: i64,
    pub rank_province: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CoachingRecord {
    pub id: i64,
    pub kim_id: i64,
    pub index_id: Option<i64>,
    pub kind: String,
    pub event_id: Option<i64>,
    pub event_title: Option<String>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// How a ranking is filtered: the region (province, kabupaten/kota, kecamatan or village).
fn push_region<'a, DB: sqlx::Database>(qb: &mut QueryBuilder<'a, DB>, region: Option<&'a str>)
where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(r) = region {
        qb.push(" AND (k.village_code = ")
            .push_bind(r.to_string())
            .push(" OR k.village_code LIKE ")
            .push_bind(format!("{r}.%"))
            .push(")");
    }
}

fn index_region(code: &str) -> Option<RegionCode> {
    RegionCode::parse(code).ok()
}

/// The title of a published index of `$province` whose period overlaps `[$from, $to]`, other
/// than `$except`, read inside the caller's transaction.
macro_rules! overlapping_in_tx {
    ($tx:expr, $province:expr, $from:expr, $to:expr, $except:expr) => {{
        let t: Option<String> = sqlx::query_scalar(
            "SELECT title FROM gov_indexes WHERE province_code = $1 AND status = 'published' \
             AND starts_on <= $3 AND ends_on >= $2 AND id <> $4 LIMIT 1",
        )
        .bind($province)
        .bind($from)
        .bind($to)
        .bind($except)
        .fetch_optional(&mut *$tx)
        .await?;
        t
    }};
}

impl Store {
    pub async fn gov_index(&self, id: i64) -> Result<IndexRecord> {
        let sql = format!("SELECT {INDEX_COLUMNS} FROM gov_indexes WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    /// Indexes of the given provinces (all when `None`), latest period first.
    pub async fn gov_indexes(&self, provinces: Option<&[String]>) -> Result<Vec<IndexRecord>> {
        let sql =
            format!("SELECT {INDEX_COLUMNS} FROM gov_indexes ORDER BY starts_on DESC, id DESC");
        let all: Vec<IndexRecord> = with_pool!(self, p => sqlx::query_as(&sql).fetch_all(p).await?);
        Ok(match provinces {
            None => all,
            Some(ps) => all
                .into_iter()
                .filter(|i| ps.iter().any(|p| p == &i.province_code))
                .collect(),
        })
    }

    /// Save a draft (new when `id` is None). Refused (`Conflict("overlap:<title>")`) when its
    /// period overlaps a published index of the province; a published index is not edited.
    pub async fn gov_save_index(
        &self,
        ctx: &AuditContext,
        id: Option<i64>,
        n: &NewIndex,
    ) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            if let Some(t) = overlapping_in_tx!(tx, &n.province_code, n.starts_on, n.ends_on, id.unwrap_or(0)) {
                return Err(StoreError::Conflict(format!("overlap:{t}")));
            }
            let id = match id {
                None => sqlx::query_scalar(
                    "INSERT INTO gov_indexes (province_code, title, starts_on, ends_on, local_limit, items, created_by, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id")
                    .bind(&n.province_code).bind(&n.title).bind(n.starts_on).bind(n.ends_on)
                    .bind(n.local_limit).bind(&n.items_json).bind(ctx.actor_id).bind(now)
                    .fetch_one(&mut *tx).await?,
                Some(id) => {
                    let done = sqlx::query(
                        "UPDATE gov_indexes SET title = $1, starts_on = $2, ends_on = $3, local_limit = $4, items = $5, \
                         updated_at = $6 WHERE id = $7 AND status = 'draft'")
                        .bind(&n.title).bind(n.starts_on).bind(n.ends_on).bind(n.local_limit)
                        .bind(&n.items_json).bind(now).bind(id).execute(&mut *tx).await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Conflict("published".into()));
                    }
                    id
                }
            };
            let event = AuditEvent::new("gov.index_save", "gov_index", id)
                .in_region(index_region(&n.province_code))
                .with_summary(json!({"title": n.title, "starts_on": n.starts_on, "ends_on": n.ends_on}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Publish a draft, checking again (inside the write transaction) that no published index
    /// of the province overlaps it.
    pub async fn gov_publish_index(&self, ctx: &AuditContext, id: i64) -> Result<()> {
        let now = Utc::now();
        let i = self.gov_index(id).await?;
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            if let Some(t) = overlapping_in_tx!(tx, &i.province_code, i.starts_on, i.ends_on, id) {
                return Err(StoreError::Conflict(format!("overlap:{t}")));
            }
            let done = sqlx::query("UPDATE gov_indexes SET status = 'published', published_at = $1, updated_at = $1 \
                                    WHERE id = $2 AND status = 'draft'")
                .bind(now).bind(id).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("published".into()));
            }
            let event = AuditEvent::new("gov.index_publish", "gov_index", id)
                .in_region(index_region(&i.province_code))
                .with_summary(json!({"title": i.title}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Local items of every kabupaten/kota office for an index: (regency, items JSON).
    pub async fn gov_local_items(&self, index_id: i64) -> Result<Vec<(String, String)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT regency_code, items FROM gov_local_items WHERE index_id = $1 ORDER BY regency_code")
            .bind(index_id).fetch_all(p).await?))
    }

    pub async fn gov_set_local_items(
        &self,
        ctx: &AuditContext,
        index_id: i64,
        regency: &str,
        items_json: &str,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO gov_local_items (index_id, regency_code, items, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (index_id, regency_code) \
                 DO UPDATE SET items = excluded.items, updated_by = excluded.updated_by, updated_at = excluded.updated_at")
                .bind(index_id).bind(regency).bind(items_json).bind(ctx.actor_id).bind(now)
                .execute(&mut *tx).await?;
            let event = AuditEvent::new("gov.local_items", "gov_index", index_id)
                .in_region(index_region(regency))
                .with_summary(json!({"regency": regency}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Store a computed run: the snapshot and every KIM's score and inputs, all or nothing.
    pub async fn gov_save_run(
        &self,
        ctx: &AuditContext,
        index: &IndexRecord,
        definition: &str,
        cause: &str,
        scores: &[NewScore],
    ) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let run: i64 = sqlx::query_scalar(
                "INSERT INTO gov_runs (index_id, definition, kims, cause, created_by, computed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(index.id).bind(definition).bind(scores.len() as i64).bind(cause)
                .bind(ctx.actor_id).bind(now).fetch_one(&mut *tx).await?;
            for chunk in scores.chunks(2000) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO gov_scores (run_id, kim_id, regency_code, score, rank_regency, rank_province, inputs) ");
                qb.push_values(chunk, |mut b, s| {
                    b.push_bind(run).push_bind(s.kim_id).push_bind(s.regency_code.clone()).push_bind(s.score)
                        .push_bind(s.rank_regency).push_bind(s.rank_province).push_bind(s.inputs_json.clone());
                });
                qb.build().execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("gov.compute", "gov_index", index.id)
                .in_region(index_region(&index.province_code))
                .with_summary(json!({"run": run, "kims": scores.len(), "cause": cause}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(run)
        })
    }

    pub async fn gov_latest_run(&self, index_id: i64) -> Result<Option<RunRecord>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, index_id, definition, kims, cause, computed_at FROM gov_runs WHERE index_id = $1 \
             ORDER BY id DESC LIMIT 1")
            .bind(index_id).fetch_optional(p).await?))
    }

    pub async fn gov_run(&self, run_id: i64) -> Result<RunRecord> {
        with_pool!(self, p => sqlx::query_as(
            "SELECT id, index_id, definition, kims, cause, computed_at FROM gov_runs WHERE id = $1")
            .bind(run_id).fetch_optional(p).await?)
        .ok_or(StoreError::NotFound)
    }

    pub async fn gov_score(&self, run_id: i64, kim_id: i64) -> Result<Option<ScoreRecord>> {
        let sql = format!("{SCORE_SELECT} WHERE s.run_id = $1 AND s.kim_id = $2");
        Ok(
            with_pool!(self, p => sqlx::query_as(&sql).bind(run_id).bind(kim_id).fetch_optional(p).await?),
        )
    }

    /// Every score of a run (for re-scoring a snapshot and for exports), by provincial rank.
    pub async fn gov_run_scores(&self, run_id: i64) -> Result<Vec<ScoreRecord>> {
        let sql = format!("{SCORE_SELECT} WHERE s.run_id = $1 ORDER BY s.rank_province, s.kim_id");
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(run_id).fetch_all(p).await?))
    }

    /// A KIM's score in the latest run of every published index, latest period first.
    pub async fn gov_trend(&self, kim_id: i64, limit: i64) -> Result<Vec<TrendPoint>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT i.id AS index_id, i.title, i.starts_on, i.ends_on, s.run_id, s.score, s.rank_regency, s.rank_province \
             FROM gov_scores s JOIN gov_runs r ON r.id = s.run_id JOIN gov_indexes i ON i.id = r.index_id \
             WHERE s.kim_id = $1 AND i.status = 'published' \
             AND r.id = (SELECT MAX(r2.id) FROM gov_runs r2 WHERE r2.index_id = i.id) \
             ORDER BY i.starts_on DESC LIMIT $2")
            .bind(kim_id).bind(limit).fetch_all(p).await?))
    }

    /// The ranking of a run inside `region` (None: the whole province), with each KIM's score
    /// in `previous_run` and its coaching count since the start of `since`.
    pub async fn gov_ranking(
        &self,
        run_id: i64,
        previous_run: Option<i64>,
        region: Option<&str>,
        only_attention: Option<(f64, f64)>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<RankRow>> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT s.kim_id, k.name AS kim_name, s.regency_code, s.score, s.rank_regency, s.rank_province, \
                 ps.score AS previous, (SELECT COUNT(*) FROM gov_coaching c WHERE c.kim_id = s.kim_id) AS coached \
                 FROM gov_scores s JOIN kims k ON k.id = s.kim_id LEFT JOIN gov_scores ps ON ps.kim_id = s.kim_id AND ps.run_id = ");
            qb.push_bind(previous_run.unwrap_or(0)).push(" WHERE s.run_id = ").push_bind(run_id);
            push_region(&mut qb, region);
            if let Some((dormant, drop)) = only_attention {
                qb.push(" AND (s.score < ").push_bind(dormant).push(" OR ps.score - s.score >= ").push_bind(drop).push(")");
            }
            qb.push(" ORDER BY s.rank_province, s.kim_id LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// How many KIMs a ranking has in `region`.
    pub async fn gov_ranking_count(&self, run_id: i64, region: Option<&str>) -> Result<i64> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT COUNT(*) FROM gov_scores s JOIN kims k ON k.id = s.kim_id WHERE s.run_id = ");
            qb.push_bind(run_id);
            push_region(&mut qb, region);
            Ok(qb.build_query_scalar().fetch_one(p).await?)
        })
    }

    /// The published index of the same province whose period ends last before this one's.
    pub async fn gov_previous_index(&self, index: &IndexRecord) -> Result<Option<IndexRecord>> {
        let sql = format!(
            "SELECT {INDEX_COLUMNS} FROM gov_indexes WHERE province_code = $1 AND status = 'published' \
             AND ends_on < $2 ORDER BY ends_on DESC LIMIT 1"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as(&sql).bind(&index.province_code)
            .bind(index.starts_on).fetch_optional(p).await?),
        )
    }

    /// Record coaching: a visit note, or an invitation to a bimtek (the KIM is added to the
    /// event's invitations in the same transaction).
    pub async fn gov_add_coaching(
        &self,
        ctx: &AuditContext,
        kim_id: i64,
        index_id: Option<i64>,
        event_id: Option<i64>,
        note: &str,
        region: Option<RegionCode>,
    ) -> Result<i64> {
        let now = Utc::now();
        let kind = if event_id.is_some() {
            "bimtek"
        } else {
            "visit"
        };
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            if let Some(e) = event_id {
                sqlx::query("INSERT INTO event_invites (event_id, kim_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(e).bind(kim_id).execute(&mut *tx).await?;
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO gov_coaching (kim_id, index_id, kind, event_id, note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(kim_id).bind(index_id).bind(kind).bind(event_id).bind(note).bind(ctx.actor_id).bind(now)
                .fetch_one(&mut *tx).await?;
            let event = AuditEvent::new("gov.coach", "kim", kim_id)
                .in_region(region)
                .with_summary(json!({"kind": kind, "event_id": event_id, "index_id": index_id}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn gov_coaching(&self, kim_id: i64) -> Result<Vec<CoachingRecord>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT c.id, c.kim_id, c.index_id, c.kind, c.event_id, e.title AS event_title, c.note, c.created_at \
             FROM gov_coaching c LEFT JOIN events e ON e.id = c.event_id WHERE c.kim_id = $1 \
             ORDER BY c.created_at DESC, c.id DESC LIMIT 100")
            .bind(kim_id).fetch_all(p).await?))
    }
}
