//! Partnership governance (issue 16), the application side: the province defines and publishes
//! a KIM performance index for a period from the indicators the capabilities register
//! ([`crate::manifest::Indicator`]), kabupaten/kota offices add local indicators within the
//! province's limit; [`compute`] scores every KIM in bulk and stores a reproducible snapshot;
//! [`explain`] tells a KIM what would raise its score; coaching invites dormant KIMs;
//! [`agreements`] keeps the partnership register; [`report`] writes the leadership report;
//! [`awards`] runs tiered awards.

pub mod agreements;
pub mod award_results;
pub mod awards;
pub mod compute;
pub mod explain;
pub mod indicators;
pub mod report;
pub mod report_files;

use crate::error::{AppError, AppResult, FieldError};
use crate::notify::{notify, Audience, Message};
use crate::AppCtx;
use chrono::NaiveDate;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor, ScopeRegions};
use simpul_core::governance::{self as gov, Item, Normalisation};
use simpul_core::notify::{Kind, Priority};
use simpul_core::{RegionCode, Role};
use simpul_store::governance::{IndexRecord, NewIndex};

/// Most a province may leave to kabupaten/kota offices' local indicators (percent).
pub const MAX_LOCAL_LIMIT: i64 = 50;

/// The index form as sent: the items as parallel lists, one row per indicator offered (a row
/// with an empty weight is not part of the index).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct IndexInput {
    pub title: String,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    pub ends_on: String,
    /// Province code (empty: the admin's own).
    pub province: String,
    pub local_limit: String,
    pub item_key: Vec<String>,
    pub item_weight: Vec<String>,
    pub item_cap: Vec<String>,
    pub item_norm: Vec<String>,
}

/// Local indicators as sent by a kabupaten/kota office.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LocalInput {
    pub regency: String,
    pub item_key: Vec<String>,
    pub item_weight: Vec<String>,
    pub item_cap: Vec<String>,
    pub item_norm: Vec<String>,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Items from the parallel lists. Rows without a weight are skipped; a row with a weight must
/// name a registered indicator, a whole weight and a positive cap.
pub fn parse_items(
    keys: &[String],
    weights: &[String],
    caps: &[String],
    norms: &[String],
) -> Result<Vec<Item>, FieldError> {
    let mut out = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let weight = weights.get(i).map(|w| w.trim()).unwrap_or("");
        if weight.is_empty() || weight == "0" {
            continue;
        }
        let Some(ind) = crate::manifest::indicator(key.trim()) else {
            return Err(FieldError::new("items", "gov.error.unknown_indicator"));
        };
        let weight: u32 = weight
            .parse()
            .map_err(|_| FieldError::new("items", "gov.error.weight_range"))?;
        let cap = match caps.get(i).map(|c| c.trim().replace(',', ".")) {
            Some(c) if !c.is_empty() => c
                .parse::<f64>()
                .map_err(|_| FieldError::new("items", "gov.error.cap_positive"))?,
            _ => ind.default_cap,
        };
        let normalisation = match norms.get(i).map(|n| n.trim()).unwrap_or("") {
            "" => Normalisation::None,
            n => Normalisation::parse(n)
                .ok_or(FieldError::new("items", "gov.error.normalisation"))?,
        };
        out.push(Item {
            key: ind.code.to_string(),
            weight,
            cap,
            normalisation,
            better: ind.better,
        });
    }
    Ok(out)
}

/// The provinces this person may define indexes for.
pub fn index_provinces(who: &Actor) -> Vec<RegionCode> {
    let mut out: Vec<RegionCode> = Vec::new();
    for g in &who.grants {
        if !matches!(g.role, Role::NationalAdmin | Role::ProvincialAdmin) {
            continue;
        }
        match &g.territory {
            ScopeRegions::All => out.push(RegionCode::parse("35").expect("valid")),
            ScopeRegions::Regions(rs) => out.extend(rs.iter().map(|r| r.province())),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The territory whose rankings this person may see (administrators).
pub fn ranking_territory(who: &Actor) -> ScopeRegions {
    who.oversight()
}

/// Whether this person may see rankings anywhere.
pub fn may_see_rankings(who: &Actor) -> bool {
    !ranking_territory(who).is_empty()
}

/// Save an index draft (new when `id` is None).
pub async fn save_index(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: Option<i64>,
    input: &IndexInput,
) -> AppResult<i64> {
    let mut errors = Vec::new();
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(FieldError::new("title", "gov.error.title"));
    }
    let province = if input.province.trim().is_empty() {
        index_provinces(who).into_iter().next()
    } else {
        RegionCode::parse(input.province.trim()).ok()
    };
    let Some(province) = province else {
        return Err(AppError::Forbidden);
    };
    if province.level() != simpul_core::Level::Province {
        errors.push(FieldError::new("province", "gov.error.province"));
    }
    if !who.can(Action::DefineIndex {
        province: &province,
    }) {
        return Err(AppError::Forbidden);
    }
    let period = match (date(&input.starts_on), date(&input.ends_on)) {
        (Some(a), Some(b)) => gov::Period::new(a, b),
        _ => None,
    };
    if period.is_none() {
        errors.push(FieldError::new("ends_on", "gov.error.period"));
    }
    let local_limit = match input.local_limit.trim() {
        "" => Some(0),
        s => s
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=MAX_LOCAL_LIMIT).contains(n)),
    };
    if local_limit.is_none() {
        errors.push(FieldError::new(
            "local_limit",
            "gov.error.local_limit_range",
        ));
    }
    match parse_items(
        &input.item_key,
        &input.item_weight,
        &input.item_cap,
        &input.item_norm,
    ) {
        Err(e) => errors.push(e),
        Ok(items) => {
            if let Err(e) = gov::validate_items(&items) {
                errors.push(FieldError::new("items", e.message_key()));
            } else if errors.is_empty() {
                let period = period.expect("checked");
                let n = NewIndex {
                    province_code: province.to_string(),
                    title: title.to_string(),
                    starts_on: period.starts_on,
                    ends_on: period.ends_on,
                    local_limit: local_limit.unwrap_or(0),
                    items_json: serde_json::to_string(&items).map_err(AppError::internal)?,
                };
                if let Some(id) = id {
                    let old = ctx.store.gov_index(id).await?;
                    if old.province_code != n.province_code {
                        return Err(AppError::Forbidden);
                    }
                }
                return ctx
                    .store
                    .gov_save_index(audit, id, &n)
                    .await
                    .map_err(conflict);
            }
        }
    }
    Err(AppError::Invalid(errors))
}

/// Overlapping periods and edits of a published index, as field messages.
fn conflict(e: simpul_store::StoreError) -> AppError {
    match e {
        simpul_store::StoreError::Conflict(what) if what.starts_with("overlap:") => {
            AppError::Invalid(vec![FieldError::new("ends_on", "gov.error.overlap")])
        }
        simpul_store::StoreError::Conflict(_) => {
            AppError::Conflict(FieldError::new("", "gov.error.already_published"))
        }
        other => other.into(),
    }
}

/// The index, if this person may define it.
pub async fn index_for_admin(ctx: &AppCtx, who: &Actor, id: i64) -> AppResult<IndexRecord> {
    let i = ctx.store.gov_index(id).await?;
    let province = RegionCode::parse(&i.province_code).map_err(AppError::internal)?;
    if !who.can(Action::DefineIndex {
        province: &province,
    }) {
        return Err(AppError::Forbidden);
    }
    Ok(i)
}

pub async fn publish_index(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
) -> AppResult<()> {
    index_for_admin(ctx, who, id).await?;
    ctx.store
        .gov_publish_index(audit, id)
        .await
        .map_err(conflict)
}

/// The items of an index.
pub fn items_of(i: &IndexRecord) -> Vec<Item> {
    serde_json::from_str(&i.items).unwrap_or_default()
}

/// Save a kabupaten/kota office's local indicators for a published index.
pub async fn save_local_items(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    index_id: i64,
    input: &LocalInput,
) -> AppResult<()> {
    let index = ctx.store.gov_index(index_id).await?;
    let regency = RegionCode::parse(input.regency.trim())
        .map_err(|_| AppError::invalid("regency", "gov.error.regency"))?;
    if regency.level() != simpul_core::Level::Regency
        || regency.province().as_str() != index.province_code
    {
        return Err(AppError::invalid("regency", "gov.error.regency"));
    }
    if !who.can(Action::AddLocalIndicators { regency: &regency }) {
        return Err(AppError::Forbidden);
    }
    if index.status != "published" || index.local_limit == 0 {
        return Err(AppError::invalid("items", "gov.error.local_closed"));
    }
    let items = parse_items(
        &input.item_key,
        &input.item_weight,
        &input.item_cap,
        &input.item_norm,
    )
    .map_err(|e| AppError::Invalid(vec![e]))?;
    gov::validate_local_items(&items, index.local_limit as u32, &items_of(&index))
        .map_err(|k| AppError::invalid("items", k))?;
    let json = serde_json::to_string(&items).map_err(AppError::internal)?;
    ctx.store
        .gov_set_local_items(audit, index_id, regency.as_str(), &json)
        .await?;
    Ok(())
}

/// Invite a KIM to coaching: to a bimtek (the KIM is invited to the event and its officers are
/// told) or by recording a coaching visit.
pub async fn coach(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    kim_id: i64,
    index_id: Option<i64>,
    event_id: Option<i64>,
    note: &str,
) -> AppResult<i64> {
    let kim = ctx.store.kim(kim_id).await?;
    let village = RegionCode::parse(&kim.village_code).map_err(AppError::internal)?;
    if !who.can(Action::ViewRankings { region: &village })
        || !who.can(Action::VerifyKim { village: &village })
    {
        return Err(AppError::Forbidden);
    }
    let note = note.trim();
    if note.chars().count() > 2000 {
        return Err(AppError::invalid("note", "gov.error.note_long"));
    }
    let mut title = None;
    if let Some(e) = event_id {
        let event = ctx
            .store
            .event(e)
            .await
            .map_err(|_| AppError::invalid("event", "gov.error.event"))?;
        if !crate::events::may_manage(who, &event) || event.ends_at < chrono::Utc::now() {
            return Err(AppError::invalid("event", "gov.error.event"));
        }
        title = Some(event.title);
    } else if note.is_empty() {
        return Err(AppError::invalid("note", "gov.error.note_needed"));
    }
    let id = ctx
        .store
        .gov_add_coaching(audit, kim_id, index_id, event_id, note, Some(village))
        .await?;
    let (template, link) = match (event_id, &title) {
        (Some(e), Some(_)) => ("gov_coaching_bimtek", format!("/events/{e}")),
        _ => ("gov_coaching_visit", format!("/governance/kims/{kim_id}")),
    };
    let message = Message {
        kind: Kind::Event,
        priority: Priority::Normal,
        template: template.into(),
        args: vec![
            ("kim".into(), kim.name.clone()),
            ("title".into(), title.unwrap_or_default()),
        ],
        link,
        dedupe_key: Some(format!("gov:coaching:{id}")),
    };
    notify(
        ctx,
        &Audience::Kims {
            kim_ids: vec![kim_id],
            roles: vec![Role::KimOfficer],
        },
        &message,
    )
    .await?;
    Ok(id)
}
