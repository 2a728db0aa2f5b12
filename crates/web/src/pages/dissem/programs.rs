//! The shared program calendar: a month per region (programs week by week), overlaps with the
//! owners' decision forms, gaps (kabupaten/kota and topics with nothing planned), the program
//! form, exports, and the public iCalendar feeds per office and per region.

use super::places::{below_regency, place_box, PlaceBox, PlaceSearch};
use super::{place, topic_name};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CsrfFormWith, CurrentUser, PathParam, Query, SessionUser};
use crate::pages::{form_errors, render, render_with_status, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, Months};
use simpul_app::dissem::programs::{self as app, ProgramInput};
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::dissem::programs::CHANNELS;
use simpul_core::dissem::Decision;
use simpul_core::registry::Topic;
use simpul_core::RegionCode;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CalendarQuery {
    month: Option<String>,
    region: Option<String>,
    format: Option<String>,
    saved: Option<String>,
}

pub struct ProgramLine {
    pub id: i64,
    pub theme: String,
    pub meta: String,
    pub editable: bool,
}

pub struct OverlapLine {
    pub a: i64,
    pub b: i64,
    pub kind: String,
    pub a_theme: String,
    pub b_theme: String,
    pub decision: Option<String>,
    pub can_decide: bool,
    /// Whether this person may open each program (its edit page); otherwise its theme is text.
    pub a_editable: bool,
    pub b_editable: bool,
}

#[derive(Template)]
#[template(path = "programs.html")]
struct CalendarPage<'a> {
    page: Page<'a>,
    month_label: String,
    month: String,
    prev: String,
    next: String,
    region: String,
    regions: Vec<(String, String)>,
    weeks: Vec<(String, Vec<ProgramLine>)>,
    overlaps: Vec<OverlapLine>,
    empty_regions: Vec<String>,
    empty_topics: Vec<String>,
    decisions: Vec<(String, String)>,
    can_plan: bool,
    feed: Option<String>,
    notice: Option<String>,
}

fn parse_region(s: Option<&str>) -> Option<RegionCode> {
    s.and_then(|r| RegionCode::parse(r.trim()).ok())
}

/// Regions a viewer may pick: their territory's roots and the level below.
async fn region_choices(state: &AppState, user: &CurrentUser) -> AppResult<Vec<(String, String)>> {
    let index = state.regions.index(&state.store).await?;
    let roots: Vec<RegionCode> = match simpul_app::dissem::watch_territory(&user.actor) {
        ScopeRegions::All => state
            .store
            .region_children(None)
            .await?
            .into_iter()
            .map(|r| r.code)
            .collect(),
        ScopeRegions::Regions(r) => r,
    };
    let mut out = Vec::new();
    for r in roots.iter().take(40) {
        out.push((r.to_string(), index.place_name(r.as_str())));
        if r.level() != simpul_core::Level::Village && roots.len() < 5 {
            for c in state.store.region_children(Some(r)).await? {
                out.push((c.code.to_string(), format!("– {}", c.name)));
            }
        }
    }
    Ok(out)
}

pub async fn calendar(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<CalendarQuery>,
) -> AppResult<Response> {
    let month = app::month_start(q.month.as_deref());
    let region = parse_region(q.region.as_deref());
    let cal = app::calendar(&state, &user.actor, month, region.clone()).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let index = state.regions.index(&state.store).await?;
    let mut weeks = Vec::new();
    let mut monday =
        cal.from - Duration::days(i64::from(cal.from.weekday().num_days_from_monday()));
    while monday <= cal.until {
        let sunday = monday + Duration::days(6);
        let lines = cal
            .programs
            .iter()
            .filter(|p| p.starts_on <= sunday && p.ends_on >= monday)
            .map(|p| {
                let regions = p
                    .regions
                    .split(',')
                    .map(|r| index.place_name(r))
                    .collect::<Vec<_>>()
                    .join(", ");
                ProgramLine {
                    id: p.id,
                    theme: p.theme.clone(),
                    meta: format!(
                        "{} · {} – {} · {}",
                        topic_name(&page.t, &p.topic),
                        page.date(p.starts_on),
                        page.date(p.ends_on),
                        regions
                    ),
                    editable: app::may_plan(&user.actor, p),
                }
            })
            .collect();
        weeks.push((
            page.t
                .fmt("dissem.programs.week", &[("date", &page.date(monday))]),
            lines,
        ));
        monday += Duration::days(7);
    }
    let overlaps = cal
        .overlaps
        .iter()
        .map(|o| OverlapLine {
            a: o.a.id,
            b: o.b.id,
            kind: page.t.get(&o.overlap.kind.message_key()).to_string(),
            a_theme: o.a.theme.clone(),
            b_theme: o.b.theme.clone(),
            decision: o.decision.as_ref().map(|d| {
                let name = Decision::parse(&d.decision)
                    .map(|x| page.t.get(&x.message_key()).to_string())
                    .unwrap_or_default();
                if d.note.is_empty() {
                    name
                } else {
                    format!("{name}: {}", d.note)
                }
            }),
            can_decide: app::may_plan(&user.actor, &o.a) || app::may_plan(&user.actor, &o.b),
            a_editable: app::may_plan(&user.actor, &o.a),
            b_editable: app::may_plan(&user.actor, &o.b),
        })
        .collect();
    let feed = region
        .as_ref()
        .map(|r| format!("/programs/region/{r}/calendar.ics"));
    render(CalendarPage {
        month_label: simpul_core::calendar::long_date(month, page.lang)
            .split_once(' ')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default(),
        month: month.format("%Y-%m").to_string(),
        prev: (month - Months::new(1)).format("%Y-%m").to_string(),
        next: (month + Months::new(1)).format("%Y-%m").to_string(),
        region: region.map(|r| r.to_string()).unwrap_or_default(),
        regions: region_choices(&state, &user).await?,
        weeks,
        overlaps,
        empty_regions: cal
            .empty_regions
            .iter()
            .map(|r| index.place_name(r.as_str()))
            .collect(),
        empty_topics: cal
            .empty_topics
            .iter()
            .map(|t| page.t.get(t.message_key()).to_string())
            .collect(),
        decisions: Decision::ALL
            .iter()
            .map(|d| {
                (
                    d.as_str().to_string(),
                    page.t.get(&d.message_key()).to_string(),
                )
            })
            .collect(),
        can_plan: !simpul_app::dissem::offices(&user.actor).is_empty()
            || user.actor.can(Action::PlanProgram { region: None })
            || user.actor.is_admin(),
        feed,
        notice: q
            .saved
            .map(|_| page.t.get("dissem.programs.saved").to_string()),
        page,
    })
}

#[derive(Template)]
#[template(path = "program_form.html")]
struct FormPage<'a> {
    page: Page<'a>,
    action: String,
    input: ProgramInput,
    errors: Vec<FieldError>,
    offices: Vec<(String, String)>,
    topics: Vec<(String, String)>,
    regions: Vec<(String, String)>,
    places: PlaceBox,
    channels: Vec<(String, String)>,
}

/// Offices a planner enters programs for: the roots of their administrator and partner grants.
async fn planner_offices(state: &AppState, user: &CurrentUser) -> AppResult<Vec<(String, String)>> {
    let t = state.catalog.messages(simpul_app::Locale::default());
    let mut out = Vec::new();
    for g in user
        .actor
        .grants
        .iter()
        .filter(|g| g.role.is_admin() || g.role == simpul_core::Role::PartnerStaff)
    {
        match &g.territory {
            ScopeRegions::All => out.push((String::new(), t.get("dissem.national").to_string())),
            ScopeRegions::Regions(r) => {
                for c in r {
                    out.push((c.to_string(), place(state, &t, Some(c.as_str())).await?));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: Option<i64>,
    input: ProgramInput,
    errors: Vec<FieldError>,
    status: StatusCode,
    search: &PlaceSearch,
) -> AppResult<Response> {
    let offices = planner_offices(state, user).await?;
    if offices.is_empty() {
        return Err(AppError::Forbidden);
    }
    let page = Page::new(state, ctx, Some(user));
    let regions = region_choices(state, user).await?;
    let index = state.regions.index(&state.store).await?;
    let within: Vec<Option<RegionCode>> = match simpul_app::dissem::watch_territory(&user.actor) {
        ScopeRegions::All => vec![None],
        ScopeRegions::Regions(r) => r.into_iter().map(Some).collect(),
    };
    // Kecamatan and villages not already offered as checkboxes go to the place box.
    let chosen = below_regency(
        input
            .regions
            .iter()
            .filter(|c| !regions.iter().any(|(v, _)| v == *c))
            .filter_map(|c| RegionCode::parse(c.trim()).ok()),
    );
    let offered: Vec<String> = regions.iter().map(|(v, _)| v.clone()).collect();
    let places = place_box(&index, search, &chosen, &offered, &within, |c| {
        c.to_string()
    });
    render_with_status(
        status,
        FormPage {
            action: id.map_or("/programs/new".to_string(), |i| format!("/programs/{i}")),
            topics: Topic::ALL
                .iter()
                .map(|t| {
                    (
                        t.as_str().to_string(),
                        page.t.get(t.message_key()).to_string(),
                    )
                })
                .collect(),
            regions,
            places,
            channels: CHANNELS
                .iter()
                .map(|c| {
                    (
                        c.to_string(),
                        page.t
                            .get(&format!("dissem.program_channel.{c}"))
                            .to_string(),
                    )
                })
                .collect(),
            offices,
            input,
            errors,
            page,
        },
    )
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let month = app::month_start(None);
    let offices = planner_offices(&state, &user).await?;
    let input = ProgramInput {
        office: offices.first().map(|o| o.0.clone()).unwrap_or_default(),
        starts_on: month.to_string(),
        ends_on: app::month_end(month).to_string(),
        channels: vec!["kim".into()],
        ..Default::default()
    };
    let search = PlaceSearch::default();
    form_page(
        &state,
        &ctx,
        &user,
        None,
        input,
        Vec::new(),
        StatusCode::OK,
        &search,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfFormWith(input, search): CsrfFormWith<ProgramInput, PlaceSearch>,
) -> AppResult<Response> {
    save(state, ctx, user, None, input, search).await
}

async fn save(
    state: AppState,
    ctx: RequestCtx,
    user: CurrentUser,
    id: Option<i64>,
    input: ProgramInput,
    search: PlaceSearch,
) -> AppResult<Response> {
    if search.searching() {
        if let Some(id) = id {
            let p = app::program(&state, &user.actor, id).await?;
            if !app::may_plan(&user.actor, &p) {
                return Err(AppError::Forbidden);
            }
        }
        let errors = Vec::new();
        return form_page(
            &state,
            &ctx,
            &user,
            id,
            input,
            errors,
            StatusCode::OK,
            &search,
        )
        .await;
    }
    match app::save(&state, &user.actor, &user.audit(&ctx), id, &input).await {
        Ok(_) => {
            let month = &input.starts_on.get(..7).unwrap_or("");
            let region = input.regions.first().cloned().unwrap_or_default();
            Ok(
                Redirect::to(&format!("/programs?month={month}&region={region}&saved=1"))
                    .into_response(),
            )
        }
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            form_page(&state, &ctx, &user, id, input, errors, status, &search).await
        }
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let p = app::program(&state, &user.actor, id).await?;
    if !app::may_plan(&user.actor, &p) {
        return Err(AppError::Forbidden);
    }
    form_page(
        &state,
        &ctx,
        &user,
        Some(id),
        ProgramInput::from_record(&p),
        Vec::new(),
        StatusCode::OK,
        &PlaceSearch::default(),
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfFormWith(input, search): CsrfFormWith<ProgramInput, PlaceSearch>,
) -> AppResult<Response> {
    save(state, ctx, user, Some(id), input, search).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    a: i64,
    b: i64,
    decision: String,
    note: String,
    month: String,
    region: String,
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    app::decide(
        &state,
        &user.actor,
        &user.audit(&ctx),
        form.a,
        form.b,
        &form.decision,
        &form.note,
    )
    .await?;
    let month: String = form
        .month
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .take(7)
        .collect();
    let region: String = form
        .region
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .take(13)
        .collect();
    Ok(Redirect::to(&format!("/programs?month={month}&region={region}&saved=1")).into_response())
}

pub async fn export(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Query(q): Query<CalendarQuery>,
) -> AppResult<Response> {
    let month = app::month_start(q.month.as_deref());
    let rows = app::export_rows(
        &state,
        &user.actor,
        month,
        parse_region(q.region.as_deref()),
    )
    .await?;
    let (ct, ext, bytes) = simpul_app::dissem::reach::sheet(
        q.format.as_deref().unwrap_or("csv"),
        "Program",
        &app::EXPORT_HEADERS,
        &rows,
    )?;
    Ok((
        [
            ("content-type", ct.to_string()),
            (
                "content-disposition",
                format!(
                    "attachment; filename=\"program-{}.{ext}\"",
                    month.format("%Y-%m")
                ),
            ),
            ("cache-control", "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

async fn feed(state: &AppState, code: &str, office: bool) -> AppResult<Response> {
    let code = RegionCode::parse(code).map_err(|_| AppError::NotFound)?;
    let t = state.catalog.messages(simpul_app::Locale::default());
    let name = place(state, &t, Some(code.as_str())).await?;
    let programs = app::feed_programs(state, &code, office).await?;
    let index = state.regions.index(&state.store).await?;
    let items: Vec<_> = programs
        .into_iter()
        .map(|p| {
            let regions = p
                .regions
                .split(',')
                .map(|r| index.place_name(r))
                .collect::<Vec<_>>()
                .join(", ");
            let d = format!("{} · {}", topic_name(&t, &p.topic), regions);
            (p, d)
        })
        .collect();
    let host = state
        .config
        .base_url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let title = t.fmt("dissem.programs.feed_title", &[("name", &name)]);
    Ok((
        [
            ("content-type", "text/calendar; charset=utf-8"),
            ("cache-control", "public, max-age=900"),
        ],
        app::ical(&title, &host, &items),
    )
        .into_response())
}

/// The programs an office owns, as a calendar subscription (public: no budget lines).
pub async fn office_feed(
    State(state): State<AppState>,
    PathParam(code): PathParam<String>,
) -> AppResult<Response> {
    feed(&state, &code, true).await
}

/// The programs touching a region, as a calendar subscription.
pub async fn region_feed(
    State(state): State<AppState>,
    PathParam(code): PathParam<String>,
) -> AppResult<Response> {
    feed(&state, &code, false).await
}
