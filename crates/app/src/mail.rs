//! Mail leaves through the outbox: every queued mail gets a `mail.send` job in the transaction
//! that queues it (see `simpul_store::outbox`), and that job hands it to SMTP (lettre). An SMTP
//! server that is down makes the job retry with backoff (the mail waits, nothing is lost); a
//! lease on the outbox row keeps two workers from sending the same mail. A sweep every minute
//! gives a job to pending mail that has none (queued while SMTP was not configured, or whose
//! job was given up).

use crate::jobs::{JobError, JobKind, Progress, ScheduleDef};
use crate::AppCtx;
use anyhow::{Context, Result};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::Value;
use simpul_store::jobs::Job;
use std::time::Duration;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .context("invalid --smtp-url")?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .with_context(|| format!("--smtp-from {from:?} is not a mail address"))?;
        Ok(Mailer { transport, from })
    }

    /// Send a text mail; with `qr`, also an HTML version showing that text's QR code as an
    /// inline PNG (`cid:` part of a multipart/related), so a ticket mail can be shown at the
    /// door straight from the phone's mail app. The plain text stays for clients without HTML.
    pub async fn send(&self, to: &str, subject: &str, body: &str, qr: Option<&str>) -> Result<()> {
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to
                .parse()
                .with_context(|| format!("bad recipient {to:?}"))?)
            .subject(subject);
        let message = match qr.and_then(qr_png) {
            Some(png) => {
                let html = format!(
                    "<!doctype html><html><body><p style=\"white-space:pre-wrap\">{}</p>\
                     <p><img src=\"cid:{QR_CID}\" alt=\"QR\" width=\"240\" height=\"240\"></p></body></html>",
                    escape_html(body)
                );
                builder.multipart(
                    MultiPart::alternative()
                        .singlepart(SinglePart::plain(body.to_owned()))
                        .multipart(
                            MultiPart::related()
                                .singlepart(SinglePart::html(html))
                                .singlepart(
                                    Attachment::new_inline(QR_CID.to_owned()).body(
                                        png,
                                        ContentType::parse("image/png")
                                            .map_err(|e| anyhow::anyhow!("{e:?}"))?,
                                    ),
                                ),
                        ),
                )?
            }
            None => builder.body(body.to_owned())?,
        };
        self.transport.send(message).await?;
        Ok(())
    }
}

/// The Content-ID of a mail's QR image.
pub const QR_CID: &str = "ticket-qr";

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A QR code as a PNG: 8 pixels a module, a quiet zone of 4 modules, black on white (the
/// `image` crate the share cards already use encodes it).
pub fn qr_png(text: &str) -> Option<Vec<u8>> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let (w, scale, quiet) = (code.width() as u32, 8u32, 4u32);
    let size = (w + 2 * quiet) * scale;
    let colors = code.to_colors();
    let img = image::GrayImage::from_fn(size, size, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        let dark = mx >= quiet
            && my >= quiet
            && mx < w + quiet
            && my < w + quiet
            && colors[((my - quiet) * w + (mx - quiet)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).ok()?;
    Some(out.into_inner())
}

pub static SEND: JobKind = JobKind {
    name: simpul_store::outbox::SEND_MAIL_JOB,
    run: |state, job, progress| Box::pin(send_job(state, job, progress)),
    max_attempts: 8,
    max_backoff: Duration::from_secs(600),
};

pub static SWEEP: JobKind = JobKind {
    name: "mail.sweep",
    run: |state, job, progress| Box::pin(sweep_job(state, job, progress)),
    max_attempts: 3,
    max_backoff: Duration::from_secs(60),
};

pub static EVERY_MINUTE: ScheduleDef = ScheduleDef {
    name: "mail.sweep",
    every: Duration::from_secs(60),
    kind: &SWEEP,
};

#[derive(serde::Deserialize)]
struct SendInput {
    mail_id: i64,
}

async fn send_job(state: &AppCtx, job: &Job, _: &Progress) -> Result<Value, JobError> {
    let input: SendInput =
        serde_json::from_str(&job.payload).map_err(|_| "error.internal_detail")?;
    let Some(mailer) = &state.mailer else {
        // No SMTP here: the mail stays in the outbox for the administrators (and the sweep
        // gives it a job again if SMTP is configured later).
        return Ok(serde_json::json!({ "kept_in_outbox": true }));
    };
    let store = &state.store;
    let lease = chrono::Duration::seconds(120);
    let mail = store
        .claim_mail_by_id(input.mail_id, lease)
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
    let Some(mail) = mail else {
        // Sent already, given up, or another worker holds it.
        return Ok(serde_json::json!({ "skipped": true }));
    };
    match mailer
        .send(
            &mail.to_addr,
            &mail.subject,
            &mail.body_for_delivery(),
            mail.qr_text.as_deref(),
        )
        .await
    {
        Ok(()) => {
            store
                .mark_mail_sent(mail.id)
                .await
                .map_err(|e| JobError::Retry(e.to_string()))?;
            if let Some(d) = mail.delivery_id {
                let _ = store.mark_delivery(d, "sent", None).await;
            }
            Ok(serde_json::json!({ "sent": true }))
        }
        Err(err) => {
            let reason = format!("{err:#}");
            tracing::warn!(mail = mail.id, error = %reason, "mail delivery failed");
            store
                .mark_mail_failed(mail.id, &reason, mail.attempts)
                .await
                .map_err(|e| JobError::Retry(e.to_string()))?;
            let given_up = mail.attempts >= simpul_store::outbox::MAX_ATTEMPTS;
            if let Some(d) = mail.delivery_id {
                let status = if given_up { "failed" } else { "queued" };
                let _ = store.mark_delivery(d, status, Some(&reason)).await;
            }
            if given_up {
                Err(JobError::Failed("notify.error_mail"))
            } else {
                Err(JobError::Retry(reason))
            }
        }
    }
}

async fn sweep_job(state: &AppCtx, _: &Job, _: &Progress) -> Result<Value, JobError> {
    if state.mailer.is_none() {
        return Ok(serde_json::json!({ "queued": 0 }));
    }
    let ids = state
        .store
        .mails_waiting_for_a_job(500)
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
    for id in &ids {
        state
            .store
            .enqueue(&simpul_store::outbox::send_mail_job(*id))
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
    }
    if !ids.is_empty() {
        state.jobs_wake.notify_one();
    }
    Ok(serde_json::json!({ "queued": ids.len() }))
}
