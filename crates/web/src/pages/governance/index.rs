//! Index definitions: the province's form (indicators offered from every capability's manifest,
//! each with weight, cap and normalisation), publishing, computing on demand, and a
//! kabupaten/kota office's local indicators.

use super::super::{form_errors, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, CurrentUser, PathParam, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::governance::{self as app, IndexInput, LocalInput};
use simpul_core::authz::Action;
use simpul_core::governance::{Item, Normalisation};
use simpul_core::{Level, RegionCode};
use simpul_store::governance::{IndexRecord, RunRecord};

/// One row of the indicator table: the indicator and what the form holds for it.
pub struct ItemRow {
    pub key: String,
    pub name: String,
    pub weight: String,
    pub cap: String,
    pub norm: String,
}

/// The item columns of a submitted form: keys, weights, caps, normalisations.
type ItemLists<'a> = (&'a [String], &'a [String], &'a [String], &'a [String]);

/// Every registered indicator, with the values of `items` (or of the input) filled in.
fn rows(page: &Page<'_>, items: &[Item], input: Option<ItemLists<'_>>) -> Vec<ItemRow> {
    simpul_app::manifest::indicators()
        .map(|ind| {
            let from_input = input.and_then(|(keys, w, c, n)| {
                keys.iter().position(|k| k == ind.code).map(|i| {
                    (
                        w.get(i).cloned().unwrap_or_default(),
                        c.get(i).cloned().unwrap_or_default(),
                        n.get(i).cloned().unwrap_or_default(),
                    )
                })
            });
            let (weight, cap, norm) = match from_input {
                Some(v) => v,
                None => match items.iter().find(|i| i.key == ind.code) {
                    Some(i) => (
                        i.weight.to_string(),
                        simpul_app::governance::explain::plain(i.cap),
                        i.normalisation.as_str().to_string(),
                    ),
                    None => (
                        String::new(),
                        simpul_app::governance::explain::plain(ind.default_cap),
                        "none".into(),
                    ),
                },
            };
            ItemRow {
                key: ind.code.to_string(),
                name: page.t.get(ind.name).to_string(),
                weight,
                cap,
                norm,
            }
        })
        .collect()
}

fn norms(page: &Page<'_>) -> Vec<(String, String)> {
    Normalisation::ALL
        .iter()
        .map(|n| {
            (
                n.as_str().to_string(),
                page.t.get(&n.message_key()).to_string(),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "gov_index_form.html")]
struct FormPage<'a> {
    page: Page<'a>,
    action: String,
    input: IndexInput,
    provinces: Vec<(String, String)>,
    items: Vec<ItemRow>,
    norms: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

async fn provinces(state: &AppState, user: &CurrentUser) -> AppResult<Vec<(String, String)>> {
    let names = state.regions.index(&state.store).await?;
    Ok(app::index_provinces(user)
        .into_iter()
        .map(|p| {
            let name = names.get(&p).map(|r| r.name.clone()).unwrap_or_default();
            (p.to_string(), name)
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    action: String,
    input: IndexInput,
    items: &[Item],
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let page = Page::new(state, ctx, Some(user));
    let from_input = (!input.item_key.is_empty()).then_some((
        input.item_key.as_slice(),
        input.item_weight.as_slice(),
        input.item_cap.as_slice(),
        input.item_norm.as_slice(),
    ));
    let items = rows(&page, items, from_input);
    let norms = norms(&page);
    render_with_status(
        status,
        FormPage {
            provinces: provinces(state, user).await?,
            page,
            action,
            input,
            items,
            norms,
            errors,
        },
    )
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    if app::index_provinces(&user).is_empty() {
        return Err(AppError::Forbidden);
    }
    let input = IndexInput {
        local_limit: "10".into(),
        ..Default::default()
    };
    form_page(
        &state,
        &ctx,
        &user,
        "/governance/indexes".into(),
        input,
        &[],
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<IndexInput>,
) -> AppResult<Response> {
    match app::save_index(&state, &user, &user.audit(&ctx), None, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/governance/indexes/{id}?saved=1")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            form_page(
                &state,
                &ctx,
                &user,
                "/governance/indexes".into(),
                input,
                &[],
                errors,
                status,
            )
            .await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    pub saved: Option<String>,
    pub queued: Option<String>,
    pub local: Option<String>,
}

#[derive(Template)]
#[template(path = "gov_index.html")]
struct ShowPage<'a> {
    page: Page<'a>,
    index: IndexRecord,
    items: Vec<(String, String, String, String)>,
    run: Option<RunRecord>,
    can_define: bool,
    notice: Option<&'a str>,
    edit: Option<Vec<ItemRow>>,
    norms: Vec<(String, String)>,
    local_regencies: Vec<(String, String)>,
    local_rows: Vec<ItemRow>,
    local: Vec<(String, Vec<(String, String)>)>,
    errors: Vec<FieldError>,
}

/// The index if this person may see it: its province's definers, and administrators inside its
/// province once published.
async fn visible_index(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> AppResult<(IndexRecord, bool)> {
    let index = state.store.gov_index(id).await?;
    let province = RegionCode::parse(&index.province_code).map_err(AppError::internal)?;
    let can_define = user.can(Action::DefineIndex {
        province: &province,
    });
    let sees = can_define
        || (index.status == "published"
            && user.actor.grants.iter().any(|g| {
                g.role.is_admin()
                    && match &g.territory {
                        simpul_core::ScopeRegions::All => true,
                        simpul_core::ScopeRegions::Regions(rs) => {
                            rs.iter().any(|r| province.contains(r))
                        }
                    }
            }));
    if !sees {
        return Err(AppError::Forbidden);
    }
    Ok((index, can_define))
}

/// Kabupaten/kota of the index's province where this person may add local indicators.
async fn local_regencies(
    state: &AppState,
    user: &CurrentUser,
    index: &IndexRecord,
) -> AppResult<Vec<(String, String)>> {
    if index.status != "published" || index.local_limit == 0 {
        return Ok(Vec::new());
    }
    let names = state.regions.index(&state.store).await?;
    let province = RegionCode::parse(&index.province_code).map_err(AppError::internal)?;
    let mut out = Vec::new();
    for g in &user.actor.grants {
        if let simpul_core::ScopeRegions::Regions(rs) = &g.territory {
            for r in rs {
                if r.level() == Level::Regency
                    && province.contains(r)
                    && user.can(Action::AddLocalIndicators { regency: r })
                {
                    let name = names.get(r).map(|x| x.name.clone()).unwrap_or_default();
                    out.push((r.to_string(), name));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

async fn show_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let (index, can_define) = visible_index(state, user, id).await?;
    let page = Page::new(state, ctx, Some(user));
    let t = page.t;
    let items_of = |items: &[Item]| -> Vec<(String, String)> {
        items
            .iter()
            .map(|i| {
                let name = simpul_app::manifest::indicator(&i.key)
                    .map(|x| t.get(x.name).to_string())
                    .unwrap_or_else(|| i.key.clone());
                (name, format!("{} %", i.weight))
            })
            .collect()
    };
    let items_list = app::items_of(&index);
    let items = items_list
        .iter()
        .map(|i| {
            let name = simpul_app::manifest::indicator(&i.key)
                .map(|x| t.get(x.name).to_string())
                .unwrap_or_else(|| i.key.clone());
            (
                name,
                i.weight.to_string(),
                simpul_app::governance::explain::plain(i.cap),
                t.get(&i.normalisation.message_key()).to_string(),
            )
        })
        .collect();
    let mut local = Vec::new();
    let names = state.regions.index(&state.store).await?;
    for (regency, json) in state.store.gov_local_items(id).await? {
        let items: Vec<Item> = serde_json::from_str(&json).unwrap_or_default();
        if items.is_empty() {
            continue;
        }
        let name = RegionCode::parse(&regency)
            .ok()
            .and_then(|r| names.get(&r).map(|x| x.name.clone()))
            .unwrap_or(regency);
        local.push((name, items_of(&items)));
    }
    let edit = (can_define && index.status == "draft").then(|| rows(&page, &items_list, None));
    let local_regencies = local_regencies(state, user, &index).await?;
    let local_rows: Vec<ItemRow> = rows(&page, &[], None)
        .into_iter()
        .filter(|r| !items_list.iter().any(|i| i.key == r.key))
        .collect();
    render_with_status(
        status,
        ShowPage {
            run: state.store.gov_latest_run(id).await?,
            norms: norms(&page),
            notice: notice.map(|k| t.get(k)),
            page,
            index,
            items,
            can_define,
            edit,
            local_regencies,
            local_rows,
            local,
            errors,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    crate::extract::Query(q): crate::extract::Query<ShowQuery>,
) -> AppResult<Response> {
    let notice = if q.saved.is_some() {
        Some("gov.saved")
    } else if q.queued.is_some() {
        Some("gov.compute_queued")
    } else if q.local.is_some() {
        Some("gov.local_saved")
    } else {
        None
    };
    show_page(&state, &ctx, &user, id, notice, Vec::new(), StatusCode::OK).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<IndexInput>,
) -> AppResult<Response> {
    let i = app::index_for_admin(&state, &user, id).await?;
    let input = IndexInput {
        province: i.province_code.clone(),
        ..input
    };
    match app::save_index(&state, &user, &user.audit(&ctx), Some(id), &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/governance/indexes/{id}?saved=1")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            form_page(
                &state,
                &ctx,
                &user,
                format!("/governance/indexes/{id}"),
                input,
                &app::items_of(&i),
                errors,
                status,
            )
            .await
        }
    }
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<super::super::Empty>,
) -> AppResult<Response> {
    match app::publish_index(&state, &user, &user.audit(&ctx), id).await {
        Ok(()) => Ok(Redirect::to(&format!("/governance/indexes/{id}")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(&state, &ctx, &user, id, None, errors, status).await
        }
    }
}

pub async fn compute(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<super::super::Empty>,
) -> AppResult<Response> {
    let _ = ctx;
    let i = app::index_for_admin(&state, &user, id).await?;
    if i.status != "published" {
        return Err(AppError::invalid("", "gov.error.local_closed"));
    }
    app::compute::queue_compute(&state, id, user.actor.user_id).await?;
    Ok(Redirect::to(&format!("/governance/indexes/{id}?queued=1")).into_response())
}

pub async fn save_local(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<LocalInput>,
) -> AppResult<Response> {
    match app::save_local_items(&state, &user, &user.audit(&ctx), id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/governance/indexes/{id}?local=1")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(&state, &ctx, &user, id, None, errors, status).await
        }
    }
}
