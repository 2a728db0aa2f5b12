//! Silent KIMs: after a delay that depends on the alert's severity, a KIM that has not
//! answered is asked again (urgent, on every channel it can receive) and the admins of its
//! kabupaten/kota are told, so someone phones them. Each KIM is escalated once per alert.

use crate::jobs::{JobError, JobKind, Progress, ScheduleDef};
use crate::notify::{notify, Audience, Message};
use crate::AppCtx;
use serde_json::Value;
use simpul_core::alerts::Severity;
use simpul_core::audit::AuditContext;
use simpul_core::notify::{Kind, Priority};
use simpul_core::{RegionCode, Role};
use simpul_store::jobs::Job;
use std::collections::BTreeMap;
use std::time::Duration;

/// Escalate every silent KIM whose delay has passed. Returns how many.
pub async fn escalate_due(ctx: &AppCtx) -> Result<usize, crate::AppError> {
    let now = chrono::Utc::now();
    let cutoffs: Vec<(&str, chrono::DateTime<chrono::Utc>)> = Severity::ALL
        .iter()
        .map(|s| (s.as_str(), now - ctx.config.alerts.escalation_after(*s)))
        .collect();
    let due = ctx.store.silent_targets_due(&cutoffs, 5_000).await?;
    let mut by_alert: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
    for (alert, kim, regency, _) in due {
        by_alert.entry(alert).or_default().push((kim, regency));
    }
    let audit = AuditContext::system("alert-escalation");
    let mut total = 0;
    for (alert_id, kims) in by_alert {
        let ids: Vec<i64> = kims.iter().map(|(k, _)| *k).collect();
        let marked = ctx.store.mark_escalated(&audit, alert_id, &ids).await?;
        if marked.is_empty() {
            continue;
        }
        total += marked.len();
        let alert = ctx.store.alert(alert_id).await?;
        let reminder = Message {
            kind: Kind::Alert,
            priority: Priority::Urgent,
            template: "alerts_reminder".into(),
            args: vec![("headline".into(), alert.headline.clone())],
            link: format!("/alerts/{alert_id}"),
            dedupe_key: Some(format!("alert:{alert_id}:reminder")),
        };
        notify(
            ctx,
            &Audience::Kims {
                kim_ids: marked.clone(),
                roles: vec![Role::KimOfficer],
            },
            &reminder,
        )
        .await?;
        let mut per_regency: BTreeMap<String, usize> = BTreeMap::new();
        for (kim, regency) in &kims {
            if marked.contains(kim) {
                *per_regency.entry(regency.clone()).or_default() += 1;
            }
        }
        for (regency, n) in per_regency {
            let Ok(region) = RegionCode::parse(&regency) else {
                continue;
            };
            let tell = Message {
                kind: Kind::Alert,
                priority: Priority::Urgent,
                template: "alerts_silent".into(),
                args: vec![
                    ("headline".into(), alert.headline.clone()),
                    ("n".into(), n.to_string()),
                ],
                link: format!("/alerts/{alert_id}/board"),
                dedupe_key: Some(format!("alert:{alert_id}:silent:{regency}")),
            };
            notify(
                ctx,
                &Audience::Roles {
                    roles: vec![Role::RegencyAdmin],
                    region: Some(region),
                },
                &tell,
            )
            .await?;
        }
    }
    if total > 0 {
        ctx.live.changed().await;
    }
    Ok(total)
}

async fn escalate_job(ctx: &AppCtx, _: &Job, _: &Progress) -> Result<Value, JobError> {
    match escalate_due(ctx).await {
        Ok(n) => Ok(serde_json::json!({ "escalated": n })),
        Err(e) => Err(JobError::Retry(format!("{e:?}"))),
    }
}

pub static ESCALATE: JobKind = JobKind {
    name: "alerts.escalate",
    run: |ctx, job, progress| Box::pin(escalate_job(ctx, job, progress)),
    max_attempts: 3,
    max_backoff: Duration::from_secs(60),
};

pub static ESCALATE_EVERY_MINUTE: ScheduleDef = ScheduleDef {
    name: "alerts.escalate",
    every: Duration::from_secs(60),
    kind: &ESCALATE,
};
