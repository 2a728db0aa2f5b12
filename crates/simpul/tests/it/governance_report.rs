//! The leadership report through the page, on both engines: Kabupaten Pasuruan's office
//! chooses its region and a yearly period from the page's choices, sees the figures and the
//! chart, and downloads the PDF (opened with lopdf: a real PDF whose title names the region
//! and period) and the XLSX (read back with calamine: its sheets, a figure); a region outside
//! the office's oversight is refused, a bad period gets a field message; the monthly
//! announcement tells the province's leadership once.

use crate::common::{header, Engine, TestApp};
use crate::on_both_engines;

on_both_engines!(an_office_reads_the_leadership_report_and_downloads_it,);

async fn an_office_reads_the_leadership_report_and_downloads_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.kab-pasuruan").await;
    let (status, html) = app.get_text("/governance/reports").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("<option value=\"35.14\""),
        "its region is offered"
    );
    let year = chrono::Utc::now().date_naive();
    let query = format!("region=35.14&period=year&date={year}");
    let (status, html) = app.get_text(&format!("/governance/reports?{query}")).await;
    assert_eq!(status, 200, "{html}");
    let label = format!("Tahun {}", chrono::Datelike::year(&year));
    assert!(
        html.contains(&format!("Laporan Kabupaten Pasuruan, {label}")),
        "{html}"
    );
    assert!(
        html.contains("Jumlah KIM") && html.contains("<svg"),
        "figures and a chart"
    );
    // The PDF: a real document whose title names the region and the period.
    let r = app.get(&format!("/governance/reports.pdf?{query}")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(r.headers(), "content-type"), "application/pdf");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let doc = lopdf::Document::load_mem(&pdf).expect("a readable PDF");
    assert!(!doc.get_pages().is_empty());
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|i| i.as_reference())
        .unwrap();
    let title = doc
        .get_object(info)
        .and_then(|o| o.as_dict())
        .and_then(|d| d.get(b"Title"))
        .and_then(|t| t.as_str())
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(title),
        format!("Laporan Kabupaten Pasuruan, {label}")
    );
    // The workbook: its summary sheet first, and the number of KIMs as a figure.
    let r = app.get(&format!("/governance/reports.xlsx?{query}")).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheets = wb.sheet_names();
    assert_eq!(sheets[0], "Ringkasan", "{sheets:?}");
    let summary = wb.worksheet_range("Ringkasan").unwrap();
    let kims = summary
        .rows()
        .find(|row| row.first().is_some_and(|c| *c == "Jumlah KIM"))
        .and_then(|row| row.get(1).cloned())
        .expect("the KIM count row");
    let kims: f64 = kims.to_string().parse().unwrap();
    assert!(kims >= 1.0, "Kabupaten Pasuruan has demo KIMs");
    // Outside the office's oversight, and a period that is not one.
    let r = app
        .get(&format!(
            "/governance/reports?region=33.74&period=year&date={year}"
        ))
        .await;
    assert_eq!(r.status(), 403);
    let r = app
        .get("/governance/reports?region=35.14&period=decade&date=2026-01-01")
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Pilih periode bulanan, triwulanan atau tahunan dan tanggalnya."));
    // On schedule: once the month is over, the province's leadership is told its report is
    // ready, once.
    let ctx = simpul_app::AppCtx::new(app.store.clone(), crate::common::web_config())
        .await
        .unwrap();
    let announce = simpul_app::governance::report_files::announce_monthly;
    assert!(announce(&ctx, year).await.unwrap() >= 1);
    announce(&ctx, year).await.unwrap();
    let jatim = app.user_id("kominfo.jatim").await;
    let notes = app.notifications_at_least(jatim, 1).await;
    let monthly: Vec<_> = notes
        .iter()
        .filter(|n| {
            n.link
                .starts_with("/governance/reports?region=35&period=month&date=")
        })
        .collect();
    assert_eq!(monthly.len(), 1, "{notes:?}");
    assert!(monthly[0].title.starts_with("Laporan KIM"));
    // A KIM officer has no leadership report.
    let mut app = app;
    app.new_visitor();
    app.login_as("kim.prigen.ketua").await;
    assert_eq!(app.get("/governance/reports").await.status(), 403);
    app.finish().await;
}
