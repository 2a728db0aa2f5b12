//! Benchmark: the notification fan-out. Creates N accounts (each with an e-mail address, so a
//! message of kind "account" goes to the app and by e-mail), then times `notify` from the call
//! to the moment every in-app row, delivery-log row and e-mail delivery job is written.
//!
//!   cargo run --release -p simpul --example notify_fanout -- sqlite:///tmp/fanout.db 10000
//!   cargo run --release -p simpul --example notify_fanout -- postgres://postgres@127.0.0.1:5432/simpul_fanout 10000
//!
//! The database is created and migrated when missing; run it on a fresh one (see
//! bench/notify.sh, which records the figures in BENCHMARKS.md's format).

use simpul_app::notify::{notify, resolve, Audience, Message};
use simpul_app::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::notify::{Kind, Priority};
use simpul_core::{Role, Scope};
use simpul_store::accounts::NewUser;
use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "sqlite:///tmp/simpul-fanout.db".into());
    let n: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(10_000);
    let store = simpul::server::open_store(&url).await?;
    let audit = AuditContext::system("bench");
    let started = Instant::now();
    let mut users = Vec::with_capacity(n);
    for i in 0..n {
        let user = NewUser {
            username: format!("bench.{i}"),
            display_name: format!("Warga {i}"),
            email: Some(format!("warga{i}@bench.test")),
            password_hash: "x".into(),
            locale: if i % 10 == 0 {
                "en".into()
            } else {
                "id".into()
            },
        };
        users.push(
            store
                .create_user(&audit, &user, Role::KimMember, &Scope::National)
                .await?,
        );
    }
    eprintln!("{n} accounts created in {:.1?}", started.elapsed());
    let ctx = AppCtx::new(store.clone(), simpul_app::Config::default()).await?;
    let audience = Audience::Users(users);
    let message = Message {
        kind: Kind::Account,
        priority: Priority::Urgent,
        template: "welcome".into(),
        args: vec![],
        link: "/account/notifications".into(),
        dedupe_key: Some(format!(
            "bench-{}",
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
        )),
    };
    let t = Instant::now();
    let resolved = resolve(&ctx, &audience)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let resolve_time = t.elapsed();
    let t = Instant::now();
    let report = notify(&ctx, &audience, &message)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let total = t.elapsed();
    let jobs = store.job_counts().await?.queued;
    println!(
        "engine={} recipients={} in_app_rows={} deliveries_queued={} jobs_queued={} resolve={:.0?} notify_total={:.2?} per_1000={:.0?}",
        store.engine().as_str(),
        resolved.len(),
        report.written,
        report.queued,
        jobs,
        resolve_time,
        total,
        total / (n as u32 / 1000).max(1),
    );
    store.close().await;
    Ok(())
}
