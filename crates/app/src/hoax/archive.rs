//! Fact-check archives in and out: a verifier loads an existing archive of `ClaimReview`s
//! (so the matcher answers from day one with what the office, or MAFINDO's turnbackhoax.id,
//! already checked), and anyone can take Simpul's published clarifications as `ClaimReview`.

use crate::error::{AppError, AppResult};
use crate::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor, ScopeRegions};
use simpul_core::hoax::claimreview::{parse_archive, Problem};
use simpul_core::hoax::Fingerprint;
use simpul_store::hoax::ImportedClaim;

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportOutcome {
    /// New published clarifications.
    pub imported: usize,
    /// Reviews of claims already published (by text), left as they were.
    pub skipped: usize,
}

/// Import an archive as published clarifications of the verifier's territory. `Ok(Err(..))`
/// lists every problem (by item and field) when any review is unusable; nothing is stored then.
pub async fn import(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    bytes: &[u8],
) -> AppResult<Result<ImportOutcome, Vec<Problem>>> {
    if !who.can(Action::CheckClaim { region: None }) {
        return Err(AppError::Forbidden);
    }
    let reviews = match parse_archive(bytes, &ctx.hoax.labels) {
        Ok(r) => r,
        Err(problems) => return Ok(Err(problems)),
    };
    // The verifier's own region (a provincial fact-checker's is the province); a national one
    // imports claims without a region, which every verifier may see.
    let region = match who.fact_check_territory() {
        ScopeRegions::Regions(codes) if codes.len() == 1 => codes.into_iter().next(),
        _ => None,
    };
    let claims: Vec<ImportedClaim<'_>> = reviews
        .iter()
        .map(|r| ImportedClaim {
            title: super::intake::title_of(&r.claim),
            topic: simpul_core::hoax::topics::topic_of(&Fingerprint::of_known(&r.claim, &[]).words)
                .map(str::to_string),
            review: r,
        })
        .collect();
    let (imported, skipped) = ctx
        .store
        .hoax_import_reviews(audit, &claims, region.as_ref(), who.user_id)
        .await?;
    Ok(Ok(ImportOutcome { imported, skipped }))
}
