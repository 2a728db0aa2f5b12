//! The East Java demo: Bakorwil groups, a Diskominfo admin for the province and each of its 38
//! kabupaten/kota, and one account of every other role. Idempotent: a second start changes
//! nothing. All demo accounts share one password, printed at start and listed in the README.

use anyhow::{Context, Result};
use simpul_core::audit::AuditContext;
use simpul_core::{RegionCode, Role, Scope};
use simpul_store::accounts::NewUser;
use simpul_store::Store;

pub mod alerts;
pub mod awards;
pub mod dissem;
pub mod events;
pub mod governance;
pub mod hoax;
pub mod kims;
pub mod portal;

pub const DEMO_PASSWORD: &str = "simpul-demo-2026";
const EAST_JAVA: &str = "35";

/// East Java's coordination offices (Badan Koordinasi Wilayah) and their kabupaten/kota.
/// Membership follows the province's published division; treat it as demo data.
pub const BAKORWIL: [(&str, &[&str]); 5] = [
    (
        "Bakorwil I Madiun",
        &[
            "35.01", "35.02", "35.03", "35.04", "35.05", "35.19", "35.20", "35.21", "35.72",
            "35.77",
        ],
    ),
    (
        "Bakorwil II Bojonegoro",
        &[
            "35.06", "35.16", "35.17", "35.18", "35.22", "35.23", "35.24", "35.71", "35.76",
        ],
    ),
    (
        "Bakorwil III Malang",
        &[
            "35.07", "35.13", "35.14", "35.15", "35.25", "35.73", "35.74", "35.75", "35.78",
            "35.79",
        ],
    ),
    (
        "Bakorwil IV Pamekasan",
        &["35.26", "35.27", "35.28", "35.29"],
    ),
    (
        "Bakorwil V Jember",
        &["35.08", "35.09", "35.10", "35.11", "35.12"],
    ),
];

/// One demo account, as printed.
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub scope_label: String,
}

/// "Kabupaten Pasuruan" → "kab-pasuruan", "Kota Surabaya" → "kota-surabaya".
pub fn regency_slug(name: &str) -> String {
    let lower = name.to_lowercase().replace("kabupaten ", "kab ");
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).expect("demo codes are valid")
}

pub async fn seed(store: &Store) -> Result<Vec<DemoAccount>> {
    let ctx = AuditContext::system("demo");
    let province = code(EAST_JAVA);
    let mut group_ids = Vec::new();
    let existing = store.groups(Some(&province)).await?;
    for (name, members) in BAKORWIL {
        let id = match existing.iter().find(|g| g.name == name) {
            Some(g) => g.id,
            None => {
                let members: Vec<RegionCode> = members.iter().map(|m| code(m)).collect();
                store
                    .save_group(&ctx, None, &province, name, &members)
                    .await
                    .with_context(|| format!("creating {name}"))?
            }
        };
        group_ids.push(id);
    }

    let mut accounts: Vec<(String, String, Role, Scope, String)> = vec![
        (
            "nasional".into(),
            "Admin Kementerian Kominfo".into(),
            Role::NationalAdmin,
            Scope::National,
            "Indonesia".into(),
        ),
        (
            "kominfo.jatim".into(),
            "Diskominfo Provinsi Jawa Timur".into(),
            Role::ProvincialAdmin,
            Scope::Region(province.clone()),
            "Jawa Timur".into(),
        ),
    ];
    for regency in store.region_children(Some(&province)).await? {
        accounts.push((
            format!("kominfo.{}", regency_slug(&regency.name)),
            format!("Diskominfo {}", regency.name),
            Role::RegencyAdmin,
            Scope::Region(regency.code.clone()),
            regency.name.clone(),
        ));
    }
    let prigen = code("35.14.10");
    let village = store
        .region_children(Some(&prigen))
        .await?
        .into_iter()
        .next()
        .context("Prigen has villages")?;
    accounts.extend([
        (
            "bakorwil.malang".into(),
            "Bakorwil III Malang".into(),
            Role::Coordinator,
            Scope::Group(group_ids[2]),
            BAKORWIL[2].0.into(),
        ),
        (
            "mitra.bmkg".into(),
            "BMKG Stasiun Geofisika Malang".into(),
            Role::PartnerStaff,
            Scope::Region(province.clone()),
            "Jawa Timur".into(),
        ),
        (
            "cekfakta.jatim".into(),
            "Verifikator Cek Fakta Jatim".into(),
            Role::FactChecker,
            Scope::Region(province.clone()),
            "Jawa Timur".into(),
        ),
        (
            "juri.jatim".into(),
            "Juri Penghargaan KIM Jawa Timur".into(),
            Role::KimMember,
            Scope::Region(province.clone()),
            "Jawa Timur".into(),
        ),
        (
            "kim.prigen.ketua".into(),
            format!("Ketua KIM {}", village.name),
            Role::KimOfficer,
            Scope::Region(village.code.clone()),
            village.name.clone(),
        ),
        (
            "kim.prigen.anggota".into(),
            format!("Anggota KIM {}", village.name),
            Role::KimMember,
            Scope::Region(village.code.clone()),
            village.name.clone(),
        ),
    ]);

    // One argon2id hash for all demo accounts keeps start-up fast; real accounts each get their own salt.
    let hash =
        tokio::task::spawn_blocking(|| simpul_core::secrets::hash_password(DEMO_PASSWORD)).await?;
    let mut out = Vec::new();
    for (username, display_name, role, scope, label) in accounts {
        if store.user_by_username(&username).await?.is_none() {
            let user = NewUser {
                email: Some(format!("{username}@demo.simpul.id")),
                username: username.clone(),
                display_name,
                password_hash: hash.clone(),
                locale: "id".into(),
            };
            store
                .create_user(&ctx, &user, role, &scope)
                .await
                .with_context(|| format!("creating {username}"))?;
        }
        out.push(DemoAccount {
            username,
            role,
            scope_label: label,
        });
    }
    // The registry: 325 KIMs; the demo officer and member belong to the Prigen one.
    if let Some(prigen_kim) = kims::seed(store, &ctx).await? {
        for (username, role) in [
            ("kim.prigen.ketua", Role::KimOfficer),
            ("kim.prigen.anggota", Role::KimMember),
        ] {
            if let Some(user) = store.user_by_username(username).await? {
                store
                    .add_grant(&ctx, user.id, role, &Scope::Kim(prigen_kim))
                    .await?;
            }
        }
    }
    // The hoax clearing house: published clarifications, a spreading open claim, a queue.
    hoax::seed(store, &ctx).await?;
    // Emergency alerts: a past earthquake near Pasuruan, answered by some KIMs.
    alerts::seed(store).await?;
    // Dissemination: packages with three weeks of reports, and the program calendar.
    dissem::seed(store, &ctx).await?;
    // Capacity building: a past forum with 100 participants, an upcoming bimtek.
    events::seed(store, &hash).await?;
    // Village voices: East Java posts, good practice, aspirations in every state.
    portal::seed(store, &ctx).await?;
    // Partnership governance: a scored past year (and the year before), two agreements.
    governance::seed(store, &ctx).await?;
    awards::seed(store, &ctx).await?;
    Ok(out)
}

/// A welcome for every demo account in East Java, through the notification backbone (so the
/// demo's inbox, delivery log and job queue have something to show). Sent once: the
/// idempotency key keeps a restart from sending it again.
pub async fn seed_notifications(ctx: &simpul_app::AppCtx) -> Result<()> {
    use simpul_app::notify::{notify, Audience, Message};
    use simpul_core::notify::{Kind, Priority};
    let message = Message {
        kind: Kind::Account,
        priority: Priority::Normal,
        template: "welcome".into(),
        args: vec![],
        link: "/account/notifications".into(),
        dedupe_key: Some("demo-welcome".into()),
    };
    let audience = Audience::Roles {
        roles: Role::ALL.to_vec(),
        region: Some(RegionCode::parse(EAST_JAVA).expect("valid code")),
    };
    notify(ctx, &audience, &message)
        .await
        .map_err(|e| anyhow::anyhow!("demo notifications: {e:?}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(regency_slug("Kabupaten Pasuruan"), "kab-pasuruan");
        assert_eq!(regency_slug("Kota Surabaya"), "kota-surabaya");
        assert_eq!(BAKORWIL.iter().map(|(_, m)| m.len()).sum::<usize>(), 38);
    }
}
