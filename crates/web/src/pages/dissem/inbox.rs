//! A KIM officer's package on the phone: key messages, the captions in read-only boxes (select
//! and copy; a copy button where JavaScript runs), the attachments to download, corrections,
//! and the one-minute report form. A KIM's own history of reports.

use super::topic_name;
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::CsrfMultipart;
use crate::extract::{CurrentUser, PathParam, Query, SessionUser};
use crate::pages::{form_errors, render, render_with_status, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::dissem::inbox::ReportInput;
use simpul_app::dissem::{self as app, inbox as app_inbox};
use simpul_core::dissem::{ReportChannel, TargetState};

#[derive(Template)]
#[template(path = "dissem_inbox_show.html")]
struct OpenPage<'a> {
    page: Page<'a>,
    id: i64,
    title: String,
    meta: String,
    state: String,
    done: bool,
    key_messages: String,
    body: String,
    captions: Vec<(String, String)>,
    video_link: String,
    attachments: Vec<(i64, String, bool)>,
    versions: Vec<(i64, String, String)>,
    channels: Vec<(String, String)>,
    input: ReportForm,
    errors: Vec<FieldError>,
    notice: Option<String>,
    min_day: String,
    max_day: String,
}

/// The report form's values, kept when shown again with errors.
#[derive(Default)]
pub struct ReportForm {
    pub channel: String,
    pub reported_on: String,
    pub reach: String,
    pub link: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct OpenQuery {
    done: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn open_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    form: Option<ReportForm>,
    errors: Vec<FieldError>,
    status: StatusCode,
    notice: Option<&str>,
) -> AppResult<Response> {
    let (p, _kim, st) = app_inbox::open(state, &user.actor, id).await?;
    let page = Page::new(state, ctx, Some(user));
    let captions = app::captions_of(&p)
        .into_iter()
        .map(|(c, text)| (page.t.get(&c.message_key()).to_string(), text))
        .collect();
    let versions = state
        .store
        .dissem_versions(id)
        .await?
        .into_iter()
        .map(|v| (v.version, page.time(v.created_at), v.change_note))
        .collect();
    let input = form.unwrap_or_else(|| ReportForm {
        reported_on: app_inbox::default_day(&p).to_string(),
        ..Default::default()
    });
    render_with_status(
        status,
        OpenPage {
            id,
            meta: page.t.fmt(
                "dissem.inbox.until",
                &[
                    ("topic", &topic_name(&page.t, &p.topic)),
                    ("date", &page.date(p.ends_on)),
                ],
            ),
            state: page.t.get(&st.message_key()).to_string(),
            done: st == TargetState::Done,
            title: p.title.clone(),
            key_messages: p.key_messages.clone(),
            body: p.body.clone(),
            captions,
            video_link: p.video_link.clone(),
            attachments: state
                .store
                .dissem_attachments(id)
                .await?
                .into_iter()
                .map(|(i, name, ct)| (i, name, ct.starts_with("image/")))
                .collect(),
            versions,
            channels: ReportChannel::ALL
                .iter()
                .map(|c| {
                    (
                        c.as_str().to_string(),
                        page.t.get(&c.message_key()).to_string(),
                    )
                })
                .collect(),
            input,
            errors,
            notice: notice.map(|k| page.t.get(k).to_string()),
            min_day: p.starts_on.to_string(),
            max_day: p.ends_on.to_string(),
            page,
        },
    )
}

pub async fn open(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<OpenQuery>,
) -> AppResult<Response> {
    let notice = match q.done.as_deref() {
        Some("flagged") => Some("dissem.report.flagged"),
        Some(_) => Some("dissem.report.thanks"),
        None => None,
    };
    open_page(
        &state,
        &ctx,
        &user,
        id,
        None,
        Vec::new(),
        StatusCode::OK,
        notice,
    )
    .await
}

/// The report, as a multipart form (a photo may come with it).
pub async fn report(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfMultipart(mut form): CsrfMultipart,
) -> AppResult<Response> {
    let mut input = ReportInput::default();
    while let Some(f) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error.bad_form"))?
    {
        let name = f.name().unwrap_or("").to_owned();
        let filename = f.file_name().unwrap_or("foto").to_string();
        let data = f
            .bytes()
            .await
            .map_err(|_| AppError::BadRequest("error.file_too_large"))?;
        let text = || {
            String::from_utf8_lossy(&data)
                .chars()
                .take(600)
                .collect::<String>()
        };
        match name.as_str() {
            "channel" => input.channel = text(),
            "reported_on" => input.reported_on = text(),
            "reach" => input.reach = text(),
            "link" => input.link = text(),
            "kim" => input.kim = text().trim().parse().ok(),
            "photo" if !data.is_empty() => input.photo = Some((filename, data.to_vec())),
            _ => {}
        }
    }
    let kept = ReportForm {
        channel: input.channel.clone(),
        reported_on: input.reported_on.clone(),
        reach: input.reach.clone(),
        link: input.link.clone(),
    };
    match app_inbox::report(&state, &user.actor, &user.audit(&ctx), id, input).await {
        Ok((_, review)) => {
            let done = if review == simpul_core::dissem::Review::Flagged {
                "flagged"
            } else {
                "ok"
            };
            Ok(Redirect::to(&format!("/dissem/inbox/{id}?done={done}")).into_response())
        }
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            open_page(&state, &ctx, &user, id, Some(kept), errors, status, None).await
        }
    }
}

/// A report's photo, for the package's office and the reporting KIM.
pub async fn photo(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let png = app_inbox::photo(&state, &user.actor, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        png,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "dissem_history.html")]
struct HistoryPage<'a> {
    page: Page<'a>,
    kim_id: i64,
    kim_name: String,
    total: String,
    rows: Vec<(String, String, String, String, String)>,
}

/// A KIM's own dissemination history (its activity).
pub async fn history(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(kim_id): PathParam<i64>,
) -> AppResult<Response> {
    let reports = app_inbox::history(&state, &user.actor, kim_id).await?;
    let kim = state.store.kim(kim_id).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let counted: i64 = reports
        .iter()
        .filter(|r| {
            matches!(
                r.review,
                simpul_core::dissem::Review::Ok | simpul_core::dissem::Review::Accepted
            )
        })
        .map(|r| r.reach)
        .sum();
    let rows = reports
        .iter()
        .map(|r| {
            (
                r.package_title.clone(),
                ReportChannel::parse(&r.channel)
                    .map(|c| page.t.get(&c.message_key()).to_string())
                    .unwrap_or_default(),
                page.date(r.reported_on),
                crate::charts::format_count(r.reach.max(0) as u64, '.'),
                page.t.get(&r.review.message_key()).to_string(),
            )
        })
        .collect();
    render(HistoryPage {
        kim_id,
        kim_name: kim.name,
        total: page.t.fmt(
            "dissem.history.total",
            &[
                ("reports", &reports.len().to_string()),
                (
                    "reach",
                    &crate::charts::format_count(counted.max(0) as u64, '.'),
                ),
            ],
        ),
        rows,
        page,
    })
}
