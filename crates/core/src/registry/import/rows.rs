//! Rows that should not be imported as they stand: the template's example row left in place, and
//! two rows of one file that name the same KIM in one village (similar names, as the registry
//! flags them when a KIM is registered by hand).

use crate::registry::{is_possible_duplicate, normalize_kim_name};
use std::collections::HashMap;

/// The example row of the template, by machine key: what the template writes and what
/// [`is_template_example`] recognises.
pub const TEMPLATE_EXAMPLE: [(&str, &str); 19] = [
    ("nama_kim", "KIM Contoh Sumber Rejeki"),
    ("kode_desa", "35.14.10.2001"),
    ("desa", ""),
    ("kecamatan", ""),
    ("kabupaten_kota", ""),
    ("provinsi", ""),
    ("alamat", "Jl. Raya Prigen 1"),
    ("lat", "-7.69"),
    ("lon", "112.63"),
    ("tanggal_berdiri", "01/05/2019"),
    ("no_sk", "188/12/424.011/2019"),
    ("tanggal_sk", "10 Mei 2019"),
    ("penerbit_sk", "Kepala Desa"),
    ("telepon", "0812-3456-7890"),
    ("email", "kim.sumberrejeki@example.id"),
    ("topik", "Kesehatan, Pertanian"),
    ("status", "Diajukan"),
    ("instagram", "@kimsumberrejeki"),
    ("website", ""),
];

/// The template's example row (by its name, or by its e-mail, which older templates shared
/// with a plainer name), so that it is not imported as a KIM.
pub fn is_template_example(name: &str, email: &str) -> bool {
    normalize_kim_name(name) == normalize_kim_name(TEMPLATE_EXAMPLE[0].1)
        || email.trim().eq_ignore_ascii_case(TEMPLATE_EXAMPLE[14].1)
}

/// Rows seen so far, by village: each new row is compared with the earlier rows of its village
/// only, so a 100,000-row file costs little more than its villages' sizes.
#[derive(Debug, Default)]
pub struct SimilarRows {
    by_village: HashMap<String, Vec<(String, usize)>>,
}

impl SimilarRows {
    pub fn new() -> Self {
        SimilarRows::default()
    }

    /// Remember `name` at `line` in `village`; the line of an earlier row with a similar name in
    /// the same village, if any.
    pub fn add(&mut self, village: &str, name: &str, line: usize) -> Option<usize> {
        let rows = self.by_village.entry(village.to_owned()).or_default();
        let earlier = rows
            .iter()
            .find(|(other, _)| is_possible_duplicate(other, name))
            .map(|(_, l)| *l);
        rows.push((name.to_owned(), line));
        earlier
    }
}
