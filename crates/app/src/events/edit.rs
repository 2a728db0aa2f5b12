//! An organiser changes an event with the create form filled in, or cancels it with a reason
//! (registration closes, tickets are refused at the door, everyone registered or waiting is
//! told); the form's KIM search for invitations.

use super::{home_region, invite, managed, validate, EventInput};
use crate::error::{AppError, AppResult};
use crate::notify::{notify, Audience, Message};
use crate::AppCtx;
use chrono::{DateTime, Utc};
use simpul_core::alerts::text_field;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor};
use simpul_core::calendar::Zone;
use simpul_core::notify::{Kind, Priority};
use simpul_core::RegionCode;
use simpul_store::events::EventRecord;

/// The event as its edit form shows it (the create form, filled in): dates and times in the
/// event's zone, the agenda row by row, quotas by region, the invited KIMs.
pub async fn input_of(ctx: &AppCtx, e: &EventRecord) -> AppResult<EventInput> {
    let zone = Zone::of(RegionCode::parse(&e.region_code).ok().as_ref()).offset();
    let date = |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d").to_string();
    let time = |t: DateTime<Utc>| t.with_timezone(&zone).format("%H:%M").to_string();
    let sessions = ctx.store.event_sessions(e.id).await?;
    let speakers = |s: &simpul_store::events::SessionRecord| {
        s.speaker_list()
            .iter()
            .map(|p| {
                let mut line = p.name.clone();
                if !p.position.is_empty() || !p.institution.is_empty() {
                    line.push_str(&format!("; {}", p.position));
                }
                if !p.institution.is_empty() {
                    line.push_str(&format!("; {}", p.institution));
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let quotas = ctx.store.event_quotas(e.id).await?;
    let invites = ctx.store.event_invites(e.id).await?;
    let on = |b: bool| if b { "1".to_string() } else { String::new() };
    Ok(EventInput {
        kind: e.kind.clone(),
        title: e.title.clone(),
        description: e.description.clone(),
        venue: e.venue.clone(),
        address: e.address.clone(),
        lat: e.lat.map(|v| v.to_string()).unwrap_or_default(),
        lon: e.lon.map(|v| v.to_string()).unwrap_or_default(),
        online_url: e.online_url.clone(),
        start_date: date(e.starts_at),
        start_time: time(e.starts_at),
        end_date: date(e.ends_at),
        end_time: time(e.ends_at),
        capacity: e.capacity.to_string(),
        reg_opens: date(e.reg_opens_at),
        reg_closes: date(e.reg_closes_at),
        roles: e
            .allowed_roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
        regions: e
            .allowed_regions
            .split(',')
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
        invited_only: on(e.invited_only),
        invite_kim: invites.iter().map(|k| k.to_string()).collect(),
        materials_public: on(e.materials_public),
        quota_region: quotas.iter().map(|q| q.region_code.clone()).collect(),
        quota_seats: quotas.iter().map(|q| q.seats.to_string()).collect(),
        min_attendance: e.min_attendance.to_string(),
        session_title: sessions.iter().map(|s| s.title.clone()).collect(),
        session_date: sessions.iter().map(|s| date(s.starts_at)).collect(),
        session_start: sessions.iter().map(|s| time(s.starts_at)).collect(),
        session_end: sessions.iter().map(|s| time(s.ends_at)).collect(),
        session_speakers: sessions.iter().map(speakers).collect(),
        region: e.region_code.clone(),
        ..EventInput::default()
    })
}

/// Change an event (its organiser's office): the same checks as creating it; the capacity
/// cannot fall under the seats already confirmed, and a session with check-ins cannot be
/// dropped. Newly invited KIMs are invited; registered people are told it changed.
pub async fn update(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    event_id: i64,
    input: &EventInput,
) -> AppResult<()> {
    let e = managed(ctx, who, event_id).await?;
    let input = EventInput {
        region: e.region_code.clone(),
        materials: String::new(),
        ..input.clone()
    };
    let new = validate(ctx, who, &input).await?;
    match ctx.store.update_event(audit, event_id, &new).await {
        Err(simpul_store::StoreError::Invalid(what)) => {
            return Err(match what.as_str() {
                "event_capacity_below_confirmed" => {
                    AppError::invalid("capacity", "events.error_capacity_below_confirmed")
                }
                _ => AppError::invalid("sessions", "events.error_session_has_checkins"),
            })
        }
        Err(simpul_store::StoreError::NotFound) => {
            return Err(AppError::invalid("", "events.error_event_cancelled"))
        }
        other => other?,
    }
    invite(ctx, event_id).await?;
    let people = ctx.store.registered_user_ids(event_id).await?;
    let stamp = Utc::now().timestamp();
    let message = Message {
        kind: Kind::Event,
        priority: Priority::Normal,
        template: "events_changed".into(),
        args: vec![("title".into(), new.title.clone())],
        link: format!("/events/{event_id}"),
        dedupe_key: Some(format!("event:{event_id}:changed:{stamp}")),
    };
    notify(ctx, &Audience::Users(people), &message).await?;
    Ok(())
}

/// Cancel a whole event with a reason (its organiser's office): registration closes, tickets
/// are refused at the door, and everyone holding a seat or a waiting place is told why.
pub async fn cancel_event(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    event_id: i64,
    reason: &str,
) -> AppResult<()> {
    let e = ctx.store.event(event_id).await?;
    if !super::may_manage(who, &e) {
        return Err(AppError::NotFound);
    }
    if e.is_cancelled() {
        // Cancelled already (a retry over a weak connection): nothing changes.
        return Ok(());
    }
    let reason = text_field(reason, 500).map_err(|k| AppError::invalid("reason", k))?;
    if !ctx.store.cancel_event(audit, event_id, &reason).await? {
        return Ok(());
    }
    let people = ctx.store.registered_user_ids(event_id).await?;
    let message = Message {
        kind: Kind::Event,
        priority: Priority::Normal,
        template: "events_cancelled".into(),
        args: vec![("title".into(), e.title.clone()), ("reason".into(), reason)],
        link: format!("/events/{event_id}"),
        dedupe_key: Some(format!("event:{event_id}:cancelled")),
    };
    notify(ctx, &Audience::Users(people), &message).await?;
    Ok(())
}

/// KIMs the organiser may invite whose name contains `q` (inside the event's region), at
/// most 20, by name.
pub async fn find_kims(
    ctx: &AppCtx,
    who: &Actor,
    region: Option<&str>,
    q: &str,
) -> AppResult<Vec<(i64, String, String)>> {
    let region = match region.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => RegionCode::parse(r).ok(),
        None => home_region(who),
    };
    let Some(region) = region.filter(|r| who.can(Action::OrganiseEvent { region: r })) else {
        return Ok(Vec::new());
    };
    let name = simpul_core::registry::normalize_kim_name(q);
    if name.chars().count() < 2 {
        return Ok(Vec::new());
    }
    let filter = simpul_store::registry::KimFilter {
        name: Some(name),
        region: Some(region),
        ..Default::default()
    };
    let (rows, _) = ctx.store.search_kims(&filter, 20, 0).await?;
    let index = ctx.regions.index(&ctx.store).await?;
    Ok(rows
        .into_iter()
        .map(|k| {
            let place = RegionCode::parse(&k.village_code)
                .ok()
                .and_then(|c| index.get(&c).map(|r| r.name.clone()))
                .unwrap_or_default();
            (k.id, k.name, place)
        })
        .collect())
}
