//! The demo's 325 East Java KIMs: spread over the 38 kabupaten/kota in proportion to their
//! villages, with Javanese/Madurese names, members, a realistic mix of statuses and locations
//! near each kabupaten/kota's seat. Deterministic (seeded), so every demo looks the same.

use crate::names::{FIRST, JOBS, LAST, STATUSES, TOPICS, WORDS};
use anyhow::Result;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simpul_core::audit::AuditContext;
use simpul_core::registry::normalize_kim_name;
use simpul_core::RegionCode;
use simpul_store::members::MemberData;
use simpul_store::registry::{ImportKim, KimProfile};
use simpul_store::Store;

pub const DEMO_KIMS: usize = 325;

/// Approximate seats (lat, lon) of East Java's kabupaten/kota, and how far KIMs spread around them.
const SEATS: [(&str, f64, f64); 38] = [
    ("35.01", -8.194, 111.105),
    ("35.02", -7.868, 111.462),
    ("35.03", -8.050, 111.710),
    ("35.04", -8.066, 111.902),
    ("35.05", -8.130, 112.220),
    ("35.06", -7.790, 112.120),
    ("35.07", -8.160, 112.560),
    ("35.08", -8.133, 113.222),
    ("35.09", -8.172, 113.700),
    ("35.10", -8.219, 114.369),
    ("35.11", -7.913, 113.821),
    ("35.12", -7.706, 114.009),
    ("35.13", -7.800, 113.350),
    ("35.14", -7.680, 112.760),
    ("35.15", -7.447, 112.718),
    ("35.16", -7.550, 112.490),
    ("35.17", -7.546, 112.233),
    ("35.18", -7.605, 111.904),
    ("35.19", -7.610, 111.650),
    ("35.20", -7.653, 111.330),
    ("35.21", -7.404, 111.446),
    ("35.22", -7.150, 111.880),
    ("35.23", -6.897, 112.064),
    ("35.24", -7.118, 112.414),
    ("35.25", -7.156, 112.655),
    ("35.26", -7.045, 112.735),
    ("35.27", -7.190, 113.240),
    ("35.28", -7.158, 113.474),
    ("35.29", -7.005, 113.860),
    ("35.71", -7.817, 112.011),
    ("35.72", -8.098, 112.165),
    ("35.73", -7.978, 112.633),
    ("35.74", -7.754, 113.216),
    ("35.75", -7.646, 112.908),
    ("35.76", -7.472, 112.434),
    ("35.77", -7.630, 111.523),
    ("35.78", -7.257, 112.752),
    ("35.79", -7.871, 112.527),
];

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

fn status(rng: &mut StdRng) -> &'static str {
    let mut roll = rng.gen_range(0..1000);
    for (s, share) in STATUSES {
        if roll < share {
            return s;
        }
        roll -= share;
    }
    "active"
}

/// Seed the demo KIMs unless East Java already has some. Returns the Prigen KIM's id (for the
/// demo officer and member accounts).
pub async fn seed(store: &Store, ctx: &AuditContext) -> Result<Option<i64>> {
    let province = RegionCode::parse("35")?;
    let filter = simpul_store::registry::KimFilter {
        region: Some(province.clone()),
        ..Default::default()
    };
    if store.search_kims(&filter, 1, 0).await?.1 > 0 {
        return Ok(None);
    }
    let mut rng = StdRng::seed_from_u64(2026);
    // Villages per kabupaten/kota decide how many KIMs each gets (at least 3).
    let mut villages: Vec<(usize, Vec<RegionCode>)> = Vec::new();
    for (i, (code, _, _)) in SEATS.iter().enumerate() {
        let regency = RegionCode::parse(code)?;
        let mut list = Vec::new();
        for district in store.region_children(Some(&regency)).await? {
            list.extend(
                store
                    .region_children(Some(&district.code))
                    .await?
                    .into_iter()
                    .map(|v| v.code),
            );
        }
        villages.push((i, list));
    }
    let total: usize = villages.iter().map(|(_, v)| v.len()).sum();
    let mut quota: Vec<usize> = villages
        .iter()
        .map(|(_, v)| 3 + (v.len() * (DEMO_KIMS - 3 * 38)) / total)
        .collect();
    let mut k = 0;
    while quota.iter().sum::<usize>() < DEMO_KIMS {
        let n = quota.len();
        quota[k % n] += 1;
        k += 1;
    }
    let index = store.all_regions().await?;
    let name_of = |c: &RegionCode| {
        index
            .iter()
            .find(|r| &r.code == c)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let mut profiles: Vec<(KimProfile, &'static str)> = Vec::new();
    let mut prigen_index = 0;
    // The first KIM sits in the demo officer's village in Prigen.
    let prigen_village = store
        .region_children(Some(&RegionCode::parse("35.14.10")?))
        .await?
        .into_iter()
        .next()
        .map(|r| r.code);
    for ((i, list), n) in villages.iter().zip(&quota) {
        let (_, lat0, lon0) = SEATS[*i];
        let spread = if SEATS[*i].0 > "35.70" { 0.015 } else { 0.09 };
        for j in 0..*n {
            let village = if *i == 13 && j == 0 {
                prigen_village.clone().unwrap_or_else(|| list[0].clone())
            } else {
                list[rng.gen_range(0..list.len())].clone()
            };
            let vname = name_of(&village);
            let name = match rng.gen_range(0..4) {
                0 => format!("KIM {vname}"),
                1 => format!("KIM {vname} {}", pick(&mut rng, &WORDS)),
                2 => format!("KIM {} {vname}", pick(&mut rng, &WORDS)),
                _ => format!("KIM {} {}", pick(&mut rng, &WORDS), pick(&mut rng, &WORDS)),
            };
            let name = if *i == 13 && j == 0 {
                prigen_index = profiles.len();
                format!("KIM {vname} Lestari")
            } else {
                name
            };
            let mut topics: Vec<String> = (0..rng.gen_range(1..4))
                .map(|_| pick(&mut rng, &TOPICS).to_owned())
                .collect();
            topics.sort();
            topics.dedup();
            let founded = chrono::NaiveDate::from_ymd_opt(
                rng.gen_range(2012..2025),
                rng.gen_range(1..13),
                rng.gen_range(1..29),
            );
            let slug: String = vname
                .to_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            let st = if *i == 13 && j == 0 {
                "active"
            } else {
                status(&mut rng)
            };
            profiles.push((
                KimProfile {
                    name_norm: normalize_kim_name(&name),
                    name,
                    village: Some(village),
                    address: format!("Balai Desa {vname}"),
                    lat: Some(lat0 + rng.gen_range(-spread..spread)),
                    lon: Some(lon0 + rng.gen_range(-spread..spread)),
                    founded_on: founded,
                    sk_number: format!("188/{}/{}.{}/{}", rng.gen_range(1..200), rng.gen_range(400..440), rng.gen_range(1..30), founded.map(|d| d.format("%Y").to_string()).unwrap_or_default()),
                    sk_date: founded,
                    sk_issuer: format!("Kepala Desa {vname}"),
                    phone: Some(format!("+628{}{:08}", rng.gen_range(11..59), rng.gen_range(0..100_000_000))),
                    email: None,
                    social_json: serde_json::json!({"instagram": format!("https://www.instagram.com/kim{slug}")}).to_string(),
                    topics,
                },
                st,
            ));
        }
    }
    let keys: Vec<String> = profiles
        .iter()
        .map(|(p, _)| format!("{}|{}", p.village.as_ref().unwrap(), p.name_norm))
        .collect();
    let rows: Vec<ImportKim<'_>> = profiles
        .iter()
        .zip(&keys)
        .map(|((p, st), key)| ImportKim {
            profile: p,
            status: st,
            import_key: key,
            leader: None,
        })
        .collect();
    let ids = store
        .import_kims(ctx, "demo", &rows, &simpul_app::import::number_for, |_| {})
        .await?;
    // Members: a board and some members per KIM.
    let mut members = Vec::new();
    for (kim_id, (profile, _)) in ids.iter().zip(&profiles) {
        let n = rng.gen_range(4..12);
        for m in 0..n {
            let role = ["ketua", "sekretaris", "bendahara", "admin_konten"]
                .get(m)
                .copied()
                .unwrap_or("anggota");
            let female = rng.gen_bool(0.5);
            members.push((
                *kim_id,
                MemberData {
                    name: format!("{} {}", pick(&mut rng, &FIRST), pick(&mut rng, &LAST)),
                    role: role.to_owned(),
                    phone: Some(format!(
                        "+628{}{:08}",
                        rng.gen_range(11..59),
                        rng.gen_range(0..100_000_000)
                    )),
                    email: None,
                    gender: Some(if female { "female" } else { "male" }.to_owned()),
                    age_band: Some(
                        ["18_24", "25_34", "35_44", "45_54", "55_plus"][rng.gen_range(0..5)]
                            .to_owned(),
                    ),
                    occupation: pick(&mut rng, &JOBS).to_owned(),
                    consent_on: profile.founded_on,
                    ..Default::default()
                },
            ));
        }
    }
    store.seed_members(ctx, &members).await?;
    Ok(ids.get(prigen_index).copied())
}
