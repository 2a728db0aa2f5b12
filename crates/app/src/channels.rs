//! How one delivery travels on its channel, and what its outcome does to the delivery log.
//! E-mail goes through the outbox (its `mail.send` job reports back); Web Push and the office's
//! messaging gateway are sent here with `simpul_delivery`'s kernels.

use crate::jobs::JobError;
use crate::AppCtx;
use serde_json::Value;
use simpul_store::notify::DeliveryWork;
use simpul_store::outbox::OutgoingMail;

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Handed over (the push service or gateway accepted it).
    Delivered,
    /// Try again later (timeout, 5xx, connection refused).
    Retry(String),
    /// Not now and not later (no address, 4xx, every subscription expired).
    Failed(String),
}

/// Record an attempt's outcome on the delivery and tell the job queue what to do.
pub async fn record(
    ctx: &AppCtx,
    delivery: i64,
    outcome: Outcome,
    last_attempt: bool,
) -> Result<Value, JobError> {
    let store = &ctx.store;
    let fail = |e: simpul_store::StoreError| JobError::Retry(e.to_string());
    match outcome {
        Outcome::Delivered => {
            store
                .mark_delivery(delivery, "delivered", None)
                .await
                .map_err(fail)?;
            Ok(serde_json::json!({ "delivered": true }))
        }
        Outcome::Retry(reason) if !last_attempt => {
            store
                .mark_delivery(delivery, "queued", Some(&reason))
                .await
                .map_err(fail)?;
            Err(JobError::Retry(reason))
        }
        Outcome::Retry(reason) | Outcome::Failed(reason) => {
            store
                .mark_delivery(delivery, "failed", Some(&reason))
                .await
                .map_err(fail)?;
            Err(JobError::Failed("notify.error_delivery"))
        }
    }
}

/// The absolute link of a notification, for mails, pushes and gateways.
fn absolute(ctx: &AppCtx, link: &str) -> String {
    if link.is_empty() {
        return ctx.config.base_url.trim_end_matches('/').to_owned();
    }
    format!("{}{}", ctx.config.base_url.trim_end_matches('/'), link)
}

/// Queue the mail of an e-mail delivery; its `mail.send` job marks the delivery sent.
pub async fn email(ctx: &AppCtx, d: &DeliveryWork) -> Result<Value, JobError> {
    let Some(to) = d.email.as_deref().filter(|e| !e.is_empty()) else {
        return record(ctx, d.id, Outcome::Failed("no e-mail address".into()), true).await;
    };
    let t = ctx
        .catalog
        .messages(crate::Locale::parse(&d.locale).unwrap_or_default());
    let body = format!(
        "{}\n\n{}\n\n{}\n\n-- \n{}",
        d.title,
        d.body,
        absolute(ctx, &d.link),
        t.get("notify.mail_footer")
    );
    let mail = OutgoingMail {
        to: to.to_owned(),
        subject: d.title.clone(),
        body,
        region_code: None,
        user_id: Some(d.user_id),
        secret: None,
    };
    // A notice leading to a ticket carries the ticket's QR code as an image.
    let qr = crate::events::register::ticket_code_for_link(ctx, &d.link, d.user_id).await;
    let id = ctx
        .store
        .queue_delivery_mail(d.id, &mail, qr.as_deref())
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
    ctx.jobs_wake.notify_one();
    Ok(serde_json::json!({ "mail_id": id }))
}

/// Push to every browser the person subscribed; expired subscriptions are removed. Delivered
/// when one push service accepted it (the others are not tried again, so nobody gets it twice).
pub async fn push(ctx: &AppCtx, d: &DeliveryWork) -> Outcome {
    let subs = match ctx.store.push_subscriptions(d.user_id).await {
        Ok(s) => s,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    if subs.is_empty() {
        return Outcome::Failed("no browser subscribed".into());
    }
    let keys = match crate::push_keys::vapid(ctx).await {
        Ok(k) => k,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let payload = serde_json::json!({
        "title": d.title,
        "body": truncate(&d.body, 1500),
        "url": absolute(ctx, &d.link),
        "tag": format!("simpul-{}", d.notification_id),
    })
    .to_string();
    let options = simpul_delivery::push::PushOptions {
        urgency: if d.priority == "urgent" {
            simpul_delivery::push::Urgency::High
        } else {
            simpul_delivery::push::Urgency::Normal
        },
        // A repeat of the same notification replaces an undelivered one.
        topic: Some(format!("n{}", d.notification_id)),
        ..Default::default()
    };
    let mut retry = None;
    let mut failures = Vec::new();
    for sub in subs {
        let target = simpul_delivery::push::Subscription {
            endpoint: sub.endpoint.clone(),
            p256dh: sub.p256dh.clone(),
            auth: sub.auth.clone(),
        };
        let outcome = simpul_delivery::push::send(
            &ctx.http,
            &keys,
            &ctx.config.push_subject,
            &target,
            payload.as_bytes(),
            &options,
        )
        .await;
        match outcome {
            simpul_delivery::Outcome::Delivered => return Outcome::Delivered,
            simpul_delivery::Outcome::Gone { reason } => {
                tracing::info!(user = d.user_id, %reason, "push subscription gone; removed");
                let _ = ctx.store.delete_push_subscription(d.user_id, sub.id).await;
                failures.push(reason);
            }
            simpul_delivery::Outcome::Retry { reason, .. } => retry = Some(reason),
            simpul_delivery::Outcome::Failed { reason } => failures.push(reason),
        }
    }
    match retry {
        Some(reason) => Outcome::Retry(reason),
        None => Outcome::Failed(failures.join("; ")),
    }
}

/// Hand the message to the messaging gateway of the person's office, as a signed webhook.
pub async fn gateway(ctx: &AppCtx, d: &DeliveryWork) -> Outcome {
    let Some(phone) = d.phone.as_deref().filter(|p| !p.is_empty()) else {
        return Outcome::Failed("no phone number".into());
    };
    let recipients = match ctx.store.recipients(&[d.user_id]).await {
        Ok(r) => r,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let region = recipients
        .first()
        .and_then(|r| r.region_code.as_deref())
        .and_then(|r| simpul_core::RegionCode::parse(r).ok());
    let hook = match region {
        Some(r) => ctx.store.gateway_for(&r).await,
        None => Ok(None),
    };
    let hook = match hook {
        Ok(Some(h)) => h,
        Ok(None) => return Outcome::Failed("no messaging gateway for this office".into()),
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let secret = ctx
        .cipher
        .decrypt(&hook.secret)
        .and_then(|s| simpul_delivery::webhook::WebhookSecret::new(s).ok());
    let Some(secret) = secret else {
        return Outcome::Failed("the gateway's secret cannot be read".into());
    };
    let body = serde_json::json!({
        "delivery_id": d.id,
        "to": { "name": d.display_name, "phone": phone },
        "kind": d.kind,
        "priority": d.priority,
        "title": d.title,
        "body": d.body,
        "link": absolute(ctx, &d.link),
    })
    .to_string();
    match simpul_delivery::webhook::send(
        &ctx.http,
        &hook.url,
        &secret,
        &d.id.to_string(),
        body.as_bytes(),
    )
    .await
    {
        simpul_delivery::Outcome::Delivered => Outcome::Delivered,
        simpul_delivery::Outcome::Retry { reason, .. } => Outcome::Retry(reason),
        simpul_delivery::Outcome::Gone { reason } | simpul_delivery::Outcome::Failed { reason } => {
            Outcome::Failed(reason)
        }
    }
}

/// One message for everything held for a person's digest: by e-mail when they have an address,
/// else one push; the items stay in the app either way.
pub async fn send_digest(
    ctx: &AppCtx,
    items: &[&DeliveryWork],
) -> Result<(), simpul_store::StoreError> {
    let Some(first) = items.first() else {
        return Ok(());
    };
    let ids: Vec<i64> = items.iter().map(|d| d.id).collect();
    let t = ctx
        .catalog
        .messages(crate::Locale::parse(&first.locale).unwrap_or_default());
    let count = items.len().to_string();
    let subject = t.fmt("notify.digest_title", &[("count", &count)]);
    let mut seen = std::collections::BTreeSet::new();
    let lines: Vec<String> = items
        .iter()
        .filter(|d| seen.insert(d.notification_id))
        .map(|d| format!("- {} ({})", d.title, absolute(ctx, &d.link)))
        .collect();
    if let Some(to) = first.email.as_deref().filter(|e| !e.is_empty()) {
        let mail = OutgoingMail {
            to: to.to_owned(),
            subject,
            body: format!("{}\n\n{}\n", lines.join("\n"), t.get("notify.mail_footer")),
            region_code: None,
            user_id: Some(first.user_id),
            secret: None,
        };
        ctx.store.queue_mail(&mail).await?;
        ctx.jobs_wake.notify_one();
        ctx.store.close_digest(&ids, "sent", Some("digest")).await
    } else {
        ctx.store
            .close_digest(
                &ids,
                "failed",
                Some("digest: no e-mail address; shown in the app"),
            )
            .await
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
