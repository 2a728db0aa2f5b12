//! "Ubah kata sandi": a signed-in person changes their own password. Other sessions, API tokens
//! and reset links end with the old password; this browser stays signed in.

use super::{render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::accounts;

#[derive(Template)]
#[template(path = "password_change.html")]
struct PasswordPage<'a> {
    page: Page<'a>,
    current_error: Option<&'a str>,
    password_error: Option<&'a str>,
    done: bool,
}

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    axum::extract::Query(q): axum::extract::Query<DoneQuery>,
) -> AppResult<Response> {
    render(PasswordPage {
        page: Page::new(&state, &ctx, Some(&user)),
        current_error: None,
        password_error: None,
        done: q.done.is_some(),
    })
}

#[derive(serde::Deserialize)]
pub struct PasswordInput {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

pub async fn change(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<PasswordInput>,
) -> AppResult<Response> {
    let audit = user.audit(&ctx);
    match accounts::change_own_password(
        &state,
        &user,
        &audit,
        user.session.as_deref(),
        &input.current,
        &input.password,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/account/password?done=1").into_response()),
        Err(AppError::Invalid(fields)) => {
            let page = Page::new(&state, &ctx, Some(&user));
            let message = |name: &str| {
                fields
                    .iter()
                    .find(|f| f.field == name)
                    .map(|f| page.t.get(f.key))
            };
            let (current_error, password_error) = (message("current"), message("password"));
            render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                PasswordPage {
                    page: Page::new(&state, &ctx, Some(&user)),
                    current_error,
                    password_error,
                    done: false,
                },
            )
        }
        Err(e) => Err(e),
    }
}
