//! Reach for the publisher and the administrators in scope: by package (a ranking), by
//! kabupaten/kota, by channel, over time; which targeted KIMs have not acted; flagged reports;
//! and the reports as CSV or XLSX.

use super::{owner, visible, watch_territory};
use crate::error::{AppError, AppResult};
use crate::AppCtx;
use simpul_core::authz::{Action, Actor};
use simpul_core::dissem::Review;
use simpul_store::dissem::{PackageRecord, Reach, ReportFilter, ReportRecord, TargetRow};

/// What the reach dashboard shows.
pub struct ReachView {
    pub reach: Reach,
    /// The package looked at, with its targeted KIMs (not acted first).
    pub package: Option<(PackageRecord, Vec<TargetRow>)>,
    /// Reports waiting for a review of their reach.
    pub flagged: Vec<ReportRecord>,
}

fn require_watcher(who: &Actor) -> AppResult<()> {
    if who.can(Action::WatchReach { region: None })
        || !matches!(watch_territory(who), simpul_core::ScopeRegions::Regions(ref r) if r.is_empty())
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The filter for `who`, narrowed to one package when given (which they must be able to see).
pub async fn filter(ctx: &AppCtx, who: &Actor, package: Option<i64>) -> AppResult<ReportFilter> {
    require_watcher(who)?;
    let mut f = ReportFilter {
        owners: Some(watch_territory(who)),
        ..Default::default()
    };
    if let Some(id) = package {
        let p = visible(ctx, who, id).await?;
        if !who.can(Action::WatchReach {
            region: owner(&p).as_ref(),
        }) && p.created_by != Some(who.user_id)
        {
            return Err(AppError::NotFound);
        }
        f.package_id = Some(id);
        f.owners = None;
    }
    Ok(f)
}

pub async fn dashboard(ctx: &AppCtx, who: &Actor, package: Option<i64>) -> AppResult<ReachView> {
    let f = filter(ctx, who, package).await?;
    let reach = ctx.store.dissem_reach(&f).await?;
    let package = match package {
        Some(id) => Some((
            ctx.store.dissem_package(id).await?,
            ctx.store.dissem_targets(id).await?,
        )),
        None => None,
    };
    let flagged_filter = ReportFilter {
        review: Some(Review::Flagged),
        ..f.clone()
    };
    let flagged = ctx.store.dissem_reports(&flagged_filter, 50).await?;
    Ok(ReachView {
        reach,
        package,
        flagged,
    })
}

/// Most reports an export holds.
pub const EXPORT_LIMIT: i64 = 200_000;

pub const EXPORT_HEADERS: [&str; 10] = [
    "ID Laporan",
    "Paket",
    "KIM",
    "Kode Kab/Kota",
    "Saluran",
    "Tanggal",
    "Jangkauan",
    "Tautan",
    "Pemeriksaan",
    "Dilaporkan",
];

/// The reports `who` may see, as rows for a sheet.
pub async fn export_rows(
    ctx: &AppCtx,
    who: &Actor,
    package: Option<i64>,
) -> AppResult<Vec<Vec<String>>> {
    let f = filter(ctx, who, package).await?;
    let t = ctx.catalog.messages(crate::Locale::default());
    Ok(ctx
        .store
        .dissem_reports(&f, EXPORT_LIMIT)
        .await?
        .into_iter()
        .map(|r| {
            let channel = simpul_core::dissem::ReportChannel::parse(&r.channel)
                .map(|c| t.get(&c.message_key()).to_string())
                .unwrap_or(r.channel);
            vec![
                r.id.to_string(),
                r.package_title,
                r.kim_name,
                r.regency_code,
                channel,
                r.reported_on.format("%d/%m/%Y").to_string(),
                r.reach.to_string(),
                r.link,
                t.get(&r.review.message_key()).to_string(),
                r.created_at.format("%d/%m/%Y %H:%M UTC").to_string(),
            ]
        })
        .collect())
}

/// A sheet in `format` (`csv` or `xlsx`): (content type, file extension, bytes).
pub fn sheet(
    format: &str,
    name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> AppResult<(&'static str, &'static str, Vec<u8>)> {
    match format {
        "xlsx" => Ok((
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            simpul_core::sheet::write_xlsx(name, headers, rows).map_err(AppError::internal)?,
        )),
        "" | "csv" => Ok((
            "text/csv; charset=utf-8",
            "csv",
            simpul_core::sheet::write_csv(headers, rows),
        )),
        _ => Err(AppError::BadRequest("dissem.error.format")),
    }
}
