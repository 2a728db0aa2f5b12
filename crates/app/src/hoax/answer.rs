//! When a verdict is published: every reporter not yet answered gets it on their channel (their
//! account's notifications, an e-mail for a public reporter who left one, or their office's
//! messaging gateway), and the KIMs of the regions where the claim was reported get the
//! clarification through the backbone's `notify` (kind `hoax`), with the link to the public page
//! and its image card.
//!
//! A job (`hoax.answer`), so a slow gateway never holds up the verifier, and a retry after a
//! crash answers only those still unanswered (`answered_at`); `notify`'s idempotency keys keep a
//! KIM from getting the same clarification twice.

use crate::error::AppResult;
use crate::jobs::{JobError, JobKind, Progress};
use crate::notify::{notify, Audience, Message};
use crate::{AppCtx, Locale};
use serde_json::{json, Value};
use simpul_core::hoax::LabelSet;
use simpul_core::notify::{Kind, Priority};
use simpul_core::{RegionCode, Role};
use simpul_store::jobs::Job;
use simpul_store::outbox::OutgoingMail;
use std::collections::BTreeSet;
use std::time::Duration;

pub static ANSWER: JobKind = JobKind {
    name: "hoax.answer",
    run: |ctx, job, progress| Box::pin(run(ctx, job, progress)),
    max_attempts: 8,
    max_backoff: Duration::from_secs(600),
};

/// The public page of a claim's clarification.
pub fn public_link(claim_id: i64) -> String {
    format!("/hoax/clarifications/{claim_id}")
}

/// Queue the answers for a claim just published.
pub async fn queue(ctx: &AppCtx, claim_id: i64) -> AppResult<()> {
    ctx.store
        .enqueue(&ANSWER.job(
            json!({ "claim_id": claim_id }),
            None,
            Some(format!("hoax.answer:{claim_id}")),
        ))
        .await?;
    ctx.jobs_wake.notify_one();
    Ok(())
}

async fn run(ctx: &AppCtx, job: &Job, _: &Progress) -> Result<Value, JobError> {
    let payload: Value =
        serde_json::from_str(&job.payload).map_err(|_| JobError::Failed("error.internal"))?;
    let claim_id = payload
        .get("claim_id")
        .and_then(Value::as_i64)
        .ok_or(JobError::Failed("error.internal"))?;
    let done = answer_claim(ctx, claim_id)
        .await
        .map_err(|e| JobError::Retry(format!("{e:?}")))?;
    Ok(json!({
        "accounts": done.accounts,
        "emails": done.emails,
        "gateway": done.gateway,
        "kim_recipients": done.kim_recipients,
    }))
}

/// What a publication's fan-out did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Answered {
    pub accounts: usize,
    pub emails: usize,
    pub gateway: usize,
    pub kim_recipients: usize,
}

/// Answer every unanswered reporter of a published claim and tell the KIMs of its regions.
pub async fn answer_claim(ctx: &AppCtx, claim_id: i64) -> AppResult<Answered> {
    let claim = ctx.store.hoax_claim(claim_id).await?;
    let Some(verdict) = ctx.store.hoax_clarification(claim_id).await? else {
        return Ok(Answered::default());
    };
    let Some(published_at) = verdict.published_at else {
        return Ok(Answered::default());
    };
    let label = LabelSet::from_stored(&verdict.label);
    let id_msgs = ctx.catalog.messages(Locale::Id);
    let label_name = match id_msgs.get_or(&label.message_key()) {
        k if k == label.message_key() => label.fallback_name(),
        name => name.to_string(),
    };
    let link = public_link(claim_id);
    let stamp = published_at.timestamp();
    let mut done = Answered::default();
    let mut answered: Vec<i64> = Vec::new();
    let reports = ctx.store.hoax_unanswered(claim_id).await?;

    let accounts: BTreeSet<i64> = reports.iter().filter_map(|r| r.reporter_id).collect();
    if !accounts.is_empty() {
        notify(
            ctx,
            &Audience::Users(accounts.iter().copied().collect()),
            &Message {
                kind: Kind::Hoax,
                priority: Priority::Normal,
                template: "hoax_answer".into(),
                args: vec![
                    ("claim".into(), claim.title.clone()),
                    ("label".into(), label_name.clone()),
                    ("summary".into(), verdict.summary.clone()),
                ],
                link: link.clone(),
                dedupe_key: Some(format!("hoax:{claim_id}:answer:{stamp}")),
            },
        )
        .await?;
        done.accounts = accounts.len();
        answered.extend(
            reports
                .iter()
                .filter(|r| r.reporter_id.is_some())
                .map(|r| r.id),
        );
    }

    let absolute = format!("{}{}", ctx.config.base_url.trim_end_matches('/'), link);
    let args = [
        ("claim", claim.title.as_str()),
        ("label", label_name.as_str()),
        ("summary", verdict.summary.as_str()),
        ("link", absolute.as_str()),
    ];
    for r in reports.iter().filter(|r| r.reporter_id.is_none()) {
        if let Some(email) = r
            .reporter_email
            .as_deref()
            .and_then(|e| ctx.cipher.decrypt(e))
        {
            ctx.store
                .queue_mail(&OutgoingMail {
                    to: email,
                    subject: id_msgs.fmt("hoax.mail.subject", &args),
                    body: id_msgs.fmt("hoax.mail.body", &args),
                    region_code: r.region_code.clone(),
                    user_id: None,
                    secret: None,
                })
                .await?;
            done.emails += 1;
            answered.push(r.id);
        } else if let (Some(office), Some(sender)) = (
            r.gateway_region
                .as_deref()
                .and_then(|c| RegionCode::parse(c).ok()),
            r.gateway_sender
                .as_deref()
                .and_then(|s| ctx.cipher.decrypt(s)),
        ) {
            if send_to_gateway(
                ctx,
                &office,
                r.id,
                &sender,
                &id_msgs.fmt("hoax.gateway.answer", &args),
                &label,
                &absolute,
            )
            .await?
            {
                done.gateway += 1;
                answered.push(r.id);
            }
        } else {
            // A public reporter who left no address saw the queue page; nothing to send.
            answered.push(r.id);
        }
    }
    ctx.store.hoax_mark_answered(&answered).await?;

    let regions: BTreeSet<String> = ctx
        .store
        .hoax_spread(claim_id)
        .await?
        .0
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    if !regions.is_empty() {
        let audience = Audience::Any(
            regions
                .iter()
                .filter_map(|c| RegionCode::parse(c).ok())
                .map(|region| Audience::Roles {
                    roles: vec![Role::KimOfficer, Role::KimMember],
                    region: Some(region),
                })
                .collect(),
        );
        let report = notify(
            ctx,
            &audience,
            &Message {
                kind: Kind::Hoax,
                priority: Priority::Normal,
                template: "hoax_clarification".into(),
                args: vec![
                    ("claim".into(), claim.title.clone()),
                    ("label".into(), label_name.clone()),
                    ("summary".into(), verdict.summary.clone()),
                ],
                link,
                dedupe_key: Some(format!("hoax:{claim_id}:kims:{stamp}")),
            },
        )
        .await?;
        done.kim_recipients = report.recipients;
    }
    Ok(done)
}

/// Hand an answer to the office's messaging gateway, addressed to the gateway's own sender
/// reference. `Ok(false)`: the office has no gateway any more (nothing to retry).
async fn send_to_gateway(
    ctx: &AppCtx,
    office: &RegionCode,
    report_id: i64,
    sender: &str,
    text: &str,
    label: &simpul_core::hoax::Label,
    link: &str,
) -> AppResult<bool> {
    let Some(hook) = ctx.store.gateway_for(office).await? else {
        return Ok(false);
    };
    let Some(secret) = ctx
        .cipher
        .decrypt(&hook.secret)
        .and_then(|s| simpul_delivery::webhook::WebhookSecret::new(s).ok())
    else {
        return Ok(false);
    };
    let body = json!({
        "type": "hoax_answer",
        "report_id": report_id,
        "to": { "sender": sender },
        "label": label.as_str(),
        "text": text,
        "link": link,
    })
    .to_string();
    match simpul_delivery::webhook::send(
        &ctx.http,
        &hook.url,
        &secret,
        &format!("hoax-answer-{report_id}"),
        body.as_bytes(),
    )
    .await
    {
        simpul_delivery::Outcome::Delivered => Ok(true),
        simpul_delivery::Outcome::Retry { reason, .. } => Err(crate::AppError::Unavailable(reason)),
        simpul_delivery::Outcome::Gone { .. } | simpul_delivery::Outcome::Failed { .. } => {
            Ok(false)
        }
    }
}
