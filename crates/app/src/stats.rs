//! Coverage statistics of the registry, shared by the statistics page and the JSON API: the
//! staff's view (every status, within the region they oversee) and the public one (published
//! KIMs only, counts without names or personal data).

use crate::error::{AppError, AppResult};
use crate::AppCtx;
use simpul_core::authz::{Action, Actor, ScopeRegions};
use simpul_core::registry::KimStatus;
use simpul_core::{Level, RegionCode};
use simpul_store::registry::RegionStats;

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct StatsQuery {
    /// Region whose children are counted; empty for the provinces of Indonesia.
    pub region: String,
}

/// Statistics below a region the user oversees (staff only).
pub async fn stats_for(
    state: &AppCtx,
    who: &Actor,
    q: &StatsQuery,
) -> AppResult<(Option<RegionCode>, Vec<RegionStats>)> {
    if !who.can(Action::Oversee) {
        return Err(AppError::Forbidden);
    }
    let oversight = who.oversight();
    let region = match q.region.trim() {
        "" => match &oversight {
            ScopeRegions::All => None,
            ScopeRegions::Regions(r) if r.len() == 1 => Some(r[0].clone()),
            ScopeRegions::Regions(r) => Some(r[0].province())
                .filter(|p| oversight.contains_region(p))
                .or(None),
        },
        code => {
            Some(RegionCode::parse(code).map_err(|_| AppError::invalid("region", "error.region"))?)
        }
    };
    let allowed = match &region {
        None => matches!(oversight, ScopeRegions::All),
        Some(r) => oversight.contains_region(r),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    if region.as_ref().is_some_and(|r| r.level() == Level::Village) {
        return Err(AppError::invalid("region", "error.region"));
    }
    if let Some(r) = &region {
        state.store.region(r).await?;
    }
    let mut stats = state.store.kim_stats(region.as_ref()).await?;
    let index = state.regions.index(&state.store).await?;
    for s in &mut stats {
        if let Ok(code) = RegionCode::parse(&s.code) {
            s.villages = index.villages_under(&code) as i64;
        }
    }
    Ok((region, stats))
}

/// Statistics anyone may read: counts of the published KIMs (no names, no personal data),
/// for any region above the villages.
pub async fn public_stats(
    state: &AppCtx,
    q: &StatsQuery,
) -> AppResult<(Option<RegionCode>, Vec<RegionStats>)> {
    let region = match q.region.trim() {
        "" => None,
        code => {
            Some(RegionCode::parse(code).map_err(|_| AppError::invalid("region", "error.region"))?)
        }
    };
    if region.as_ref().is_some_and(|r| r.level() == Level::Village) {
        return Err(AppError::invalid("region", "error.region"));
    }
    if let Some(r) = &region {
        state.store.region(r).await?;
    }
    let mut stats = state.store.kim_stats(region.as_ref()).await?;
    let index = state.regions.index(&state.store).await?;
    for s in &mut stats {
        s.by_status
            .retain(|st, _| KimStatus::parse(st).is_some_and(|k| k.is_public()));
        s.kims = s.by_status.values().sum();
        if let Ok(code) = RegionCode::parse(&s.code) {
            s.villages = index.villages_under(&code) as i64;
        }
    }
    Ok((region, stats))
}
