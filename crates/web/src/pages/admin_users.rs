//! Account administration pages, limited to the administrator's territory.

use super::account::describe_scope;
use super::{form_errors, render, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppResult, FieldError};
use crate::extract::{CsrfForm, PathParam, Query, SessionUser};
use crate::i18n::Messages;
use crate::pages::Empty;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::accounts::{self, NewAccount, NewGrant};
use simpul_core::{PageNumber, Role};

/// The role and scope inputs shared by the new-account and add-role forms.
pub struct GrantForm<'a> {
    pub roles: Vec<(&'static str, &'a str)>,
    pub scope_kinds: Vec<(&'static str, &'a str)>,
    pub role: String,
    pub scope_kind: String,
    pub scope_ref: String,
}

impl<'a> GrantForm<'a> {
    /// Offers only the roles `who` may grant, and "national" only to national admins: a form
    /// should not offer what will be refused.
    fn new(
        t: Messages<'a>,
        who: Option<&crate::extract::CurrentUser>,
        role: &str,
        scope_kind: &str,
        scope_ref: &str,
    ) -> Self {
        let grantable = who.map(|u| u.actor.grantable_roles()).unwrap_or_default();
        let national = who.is_some_and(|u| u.actor.has_role(Role::NationalAdmin));
        GrantForm {
            roles: grantable
                .iter()
                .map(|r| (r.as_str(), t.get(&format!("role.{}", r.as_str()))))
                .collect(),
            scope_kinds: ["region", "group", "national"]
                .into_iter()
                .filter(|k| *k != "national" || national)
                .map(|k| (k, t.get(&format!("scope.{k}"))))
                .collect(),
            role: role.to_owned(),
            scope_kind: scope_kind.to_owned(),
            scope_ref: scope_ref.to_owned(),
        }
    }
}

pub struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    roles: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage<'a> {
    page: Page<'a>,
    users: Vec<UserRow>,
    q: String,
    page_no: i64,
    has_more: bool,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<PageNumber>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let page_no = q.page.unwrap_or_default();
    let found = accounts::list(&state, &user, &q.q, page_no).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let has_more = found.len() == 50;
    let users = found
        .into_iter()
        .map(|u| UserRow {
            roles: u
                .grants
                .iter()
                .map(|g| page.role_name(&g.role))
                .collect::<Vec<_>>()
                .join(", "),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            active: u.active,
        })
        .collect();
    render(UsersPage {
        page,
        users,
        q: q.q,
        page_no: page_no.get(),
        has_more,
    })
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage<'a> {
    page: Page<'a>,
    errors: Vec<FieldError>,
    text_fields: Vec<(&'static str, &'static str, String, &'a str)>,
    gf: GrantForm<'a>,
}

fn new_user_page<'a>(
    page: Page<'a>,
    input: &NewAccount,
    errors: Vec<FieldError>,
) -> NewUserPage<'a> {
    let t = page.t;
    let field = |name: &'static str, kind: &'static str, value: &str| {
        (
            name,
            kind,
            value.to_owned(),
            t.get(&format!("users.{name}")),
        )
    };
    NewUserPage {
        text_fields: vec![
            field("username", "text", &input.username),
            field("display_name", "text", &input.display_name),
            field("email", "email", input.email.as_deref().unwrap_or("")),
            field("password", "password", ""),
        ],
        gf: GrantForm::new(
            t,
            page.user,
            &input.role,
            &input.scope_kind,
            &input.scope_ref,
        ),
        errors,
        page,
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    if !user.actor.can(simpul_core::Action::Oversee) {
        return Err(crate::error::AppError::Forbidden);
    }
    let defaults = NewAccount {
        role: "kim_officer".into(),
        scope_kind: "region".into(),
        ..Default::default()
    };
    render(new_user_page(
        Page::new(&state, &ctx, Some(&user)),
        &defaults,
        Vec::new(),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<NewAccount>,
) -> AppResult<Response> {
    match accounts::create(&state, &user, &user.audit(&ctx), &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/admin/users/{id}?created=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            render_with_status(
                status,
                new_user_page(Page::new(&state, &ctx, Some(&user)), &input, errors),
            )
        }
    }
}

pub struct UserView {
    id: i64,
    username: String,
    display_name: String,
    email: Option<String>,
    active: bool,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage<'a> {
    page: Page<'a>,
    u: UserView,
    grants: Vec<(i64, &'a str, String)>,
    can_manage: bool,
    errors: Vec<FieldError>,
    notice: Option<&'a str>,
    gf: GrantForm<'a>,
}

#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

/// What the account page shows besides the account: form errors, a notice, the grant form.
struct Feedback<'a> {
    errors: Vec<FieldError>,
    status: StatusCode,
    notice_key: Option<&'a str>,
    grant: &'a NewGrant,
}

impl<'a> Feedback<'a> {
    fn ok(notice_key: Option<&'a str>, grant: &'a NewGrant) -> Self {
        Feedback {
            errors: Vec::new(),
            status: StatusCode::OK,
            notice_key,
            grant,
        }
    }

    fn errors(status: StatusCode, errors: Vec<FieldError>, grant: &'a NewGrant) -> Self {
        Feedback {
            errors,
            status,
            notice_key: None,
            grant,
        }
    }
}

async fn user_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::extract::CurrentUser,
    id: i64,
    feedback: Feedback<'_>,
) -> AppResult<Response> {
    accounts::check_visible(state, user, id).await?;
    let can_manage = accounts::check_manage(state, user, id).await.is_ok();
    let record = state.store.user(id).await?;
    let grant_records = state.store.grants_of(id).await?;
    let mut scopes = Vec::new();
    for g in &grant_records {
        scopes.push(describe_scope(state, &g.scope).await);
    }
    let page = Page::new(state, ctx, Some(user));
    let t = page.t;
    // Personal data (e-mail) only for those who may manage the account.
    let email = if can_manage { record.email } else { None };
    render_with_status(
        feedback.status,
        UserPage {
            u: UserView {
                id,
                username: record.username,
                display_name: record.display_name,
                email,
                active: record.active,
            },
            grants: grant_records
                .iter()
                .zip(scopes)
                .map(|(g, s)| (g.id, page.role_name(&g.role), s))
                .collect(),
            can_manage,
            errors: feedback.errors,
            notice: feedback.notice_key.map(|k| t.get(k)),
            gf: GrantForm::new(
                t,
                page.user,
                &feedback.grant.role,
                &feedback.grant.scope_kind,
                &feedback.grant.scope_ref,
            ),
            page,
        },
    )
}

fn default_grant() -> NewGrant {
    NewGrant {
        role: "kim_member".into(),
        scope_kind: "region".into(),
        scope_ref: String::new(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let notice = if q.created.is_some() {
        Some("users.created")
    } else if q.saved.is_some() {
        Some("common.saved")
    } else {
        None
    };
    let grant = default_grant();
    user_page(&state, &ctx, &user, id, Feedback::ok(notice, &grant)).await
}

pub async fn add_grant(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<NewGrant>,
) -> AppResult<Response> {
    match accounts::add_grant(&state, &user, &user.audit(&ctx), id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/users/{id}?saved=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            user_page(
                &state,
                &ctx,
                &user,
                id,
                Feedback::errors(status, errors, &input),
            )
            .await
        }
    }
}

pub async fn revoke_grant(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam((id, grant)): PathParam<(i64, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    accounts::revoke_grant(&state, &user, &user.audit(&ctx), id, grant).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}?saved=1")).into_response())
}

#[derive(serde::Deserialize)]
pub struct ActiveInput {
    active: String,
}

pub async fn set_active(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<ActiveInput>,
) -> AppResult<Response> {
    let active = input.active == "true";
    match accounts::set_active(&state, &user, &user.audit(&ctx), id, active).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?saved=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            let general = errors
                .into_iter()
                .map(|e| FieldError::new("", e.key))
                .collect();
            let grant = default_grant();
            user_page(
                &state,
                &ctx,
                &user,
                id,
                Feedback::errors(status, general, &grant),
            )
            .await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct PasswordInput {
    #[serde(default)]
    password: String,
}

pub async fn set_password(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<PasswordInput>,
) -> AppResult<Response> {
    match accounts::set_password(&state, &user, &user.audit(&ctx), id, &input.password).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?saved=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            let grant = default_grant();
            user_page(
                &state,
                &ctx,
                &user,
                id,
                Feedback::errors(status, errors, &grant),
            )
            .await
        }
    }
}
