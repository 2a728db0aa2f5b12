//! Writing a package (title, topic, key messages, body, captions per channel, video link,
//! target, period, priority, owning office), its office page (status, moderation buttons,
//! attachments, versions, targeted KIMs), and corrections of a published package.

use super::places::{below_regency, place_box, PlaceBox, PlaceSearch};
use super::{place, status_badge, topic_name};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::CsrfMultipart;
use crate::extract::{CsrfForm, CsrfFormWith, CurrentUser, PathParam, Query, SessionUser};
use crate::pages::{form_errors, render_with_status, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::dissem::{self as app, PackageInput};
use simpul_core::dissem::{CaptionChannel, PackageStatus, Priority, Step, Target};
use simpul_core::registry::Topic;
use simpul_core::RegionCode;

/// (value, label, checked) of a choice.
pub type Choice = (String, String, bool);

#[derive(Template)]
#[template(path = "dissem_form.html")]
struct FormPage<'a> {
    page: Page<'a>,
    action: String,
    heading: String,
    input: PackageInput,
    errors: Vec<FieldError>,
    offices: Vec<Choice>,
    topics: Vec<Choice>,
    priorities: Vec<Choice>,
    region_targets: Vec<Choice>,
    group_targets: Vec<Choice>,
    topic_targets: Vec<Choice>,
    other_targets: String,
    hidden_targets: Vec<String>,
    places: PlaceBox,
    correction: bool,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: Option<i64>,
    input: PackageInput,
    errors: Vec<FieldError>,
    status: StatusCode,
    correction: bool,
    search: &PlaceSearch,
) -> AppResult<Response> {
    let offices = app::offices(&user.actor);
    if offices.is_empty() {
        return Err(AppError::Forbidden);
    }
    let page = Page::new(state, ctx, Some(user));
    let chosen: Vec<Target> = input
        .targets
        .iter()
        .filter_map(|t| Target::parse(t))
        .collect();
    let mut office_choices = Vec::new();
    let mut region_targets = Vec::new();
    let mut group_targets = Vec::new();
    let mut offered: Vec<Target> = Vec::new();
    let index = state.regions.index(&state.store).await?;
    for o in &offices {
        let code = o.as_ref().map(|c| c.to_string()).unwrap_or_default();
        let name = place(state, &page.t, o.as_ref().map(|c| c.as_str())).await?;
        office_choices.push((code.clone(), name.clone(), input.office == code));
        let Some(o) = o else { continue };
        let whole = Target::Region(o.clone());
        region_targets.push((
            whole.to_token(),
            page.t.fmt("dissem.form.whole", &[("name", &name)]),
            chosen.contains(&whole),
        ));
        offered.push(whole);
        for child in state.store.region_children(Some(o)).await? {
            let t = Target::Region(child.code.clone());
            region_targets.push((t.to_token(), child.name.clone(), chosen.contains(&t)));
            offered.push(t);
        }
        let province = RegionCode::parse(&o.as_str()[..2]).ok();
        if let Some(p) = province {
            for g in state.store.groups(Some(&p)).await? {
                if g.members.iter().any(|m| o.contains(m) || m.contains(o)) {
                    let t = Target::Group(g.id);
                    if !offered.contains(&t) {
                        group_targets.push((t.to_token(), g.name.clone(), chosen.contains(&t)));
                        offered.push(t);
                    }
                }
            }
        }
    }
    let topic_targets = Topic::ALL
        .iter()
        .map(|t| {
            let x = Target::Topic(*t);
            let on = chosen.contains(&x);
            offered.push(x.clone());
            (x.to_token(), page.t.get(t.message_key()).to_string(), on)
        })
        .collect();
    // Kecamatan and villages: listed checked in the place box, where more can be found by name.
    let places = place_box(
        &index,
        search,
        &below_regency(chosen.iter().filter_map(|t| match t {
            Target::Region(r) if !offered.contains(t) => Some(r.clone()),
            _ => None,
        })),
        &offered.iter().map(Target::to_token).collect::<Vec<_>>(),
        &offices,
        |c| Target::Region(c.clone()).to_token(),
    );
    let kept_elsewhere = |t: &&Target| {
        !offered.contains(t) && !places.chosen.iter().any(|p| p.value == t.to_token())
    };
    // Other targets chosen through the API (another province's group): kept, shown by name.
    let other_targets = chosen
        .iter()
        .filter(kept_elsewhere)
        .map(|t| match t {
            Target::Region(r) => index.place_name(r.as_str()),
            other => other.to_token(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let hidden_targets = chosen
        .iter()
        .filter(kept_elsewhere)
        .map(Target::to_token)
        .collect();
    let topics = Topic::ALL
        .iter()
        .map(|t| {
            (
                t.as_str().to_string(),
                page.t.get(t.message_key()).to_string(),
                input.topic == t.as_str(),
            )
        })
        .collect();
    let priorities = Priority::ALL
        .iter()
        .map(|p| {
            (
                p.as_str().to_string(),
                page.t.get(&p.message_key()).to_string(),
                input.priority == p.as_str()
                    || (input.priority.is_empty() && *p == Priority::Normal),
            )
        })
        .collect();
    let (action, heading) = match id {
        Some(id) => (
            format!("/dissem/{id}/edit"),
            page.t
                .get(if correction {
                    "dissem.form.correct"
                } else {
                    "dissem.form.edit"
                })
                .to_string(),
        ),
        None => (
            "/dissem/new".to_string(),
            page.t.get("dissem.form.new").to_string(),
        ),
    };
    render_with_status(
        status,
        FormPage {
            action,
            heading,
            input,
            errors,
            offices: office_choices,
            topics,
            priorities,
            region_targets,
            group_targets,
            topic_targets,
            other_targets,
            hidden_targets,
            places,
            correction,
            page,
        },
    )
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let today = chrono::Utc::now().date_naive();
    let input = PackageInput {
        office: app::offices(&user.actor)
            .first()
            .cloned()
            .flatten()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        starts_on: today.to_string(),
        ends_on: (today + chrono::Duration::days(30)).to_string(),
        priority: "normal".into(),
        ..Default::default()
    };
    form_page(
        &state,
        &ctx,
        &user,
        None,
        input,
        Vec::new(),
        StatusCode::OK,
        false,
        &PlaceSearch::default(),
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfFormWith(input, search): CsrfFormWith<PackageInput, PlaceSearch>,
) -> AppResult<Response> {
    if search.searching() {
        let (errors, status) = (Vec::new(), StatusCode::OK);
        return form_page(
            &state, &ctx, &user, None, input, errors, status, false, &search,
        )
        .await;
    }
    match app::create(&state, &user.actor, &user.audit(&ctx), &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/dissem/{id}")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            form_page(
                &state, &ctx, &user, None, input, errors, status, false, &search,
            )
            .await
        }
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let p = app::visible(&state, &user.actor, id).await?;
    if !app::may_edit(&user.actor, &p) {
        return Err(AppError::Forbidden);
    }
    let correction = p.status == PackageStatus::Published;
    let input = PackageInput::from_record(&p);
    form_page(
        &state,
        &ctx,
        &user,
        Some(id),
        input,
        Vec::new(),
        StatusCode::OK,
        correction,
        &PlaceSearch::default(),
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfFormWith(input, search): CsrfFormWith<PackageInput, PlaceSearch>,
) -> AppResult<Response> {
    let outcome = if search.searching() {
        Ok(None)
    } else {
        app::update(&state, &user.actor, &user.audit(&ctx), id, &input)
            .await
            .map(Some)
    };
    match outcome {
        Ok(Some(_)) => Ok(Redirect::to(&format!("/dissem/{id}?saved=1")).into_response()),
        other => {
            let (status, errors) = match other {
                Err(e) => form_errors(e)?,
                _ => (StatusCode::OK, Vec::new()),
            };
            let p = app::visible(&state, &user.actor, id).await?;
            if !app::may_edit(&user.actor, &p) {
                return Err(AppError::Forbidden);
            }
            let correction = p.status == PackageStatus::Published;
            form_page(
                &state,
                &ctx,
                &user,
                Some(id),
                input,
                errors,
                status,
                correction,
                &search,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "dissem_show.html")]
struct ShowPage<'a> {
    page: Page<'a>,
    id: i64,
    title: String,
    status: String,
    badge: &'static str,
    is_draft: bool,
    is_review: bool,
    is_published: bool,
    meta: String,
    key_messages: String,
    body: String,
    captions: Vec<(String, String)>,
    video_link: String,
    targets: Vec<String>,
    attachments: Vec<(i64, String)>,
    versions: Vec<(i64, String, String, String)>,
    reached: String,
    can_edit: bool,
    can_publish: bool,
    errors: Vec<FieldError>,
    notice: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
}

async fn show_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    errors: Vec<FieldError>,
    status: StatusCode,
    notice: Option<&str>,
) -> AppResult<Response> {
    let p = app::visible(state, &user.actor, id).await?;
    let page = Page::new(state, ctx, Some(user));
    let index = state.regions.index(&state.store).await?;
    let groups = state.store.groups(None).await?;
    let targets = Target::parse_list(&p.targets)
        .into_iter()
        .map(|t| match t {
            Target::Region(r) => index.place_name(r.as_str()),
            Target::Group(g) => groups
                .iter()
                .find(|x| x.id == g)
                .map(|x| x.name.clone())
                .unwrap_or_else(|| format!("#{g}")),
            Target::Topic(t) => page.t.fmt(
                "dissem.target_topic",
                &[("topic", page.t.get(t.message_key()))],
            ),
        })
        .collect();
    let captions = app::captions_of(&p)
        .into_iter()
        .map(|(c, text): (CaptionChannel, String)| (page.t.get(&c.message_key()).to_string(), text))
        .collect();
    let targeted = state.store.dissem_targets(id).await?;
    let done = targeted
        .iter()
        .filter(|t| t.state == simpul_core::dissem::TargetState::Done)
        .count();
    let versions = state
        .store
        .dissem_versions(id)
        .await?
        .into_iter()
        .map(|v| {
            let changed = v
                .changed
                .split(',')
                .filter(|f| !f.is_empty())
                .map(|f| page.t.get(&format!("dissem.field.{f}")))
                .collect::<Vec<_>>()
                .join(", ");
            (v.version, page.time(v.created_at), changed, v.change_note)
        })
        .collect();
    let owner = place(state, &page.t, p.owner_region.as_deref()).await?;
    let meta = page.t.fmt(
        "dissem.show.meta",
        &[
            ("topic", &topic_name(&page.t, &p.topic)),
            ("office", &owner),
            ("from", &page.date(p.starts_on)),
            ("until", &page.date(p.ends_on)),
            ("version", &p.version.to_string()),
            (
                "priority",
                Priority::parse(&p.priority)
                    .map(|x| page.t.get(&x.message_key()))
                    .unwrap_or(""),
            ),
        ],
    );
    render_with_status(
        status,
        ShowPage {
            id,
            title: p.title.clone(),
            status: page.t.get(&p.status.message_key()).to_string(),
            badge: status_badge(p.status),
            is_draft: p.status == PackageStatus::Draft,
            is_review: p.status == PackageStatus::Review,
            is_published: p.status == PackageStatus::Published,
            meta,
            key_messages: p.key_messages.clone(),
            body: p.body.clone(),
            captions,
            video_link: p.video_link.clone(),
            targets,
            attachments: state
                .store
                .dissem_attachments(id)
                .await?
                .into_iter()
                .map(|(i, name, _)| (i, name))
                .collect(),
            versions,
            reached: page.t.fmt(
                "dissem.show.reached",
                &[
                    ("done", &done.to_string()),
                    ("total", &targeted.len().to_string()),
                ],
            ),
            can_edit: app::may_edit(&user.actor, &p),
            can_publish: app::may_publish(&user.actor, &p),
            errors,
            notice: notice.map(|k| page.t.get(k).to_string()),
            page,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let notice = q.saved.map(|_| "dissem.show.saved");
    show_page(&state, &ctx, &user, id, Vec::new(), StatusCode::OK, notice).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    step: String,
}

pub async fn transition(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> AppResult<Response> {
    let Some(step) = Step::parse(&form.step) else {
        return Err(AppError::BadRequest("error.bad_form"));
    };
    match app::transition(&state, &user.actor, &user.audit(&ctx), id, step).await {
        Ok(_) => Ok(Redirect::to(&format!("/dissem/{id}")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(&state, &ctx, &user, id, errors, status, None).await
        }
    }
}

/// Attachments, as a multipart form (the CSRF token in the query string).
pub async fn attach(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfMultipart(mut form): CsrfMultipart,
) -> AppResult<Response> {
    let mut files = Vec::new();
    while let Some(f) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error.bad_form"))?
    {
        if f.name() != Some("attachments") {
            continue;
        }
        let name = f.file_name().unwrap_or("lampiran").to_string();
        let data = f
            .bytes()
            .await
            .map_err(|_| AppError::BadRequest("error.file_too_large"))?;
        if files.len() >= app::MAX_ATTACHMENTS {
            return Err(AppError::invalid(
                "attachments",
                "dissem.error.too_many_files",
            ));
        }
        if !data.is_empty() {
            files.push((name, data.to_vec()));
        }
    }
    match app::attach(&state, &user.actor, &user.audit(&ctx), id, &files).await {
        Ok(()) => Ok(Redirect::to(&format!("/dissem/{id}?saved=1")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(&state, &ctx, &user, id, errors, status, None).await
        }
    }
}

/// An attachment, for the package's office and the officers of the KIMs it reaches.
pub async fn attachment(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let (name, ct, data) = app::attachment_file(&state, &user.actor, id).await?;
    let disposition = if ct == "application/pdf" {
        format!("attachment; filename=\"{name}\"")
    } else {
        format!("inline; filename=\"{name}\"")
    };
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        data,
    )
        .into_response())
}
