//! Spreadsheets in and out: the KIM lists offices already keep (CSV from any Excel locale, or
//! .xlsx) become a plain [`Table`] of trimmed text; directories go back out as CSV or .xlsx.
//!
//! Pure functions over bytes: no I/O, no knowledge of what the columns mean. Matching headers to
//! fields and reporting bad rows is the caller's job; this module keeps true line numbers so those
//! reports point at the line the admin sees in Excel.

use std::borrow::Cow;

mod budget;
mod delimited;
mod excel;
mod unpack;

use budget::Budget;

pub use delimited::write_csv;
pub use excel::write_xlsx;

/// A sheet read into text: the header row, then every non-empty row below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    /// How the bytes were decoded: "UTF-8", "UTF-16LE", "UTF-16BE" or "windows-1252".
    /// An .xlsx is always "UTF-8".
    pub encoding: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line (CSV) or row (XLSX) number in the source, so a quoted newline or a skipped
    /// blank row does not shift it; the first line of the file is 1.
    pub line: usize,
    /// Trimmed cells, padded with "" to the header width, so `cells[i]` is safe for every header.
    /// Non-empty cells beyond the header width are kept for the caller to report.
    pub cells: Vec<String>,
    /// How many cells the source row really had (empty cells past the header width not counted).
    /// Less than the header width only for a short CSV line: a sign of a broken row.
    pub width: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

/// What reading one upload may cost. The size of the file alone bounds nothing: a 4 KB .xlsx
/// can name one long shared string a million times, or inflate one part to gigabytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    /// Data rows, not counting the header or blank rows.
    pub max_rows: usize,
    /// Characters in one cell: KIM fields are names, addresses and numbers.
    pub max_cell_chars: usize,
    /// Bytes of cell text in the whole table: no more than the largest CSV we accept could hold.
    pub max_text_bytes: usize,
    /// Cells held for the table (rows times their width), empty ones included.
    pub max_cells: usize,
    /// Bytes all the parts of an .xlsx may inflate to.
    pub max_unpacked_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 20 * 1024 * 1024,
            max_rows: 100_000,
            max_cell_chars: MAX_CELL_CHARS,
            max_text_bytes: 20 * 1024 * 1024,
            // 100,000 rows of 30 columns: the template has 19.
            max_cells: 3_000_000,
            // A full 100,000-row template sheet inflates to about 70 MB.
            max_unpacked_bytes: 200 * 1024 * 1024,
        }
    }
}

/// Longest cell accepted; also what [`excerpt`] leaves of a cell echoed in a report.
pub const MAX_CELL_CHARS: usize = 1_000;

/// Real KIM lists have a few dozen columns; the cap keeps a hostile file from making every row
/// thousands of cells wide.
pub const MAX_COLUMNS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the file is empty or has no header row")]
    Empty,
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("the file has more than {max_rows} data rows")]
    TooManyRows { max_rows: usize },
    #[error("line {line} has more than {max_columns} columns")]
    TooManyColumns { line: usize, max_columns: usize },
    #[error("the CSV file cannot be read at line {line}: {reason}")]
    Csv { line: usize, reason: String },
    #[error("the .xlsx file is damaged or not a workbook: {0}")]
    Xlsx(String),
    #[error("the workbook has no worksheet")]
    NoSheets,
    #[error("the workbook is password-protected")]
    Protected,
    #[error("old Excel 97-2003 (.xls) files are not supported; save as .xlsx or CSV")]
    OldXls,
    #[error("unknown file type; expected .xlsx or .csv")]
    UnknownFormat,
    #[error("column {name:?} appears twice, in columns {first} and {second}")]
    DuplicateHeader {
        name: String,
        /// 1-based column numbers ([`column_letters`] turns them into Excel's A, B, ...).
        first: usize,
        second: usize,
    },
    #[error("the spreadsheet could not be written: {0}")]
    Write(String),
    #[error("line {line}, column {column} has more than {max_chars} characters")]
    CellTooLong {
        line: usize,
        column: usize,
        max_chars: usize,
    },
    /// More cell text, cells or inflated bytes than [`Limits`] allows.
    #[error("the file holds more data than an import accepts")]
    TooMuchData,
}

impl SheetError {
    /// Message-catalogue key for the user's language.
    pub fn message_key(&self) -> &'static str {
        match self {
            SheetError::Empty => "error.sheet_empty",
            SheetError::TooLarge { .. } => "error.sheet_too_large",
            SheetError::TooManyRows { .. } => "error.sheet_too_many_rows",
            SheetError::TooManyColumns { .. } => "error.sheet_too_many_columns",
            SheetError::Csv { .. } => "error.sheet_csv",
            SheetError::Xlsx(_) => "error.sheet_xlsx",
            SheetError::NoSheets => "error.sheet_no_sheets",
            SheetError::Protected => "error.sheet_protected",
            SheetError::OldXls => "error.sheet_xls",
            SheetError::UnknownFormat => "error.sheet_format",
            SheetError::DuplicateHeader { .. } => "error.sheet_duplicate_header",
            SheetError::Write(_) => "error.sheet_write",
            SheetError::CellTooLong { .. } => "error.sheet_cell_too_long",
            SheetError::TooMuchData => "error.sheet_too_much_data",
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// OLE2 compound file: an old .xls, or an .xlsx that Excel encrypted with a password.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Decide how to read an upload: magic bytes first (browsers and users mislabel files), then the
/// file name's extension.
pub fn detect_format(filename: &str, bytes: &[u8]) -> Result<Format, SheetError> {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(ZIP_MAGIC) {
        return Ok(Format::Xlsx);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(if ext == "xlsx" {
            SheetError::Protected
        } else {
            SheetError::OldXls
        });
    }
    match ext.as_str() {
        "xls" => Err(SheetError::OldXls),
        "xlsx" | "xlsm" => Ok(Format::Xlsx),
        "csv" | "tsv" | "txt" => Ok(Format::Csv),
        _ => Err(SheetError::UnknownFormat),
    }
}

/// Read the first sheet: its first non-empty row is the header; blank rows are skipped.
pub fn read_table(bytes: &[u8], format: Format, limits: &Limits) -> Result<Table, SheetError> {
    if bytes.len() > limits.max_bytes {
        return Err(SheetError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    match format {
        Format::Csv => delimited::read(bytes, limits),
        Format::Xlsx => excel::read(bytes, limits),
    }
}

/// Normalise a header for matching: " Nama KIM " -> "nama_kim", "No. HP" -> "no_hp".
pub fn header_key(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut pending_sep = false;
    for ch in h.chars() {
        if ch == '\u{feff}' {
            continue;
        }
        if ch.is_whitespace() || matches!(ch, '_' | '-' | '.') {
            pending_sep = true;
            continue;
        }
        if pending_sep && !out.is_empty() {
            out.push('_');
        }
        pending_sep = false;
        out.extend(ch.to_lowercase());
    }
    out
}

/// At most `max` characters of `s`, with "…" when cut: cell text echoed back in a report.
pub fn excerpt(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((end, _)) => Cow::Owned(format!("{}…", &s[..end])),
    }
}

/// Excel's name for a 1-based column number: 1 -> "A", 27 -> "AA".
pub fn column_letters(column: usize) -> String {
    let mut n = column;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Shared by both readers: header cells with trailing blanks dropped, unique after `header_key`.
fn take_headers(mut cells: Vec<String>, line: usize) -> Result<Vec<String>, SheetError> {
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    if cells.len() > MAX_COLUMNS {
        return Err(SheetError::TooManyColumns {
            line,
            max_columns: MAX_COLUMNS,
        });
    }
    let keys: Vec<String> = cells.iter().map(|h| header_key(h)).collect();
    for (second, key) in keys.iter().enumerate() {
        // Several untitled columns are common (spacers, notes) and harmless.
        if key.is_empty() {
            continue;
        }
        if let Some(first) = keys[..second].iter().position(|k| k == key) {
            return Err(SheetError::DuplicateHeader {
                name: cells[second].clone(),
                first: first + 1,
                second: second + 1,
            });
        }
    }
    Ok(cells)
}

/// Shared by both readers: shape one data row, or `None` when every cell is blank.
fn shape_row(
    mut cells: Vec<String>,
    width: usize,
    header_width: usize,
    line: usize,
) -> Result<Option<Row>, SheetError> {
    let Some(last) = cells.iter().rposition(|c| !c.is_empty()) else {
        return Ok(None);
    };
    if last >= MAX_COLUMNS {
        return Err(SheetError::TooManyColumns {
            line,
            max_columns: MAX_COLUMNS,
        });
    }
    cells.truncate(header_width.max(last + 1));
    cells.resize(header_width.max(last + 1), String::new());
    let width = width.min(header_width).max(last + 1);
    Ok(Some(Row { line, cells, width }))
}

#[cfg(test)]
mod bomb_tests;
#[cfg(test)]
mod tests;
