//! Tiered awards (kabupaten/kota → province → national, like the national KIM festival's
//! selection): an office opens an award with categories and a rubric, nominates KIMs (the top
//! of its index ranking, or by hand), appoints jurors; jurors score each nomination within the
//! rubric's range, declaring no conflict of interest (a juror never scores a KIM they belong
//! to); the office publishes the results.

use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor};
use simpul_core::governance::valid_jury_score;
use simpul_core::RegionCode;
use simpul_store::governance::awards::{AwardRecord, NewAward};

pub const LEVELS: [&str; 3] = ["regency", "province", "national"];

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AwardInput {
    pub title: String,
    /// `regency`, `province` or `national`.
    pub level: String,
    /// One per line.
    pub categories: String,
    /// One criterion per line.
    pub rubric: String,
    pub max_score: String,
    pub region: String,
}

pub fn may_manage(who: &Actor, a: &AwardRecord) -> bool {
    RegionCode::parse(&a.region_code)
        .is_ok_and(|r| who.can(Action::ManageAgreements { region: &r }))
}

pub async fn create(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    input: &AwardInput,
) -> AppResult<i64> {
    let region = if input.region.trim().is_empty() {
        super::agreements::home_region(who)
    } else {
        RegionCode::parse(input.region.trim()).ok()
    };
    let Some(region) = region else {
        return Err(AppError::invalid("region", "gov.error.region"));
    };
    if !who.can(Action::ManageAgreements { region: &region }) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(FieldError::new("title", "gov.error.title"));
    }
    let level = input.level.trim();
    if !LEVELS.contains(&level) {
        errors.push(FieldError::new("level", "gov.error.level"));
    }
    let categories: Vec<&str> = input
        .categories
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if categories.is_empty() || categories.len() > 20 {
        errors.push(FieldError::new("categories", "gov.error.categories"));
    }
    let rubric = input.rubric.trim();
    if rubric.is_empty() || rubric.chars().count() > 5000 {
        errors.push(FieldError::new("rubric", "gov.error.rubric"));
    }
    let max_score = input
        .max_score
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=1000).contains(n));
    if max_score.is_none() {
        errors.push(FieldError::new("max_score", "gov.error.max_score"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(ctx
        .store
        .gov_create_award(
            audit,
            &NewAward {
                region_code: region.to_string(),
                level: level.to_string(),
                title: title.to_string(),
                categories: categories.join("\n"),
                rubric: rubric.to_string(),
                max_score: max_score.expect("checked"),
            },
        )
        .await?)
}

/// Nominate KIMs by id (entered by the office) in a category. Only KIMs inside the award's
/// region are accepted.
pub async fn nominate(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    award_id: i64,
    category: &str,
    kim_ids: &[i64],
    source: &str,
) -> AppResult<u64> {
    let a = ctx.store.gov_award(award_id).await?;
    if !may_manage(who, &a) {
        return Err(AppError::Forbidden);
    }
    if a.status != "open" {
        return Err(AppError::invalid("category", "gov.error.award_closed"));
    }
    if !a.category_list().contains(&category.trim()) {
        return Err(AppError::invalid("category", "gov.error.category"));
    }
    if kim_ids.is_empty() || kim_ids.len() > 100 {
        return Err(AppError::invalid("kims", "gov.error.kims"));
    }
    let region = RegionCode::parse(&a.region_code).map_err(AppError::internal)?;
    for k in kim_ids {
        let inside = match ctx.store.kim(*k).await {
            Ok(kim) => RegionCode::parse(&kim.village_code).is_ok_and(|v| region.contains(&v)),
            Err(_) => false,
        };
        if !inside {
            return Err(AppError::invalid("kims", "gov.error.kims"));
        }
    }
    Ok(ctx
        .store
        .gov_nominate(audit, &a, kim_ids, category.trim(), source)
        .await?)
}

/// Appoint a juror by username.
pub async fn add_juror(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    award_id: i64,
    username: &str,
) -> AppResult<()> {
    let a = ctx.store.gov_award(award_id).await?;
    if !may_manage(who, &a) {
        return Err(AppError::Forbidden);
    }
    let user = ctx
        .store
        .user_by_username(username.trim())
        .await?
        .ok_or(AppError::invalid("username", "gov.error.juror"))?;
    Ok(ctx.store.gov_add_juror(audit, &a, user.id).await?)
}

/// A juror scores a nomination, declaring no conflict of interest; a juror who belongs to the
/// nominated KIM is refused whatever they declare.
pub async fn score(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    nomination_id: i64,
    score: &str,
    no_conflict: bool,
    note: &str,
) -> AppResult<()> {
    let n = ctx.store.gov_nomination(nomination_id).await?;
    let a = ctx.store.gov_award(n.award_id).await?;
    if !ctx
        .store
        .gov_juror_awards(who.user_id)
        .await?
        .contains(&a.id)
    {
        return Err(AppError::Forbidden);
    }
    if a.status != "open" {
        return Err(AppError::invalid("score", "gov.error.award_closed"));
    }
    if ctx
        .store
        .gov_user_kims(who.user_id)
        .await?
        .contains(&n.kim_id)
    {
        return Err(AppError::invalid("no_conflict", "gov.error.own_kim"));
    }
    if !no_conflict {
        return Err(AppError::invalid(
            "no_conflict",
            "gov.error.conflict_declaration",
        ));
    }
    let value = score
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| valid_jury_score(*s, a.max_score));
    let Some(value) = value else {
        return Err(AppError::invalid("score", "gov.error.score_range"));
    };
    if note.chars().count() > 2000 {
        return Err(AppError::invalid("note", "gov.error.note_long"));
    }
    Ok(ctx
        .store
        .gov_jury_score(audit, &a, nomination_id, value, note.trim())
        .await?)
}

pub async fn publish(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    award_id: i64,
) -> AppResult<()> {
    let a = ctx.store.gov_award(award_id).await?;
    if !may_manage(who, &a) {
        return Err(AppError::Forbidden);
    }
    let places = super::award_results::places(ctx, &a).await?;
    ctx.store
        .gov_publish_award(audit, &a, &places)
        .await
        .map_err(|e| match e {
            simpul_store::StoreError::Conflict(_) => {
                AppError::Conflict(FieldError::new("", "gov.error.award_published"))
            }
            other => other.into(),
        })
}

/// Nominate the top `n` KIMs of the award's region in the province's current index, in one
/// action.
pub async fn nominate_top(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    award_id: i64,
    category: &str,
    n: i64,
) -> AppResult<u64> {
    let a = ctx.store.gov_award(award_id).await?;
    if !may_manage(who, &a) {
        return Err(AppError::Forbidden);
    }
    let region = RegionCode::parse(&a.region_code).map_err(AppError::internal)?;
    let Some((_, run)) = super::explain::current_run(ctx, region.province().as_str()).await? else {
        return Err(AppError::invalid("category", "gov.error.no_ranking"));
    };
    let scope = (region.level() != simpul_core::Level::Province).then_some(region.as_str());
    let top: Vec<i64> = ctx
        .store
        .gov_ranking(run.id, None, scope, None, n.clamp(1, 20), 0)
        .await?
        .into_iter()
        .map(|r| r.kim_id)
        .collect();
    if top.is_empty() {
        return Err(AppError::invalid("category", "gov.error.no_ranking"));
    }
    nominate(ctx, who, audit, award_id, category, &top, "index").await
}
