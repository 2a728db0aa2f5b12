//! Log in, log out, forgotten passwords, language switch.

use super::{render, render_with_status, Page};
use crate::csrf::{set_cookie, RequestCtx, LANG_COOKIE, SESSION_COOKIE};
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, MaybeUser, PathParam, Query};
use crate::i18n::Locale;
use crate::pages::Empty;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::auth::{request_reset, verify_login, LoginError};
use simpul_core::audit::AuditContext;
use simpul_core::LocalPath;

/// Only paths on this site are followed after login or a language switch; anything else (empty,
/// another site, control characters) goes to `fallback`.
pub fn safe_next(next: &str, fallback: &str) -> String {
    LocalPath::parse(next).map_or_else(|| fallback.to_owned(), |p| p.to_string())
}

fn anonymous(ctx: &RequestCtx, who: &str) -> AuditContext {
    AuditContext {
        actor_id: None,
        actor_name: who.to_owned(),
        request_id: ctx.request_id.clone(),
        ip: Some(ctx.ip.clone()),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    page: Page<'a>,
    error: Option<&'a str>,
    username: String,
    next: String,
}

#[derive(serde::Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn login_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if user.is_some() {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    render(LoginPage {
        page: Page::new(&state, &ctx, None),
        error: None,
        username: String::new(),
        next: q.next,
    })
}

#[derive(serde::Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CsrfForm(input): CsrfForm<LoginInput>,
) -> AppResult<Response> {
    let result = verify_login(&state, &input.username, &input.password, &ctx.ip).await;
    let (status, key) = match result {
        Ok(user_id) => {
            let user = state.store.user(user_id).await?;
            let audit = AuditContext {
                actor_id: Some(user_id),
                actor_name: user.username.clone(),
                ..anonymous(&ctx, "")
            };
            let token = state
                .store
                .create_session(&audit, user_id, state.config.session_ttl)
                .await?;
            if ctx.lang_chosen && user.locale != ctx.locale.code() {
                // The language picked before logging in wins and becomes the account's preference.
                state.store.set_locale(user_id, ctx.locale.code()).await?;
            }
            let mut response = Redirect::to(&safe_next(&input.next, "/dashboard")).into_response();
            let ttl = state.config.session_ttl.num_seconds();
            let secure = state.config.secure_cookies;
            let headers = response.headers_mut();
            headers.append(
                SET_COOKIE,
                set_cookie(SESSION_COOKIE, &token, Some(ttl), secure, "Lax"),
            );
            if !ctx.lang_chosen {
                headers.append(
                    SET_COOKIE,
                    set_cookie(LANG_COOKIE, &user.locale, Some(31_536_000), secure, "Lax"),
                );
            }
            return Ok(response);
        }
        Err(LoginError::BadCredentials) => (StatusCode::UNAUTHORIZED, "login.failed"),
        Err(LoginError::Throttled) => (StatusCode::TOO_MANY_REQUESTS, "login.throttled"),
        Err(LoginError::Other(e)) => return Err(e),
    };
    let page = Page::new(&state, &ctx, None);
    let error = Some(page.t.get(key));
    render_with_status(
        status,
        LoginPage {
            page,
            error,
            username: input.username,
            next: input.next,
        },
    )
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    if let Some(user) = user {
        if let Some(token) = &user.session {
            state.store.end_session(&user.audit(&ctx), token).await?;
        }
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            "",
            Some(0),
            state.config.secure_cookies,
            "Lax",
        ),
    );
    Ok(response)
}

pub async fn switch_language(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    PathParam(code): PathParam<String>,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let locale = Locale::parse(&code).ok_or(AppError::NotFound)?;
    if let Some(user) = user {
        state
            .store
            .set_locale(user.actor.user_id, locale.code())
            .await?;
    }
    // Back where the switch was made; home when there is nowhere to go back to.
    let next = if q.next.is_empty() {
        "/".to_owned()
    } else {
        safe_next(&q.next, "/dashboard")
    };
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            locale.code(),
            Some(31_536_000),
            state.config.secure_cookies,
            "Lax",
        ),
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage<'a> {
    page: Page<'a>,
    sent: bool,
}

pub async fn forgot_form(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    render(ForgotPage {
        page: Page::new(&state, &ctx, None),
        sent: false,
    })
}

#[derive(serde::Deserialize)]
pub struct ForgotInput {
    #[serde(default)]
    who: String,
}

pub async fn forgot(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CsrfForm(input): CsrfForm<ForgotInput>,
) -> AppResult<Response> {
    if input.who.trim().is_empty() || input.who.len() > 200 {
        return Err(AppError::invalid("who", "error.required"));
    }
    let page = Page::new(&state, &ctx, None);
    // Same throttle as logins, so the form cannot be used to flood someone's inbox.
    let since = chrono::Utc::now() - state.config.throttle_window;
    let attempt = state.store.begin_login_attempt("", &ctx.ip, since).await?;
    if attempt.by_ip > state.config.max_failures_per_ip {
        state.store.forget_login_attempt(attempt.id).await?;
        return Err(AppError::TooManyRequests);
    }
    request_reset(&state, &page.t, &anonymous(&ctx, "anonymous"), &input.who).await?;
    render(ForgotPage { page, sent: true })
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage<'a> {
    page: Page<'a>,
    valid: bool,
    token: String,
    error: Option<&'a str>,
}

pub async fn reset_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    PathParam(token): PathParam<String>,
) -> AppResult<Response> {
    let valid = state.store.password_reset_user(&token).await?.is_some();
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    render_with_status(
        status,
        ResetPage {
            page: Page::new(&state, &ctx, None),
            valid,
            token,
            error: None,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct ResetInput {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub async fn reset(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CsrfForm(input): CsrfForm<ResetInput>,
) -> AppResult<Response> {
    let page = Page::new(&state, &ctx, None);
    if let Err(e) = simpul_core::accounts::check_new_password(&input.password) {
        let error = Some(page.t.get(e.message_key()));
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            ResetPage {
                page,
                valid: true,
                token: input.token,
                error,
            },
        );
    }
    let password = input.password.clone();
    let hash = tokio::task::spawn_blocking(move || simpul_core::secrets::hash_password(&password))
        .await
        .map_err(AppError::internal)?;
    match state
        .store
        .complete_password_reset(&anonymous(&ctx, "password-reset"), &input.token, &hash)
        .await
    {
        Ok(_) => Ok(Redirect::to("/login?reset=1").into_response()),
        Err(simpul_store::StoreError::NotFound) => render_with_status(
            StatusCode::NOT_FOUND,
            ResetPage {
                page,
                valid: false,
                token: String::new(),
                error: None,
            },
        ),
        Err(e) => Err(e.into()),
    }
}
