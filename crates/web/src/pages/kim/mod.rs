//! KIM registry pages: the public directory and profiles, registration and editing, and the
//! lifecycle buttons (submit, verify, reject, ...).

mod directory;
mod form;
pub mod picker;
mod profile;

pub use directory::{directory, place_label};
pub use form::{create, edit_form, new_form, update};
pub use picker::fragment as village_picker;
pub use profile::{profile, transition};

use crate::extract::CurrentUser;

/// Whether the registration form makes sense for this user (where, is checked on submit).
fn may_register(user: &CurrentUser) -> bool {
    user.actor.may_register_somewhere()
}

pub fn status_badge(status: &str) -> &'static str {
    match status {
        "verified" | "active" => "badge-ok",
        "submitted" | "draft" | "rejected" => "badge-warn",
        _ => "badge-muted",
    }
}
