//! Benchmark: from receiving an earthquake document to every delivery job enqueued.
//!
//! On a national dataset (`simpul generate --scale national`), gives every KIM within the
//! earthquake's reach an officer account with an e-mail address (setup, not timed), then times
//! `ingest_bmkg` on one BMKG `autogempa` document: parsing, matching the felt places, finding the
//! KIMs (radius and felt kabupaten/kota), writing the alert with its targets and CAP document,
//! and the urgent fan-out (in-app rows, delivery log, one e-mail delivery job per officer).
//!
//!   simpul generate --scale national --database sqlite:///tmp/national.db
//!   cargo run --release -p simpul --example alert_fanout -- sqlite:///tmp/national.db
//!
//! Arguments: database URL, then optionally magnitude (default 7.2: a 150 km radius) and the
//! epicentre (default -7.30,112.70, south of Surabaya).

use simpul_app::alerts::ingest;
use simpul_app::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::{Role, Scope};
use simpul_store::accounts::NewUser;
use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "sqlite:///tmp/national.db".into());
    let magnitude: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(7.2);
    let (lat, lon): (f64, f64) = match args.next() {
        Some(s) => {
            let (a, b) = s.split_once(',').expect("lat,lon");
            (a.parse()?, b.parse()?)
        }
        None => (-7.30, 112.70),
    };
    let store = simpul::server::open_store(&url).await?;
    let ctx = AppCtx::new(store.clone(), simpul_app::Config::default()).await?;
    let at = chrono::Utc::now();
    let jam = at.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap());
    let doc = format!(
        r#"{{"Infogempa":{{"gempa":{{"Tanggal":"{}","Jam":"{} WIB","DateTime":"{}","Coordinates":"{lat:.2},{lon:.2}","Lintang":"{:.2} LS","Bujur":"{lon:.2} BT","Magnitude":"{magnitude:.1}","Kedalaman":"10 km","Wilayah":"Pusat gempa berada di darat","Potensi":"Tidak berpotensi tsunami","Dirasakan":"V Surabaya, IV Sidoarjo, IV Pasuruan, III Malang"}}}}}}"#,
        jam.format("%d %b %Y"),
        jam.format("%H:%M:%S"),
        at.format("%Y-%m-%dT%H:%M:%S+00:00"),
        lat.abs(),
    );
    // Setup: an officer account for every KIM the event reaches.
    let quake = simpul_core::alerts::bmkg::parse_document(&doc)?
        .remove(0)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let area = ingest::quake_area(&ctx, &quake)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let plan = simpul_app::alerts::targets_for(&ctx, &area, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let audit = AuditContext::system("bench");
    let t = Instant::now();
    let mut made = 0;
    for target in &plan.targets {
        let username = format!("bench.officer.{}", target.kim_id);
        if store.user_by_username(&username).await?.is_some() {
            continue;
        }
        let user = NewUser {
            username,
            display_name: format!("Pengurus KIM {}", target.kim_id),
            email: Some(format!("kim{}@bench.test", target.kim_id)),
            password_hash: "x".into(),
            locale: "id".into(),
        };
        store
            .create_user(&audit, &user, Role::KimOfficer, &Scope::Kim(target.kim_id))
            .await?;
        made += 1;
    }
    eprintln!(
        "setup: {} KIMs reached, {made} officer accounts created in {:.1?}",
        plan.targets.len(),
        t.elapsed()
    );
    let jobs_before = store.job_counts().await?.queued;
    let t = Instant::now();
    let report = ingest::ingest_bmkg(&ctx, None, &doc)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let total = t.elapsed();
    let jobs = store.job_counts().await?.queued - jobs_before;
    println!(
        "engine={} magnitude={magnitude} kims_targeted={} created={} delivery_jobs_enqueued={jobs} document_to_all_jobs_enqueued={:.2?}",
        store.engine().as_str(),
        plan.targets.len(),
        report.created,
        total,
    );
    store.close().await;
    Ok(())
}
