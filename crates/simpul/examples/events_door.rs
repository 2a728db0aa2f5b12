//! Benchmark of the capacity-building capability (issue 14): the registration race (300
//! people for the last 10 seats), check-in throughput at the door (scans per second through
//! the same service the scanning page and the API call: parse, verify the signed code, check the
//! session, write the idempotent check-in and its audit entry) and certificate generation for
//! 1,000 participants (issuing the code and rendering the PDF).
//!
//!   cargo run --release -p simpul --example events_door -- sqlite:///tmp/events-bench.db
//!
//! Arguments: database URL (a fresh file is fine: migrations run), then the number of
//! participants (default 1000) and concurrent scanners (default 4).

use chrono::{Duration, Utc};
use simpul_app::events::{certificate, checkin, register};
use simpul_app::AppCtx;
use simpul_core::accounts::{Role, Scope};
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Actor, Grant, ScopeRegions};
use simpul_core::RegionCode;
use simpul_store::accounts::NewUser;
use simpul_store::events::{NewEvent, NewRegistration, NewSession};
use std::time::Instant;

fn event(title: &str, capacity: i64) -> NewEvent {
    let start = Utc::now() - Duration::minutes(10);
    NewEvent {
        kind: "forum".into(),
        title: title.into(),
        description: "Benchmark".into(),
        venue: "Aula".into(),
        address: String::new(),
        lat: None,
        lon: None,
        online_url: String::new(),
        starts_at: start,
        ends_at: start + Duration::hours(8),
        capacity,
        reg_opens_at: start - Duration::days(10),
        reg_closes_at: start + Duration::hours(8),
        allowed_roles: String::new(),
        allowed_regions: String::new(),
        invited_only: false,
        materials_public: false,
        min_attendance: 75,
        region: RegionCode::parse("35").expect("code"),
        created_by: None,
        sessions: vec![NewSession {
            title: "Pleno".into(),
            starts_at: start,
            ends_at: start + Duration::hours(8),
            speakers_json: "[]".into(),
        }],
        quotas: Vec::new(),
        invites: Vec::new(),
        materials: Vec::new(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "sqlite:///tmp/events-bench.db".into());
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let scanners: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(4);
    let store = simpul::server::open_store(&url).await?;
    let ctx = AppCtx::new(store.clone(), simpul_app::Config::default()).await?;
    let audit = AuditContext::system("bench");
    let run = Utc::now().timestamp();
    // Setup (not timed): accounts.
    let mut users = Vec::new();
    for i in 0..(n.max(310)) {
        let user = NewUser {
            username: format!("bench.{run}.{i}"),
            display_name: format!("Peserta Uji {i}"),
            email: None,
            password_hash: "x".into(),
            locale: "id".into(),
        };
        users.push(
            store
                .create_user(&audit, &user, Role::KimMember, &Scope::National)
                .await?,
        );
    }

    // 1. The registration race: 10 seats taken, 300 people for the last 10.
    let race = store
        .create_event(&audit, &event("Balapan kursi", 20))
        .await?;
    for u in &users[..10] {
        register::register(&ctx, &actor_of(*u), &audit, race)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    let t = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for u in users[10..310].iter().copied() {
        let ctx = ctx.clone();
        set.spawn(async move {
            let audit = AuditContext::system("bench");
            loop {
                match register::register(&ctx, &actor_of(u), &audit, race).await {
                    Err(simpul_app::AppError::Unavailable(_)) => {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await
                    }
                    other => return other.map(|p| p.status),
                }
            }
        });
    }
    let mut confirmed = 0;
    while let Some(r) = set.join_next().await {
        if r?.map_err(|e| anyhow::anyhow!("{e:?}"))? == simpul_core::events::RegStatus::Confirmed {
            confirmed += 1;
        }
    }
    println!(
        "registration race: 300 registrations in {:.2?}, {confirmed} confirmed (10 expected)",
        t.elapsed()
    );

    // 2. Check-in throughput.
    let door = store
        .create_event(&audit, &event("Forum besar", n as i64))
        .await?;
    let session = store.event_sessions(door).await?[0].id;
    let e = store.event(door).await?;
    let mut codes = Vec::new();
    for (i, u) in users[..n].iter().enumerate() {
        let nonce = format!("bench-{i}");
        let p = store
            .register_for_event(
                &audit,
                &NewRegistration {
                    event_id: door,
                    user_id: *u,
                    name: format!("Peserta Uji {i}"),
                    role: "kim_member".into(),
                    region_code: "35.14".into(),
                    kim_id: None,
                    nonce: nonce.clone(),
                    registered_by: None,
                },
            )
            .await?;
        codes.push(register::ticket_code(&ctx, &e, p.id, &nonce));
    }
    let staff = Actor {
        user_id: users[0],
        username: "bench.staff".into(),
        grants: vec![Grant {
            role: Role::ProvincialAdmin,
            scope: Scope::Region(RegionCode::parse("35")?),
            territory: ScopeRegions::Regions(vec![RegionCode::parse("35")?]),
        }],
    };
    let t = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for chunk in codes.chunks(codes.len().div_ceil(scanners)) {
        let (ctx, staff, chunk) = (ctx.clone(), staff.clone(), chunk.to_vec());
        set.spawn(async move {
            let audit = AuditContext::system("bench");
            for code in chunk {
                checkin::check_in(
                    &ctx,
                    &staff,
                    &audit,
                    door,
                    session,
                    &code,
                    checkin::Source::Scan,
                    None,
                )
                .await
                .expect("check-in");
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r?;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "check-in: {n} scans by {scanners} phones in {secs:.2} s = {:.0} scans/s",
        n as f64 / secs
    );

    // 3. Certificates for everyone (the event's end moved into the past first is not needed:
    // rendering and issuing are what cost).
    let people = store.participants(door).await?;
    let t = Instant::now();
    let mut bytes = 0usize;
    for p in &people {
        let code = simpul_core::events::certificate_code(
            &ctx.config.secret.0,
            p.registration.id,
            &p.registration.ticket_nonce,
        );
        let code = store
            .issue_certificate(&audit, p.registration.id, &code)
            .await?;
        let text = certificate::text_of(&ctx, &e, &p.registration, 480, &code)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let pdf = tokio::task::spawn_blocking(move || certificate::render(&text))
            .await?
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        bytes += pdf.len();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "certificates: {} PDFs in {secs:.2} s = {:.1} ms each, {} KB average",
        people.len(),
        secs * 1000.0 / people.len() as f64,
        bytes / people.len().max(1) / 1024
    );
    Ok(())
}

fn actor_of(user_id: i64) -> Actor {
    Actor {
        user_id,
        username: format!("bench.{user_id}"),
        grants: vec![Grant {
            role: Role::KimMember,
            scope: Scope::National,
            territory: ScopeRegions::Regions(vec![RegionCode::parse("35.14").expect("code")]),
        }],
    }
}
