//! CSV as offices really produce it: Excel's "CSV" is Windows-1252 unless saved as "CSV UTF-8",
//! Indonesian-locale Excel separates with ';', "Unicode text" is tab-separated UTF-16.

use std::borrow::Cow;

use encoding_rs::{Encoding, WINDOWS_1252};

use super::{shape_row, take_headers, Budget, Limits, SheetError, Table};

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    let (text, encoding) = decode(bytes);
    let delimiter = detect_delimiter(&text);
    // The csv crate silently swallows the rest of the file into an unclosed quoted cell.
    if let Some(line) = unclosed_quote(&text, delimiter) {
        return Err(SheetError::Csv {
            line,
            reason: "a quoted cell is never closed".to_owned(),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(&text);
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut budget = Budget::new(limits);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(SheetError::Csv {
                    line: e.position().map_or(0, |p| to_usize(p.line())),
                    reason: e.to_string(),
                })
            }
        }
        let line = lines.record_start(reader.position().byte());
        // Only up to the last non-blank field: a line of a million delimiters stays cheap.
        let used = record
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.trim().is_empty())
            .last()
            .map_or(0, |(i, _)| i + 1);
        let cells: Vec<String> = record.iter().take(used).map(clean_cell).collect();
        let mut filled = 0;
        for (column, cell) in cells.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            budget.cell(cell, line, column)?;
            filled += 1;
        }
        match &headers {
            None if used > 0 => headers = Some(take_headers(cells, line)?),
            None => {}
            Some(h) => {
                if let Some(row) = shape_row(cells, record.len(), h.len(), line)? {
                    budget.row(row.cells.len(), filled)?;
                    if rows.len() == limits.max_rows {
                        return Err(SheetError::TooManyRows {
                            max_rows: limits.max_rows,
                        });
                    }
                    rows.push(row);
                }
            }
        }
    }
    let headers = headers.ok_or(SheetError::Empty)?;
    Ok(Table {
        headers,
        rows,
        encoding,
    })
}

/// The csv crate's record position is where the previous record ended, before any blank lines
/// it skipped (and, for CRLF, before the LF), so it cannot name the line a record starts on.
struct LineCounter<'a> {
    text: &'a [u8],
    /// Where the previous record ended; the next one starts after the line breaks that follow.
    record_end: usize,
    counted_to: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            record_end: 0,
            counted_to: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record just read, given the reader's position after it.
    fn record_start(&mut self, end_after_record: u64) -> usize {
        let breaks = self.text[self.record_end..]
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let start = self.record_end + breaks;
        self.line += (self.counted_to..start)
            .filter(|&i| breaks_line(self.text, i))
            .count();
        self.counted_to = start;
        self.record_end = to_usize(end_after_record).clamp(start, self.text.len());
        self.line
    }
}

/// LF, CRLF (counted once) or a lone CR, as old "CSV (Macintosh)" exports end their lines.
fn breaks_line(text: &[u8], i: usize) -> bool {
    match text[i] {
        b'\n' => true,
        b'\r' => text.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// A BOM wins; otherwise UTF-8 if the bytes are valid UTF-8, else Windows-1252, which decodes
/// any byte sequence and is what Excel on Windows writes for "CSV (comma delimited)".
fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text, encoding.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), "UTF-8"),
        Err(_) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            (text, WINDOWS_1252.name())
        }
    }
}

/// The most frequent of `,` `;` tab outside quotes on the first line with content (or, in a file
/// of blank lines only, in the whole file); ties and single-column files fall back to the comma.
fn detect_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    let mut line = [0usize; 3];
    let mut blank_lines = [0usize; 3];
    let mut in_quotes = false;
    let mut has_content = false;
    for &b in text.as_bytes() {
        if b == b'"' {
            in_quotes = !in_quotes;
            has_content = true;
        } else if in_quotes {
            continue;
        } else if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
            line[i] += 1;
        } else if b == b'\n' || b == b'\r' {
            if has_content {
                break;
            }
            for (total, n) in blank_lines.iter_mut().zip(&mut line) {
                *total += std::mem::take(n);
            }
        } else if !b.is_ascii_whitespace() {
            has_content = true;
        }
    }
    let counts = if has_content { line } else { blank_lines };
    let mut best = 0;
    for i in 1..CANDIDATES.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    CANDIDATES[best]
}

/// The line where a quoted cell opens and never closes, following the csv crate's rules: a quote
/// opens only at the start of a cell, and `""` inside quotes is a literal quote.
fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum State {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let ends_cell = |b: u8| b == delimiter || b == b'\n' || b == b'\r';
    let mut state = State::CellStart;
    let mut line = 1;
    let mut opened_at = 1;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        state = match state {
            State::CellStart if b == b'"' => {
                opened_at = line;
                State::Quoted
            }
            State::CellStart | State::Unquoted | State::QuoteInQuoted if ends_cell(b) => {
                State::CellStart
            }
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            State::CellStart | State::Unquoted | State::QuoteInQuoted => State::Unquoted,
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
        };
        if breaks_line(text.as_bytes(), i) {
            line += 1;
        }
    }
    matches!(state, State::Quoted).then_some(opened_at)
}

fn clean_cell(raw: &str) -> String {
    let cell = raw.trim();
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}

/// Spreadsheet programs run a CSV cell starting with `=`, `@`, or `+`/`-` followed by more than
/// arithmetic, as a formula (CSV injection, OWASP). Such cells are written behind a `'`, and so is
/// a cell already starting with `'`, so that reading strips exactly the `'` writing added.
fn needs_guard(cell: &str) -> bool {
    let mut chars = cell.chars();
    match chars.next() {
        Some('=' | '@' | '\t' | '\r' | '\'') => true,
        Some('+' | '-') => !chars.all(|c| c.is_ascii_digit() || " .,()+-".contains(c)),
        _ => false,
    }
}

/// UTF-8 with a BOM, so Excel shows "Regapu’u" rather than mojibake.
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    // Every header cell quoted, so a ';' or tab inside one cannot mislead delimiter detection.
    let mut out = write_records(
        b"\xEF\xBB\xBF".to_vec(),
        csv::QuoteStyle::Always,
        std::iter::once(headers.iter().copied()),
    );
    out = write_records(
        out,
        csv::QuoteStyle::Necessary,
        rows.iter().map(|row| row.iter().map(String::as_str)),
    );
    out
}

fn write_records<'a, R>(
    out: Vec<u8>,
    style: csv::QuoteStyle,
    records: impl Iterator<Item = R>,
) -> Vec<u8>
where
    R: Iterator<Item = &'a str>,
{
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .quote_style(style)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    for record in records {
        let guarded: Vec<Cow<'_, str>> = record
            .map(|cell| {
                if needs_guard(cell) {
                    Cow::Owned(format!("'{cell}"))
                } else {
                    Cow::Borrowed(cell)
                }
            })
            .collect();
        writer
            .write_record(guarded.iter().map(|c| c.as_bytes()))
            .expect("writing CSV into a Vec cannot fail");
    }
    writer
        .into_inner()
        .expect("flushing CSV into a Vec cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_delimiter_from_the_header_line() {
        assert_eq!(detect_delimiter("Nama;Desa;HP\r\na,b;c;d"), b';');
        assert_eq!(detect_delimiter("Nama\tDesa\tHP"), b'\t');
        assert_eq!(detect_delimiter("\"Nama; lengkap\",Desa,HP"), b',');
        assert_eq!(detect_delimiter("\n;;;\nNama;Desa"), b';');
        assert_eq!(detect_delimiter("Nama"), b',');
    }

    #[test]
    fn finds_the_line_of_an_unclosed_quote() {
        assert_eq!(unclosed_quote("a,b\n\"x\ny\",z\n", b','), None);
        assert_eq!(unclosed_quote("a,b\nx,\"y\nz\n", b','), Some(2));
        // A quote inside an unquoted cell is just a character.
        assert_eq!(unclosed_quote("a,Jl. \"Melati\n", b','), None);
        assert_eq!(unclosed_quote("\"a \"\"b\"\"\",c", b','), None);
    }

    #[test]
    fn guards_formulas_but_not_phones_or_dashes() {
        for risky in ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-x", "'=already"] {
            assert!(needs_guard(risky), "{risky}");
        }
        for safe in ["+62 812-3456-789", "-", "-5", "0812", "Kampung 'Baru'", ""] {
            assert!(!needs_guard(safe), "{safe}");
        }
        assert_eq!(clean_cell(" '=1+1 "), "=1+1");
        assert_eq!(clean_cell("'abc"), "'abc");
    }
}
