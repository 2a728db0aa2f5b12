//! Rankings of a computed index inside the administrator's territory (region filter, paged),
//! the KIMs that fell dormant or dropped sharply, one-action invitations to coaching (a bimtek
//! the office organises, or a visit note), and CSV/XLSX exports.

use super::super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, CurrentUser, PathParam, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::governance::{self as app, explain};
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::governance::{DORMANT_BELOW, SHARP_DROP};
use simpul_core::RegionCode;
use simpul_store::events::EventRecord;
use simpul_store::governance::{IndexRecord, RankRow, RunRecord};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RankingQuery {
    pub index: Option<i64>,
    pub region: String,
    pub attention: Option<String>,
    pub page: Option<i64>,
    pub sent: Option<String>,
}

/// What a ranking shows: the index and run, the previous period's run, the region.
pub struct Selection {
    pub index: IndexRecord,
    pub run: RunRecord,
    pub previous: Option<i64>,
    pub region: RegionCode,
}

/// The region a viewer looks at: the one asked for if inside their oversight, else their own.
fn region_for(user: &CurrentUser, asked: &str) -> AppResult<RegionCode> {
    let territory = app::ranking_territory(user);
    if !asked.trim().is_empty() {
        let r = RegionCode::parse(asked.trim())
            .map_err(|_| AppError::invalid("region", "gov.error.region"))?;
        if !user.can(Action::ViewRankings { region: &r }) {
            return Err(AppError::Forbidden);
        }
        return Ok(r);
    }
    match territory {
        ScopeRegions::All => Ok(RegionCode::parse("35").expect("valid")),
        ScopeRegions::Regions(rs) => rs.into_iter().next().ok_or(AppError::Forbidden),
    }
}

pub async fn select(
    state: &AppState,
    user: &CurrentUser,
    q: &RankingQuery,
) -> AppResult<Option<Selection>> {
    if !app::may_see_rankings(user) {
        return Err(AppError::Forbidden);
    }
    let region = region_for(user, &q.region)?;
    let province = region.province();
    let found = match q.index {
        Some(id) => {
            let i = state.store.gov_index(id).await?;
            if i.province_code != province.as_str() || i.status != "published" {
                return Err(AppError::NotFound);
            }
            state.store.gov_latest_run(id).await?.map(|r| (i, r))
        }
        None => explain::current_run(state, province.as_str()).await?,
    };
    let Some((index, run)) = found else {
        return Ok(None);
    };
    let previous = match state.store.gov_previous_index(&index).await? {
        Some(p) => state.store.gov_latest_run(p.id).await?.map(|r| r.id),
        None => None,
    };
    Ok(Some(Selection {
        index,
        run,
        previous,
        region,
    }))
}

/// A ranking row as shown.
pub struct Row {
    pub kim_id: i64,
    pub name: String,
    pub score: String,
    pub rank_regency: i64,
    pub rank_province: i64,
    pub previous: String,
    pub change: String,
    pub dormant: bool,
    pub dropped: bool,
    pub coached: bool,
}

fn row(r: &RankRow) -> Row {
    let change = r.previous.map(|p| r.score - p);
    Row {
        kim_id: r.kim_id,
        name: r.kim_name.clone(),
        score: explain::shown(r.score),
        rank_regency: r.rank_regency,
        rank_province: r.rank_province,
        previous: r.previous.map(explain::shown).unwrap_or_else(|| "–".into()),
        change: change
            .map(|c| {
                if c > 0.0 {
                    format!("+{}", explain::shown(c))
                } else {
                    explain::shown(c)
                }
            })
            .unwrap_or_else(|| "–".into()),
        dormant: r.score < DORMANT_BELOW,
        dropped: change.is_some_and(|c| -c >= SHARP_DROP),
        coached: r.coached > 0,
    }
}

#[derive(Template)]
#[template(path = "gov_ranking.html")]
struct RankingPage<'a> {
    page: Page<'a>,
    selection: Option<Selection>,
    region_name: String,
    regions: Vec<(String, String)>,
    rows: Vec<Row>,
    attention: bool,
    events: Vec<EventRecord>,
    can_coach: bool,
    page_no: i64,
    more: bool,
    query: String,
    notice: Option<&'a str>,
}

/// The regions a viewer may filter by: their territory's roots and the kabupaten/kota inside.
async fn region_choices(
    state: &AppState,
    user: &CurrentUser,
    current: &RegionCode,
) -> AppResult<Vec<(String, String)>> {
    let names = state.regions.index(&state.store).await?;
    let mut out = Vec::new();
    let roots = match app::ranking_territory(user) {
        ScopeRegions::All => vec![current.province()],
        ScopeRegions::Regions(rs) => rs,
    };
    for r in roots {
        let name = names.get(&r).map(|x| x.name.clone()).unwrap_or_default();
        out.push((r.to_string(), name));
        if r.level() == simpul_core::Level::Province {
            for c in state.store.region_children(Some(&r)).await? {
                out.push((c.code.to_string(), format!("– {}", c.name)));
            }
        }
    }
    Ok(out)
}

pub async fn page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(q): Query<RankingQuery>,
) -> AppResult<Response> {
    let selection = select(&state, &user, &q).await?;
    let attention = q
        .attention
        .as_deref()
        .is_some_and(|a| !a.is_empty() && a != "0");
    let page_no = q.page.unwrap_or(1).clamp(1, 10_000);
    let mut rows = Vec::new();
    let mut more = false;
    let mut region_name = String::new();
    let mut regions = Vec::new();
    if let Some(s) = &selection {
        let list = state
            .store
            .gov_ranking(
                s.run.id,
                s.previous,
                Some(s.region.as_str()),
                attention.then_some((DORMANT_BELOW, SHARP_DROP)),
                PAGE_SIZE + 1,
                (page_no - 1) * PAGE_SIZE,
            )
            .await?;
        more = list.len() as i64 > PAGE_SIZE;
        rows = list.iter().take(PAGE_SIZE as usize).map(row).collect();
        let names = state.regions.index(&state.store).await?;
        region_name = names
            .get(&s.region)
            .map(|x| x.name.clone())
            .unwrap_or_default();
        regions = region_choices(&state, &user, &s.region).await?;
    }
    let now = chrono::Utc::now();
    let events: Vec<EventRecord> = simpul_app::events::visible(&state, &user)
        .await?
        .into_iter()
        .filter(|e| e.ends_at > now && simpul_app::events::may_manage(&user, e))
        .take(20)
        .collect();
    let can_coach = user.grants.iter().any(|g| {
        matches!(
            g.role,
            simpul_core::Role::NationalAdmin
                | simpul_core::Role::ProvincialAdmin
                | simpul_core::Role::RegencyAdmin
        )
    });
    let query = match &selection {
        Some(s) => format!(
            "index={}&region={}{}",
            s.index.id,
            s.region,
            if attention { "&attention=1" } else { "" }
        ),
        None => String::new(),
    };
    let page = Page::new(&state, &ctx, Some(&user));
    let notice = q.sent.as_ref().map(|_| page.t.get("gov.invite_sent"));
    render(RankingPage {
        page,
        selection,
        region_name,
        regions,
        rows,
        attention,
        events,
        can_coach,
        page_no,
        more,
        query,
        notice,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CoachInput {
    pub event: String,
    pub note: String,
    pub index: String,
    /// Where to go back to (a ranking query string).
    pub back: String,
}

/// Invite a KIM to coaching in one action, back to the ranking (or the KIM's score page).
pub async fn coach(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(kim): PathParam<i64>,
    CsrfForm(input): CsrfForm<CoachInput>,
) -> AppResult<Response> {
    let event = match input.event.trim() {
        "" => None,
        e => Some(
            e.parse::<i64>()
                .map_err(|_| AppError::invalid("event", "gov.error.event"))?,
        ),
    };
    let index = input.index.trim().parse::<i64>().ok();
    app::coach(
        &state,
        &user,
        &user.audit(&ctx),
        kim,
        index,
        event,
        &input.note,
    )
    .await?;
    // Only a ranking query string goes back to the ranking (no open redirect).
    let back = input.back.trim();
    let ok = !back.is_empty()
        && back
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '=' | '&' | '.' | '_'));
    let to = if ok {
        format!("/governance/rankings?{back}&sent=1")
    } else {
        format!("/governance/kims/{kim}")
    };
    Ok(Redirect::to(&to).into_response())
}

/// The whole ranking of the selection (every page), as a table.
async fn table(
    state: &AppState,
    user: &CurrentUser,
    q: &RankingQuery,
) -> AppResult<(String, Vec<String>, Vec<Vec<String>>)> {
    let Some(s) = select(state, user, q).await? else {
        return Err(AppError::NotFound);
    };
    let t = state.catalog.messages(simpul_app::Locale::Id);
    let list = state
        .store
        .gov_ranking(
            s.run.id,
            s.previous,
            Some(s.region.as_str()),
            None,
            200_000,
            0,
        )
        .await?;
    let header = [
        "gov.rank_province",
        "gov.rank_regency",
        "gov.kim",
        "gov.regency",
        "gov.score",
        "gov.previous",
    ]
    .iter()
    .map(|k| t.get(k).to_string())
    .collect();
    let rows = list
        .iter()
        .map(|r| {
            vec![
                r.rank_province.to_string(),
                r.rank_regency.to_string(),
                r.kim_name.clone(),
                r.regency_code.clone(),
                format!("{}", r.score),
                r.previous.map(|p| format!("{p}")).unwrap_or_default(),
            ]
        })
        .collect();
    Ok((
        format!("peringkat-kim-{}-{}", s.index.id, s.region),
        header,
        rows,
    ))
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

pub async fn csv(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Query(q): Query<RankingQuery>,
) -> AppResult<Response> {
    let (name, header, rows) = table(&state, &user, &q).await?;
    let body = simpul_app::events::report::to_csv(&header, &rows)?;
    Ok(download(
        "text/csv; charset=utf-8",
        format!("{name}.csv"),
        body,
    ))
}

pub async fn xlsx(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Query(q): Query<RankingQuery>,
) -> AppResult<Response> {
    let (name, header, rows) = table(&state, &user, &q).await?;
    let body = app::report::table_xlsx(&header, &rows, &[2, 3])?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("{name}.xlsx"),
        body,
    ))
}
