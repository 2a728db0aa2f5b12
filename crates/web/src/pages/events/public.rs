//! The public certificate check (`/sertifikat`, `/sertifikat/<code>`): anyone holding a
//! certificate's code (or scanning its QR) sees whether it is genuine, whose it is and for
//! which event. Only what the certificate itself prints is shown. Answered from the public
//! render cache like the other public pages.

use super::super::{render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::AppResult;
use crate::extract::{PathParam, Query};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_store::events::CertificateRecord;

#[derive(Template)]
#[template(path = "events_verify.html")]
struct VerifyPage<'a> {
    page: Page<'a>,
    code: String,
    found: Option<CertificateRecord>,
    dates: String,
    kind_label: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct VerifyQuery {
    kode: String,
}

/// The form; a typed code leads to its page.
pub async fn form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<VerifyQuery>,
) -> AppResult<Response> {
    let code: String = q.kode.trim().to_uppercase().chars().take(40).collect();
    if !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Ok(Redirect::to(&format!("/sertifikat/{code}")).into_response());
    }
    render_with_status(
        axum::http::StatusCode::OK,
        VerifyPage {
            page: Page::new(&state, &ctx, None),
            code,
            found: None,
            dates: String::new(),
            kind_label: String::new(),
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    PathParam(code): PathParam<String>,
) -> AppResult<Response> {
    let code: String = code.trim().to_uppercase().chars().take(40).collect();
    // Only letters, digits and dashes make a code (a NUL would not even reach PostgreSQL).
    let well_formed =
        !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let found = if well_formed {
        state.store.certificate_by_code(&code).await?
    } else {
        None
    };
    let code = if well_formed { code } else { String::new() };
    let page = Page::new(&state, &ctx, None);
    let (dates, kind_label) = match &found {
        Some(c) => (
            simpul_app::events::certificate::date_range(&c.event),
            page.t
                .get(&format!("events.kind_{}", c.event.kind))
                .to_string(),
        ),
        None => (String::new(), String::new()),
    };
    let status = if found.is_some() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::NOT_FOUND
    };
    render_with_status(
        status,
        VerifyPage {
            page,
            code,
            found,
            dates,
            kind_label,
        },
    )
}
