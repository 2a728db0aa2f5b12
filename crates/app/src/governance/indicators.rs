//! The indicators the existing capabilities contribute to the KIM performance index, registered
//! in their manifests ([`crate::manifest`]). Each names its bulk computation and the records
//! behind a KIM's value, both in the store. A later capability (the portal) declares its own
//! [`Indicator`]s in its module and lists them in its manifest; the index code never names them.

use crate::manifest::Indicator;
use simpul_core::governance::Better;

pub static PROFILE_COMPLETENESS: Indicator = Indicator {
    code: "registry_profile",
    name: "gov.ind.registry_profile",
    advice: "gov.advice.registry_profile",
    better: Better::Higher,
    default_cap: 100.0,
    compute: |s, w| Box::pin(s.ind_profile_completeness(w)),
    evidence: |s, k, w| Box::pin(s.ev_profile(k, w)),
};

pub static MEMBERS_ADDED: Indicator = Indicator {
    code: "registry_members_added",
    name: "gov.ind.registry_members_added",
    advice: "gov.advice.registry_members_added",
    better: Better::Higher,
    default_cap: 5.0,
    compute: |s, w| Box::pin(s.ind_members_added(w)),
    evidence: |s, k, w| Box::pin(s.ev_members_added(k, w)),
};

pub static DISSEM_REPORTS: Indicator = Indicator {
    code: "dissem_reports",
    name: "gov.ind.dissem_reports",
    advice: "gov.advice.dissem_reports",
    better: Better::Higher,
    default_cap: 12.0,
    compute: |s, w| Box::pin(s.ind_dissem_reports(w)),
    evidence: |s, k, w| Box::pin(s.ev_dissem_reports(k, w)),
};

pub static DISSEM_REACH: Indicator = Indicator {
    code: "dissem_reach",
    name: "gov.ind.dissem_reach",
    advice: "gov.advice.dissem_reach",
    better: Better::Higher,
    default_cap: 1000.0,
    compute: |s, w| Box::pin(s.ind_dissem_reach(w)),
    evidence: |s, k, w| Box::pin(s.ev_dissem_reports(k, w)),
};

pub static ALERTS_ACKNOWLEDGED: Indicator = Indicator {
    code: "alerts_acknowledged",
    name: "gov.ind.alerts_acknowledged",
    advice: "gov.advice.alerts_acknowledged",
    better: Better::Higher,
    default_cap: 100.0,
    compute: |s, w| Box::pin(s.ind_alerts_acknowledged(w)),
    evidence: |s, k, w| Box::pin(s.ev_alerts(k, w)),
};

pub static ALERTS_ACK_MINUTES: Indicator = Indicator {
    code: "alerts_ack_minutes",
    name: "gov.ind.alerts_ack_minutes",
    advice: "gov.advice.alerts_ack_minutes",
    better: Better::Lower,
    default_cap: 30.0,
    compute: |s, w| Box::pin(s.ind_alerts_ack_minutes(w)),
    evidence: |s, k, w| Box::pin(s.ev_alerts(k, w)),
};

pub static HOAX_REPORTS: Indicator = Indicator {
    code: "hoax_reports",
    name: "gov.ind.hoax_reports",
    advice: "gov.advice.hoax_reports",
    better: Better::Higher,
    default_cap: 3.0,
    compute: |s, w| Box::pin(s.ind_hoax_reports(w)),
    evidence: |s, k, w| Box::pin(s.ev_hoax_reports(k, w)),
};

pub static TRAININGS_ATTENDED: Indicator = Indicator {
    code: "events_trainings",
    name: "gov.ind.events_trainings",
    advice: "gov.advice.events_trainings",
    better: Better::Higher,
    default_cap: 2.0,
    compute: |s, w| Box::pin(s.ind_trainings_attended(w)),
    evidence: |s, k, w| Box::pin(s.ev_trainings(k, w)),
};

pub static PORTAL_POSTS: Indicator = Indicator {
    code: "portal_posts",
    name: "gov.ind.portal_posts",
    advice: "gov.advice.portal_posts",
    better: Better::Higher,
    default_cap: 4.0,
    compute: |s, w| Box::pin(s.ind_portal_posts(w)),
    evidence: |s, k, w| Box::pin(s.ev_portal_posts(k, w, false)),
};

pub static PORTAL_POTENTIAL: Indicator = Indicator {
    code: "portal_potential",
    name: "gov.ind.portal_potential",
    advice: "gov.advice.portal_potential",
    better: Better::Higher,
    default_cap: 2.0,
    compute: |s, w| Box::pin(s.ind_portal_potential(w)),
    evidence: |s, k, w| Box::pin(s.ev_portal_posts(k, w, true)),
};

pub static ASPIRATIONS_CARRIED: Indicator = Indicator {
    code: "aspirations_carried",
    name: "gov.ind.aspirations_carried",
    advice: "gov.advice.aspirations_carried",
    better: Better::Higher,
    default_cap: 3.0,
    compute: |s, w| Box::pin(s.ind_aspirations_carried(w)),
    evidence: |s, k, w| Box::pin(s.ev_aspirations_carried(k, w)),
};
