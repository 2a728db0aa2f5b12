//! Dissemination pages: the hub (a KIM officer's inbox, an office's packages), writing,
//! moderating and correcting a package ([`packages`]), a package opened on a phone with its
//! captions to copy and the report form ([`inbox`]), the reach dashboard and exports
//! ([`reach`]), and the shared program calendar ([`programs`]). Every core flow is a plain
//! form; the copy button is an enhancement over a read-only text box.

pub mod inbox;
pub mod packages;
pub mod places;
pub mod programs;
pub mod reach;

use super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::AppResult;
use crate::extract::{CurrentUser, SessionUser};
use crate::i18n::Messages;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use simpul_app::dissem::{self as app, inbox as app_inbox};
use simpul_core::authz::Action;
use simpul_core::dissem::{PackageStatus, TargetState};
use simpul_core::registry::Topic;

pub fn topic_name(t: &Messages<'_>, slug: &str) -> String {
    Topic::parse(slug)
        .map(|x| t.get(x.message_key()).to_string())
        .unwrap_or_default()
}

pub fn status_badge(s: PackageStatus) -> &'static str {
    match s {
        PackageStatus::Draft => "badge-muted",
        PackageStatus::Review => "badge-warn",
        PackageStatus::Published => "badge-ok",
    }
}

/// "Kab. Malang" for a code, or the code when unknown; "Nasional" for none.
pub async fn place(state: &AppState, t: &Messages<'_>, code: Option<&str>) -> AppResult<String> {
    match code {
        Some(c) => super::hoax::region_name(state, c).await,
        None => Ok(t.get("dissem.national").to_string()),
    }
}

pub struct InboxLine {
    pub id: i64,
    pub title: String,
    pub meta: String,
    pub high: bool,
}

pub struct InboxGroup {
    pub kim_id: i64,
    pub kim_name: String,
    /// (state name, state slug, packages)
    pub sections: Vec<(String, &'static str, Vec<InboxLine>)>,
}

pub struct PackageLine {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub badge: &'static str,
    pub meta: String,
}

#[derive(Template)]
#[template(path = "dissem_hub.html")]
struct HubPage<'a> {
    page: Page<'a>,
    inboxes: Vec<InboxGroup>,
    packages: Vec<PackageLine>,
    can_compose: bool,
    can_watch: bool,
    can_plan: bool,
}

pub async fn hub(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    let page = Page::new(&state, &ctx, Some(&user));
    let today = chrono::Utc::now().date_naive();
    let mut inboxes = Vec::new();
    if !app_inbox::officer_kims(&user.actor).is_empty() {
        for k in app_inbox::inbox(&state, &user.actor).await? {
            let mut sections = Vec::new();
            let line = |p: &simpul_store::dissem::InboxRow| InboxLine {
                id: p.id,
                title: p.title.clone(),
                meta: page.t.fmt(
                    "dissem.inbox.until",
                    &[
                        ("topic", &topic_name(&page.t, &p.topic)),
                        ("date", &page.date(p.ends_on)),
                    ],
                ),
                high: p.priority == "high",
            };
            for s in TargetState::ALL {
                let lines: Vec<InboxLine> = k
                    .packages
                    .iter()
                    .filter(|p| p.state == *s && (p.ends_on >= today || *s == TargetState::Done))
                    .map(line)
                    .collect();
                sections.push((page.t.get(&s.message_key()).to_string(), s.as_str(), lines));
            }
            // Packages whose period ended before the KIM acted: still open to read (and to
            // report late), apart so they do not crowd what is current.
            let expired: Vec<InboxLine> = k
                .packages
                .iter()
                .filter(|p| p.state != TargetState::Done && p.ends_on < today)
                .map(line)
                .collect();
            sections.push((
                page.t.get("dissem.inbox.expired").to_string(),
                "expired",
                expired,
            ));
            inboxes.push(InboxGroup {
                kim_id: k.kim_id,
                kim_name: k.kim_name,
                sections,
            });
        }
    }
    let can_compose = !app::offices(&user.actor).is_empty();
    let mut packages = Vec::new();
    if can_compose || user.actor.is_admin() {
        for p in app::list(&state, &user.actor).await? {
            packages.push(PackageLine {
                id: p.id,
                status: page.t.get(&p.status.message_key()).to_string(),
                badge: status_badge(p.status),
                meta: format!(
                    "{} · {} – {}",
                    topic_name(&page.t, &p.topic),
                    page.date(p.starts_on),
                    page.date(p.ends_on)
                ),
                title: p.title,
            });
        }
    }
    render(HubPage {
        inboxes,
        packages,
        can_compose,
        can_watch: user.actor.is_admin() || can_compose,
        can_plan: user.actor.can(Action::ViewPrograms),
        page,
    })
}

/// "What to do next" on the dashboard: packages waiting for the officer's KIM; writing
/// packages, reach and the program calendar for offices and partners.
pub async fn dashboard_links(
    state: &AppState,
    t: Messages<'_>,
    user: &CurrentUser,
) -> AppResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    if !app_inbox::officer_kims(&user.actor).is_empty() {
        let n = app_inbox::waiting(state, &user.actor).await?;
        out.push((
            t.fmt("dissem.dashboard.waiting", &[("count", &n.to_string())]),
            "/dissem".to_string(),
        ));
    }
    if !app::offices(&user.actor).is_empty() {
        out.push((
            t.get("dissem.dashboard.packages").to_string(),
            "/dissem".into(),
        ));
        out.push((
            t.get("dissem.dashboard.new").to_string(),
            "/dissem/new".into(),
        ));
    }
    if user.actor.is_admin() || !app::offices(&user.actor).is_empty() {
        out.push((
            t.get("dissem.dashboard.reach").to_string(),
            "/dissem/reach".into(),
        ));
    }
    if user.actor.can(Action::ViewPrograms) {
        out.push((
            t.get("dissem.dashboard.programs").to_string(),
            "/programs".into(),
        ));
    }
    Ok(out)
}
