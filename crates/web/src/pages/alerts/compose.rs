//! Composing an alert: hazard, severity, urgency, certainty, texts, the area (regions chosen
//! from a list, a circle typed as centre and radius, a polygon, a saved area), then a preview
//! of the message and the KIMs it reaches with the reason for each, then send (or submit for
//! approval where the office requires a second person).

use super::super::{form_errors, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::alerts::{ComposeInput, Preview};
use simpul_core::alerts::{Certainty, Hazard, Severity, Urgency};
use simpul_core::authz::ScopeRegions;
use simpul_core::{Level, RegionCode};

#[derive(Template)]
#[template(path = "alerts_compose.html")]
struct ComposePage<'a> {
    page: Page<'a>,
    input: ComposeInput,
    errors: Vec<FieldError>,
    /// (code, name) of the regions offered as checkboxes.
    regions: Vec<(String, String)>,
    saved: Vec<(i64, String)>,
    hazards: &'static [Hazard],
    severities: &'static [Severity],
    urgencies: &'static [Urgency],
    certainties: &'static [Certainty],
    preview: Option<PreviewView>,
}

struct PreviewView {
    sms_id: String,
    sms_en: String,
    total: usize,
    /// (reason code, count)
    reasons: Vec<(String, usize)>,
    /// (KIM name, place, reason code, detail) of the first hundred.
    kims: Vec<(String, String, String, String)>,
    needs_approval: bool,
}

/// The regions a person may choose from: the kabupaten/kota of a province-wide territory,
/// the kecamatan of a kabupaten/kota.
async fn offered_regions(
    state: &AppState,
    territory: &ScopeRegions,
) -> AppResult<Vec<(String, String)>> {
    let index = state.regions.index(&state.store).await?;
    let roots: Vec<RegionCode> = match territory {
        ScopeRegions::All => index
            .regions()
            .filter(|r| r.level() == Level::Province)
            .map(|r| r.code.clone())
            .collect(),
        ScopeRegions::Regions(r) => r.clone(),
    };
    let mut out = Vec::new();
    for root in roots {
        let Some(level) = root.level().child() else {
            if let Some(r) = index.get(&root) {
                out.push((r.code.to_string(), r.name.clone()));
            }
            continue;
        };
        let prefix = format!("{root}.");
        let mut children: Vec<(String, String)> = index
            .regions()
            .filter(|r| r.level() == level && r.code.as_str().starts_with(&prefix))
            .map(|r| (r.code.to_string(), r.name.clone()))
            .collect();
        children.sort_by(|a, b| a.1.cmp(&b.1));
        out.extend(children);
    }
    Ok(out)
}

async fn page_for(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::CurrentUser,
    input: ComposeInput,
    errors: Vec<FieldError>,
    preview: Option<Preview>,
) -> AppResult<Response> {
    let territory = simpul_app::alerts::send::alert_territory(user);
    if territory.is_empty() {
        return Err(AppError::Forbidden);
    }
    let index = state.regions.index(&state.store).await?;
    let preview = match preview {
        None => None,
        Some(p) => {
            let ids: Vec<i64> = p.plan.targets.iter().take(100).map(|t| t.kim_id).collect();
            let names = state.store.kim_names(&ids).await?;
            let kims = names
                .into_iter()
                .map(|(id, name, village)| {
                    let t = p.plan.targets.iter().find(|t| t.kim_id == id);
                    (
                        name,
                        index.place_name(&village),
                        t.map(|t| t.reason.clone()).unwrap_or_default(),
                        t.map(|t| t.detail.clone()).unwrap_or_default(),
                    )
                })
                .collect();
            Some(PreviewView {
                sms_id: p.sms_id,
                sms_en: p.sms_en,
                total: p.plan.targets.len(),
                reasons: p
                    .plan
                    .by_reason
                    .iter()
                    .map(|(r, n)| (r.as_str().to_owned(), *n))
                    .collect(),
                kims,
                needs_approval: p.needs_approval,
            })
        }
    };
    let saved = state
        .store
        .saved_alert_areas()
        .await?
        .into_iter()
        .filter(|a| RegionCode::parse(&a.region_code).is_ok_and(|r| territory.contains_region(&r)))
        .map(|a| (a.id, a.name))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        ComposePage {
            page: Page::new(state, ctx, Some(user)),
            regions: offered_regions(state, &territory).await?,
            input,
            errors,
            saved,
            hazards: Hazard::ALL,
            severities: Severity::ALL,
            urgencies: Urgency::ALL,
            certainties: Certainty::ALL,
            preview,
        },
    )
}

pub async fn form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let input = ComposeInput {
        urgency: "immediate".into(),
        certainty: "observed".into(),
        expires_hours: "24".into(),
        ..ComposeInput::default()
    };
    page_for(&state, &ctx, &user, input, Vec::new(), None).await
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<ComposeInput>,
) -> AppResult<Response> {
    if input.action == "send" {
        match simpul_app::alerts::compose(&state, &user, &user.audit(&ctx), &input).await {
            Ok(id) => {
                let alert = state.store.alert(id).await?;
                let done = if alert.state == "pending" {
                    "pending"
                } else {
                    "sent"
                };
                return Ok(Redirect::to(&format!("/alerts/{id}?done={done}")).into_response());
            }
            Err(e) => {
                let (_, errors) = form_errors(e)?;
                return page_for(&state, &ctx, &user, input, errors, None).await;
            }
        }
    }
    match simpul_app::alerts::preview(&state, &user, &input).await {
        Ok(p) => page_for(&state, &ctx, &user, input, Vec::new(), Some(p)).await,
        Err(e) => {
            let (_, errors) = form_errors(e)?;
            page_for(&state, &ctx, &user, input, errors, None).await
        }
    }
}
