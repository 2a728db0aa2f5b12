//! Authorization policy: may this actor do this, there?
//!
//! Every protected route asks `Actor::can` on the server before reading or writing. The policy is
//! pure: the store resolves scopes into territories (a Bakorwil group into its kabupaten/kota)
//! and hands them in, so the rules below are testable without a database.

use crate::accounts::{Role, Scope};
use crate::regions::RegionCode;

/// The regions a scope covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeRegions {
    /// The whole country.
    All,
    /// These regions and everything inside them.
    Regions(Vec<RegionCode>),
}

impl ScopeRegions {
    pub fn none() -> ScopeRegions {
        ScopeRegions::Regions(Vec::new())
    }

    pub fn contains_region(&self, code: &RegionCode) -> bool {
        match self {
            ScopeRegions::All => true,
            ScopeRegions::Regions(roots) => roots.iter().any(|r| r.contains(code)),
        }
    }

    pub fn contains(&self, other: &ScopeRegions) -> bool {
        match (self, other) {
            (ScopeRegions::All, _) => true,
            (ScopeRegions::Regions(_), ScopeRegions::All) => false,
            (ScopeRegions::Regions(_), ScopeRegions::Regions(theirs)) => {
                theirs.iter().all(|c| self.contains_region(c))
            }
        }
    }

    /// Union, dropping regions already covered by another.
    pub fn union(items: impl IntoIterator<Item = ScopeRegions>) -> ScopeRegions {
        let mut roots: Vec<RegionCode> = Vec::new();
        for item in items {
            match item {
                ScopeRegions::All => return ScopeRegions::All,
                ScopeRegions::Regions(codes) => roots.extend(codes),
            }
        }
        roots.sort();
        roots.dedup();
        let snapshot = roots.clone();
        roots.retain(|c| !snapshot.iter().any(|o| o != c && o.contains(c)));
        ScopeRegions::Regions(roots)
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, ScopeRegions::Regions(r) if r.is_empty())
    }
}

/// One role assignment with its scope resolved to a territory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
    pub territory: ScopeRegions,
}

/// A signed-in person with their grants.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub grants: Vec<Grant>,
}

/// Something an actor wants to do that is not public.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// See their own dashboard, tokens and settings.
    UseAccount,
    /// List accounts and see the audit log of a territory.
    Oversee,
    /// Create accounts, reset or deactivate an account whose grants cover `territory`
    /// and whose most senior role is `role`.
    ManageAccount {
        role: Option<Role>,
        territory: &'a ScopeRegions,
    },
    /// Assign `role` over `territory`.
    GrantRole {
        role: Role,
        territory: &'a ScopeRegions,
    },
    /// Define coordination groups inside a province.
    ManageGroups { province: &'a RegionCode },
    /// Read mails held in the outbox for recipients in a territory.
    ReadOutbox,
    /// Register a KIM in this village.
    RegisterKim { village: &'a RegionCode },
    /// Edit a KIM's profile and members, submit it for verification.
    EditKim {
        kim_id: i64,
        village: &'a RegionCode,
    },
    /// Verify, reject, activate or dissolve a KIM.
    VerifyKim { village: &'a RegionCode },
    /// See a KIM's members' personal data, and unpublished KIMs.
    ViewKimPrivate {
        kim_id: i64,
        village: &'a RegionCode,
    },
    /// Import or export the registry of a territory.
    ManageRegistry { territory: &'a ScopeRegions },
    /// See the delivery log of notifications (each row still checked against the recipient's
    /// account) and retry failed deliveries.
    ReadDeliveries,
    /// See the background job queue of the installation and run failed jobs again.
    OperateJobs,
    /// Set the messaging gateway (signed webhook) of the office of `region`.
    ManageGateway { region: &'a RegionCode },
    /// Investigate a reported claim and give its verdict (`region`: where it was first
    /// reported; `None`: reported without a region, every fact-checker's).
    CheckClaim { region: Option<&'a RegionCode> },
    /// See hoax trends (claims by topic, region and week) of the actor's territory.
    ViewHoaxTrends,
    /// Decide whether the office of `region` requires a second verifier before publishing.
    ConfigureHoax { region: &'a RegionCode },
    // Emergency alerts (issue 11). `None` regions mean national (several provinces).
    /// Compose, update or cancel an alert concerning `region`.
    ComposeAlert { region: Option<&'a RegionCode> },
    /// Approve or reject another person's pending alert concerning `region`.
    ApproveAlert { region: Option<&'a RegionCode> },
    /// Watch an alert's board (who answered, who is silent) and its history and exports.
    WatchAlert { region: Option<&'a RegionCode> },
    /// Acknowledge an alert and send situation reports for this KIM.
    AnswerAlert { kim_id: i64 },
    /// Configure the feeds Simpul polls, and offices' approval setting.
    ManageAlertFeeds,
    // Dissemination (issue 13). `None` regions mean national.
    /// Write or correct a dissemination package owned by the office of `region`.
    ComposePackage { region: Option<&'a RegionCode> },
    /// Publish a package of the office of `region` (moderation by the owning office), send it
    /// back, and review implausible reach reported for it.
    PublishPackage { region: Option<&'a RegionCode> },
    /// See reach (by package, region, channel; who has not acted) of packages owned in `region`.
    WatchReach { region: Option<&'a RegionCode> },
    /// Open the packages aimed at this KIM and report their dissemination.
    ReportDissemination { kim_id: i64 },
    /// Enter, change and resolve overlaps of programs owned by the office of `region`.
    PlanProgram { region: Option<&'a RegionCode> },
    /// See the shared program calendar, its overlaps and gaps.
    ViewPrograms,
    // Capacity building (issue 14).
    /// Create an event organised by the office of `region`, and manage it: check people in,
    /// add materials, see attendance, evaluations and exports.
    OrganiseEvent { region: &'a RegionCode },
    // Village voices (issue 15).
    /// Write a post in this KIM's name (its officers and members).
    WritePost { kim_id: i64 },
    /// Re-share another region's post on this KIM's page (its officers).
    SharePost { kim_id: i64 },
    /// Review, publish or send back, hide or restore posts of KIMs in `village`, and decide
    /// which KIMs there publish without review (the kabupaten/kota office and above).
    ReviewPost { village: &'a RegionCode },
    /// Answer, forward and close aspirations routed to the office of `office`, and read the
    /// citizen's contact (administrators covering that office's region).
    HandleAspiration { office: &'a RegionCode },
    /// Configure the aspiration routing rules (national and provincial offices).
    RouteAspirations,
    // Partnership governance (issue 16).
    /// Define, publish and compute the performance index of `province`.
    DefineIndex { province: &'a RegionCode },
    /// Add local indicators to a published index for the KIMs of `regency`.
    AddLocalIndicators { regency: &'a RegionCode },
    /// See scores and rankings of the KIMs in `region`, and invite them to coaching.
    ViewRankings { region: &'a RegionCode },
    /// See this KIM's own score and what would raise it.
    ViewKimScore {
        kim_id: i64,
        village: &'a RegionCode,
    },
    /// Keep the register of partnership agreements of the office of `region`.
    ManageAgreements { region: &'a RegionCode },
}

/// Roles that may create and manage accounts.
fn manages_accounts(role: Role) -> bool {
    matches!(
        role,
        Role::NationalAdmin | Role::ProvincialAdmin | Role::RegencyAdmin
    )
}

/// Who registers KIMs: the offices that manage accounts, and officers (in their village).
fn may_register_kims(role: Role) -> bool {
    manages_accounts(role) || role == Role::KimOfficer
}

/// An actor may grant a role when one of their account-managing grants outranks it (a national
/// admin may also appoint national admins) and covers the whole territory.
fn outranks(granter: Role, role: Role) -> bool {
    granter == Role::NationalAdmin || granter.rank() > role.rank()
}

/// Does the grant cover `region` (`None`: national, only a national grant does)?
fn in_territory(g: &Grant, region: Option<&RegionCode>) -> bool {
    region.map_or(g.territory == ScopeRegions::All, |r| {
        g.territory.contains_region(r)
    })
}

/// Is this grant the given role for exactly this KIM?
fn kim_role(g: &Grant, roles: &[Role], kim_id: i64) -> bool {
    roles.contains(&g.role) && g.scope == Scope::Kim(kim_id)
}

impl Actor {
    /// The roles this actor may grant somewhere (what an account form should offer).
    pub fn grantable_roles(&self) -> Vec<Role> {
        Role::ALL
            .iter()
            .copied()
            .filter(|r| {
                self.grants
                    .iter()
                    .any(|g| manages_accounts(g.role) && outranks(g.role, *r))
            })
            .collect()
    }

    /// Whether [`Action::RegisterKim`] holds for some village: the registration form makes
    /// sense for this actor (where, is checked on submit). The same rule, without a village.
    pub fn may_register_somewhere(&self) -> bool {
        self.grants
            .iter()
            .any(|g| may_register_kims(g.role) && !g.territory.is_empty())
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn is_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role.is_admin())
    }

    /// Where this actor checks claims (the union of their fact-checker grants).
    pub fn fact_check_territory(&self) -> ScopeRegions {
        ScopeRegions::union(
            self.grants
                .iter()
                .filter(|g| g.role == Role::FactChecker)
                .map(|g| g.territory.clone()),
        )
    }

    /// The territory this actor oversees as an administrator: what lists and the audit log are
    /// filtered to.
    pub fn oversight(&self) -> ScopeRegions {
        ScopeRegions::union(
            self.grants
                .iter()
                .filter(|g| g.role.is_admin())
                .map(|g| g.territory.clone()),
        )
    }

    pub fn can(&self, action: Action<'_>) -> bool {
        match action {
            Action::UseAccount => true,
            Action::Oversee => self.is_admin(),
            Action::ManageAccount { role, territory } => self.grants.iter().any(|g| {
                manages_accounts(g.role)
                    && role.is_none_or(|r| outranks(g.role, r))
                    && g.territory.contains(territory)
                    && (role.is_some() || !territory.is_empty() || g.role == Role::NationalAdmin)
            }),
            Action::GrantRole { role, territory } => self.grants.iter().any(|g| {
                manages_accounts(g.role)
                    && outranks(g.role, role)
                    && g.territory.contains(territory)
            }),
            Action::ManageGroups { province } => self.grants.iter().any(|g| {
                matches!(g.role, Role::NationalAdmin | Role::ProvincialAdmin)
                    && g.territory.contains_region(province)
            }),
            Action::ReadOutbox => self
                .grants
                .iter()
                .any(|g| matches!(g.role, Role::NationalAdmin | Role::ProvincialAdmin)),
            Action::RegisterKim { village } => self
                .grants
                .iter()
                .any(|g| may_register_kims(g.role) && g.territory.contains_region(village)),
            Action::EditKim { kim_id, village } => self.grants.iter().any(|g| {
                kim_role(g, &[Role::KimOfficer], kim_id)
                    || (manages_accounts(g.role) && g.territory.contains_region(village))
            }),
            Action::VerifyKim { village } => self
                .grants
                .iter()
                .any(|g| manages_accounts(g.role) && g.territory.contains_region(village)),
            Action::ViewKimPrivate { kim_id, village } => self.grants.iter().any(|g| {
                kim_role(g, &[Role::KimOfficer], kim_id)
                    || (g.role.is_admin() && g.territory.contains_region(village))
            }),
            Action::ManageRegistry { territory } => self
                .grants
                .iter()
                .any(|g| manages_accounts(g.role) && g.territory.contains(territory)),
            Action::ReadDeliveries => self.grants.iter().any(|g| manages_accounts(g.role)),
            Action::OperateJobs => self
                .grants
                .iter()
                .any(|g| matches!(g.role, Role::NationalAdmin | Role::ProvincialAdmin)),
            Action::ManageGateway { region } => self
                .grants
                .iter()
                .any(|g| manages_accounts(g.role) && g.territory.contains_region(region)),
            Action::CheckClaim { region } => self.grants.iter().any(|g| {
                g.role == Role::FactChecker && region.is_none_or(|r| g.territory.contains_region(r))
            }),
            Action::ViewHoaxTrends => self
                .grants
                .iter()
                .any(|g| g.role.is_admin() || g.role == Role::FactChecker),
            Action::ConfigureHoax { region } => self
                .grants
                .iter()
                .any(|g| manages_accounts(g.role) && g.territory.contains_region(region)),
            // Emergency alerts.
            Action::ComposeAlert { region } => self.grants.iter().any(|g| {
                (manages_accounts(g.role) || g.role == Role::PartnerStaff)
                    && region.map_or(g.territory == ScopeRegions::All, |r| {
                        g.territory.contains_region(r)
                    })
            }),
            Action::ApproveAlert { region } => self.grants.iter().any(|g| {
                manages_accounts(g.role)
                    && region.map_or(g.territory == ScopeRegions::All, |r| {
                        g.territory.contains_region(r)
                    })
            }),
            Action::WatchAlert { region } => self.grants.iter().any(|g| {
                (g.role.is_admin() || g.role == Role::PartnerStaff)
                    && region.is_none_or(|r| g.territory.contains_region(r))
            }),
            Action::AnswerAlert { kim_id } => self
                .grants
                .iter()
                .any(|g| kim_role(g, &[Role::KimOfficer], kim_id)),
            Action::ManageAlertFeeds => self
                .grants
                .iter()
                .any(|g| matches!(g.role, Role::NationalAdmin | Role::ProvincialAdmin)),
            // Dissemination: partners and offices write, the owning office publishes.
            Action::ComposePackage { region } => self.grants.iter().any(|g| {
                (manages_accounts(g.role) || g.role == Role::PartnerStaff)
                    && in_territory(g, region)
            }),
            Action::PublishPackage { region } => self
                .grants
                .iter()
                .any(|g| manages_accounts(g.role) && in_territory(g, region)),
            Action::WatchReach { region } => self.grants.iter().any(|g| {
                (g.role.is_admin() || g.role == Role::PartnerStaff) && in_territory(g, region)
            }),
            Action::ReportDissemination { kim_id } => self
                .grants
                .iter()
                .any(|g| kim_role(g, &[Role::KimOfficer], kim_id)),
            // Planners: the province, Bakorwil (coordinators), kabupaten/kota and partners.
            Action::PlanProgram { region } => self.grants.iter().any(|g| {
                (g.role.is_admin() || g.role == Role::PartnerStaff) && in_territory(g, region)
            }),
            Action::ViewPrograms => self
                .grants
                .iter()
                .any(|g| g.role.is_admin() || g.role == Role::PartnerStaff),
            Action::OrganiseEvent { region } => self
                .grants
                .iter()
                .any(|g| manages_accounts(g.role) && g.territory.contains_region(region)),
            Action::WritePost { kim_id } => self
                .grants
                .iter()
                .any(|g| kim_role(g, &[Role::KimOfficer, Role::KimMember], kim_id)),
            Action::SharePost { kim_id } => self
                .grants
                .iter()
                .any(|g| kim_role(g, &[Role::KimOfficer], kim_id)),
            Action::ReviewPost { village } => self
                .grants
                .iter()
                .any(|g| manages_accounts(g.role) && g.territory.contains_region(village)),
            Action::HandleAspiration { office } => self
                .grants
                .iter()
                .any(|g| g.role.is_admin() && g.territory.contains_region(office)),
            Action::RouteAspirations => self
                .grants
                .iter()
                .any(|g| matches!(g.role, Role::NationalAdmin | Role::ProvincialAdmin)),
            Action::DefineIndex { province } => self.grants.iter().any(|g| {
                matches!(g.role, Role::NationalAdmin | Role::ProvincialAdmin)
                    && g.territory.contains_region(province)
            }),
            Action::AddLocalIndicators { regency }
            | Action::ManageAgreements { region: regency } => self
                .grants
                .iter()
                .any(|g| manages_accounts(g.role) && g.territory.contains_region(regency)),
            Action::ViewRankings { region } => self
                .grants
                .iter()
                .any(|g| g.role.is_admin() && g.territory.contains_region(region)),
            Action::ViewKimScore { kim_id, village } => self.grants.iter().any(|g| {
                kim_role(g, &[Role::KimOfficer, Role::KimMember], kim_id)
                    || (g.role.is_admin() && g.territory.contains_region(village))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn regions(codes: &[&str]) -> ScopeRegions {
        ScopeRegions::Regions(codes.iter().map(|c| code(c)).collect())
    }

    fn actor(role: Role, territory: ScopeRegions) -> Actor {
        let scope = match &territory {
            ScopeRegions::All => Scope::National,
            ScopeRegions::Regions(r) => Scope::Region(r[0].clone()),
        };
        Actor {
            user_id: 1,
            username: "t".into(),
            grants: vec![Grant {
                role,
                scope,
                territory,
            }],
        }
    }

    #[test]
    fn regency_admin_grants_below_itself_inside_its_regency_only() {
        let pasuruan = actor(Role::RegencyAdmin, regions(&["35.14"]));
        let prigen = regions(&["35.14.10"]);
        let surabaya = regions(&["35.78"]);
        assert!(pasuruan.can(Action::GrantRole {
            role: Role::KimOfficer,
            territory: &prigen
        }));
        assert!(!pasuruan.can(Action::GrantRole {
            role: Role::KimOfficer,
            territory: &surabaya
        }));
        assert!(!pasuruan.can(Action::GrantRole {
            role: Role::RegencyAdmin,
            territory: &prigen
        }));
        assert!(!pasuruan.can(Action::GrantRole {
            role: Role::ProvincialAdmin,
            territory: &regions(&["35"])
        }));
    }

    #[test]
    fn provincial_admin_covers_its_province_and_groups_inside_it() {
        let jatim = actor(Role::ProvincialAdmin, regions(&["35"]));
        let bakorwil = regions(&["35.14", "35.75", "35.07"]);
        assert!(jatim.can(Action::GrantRole {
            role: Role::Coordinator,
            territory: &bakorwil
        }));
        assert!(jatim.can(Action::ManageGroups {
            province: &code("35")
        }));
        assert!(!jatim.can(Action::ManageGroups {
            province: &code("33")
        }));
        assert!(!jatim.can(Action::GrantRole {
            role: Role::ProvincialAdmin,
            territory: &regions(&["35"])
        }));
        assert!(!jatim.can(Action::GrantRole {
            role: Role::RegencyAdmin,
            territory: &ScopeRegions::All
        }));
    }

    #[test]
    fn national_admin_may_do_everything_and_coordinators_only_oversee() {
        let nasional = actor(Role::NationalAdmin, ScopeRegions::All);
        assert!(nasional.can(Action::GrantRole {
            role: Role::NationalAdmin,
            territory: &ScopeRegions::All
        }));
        assert!(nasional.can(Action::ReadOutbox));
        let bakorwil = actor(Role::Coordinator, regions(&["35.14", "35.75"]));
        assert!(bakorwil.can(Action::Oversee));
        assert!(!bakorwil.can(Action::GrantRole {
            role: Role::KimMember,
            territory: &regions(&["35.14"])
        }));
        assert!(!bakorwil.can(Action::ReadOutbox));
        assert!(nasional.can(Action::OperateJobs));
        assert!(!bakorwil.can(Action::OperateJobs));
        assert!(!bakorwil.can(Action::ReadDeliveries));
        let member = actor(Role::KimMember, regions(&["35.14.10.2001"]));
        assert!(member.can(Action::UseAccount));
        assert!(!member.can(Action::Oversee));
        assert_eq!(member.oversight(), ScopeRegions::none());
    }

    #[test]
    fn managing_an_account_needs_to_cover_all_its_grants() {
        let pasuruan = actor(Role::RegencyAdmin, regions(&["35.14"]));
        let officer_in_prigen = regions(&["35.14.10"]);
        let spans_two = regions(&["35.14.10", "35.78"]);
        assert!(pasuruan.can(Action::ManageAccount {
            role: Some(Role::KimOfficer),
            territory: &officer_in_prigen
        }));
        assert!(!pasuruan.can(Action::ManageAccount {
            role: Some(Role::KimOfficer),
            territory: &spans_two
        }));
        assert!(!pasuruan.can(Action::ManageAccount {
            role: Some(Role::RegencyAdmin),
            territory: &regions(&["35.14"])
        }));
        // An account without any grant is only the national admins' business.
        assert!(!pasuruan.can(Action::ManageAccount {
            role: None,
            territory: &ScopeRegions::none()
        }));
        let nasional = actor(Role::NationalAdmin, ScopeRegions::All);
        assert!(nasional.can(Action::ManageAccount {
            role: None,
            territory: &ScopeRegions::none()
        }));
    }

    #[test]
    fn kim_officers_edit_their_own_kim_and_admins_verify_in_their_regency() {
        let village = code("35.14.10.2001");
        let officer = Actor {
            user_id: 9,
            username: "ketua".into(),
            grants: vec![Grant {
                role: Role::KimOfficer,
                scope: Scope::Kim(7),
                territory: regions(&["35.14.10.2001"]),
            }],
        };
        assert!(officer.can(Action::EditKim {
            kim_id: 7,
            village: &village
        }));
        assert!(!officer.can(Action::EditKim {
            kim_id: 8,
            village: &village
        }));
        assert!(!officer.can(Action::VerifyKim { village: &village }));
        assert!(officer.can(Action::ViewKimPrivate {
            kim_id: 7,
            village: &village
        }));
        let pasuruan = actor(Role::RegencyAdmin, regions(&["35.14"]));
        let surabaya = actor(Role::RegencyAdmin, regions(&["35.78"]));
        assert!(pasuruan.can(Action::VerifyKim { village: &village }));
        assert!(!surabaya.can(Action::VerifyKim { village: &village }));
        let bakorwil = actor(Role::Coordinator, regions(&["35.14"]));
        assert!(bakorwil.can(Action::ViewKimPrivate {
            kim_id: 7,
            village: &village
        }));
        assert!(!bakorwil.can(Action::VerifyKim { village: &village }));
        let member = Actor {
            user_id: 10,
            username: "m".into(),
            grants: vec![Grant {
                role: Role::KimMember,
                scope: Scope::Kim(7),
                territory: regions(&["35.14.10.2001"]),
            }],
        };
        assert!(!member.can(Action::ViewKimPrivate {
            kim_id: 7,
            village: &village
        }));
        assert!(!member.can(Action::RegisterKim { village: &village }));
        assert!(!member.may_register_somewhere());
        assert!(actor(Role::KimOfficer, regions(&["35.14.10.2001"])).may_register_somewhere());
        assert!(actor(Role::RegencyAdmin, regions(&["35.14"])).may_register_somewhere());
        assert!(!actor(Role::Coordinator, regions(&["35.14"])).may_register_somewhere());
        assert!(!actor(Role::PartnerStaff, ScopeRegions::All).may_register_somewhere());
    }

    #[test]
    fn alerts_are_composed_and_watched_in_scope_and_answered_by_the_kims_officers() {
        let pasuruan = code("35.14");
        let surabaya = code("35.78");
        let mitra = actor(Role::PartnerStaff, regions(&["35"]));
        assert!(mitra.can(Action::ComposeAlert {
            region: Some(&pasuruan)
        }));
        assert!(!mitra.can(Action::ApproveAlert {
            region: Some(&pasuruan)
        }));
        assert!(!mitra.can(Action::ComposeAlert { region: None }));
        let kab = actor(Role::RegencyAdmin, regions(&["35.14"]));
        assert!(kab.can(Action::ComposeAlert {
            region: Some(&pasuruan)
        }));
        assert!(!kab.can(Action::ComposeAlert {
            region: Some(&surabaya)
        }));
        assert!(kab.can(Action::WatchAlert {
            region: Some(&pasuruan)
        }));
        assert!(!kab.can(Action::WatchAlert {
            region: Some(&surabaya)
        }));
        let bakorwil = actor(Role::Coordinator, regions(&["35.14"]));
        assert!(bakorwil.can(Action::WatchAlert {
            region: Some(&pasuruan)
        }));
        assert!(!bakorwil.can(Action::ComposeAlert {
            region: Some(&pasuruan)
        }));
        let nasional = actor(Role::NationalAdmin, ScopeRegions::All);
        assert!(nasional.can(Action::ComposeAlert { region: None }));
        let officer = Actor {
            user_id: 9,
            username: "ketua".into(),
            grants: vec![Grant {
                role: Role::KimOfficer,
                scope: Scope::Kim(7),
                territory: regions(&["35.14.10.2001"]),
            }],
        };
        assert!(officer.can(Action::AnswerAlert { kim_id: 7 }));
        assert!(!officer.can(Action::AnswerAlert { kim_id: 8 }));
        assert!(!officer.can(Action::WatchAlert {
            region: Some(&pasuruan)
        }));
        assert!(!kab.can(Action::AnswerAlert { kim_id: 7 }));
    }

    #[test]
    fn union_drops_covered_regions() {
        let u = ScopeRegions::union([regions(&["35.14", "35"]), regions(&["35.78.01", "33"])]);
        assert_eq!(u, regions(&["33", "35"]));
        assert_eq!(
            ScopeRegions::union([regions(&["35"]), ScopeRegions::All]),
            ScopeRegions::All
        );
    }
}
