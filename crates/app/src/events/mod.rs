//! Capacity building (issue 14), the application side: organisers create events (agenda with
//! speakers, capacity, regional quotas, registration window, who may register, materials) and
//! invite through [`crate::notify`]; people register (or wait, and move up when someone
//! cancels); signed tickets are checked in per session ([`checkin`]); attendees evaluate;
//! organisers see attendance and evaluations ([`report`]); certificates are PDF with a public
//! verification code ([`certificate`]); reminders go out the day before and on the day
//! ([`remind`]).

pub mod certificate;
pub mod checkin;
pub mod edit;
pub mod others;
pub mod register;
pub mod remind;
pub mod report;

use crate::error::{AppError, AppResult, FieldError};
use crate::notify::{notify, Audience, Message};
use crate::AppCtx;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use simpul_core::alerts::text_field;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor, ScopeRegions};
use simpul_core::calendar::Zone;
use simpul_core::events::{parse_speakers, EventKind};
use simpul_core::notify::{Kind, Priority};
use simpul_core::{RegionCode, Role};
use simpul_store::events::{EventRecord, NewEvent, NewSession};

/// The roles that organise events (those that manage accounts in a territory).
pub const ORGANISERS: [Role; 3] = [
    Role::NationalAdmin,
    Role::ProvincialAdmin,
    Role::RegencyAdmin,
];

/// Roles an organiser may open registration to.
pub const REGISTERING_ROLES: [Role; 7] = [
    Role::ProvincialAdmin,
    Role::Coordinator,
    Role::RegencyAdmin,
    Role::PartnerStaff,
    Role::FactChecker,
    Role::KimOfficer,
    Role::KimMember,
];

/// Sessions the form offers (a two-day forum fits in six).
pub const FORM_SESSIONS: usize = 6;

/// Where an actor may organise: the union of their organiser grants' territories.
pub fn organiser_territory(who: &Actor) -> ScopeRegions {
    ScopeRegions::union(
        who.grants
            .iter()
            .filter(|g| ORGANISERS.contains(&g.role))
            .map(|g| g.territory.clone()),
    )
}

/// The region an organiser's events belong to by default: their first organiser grant's
/// region (the province for the provincial office), "35" style codes.
pub fn home_region(who: &Actor) -> Option<RegionCode> {
    who.grants
        .iter()
        .filter(|g| ORGANISERS.contains(&g.role))
        .find_map(|g| match &g.territory {
            ScopeRegions::Regions(r) => r.first().cloned(),
            ScopeRegions::All => RegionCode::parse("35").ok(),
        })
}

/// Whether this person may manage (check in, report, export) this event.
pub fn may_manage(who: &Actor, e: &EventRecord) -> bool {
    RegionCode::parse(&e.region_code)
        .map(|r| who.can(Action::OrganiseEvent { region: &r }))
        .unwrap_or(false)
}

/// The create form as the browser (or an API client) sends it: all text.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EventInput {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub venue: String,
    pub address: String,
    pub lat: String,
    pub lon: String,
    pub online_url: String,
    /// `YYYY-MM-DD` and `HH:MM` in the organiser's zone (WIB in East Java).
    pub start_date: String,
    pub start_time: String,
    pub end_date: String,
    pub end_time: String,
    pub capacity: String,
    /// Registration opens / closes on these dates (empty: now / when the event starts).
    pub reg_opens: String,
    pub reg_closes: String,
    /// Roles that may register (empty: anyone signed in).
    pub roles: Vec<String>,
    /// Region codes whose people may register (empty: anywhere).
    pub regions: Vec<String>,
    pub invited_only: String,
    /// KIM ids invited, separated by commas, spaces or lines (API clients).
    pub invite_kims: String,
    /// KIMs invited, chosen on the form (found by name with `kim_search`).
    pub invite_kim: Vec<String>,
    /// A KIM name to look for (the form's search; not stored).
    pub kim_search: String,
    /// `search` when the form was sent to look for KIMs rather than to save.
    pub action: String,
    pub materials_public: String,
    /// Seats per kabupaten/kota of the organiser's region (empty: none).
    pub quota_each_regency: String,
    /// More quotas, one per line: "35.07 = 3" or "Kabupaten Malang = 3".
    pub quotas: String,
    /// Quotas chosen on the form: a region offered and its seats (parallel lists; empty seats
    /// mean no quota).
    pub quota_region: Vec<String>,
    pub quota_seats: Vec<String>,
    /// Minimum share of the agenda attended for a certificate (percent, default 75).
    pub min_attendance: String,
    /// Materials, one per line: "title | https://...".
    pub materials: String,
    /// The agenda, as parallel lists (one entry per session row of the form).
    pub session_title: Vec<String>,
    pub session_date: Vec<String>,
    pub session_start: Vec<String>,
    pub session_end: Vec<String>,
    /// Speakers, one per line: "name; position; institution".
    pub session_speakers: Vec<String>,
    /// The organising office's region (empty: the organiser's own).
    pub region: String,
}

fn local(zone: Zone, date: &str, time: &str) -> Option<DateTime<Utc>> {
    let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let t = NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?;
    zone.offset()
        .from_local_datetime(&d.and_time(t))
        .single()
        .map(|x| x.with_timezone(&Utc))
}

fn flag(s: &str) -> bool {
    matches!(s.trim(), "1" | "on" | "true" | "yes")
}

fn is_link(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// Check the form field by field (every problem at once) and build the event.
pub async fn validate(ctx: &AppCtx, who: &Actor, input: &EventInput) -> AppResult<NewEvent> {
    let mut errors: Vec<FieldError> = Vec::new();
    let kind = EventKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", "events.error_kind"));
    }
    let mut text = |field: &'static str, value: &str, max: usize, required: bool| {
        if !required && value.trim().is_empty() {
            return String::new();
        }
        text_field(value, max).unwrap_or_else(|key| {
            errors.push(FieldError::new(field, key));
            String::new()
        })
    };
    let title = text("title", &input.title, 200, true);
    let description = text("description", &input.description, 5000, true);
    let venue = text("venue", &input.venue, 200, false);
    let address = text("address", &input.address, 500, false);
    let online_url = input.online_url.trim().to_string();
    if !online_url.is_empty() && !is_link(&online_url) {
        errors.push(FieldError::new("online_url", "events.error_link"));
    }
    if venue.is_empty() && online_url.is_empty() {
        errors.push(FieldError::new("venue", "events.error_place"));
    }
    let (lat, lon) = match (input.lat.trim(), input.lon.trim()) {
        ("", "") => (None, None),
        (a, b) => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(a), Ok(b)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&b) => {
                (Some(a), Some(b))
            }
            _ => {
                errors.push(FieldError::new("lat", "events.error_point"));
                (None, None)
            }
        },
    };
    let region = match input.region.trim() {
        "" => home_region(who),
        r => RegionCode::parse(r).ok(),
    };
    let Some(region) = region else {
        return Err(AppError::Forbidden);
    };
    if !who.can(Action::OrganiseEvent { region: &region }) {
        return Err(AppError::Forbidden);
    }
    let zone = Zone::of(Some(&region));
    let end_date = if input.end_date.trim().is_empty() {
        &input.start_date
    } else {
        &input.end_date
    };
    let starts_at = local(zone, &input.start_date, &input.start_time);
    let ends_at = local(zone, end_date, &input.end_time);
    match (starts_at, ends_at) {
        (None, _) => errors.push(FieldError::new("start_date", "events.error_date")),
        (_, None) => errors.push(FieldError::new("end_date", "events.error_date")),
        (Some(s), Some(e)) if e <= s => {
            errors.push(FieldError::new("end_date", "events.error_end_before_start"))
        }
        (Some(s), Some(e)) if e - s > chrono::Duration::days(31) => {
            errors.push(FieldError::new("end_date", "events.error_too_long_event"))
        }
        _ => {}
    }
    let capacity = input
        .capacity
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|c| (1..=100_000).contains(c));
    if capacity.is_none() {
        errors.push(FieldError::new("capacity", "events.error_capacity"));
    }
    let min_attendance = match input.min_attendance.trim() {
        "" => Some(75),
        m => m.parse::<i64>().ok().filter(|m| (1..=100).contains(m)),
    };
    if min_attendance.is_none() {
        errors.push(FieldError::new("min_attendance", "events.error_percent"));
    }
    let now = Utc::now();
    let reg_opens_at = match input.reg_opens.trim() {
        "" => Some(now - chrono::Duration::minutes(1)),
        d => local(zone, d, "00:00"),
    };
    let reg_closes_at = match input.reg_closes.trim() {
        // Until the event starts; for one already running (walk-ins), until it ends.
        "" => starts_at.filter(|s| *s > now).or(ends_at),
        d => local(zone, d, "23:59"),
    };
    match (reg_opens_at, reg_closes_at) {
        (Some(o), Some(c)) if c > o => {}
        (Some(_), Some(_)) => errors.push(FieldError::new("reg_closes", "events.error_window")),
        _ => errors.push(FieldError::new("reg_opens", "events.error_date")),
    }
    let mut roles = Vec::new();
    for r in input.roles.iter().filter(|r| !r.trim().is_empty()) {
        match Role::parse(r.trim()) {
            Some(role) if REGISTERING_ROLES.contains(&role) => roles.push(role.as_str()),
            _ => errors.push(FieldError::new("roles", "events.error_role")),
        }
    }
    roles.sort();
    roles.dedup();
    let index = ctx.regions.index(&ctx.store).await?;
    let mut regions = Vec::new();
    for r in input.regions.iter().filter(|r| !r.trim().is_empty()) {
        match RegionCode::parse(r.trim())
            .ok()
            .filter(|c| index.get(c).is_some())
        {
            Some(c) => regions.push(c.to_string()),
            None => errors.push(FieldError::new("regions", "events.error_region")),
        }
    }
    regions.sort();
    regions.dedup();
    // Quotas: the same number for every kabupaten/kota, then the lines typed.
    let mut quotas: Vec<(String, i64)> = Vec::new();
    match input.quota_each_regency.trim() {
        "" => {}
        n => match n.parse::<i64>().ok().filter(|n| (0..=10_000).contains(n)) {
            Some(n) => {
                for child in ctx.store.region_children(Some(&region)).await? {
                    quotas.push((child.code.to_string(), n));
                }
            }
            None => errors.push(FieldError::new("quota_each_regency", "events.error_quota")),
        },
    }
    for line in input
        .quotas
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(200)
    {
        let parsed = line.rsplit_once(['=', ':']).and_then(|(name, n)| {
            let n = n
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=10_000).contains(n))?;
            let name = name.trim();
            let code = RegionCode::parse(name)
                .ok()
                .filter(|c| index.get(c).is_some())
                .or_else(|| {
                    index
                        .regions()
                        .find(|r| r.name.eq_ignore_ascii_case(name) && region.contains(&r.code))
                        .map(|r| r.code.clone())
                })?;
            Some((code.to_string(), n))
        });
        match parsed {
            Some((code, n)) => {
                quotas.retain(|(c, _)| c != &code);
                quotas.push((code, n));
            }
            None => errors.push(FieldError::new("quotas", "events.error_quota")),
        }
    }
    for (code, seats) in input
        .quota_region
        .iter()
        .zip(input.quota_seats.iter())
        .filter(|(_, n)| !n.trim().is_empty())
        .take(200)
    {
        let code = RegionCode::parse(code.trim())
            .ok()
            .filter(|c| index.get(c).is_some() && region.contains(c));
        match (
            code,
            seats
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=10_000).contains(n)),
        ) {
            (Some(code), Some(n)) => {
                let code = code.to_string();
                quotas.retain(|(c, _)| c != &code);
                quotas.push((code, n));
            }
            _ => errors.push(FieldError::new("quotas", "events.error_quota")),
        }
    }
    let invited_only = flag(&input.invited_only);
    let mut invites = Vec::new();
    let chosen = input.invite_kim.iter().map(String::as_str);
    for part in input
        .invite_kims
        .split(|c: char| c == ',' || c.is_whitespace())
        .chain(chosen)
        .filter(|p| !p.trim().is_empty())
        .take(5000)
    {
        match part.trim().trim_start_matches('#').parse::<i64>() {
            Ok(id) => match ctx.store.kim(id).await {
                Ok(k) if RegionCode::parse(&k.village_code).is_ok_and(|v| region.contains(&v)) => {
                    invites.push(id)
                }
                _ => errors.push(FieldError::new("invite_kims", "events.error_kim")),
            },
            Err(_) => errors.push(FieldError::new("invite_kims", "events.error_kim")),
        }
    }
    invites.sort();
    invites.dedup();
    if invited_only && invites.is_empty() {
        errors.push(FieldError::new("invite_kims", "events.error_no_invites"));
    }
    let mut materials = Vec::new();
    for line in input
        .materials
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(100)
    {
        match line.split_once('|') {
            Some((t, u))
                if !t.trim().is_empty() && t.trim().chars().count() <= 200 && is_link(u.trim()) =>
            {
                materials.push((t.trim().to_string(), u.trim().to_string()))
            }
            _ => errors.push(FieldError::new("materials", "events.error_material")),
        }
    }
    let mut sessions = Vec::new();
    let n = input.session_title.len().min(20);
    for i in 0..n {
        let get = |v: &Vec<String>| v.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        let (t, d, s, e, sp) = (
            get(&input.session_title),
            get(&input.session_date),
            get(&input.session_start),
            get(&input.session_end),
            get(&input.session_speakers),
        );
        if t.is_empty() && s.is_empty() && e.is_empty() && sp.is_empty() {
            continue;
        }
        let date = if d.is_empty() {
            input.start_date.clone()
        } else {
            d
        };
        let title = match text_field(&t, 200) {
            Ok(t) => t,
            Err(k) => {
                errors.push(FieldError::new("sessions", k));
                continue;
            }
        };
        let (Some(s_at), Some(e_at)) = (local(zone, &date, &s), local(zone, &date, &e)) else {
            errors.push(FieldError::new("sessions", "events.error_session_time"));
            continue;
        };
        if e_at <= s_at {
            errors.push(FieldError::new("sessions", "events.error_session_time"));
            continue;
        }
        if let (Some(es), Some(ee)) = (starts_at, ends_at) {
            if s_at < es || e_at > ee {
                errors.push(FieldError::new("sessions", "events.error_session_outside"));
                continue;
            }
        }
        match parse_speakers(&sp) {
            Ok(list) => sessions.push(NewSession {
                title,
                starts_at: s_at,
                ends_at: e_at,
                speakers_json: serde_json::to_string(&list).unwrap_or_else(|_| "[]".into()),
            }),
            Err(k) => errors.push(FieldError::new("sessions", k)),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (starts_at, ends_at) = (starts_at.unwrap_or(now), ends_at.unwrap_or(now));
    if sessions.is_empty() {
        // An event without an agenda is one session from start to end (check-in needs one).
        sessions.push(NewSession {
            title: title.clone(),
            starts_at,
            ends_at,
            speakers_json: "[]".into(),
        });
    }
    sessions.sort_by_key(|s| s.starts_at);
    Ok(NewEvent {
        kind: kind.map(|k| k.as_str()).unwrap_or("forum").into(),
        title,
        description,
        venue,
        address,
        lat,
        lon,
        online_url,
        starts_at,
        ends_at,
        capacity: capacity.unwrap_or(1),
        reg_opens_at: reg_opens_at.unwrap_or(now),
        reg_closes_at: reg_closes_at.unwrap_or(starts_at),
        allowed_roles: roles.join(","),
        allowed_regions: regions.join(","),
        invited_only,
        materials_public: flag(&input.materials_public),
        min_attendance: min_attendance.unwrap_or(75),
        region,
        created_by: Some(who.user_id),
        sessions,
        quotas,
        invites,
        materials,
    })
}

/// Create an event and send the invitations. Returns its id.
pub async fn create(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    input: &EventInput,
) -> AppResult<i64> {
    let e = validate(ctx, who, input).await?;
    let id = ctx.store.create_event(audit, &e).await?;
    invite(ctx, id).await?;
    Ok(id)
}

/// Tell the people who may register: invited KIMs' officers, or the roles allowed in the
/// regions allowed (the organiser's region when none are named).
pub async fn invite(ctx: &AppCtx, event_id: i64) -> AppResult<usize> {
    let e = ctx.store.event(event_id).await?;
    let invites = ctx.store.event_invites(event_id).await?;
    let mut parts = Vec::new();
    if !invites.is_empty() {
        parts.push(Audience::Kims {
            kim_ids: invites,
            roles: vec![Role::KimOfficer],
        });
    }
    if !e.invited_only {
        let roles: Vec<Role> = if e.allowed_roles.is_empty() {
            vec![Role::RegencyAdmin, Role::KimOfficer]
        } else {
            e.allowed_roles.split(',').filter_map(Role::parse).collect()
        };
        let regions: Vec<Option<RegionCode>> = if e.allowed_regions.is_empty() {
            vec![RegionCode::parse(&e.region_code).ok()]
        } else {
            e.allowed_regions
                .split(',')
                .map(|r| RegionCode::parse(r).ok())
                .collect()
        };
        for region in regions {
            parts.push(Audience::Roles {
                roles: roles.clone(),
                region,
            });
        }
    }
    let date = simpul_core::calendar::long_date(
        e.starts_at
            .with_timezone(&Zone::of(RegionCode::parse(&e.region_code).ok().as_ref()).offset())
            .date_naive(),
        "id",
    );
    let message = Message {
        kind: Kind::Event,
        priority: Priority::Normal,
        template: "events_invite".into(),
        args: vec![("title".into(), e.title.clone()), ("date".into(), date)],
        link: format!("/events/{event_id}"),
        dedupe_key: Some(format!("event:{event_id}:invite")),
    };
    let report = notify(ctx, &Audience::Any(parts), &message).await?;
    Ok(report.recipients)
}

/// Events this person sees in the list: open to them, registered, or organised by their office.
pub async fn visible(ctx: &AppCtx, who: &Actor) -> AppResult<Vec<EventRecord>> {
    let mine: Vec<i64> = ctx
        .store
        .registrations_of_user(who.user_id)
        .await?
        .iter()
        .map(|r| r.event_id)
        .collect();
    let mut out = Vec::new();
    for e in ctx.store.events(500).await? {
        if mine.contains(&e.id)
            || may_manage(who, &e)
            || register::audience(ctx, who, &e).await?.is_ok()
        {
            out.push(e);
        }
    }
    Ok(out)
}

/// Who may see an event's page: whoever may register, is registered, or manages it; and
/// every KIM account when the organiser opened the materials to all KIMs.
pub async fn may_view(ctx: &AppCtx, who: &Actor, e: &EventRecord) -> AppResult<bool> {
    Ok(may_manage(who, e)
        || ctx
            .store
            .registration_of(e.id, who.user_id)
            .await?
            .is_some()
        || register::audience(ctx, who, e).await?.is_ok()
        || (e.materials_public
            && who
                .grants
                .iter()
                .any(|g| matches!(g.role, Role::KimOfficer | Role::KimMember))))
}

/// Materials for this person: participants and organisers, and every KIM when allowed.
pub async fn may_see_materials(ctx: &AppCtx, who: &Actor, e: &EventRecord) -> AppResult<bool> {
    let registered = ctx
        .store
        .registration_of(e.id, who.user_id)
        .await?
        .is_some_and(|r| r.status != "cancelled");
    Ok(registered
        || may_manage(who, e)
        || (e.materials_public
            && who
                .grants
                .iter()
                .any(|g| matches!(g.role, Role::KimOfficer | Role::KimMember))))
}

/// Add a material to an event (organisers). Audited.
pub async fn add_material(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    event_id: i64,
    title: &str,
    link: &str,
) -> AppResult<i64> {
    let e = ctx.store.event(event_id).await?;
    if !may_manage(who, &e) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let title = text_field(title, 200).unwrap_or_else(|k| {
        errors.push(FieldError::new("title", k));
        String::new()
    });
    if !is_link(link.trim()) {
        errors.push(FieldError::new("url", "events.error_link"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(ctx
        .store
        .add_event_material(audit, event_id, &title, link.trim())
        .await?)
}

/// An event its organiser may still change (not cancelled), or why not.
pub(crate) async fn managed(ctx: &AppCtx, who: &Actor, event_id: i64) -> AppResult<EventRecord> {
    let e = ctx.store.event(event_id).await?;
    if !may_manage(who, &e) {
        return Err(AppError::NotFound);
    }
    if e.is_cancelled() {
        return Err(AppError::invalid("", "events.error_event_cancelled"));
    }
    Ok(e)
}
