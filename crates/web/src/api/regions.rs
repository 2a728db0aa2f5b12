use crate::error::{AppError, AppResult};
use crate::extract::{PathParam, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use simpul_core::regions::{Region, RegionCode};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RegionView {
    /// Official Kemendagri code, e.g. `35.14.10`.
    pub code: String,
    pub name: String,
    /// province, regency, district or village.
    pub level: String,
}

impl From<&Region> for RegionView {
    fn from(r: &Region) -> Self {
        RegionView {
            code: r.code.to_string(),
            name: r.name.clone(),
            level: r.level().as_str().into(),
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RegionHit {
    #[serde(flatten)]
    pub region: RegionView,
    /// Names of the enclosing regions, outermost first.
    pub context: Vec<String>,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// Part of a name, tolerant of case and of "Kab.", "Kabupaten", "Kota", "Kec." prefixes.
    /// Without it, the provinces are listed.
    #[serde(default)]
    pub q: Option<String>,
    /// At most this many results (1–100, default 20).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// Find regions by name across all levels, best matches first.
#[utoipa::path(get, path = "/api/v1/regions", tag = "regions", params(SearchParams),
    responses((status = 200, body = [RegionHit]), (status = 400, body = crate::api::Problem)))]
pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> AppResult<Json<Vec<RegionHit>>> {
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::invalid("limit", "error.limit"));
    }
    let Some(q) = p.q.filter(|q| !q.trim().is_empty()) else {
        let provinces = state.store.region_children(None).await?;
        return Ok(Json(
            provinces
                .iter()
                .map(|r| RegionHit {
                    region: r.into(),
                    context: vec![],
                })
                .collect(),
        ));
    };
    if q.chars().count() > 100 {
        return Err(AppError::invalid("q", "error.query_too_long"));
    }
    let index = state.regions.index(&state.store).await?;
    Ok(Json(
        index
            .search(&q, limit)
            .into_iter()
            .map(|h| RegionHit {
                region: h.region.into(),
                context: h.context.into_iter().map(str::to_owned).collect(),
            })
            .collect(),
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RegionDetailView {
    #[serde(flatten)]
    pub region: RegionView,
    pub parent_code: Option<String>,
    /// Enclosing regions, outermost first.
    pub ancestors: Vec<RegionView>,
    pub children: Vec<RegionView>,
}

/// A region with its parent chain and children.
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "regions", params(("code" = String, Path, example = "35.14")),
    responses((status = 200, body = RegionDetailView), (status = 404, body = crate::api::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    PathParam(code): PathParam<String>,
) -> AppResult<Json<RegionDetailView>> {
    let code = RegionCode::parse(&code).map_err(|_| AppError::NotFound)?;
    let d = state.store.region_detail(&code).await?;
    Ok(Json(RegionDetailView {
        parent_code: d.region.parent().map(|c| c.to_string()),
        region: (&d.region).into(),
        ancestors: d.ancestors.iter().map(Into::into).collect(),
        children: d.children.iter().map(Into::into).collect(),
    }))
}
