//! The leadership report for a region and a period (month, quarter or year): KIM counts and
//! village coverage, dissemination reach, alerts and response times, hoaxes handled, trainings,
//! the top and the dormant KIMs of the index. Rendered by the web page (with SVG charts), as an
//! XLSX workbook with a chart (rust_xlsxwriter) and as a PDF (printpdf, the bundled DejaVu
//! Sans), in Bahasa Indonesia with Indonesian number and date formats.

use crate::error::{AppError, AppResult};
use crate::AppCtx;
use chrono::{Datelike, NaiveDate};
use simpul_core::authz::{Action, Actor};
use simpul_core::calendar::long_date;
use simpul_core::governance::DORMANT_BELOW;
use simpul_core::RegionCode;
use simpul_store::governance::report::ReportFigures;
use simpul_store::governance::RankRow;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

pub const PERIOD_KINDS: [&str; 3] = ["month", "quarter", "year"];

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// A report period: the month, quarter or year containing a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPeriod {
    pub kind: &'static str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl ReportPeriod {
    pub fn containing(kind: &str, date: NaiveDate) -> Option<ReportPeriod> {
        let kind = PERIOD_KINDS.iter().copied().find(|k| *k == kind.trim())?;
        let y = date.year();
        let (start, end) = match kind {
            "month" => {
                let s = NaiveDate::from_ymd_opt(y, date.month(), 1)?;
                let next = if date.month() == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(y, date.month() + 1, 1)?
                };
                (s, next.pred_opt()?)
            }
            "quarter" => {
                let q = (date.month() - 1) / 3;
                let s = NaiveDate::from_ymd_opt(y, q * 3 + 1, 1)?;
                let next = if q == 3 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(y, q * 3 + 4, 1)?
                };
                (s, next.pred_opt()?)
            }
            _ => (
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y, 12, 31)?,
            ),
        };
        Some(ReportPeriod {
            kind,
            starts_on: start,
            ends_on: end,
        })
    }

    /// "Maret 2026", "Triwulan I 2026", "Tahun 2026".
    pub fn label(&self) -> String {
        let y = self.starts_on.year();
        match self.kind {
            "month" => format!("{} {y}", MONTHS[self.starts_on.month0() as usize]),
            "quarter" => {
                let q = ["I", "II", "III", "IV"][(self.starts_on.month0() / 3) as usize];
                format!("Triwulan {q} {y}")
            }
            _ => format!("Tahun {y}"),
        }
    }
}

/// 83762 → "83.762".
pub fn id_count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// 12.5 → "12,5"; 1234.25 → "1.234,3".
pub fn id_decimal(x: f64) -> String {
    if x < 0.0 && (x * 10.0).round() != 0.0 {
        return format!("-{}", id_decimal(-x));
    }
    let r = (x.abs() * 10.0).round() / 10.0;
    let whole = r.trunc() as i64;
    let tenth = ((r - r.trunc()).abs() * 10.0).round() as i64;
    if tenth == 0 {
        id_count(whole)
    } else {
        format!("{},{tenth}", id_count(whole))
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub region_code: String,
    pub region_name: String,
    pub period_kind: String,
    pub period_label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub figures: ReportFigures,
    /// Reach by kabupaten/kota name.
    pub reach_by_regency: Vec<(String, i64)>,
    pub index_title: Option<String>,
    pub top: Vec<RankRow>,
    pub dormant: Vec<RankRow>,
}

impl Report {
    /// The key figures as (label catalogue key, Indonesian-formatted value).
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let f = &self.figures;
        let coverage = if f.villages > 0 {
            format!(
                "{} %",
                id_decimal(100.0 * f.villages_with_kim as f64 / f.villages as f64)
            )
        } else {
            "–".into()
        };
        vec![
            ("gov.report_kims", id_count(f.kims)),
            ("gov.report_active_kims", id_count(f.active_kims)),
            ("gov.report_villages", id_count(f.villages_with_kim)),
            ("gov.report_coverage", coverage),
            ("gov.report_dissem_reports", id_count(f.dissem_reports)),
            ("gov.report_reach", id_count(f.reach)),
            ("gov.report_alerts", id_count(f.alert_targets)),
            ("gov.report_acked", id_count(f.alerts_acked)),
            (
                "gov.report_median_ack",
                f.median_ack_minutes.map(id_decimal).unwrap_or("–".into()),
            ),
            ("gov.report_hoax_reports", id_count(f.hoax_reports)),
            ("gov.report_hoax_clarified", id_count(f.hoax_clarified)),
            ("gov.report_trainings", id_count(f.training_attendees)),
        ]
    }
}

/// Assemble the report of `region` for the period of `kind` containing `date`, if this person
/// oversees the region.
pub async fn build(
    ctx: &AppCtx,
    who: &Actor,
    region: &str,
    kind: &str,
    date: NaiveDate,
) -> AppResult<Report> {
    let code = RegionCode::parse(region.trim())
        .map_err(|_| AppError::invalid("region", "gov.error.region"))?;
    if !who.can(Action::ViewRankings { region: &code }) {
        return Err(AppError::Forbidden);
    }
    let period = ReportPeriod::containing(kind, date)
        .ok_or(AppError::invalid("period", "gov.error.report_period"))?;
    let w = super::compute::window(code.province().as_str(), period.starts_on, period.ends_on);
    let figures = ctx.store.gov_report_figures(code.as_str(), &w).await?;
    let names = ctx.regions.index(&ctx.store).await?;
    let name_of = |c: &str| {
        RegionCode::parse(c)
            .ok()
            .and_then(|rc| names.get(&rc).map(|r| r.name.clone()))
            .unwrap_or_else(|| c.to_string())
    };
    let reach_by_regency = figures
        .reach_by_regency
        .iter()
        .map(|(c, n)| (name_of(c), *n))
        .collect();
    let (mut index_title, mut top, mut dormant) = (None, Vec::new(), Vec::new());
    if let Some((index, run)) = super::explain::current_run(ctx, code.province().as_str()).await? {
        let prev = match ctx.store.gov_previous_index(&index).await? {
            Some(p) => ctx.store.gov_latest_run(p.id).await?.map(|r| r.id),
            None => None,
        };
        top = ctx
            .store
            .gov_ranking(run.id, prev, Some(code.as_str()), None, 10, 0)
            .await?;
        dormant = ctx
            .store
            .gov_ranking(
                run.id,
                prev,
                Some(code.as_str()),
                Some((DORMANT_BELOW, 1e9)),
                10,
                0,
            )
            .await?;
        index_title = Some(index.title);
    }
    Ok(Report {
        region_name: name_of(code.as_str()),
        region_code: code.to_string(),
        period_kind: period.kind.to_string(),
        period_label: period.label(),
        starts_on: period.starts_on,
        ends_on: period.ends_on,
        figures,
        reach_by_regency,
        index_title,
        top,
        dormant,
    })
}

/// The workbook: the key figures, reach by kabupaten/kota with a bar chart, top and dormant
/// KIMs. Numbers are written as numbers (Excel formats them in the reader's locale).
pub fn to_xlsx(r: &Report, t: &crate::i18n::Messages<'_>) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Chart, ChartType, Format, Workbook};
    let e = AppError::internal;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Ringkasan").map_err(e)?;
    ws.set_column_width(0, 42).map_err(e)?;
    ws.set_column_width(1, 18).map_err(e)?;
    let title = t.fmt(
        "gov.report_of",
        &[("region", &r.region_name), ("period", &r.period_label)],
    );
    ws.write_string_with_format(0, 0, &title, &bold)
        .map_err(e)?;
    ws.write_string(
        1,
        0,
        format!(
            "{} – {}",
            long_date(r.starts_on, "id"),
            long_date(r.ends_on, "id")
        ),
    )
    .map_err(e)?;
    let f = &r.figures;
    let numbers: [(&str, Option<f64>); 12] = [
        ("gov.report_kims", Some(f.kims as f64)),
        ("gov.report_active_kims", Some(f.active_kims as f64)),
        ("gov.report_villages", Some(f.villages_with_kim as f64)),
        (
            "gov.report_coverage",
            (f.villages > 0).then(|| 100.0 * f.villages_with_kim as f64 / f.villages as f64),
        ),
        ("gov.report_dissem_reports", Some(f.dissem_reports as f64)),
        ("gov.report_reach", Some(f.reach as f64)),
        ("gov.report_alerts", Some(f.alert_targets as f64)),
        ("gov.report_acked", Some(f.alerts_acked as f64)),
        ("gov.report_median_ack", f.median_ack_minutes),
        ("gov.report_hoax_reports", Some(f.hoax_reports as f64)),
        ("gov.report_hoax_clarified", Some(f.hoax_clarified as f64)),
        ("gov.report_trainings", Some(f.training_attendees as f64)),
    ];
    let decimal = Format::new().set_num_format("#,##0.0");
    let whole = Format::new().set_num_format("#,##0");
    for (i, (key, v)) in numbers.iter().enumerate() {
        let row = 3 + i as u32;
        ws.write_string(row, 0, t.get(key)).map_err(e)?;
        match v {
            Some(x) if x.fract() != 0.0 => ws.write_number_with_format(row, 1, *x, &decimal),
            Some(x) => ws.write_number_with_format(row, 1, *x, &whole),
            None => ws.write_string(row, 1, "–"),
        }
        .map_err(e)?;
    }
    // Reach by kabupaten/kota, with its chart.
    let start = 3 + numbers.len() as u32 + 2;
    ws.write_string_with_format(start, 0, t.get("gov.report_by_regency"), &bold)
        .map_err(e)?;
    for (i, (name, n)) in r.reach_by_regency.iter().enumerate() {
        let row = start + 1 + i as u32;
        ws.write_string(row, 0, name).map_err(e)?;
        ws.write_number_with_format(row, 1, *n as f64, &whole)
            .map_err(e)?;
    }
    if !r.reach_by_regency.is_empty() {
        let last = start + r.reach_by_regency.len() as u32;
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_categories(("Ringkasan", start + 1, 0, last, 0))
            .set_values(("Ringkasan", start + 1, 1, last, 1))
            .set_name(t.get("gov.report_reach"));
        chart.title().set_name(t.get("gov.report_by_regency"));
        chart.legend().set_hidden();
        ws.insert_chart(3, 3, &chart).map_err(e)?;
    }
    // Top and dormant KIMs.
    for (name, rows) in [("Terbaik", &r.top), ("Tidak aktif", &r.dormant)] {
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(e)?;
        let header = [
            t.get("gov.kim"),
            t.get("gov.score"),
            t.get("gov.rank_province"),
            t.get("gov.rank_regency"),
        ];
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(e)?;
        }
        ws.set_column_width(0, 40).map_err(e)?;
        for (i, k) in rows.iter().enumerate() {
            let row = 1 + i as u32;
            ws.write_string(row, 0, &k.kim_name).map_err(e)?;
            ws.write_number(row, 1, k.score).map_err(e)?;
            ws.write_number(row, 2, k.rank_province as f64).map_err(e)?;
            ws.write_number(row, 3, k.rank_regency as f64).map_err(e)?;
        }
    }
    wb.save_to_buffer().map_err(e)
}

/// The PDF (A4 portrait): title, period, the key figures, a bar chart of reach by
/// kabupaten/kota drawn as vector rectangles, the top and dormant KIMs. Blocking: call from
/// `spawn_blocking`.
pub fn to_pdf(r: &Report, lines: &[(String, String)], labels: &PdfLabels) -> AppResult<Vec<u8>> {
    use printpdf::{Color, Mm, PdfDocument, Rect, Rgb};
    let e = AppError::internal;
    let (w, h) = (210.0_f32, 297.0_f32);
    let (doc, page, layer) = PdfDocument::new(labels.title.clone(), Mm(w), Mm(h), "laporan");
    let regular = doc
        .add_external_font_with_subsetting(std::io::Cursor::new(REGULAR), true)
        .map_err(e)?;
    let bold = doc
        .add_external_font_with_subsetting(std::io::Cursor::new(BOLD), true)
        .map_err(e)?;
    let l = doc.get_page(page).get_layer(layer);
    let black = Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None));
    let blue = Color::Rgb(Rgb::new(0.04, 0.36, 0.46, None));
    let cut = |s: &str, n: usize| -> String {
        if s.chars().count() > n {
            format!("{}…", s.chars().take(n - 1).collect::<String>())
        } else {
            s.to_string()
        }
    };
    l.set_fill_color(black.clone());
    l.use_text(cut(&labels.title, 60), 16.0, Mm(18.0), Mm(h - 22.0), &bold);
    l.use_text(labels.dates.clone(), 10.0, Mm(18.0), Mm(h - 29.0), &regular);
    l.use_text(labels.figures.clone(), 12.0, Mm(18.0), Mm(h - 42.0), &bold);
    let mut y = h - 50.0;
    for (label, value) in lines {
        l.use_text(cut(label, 55), 10.0, Mm(18.0), Mm(y), &regular);
        l.use_text(value.clone(), 10.0, Mm(140.0), Mm(y), &bold);
        y -= 6.0;
    }
    // Reach by kabupaten/kota as horizontal bars (at most 15 rows fit).
    y -= 6.0;
    l.use_text(labels.by_regency.clone(), 12.0, Mm(18.0), Mm(y), &bold);
    y -= 8.0;
    let max = r
        .reach_by_regency
        .iter()
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    for (name, n) in r.reach_by_regency.iter().take(15) {
        l.set_fill_color(black.clone());
        l.use_text(cut(name, 28), 8.0, Mm(18.0), Mm(y), &regular);
        let bar = 80.0 * (*n as f32 / max);
        l.set_fill_color(blue.clone());
        l.add_rect(Rect::new(
            Mm(75.0),
            Mm(y - 0.5),
            Mm(75.0 + bar.max(0.5)),
            Mm(y + 3.0),
        ));
        l.set_fill_color(black.clone());
        l.use_text(id_count(*n), 8.0, Mm(77.0 + bar), Mm(y), &regular);
        y -= 5.0;
    }
    if r.reach_by_regency.is_empty() {
        l.use_text("–", 10.0, Mm(18.0), Mm(y), &regular);
        y -= 5.0;
    }
    // Top and dormant KIMs, side by side.
    y -= 6.0;
    l.set_fill_color(black.clone());
    l.use_text(labels.top.clone(), 12.0, Mm(18.0), Mm(y), &bold);
    l.use_text(labels.dormant.clone(), 12.0, Mm(110.0), Mm(y), &bold);
    y -= 7.0;
    for i in 0..10 {
        if let Some(k) = r.top.get(i) {
            l.use_text(
                format!(
                    "{}. {} ({})",
                    k.rank_province,
                    cut(&k.kim_name, 30),
                    id_decimal(k.score)
                ),
                8.0,
                Mm(18.0),
                Mm(y),
                &regular,
            );
        }
        if let Some(k) = r.dormant.get(i) {
            l.use_text(
                format!("{} ({})", cut(&k.kim_name, 34), id_decimal(k.score)),
                8.0,
                Mm(110.0),
                Mm(y),
                &regular,
            );
        }
        y -= 5.0;
    }
    l.use_text(labels.generated.clone(), 8.0, Mm(18.0), Mm(12.0), &regular);
    doc.save_to_bytes().map_err(e)
}

/// The PDF's words, already in the reader's language.
#[derive(Debug, Clone)]
pub struct PdfLabels {
    pub title: String,
    pub dates: String,
    pub figures: String,
    pub by_regency: String,
    pub top: String,
    pub dormant: String,
    pub generated: String,
}

/// A table as a workbook: a bold header, numbers as numbers except in `text_columns`.
pub fn table_xlsx(
    header: &[String],
    rows: &[Vec<String>],
    text_columns: &[usize],
) -> AppResult<Vec<u8>> {
    let e = AppError::internal;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(e)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        for (c, v) in r.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) if !text_columns.contains(&c) => ws.write_number(row, c as u16, n),
                _ => ws.write_string(row, c as u16, v),
            }
            .map_err(e)?;
        }
    }
    wb.save_to_buffer().map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_indonesian_numbers() {
        let d = NaiveDate::from_ymd_opt(2026, 5, 17).unwrap();
        let q = ReportPeriod::containing("quarter", d).unwrap();
        assert_eq!(q.starts_on.to_string(), "2026-04-01");
        assert_eq!(q.ends_on.to_string(), "2026-06-30");
        assert_eq!(q.label(), "Triwulan II 2026");
        let m = ReportPeriod::containing("month", NaiveDate::from_ymd_opt(2026, 12, 3).unwrap())
            .unwrap();
        assert_eq!(m.ends_on.to_string(), "2026-12-31");
        assert_eq!(m.label(), "Desember 2026");
        assert!(ReportPeriod::containing("week", d).is_none());
        assert_eq!(id_count(83762), "83.762");
        assert_eq!(id_count(1_234_567), "1.234.567");
        assert_eq!(id_decimal(12.5), "12,5");
        assert_eq!(id_decimal(1234.0), "1.234");
        assert_eq!(id_decimal(-0.5), "-0,5");
        assert_eq!(id_decimal(-12.34), "-12,3");
        assert_eq!(id_decimal(-0.01), "0");
    }
}
