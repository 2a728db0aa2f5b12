use super::*;

fn csv(bytes: &[u8]) -> Result<Table, SheetError> {
    read_table(bytes, Format::Csv, &Limits::default())
}

fn cells(table: &Table) -> Vec<Vec<&str>> {
    table
        .rows
        .iter()
        .map(|r| r.cells.iter().map(String::as_str).collect())
        .collect()
}

fn lines(table: &Table) -> Vec<usize> {
    table.rows.iter().map(|r| r.line).collect()
}

fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect()
}

#[test]
fn reads_indonesian_excel_csv_with_bom_and_semicolons() {
    let t = csv(b"\xEF\xBB\xBFNama KIM;Desa;No. HP\r\nKIM Maju; Sukorejo ;0812345678\r\n").unwrap();
    assert_eq!(t.encoding, "UTF-8");
    assert_eq!(t.headers, ["Nama KIM", "Desa", "No. HP"]);
    assert_eq!(cells(&t), [["KIM Maju", "Sukorejo", "0812345678"]]);
    assert_eq!(lines(&t), [2]);
}

#[test]
fn falls_back_to_windows_1252() {
    let t = csv(b"Nama,Kecamatan\nKIM Regapu\x92u,Panceng\xe9\n").unwrap();
    assert_eq!(t.encoding, "windows-1252");
    assert_eq!(cells(&t), [["KIM Regapu’u", "Panceng\u{e9}"]]);
}

#[test]
fn reads_excel_unicode_text_in_utf16_both_ways() {
    let text = "Nama\tHP\r\nKIM Regapu’u\t0812\r\n";
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
        let t = csv(&bytes).unwrap();
        assert_eq!(t.encoding, name);
        assert_eq!(t.headers, ["Nama", "HP"]);
        assert_eq!(cells(&t), [["KIM Regapu’u", "0812"]]);
    }
}

#[test]
fn keeps_quoted_newlines_and_true_line_numbers() {
    let t = csv(b"nama,alamat\n\"KIM A\",\"Jl. Melati 1\nRT 02\"\n\n,\n,,\n  \nKIM B,\"Jl. \"\"Mawar\"\"\"\n")
        .unwrap();
    assert_eq!(
        cells(&t),
        [["KIM A", "Jl. Melati 1\nRT 02"], ["KIM B", "Jl. \"Mawar\""]]
    );
    // Line 3 is the continuation of the quoted cell; 4-7 are blank in one way or another.
    assert_eq!(lines(&t), [2, 8]);
}

#[test]
fn counts_lines_for_every_line_ending() {
    for text in ["h\nA\n\nB\n", "h\r\nA\r\n\r\nB\r\n", "h\rA\r\rB\r"] {
        assert_eq!(lines(&csv(text.as_bytes()).unwrap()), [2, 4], "{text:?}");
    }
}

#[test]
fn blank_lines_before_the_header_are_skipped() {
    let t = csv(b"\n;;;\nnama;hp\nKIM A;0812\n").unwrap();
    assert_eq!(t.headers, ["nama", "hp"]);
    assert_eq!(lines(&t), [4]);
}

#[test]
fn ragged_rows_are_padded_and_kept_for_the_caller() {
    let t = csv(b"a,b,c,,\nshort\nfull,x,y,,,,\nlong,x,y,extra\n").unwrap();
    assert_eq!(t.headers, ["a", "b", "c"]);
    let shapes: Vec<(usize, usize)> = t.rows.iter().map(|r| (r.cells.len(), r.width)).collect();
    // Trailing empty cells past the header (Excel pads every line to the widest) are not ragged.
    assert_eq!(shapes, [(3, 1), (3, 3), (4, 4)]);
    assert_eq!(t.rows[0].cells, ["short", "", ""]);
    assert_eq!(t.rows[2].cells[3], "extra");
}

#[test]
fn refuses_what_it_cannot_read() {
    assert_eq!(csv(b""), Err(SheetError::Empty));
    assert_eq!(
        csv(b"\xEF\xBB\xBF\r\n;;;\r\n  \r\n"),
        Err(SheetError::Empty)
    );
    assert_eq!(
        csv(b"nama,hp\nKIM A,\"0812\nKIM B,0813\n"),
        Err(SheetError::Csv {
            line: 2,
            reason: "a quoted cell is never closed".to_owned()
        })
    );
    let small = Limits {
        max_bytes: 10,
        max_rows: 1,
        ..Limits::default()
    };
    assert_eq!(
        read_table(b"nama\nKIM A\nKIM B\n", Format::Csv, &small),
        Err(SheetError::TooLarge { max_bytes: 10 })
    );
    let small = Limits {
        max_bytes: 100,
        max_rows: 1,
        ..Limits::default()
    };
    assert!(read_table(b"nama\nKIM A\n\n\n", Format::Csv, &small).is_ok());
    assert_eq!(
        read_table(b"nama\nKIM A\nKIM B\n", Format::Csv, &small),
        Err(SheetError::TooManyRows { max_rows: 1 })
    );
    let wide = format!("h\n{}x\n", ",".repeat(MAX_COLUMNS));
    assert!(matches!(
        csv(wide.as_bytes()),
        Err(SheetError::TooManyColumns { line: 2, .. })
    ));
    // Excel pads lines with delimiters; that alone is not "too many columns".
    assert!(csv(format!("h\nx{}\n", ",".repeat(10 * MAX_COLUMNS)).as_bytes()).is_ok());
}

#[test]
fn duplicate_headers_are_named_with_their_columns() {
    let err = csv(b"Nama KIM;Desa;nama_kim\n").unwrap_err();
    assert_eq!(
        err,
        SheetError::DuplicateHeader {
            name: "nama_kim".to_owned(),
            first: 1,
            second: 3
        }
    );
    assert_eq!(err.message_key(), "error.sheet_duplicate_header");
    // Untitled spacer columns are not duplicates of each other.
    assert!(csv(b"nama,,hp,,\n").is_ok());
}

#[test]
fn normalises_headers_for_matching() {
    assert_eq!(header_key(" Nama KIM "), "nama_kim");
    assert_eq!(header_key("No. HP"), "no_hp");
    assert_eq!(header_key("\u{feff}Nama_Ketua"), "nama_ketua");
    assert_eq!(header_key("E-Mail"), "e_mail");
    assert_eq!(header_key("KODE  WILAYAH."), "kode_wilayah");
    assert_eq!(header_key("nama\u{a0}desa"), "nama_desa");
    assert_eq!(header_key(" _-. "), "");
}

#[test]
fn names_columns_like_excel() {
    let names: Vec<String> = [1, 26, 27, 52, 703].map(column_letters).into();
    assert_eq!(names, ["A", "Z", "AA", "AZ", "AAA"]);
}

#[test]
fn detects_formats_by_content_then_name() {
    let zip = b"PK\x03\x04rest";
    let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest";
    assert_eq!(detect_format("kim.csv", zip), Ok(Format::Xlsx));
    assert_eq!(detect_format("kim.XLSX", b""), Ok(Format::Xlsx));
    assert_eq!(detect_format("kim.csv", b"a,b"), Ok(Format::Csv));
    assert_eq!(detect_format("kim.txt", b"a\tb"), Ok(Format::Csv));
    assert_eq!(detect_format("kim.xls", ole), Err(SheetError::OldXls));
    assert_eq!(detect_format("kim.xls", b"<html>"), Err(SheetError::OldXls));
    assert_eq!(detect_format("kim.xlsx", ole), Err(SheetError::Protected));
    assert_eq!(
        detect_format("kim.pdf", b"%PDF"),
        Err(SheetError::UnknownFormat)
    );
    assert_eq!(detect_format("kim", b"a,b"), Err(SheetError::UnknownFormat));
}

#[test]
fn every_error_has_its_own_message_key() {
    let all = [
        SheetError::Empty,
        SheetError::TooLarge { max_bytes: 1 },
        SheetError::TooManyRows { max_rows: 1 },
        SheetError::TooManyColumns {
            line: 1,
            max_columns: 1,
        },
        SheetError::Csv {
            line: 1,
            reason: String::new(),
        },
        SheetError::Xlsx(String::new()),
        SheetError::NoSheets,
        SheetError::Protected,
        SheetError::OldXls,
        SheetError::UnknownFormat,
        SheetError::DuplicateHeader {
            name: String::new(),
            first: 1,
            second: 2,
        },
        SheetError::Write(String::new()),
    ];
    let mut keys: Vec<&str> = all.iter().map(SheetError::message_key).collect();
    assert!(keys.iter().all(|k| k.starts_with("error.sheet_")));
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), all.len());
}

#[test]
fn csv_export_opens_in_excel_and_reads_back() {
    let rows = strings(&[
        &["KIM Regapu’u", "0812", "=HYPERLINK(\"x\")"],
        &["", "-", "+62 812"],
    ]);
    let bytes = write_csv(&["Nama; KIM", "HP", "Catatan"], &rows);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF\"Nama; KIM\",\"HP\",\"Catatan\"\r\n"));
    // The formula reaches Excel as text behind a quote; dashes and phones are left alone.
    assert!(bytes.ends_with(b"'=HYPERLINK(\"\"x\"\")\"\r\n,-,+62 812\r\n"));
    let t = csv(&bytes).unwrap();
    assert_eq!(t.headers, ["Nama; KIM", "HP", "Catatan"]);
    assert_eq!(
        t.rows.iter().map(|r| r.cells.clone()).collect::<Vec<_>>(),
        rows
    );
}

fn xlsx(bytes: &[u8]) -> Result<Table, SheetError> {
    read_table(bytes, Format::Xlsx, &Limits::default())
}

#[test]
fn xlsx_round_trip_keeps_codes_and_phones_as_text() {
    let rows = strings(&[
        &["KIM Maju", "0812345678", "35.14", "35.14.02.2001"],
        &["KIM Regapu’u", "", "35", "multi\nline"],
        &["", "", "", "=1+1"],
        // Characters that trip a rust_xlsxwriter 0.79 bug, and the escape it must still apply.
        &["KIM_x’’1", "_x 𑤘 _x0041_", "_x0041_", "tab\there"],
        &["a\u{1}b", "line\r\nbreak", "", ""],
    ]);
    let bytes = write_xlsx(
        "KIM: Jawa/Timur",
        &["Nama KIM", "No HP", "Kode", "Catatan"],
        &rows,
    )
    .unwrap();
    assert_eq!(detect_format("export", &bytes), Ok(Format::Xlsx));
    let t = xlsx(&bytes).unwrap();
    assert_eq!(t.headers, ["Nama KIM", "No HP", "Kode", "Catatan"]);
    assert_eq!(
        t.rows.iter().map(|r| r.cells.clone()).collect::<Vec<_>>(),
        rows
    );
    assert_eq!(lines(&t), [2, 3, 4, 5, 6]);
    assert_eq!(t.encoding, "UTF-8");
}

#[test]
fn xlsx_typed_cells_read_as_excel_shows_them() {
    use rust_xlsxwriter::{ExcelDateTime, Format as Style, Workbook};
    let mut book = Workbook::new();
    book.add_worksheet()
        .set_hidden(true)
        .write(0, 0, "hidden sheet first")
        .unwrap();
    let sheet = book.add_worksheet().set_active(true);
    let date = Style::new().set_num_format("dd/mm/yyyy");
    let header = ["nama", "kode", "hp", "ukuran", "aktif", "berdiri", "kosong"];
    for (c, h) in header.iter().enumerate() {
        sheet.write(2, c as u16, *h).unwrap();
    }
    sheet.write(3, 0, "  KIM Maju  ").unwrap();
    sheet.write(3, 1, 35).unwrap();
    sheet.write(3, 2, 812345678).unwrap();
    sheet.write(3, 3, 35.14).unwrap();
    sheet.write(3, 4, true).unwrap();
    let founded = ExcelDateTime::from_ymd(2021, 8, 17).unwrap();
    sheet
        .write_datetime_with_format(3, 5, &founded, &date)
        .unwrap();
    sheet.write(5, 0, "KIM Sejahtera").unwrap();
    sheet.write(5, 8, "catatan").unwrap();
    let t = xlsx(&book.save_to_buffer().unwrap()).unwrap();
    assert_eq!(t.headers, header);
    assert_eq!(
        cells(&t),
        [
            vec![
                "KIM Maju",
                "35",
                "812345678",
                "35.14",
                "true",
                "2021-08-17",
                ""
            ],
            vec!["KIM Sejahtera", "", "", "", "", "", "", "", "catatan"],
        ]
    );
    assert_eq!(lines(&t), [4, 6]);
}

#[test]
fn xlsx_refusals() {
    assert!(matches!(xlsx(b"not a zip"), Err(SheetError::Xlsx(_))));
    assert_eq!(
        xlsx(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and more"),
        Err(SheetError::OldXls)
    );
    let empty = write_xlsx("x", &[], &[]).unwrap();
    assert_eq!(xlsx(&empty), Err(SheetError::Empty));
    let dup = write_xlsx("x", &["HP", "hp"], &[]).unwrap();
    assert!(matches!(
        xlsx(&dup),
        Err(SheetError::DuplicateHeader { .. })
    ));
    let rows = strings(&[&["a"], &["b"], &["c"]]);
    let three = write_xlsx("x", &["nama"], &rows).unwrap();
    let limits = Limits {
        max_rows: 2,
        ..Limits::default()
    };
    assert_eq!(
        read_table(&three, Format::Xlsx, &limits),
        Err(SheetError::TooManyRows { max_rows: 2 })
    );
}

#[test]
fn the_default_row_limit_is_exact() {
    let mut text = String::from("kode\n");
    for i in 0..100_000 {
        text.push_str(&format!("{i}\n"));
    }
    let t = csv(text.as_bytes()).unwrap();
    assert_eq!(t.rows.len(), 100_000);
    assert_eq!(t.rows[99_999].line, 100_001);
    text.push_str("one more\n");
    assert_eq!(
        csv(text.as_bytes()),
        Err(SheetError::TooManyRows { max_rows: 100_000 })
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn some_xlsx() -> Vec<u8> {
        let rows = strings(&[&["KIM Maju", "0812"], &["KIM Baru", "35.14"]]);
        write_xlsx("KIM", &["nama", "hp"], &rows).unwrap()
    }

    /// Three distinct headers that need quoting, and rows of any text without outer whitespace.
    fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
        let header = "[a-z][a-z ;,\t\"]{0,6}[a-z]";
        let headers = proptest::collection::vec(header, 3).prop_filter("distinct keys", |h| {
            let keys: std::collections::HashSet<String> = h.iter().map(|h| header_key(h)).collect();
            keys.len() == 3
        });
        // Arbitrary text, plus text dense in what spreadsheets escape: OOXML's _xHHHH_, control
        // characters, quotes, delimiters and formula starts.
        let tricky = "[_x0aF’=+@'\"\\-;,\t\r\n\u{1}\u{1f} ]{0,14}";
        let cell = prop_oneof![any::<String>(), tricky.prop_map(String::from)]
            .prop_map(|s| s.trim().to_owned());
        let rows = proptest::collection::vec(proptest::collection::vec(cell, 3), 0..12);
        (headers, rows)
    }

    proptest! {
        #[test]
        fn reading_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = read_table(&bytes, Format::Csv, &Limits::default());
            let _ = read_table(&bytes, Format::Xlsx, &Limits::default());
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend(&bytes);
            let _ = read_table(&zipped, Format::Xlsx, &Limits::default());
        }

        #[test]
        fn reading_a_damaged_xlsx_never_panics(
            damage in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
        ) {
            let mut bytes = some_xlsx();
            for (at, byte) in damage {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            let _ = read_table(&bytes, Format::Xlsx, &Limits::default());
        }

        #[test]
        fn csv_write_then_read_round_trips((headers, rows) in table()) {
            let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
            let t = csv(&write_csv(&header_refs, &rows)).unwrap();
            let kept: Vec<Vec<String>> =
                rows.into_iter().filter(|r| r.iter().any(|c| !c.is_empty())).collect();
            prop_assert_eq!(t.headers, headers);
            prop_assert_eq!(t.rows.into_iter().map(|r| r.cells).collect::<Vec<_>>(), kept);
        }

        #[test]
        fn xlsx_write_then_read_round_trips((headers, rows) in table()) {
            let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
            let t = xlsx(&write_xlsx("KIM", &header_refs, &rows).unwrap()).unwrap();
            let kept: Vec<Vec<String>> =
                rows.into_iter().filter(|r| r.iter().any(|c| !c.is_empty())).collect();
            prop_assert_eq!(t.headers, headers);
            prop_assert_eq!(t.rows.into_iter().map(|r| r.cells).collect::<Vec<_>>(), kept);
        }
    }
}
