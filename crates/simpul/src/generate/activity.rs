//! A period of generated activity across the capabilities (issue 16's performance index at
//! scale): for every registered KIM, dissemination reports on its province's packages, portal
//! posts, acknowledgements of the alerts that reached its kabupaten/kota and aspirations it
//! carried, at yearly rates scaled to the period. Each KIM has a steady diligence (from its id,
//! so a later day's activity keeps the same KIMs busy) that sets how quickly and how often it
//! acknowledges and how many aspirations it carries. Members come with the registry itself.
//!
//! Not generated: hoax reports and training attendance (they need accounts per KIM and events
//! with sessions); those two indicators have no data at scale.

use super::words::{ALERTS, ASPIRATIONS};
use super::{dissem, portal};
use anyhow::Result;
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simpul_core::alerts::AlertArea;
use simpul_core::audit::AuditContext;
use simpul_core::RegionCode;
use simpul_store::seed::{SeedAlert, SeedAspiration, SeedKim};
use simpul_store::Store;
use std::collections::{BTreeMap, HashMap};

/// Yearly rates, scaled to the period's length.
const REPORTS_PER_KIM: f64 = 12.0;
const POSTS_PER_KIM: f64 = 4.0;
const ALERTS_PER_REGENCY: f64 = 6.0;
const ASPIRATIONS_PER_KIM: f64 = 2.0;

#[derive(Debug, Default)]
pub struct ActivityDone {
    pub packages: usize,
    pub reports: usize,
    pub posts: usize,
    pub alerts: usize,
    pub alert_targets: usize,
    pub aspirations: usize,
}

/// 0.0 (dormant) to 1.0 (very active), the same for a KIM whenever it is asked.
fn diligence(kim_id: i64) -> f64 {
    let h = (kim_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    (h % 1000) as f64 / 1000.0
}

/// `rate` per year over `days` days: the whole part, plus one more with the fraction's chance.
fn scaled(rng: &mut StdRng, rate: f64, days: i64) -> usize {
    let x = rate * days as f64 / 365.0;
    x.floor() as usize + usize::from(rng.gen_bool(x.fract()))
}

/// Generate the activity of `kims` on the days `first..=last`, deterministic for `seed`.
pub async fn generate(
    store: &Store,
    kims: &[SeedKim],
    villages: &HashMap<String, String>,
    (first, last): (NaiveDate, NaiveDate),
    seed: u64,
    mut progress: impl FnMut(&str, usize, usize),
) -> Result<ActivityDone> {
    let days = (last - first).num_days() + 1;
    let mut rng = StdRng::seed_from_u64(seed ^ 0xac71);
    let ctx = AuditContext::system("generate");
    let mut done = ActivityDone::default();
    let mut provinces: BTreeMap<&str, usize> = BTreeMap::new();
    let mut regencies: BTreeMap<&str, Vec<&SeedKim>> = BTreeMap::new();
    for k in kims {
        *provinces.entry(k.province_code.as_str()).or_default() += 1;
        regencies
            .entry(k.regency_code.as_str())
            .or_default()
            .push(k);
    }
    // Dissemination, province by province (its offices' packages reach its KIMs).
    for (i, (province, n)) in provinces.iter().enumerate() {
        let in_province = regencies
            .keys()
            .filter(|r| r.starts_with(&format!("{province}.")))
            .count();
        let plan = dissem::DissemPlan {
            province: province.to_string(),
            packages: (in_province * days as usize / 30).max(1),
            reports: scaled(&mut rng, REPORTS_PER_KIM * *n as f64, days),
            first_day: first,
            last_day: last,
        };
        let d =
            dissem::generate(store, kims, &plan, seed.wrapping_add(i as u64), |_, _| {}).await?;
        done.packages += d.packages;
        done.reports += d.reports;
        progress("dissemination", i + 1, provinces.len());
    }
    // Portal posts.
    let posts = scaled(&mut rng, POSTS_PER_KIM * kims.len() as f64, days);
    done.posts = portal::generate(store, kims, villages, posts, (first, last), seed, |n, t| {
        progress("posts", n, t)
    })
    .await?;
    // Alerts to every KIM of a kabupaten/kota; the diligent acknowledge, and sooner.
    let total = regencies.len();
    for (i, (regency, members)) in regencies.iter().enumerate() {
        for n in 0..scaled(&mut rng, ALERTS_PER_REGENCY, days) {
            let (hazard, severity, headline) = ALERTS[rng.gen_range(0..ALERTS.len())];
            let sent_at = portal::moment(&mut rng, first, last);
            let targets = members
                .iter()
                .map(|k| {
                    let d = diligence(k.id);
                    let ack = rng.gen_bool(0.2 + 0.75 * d).then(|| {
                        let slow = 5.0 + (1.0 - d) * 180.0;
                        sent_at + Duration::seconds((rng.gen_range(0.02..1.0) * slow * 60.0) as i64)
                    });
                    (k.id, k.regency_code.clone(), ack)
                })
                .collect::<Vec<_>>();
            let area = AlertArea {
                regions: RegionCode::parse(regency).into_iter().collect(),
                ..Default::default()
            };
            let alert = SeedAlert {
                identifier: format!("generate-{seed}-{regency}-{}-{n}", sent_at.timestamp()),
                hazard,
                severity,
                headline: format!("{headline} ({regency})"),
                description: format!(
                    "{headline}. Warga diminta tetap waspada dan mengikuti arahan petugas."
                ),
                area_desc: regency.to_string(),
                area_json: serde_json::to_string(&area)?,
                scope_region: regency.to_string(),
                sent_at,
                targets,
            };
            done.alert_targets += alert.targets.len();
            store.seed_alert(&ctx, &alert).await?;
            done.alerts += 1;
        }
        if i % 25 == 24 || i + 1 == total {
            progress("alerts", i + 1, total);
        }
    }
    // Aspirations, carried mostly by the diligent.
    let wanted = scaled(&mut rng, ASPIRATIONS_PER_KIM * kims.len() as f64, days);
    let mut rows = Vec::with_capacity(wanted.min(50_000));
    while done.aspirations + rows.len() < wanted {
        let kim = &kims[rng.gen_range(0..kims.len())];
        if !rng.gen_bool(diligence(kim.id).max(0.05)) {
            continue;
        }
        let (category, description) = ASPIRATIONS[rng.gen_range(0..ASPIRATIONS.len())];
        let status = ["received", "forwarded", "answered", "closed"][rng.gen_range(0..4)];
        rows.push(SeedAspiration {
            code: format!(
                "G{seed:x}{}{:06x}",
                first.format("%y%m%d"),
                done.aspirations + rows.len()
            ),
            category,
            description: description.to_string(),
            kim: kim.clone(),
            status,
            created_at: portal::moment(&mut rng, first, last),
        });
        if rows.len() == 50_000 {
            done.aspirations += store.seed_aspirations(&ctx, &rows).await?;
            rows.clear();
            progress("aspirations", done.aspirations, wanted);
        }
    }
    done.aspirations += store.seed_aspirations(&ctx, &rows).await?;
    progress("aspirations", done.aspirations, wanted);
    Ok(done)
}
