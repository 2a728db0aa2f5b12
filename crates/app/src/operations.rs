//! What administrators see of the delivery backbone: the delivery log of notifications (only
//! for people whose accounts they may manage), the job queue (national and provincial admins),
//! and their offices' messaging gateways.

use crate::accounts;
use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor, ScopeRegions};
use simpul_core::{Level, RegionCode};
use simpul_store::jobs::{Job, JobCounts};
use simpul_store::notify::{DeliveryFilter, DeliveryRecord, OfficeWebhook};
use std::collections::HashMap;

/// Deliveries `who` may read, newest first: their own, and those of accounts they may manage.
pub async fn deliveries(
    ctx: &AppCtx,
    who: &Actor,
    filter: &DeliveryFilter,
    limit: i64,
) -> AppResult<Vec<DeliveryRecord>> {
    if !who.can(Action::ReadDeliveries) {
        return Err(AppError::Forbidden);
    }
    // Read more than shown: rows of people outside the admin's reach are dropped.
    let rows = ctx.store.deliveries(filter, limit * 4).await?;
    let mut may: HashMap<i64, bool> = HashMap::new();
    let mut out = Vec::new();
    for row in rows {
        if out.len() as i64 >= limit {
            break;
        }
        let allowed = match may.get(&row.user_id) {
            Some(a) => *a,
            None => {
                let a = row.user_id == who.user_id
                    || match accounts::check_manage(ctx, who, row.user_id).await {
                        Ok(_) => true,
                        Err(AppError::Forbidden | AppError::NotFound) => false,
                        Err(e) => return Err(e),
                    };
                may.insert(row.user_id, a);
                a
            }
        };
        if allowed {
            out.push(row);
        }
    }
    Ok(out)
}

/// Queue a failed delivery again.
pub async fn retry_delivery(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
) -> AppResult<()> {
    if !who.can(Action::ReadDeliveries) {
        return Err(AppError::Forbidden);
    }
    let d = ctx.store.delivery_work(id).await?;
    if d.user_id != who.user_id {
        accounts::check_manage(ctx, who, d.user_id).await?;
    }
    if !ctx.store.retry_delivery(audit, id).await? {
        return Err(AppError::Conflict(FieldError::new(
            "",
            "deliveries.not_failed",
        )));
    }
    ctx.jobs_wake.notify_one();
    Ok(())
}

/// The job queue: counts by status and the latest jobs (of one status, or all).
pub async fn jobs(
    ctx: &AppCtx,
    who: &Actor,
    status: Option<&str>,
    limit: i64,
) -> AppResult<(JobCounts, Vec<Job>)> {
    if !who.can(Action::OperateJobs) {
        return Err(AppError::Forbidden);
    }
    if let Some(s) = status {
        if !["queued", "running", "done", "failed", "dead"].contains(&s) {
            return Err(AppError::invalid("status", "error.status"));
        }
    }
    Ok((
        ctx.store.job_counts().await?,
        ctx.store.jobs(status, limit).await?,
    ))
}

/// Run a failed or dead job again.
pub async fn requeue_job(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
) -> AppResult<()> {
    if !who.can(Action::OperateJobs) {
        return Err(AppError::Forbidden);
    }
    ctx.store.job(id).await?;
    if !ctx.store.requeue_job(id).await? {
        return Err(AppError::Conflict(FieldError::new("", "jobs.not_failed")));
    }
    let event = simpul_core::audit::AuditEvent::new("jobs.requeued", "job", id);
    ctx.store.record_audit(audit, &event).await?;
    ctx.jobs_wake.notify_one();
    Ok(())
}

/// The offices whose gateway `who` may set: their own grants' regions at province or
/// kabupaten/kota level, and for a province the kabupaten/kota inside it.
pub async fn gateway_offices(ctx: &AppCtx, who: &Actor) -> AppResult<Vec<RegionCode>> {
    let mut out = Vec::new();
    let oversight = who.oversight();
    let roots: Vec<RegionCode> = match &oversight {
        ScopeRegions::All => ctx
            .store
            .region_children(None)
            .await?
            .into_iter()
            .map(|r| r.code)
            .collect(),
        ScopeRegions::Regions(r) => r.clone(),
    };
    for root in roots {
        if !matches!(root.level(), Level::Province | Level::Regency) {
            continue;
        }
        if !who.can(Action::ManageGateway { region: &root }) {
            continue;
        }
        out.push(root.clone());
        if root.level() == Level::Province && !matches!(oversight, ScopeRegions::All) {
            let children = ctx.store.region_children(Some(&root)).await?;
            out.extend(children.into_iter().map(|r| r.code));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The gateways of the offices `who` may set.
pub async fn gateways(ctx: &AppCtx, who: &Actor) -> AppResult<Vec<OfficeWebhook>> {
    let offices = gateway_offices(ctx, who).await?;
    let mut out = Vec::new();
    for code in offices {
        if let Some(hook) = ctx.store.office_webhook(&code.to_string()).await? {
            out.push(hook);
        }
    }
    Ok(out)
}

/// Set an office's gateway URL. A new secret is made when the office has none or `rotate`
/// asks; it is returned once, for the admin to give to the relay, and stored encrypted.
pub async fn save_gateway(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    region: &str,
    url: &str,
    active: bool,
    rotate: bool,
) -> AppResult<Option<String>> {
    let region = RegionCode::parse(region.trim())
        .map_err(|_| AppError::invalid("region", "error.region"))?;
    if !who.can(Action::ManageGateway { region: &region })
        || !matches!(region.level(), Level::Province | Level::Regency)
    {
        return Err(AppError::Forbidden);
    }
    let url = url.trim();
    let parsed = url::Url::parse(url).ok();
    let loopback = parsed
        .as_ref()
        .and_then(|u| u.host_str())
        .is_some_and(|h| h == "127.0.0.1" || h == "localhost" || h == "[::1]");
    let ok = parsed
        .as_ref()
        .is_some_and(|u| u.scheme() == "https" || (u.scheme() == "http" && loopback));
    if !ok || url.len() > 500 {
        return Err(AppError::invalid("url", "gateways.error_url"));
    }
    let existing = ctx.store.office_webhook(&region.to_string()).await?;
    let secret = (existing.is_none() || rotate).then(|| {
        simpul_delivery::webhook::WebhookSecret::generate()
            .expose()
            .to_owned()
    });
    let sealed = secret.as_deref().map(|s| ctx.cipher.encrypt(s));
    ctx.store
        .save_office_webhook(audit, &region, url, sealed.as_deref(), active)
        .await?;
    Ok(secret)
}
