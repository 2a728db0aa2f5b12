//! The admin's board and the history: targeted KIMs with status and reason, counts, time to
//! the first and to 90% of acknowledgements, CSV export.

use crate::error::{AppError, AppResult};
use crate::AppCtx;
use simpul_core::authz::{Action, Actor};
use simpul_core::RegionCode;
use simpul_store::alerts::{AlertFilter, AlertRecord, ReportRecord, TargetFacts, TargetRow};

/// Counts and timings of one alert.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub targeted: usize,
    pub silent: usize,
    pub received: usize,
    pub safe: usize,
    pub affected: usize,
    pub need_help: usize,
    pub escalated: usize,
    pub via_village: usize,
    /// Seconds from sending to the first acknowledgement.
    pub first_ack_secs: Option<i64>,
    /// Seconds from sending until 90% of the targeted KIMs had answered (None until then).
    pub p90_ack_secs: Option<i64>,
}

pub fn stats(alert: &AlertRecord, targets: &[TargetRow]) -> Stats {
    stats_of(
        alert,
        targets.iter().map(|t| TargetFacts {
            status: t.status.clone(),
            escalated: t.escalated_at.is_some(),
            via_village: t.reason == "via_village",
            first_ack_at: t.first_ack_at,
        }),
    )
}

/// The counts and answer times of an alert from what each target says.
pub fn stats_of(alert: &AlertRecord, targets: impl IntoIterator<Item = TargetFacts>) -> Stats {
    let mut s = Stats::default();
    let mut acks: Vec<i64> = Vec::new();
    for t in targets {
        s.targeted += 1;
        match t.status.as_str() {
            "received" => s.received += 1,
            "safe" => s.safe += 1,
            "affected" => s.affected += 1,
            "need_help" => s.need_help += 1,
            _ => s.silent += 1,
        }
        if t.escalated {
            s.escalated += 1;
        }
        if t.via_village {
            s.via_village += 1;
        }
        if let (Some(sent), Some(at)) = (alert.sent_at, t.first_ack_at) {
            acks.push((at - sent).num_seconds().max(0));
        }
    }
    if alert.sent_at.is_none() {
        return s;
    }
    acks.sort_unstable();
    s.first_ack_secs = acks.first().copied();
    if s.targeted > 0 {
        // The smallest count that is at least 90% of the targets.
        let need = (s.targeted * 9).div_ceil(10).max(1);
        s.p90_ack_secs = acks.get(need - 1).copied();
    }
    s
}

/// Everything the board shows.
pub struct Board {
    pub alert: AlertRecord,
    pub targets: Vec<TargetRow>,
    pub stats: Stats,
    pub reports: Vec<ReportRecord>,
    /// (report id, file id) of photos.
    pub photos: Vec<(i64, i64)>,
}

/// May this person watch this alert's board? Staff whose territory contains the alert's
/// region, and staff of a part of it (a kabupaten/kota admin watches their own KIMs of a
/// province-wide earthquake alert: the board then shows only those).
pub fn may_watch(who: &Actor, alert: &AlertRecord) -> bool {
    let scope = RegionCode::parse(&alert.scope_region).ok();
    if who.can(Action::WatchAlert {
        region: scope.as_ref(),
    }) {
        return true;
    }
    let Some(scope) = scope else {
        return false;
    };
    who.grants.iter().any(|g| {
        (g.role.is_admin() || g.role == simpul_core::Role::PartnerStaff)
            && matches!(&g.territory, simpul_core::authz::ScopeRegions::Regions(roots)
                if roots.iter().any(|r| scope.contains(r)))
    })
}

pub async fn board(ctx: &AppCtx, who: &Actor, alert_id: i64) -> AppResult<Board> {
    let alert = ctx.store.alert(alert_id).await?;
    if !may_watch(who, &alert) {
        return Err(AppError::NotFound);
    }
    let mut targets = ctx.store.alert_targets(alert_id).await?;
    // Staff of a kabupaten see their own KIMs of a wider alert.
    let oversight = who.oversight();
    let partner = crate::alerts::send::alert_territory(who);
    let view = simpul_core::authz::ScopeRegions::union([oversight, partner]);
    targets.retain(|t| RegionCode::parse(&t.village_code).is_ok_and(|v| view.contains_region(&v)));
    let stats = stats(&alert, &targets);
    let reports = ctx.store.alert_reports(alert_id).await?;
    let kims: std::collections::HashSet<i64> = targets.iter().map(|t| t.kim_id).collect();
    let reports: Vec<ReportRecord> = reports
        .into_iter()
        .filter(|r| kims.contains(&r.kim_id))
        .collect();
    let ids: std::collections::HashSet<i64> = reports.iter().map(|r| r.id).collect();
    let photos = ctx
        .store
        .alert_report_photos(alert_id)
        .await?
        .into_iter()
        .filter(|(r, _, _)| ids.contains(r))
        .map(|(r, _, f)| (r, f))
        .collect();
    Ok(Board {
        alert,
        targets,
        stats,
        reports,
        photos,
    })
}

/// Alerts this person may watch, newest first, with their statistics.
pub async fn history(
    ctx: &AppCtx,
    who: &Actor,
    limit: i64,
) -> AppResult<Vec<(AlertRecord, Stats)>> {
    let filter = AlertFilter {
        territory: Some(simpul_core::authz::ScopeRegions::union([
            who.oversight(),
            crate::alerts::send::alert_territory(who),
        ])),
        ..AlertFilter::default()
    };
    let alerts: Vec<AlertRecord> = ctx
        .store
        .alerts(&filter, limit)
        .await?
        .into_iter()
        .filter(|a| may_watch(who, a))
        .collect();
    // One query for the targets of every alert listed, not one per alert.
    let ids: Vec<i64> = alerts.iter().map(|a| a.id).collect();
    let mut facts: std::collections::HashMap<i64, Vec<TargetFacts>> = Default::default();
    for (alert_id, f) in ctx.store.alert_target_facts(&ids).await? {
        facts.entry(alert_id).or_default().push(f);
    }
    Ok(alerts
        .into_iter()
        .map(|a| {
            let s = stats_of(&a, facts.remove(&a.id).unwrap_or_default());
            (a, s)
        })
        .collect())
}

/// The board as CSV (one row per targeted KIM), for the office's own records.
pub fn board_csv(b: &Board) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "kim_id",
        "kim",
        "village_code",
        "regency_code",
        "reason",
        "detail",
        "status",
        "status_at",
        "first_ack_at",
        "escalated_at",
    ]);
    let iso =
        |d: Option<chrono::DateTime<chrono::Utc>>| d.map(|d| d.to_rfc3339()).unwrap_or_default();
    for t in &b.targets {
        let _ = w.write_record([
            t.kim_id.to_string(),
            t.kim_name.clone(),
            t.village_code.clone(),
            t.regency_code.clone(),
            t.reason.clone(),
            t.detail.clone(),
            t.status.clone(),
            iso(t.status_at),
            iso(t.first_ack_at),
            iso(t.escalated_at),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The board's KIMs with a location as GeoJSON points, coloured by their answer (`silent` until
/// they answer). KIMs reached through their village have no point: the table lists them.
pub fn board_points(b: &Board) -> serde_json::Value {
    let features: Vec<serde_json::Value> = b
        .targets
        .iter()
        .filter_map(|t| {
            let (lat, lon) = (t.lat?, t.lon?);
            Some(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"id": t.kim_id, "name": t.kim_name, "status": t.status,
                    "url": format!("/kim/{}", t.kim_id)},
            }))
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features})
}
