//! `read_table` for CSV (encoding and delimiter detection, quotes, line numbers) and `header_key`.
//!
//! Any bytes: a table that is read has the promised shape, and a tighter row limit either gives
//! the same table or refuses it. The same bytes, taken as a table to export: `write_csv` then
//! `read_table` gives the same headers and cells, in UTF-8 and re-encoded as UTF-16.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Unstructured};
use libfuzzer_sys::fuzz_target;
use simpul_core::sheet::{
    header_key, read_table, write_csv, Format, Limits, SheetError, Table, MAX_CELL_CHARS,
    MAX_COLUMNS,
};

fuzz_target!(|data: &[u8]| {
    read_any(data);
    let _ = round_trip(&mut Unstructured::new(data));
});

fn check_shape(t: &Table) {
    assert!(["UTF-8", "UTF-16LE", "UTF-16BE", "windows-1252"].contains(&t.encoding));
    assert!(t.headers.last().is_some_and(|h| !h.is_empty()), "{t:?}");
    assert!(t.headers.len() <= MAX_COLUMNS);
    let keys: Vec<String> = t.headers.iter().map(|h| header_key(h)).collect();
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(&header_key(key), key, "header_key is idempotent");
        assert!(
            key.is_empty() || !keys[..i].contains(key),
            "duplicate header {key:?}"
        );
    }
    let mut previous_line = 0;
    for row in &t.rows {
        assert!(row.line > previous_line, "lines increase: {t:?}");
        previous_line = row.line;
        assert!(row.cells.len() >= t.headers.len() && row.cells.len() <= MAX_COLUMNS);
        assert!(
            row.cells.iter().any(|c| !c.is_empty()),
            "blank row kept: {t:?}"
        );
        if row.cells.len() > t.headers.len() {
            assert!(!row.cells.last().unwrap().is_empty());
        }
        assert!(row.width >= 1 && row.width <= row.cells.len(), "{row:?}");
    }
}

fn read_any(data: &[u8]) {
    let full = read_table(data, Format::Csv, &Limits::default());
    if let Ok(t) = &full {
        check_shape(t);
    }
    let small = Limits {
        max_bytes: 1 << 20,
        max_rows: 3,
        ..Limits::default()
    };
    match (read_table(data, Format::Csv, &small), &full) {
        (Ok(t3), full) => assert_eq!(Ok(&t3), full.as_ref()),
        (Err(SheetError::TooManyRows { max_rows: 3 }), Ok(t)) => assert!(t.rows.len() > 3),
        (Err(SheetError::TooManyRows { .. }), Err(_)) => {} // a later line is broken
        (Err(e), full) => assert_eq!(Err(&e), full.as_ref()),
    }
}

/// A table `write_csv` promises to write readably: trimmed cells, a non-blank last header and no
/// two headers with the same key.
fn round_trip(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let headers: Vec<String> = u.arbitrary()?;
    let rows: Vec<Vec<String>> = u.arbitrary()?;
    let headers: Vec<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.trim().to_owned()).collect())
        .collect();
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    let distinct = keys
        .iter()
        .enumerate()
        .all(|(i, k)| k.is_empty() || !keys[..i].contains(k));
    let wide = rows.iter().any(|r| r.len() > MAX_COLUMNS) || headers.len() > MAX_COLUMNS;
    // A cell longer than an import accepts is refused on reading, by design (the limits).
    let long = headers
        .iter()
        .chain(rows.iter().flatten())
        .any(|c| c.chars().count() > MAX_CELL_CHARS);
    if headers.last().is_none_or(String::is_empty) || !distinct || wide || long {
        return Ok(());
    }
    let expected: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| r.iter().any(|c| !c.is_empty()))
        .map(|r| {
            let mut cells = r.clone();
            while cells.len() > headers.len() && cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            cells.resize(cells.len().max(headers.len()), String::new());
            cells
        })
        .collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let bytes = write_csv(&header_refs, &rows);
    let t = read_table(&bytes, Format::Csv, &Limits::default())
        .unwrap_or_else(|e| panic!("{e}: {headers:?} {rows:?}"));
    assert_eq!(t.encoding, "UTF-8");
    assert_eq!(t.headers, headers);
    let cells: Vec<Vec<String>> = t.rows.iter().map(|r| r.cells.clone()).collect();
    assert_eq!(cells, expected, "{headers:?}");

    // Excel's "Unicode text" route: the same text as UTF-16LE with its BOM.
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let t16 = read_table(&utf16, Format::Csv, &Limits::default()).unwrap();
    assert_eq!(t16.encoding, "UTF-16LE");
    assert_eq!((t16.headers, t16.rows), (t.headers, t.rows));
    Ok(())
}
