//! Hostile spreadsheets (security review, issue 8): small uploads that would take gigabytes
//! once read, or answer with a report far larger than the file.

use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use reqwest::StatusCode;
use serde_json::Value;
use std::io::Write;

on_both_engines!(
    a_shared_string_bomb_is_refused_in_bounded_memory,
    the_import_report_is_bounded
);

/// An .xlsx whose rows 2.. each name shared string 1 (`text`) in `columns` cells.
fn shared_string_bomb(text: &str, rows: usize, columns: usize) -> Vec<u8> {
    let ns = "http://schemas.openxmlformats.org";
    let rel = format!("{ns}/officeDocument/2006/relationships");
    let cell = r#"<c t="s"><v>1</v></c>"#.repeat(columns);
    let mut sheet = String::from(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    for r in 2..rows + 2 {
        sheet.push_str(&format!(r#"<row r="{r}">{cell}</row>"#));
    }
    let parts = [
        (
            "[Content_Types].xml",
            format!(
                r#"<Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#
            ),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{rel}"><sheets><sheet name="KIM" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/sharedStrings.xml",
            format!(
                r#"<sst xmlns="{ns}/spreadsheetml/2006/main"><si><t>nama_kim</t></si><si><t>{text}</t></si></sst>"#
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>"#
            ),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// This process's peak resident memory (the server runs inside the test process), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

async fn import(app: &TestApp, token: &str, body: Vec<u8>, filename: &str) -> (StatusCode, String) {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/kims/import?filename={filename}")))
        .bearer_auth(token)
        .header("accept-language", "en")
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn a_shared_string_bomb_is_refused_in_bounded_memory(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kominfo.kab-pasuruan").await;
    // 30,000 rows of 10 cells naming one 1,000-character string: 300 MB of text.
    let bomb = shared_string_bomb(&"x".repeat(1_000), 30_000, 10);
    assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
    let before = peak_rss();
    let (status, body) = import(&app, &token, bomb, "kim.xlsx").await;
    let grown = peak_rss().saturating_sub(before);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body:.300}");
    assert!(body.len() < 4_096, "{} bytes of answer", body.len());
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["errors"][0]["field"], "file", "{problem}");
    assert!(
        problem["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("more data than one import accepts"),
        "{problem}"
    );
    // Only a floor: other tests in this process may have raised the peak already.
    assert!(grown < 150 << 20, "peak memory grew by {} MB", grown >> 20);
    app.finish().await;
}

async fn the_import_report_is_bounded(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.api_token("kominfo.kab-pasuruan").await;
    // 1,500 wrong rows, each with a 900-character name.
    let mut csv = String::from("nama_kim;kode_desa\n");
    for _ in 0..1_500 {
        csv.push_str(&format!("{};35.14.10.9999\n", "K".repeat(900)));
    }
    let (status, body) = import(&app, &token, csv.into_bytes(), "kim.csv").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["total_rows"], 1_500);
    assert_eq!(report["errors"], 1_500);
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        1_000,
        "listed rows are capped; the counts cover all"
    );
    for row in rows {
        let name = row["name"].as_str().unwrap();
        assert!(
            name.chars().count() <= 81 && name.ends_with('…'),
            "{name:.100}"
        );
    }
    assert!(body.len() < 400_000, "{} bytes of report", body.len());
    app.finish().await;
}
