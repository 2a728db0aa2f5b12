use super::{may_register, place_name, status_badge};
use crate::pages::{form_errors, render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CurrentUser, MaybeUser, PathParam, Query, SessionUser};
use crate::i18n::Messages;
use crate::service::registry::{self as reg, DirectoryQuery, KimInput, PAGE_SIZE};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_core::authz::Action;
use simpul_core::regions::RegionIndex;
use simpul_core::registry::{KimStatus, PhoneE164, Topic, Transition};
use simpul_core::{Level, RegionCode};
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
    can_edit: bool,
    can_members: bool,
    moves: Vec<(&'static str, &'a str, bool)>,
    duplicate: Option<(i64, String)>,
    logo_url: Option<String>,
    notice: Option<&'a str>,
    errors: Vec<FieldError>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    saved: Option<String>,
    created: Option<String>,
    duplicate: Option<String>,
}

pub async fn profile(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = if q.duplicate.is_some() {
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
    if !reg::can_see(user, &k, &village) {
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
    let current =
        KimStatus::parse(&k.status).ok_or_else(|| AppError::internal("unknown status"))?;
    let moves = current
        .transitions()
        .into_iter()
        .filter(|tr| match tr {
            Transition::Submit => can_edit,
            Transition::MarkInactive => false,
            _ => can_verify,
        })
        .map(|tr| {
            (
                tr.as_str(),
                t.get(&format!("transition.{}", tr.as_str())),
                matches!(tr, Transition::Reject | Transition::Dissolve),
            )
        })
        .collect();
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
    render_with_status(
        status,
        ProfilePage {
            status: t.get(&format!("status.{}", k.status)),
            badge: status_badge(&k.status),
            place: place_name(&index, &k.village_code),
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
            logo_url: k.logo_file_id.map(|_| format!("/kim/{id}/files/logo")),
            can_edit,
            can_members,
            moves,
            duplicate,
            notice: notice.map(|n| t.get(n)),
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
}

pub async fn transition(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(form): CsrfForm<TransitionForm>,
) -> AppResult<Response> {
    let t = Transition::parse(&form.action).ok_or(AppError::BadRequest("error.bad_form"))?;
    match reg::transition(&state, &user, &user.audit(&ctx), id, t, &form.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/kim/{id}?saved=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            let general = errors
                .into_iter()
                .map(|e| FieldError::new("", e.key))
                .collect();
            profile_page(&state, &ctx, Some(&user), id, None, general, status).await
        }
    }
}
