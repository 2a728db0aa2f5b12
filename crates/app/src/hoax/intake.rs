//! Submitting a suspicious message, from any channel: the public form, a signed-in account,
//! the API or a messaging gateway. Parsed, flood-limited, matched, and either answered at once
//! or queued, grouped with the other reports of the same claim.

use super::images::{self, KeptImage};
use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use chrono::{DateTime, DurationRound, Utc};
use sha2::{Digest, Sha256};
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;
use simpul_core::hoax::{decide, Channel, Decision, Fingerprint, Match, Submission};
use simpul_core::RegionCode;
use simpul_store::hoax::{ClaimRecord, Clarification, NewReport, Placement};

/// Submissions allowed per source and ten-minute window.
pub fn flood_limit(channel: Channel) -> i64 {
    match channel {
        // Per IP address: a household sharing one connection still gets through a morning's
        // forwards, a script does not.
        Channel::Web => 10,
        Channel::Account => 30,
        Channel::Api => 120,
        // Per office gateway: many villagers behind one number.
        Channel::Gateway => 600,
    }
}

const WINDOW_MINUTES: i64 = 10;

/// A submission as received (before parsing).
#[derive(Debug, Clone, Default)]
pub struct SubmitInput {
    pub text: String,
    pub region: Option<String>,
    pub email: Option<String>,
    pub sender: Option<String>,
    /// Raw picture files.
    pub images: Vec<Vec<u8>>,
}

/// Who submits.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The public form, from this client address.
    Public { ip: &'a str },
    /// A signed-in person (page or API).
    Account { actor: &'a Actor, api: bool },
    /// An office's messaging gateway (already authenticated by its signature).
    Gateway { office: &'a RegionCode },
}

/// What happened to a submission.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one per request, never stored in bulk
pub enum Outcome {
    /// A checked claim matched: here is its verdict.
    Answered {
        report_id: i64,
        claim: ClaimRecord,
        clarification: Clarification,
        matched: Match,
    },
    /// In the queue, under an existing open claim or a new one; `similar` are published claims
    /// that resemble it (shown, never asserted).
    Queued {
        report_id: i64,
        claim_id: i64,
        grouped: bool,
        similar: Vec<(ClaimRecord, Match)>,
    },
}

fn bucket(ctx: &AppCtx, source: &Source<'_>) -> String {
    match source {
        Source::Public { ip } => {
            // Hashed with the installation secret: the counter table holds no address.
            let mut h = Sha256::new();
            h.update(&ctx.config.secret.0);
            h.update(ip.as_bytes());
            format!("ip:{}", &hex::encode(h.finalize())[..24])
        }
        Source::Account { actor, .. } => format!("user:{}", actor.user_id),
        Source::Gateway { office } => format!("gateway:{office}"),
    }
}

/// The start of the flood-limit window holding `now`.
pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(chrono::Duration::minutes(WINDOW_MINUTES))
        .unwrap_or(now)
}

/// Submit a message. Bad input is refused field by field, nothing is stored half.
pub async fn submit(
    ctx: &AppCtx,
    source: Source<'_>,
    audit: &AuditContext,
    input: &SubmitInput,
) -> AppResult<Outcome> {
    let channel = match source {
        Source::Public { .. } => Channel::Web,
        Source::Account { api: false, .. } => Channel::Account,
        Source::Account { api: true, .. } => Channel::Api,
        Source::Gateway { .. } => Channel::Gateway,
    };
    let mut errors: Vec<FieldError> = Vec::new();
    let region = match input
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => None,
        Some(raw) => match RegionCode::parse(raw) {
            Ok(code) if ctx.store.region(&code).await.is_ok() => Some(code),
            _ => {
                errors.push(FieldError::new("region", "error.region"));
                None
            }
        },
    };
    // A signed-in KIM person reports from their own village unless they say otherwise.
    let region = match (region, source) {
        (None, Source::Account { actor, .. }) => {
            actor.grants.iter().find_map(|g| match &g.territory {
                simpul_core::ScopeRegions::Regions(r) => r.first().cloned(),
                simpul_core::ScopeRegions::All => None,
            })
        }
        (region, _) => region,
    };
    let email = match channel {
        Channel::Web => input.email.as_deref(),
        _ => None,
    };
    let sender = match channel {
        Channel::Gateway => input.sender.as_deref(),
        _ => None,
    };
    let submission = match Submission::parse(
        &input.text,
        input.images.len(),
        region.clone(),
        channel,
        email,
        sender,
    ) {
        Ok(s) => Some(s),
        Err(e) => {
            errors.push(FieldError::new(e.field(), e.message_key()));
            None
        }
    };
    let mut kept: Vec<KeptImage> = Vec::new();
    if input.images.len() <= simpul_core::hoax::intake::MAX_IMAGES {
        for bytes in &input.images {
            match images::keep(bytes) {
                Ok(k) => kept.push(k),
                Err(e) => {
                    errors.push(FieldError::new("images", e.message_key()));
                    break;
                }
            }
        }
    }
    let Some(submission) = submission.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };

    let start = window_start(Utc::now());
    let allowed = ctx
        .store
        .hoax_intake_allow(
            &bucket(ctx, &source),
            start,
            start - chrono::Duration::minutes(WINDOW_MINUTES),
            flood_limit(channel),
        )
        .await?;
    if !allowed {
        return Err(AppError::TooManyRequests);
    }

    let hashes: Vec<u64> = kept.iter().map(|k| k.hash).collect();
    let fp = Fingerprint::of(&submission.text, &hashes);
    let matches = super::search(ctx, &fp, 5).await?;
    let decision = decide(&matches);
    let placement = match &decision {
        Decision::Instant(m) => Placement::Instant {
            claim_id: m.claim_id,
            similarity: m.similarity,
        },
        Decision::Group(m) => Placement::Group {
            claim_id: m.claim_id,
            similarity: m.similarity,
        },
        Decision::New => Placement::NewClaim {
            title: title_of(&submission.text),
            topic: simpul_core::hoax::topics::topic_of(&fp.words).map(str::to_string),
        },
    };
    let report = NewReport {
        body: submission.text.clone(),
        links: fp.links.join("\n"),
        image_hashes: hashes
            .iter()
            .map(|h| images::hash_hex(*h))
            .collect::<Vec<_>>()
            .join(","),
        channel: channel.as_str(),
        region_code: submission.region.clone(),
        reporter_id: match source {
            Source::Account { actor, .. } => Some(actor.user_id),
            _ => None,
        },
        reporter_email: submission.email.as_deref().map(|e| ctx.cipher.encrypt(e)),
        gateway_region: match source {
            Source::Gateway { office } => Some(office.to_string()),
            _ => None,
        },
        gateway_sender: submission.sender.as_deref().map(|s| ctx.cipher.encrypt(s)),
        images: kept
            .into_iter()
            .map(|k| (images::hash_hex(k.hash), k.png))
            .collect(),
    };
    let (claim_id, report_id) = match ctx.store.hoax_add_report(audit, &report, &placement).await {
        Ok(ids) => ids,
        // The matched claim was merged a moment ago: start a new claim rather than fail.
        Err(simpul_store::StoreError::NotFound) => {
            let placement = Placement::NewClaim {
                title: title_of(&submission.text),
                topic: simpul_core::hoax::topics::topic_of(&fp.words).map(str::to_string),
            };
            ctx.store
                .hoax_add_report(audit, &report, &placement)
                .await?
        }
        Err(e) => return Err(e.into()),
    };
    if let Decision::Instant(m) = decision {
        let claim = ctx.store.hoax_claim(claim_id).await?;
        if let Some(clarification) = ctx.store.hoax_clarification(claim_id).await? {
            if clarification.published_at.is_some() {
                return Ok(Outcome::Answered {
                    report_id,
                    claim,
                    clarification,
                    matched: m,
                });
            }
        }
    }
    let similar = similar_published(ctx, &matches, claim_id).await?;
    Ok(Outcome::Queued {
        report_id,
        claim_id,
        grouped: matches!(placement, Placement::Group { .. }),
        similar,
    })
}

/// Published claims among `matches` worth showing as "similar" (not `except`).
pub async fn similar_published(
    ctx: &AppCtx,
    matches: &[Match],
    except: i64,
) -> AppResult<Vec<(ClaimRecord, Match)>> {
    let mut out = Vec::new();
    for m in matches.iter().filter(|m| {
        m.claim_id != except && m.similarity >= simpul_core::hoax::matcher::SUGGEST_SIMILARITY
    }) {
        let claim = ctx.store.hoax_claim(m.claim_id).await?;
        out.push((claim, m.clone()));
        if out.len() >= 3 {
            break;
        }
    }
    Ok(out)
}

/// A claim's working title: the first line of its first report, cut at a word near 140 chars.
pub fn title_of(text: &str) -> String {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| l.chars().any(char::is_alphanumeric))
        .unwrap_or("");
    if first.chars().count() <= 140 {
        return first.to_string();
    }
    let cut: String = first.chars().take(140).collect();
    match cut.rfind(' ') {
        Some(i) if i > 60 => format!("{}…", &cut[..i]),
        _ => format!("{cut}…"),
    }
}
