//! The hoax clearing house's pages: the public "Cek hoaks" form and its answer, the public
//! clarifications (through the render cache) with their image cards, a person's own reports,
//! the verifiers' queue and claim page, trends and the second-review setting.

pub mod archive;
pub mod public;
pub mod verify;

use crate::error::AppResult;
use crate::extract::CurrentUser;
use crate::i18n::Messages;
use crate::state::AppState;
use simpul_core::authz::Action;
use simpul_core::hoax::{ClaimStatus, Label, LabelSet};
use simpul_core::RegionCode;

/// A label's name as people read it.
pub fn label_name(t: &Messages<'_>, code: &str) -> String {
    let label: Label = LabelSet::from_stored(code);
    let key = label.message_key();
    match t.get_or(&key) {
        k if k == key => label.fallback_name(),
        name => name.to_string(),
    }
}

/// The CSS class of a verdict stamp.
pub fn label_class(code: &str) -> &'static str {
    if LabelSet::from_stored(code).is_true() {
        "label-true"
    } else {
        "label-false"
    }
}

pub fn status_name(t: &Messages<'_>, s: ClaimStatus) -> String {
    t.get(&s.message_key()).to_string()
}

pub fn channel_name(t: &Messages<'_>, channel: &str) -> String {
    match simpul_core::hoax::Channel::parse(channel) {
        Some(c) => t.get(&c.message_key()).to_string(),
        None => String::new(),
    }
}

pub fn topic_name(t: &Messages<'_>, topic: Option<&str>) -> String {
    t.get(&format!("hoax.topic.{}", topic.unwrap_or("other")))
        .to_string()
}

pub fn reason_name(t: &Messages<'_>, reason: simpul_core::hoax::Reason) -> String {
    t.get(&format!("hoax.reason.{}", reason.as_str()))
        .to_string()
}

/// "Kab. Malang" for a code, or the code when unknown.
pub async fn region_name(state: &AppState, code: &str) -> AppResult<String> {
    let index = state.regions.index(&state.store).await?;
    Ok(RegionCode::parse(code)
        .ok()
        .and_then(|c| index.get(&c).map(|r| r.name.clone()))
        .unwrap_or_else(|| code.to_string()))
}

/// The WhatsApp-ready text of a clarification.
pub fn whatsapp_text(
    t: &Messages<'_>,
    label: &str,
    claim: &str,
    summary: &str,
    link: &str,
) -> String {
    t.fmt(
        "hoax.whatsapp",
        &[
            ("label", label),
            ("claim", claim),
            ("summary", summary),
            ("link", link),
        ],
    )
}

/// "What to do next" on the dashboard: claims waiting for a fact-checker, reporting a hoax,
/// trends for administrators.
pub async fn dashboard_links(
    state: &AppState,
    t: Messages<'_>,
    user: &CurrentUser,
) -> AppResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    let waiting = simpul_app::hoax::review::waiting_count(state, &user.actor).await?;
    if user.actor.can(Action::CheckClaim { region: None }) {
        out.push((
            t.fmt("hoax.dashboard.waiting", &[("count", &waiting.to_string())]),
            "/hoax/queue".to_string(),
        ));
    }
    out.push((
        t.get("hoax.dashboard.report").to_string(),
        "/hoax".to_string(),
    ));
    out.push((
        t.get("hoax.dashboard.mine").to_string(),
        "/hoax/mine".to_string(),
    ));
    if user.actor.can(Action::ViewHoaxTrends) {
        out.push((
            t.get("hoax.dashboard.trends").to_string(),
            "/hoax/trends".to_string(),
        ));
    }
    Ok(out)
}
