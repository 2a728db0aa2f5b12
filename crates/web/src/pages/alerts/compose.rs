//! Composing an alert: hazard, severity, urgency, certainty, texts, the area (regions chosen
//! from a list, a circle typed as centre and radius, a polygon, a saved area), then a preview
//! of the message and the KIMs it reaches with the reason for each, then send (or submit for
//! approval where the office requires a second person). The same form, filled in, updates a
//! manual alert still in force.

use super::super::{form_errors, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, PathParam, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::alerts::{ComposeInput, Preview};
use simpul_core::alerts::{AlertArea, Certainty, Hazard, Severity, Urgency};
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::{Level, RegionCode};
use simpul_store::alerts::AlertRecord;

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
    /// The alert being updated (its id), or None for a new one.
    editing: Option<i64>,
    /// The map pickers (pick.js): tiles, and Leaflet fetched only when a map is opened.
    tiles: String,
    attribution: String,
    leaflet_js: &'static str,
    leaflet_css: &'static str,
    pick_js: &'static str,
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
    edit_page_for(state, ctx, user, input, errors, preview, None).await
}

async fn edit_page_for(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::CurrentUser,
    input: ComposeInput,
    errors: Vec<FieldError>,
    preview: Option<Preview>,
    editing: Option<i64>,
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
            editing,
            tiles: state.config.map_tiles.clone(),
            attribution: state.config.map_attribution.clone(),
            leaflet_js: &crate::assets::LEAFLET_JS.url,
            leaflet_css: &crate::assets::LEAFLET_CSS.url,
            pick_js: &crate::assets::PICK_JS.url,
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

/// Manual alerts still in force can be updated here; a feed's alerts follow their feed.
pub fn editable(alert: &AlertRecord) -> bool {
    alert.origin == "manual" && super::in_force(alert)
}

/// The compose form filled in from an alert, for its update.
fn input_of(alert: &AlertRecord) -> ComposeInput {
    let area: AlertArea = serde_json::from_str(&alert.area).unwrap_or_default();
    let circle = area.circles.first();
    let hours = alert
        .expires
        .map(|e| (e - chrono::Utc::now()).num_minutes().div_euclid(60).max(1))
        .unwrap_or(24);
    let number = |x: f64| format!("{}", (x * 1e6).round() / 1e6);
    ComposeInput {
        hazard: alert.hazard.clone(),
        severity: alert.severity.clone(),
        urgency: alert.urgency.clone(),
        certainty: alert.certainty.clone(),
        headline: alert.headline.clone(),
        description: alert.description.clone(),
        instruction: alert.instruction.clone(),
        headline_en: alert.headline_en.clone(),
        instruction_en: alert.instruction_en.clone(),
        area_desc: alert.area_desc.clone(),
        regions: area.regions.iter().map(|r| r.to_string()).collect(),
        circle_lat: circle.map(|c| number(c.lat)).unwrap_or_default(),
        circle_lon: circle.map(|c| number(c.lon)).unwrap_or_default(),
        circle_km: circle.map(|c| number(c.radius_km)).unwrap_or_default(),
        polygon: area
            .polygons
            .first()
            .map(|p| p.to_cap())
            .unwrap_or_default(),
        expires_hours: hours.min(24 * 14).to_string(),
        ..ComposeInput::default()
    }
}

/// The alert to update, if this person may update it (else: not found, as for any alert they
/// may not change).
async fn alert_to_edit(
    state: &AppState,
    user: &crate::CurrentUser,
    id: i64,
) -> AppResult<AlertRecord> {
    let alert = state.store.alert(id).await?;
    let scope = RegionCode::parse(&alert.scope_region).ok();
    if !editable(&alert)
        || !user.actor.can(Action::ComposeAlert {
            region: scope.as_ref(),
        })
    {
        return Err(AppError::NotFound);
    }
    Ok(alert)
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let alert = alert_to_edit(&state, &user, id).await?;
    edit_page_for(
        &state,
        &ctx,
        &user,
        input_of(&alert),
        Vec::new(),
        None,
        Some(id),
    )
    .await
}

/// Preview the update, or send it: the same alert, a new version, to the KIMs it reached and
/// any the new area adds.
pub async fn edit_submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<ComposeInput>,
) -> AppResult<Response> {
    alert_to_edit(&state, &user, id).await?;
    if input.action == "send" {
        return match simpul_app::alerts::update(&state, &user, &user.audit(&ctx), id, &input).await
        {
            Ok(()) => Ok(Redirect::to(&format!("/alerts/{id}?done=updated")).into_response()),
            Err(e) => {
                let (_, errors) = form_errors(e)?;
                edit_page_for(&state, &ctx, &user, input, errors, None, Some(id)).await
            }
        };
    }
    match simpul_app::alerts::preview(&state, &user, &input).await {
        Ok(p) => edit_page_for(&state, &ctx, &user, input, Vec::new(), Some(p), Some(id)).await,
        Err(e) => {
            let (_, errors) = form_errors(e)?;
            edit_page_for(&state, &ctx, &user, input, errors, None, Some(id)).await
        }
    }
}
