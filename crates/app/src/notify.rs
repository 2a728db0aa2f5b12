//! The notification backbone: one [`notify`] for every capability. An audience (people, holders
//! of roles in a region, the people of some KIMs) is resolved to accounts; the message is
//! rendered from the catalogue in each person's language; each person gets an in-app row (always)
//! and one delivery per channel they chose and can receive, carried by a `notify.deliver` job.
//! An idempotency key keeps an event from notifying anyone twice; per-channel rate limits hold
//! a flood back into a digest; urgent messages skip both limits and digests.
//!
//! Channels: the app (the `notifications` table, shown live by server-sent events), e-mail
//! (through the outbox and its SMTP job), Web Push and the office's messaging gateway (a signed
//! webhook), the last two through [`crate::channels`].

use crate::error::{AppError, AppResult, FieldError};
use crate::jobs::{JobError, JobKind, Progress, ScheduleDef};
use crate::{AppCtx, Locale};
use serde_json::Value;
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;
use simpul_core::notify::{checked_channels, effective_channels, Channel, Kind, Priority};
use simpul_core::{RegionCode, Role};
use simpul_store::jobs::Job;
use simpul_store::notify::{Fanout, Pref, Recipient};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// Who a message is for.
#[derive(Debug, Clone)]
pub enum Audience {
    Users(Vec<i64>),
    /// Holders of these roles for a region: staff whose territory contains it (or all staff of
    /// the role when `None`), KIM people whose KIM lies inside it.
    Roles {
        roles: Vec<Role>,
        region: Option<RegionCode>,
    },
    /// The accounts of these KIMs holding these roles (officers, members).
    Kims {
        kim_ids: Vec<i64>,
        roles: Vec<Role>,
    },
    /// Everyone in any of these.
    Any(Vec<Audience>),
}

/// What to say. The title and body are the catalogue's `notify.msg.<template>.title` and
/// `.body`, with `{name}` placeholders filled from `args`.
#[derive(Debug, Clone)]
pub struct Message {
    pub kind: Kind,
    pub priority: Priority,
    pub template: std::borrow::Cow<'static, str>,
    pub args: Vec<(String, String)>,
    /// Where the notification leads (a path of this site).
    pub link: String,
    /// The same key never notifies a person twice (for example `alert:42:update:3`).
    pub dedupe_key: Option<String>,
}

/// What a fan-out did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub recipients: usize,
    /// In-app notifications written (recipients minus those notified before with the key).
    pub written: usize,
    /// Deliveries queued per channel (besides the app), and held for a digest.
    pub queued: usize,
    pub digested: usize,
}

/// Messages a person may get per channel in an hour before the rest waits for the digest.
pub fn rate_limit(channel: Channel) -> i64 {
    match channel {
        Channel::App => i64::MAX,
        Channel::Push => 30,
        Channel::Email => 12,
        Channel::Gateway => 12,
    }
}

/// People per transaction of the fan-out.
const CHUNK: usize = 500;

/// Resolve the audience to active accounts, sorted and without repeats.
pub async fn resolve(ctx: &AppCtx, audience: &Audience) -> AppResult<Vec<i64>> {
    let mut out = BTreeSet::new();
    let mut stack = vec![audience];
    while let Some(a) = stack.pop() {
        match a {
            Audience::Users(ids) => out.extend(ids.iter().copied()),
            Audience::Roles { roles, region } => {
                out.extend(ctx.store.grant_holders(roles, region.as_ref()).await?)
            }
            Audience::Kims { kim_ids, roles } => {
                out.extend(ctx.store.kim_accounts(kim_ids, roles).await?)
            }
            Audience::Any(list) => stack.extend(list.iter()),
        }
    }
    Ok(out.into_iter().collect())
}

/// The channels `r` can receive now, given which offices have a gateway.
fn available(r: &Recipient, gateways: &[String]) -> Vec<Channel> {
    let mut out = vec![Channel::App];
    if r.push_subscriptions > 0 {
        out.push(Channel::Push);
    }
    if r.has_email {
        out.push(Channel::Email);
    }
    let served = r.region_code.as_deref().is_some_and(|region| {
        gateways
            .iter()
            .any(|g| region == g || region.starts_with(&format!("{g}.")))
    });
    if r.has_phone && served {
        out.push(Channel::Gateway);
    }
    out
}

/// Send `message` to `audience`. Returns when every in-app row and delivery job is written;
/// the deliveries themselves run on the job queue.
#[tracing::instrument(skip_all, fields(kind = %message.kind, template = %message.template), err(Debug))]
pub async fn notify(ctx: &AppCtx, audience: &Audience, message: &Message) -> AppResult<Report> {
    let users = resolve(ctx, audience).await?;
    let recipients = ctx.store.recipients(&users).await?;
    let mut prefs: HashMap<i64, Pref> = HashMap::new();
    for (user, pref) in ctx.store.prefs_of(&users).await? {
        if pref.kind == message.kind {
            prefs.insert(user, pref);
        }
    }
    let urgent = message.priority == Priority::Urgent;
    let mut recent: HashMap<(i64, String), i64> = HashMap::new();
    if !urgent {
        let since = chrono::Utc::now() - simpul_store::notify::rate_window();
        for (user, channel, n) in ctx.store.recent_delivery_counts(&users, since).await? {
            recent.insert((user, channel), n);
        }
    }
    let gateways = ctx.store.gateway_regions().await?;
    let mut rendered: HashMap<Locale, (String, String)> = HashMap::new();
    let mut batch = Vec::with_capacity(recipients.len());
    let mut report = Report {
        recipients: recipients.len(),
        ..Report::default()
    };
    for r in &recipients {
        let locale = Locale::parse(&r.locale).unwrap_or_default();
        let (title, body) = rendered
            .entry(locale)
            .or_insert_with(|| render(ctx, locale, message))
            .clone();
        let pref = prefs.get(&r.user_id);
        let chosen = pref
            .map(|p| p.channels.clone())
            .unwrap_or_else(|| message.kind.default_channels());
        let digest =
            !urgent && (pref.is_some_and(|p| p.digest) || message.priority == Priority::Low);
        let mut channels = Vec::new();
        for c in effective_channels(message.kind, &chosen, &available(r, &gateways)) {
            let status = if c == Channel::App {
                "delivered"
            } else if digest {
                "digest"
            } else {
                let count = recent
                    .entry((r.user_id, c.as_str().to_owned()))
                    .or_insert(0);
                *count += 1;
                if !urgent && *count > rate_limit(c) {
                    "digest"
                } else {
                    "queued"
                }
            };
            match status {
                "queued" => report.queued += 1,
                "digest" => report.digested += 1,
                _ => {}
            }
            channels.push((c, status));
        }
        batch.push(Fanout {
            user_id: r.user_id,
            kind: message.kind,
            priority: message.priority.as_str(),
            title,
            body,
            link: message.link.clone(),
            dedupe_key: message.dedupe_key.clone(),
            channels,
        });
    }
    let written = ctx.store.fan_out(&batch, CHUNK).await?;
    report.written = written.len();
    if written.len() < batch.len() {
        // People notified before under the same key got nothing new: count only the rest.
        let fresh: BTreeSet<i64> = written.iter().map(|(u, _)| *u).collect();
        let (mut queued, mut digested) = (0, 0);
        for f in batch.iter().filter(|f| fresh.contains(&f.user_id)) {
            queued += f.channels.iter().filter(|(_, s)| *s == "queued").count();
            digested += f.channels.iter().filter(|(_, s)| *s == "digest").count();
        }
        report.queued = queued;
        report.digested = digested;
    }
    if report.queued > 0 {
        ctx.jobs_wake.notify_one();
    }
    ctx.live
        .notified(written.into_iter().map(|(u, _)| u).collect())
        .await;
    Ok(report)
}

fn render(ctx: &AppCtx, locale: Locale, message: &Message) -> (String, String) {
    let t = ctx.catalog.messages(locale);
    let args: Vec<(&str, &str)> = message
        .args
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    (
        t.fmt(&format!("notify.msg.{}.title", message.template), &args),
        t.fmt(&format!("notify.msg.{}.body", message.template), &args),
    )
}

/// One kind's settings as the preferences page shows them.
#[derive(Debug, Clone)]
pub struct KindSettings {
    pub kind: Kind,
    pub channels: Vec<Channel>,
    pub digest: bool,
    pub saved: bool,
}

/// A person's settings for every kind, and the channels they can receive now.
pub async fn settings(ctx: &AppCtx, who: &Actor) -> AppResult<(Vec<KindSettings>, Vec<Channel>)> {
    let saved: HashMap<Kind, Pref> = ctx
        .store
        .prefs_of(&[who.user_id])
        .await?
        .into_iter()
        .map(|(_, p)| (p.kind, p))
        .collect();
    let kinds = Kind::ALL
        .into_iter()
        .map(|kind| match saved.get(&kind) {
            Some(p) => KindSettings {
                kind,
                channels: p.channels.clone(),
                digest: p.digest,
                saved: true,
            },
            None => KindSettings {
                kind,
                channels: kind.default_channels(),
                digest: false,
                saved: false,
            },
        })
        .collect();
    Ok((kinds, available_to(ctx, who.user_id).await?))
}

/// The channels this person can receive now.
pub async fn available_to(ctx: &AppCtx, user_id: i64) -> AppResult<Vec<Channel>> {
    let gateways = ctx.store.gateway_regions().await?;
    let r = ctx.store.recipients(&[user_id]).await?;
    Ok(r.first()
        .map(|r| available(r, &gateways))
        .unwrap_or(vec![Channel::App]))
}

/// Save a person's choices: for each kind, the channels and the digest switch.
pub async fn save_settings(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    choices: &[(Kind, Vec<Channel>, bool)],
) -> AppResult<()> {
    let available = available_to(ctx, who.user_id).await?;
    let mut prefs = Vec::new();
    let mut errors = Vec::new();
    for (kind, channels, digest) in choices {
        match checked_channels(*kind, channels, &available) {
            Ok(channels) => prefs.push(Pref {
                kind: *kind,
                channels,
                digest: *digest && !kind.is_protected(),
            }),
            Err(e) => errors.push(FieldError::new(kind_field(*kind), e.message_key())),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(ctx.store.set_prefs(audit, who.user_id, &prefs).await?)
}

/// The form field of a kind (for field-level messages).
pub fn kind_field(kind: Kind) -> &'static str {
    match kind {
        Kind::Alert => "alert",
        Kind::Program => "program",
        Kind::Hoax => "hoax",
        Kind::Event => "event",
        Kind::Account => "account",
    }
}

/// "Send me a test": one notification to the person on every channel they can receive,
/// whatever their choices, so they see each one work.
pub async fn send_test(ctx: &AppCtx, who: &Actor) -> AppResult<Report> {
    let available = available_to(ctx, who.user_id).await?;
    let users = vec![who.user_id];
    let recipients = ctx.store.recipients(&users).await?;
    let Some(r) = recipients.first() else {
        return Err(AppError::NotFound);
    };
    let message = Message {
        kind: Kind::Account,
        priority: Priority::Urgent,
        template: "test".into(),
        args: vec![],
        link: "/account/notifications".into(),
        dedupe_key: None,
    };
    let (title, body) = render(ctx, Locale::parse(&r.locale).unwrap_or_default(), &message);
    let channels = available
        .iter()
        .map(|c| {
            (
                *c,
                if *c == Channel::App {
                    "delivered"
                } else {
                    "queued"
                },
            )
        })
        .collect::<Vec<_>>();
    let queued = channels.len() - 1;
    let batch = [Fanout {
        user_id: who.user_id,
        kind: Kind::Account,
        priority: Priority::Urgent.as_str(),
        title,
        body,
        link: message.link.clone(),
        dedupe_key: None,
        channels,
    }];
    let written = ctx.store.fan_out(&batch, 1).await?;
    ctx.jobs_wake.notify_one();
    ctx.live.notified(vec![who.user_id]).await;
    Ok(Report {
        recipients: 1,
        written: written.len(),
        queued,
        digested: 0,
    })
}

pub static DELIVER: JobKind = JobKind {
    name: simpul_store::notify::DELIVER_JOB,
    run: |ctx, job, progress| Box::pin(deliver_job(ctx, job, progress)),
    max_attempts: simpul_store::notify::DELIVER_ATTEMPTS,
    max_backoff: Duration::from_secs(600),
};

/// Sends a notice a store transaction decided ([`simpul_store::notify::PendingNotice`]).
pub static SEND: JobKind = JobKind {
    name: simpul_store::notify::SEND_JOB,
    run: |ctx, job, progress| Box::pin(send_job(ctx, job, progress)),
    max_attempts: 5,
    max_backoff: Duration::from_secs(300),
};

/// Account notices (a KIM's status, a NIK seen twice, an officer role to approve) are all of
/// kind [`Kind::Account`]; the notice's dedupe key keeps a retried job from telling anyone twice.
async fn send_job(ctx: &AppCtx, job: &Job, _: &Progress) -> Result<Value, JobError> {
    let notice: simpul_store::notify::PendingNotice =
        serde_json::from_str(&job.payload).map_err(|_| "error.internal_detail")?;
    let message = Message {
        kind: Kind::Account,
        priority: Priority::Normal,
        template: notice.template.into(),
        args: notice.args,
        link: notice.link,
        dedupe_key: Some(notice.dedupe_key),
    };
    let report = notify(ctx, &Audience::Users(notice.users), &message)
        .await
        .map_err(|e| JobError::Retry(format!("{e:?}")))?;
    Ok(serde_json::json!({ "recipients": report.recipients, "written": report.written }))
}

pub static DIGEST: JobKind = JobKind {
    name: "notify.digest",
    run: |ctx, job, progress| Box::pin(digest_job(ctx, job, progress)),
    max_attempts: 3,
    max_backoff: Duration::from_secs(300),
};

pub static DIGEST_HOURLY: ScheduleDef = ScheduleDef {
    name: "notify.digest",
    every: Duration::from_secs(3600),
    kind: &DIGEST,
};

#[derive(serde::Deserialize)]
struct DeliverInput {
    delivery_id: i64,
}

fn retry(e: impl std::fmt::Display) -> JobError {
    JobError::Retry(e.to_string())
}

/// Carry one delivery on its channel. Idempotent: a delivery already sent is not sent again;
/// gateway webhooks carry the delivery id so the receiver drops a repeat after a timeout.
async fn deliver_job(ctx: &AppCtx, job: &Job, _: &Progress) -> Result<Value, JobError> {
    let input: DeliverInput =
        serde_json::from_str(&job.payload).map_err(|_| "error.internal_detail")?;
    let d = match ctx.store.delivery_work(input.delivery_id).await {
        Ok(d) => d,
        Err(simpul_store::StoreError::NotFound) => return Ok(serde_json::json!({ "gone": true })),
        Err(e) => return Err(retry(e)),
    };
    if d.status != "queued" {
        return Ok(serde_json::json!({ "skipped": d.status }));
    }
    let outcome = match Channel::parse(&d.channel) {
        Some(Channel::Email) => return crate::channels::email(ctx, &d).await,
        Some(Channel::Push) => crate::channels::push(ctx, &d).await,
        Some(Channel::Gateway) => crate::channels::gateway(ctx, &d).await,
        Some(Channel::App) | None => crate::channels::Outcome::Failed("no such channel".into()),
    };
    let last_attempt = job.attempts >= job.max_attempts;
    crate::channels::record(ctx, d.id, outcome, last_attempt).await
}

/// Send each person one message with everything held for their digest.
async fn digest_job(ctx: &AppCtx, _: &Job, progress: &Progress) -> Result<Value, JobError> {
    let waiting = ctx.store.digest_waiting(10_000).await.map_err(retry)?;
    let mut by_user: Vec<Vec<&simpul_store::notify::DeliveryWork>> = Vec::new();
    for d in &waiting {
        match by_user.last_mut() {
            Some(group) if group[0].user_id == d.user_id => group.push(d),
            _ => by_user.push(vec![d]),
        }
    }
    let total = by_user.len();
    for (i, group) in by_user.iter().enumerate() {
        crate::channels::send_digest(ctx, group)
            .await
            .map_err(retry)?;
        progress.set("notify.digest", i + 1, total);
    }
    Ok(serde_json::json!({ "people": total, "items": waiting.len() }))
}
