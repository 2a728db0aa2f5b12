//! Partnership agreements (MoU, cooperation agreements): parties, scope, period, documents in
//! the file store, obligations and their follow-up, and the expiry reminders already sent.

use crate::connect::BeginWrite;
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::RegionCode;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AgreementRecord {
    pub id: i64,
    pub region_code: String,
    pub kind: String,
    pub title: String,
    pub scope: String,
    /// One party per line.
    pub parties: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reminded: String,
    pub created_at: DateTime<Utc>,
}

impl AgreementRecord {
    pub fn party_list(&self) -> Vec<&str> {
        self.parties
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

const AGREEMENT_COLUMNS: &str =
    "id, region_code, kind, title, scope, parties, starts_on, ends_on, reminded, created_at";

#[derive(Debug, Clone)]
pub struct NewAgreement {
    pub region_code: String,
    pub kind: String,
    pub title: String,
    pub scope: String,
    pub parties: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct NewObligation {
    pub party: String,
    pub description: String,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ObligationRecord {
    pub id: i64,
    pub agreement_id: i64,
    pub party: String,
    pub description: String,
    pub due_on: Option<NaiveDate>,
    pub status: String,
    pub note: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AgreementFile {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

fn region(code: &str) -> Option<RegionCode> {
    RegionCode::parse(code).ok()
}

impl Store {
    /// Register an agreement with its obligations, in one transaction.
    pub async fn gov_create_agreement(
        &self,
        ctx: &AuditContext,
        a: &NewAgreement,
        obligations: &[NewObligation],
    ) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO gov_agreements (region_code, kind, title, scope, parties, starts_on, ends_on, created_by, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id")
                .bind(&a.region_code).bind(&a.kind).bind(&a.title).bind(&a.scope).bind(&a.parties)
                .bind(a.starts_on).bind(a.ends_on).bind(ctx.actor_id).bind(now)
                .fetch_one(&mut *tx).await?;
            for o in obligations {
                sqlx::query("INSERT INTO gov_obligations (agreement_id, party, description, due_on, updated_at) \
                             VALUES ($1, $2, $3, $4, $5)")
                    .bind(id).bind(&o.party).bind(&o.description).bind(o.due_on).bind(now)
                    .execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("gov.agreement_save", "gov_agreement", id)
                .in_region(region(&a.region_code))
                .with_summary(json!({"title": a.title, "kind": a.kind, "ends_on": a.ends_on}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn gov_agreement(&self, id: i64) -> Result<AgreementRecord> {
        let sql = format!("SELECT {AGREEMENT_COLUMNS} FROM gov_agreements WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    /// Every agreement, the soonest to end first (the caller filters by territory).
    pub async fn gov_agreements(&self) -> Result<Vec<AgreementRecord>> {
        let sql = format!(
            "SELECT {AGREEMENT_COLUMNS} FROM gov_agreements ORDER BY ends_on, id LIMIT 2000"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql).fetch_all(p).await?))
    }

    pub async fn gov_obligations(&self, agreement_id: i64) -> Result<Vec<ObligationRecord>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, agreement_id, party, description, due_on, status, note, updated_at FROM gov_obligations \
             WHERE agreement_id = $1 ORDER BY id")
            .bind(agreement_id).fetch_all(p).await?))
    }

    /// Follow an obligation up: its status and a note.
    pub async fn gov_follow_up(
        &self,
        ctx: &AuditContext,
        agreement: &AgreementRecord,
        obligation_id: i64,
        status: &str,
        note: &str,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query("UPDATE gov_obligations SET status = $1, note = $2, updated_at = $3 \
                                    WHERE id = $4 AND agreement_id = $5")
                .bind(status).bind(note).bind(now).bind(obligation_id).bind(agreement.id)
                .execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let event = AuditEvent::new("gov.obligation", "gov_agreement", agreement.id)
                .in_region(region(&agreement.region_code))
                .with_summary(json!({"obligation": obligation_id, "status": status}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Store a document and attach it, in one transaction.
    pub async fn gov_attach_document(
        &self,
        ctx: &AuditContext,
        agreement: &AgreementRecord,
        content_type: &str,
        filename: &str,
        data: &[u8],
    ) -> Result<i64> {
        use sha2::Digest;
        let digest = hex::encode(sha2::Sha256::digest(data));
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let file: i64 = sqlx::query_scalar(
                "INSERT INTO files (kind, content_type, filename, size, sha256, data, created_by, created_at) \
                 VALUES ('agreement', $1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(content_type).bind(filename).bind(data.len() as i64).bind(&digest).bind(data)
                .bind(ctx.actor_id).bind(now).fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO gov_agreement_files (agreement_id, file_id) VALUES ($1, $2)")
                .bind(agreement.id).bind(file).execute(&mut *tx).await?;
            let event = AuditEvent::new("gov.agreement_file", "gov_agreement", agreement.id)
                .in_region(region(&agreement.region_code))
                .with_summary(json!({"file": file, "filename": filename}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(file)
        })
    }

    pub async fn gov_agreement_files(&self, agreement_id: i64) -> Result<Vec<AgreementFile>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT f.id, f.filename, f.content_type, f.size FROM gov_agreement_files a JOIN files f ON f.id = a.file_id \
             WHERE a.agreement_id = $1 ORDER BY f.id")
            .bind(agreement_id).fetch_all(p).await?))
    }

    /// Whether a file is one of an agreement's documents.
    pub async fn gov_agreement_has_file(&self, agreement_id: i64, file_id: i64) -> Result<bool> {
        let n: i64 = with_pool!(self, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM gov_agreement_files WHERE agreement_id = $1 AND file_id = $2")
            .bind(agreement_id).bind(file_id).fetch_one(p).await?);
        Ok(n > 0)
    }

    /// Agreements ending within `[today, until]` whose reminder `stage` has not been sent.
    pub async fn gov_agreements_to_remind(
        &self,
        today: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<AgreementRecord>> {
        let sql = format!(
            "SELECT {AGREEMENT_COLUMNS} FROM gov_agreements WHERE ends_on >= $1 AND ends_on <= $2 ORDER BY ends_on"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(today).bind(until).fetch_all(p).await?))
    }

    /// Mark the reminder stage sent (only moving forward: returns false when it already was).
    pub async fn gov_mark_reminded(&self, id: i64, from: &str, stage: &str) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query(
            "UPDATE gov_agreements SET reminded = $1 WHERE id = $2 AND reminded = $3")
            .bind(stage).bind(id).bind(from).execute(p).await?.rows_affected());
        Ok(done == 1)
    }

    /// Partner agencies an office may name as a party: the display names of partner staff
    /// accounts in `province` or nationwide.
    pub async fn gov_partner_names(&self, province: &str) -> Result<Vec<String>> {
        let like = format!("{province}%");
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT DISTINCT u.display_name FROM users u JOIN role_grants g ON g.user_id = u.id \
             WHERE g.role = 'partner_staff' AND (g.region_code IS NULL OR g.region_code LIKE $1) \
             ORDER BY u.display_name LIMIT 200")
            .bind(like).fetch_all(p).await?))
    }
}
