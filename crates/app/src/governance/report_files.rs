//! The leadership report's PDF in Bahasa Indonesia, for the page's download (and anything else
//! that needs the file): its words come from the catalogue, the drawing from
//! [`super::report::to_pdf`], off the async threads.

use super::report::{to_pdf, PdfLabels, Report};
use crate::error::{AppError, AppResult};
use crate::AppCtx;

pub async fn pdf(ctx: &AppCtx, r: &Report) -> AppResult<Vec<u8>> {
    let t = ctx.catalog.messages(crate::Locale::Id);
    let lines: Vec<(String, String)> = r
        .lines()
        .into_iter()
        .map(|(k, v)| (t.get(k).to_string(), v))
        .collect();
    let long = |d| simpul_core::calendar::long_date(d, "id");
    let now = chrono::Utc::now();
    let labels = PdfLabels {
        title: t.fmt(
            "gov.report_of",
            &[("region", &r.region_name), ("period", &r.period_label)],
        ),
        dates: format!("{} – {}", long(r.starts_on), long(r.ends_on)),
        figures: t.get("gov.report_figures").to_string(),
        by_regency: t.get("gov.report_by_regency").to_string(),
        top: t.get("gov.report_top").to_string(),
        dormant: t.get("gov.report_dormant").to_string(),
        generated: t.fmt(
            "gov.report_generated",
            &[(
                "time",
                &simpul_core::calendar::long_time(now, simpul_core::calendar::Zone::Wib, "id"),
            )],
        ),
    };
    let r = r.clone();
    tokio::task::spawn_blocking(move || to_pdf(&r, &lines, &labels))
        .await
        .map_err(AppError::internal)?
}

/// The monthly report on schedule: once the month is over, every provincial admin of a
/// province with a published index is told its report is ready, with a link to the page
/// (which also offers the PDF and XLSX). The notice's dedupe key makes the six-hourly check
/// tell each person once a month. Returns how many provinces were announced.
pub async fn announce_monthly(ctx: &AppCtx, today: chrono::NaiveDate) -> AppResult<usize> {
    use crate::notify::{notify, Audience, Message};
    use chrono::Datelike;
    use simpul_core::notify::{Kind, Priority};
    let Some(last_month) = today.with_day(1).and_then(|d| d.pred_opt()) else {
        return Ok(0);
    };
    let Some(period) = super::report::ReportPeriod::containing("month", last_month) else {
        return Ok(0);
    };
    let mut provinces: Vec<String> = ctx
        .store
        .gov_indexes(None)
        .await?
        .into_iter()
        .filter(|i| i.status == "published")
        .map(|i| i.province_code)
        .collect();
    provinces.sort();
    provinces.dedup();
    let names = ctx.regions.index(&ctx.store).await?;
    for p in &provinces {
        let Ok(code) = simpul_core::RegionCode::parse(p) else {
            continue;
        };
        let name = names.get(&code).map(|r| r.name.clone()).unwrap_or_default();
        let message = Message {
            kind: Kind::Account,
            priority: Priority::Normal,
            template: "gov_report_monthly".into(),
            args: vec![("region".into(), name), ("period".into(), period.label())],
            link: format!(
                "/governance/reports?region={p}&period=month&date={}",
                period.starts_on
            ),
            dedupe_key: Some(format!("gov:report:{p}:{}", period.starts_on)),
        };
        notify(
            ctx,
            &Audience::Roles {
                roles: vec![simpul_core::Role::ProvincialAdmin],
                region: Some(code),
            },
            &message,
        )
        .await?;
    }
    Ok(provinces.len())
}

async fn monthly_job(
    ctx: &AppCtx,
    _: &simpul_store::jobs::Job,
    _: &crate::jobs::Progress,
) -> Result<serde_json::Value, crate::jobs::JobError> {
    let today = chrono::Utc::now()
        .with_timezone(&simpul_core::calendar::Zone::Wib.offset())
        .date_naive();
    match announce_monthly(ctx, today).await {
        Ok(n) => Ok(serde_json::json!({ "provinces": n })),
        Err(e) => Err(crate::jobs::JobError::Retry(format!("{e:?}"))),
    }
}

pub static MONTHLY: crate::jobs::JobKind = crate::jobs::JobKind {
    name: "gov.monthly_report",
    run: |ctx, job, progress| Box::pin(monthly_job(ctx, job, progress)),
    max_attempts: 3,
    max_backoff: std::time::Duration::from_secs(300),
};

pub static MONTHLY_CHECK: crate::jobs::ScheduleDef = crate::jobs::ScheduleDef {
    name: "gov.monthly_report",
    every: std::time::Duration::from_secs(6 * 3600),
    kind: &MONTHLY,
};
