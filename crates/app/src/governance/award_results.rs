//! An award's results: nominations ranked in each category by their jurors' average score
//! (ties: the higher total, then the earlier nomination), the first three places written when
//! the office publishes, each winner's certificate (the events capability's printpdf
//! certificate, with the award's wording) and its verification code, shown on the public
//! results page.

use crate::error::{AppError, AppResult};
use crate::events::certificate::{render, CertificateText};
use crate::AppCtx;
use simpul_core::RegionCode;
use simpul_store::governance::awards::{AwardRecord, NominationRow, Place};

/// Places awarded in each category.
pub const PLACES: i64 = 3;

/// A nomination as ranked in its category.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub nomination: NominationRow,
    /// Average of the jurors' scores (None: nobody scored it yet).
    pub average: Option<f64>,
    /// 1-based place in its category among the scored nominations.
    pub rank: Option<i64>,
}

/// Nominations by category, each category ranked.
pub fn rank(nominations: Vec<NominationRow>) -> Vec<(String, Vec<Ranked>)> {
    let mut out: Vec<(String, Vec<Ranked>)> = Vec::new();
    for n in nominations {
        let average = (n.jurors > 0).then(|| n.total as f64 / n.jurors as f64);
        let r = Ranked {
            nomination: n,
            average,
            rank: None,
        };
        match out.iter_mut().find(|(c, _)| *c == r.nomination.category) {
            Some((_, list)) => list.push(r),
            None => out.push((r.nomination.category.clone(), vec![r])),
        }
    }
    for (_, list) in &mut out {
        list.sort_by(|a, b| {
            b.average
                .unwrap_or(-1.0)
                .total_cmp(&a.average.unwrap_or(-1.0))
                .then(b.nomination.total.cmp(&a.nomination.total))
                .then(a.nomination.id.cmp(&b.nomination.id))
        });
        let mut place = 0;
        for r in list.iter_mut().filter(|r| r.average.is_some()) {
            place += 1;
            r.rank = Some(place);
        }
    }
    out
}

/// The places to write when publishing: the first three scored nominations of each category,
/// each with its certificate's verification code.
pub async fn places(ctx: &AppCtx, a: &AwardRecord) -> AppResult<Vec<Place>> {
    let mut out = Vec::new();
    for (_, list) in rank(ctx.store.gov_nominations(a.id).await?) {
        for r in list {
            if let Some(place) = r.rank.filter(|p| *p <= PLACES) {
                out.push((r.nomination.id, place, code(ctx, a.id, r.nomination.id)));
            }
        }
    }
    Ok(out)
}

/// "P-" and twelve letters of a keyed MAC of the award and nomination: unguessable, and the
/// same if results were ever re-published.
fn code(ctx: &AppCtx, award_id: i64, nomination_id: i64) -> String {
    let events = simpul_core::events::certificate_code(
        &ctx.config.secret.0,
        nomination_id,
        &format!("award:{award_id}"),
    );
    format!("P-{}", events.trim_start_matches("S-"))
}

/// A published award, for anyone (the public results page).
pub async fn published(ctx: &AppCtx, award_id: i64) -> AppResult<AwardRecord> {
    let a = ctx.store.gov_award(award_id).await?;
    if a.status != "published" {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

/// A winner's certificate of a published award: (code, PDF).
pub async fn certificate(
    ctx: &AppCtx,
    award_id: i64,
    nomination_id: i64,
) -> AppResult<(String, Vec<u8>)> {
    let a = published(ctx, award_id).await?;
    let n = ctx.store.gov_nomination(nomination_id).await?;
    let (Some(place), Some(code)) = (n.place, n.certificate_code.clone()) else {
        return Err(AppError::NotFound);
    };
    if n.award_id != a.id {
        return Err(AppError::NotFound);
    }
    let t = ctx.catalog.messages(crate::Locale::Id);
    let region = match RegionCode::parse(&a.region_code) {
        Ok(c) => {
            let index = ctx.regions.index(&ctx.store).await?;
            index.get(&c).map(|x| x.name.clone()).unwrap_or_default()
        }
        Err(_) => String::new(),
    };
    let published = a
        .published_at
        .map(|d| simpul_core::calendar::long_date(d.date_naive(), "id"))
        .unwrap_or_default();
    let text = CertificateText {
        name: n.kim_name.clone(),
        event_title: a.title.clone(),
        kind_label: String::new(),
        reason: Some(t.fmt(
            "gov.cert_reason",
            &[
                ("place", &t.fmt("gov.place", &[("n", &place.to_string())])),
                ("category", &n.category),
            ],
        )),
        dates: t.fmt(
            "gov.cert_level",
            &[("level", t.get(&format!("gov.level.{}", a.level)))],
        ),
        hours: published,
        organiser: t.fmt("events.cert_organiser", &[("region", &region)]),
        code: code.clone(),
        verify_url: format!(
            "{}/penghargaan/{}",
            ctx.config.base_url.trim_end_matches('/'),
            a.id
        ),
    };
    let pdf = tokio::task::spawn_blocking(move || render(&text))
        .await
        .map_err(AppError::internal)??;
    Ok((code, pdf))
}
