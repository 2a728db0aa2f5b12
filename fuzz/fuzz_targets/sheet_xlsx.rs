//! `read_table` for .xlsx (calamine, OOXML escapes, number and date cells) and `write_xlsx`.
//!
//! Any bytes, as they are and behind a zip signature: a table that is read has the promised
//! shape. The same bytes, taken as a table to export under any sheet name: `write_xlsx` succeeds
//! and `read_table` gives the same headers and cells back.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Unstructured};
use libfuzzer_sys::fuzz_target;
use simpul_core::sheet::{
    header_key, read_table, write_xlsx, Format, Limits, Table, MAX_CELL_CHARS, MAX_COLUMNS,
};

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys aborts on any panic, even one caught. `read_table` deliberately catches a
    // panic of calamine on a hostile file and refuses the file (see sheet/excel.rs and its
    // regression test), so the default hook is restored: a panic that escapes to libFuzzer
    // (an assertion below) still aborts and is reported.
    static DEFAULT_HOOK: std::sync::Once = std::sync::Once::new();
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    for bytes in [data.to_vec(), [b"PK\x03\x04".as_slice(), data].concat()] {
        if let Ok(t) = read_table(&bytes, Format::Xlsx, &Limits::default()) {
            check_shape(&t);
        }
    }
    let _ = round_trip(&mut Unstructured::new(data));
});

fn check_shape(t: &Table) {
    assert_eq!(t.encoding, "UTF-8");
    assert!(t.headers.last().is_some_and(|h| !h.is_empty()), "{t:?}");
    assert!(t.headers.len() <= MAX_COLUMNS);
    let keys: Vec<String> = t.headers.iter().map(|h| header_key(h)).collect();
    for (i, key) in keys.iter().enumerate() {
        assert!(
            key.is_empty() || !keys[..i].contains(key),
            "duplicate header {key:?}"
        );
    }
    let mut previous_line = 0;
    for row in &t.rows {
        assert!(row.line > previous_line, "rows increase: {t:?}");
        previous_line = row.line;
        assert!(row.cells.len() >= t.headers.len() && row.cells.len() <= MAX_COLUMNS);
        assert!(
            row.cells.iter().any(|c| !c.is_empty()),
            "blank row kept: {t:?}"
        );
        // An .xlsx has no short rows: a row is as wide as the header or its last cell.
        let last = row.cells.iter().rposition(|c| !c.is_empty()).unwrap();
        assert_eq!(row.width, t.headers.len().max(last + 1), "{row:?}");
    }
}

/// A table `write_xlsx` promises to write readably (see `sheet_csv`); Excel caps a cell at 32,767
/// characters, far beyond what the fuzzer generates.
fn round_trip(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let sheet_name: String = u.arbitrary()?;
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
    let bytes = write_xlsx(&sheet_name, &header_refs, &rows)
        .unwrap_or_else(|e| panic!("{e}: {sheet_name:?} {headers:?} {rows:?}"));
    let t = read_table(&bytes, Format::Xlsx, &Limits::default())
        .unwrap_or_else(|e| panic!("{e}: {headers:?} {rows:?}"));
    assert_eq!(t.headers, headers);
    let cells: Vec<Vec<String>> = t.rows.iter().map(|r| r.cells.clone()).collect();
    assert_eq!(cells, expected, "{headers:?}");
    Ok(())
}
