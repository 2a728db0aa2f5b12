//! Member pages of a KIM: list (NIK masked), add, edit, export, erase, invite; and accepting an
//! invitation to create an account.

use super::{form_errors, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, PathParam, Query, SessionUser};
use crate::i18n::Messages;
use crate::pages::Empty;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::members::{self, MemberInput};
use simpul_core::registry::{AgeBand, Gender, MemberRole, PhoneE164};
use simpul_store::members::MemberRecord;

pub struct MemberField {
    name: &'static str,
    kind: &'static str,
    label: String,
    value: String,
    hint: Option<String>,
    error: Option<String>,
    options: Vec<(String, String)>,
}

fn fields(t: Messages<'_>, input: &MemberInput, errors: &[FieldError]) -> Vec<MemberField> {
    let err = |name: &str| {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| t.get(e.key).to_owned())
    };
    let text =
        |name: &'static str, kind: &'static str, value: &str, hint: Option<&str>| MemberField {
            name,
            kind,
            label: t.get(&format!("members.{name}")).to_owned(),
            value: value.to_owned(),
            hint: hint.map(str::to_owned),
            error: err(name),
            options: Vec::new(),
        };
    let select = |name: &'static str, value: &str, options: Vec<(String, String)>| MemberField {
        options,
        ..text(name, "text", value, None)
    };
    let blank = || (String::new(), "—".to_owned());
    vec![
        text("name", "text", &input.name, None),
        select(
            "role",
            &input.role,
            MemberRole::ALL
                .iter()
                .map(|r| {
                    (
                        r.as_str().to_owned(),
                        t.get(&format!("member_role.{}", r.as_str())).to_owned(),
                    )
                })
                .collect(),
        ),
        text("phone", "tel", &input.phone, Some("0812-3456-7890")),
        text("email", "email", &input.email, None),
        select(
            "gender",
            &input.gender,
            std::iter::once(blank())
                .chain(Gender::ALL.iter().map(|g| {
                    (
                        g.as_str().to_owned(),
                        t.get(&format!("gender.{}", g.as_str())).to_owned(),
                    )
                }))
                .collect(),
        ),
        select(
            "age_band",
            &input.age_band,
            std::iter::once(blank())
                .chain(AgeBand::ALL.iter().map(|a| {
                    (
                        a.as_str().to_owned(),
                        t.get(&format!("age_band.{}", a.as_str())).to_owned(),
                    )
                }))
                .collect(),
        ),
        text("occupation", "text", &input.occupation, None),
        text("nik", "text", &input.nik, Some("16 digit")),
        text("consent_on", "date", &input.consent_on, None),
    ]
}

pub struct MemberRow {
    id: i64,
    name: String,
    role: String,
    phone: String,
    nik: String,
    has_account: bool,
}

#[derive(Template)]
#[template(path = "kim_members.html")]
struct MembersPage<'a> {
    page: Page<'a>,
    kim_id: i64,
    kim_name: String,
    members: Vec<MemberRow>,
    can_edit: bool,
    form_heading: String,
    form_action: String,
    fields: Vec<MemberField>,
    errors: Vec<FieldError>,
    notice: Option<&'a str>,
    invite_link: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    saved: Option<String>,
    deleted: Option<String>,
    approved: Option<String>,
}

#[allow(clippy::too_many_arguments)] // one page, many optional parts; a struct would only rename them
async fn members_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::extract::CurrentUser,
    kim_id: i64,
    input: &MemberInput,
    errors: Vec<FieldError>,
    status: StatusCode,
    notice: Option<&str>,
    invite_link: Option<String>,
) -> AppResult<Response> {
    let (kim, list, can_edit) = members::list(state, user, kim_id).await?;
    let page = Page::new(state, ctx, Some(user));
    let t = page.t;
    let rows = list
        .into_iter()
        .map(|m: MemberRecord| MemberRow {
            id: m.id,
            role: t.get(&format!("member_role.{}", m.role)).to_owned(),
            phone: m
                .phone
                .as_deref()
                .and_then(|p| PhoneE164::parse(p).ok())
                .map(|p| p.national_grouped())
                .unwrap_or_default(),
            nik: m.nik_masked.unwrap_or_default(),
            has_account: m.user_id.is_some(),
            name: m.name,
        })
        .collect();
    render_with_status(
        status,
        MembersPage {
            kim_id,
            kim_name: kim.name,
            members: rows,
            can_edit,
            form_heading: t.get("members.add").to_owned(),
            form_action: format!("/kim/{kim_id}/members"),
            fields: fields(t, input, &errors),
            errors,
            notice: notice.map(|n| t.get(n)),
            invite_link,
            page,
        },
    )
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(kim_id): PathParam<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = if q.saved.is_some() {
        Some("common.saved")
    } else if q.deleted.is_some() {
        Some("members.deleted")
    } else if q.approved.is_some() {
        Some("members.officer_approved")
    } else {
        None
    };
    let input = MemberInput {
        role: "anggota".into(),
        ..Default::default()
    };
    members_page(
        &state,
        &ctx,
        &user,
        kim_id,
        &input,
        Vec::new(),
        StatusCode::OK,
        notice,
        None,
    )
    .await
}

pub async fn add(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(kim_id): PathParam<i64>,
    CsrfForm(input): CsrfForm<MemberInput>,
) -> AppResult<Response> {
    match members::save(&state, &user, &user.audit(&ctx), kim_id, None, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/kim/{kim_id}/members?saved=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            members_page(
                &state, &ctx, &user, kim_id, &input, errors, status, None, None,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "member_edit.html")]
struct EditPage<'a> {
    page: Page<'a>,
    kim_id: i64,
    kim_name: String,
    member_id: i64,
    member_name: String,
    nik_masked: Option<String>,
    has_account: bool,
    /// The member's account waits for an administrator to approve its officer role.
    officer_pending: bool,
    /// The viewer may approve it.
    can_approve: bool,
    form_action: String,
    fields: Vec<MemberField>,
    errors: Vec<FieldError>,
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::extract::CurrentUser,
    kim_id: i64,
    member_id: i64,
    input: Option<&MemberInput>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let (kim, m, can_edit) = members::member(state, user, kim_id, member_id).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let current = MemberInput {
        name: m.name.clone(),
        role: m.role.clone(),
        phone: m.phone.clone().unwrap_or_default(),
        email: m.email.clone().unwrap_or_default(),
        gender: m.gender.clone().unwrap_or_default(),
        age_band: m.age_band.clone().unwrap_or_default(),
        occupation: m.occupation.clone(),
        nik: String::new(),
        consent_on: m.consent_on.map(|d| d.to_string()).unwrap_or_default(),
    };
    let officer_pending = members::officer_approval_pending(state, kim_id, &m).await?;
    let can_approve = officer_pending
        && simpul_core::RegionCode::parse(&kim.village_code)
            .is_ok_and(|v| members::may_approve_officer(user, &v));
    let page = Page::new(state, ctx, Some(user));
    render_with_status(
        status,
        EditPage {
            officer_pending,
            can_approve,
            kim_id,
            kim_name: kim.name,
            member_id,
            member_name: m.name,
            nik_masked: m.nik_masked,
            has_account: m.user_id.is_some(),
            form_action: format!("/kim/{kim_id}/members/{member_id}"),
            fields: fields(page.t, input.unwrap_or(&current), &errors),
            errors,
            page,
        },
    )
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam((kim_id, member_id)): PathParam<(i64, i64)>,
) -> AppResult<Response> {
    edit_page(
        &state,
        &ctx,
        &user,
        kim_id,
        member_id,
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam((kim_id, member_id)): PathParam<(i64, i64)>,
    CsrfForm(input): CsrfForm<MemberInput>,
) -> AppResult<Response> {
    match members::save(
        &state,
        &user,
        &user.audit(&ctx),
        kim_id,
        Some(member_id),
        &input,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/kim/{kim_id}/members?saved=1")).into_response()),
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            edit_page(
                &state,
                &ctx,
                &user,
                kim_id,
                member_id,
                Some(&input),
                errors,
                status,
            )
            .await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    reason: String,
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam((kim_id, member_id)): PathParam<(i64, i64)>,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> AppResult<Response> {
    members::delete(
        &state,
        &user,
        &user.audit(&ctx),
        kim_id,
        member_id,
        &form.reason,
    )
    .await?;
    Ok(Redirect::to(&format!("/kim/{kim_id}/members?deleted=1")).into_response())
}

/// The member's data as a JSON download (data-access request).
pub async fn export(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam((kim_id, member_id)): PathParam<(i64, i64)>,
) -> AppResult<Response> {
    let data = members::export(&state, &user, &user.audit(&ctx), kim_id, member_id).await?;
    let body = serde_json::to_vec_pretty(&data).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"simpul-member-{member_id}.json\""),
            ),
        ],
        body,
    )
        .into_response())
}

pub async fn invite(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam((kim_id, member_id)): PathParam<(i64, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let link = members::invite(&state, &user, &user.audit(&ctx), kim_id, member_id).await?;
    let input = MemberInput {
        role: "anggota".into(),
        ..Default::default()
    };
    members_page(
        &state,
        &ctx,
        &user,
        kim_id,
        &input,
        Vec::new(),
        StatusCode::OK,
        None,
        Some(link),
    )
    .await
}

/// An administrator approves a member's officer role for their account.
pub async fn approve_officer(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam((kim_id, member_id)): PathParam<(i64, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    members::approve_officer(&state, &user, &user.audit(&ctx), kim_id, member_id).await?;
    Ok(Redirect::to(&format!("/kim/{kim_id}/members?approved=1")).into_response())
}

#[derive(Template)]
#[template(path = "invite.html")]
struct InvitePage<'a> {
    page: Page<'a>,
    valid: bool,
    token: String,
    intro: String,
    username: String,
    errors: Vec<FieldError>,
}

async fn invite_page(
    state: &AppState,
    ctx: &RequestCtx,
    token: String,
    username: String,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let page = Page::new(state, ctx, None);
    let member = match state.store.invite_member(&token).await? {
        Some(id) => Some(state.store.member(id).await?),
        None => None,
    };
    let intro = match &member {
        Some(m) => {
            let kim = state.store.kim(m.kim_id).await?;
            page.t
                .fmt("invite.intro", &[("name", &m.name), ("kim", &kim.name)])
        }
        None => String::new(),
    };
    let status = if member.is_none() {
        StatusCode::NOT_FOUND
    } else {
        status
    };
    render_with_status(
        status,
        InvitePage {
            valid: member.is_some(),
            token,
            intro,
            username,
            errors,
            page,
        },
    )
}

pub async fn invite_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    PathParam(token): PathParam<String>,
) -> AppResult<Response> {
    invite_page(
        &state,
        &ctx,
        token,
        String::new(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn accept_invite(
    State(state): State<AppState>,
    ctx: RequestCtx,
    PathParam(token): PathParam<String>,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> AppResult<Response> {
    let result =
        members::accept_invite(&state, &token, &form.username, &form.password, ctx.locale).await;
    let (errors, status) = match result {
        Ok(_) => return Ok(Redirect::to("/login?invited=1").into_response()),
        Err(AppError::NotFound) => (Vec::new(), StatusCode::NOT_FOUND),
        Err(AppError::Invalid(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict(e)) => (vec![e], StatusCode::CONFLICT),
        Err(e) => return Err(e),
    };
    invite_page(&state, &ctx, token, form.username, errors, status).await
}
