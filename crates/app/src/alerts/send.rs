//! Compose, preview, send (or submit for approval), approve, update and cancel; each message
//! also kept as a CAP 1.2 document; delivery through the notification backbone.

use super::targeting::{common_region, targets_for, TargetPlan};
use super::{sender, validate, ComposeInput, Draft};
use crate::error::{AppError, AppResult, FieldError};
use crate::notify::{notify, Audience, Message, Report};
use crate::{AppCtx, Locale};
use simpul_core::alerts::cap::{self, CapArea, CapInfo, CapMessage};
use simpul_core::alerts::sms::{short_form, SMS_SEPTETS};
use simpul_core::alerts::{AlertArea, Certainty, Hazard, MsgType, Quake, Severity, Urgency};
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor, ScopeRegions};
use simpul_core::calendar::Zone;
use simpul_core::notify::{Kind, Priority};
use simpul_core::{RegionCode, Role};
use simpul_store::alerts::{AlertContent, AlertRecord, NewAlert, NewTarget};

/// What the compose page shows before sending.
#[derive(Debug, Clone)]
pub struct Preview {
    pub draft: Draft,
    pub plan: TargetPlan,
    /// The SMS short form in Bahasa Indonesia and English.
    pub sms_id: String,
    pub sms_en: String,
    pub scope: Option<RegionCode>,
    pub needs_approval: bool,
}

/// The roles that compose alerts.
const COMPOSERS: [Role; 4] = [
    Role::NationalAdmin,
    Role::ProvincialAdmin,
    Role::RegencyAdmin,
    Role::PartnerStaff,
];

/// The territory an actor may alert.
pub fn alert_territory(who: &Actor) -> ScopeRegions {
    ScopeRegions::union(
        who.grants
            .iter()
            .filter(|g| COMPOSERS.contains(&g.role))
            .map(|g| g.territory.clone()),
    )
}

fn content_of(d: &Draft, quake: Option<&Quake>) -> AlertContent {
    AlertContent {
        hazard: d.hazard.as_str().into(),
        severity: d.severity.as_str().into(),
        urgency: d.urgency.as_str().into(),
        certainty: d.certainty.as_str().into(),
        headline: d.headline.clone(),
        description: d.description.clone(),
        instruction: d.instruction.clone(),
        headline_en: d.headline_en.clone(),
        instruction_en: d.instruction_en.clone(),
        area_desc: d.area_desc.clone(),
        area_json: serde_json::to_string(&d.area).unwrap_or_else(|_| "{}".into()),
        quake_json: quake.and_then(|q| serde_json::to_string(q).ok()),
        onset: quake.map(|q| q.at),
        expires: Some(d.expires),
        source_sent: None,
    }
}

/// Validate, find the KIMs reached, and render the short form: everything the person sees
/// before deciding to send.
pub async fn preview(ctx: &AppCtx, who: &Actor, input: &ComposeInput) -> AppResult<Preview> {
    let territory = alert_territory(who);
    if territory.is_empty() {
        return Err(AppError::Forbidden);
    }
    let draft = validate(ctx, input).await?;
    // The form offers only regions inside the person's territory: another one is a crafted
    // request, refused like any other out-of-scope action.
    if draft
        .area
        .regions
        .iter()
        .any(|r| !territory.contains_region(r))
    {
        return Err(AppError::Forbidden);
    }
    let plan = targets_for(ctx, &draft.area, Some(&territory)).await?;
    let scope = common_region(&draft.area, &plan.targets);
    if !who.can(Action::ComposeAlert {
        region: scope.as_ref(),
    }) {
        return Err(AppError::Forbidden);
    }
    let needs_approval = match &scope {
        Some(r) => ctx.store.office_requires_approval(r).await?,
        None => false,
    };
    let sample = sample_record(&draft, scope.as_ref());
    Ok(Preview {
        sms_id: sms(&ctx.catalog, Locale::Id, &sample, MsgType::Alert).1,
        sms_en: sms(&ctx.catalog, Locale::En, &sample, MsgType::Alert).1,
        draft,
        plan,
        scope,
        needs_approval,
    })
}

pub(crate) fn sample_record(d: &Draft, scope: Option<&RegionCode>) -> AlertRecord {
    let c = content_of(d, None);
    let now = chrono::Utc::now();
    AlertRecord {
        id: 0,
        identifier: String::new(),
        sender: String::new(),
        origin: "manual".into(),
        feed_id: None,
        state: "active".into(),
        hazard: c.hazard,
        severity: c.severity,
        urgency: c.urgency,
        certainty: c.certainty,
        headline: c.headline,
        description: c.description,
        instruction: c.instruction,
        headline_en: c.headline_en,
        instruction_en: c.instruction_en,
        area_desc: c.area_desc,
        area: c.area_json,
        quake: None,
        scope_region: scope.map(|s| s.to_string()).unwrap_or_default(),
        onset: None,
        expires: c.expires,
        source_sent: None,
        version: 1,
        created_by: None,
        approved_by: None,
        created_at: now,
        updated_at: now,
        sent_at: Some(now),
        cancelled_at: None,
    }
}

/// A new identifier for an alert composed here.
fn new_identifier() -> String {
    use rand::Rng;
    let n: u32 = rand::thread_rng().gen();
    format!(
        "simpul-{}-{n:08x}",
        chrono::Utc::now().format("%Y%m%d%H%M%S")
    )
}

/// Send (or submit for approval) what the person previewed. Returns the alert's id.
pub async fn compose(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    input: &ComposeInput,
) -> AppResult<i64> {
    let p = preview(ctx, who, input).await?;
    if p.plan.targets.is_empty() {
        return Err(AppError::invalid("regions", "alerts.error_no_kims"));
    }
    let state = if p.needs_approval {
        "pending"
    } else {
        "active"
    };
    let new = NewAlert {
        identifier: new_identifier(),
        sender: sender(ctx),
        origin: "manual".into(),
        feed_id: None,
        state: state.into(),
        content: content_of(&p.draft, None),
        scope_region: p.scope.clone(),
        created_by: Some(who.user_id),
    };
    // The office keeps the area for its next alerts (saved first: an area is a setting of the
    // office, worth keeping even if sending were to fail).
    if let (false, Some(office)) = (p.draft.save_area_as.is_empty(), &p.scope) {
        let area = serde_json::to_string(&p.draft.area).map_err(AppError::internal)?;
        ctx.store
            .save_alert_area(audit, &p.draft.save_area_as, office, &area)
            .await?;
    }
    let id = send_now(ctx, audit, &new, &p.plan.targets).await?;
    if p.needs_approval {
        let approvers = Audience::Roles {
            roles: vec![
                Role::NationalAdmin,
                Role::ProvincialAdmin,
                Role::RegencyAdmin,
            ],
            region: p.scope.clone(),
        };
        let message = Message {
            kind: Kind::Alert,
            priority: Priority::Urgent,
            template: "alerts_approval".into(),
            args: vec![("headline".into(), p.draft.headline.clone())],
            link: format!("/alerts/{id}"),
            dedupe_key: Some(format!("alert:{id}:approval")),
        };
        notify(ctx, &approvers, &message).await?;
    }
    Ok(id)
}

/// Write a new alert (active: with its CAP document, and delivered at once).
pub async fn send_now(
    ctx: &AppCtx,
    audit: &AuditContext,
    new: &NewAlert,
    targets: &[NewTarget],
) -> AppResult<i64> {
    let active = new.state == "active";
    let record_for_cap = {
        let mut r = record_for(new);
        r.sent_at = Some(chrono::Utc::now());
        r
    };
    let xml = if active {
        Some(cap_document(ctx, &record_for_cap, MsgType::Alert, &[])?)
    } else {
        None
    };
    let id = ctx
        .store
        .create_alert(audit, new, targets, xml.as_deref())
        .await?;
    if active {
        let alert = ctx.store.alert(id).await?;
        let kims: Vec<i64> = targets.iter().map(|t| t.kim_id).collect();
        deliver(ctx, &alert, &kims, MsgType::Alert).await?;
    }
    ctx.live.changed().await;
    Ok(id)
}

/// The record a new alert will have once written (for its CAP document).
pub fn record_for(new: &NewAlert) -> AlertRecord {
    let now = chrono::Utc::now();
    let c = &new.content;
    AlertRecord {
        id: 0,
        identifier: new.identifier.clone(),
        sender: new.sender.clone(),
        origin: new.origin.clone(),
        feed_id: new.feed_id,
        state: new.state.clone(),
        hazard: c.hazard.clone(),
        severity: c.severity.clone(),
        urgency: c.urgency.clone(),
        certainty: c.certainty.clone(),
        headline: c.headline.clone(),
        description: c.description.clone(),
        instruction: c.instruction.clone(),
        headline_en: c.headline_en.clone(),
        instruction_en: c.instruction_en.clone(),
        area_desc: c.area_desc.clone(),
        area: c.area_json.clone(),
        quake: c.quake_json.clone(),
        scope_region: new
            .scope_region
            .as_ref()
            .map(|r| r.to_string())
            .unwrap_or_default(),
        onset: c.onset,
        expires: c.expires,
        source_sent: c.source_sent,
        version: 1,
        created_by: new.created_by,
        approved_by: None,
        created_at: now,
        updated_at: now,
        sent_at: None,
        cancelled_at: None,
    }
}

/// A second person approves (sends) or rejects a pending alert.
pub async fn approve(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    yes: bool,
) -> AppResult<()> {
    let alert = ctx.store.alert(id).await?;
    let scope = RegionCode::parse(&alert.scope_region).ok();
    if !who.can(Action::ApproveAlert {
        region: scope.as_ref(),
    }) {
        return Err(AppError::Forbidden);
    }
    if alert.created_by == Some(who.user_id) {
        return Err(AppError::Conflict(FieldError::new(
            "",
            "alerts.error_own_approval",
        )));
    }
    let xml = if yes {
        let mut r = alert.clone();
        r.sent_at = Some(chrono::Utc::now());
        Some(cap_document(ctx, &r, MsgType::Alert, &[])?)
    } else {
        None
    };
    ctx.store
        .decide_alert(audit, id, yes, who.user_id, xml.as_deref())
        .await?;
    if yes {
        let alert = ctx.store.alert(id).await?;
        let kims = ctx.store.alert_target_ids(id).await?;
        deliver(ctx, &alert, &kims, MsgType::Alert).await?;
    }
    ctx.live.changed().await;
    Ok(())
}

/// An update composed by a person: new content and area; the KIMs reached before stay
/// targeted and hear of it, new ones are added.
pub async fn update(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    input: &ComposeInput,
) -> AppResult<()> {
    let alert = ctx.store.alert(id).await?;
    let scope = RegionCode::parse(&alert.scope_region).ok();
    if !who.can(Action::ComposeAlert {
        region: scope.as_ref(),
    }) {
        return Err(AppError::Forbidden);
    }
    let p = preview(ctx, who, input).await?;
    let quake: Option<Quake> = alert
        .quake
        .as_deref()
        .and_then(|q| serde_json::from_str(q).ok());
    let content = content_of(&p.draft, quake.as_ref());
    apply_update(ctx, audit, &alert, &content, &p.plan.targets).await
}

/// Write and deliver an update (also used by the feeds).
pub(crate) async fn apply_update(
    ctx: &AppCtx,
    audit: &AuditContext,
    alert: &AlertRecord,
    content: &AlertContent,
    new_targets: &[NewTarget],
) -> AppResult<()> {
    let mut next = alert.clone();
    next.hazard = content.hazard.clone();
    next.severity = content.severity.clone();
    next.urgency = content.urgency.clone();
    next.certainty = content.certainty.clone();
    next.headline = content.headline.clone();
    next.description = content.description.clone();
    next.instruction = content.instruction.clone();
    next.headline_en = content.headline_en.clone();
    next.instruction_en = content.instruction_en.clone();
    next.area_desc = content.area_desc.clone();
    next.area = content.area_json.clone();
    next.quake = content.quake_json.clone();
    next.onset = content.onset;
    next.expires = content.expires;
    next.version = alert.version + 1;
    next.sent_at = Some(chrono::Utc::now());
    let references = earlier_messages(ctx, alert).await?;
    let xml = cap_document(ctx, &next, MsgType::Update, &references)?;
    ctx.store
        .update_alert(audit, alert.id, alert.version, content, new_targets, &xml)
        .await?;
    let updated = ctx.store.alert(alert.id).await?;
    let kims = ctx.store.alert_target_ids(alert.id).await?;
    deliver(ctx, &updated, &kims, MsgType::Update).await?;
    ctx.live.changed().await;
    Ok(())
}

async fn earlier_messages(
    ctx: &AppCtx,
    alert: &AlertRecord,
) -> AppResult<Vec<(String, String, chrono::DateTime<chrono::Utc>)>> {
    // Each message of an alert shares its identifier with a version suffix after the first.
    Ok(ctx
        .store
        .alert_messages(alert.id)
        .await?
        .into_iter()
        .map(|m| {
            (
                alert.sender.clone(),
                message_identifier(&alert.identifier, m.version),
                m.sent_at,
            )
        })
        .collect())
}

/// CAP identifiers must be unique per message: the first keeps the alert's, later ones get
/// ".2", ".3"...
pub fn message_identifier(identifier: &str, version: i64) -> String {
    if version <= 1 {
        identifier.to_owned()
    } else {
        format!("{identifier}.{version}")
    }
}

/// Cancel an alert; the same KIMs hear that it no longer applies.
pub async fn cancel(ctx: &AppCtx, who: &Actor, audit: &AuditContext, id: i64) -> AppResult<()> {
    let alert = ctx.store.alert(id).await?;
    let scope = RegionCode::parse(&alert.scope_region).ok();
    if !who.can(Action::ComposeAlert {
        region: scope.as_ref(),
    }) {
        return Err(AppError::Forbidden);
    }
    cancel_as(ctx, audit, &alert).await
}

pub(crate) async fn cancel_as(
    ctx: &AppCtx,
    audit: &AuditContext,
    alert: &AlertRecord,
) -> AppResult<()> {
    let mut next = alert.clone();
    next.version = alert.version + 1;
    next.sent_at = Some(chrono::Utc::now());
    let references = earlier_messages(ctx, alert).await?;
    let xml = cap_document(ctx, &next, MsgType::Cancel, &references)?;
    ctx.store.cancel_alert(audit, alert.id, Some(&xml)).await?;
    let cancelled = ctx.store.alert(alert.id).await?;
    let kims = ctx.store.alert_target_ids(alert.id).await?;
    deliver(ctx, &cancelled, &kims, MsgType::Cancel).await?;
    ctx.live.changed().await;
    Ok(())
}

/// The time of an alert as KIMs read it ("10:21 WIB").
fn clock(alert: &AlertRecord) -> String {
    let zone = Zone::of(RegionCode::parse(&alert.scope_region).ok().as_ref());
    let at = alert.onset.or(alert.sent_at).unwrap_or(alert.created_at);
    format!(
        "{} {}",
        at.with_timezone(&zone.offset()).format("%H:%M"),
        zone.name()
    )
}

fn clip(text: &str, max: usize) -> String {
    short_form(text, max)
        .trim_end_matches("...")
        .trim_end()
        .to_owned()
}

/// A clipped sentence still ends as one, so the next sentence of the SMS does not run into it.
fn clip_sentence(text: &str, max: usize) -> String {
    let mut s = clip(text, max.saturating_sub(1));
    if !s.is_empty() && !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// Where an earthquake was, without BMKG's "Pusat gempa berada di darat/laut" opening, which
/// would take most of an SMS's room for the place ("15 km BaratDaya Kab. Pasuruan").
fn quake_place(area_desc: &str) -> &str {
    let lower = area_desc.to_lowercase();
    for opening in [
        "pusat gempa berada di darat ",
        "pusat gempa berada di laut ",
        "pusat gempa berada di ",
    ] {
        if lower.starts_with(opening) && area_desc.is_char_boundary(opening.len()) {
            return area_desc[opening.len()..].trim_start();
        }
    }
    area_desc
}

/// The title and SMS short form (≤ 160 GSM-7 characters) of a message about `alert` in one
/// language, from the hazard's template in the catalogue.
pub fn sms(
    catalog: &crate::Catalog,
    locale: Locale,
    alert: &AlertRecord,
    kind: MsgType,
) -> (String, String) {
    let t = catalog.messages(locale);
    let en = locale == Locale::En;
    let pick = |id: &str, en_text: &str| {
        if en && !en_text.trim().is_empty() {
            en_text.to_owned()
        } else {
            id.to_owned()
        }
    };
    let headline = pick(&alert.headline, &alert.headline_en);
    let instruction = pick(&alert.instruction, &alert.instruction_en);
    let quake: Option<Quake> = alert
        .quake
        .as_deref()
        .and_then(|q| serde_json::from_str(q).ok());
    let hazard = Hazard::parse(&alert.hazard).unwrap_or(Hazard::Other);
    let decimal = |v: f64| {
        let s = format!("{v:.1}");
        if en {
            s
        } else {
            s.replace('.', ",")
        }
    };
    let place = if hazard == Hazard::Earthquake {
        quake_place(&alert.area_desc)
    } else {
        &alert.area_desc
    };
    let args: Vec<(&str, String)> = vec![
        ("headline", clip(&headline, 60)),
        ("instruction", clip_sentence(&instruction, 60)),
        ("area", clip(place, 35)),
        ("time", clock(alert)),
        (
            "mag",
            quake
                .as_ref()
                .map(|q| decimal(q.magnitude))
                .unwrap_or_default(),
        ),
        (
            "depth",
            quake
                .as_ref()
                .map(|q| format!("{:.0}", q.depth_km))
                .unwrap_or_default(),
        ),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let body = match kind {
        MsgType::Cancel => t.fmt("alerts.sms.cancel", &args),
        MsgType::Update => format!(
            "{} {}",
            t.get("alerts.sms.update_prefix"),
            t.fmt(&format!("alerts.sms.{}", hazard.as_str()), &args)
        ),
        MsgType::Alert => t.fmt(&format!("alerts.sms.{}", hazard.as_str()), &args),
    };
    let title = match kind {
        MsgType::Cancel => t.fmt("alerts.title_cancel", &[("headline", &headline)]),
        MsgType::Update => t.fmt("alerts.title_update", &[("headline", &headline)]),
        MsgType::Alert => headline.clone(),
    };
    (title, short_form(&body, SMS_SEPTETS))
}

/// Notify the accounts of `kims` (officers and members) about `alert`: urgent, so it reaches
/// the app and at least one more channel whatever their settings, never rate-limited.
pub async fn deliver(
    ctx: &AppCtx,
    alert: &AlertRecord,
    kims: &[i64],
    kind: MsgType,
) -> AppResult<Report> {
    let (title, body) = sms(&ctx.catalog, Locale::Id, alert, kind);
    let (title_en, body_en) = sms(&ctx.catalog, Locale::En, alert, kind);
    let message = Message {
        kind: Kind::Alert,
        priority: Priority::Urgent,
        template: "alerts".into(),
        args: vec![
            ("title".into(), title),
            ("sms".into(), body),
            ("title_en".into(), title_en),
            ("sms_en".into(), body_en),
        ],
        link: format!("/alerts/{}", alert.id),
        dedupe_key: Some(format!("alert:{}:v{}", alert.id, alert.version)),
    };
    let audience = Audience::Kims {
        kim_ids: kims.to_vec(),
        roles: vec![Role::KimOfficer, Role::KimMember],
    };
    notify(ctx, &audience, &message).await
}

/// The CAP 1.2 document of one message of `alert`: Bahasa Indonesia, plus English when the
/// alert has an English headline.
pub fn cap_document(
    ctx: &AppCtx,
    alert: &AlertRecord,
    msg_type: MsgType,
    references: &[(String, String, chrono::DateTime<chrono::Utc>)],
) -> AppResult<String> {
    let area: AlertArea = serde_json::from_str(&alert.area).unwrap_or_default();
    let mut geocodes: Vec<(String, String)> = area
        .regions
        .iter()
        .map(|r| (cap::GEOCODE_REGION.to_owned(), r.to_string()))
        .collect();
    geocodes.extend(
        area.felt
            .iter()
            .map(|(r, _)| (cap::GEOCODE_REGION.to_owned(), r.to_string())),
    );
    let cap_area = CapArea {
        description: if alert.area_desc.is_empty() {
            "-".into()
        } else {
            alert.area_desc.clone()
        },
        polygons: area.polygons.clone(),
        circles: area.circles.clone(),
        geocodes,
    };
    let web = format!(
        "{}/peringatan/{}",
        ctx.config.base_url.trim_end_matches('/'),
        alert.id
    );
    let info = |language: &str, headline: &str, instruction: &str, event: &str| CapInfo {
        language: language.into(),
        hazard: Hazard::parse(&alert.hazard).unwrap_or(Hazard::Other),
        event: event.into(),
        severity: Severity::parse(&alert.severity).unwrap_or(Severity::Moderate),
        urgency: Urgency::parse(&alert.urgency).unwrap_or(Urgency::Expected),
        certainty: Certainty::parse(&alert.certainty).unwrap_or(Certainty::Likely),
        sender_name: Some("Simpul".into()),
        headline: headline.into(),
        description: alert.description.clone(),
        instruction: Some(instruction.to_owned()).filter(|i| !i.is_empty()),
        onset: alert.onset,
        expires: alert.expires,
        web: Some(web.clone()),
        areas: vec![cap_area.clone()],
    };
    let t_id = ctx.catalog.messages(Locale::Id);
    let t_en = ctx.catalog.messages(Locale::En);
    let event_key = format!("alerts.hazard_{}", alert.hazard);
    let mut infos = vec![info(
        "id-ID",
        &alert.headline,
        &alert.instruction,
        t_id.get(&event_key),
    )];
    if !alert.headline_en.trim().is_empty() {
        let instruction = if alert.instruction_en.trim().is_empty() {
            &alert.instruction
        } else {
            &alert.instruction_en
        };
        infos.push(info(
            "en-US",
            &alert.headline_en,
            instruction,
            t_en.get(&event_key),
        ));
    }
    let message = CapMessage {
        identifier: message_identifier(&alert.identifier, alert.version),
        sender: alert.sender.clone(),
        sent: alert.sent_at.unwrap_or(alert.updated_at),
        msg_type,
        references: references.to_vec(),
        infos,
    };
    cap::to_xml(&message).map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use simpul_core::alerts::sms::gsm7_len;

    fn draft(hazard: Hazard, headline: &str, instruction: &str, area: &str) -> Draft {
        Draft {
            hazard,
            severity: Severity::Severe,
            urgency: Urgency::Immediate,
            certainty: Certainty::Observed,
            headline: headline.into(),
            description: String::new(),
            instruction: instruction.into(),
            headline_en: String::new(),
            instruction_en: String::new(),
            area_desc: area.into(),
            area: AlertArea::default(),
            save_area_as: String::new(),
            expires: chrono::Utc::now(),
        }
    }

    #[test]
    fn every_hazard_fits_one_sms_in_both_languages_even_with_the_longest_texts() {
        let catalog = crate::Catalog::load();
        let long =
            "Warga diminta mengungsi ke balai desa — bawa dokumen penting “segera” … ".repeat(8);
        for hazard in Hazard::ALL {
            let mut a = sample_record(&draft(*hazard, &long, &long, &long), None);
            a.quake = Some(
                r#"{"at":"2026-11-29T03:21:30Z","lat":-7.72,"lon":112.83,"magnitude":5.1,"depth_km":10.0,"place":"x","potential":null,"felt":[],"shakemap":null}"#.into(),
            );
            for locale in [Locale::Id, Locale::En] {
                for kind in [MsgType::Alert, MsgType::Update, MsgType::Cancel] {
                    let (title, body) = sms(&catalog, locale, &a, kind);
                    let n = gsm7_len(&body);
                    assert!(
                        n.is_some_and(|n| n <= SMS_SEPTETS),
                        "{hazard} {locale:?} {kind}: {body}"
                    );
                    assert!(!title.is_empty());
                }
            }
        }
        // A short alert is sent whole, with its numbers written the reader's way.
        let mut a = sample_record(
            &draft(
                Hazard::Earthquake,
                "Gempa",
                "Jauhi bangunan retak.",
                "Kab. Pasuruan",
            ),
            None,
        );
        a.quake = Some(r#"{"at":"2026-11-29T03:21:30Z","lat":-7.72,"lon":112.83,"magnitude":5.1,"depth_km":10.0,"place":"x","potential":null,"felt":[],"shakemap":null}"#.into());
        a.onset = Some("2026-11-29T03:21:30Z".parse().unwrap());
        a.scope_region = "35.14".into();
        let (_, id) = sms(&catalog, Locale::Id, &a, MsgType::Alert);
        assert_eq!(id, "GEMPA M5,1 10:21 WIB kedalaman 10km, Kab. Pasuruan. Jauhi bangunan retak. Balas di Simpul.");
        let (_, en) = sms(&catalog, Locale::En, &a, MsgType::Alert);
        assert!(en.starts_with("QUAKE M5.1 10:21 WIB"), "{en}");
        // BMKG's wording: the place keeps the room, a clipped instruction still ends a sentence.
        a.area_desc = "Pusat gempa berada di darat 15 km BaratDaya Kab. Pasuruan".into();
        a.instruction =
            "Tetap tenang, jauhi bangunan retak, waspadai gempa susulan dan ikuti arahan petugas"
                .into();
        let (_, id) = sms(&catalog, Locale::Id, &a, MsgType::Alert);
        assert!(
            id.contains(", 15 km BaratDaya Kab. Pasuruan. Tetap tenang"),
            "{id}"
        );
        assert!(id.ends_with(". Balas di Simpul."), "{id}");
    }

    #[test]
    fn every_enumerated_alert_value_has_a_label_in_both_languages() {
        use simpul_core::alerts::{AckKind, AlertState, Origin, Reason};
        let catalog = crate::Catalog::load();
        let mut keys: Vec<String> = Vec::new();
        keys.extend(Hazard::ALL.iter().map(|h| format!("alerts.hazard_{h}")));
        keys.extend(Hazard::ALL.iter().map(|h| format!("alerts.sms.{h}")));
        keys.extend(Severity::ALL.iter().map(|h| format!("alerts.severity_{h}")));
        keys.extend(Urgency::ALL.iter().map(|h| format!("alerts.urgency_{h}")));
        keys.extend(
            Certainty::ALL
                .iter()
                .map(|h| format!("alerts.certainty_{h}")),
        );
        keys.extend(AlertState::ALL.iter().map(|h| format!("alerts.state_{h}")));
        keys.extend(Origin::ALL.iter().map(|h| format!("alerts.origin_{h}")));
        keys.extend(AckKind::ALL.iter().map(|h| format!("alerts.ack_{h}")));
        keys.extend(Reason::ALL.iter().map(|h| format!("alerts.reason_{h}")));
        keys.extend(MsgType::ALL.iter().map(|h| format!("alerts.msg_{h}")));
        for t in [
            "alerts",
            "alerts_approval",
            "alerts_reminder",
            "alerts_silent",
        ] {
            keys.push(format!("notify.msg.{t}.title"));
            keys.push(format!("notify.msg.{t}.body"));
        }
        for locale in [Locale::Id, Locale::En] {
            let have: std::collections::HashSet<&str> = catalog.keys(locale).into_iter().collect();
            let missing: Vec<&String> =
                keys.iter().filter(|k| !have.contains(k.as_str())).collect();
            assert!(missing.is_empty(), "{locale:?}: {missing:?}");
        }
    }
}
