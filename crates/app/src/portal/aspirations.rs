//! Citizens' aspirations (complaints, proposals, questions): submitted without an account (or by
//! a KIM officer on their behalf), routed to the responsible office by category and region
//! ([`simpul_core::portal::route`] over the administrators' rules), answered, forwarded or
//! closed by that office, followed by the citizen with an unguessable tracking code, escalated
//! by a scheduled job when overdue ([`ESCALATE`]).
//!
//! The citizen's contact is sealed with the installation's field cipher (as members' personal
//! data is) and opened only for the office handling the aspiration. Tracking-code lookups and
//! anonymous submissions are counted per hashed IP address in fixed windows.

use crate::error::{AppError, AppResult, FieldError};
use crate::jobs::{JobError, JobKind, Progress, ScheduleDef};
use crate::notify::{notify, Audience, Message};
use crate::AppCtx;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor};
use simpul_core::notify::{Kind, Priority};
use simpul_core::portal::{self, AspirationCategory, AspirationStatus, Route};
use simpul_core::{RegionCode, Role};
use simpul_store::jobs::Job;
use simpul_store::portal::{AspirationNotice, AspirationRecord, NewAspiration};

/// Photos per aspiration.
pub const MAX_PHOTOS: usize = 3;
/// Tracking lookups per address in a window of [`WINDOW_MINUTES`].
pub const LOOKUP_LIMIT: i64 = 20;
/// Anonymous submissions per address in a window.
pub const SUBMIT_LIMIT: i64 = 10;
const WINDOW_MINUTES: i64 = 10;

/// An aspiration as the public form (or an API client) sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AspirationInput {
    pub category: String,
    pub description: String,
    /// The region picked (village, kecamatan or kabupaten/kota code).
    pub region: String,
    /// Optional: a phone number or e-mail address, seen only by the handling office.
    pub contact: String,
    /// A KIM submitting on the citizen's behalf (its officer).
    pub kim: String,
}

/// Who submits.
pub enum Submitter<'a> {
    /// A citizen without an account, from this address.
    Public {
        ip: &'a str,
    },
    Account(&'a Actor),
}

async fn allowed(ctx: &AppCtx, what: &str, ip: &str, limit: i64) -> AppResult<bool> {
    use chrono::DurationRound;
    let mut h = Sha256::new();
    h.update(&ctx.config.secret.0);
    h.update(ip.as_bytes());
    let bucket = format!("{what}:{}", &hex::encode(h.finalize())[..24]);
    let now = Utc::now();
    let start = now
        .duration_trunc(chrono::Duration::minutes(WINDOW_MINUTES))
        .unwrap_or(now);
    // The hoax intake's fixed-window counter table serves every anonymous form.
    Ok(ctx
        .store
        .hoax_intake_allow(
            &bucket,
            start,
            start - chrono::Duration::minutes(WINDOW_MINUTES),
            limit,
        )
        .await?)
}

fn rules(records: &[simpul_store::portal::RouteRecord]) -> Vec<Route> {
    records
        .iter()
        .filter_map(|r| {
            Some(Route {
                category: if r.category.is_empty() {
                    None
                } else {
                    Some(AspirationCategory::parse(&r.category)?)
                },
                region: RegionCode::parse(&r.region_code).ok()?,
                office: RegionCode::parse(&r.office_code).ok()?,
                target_days: r.target_days,
            })
        })
        .collect()
}

/// Check, route and store an aspiration; returns its tracking code.
pub async fn submit(
    ctx: &AppCtx,
    who: Submitter<'_>,
    audit: &AuditContext,
    input: &AspirationInput,
    photos: &[Vec<u8>],
) -> AppResult<String> {
    let mut errors = Vec::new();
    let category = AspirationCategory::parse(input.category.trim());
    if category.is_none() {
        errors.push(FieldError::new("category", "aspiration.error_category"));
    }
    let description = input.description.trim();
    if description.chars().count() < 10 {
        errors.push(FieldError::new(
            "description",
            "aspiration.error_description",
        ));
    } else if description.chars().count() > 5000 {
        errors.push(FieldError::new("description", "alerts.error_too_long"));
    }
    let region = match RegionCode::parse(input.region.trim()) {
        Ok(code) if code.as_str().contains('.') => match ctx.store.region(&code).await {
            Ok(_) => Some(code),
            Err(_) => None,
        },
        _ => None,
    };
    if region.is_none() {
        errors.push(FieldError::new("region", "aspiration.error_region"));
    }
    let contact = input.contact.trim();
    if contact.chars().count() > 120 {
        errors.push(FieldError::new("contact", "alerts.error_too_long"));
    } else if !contact.is_empty() && portal::Contact::parse(contact).is_none() {
        // Only an address the office can reach: the citizen is told on it.
        errors.push(FieldError::new("contact", "aspiration.error_contact"));
    }
    let given: Vec<&Vec<u8>> = photos.iter().filter(|p| !p.is_empty()).collect();
    if given.len() > MAX_PHOTOS {
        errors.push(FieldError::new("photos", "aspiration.error_photo_count"));
    }
    let mut kept = Vec::new();
    for p in given.iter().take(MAX_PHOTOS) {
        match super::photos::resize(p) {
            Ok(r) => kept.push(r.large),
            Err(key) => errors.push(FieldError::new("photos", key)),
        }
    }
    let (kim_id, submitted_by) = match &who {
        Submitter::Public { .. } => (None, None),
        Submitter::Account(actor) => match input.kim.trim() {
            "" => (None, Some(actor.user_id)),
            k => {
                let kim: i64 = k
                    .parse()
                    .map_err(|_| AppError::invalid("kim", "portal.error_kim"))?;
                if !actor.can(Action::SharePost { kim_id: kim }) {
                    return Err(AppError::Forbidden);
                }
                (Some(kim), Some(actor.user_id))
            }
        },
    };
    let (Some(category), Some(region), true) = (category, region, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    if let Submitter::Public { ip } = who {
        if !allowed(ctx, "asp-submit", ip, SUBMIT_LIMIT).await? {
            return Err(AppError::TooManyRequests);
        }
    }
    let routes = rules(&ctx.store.aspiration_routes().await?);
    let (office, days) = portal::route(&routes, category, &region);
    let now = Utc::now();
    // The operating system's generator (rand's thread RNG is a CSPRNG seeded from it).
    let code = portal::tracking_code(rand::random::<u8>);
    let new = NewAspiration {
        code: code.clone(),
        category: category.as_str().into(),
        description: description.to_owned(),
        regency_code: portal::regency_of(&region).to_string(),
        region_code: region.to_string(),
        office_code: office.to_string(),
        contact_sealed: if contact.is_empty() {
            String::new()
        } else {
            ctx.cipher.encrypt(contact)
        },
        kim_id,
        submitted_by,
        due_at: portal::due(now, days),
        photos: kept,
    };
    let id = ctx.store.aspiration_create(audit, &new).await?;
    let message = Message {
        kind: Kind::Account,
        priority: Priority::Normal,
        template: "aspiration_new".into(),
        args: vec![("code".into(), code.clone())],
        link: format!("/aspirations/{id}"),
        dedupe_key: Some(format!("aspiration:{id}:new")),
    };
    if let Err(e) = notify(ctx, &office_audience(&office), &message).await {
        tracing::warn!(?e, "aspiration: notifying the office failed");
    }
    Ok(code)
}

/// The staff of an office: the kabupaten/kota administrators for a kabupaten/kota, the
/// provincial ones above.
fn office_audience(office: &RegionCode) -> Audience {
    let role = if office.as_str().contains('.') {
        Role::RegencyAdmin
    } else {
        Role::ProvincialAdmin
    };
    Audience::Roles {
        roles: vec![role],
        region: Some(office.clone()),
    }
}

/// Look an aspiration up by its tracking code (rate-limited per address). `None`: no such code.
pub async fn track(ctx: &AppCtx, ip: &str, code: &str) -> AppResult<Option<AspirationRecord>> {
    if !allowed(ctx, "asp-track", ip, LOOKUP_LIMIT).await? {
        return Err(AppError::TooManyRequests);
    }
    let Some(code) = portal::parse_tracking_code(code) else {
        return Ok(None);
    };
    match ctx.store.aspiration_by_code(&code).await {
        Ok(a) => Ok(Some(a)),
        Err(simpul_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Whether this person handles the aspiration (the office it is routed to, and above).
pub fn may_handle(who: &Actor, a: &AspirationRecord) -> bool {
    RegionCode::parse(&a.office_code)
        .is_ok_and(|o| who.can(Action::HandleAspiration { office: &o }))
}

/// The citizen's contact, opened for the handling office only.
pub fn contact(ctx: &AppCtx, who: &Actor, a: &AspirationRecord) -> Option<String> {
    if a.contact_sealed.is_empty() || !may_handle(who, a) {
        return None;
    }
    ctx.cipher.decrypt(&a.contact_sealed)
}

/// What the office does with an aspiration.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ActInput {
    /// `answer`, `forward` or `close`.
    pub action: String,
    pub note: String,
    /// For `forward`: the region code of the office that can act.
    pub office: String,
}

pub async fn act(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    input: &ActInput,
) -> AppResult<AspirationRecord> {
    let a = ctx.store.aspiration(id).await?;
    if !may_handle(who, &a) {
        return Err(AppError::Forbidden);
    }
    let action = input.action.trim();
    if !matches!(action, "answer" | "forward" | "close") {
        return Err(AppError::invalid("action", "aspiration.error_action"));
    }
    let note = input.note.trim();
    if note.is_empty() && action != "close" {
        return Err(AppError::invalid("note", "aspiration.error_note"));
    }
    if note.chars().count() > 5000 {
        return Err(AppError::invalid("note", "alerts.error_too_long"));
    }
    if AspirationStatus::parse(&a.status) == Some(AspirationStatus::Closed) {
        return Err(AppError::Conflict(FieldError::new(
            "",
            "aspiration.error_closed",
        )));
    }
    let forward = if action == "forward" {
        let office = RegionCode::parse(input.office.trim())
            .map_err(|_| AppError::invalid("office", "aspiration.error_office"))?;
        if ctx.store.region(&office).await.is_err() || office.as_str().split('.').count() > 2 {
            return Err(AppError::invalid("office", "aspiration.error_office"));
        }
        let days = rules(&ctx.store.aspiration_routes().await?)
            .iter()
            .find(|r| r.office == office)
            .map_or(portal::DEFAULT_TARGET_DAYS, |r| r.target_days);
        Some((office, portal::due(Utc::now(), days)))
    } else {
        None
    };
    // The citizen who left a contact is told on its channel (the address stays sealed until the
    // job opens it).
    let tell = ctx
        .cipher
        .decrypt(&a.contact_sealed)
        .and_then(|c| portal::Contact::parse(&c))
        .map(|c| c.channel());
    let after = ctx
        .store
        .aspiration_act(
            audit,
            id,
            action,
            note,
            forward.as_ref().map(|(o, d)| (o, *d)),
            tell,
        )
        .await?;
    if tell.is_some() {
        ctx.jobs_wake.notify_one();
    }
    // The KIM that submitted it (and its officer) hear of the answer; a forwarded one reaches the
    // new office.
    let message = |template: &'static str| Message {
        kind: Kind::Account,
        priority: Priority::Normal,
        template: template.into(),
        args: vec![("code".into(), after.code.clone())],
        link: format!("/aspirasi/lacak/{}", after.code),
        dedupe_key: Some(format!(
            "aspiration:{id}:{}:{}",
            after.status,
            after.updated_at.timestamp()
        )),
    };
    let mut audiences = Vec::new();
    if let Some(u) = after.submitted_by {
        audiences.push(Audience::Users(vec![u]));
    }
    if let Some(k) = after.kim_id {
        audiences.push(Audience::Kims {
            kim_ids: vec![k],
            roles: vec![Role::KimOfficer],
        });
    }
    if !audiences.is_empty() {
        if let Err(e) = notify(
            ctx,
            &Audience::Any(audiences),
            &message("aspiration_update"),
        )
        .await
        {
            tracing::warn!(?e, "aspiration: notifying the submitter failed");
        }
    }
    if let Some((office, _)) = &forward {
        let mut m = message("aspiration_new");
        m.link = format!("/aspirations/{id}");
        if let Err(e) = notify(ctx, &office_audience(office), &m).await {
            tracing::warn!(?e, "aspiration: notifying the new office failed");
        }
    }
    Ok(after)
}

/// The tracking page of a code, as an absolute link for mails and messages.
pub fn tracking_link(ctx: &AppCtx, code: &str) -> String {
    format!(
        "{}/aspirasi/lacak/{code}",
        ctx.config.base_url.trim_end_matches('/')
    )
}

/// What a notice says, in Bahasa Indonesia (the citizen chose no language): a subject and the
/// text, the office's note included.
fn notice_text(ctx: &AppCtx, a: &AspirationRecord, n: &AspirationNotice) -> (String, String) {
    let t = ctx.catalog.messages(crate::Locale::Id);
    let status = t.get(&format!("aspiration.status_{}", n.action)).to_owned();
    let args = [
        ("code", a.code.as_str()),
        ("status", status.as_str()),
        ("note", n.note.as_str()),
    ];
    (
        t.fmt("aspiration.tell_subject", &args),
        t.fmt("aspiration.tell_body", &args),
    )
}

/// Tell the citizen: an e-mail through the outbox (the tracking link kept apart as the mail's
/// secret, so an administrator reading the outbox does not see it), or an SMS through the
/// messaging gateway of the office serving the aspiration's region. Recorded on the notice.
pub async fn tell(ctx: &AppCtx, notice_id: i64) -> Result<&'static str, JobError> {
    let retry = |e: simpul_store::StoreError| JobError::Retry(e.to_string());
    let n = match ctx.store.aspiration_notice(notice_id).await {
        Ok(n) => n,
        Err(simpul_store::StoreError::NotFound) => return Ok("gone"),
        Err(e) => return Err(retry(e)),
    };
    if n.status != "queued" {
        return Ok("done before");
    }
    let a = ctx.store.aspiration(n.aspiration_id).await.map_err(retry)?;
    let contact = ctx
        .cipher
        .decrypt(&a.contact_sealed)
        .and_then(|c| portal::Contact::parse(&c));
    let fail = |why: &'static str| async move {
        ctx.store
            .aspiration_notice_mark(notice_id, "failed", why)
            .await
            .map_err(retry)?;
        Ok::<_, JobError>("failed")
    };
    let link = tracking_link(ctx, &a.code);
    let (subject, text) = notice_text(ctx, &a, &n);
    match contact {
        Some(portal::Contact::Email(to)) => {
            let t = ctx.catalog.messages(crate::Locale::Id);
            let mail = simpul_store::outbox::OutgoingMail {
                to,
                subject,
                body: format!(
                    "{text}\n\n{}\n{}\n\n-- \n{}",
                    t.get("aspiration.tell_follow"),
                    simpul_store::outbox::SECRET_PLACEHOLDER,
                    t.get("notify.mail_footer")
                ),
                // Listed in the outbox only to the administrators of the handling office.
                region_code: Some(a.office_code.clone()),
                user_id: None,
                secret: Some(link),
            };
            ctx.store
                .aspiration_notice_mail(notice_id, &mail)
                .await
                .map_err(retry)?;
            ctx.jobs_wake.notify_one();
            Ok("mail queued")
        }
        Some(portal::Contact::Phone(phone)) => {
            let Ok(region) = RegionCode::parse(&a.region_code) else {
                return fail("no region").await;
            };
            let Some(hook) = ctx.store.gateway_for(&region).await.map_err(retry)? else {
                return fail("no messaging gateway for this region").await;
            };
            let Some(secret) = ctx
                .cipher
                .decrypt(&hook.secret)
                .and_then(|s| simpul_delivery::webhook::WebhookSecret::new(s).ok())
            else {
                return fail("the gateway's secret cannot be read").await;
            };
            let body = serde_json::json!({
                "type": "aspiration_update",
                "notice_id": notice_id,
                "to": { "phone": phone.as_str() },
                "status": n.action,
                "title": subject,
                "text": format!("{text} {link}"),
                "link": link,
            })
            .to_string();
            match simpul_delivery::webhook::send(
                &ctx.http,
                &hook.url,
                &secret,
                &format!("aspiration-notice-{notice_id}"),
                body.as_bytes(),
            )
            .await
            {
                simpul_delivery::Outcome::Delivered => {
                    ctx.store
                        .aspiration_notice_mark(notice_id, "sent", "")
                        .await
                        .map_err(retry)?;
                    Ok("sent")
                }
                simpul_delivery::Outcome::Retry { reason, .. } => Err(JobError::Retry(reason)),
                simpul_delivery::Outcome::Gone { .. } | simpul_delivery::Outcome::Failed { .. } => {
                    fail("the gateway refused the message").await
                }
            }
        }
        None => fail("no contact that can be reached").await,
    }
}

async fn tell_job(ctx: &AppCtx, job: &Job, _: &Progress) -> Result<Value, JobError> {
    let payload: Value =
        serde_json::from_str(&job.payload).map_err(|_| JobError::Failed("error.internal"))?;
    let id = payload
        .get("notice_id")
        .and_then(Value::as_i64)
        .ok_or(JobError::Failed("error.internal"))?;
    let outcome = tell(ctx, id).await;
    if let Err(JobError::Retry(reason)) = &outcome {
        if job.attempts >= job.max_attempts {
            // The last attempt: the office sees it failed instead of waiting forever.
            let _ = ctx.store.aspiration_notice_mark(id, "failed", reason).await;
        }
    }
    Ok(serde_json::json!({ "notice": id, "outcome": outcome? }))
}

/// Tell a citizen without an account what the office did (see [`tell`]).
pub static TELL: JobKind = JobKind {
    name: simpul_store::portal::TELL_JOB,
    run: |ctx, job, progress| Box::pin(tell_job(ctx, job, progress)),
    max_attempts: 8,
    max_backoff: std::time::Duration::from_secs(600),
};

/// Escalate overdue aspirations: each once, to the office above (the province for a
/// kabupaten/kota), whose administrators are notified.
pub async fn escalate_due(ctx: &AppCtx, now: DateTime<Utc>) -> AppResult<usize> {
    let mut n = 0;
    for a in ctx.store.aspirations_overdue(now, 500).await? {
        let Ok(office) = RegionCode::parse(&a.office_code) else {
            continue;
        };
        let above = office.parent().unwrap_or(office.clone());
        if !ctx
            .store
            .aspiration_escalate(&AuditContext::system("aspiration_escalate"), a.id, &above)
            .await?
        {
            continue;
        }
        n += 1;
        let message = Message {
            kind: Kind::Account,
            priority: Priority::Normal,
            template: "aspiration_overdue".into(),
            args: vec![("code".into(), a.code.clone())],
            link: format!("/aspirations/{}", a.id),
            dedupe_key: Some(format!("aspiration:{}:escalated", a.id)),
        };
        let audience = Audience::Any(vec![office_audience(&office), office_audience(&above)]);
        if let Err(e) = notify(ctx, &audience, &message).await {
            tracing::warn!(?e, "aspiration: notifying the escalation failed");
        }
    }
    Ok(n)
}

async fn escalate_job(ctx: &AppCtx, _: &Job, _: &Progress) -> Result<Value, JobError> {
    match escalate_due(ctx, Utc::now()).await {
        Ok(n) => Ok(serde_json::json!({ "escalated": n })),
        Err(e) => Err(JobError::Retry(format!("{e:?}"))),
    }
}

pub static ESCALATE: JobKind = JobKind {
    name: "aspiration.escalate",
    run: |ctx, job, progress| Box::pin(escalate_job(ctx, job, progress)),
    max_attempts: 3,
    max_backoff: std::time::Duration::from_secs(600),
};

pub static ESCALATE_HOURLY: ScheduleDef = ScheduleDef {
    name: "aspiration.escalate",
    every: std::time::Duration::from_secs(3600),
    kind: &ESCALATE,
};
