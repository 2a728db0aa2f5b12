//! Tiered awards, the jury's and the public's side: a juror's page lists the nominations with
//! the rubric, a score form and the conflict-of-interest declaration (a nomination of the
//! juror's own KIM shows why it cannot be scored); the public results page ranks each
//! category, names the winners with their certificates' verification codes, and offers each
//! winner's certificate.

use super::super::{form_errors, render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CurrentUser, PathParam, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::governance::award_results::{self as results, Ranked};
use simpul_app::governance::awards as app;
use simpul_core::RegionCode;
use simpul_store::governance::awards::{AwardRecord, NominationRow};

/// A nomination as a juror sees it.
pub struct JuryRow {
    pub nomination: NominationRow,
    pub mine: Option<i64>,
    pub own_kim: bool,
    pub errors: Vec<FieldError>,
    /// What the juror typed, when it was refused.
    pub typed: String,
}

#[derive(Template)]
#[template(path = "gov_award_score.html")]
struct ScorePage<'a> {
    page: Page<'a>,
    award: AwardRecord,
    level_name: &'a str,
    rubric: Vec<String>,
    rows: Vec<JuryRow>,
    manage: bool,
    notice: Option<&'a str>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ScoreQuery {
    pub done: String,
}

async fn score_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    refused: Option<(i64, Vec<FieldError>, String)>,
    done: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let award = state.store.gov_award(id).await?;
    if !state
        .store
        .gov_juror_awards(user.user_id)
        .await?
        .contains(&id)
    {
        return Err(AppError::Forbidden);
    }
    let mine = state.store.gov_my_scores(id, user.user_id).await?;
    let own = state.store.gov_user_kims(user.user_id).await?;
    let rows = state
        .store
        .gov_nominations(id)
        .await?
        .into_iter()
        .map(|n| {
            let (errors, typed) = match &refused {
                Some((nid, e, typed)) if *nid == n.id => (e.clone(), typed.clone()),
                _ => (Vec::new(), String::new()),
            };
            JuryRow {
                mine: mine.iter().find(|(x, _)| *x == n.id).map(|(_, s)| *s),
                own_kim: own.contains(&n.kim_id),
                nomination: n,
                errors,
                typed,
            }
        })
        .collect();
    let page = Page::new(state, ctx, Some(user));
    let notice = done.then(|| page.t.get("gov.score_saved"));
    render_with_status(
        status,
        ScorePage {
            level_name: page.t.get(&format!("gov.level.{}", award.level)),
            page,
            rubric: award
                .rubric
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            manage: app::may_manage(user, &award),
            award,
            rows,
            notice,
        },
    )
}

pub async fn score_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<ScoreQuery>,
) -> AppResult<Response> {
    score_page(
        &state,
        &ctx,
        &user,
        id,
        None,
        !q.done.is_empty(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ScoreInput {
    pub score: String,
    pub no_conflict: String,
    pub note: String,
}

pub async fn score(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(nomination): PathParam<i64>,
    CsrfForm(input): CsrfForm<ScoreInput>,
) -> AppResult<Response> {
    let n = state.store.gov_nomination(nomination).await?;
    let declared = !input.no_conflict.trim().is_empty();
    match app::score(
        &state,
        &user,
        &user.audit(&ctx),
        nomination,
        &input.score,
        declared,
        &input.note,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/governance/awards/{}/score?done=1#nomination-{nomination}",
            n.award_id
        ))
        .into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            let typed: String = input.score.trim().chars().take(10).collect();
            score_page(
                &state,
                &ctx,
                &user,
                n.award_id,
                Some((nomination, errors, typed)),
                false,
                status,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "gov_award_results.html")]
struct ResultsPage<'a> {
    page: Page<'a>,
    award: AwardRecord,
    level_name: &'a str,
    region_name: String,
    categories: Vec<(String, Vec<Ranked>)>,
}

/// The public results of a published award.
pub async fn public_results(
    State(state): State<AppState>,
    ctx: RequestCtx,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let award = results::published(&state, id).await?;
    let names = state.regions.index(&state.store).await?;
    let region_name = RegionCode::parse(&award.region_code)
        .ok()
        .and_then(|r| names.get(&r).map(|x| x.name.clone()))
        .unwrap_or_default();
    let page = Page::new(&state, &ctx, None);
    render(ResultsPage {
        level_name: page.t.get(&format!("gov.level.{}", award.level)),
        page,
        categories: results::rank(state.store.gov_nominations(id).await?),
        award,
        region_name,
    })
}

/// A winner's certificate (PDF), for anyone: the results it states are public.
pub async fn certificate(
    State(state): State<AppState>,
    PathParam((id, nomination)): PathParam<(i64, i64)>,
) -> AppResult<Response> {
    let (code, pdf) = results::certificate(&state, id, nomination).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"sertifikat-{code}.pdf\""),
            ),
        ],
        pdf,
    )
        .into_response())
}
