use super::status_badge;
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CurrentUser, MaybeUser, PathParam, Query, SessionUser};
use crate::pages::{form_errors, render_with_status, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::registry as reg;
use simpul_core::authz::Action;
use simpul_core::registry::{KimStatus, PhoneE164, Transition};
use simpul_store::registry::KimRecord;

#[derive(Template)]
#[template(path = "kim_profile.html")]
struct ProfilePage<'a> {
    page: Page<'a>,
    k: KimRecord,
    status: &'a str,
    badge: &'static str,
    place: String,
    places: Vec<(String, String)>,
    phone: Option<String>,
    topics: String,
    social: Vec<(String, String)>,
    member_count: i64,
    /// Trainings and forums its people attended (capacity building counts as activity).
    trainings: i64,
    can_edit: bool,
    can_members: bool,
    /// Dissemination reports and people reached (for those who see the KIM's private data).
    dissem: Option<(i64, i64)>,
    moves: Vec<(&'static str, &'a str, bool)>,
    duplicate: Option<(i64, String)>,
    logo_url: Option<String>,
    notice: Option<String>,
    errors: Vec<FieldError>,
    /// The status history (for the KIM's people and administrators).
    history: Vec<HistoryRow>,
    /// Village voices: its latest posts and village potential, posts it re-shared, and the
    /// office's publishing setting (for those who review its posts).
    portal_posts: Vec<crate::pages::portal::Card>,
    portal_potential: Vec<crate::pages::portal::Card>,
    portal_reshared: Vec<crate::pages::portal::Card>,
    portal_trusted: Option<bool>,
    can_write: bool,
    canonical: String,
}

pub struct HistoryRow {
    at: String,
    who: String,
    what: String,
    reason: Option<String>,
}

/// Moves that ask "are you sure?" first: they are hard or impossible to undo.
fn needs_confirmation(t: Transition) -> bool {
    matches!(
        t,
        Transition::Verify | Transition::Reject | Transition::Dissolve
    )
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    saved: Option<String>,
    created: Option<String>,
    duplicate: Option<String>,
    verified: Option<String>,
    done: Option<String>,
}

pub async fn profile(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = if q.done.as_deref() == Some("portal_trusted") {
        Some("portal.done_trusted")
    } else if q.done.as_deref() == Some("portal_untrusted") {
        Some("portal.done_untrusted")
    } else if q.verified.is_some() {
        Some("kim.verified_notice")
    } else if q.duplicate.is_some() {
        Some("kim.created_duplicate")
    } else if q.created.is_some() {
        Some("kim.created")
    } else if q.saved.is_some() {
        Some("common.saved")
    } else {
        None
    };
    profile_page(
        &state,
        &ctx,
        user.as_ref(),
        id,
        notice,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn profile_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: Option<&CurrentUser>,
    id: i64,
    notice: Option<&str>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let k = state.store.kim(id).await?;
    let village = reg::kim_village(&k).await?;
    if !reg::can_see(user.map(|u| &u.actor), &k, &village) {
        return Err(AppError::NotFound);
    }
    let index = state.regions.index(&state.store).await?;
    let page = Page::new(state, ctx, user);
    let t = page.t;
    let can_edit = user.is_some_and(|u| {
        u.actor.can(Action::EditKim {
            kim_id: id,
            village: &village,
        })
    });
    let can_verify = user.is_some_and(|u| u.actor.can(Action::VerifyKim { village: &village }));
    let can_members = user.is_some_and(|u| {
        u.actor.can(Action::ViewKimPrivate {
            kim_id: id,
            village: &village,
        })
    });
    let dissem = if can_members {
        Some(state.store.dissem_kim_totals(id).await?)
    } else {
        None
    };
    let current =
        KimStatus::parse(&k.status).ok_or_else(|| AppError::internal("unknown status"))?;
    let moves = current
        .transitions()
        .into_iter()
        .filter(|tr| user.is_some_and(|u| reg::may(u, *tr, id, &village)))
        .map(|tr| {
            (
                tr.as_str(),
                t.get(&format!("transition.{}", tr.as_str())),
                needs_confirmation(tr),
            )
        })
        .collect();
    let history = if can_edit || can_verify || can_members {
        state
            .store
            .kim_history(id)
            .await?
            .into_iter()
            .map(|h| HistoryRow {
                at: page.time(h.at),
                who: h.actor_name,
                what: match (&h.from, &h.reg_number) {
                    (Some(_), Some(n)) if h.to == "verified" => {
                        t.fmt("kim.history_verified", &[("number", n.as_str())])
                    }
                    (None, _) => t.fmt(
                        "kim.history_registered",
                        &[("status", t.get(&format!("status.{}", h.to)))],
                    ),
                    _ => t.get(&format!("status.{}", h.to)).to_owned(),
                },
                reason: h.reason,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut places: Vec<(String, String)> = village
        .ancestors()
        .iter()
        .filter_map(|c| index.get(c).map(|r| (c.to_string(), r.name.clone())))
        .collect();
    places.truncate(3);
    let social: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&k.social).unwrap_or_default();
    let duplicate = match k.duplicate_of {
        Some(d) if can_verify || can_edit => state.store.kim(d).await.ok().map(|o| (o.id, o.name)),
        _ => None,
    };
    let latest = |kind: Option<&str>| simpul_store::portal::PostFilter {
        kim_id: Some(id),
        kind: kind.map(str::to_owned),
        ..Default::default()
    };
    let portal_posts = crate::pages::portal::cards(
        state,
        state.store.portal_posts(&latest(None), 5, 0).await?.0,
    )
    .await?;
    let portal_potential = crate::pages::portal::cards(
        state,
        state
            .store
            .portal_posts(&latest(Some("potential")), 6, 0)
            .await?
            .0,
    )
    .await?;
    let portal_reshared =
        crate::pages::portal::cards(state, state.store.portal_reshared_by(id, 5).await?).await?;
    let portal_trusted = if can_verify {
        Some(state.store.portal_is_trusted(id).await?)
    } else {
        None
    };
    let can_write = user.is_some_and(|u| u.actor.can(Action::WritePost { kim_id: id }));
    render_with_status(
        status,
        ProfilePage {
            portal_posts,
            portal_potential,
            portal_reshared,
            portal_trusted,
            can_write,
            canonical: format!("{}/kim/{id}", state.config.base_url.trim_end_matches('/')),
            status: t.get(&format!("status.{}", k.status)),
            badge: status_badge(&k.status),
            place: index.place_name(&k.village_code),
            places,
            phone: k
                .phone
                .as_deref()
                .and_then(|p| PhoneE164::parse(p).ok())
                .map(|p| p.national_grouped()),
            topics: k
                .topics
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| t.get(&format!("topic.{s}")))
                .collect::<Vec<_>>()
                .join(", "),
            social: social
                .into_iter()
                .map(|(kind, url)| (t.get(&format!("social.{kind}")).to_owned(), url))
                .collect(),
            member_count: state.store.member_count(id).await?,
            trainings: state.store.kim_training_count(id).await?,
            logo_url: k.logo_file_id.map(|_| format!("/kim/{id}/files/logo")),
            can_edit,
            can_members,
            dissem,
            moves,
            duplicate,
            notice: notice.map(|n| {
                t.fmt(
                    n,
                    &[("number", k.reg_number.as_deref().unwrap_or_default())],
                )
            }),
            history,
            errors,
            k,
            page,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    /// "1" once the person has seen the confirmation step.
    #[serde(default)]
    confirm: String,
}

#[derive(Template)]
#[template(path = "kim_confirm.html")]
struct ConfirmPage<'a> {
    page: Page<'a>,
    k: KimRecord,
    action: &'static str,
    heading: String,
    explain: &'a str,
    button: &'a str,
    place: String,
    has_sk: bool,
    reason: String,
    reason_error: Option<&'a str>,
}

/// "Verify KIM X?": what the move does, what to check first, and the reason field.
#[allow(clippy::too_many_arguments)]
async fn confirm_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    t: Transition,
    form: &TransitionForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let k = state.store.kim(id).await?;
    let village = reg::kim_village(&k).await?;
    if !reg::can_see(Some(user), &k, &village) {
        return Err(AppError::NotFound);
    }
    if !reg::may(user, t, id, &village) {
        return Err(AppError::Forbidden);
    }
    let index = state.regions.index(&state.store).await?;
    let page = Page::new(state, ctx, Some(user));
    let msg = page.t;
    let action = t.as_str();
    render_with_status(
        status,
        ConfirmPage {
            heading: msg.fmt(&format!("kim.confirm_{action}"), &[("name", &k.name)]),
            explain: msg.get(&format!("kim.confirm_{action}_explain")),
            button: msg.get(&format!("transition.{action}")),
            place: index.place_name(&k.village_code),
            has_sk: k.sk_file_id.is_some(),
            reason: form.reason.clone(),
            reason_error: page.field_error(&errors, "reason"),
            action,
            k,
            page,
        },
    )
}

pub async fn transition(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(form): CsrfForm<TransitionForm>,
) -> AppResult<Response> {
    let t = Transition::parse(&form.action).ok_or(AppError::BadRequest("error.bad_form"))?;
    if needs_confirmation(t) && form.confirm != "1" {
        return confirm_page(
            &state,
            &ctx,
            &user,
            id,
            t,
            &form,
            Vec::new(),
            StatusCode::OK,
        )
        .await;
    }
    match reg::transition(&state, &user, &user.audit(&ctx), id, t, &form.reason).await {
        Ok(_) if t == Transition::Verify => {
            Ok(Redirect::to(&format!("/kim/{id}?verified=1")).into_response())
        }
        Ok(_) => Ok(Redirect::to(&format!("/kim/{id}?saved=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            if needs_confirmation(t) && errors.iter().any(|e| e.field == "reason") {
                // A missing reason: ask again on the same step, keeping what was typed.
                return confirm_page(&state, &ctx, &user, id, t, &form, errors, status).await;
            }
            let general = errors
                .into_iter()
                .map(|e| FieldError::new("", e.key))
                .collect();
            profile_page(&state, &ctx, Some(&user), id, None, general, status).await
        }
    }
}
