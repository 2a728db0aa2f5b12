//! The registry as a spreadsheet: the import template's columns (so an export imports again
//! into another installation without loss) and the export of the directory a staff member
//! oversees, with the filter the directory page shows.

use crate::error::{AppError, AppResult};
use crate::registry::{directory_filter, DirectoryQuery};
use crate::AppCtx;
use simpul_core::authz::{Action, Actor};
use simpul_core::registry::import::{status_word, topic_word, Field};
use simpul_core::registry::{KimStatus, PhoneE164, Topic};
use simpul_core::RegionCode;
use std::collections::HashMap;

/// The template's headers: every column the import reads, the leader's last (recorded as the
/// KIM's first member when consent is given).
pub fn template_headers() -> Vec<&'static str> {
    Field::ALL.iter().map(|f| f.label()).collect()
}

/// The export's headers: the template's, then what only this registry knows (read back but
/// not imported: the receiving office numbers anew).
pub fn export_headers() -> Vec<&'static str> {
    template_headers()
        .into_iter()
        .chain(["No. Registrasi", "Jumlah Anggota"])
        .collect()
}

/// Dates as Indonesia writes them in a sheet: Excel in any locale reads "dd/mm/yyyy" as text
/// or as the right date, and the import reads it back.
fn sheet_date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

/// "0812-3456-7890": Excel keeps it as text (a bare +628… would become 6.28E+12).
fn sheet_phone(p: Option<&str>) -> String {
    p.map(|p| {
        PhoneE164::parse(p)
            .map(|p| p.national_grouped())
            .unwrap_or_else(|_| p.to_owned())
    })
    .unwrap_or_default()
}

/// The directory within the user's territory as rows (staff only), in the columns of
/// [`export_headers`]. The leader's name, phone and consent are personal data: filled only for
/// the KIMs whose members the user may see, blank for the others.
pub async fn export_rows(
    ctx: &AppCtx,
    who: &Actor,
    q: &DirectoryQuery,
) -> AppResult<Vec<Vec<String>>> {
    if !who.can(Action::Oversee) {
        return Err(AppError::Forbidden);
    }
    let mut filter = directory_filter(Some(who), q)?;
    if q.status.trim().is_empty() {
        filter.statuses.clear();
        filter.territory = Some(who.oversight());
    }
    let (kims, _) = ctx.store.search_kims(&filter, 200_000, 0).await?;
    let index = ctx.regions.index(&ctx.store).await?;
    let name = |code: &RegionCode| index.get(code).map(|r| r.name.clone()).unwrap_or_default();
    let entitled: Vec<i64> = kims
        .iter()
        .filter(|k| {
            RegionCode::parse(&k.village_code).is_ok_and(|village| {
                who.can(Action::ViewKimPrivate {
                    kim_id: k.id,
                    village: &village,
                })
            })
        })
        .map(|k| k.id)
        .collect();
    let leaders: HashMap<i64, simpul_store::members::Leader> = ctx
        .store
        .leaders_of(&entitled)
        .await?
        .into_iter()
        .map(|l| (l.kim_id, l))
        .collect();
    let mut rows = Vec::with_capacity(kims.len());
    for k in kims {
        let village = RegionCode::parse(&k.village_code).map_err(AppError::internal)?;
        let chain = village.ancestors();
        let social: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&k.social).unwrap_or_default();
        let social = |kind: &str| {
            social
                .get(kind)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let topics = k
            .topics
            .split(',')
            .filter_map(Topic::parse)
            .map(topic_word)
            .collect::<Vec<_>>()
            .join(", ");
        let status = KimStatus::parse(&k.status)
            .map(status_word)
            .unwrap_or_default();
        let leader = leaders.get(&k.id);
        let mut row = Vec::with_capacity(Field::ALL.len() + 2);
        for field in Field::ALL {
            row.push(match field {
                Field::Name => k.name.clone(),
                Field::VillageCode => k.village_code.clone(),
                Field::Village => name(&village),
                Field::District => name(&chain[2]),
                Field::Regency => name(&chain[1]),
                Field::Province => name(&chain[0]),
                Field::Address => k.address.clone(),
                Field::Lat => k.lat.map(|v| v.to_string()).unwrap_or_default(),
                Field::Lon => k.lon.map(|v| v.to_string()).unwrap_or_default(),
                Field::FoundedOn => sheet_date(k.founded_on),
                Field::SkNumber => k.sk_number.clone(),
                Field::SkDate => sheet_date(k.sk_date),
                Field::SkIssuer => k.sk_issuer.clone(),
                Field::Phone => sheet_phone(k.phone.as_deref()),
                Field::Email => k.email.clone().unwrap_or_default(),
                Field::Topics => topics.clone(),
                Field::Status => status.to_owned(),
                Field::Instagram => social("instagram"),
                Field::Website => social("website"),
                Field::Leader => leader.map(|l| l.name.clone()).unwrap_or_default(),
                Field::LeaderPhone => sheet_phone(leader.and_then(|l| l.phone.as_deref())),
                Field::Consent => sheet_date(leader.and_then(|l| l.consent_on)),
            });
        }
        row.push(k.reg_number.clone().unwrap_or_default());
        row.push(k.member_count.to_string());
        rows.push(row);
    }
    Ok(rows)
}
