//! `simpul generate`: a realistic synthetic registry at a chosen scale, deterministic for a seed,
//! for load tests and benchmarks. `province` is East Java's 325 KIMs; `national` spreads 80,000
//! KIMs and about 600,000 members over every province in proportion to its villages.
//! Written in batches of 5,000 KIMs, each batch all or nothing (see `Store::import_kims`).
//!
//! Activity on those KIMs, for the capabilities' benchmarks, is in the submodules:
//! [`dissem`] (packages and reports, issue 13), [`portal`] (published posts with their search
//! index, issue 15) and [`activity`] (a period of everything the performance index reads,
//! issue 16), written in bulk through `simpul_store::seed`.

pub mod activity;
pub mod dissem;
pub mod portal;
mod words;

use crate::names::{FIRST, FIRST_ELSEWHERE, LAST, LAST_ELSEWHERE, STATUSES, TOPICS, WORDS};
use anyhow::{bail, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simpul_core::audit::AuditContext;
use simpul_core::regions::Region;
use simpul_core::registry::{normalize_kim_name, LatLon};
use simpul_core::{Level, RegionCode};
use simpul_store::members::MemberData;
use simpul_store::registry::{ImportKim, KimProfile};
use simpul_store::Store;

/// Approximate provincial capitals (lat, lon): KIMs are placed around them.
const CAPITALS: [(&str, f64, f64); 38] = [
    ("11", 5.55, 95.32),
    ("12", 3.59, 98.67),
    ("13", -0.95, 100.35),
    ("14", 0.51, 101.45),
    ("15", -1.61, 103.61),
    ("16", -2.99, 104.76),
    ("17", -3.80, 102.27),
    ("18", -5.43, 105.26),
    ("19", -2.13, 106.11),
    ("21", 0.92, 104.45),
    ("31", -6.20, 106.85),
    ("32", -6.91, 107.61),
    ("33", -6.99, 110.42),
    ("34", -7.80, 110.36),
    ("35", -7.26, 112.75),
    ("36", -6.12, 106.15),
    ("51", -8.65, 115.22),
    ("52", -8.58, 116.12),
    ("53", -10.17, 123.60),
    ("61", -0.03, 109.34),
    ("62", -2.21, 113.92),
    ("63", -3.32, 114.59),
    ("64", -0.50, 117.15),
    ("65", 2.84, 117.37),
    ("71", 1.47, 124.84),
    ("72", -0.90, 119.87),
    ("73", -5.15, 119.43),
    ("74", -3.97, 122.51),
    ("75", 0.54, 123.06),
    ("76", -2.68, 118.89),
    ("81", -3.70, 128.18),
    ("82", 0.79, 127.38),
    ("91", -2.53, 140.72),
    ("92", -0.86, 134.06),
    ("93", -8.49, 140.40),
    ("94", -3.36, 135.50),
    ("95", -4.10, 138.94),
    ("96", -0.88, 131.25),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// East Java: 325 KIMs
    Province,
    /// Indonesia: 80,000 KIMs, ~600,000 members
    National,
}

pub struct Generated {
    pub kims: usize,
    pub members: usize,
}

/// Generate at `scale` (or `kims` KIMs), deterministic for `seed`. Refuses to run twice on the
/// same database with the same seed.
pub async fn generate(
    store: &Store,
    scale: Scale,
    kims: Option<usize>,
    seed: u64,
    mut progress: impl FnMut(usize, usize),
) -> Result<Generated> {
    let (provinces, target): (Vec<&str>, usize) = match scale {
        Scale::Province => (vec!["35"], kims.unwrap_or(325)),
        Scale::National => (
            CAPITALS.iter().map(|c| c.0).collect(),
            kims.unwrap_or(80_000),
        ),
    };
    let marker = format!("gen|{seed}|0");
    if store.kim_id_by_import_key(&marker).await?.is_some() {
        bail!("this database already holds data generated with seed {seed}; use another --seed or a fresh database");
    }
    // Villages of the chosen provinces, from the region table.
    let all = store.all_regions().await?;
    let villages: Vec<&Region> = all
        .iter()
        .filter(|r| {
            r.level() == Level::Village
                && provinces
                    .iter()
                    .any(|p| r.code.as_str().starts_with(&format!("{p}.")))
        })
        .collect();
    if villages.is_empty() {
        bail!("no villages loaded: run `simpul import-regions` first");
    }
    let name_of = |c: &RegionCode| {
        all.binary_search_by(|r| r.code.cmp(c))
            .ok()
            .map(|i| all[i].name.as_str())
            .unwrap_or("")
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let ctx = AuditContext::system("generate");
    let (mut written, mut members_total) = (0, 0);
    while written < target {
        let batch = (target - written).min(5_000);
        let mut profiles = Vec::with_capacity(batch);
        for i in written..written + batch {
            let village = villages[rng.gen_range(0..villages.len())];
            let vname = name_of(&village.code);
            let name = match rng.gen_range(0..3) {
                0 => format!("KIM {vname} {}", WORDS[rng.gen_range(0..WORDS.len())]),
                1 => format!("KIM {} {vname}", WORDS[rng.gen_range(0..WORDS.len())]),
                _ => format!("KIM {vname} {}", i),
            };
            let province = village.code.province();
            let (_, lat0, lon0) = CAPITALS
                .iter()
                .find(|c| c.0 == province.as_str())
                .copied()
                .unwrap_or(("", -7.26, 112.75));
            let location = LatLon::new(
                lat0 + rng.gen_range(-0.6..0.6),
                lon0 + rng.gen_range(-0.6..0.6),
            )
            .or_else(|_| LatLon::new(lat0, lon0))
            .ok();
            let mut roll = rng.gen_range(0..1000);
            let status = STATUSES
                .iter()
                .find(|(_, share)| {
                    if roll < *share {
                        true
                    } else {
                        roll -= share;
                        false
                    }
                })
                .map(|s| s.0)
                .unwrap_or("active");
            let topics = vec![TOPICS[rng.gen_range(0..TOPICS.len())].to_owned()];
            profiles.push((
                KimProfile {
                    name_norm: normalize_kim_name(&name),
                    name,
                    village: Some(village.code.clone()),
                    address: format!("Balai Desa {vname}"),
                    lat: location.map(|l| l.lat()),
                    lon: location.map(|l| l.lon()),
                    founded_on: chrono::NaiveDate::from_ymd_opt(
                        rng.gen_range(2012..2025),
                        rng.gen_range(1..13),
                        rng.gen_range(1..29),
                    ),
                    phone: Some(format!(
                        "+628{}{:08}",
                        rng.gen_range(11..59),
                        rng.gen_range(0..100_000_000)
                    )),
                    social_json: "{}".into(),
                    topics,
                    ..Default::default()
                },
                status,
                format!("gen|{seed}|{i}"),
            ));
        }
        let rows: Vec<ImportKim<'_>> = profiles
            .iter()
            .map(|(p, s, k)| ImportKim {
                profile: p,
                status: s,
                import_key: k,
                leader: None,
            })
            .collect();
        let ids = store
            .import_kims(
                &ctx,
                &format!("generate-{seed}-{written}"),
                &rows,
                &simpul_app::import::number_for,
                |_| {},
            )
            .await?;
        let mut members = Vec::with_capacity(batch * 8);
        for id in &ids {
            for m in 0..rng.gen_range(4..=11) {
                members.push((
                    *id,
                    MemberData {
                        name: format!(
                            "{} {}",
                            pick(&mut rng, &FIRST, &FIRST_ELSEWHERE),
                            pick(&mut rng, &LAST, &LAST_ELSEWHERE)
                        ),
                        role: ["ketua", "sekretaris", "bendahara", "admin_konten"]
                            .get(m)
                            .copied()
                            .unwrap_or("anggota")
                            .to_owned(),
                        phone: Some(format!(
                            "+628{}{:08}",
                            rng.gen_range(11..59),
                            rng.gen_range(0..100_000_000)
                        )),
                        gender: Some(if rng.gen_bool(0.5) { "female" } else { "male" }.to_owned()),
                        ..Default::default()
                    },
                ));
            }
        }
        members_total += store.seed_members(&ctx, &members).await?;
        written += batch;
        progress(written, target);
    }
    store.vacuum_analyze().await?;
    Ok(Generated {
        kims: written,
        members: members_total,
    })
}

/// One name from `common` and `elsewhere` together.
fn pick(rng: &mut StdRng, common: &[&'static str], elsewhere: &[&'static str]) -> &'static str {
    let i = rng.gen_range(0..common.len() + elsewhere.len());
    common
        .get(i)
        .copied()
        .unwrap_or_else(|| elsewhere[i - common.len()])
}

/// Village code → name, for generated text.
pub async fn village_names(store: &Store) -> Result<std::collections::HashMap<String, String>> {
    Ok(store
        .all_regions()
        .await?
        .into_iter()
        .filter(|r| r.level() == Level::Village)
        .map(|r| (r.code.as_str().to_owned(), r.name))
        .collect())
}

/// Activity to add on the KIMs in the database (`simpul generate --dissem-reports`, `--posts`,
/// `--activity-days`).
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Dissemination reports in East Java, on `dissem_packages` generated packages.
    pub dissem_reports: Option<usize>,
    pub dissem_packages: Option<usize>,
    /// Published portal posts over every KIM.
    pub posts: Option<usize>,
    /// Days of activity across capabilities for every KIM.
    pub activity_days: Option<i64>,
    /// The last day generated (reports and posts cover the 365 days up to it).
    pub until: chrono::NaiveDate,
}

/// Generate `extras`, printing a line per part as it finishes (what and how long).
pub async fn generate_extras(store: &Store, extras: &Extras, seed: u64) -> Result<()> {
    let wanted =
        extras.dissem_reports.is_some() || extras.posts.is_some() || extras.activity_days.is_some();
    if !wanted {
        return Ok(());
    }
    let kims = store.seed_kims().await?;
    let villages = village_names(store).await?;
    let year = (extras.until - chrono::Duration::days(364), extras.until);
    if let Some(reports) = extras.dissem_reports {
        let started = std::time::Instant::now();
        let plan = dissem::DissemPlan {
            province: "35".into(),
            packages: extras.dissem_packages.unwrap_or((reports / 2_000).max(10)),
            reports,
            first_day: year.0,
            last_day: year.1,
        };
        let d = dissem::generate(store, &kims, &plan, seed, |n, t| {
            eprint!("\rdissemination reports {n}/{t}   ");
        })
        .await?;
        eprintln!();
        println!(
            "{} dissemination packages ({} targets) and {} reports in East Java generated in {:.1} s.",
            d.packages,
            d.targets,
            d.reports,
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(posts) = extras.posts {
        let started = std::time::Instant::now();
        let n = portal::generate(store, &kims, &villages, posts, year, seed, |n, t| {
            eprint!("\rportal posts {n}/{t}   ");
        })
        .await?;
        eprintln!();
        println!(
            "{n} portal posts generated in {:.1} s.",
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(days) = extras.activity_days {
        let started = std::time::Instant::now();
        let first = extras.until - chrono::Duration::days(days.max(1) - 1);
        let d = activity::generate(
            store,
            &kims,
            &villages,
            (first, extras.until),
            seed,
            |what, n, t| eprint!("\r{what} {n}/{t}        "),
        )
        .await?;
        eprintln!();
        println!(
            "{days} days of activity ({first} to {}): {} packages, {} dissemination reports, {} posts, \
             {} alerts ({} KIMs reached), {} aspirations generated in {:.1} s.",
            extras.until,
            d.packages,
            d.reports,
            d.posts,
            d.alerts,
            d.alert_targets,
            d.aspirations,
            started.elapsed().as_secs_f64()
        );
    }
    store.vacuum_analyze().await?;
    Ok(())
}
