//! How much an .xlsx inflates to, measured before calamine opens it: calamine holds the whole
//! shared-strings part in memory and would inflate any part the zip directory points at, and a
//! zip's declared sizes are whatever the file's author wrote.

use std::io::{Cursor, Read};

use super::{Limits, SheetError};

/// Inflate every part once into nothing, stopping as soon as the total passes
/// `max_unpacked_bytes`, or the shared strings (held whole by calamine) pass three times the
/// text budget (room for the markup around each string). A file the zip reader cannot open is
/// left to calamine, which reports it in its own words.
pub(super) fn check_unpacked_size(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let max_shared = (limits.max_text_bytes as u64).saturating_mul(3);
    let mut left = limits.max_unpacked_bytes;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            continue;
        };
        let shared = part
            .name()
            .to_ascii_lowercase()
            .ends_with("sharedstrings.xml");
        let cap = if shared { left.min(max_shared) } else { left };
        let mut part = part.take(cap + 1);
        let mut read = 0u64;
        // A damaged part stops counting there; calamine reports it if the part matters.
        while let Ok(n @ 1..) = part.read(&mut buf) {
            read += n as u64;
        }
        if read > cap {
            return Err(SheetError::TooMuchData);
        }
        left -= read;
    }
    Ok(())
}
