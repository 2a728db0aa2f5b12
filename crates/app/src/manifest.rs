//! What each capability brings to the whole, declared in one place (the Decidim idea, in Rust
//! types): its background job kinds and its schedules, its audit vocabulary, and the indicators
//! it contributes to the KIM performance index. The worker and the index iterate over these
//! lists instead of naming each capability; a new capability adds its manifest to
//! [`CAPABILITIES`].

use crate::jobs::{JobKind, ScheduleDef};
use simpul_store::governance::indicators::{Evidence, Values};
use simpul_store::governance::Window;
use simpul_store::Store;
use std::future::Future;
use std::pin::Pin;

/// One capability's contributions.
pub struct Capability {
    pub name: &'static str,
    pub job_kinds: &'static [&'static JobKind],
    pub schedules: &'static [&'static ScheduleDef],
    /// The audit-log actions its services record (`alert.send`). The audit page offers them in
    /// its filter and words each through `audit_action.<action>` in the catalogue.
    pub audit_actions: &'static [&'static str],
    /// Object types it records, each with the page an entry links to (`{}` is the object id);
    /// the phrase for the type comes from `audit_object.<type>`.
    pub audit_objects: &'static [AuditObject],
    /// What it contributes to the KIM performance index (issue 16).
    pub indicators: &'static [&'static Indicator],
}

/// Computes an indicator's raw value for every scored KIM of the window's province in one
/// query (a KIM without records may be left out: no data).
pub type ComputeFn =
    for<'a> fn(
        &'a Store,
        &'a Window,
    ) -> Pin<Box<dyn Future<Output = simpul_store::Result<Values>> + Send + 'a>>;

/// The records behind one KIM's value in a window (the score page's "why this number").
pub type EvidenceFn = for<'a> fn(
    &'a Store,
    i64,
    &'a Window,
) -> Pin<
    Box<dyn Future<Output = simpul_store::Result<Vec<Evidence>>> + Send + 'a>,
>;

/// An indicator of the KIM performance index, declared by the capability whose records it
/// reads.
pub struct Indicator {
    /// Stable code stored in index definitions and snapshots (`dissem_reports`): lowercase and
    /// underscores.
    pub code: &'static str,
    /// Catalogue key of its name (`gov.ind.dissem_reports`).
    pub name: &'static str,
    /// Catalogue key of the advice when it would raise the score: `{n}` is what is missing (for
    /// "higher is better"), `{cap}` the target.
    pub advice: &'static str,
    pub better: simpul_core::governance::Better,
    /// The cap an index form proposes.
    pub default_cap: f64,
    pub compute: ComputeFn,
    pub evidence: EvidenceFn,
}

/// An audited object type and the page that shows one (`"/alerts/{}"`), if any.
pub struct AuditObject {
    pub kind: &'static str,
    pub page: Option<&'static str>,
}

/// Actions of the platform itself (accounts, roles, Bakorwil groups, sign-in, API tokens), which
/// belong to no capability.
pub static PLATFORM_AUDIT_ACTIONS: &[&str] = &[
    "account.create",
    "account.activate",
    "account.deactivate",
    "account.password",
    "account.password_changed",
    "account.contact_changed",
    "grant.add",
    "grant.revoke",
    "group.create",
    "group.update",
    "group.delete",
    "auth.login",
    "auth.logout",
    "auth.reset_requested",
    "auth.reset_completed",
    "token.create",
    "token.revoke",
    "jobs.requeued",
    // `simpul generate`: benchmark data written in bulk (one row per batch).
    "seed.generate",
];

pub static PLATFORM_AUDIT_OBJECTS: &[AuditObject] = &[
    AuditObject {
        kind: "user",
        page: Some("/admin/users/{}"),
    },
    AuditObject {
        kind: "coordination_group",
        page: Some("/admin/groups/{}"),
    },
    AuditObject {
        kind: "grant",
        page: None,
    },
    AuditObject {
        kind: "api_token",
        page: None,
    },
    AuditObject {
        kind: "job",
        page: None,
    },
];

pub static REGISTRY: Capability = Capability {
    name: "registry",
    job_kinds: &[&crate::import_job::JOB, &crate::housekeeping::MARK_INACTIVE],
    schedules: &[&crate::housekeeping::HOURLY],
    audit_actions: &[
        "kim.create",
        "kim.update",
        "kim.transition",
        "kim.import",
        "kim.file",
        "member.add",
        "member.update",
        "member.delete",
        "member.seed",
        "member.export",
        "member.invite",
        "member.accept_invite",
        "member.nik_duplicate",
    ],
    audit_objects: &[
        AuditObject {
            kind: "kim",
            page: Some("/kim/{}"),
        },
        // A member's page is its KIM's member list, found from the entry's summary.
        AuditObject {
            kind: "kim_member",
            page: None,
        },
        AuditObject {
            kind: "file",
            page: None,
        },
    ],
    indicators: &[
        &crate::governance::indicators::PROFILE_COMPLETENESS,
        &crate::governance::indicators::MEMBERS_ADDED,
    ],
};

pub static DELIVERY: Capability = Capability {
    name: "delivery",
    job_kinds: &[
        &crate::mail::SEND,
        &crate::mail::SWEEP,
        &crate::notify::DELIVER,
        &crate::notify::SEND,
        &crate::notify::DIGEST,
    ],
    schedules: &[&crate::mail::EVERY_MINUTE, &crate::notify::DIGEST_HOURLY],
    audit_actions: &[
        "notify.prefs_saved",
        "notify.gateway_saved",
        "notify.delivery_retried",
    ],
    audit_objects: &[
        AuditObject {
            kind: "delivery",
            page: None,
        },
        AuditObject {
            kind: "region",
            page: None,
        },
    ],
    indicators: &[],
};

pub static HOAX: Capability = Capability {
    name: "hoax",
    job_kinds: &[&crate::hoax::answer::ANSWER],
    schedules: &[],
    audit_actions: &[
        "hoax.report",
        "hoax.take",
        "hoax.verdict",
        "hoax.publish",
        "hoax.approve",
        "hoax.send_back",
        "hoax.reopen",
        "hoax.note",
        "hoax.merge",
        "hoax.split",
        "hoax.import",
        "hoax.settings",
    ],
    audit_objects: &[
        // The claim's page is the fact-checkers' own; administrators reading the log have none.
        AuditObject {
            kind: "hoax_claim",
            page: None,
        },
        AuditObject {
            kind: "hoax_report",
            page: None,
        },
        AuditObject {
            kind: "hoax_settings",
            page: None,
        },
    ],
    indicators: &[&crate::governance::indicators::HOAX_REPORTS],
};

pub static ALERTS: Capability = Capability {
    name: "alerts",
    job_kinds: &[
        &crate::alerts::ingest::POLL,
        &crate::alerts::escalate::ESCALATE,
    ],
    schedules: &[
        &crate::alerts::ingest::POLL_SCHEDULE,
        &crate::alerts::escalate::ESCALATE_EVERY_MINUTE,
    ],
    audit_actions: &[
        "alert.send",
        "alert.submit",
        "alert.approve",
        "alert.reject",
        "alert.update",
        "alert.cancel",
        "alert.ack",
        "alert.report",
        "alert.escalate",
        "alert.feed",
        "alert.settings",
        "alert.area",
    ],
    audit_objects: &[
        AuditObject {
            kind: "alert",
            page: Some("/alerts/{}"),
        },
        AuditObject {
            kind: "alert_feed",
            page: Some("/admin/alert-feeds"),
        },
        AuditObject {
            kind: "alert_settings",
            page: None,
        },
        AuditObject {
            kind: "alert_area",
            page: None,
        },
    ],
    indicators: &[
        &crate::governance::indicators::ALERTS_ACKNOWLEDGED,
        &crate::governance::indicators::ALERTS_ACK_MINUTES,
    ],
};

pub static DISSEMINATION: Capability = Capability {
    name: "dissemination",
    job_kinds: &[&crate::dissem::SYNC],
    schedules: &[&crate::dissem::SYNC_HOURLY],
    audit_actions: &[
        "dissem.create",
        "dissem.update",
        "dissem.correct",
        "dissem.transition",
        "dissem.report",
        "dissem.review",
        "program.save",
        "program.decide",
    ],
    audit_objects: &[
        AuditObject {
            kind: "dissem_package",
            page: Some("/dissem/{}"),
        },
        AuditObject {
            kind: "dissem_report",
            page: None,
        },
        AuditObject {
            kind: "program",
            page: Some("/programs"),
        },
    ],
    indicators: &[
        &crate::governance::indicators::DISSEM_REPORTS,
        &crate::governance::indicators::DISSEM_REACH,
    ],
};

pub static EVENTS: Capability = Capability {
    name: "events",
    job_kinds: &[&crate::events::remind::REMIND],
    schedules: &[&crate::events::remind::REMIND_EVERY_QUARTER_HOUR],
    audit_actions: &[
        "event.create",
        "event.update",
        "event.cancel",
        "event.material",
        "event.register",
        "event.cancel_registration",
        "event.promote",
        "event.checkin",
        "event.evaluate",
        "event.certificate",
    ],
    audit_objects: &[
        AuditObject {
            kind: "event",
            page: Some("/events/{}"),
        },
        AuditObject {
            kind: "event_registration",
            page: None,
        },
    ],
    indicators: &[&crate::governance::indicators::TRAININGS_ATTENDED],
};

pub static GOVERNANCE: Capability = Capability {
    name: "governance",
    job_kinds: &[
        &crate::governance::compute::COMPUTE,
        &crate::governance::agreements::REMIND,
        &crate::governance::report_files::MONTHLY,
    ],
    schedules: &[
        &crate::governance::compute::COMPUTE_DAILY,
        &crate::governance::agreements::REMIND_DAILY,
        &crate::governance::report_files::MONTHLY_CHECK,
    ],
    audit_actions: &[
        "gov.index_save",
        "gov.index_publish",
        "gov.local_items",
        "gov.compute",
        "gov.coach",
        "gov.agreement_save",
        "gov.agreement_file",
        "gov.obligation",
        "gov.award_create",
        "gov.nominate",
        "gov.juror",
        "gov.jury_score",
        "gov.award_publish",
    ],
    audit_objects: &[
        AuditObject {
            kind: "gov_index",
            page: Some("/governance/indexes/{}"),
        },
        AuditObject {
            kind: "gov_agreement",
            page: Some("/governance/agreements/{}"),
        },
        AuditObject {
            kind: "gov_award",
            page: Some("/governance/awards/{}"),
        },
    ],
    indicators: &[],
};

pub static PORTAL: Capability = Capability {
    name: "portal",
    job_kinds: &[
        &crate::portal::aspirations::ESCALATE,
        &crate::portal::aspirations::TELL,
    ],
    schedules: &[&crate::portal::aspirations::ESCALATE_HOURLY],
    audit_actions: &[
        "portal.create",
        "portal.publish",
        "portal.send_back",
        "portal.hide",
        "portal.restore",
        "portal.report",
        "portal.reshare",
        "portal.settings",
        "portal.resubmit",
        "portal.photo_add",
        "aspiration.submit",
        "aspiration.answer",
        "aspiration.forward",
        "aspiration.close",
        "aspiration.escalate",
        "aspiration.route",
        "aspiration.route_delete",
    ],
    audit_objects: &[
        AuditObject {
            kind: "portal_post",
            page: Some("/portal/posts/{}"),
        },
        AuditObject {
            kind: "aspiration",
            page: Some("/aspirations/{}"),
        },
        AuditObject {
            kind: "aspiration_route",
            page: Some("/admin/aspiration-routes"),
        },
    ],
    indicators: &[
        &crate::governance::indicators::PORTAL_POSTS,
        &crate::governance::indicators::PORTAL_POTENTIAL,
        &crate::governance::indicators::ASPIRATIONS_CARRIED,
    ],
};

pub static CAPABILITIES: &[&Capability] = &[
    &REGISTRY,
    &DELIVERY,
    &ALERTS,
    &HOAX,
    &DISSEMINATION,
    &EVENTS,
    &PORTAL,
    &GOVERNANCE,
];

pub fn job_kinds() -> impl Iterator<Item = &'static JobKind> {
    CAPABILITIES
        .iter()
        .flat_map(|c| c.job_kinds.iter().copied())
}

pub fn schedules() -> impl Iterator<Item = &'static ScheduleDef> {
    CAPABILITIES
        .iter()
        .flat_map(|c| c.schedules.iter().copied())
}

/// Every indicator any capability contributes, in manifest order.
pub fn indicators() -> impl Iterator<Item = &'static Indicator> {
    CAPABILITIES
        .iter()
        .flat_map(|c| c.indicators.iter().copied())
}

pub fn indicator(key: &str) -> Option<&'static Indicator> {
    indicators().find(|i| i.code == key)
}

/// Every audited action, platform first, in the order the audit page's filter offers them.
pub fn audit_actions() -> impl Iterator<Item = &'static str> {
    PLATFORM_AUDIT_ACTIONS.iter().copied().chain(
        CAPABILITIES
            .iter()
            .flat_map(|c| c.audit_actions.iter().copied()),
    )
}

/// Every audited object type.
pub fn audit_objects() -> impl Iterator<Item = &'static AuditObject> {
    PLATFORM_AUDIT_OBJECTS
        .iter()
        .chain(CAPABILITIES.iter().flat_map(|c| c.audit_objects.iter()))
}

#[cfg(test)]
mod tests {
    /// Indicator keys are unique, stored as they are (lowercase, underscores), and named and
    /// advised in the catalogue.
    #[test]
    fn indicators_are_unique_and_worded() {
        let c = crate::i18n::Catalog::load();
        let keys: std::collections::HashSet<&str> =
            c.keys(crate::i18n::Locale::Id).into_iter().collect();
        let mut seen = std::collections::HashSet::new();
        for i in super::indicators() {
            assert!(seen.insert(i.code), "{} twice", i.code);
            assert!(i
                .code
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '_'));
            assert!(keys.contains(i.name), "{} not in the catalogue", i.name);
            assert!(keys.contains(i.advice), "{} not in the catalogue", i.advice);
            assert!(i.default_cap > 0.0);
        }
        assert!(seen.len() >= 8);
    }

    #[test]
    fn job_kind_names_are_unique() {
        let mut names: Vec<&str> = super::job_kinds().map(|k| k.name).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    /// Every action and object type the audit page may meet is worded in the catalogue, so no
    /// entry reads "made a change to data #12".
    #[test]
    fn every_audited_action_and_object_is_worded() {
        let c = crate::i18n::Catalog::load();
        let keys: std::collections::HashSet<&str> =
            c.keys(crate::i18n::Locale::Id).into_iter().collect();
        let mut missing = Vec::new();
        for a in super::audit_actions() {
            for table in ["audit_action", "audit_action_name"] {
                let key = format!("{table}.{}", a.replace('.', "_"));
                if !keys.contains(key.as_str()) {
                    missing.push(key);
                }
            }
        }
        for o in super::audit_objects() {
            let key = format!("audit_object.{}", o.kind);
            if !keys.contains(key.as_str()) {
                missing.push(key);
            }
        }
        assert!(
            missing.is_empty(),
            "missing from the catalogue: {missing:#?}"
        );
    }

    /// Every action a service records is declared in a manifest. The actions are read off the
    /// sources: the prefixes used in `AuditEvent::new("prefix.…"`, then every `"prefix.word"`
    /// literal of the store and the application layer that is not a job kind or a catalogue key.
    #[test]
    fn every_recorded_action_is_declared() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    sources(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(std::fs::read_to_string(&p).unwrap());
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        sources(&root.join("../store/src"), &mut texts);
        sources(&root.join("src"), &mut texts);
        let literal = |s: &str| -> Option<(String, String)> {
            let (prefix, word) = s.split_once('.')?;
            let ok =
                |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            (ok(prefix) && ok(word)).then(|| (prefix.to_owned(), word.to_owned()))
        };
        let mut prefixes = std::collections::HashSet::new();
        for t in &texts {
            for part in t.split("AuditEvent::new(\"").skip(1) {
                if let Some((prefix, _)) = part.split('"').next().and_then(literal) {
                    prefixes.insert(prefix);
                }
            }
        }
        assert!(prefixes.contains("kim") && prefixes.contains("alert"));
        let catalogue = crate::i18n::Catalog::load();
        let keys: std::collections::HashSet<&str> = catalogue
            .keys(crate::i18n::Locale::Id)
            .into_iter()
            .collect();
        let jobs: std::collections::HashSet<&str> = super::job_kinds().map(|k| k.name).collect();
        let declared: std::collections::HashSet<&str> = super::audit_actions().collect();
        let mut undeclared = std::collections::BTreeSet::new();
        for t in &texts {
            for part in t.split('"') {
                let Some((prefix, _)) = literal(part) else {
                    continue;
                };
                if prefixes.contains(&prefix)
                    && !declared.contains(part)
                    && !jobs.contains(part)
                    && !keys.contains(part)
                {
                    undeclared.insert(part.to_owned());
                }
            }
        }
        assert!(
            undeclared.is_empty(),
            "audit actions recorded but declared in no manifest: {undeclared:#?}"
        );
    }
}
