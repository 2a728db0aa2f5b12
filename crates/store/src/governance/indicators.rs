//! The raw values behind the indicators the existing capabilities contribute to the KIM
//! performance index, each computed in bulk: one query over every scored KIM of a province for
//! a period (grouped by KIM, so 80,000 KIMs cost one scan of the period's records), and the
//! records behind one KIM's value for the score page's "why this number".
//!
//! A capability added later (the portal) writes its own functions of the same shape next to its
//! own SQL and registers them in its manifest; nothing here names it.

use super::Window;
use crate::{with_pool, Result, Store};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// An alert that reached a KIM: id, headline, when, first acknowledgement.
type AlertRow = (i64, String, DateTime<Utc>, Option<DateTime<Utc>>);

/// One KIM's raw value.
pub type Values = Vec<(i64, f64)>;

/// One record behind a KIM's value: when, what, how much, and the page that shows it (if the
/// viewer may open one: the caller decides).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Evidence {
    pub on: NaiveDate,
    pub label: String,
    pub amount: String,
    pub link: Option<String>,
}

/// KIMs that are scored: registered and not closed (a dormant KIM scores low, it is not
/// skipped).
pub const SCORED_STATUSES: &str = "('verified', 'active', 'inactive')";

async fn counts(store: &Store, sql: &str, w: &Window) -> Result<Values> {
    let rows: Vec<(i64, i64)> = with_pool!(store, p => sqlx::query_as(sql)
        .bind(&w.province).bind(w.from).bind(w.until).fetch_all(p).await?);
    Ok(rows.into_iter().map(|(k, n)| (k, n as f64)).collect())
}

async fn day_counts(store: &Store, sql: &str, w: &Window) -> Result<Values> {
    let rows: Vec<(i64, i64)> = with_pool!(store, p => sqlx::query_as(sql)
        .bind(&w.province).bind(w.from_day).bind(w.to_day).fetch_all(p).await?);
    Ok(rows.into_iter().map(|(k, n)| (k, n as f64)).collect())
}

/// Published, visible posts per KIM in the window, village potential (`=`) or the rest (`<>`).
async fn portal_counts(store: &Store, op: &str, w: &Window) -> Result<Values> {
    let sql = format!(
        "SELECT p.kim_id, COUNT(*) FROM portal_posts p JOIN kims k ON k.id = p.kim_id \
         WHERE k.province_code = $1 AND p.status = 'published' AND p.hidden = $2 \
         AND p.kind {op} 'potential' AND p.published_at >= $3 AND p.published_at < $4 GROUP BY p.kim_id"
    );
    let rows: Vec<(i64, i64)> = with_pool!(store, p => sqlx::query_as(&sql)
        .bind(&w.province).bind(false).bind(w.from).bind(w.until).fetch_all(p).await?);
    Ok(rows.into_iter().map(|(k, n)| (k, n as f64)).collect())
}

impl Store {
    /// The KIMs scored in a province, with their kabupaten/kota and number of members.
    pub async fn gov_scored_kims(&self, province: &str) -> Result<Vec<(i64, String, i64)>> {
        let sql = format!(
            "SELECT id, regency_code, member_count FROM kims \
             WHERE province_code = $1 AND status IN {SCORED_STATUSES} ORDER BY id"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?))
    }

    /// Profile completeness in percent (ten parts of the profile, as they are now).
    pub async fn ind_profile_completeness(&self, w: &Window) -> Result<Values> {
        let sql = format!(
            "SELECT id, CAST(10 * (\
               CASE WHEN address <> '' THEN 1 ELSE 0 END + CASE WHEN lat IS NOT NULL THEN 1 ELSE 0 END \
             + CASE WHEN founded_on IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN sk_number <> '' THEN 1 ELSE 0 END \
             + CASE WHEN sk_file_id IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN logo_file_id IS NOT NULL THEN 1 ELSE 0 END \
             + CASE WHEN COALESCE(phone, '') <> '' THEN 1 ELSE 0 END + CASE WHEN COALESCE(email, '') <> '' THEN 1 ELSE 0 END \
             + CASE WHEN topics <> '' THEN 1 ELSE 0 END + CASE WHEN social <> '{{}}' THEN 1 ELSE 0 END) AS BIGINT) \
             FROM kims WHERE province_code = $1 AND status IN {SCORED_STATUSES}"
        );
        let rows: Vec<(i64, i64)> = with_pool!(self, p => sqlx::query_as(&sql)
            .bind(&w.province).fetch_all(p).await?);
        Ok(rows.into_iter().map(|(k, n)| (k, n as f64)).collect())
    }

    /// Members added during the period.
    pub async fn ind_members_added(&self, w: &Window) -> Result<Values> {
        counts(
            self,
            "SELECT m.kim_id, COUNT(*) FROM kim_members m JOIN kims k ON k.id = m.kim_id \
             WHERE k.province_code = $1 AND m.created_at >= $2 AND m.created_at < $3 GROUP BY m.kim_id",
            w,
        )
        .await
    }

    /// Dissemination reports filed for days of the period (reach refused by a review left out).
    pub async fn ind_dissem_reports(&self, w: &Window) -> Result<Values> {
        day_counts(
            self,
            "SELECT r.kim_id, COUNT(*) FROM dissem_reports r JOIN kims k ON k.id = r.kim_id \
             WHERE k.province_code = $1 AND r.reported_on >= $2 AND r.reported_on <= $3 \
             AND r.review IN ('ok', 'accepted') GROUP BY r.kim_id",
            w,
        )
        .await
    }

    /// People reached by those reports (flagged reach counts once an office accepts it).
    pub async fn ind_dissem_reach(&self, w: &Window) -> Result<Values> {
        day_counts(
            self,
            "SELECT r.kim_id, CAST(SUM(r.reach) AS BIGINT) FROM dissem_reports r JOIN kims k ON k.id = r.kim_id \
             WHERE k.province_code = $1 AND r.reported_on >= $2 AND r.reported_on <= $3 \
             AND r.review IN ('ok', 'accepted') GROUP BY r.kim_id",
            w,
        )
        .await
    }

    /// Share (percent) of the alerts that reached the KIM in the period it acknowledged. KIMs
    /// no alert reached have no value (no data, not zero).
    pub async fn ind_alerts_acknowledged(&self, w: &Window) -> Result<Values> {
        let rows: Vec<(i64, i64, i64)> = with_pool!(self, p => sqlx::query_as(
            "SELECT t.kim_id, COUNT(*), COUNT(t.first_ack_at) FROM alert_targets t JOIN kims k ON k.id = t.kim_id \
             WHERE k.province_code = $1 AND t.targeted_at >= $2 AND t.targeted_at < $3 GROUP BY t.kim_id")
            .bind(&w.province).bind(w.from).bind(w.until).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(k, n, acked)| (k, (100.0 * acked as f64 / n.max(1) as f64).round()))
            .collect())
    }

    /// Median minutes from an alert reaching the KIM to its first acknowledgement. The median
    /// is taken here (SQLite has no percentile), from one query's rows.
    pub async fn ind_alerts_ack_minutes(&self, w: &Window) -> Result<Values> {
        let rows: Vec<(i64, DateTime<Utc>, DateTime<Utc>)> = with_pool!(self, p => sqlx::query_as(
            "SELECT t.kim_id, t.targeted_at, t.first_ack_at FROM alert_targets t JOIN kims k ON k.id = t.kim_id \
             WHERE k.province_code = $1 AND t.targeted_at >= $2 AND t.targeted_at < $3 \
             AND t.first_ack_at IS NOT NULL ORDER BY t.kim_id")
            .bind(&w.province).bind(w.from).bind(w.until).fetch_all(p).await?);
        let mut by_kim: HashMap<i64, Vec<f64>> = HashMap::new();
        for (k, at, ack) in rows {
            let minutes = ((ack - at).num_seconds().max(0) as f64) / 60.0;
            by_kim.entry(k).or_default().push(minutes);
        }
        Ok(by_kim
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_by(f64::total_cmp);
                let n = v.len();
                let median = if n % 2 == 1 {
                    v[n / 2]
                } else {
                    (v[n / 2 - 1] + v[n / 2]) / 2.0
                };
                (k, (median * 10.0).round() / 10.0)
            })
            .collect())
    }

    /// Hoax reports filed by the KIM's people (accounts with a role in the KIM).
    pub async fn ind_hoax_reports(&self, w: &Window) -> Result<Values> {
        counts(
            self,
            "SELECT k.id, COUNT(DISTINCT h.id) FROM hoax_reports h \
             JOIN role_grants g ON g.user_id = h.reporter_id AND g.scope_kind = 'kim' \
             JOIN kims k ON k.id = CAST(g.scope_ref AS BIGINT) \
             WHERE k.province_code = $1 AND h.created_at >= $2 AND h.created_at < $3 GROUP BY k.id",
            w,
        )
        .await
    }

    /// Trainings (events starting in the period) the KIM's people attended: checked in to at
    /// least one session.
    pub async fn ind_trainings_attended(&self, w: &Window) -> Result<Values> {
        counts(
            self,
            "SELECT r.kim_id, COUNT(DISTINCT r.event_id) FROM event_registrations r \
             JOIN events e ON e.id = r.event_id JOIN kims k ON k.id = r.kim_id \
             WHERE k.province_code = $1 AND e.starts_at >= $2 AND e.starts_at < $3 \
             AND EXISTS (SELECT 1 FROM event_checkins c WHERE c.registration_id = r.id) GROUP BY r.kim_id",
            w,
        )
        .await
    }

    /// Posts the KIM published on the portal (news, success stories, event reports), not hidden.
    pub async fn ind_portal_posts(&self, w: &Window) -> Result<Values> {
        portal_counts(self, "<>", w).await
    }

    /// Village-potential entries (products, places) the KIM published, not hidden.
    pub async fn ind_portal_potential(&self, w: &Window) -> Result<Values> {
        portal_counts(self, "=", w).await
    }

    /// Citizens' aspirations the KIM carried to an office (filed on a citizen's behalf).
    pub async fn ind_aspirations_carried(&self, w: &Window) -> Result<Values> {
        counts(
            self,
            "SELECT a.kim_id, COUNT(*) FROM aspirations a JOIN kims k ON k.id = a.kim_id \
             WHERE k.province_code = $1 AND a.created_at >= $2 AND a.created_at < $3 GROUP BY a.kim_id",
            w,
        )
        .await
    }

    // The records behind one KIM's value.

    pub async fn ev_profile(&self, kim_id: i64, _w: &Window) -> Result<Vec<Evidence>> {
        let k = self.kim(kim_id).await?;
        let parts = [
            ("gov.profile.address", !k.address.is_empty()),
            ("gov.profile.location", k.lat.is_some()),
            ("gov.profile.founded", k.founded_on.is_some()),
            ("gov.profile.sk_number", !k.sk_number.is_empty()),
            ("gov.profile.sk_file", k.sk_file_id.is_some()),
            ("gov.profile.logo", k.logo_file_id.is_some()),
            (
                "gov.profile.phone",
                k.phone.as_deref().is_some_and(|s| !s.is_empty()),
            ),
            (
                "gov.profile.email",
                k.email.as_deref().is_some_and(|s| !s.is_empty()),
            ),
            ("gov.profile.topics", !k.topics.is_empty()),
            ("gov.profile.social", k.social != "{}"),
        ];
        let on = k.updated_at.date_naive();
        Ok(parts
            .into_iter()
            .map(|(key, filled)| Evidence {
                on,
                label: key.to_string(),
                amount: if filled { "1" } else { "0" }.to_string(),
                link: Some(format!("/kim/{kim_id}/edit")),
            })
            .collect())
    }

    pub async fn ev_members_added(&self, kim_id: i64, w: &Window) -> Result<Vec<Evidence>> {
        let rows: Vec<(DateTime<Utc>,)> = with_pool!(self, p => sqlx::query_as(
            "SELECT created_at FROM kim_members WHERE kim_id = $1 AND created_at >= $2 AND created_at < $3 \
             ORDER BY created_at LIMIT 500")
            .bind(kim_id).bind(w.from).bind(w.until).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(at,)| Evidence {
                on: at.date_naive(),
                label: "gov.evidence.member_added".into(),
                amount: "1".into(),
                link: Some(format!("/kim/{kim_id}/members")),
            })
            .collect())
    }

    pub async fn ev_dissem_reports(&self, kim_id: i64, w: &Window) -> Result<Vec<Evidence>> {
        let rows: Vec<(NaiveDate, String, i64, i64, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT r.reported_on, p.title, r.reach, r.package_id, r.channel FROM dissem_reports r \
             JOIN dissem_packages p ON p.id = r.package_id WHERE r.kim_id = $1 AND r.reported_on >= $2 \
             AND r.reported_on <= $3 AND r.review IN ('ok', 'accepted') ORDER BY r.reported_on, r.id LIMIT 500")
            .bind(kim_id).bind(w.from_day).bind(w.to_day).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(on, title, reach, package, channel)| Evidence {
                on,
                label: format!("{title} ({channel})"),
                amount: reach.to_string(),
                link: Some(format!("/dissem/{package}")),
            })
            .collect())
    }

    pub async fn ev_alerts(&self, kim_id: i64, w: &Window) -> Result<Vec<Evidence>> {
        let rows: Vec<AlertRow> = with_pool!(self, p => sqlx::query_as(
            "SELECT a.id, a.headline, t.targeted_at, t.first_ack_at FROM alert_targets t \
             JOIN alerts a ON a.id = t.alert_id WHERE t.kim_id = $1 AND t.targeted_at >= $2 \
             AND t.targeted_at < $3 ORDER BY t.targeted_at LIMIT 500")
            .bind(kim_id).bind(w.from).bind(w.until).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(id, headline, at, ack)| Evidence {
                on: at.date_naive(),
                label: headline,
                amount: match ack {
                    Some(a) => format!("{}", (a - at).num_minutes().max(0)),
                    None => "-".into(),
                },
                link: Some(format!("/alerts/{id}")),
            })
            .collect())
    }

    /// Published posts of one KIM: `potential` chooses village potential or the other kinds.
    pub async fn ev_portal_posts(
        &self,
        kim_id: i64,
        w: &Window,
        potential: bool,
    ) -> Result<Vec<Evidence>> {
        let op = if potential { "=" } else { "<>" };
        let sql = format!(
            "SELECT id, title, published_at FROM portal_posts WHERE kim_id = $1 AND status = 'published' \
             AND hidden = $2 AND kind {op} 'potential' AND published_at >= $3 AND published_at < $4 \
             ORDER BY published_at LIMIT 500"
        );
        let rows: Vec<(i64, String, DateTime<Utc>)> = with_pool!(self, p => sqlx::query_as(&sql)
            .bind(kim_id).bind(false).bind(w.from).bind(w.until).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(id, title, at)| Evidence {
                on: at.date_naive(),
                label: title,
                amount: "1".into(),
                link: Some(format!("/portal/posts/{id}")),
            })
            .collect())
    }

    pub async fn ev_aspirations_carried(&self, kim_id: i64, w: &Window) -> Result<Vec<Evidence>> {
        let rows: Vec<(DateTime<Utc>, String, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT created_at, category, description FROM aspirations WHERE kim_id = $1 \
             AND created_at >= $2 AND created_at < $3 ORDER BY created_at LIMIT 500")
            .bind(kim_id).bind(w.from).bind(w.until).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(at, _, description)| Evidence {
                on: at.date_naive(),
                label: description.chars().take(80).collect(),
                amount: "1".into(),
                link: None,
            })
            .collect())
    }

    pub async fn ev_hoax_reports(&self, kim_id: i64, w: &Window) -> Result<Vec<Evidence>> {
        let rows: Vec<(DateTime<Utc>, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT DISTINCT h.created_at, h.body FROM hoax_reports h \
             JOIN role_grants g ON g.user_id = h.reporter_id AND g.scope_kind = 'kim' \
             WHERE g.scope_ref = $1 AND h.created_at >= $2 AND h.created_at < $3 ORDER BY h.created_at LIMIT 500")
            .bind(kim_id.to_string()).bind(w.from).bind(w.until).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(at, body)| Evidence {
                on: at.date_naive(),
                label: body.chars().take(80).collect(),
                amount: "1".into(),
                link: None,
            })
            .collect())
    }

    pub async fn ev_trainings(&self, kim_id: i64, w: &Window) -> Result<Vec<Evidence>> {
        let rows: Vec<(i64, String, DateTime<Utc>)> = with_pool!(self, p => sqlx::query_as(
            "SELECT DISTINCT e.id, e.title, e.starts_at FROM event_registrations r JOIN events e ON e.id = r.event_id \
             WHERE r.kim_id = $1 AND e.starts_at >= $2 AND e.starts_at < $3 \
             AND EXISTS (SELECT 1 FROM event_checkins c WHERE c.registration_id = r.id) ORDER BY e.starts_at LIMIT 500")
            .bind(kim_id).bind(w.from).bind(w.until).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(id, title, at)| Evidence {
                on: at.date_naive(),
                label: title,
                amount: "1".into(),
                link: Some(format!("/events/{id}")),
            })
            .collect())
    }
}
