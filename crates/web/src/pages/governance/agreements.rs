//! The register of partnership agreements: the list (active, ending within 60 days, ended,
//! not started; filtered by state), the form (parties chosen from the offices, partner
//! agencies and KIMs offered, or written in), and an agreement's page with its documents
//! (PDF or scanned images, checked by their content), obligations and their follow-up.

use super::super::{form_errors, render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CsrfMultipart, CurrentUser, PathParam, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::governance::agreements::{self as app, AgreementInput};
use simpul_core::RegionCode;
use simpul_store::governance::agreements::{AgreementFile, AgreementRecord, ObligationRecord};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&simpul_core::calendar::Zone::Wib.offset())
        .date_naive()
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// `active`, `expiring`, `ended`, `upcoming`; empty: all.
    pub state: String,
}

pub const STATES: [&str; 4] = ["active", "expiring", "upcoming", "ended"];

#[derive(Template)]
#[template(path = "gov_agreements.html")]
struct ListPage<'a> {
    page: Page<'a>,
    rows: Vec<(AgreementRecord, &'static str)>,
    counts: Vec<(&'static str, usize)>,
    state: String,
    can_create: bool,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let can_create = app::may_keep_any(&user);
    if !user.is_admin() && !can_create {
        return Err(AppError::Forbidden);
    }
    let today = today();
    let all: Vec<(AgreementRecord, &'static str)> = app::visible(&state, &user)
        .await?
        .into_iter()
        .map(|a| {
            let s = app::state(&a, today);
            (a, s)
        })
        .collect();
    let counts = STATES
        .iter()
        .map(|s| (*s, all.iter().filter(|(_, x)| x == s).count()))
        .collect();
    let wanted = STATES
        .iter()
        .find(|s| **s == q.state.trim())
        .copied()
        .unwrap_or("");
    let rows = all
        .into_iter()
        .filter(|(_, s)| wanted.is_empty() || *s == wanted)
        .collect();
    render(ListPage {
        page: Page::new(&state, &ctx, Some(&user)),
        rows,
        counts,
        state: wanted.to_string(),
        can_create,
    })
}

/// The form as sent: parties ticked from those offered, and others written one per line.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AgreementForm {
    pub kind: String,
    pub title: String,
    pub scope: String,
    pub party: Vec<String>,
    pub parties: String,
    pub starts_on: String,
    pub ends_on: String,
    pub region: String,
    pub obligations: String,
}

impl AgreementForm {
    fn input(&self) -> AgreementInput {
        let mut parties: Vec<String> = self.party.iter().map(|p| p.trim().to_string()).collect();
        parties.extend(self.parties.lines().map(|l| l.trim().to_string()));
        parties.retain(|p| !p.is_empty());
        parties.dedup();
        AgreementInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            scope: self.scope.clone(),
            parties: parties.join("\n"),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
            region: self.region.clone(),
            obligations: self.obligations.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "gov_agreement_form.html")]
struct FormPage<'a> {
    page: Page<'a>,
    input: AgreementForm,
    regions: Vec<(String, String)>,
    offices: Vec<String>,
    partners: Vec<String>,
    kims: Vec<String>,
    errors: Vec<FieldError>,
}

async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    input: AgreementForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let regions = super::awards::award_regions(state, user).await?;
    let Some((first, _)) = regions.first() else {
        return Err(AppError::Forbidden);
    };
    let region = RegionCode::parse(first).map_err(AppError::internal)?;
    let names = state.regions.index(&state.store).await?;
    let mut offices = Vec::new();
    for code in [region.province(), region.clone()] {
        if let Some(r) = names.get(&code) {
            offices.push(format!("Dinas Kominfo {}", r.name));
        }
    }
    offices.dedup();
    render_with_status(
        status,
        FormPage {
            page: Page::new(state, ctx, Some(user)),
            partners: state
                .store
                .gov_partner_names(region.province().as_str())
                .await?,
            kims: state
                .store
                .gov_nominable_kims(region.as_str())
                .await?
                .into_iter()
                .map(|(_, n)| n)
                .collect(),
            input,
            regions,
            offices,
            errors,
        },
    )
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let input = AgreementForm {
        kind: "pks".into(),
        ..Default::default()
    };
    form_page(&state, &ctx, &user, input, Vec::new(), StatusCode::OK).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(form): CsrfForm<AgreementForm>,
) -> AppResult<Response> {
    match app::create(&state, &user, &user.audit(&ctx), &form.input()).await {
        Ok(id) => {
            Ok(Redirect::to(&format!("/governance/agreements/{id}?done=saved")).into_response())
        }
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            form_page(&state, &ctx, &user, form, errors, status).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    pub done: String,
}

#[derive(Template)]
#[template(path = "gov_agreement.html")]
struct ShowPage<'a> {
    page: Page<'a>,
    agreement: AgreementRecord,
    kind_name: &'a str,
    state_name: &'a str,
    state: &'static str,
    region_name: String,
    obligations: Vec<ObligationRecord>,
    files: Vec<AgreementFile>,
    manage: bool,
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
    let agreement = state.store.gov_agreement(id).await?;
    if !app::may_view(user, &agreement) {
        return Err(AppError::Forbidden);
    }
    let page = Page::new(state, ctx, Some(user));
    let notice = match done {
        "saved" => Some(page.t.get("gov.agreement_saved")),
        "uploaded" => Some(page.t.get("gov.uploaded")),
        "followed" => Some(page.t.get("gov.follow_up_saved")),
        _ => None,
    };
    let names = state.regions.index(&state.store).await?;
    let region_name = RegionCode::parse(&agreement.region_code)
        .ok()
        .and_then(|r| names.get(&r).map(|x| x.name.clone()))
        .unwrap_or_default();
    let agreement_state = app::state(&agreement, today());
    render_with_status(
        status,
        ShowPage {
            kind_name: page
                .t
                .get(&format!("gov.agreement_kind.{}", agreement.kind)),
            state_name: page.t.get(&format!("gov.state_{agreement_state}")),
            state: agreement_state,
            obligations: state.store.gov_obligations(id).await?,
            files: state.store.gov_agreement_files(id).await?,
            manage: app::may_manage(user, &agreement),
            page,
            agreement,
            region_name,
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

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FollowUpInput {
    pub status: String,
    pub note: String,
}

pub async fn follow_up(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam((id, obligation)): PathParam<(i64, i64)>,
    CsrfForm(input): CsrfForm<FollowUpInput>,
) -> AppResult<Response> {
    let audit = user.audit(&ctx);
    match app::follow_up(
        &state,
        &user,
        &audit,
        id,
        obligation,
        &input.status,
        &input.note,
    )
    .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/governance/agreements/{id}?done=followed")).into_response())
        }
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(&state, &ctx, &user, id, "", errors, status).await
        }
    }
}

/// A document, uploaded from the agreement's page (checked by its content, not its name).
pub async fn upload(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfMultipart(mut form): CsrfMultipart,
) -> AppResult<Response> {
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(f) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error.bad_form"))?
    {
        let name = f.name().unwrap_or("").to_owned();
        let filename = f.file_name().unwrap_or("dokumen").to_string();
        let data = f
            .bytes()
            .await
            .map_err(|_| AppError::BadRequest("error.file_too_large"))?;
        if name == "document" && !data.is_empty() {
            file = Some((filename, data.to_vec()));
        }
    }
    let result = match file {
        Some((name, data)) => app::attach(&state, &user, &user.audit(&ctx), id, &name, &data)
            .await
            .map(|_| ()),
        None => Err(AppError::invalid("document", "gov.error.document_missing")),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/governance/agreements/{id}?done=uploaded")).into_response())
        }
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(&state, &ctx, &user, id, "", errors, status).await
        }
    }
}

pub async fn document(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam((id, file)): PathParam<(i64, i64)>,
) -> AppResult<Response> {
    let (content_type, filename, data) = app::document(&state, &user, id, file).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        data,
    )
        .into_response())
}
