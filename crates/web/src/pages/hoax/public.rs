//! Public pages: "Cek hoaks" (anyone, no account; a signed-in person reports from their account
//! through the same form), the answer, the clarifications and their image cards, and a signed-in
//! person's own reports.

use super::{label_class, label_name, reason_name, status_name, whatsapp_text};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::CsrfMultipart;
use crate::extract::{MaybeUser, PathParam, Query, SessionUser};
use crate::pages::{form_errors, render, render_with_status, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use simpul_app::hoax::answer::public_link;
use simpul_app::hoax::intake::{submit, Outcome, Source, SubmitInput};
use simpul_core::audit::AuditContext;
use simpul_core::hoax::intake::{form_token, form_token_ok};
use simpul_core::hoax::ClaimStatus;
use simpul_core::RegionCode;
use simpul_store::hoax::{ClaimRecord, Clarification};

/// Longest text field read from the multipart form (the service refuses over 10,000 chars
/// with a clear message; this only bounds memory).
const MAX_FIELD: usize = 64 * 1024;

#[derive(Template)]
#[template(path = "hoax_check.html")]
struct CheckPage<'a> {
    page: Page<'a>,
    /// Each province with its kabupaten/kota, (code, name): the KIMs of the place chosen hear
    /// the clarification, so a kabupaten reaches the right villages, a province all of its own.
    provinces: Vec<Province>,
    text: String,
    region: String,
    email: String,
    token: String,
    errors: Vec<FieldError>,
    signed_in: bool,
}

/// (code, name, its kabupaten/kota as (code, name)).
pub(crate) type Province = (String, String, Vec<(String, String)>);

pub(crate) async fn provinces(state: &AppState) -> AppResult<Vec<Province>> {
    let index = state.regions.index(&state.store).await?;
    // The ~500 kabupaten/kota and the provinces from the index's per-level lists, not a walk
    // over the ~91,600 regions nor a query: this runs on every uncached portal and tipline page.
    let mut regencies: std::collections::HashMap<RegionCode, Vec<(String, String)>> =
        std::collections::HashMap::new();
    for r in index.at_level(simpul_core::Level::Regency) {
        regencies
            .entry(r.code.province())
            .or_default()
            .push((r.code.to_string(), r.name.clone()));
    }
    // The provinces from the same index, by code (the order the database listed them in).
    let mut out: Vec<Province> = index
        .at_level(simpul_core::Level::Province)
        .map(|p| {
            let mut own = regencies.remove(&p.code).unwrap_or_default();
            own.sort_by(|a, b| a.1.cmp(&b.1));
            (p.code.to_string(), p.name.clone(), own)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The region a signed-in KIM person reports from by default: their KIM's scope region.
fn default_region(user: Option<&crate::extract::CurrentUser>) -> String {
    use simpul_core::authz::ScopeRegions;
    user.and_then(|u| {
        u.actor.grants.iter().find_map(|g| match &g.territory {
            ScopeRegions::Regions(r) => r.first().map(|c| c.to_string()),
            ScopeRegions::All => None,
        })
    })
    .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
async fn check_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: Option<&crate::extract::CurrentUser>,
    input: &SubmitInput,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> AppResult<Response> {
    let page = Page::new(state, ctx, user);
    render_with_status(
        status,
        CheckPage {
            provinces: provinces(state).await?,
            text: input.text.clone(),
            region: input.region.clone().unwrap_or_default(),
            email: input.email.clone().unwrap_or_default(),
            token: form_token(&state.config.secret.0, chrono::Utc::now().timestamp()),
            errors,
            signed_in: user.is_some(),
            page,
        },
    )
}

pub async fn check_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
) -> AppResult<Response> {
    let input = SubmitInput {
        region: Some(default_region(user.as_ref())),
        ..Default::default()
    };
    check_page(
        &state,
        &ctx,
        user.as_ref(),
        &input,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// What the answer page shows.
pub struct MatchedView {
    pub claim_id: i64,
    pub claim: String,
    pub label: String,
    pub label_class: &'static str,
    pub summary: String,
    pub why: String,
    pub whatsapp: String,
}

#[derive(Template)]
#[template(path = "hoax_answer.html")]
struct AnswerPage<'a> {
    page: Page<'a>,
    matched: Option<MatchedView>,
    similar: Vec<(i64, String, String)>,
    grouped: bool,
    signed_in: bool,
}

pub async fn check(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    CsrfMultipart(mut form): CsrfMultipart,
) -> AppResult<Response> {
    let mut input = SubmitInput::default();
    let (mut honeypot, mut token) = (String::new(), String::new());
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error.bad_form"))?
    {
        let name = field.name().unwrap_or("").to_owned();
        let data = field
            .bytes()
            .await
            .map_err(|_| AppError::BadRequest("error.file_too_large"))?;
        if name == "images" {
            if !data.is_empty() {
                input.images.push(data.to_vec());
            }
            continue;
        }
        if data.len() > MAX_FIELD {
            return Err(AppError::invalid("text", "hoax.error.too_long"));
        }
        let value = String::from_utf8(data.to_vec())
            .map_err(|_| AppError::invalid("text", "hoax.error.not_text"))?;
        match name.as_str() {
            "text" => input.text = value,
            "region" => input.region = Some(value),
            "email" => input.email = Some(value),
            "website" => honeypot = value,
            "form_token" => token = value,
            _ => {}
        }
    }
    let now = chrono::Utc::now().timestamp();
    // The honeypot is hidden from people (and from screen readers); only a bot fills it. An
    // anonymous form must also come back with our signed token, not too fast and not stale.
    if !honeypot.trim().is_empty()
        || (user.is_none() && !form_token_ok(&state.config.secret.0, &token, now))
    {
        let errors = vec![FieldError::new("", "hoax.error.form_expired")];
        return check_page(
            &state,
            &ctx,
            user.as_ref(),
            &input,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let (source, audit) = match &user {
        Some(u) => (
            Source::Account {
                actor: &u.actor,
                api: false,
            },
            u.audit(&ctx),
        ),
        None => (
            Source::Public { ip: &ctx.ip },
            AuditContext {
                actor_id: None,
                actor_name: "public".into(),
                request_id: ctx.request_id.clone(),
                ip: Some(ctx.ip.clone()),
            },
        ),
    };
    match submit(&state, source, &audit, &input).await {
        Ok(outcome) => answer_page(&state, &ctx, user.as_ref(), outcome).await,
        Err(err) => {
            let (status, errors) = form_errors(err)?;
            check_page(&state, &ctx, user.as_ref(), &input, errors, status).await
        }
    }
}

pub fn matched_view(
    state: &AppState,
    page: &Page<'_>,
    claim: &ClaimRecord,
    clarification: &Clarification,
    similarity: f64,
    reason: simpul_core::hoax::Reason,
) -> MatchedView {
    let label = label_name(&page.t, &clarification.label);
    let link = format!(
        "{}{}",
        state.config.base_url.trim_end_matches('/'),
        public_link(claim.id)
    );
    MatchedView {
        claim_id: claim.id,
        whatsapp: whatsapp_text(&page.t, &label, &claim.title, &clarification.summary, &link),
        claim: claim.title.clone(),
        label_class: label_class(&clarification.label),
        label,
        summary: clarification.summary.clone(),
        why: page.t.fmt(
            "hoax.answer.match_why",
            &[
                ("similarity", &format!("{:.0}%", similarity * 100.0)),
                ("reason", &reason_name(&page.t, reason)),
            ],
        ),
    }
}

async fn answer_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: Option<&crate::extract::CurrentUser>,
    outcome: Outcome,
) -> AppResult<Response> {
    let page = Page::new(state, ctx, user);
    let (matched, similar, grouped) = match outcome {
        Outcome::Answered {
            claim,
            clarification,
            matched,
            ..
        } => (
            Some(matched_view(
                state,
                &page,
                &claim,
                &clarification,
                matched.similarity,
                matched.reason,
            )),
            Vec::new(),
            false,
        ),
        Outcome::Queued {
            similar, grouped, ..
        } => {
            let mut shown = Vec::new();
            for (claim, m) in similar {
                if claim.status == ClaimStatus::Published {
                    shown.push((
                        claim.id,
                        claim.title,
                        format!("{:.0}%", m.similarity * 100.0),
                    ));
                }
            }
            (None, shown, grouped)
        }
    };
    render(AnswerPage {
        signed_in: user.is_some(),
        page,
        matched,
        similar,
        grouped,
    })
}

pub struct ClarificationRow {
    pub id: i64,
    pub title: String,
    pub label: String,
    pub label_class: &'static str,
    pub summary: String,
    pub published: String,
}

#[derive(Template)]
#[template(path = "hoax_clarifications.html")]
struct ListPage<'a> {
    page: Page<'a>,
    rows: Vec<ClarificationRow>,
    next: Option<i64>,
    prev: Option<i64>,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    page: Option<i64>,
}

const PER_PAGE: i64 = 20;

pub async fn clarifications(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let n = q.page.unwrap_or(1).clamp(1, 10_000);
    let items = state
        .store
        .hoax_published(PER_PAGE + 1, (n - 1) * PER_PAGE)
        .await?;
    let page = Page::new(&state, &ctx, user.as_ref());
    let more = items.len() as i64 > PER_PAGE;
    let rows = items
        .into_iter()
        .take(PER_PAGE as usize)
        .map(|(c, v)| ClarificationRow {
            id: c.id,
            title: c.title,
            label: label_name(&page.t, &v.label),
            label_class: label_class(&v.label),
            summary: v.summary,
            published: v
                .published_at
                .map(|d| page.date(d.date_naive()))
                .unwrap_or_default(),
        })
        .collect();
    render(ListPage {
        page,
        rows,
        next: more.then_some(n + 1),
        prev: (n > 1).then_some(n - 1),
    })
}

async fn published(state: &AppState, id: i64) -> AppResult<(ClaimRecord, Clarification)> {
    let claim = state.store.hoax_claim(id).await?;
    let verdict = state.store.hoax_clarification(id).await?;
    match verdict {
        Some(v) if claim.status == ClaimStatus::Published && v.published_at.is_some() => {
            Ok((claim, v))
        }
        _ => Err(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "hoax_clarification.html")]
struct ClarificationPage<'a> {
    page: Page<'a>,
    claim: ClaimRecord,
    label: String,
    label_class: &'static str,
    summary: String,
    explanation: Vec<String>,
    sources: Vec<(String, bool)>,
    meta: String,
    whatsapp: String,
    json_ld: String,
}

/// schema.org `ClaimReview` for search engines and fact-check archives, with `<` escaped so the
/// JSON cannot close its script element.
fn claim_review(state: &AppState, claim: &ClaimRecord, v: &Clarification, label: &str) -> String {
    claim_review_json(state, claim, v, label)
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The `ClaimReview` object of a published clarification (the page's JSON-LD and the archive
/// export write the same).
pub fn claim_review_json(
    state: &AppState,
    claim: &ClaimRecord,
    v: &Clarification,
    label: &str,
) -> serde_json::Value {
    let url = format!(
        "{}{}",
        state.config.base_url.trim_end_matches('/'),
        public_link(claim.id)
    );
    simpul_core::hoax::claimreview::to_json(&simpul_core::hoax::claimreview::Published {
        url: &url,
        claim: &claim.title,
        appearance: &claim.body,
        label_name: label,
        label_is_true: simpul_core::hoax::LabelSet::from_stored(&v.label).is_true(),
        summary: &v.summary,
        published_at: v.published_at,
        first_seen_at: claim.first_seen_at,
        publisher: "Simpul",
    })
}

pub async fn clarification(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let (claim, v) = published(&state, id).await?;
    let page = Page::new(&state, &ctx, user.as_ref());
    let label = label_name(&page.t, &v.label);
    let link = format!(
        "{}{}",
        state.config.base_url.trim_end_matches('/'),
        public_link(id)
    );
    render(ClarificationPage {
        whatsapp: whatsapp_text(&page.t, &label, &claim.title, &v.summary, &link),
        json_ld: claim_review(&state, &claim, &v, &label),
        label_class: label_class(&v.label),
        summary: v.summary.clone(),
        explanation: v.explanation.split("\n\n").map(str::to_string).collect(),
        sources: v
            .sources
            .lines()
            .map(|s| {
                (
                    s.to_string(),
                    s.starts_with("https://") || s.starts_with("http://"),
                )
            })
            .collect(),
        meta: page.t.fmt(
            "hoax.page.meta",
            &[
                (
                    "date",
                    &v.published_at
                        .map(|d| page.date(d.date_naive()))
                        .unwrap_or_default(),
                ),
                ("reports", &claim.report_count.to_string()),
            ],
        ),
        label,
        claim,
        page,
    })
}

/// The shareable 1080×1080 image card.
pub async fn card(
    State(state): State<AppState>,
    ctx: RequestCtx,
    PathParam(id): PathParam<i64>,
) -> AppResult<Response> {
    let (claim, v) = published(&state, id).await?;
    let t = state.catalog.messages(ctx.locale);
    let label = label_name(&t, &v.label);
    let link = format!(
        "{}{}",
        state.config.base_url.trim_end_matches('/'),
        public_link(id)
    );
    let headings = [
        t.get("hoax.card.claim").to_string(),
        t.get("hoax.card.summary").to_string(),
        t.get("hoax.card.footer").to_string(),
    ];
    let png = tokio::task::spawn_blocking(move || {
        simpul_app::hoax::card::render(&simpul_app::hoax::card::CardText {
            label: &label,
            is_true: simpul_core::hoax::LabelSet::from_stored(&v.label).is_true(),
            claim_heading: &headings[0],
            claim: &claim.title,
            summary_heading: &headings[1],
            summary: &v.summary,
            link: &link,
            footer: &headings[2],
        })
    })
    .await
    .map_err(AppError::internal)?;
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

pub struct MineRow {
    pub claim_id: i64,
    pub text: String,
    pub status: String,
    pub answer: Option<(String, &'static str, String)>,
    pub at: String,
}

#[derive(Template)]
#[template(path = "hoax_mine.html")]
struct MinePage<'a> {
    page: Page<'a>,
    rows: Vec<MineRow>,
}

/// A signed-in person's reports and, for those checked, the answer.
pub async fn mine(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let reports = state.store.hoax_reports_by(user.actor.user_id, 50).await?;
    let page = Page::new(&state, &ctx, Some(&user));
    let mut rows = Vec::new();
    for r in reports {
        let claim = state.store.hoax_claim(r.claim_id).await?;
        // A merged claim's answer is its target's.
        let claim = match claim.merged_into {
            Some(into) => state.store.hoax_claim(into).await?,
            None => claim,
        };
        let answer = match state.store.hoax_clarification(claim.id).await? {
            Some(v) if claim.status == ClaimStatus::Published && v.published_at.is_some() => {
                Some((
                    label_name(&page.t, &v.label),
                    label_class(&v.label),
                    v.summary,
                ))
            }
            _ => None,
        };
        rows.push(MineRow {
            claim_id: claim.id,
            text: r.body.chars().take(200).collect(),
            status: status_name(&page.t, claim.status),
            answer,
            at: page.time(r.created_at),
        });
    }
    render(MinePage { page, rows })
}
