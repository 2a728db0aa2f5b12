//! The partnership agreements register over JSON: the list the caller may read (the
//! administrators overseeing each agreement's region) and one agreement with its obligations
//! and documents.

use crate::error::{AppError, AppResult};
use crate::extract::{ApiUser, PathParam, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use simpul_app::governance::agreements as app;
use simpul_store::governance::agreements::AgreementRecord;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AgreementView {
    pub id: i64,
    pub region_code: String,
    /// `mou` or `pks`.
    pub kind: String,
    pub title: String,
    pub scope: String,
    pub parties: Vec<String>,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    /// `active`, `expiring` (within 60 days), `upcoming` or `ended`.
    pub state: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ObligationView {
    pub id: i64,
    pub party: String,
    pub description: String,
    pub due_on: Option<chrono::NaiveDate>,
    /// `open`, `in_progress` or `done`.
    pub status: String,
    pub note: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Where a signed-in browser downloads it.
    pub url: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AgreementDetail {
    pub agreement: AgreementView,
    pub obligations: Vec<ObligationView>,
    pub documents: Vec<DocumentView>,
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&simpul_core::calendar::Zone::Wib.offset())
        .date_naive()
}

fn view(a: &AgreementRecord) -> AgreementView {
    AgreementView {
        id: a.id,
        region_code: a.region_code.clone(),
        kind: a.kind.clone(),
        title: a.title.clone(),
        scope: a.scope.clone(),
        parties: a.party_list().iter().map(|p| p.to_string()).collect(),
        starts_on: a.starts_on,
        ends_on: a.ends_on,
        state: app::state(a, today()).to_string(),
    }
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct AgreementParams {
    /// `active`, `expiring`, `upcoming` or `ended` (default: all).
    pub state: String,
}

#[utoipa::path(get, path = "/api/v1/governance/agreements", tag = "governance", security(("bearer" = [])),
    params(AgreementParams),
    responses((status = 200, body = [AgreementView]), (status = 403, body = crate::api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<AgreementParams>,
) -> AppResult<Json<Vec<AgreementView>>> {
    if !user.is_admin() && !app::may_keep_any(&user) {
        return Err(AppError::Forbidden);
    }
    let wanted = p.state.trim();
    Ok(Json(
        app::visible(&state, &user)
            .await?
            .iter()
            .map(view)
            .filter(|v| wanted.is_empty() || v.state == wanted)
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/governance/agreements/{id}", tag = "governance", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = AgreementDetail), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Json<AgreementDetail>> {
    let a = state.store.gov_agreement(id).await?;
    if !app::may_view(&user, &a) {
        return Err(AppError::Forbidden);
    }
    let obligations = state
        .store
        .gov_obligations(id)
        .await?
        .into_iter()
        .map(|o| ObligationView {
            id: o.id,
            party: o.party,
            description: o.description,
            due_on: o.due_on,
            status: o.status,
            note: o.note,
        })
        .collect();
    let documents = state
        .store
        .gov_agreement_files(id)
        .await?
        .into_iter()
        .map(|f| DocumentView {
            url: format!("/governance/agreements/{id}/documents/{}", f.id),
            id: f.id,
            filename: f.filename,
            content_type: f.content_type,
            size: f.size,
        })
        .collect();
    Ok(Json(AgreementDetail {
        agreement: view(&a),
        obligations,
        documents,
    }))
}
