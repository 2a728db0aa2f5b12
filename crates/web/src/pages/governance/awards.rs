//! Tiered awards, the office's side: the list (awards one manages, judges, or whose results are
//! out), opening an award (title, level, region, categories, rubric, highest score), and an
//! award's page: nominations by category (the index's top KIMs in one action, or a KIM chosen
//! from the region's), jurors chosen from the accounts offered, and publishing the results.

use super::super::{form_errors, render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CurrentUser, PathParam, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::governance::award_results::{self as results, Ranked};
use simpul_app::governance::awards::{self as app, AwardInput};
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::{RegionCode, Role};
use simpul_store::governance::awards::{AwardRecord, JurorCandidate};

/// The regions where this person may open awards: the territories of their account-managing
/// roles (the ministry: East Java, where Simpul runs).
pub async fn award_regions(
    state: &AppState,
    user: &CurrentUser,
) -> AppResult<Vec<(String, String)>> {
    let names = state.regions.index(&state.store).await?;
    let mut out: Vec<(String, String)> = Vec::new();
    for g in &user.actor.grants {
        if !matches!(
            g.role,
            Role::NationalAdmin | Role::ProvincialAdmin | Role::RegencyAdmin
        ) {
            continue;
        }
        let roots = match &g.territory {
            ScopeRegions::All => vec![RegionCode::parse("35").expect("valid")],
            ScopeRegions::Regions(rs) => rs.clone(),
        };
        for r in roots {
            if user.can(Action::ManageAgreements { region: &r }) {
                let name = names.get(&r).map(|x| x.name.clone()).unwrap_or_default();
                out.push((r.to_string(), name));
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// One award in the list, with what this person may do with it.
pub struct ListRow {
    pub award: AwardRecord,
    pub manage: bool,
    pub judge: bool,
}

#[derive(Template)]
#[template(path = "gov_awards.html")]
struct ListPage<'a> {
    page: Page<'a>,
    rows: Vec<ListRow>,
    can_create: bool,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let judged = state.store.gov_juror_awards(user.user_id).await?;
    let rows = state
        .store
        .gov_awards()
        .await?
        .into_iter()
        .filter_map(|a| {
            let manage = app::may_manage(&user, &a);
            let judge = judged.contains(&a.id);
            (manage || judge || a.status == "published").then_some(ListRow {
                award: a,
                manage,
                judge,
            })
        })
        .collect();
    render(ListPage {
        can_create: !award_regions(&state, &user).await?.is_empty(),
        page: Page::new(&state, &ctx, Some(&user)),
        rows,
    })
}

#[derive(Template)]
#[template(path = "gov_award_form.html")]
struct FormPage<'a> {
    page: Page<'a>,
    input: AwardInput,
    regions: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    input: AwardInput,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let regions = award_regions(state, user).await?;
    if regions.is_empty() {
        return Err(AppError::Forbidden);
    }
    let page = Page::new(state, ctx, Some(user));
    let levels = app::LEVELS
        .iter()
        .map(|l| {
            (
                l.to_string(),
                page.t.get(&format!("gov.level.{l}")).to_string(),
            )
        })
        .collect();
    render_with_status(
        status,
        FormPage {
            page,
            input,
            regions,
            levels,
            errors,
        },
    )
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let input = AwardInput {
        level: "regency".into(),
        max_score: "100".into(),
        ..Default::default()
    };
    form_page(&state, &ctx, &user, input, Vec::new(), StatusCode::OK).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<AwardInput>,
) -> AppResult<Response> {
    match app::create(&state, &user, &user.audit(&ctx), &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/governance/awards/{id}?done=saved")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            form_page(&state, &ctx, &user, input, errors, status).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    pub done: String,
}

#[derive(Template)]
#[template(path = "gov_award.html")]
struct ShowPage<'a> {
    page: Page<'a>,
    award: AwardRecord,
    /// The reader manages it (otherwise an overseeing administrator, reading only).
    manage: bool,
    level_name: &'a str,
    region_name: String,
    categories: Vec<(String, Vec<Ranked>)>,
    category_names: Vec<String>,
    jurors: Vec<(i64, String)>,
    candidates: Vec<JurorCandidate>,
    kims: Vec<(i64, String)>,
    judge: bool,
    notice: Option<&'a str>,
    errors: Vec<FieldError>,
}

async fn show_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    done: &str,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    // Administrators overseeing the award's region read it (the audit log links here); only
    // its managers get the forms.
    let award = state.store.gov_award(id).await?;
    let manage = app::may_manage(user, &award);
    let oversee = RegionCode::parse(&award.region_code)
        .is_ok_and(|r| user.can(simpul_core::authz::Action::ViewRankings { region: &r }));
    if !manage && !oversee {
        return Err(AppError::Forbidden);
    }
    let page = Page::new(state, ctx, Some(user));
    let notice = match done {
        "saved" => Some(page.t.get("gov.award_saved")),
        "nominated" => Some(page.t.get("gov.nominated")),
        "juror" => Some(page.t.get("gov.juror_added")),
        "published" => Some(page.t.get("gov.results_published")),
        _ => None,
    };
    let names = state.regions.index(&state.store).await?;
    let region = RegionCode::parse(&award.region_code).map_err(AppError::internal)?;
    let region_name = names
        .get(&region)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    let jurors = state.store.gov_jurors(id).await?;
    let (candidates, kims) = if award.status == "open" && manage {
        let candidates = state
            .store
            .gov_juror_candidates(region.province().as_str())
            .await?
            .into_iter()
            .filter(|c| !jurors.iter().any(|(j, _)| *j == c.id))
            .collect();
        (
            candidates,
            state.store.gov_nominable_kims(region.as_str()).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    render_with_status(
        status,
        ShowPage {
            categories: results::rank(state.store.gov_nominations(id).await?),
            category_names: award
                .category_list()
                .iter()
                .map(|c| c.to_string())
                .collect(),
            judge: jurors.iter().any(|(j, _)| *j == user.user_id),
            manage,
            level_name: page.t.get(&format!("gov.level.{}", award.level)),
            page,
            award,
            region_name,
            jurors,
            candidates,
            kims,
            notice,
            errors,
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
    show_page(&state, &ctx, &user, id, &q.done, Vec::new(), StatusCode::OK).await
}

/// After an action: back to the award with a notice, or the page again with the message.
async fn after(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    done: &str,
    result: AppResult<()>,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/governance/awards/{id}?done={done}")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(state, ctx, user, id, "", errors, status).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NominateInput {
    pub category: String,
    /// KIMs chosen from the list offered.
    pub kim: Vec<String>,
}

pub async fn nominate(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<NominateInput>,
) -> AppResult<Response> {
    let kims: Result<Vec<i64>, _> = input.kim.iter().map(|k| k.trim().parse()).collect();
    let result = match kims {
        Ok(kims) => app::nominate(
            &state,
            &user,
            &user.audit(&ctx),
            id,
            &input.category,
            &kims,
            "office",
        )
        .await
        .map(|_| ()),
        Err(_) => Err(AppError::invalid("kims", "gov.error.kims")),
    };
    after(&state, &ctx, &user, id, "nominated", result).await
}

pub async fn nominate_top(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<NominateInput>,
) -> AppResult<Response> {
    let result = app::nominate_top(&state, &user, &user.audit(&ctx), id, &input.category, 5)
        .await
        .map(|_| ());
    after(&state, &ctx, &user, id, "nominated", result).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct JurorInput {
    pub username: String,
}

pub async fn add_juror(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<JurorInput>,
) -> AppResult<Response> {
    let result = app::add_juror(&state, &user, &user.audit(&ctx), id, &input.username).await;
    after(&state, &ctx, &user, id, "juror", result).await
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<JurorInput>,
) -> AppResult<Response> {
    let result = app::publish(&state, &user, &user.audit(&ctx), id).await;
    after(&state, &ctx, &user, id, "published", result).await
}
