//! Generated dissemination (issue 13's reach dashboard at scale): published packages of one
//! province's offices, each aimed at a kabupaten/kota (most) or the whole province, and reports
//! from the KIMs they reach spread over the period, the channels and plausible reach (the few
//! implausible ones flagged, as the report form flags them). Written through
//! [`Store::seed_dissem_package`] and [`Store::seed_dissem_reports`], 50,000 reports per
//! transaction.

use super::words::{pick, PACKAGE_SUBJECTS, PACKAGE_TOPICS};
use anyhow::{bail, Result};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simpul_core::audit::AuditContext;
use simpul_core::dissem::{check_reach, ReportChannel, Review};
use simpul_store::seed::{SeedKim, SeedPackage, SeedReport};
use simpul_store::Store;
use std::collections::BTreeMap;

/// A generated package: id, period, and its targeted KIMs (id, village code).
type GeneratedPackage = (i64, NaiveDate, NaiveDate, Vec<(i64, String)>);

/// (channel, share in per mille, usual reach range).
const CHANNELS: [(ReportChannel, u32, (i64, i64)); 8] = [
    (ReportChannel::Whatsapp, 400, (20, 300)),
    (ReportChannel::Facebook, 150, (50, 2_000)),
    (ReportChannel::Meeting, 150, (10, 150)),
    (ReportChannel::Mosque, 100, (30, 400)),
    (ReportChannel::Instagram, 80, (50, 1_500)),
    (ReportChannel::Tiktok, 50, (100, 5_000)),
    (ReportChannel::Radio, 40, (500, 20_000)),
    (ReportChannel::Other, 30, (10, 200)),
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct DissemPlan {
    /// Province code, e.g. `35`.
    pub province: String,
    pub packages: usize,
    pub reports: usize,
    /// Reports fall on days `first_day..=last_day`.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

pub struct DissemDone {
    pub packages: usize,
    pub targets: usize,
    pub reports: usize,
}

/// Generate `plan` over the KIMs of the province (from `kims`), deterministic for `seed`.
pub async fn generate(
    store: &Store,
    kims: &[SeedKim],
    plan: &DissemPlan,
    seed: u64,
    mut progress: impl FnMut(usize, usize),
) -> Result<DissemDone> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xd155e);
    let ctx = AuditContext::system("generate");
    let mut by_regency: BTreeMap<&str, Vec<(i64, String)>> = BTreeMap::new();
    for k in kims.iter().filter(|k| k.province_code == plan.province) {
        by_regency
            .entry(k.regency_code.as_str())
            .or_default()
            .push((k.id, k.regency_code.clone()));
    }
    if by_regency.is_empty() {
        bail!(
            "no registered KIMs in province {}: generate KIMs first",
            plan.province
        );
    }
    let regencies: Vec<&str> = by_regency.keys().copied().collect();
    let whole: Vec<(i64, String)> = by_regency.values().flatten().cloned().collect();
    let span = (plan.last_day - plan.first_day).num_days().max(0);
    let mut packages: Vec<GeneratedPackage> = Vec::new();
    let mut targets = 0;
    for n in 0..plan.packages.max(1) {
        let starts_on = plan.first_day + Duration::days(rng.gen_range(0..=span));
        let ends_on = starts_on + Duration::days(rng.gen_range(14..=45));
        let (target, owner, kims) = if rng.gen_bool(0.15) {
            (plan.province.clone(), plan.province.clone(), whole.clone())
        } else {
            let r = regencies[rng.gen_range(0..regencies.len())];
            let owner = if rng.gen_bool(0.5) {
                r.to_string()
            } else {
                plan.province.clone()
            };
            (r.to_string(), owner, by_regency[r].clone())
        };
        let subject = pick(&mut rng, &PACKAGE_SUBJECTS);
        let published_at = Utc
            .from_local_datetime(&starts_on.and_hms_opt(1, 0, 0).expect("valid"))
            .single()
            .unwrap_or_else(Utc::now);
        let s = SeedPackage {
            title: format!("{subject} ({})", n + 1),
            topic: pick(&mut rng, &PACKAGE_TOPICS).to_string(),
            key_messages: format!("{subject}. Sebarkan ke warga desa melalui grup WhatsApp, pengajian dan pertemuan RT."),
            captions: serde_json::json!({ "whatsapp": format!("{subject}! Info lengkap di balai desa.") })
                .to_string(),
            targets: format!("region:{target}"),
            starts_on,
            ends_on,
            owner_region: owner,
            published_at,
            kims,
        };
        let id = store.seed_dissem_package(&ctx, &s).await?;
        targets += s.kims.len();
        packages.push((id, starts_on, ends_on, s.kims));
    }
    let mut written = 0;
    while written < plan.reports {
        let batch = (plan.reports - written).min(50_000);
        let mut rows = Vec::with_capacity(batch);
        for _ in 0..batch {
            let (package_id, from, to, kims) = &packages[rng.gen_range(0..packages.len())];
            let (kim_id, regency_code) = &kims[rng.gen_range(0..kims.len())];
            let last = (*to).min(plan.last_day);
            let days = (last - *from).num_days().max(0);
            let reported_on = *from + Duration::days(rng.gen_range(0..=days));
            let mut roll = rng.gen_range(0..1000);
            let (channel, _, (lo, hi)) = CHANNELS
                .iter()
                .find(|(_, share, _)| {
                    if roll < *share {
                        true
                    } else {
                        roll -= share;
                        false
                    }
                })
                .copied()
                .unwrap_or(CHANNELS[0]);
            // One report in a hundred claims ten times the usual: the form flags the implausible.
            let reach = rng.gen_range(lo..=hi) * if rng.gen_bool(0.01) { 10 } else { 1 };
            let review = check_reach(channel, reach).unwrap_or(Review::Flagged);
            let created_at = Utc
                .from_local_datetime(
                    &reported_on
                        .and_hms_opt(rng.gen_range(1..14), rng.gen_range(0..60), 0)
                        .expect("valid"),
                )
                .single()
                .unwrap_or_else(Utc::now);
            rows.push(SeedReport {
                package_id: *package_id,
                kim_id: *kim_id,
                regency_code: regency_code.clone(),
                channel: channel.as_str(),
                reported_on,
                reach,
                review: review.as_str(),
                created_at,
            });
        }
        store.seed_dissem_reports(&ctx, &rows).await?;
        written += batch;
        progress(written, plan.reports);
    }
    store.seed_dissem_settle().await?;
    Ok(DissemDone {
        packages: packages.len(),
        targets,
        reports: written,
    })
}
