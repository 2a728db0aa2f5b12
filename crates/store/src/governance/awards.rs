//! Tiered awards (kabupaten/kota → province → national): nominations (from the index or
//! entered by an office), jurors, their scores with a conflict-of-interest declaration, and
//! published results.

use crate::connect::BeginWrite;
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::RegionCode;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AwardRecord {
    pub id: i64,
    pub region_code: String,
    pub level: String,
    pub title: String,
    /// One category per line.
    pub categories: String,
    /// The rubric jurors score against (one criterion per line).
    pub rubric: String,
    pub max_score: i64,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

impl AwardRecord {
    pub fn category_list(&self) -> Vec<&str> {
        self.categories
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

const AWARD_COLUMNS: &str =
    "id, region_code, level, title, categories, rubric, max_score, status, created_at, published_at";

#[derive(Debug, Clone)]
pub struct NewAward {
    pub region_code: String,
    pub level: String,
    pub title: String,
    pub categories: String,
    pub rubric: String,
    pub max_score: i64,
}

/// A nomination with its jury total so far.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct NominationRow {
    pub id: i64,
    pub award_id: i64,
    pub kim_id: i64,
    pub kim_name: String,
    pub village_code: String,
    pub category: String,
    pub source: String,
    pub total: i64,
    pub jurors: i64,
    /// Place in its category once the results are published (1, 2, 3), else None.
    pub place: Option<i64>,
    /// The verification code printed on a winner's certificate.
    pub certificate_code: Option<String>,
}

/// A published award's place: nomination, place, certificate code.
pub type Place = (i64, i64, String);

/// An account offered as a juror.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct JurorCandidate {
    pub id: i64,
    pub username: String,
    pub display_name: String,
}

fn region(code: &str) -> Option<RegionCode> {
    RegionCode::parse(code).ok()
}

impl Store {
    pub async fn gov_create_award(&self, ctx: &AuditContext, a: &NewAward) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO gov_awards (region_code, level, title, categories, rubric, max_score, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                .bind(&a.region_code).bind(&a.level).bind(&a.title).bind(&a.categories).bind(&a.rubric)
                .bind(a.max_score).bind(ctx.actor_id).bind(now).fetch_one(&mut *tx).await?;
            let event = AuditEvent::new("gov.award_create", "gov_award", id)
                .in_region(region(&a.region_code))
                .with_summary(json!({"title": a.title, "level": a.level}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn gov_award(&self, id: i64) -> Result<AwardRecord> {
        let sql = format!("SELECT {AWARD_COLUMNS} FROM gov_awards WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    pub async fn gov_awards(&self) -> Result<Vec<AwardRecord>> {
        let sql = format!(
            "SELECT {AWARD_COLUMNS} FROM gov_awards ORDER BY created_at DESC, id DESC LIMIT 500"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql).fetch_all(p).await?))
    }

    /// Nominate KIMs in a category (duplicates are skipped). Returns how many were added.
    pub async fn gov_nominate(
        &self,
        ctx: &AuditContext,
        award: &AwardRecord,
        kim_ids: &[i64],
        category: &str,
        source: &str,
    ) -> Result<u64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut added = 0;
            for k in kim_ids {
                added += sqlx::query("INSERT INTO gov_nominations (award_id, kim_id, category, source, created_at) \
                                      VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
                    .bind(award.id).bind(k).bind(category).bind(source).bind(now)
                    .execute(&mut *tx).await?.rows_affected();
            }
            let event = AuditEvent::new("gov.nominate", "gov_award", award.id)
                .in_region(region(&award.region_code))
                .with_summary(json!({"kims": kim_ids, "category": category, "source": source}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(added)
        })
    }

    pub async fn gov_nominations(&self, award_id: i64) -> Result<Vec<NominationRow>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT n.id, n.award_id, n.kim_id, k.name AS kim_name, k.village_code, n.category, n.source, \
             CAST(COALESCE((SELECT SUM(s.score) FROM gov_jury_scores s WHERE s.nomination_id = n.id), 0) AS BIGINT) AS total, \
             (SELECT COUNT(*) FROM gov_jury_scores s WHERE s.nomination_id = n.id) AS jurors, \
             n.place, n.certificate_code \
             FROM gov_nominations n JOIN kims k ON k.id = n.kim_id WHERE n.award_id = $1 \
             ORDER BY n.category, total DESC, n.id")
            .bind(award_id).fetch_all(p).await?))
    }

    pub async fn gov_nomination(&self, id: i64) -> Result<NominationRow> {
        with_pool!(self, p => sqlx::query_as(
            "SELECT n.id, n.award_id, n.kim_id, k.name AS kim_name, k.village_code, n.category, n.source, \
             CAST(COALESCE((SELECT SUM(s.score) FROM gov_jury_scores s WHERE s.nomination_id = n.id), 0) AS BIGINT) AS total, \
             (SELECT COUNT(*) FROM gov_jury_scores s WHERE s.nomination_id = n.id) AS jurors, \
             n.place, n.certificate_code \
             FROM gov_nominations n JOIN kims k ON k.id = n.kim_id WHERE n.id = $1")
            .bind(id).fetch_optional(p).await?)
        .ok_or(StoreError::NotFound)
    }

    pub async fn gov_add_juror(
        &self,
        ctx: &AuditContext,
        award: &AwardRecord,
        user_id: i64,
    ) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("INSERT INTO gov_jurors (award_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(award.id).bind(user_id).execute(&mut *tx).await?;
            let event = AuditEvent::new("gov.juror", "gov_award", award.id)
                .in_region(region(&award.region_code))
                .with_summary(json!({"user": user_id}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn gov_jurors(&self, award_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT u.id, u.username FROM gov_jurors j JOIN users u ON u.id = j.user_id WHERE j.award_id = $1 ORDER BY u.username")
            .bind(award_id).fetch_all(p).await?))
    }

    /// Awards this person judges.
    pub async fn gov_juror_awards(&self, user_id: i64) -> Result<Vec<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT award_id FROM gov_jurors WHERE user_id = $1 ORDER BY award_id")
            .bind(user_id).fetch_all(p).await?))
    }

    /// The KIMs a person holds a role in (officer or member): a juror's conflicts of interest.
    pub async fn gov_user_kims(&self, user_id: i64) -> Result<Vec<i64>> {
        let refs: Vec<String> = with_pool!(self, p => sqlx::query_scalar(
            "SELECT scope_ref FROM role_grants WHERE user_id = $1 AND scope_kind = 'kim'")
            .bind(user_id).fetch_all(p).await?);
        Ok(refs.iter().filter_map(|r| r.parse().ok()).collect())
    }

    /// A juror's score for a nomination (a later score replaces theirs).
    pub async fn gov_jury_score(
        &self,
        ctx: &AuditContext,
        award: &AwardRecord,
        nomination_id: i64,
        score: i64,
        note: &str,
    ) -> Result<()> {
        let now = Utc::now();
        let juror = ctx.actor_id.ok_or(StoreError::NotFound)?;
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO gov_jury_scores (nomination_id, juror_id, score, no_conflict, note, created_at) \
                 VALUES ($1, $2, $3, TRUE, $4, $5) ON CONFLICT (nomination_id, juror_id) \
                 DO UPDATE SET score = excluded.score, note = excluded.note, created_at = excluded.created_at")
                .bind(nomination_id).bind(juror).bind(score).bind(note).bind(now).execute(&mut *tx).await?;
            let event = AuditEvent::new("gov.jury_score", "gov_award", award.id)
                .in_region(region(&award.region_code))
                .with_summary(json!({"nomination": nomination_id, "score": score}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// This juror's scores in an award: nomination → score.
    pub async fn gov_my_scores(&self, award_id: i64, juror: i64) -> Result<Vec<(i64, i64)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT s.nomination_id, s.score FROM gov_jury_scores s JOIN gov_nominations n ON n.id = s.nomination_id \
             WHERE n.award_id = $1 AND s.juror_id = $2")
            .bind(award_id).bind(juror).fetch_all(p).await?))
    }

    /// Publish the results: the award closes to scoring and its places and certificate codes
    /// are written in the same transaction.
    pub async fn gov_publish_award(
        &self,
        ctx: &AuditContext,
        award: &AwardRecord,
        places: &[Place],
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query("UPDATE gov_awards SET status = 'published', published_at = $1 WHERE id = $2 AND status = 'open'")
                .bind(now).bind(award.id).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("published".into()));
            }
            for (nomination, place, code) in places {
                sqlx::query("UPDATE gov_nominations SET place = $1, certificate_code = $2 WHERE id = $3 AND award_id = $4")
                    .bind(place).bind(code).bind(nomination).bind(award.id).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("gov.award_publish", "gov_award", award.id)
                .in_region(region(&award.region_code))
                .with_summary(json!({"title": award.title}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Accounts an office may appoint as jurors for an award of `province`: active accounts
    /// with a role in that province or nationwide.
    pub async fn gov_juror_candidates(&self, province: &str) -> Result<Vec<JurorCandidate>> {
        let like = format!("{province}%");
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT u.id, u.username, u.display_name FROM users u WHERE u.active = TRUE AND EXISTS \
             (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND (g.region_code IS NULL OR g.region_code LIKE $1)) \
             ORDER BY u.display_name, u.username LIMIT 300")
            .bind(like).fetch_all(p).await?))
    }

    /// The open or published awards this person judges.
    pub async fn gov_awards_judged_by(&self, user_id: i64) -> Result<Vec<AwardRecord>> {
        let sql = format!(
            "SELECT {AWARD_COLUMNS} FROM gov_awards WHERE id IN (SELECT award_id FROM gov_jurors WHERE user_id = $1) \
             ORDER BY created_at DESC, id DESC LIMIT 100"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(user_id).fetch_all(p).await?))
    }

    /// KIMs an office may nominate by hand: those of `region` (its code is a prefix of the
    /// village's), active or verified, by name.
    pub async fn gov_nominable_kims(&self, region: &str) -> Result<Vec<(i64, String)>> {
        let like = format!("{region}.%");
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, name FROM kims WHERE (village_code LIKE $1 OR village_code = $2) \
             AND status IN ('active', 'verified') ORDER BY name, id LIMIT 500")
            .bind(like).bind(region).fetch_all(p).await?))
    }
}
