//! What each capability brings to the whole, declared in one place (the Decidim idea, in Rust
//! types): its background job kinds and its schedules. The worker iterates over these lists
//! instead of naming each capability; a new capability adds its manifest to [`CAPABILITIES`].

use crate::jobs::{JobKind, ScheduleDef};

/// One capability's contributions.
pub struct Capability {
    pub name: &'static str,
    pub job_kinds: &'static [&'static JobKind],
    pub schedules: &'static [&'static ScheduleDef],
}

pub static REGISTRY: Capability = Capability {
    name: "registry",
    job_kinds: &[&crate::import_job::JOB, &crate::housekeeping::MARK_INACTIVE],
    schedules: &[&crate::housekeeping::HOURLY],
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
};

pub static HOAX: Capability = Capability {
    name: "hoax",
    job_kinds: &[&crate::hoax::answer::ANSWER],
    schedules: &[],
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
};

pub static EVENTS: Capability = Capability {
    name: "events",
    job_kinds: &[&crate::events::remind::REMIND],
    schedules: &[&crate::events::remind::REMIND_EVERY_QUARTER_HOUR],
};

pub static CAPABILITIES: &[&Capability] = &[&REGISTRY, &DELIVERY, &ALERTS, &HOAX, &EVENTS];

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

#[cfg(test)]
mod tests {
    #[test]
    fn job_kind_names_are_unique() {
        let mut names: Vec<&str> = super::job_kinds().map(|k| k.name).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
    }
}
