//! "What to do next" on the dashboard: a KIM's people see their KIM and what its profile lacks;
//! administrators see what waits for them and, for a province, counts and coverage.

use super::kim::status_badge;
use crate::error::AppResult;
use crate::extract::CurrentUser;
use crate::i18n::Messages;
use crate::state::AppState;
use simpul_core::authz::Action;
use simpul_core::{Level, RegionCode, Role, Scope};
use simpul_store::registry::KimFilter;

/// One of the user's KIMs and what is missing from its profile.
pub struct KimCard {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub badge: &'static str,
    /// (what is missing, where to fix it)
    pub missing: Vec<(String, String)>,
}

/// An administrator's region: what waits, and (for a province or the country) the overview.
pub struct RegionCard {
    pub title: String,
    pub pending: Option<(String, String)>,
    pub overview: Option<(String, String)>,
    /// Village voices: posts to review, aspirations to answer.
    pub portal: Vec<(String, String)>,
}

pub async fn kim_cards(
    state: &AppState,
    t: Messages<'_>,
    user: &CurrentUser,
) -> AppResult<Vec<KimCard>> {
    let mut out = Vec::new();
    for g in &user.actor.grants {
        let Scope::Kim(id) = g.scope else { continue };
        let Ok(k) = state.store.kim(id).await else {
            continue;
        };
        let officer = g.role == Role::KimOfficer;
        let mut missing = Vec::new();
        let mut need = |key: &str, href: String| missing.push((t.get(key).to_owned(), href));
        if k.lat.is_none() {
            need(
                "dashboard.missing_location",
                if officer {
                    format!("/kim/{id}/edit")
                } else {
                    format!("/kim/{id}")
                },
            );
        }
        if k.sk_file_id.is_none() {
            need("dashboard.missing_sk", format!("/kim/{id}#upload-form"));
        }
        if k.member_count == 0 {
            need(
                "dashboard.missing_members",
                if officer {
                    format!("/kim/{id}/members")
                } else {
                    format!("/kim/{id}")
                },
            );
        }
        // Emergency alerts this KIM has not answered come first: the officer's next step.
        if officer {
            let mut waiting: Vec<(String, String)> = state
                .store
                .unanswered_alerts(id)
                .await?
                .into_iter()
                .map(|(alert, headline)| {
                    let text = t.fmt("alerts.dashboard_unanswered", &[("headline", &headline)]);
                    (text, format!("/alerts/{alert}#answer"))
                })
                .collect();
            waiting.append(&mut missing);
            missing = waiting;
        }
        // Village voices: posts the office sent back wait for the writer.
        if user.actor.can(Action::WritePost { kim_id: id }) {
            let back = state
                .store
                .portal_kim_posts(&[id], 100)
                .await?
                .iter()
                .filter(|p| p.status == "sent_back")
                .count();
            if back > 0 {
                missing.insert(
                    0,
                    (
                        t.fmt("portal.dashboard_sent_back", &[("n", &back.to_string())]),
                        "/portal/mine".into(),
                    ),
                );
            }
        }
        out.push(KimCard {
            id,
            status: t.get(&format!("status.{}", k.status)).to_owned(),
            badge: status_badge(&k.status),
            name: k.name,
            missing,
        });
    }
    Ok(out)
}

async fn pending(state: &AppState, region: Option<&RegionCode>) -> AppResult<i64> {
    let filter = KimFilter {
        region: region.cloned(),
        statuses: vec!["submitted".into()],
        ..Default::default()
    };
    Ok(state.store.search_kims(&filter, 0, 0).await?.1)
}

pub async fn region_cards(
    state: &AppState,
    t: Messages<'_>,
    user: &CurrentUser,
) -> AppResult<Vec<RegionCard>> {
    let mut out = Vec::new();
    let index = state.regions.index(&state.store).await?;
    for g in user.actor.grants.iter().filter(|g| g.role.is_admin()) {
        let region = match &g.scope {
            Scope::Region(code) => Some(code.clone()),
            Scope::National => None,
            _ => continue,
        };
        let title = match &region {
            Some(c) => index
                .get(c)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| c.to_string()),
            None => "Indonesia".into(),
        };
        let region_q = region
            .as_ref()
            .map(|c| format!("&region={c}"))
            .unwrap_or_default();
        let may_verify = match &region {
            Some(c) => user.actor.can(Action::VerifyKim { village: c }),
            None => user.actor.has_role(Role::NationalAdmin),
        };
        let n = pending(state, region.as_ref()).await?;
        let pending = (may_verify && n > 0).then(|| {
            (
                t.fmt("dashboard.pending", &[("n", &n.to_string())]),
                format!("/kim?status=submitted{region_q}"),
            )
        });
        let overview = if region.as_ref().is_none_or(|c| c.level() == Level::Province) {
            let rows = simpul_app::stats::counts(state, region.as_ref()).await?;
            let kims: i64 = rows.iter().map(|r| r.kims).sum();
            let covered: i64 = rows.iter().map(|r| r.villages_with_active_kim).sum();
            let villages = match &region {
                Some(c) => index.villages_under(c),
                None => index
                    .regions()
                    .filter(|r| r.level() == Level::Village)
                    .count(),
            }
            .max(1);
            let share = format!("{:.1}", covered as f64 * 100.0 / villages as f64);
            let stats_q = region
                .as_ref()
                .map(|c| format!("?region={c}"))
                .unwrap_or_default();
            Some((
                t.fmt(
                    "dashboard.overview",
                    &[
                        ("kims", &kims.to_string()),
                        ("covered", &covered.to_string()),
                        ("share", &share),
                    ],
                ),
                format!("/kim/stats{stats_q}"),
            ))
        } else {
            None
        };
        let mut portal = Vec::new();
        if matches!(
            g.role,
            Role::NationalAdmin | Role::ProvincialAdmin | Role::RegencyAdmin
        ) {
            let n = state.store.portal_pending(&g.territory, 500).await?.len();
            if n > 0 {
                portal.push((
                    t.fmt("portal.dashboard_review", &[("n", &n.to_string())]),
                    "/portal/review".to_owned(),
                ));
            }
        }
        let open = state
            .store
            .aspirations_for(&g.territory, None, 500)
            .await?
            .iter()
            .filter(|a| a.status == "received" || a.status == "forwarded")
            .count();
        if open > 0 {
            portal.push((
                t.fmt("aspiration.dashboard_open", &[("n", &open.to_string())]),
                "/aspirations".to_owned(),
            ));
        }
        out.push(RegionCard {
            title,
            pending,
            overview,
            portal,
        });
    }
    Ok(out)
}

/// Village members (and KIM-only people) have no use for API tokens.
pub fn may_use_tokens(user: &CurrentUser) -> bool {
    user.actor.grants.iter().any(|g| g.role != Role::KimMember)
}
