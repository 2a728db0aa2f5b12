//! A KIM's status history, read from the audit log (the log is the record; nothing is copied).

use crate::{with_pool, Result, Store};
use chrono::{DateTime, Utc};

/// One status change of a KIM: who, when, from what to what.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    pub actor_name: String,
    /// None for the registration itself.
    pub from: Option<String>,
    pub to: String,
    pub reason: Option<String>,
    pub reg_number: Option<String>,
}

impl Store {
    /// Registration, import and every lifecycle move of KIM `id`, oldest first (at most 50).
    pub async fn kim_history(&self, id: i64) -> Result<Vec<StatusChange>> {
        let rows: Vec<(DateTime<Utc>, String, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT at, actor_name, summary FROM audit_log WHERE object_type = 'kim' AND object_id = $1 \
             AND action IN ('kim.create', 'kim.import', 'kim.transition') ORDER BY id LIMIT 50")
            .bind(id.to_string()).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .filter_map(|(at, actor_name, summary)| {
                let v: serde_json::Value = serde_json::from_str(&summary).ok()?;
                let text = |x: &serde_json::Value| x.as_str().map(str::to_owned);
                Some(StatusChange {
                    at,
                    actor_name,
                    from: text(&v["before"]["status"]),
                    to: text(&v["after"]["status"])?,
                    reason: text(&v["after"]["reason"]),
                    reg_number: text(&v["after"]["reg_number"]),
                })
            })
            .collect())
    }
}
