//! The figures of the leadership report for a region and a period: KIM counts and village
//! coverage, dissemination, alerts and response times, hoaxes, trainings. Every figure is one
//! aggregate query filtered on the KIM's village code (a region and everything inside it).

use super::Window;
use crate::{with_pool, Result, Store};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ReportFigures {
    pub kims: i64,
    pub active_kims: i64,
    pub villages_with_kim: i64,
    pub villages: i64,
    pub dissem_reports: i64,
    pub reach: i64,
    pub alert_targets: i64,
    pub alerts_acked: i64,
    /// Median minutes to the first acknowledgement (None: no acknowledgement).
    pub median_ack_minutes: Option<f64>,
    pub hoax_reports: i64,
    pub hoax_clarified: i64,
    pub training_attendees: i64,
    /// Reach by kabupaten/kota code.
    pub reach_by_regency: Vec<(String, i64)>,
}

/// `(exact, prefix)` binds for "this region or inside it".
fn region_binds(region: &str) -> (String, String) {
    (region.to_string(), format!("{region}.%"))
}

const IN_REGION: &str = "(k.village_code = $1 OR k.village_code LIKE $2)";

impl Store {
    pub async fn gov_report_figures(&self, region: &str, w: &Window) -> Result<ReportFigures> {
        let (exact, prefix) = region_binds(region);
        let mut f = ReportFigures::default();
        with_pool!(self, p => {
            let (kims, active, villages_with): (i64, i64, i64) = sqlx::query_as(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN k.status = 'active' THEN 1 ELSE 0 END), 0), \
                 COUNT(DISTINCT k.village_code) FROM kims k WHERE {IN_REGION} AND k.status IN {}",
                super::indicators::SCORED_STATUSES))
                .bind(&exact).bind(&prefix).fetch_one(p).await?;
            f.kims = kims;
            f.active_kims = active;
            f.villages_with_kim = villages_with;
            f.villages = sqlx::query_scalar(
                "SELECT COUNT(*) FROM regions WHERE level = 4 AND (code = $1 OR code LIKE $2)")
                .bind(&exact).bind(&prefix).fetch_one(p).await?;
            let (reports, reach): (i64, i64) = sqlx::query_as(&format!(
                "SELECT COUNT(*), CAST(COALESCE(SUM(r.reach), 0) AS BIGINT) FROM dissem_reports r \
                 JOIN kims k ON k.id = r.kim_id WHERE {IN_REGION} AND r.reported_on >= $3 AND r.reported_on <= $4 \
                 AND r.review IN ('ok', 'accepted')"))
                .bind(&exact).bind(&prefix).bind(w.from_day).bind(w.to_day).fetch_one(p).await?;
            f.dissem_reports = reports;
            f.reach = reach;
            f.reach_by_regency = sqlx::query_as(&format!(
                "SELECT k.regency_code, CAST(SUM(r.reach) AS BIGINT) FROM dissem_reports r \
                 JOIN kims k ON k.id = r.kim_id WHERE {IN_REGION} AND r.reported_on >= $3 AND r.reported_on <= $4 \
                 AND r.review IN ('ok', 'accepted') GROUP BY k.regency_code ORDER BY k.regency_code"))
                .bind(&exact).bind(&prefix).bind(w.from_day).bind(w.to_day).fetch_all(p).await?;
            let (targets, acked): (i64, i64) = sqlx::query_as(&format!(
                "SELECT COUNT(*), COUNT(t.first_ack_at) FROM alert_targets t JOIN kims k ON k.id = t.kim_id \
                 WHERE {IN_REGION} AND t.targeted_at >= $3 AND t.targeted_at < $4"))
                .bind(&exact).bind(&prefix).bind(w.from).bind(w.until).fetch_one(p).await?;
            f.alert_targets = targets;
            f.alerts_acked = acked;
            let times: Vec<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(&format!(
                "SELECT t.targeted_at, t.first_ack_at FROM alert_targets t JOIN kims k ON k.id = t.kim_id \
                 WHERE {IN_REGION} AND t.targeted_at >= $3 AND t.targeted_at < $4 AND t.first_ack_at IS NOT NULL"))
                .bind(&exact).bind(&prefix).bind(w.from).bind(w.until).fetch_all(p).await?;
            let mut minutes: Vec<f64> = times.iter()
                .map(|(a, b)| (*b - *a).num_seconds().max(0) as f64 / 60.0).collect();
            minutes.sort_by(f64::total_cmp);
            f.median_ack_minutes = match minutes.len() {
                0 => None,
                n if n % 2 == 1 => Some(minutes[n / 2]),
                n => Some((minutes[n / 2 - 1] + minutes[n / 2]) / 2.0),
            }.map(|m| (m * 10.0).round() / 10.0);
            f.hoax_reports = sqlx::query_scalar(&format!(
                "SELECT COUNT(DISTINCT h.id) FROM hoax_reports h \
                 JOIN role_grants g ON g.user_id = h.reporter_id AND g.scope_kind = 'kim' \
                 JOIN kims k ON k.id = CAST(g.scope_ref AS BIGINT) \
                 WHERE {IN_REGION} AND h.created_at >= $3 AND h.created_at < $4"))
                .bind(&exact).bind(&prefix).bind(w.from).bind(w.until).fetch_one(p).await?;
            f.hoax_clarified = sqlx::query_scalar(
                "SELECT COUNT(*) FROM hoax_clarifications c JOIN hoax_claims h ON h.id = c.claim_id \
                 WHERE (h.region_code = $1 OR h.region_code LIKE $2) AND c.published_at >= $3 AND c.published_at < $4")
                .bind(&exact).bind(&prefix).bind(w.from).bind(w.until).fetch_one(p).await?;
            f.training_attendees = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM event_registrations r JOIN events e ON e.id = r.event_id \
                 JOIN kims k ON k.id = r.kim_id WHERE {IN_REGION} AND e.starts_at >= $3 AND e.starts_at < $4 \
                 AND EXISTS (SELECT 1 FROM event_checkins c WHERE c.registration_id = r.id)"))
                .bind(&exact).bind(&prefix).bind(w.from).bind(w.until).fetch_one(p).await?;
        });
        Ok(f)
    }
}
