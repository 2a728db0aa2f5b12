//! The KIM registry use cases: register, edit, move through the lifecycle, list, statistics.

use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use chrono::NaiveDate;
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::registry::{
    is_possible_duplicate, normalize_kim_name, normalize_social, KimName, KimStatus, LatLon,
    PhoneE164, SocialKind, Topic, Transition,
};
use simpul_core::{Level, PageNumber, RegionCode, Role};
use simpul_store::registry::{EditGuard, KimFilter, KimProfile, KimRecord};
use simpul_store::StoreError;

/// A KIM profile as typed in the form or sent to the API (all text; validated here).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct KimInput {
    pub name: String,
    /// Village (desa/kelurahan) code, e.g. `35.14.10.2001`.
    pub village: String,
    pub address: String,
    /// Decimal degrees; both empty for no location.
    pub lat: String,
    pub lon: String,
    /// YYYY-MM-DD.
    pub founded_on: String,
    pub sk_number: String,
    pub sk_date: String,
    pub sk_issuer: String,
    pub phone: String,
    pub email: String,
    pub facebook: String,
    pub instagram: String,
    pub tiktok: String,
    pub youtube: String,
    pub x: String,
    pub whatsapp_channel: String,
    pub website: String,
    /// Topic slugs: health, education, disaster, economy, agriculture, tourism, culture, social,
    /// governance, environment, digital_literacy.
    pub topics: Vec<String>,
    /// On registration: "1" submits the KIM for verification right away, otherwise it is a draft.
    pub submit: String,
    // The web form's village picker (pages::kim::picker); the API ignores them.
    #[serde(skip_serializing)]
    #[schema(ignore)]
    pub v_province: String,
    #[serde(skip_serializing)]
    #[schema(ignore)]
    pub v_regency: String,
    #[serde(skip_serializing)]
    #[schema(ignore)]
    pub v_district: String,
    #[serde(skip_serializing)]
    #[schema(ignore)]
    pub village_q: String,
    #[serde(skip_serializing)]
    #[schema(ignore)]
    pub village_pick: String,
    /// "1": show the form again with the picker's choices, saving nothing.
    #[serde(skip_serializing)]
    #[schema(ignore)]
    pub refresh: String,
}

impl KimInput {
    pub fn from_record(k: &KimRecord) -> KimInput {
        let social: std::collections::BTreeMap<String, String> =
            serde_json::from_str(&k.social).unwrap_or_default();
        let get = |key: &str| social.get(key).cloned().unwrap_or_default();
        KimInput {
            name: k.name.clone(),
            village: k.village_code.clone(),
            address: k.address.clone(),
            lat: k.lat.map(|v| v.to_string()).unwrap_or_default(),
            lon: k.lon.map(|v| v.to_string()).unwrap_or_default(),
            founded_on: k.founded_on.map(|d| d.to_string()).unwrap_or_default(),
            sk_number: k.sk_number.clone(),
            sk_date: k.sk_date.map(|d| d.to_string()).unwrap_or_default(),
            sk_issuer: k.sk_issuer.clone(),
            phone: k.phone.clone().unwrap_or_default(),
            email: k.email.clone().unwrap_or_default(),
            facebook: get("facebook"),
            instagram: get("instagram"),
            tiktok: get("tiktok"),
            youtube: get("youtube"),
            x: get("x"),
            whatsapp_channel: get("whatsapp_channel"),
            website: get("website"),
            topics: k
                .topics
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            ..Default::default()
        }
    }

    fn social_fields(&self) -> [(&'static str, &str); 7] {
        [
            ("facebook", &self.facebook),
            ("instagram", &self.instagram),
            ("tiktok", &self.tiktok),
            ("youtube", &self.youtube),
            ("x", &self.x),
            ("whatsapp_channel", &self.whatsapp_channel),
            ("website", &self.website),
        ]
    }
}

pub fn parse_date(
    text: &str,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    // ISO from a date input, or "28/02/2020", "28 Februari 2020" typed by hand.
    match simpul_core::registry::import::parse_date_id(text) {
        Some(d) if d <= chrono::Utc::now().date_naive() => Some(d),
        Some(_) => {
            errors.push(FieldError::new(field, "error.date_future"));
            None
        }
        None => {
            errors.push(FieldError::new(field, "error.date"));
            None
        }
    }
}

fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

/// Validate a profile into storable form; every problem is reported at once, field by field.
pub async fn validate(state: &AppCtx, input: &KimInput) -> AppResult<KimProfile> {
    let mut errors = Vec::new();
    let name = KimName::parse(&input.name)
        .map_err(|e| errors.push(FieldError::new("name", e.message_key())))
        .ok();
    let village = match RegionCode::parse(&input.village) {
        Ok(c) if c.level() == Level::Village && state.store.region(&c).await.is_ok() => Some(c),
        _ => {
            errors.push(FieldError::new("village", "error.village"));
            None
        }
    };
    if too_long(&input.address, 300) {
        errors.push(FieldError::new("address", "error.too_long"));
    }
    let location = if input.lat.trim().is_empty() && input.lon.trim().is_empty() {
        None
    } else {
        LatLon::parse(&input.lat, &input.lon)
            .map_err(|e| errors.push(FieldError::new("lat", e.message_key())))
            .ok()
    };
    let founded_on = parse_date(&input.founded_on, "founded_on", &mut errors);
    let sk_date = parse_date(&input.sk_date, "sk_date", &mut errors);
    for (field, text) in [
        ("sk_number", &input.sk_number),
        ("sk_issuer", &input.sk_issuer),
    ] {
        if too_long(text, 200) {
            errors.push(FieldError::new(field, "error.too_long"));
        }
    }
    let phone = match input.phone.trim() {
        "" => None,
        p => PhoneE164::parse(p)
            .map_err(|e| errors.push(FieldError::new("phone", e.message_key())))
            .ok()
            .map(|p| p.as_str().to_owned()),
    };
    let email = match input.email.trim() {
        "" => None,
        e => simpul_core::accounts::parse_email(e)
            .map_err(|err| errors.push(FieldError::new("email", err.message_key())))
            .ok(),
    };
    let mut social = serde_json::Map::new();
    for (field, text) in input.social_fields() {
        if text.trim().is_empty() {
            continue;
        }
        let kind = SocialKind::parse(field).expect("field names are social kinds");
        match normalize_social(kind, text) {
            Ok(url) => {
                social.insert(field.to_owned(), serde_json::Value::String(url));
            }
            Err(e) => errors.push(FieldError::new(field, e.message_key())),
        }
    }
    let mut topics = Vec::new();
    for t in &input.topics {
        match Topic::parse(t) {
            Some(topic) => topics.push(topic.as_str().to_owned()),
            None => errors.push(FieldError::new("topics", "error.topic")),
        }
    }
    topics.sort();
    topics.dedup();
    if !errors.is_empty() {
        errors.dedup();
        return Err(AppError::Invalid(errors));
    }
    let name = name.expect("no errors");
    Ok(KimProfile {
        name_norm: normalize_kim_name(name.as_str()),
        name: name.as_str().to_owned(),
        village,
        address: input.address.trim().to_owned(),
        lat: location.map(|l| l.lat()),
        lon: location.map(|l| l.lon()),
        founded_on,
        sk_number: input.sk_number.trim().to_owned(),
        sk_date,
        sk_issuer: input.sk_issuer.trim().to_owned(),
        phone,
        email,
        social_json: serde_json::Value::Object(social).to_string(),
        topics,
    })
}

/// An existing KIM of the same village with a similar name, if any.
pub async fn possible_duplicate(
    state: &AppCtx,
    profile: &KimProfile,
    except: Option<i64>,
) -> AppResult<Option<i64>> {
    let village = profile.village.as_ref().expect("validated");
    Ok(state
        .store
        .kims_in_village(village)
        .await?
        .into_iter()
        .find(|(id, name)| Some(*id) != except && is_possible_duplicate(name, &profile.name))
        .map(|(id, _)| id))
}

/// Register a KIM as a draft, or submitted right away. A KIM officer who registers it becomes
/// its officer (a role scoped to the new KIM).
pub async fn register(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    input: &KimInput,
    submit: bool,
) -> AppResult<(i64, Option<i64>)> {
    let profile = validate(state, input).await?;
    let village = profile.village.clone().expect("validated");
    if !who.can(Action::RegisterKim { village: &village }) {
        return Err(AppError::Forbidden);
    }
    let duplicate = possible_duplicate(state, &profile, None).await?;
    let status = if submit {
        KimStatus::Submitted
    } else {
        KimStatus::Draft
    };
    let is_admin = who
        .grants
        .iter()
        .any(|g| g.role.is_admin() && g.territory.contains_region(&village));
    let officer = (!is_admin).then_some(who.user_id);
    let id = state
        .store
        .create_kim(audit, &profile, status.as_str(), None, duplicate, officer)
        .await?;
    Ok((id, duplicate))
}

pub async fn kim_village(kim: &KimRecord) -> AppResult<RegionCode> {
    RegionCode::parse(&kim.village_code).map_err(AppError::internal)
}

/// May `who` see this KIM? Published ones are public; others only for its people and admins.
pub fn can_see(who: Option<&Actor>, kim: &KimRecord, village: &RegionCode) -> bool {
    let published = KimStatus::parse(&kim.status).is_some_and(|s| s.is_public());
    published
        || who.is_some_and(|u| {
            u.can(Action::ViewKimPrivate {
                kim_id: kim.id,
                village,
            }) || u.can(Action::EditKim {
                kim_id: kim.id,
                village,
            })
        })
}

pub async fn update(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    input: &KimInput,
) -> AppResult<()> {
    let kim = state.store.kim(id).await?;
    let village = kim_village(&kim).await?;
    if !who.can(Action::EditKim {
        kim_id: id,
        village: &village,
    }) {
        return Err(AppError::Forbidden);
    }
    let profile = validate(state, input).await?;
    let status =
        KimStatus::parse(&kim.status).ok_or_else(|| AppError::internal("unknown status"))?;
    let moved = profile.village.as_ref() != Some(&village);
    if moved
        && !matches!(
            status,
            KimStatus::Draft | KimStatus::Rejected | KimStatus::Submitted
        )
    {
        return Err(AppError::invalid("village", "error.village_locked"));
    }
    if moved
        && !who.can(Action::RegisterKim {
            village: profile.village.as_ref().expect("validated"),
        })
    {
        return Err(AppError::Forbidden);
    }
    // The write itself checks that the KIM is still where and as it was read: a verification
    // between this read and the write cannot be overwritten by a move.
    const UNVERIFIED: &[&str] = &["draft", "rejected", "submitted"];
    let any: Vec<&str> = KimStatus::ALL.iter().map(|s| s.as_str()).collect();
    let guard = EditGuard {
        statuses: if moved { UNVERIFIED } else { &any },
        village: &village,
    };
    match state.store.update_kim(audit, id, &profile, &guard).await {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict(_)) => {
            Err(AppError::Conflict(FieldError::new("", "error.kim_changed")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Who may make which move: submitting is the KIM's own business; the rest is for
/// administrators of the region; marking inactive is the scheduled job's.
pub fn may(who: &Actor, t: Transition, kim_id: i64, village: &RegionCode) -> bool {
    match t {
        Transition::Submit => who.can(Action::EditKim { kim_id, village }),
        Transition::MarkInactive => false,
        _ => who.can(Action::VerifyKim { village }),
    }
}

pub async fn transition(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    t: Transition,
    reason: &str,
) -> AppResult<KimRecord> {
    let kim = state.store.kim(id).await?;
    let village = kim_village(&kim).await?;
    if !can_see(Some(who), &kim, &village) {
        return Err(AppError::NotFound);
    }
    if !may(who, t, id, &village) {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim();
    if t == Transition::Reject && reason.is_empty() {
        return Err(AppError::invalid("reason", "error.reject_reason"));
    }
    if too_long(reason, 500) {
        return Err(AppError::invalid("reason", "error.too_long"));
    }
    apply(
        state,
        audit,
        &kim,
        t,
        Some(reason).filter(|r| !r.is_empty()),
    )
    .await
}

/// Apply a lifecycle move (already authorized), assigning the number on first verification and
/// notifying the KIM's officers.
pub async fn apply(
    state: &AppCtx,
    audit: &AuditContext,
    kim: &KimRecord,
    t: Transition,
    reason: Option<&str>,
) -> AppResult<KimRecord> {
    let from = KimStatus::parse(&kim.status).ok_or_else(|| AppError::internal("unknown status"))?;
    let to = from
        .apply(t)
        .map_err(|_| AppError::Conflict(FieldError::new("", "error.transition")))?;
    let officers = state
        .store
        .kim_account_holders(kim.id, &[Role::KimOfficer.as_str()])
        .await?;
    // The officers hear of it through the backbone, in their language and on their channels,
    // once the change commits.
    let notice = simpul_store::notify::PendingNotice {
        users: officers,
        template: format!("kim_status_{}", to.as_str()),
        args: vec![
            ("name".into(), kim.name.clone()),
            ("reason".into(), reason.unwrap_or("-").to_owned()),
        ],
        link: format!("/kim/{}", kim.id),
        dedupe_key: format!(
            "kim:{}:status:{}:{}",
            kim.id,
            to.as_str(),
            chrono::Utc::now().timestamp_micros()
        ),
    };
    let result = state
        .store
        .transition_kim(
            audit,
            kim.id,
            from.as_str(),
            to.as_str(),
            reason,
            (t == Transition::Verify)
                .then_some(&crate::import::number_for as &(dyn Fn(&str, i64) -> String + Sync)),
            Some(&notice),
        )
        .await;
    match result {
        Ok(k) => {
            state.jobs_wake.notify_one();
            Ok(k)
        }
        Err(StoreError::Conflict(_)) => {
            Err(AppError::Conflict(FieldError::new("", "error.transition")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Query of the directory, as in the URL.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
#[serde(default)]
pub struct DirectoryQuery {
    /// Part of the name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    /// Any region code (province, kabupaten/kota, kecamatan or desa).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub region: String,
    /// The directory's cascading selects: a province, a kabupaten/kota and a kecamatan code. The
    /// most specific one that lies inside the ones before it wins, so a kabupaten left over from
    /// another province (a form sent without JavaScript) is ignored rather than refused.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub province: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub regency: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub district: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub topic: String,
    /// The page, from 1; any 64-bit integer is accepted and clamped to the pages there are
    /// (0 or less is the first page), so a link can never break on a number.
    #[param(value_type = Option<i64>)]
    pub page: Option<PageNumber>,
}

impl DirectoryQuery {
    /// The region chosen, from the cascade and `region` (see the fields' documentation).
    pub fn chosen_region(&self) -> AppResult<Option<RegionCode>> {
        let mut chosen: Option<RegionCode> = None;
        for text in [&self.province, &self.regency, &self.district, &self.region] {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let code =
                RegionCode::parse(text).map_err(|_| AppError::invalid("region", "error.region"))?;
            match &chosen {
                Some(outer) if !code.ancestors().contains(outer) => break,
                _ => chosen = Some(code),
            }
        }
        Ok(chosen)
    }

    /// The same query with the cascade folded into `region` (for links and the next page).
    pub fn canonical(&self) -> AppResult<DirectoryQuery> {
        Ok(DirectoryQuery {
            q: self.q.clone(),
            region: self
                .chosen_region()?
                .map(|c| c.to_string())
                .unwrap_or_default(),
            status: self.status.clone(),
            topic: self.topic.clone(),
            page: self.page,
            ..Default::default()
        })
    }
}

pub const PAGE_SIZE: i64 = 20;

/// The directory filter for this viewer: the public sees published KIMs; staff also see
/// unpublished ones inside their territory.
pub fn directory_filter(who: Option<&Actor>, q: &DirectoryQuery) -> AppResult<KimFilter> {
    let region = q.chosen_region()?;
    let topic = match q.topic.trim() {
        "" => None,
        t => Some(
            Topic::parse(t)
                .ok_or_else(|| AppError::invalid("topic", "error.topic"))?
                .as_str()
                .to_owned(),
        ),
    };
    let requested = match q.status.trim() {
        "" => None,
        s => Some(KimStatus::parse(s).ok_or_else(|| AppError::invalid("status", "error.status"))?),
    };
    let oversight = who
        .map(|u| u.oversight())
        .unwrap_or_else(ScopeRegions::none);
    let public: Vec<String> = KimStatus::ALL
        .iter()
        .filter(|s| s.is_public())
        .map(|s| s.as_str().to_owned())
        .collect();
    let (statuses, territory) = match requested {
        Some(s) if s.is_public() => (vec![s.as_str().to_owned()], None),
        Some(s) if !oversight.is_empty() => (vec![s.as_str().to_owned()], Some(oversight)),
        Some(_) => return Err(AppError::Forbidden),
        None => (public, None),
    };
    let name = Some(normalize_kim_name(&q.q)).filter(|n| !n.is_empty());
    Ok(KimFilter {
        name,
        region,
        statuses,
        topic,
        territory,
    })
}
