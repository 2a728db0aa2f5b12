//! Coverage statistics of the registry, shared by the statistics page and the JSON API: the
//! staff's view (every status, within the region they oversee) and the public one (published
//! KIMs only, counts without names or personal data).

use crate::error::{AppError, AppResult};
use crate::AppCtx;
use simpul_core::authz::{Action, Actor, ScopeRegions};
use simpul_core::registry::KimStatus;
use simpul_core::{Level, RegionCode};
use simpul_store::registry::RegionStats;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct StatsQuery {
    /// Region whose children are counted; empty for the provinces of Indonesia.
    pub region: String,
}

/// The registry's counts per region, kept while nothing changed: every change to the registry
/// is audit-logged, so the highest audit id (one index lookup) says whether the counts are
/// still current. Statistics of a province read thousands of KIMs; on PostgreSQL that was the
/// slowest registry route (BENCHMARKS.md).
#[derive(Clone, Default)]
pub struct StatsCache(Arc<Mutex<HashMap<Option<RegionCode>, Counted>>>);

/// Counts and the change marker they were read at.
type Counted = (i64, Vec<RegionStats>);

/// Parents kept at most (every kabupaten/kota and province of the country fits).
const CACHED_PARENTS: usize = 1_024;

/// The counts below `parent` (the provinces for `None`), from the cache when current.
pub async fn counts(state: &AppCtx, parent: Option<&RegionCode>) -> AppResult<Vec<RegionStats>> {
    // Read the marker first: counts computed after it are at least as new as it says.
    let marker = state.store.change_marker().await?;
    let key = parent.cloned();
    if let Some((at, stats)) = state.stats_cache.0.lock().expect("stats cache").get(&key) {
        if *at == marker {
            return Ok(stats.clone());
        }
    }
    let stats = state.store.kim_stats(parent).await?;
    let mut cache = state.stats_cache.0.lock().expect("stats cache");
    if cache.len() >= CACHED_PARENTS {
        cache.clear();
    }
    cache.insert(key, (marker, stats.clone()));
    Ok(stats)
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
    let mut stats = counts(state, region.as_ref()).await?;
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
    let mut stats = counts(state, region.as_ref()).await?;
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

/// The KIM points of a directory query as GeoJSON (at most 20,000 points).
///
/// With `labels`, also one labelled point per kabupaten/kota, where its KIMs are on average:
/// what a map without a base map shows to say where is where.
pub async fn kim_points(
    state: &AppCtx,
    who: Option<&Actor>,
    q: &crate::registry::DirectoryQuery,
    labels: bool,
) -> AppResult<serde_json::Value> {
    let filter = crate::registry::directory_filter(who, q)?;
    let (kims, _) = state.store.search_kims(&filter, 20_000, 0).await?;
    let index = state.regions.index(&state.store).await?;
    let features: Vec<serde_json::Value> = kims
        .iter()
        .filter_map(|k| {
            let (lat, lon) = (k.lat?, k.lon?);
            Some(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"id": k.id, "name": k.name, "number": k.reg_number, "status": k.status,
                    "url": format!("/kim/{}", k.id), "village": index.place_name(&k.village_code)},
            }))
        })
        .collect();
    let mut regencies: std::collections::BTreeMap<&str, (f64, f64, usize)> = Default::default();
    for k in kims.iter().filter(|_| labels) {
        if let (Some(lat), Some(lon)) = (k.lat, k.lon) {
            let e = regencies.entry(k.regency_code.as_str()).or_default();
            *e = (e.0 + lat, e.1 + lon, e.2 + 1);
        }
    }
    let mut features = features;
    for (code, (lat, lon, n)) in regencies {
        let name = RegionCode::parse(code)
            .ok()
            .and_then(|c| index.get(&c).map(|r| r.name.clone()))
            .unwrap_or_else(|| code.to_owned());
        let n_f = n as f64;
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon / n_f, lat / n_f]},
            "properties": {"kind": "regency", "name": name, "count": n},
        }));
    }
    Ok(serde_json::json!({"type": "FeatureCollection", "features": features}))
}
