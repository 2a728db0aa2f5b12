//! Benchmarks of dissemination (issue 13):
//!
//! 1. Overlap detection over 10,000 programs (pure, in memory): programs spread over a year, the
//!    38 kabupaten/kota of East Java and some of their kecamatan, eleven topics, half of them
//!    through the KIMs. Also the gaps of one month.
//! 2. Publishing a package aimed at all of East Java's KIMs in a national dataset: every KIM in
//!    East Java gets an officer account first (setup, not timed); then timed: publication
//!    (targets resolved and written) and the notification fan-out (in-app rows and delivery
//!    jobs enqueued for every officer).
//!
//!   simpul generate --scale national --database sqlite:///tmp/national.db
//!   cargo run --release -p simpul --example dissem_bench -- sqlite:///tmp/national.db
//!
//! Without a database URL only the first part runs.

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simpul_app::dissem::{self, PackageInput};
use simpul_app::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Actor, Grant, ScopeRegions};
use simpul_core::dissem::programs::{gaps, overlaps, Span};
use simpul_core::dissem::Step;
use simpul_core::{RegionCode, Role, Scope};
use simpul_store::accounts::NewUser;
use std::time::Instant;

fn programs(n: usize) -> Vec<Span> {
    let mut rng = StdRng::seed_from_u64(10_000);
    let topics = [
        "health",
        "education",
        "disaster",
        "economy",
        "agriculture",
        "tourism",
        "culture",
        "social",
        "governance",
        "environment",
        "digital_literacy",
    ];
    let start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    (0..n)
        .map(|i| {
            let regency = rng.gen_range(1..=38);
            let code = if rng.gen_bool(0.3) {
                format!("35.{regency:02}.{:02}", rng.gen_range(1..=20))
            } else {
                format!("35.{regency:02}")
            };
            let from = start + Duration::days(rng.gen_range(0..365));
            Span {
                id: i as i64 + 1,
                topic: topics[rng.gen_range(0..topics.len())].to_string(),
                starts_on: from,
                ends_on: from + Duration::days(rng.gen_range(0..45)),
                regions: vec![RegionCode::parse(&code).unwrap()],
                via_kims: rng.gen_bool(0.5),
            }
        })
        .collect()
}

fn overlap_bench() {
    let spans = programs(10_000);
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..7 {
        let t = Instant::now();
        found = overlaps(&spans).len();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "overlaps over {} programs: {found} colliding pairs; min {:.1?}, median {:.1?}, max {:.1?} (7 runs)",
        spans.len(),
        times[0],
        times[3],
        times[6]
    );
    let regencies: Vec<RegionCode> = (1..=38)
        .map(|r| RegionCode::parse(&format!("35.{r:02}")).unwrap())
        .collect();
    let topics = ["health", "education", "tourism"];
    let t = Instant::now();
    let (r, tp) = gaps(
        &spans,
        NaiveDate::from_ymd_opt(2027, 6, 1).unwrap(),
        NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
        &regencies,
        &topics,
    );
    println!(
        "gaps of one month over 38 kabupaten/kota: {} regions, {} topics empty, in {:.1?}",
        r.len(),
        tp.len(),
        t.elapsed()
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    overlap_bench();
    let Some(url) = std::env::args().nth(1) else {
        return Ok(());
    };
    let store = simpul::server::open_store(&url).await?;
    let ctx = AppCtx::new(store.clone(), simpul_app::Config::default()).await?;
    let audit = AuditContext::system("bench");
    let jatim = RegionCode::parse("35")?;
    let publisher_id = match store.user_by_username("bench.publisher").await? {
        Some(u) => u.id,
        None => {
            let user = NewUser {
                username: "bench.publisher".into(),
                display_name: "Diskominfo Jatim (bench)".into(),
                email: None,
                password_hash: "x".into(),
                locale: "id".into(),
            };
            store
                .create_user(
                    &audit,
                    &user,
                    Role::ProvincialAdmin,
                    &Scope::Region(jatim.clone()),
                )
                .await?
        }
    };
    let publisher = Actor {
        user_id: publisher_id,
        username: "bench".into(),
        grants: vec![Grant {
            role: Role::ProvincialAdmin,
            scope: Scope::Region(jatim.clone()),
            territory: ScopeRegions::Regions(vec![jatim.clone()]),
        }],
    };
    let today = chrono::Utc::now().date_naive();
    let input = PackageInput {
        title: format!(
            "Bench: Cegah Stunting Jawa Timur {}",
            chrono::Utc::now().timestamp()
        ),
        topic: "health".into(),
        key_messages: "Timbang balita setiap bulan.".into(),
        caption_whatsapp: "Ayo timbang balita di posyandu! #JatimCegahStunting".into(),
        targets: vec!["region:35".into()],
        starts_on: today.to_string(),
        ends_on: (today + Duration::days(30)).to_string(),
        priority: "normal".into(),
        office: "35".into(),
        ..Default::default()
    };
    let id = dissem::create(&ctx, &publisher, &audit, &input)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    // Setup: an officer account for every East Java KIM.
    let package = store.dissem_package(id).await?;
    let kims = dissem::resolve(&ctx, &package)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let t = Instant::now();
    let mut made = 0;
    for (kim, _) in &kims {
        let username = format!("bench.officer.{kim}");
        if store.user_by_username(&username).await?.is_some() {
            continue;
        }
        let user = NewUser {
            username,
            display_name: format!("Pengurus KIM {kim}"),
            email: Some(format!("kim{kim}@bench.test")),
            password_hash: "x".into(),
            locale: "id".into(),
        };
        store
            .create_user(&audit, &user, Role::KimOfficer, &Scope::Kim(*kim))
            .await?;
        made += 1;
    }
    eprintln!(
        "setup: {} East Java KIMs, {made} officer accounts created in {:.1?}",
        kims.len(),
        t.elapsed()
    );
    let t = Instant::now();
    dissem::transition(&ctx, &publisher, &audit, id, Step::Publish)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let publish = t.elapsed();
    let targets = store.dissem_targets(id).await?.len();
    let package = store.dissem_package(id).await?;
    let t = Instant::now();
    let (_, told) = dissem::sync(&ctx, &package)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let fanout = t.elapsed();
    println!(
        "publish to all East Java KIMs: {targets} targets resolved and written in {publish:.1?}; \
         {told} KIMs notified (in-app rows and delivery jobs enqueued) in {fanout:.1?}; total {:.1?}",
        publish + fanout
    );
    Ok(())
}
