//! The verifiers' work: the queue, a claim with its reports, notes, suggested similar claims,
//! taking a claim, the verdict, the second review, reopening, merging duplicates; the second-
//! review setting per office; trends for administrators.

use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor};
use simpul_core::hoax::workflow::Facts;
use simpul_core::hoax::{ClaimStatus, Fingerprint, Match, Transition, WorkflowError};
use simpul_core::RegionCode;
use simpul_store::hoax::{ClaimRecord, Clarification, Note, ReportRecord, Trends};
use simpul_store::StoreError;

/// Longest verdict summary (it goes on the image card and in chat messages).
pub const MAX_SUMMARY: usize = 280;
pub const MAX_EXPLANATION: usize = 10_000;
pub const MAX_SOURCES: usize = 10;
pub const MAX_NOTE: usize = 5_000;

fn region_of(claim: &ClaimRecord) -> Option<RegionCode> {
    claim
        .region_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
}

fn may_check(who: &Actor, claim: &ClaimRecord) -> bool {
    who.can(Action::CheckClaim {
        region: region_of(claim).as_ref(),
    })
}

/// A claim checkable by `who`, or 404 (whether it exists elsewhere is not said) / 403.
pub async fn checkable(ctx: &AppCtx, who: &Actor, id: i64) -> AppResult<ClaimRecord> {
    require_checker(who)?;
    let claim = ctx.store.hoax_claim(id).await?;
    if !may_check(who, &claim) {
        return Err(AppError::NotFound);
    }
    Ok(claim)
}

fn require_checker(who: &Actor) -> AppResult<()> {
    if who.can(Action::CheckClaim { region: None }) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Open claims in the actor's territory, most recently reported first.
pub async fn queue(ctx: &AppCtx, who: &Actor) -> AppResult<Vec<ClaimRecord>> {
    require_checker(who)?;
    Ok(ctx
        .store
        .hoax_claims(
            &who.fact_check_territory(),
            &[
                ClaimStatus::New,
                ClaimStatus::InReview,
                ClaimStatus::AwaitingReview,
            ],
            200,
        )
        .await?)
}

/// How many claims wait for `who` (for the dashboard); 0 for those who do not check claims.
pub async fn waiting_count(ctx: &AppCtx, who: &Actor) -> AppResult<i64> {
    if !who.can(Action::CheckClaim { region: None }) {
        return Ok(0);
    }
    Ok(ctx
        .store
        .hoax_open_count(&who.fact_check_territory())
        .await?)
}

/// A report as a verifier sees it: contact details decrypted (verifiers are entitled to them to
/// ask a reporter for the original message; nobody else is shown them).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub id: i64,
    pub body: String,
    pub channel: String,
    pub region_code: Option<String>,
    pub reporter_id: Option<i64>,
    pub reporter_email: Option<String>,
    pub instant: bool,
    pub answered: bool,
    #[schema(value_type = String)]
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub image_ids: Vec<i64>,
}

/// Everything the claim page shows.
#[derive(Debug, Clone)]
pub struct ClaimView {
    pub claim: ClaimRecord,
    pub reports: Vec<ReportView>,
    pub regions: Vec<(String, i64)>,
    pub channels: Vec<(String, i64)>,
    pub notes: Vec<Note>,
    pub clarification: Option<Clarification>,
    /// Other claims that look alike (merge candidates and published verdicts), with scores.
    pub similar: Vec<(ClaimRecord, Match)>,
    pub second_review: bool,
}

fn report_view(ctx: &AppCtx, r: ReportRecord, images: &[(i64, i64)]) -> ReportView {
    ReportView {
        id: r.id,
        body: r.body,
        channel: r.channel,
        region_code: r.region_code,
        reporter_id: r.reporter_id,
        reporter_email: r
            .reporter_email
            .as_deref()
            .and_then(|e| ctx.cipher.decrypt(e)),
        instant: r.instant,
        answered: r.answered_at.is_some(),
        created_at: r.created_at,
        image_ids: images
            .iter()
            .filter(|(rid, _)| *rid == r.id)
            .map(|(_, id)| *id)
            .collect(),
    }
}

pub async fn claim_view(ctx: &AppCtx, who: &Actor, id: i64) -> AppResult<ClaimView> {
    let claim = checkable(ctx, who, id).await?;
    let reports = ctx.store.hoax_reports(id, 100).await?;
    let ids: Vec<i64> = reports.iter().map(|r| r.id).collect();
    let images = ctx.store.hoax_image_ids(&ids).await?;
    let (regions, channels) = ctx.store.hoax_spread(id).await?;
    let fp = Fingerprint::of(&claim.body, &[]);
    let matches = super::search(ctx, &fp, 8).await?;
    let mut similar = Vec::new();
    for m in matches.into_iter().filter(|m| {
        m.claim_id != id && m.similarity >= simpul_core::hoax::matcher::SUGGEST_SIMILARITY
    }) {
        if let Ok(c) = ctx.store.hoax_claim(m.claim_id).await {
            if may_check(who, &c) && c.status != ClaimStatus::Merged {
                similar.push((c, m));
            }
        }
        if similar.len() >= 5 {
            break;
        }
    }
    Ok(ClaimView {
        second_review: ctx
            .store
            .hoax_second_review(region_of(&claim).as_ref())
            .await?,
        reports: reports
            .into_iter()
            .map(|r| report_view(ctx, r, &images))
            .collect(),
        regions,
        channels,
        notes: ctx.store.hoax_notes(id).await?,
        clarification: ctx.store.hoax_clarification(id).await?,
        similar,
        claim,
    })
}

fn workflow_error(e: WorkflowError) -> AppError {
    AppError::Conflict(FieldError::new("", e.message_key()))
}

fn changed(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::Conflict(FieldError::new("", "hoax.error.changed")),
        other => other.into(),
    }
}

fn facts(who: &Actor, claim: &ClaimRecord, verdict: Option<&Clarification>) -> Facts {
    Facts {
        actor: who.user_id,
        assignee: claim.assignee_id,
        verdict_author: verdict.and_then(|v| v.author_id),
    }
}

/// Take a claim (or take it over from another verifier).
pub async fn take(ctx: &AppCtx, who: &Actor, audit: &AuditContext, id: i64) -> AppResult<()> {
    let claim = checkable(ctx, who, id).await?;
    let to = claim
        .status
        .apply(Transition::Take, facts(who, &claim, None))
        .map_err(workflow_error)?;
    ctx.store
        .hoax_move(
            audit,
            &claim,
            to,
            Some(who.user_id),
            "hoax.take",
            serde_json::json!({"from_assignee": claim.assignee_id}),
        )
        .await
        .map_err(changed)
}

pub async fn add_note(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    body: &str,
) -> AppResult<i64> {
    let claim = checkable(ctx, who, id).await?;
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("body", "error.required"));
    }
    if body.chars().count() > MAX_NOTE
        || body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(AppError::invalid("body", "hoax.error.note"));
    }
    Ok(ctx
        .store
        .hoax_add_note(audit, &claim, who.user_id, body)
        .await?)
}

/// A verdict as a verifier writes it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct VerdictInput {
    /// A label code of the installation, e.g. `hoaks`, `disinformasi`, `misinformasi`, `fakta`.
    pub label: String,
    /// One or two sentences (at most 280 characters): what is true.
    pub summary: String,
    /// The explanation (at most 10,000 characters).
    pub explanation: String,
    /// Sources, one a line (links or references), at most 10.
    #[serde(default)]
    pub sources: String,
    /// Improve the claim's title as the public will read it (optional).
    #[serde(default)]
    pub title: Option<String>,
}

fn parse_verdict(
    ctx: &AppCtx,
    input: &VerdictInput,
) -> Result<(String, String, String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let label = match ctx.hoax.labels.parse(&input.label) {
        Ok(l) => l.as_str().to_string(),
        Err(_) => {
            errors.push(FieldError::new("label", "hoax.error.label"));
            String::new()
        }
    };
    let clean = |s: &str| s.trim().replace("\r\n", "\n");
    let bad_chars = |s: &str| s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    let summary = clean(&input.summary);
    if summary.is_empty() {
        errors.push(FieldError::new("summary", "error.required"));
    } else if summary.chars().count() > MAX_SUMMARY || bad_chars(&summary) {
        errors.push(FieldError::new("summary", "hoax.error.summary"));
    }
    let explanation = clean(&input.explanation);
    if explanation.is_empty() {
        errors.push(FieldError::new("explanation", "error.required"));
    } else if explanation.chars().count() > MAX_EXPLANATION || bad_chars(&explanation) {
        errors.push(FieldError::new("explanation", "hoax.error.explanation"));
    }
    let sources: Vec<String> = input
        .sources
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if sources.len() > MAX_SOURCES
        || sources
            .iter()
            .any(|s| s.chars().count() > 500 || bad_chars(s))
    {
        errors.push(FieldError::new("sources", "hoax.error.sources"));
    }
    if errors.is_empty() {
        Ok((label, summary, explanation, sources.join("\n")))
    } else {
        Err(errors)
    }
}

/// Submit the verdict of a claim the actor took: published at once, or waiting for a second
/// verifier where the office requires one. Returns the new state.
pub async fn submit_verdict(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    input: &VerdictInput,
) -> AppResult<ClaimStatus> {
    let claim = checkable(ctx, who, id).await?;
    let (label, summary, explanation, sources) =
        parse_verdict(ctx, input).map_err(AppError::Invalid)?;
    let second_review = ctx
        .store
        .hoax_second_review(region_of(&claim).as_ref())
        .await?;
    let to = claim
        .status
        .apply(
            Transition::SubmitVerdict { second_review },
            facts(who, &claim, None),
        )
        .map_err(workflow_error)?;
    let verdict = Clarification {
        claim_id: id,
        label,
        summary,
        explanation,
        sources,
        author_id: Some(who.user_id),
        reviewer_id: None,
        published_at: None,
        updated_at: chrono::Utc::now(),
    };
    let title = input
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(t) = title {
        if t.chars().count() > 200 || t.chars().any(char::is_control) {
            return Err(AppError::invalid("title", "hoax.error.title"));
        }
    }
    ctx.store
        .hoax_save_verdict(audit, &claim, &verdict, to, title)
        .await
        .map_err(changed)?;
    if to == ClaimStatus::Published {
        super::answer::queue(ctx, id).await?;
    }
    Ok(to)
}

/// A second verifier approves (publishes) or sends back a verdict.
pub async fn review(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    approve: bool,
) -> AppResult<ClaimStatus> {
    let claim = checkable(ctx, who, id).await?;
    let verdict = ctx.store.hoax_clarification(id).await?;
    let step = if approve {
        Transition::Approve
    } else {
        Transition::SendBack
    };
    let to = claim
        .status
        .apply(step, facts(who, &claim, verdict.as_ref()))
        .map_err(workflow_error)?;
    if approve {
        ctx.store
            .hoax_approve(audit, &claim, who.user_id)
            .await
            .map_err(changed)?;
        super::answer::queue(ctx, id).await?;
    } else {
        ctx.store
            .hoax_move(
                audit,
                &claim,
                to,
                claim.assignee_id,
                "hoax.send_back",
                serde_json::json!({}),
            )
            .await
            .map_err(changed)?;
    }
    Ok(to)
}

/// Open a published claim again (its clarification is withdrawn from the public until
/// published anew).
pub async fn reopen(ctx: &AppCtx, who: &Actor, audit: &AuditContext, id: i64) -> AppResult<()> {
    let claim = checkable(ctx, who, id).await?;
    let to = claim
        .status
        .apply(Transition::Reopen, facts(who, &claim, None))
        .map_err(workflow_error)?;
    ctx.store
        .hoax_move(
            audit,
            &claim,
            to,
            Some(who.user_id),
            "hoax.reopen",
            serde_json::json!({}),
        )
        .await
        .map_err(changed)
}

/// Merge claim `id` (a duplicate) into `into`; its reports follow.
pub async fn merge(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    into: i64,
) -> AppResult<()> {
    if id == into {
        return Err(AppError::invalid("into", "hoax.error.merge_self"));
    }
    let claim = checkable(ctx, who, id).await?;
    let target = match checkable(ctx, who, into).await {
        Ok(t) if t.status != ClaimStatus::Merged => t,
        _ => return Err(AppError::invalid("into", "hoax.error.merge_target")),
    };
    claim
        .status
        .apply(Transition::Merge, facts(who, &claim, None))
        .map_err(workflow_error)?;
    ctx.store
        .hoax_merge(audit, &claim, &target)
        .await
        .map_err(changed)?;
    if target.status == ClaimStatus::Published {
        // The merged reports are answered with the published verdict.
        super::answer::queue(ctx, into).await?;
    }
    Ok(())
}

/// Split the reports `report_ids` off claim `id` into a new claim of their own (a report that
/// was grouped under the wrong claim). The new claim joins the queue; returns its id.
pub async fn split(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    report_ids: &[i64],
) -> AppResult<i64> {
    let mut report_ids = report_ids.to_vec();
    report_ids.sort_unstable();
    report_ids.dedup();
    if report_ids.is_empty() {
        return Err(AppError::invalid("report", "hoax.error.split_none"));
    }
    if report_ids.len() > 100 {
        return Err(AppError::invalid("report", "hoax.error.split_reports"));
    }
    let claim = checkable(ctx, who, id).await?;
    claim
        .status
        .apply(Transition::Split, facts(who, &claim, None))
        .map_err(workflow_error)?;
    let reports = ctx.store.hoax_reports(id, 100).await?;
    let title = reports
        .iter()
        .find(|r| report_ids.contains(&r.id))
        .map(|r| super::intake::title_of(&r.body))
        .unwrap_or_default();
    match ctx
        .store
        .hoax_split(audit, &claim, &report_ids, &title)
        .await
    {
        Ok(new_id) => Ok(new_id),
        Err(StoreError::Invalid(_)) => Err(AppError::invalid("report", "hoax.error.split_reports")),
        Err(e) => Err(changed(e)),
    }
}

/// Trends of the actor's territory over the last `days` days.
pub async fn trends(ctx: &AppCtx, who: &Actor, days: i64) -> AppResult<Trends> {
    if !who.can(Action::ViewHoaxTrends) {
        return Err(AppError::Forbidden);
    }
    let territory = simpul_core::ScopeRegions::union([who.oversight(), who.fact_check_territory()]);
    let since = chrono::Utc::now() - chrono::Duration::days(days.clamp(7, 366));
    Ok(ctx.store.hoax_trends(&territory, since).await?)
}

/// Set whether the office of `region` requires a second verifier.
pub async fn set_second_review(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    region: &str,
    on: bool,
) -> AppResult<()> {
    let region = RegionCode::parse(region.trim())
        .map_err(|_| AppError::invalid("region", "error.region"))?;
    if !who.can(Action::ConfigureHoax { region: &region }) {
        return Err(AppError::Forbidden);
    }
    Ok(ctx
        .store
        .hoax_set_second_review(audit, Some(&region), on, who.user_id)
        .await?)
}

/// A report's picture, for verifiers of its claim.
pub async fn image(ctx: &AppCtx, who: &Actor, image_id: i64) -> AppResult<Vec<u8>> {
    require_checker(who)?;
    let (report_id, png) = ctx.store.hoax_image(image_id).await?;
    let report = ctx.store.hoax_report(report_id).await?;
    checkable(ctx, who, report.claim_id).await?;
    Ok(png)
}
