//! Computing an index: every indicator the definition uses is computed in bulk (one query per
//! indicator over every scored KIM of the province), each KIM is scored
//! ([`simpul_core::governance::score`]) and ranked in its kabupaten/kota and the province, and
//! the run is stored with a snapshot of the definition and every KIM's raw inputs, so the
//! score of a past period can be recomputed from the run alone ([`rescore`]).
//!
//! Runs daily for current periods (and the week after one ends, while late reports arrive) and
//! on demand from the index page, as the `gov.compute` job.

use crate::error::{AppError, AppResult};
use crate::jobs::{JobError, JobKind, Progress, ScheduleDef};
use crate::AppCtx;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};
use simpul_core::audit::AuditContext;
use simpul_core::calendar::Zone;
use simpul_core::governance::{self as gov, Inputs, Item};
use simpul_core::RegionCode;
use simpul_store::governance::{IndexRecord, NewScore, ScoreRecord, Window};
use simpul_store::jobs::Job;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a run used: the province's items, each office's local items and the period.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Definition {
    pub province: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub items: Vec<Item>,
    /// Kabupaten/kota code → its local items.
    pub local: BTreeMap<String, Vec<Item>>,
}

impl Definition {
    pub fn local_of(&self, regency: &str) -> &[Item] {
        self.local.get(regency).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every indicator key used, by the province or any office.
    pub fn keys(&self) -> BTreeSet<&str> {
        self.items
            .iter()
            .chain(self.local.values().flatten())
            .map(|i| i.key.as_str())
            .collect()
    }
}

/// The window of a period in the province's time zone.
pub fn window(province: &str, starts_on: NaiveDate, ends_on: NaiveDate) -> Window {
    let zone = Zone::of(RegionCode::parse(province).ok().as_ref()).offset();
    let at = |d: NaiveDate| {
        zone.from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
            .single()
            .expect("fixed offset")
            .with_timezone(&Utc)
    };
    Window {
        province: province.to_string(),
        from_day: starts_on,
        to_day: ends_on,
        from: at(starts_on),
        until: at(ends_on + Duration::days(1)),
    }
}

pub async fn definition_of(ctx: &AppCtx, index: &IndexRecord) -> AppResult<Definition> {
    let mut local = BTreeMap::new();
    for (regency, items) in ctx.store.gov_local_items(index.id).await? {
        let items: Vec<Item> = serde_json::from_str(&items).map_err(AppError::internal)?;
        if !items.is_empty() {
            local.insert(regency, items);
        }
    }
    Ok(Definition {
        province: index.province_code.clone(),
        starts_on: index.starts_on,
        ends_on: index.ends_on,
        items: super::items_of(index),
        local,
    })
}

/// Score and rank every KIM from their inputs: (kim, regency, score, rank in regency, rank in
/// province), in the order given.
pub fn score_all(def: &Definition, kims: &[(i64, String, Inputs)]) -> Vec<(f64, i64, i64)> {
    let scores: Vec<f64> = kims
        .iter()
        .map(|(_, regency, inputs)| gov::score(&def.items, def.local_of(regency), inputs).0)
        .collect();
    let province_ranks = gov::ranks(&scores);
    let mut by_regency: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, regency, _)) in kims.iter().enumerate() {
        by_regency.entry(regency.as_str()).or_default().push(i);
    }
    let mut regency_ranks = vec![0; kims.len()];
    for idx in by_regency.values() {
        let s: Vec<f64> = idx.iter().map(|&i| scores[i]).collect();
        for (pos, r) in gov::ranks(&s).into_iter().enumerate() {
            regency_ranks[idx[pos]] = r;
        }
    }
    scores
        .into_iter()
        .zip(regency_ranks)
        .zip(province_ranks)
        .map(|((s, rr), pr)| (s, rr, pr))
        .collect()
}

/// Compute an index now and store the run. Returns the run id.
pub async fn compute(
    ctx: &AppCtx,
    audit: &AuditContext,
    index_id: i64,
    cause: &str,
) -> AppResult<i64> {
    let index = ctx.store.gov_index(index_id).await?;
    let def = definition_of(ctx, &index).await?;
    let w = window(&index.province_code, index.starts_on, index.ends_on);
    let kims = ctx.store.gov_scored_kims(&index.province_code).await?;
    let mut inputs: HashMap<i64, Inputs> = kims
        .iter()
        .map(|(id, _, members)| {
            (
                *id,
                Inputs {
                    members: *members,
                    raw: BTreeMap::new(),
                },
            )
        })
        .collect();
    for key in def.keys() {
        // An indicator no longer registered (a capability removed) has no data.
        let Some(ind) = crate::manifest::indicator(key) else {
            continue;
        };
        for (kim, value) in (ind.compute)(&ctx.store, &w).await? {
            if let Some(i) = inputs.get_mut(&kim) {
                i.raw.insert(key.to_string(), value);
            }
        }
    }
    let rows: Vec<(i64, String, Inputs)> = kims
        .into_iter()
        .map(|(id, regency, _)| {
            let i = inputs.remove(&id).unwrap_or_default();
            (id, regency, i)
        })
        .collect();
    let scored = score_all(&def, &rows);
    let mut out = Vec::with_capacity(rows.len());
    for ((kim_id, regency_code, i), (score, rank_regency, rank_province)) in
        rows.into_iter().zip(scored)
    {
        out.push(NewScore {
            kim_id,
            regency_code,
            score,
            rank_regency,
            rank_province,
            inputs_json: serde_json::to_string(&i).map_err(AppError::internal)?,
        });
    }
    let definition = serde_json::to_string(&def).map_err(AppError::internal)?;
    Ok(ctx
        .store
        .gov_save_run(audit, &index, &definition, cause, &out)
        .await?)
}

/// Recompute the scores of a stored run from its snapshot alone: (kim, score).
pub fn rescore(definition: &str, scores: &[ScoreRecord]) -> AppResult<Vec<(i64, f64)>> {
    let def: Definition = serde_json::from_str(definition).map_err(AppError::internal)?;
    scores
        .iter()
        .map(|s| {
            let inputs: Inputs = serde_json::from_str(&s.inputs).map_err(AppError::internal)?;
            Ok((
                s.kim_id,
                gov::score(&def.items, def.local_of(&s.regency_code), &inputs).0,
            ))
        })
        .collect()
}

/// Queue an on-demand computation of one index.
pub async fn queue_compute(ctx: &AppCtx, index_id: i64, user_id: i64) -> AppResult<()> {
    let job = COMPUTE.job(
        json!({ "index": index_id }),
        Some(user_id),
        Some(format!("gov:compute:{index_id}")),
    );
    crate::jobs::queue(ctx, &job).await?;
    Ok(())
}

/// The published indexes a daily run recomputes: those whose period has started and ended at
/// most a week ago.
pub async fn due_indexes(ctx: &AppCtx, today: NaiveDate) -> AppResult<Vec<i64>> {
    Ok(ctx
        .store
        .gov_indexes(None)
        .await?
        .into_iter()
        .filter(|i| {
            i.status == "published"
                && i.starts_on <= today
                && i.ends_on + Duration::days(7) >= today
        })
        .map(|i| i.id)
        .collect())
}

async fn compute_job(ctx: &AppCtx, job: &Job, _: &Progress) -> Result<Value, JobError> {
    let payload: Value = serde_json::from_str(&job.payload).unwrap_or_default();
    let (ids, cause, audit) = match payload.get("index").and_then(Value::as_i64) {
        Some(id) => (
            vec![id],
            "on_demand",
            AuditContext {
                actor_id: job.created_by,
                actor_name: format!("user:{}", job.created_by.unwrap_or(0)),
                ..AuditContext::system("governance")
            },
        ),
        None => {
            let today = Utc::now().date_naive();
            let ids = due_indexes(ctx, today)
                .await
                .map_err(|e| JobError::Retry(format!("{e:?}")))?;
            (ids, "schedule", AuditContext::system("governance"))
        }
    };
    let mut runs = Vec::new();
    for id in ids {
        match compute(ctx, &audit, id, cause).await {
            Ok(run) => runs.push(run),
            Err(AppError::NotFound) => {}
            Err(e) => return Err(JobError::Retry(format!("{e:?}"))),
        }
    }
    Ok(json!({ "runs": runs }))
}

pub static COMPUTE: JobKind = JobKind {
    name: "gov.compute",
    run: |ctx, job, progress| Box::pin(compute_job(ctx, job, progress)),
    max_attempts: 3,
    max_backoff: std::time::Duration::from_secs(300),
};

pub static COMPUTE_DAILY: ScheduleDef = ScheduleDef {
    name: "gov.compute",
    every: std::time::Duration::from_secs(24 * 3600),
    kind: &COMPUTE,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_read_in_the_provinces_zone() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let w = window("35", d(1, 1), d(1, 31));
        // 00:00 WIB on 1 January is 17:00 UTC on 31 December.
        assert_eq!(w.from.to_rfc3339(), "2025-12-31T17:00:00+00:00");
        assert_eq!(w.until.to_rfc3339(), "2026-01-31T17:00:00+00:00");
    }
}
