//! KIM registry pages: the public directory and profiles, registration and editing, and the
//! lifecycle buttons (submit, verify, reject, ...).

mod directory;
mod form;
mod picker;
mod profile;

pub use directory::{directory, place_label};
pub use form::{create, edit_form, new_form, update};
pub use picker::fragment as village_picker;
pub use profile::{profile, transition};

use crate::extract::CurrentUser;
use simpul_core::regions::RegionIndex;
use simpul_core::RegionCode;

/// Whether the registration form makes sense for this user (where, is checked on submit).
fn may_register(user: &CurrentUser) -> bool {
    use simpul_core::Role::*;
    user.actor.grants.iter().any(|g| {
        matches!(
            g.role,
            NationalAdmin | ProvincialAdmin | RegencyAdmin | KimOfficer
        )
    })
}

pub fn status_badge(status: &str) -> &'static str {
    match status {
        "verified" | "active" => "badge-ok",
        "submitted" | "draft" | "rejected" => "badge-warn",
        _ => "badge-muted",
    }
}

/// "Desa X, Kec. Y, Kabupaten Z, Jawa Timur" from the in-memory index.
pub fn place_name(index: &RegionIndex, village: &str) -> String {
    let Ok(code) = RegionCode::parse(village) else {
        return village.to_owned();
    };
    let mut chain = code.ancestors();
    chain.push(code);
    chain
        .iter()
        .rev()
        .filter_map(|c| index.get(c).map(|r| r.name.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}
