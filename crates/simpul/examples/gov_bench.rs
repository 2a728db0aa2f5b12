//! Benchmarks of partnership governance (issue 16), on a database holding generated KIMs and a
//! year of their activity:
//!
//! 1. Bulk: an index (all eleven indicators) per province for the year up to today, published
//!    and computed for every province (80,000 KIMs in the national dataset); East Java alone too.
//! 2. After a day: one more day of activity (today) is generated (not timed here), then every
//!    province is computed again. `gov.compute` has no incremental mode: a day's new records
//!    cost a whole recompute, so this shows what the daily job pays.
//! 3. The quarterly leadership report of East Java: assembled, then written as PDF and XLSX.
//!
//!   simpul generate --scale national --activity-days 365 --database-url sqlite:///tmp/national.db
//!   cargo run --release -p simpul --example gov_bench -- sqlite:///tmp/national.db
//!
//! Prints markdown table rows (`| what | result |`).

use chrono::{Duration, Utc};
use simpul_app::governance::{compute, report};
use simpul_app::i18n::Locale;
use simpul_app::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Actor, Grant, ScopeRegions};
use simpul_core::{RegionCode, Role, Scope};
use simpul_store::governance::NewIndex;
use std::collections::BTreeMap;
use std::time::{Duration as Elapsed, Instant};

const ITEMS: &str = r#"[
 {"key":"dissem_reports","weight":15,"cap":12.0,"normalisation":"none","better":"higher"},
 {"key":"dissem_reach","weight":10,"cap":1000.0,"normalisation":"none","better":"higher"},
 {"key":"alerts_acknowledged","weight":10,"cap":100.0,"normalisation":"none","better":"higher"},
 {"key":"alerts_ack_minutes","weight":10,"cap":30.0,"normalisation":"none","better":"lower"},
 {"key":"registry_profile","weight":10,"cap":100.0,"normalisation":"none","better":"higher"},
 {"key":"registry_members_added","weight":5,"cap":5.0,"normalisation":"none","better":"higher"},
 {"key":"hoax_reports","weight":5,"cap":3.0,"normalisation":"none","better":"higher"},
 {"key":"events_trainings","weight":5,"cap":2.0,"normalisation":"none","better":"higher"},
 {"key":"portal_posts","weight":10,"cap":4.0,"normalisation":"none","better":"higher"},
 {"key":"portal_potential","weight":10,"cap":2.0,"normalisation":"none","better":"higher"},
 {"key":"aspirations_carried","weight":10,"cap":3.0,"normalisation":"none","better":"higher"}
]"#;

fn secs(d: Elapsed) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Compute every index; (total time, East Java's time, KIMs scored).
async fn compute_all(
    ctx: &AppCtx,
    audit: &AuditContext,
    indexes: &BTreeMap<String, i64>,
) -> anyhow::Result<(Elapsed, Elapsed, i64)> {
    let (mut total, mut jatim, mut kims) = (Elapsed::ZERO, Elapsed::ZERO, 0);
    for (province, id) in indexes {
        let t = Instant::now();
        let run = compute::compute(ctx, audit, *id, "bench")
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let took = t.elapsed();
        total += took;
        if province == "35" {
            jatim = took;
        }
        kims += ctx.store.gov_ranking_count(run, None).await?;
    }
    Ok((total, jatim, kims))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: gov_bench <database url>"))?;
    let store = simpul::server::open_store(&url).await?;
    let ctx = AppCtx::new(store.clone(), simpul_app::Config::default()).await?;
    let audit = AuditContext::system("bench");
    let today = Utc::now().date_naive();
    let (starts_on, ends_on) = (today - Duration::days(365), today);
    let kims = store.seed_kims().await?;
    let mut provinces: Vec<String> = kims.iter().map(|k| k.province_code.clone()).collect();
    provinces.sort();
    provinces.dedup();
    // One published index per province (kept from an earlier run of this benchmark).
    let existing = store.gov_indexes(None).await?;
    let mut indexes = BTreeMap::new();
    for p in &provinces {
        let title = format!("Indeks Kinerja KIM (bench) {p}");
        let id = match existing
            .iter()
            .find(|i| i.province_code == *p && i.title == title)
        {
            Some(i) => i.id,
            None => {
                let n = NewIndex {
                    province_code: p.clone(),
                    title,
                    starts_on,
                    ends_on,
                    local_limit: 0,
                    items_json: ITEMS.into(),
                };
                let id = store.gov_save_index(&audit, None, &n).await?;
                store.gov_publish_index(&audit, id).await?;
                id
            }
        };
        indexes.insert(p.clone(), id);
    }
    let (total, jatim, scored) = compute_all(&ctx, &audit, &indexes).await?;
    println!(
        "| index computed in bulk: {} provinces, {scored} KIMs, 11 indicators, a year | {} (East Java alone {}) |",
        indexes.len(),
        secs(total),
        secs(jatim)
    );
    // A day's new activity, then the recompute the daily job would do.
    let villages = simpul::generate::village_names(&store).await?;
    let t = Instant::now();
    let day = simpul::generate::activity::generate(
        &store,
        &kims,
        &villages,
        (today, today),
        Utc::now().timestamp() as u64,
        |_, _, _| {},
    )
    .await?;
    let generated = t.elapsed();
    let (total, jatim, scored) = compute_all(&ctx, &audit, &indexes).await?;
    println!(
        "| recomputed after a day's activity ({} reports, {} posts, {} alert targets, {} aspirations; generated in {}): {scored} KIMs | {} (East Java alone {}) |",
        day.reports,
        day.posts,
        day.alert_targets,
        day.aspirations,
        secs(generated),
        secs(total),
        secs(jatim)
    );
    // The quarterly report of East Java, as a provincial admin asks for it.
    let jatim_code = RegionCode::parse("35")?;
    let admin = Actor {
        user_id: 0,
        username: "bench".into(),
        grants: vec![Grant {
            role: Role::ProvincialAdmin,
            scope: Scope::Region(jatim_code.clone()),
            territory: ScopeRegions::Regions(vec![jatim_code]),
        }],
    };
    let t = Instant::now();
    let r = report::build(&ctx, &admin, "35", "quarter", today)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let built = t.elapsed();
    let msgs = ctx.catalog.messages(Locale::Id);
    let lines: Vec<(String, String)> = r
        .lines()
        .into_iter()
        .map(|(k, v)| (msgs.get(k).to_string(), v))
        .collect();
    let labels = report::PdfLabels {
        title: format!("Laporan {} {}", r.region_name, r.period_label),
        dates: format!("{} - {}", r.starts_on, r.ends_on),
        figures: "Angka utama".into(),
        by_regency: "Jangkauan per kabupaten/kota".into(),
        top: "KIM terbaik".into(),
        dormant: "KIM tidak aktif".into(),
        generated: "Dibuat oleh Simpul (bench)".into(),
    };
    let t = Instant::now();
    let pdf = report::to_pdf(&r, &lines, &labels).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let pdf_took = t.elapsed();
    let t = Instant::now();
    let xlsx = report::to_xlsx(&r, &msgs).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let xlsx_took = t.elapsed();
    println!(
        "| quarterly report of East Java ({}): assembled | {} |",
        r.period_label,
        secs(built)
    );
    println!(
        "| quarterly report: PDF ({} KB) / XLSX ({} KB) written | {} / {} (plus assembly) |",
        pdf.len() / 1024,
        xlsx.len() / 1024,
        secs(pdf_took),
        secs(xlsx_took)
    );
    Ok(())
}
