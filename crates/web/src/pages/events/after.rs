//! After the event: the attendee's evaluation, the organiser's report (attendance by region and
//! role, evaluation results as server-drawn SVG charts), participant exports, materials, the
//! certificate PDF and the calendar file.

use super::super::{render, render_with_status, Page};
use crate::charts::{percent_bar_chart, stacked_bar_chart, Bar};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, MaybeUser, PathParam, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::events::report::{self, EvaluationEntry, Report};
use simpul_store::events::{EvaluationRow, EventRecord, SessionRecord};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "events_evaluation.html")]
struct EvaluationPage<'a> {
    page: Page<'a>,
    event: EventRecord,
    sessions: Vec<(SessionRecord, Option<EvaluationRow>)>,
    errors: Vec<FieldError>,
}

async fn evaluation_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::CurrentUser,
    id: i64,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let event = state.store.event(id).await?;
    let Some(reg) = state.store.registration_of(id, user.actor.user_id).await? else {
        return Err(AppError::NotFound);
    };
    let attended = state.store.checked_sessions(reg.id).await?;
    let given = state.store.evaluations_of(reg.id).await?;
    let sessions = state
        .store
        .event_sessions(id)
        .await?
        .into_iter()
        .filter(|s| attended.contains(&s.id))
        .map(|s| {
            let g = given.iter().find(|g| g.session_id == s.id).cloned();
            (s, g)
        })
        .collect();
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        EvaluationPage {
            page: Page::new(state, ctx, Some(user)),
            event,
            sessions,
            errors,
        },
    )
}

pub async fn evaluation_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    evaluation_page(&state, &ctx, &user, id, Vec::new()).await
}

/// Fields `rating_<session>` and `comment_<session>`.
pub async fn evaluate(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> AppResult<Response> {
    let mut entries: Vec<EvaluationEntry> = Vec::new();
    for (k, v) in &form {
        let Some(sid) = k
            .strip_prefix("rating_")
            .and_then(|s| s.parse::<i64>().ok())
        else {
            continue;
        };
        entries.push(EvaluationEntry {
            session_id: sid,
            rating: v.clone(),
            comment: form
                .get(&format!("comment_{sid}"))
                .cloned()
                .unwrap_or_default(),
        });
    }
    entries.sort_by_key(|e| e.session_id);
    match report::evaluate(&state, &user, &user.audit(&ctx), id, &entries).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{id}?done=evaluated")).into_response()),
        Err(e) => {
            let (_, errors) = super::super::form_errors(e)?;
            evaluation_page(&state, &ctx, &user, id, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "events_report.html")]
struct ReportPage<'a> {
    page: Page<'a>,
    event: EventRecord,
    report: Report,
    region_chart: String,
    role_chart: String,
    rating_chart: String,
}

pub async fn report_page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let page = Page::new(&state, &ctx, Some(&user));
    let t = page.t;
    let (event, report) = report::report(&state, &user, id, |r| {
        t.get(&format!("role.{r}")).to_string()
    })
    .await?;
    let attended = t.get("events.attended");
    let absent = t.get("events.absent");
    let colors = [(attended, "#1b7f3b"), (absent, "#c9c9c9")];
    let bars = |rows: &[report::Tally]| -> Vec<Bar> {
        rows.iter()
            .map(|r| Bar {
                label: r.label.clone(),
                segments: vec![
                    (attended.to_string(), r.attended as f64),
                    (absent.to_string(), (r.confirmed - r.attended) as f64),
                ],
            })
            .collect()
    };
    let region_chart = stacked_bar_chart(
        t.get("events.by_region"),
        &bars(&report.by_region),
        &colors,
        340,
    );
    let role_chart = stacked_bar_chart(
        t.get("events.by_role"),
        &bars(&report.by_role),
        &colors,
        340,
    );
    let ratings: Vec<(String, f64)> = report
        .sessions
        .iter()
        .filter(|s| s.responses > 0)
        .map(|s| (s.title.clone(), s.average_x10 as f64 / 50.0))
        .collect();
    let rating_chart = percent_bar_chart(t.get("events.rating_chart"), &ratings, 340);
    render(ReportPage {
        page,
        event,
        report,
        region_chart,
        role_chart,
        rating_chart,
    })
}

fn download(content_type: &'static str, name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub async fn participants_csv(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let t = state.catalog.messages(ctx.locale);
    let (_, header, rows) = report::participant_table(&state, &user, id, &t).await?;
    let body = report::to_csv(&header, &rows)?;
    Ok(download(
        "text/csv; charset=utf-8",
        format!("peserta-acara-{id}.csv"),
        body,
    ))
}

pub async fn participants_xlsx(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let t = state.catalog.messages(ctx.locale);
    let (_, header, rows) = report::participant_table(&state, &user, id, &t).await?;
    let body = report::to_xlsx(&header, &rows)?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("peserta-acara-{id}.xlsx"),
        body,
    ))
}

/// The calendar file: public for published events (anyone may add one to a calendar); no
/// participant data in it.
pub async fn ics(
    State(state): State<AppState>,
    MaybeUser(_): MaybeUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let event = state.store.event(id).await?;
    if event.status != "published" {
        return Err(AppError::NotFound);
    }
    let sessions = state.store.event_sessions(id).await?;
    let body = report::ics(&state, &event, &sessions);
    Ok(download(
        "text/calendar; charset=utf-8",
        format!("acara-{id}.ics"),
        body.into_bytes(),
    ))
}

pub async fn certificate(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    match simpul_app::events::certificate::for_participant(&state, &user, &user.audit(&ctx), id)
        .await
    {
        Ok((code, pdf)) => Ok(download(
            "application/pdf",
            format!("sertifikat-{code}.pdf"),
            pdf,
        )),
        Err(AppError::Invalid(errors)) => {
            super::show_page(&state, &ctx, &user, id, None, errors).await
        }
        Err(e) => Err(e),
    }
}

/// The material form sends what the API takes.
use crate::api::events::MaterialInput;

pub async fn add_material(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(input): CsrfForm<MaterialInput>,
) -> AppResult<Response> {
    match simpul_app::events::add_material(
        &state,
        &user,
        &user.audit(&ctx),
        id,
        &input.title,
        &input.url,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/events/{id}?done=material#materials")).into_response()),
        Err(e) => {
            let (_, errors) = super::super::form_errors(e)?;
            super::show_page(&state, &ctx, &user, id, None, errors).await
        }
    }
}
