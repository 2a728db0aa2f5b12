//! The append-only audit log: reading and filtering. Writing happens inside each change's own
//! transaction (`audit_in_tx!`), so a change and its record stand or fall together.

use crate::connect::BeginWrite;
use crate::filter::push_territory;
use crate::{audit_in_tx, with_pool, Result, Store};
use chrono::{DateTime, Utc};
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::authz::ScopeRegions;
use sqlx::QueryBuilder;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub region_code: Option<String>,
    pub summary: String,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

/// Filters for browsing; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub region: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Keyset pagination: only entries with a smaller id.
    pub before_id: Option<i64>,
}

impl Store {
    /// Record a stand-alone event in its own transaction.
    pub async fn record_audit(&self, ctx: &AuditContext, event: &AuditEvent) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            audit_in_tx!(tx, ctx, event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Entries inside `territory` (entries without a region only for the whole country),
    /// newest first.
    pub async fn audit_entries(
        &self,
        territory: &ScopeRegions,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        Ok(with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT id, at, actor_id, actor_name, action, object_type, object_id, region_code, \
                 summary, request_id, ip FROM audit_log WHERE 1 = 1");
            push_territory(&mut qb, "region_code", territory);
            if let Some(action) = &filter.action {
                qb.push(" AND action LIKE ").push_bind(format!("{action}%"));
            }
            if let Some(actor) = &filter.actor {
                qb.push(" AND actor_name = ").push_bind(actor.clone());
            }
            if let Some(object_type) = &filter.object_type {
                qb.push(" AND object_type = ").push_bind(object_type.clone());
            }
            if let Some(region) = &filter.region {
                qb.push(" AND (region_code = ").push_bind(region.clone());
                qb.push(" OR region_code LIKE ").push_bind(format!("{region}.%"));
                qb.push(")");
            }
            if let Some(from) = filter.from {
                qb.push(" AND at >= ").push_bind(from);
            }
            if let Some(until) = filter.until {
                qb.push(" AND at < ").push_bind(until);
            }
            if let Some(before) = filter.before_id {
                qb.push(" AND id < ").push_bind(before);
            }
            qb.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
            qb.build_query_as().fetch_all(p).await?
        }))
    }
}
