//! Hostile workbooks: small files that would take gigabytes once read.

use std::io::Write;

use super::{read_table, Format, Limits, SheetError, MAX_CELL_CHARS};

/// A minimal .xlsx with these shared strings and this `<sheetData>` body, deflated.
pub(super) fn handmade_xlsx(shared: &[String], sheet_data: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let sst: String = shared
        .iter()
        .map(|s| format!("<si><t>{s}</t></si>"))
        .collect();
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.to_owned()),
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned()),
        ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="KIM" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_owned()),
        ("xl/sharedStrings.xml", format!(r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sst}</sst>"#)),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#)),
    ];
    for (name, body) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Row 1 names the columns; rows 2.. hold shared string 1 in `columns` cells each.
pub(super) fn shared_string_bomb(text: &str, rows: usize, columns: usize) -> Vec<u8> {
    let mut data = String::from(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    let cell = r#"<c t="s"><v>1</v></c>"#.repeat(columns);
    for r in 2..rows + 2 {
        data.push_str(&format!(r#"<row r="{r}">{cell}</row>"#));
    }
    handmade_xlsx(&["nama_kim".to_owned(), text.to_owned()], &data)
}

#[test]
fn the_handmade_workbook_reads() {
    let ok = shared_string_bomb("KIM Maju", 3, 2);
    let t = read_table(&ok, Format::Xlsx, &Limits::default()).unwrap();
    assert_eq!(t.headers, ["nama_kim"]);
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.rows[2].cells, ["KIM Maju", "KIM Maju"]);
}

#[test]
fn one_shared_string_named_300_000_times_stops_at_the_text_budget() {
    // 30,000 rows of 10 cells naming one 1,000-character string: 300 MB of text, 100 KB of file.
    let bomb = shared_string_bomb(&"x".repeat(MAX_CELL_CHARS), 30_000, 10);
    assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
    assert_eq!(
        read_table(&bomb, Format::Xlsx, &Limits::default()),
        Err(SheetError::TooMuchData)
    );
}

#[test]
fn an_overlong_cell_is_refused_with_its_place() {
    let long = shared_string_bomb(&"x".repeat(MAX_CELL_CHARS + 1), 1, 1);
    assert_eq!(
        read_table(&long, Format::Xlsx, &Limits::default()),
        Err(SheetError::CellTooLong {
            line: 2,
            column: 1,
            max_chars: MAX_CELL_CHARS
        })
    );
    let csv = format!("nama_kim\n{}\n", "é".repeat(MAX_CELL_CHARS + 1));
    assert!(matches!(
        read_table(csv.as_bytes(), Format::Csv, &Limits::default()),
        Err(SheetError::CellTooLong { line: 2, .. })
    ));
    let fits = format!("nama_kim\n{}\n", "é".repeat(MAX_CELL_CHARS));
    assert!(read_table(fits.as_bytes(), Format::Csv, &Limits::default()).is_ok());
}

#[test]
fn a_part_that_inflates_past_the_limit_is_refused_before_it_is_parsed() {
    // 16 MB of blanks between two rows (a real bomb has gigabytes), against an 8 MB limit.
    let limits = Limits {
        max_unpacked_bytes: 8 << 20,
        ..Limits::default()
    };
    let filler = " ".repeat(16 << 20);
    let data = format!(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>{filler}"#);
    let bomb = handmade_xlsx(&["nama_kim".to_owned()], &data);
    assert!(bomb.len() < 100_000, "{} bytes", bomb.len());
    assert_eq!(
        read_table(&bomb, Format::Xlsx, &limits),
        Err(SheetError::TooMuchData)
    );
    let roomy = Limits {
        max_unpacked_bytes: 32 << 20,
        ..limits
    };
    assert!(read_table(&bomb, Format::Xlsx, &roomy).is_ok());
}

#[test]
fn shared_strings_are_held_to_three_times_the_text_budget() {
    let limits = Limits {
        max_text_bytes: 1 << 20,
        ..Limits::default()
    };
    // 4 MB of distinct strings that no cell names.
    let strings: Vec<String> = (0..200_000).map(|i| format!("s{i:08}x{i:08}")).collect();
    let bomb = handmade_xlsx(&strings, r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    assert_eq!(
        read_table(&bomb, Format::Xlsx, &limits),
        Err(SheetError::TooMuchData)
    );
    assert!(read_table(&bomb, Format::Xlsx, &Limits::default()).is_ok());
}

#[test]
fn wide_empty_rows_count_against_the_cell_budget() {
    // Each row names only its 256th cell, so it is laid out 256 cells wide.
    let limits = Limits {
        max_cells: 10_000,
        ..Limits::default()
    };
    let mut csv = String::from("h\n");
    for _ in 0..100 {
        csv.push_str(&format!("{}x\n", ",".repeat(200)));
    }
    assert_eq!(
        read_table(csv.as_bytes(), Format::Csv, &limits),
        Err(SheetError::TooMuchData)
    );
}
