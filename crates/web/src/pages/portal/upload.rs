//! Reading the portal's multipart forms (a post from the phone, its correction, a citizen's
//! aspiration, a photo through the API): every part's name and bytes, in order. The route's body
//! limit bounds the whole; a part cut short by it is "file too large", a broken body "bad form".

use crate::error::{AppError, AppResult};
use axum::body::Bytes;
use axum::extract::Multipart;

/// One part of a multipart body.
pub struct Part {
    pub name: String,
    pub data: Bytes,
}

impl Part {
    /// The part as text (invalid UTF-8 replaced), at most `max` characters.
    pub fn text(&self, max: usize) -> String {
        String::from_utf8_lossy(&self.data)
            .chars()
            .take(max)
            .collect()
    }

    /// The photo slot `N` of a part named `{prefix}N`, when below `slots`.
    pub fn slot(&self, prefix: &str, slots: usize) -> Option<usize> {
        self.name
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n < slots)
    }
}

/// Every part of the body.
pub async fn read_parts(form: &mut Multipart) -> AppResult<Vec<Part>> {
    let mut parts = Vec::new();
    while let Some(f) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error.bad_form"))?
    {
        let name = f.name().unwrap_or("").to_owned();
        let data = f
            .bytes()
            .await
            .map_err(|_| AppError::BadRequest("error.file_too_large"))?;
        parts.push(Part { name, data });
    }
    Ok(parts)
}
