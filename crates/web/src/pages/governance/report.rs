//! The leadership report: the viewer chooses a region inside their oversight and a period
//! (month, quarter or year containing a date); the page shows the key figures with
//! server-drawn charts (reach by kabupaten/kota, village coverage), the top and the dormant
//! KIMs, and offers the same report as a PDF and an XLSX workbook.

use super::super::{form_errors, render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CurrentUser, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use simpul_app::governance::report::{self as app, Report};
use simpul_core::authz::ScopeRegions;
use simpul_core::RegionCode;

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    pub region: String,
    /// `month`, `quarter` or `year`.
    pub period: String,
    /// `YYYY-MM-DD`: a day inside the period (default: today).
    pub date: String,
}

impl ReportQuery {
    fn date(&self) -> AppResult<chrono::NaiveDate> {
        match self.date.trim() {
            "" => Ok(chrono::Utc::now().date_naive()),
            d => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::invalid("date", "gov.error.report_period")),
        }
    }

    fn query_string(&self, r: &Report) -> String {
        format!(
            "region={}&period={}&date={}",
            r.region_code, r.period_kind, r.starts_on
        )
    }
}

/// The regions this person may report on: their oversight's roots and the kabupaten/kota of
/// each province among them.
async fn regions(state: &AppState, user: &CurrentUser) -> AppResult<Vec<(String, String)>> {
    let names = state.regions.index(&state.store).await?;
    let roots = match user.oversight() {
        ScopeRegions::All => vec![RegionCode::parse("35").expect("valid")],
        ScopeRegions::Regions(rs) => rs,
    };
    let mut out = Vec::new();
    for r in roots {
        out.push((
            r.to_string(),
            names.get(&r).map(|x| x.name.clone()).unwrap_or_default(),
        ));
        if r.level() == simpul_core::Level::Province {
            for c in state.store.region_children(Some(&r)).await? {
                out.push((c.code.to_string(), format!("– {}", c.name)));
            }
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "gov_report.html")]
struct ReportPage<'a> {
    page: Page<'a>,
    q: ReportQuery,
    regions: Vec<(String, String)>,
    report: Option<Report>,
    lines: Vec<(String, String)>,
    reach_chart: String,
    query: String,
    errors: Vec<FieldError>,
}

async fn build(state: &AppState, user: &CurrentUser, q: &ReportQuery) -> AppResult<Report> {
    let region = if q.region.trim().is_empty() {
        regions(state, user)
            .await?
            .first()
            .map(|(c, _)| c.clone())
            .ok_or(AppError::Forbidden)?
    } else {
        q.region.clone()
    };
    let period = if q.period.trim().is_empty() {
        "month"
    } else {
        q.period.as_str()
    };
    app::build(state, user, &region, period, q.date()?).await
}

pub async fn page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    if !user.is_admin() {
        return Err(AppError::Forbidden);
    }
    let regions = regions(&state, &user).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let (report, errors, status) = match build(&state, &user, &q).await {
        Ok(r) => (Some(r), Vec::new(), StatusCode::OK),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            (None, errors, status)
        }
    };
    let (lines, reach_chart, query) = match &report {
        Some(r) => {
            let lines = r
                .lines()
                .into_iter()
                .map(|(k, v)| (page.t.get(k).to_string(), v))
                .collect();
            let max = r
                .reach_by_regency
                .iter()
                .map(|(_, n)| *n)
                .max()
                .unwrap_or(0);
            let bars: Vec<crate::charts::Bar> = r
                .reach_by_regency
                .iter()
                .take(40)
                .map(|(name, n)| crate::charts::Bar {
                    label: name.clone(),
                    segments: vec![(page.t.get("gov.report_reach").to_string(), *n as f64)],
                })
                .collect();
            let chart = if max > 0 {
                crate::charts::stacked_bar_chart(
                    page.t.get("gov.report_by_regency"),
                    &bars,
                    &[],
                    360,
                )
            } else {
                crate::charts::stacked_bar_chart(page.t.get("gov.report_by_regency"), &[], &[], 360)
            };
            (lines, chart, q.query_string(r))
        }
        None => (Vec::new(), String::new(), String::new()),
    };
    render_with_status(
        status,
        ReportPage {
            page,
            q,
            regions,
            report,
            lines,
            reach_chart,
            query,
            errors,
        },
    )
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

fn file_name(r: &Report, ext: &str) -> String {
    format!(
        "laporan-kim-{}-{}-{}.{ext}",
        r.region_code, r.period_kind, r.starts_on
    )
}

pub async fn xlsx(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let r = build(&state, &user, &q).await?;
    let t = state.catalog.messages(simpul_app::Locale::Id);
    let body = app::to_xlsx(&r, &t)?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        file_name(&r, "xlsx"),
        body,
    ))
}

pub async fn pdf(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let r = build(&state, &user, &q).await?;
    let body = simpul_app::governance::report_files::pdf(&state, &r).await?;
    Ok(download("application/pdf", file_name(&r, "pdf"), body))
}
