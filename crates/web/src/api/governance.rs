//! Partnership governance over JSON: a KIM's explained score and the ranking of an index in a
//! region (the same rules as the pages: a KIM's people and the administrators of its region;
//! rankings for administrators inside their territory).

use crate::error::{AppError, AppResult};
use crate::extract::{ApiUser, PathParam, Query};
use crate::pages::governance::ranking::{select, RankingQuery, PAGE_SIZE};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use simpul_app::governance::explain::{self, Explanation};
use simpul_core::authz::Action;
use simpul_core::governance::{DORMANT_BELOW, SHARP_DROP};
use simpul_core::RegionCode;

/// A KIM's score in the current (or the given) index, explained; all empty while no published
/// index has scored the KIM (a KIM not yet verified, or before the first computation).
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct ScoreView {
    pub index_id: Option<i64>,
    pub index_title: Option<String>,
    pub starts_on: Option<chrono::NaiveDate>,
    pub ends_on: Option<chrono::NaiveDate>,
    pub score: Option<Explanation>,
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ScoreQuery {
    /// An index of the KIM's province (default: the current one).
    pub index: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/governance/kims/{id}/score", tag = "governance", security(("bearer" = [])),
    params(("id" = i64, Path), ScoreQuery),
    responses((status = 200, body = ScoreView), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn score(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<ScoreQuery>,
) -> AppResult<Json<ScoreView>> {
    let kim = state.store.kim(id).await?;
    let village = RegionCode::parse(&kim.village_code).map_err(AppError::internal)?;
    if !user.can(Action::ViewKimScore {
        kim_id: id,
        village: &village,
    }) {
        return Err(AppError::Forbidden);
    }
    let found = match q.index {
        Some(i) => {
            let index = state.store.gov_index(i).await?;
            if index.province_code != kim.province_code || index.status != "published" {
                return Err(AppError::NotFound);
            }
            state.store.gov_latest_run(i).await?.map(|r| (index, r))
        }
        None => explain::current_run(&state, &kim.province_code).await?,
    };
    let Some((index, run)) = found else {
        return Ok(Json(ScoreView::default()));
    };
    let score = explain::explain(&state, &index, &run, id).await?;
    Ok(Json(ScoreView {
        index_id: Some(index.id),
        index_title: Some(index.title),
        starts_on: Some(index.starts_on),
        ends_on: Some(index.ends_on),
        score,
    }))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RankView {
    pub kim_id: i64,
    pub kim_name: String,
    pub regency_code: String,
    pub score: f64,
    pub rank_regency: i64,
    pub rank_province: i64,
    /// The score in the previous period's index, if any.
    pub previous: Option<f64>,
    pub dormant: bool,
    pub dropped_sharply: bool,
    pub coached: bool,
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct RankingParams {
    /// An index (default: the current one of the region's province).
    pub index: Option<i64>,
    /// A region inside the caller's territory (default: their own).
    pub region: String,
    /// `1`: only KIMs dormant or dropped sharply.
    pub attention: Option<String>,
    /// Page (50 a page), from 1.
    pub page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/governance/rankings", tag = "governance", security(("bearer" = [])),
    params(RankingParams),
    responses((status = 200, body = [RankView]), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn rankings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<RankingParams>,
) -> AppResult<Json<Vec<RankView>>> {
    let q = RankingQuery {
        index: p.index,
        region: p.region,
        attention: p.attention.clone(),
        page: p.page,
        sent: None,
    };
    let Some(s) = select(&state, &user, &q).await? else {
        return Err(AppError::NotFound);
    };
    let attention = p
        .attention
        .as_deref()
        .is_some_and(|a| !a.is_empty() && a != "0");
    let page = p.page.unwrap_or(1).clamp(1, 10_000);
    let rows = state
        .store
        .gov_ranking(
            s.run.id,
            s.previous,
            Some(s.region.as_str()),
            attention.then_some((DORMANT_BELOW, SHARP_DROP)),
            PAGE_SIZE,
            (page - 1) * PAGE_SIZE,
        )
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| RankView {
                dormant: r.score < DORMANT_BELOW,
                dropped_sharply: r.previous.is_some_and(|p| p - r.score >= SHARP_DROP),
                coached: r.coached > 0,
                kim_id: r.kim_id,
                kim_name: r.kim_name,
                regency_code: r.regency_code,
                score: r.score,
                rank_regency: r.rank_regency,
                rank_province: r.rank_province,
                previous: r.previous,
            })
            .collect(),
    ))
}
