//! Server-rendered pages. Each handler builds a [`Page`] (language, CSRF token, signed-in user)
//! and an askama template; core flows work without JavaScript.

pub mod account;
pub mod account_password;
pub mod admin_audit;
pub mod admin_groups;
pub mod admin_users;
pub mod alerts;
pub mod audit_text;
pub mod auth;
pub mod dashboard;
pub mod dissem;
pub mod events;
pub mod governance;
pub mod hoax;
pub mod home;
pub mod kim;
pub mod kim_import;
pub mod kim_members;
pub mod kim_stats;
pub mod notifications;
pub mod operations;
pub mod portal;
pub mod regions;

use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, ErrorInfo, FieldError};
use crate::extract::CurrentUser;
use crate::i18n::Messages;
use crate::state::AppState;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use simpul_core::authz::Action;

/// What every page's layout needs.
pub struct Page<'a> {
    pub t: Messages<'a>,
    pub lang: &'static str,
    pub csrf: String,
    pub path: String,
    pub user: Option<&'a CurrentUser>,
    pub is_admin: bool,
    pub can_outbox: bool,
    pub can_deliveries: bool,
    pub can_jobs: bool,
    pub live_js: &'static str,
    pub css: &'static str,
    pub favicon: &'static str,
    pub htmx: &'static str,
}

/// A value a template hands to a [`Page`] formatter, by value or through however many
/// references askama adds.
pub trait Shown<T> {
    fn value(&self) -> T;
}

impl Shown<chrono::NaiveDate> for chrono::NaiveDate {
    fn value(&self) -> chrono::NaiveDate {
        *self
    }
}

impl Shown<chrono::DateTime<chrono::Utc>> for chrono::DateTime<chrono::Utc> {
    fn value(&self) -> chrono::DateTime<chrono::Utc> {
        *self
    }
}

impl Shown<f64> for f64 {
    fn value(&self) -> f64 {
        *self
    }
}

impl<T, V: Shown<T> + ?Sized> Shown<T> for &V {
    fn value(&self) -> T {
        (**self).value()
    }
}

impl<'a> Page<'a> {
    pub fn new(state: &'a AppState, ctx: &RequestCtx, user: Option<&'a CurrentUser>) -> Page<'a> {
        Page {
            t: state.catalog.messages(ctx.locale),
            lang: ctx.locale.code(),
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            user,
            is_admin: user.is_some_and(|u| u.actor.can(Action::Oversee)),
            can_outbox: user.is_some_and(|u| u.actor.can(Action::ReadOutbox)),
            can_deliveries: user.is_some_and(|u| u.actor.can(Action::ReadDeliveries)),
            can_jobs: user.is_some_and(|u| u.actor.can(Action::OperateJobs)),
            live_js: &crate::assets::LIVE_JS.url,
            css: &crate::assets::CSS.url,
            favicon: &crate::assets::FAVICON.url,
            htmx: &crate::assets::HTMX.url,
        }
    }

    /// "28 Februari 2020" in the reader's language.
    pub fn date(&self, d: impl Shown<chrono::NaiveDate>) -> String {
        simpul_core::calendar::long_date(d.value(), self.lang)
    }

    /// "28 Februari 2020, 14.05 WIB": a moment in the reader's zone (their territory's
    /// province; WIB for the ministry and for visitors), the zone stated.
    pub fn time(&self, at: impl Shown<chrono::DateTime<chrono::Utc>>) -> String {
        simpul_core::calendar::long_time(at.value(), self.zone(), self.lang)
    }

    /// The reader's time zone.
    pub fn zone(&self) -> simpul_core::calendar::Zone {
        use simpul_core::authz::ScopeRegions;
        let region = self.user.and_then(|u| match u.actor.oversight() {
            ScopeRegions::Regions(r) => r.first().cloned(),
            ScopeRegions::All => None,
        });
        simpul_core::calendar::Zone::of(region.as_ref())
    }

    /// A coordinate for reading: five decimals (about a metre), not a float's seventeen digits.
    pub fn coord(&self, v: impl Shown<f64>) -> String {
        format!("{:.5}", v.value())
    }

    /// The localized message for a field's first error, if any.
    pub fn field_error(&self, errors: &[FieldError], field: &str) -> Option<&'a str> {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| self.t.get(e.key))
    }

    /// Form errors that belong to no single field.
    pub fn general_errors(&self, errors: &[FieldError]) -> Vec<&'a str> {
        errors
            .iter()
            .filter(|e| e.field.is_empty())
            .map(|e| self.t.get(e.key))
            .collect()
    }

    pub fn role_name(&self, role: &simpul_core::Role) -> &'a str {
        self.t.get(&format!("role.{}", role.as_str()))
    }
}

pub fn render(template: impl Template) -> AppResult<Response> {
    template
        .render()
        .map(|html| Html(html).into_response())
        .map_err(AppError::internal)
}

/// Render a form again with its errors and the right status (422 invalid, 409 conflict).
pub fn render_with_status(
    status: axum::http::StatusCode,
    template: impl Template,
) -> AppResult<Response> {
    let mut response = render(template)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Split a service error into field errors a form can show, or a page-level error.
pub fn form_errors(err: AppError) -> Result<(axum::http::StatusCode, Vec<FieldError>), AppError> {
    match err {
        AppError::Invalid(fields) => Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, fields)),
        AppError::Conflict(field) => Ok((axum::http::StatusCode::CONFLICT, vec![field])),
        other => Err(other),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    page: Page<'a>,
    title: &'a str,
    detail: &'a str,
    fields: Vec<&'a str>,
}

/// The HTML for an error, in the request's language.
pub fn error_page(state: &AppState, ctx: &RequestCtx, info: &ErrorInfo) -> String {
    let page = Page::new(state, ctx, None);
    let t = page.t;
    let fields = info.fields.iter().map(|f| t.get(f.key)).collect();
    ErrorTemplate {
        title: t.get(info.title_key),
        detail: t.get(info.detail_key),
        fields,
        page,
    }
    .render()
    .unwrap_or_else(|_| "Error".into())
}

/// The body of a form that carries nothing but its CSRF token (a button's POST).
#[derive(serde::Deserialize, Default)]
pub struct Empty {}
