//! Which KIMs an area reaches, and why (the reason is stored and shown on the board).

use crate::error::AppResult;
use crate::AppCtx;
use simpul_core::alerts::{AlertArea, Reason};
use simpul_core::authz::ScopeRegions;
use simpul_core::RegionCode;
use simpul_store::alerts::NewTarget;
use std::collections::{BTreeMap, BTreeSet};

/// The KIMs reached, with counts per reason for the preview.
#[derive(Debug, Clone, Default)]
pub struct TargetPlan {
    pub targets: Vec<NewTarget>,
    pub by_reason: BTreeMap<Reason, usize>,
}

/// A box around the drawn shapes: (lat_min, lat_max, lon_min, lon_max).
fn bounding_box(area: &AlertArea) -> Option<(f64, f64, f64, f64)> {
    let mut b: Option<(f64, f64, f64, f64)> = None;
    let mut add = |lat: f64, lon: f64| {
        b = Some(match b {
            None => (lat, lat, lon, lon),
            Some((a, c, d, e)) => (a.min(lat), c.max(lat), d.min(lon), e.max(lon)),
        });
    };
    for p in &area.polygons {
        for (lat, lon) in p.points() {
            add(*lat, *lon);
        }
    }
    for c in &area.circles {
        let dlat = c.radius_km / 110.5;
        let dlon = c.radius_km / (111.3 * c.lat.to_radians().cos().abs().max(0.01));
        add(c.lat - dlat, c.lon - dlon);
        add(c.lat + dlat, c.lon + dlon);
    }
    b
}

/// The KIMs inside `area` (only those within `within`, when given: an office alerts its own
/// territory), each with the first reason that applies.
pub async fn targets_for(
    ctx: &AppCtx,
    area: &AlertArea,
    within: Option<&ScopeRegions>,
) -> AppResult<TargetPlan> {
    let mut regions: Vec<RegionCode> = area.regions.clone();
    regions.extend(area.felt.iter().map(|(r, _)| r.clone()));
    let kims = ctx
        .store
        .targetable_kims(bounding_box(area), &regions)
        .await?;
    // Villages with a located KIM inside a drawn shape: their KIMs without coordinates are
    // reached through the village.
    let shapes = AlertArea {
        polygons: area.polygons.clone(),
        circles: area.circles.clone(),
        ..AlertArea::default()
    };
    let mut villages_inside: BTreeSet<&str> = BTreeSet::new();
    for k in &kims {
        if let (Some(lat), Some(lon)) = (k.lat, k.lon) {
            let v = RegionCode::parse(&k.village_code);
            if let Ok(v) = v {
                if shapes.reason_for(Some((lat, lon)), &v, false).is_some() {
                    villages_inside.insert(k.village_code.as_str());
                }
            }
        }
    }
    let mut plan = TargetPlan::default();
    for k in &kims {
        let Ok(village) = RegionCode::parse(&k.village_code) else {
            continue;
        };
        if within.is_some_and(|t| !t.contains_region(&village)) {
            continue;
        }
        let location = k.lat.zip(k.lon);
        let in_shape = villages_inside.contains(k.village_code.as_str());
        if let Some((reason, detail)) = area.reason_for(location, &village, in_shape) {
            *plan.by_reason.entry(reason).or_default() += 1;
            plan.targets.push(NewTarget {
                kim_id: k.id,
                reason: reason.as_str().to_owned(),
                detail,
                regency_code: k.regency_code.clone(),
            });
        }
    }
    Ok(plan)
}

/// The smallest region containing every target's kabupaten/kota and every listed region
/// (`None`: several provinces, a national alert).
pub fn common_region(area: &AlertArea, targets: &[NewTarget]) -> Option<RegionCode> {
    let mut codes: Vec<RegionCode> = targets
        .iter()
        .filter_map(|t| RegionCode::parse(&t.regency_code).ok())
        .collect();
    codes.extend(area.regions.iter().cloned());
    codes.extend(area.felt.iter().map(|(r, _)| r.clone()));
    let first = codes.first()?.clone();
    let mut chain = first.ancestors();
    chain.push(first);
    chain
        .into_iter()
        .rev()
        .find(|c| codes.iter().all(|x| c.contains(x)))
}
