//! Partnership governance pages (issue 16): the hub, a KIM's score with what would raise it and
//! the records behind every number ([`mod@self`]), index definitions ([`index`]), rankings,
//! coaching and exports ([`ranking`]), the agreements register ([`agreements`]), the
//! leadership report ([`report`]) and tiered awards ([`awards`]).

pub mod agreements;
pub mod awards;
pub mod index;
pub mod jury;
pub mod ranking;
pub mod report;

use super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{CurrentUser, PathParam, Query, SessionUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use simpul_app::governance::{self as app, explain};
use simpul_core::authz::Action;
use simpul_core::{RegionCode, Role, Scope};
use simpul_store::governance::indicators::Evidence;
use simpul_store::governance::{CoachingRecord, IndexRecord, TrendPoint};
use simpul_store::registry::KimRecord;

/// The KIMs a person belongs to (officer or member).
fn own_kims(user: &CurrentUser) -> Vec<i64> {
    let mut v: Vec<i64> = user
        .actor
        .grants
        .iter()
        .filter(|g| matches!(g.role, Role::KimOfficer | Role::KimMember))
        .filter_map(|g| match g.scope {
            Scope::Kim(k) => Some(k),
            _ => None,
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The dashboard's links: a KIM's people see their score; administrators the ranking.
pub async fn dashboard_links(
    state: &AppState,
    t: crate::i18n::Messages<'_>,
    user: &CurrentUser,
) -> AppResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for k in own_kims(user).into_iter().take(3) {
        let Ok(kim) = state.store.kim(k).await else {
            continue;
        };
        let score = match explain::current_run(state, &kim.province_code).await? {
            Some((_, run)) => state.store.gov_score(run.id, k).await?.map(|s| s.score),
            None => None,
        };
        let text = match score {
            Some(s) => t.fmt(
                "gov.dashboard_score",
                &[("kim", &kim.name), ("score", &explain::shown(s))],
            ),
            None => t.fmt("gov.dashboard_no_score", &[("kim", &kim.name)]),
        };
        out.push((text, format!("/governance/kims/{k}")));
    }
    for a in state.store.gov_awards_judged_by(user.user_id).await? {
        if a.status == "open" {
            out.push((
                t.fmt("gov.dashboard_judge", &[("title", &a.title)]),
                format!("/governance/awards/{}/score", a.id),
            ));
        }
    }
    let ending =
        app::agreements::ending_within(state, user, chrono::Utc::now().date_naive(), 30).await?;
    if ending > 0 {
        out.push((
            t.fmt("gov.dashboard_agreements", &[("n", &ending.to_string())]),
            "/governance/agreements?state=expiring".into(),
        ));
    }
    if app::may_see_rankings(user) {
        out.push((
            t.get("gov.dashboard_ranking").to_string(),
            "/governance/rankings?attention=1".into(),
        ));
        out.push((t.get("gov.title").to_string(), "/governance".into()));
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "gov_hub.html")]
struct HubPage<'a> {
    page: Page<'a>,
    kims: Vec<(i64, String)>,
    indexes: Vec<IndexRecord>,
    can_define: bool,
    can_rank: bool,
    /// Open awards this person judges: (id, title).
    judging: Vec<(i64, String)>,
}

pub async fn hub(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let mut kims = Vec::new();
    for k in own_kims(&user) {
        if let Ok(kim) = state.store.kim(k).await {
            kims.push((k, kim.name));
        }
    }
    let provinces: Vec<String> = app::index_provinces(&user)
        .iter()
        .map(|p| p.to_string())
        .collect();
    let can_rank = app::may_see_rankings(&user);
    let indexes = if can_rank {
        let territory = app::ranking_territory(&user);
        state
            .store
            .gov_indexes(None)
            .await?
            .into_iter()
            .filter(|i| {
                provinces.contains(&i.province_code)
                    || (i.status == "published"
                        && RegionCode::parse(&i.province_code).is_ok_and(|p| {
                            territory.contains_region(&p)
                                || matches!(&territory, simpul_core::ScopeRegions::Regions(rs) if rs.iter().any(|r| p.contains(r)))
                        }))
            })
            .collect()
    } else {
        Vec::new()
    };
    let judging = state
        .store
        .gov_awards_judged_by(user.user_id)
        .await?
        .into_iter()
        .filter(|a| a.status == "open")
        .map(|a| (a.id, a.title))
        .collect();
    render(HubPage {
        judging,
        page: Page::new(&state, &ctx, Some(&user)),
        kims,
        indexes,
        can_define: !provinces.is_empty(),
        can_rank,
    })
}

/// Which index a page is about (`?index=`), else the province's current one.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct IndexQuery {
    pub index: Option<i64>,
}

/// The KIM, if this person may see its score.
async fn kim_for_score(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<KimRecord> {
    let kim = state.store.kim(id).await?;
    let village = RegionCode::parse(&kim.village_code).map_err(AppError::internal)?;
    if !user.can(Action::ViewKimScore {
        kim_id: id,
        village: &village,
    }) {
        return Err(AppError::Forbidden);
    }
    Ok(kim)
}

/// The run a score page shows: the requested index of the KIM's province, or the current one.
async fn run_for(
    state: &AppState,
    kim: &KimRecord,
    q: &IndexQuery,
) -> AppResult<Option<(IndexRecord, simpul_store::governance::RunRecord)>> {
    match q.index {
        Some(id) => {
            let i = state.store.gov_index(id).await?;
            if i.province_code != kim.province_code || i.status != "published" {
                return Err(AppError::NotFound);
            }
            Ok(state.store.gov_latest_run(id).await?.map(|r| (i, r)))
        }
        None => Ok(explain::current_run(state, &kim.province_code).await?),
    }
}

/// One line of the score breakdown, worded.
pub struct PartLine {
    pub key: String,
    pub name: String,
    pub weight: String,
    pub raw: String,
    pub points: String,
    pub cap: String,
    pub per_member: bool,
    pub local: bool,
}

#[derive(Template)]
#[template(path = "gov_kim.html")]
struct KimPage<'a> {
    page: Page<'a>,
    kim: KimRecord,
    index: Option<IndexRecord>,
    score: Option<String>,
    rank_regency: String,
    rank_province: String,
    parts: Vec<PartLine>,
    advice: Vec<(String, String)>,
    trend: Vec<TrendPoint>,
    trend_chart: String,
    coaching: Vec<CoachingRecord>,
    can_coach: bool,
}

pub async fn kim_score(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    Query(q): Query<IndexQuery>,
) -> AppResult<Response> {
    let kim = kim_for_score(&state, &user, id).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let t = page.t;
    let (mut index, mut score, mut parts, mut advice) = (None, None, Vec::new(), Vec::new());
    let (mut rank_regency, mut rank_province) = (String::new(), String::new());
    if let Some((i, run)) = run_for(&state, &kim, &q).await? {
        if let Some(e) = explain::explain(&state, &i, &run, id).await? {
            let regency_total = state
                .store
                .gov_ranking_count(run.id, Some(&kim.regency_code))
                .await?;
            rank_regency = t.fmt(
                "gov.rank_of",
                &[
                    ("rank", &e.rank_regency.to_string()),
                    ("total", &regency_total.to_string()),
                ],
            );
            rank_province = t.fmt(
                "gov.rank_of",
                &[
                    ("rank", &e.rank_province.to_string()),
                    ("total", &run.kims.to_string()),
                ],
            );
            score = Some(explain::shown(e.score));
            parts = e
                .parts
                .iter()
                .map(|p| PartLine {
                    key: p.key.clone(),
                    name: t.get(p.name).to_string(),
                    weight: explain::shown(p.weight),
                    raw: p
                        .raw
                        .map(explain::shown)
                        .unwrap_or_else(|| t.get("gov.no_data").to_string()),
                    points: explain::shown(p.points),
                    cap: explain::shown(p.cap),
                    per_member: p.per_member,
                    local: p.local,
                })
                .collect();
            advice = e
                .advice
                .iter()
                .map(|a| {
                    (
                        t.fmt(a.template, &[("n", &a.n), ("cap", &a.cap)]),
                        t.fmt("gov.gain", &[("points", &explain::shown(a.gain))]),
                    )
                })
                .collect();
        }
        index = Some(i);
    }
    let mut trend = state.store.gov_trend(id, 8).await?;
    trend.reverse();
    let rows: Vec<(String, f64)> = trend
        .iter()
        .map(|p| (p.title.clone(), p.score / 100.0))
        .collect();
    let trend_chart = crate::charts::percent_bar_chart(t.get("gov.trend"), &rows, 360);
    let village = RegionCode::parse(&kim.village_code).map_err(AppError::internal)?;
    let can_coach = user.can(Action::VerifyKim { village: &village });
    render(KimPage {
        coaching: state.store.gov_coaching(id).await?,
        page,
        kim,
        index,
        score,
        rank_regency,
        rank_province,
        parts,
        advice,
        trend,
        trend_chart,
        can_coach,
    })
}

/// Where an evidence record leads for this viewer, if they may open it.
fn visible_link(user: &CurrentUser, kim: &KimRecord, link: Option<String>) -> Option<String> {
    let link = link?;
    let village = RegionCode::parse(&kim.village_code).ok()?;
    let admin = user.can(Action::ViewKimPrivate {
        kim_id: kim.id,
        village: &village,
    }) && user.is_admin();
    if link.ends_with("/edit") {
        return user
            .can(Action::EditKim {
                kim_id: kim.id,
                village: &village,
            })
            .then_some(link);
    }
    if link.ends_with("/members") {
        return user
            .can(Action::ViewKimPrivate {
                kim_id: kim.id,
                village: &village,
            })
            .then_some(link);
    }
    if let Some(package) = link.strip_prefix("/dissem/") {
        return if admin {
            Some(link.clone())
        } else if user.can(Action::ReportDissemination { kim_id: kim.id }) {
            Some(format!("/dissem/inbox/{package}"))
        } else {
            None
        };
    }
    if link.starts_with("/alerts/") {
        let may = admin
            || user.can(Action::AnswerAlert { kim_id: kim.id })
            || own_kims(user).contains(&kim.id);
        return may.then_some(link);
    }
    Some(link)
}

#[derive(Template)]
#[template(path = "gov_evidence.html")]
struct EvidencePage<'a> {
    page: Page<'a>,
    kim: KimRecord,
    index: IndexRecord,
    title: String,
    rows: Vec<Evidence>,
}

pub async fn evidence(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    PathParam((id, key)): PathParam<(i64, String)>,
    Query(q): Query<IndexQuery>,
) -> AppResult<Response> {
    let kim = kim_for_score(&state, &user, id).await?;
    let Some(ind) = simpul_app::manifest::indicator(&key) else {
        return Err(AppError::NotFound);
    };
    let Some((index, _)) = run_for(&state, &kim, &q).await? else {
        return Err(AppError::NotFound);
    };
    let w = app::compute::window(&index.province_code, index.starts_on, index.ends_on);
    let page = Page::new(&state, &ctx, Some(&user));
    let t = page.t;
    let rows = (ind.evidence)(&state.store, id, &w)
        .await?
        .into_iter()
        .map(|mut e| {
            if e.label.starts_with("gov.") {
                e.label = t.get(&e.label).to_string();
            }
            if key == "registry_profile" {
                e.amount = t
                    .get(if e.amount == "1" {
                        "gov.evidence.filled"
                    } else {
                        "gov.evidence.missing"
                    })
                    .to_string();
            }
            e.link = visible_link(&user, &kim, e.link.take());
            e
        })
        .collect();
    let title = t.fmt(
        "gov.evidence_title",
        &[("indicator", t.get(ind.name)), ("kim", &kim.name)],
    );
    render(EvidencePage {
        page,
        kim,
        index,
        title,
        rows,
    })
}
