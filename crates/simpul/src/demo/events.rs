//! Capacity building in the demo: a two-day partnership forum two months ago with 100
//! participants from the kabupaten/kota offices and KIMs (attendance per session, evaluations;
//! the demo KIM officer took part, so their certificate can be downloaded), and an upcoming
//! bimtek open for registration with two seats per kabupaten/kota. Names stay out of the audit
//! log (registrations are audited by event and status only).

use anyhow::Result;
use chrono::{Duration, NaiveTime, TimeZone, Utc};
use simpul_core::audit::AuditContext;
use simpul_core::{RegionCode, Role, Scope};
use simpul_store::accounts::NewUser;
use simpul_store::events::{NewEvent, NewRegistration, NewSession};
use simpul_store::Store;

const FORUM: &str = "Forum Kemitraan KIM Jawa Timur 2026";
const BIMTEK: &str = "Bimtek Pengelolaan Konten Digital KIM";

fn speakers(list: &[(&str, &str, &str)]) -> String {
    let v: Vec<simpul_core::events::Speaker> = list
        .iter()
        .map(|(n, p, i)| simpul_core::events::Speaker {
            name: (*n).into(),
            position: (*p).into(),
            institution: (*i).into(),
        })
        .collect();
    serde_json::to_string(&v).unwrap_or_else(|_| "[]".into())
}

/// 08:00 WIB on the day `days` from today.
fn wib(days: i64, hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    let wib = chrono::FixedOffset::east_opt(7 * 3600).expect("WIB");
    let day = (Utc::now().with_timezone(&wib) + Duration::days(days)).date_naive();
    wib.from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("time")))
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

pub async fn seed(store: &Store, hash: &str) -> Result<()> {
    if store.events(500).await?.iter().any(|e| e.title == FORUM) {
        return Ok(());
    }
    let ctx = AuditContext::system("demo");
    let province = RegionCode::parse("35")?;
    let sessions = vec![
        NewSession {
            title: "Pembukaan dan arah kebijakan KIM".into(),
            starts_at: wib(-60, 8, 0),
            ends_at: wib(-60, 11, 0),
            speakers_json: speakers(&[
                (
                    "Dr. Hendra Wijaya",
                    "Direktur Informasi Publik",
                    "Kementerian Komunikasi dan Digital",
                ),
                (
                    "Ir. Sri Wahyuni, M.Si.",
                    "Kepala Dinas",
                    "Diskominfo Provinsi Jawa Timur",
                ),
            ]),
        },
        NewSession {
            title: "KIM dan pembangunan desa".into(),
            starts_at: wib(-60, 13, 0),
            ends_at: wib(-60, 16, 0),
            speakers_json: speakers(&[(
                "Drs. Bambang Setiawan",
                "Direktur Pengembangan Sosial Budaya",
                "Kementerian Desa PDT",
            )]),
        },
        NewSession {
            title: "Informasi cuaca dan kebencanaan untuk warga".into(),
            starts_at: wib(-59, 8, 0),
            ends_at: wib(-59, 11, 0),
            speakers_json: speakers(&[(
                "Rina Kusumawati, S.Si.",
                "Prakirawan",
                "BMKG Stasiun Geofisika Malang",
            )]),
        },
        NewSession {
            title: "Data dan perencanaan pembangunan daerah".into(),
            starts_at: wib(-59, 13, 0),
            ends_at: wib(-59, 16, 0),
            speakers_json: speakers(&[(
                "Agus Prasetyo, S.E., M.M.",
                "Kepala Bidang Perencanaan",
                "Bappeda Provinsi Jawa Timur",
            )]),
        },
    ];
    let forum = NewEvent {
        kind: "forum".into(),
        title: FORUM.into(),
        description: "Forum dua hari bagi Diskominfo kabupaten/kota, Bakorwil dan KIM se-Jawa Timur: arah kebijakan, KIM dan desa, informasi kebencanaan, data pembangunan.".into(),
        venue: "Hotel Bumi Surabaya".into(),
        address: "Jl. Basuki Rahmat 106-128, Surabaya".into(),
        lat: Some(-7.2667),
        lon: Some(112.7420),
        online_url: String::new(),
        starts_at: wib(-60, 8, 0),
        ends_at: wib(-59, 16, 0),
        capacity: 100,
        reg_opens_at: wib(-90, 0, 0),
        reg_closes_at: wib(-61, 23, 59),
        allowed_roles: String::new(),
        allowed_regions: "35".into(),
        invited_only: false,
        materials_public: true,
        min_attendance: 75,
        region: province.clone(),
        created_by: None,
        sessions,
        quotas: Vec::new(),
        invites: Vec::new(),
        materials: vec![
            ("Bahan paparan Kemkomdigi (PDF)".into(), "https://kominfo.jatimprov.go.id/".into()),
            ("Rekaman hari pertama".into(), "https://www.youtube.com/@kominfojatim".into()),
        ],
    };
    let forum_id = store.create_event(&ctx, &forum).await?;
    let forum_sessions = store.event_sessions(forum_id).await?;
    // 100 participants: the demo KIM officer and 99 people from across the province.
    let regencies = store.region_children(Some(&province)).await?;
    let mut people: Vec<(i64, String, String, String)> = Vec::new();
    if let Some(u) = store.user_by_username("kim.prigen.ketua").await? {
        let region = store
            .grants_of(u.id)
            .await?
            .into_iter()
            .filter_map(|g| g.region_code.map(|c| c.to_string()))
            .next()
            .unwrap_or_default();
        people.push((u.id, u.display_name, "kim_officer".into(), region));
    }
    let mut i = 0;
    while people.len() < 100 {
        let regency = &regencies[i % regencies.len()];
        let name = format!(
            "{} {}",
            crate::names::FIRST[i % crate::names::FIRST.len()],
            crate::names::LAST[(i * 7) % crate::names::LAST.len()]
        );
        let username = format!("peserta.forum.{:03}", i + 1);
        let id = match store.user_by_username(&username).await? {
            Some(u) => u.id,
            None => {
                let user = NewUser {
                    username,
                    display_name: name.clone(),
                    email: None,
                    password_hash: hash.into(),
                    locale: "id".into(),
                };
                store
                    .create_user(
                        &ctx,
                        &user,
                        Role::KimMember,
                        &Scope::Region(regency.code.clone()),
                    )
                    .await?
            }
        };
        people.push((id, name, "kim_member".into(), regency.code.to_string()));
        i += 1;
    }
    for (n, (user_id, name, role, region)) in people.iter().enumerate() {
        let p = store
            .register_for_event(
                &ctx,
                &NewRegistration {
                    event_id: forum_id,
                    user_id: *user_id,
                    name: name.clone(),
                    role: role.clone(),
                    region_code: region.clone(),
                    kim_id: None,
                    nonce: simpul_core::secrets::new_token("n"),
                    registered_by: None,
                },
            )
            .await?;
        // Most came to everything; some missed the second day; a few never came.
        let attended: Vec<&simpul_store::events::SessionRecord> = match n % 10 {
            9 => Vec::new(),
            7 | 8 => forum_sessions.iter().take(2).collect(),
            _ => forum_sessions.iter().collect(),
        };
        for s in &attended {
            store
                .check_in(
                    &ctx,
                    p.id,
                    s.id,
                    s.starts_at + Duration::minutes((n % 25) as i64),
                    None,
                    "scan",
                )
                .await?;
        }
        if !attended.is_empty() && n % 4 != 3 {
            let entries: Vec<(i64, i64, String)> = attended
                .iter()
                .enumerate()
                .map(|(k, s)| {
                    let rating = 3 + ((n + k) % 3) as i64;
                    let comment = match (n + k) % 6 {
                        0 => "Materi sangat bermanfaat untuk KIM di desa kami.".to_string(),
                        1 => "Waktu diskusi perlu ditambah.".to_string(),
                        _ => String::new(),
                    };
                    (s.id, rating, comment)
                })
                .collect();
            store.save_evaluation(&ctx, p.id, &entries).await?;
        }
    }
    // The upcoming bimtek: open now, two seats per kabupaten/kota.
    let bimtek = NewEvent {
        kind: "bimtek".into(),
        title: BIMTEK.into(),
        description: "Bimbingan teknis menulis berita desa, memotret dan mengelola media sosial KIM, serta memeriksa hoaks sebelum membagikan.".into(),
        venue: "Aula Bakorwil III Malang".into(),
        address: "Jl. Simpang Ijen 2, Kota Malang".into(),
        lat: Some(-7.9722),
        lon: Some(112.6230),
        online_url: String::new(),
        starts_at: wib(10, 8, 0),
        ends_at: wib(10, 15, 0),
        capacity: 80,
        reg_opens_at: Utc::now() - Duration::days(1),
        reg_closes_at: wib(8, 23, 59),
        allowed_roles: String::new(),
        allowed_regions: "35".into(),
        invited_only: false,
        materials_public: false,
        min_attendance: 75,
        region: province.clone(),
        created_by: None,
        sessions: vec![
            NewSession {
                title: "Menulis berita desa".into(),
                starts_at: wib(10, 8, 0),
                ends_at: wib(10, 11, 0),
                speakers_json: speakers(&[("Dewi Lestari", "Redaktur", "Diskominfo Provinsi Jawa Timur")]),
            },
            NewSession {
                title: "Foto, video dan media sosial KIM".into(),
                starts_at: wib(10, 12, 0),
                ends_at: wib(10, 15, 0),
                speakers_json: speakers(&[("Yusuf Hidayat", "Pranata Humas", "Diskominfo Kota Malang")]),
            },
        ],
        quotas: regencies.iter().map(|r| (r.code.to_string(), 2)).collect(),
        invites: Vec::new(),
        materials: Vec::new(),
    };
    store.create_event(&ctx, &bimtek).await?;
    // A workshop its organiser had to cancel: shown as cancelled, with the reason.
    let workshop = NewEvent {
        kind: "workshop".into(),
        title: "Lokakarya Fotografi Jurnalistik KIM".into(),
        description: "Praktik memotret kegiatan desa untuk berita KIM.".into(),
        venue: "Pendopo Kabupaten Pasuruan".into(),
        address: String::new(),
        lat: None,
        lon: None,
        starts_at: wib(20, 9, 0),
        ends_at: wib(20, 12, 0),
        reg_closes_at: wib(19, 23, 59),
        quotas: Vec::new(),
        capacity: 30,
        sessions: vec![NewSession {
            title: "Praktik memotret".into(),
            starts_at: wib(20, 9, 0),
            ends_at: wib(20, 12, 0),
            speakers_json: "[]".into(),
        }],
        ..bimtek
    };
    let id = store.create_event(&ctx, &workshop).await?;
    store
        .cancel_event(&ctx, id, "Pendopo dipakai untuk posko tanggap bencana.")
        .await?;
    Ok(())
}
