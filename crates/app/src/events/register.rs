//! Registration: who may register (window, roles, regions, invitations), taking a seat or a
//! waiting place (decided in one store transaction, see `simpul_store::events`), cancelling
//! (the first waiting person who fits moves up and is told), and the signed ticket.

use crate::error::{AppError, AppResult, FieldError};
use crate::notify::{notify, Audience, Message};
use crate::AppCtx;
use chrono::Utc;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Actor, ScopeRegions};
use simpul_core::events::{RegStatus, Ticket};
use simpul_core::notify::{Kind, Priority};
use simpul_core::{RegionCode, Role, Scope};
use simpul_store::events::{EventRecord, NewRegistration, Placement, RegistrationRecord};
use simpul_store::notify::PendingNotice;

/// What a registration records about the person: their most senior role, where they are
/// (their grant's region; a KIM's village) and their KIM.
#[derive(Debug, Clone)]
pub struct ParticipantInfo {
    pub role: Role,
    pub region: String,
    pub kim_id: Option<i64>,
}

pub fn participant_info(who: &Actor) -> Option<ParticipantInfo> {
    let g = who.grants.iter().max_by_key(|g| g.role.rank())?;
    let region = match &g.territory {
        ScopeRegions::Regions(r) => r.first().map(|c| c.to_string()).unwrap_or_default(),
        ScopeRegions::All => String::new(),
    };
    let kim_id = who.grants.iter().find_map(|g| match g.scope {
        Scope::Kim(id) => Some(id),
        _ => None,
    });
    Some(ParticipantInfo {
        role: g.role,
        region,
        kim_id,
    })
}

/// Whether the organiser opened the event to this person (roles, regions, invitations),
/// whatever the registration window: the reason when not.
pub async fn audience(
    ctx: &AppCtx,
    who: &Actor,
    e: &EventRecord,
) -> AppResult<Result<ParticipantInfo, &'static str>> {
    let Some(info) = participant_info(who) else {
        return Ok(Err("events.error_not_eligible"));
    };
    if !e.allowed_roles.is_empty() {
        let allowed: Vec<Role> = e.allowed_roles.split(',').filter_map(Role::parse).collect();
        if !who.grants.iter().any(|g| allowed.contains(&g.role)) {
            return Ok(Err("events.error_role_not_allowed"));
        }
    }
    if !e.allowed_regions.is_empty() {
        let inside = RegionCode::parse(&info.region).is_ok_and(|mine| {
            e.allowed_regions
                .split(',')
                .filter_map(|r| RegionCode::parse(r).ok())
                .any(|r| r.contains(&mine))
        });
        if !inside {
            return Ok(Err("events.error_region_not_allowed"));
        }
    }
    if e.invited_only {
        let invites = ctx.store.event_invites(e.id).await?;
        if !info.kim_id.is_some_and(|k| invites.contains(&k)) {
            return Ok(Err("events.error_not_invited"));
        }
    }
    Ok(Ok(info))
}

/// Whether this person may register for this event now; the error says why not, in words.
pub async fn eligibility(ctx: &AppCtx, who: &Actor, e: &EventRecord) -> AppResult<ParticipantInfo> {
    let refuse = |key: &'static str| Err(AppError::Invalid(vec![FieldError::new("", key)]));
    let info = match audience(ctx, who, e).await? {
        Ok(info) => info,
        Err(key) => return refuse(key),
    };
    if e.is_cancelled() {
        return refuse("events.error_event_cancelled");
    }
    if e.status != "published" {
        return refuse("events.error_not_open");
    }
    let now = Utc::now();
    if now < e.reg_opens_at {
        return refuse("events.error_window_not_open");
    }
    if now > e.reg_closes_at || now > e.ends_at {
        return refuse("events.error_window_closed");
    }
    Ok(info)
}

/// Register the signed-in person: a seat, or a place on the waiting list when the event or
/// their region's quota is full. A second registration is refused with a clear message.
pub async fn register(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    event_id: i64,
) -> AppResult<Placement> {
    let e = ctx.store.event(event_id).await?;
    let info = eligibility(ctx, who, &e).await?;
    let user = ctx.store.user(who.user_id).await?;
    let nonce = simpul_core::secrets::new_token("n");
    let new = NewRegistration {
        event_id,
        user_id: who.user_id,
        name: user.display_name.clone(),
        role: info.role.as_str().into(),
        region_code: info.region.clone(),
        kim_id: info.kim_id,
        nonce,
        registered_by: None,
    };
    let placement = match ctx.store.register_for_event(audit, &new).await {
        Err(simpul_store::StoreError::Conflict(_)) => {
            return Err(AppError::Conflict(FieldError::new(
                "",
                "events.error_duplicate",
            )))
        }
        other => other?,
    };
    tell(ctx, &e, who.user_id, &placement, &new.nonce).await?;
    Ok(placement)
}

/// The notice for someone who moved up from the waiting list.
fn promoted_notice(ctx: &AppCtx, e: &EventRecord, r: &RegistrationRecord) -> PendingNotice {
    PendingNotice {
        users: vec![r.user_id],
        template: "events_promoted".into(),
        args: vec![
            ("title".into(), e.title.clone()),
            ("code".into(), ticket_code(ctx, e, r.id, &r.ticket_nonce)),
        ],
        link: format!("/events/{}/ticket", e.id),
        dedupe_key: format!("event:{}:promoted:{}:{}", e.id, r.id, r.ticket_nonce),
    }
}

/// Cancel a registration: the person's own, or (organisers) anyone's. Returns who moved up.
pub async fn cancel(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    registration_id: i64,
) -> AppResult<Option<simpul_store::events::Promoted>> {
    let r = ctx.store.registration(registration_id).await?;
    let e = ctx.store.event(r.event_id).await?;
    if r.user_id != who.user_id && !super::may_manage(who, &e) {
        return Err(AppError::NotFound);
    }
    let promoted = ctx
        .store
        .cancel_registration(audit, registration_id, |next| {
            promoted_notice(ctx, &e, next)
        })
        .await?;
    if promoted.is_some() {
        ctx.jobs_wake.notify_one();
    }
    Ok(promoted)
}

/// A registration's ticket code.
pub fn ticket_code(ctx: &AppCtx, e: &EventRecord, registration_id: i64, nonce: &str) -> String {
    Ticket::code(&ctx.config.secret.0, e.id, registration_id, nonce)
}

/// The QR code of a text as an SVG (the ticket page, the certificate page).
pub fn qr_svg(text: &str) -> String {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
    else {
        return String::new();
    };
    let w = code.width();
    let quiet = 4;
    let size = w + 2 * quiet;
    let mut path = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (x, y) = (i % w + quiet, i / w + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"240\" height=\"240\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

/// The ticket code a notice's link leads to (`/events/<id>/ticket`) for its recipient, when
/// they hold a confirmed seat (the ticket e-mail shows it as a QR image).
pub async fn ticket_code_for_link(ctx: &AppCtx, link: &str, user_id: i64) -> Option<String> {
    let id: i64 = link
        .strip_prefix("/events/")?
        .strip_suffix("/ticket")?
        .parse()
        .ok()?;
    let e = ctx.store.event(id).await.ok()?;
    let r = ctx.store.registration_of(id, user_id).await.ok()??;
    (r.status == "confirmed" && !e.is_cancelled())
        .then(|| ticket_code(ctx, &e, r.id, &r.ticket_nonce))
}

/// Tell a participant where their registration landed, with the ticket's code.
pub(crate) async fn tell(
    ctx: &AppCtx,
    e: &EventRecord,
    user_id: i64,
    placement: &Placement,
    nonce: &str,
) -> AppResult<()> {
    let template = match placement.status {
        RegStatus::Confirmed => "events_confirmed",
        _ => "events_waitlisted",
    };
    let message = Message {
        kind: Kind::Event,
        priority: Priority::Normal,
        template: template.into(),
        args: vec![
            ("title".into(), e.title.clone()),
            ("code".into(), ticket_code(ctx, e, placement.id, nonce)),
        ],
        link: format!("/events/{}/ticket", e.id),
        dedupe_key: Some(format!("event:{}:reg:{}:{}", e.id, placement.id, nonce)),
    };
    notify(ctx, &Audience::Users(vec![user_id]), &message).await?;
    Ok(())
}
