//! .xlsx in (calamine) and out (rust_xlsxwriter). Every cell becomes the text the admin sees in
//! Excel; every exported cell is written as text so Excel never turns "0812..." into 812...

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{
    DataRef, ExcelDateTime, ExcelDateTimeType, Reader, SheetType, SheetVisible, Xlsx, XlsxError,
};
use chrono::{Days, NaiveDate};

use super::{
    shape_row, take_headers, unpack, Budget, Limits, SheetError, Table, MAX_COLUMNS, OLE_MAGIC,
};

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    // calamine parses untrusted zip and XML; if it ever panics on a hostile file, that is one
    // refused upload, not a crashed request handler. Nothing is shared, so nothing is left broken.
    std::panic::catch_unwind(|| read_unguarded(bytes, limits)).unwrap_or_else(|_| {
        Err(SheetError::Xlsx(
            "the reader failed on this file".to_owned(),
        ))
    })
}

fn read_unguarded(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    unpack::check_unpacked_size(bytes, limits)?;
    let mut budget = Budget::new(limits);
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        XlsxError::Password => SheetError::Protected,
        _ if bytes.starts_with(OLE_MAGIC) => SheetError::OldXls,
        e => SheetError::Xlsx(e.to_string()),
    })?;
    // The first worksheet the admin can see; chart sheets hold no cells.
    let name = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .min_by_key(|s| s.visible != SheetVisible::Visible)
        .map(|s| s.name.clone())
        .ok_or(SheetError::NoSheets)?;
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|e| SheetError::Xlsx(e.to_string()))?;

    // Streamed cell by cell so the row limit stops a huge sheet early; keyed by row because
    // the file format does not promise rows in order.
    let mut grid: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| SheetError::Xlsx(e.to_string()))?
    {
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        if col as usize >= MAX_COLUMNS {
            return Err(SheetError::TooManyColumns {
                line: row as usize + 1,
                max_columns: MAX_COLUMNS,
            });
        }
        budget.cell(&text, row as usize + 1, col as usize)?;
        grid.entry(row).or_default().push((col, text));
        if grid.len() > limits.max_rows.saturating_add(1) {
            return Err(SheetError::TooManyRows {
                max_rows: limits.max_rows,
            });
        }
    }

    let mut lines = grid
        .into_iter()
        .map(|(row, cells)| -> Result<_, SheetError> {
            let width = cells.iter().map(|c| c.0 as usize + 1).max().unwrap_or(0);
            budget.row(width, cells.len())?;
            let mut dense = vec![String::new(); width];
            for (col, text) in cells {
                dense[col as usize] = text;
            }
            Ok((row as usize + 1, dense))
        });
    let (header_line, header_cells) = lines.next().ok_or(SheetError::Empty)??;
    let headers = take_headers(header_cells, header_line)?;
    let mut rows = Vec::new();
    for line_cells in lines {
        let (line, cells) = line_cells?;
        // XLSX has no "short" rows: missing trailing cells are just empty.
        rows.extend(shape_row(cells, usize::MAX, headers.len(), line)?);
    }
    Ok(Table {
        headers,
        rows,
        encoding: "UTF-8",
    })
}

fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::String(s) => unescape_control(s).trim().to_owned(),
        DataRef::SharedString(s) => unescape_control(s).trim().to_owned(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => date_text(dt),
        DataRef::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_owned(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// OOXML writes characters XML cannot carry as `_xHHHH_` (UTF-16 units: a cell line break typed
/// on Windows is "_x000D_\n") and a literal "_xHHHH_" as "_x005F_xHHHH_"; calamine 0.26 leaves
/// both as they are.
fn unescape_control(s: &str) -> Cow<'_, str> {
    if !s.contains("_x") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut units = Vec::new();
    let mut rest = s;
    loop {
        if let Some(unit) = escape_at(rest) {
            units.push(unit);
            rest = &rest[7..];
            continue;
        }
        out.extend(char::decode_utf16(units.drain(..)).map(|c| c.unwrap_or('\u{fffd}')));
        let Some(ch) = rest.chars().next() else { break };
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The UTF-16 unit of an `_xHHHH_` escape at the start of `s`.
fn escape_at(s: &str) -> Option<u16> {
    let b = s.as_bytes();
    let is_escape = b.len() >= 7
        && b.starts_with(b"_x")
        && b[2..6].iter().all(u8::is_ascii_hexdigit)
        && b[6] == b'_';
    is_escape
        .then(|| u16::from_str_radix(&s[2..6], 16).ok())
        .flatten()
}

/// The writer's half of [`unescape_control`], for text that bypasses rust_xlsxwriter's own.
fn escape_literal_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, ch) in s.char_indices() {
        if escape_at(&s[i..]).is_some() {
            out.push_str("_x005F");
        }
        out.push(ch);
    }
    out
}

/// What Excel's "General" format shows: at most 15 significant digits, no exponent, no ".0",
/// so a code typed as 35 stays "35" and a phone typed as a number is "812345678", not "8.1E8".
fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if rounded == 0.0 {
        return "0".to_owned();
    }
    // Rust's Display for f64 never uses exponent notation and drops a zero fraction.
    rounded.to_string()
}

/// Dates as YYYY-MM-DD (with " HH:MM[:SS]" when there is a time of day); calamine's own date
/// conversion needs its "dates" feature, and the arithmetic is short.
fn date_text(dt: &ExcelDateTime) -> String {
    let serial = dt.as_f64();
    // The 1904 flag and duration type are private; equality with a rebuilt value reveals them.
    let is_1904 = *dt == ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, true)
        || *dt == ExcelDateTime::new(serial, ExcelDateTimeType::TimeDelta, true);
    let is_duration = *dt == ExcelDateTime::new(serial, ExcelDateTimeType::TimeDelta, is_1904);
    if !(0.0..3_000_000.0).contains(&serial) {
        return number_text(serial);
    }
    let total_seconds = (serial * 86_400.0).round() as u64;
    let (days, seconds) = (total_seconds / 86_400, total_seconds % 86_400);
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if is_duration {
        return format!("{}:{m:02}:{s:02}", days * 24 + h);
    }
    let time = if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    };
    if days == 0 {
        return time;
    }
    // Excel's 1900 system counts the fictional 1900-02-29 as day 60.
    let (epoch, days) = match (is_1904, days) {
        (true, d) => ((1904, 1, 1), d),
        (false, d) if d < 60 => ((1899, 12, 31), d),
        (false, d) => ((1899, 12, 30), d),
    };
    let date = NaiveDate::from_ymd_opt(epoch.0, epoch.1, epoch.2)
        .and_then(|e| e.checked_add_days(Days::new(days)));
    match date {
        Some(date) if seconds == 0 => date.format("%Y-%m-%d").to_string(),
        Some(date) => format!("{} {time}", date.format("%Y-%m-%d")),
        None => number_text(serial),
    }
}

/// One worksheet: bold frozen header, every cell stored as text in text-formatted columns (so
/// values typed later stay text too), widths fitted to the longest value within reason.
pub fn write_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, SheetError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| SheetError::Write(e.to_string());
    let too_big = || SheetError::Write("too many rows or columns for a worksheet".to_owned());

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(safe_sheet_name(sheet_name)).map_err(fail)?;
    let text = Format::new().set_num_format("@");
    let bold = Format::new().set_num_format("@").set_bold();

    let columns = rows
        .iter()
        .map(Vec::len)
        .chain([headers.len()])
        .max()
        .unwrap_or(0);
    let mut widths = vec![0usize; columns];
    let body = rows
        .iter()
        .map(|r| (r.iter().map(String::as_str).collect(), &text));
    let all_rows = std::iter::once((headers.to_vec(), &bold)).chain(body);
    for (r, (cells, format)) in all_rows.enumerate() {
        let r = u32::try_from(r).map_err(|_| too_big())?;
        for (c, cell) in cells.into_iter().enumerate() {
            widths[c] = widths[c].max(cell.lines().map(|l| l.chars().count()).max().unwrap_or(0));
            if !cell.is_empty() {
                let c = u16::try_from(c).map_err(|_| too_big())?;
                if trips_escape_bug(cell) {
                    let escaped = escape_literal_escapes(cell);
                    sheet.write_rich_string_with_format(r, c, &[(format, &escaped)], format)
                } else {
                    sheet.write_string_with_format(r, c, cell, format)
                }
                .map_err(fail)?;
            }
        }
    }
    for (c, width) in widths.into_iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| too_big())?;
        sheet.set_column_format(c, &text).map_err(fail)?;
        // Excel's width unit is roughly one digit; a little slack for the bold header.
        sheet
            .set_column_width(c, width.clamp(6, 60) as f64 + 2.0)
            .map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

/// rust_xlsxwriter 0.79 panics on "_x" followed within four bytes by a multi-byte character
/// ("1½_x_1½"), fixed upstream in 0.84.2; its rich-string path does not run that code.
fn trips_escape_bug(s: &str) -> bool {
    s.match_indices("_x")
        .any(|(i, _)| i + 6 <= s.len() && !s.is_char_boundary(i + 6))
}

/// Excel refuses names that are blank, longer than 31 characters, contain `[]:*?/\`, start or end
/// with an apostrophe, or are "History"; an export should not fail over its tab label.
fn safe_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        "Sheet1".to_owned()
    } else {
        cleaned.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_makes_the_reader_panic_is_refused_not_a_crash() {
        // Found by the sheet_xlsx fuzz target: calamine 0.26 indexes past an empty list on it.
        let bytes = include_bytes!("fixtures/calamine-panic.xlsx");
        let result = read(bytes, &Limits::default());
        assert!(matches!(result, Err(SheetError::Xlsx(_))), "{result:?}");
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number_text(35.0), "35");
        assert_eq!(number_text(35.14), "35.14");
        assert_eq!(number_text(812345678.0), "812345678");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(6281234567890.0), "6281234567890");
        assert_eq!(number_text(1e-7), "0.0000001");
    }

    #[test]
    fn dates_read_as_iso() {
        let date = |v, t, y| date_text(&ExcelDateTime::new(v, t, y));
        use ExcelDateTimeType::{DateTime, TimeDelta};
        assert_eq!(date(45292.0, DateTime, false), "2024-01-01");
        assert_eq!(date(45292.5, DateTime, false), "2024-01-01 12:00");
        assert_eq!(date(1.0, DateTime, false), "1900-01-01");
        assert_eq!(date(61.0, DateTime, false), "1900-03-01");
        assert_eq!(date(1.0, DateTime, true), "1904-01-02");
        assert_eq!(date(43830.0, DateTime, true), "2024-01-01");
        assert_eq!(date(0.354166666666667, DateTime, false), "08:30");
        assert_eq!(date(1.5, TimeDelta, false), "36:00:00");
        assert_eq!(date(-3.0, DateTime, false), "-3");
    }

    #[test]
    fn undoes_ooxml_character_escapes() {
        assert_eq!(
            unescape_control("Jl. Melati_x000D_\nRT 02"),
            "Jl. Melati\r\nRT 02"
        );
        assert_eq!(unescape_control("_x005F_x0041_"), "_x0041_");
        assert_eq!(unescape_control("_xD83D__xDE00_ ok"), "😀 ok");
        assert_eq!(unescape_control("_xD83D_"), "\u{fffd}");
        assert_eq!(
            unescape_control("KIM_x’1 _x12_ _xZZZZ_"),
            "KIM_x’1 _x12_ _xZZZZ_"
        );
        assert_eq!(escape_literal_escapes("a_x0041_b_x’"), "a_x005F_x0041_b_x’");
        assert!(trips_escape_bug("1½_x’’1"));
        assert!(!trips_escape_bug("_x0041_ and _x’"));
    }

    #[test]
    fn sheet_names_are_made_acceptable() {
        assert_eq!(safe_sheet_name("KIM Jawa Timur"), "KIM Jawa Timur");
        assert_eq!(
            safe_sheet_name("KIM 2024/2025: [draft]?"),
            "KIM 2024-2025- -draft--"
        );
        assert_eq!(safe_sheet_name("'  '"), "Sheet1");
        assert_eq!(safe_sheet_name(&"x".repeat(40)).len(), 31);
    }
}
