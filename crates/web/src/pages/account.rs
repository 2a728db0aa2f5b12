//! The signed-in person's own pages: dashboard and API tokens.

use super::{render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::AppResult;
use crate::extract::{CsrfForm, PathParam, SessionUser};
use crate::pages::Empty;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_core::Scope;
use simpul_store::auth::ApiTokenInfo;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard<'a> {
    page: Page<'a>,
    welcome: String,
    grants: Vec<(&'a str, String)>,
    notice: Option<&'a str>,
    notes: Vec<simpul_store::members::Notification>,
    kims: Vec<super::dashboard::KimCard>,
    regions: Vec<super::dashboard::RegionCard>,
    hoax: Vec<(String, String)>,
    dissem: Vec<(String, String)>,
    events: Vec<(String, String)>,
    governance: Vec<(String, String)>,
    can_tokens: bool,
}

/// How a scope reads on a page: "Jawa Timur (35)", "Bakorwil III Malang", "Indonesia".
pub async fn describe_scope(state: &AppState, scope: &Scope) -> String {
    match scope {
        Scope::National => "Indonesia".into(),
        Scope::Region(code) => match state.store.region(code).await {
            Ok(r) => format!("{} ({code})", r.name),
            Err(_) => code.to_string(),
        },
        Scope::Group(id) => match state.store.group(*id).await {
            Ok(g) => g.name,
            Err(_) => format!("#{id}"),
        },
        Scope::Kim(id) => match state.store.kim(*id).await {
            Ok(k) => k.name,
            Err(_) => "KIM".into(),
        },
    }
}

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let mut scopes = Vec::new();
    for g in &user.actor.grants {
        scopes.push(describe_scope(&state, &g.scope).await);
    }
    let page = Page::new(&state, &ctx, Some(&user));
    let grants = user
        .actor
        .grants
        .iter()
        .zip(scopes)
        .map(|(g, s)| (page.role_name(&g.role), s))
        .collect();
    let welcome = page
        .t
        .fmt("dashboard.welcome", &[("name", &user.display_name)]);
    let notes = state.store.notifications(user.actor.user_id, 10).await?;
    let kims = super::dashboard::kim_cards(&state, page.t, &user).await?;
    let regions = super::dashboard::region_cards(&state, page.t, &user).await?;
    let hoax = super::hoax::dashboard_links(&state, page.t, &user).await?;
    let dissem = super::dissem::dashboard_links(&state, page.t, &user).await?;
    let events = super::events::dashboard_links(&state, page.t, &user).await?;
    let governance = super::governance::dashboard_links(&state, page.t, &user).await?;
    render(Dashboard {
        hoax,
        dissem,
        events,
        governance,
        kims,
        regions,
        can_tokens: super::dashboard::may_use_tokens(&user),
        page,
        welcome,
        grants,
        notice: None,
        notes,
    })
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage<'a> {
    page: Page<'a>,
    tokens: Vec<ApiTokenInfo>,
    new_token: Option<String>,
    error: Option<&'a str>,
}

pub async fn tokens(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let tokens = state.store.api_tokens(user.actor.user_id).await?;
    render(TokensPage {
        page: Page::new(&state, &ctx, Some(&user)),
        tokens,
        new_token: None,
        error: None,
    })
}

#[derive(serde::Deserialize)]
pub struct TokenInput {
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<TokenInput>,
) -> AppResult<Response> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        let tokens = state.store.api_tokens(user.actor.user_id).await?;
        let page = Page::new(&state, &ctx, Some(&user));
        let error = Some(page.t.get("error.token_name"));
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            TokensPage {
                page,
                tokens,
                new_token: None,
                error,
            },
        );
    }
    let (_, secret) = state
        .store
        .create_api_token(&user.audit(&ctx), user.actor.user_id, name)
        .await?;
    let tokens = state.store.api_tokens(user.actor.user_id).await?;
    render(TokensPage {
        page: Page::new(&state, &ctx, Some(&user)),
        tokens,
        new_token: Some(secret),
        error: None,
    })
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    state
        .store
        .revoke_api_token(&user.audit(&ctx), user.actor.user_id, id)
        .await?;
    Ok(Redirect::to("/account/tokens").into_response())
}
