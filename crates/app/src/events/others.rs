//! Registering other people: a KIM officer for the officers and members of their KIM, a
//! provincial or kabupaten/kota office's administrator for the office's staff. Chosen from the
//! list the page offers, checked one by one like a person's own registration, written all or
//! nothing; each participant is sent their ticket.

use super::register::{eligibility, tell};
use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use chrono::Utc;
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;
use simpul_core::{RegionCode, Role, Scope};
use simpul_store::events::{Colleague, NewRegistration, Placement, Refusal};

/// Whose registration someone may make besides their own: a KIM officer for the officers and
/// members of their KIM, a provincial or kabupaten/kota office's administrator for the staff
/// of that office (accounts granted exactly that region).
pub fn proxy_scopes(who: &Actor) -> Vec<(Scope, Vec<Role>)> {
    let mut out: Vec<(Scope, Vec<Role>)> = Vec::new();
    for g in &who.grants {
        let entry = match (&g.role, &g.scope) {
            (Role::KimOfficer, Scope::Kim(_)) => {
                (g.scope.clone(), vec![Role::KimOfficer, Role::KimMember])
            }
            (Role::ProvincialAdmin | Role::RegencyAdmin, Scope::Region(_)) => (
                g.scope.clone(),
                vec![
                    Role::ProvincialAdmin,
                    Role::RegencyAdmin,
                    Role::PartnerStaff,
                    Role::FactChecker,
                ],
            ),
            _ => continue,
        };
        if !out.iter().any(|(s, _)| *s == entry.0) {
            out.push(entry);
        }
    }
    out
}

/// The people this person may register for an event (their KIM's members, their office's
/// staff), themselves left out, by name.
pub async fn candidates(ctx: &AppCtx, who: &Actor) -> AppResult<Vec<Colleague>> {
    let mut out: Vec<Colleague> = Vec::new();
    for (scope, roles) in proxy_scopes(who) {
        for c in ctx.store.accounts_with_scope(&scope, &roles).await? {
            if c.user_id != who.user_id && !out.iter().any(|o| o.user_id == c.user_id) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// What a registration for others did: each person and where they landed.
#[derive(Debug, Clone)]
pub struct Registered {
    pub name: String,
    pub placement: Placement,
}

/// Why one chosen person could not be registered (nothing was written): `key` in the
/// catalogue, with `{region}` the quota's region for a full quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonProblem {
    pub user_id: i64,
    pub name: String,
    pub key: &'static str,
    pub region: String,
}

/// Register other people (chosen among [`candidates`]): each must be allowed to register
/// (roles, regions, invitations) and not registered already; with `seats_only` everyone must
/// get a seat (their region's quota and the capacity), otherwise those without one wait. All
/// or nothing: the problems name the people. The window and the event's state concern
/// everyone and are an `Invalid` error like a person's own registration. Each participant is
/// sent their ticket (in the app, and by e-mail when they have an address).
pub async fn register_others(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    event_id: i64,
    user_ids: &[i64],
    seats_only: bool,
) -> AppResult<Result<Vec<Registered>, Vec<PersonProblem>>> {
    let e = ctx.store.event(event_id).await?;
    if !super::may_view(ctx, who, &e).await? {
        return Err(AppError::NotFound);
    }
    if proxy_scopes(who).is_empty() {
        return Err(AppError::Forbidden);
    }
    let refuse = |key: &'static str| AppError::Invalid(vec![FieldError::new("participants", key)]);
    let allowed = candidates(ctx, who).await?;
    if e.is_cancelled() {
        return Err(refuse("events.error_event_cancelled"));
    }
    let now = Utc::now();
    if now < e.reg_opens_at {
        return Err(refuse("events.error_window_not_open"));
    }
    if now > e.reg_closes_at || now > e.ends_at {
        return Err(refuse("events.error_window_closed"));
    }
    if user_ids.is_empty() {
        return Err(refuse("events.error_no_participants"));
    }
    if user_ids.len() > 500 {
        return Err(refuse("events.error_too_many_participants"));
    }
    let mut ids: Vec<i64> = user_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut news = Vec::with_capacity(ids.len());
    let mut problems = Vec::new();
    for id in ids {
        let Some(c) = allowed.iter().find(|c| c.user_id == id) else {
            return Err(refuse("events.error_not_your_member"));
        };
        let problem = |key: &'static str| PersonProblem {
            user_id: id,
            name: c.display_name.clone(),
            key,
            region: String::new(),
        };
        let person = crate::accounts::actor(ctx, id).await?;
        let info = match eligibility(ctx, &person, &e).await {
            Ok(info) => info,
            Err(AppError::Invalid(f)) => {
                problems.push(problem(
                    f.first()
                        .map(|f| f.key)
                        .unwrap_or("events.error_not_eligible"),
                ));
                continue;
            }
            Err(other) => return Err(other),
        };
        if ctx
            .store
            .registration_of(event_id, id)
            .await?
            .is_some_and(|r| r.status != "cancelled")
        {
            problems.push(problem("events.error_duplicate_person"));
            continue;
        }
        news.push(NewRegistration {
            event_id,
            user_id: id,
            name: c.display_name.clone(),
            role: info.role.as_str().into(),
            region_code: info.region.clone(),
            kim_id: info.kim_id,
            nonce: simpul_core::secrets::new_token("n"),
            registered_by: Some(who.user_id),
        });
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let placed = match ctx
        .store
        .register_many_for_event(audit, &news, seats_only)
        .await
    {
        Err(simpul_store::StoreError::NotFound) => return Err(refuse("events.error_not_open")),
        other => other?,
    };
    let name_of = |user_id: i64| {
        news.iter()
            .find(|n| n.user_id == user_id)
            .map(|n| n.name.clone())
            .unwrap_or_default()
    };
    let placed = match placed {
        Ok(p) => p,
        Err(Refusal::Duplicate { user_id }) => {
            return Ok(Err(vec![PersonProblem {
                user_id,
                name: name_of(user_id),
                key: "events.error_duplicate_person",
                region: String::new(),
            }]))
        }
        Err(Refusal::NoSeat {
            user_id,
            reason,
            quota,
        }) => {
            let region = match quota {
                Some(q) => {
                    let index = ctx.regions.index(&ctx.store).await?;
                    RegionCode::parse(&q)
                        .ok()
                        .and_then(|c| index.get(&c).map(|r| r.name.clone()))
                        .unwrap_or(q)
                }
                None => String::new(),
            };
            return Ok(Err(vec![PersonProblem {
                user_id,
                name: name_of(user_id),
                key: if reason == "quota" {
                    "events.error_no_seat_quota"
                } else {
                    "events.error_no_seat_full"
                },
                region,
            }]));
        }
    };
    let mut out = Vec::with_capacity(placed.len());
    for (n, p) in news.into_iter().zip(placed) {
        tell(ctx, &e, n.user_id, &p, &n.nonce).await?;
        out.push(Registered {
            name: n.name,
            placement: p,
        });
    }
    Ok(Ok(out))
}
