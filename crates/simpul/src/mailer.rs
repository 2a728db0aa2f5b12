//! Delivers the mail outbox over SMTP (lettre). Each instance polls; a lease on each claimed row
//! keeps two instances from sending the same mail, and a crash leaves the row to be retried.

use anyhow::{Context, Result};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use simpul_store::Store;
use std::time::Duration;
use tokio::sync::watch;

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

    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to
                .parse()
                .with_context(|| format!("bad recipient {to:?}"))?)
            .subject(subject)
            .body(body.to_owned())?;
        self.transport.send(message).await?;
        Ok(())
    }

    /// Send what is pending once; returns how many were sent.
    pub async fn deliver_pending(&self, store: &Store) -> Result<usize> {
        let mut sent = 0;
        for mail in store.claim_mail(20, chrono::Duration::seconds(120)).await? {
            match self
                .send(&mail.to_addr, &mail.subject, &mail.body_for_delivery())
                .await
            {
                Ok(()) => {
                    store.mark_mail_sent(mail.id).await?;
                    sent += 1;
                }
                Err(err) => {
                    tracing::warn!(mail = mail.id, error = %err, "mail delivery failed");
                    store
                        .mark_mail_failed(mail.id, &err.to_string(), mail.attempts)
                        .await?;
                }
            }
        }
        Ok(sent)
    }

    /// Poll until `shutdown` flips.
    pub async fn run(self, store: Store, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(err) = self.deliver_pending(&store).await {
                tracing::warn!(error = %err, "mail outbox poll failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                _ = shutdown.changed() => break,
            }
        }
    }
}
