//! The memory a table may take, charged as it is read, so that a hostile file stops at the limit
//! instead of after it has been held in full.

use super::{Limits, SheetError};

pub(super) struct Budget<'a> {
    limits: &'a Limits,
    text_bytes: usize,
    cells: usize,
}

impl<'a> Budget<'a> {
    pub(super) fn new(limits: &'a Limits) -> Self {
        Budget {
            limits,
            text_bytes: 0,
            cells: 0,
        }
    }

    /// One non-empty cell at 1-based `line` and 0-based `column`.
    pub(super) fn cell(
        &mut self,
        text: &str,
        line: usize,
        column: usize,
    ) -> Result<(), SheetError> {
        // Bytes bound chars from above, so counting chars only for long cells is exact.
        if text.len() > self.limits.max_cell_chars
            && text.chars().count() > self.limits.max_cell_chars
        {
            return Err(SheetError::CellTooLong {
                line,
                column: column + 1,
                max_chars: self.limits.max_cell_chars,
            });
        }
        self.text_bytes += text.len();
        self.cells += 1;
        self.check()
    }

    /// A row about to be laid out `width` cells wide, `filled` of them already charged by
    /// [`Budget::cell`]: the empty ones cost memory too.
    pub(super) fn row(&mut self, width: usize, filled: usize) -> Result<(), SheetError> {
        self.cells = self.cells.saturating_add(width.saturating_sub(filled));
        self.check()
    }

    fn check(&self) -> Result<(), SheetError> {
        if self.text_bytes > self.limits.max_text_bytes || self.cells > self.limits.max_cells {
            return Err(SheetError::TooMuchData);
        }
        Ok(())
    }
}
