//! Indonesia's administrative regions (Kemendagri codes): province → kabupaten/kota →
//! kecamatan → desa/kelurahan.

mod code;
mod index;
mod names;

pub use code::{Level, RegionCode, RegionCodeError};
pub use index::{RegionIndex, SearchHit};
pub use names::{fold, normalize_name, parse_query, NameQuery};

use serde::Serialize;

/// One region as stored: its code, parent and official name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
}

impl Region {
    pub fn level(&self) -> Level {
        self.code.level()
    }

    pub fn parent(&self) -> Option<RegionCode> {
        self.code.parent()
    }
}
