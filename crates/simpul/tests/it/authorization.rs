//! The authorization matrix: every protected route × every role × a target inside and outside
//! the role's scope, asserting allow or deny. Every new route must be added here; the test
//! also fails when the OpenAPI document lists a path the matrix does not cover.

use crate::common::{Engine, TestApp, PASSWORD};
use crate::on_both_engines;
use reqwest::{Method, StatusCode};
use serde_json::json;
use simpul_core::audit::AuditContext;
use simpul_core::{RegionCode, Role, Scope};
use std::collections::HashMap;

/// The demo accounts standing for each role, and anonymous.
const ACTORS: [(&str, Option<Role>); 9] = [
    ("anonymous", None),
    ("nasional", Some(Role::NationalAdmin)),
    ("kominfo.jatim", Some(Role::ProvincialAdmin)),
    ("bakorwil.malang", Some(Role::Coordinator)),
    ("kominfo.kab-pasuruan", Some(Role::RegencyAdmin)),
    ("mitra.bmkg", Some(Role::PartnerStaff)),
    ("cekfakta.jatim", Some(Role::FactChecker)),
    ("kim.prigen.ketua", Some(Role::KimOfficer)),
    ("kim.prigen.anggota", Some(Role::KimMember)),
];

#[derive(Clone, Copy, PartialEq)]
enum Rule {
    /// Any signed-in account.
    Account,
    /// Administrators (national, provincial, coordinator, regency) overseeing the target.
    Oversee,
    /// Account managers (national, provincial, regency) covering the target.
    Manage,
    /// National and provincial admins covering the target's province.
    Province,
    /// Account managers (national, provincial, regency), wherever (unscoped pages).
    Managers,
    /// Registering a KIM: account managers and KIM officers covering the village.
    RegisterKim,
    /// A KIM's profile: the in-scope KIM is published (everyone); the other is not.
    KimView,
    /// Editing a KIM: its own officers and account managers of its region.
    EditKim,
    /// A KIM's members: its own officers and administrators (incl. coordinators) of its region.
    KimPrivate,
    /// A background job: only the account that started it (the in-scope job is
    /// kominfo.kab-pasuruan's, the other a Semarang account's).
    JobOwner,
    /// Everyone, signed in or not (public pages that used to be staff-only).
    Anyone,
    // Emergency alerts (the in-scope alert is the demo's province-wide earthquake, the other
    // one a Semarang alert).
    /// Composing: national, provincial, kabupaten/kota admins and partner staff, in scope.
    AlertComposers,
    /// Changing a province-wide alert: national and provincial admins and partner staff.
    AlertProvince,
    /// The board: administrators (incl. coordinators) and partner staff of the alert's area.
    AlertWatch,
    /// The alert's page: its watchers and the people of the KIMs it reaches.
    AlertPage,
    /// Answering: the officers of a KIM it reaches.
    AlertAnswer,
    /// Fact-checkers covering the claim's region (hoax clearing house).
    FactCheck,
    /// Hoax trends: administrators and fact-checkers.
    HoaxTrends,
    // Dissemination (the in-scope package is owned by Kabupaten Pasuruan and aimed at the
    // Prigen KIM; the other by Kota Semarang, aimed at the Semarang KIM).
    /// Writing packages: account managers and partner staff covering the owning office.
    DissemCompose,
    /// A package's attachment or report photo: its office's watchers and the targeted KIM's
    /// officers.
    DissemFile,
    /// Unscoped staff pages (package lists, reach, the program calendar): administrators
    /// (incl. coordinators) and partner staff.
    Planners,
    /// A KIM officer, wherever.
    Officer,
    // Capacity building (the in-scope event is organised by Kabupaten Pasuruan and open to
    // everyone; the other by Kota Semarang, open to Semarang only).
    /// An event's page: everyone it is open to, and its organisers.
    EventPage,
    /// What belongs to a registration (ticket, evaluation, certificate): none of the actors
    /// is registered, so nobody.
    Registered,
    /// Cancelling one's own registration: everyone registered earlier in the run (the event
    /// inside is open to all); nobody for the other.
    SelfRegistered,
    /// Registering others for an event open to them: KIM officers (their KIM's members) and
    /// the provincial and kabupaten/kota offices (their staff).
    RegisterOthers,
    // Village voices (the in-scope posts belong to the Prigen KIM, the others to the Semarang
    // KIM; the in-scope aspiration is routed to Kabupaten Pasuruan, the other to Kota Semarang).
    /// Writing posts: the officers and members of a KIM (the demo ones belong to Prigen's).
    PortalWriter,
    /// Re-sharing to a KIM's page: its officers.
    PortalSharer,
    /// Correcting a post of a KIM, or adding photos to it: that KIM's officers and members.
    PostWriter,
    // Partnership governance (the in-scope index is East Java's, the KIM Prigen's; the other
    // Central Java's and the Semarang KIM).
    /// A KIM's score: its officers and members, and administrators of its region.
    KimScore,
    /// An award's juror: `mitra.bmkg` judges the in-scope award; nobody the other.
    AwardJuror,
}

fn allowed(rule: Rule, role: Option<Role>, in_scope: bool) -> bool {
    if rule == Rule::Anyone {
        return true;
    }
    if rule == Rule::KimView {
        return in_scope || role == Some(Role::NationalAdmin);
    }
    let Some(role) = role else { return false };
    let national = role == Role::NationalAdmin;
    match rule {
        Rule::Account | Rule::Anyone => true,
        Rule::Oversee => role.is_admin() && (in_scope || national),
        Rule::Manage => {
            matches!(
                role,
                Role::NationalAdmin | Role::ProvincialAdmin | Role::RegencyAdmin
            ) && (in_scope || national)
        }
        Rule::Province => {
            matches!(role, Role::NationalAdmin | Role::ProvincialAdmin) && (in_scope || national)
        }
        Rule::Managers => matches!(
            role,
            Role::NationalAdmin | Role::ProvincialAdmin | Role::RegencyAdmin
        ),
        Rule::RegisterKim | Rule::EditKim => {
            matches!(
                role,
                Role::NationalAdmin | Role::ProvincialAdmin | Role::RegencyAdmin | Role::KimOfficer
            ) && (in_scope || national)
        }
        Rule::KimPrivate => (role.is_admin() || role == Role::KimOfficer) && (in_scope || national),
        Rule::JobOwner => role == Role::RegencyAdmin && in_scope,
        Rule::FactCheck => role == Role::FactChecker && in_scope,
        Rule::HoaxTrends => role.is_admin() || role == Role::FactChecker,
        Rule::KimView => unreachable!("decided above"),
        Rule::AlertComposers => {
            matches!(
                role,
                Role::NationalAdmin
                    | Role::ProvincialAdmin
                    | Role::RegencyAdmin
                    | Role::PartnerStaff
            ) && (in_scope || national)
        }
        Rule::AlertProvince => {
            matches!(
                role,
                Role::NationalAdmin | Role::ProvincialAdmin | Role::PartnerStaff
            ) && (in_scope || national)
        }
        Rule::AlertWatch => {
            (role.is_admin() || role == Role::PartnerStaff) && (in_scope || national)
        }
        Rule::AlertPage => {
            (role.is_admin()
                || matches!(
                    role,
                    Role::PartnerStaff | Role::KimOfficer | Role::KimMember
                ))
                && (in_scope || national)
        }
        Rule::AlertAnswer => role == Role::KimOfficer && in_scope,
        Rule::EventPage => in_scope || national,
        Rule::Registered => false,
        Rule::SelfRegistered => in_scope,
        Rule::RegisterOthers => {
            matches!(
                role,
                Role::ProvincialAdmin | Role::RegencyAdmin | Role::KimOfficer
            ) && in_scope
        }
        Rule::DissemCompose => {
            matches!(
                role,
                Role::NationalAdmin
                    | Role::ProvincialAdmin
                    | Role::RegencyAdmin
                    | Role::PartnerStaff
            ) && (in_scope || national)
        }
        Rule::DissemFile => {
            (role.is_admin() || matches!(role, Role::PartnerStaff | Role::KimOfficer))
                && (in_scope || national)
        }
        Rule::Planners => role.is_admin() || role == Role::PartnerStaff,
        Rule::Officer => role == Role::KimOfficer,
        Rule::PortalWriter => matches!(role, Role::KimOfficer | Role::KimMember),
        Rule::PortalSharer => role == Role::KimOfficer && in_scope,
        Rule::PostWriter => matches!(role, Role::KimOfficer | Role::KimMember) && in_scope,
        Rule::AwardJuror => role == Role::PartnerStaff && in_scope,
        Rule::KimScore => {
            (role.is_admin() || matches!(role, Role::KimOfficer | Role::KimMember))
                && (in_scope || national)
        }
    }
}

struct Case {
    method: Method,
    /// `{user}`, `{grant}`, `{group}` are filled with the in-scope or out-of-scope target.
    path: &'static str,
    body: Option<serde_json::Value>,
    rule: Rule,
    /// Whether the case has a distinct out-of-scope variant.
    scoped: bool,
}

fn case(
    method: Method,
    path: &'static str,
    rule: Rule,
    scoped: bool,
    body: Option<serde_json::Value>,
) -> Case {
    Case {
        method,
        path,
        body,
        rule,
        scoped,
    }
}

fn cases() -> Vec<Case> {
    use Method as M;
    use Rule::*;
    let form = |pairs: &[(&str, &str)]| {
        Some(json!(pairs
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect::<serde_json::Map<_, _>>()))
    };
    let new_user = json!({"username": "{new}", "display_name": "Warga", "password": "sangat-rahasia-123", "role": "kim_member", "scope_kind": "region", "scope_ref": "{region}"});
    let grant = json!({"role": "kim_member", "scope_kind": "region", "scope_ref": "{region}"});
    let group = json!({"province": "{province}", "name": "{groupname}", "members": ["{regency}"]});
    // A browser's key (any valid P-256 point will do).
    let push_key = simpul_delivery::push::VapidKeys::generate().public_key();
    vec![
        // Pages
        case(M::GET, "/dashboard", Account, false, None),
        case(M::GET, "/account/tokens", Account, false, None),
        case(M::GET, "/account/password", Account, false, None),
        case(
            M::POST,
            "/account/tokens",
            Account,
            false,
            form(&[("name", "matrix")]),
        ),
        case(M::GET, "/admin/users", Oversee, false, None),
        case(M::GET, "/admin/users/new", Oversee, false, None),
        case(
            M::POST,
            "/admin/users",
            Manage,
            true,
            Some(new_user.clone()),
        ),
        case(M::GET, "/admin/users/{user}", Oversee, true, None),
        case(
            M::POST,
            "/admin/users/{user}/grants",
            Manage,
            true,
            Some(grant.clone()),
        ),
        case(
            M::POST,
            "/admin/users/{user}/grants/{grant}/revoke",
            Manage,
            true,
            form(&[]),
        ),
        case(
            M::POST,
            "/admin/users/{user}/active",
            Manage,
            true,
            form(&[("active", "true")]),
        ),
        case(
            M::POST,
            "/admin/users/{user}/password",
            Manage,
            true,
            form(&[("password", "sangat-rahasia-123")]),
        ),
        case(M::GET, "/admin/groups", Oversee, false, None),
        case(
            M::GET,
            "/admin/groups/new?province={province}",
            Province,
            true,
            None,
        ),
        case(
            M::POST,
            "/admin/groups",
            Province,
            true,
            Some(group.clone()),
        ),
        case(M::GET, "/admin/groups/{group}", Oversee, true, None),
        case(
            M::POST,
            "/admin/groups/{group}",
            Province,
            true,
            Some(json!({"province": "{province}", "name": "{groupname}", "members": ["{member}"]})),
        ),
        case(
            M::POST,
            "/admin/groups/{group}/delete",
            Province,
            true,
            form(&[]),
        ),
        case(M::GET, "/admin/audit", Oversee, false, None),
        case(M::GET, "/admin/audit.csv", Oversee, false, None),
        case(M::GET, "/admin/outbox", Province, false, None),
        case(M::GET, "/admin/jobs", Province, false, None),
        case(M::GET, "/admin/deliveries", Managers, false, None),
        case(M::GET, "/admin/gateways", Managers, false, None),
        case(M::GET, "/account/notifications", Account, false, None),
        case(M::GET, "/live", Account, false, None),
        case(
            M::POST,
            "/account/notifications",
            Account,
            false,
            form(&[("alert", "email")]),
        ),
        case(
            M::POST,
            "/account/notifications/test",
            Account,
            false,
            form(&[]),
        ),
        case(
            M::POST,
            "/account/notifications/contact",
            Account,
            false,
            form(&[("email", "warga@desa.test"), ("phone", "081234567890")]),
        ),
        case(
            M::POST,
            "/account/notifications/read",
            Account,
            false,
            form(&[]),
        ),
        case(
            M::POST,
            "/account/push-subscriptions",
            Account,
            false,
            form(&[
                ("endpoint", "https://push.example.com/send/abc"),
                ("p256dh", push_key.as_str()),
                ("auth", "AAECAwQFBgcICQoLDA0ODw"),
            ]),
        ),
        case(
            M::POST,
            "/admin/gateways",
            Managers,
            false,
            form(&[
                ("region", "35.14"),
                ("url", "https://relay.example.id/hook"),
            ]),
        ),
        // A finished job cannot be run again (409, allowed); others are refused.
        case(
            M::POST,
            "/admin/jobs/{job}/retry",
            Province,
            false,
            form(&[]),
        ),
        // API
        case(M::GET, "/api/v1/me", Account, false, None),
        case(M::GET, "/api/v1/auth/tokens", Account, false, None),
        case(M::GET, "/api/v1/users", Oversee, false, None),
        case(M::POST, "/api/v1/users", Manage, true, Some(new_user)),
        case(M::GET, "/api/v1/users/{user}", Oversee, true, None),
        case(
            M::POST,
            "/api/v1/users/{user}/grants",
            Manage,
            true,
            Some(grant),
        ),
        case(
            M::DELETE,
            "/api/v1/users/{user}/grants/{grant2}",
            Manage,
            true,
            None,
        ),
        case(
            M::PUT,
            "/api/v1/users/{user}/active",
            Manage,
            true,
            Some(json!({"active": true})),
        ),
        case(
            M::PUT,
            "/api/v1/users/{user}/password",
            Manage,
            true,
            Some(json!({"password": "sangat-rahasia-123"})),
        ),
        case(M::GET, "/api/v1/groups", Oversee, false, None),
        case(M::POST, "/api/v1/groups", Province, true, Some(group)),
        case(M::GET, "/api/v1/groups/{group}", Oversee, true, None),
        case(
            M::PUT,
            "/api/v1/groups/{group}",
            Province,
            true,
            Some(json!({"province": "{province}", "name": "{groupname}", "members": ["{member}"]})),
        ),
        case(M::DELETE, "/api/v1/groups/{group}", Province, true, None),
        case(M::GET, "/api/v1/audit", Oversee, false, None),
        // KIM registry: pages
        case(M::GET, "/kim/new", RegisterKim, false, None),
        case(
            M::POST,
            "/kim",
            RegisterKim,
            true,
            form(&[("name", "KIM Uji Matriks"), ("village", "{kimvillage}")]),
        ),
        case(M::GET, "/kim/{kim}", KimView, true, None),
        case(M::GET, "/kim/{kim}/edit", EditKim, true, None),
        case(
            M::POST,
            "/kim/{kim}",
            EditKim,
            true,
            form(&[("name", "{kimname}"), ("village", "{kimvillage}")]),
        ),
        case(
            M::POST,
            "/kim/{kim}/transition",
            EditKim,
            true,
            form(&[("action", "submit")]),
        ),
        case(M::POST, "/kim/{kim}/files", EditKim, true, None),
        case(M::GET, "/kim/{kim}/members", KimPrivate, true, None),
        case(
            M::POST,
            "/kim/{kim}/members",
            EditKim,
            true,
            form(&[("name", "Anggota Baru"), ("role", "anggota")]),
        ),
        case(
            M::GET,
            "/kim/{kim}/members/{kimmember}",
            EditKim,
            true,
            None,
        ),
        case(
            M::POST,
            "/kim/{kim}/members/{kimmember}",
            EditKim,
            true,
            form(&[("name", "Nama Diubah"), ("role", "anggota")]),
        ),
        case(
            M::GET,
            "/kim/{kim}/members/{kimmember}/export",
            EditKim,
            true,
            None,
        ),
        case(
            M::POST,
            "/kim/{kim}/members/{kimmember}/invite",
            EditKim,
            true,
            form(&[]),
        ),
        // The target member has no account: an allowed caller hears 409.
        case(
            M::POST,
            "/kim/{kim}/members/{kimmember}/approve-officer",
            Manage,
            true,
            form(&[]),
        ),
        case(
            M::POST,
            "/kim/{kim}/members/{kimmember}/delete",
            EditKim,
            true,
            form(&[("reason", "matrix")]),
        ),
        // Coverage statistics are public (published counts); staff see every status.
        case(M::GET, "/kim/stats?region={kimregency}", Anyone, true, None),
        case(M::GET, "/kim/map.geojson", Anyone, false, None),
        case(M::GET, "/kim/import", Managers, false, None),
        case(M::GET, "/kim/import/jobs/{job}", JobOwner, true, None),
        case(
            M::POST,
            "/kim/import/jobs/{job}/columns",
            JobOwner,
            true,
            form(&[("col_0", "nama_kim")]),
        ),
        case(M::GET, "/kim/export.csv", Oversee, false, None),
        // KIM registry: API
        case(
            M::POST,
            "/api/v1/kims",
            RegisterKim,
            true,
            Some(json!({"name": "KIM Uji API", "village": "{kimvillage}"})),
        ),
        case(M::GET, "/api/v1/kims/{kim}", KimView, true, None),
        case(
            M::PUT,
            "/api/v1/kims/{kim}",
            EditKim,
            true,
            Some(json!({"name": "{kimname}", "village": "{kimvillage}"})),
        ),
        case(
            M::POST,
            "/api/v1/kims/{kim}/transitions",
            EditKim,
            true,
            Some(json!({"action": "submit"})),
        ),
        case(M::GET, "/api/v1/kims/{kim}/members", KimPrivate, true, None),
        case(
            M::POST,
            "/api/v1/kims/{kim}/members",
            EditKim,
            true,
            Some(json!({"name": "Anggota API", "role": "anggota"})),
        ),
        case(
            M::PUT,
            "/api/v1/kims/{kim}/members/{kimmember2}",
            EditKim,
            true,
            Some(json!({"name": "Nama API", "role": "anggota"})),
        ),
        case(
            M::GET,
            "/api/v1/kims/{kim}/members/{kimmember2}/export",
            EditKim,
            true,
            None,
        ),
        case(
            M::DELETE,
            "/api/v1/kims/{kim}/members/{kimmember2}",
            EditKim,
            true,
            None,
        ),
        case(
            M::GET,
            "/api/v1/kims/stats?region={kimregency}",
            Oversee,
            true,
            None,
        ),
        case(
            M::POST,
            "/api/v1/kims/import",
            Managers,
            false,
            Some(json!("nama_kim,kode_desa\nKIM Uji Impor,{kimvillage}\n")),
        ),
        case(M::GET, "/api/v1/jobs/{job}", JobOwner, true, None),
        // Emergency alerts
        case(M::GET, "/alerts", Account, false, None),
        case(M::GET, "/alerts/new", AlertComposers, false, None),
        case(
            M::POST,
            "/alerts/new",
            AlertComposers,
            true,
            form(&[
                ("hazard", "flood"),
                ("severity", "moderate"),
                ("urgency", "expected"),
                ("certainty", "likely"),
                ("headline", "Matriks"),
                ("instruction", "Waspada."),
                ("regions", "{kimregency}"),
                ("action", "preview"),
            ]),
        ),
        case(M::GET, "/alerts/{alert}", AlertPage, true, None),
        case(M::GET, "/alerts/{alert}/board", AlertWatch, true, None),
        case(M::GET, "/alerts/{alert}/board.csv", AlertWatch, true, None),
        case(M::GET, "/alerts/{alert}/board.xlsx", AlertWatch, true, None),
        case(
            M::GET,
            "/alerts/{alert}/board.geojson",
            AlertWatch,
            true,
            None,
        ),
        case(M::GET, "/alerts/{alert}/live", AlertWatch, true, None),
        case(
            M::GET,
            "/alerts/{alert}/photos/{alertphoto}",
            AlertWatch,
            true,
            None,
        ),
        case(
            M::POST,
            "/alerts/{alert}/ack",
            AlertAnswer,
            true,
            form(&[("kind", "safe")]),
        ),
        case(M::POST, "/alerts/{alert}/reports", AlertAnswer, true, None),
        // The alert is not pending: an allowed approver hears 409.
        case(
            M::POST,
            "/alerts/{alert}/approve",
            Province,
            true,
            form(&[("decision", "approve")]),
        ),
        case(
            M::GET,
            "/alerts/{manualalert}/edit",
            AlertProvince,
            true,
            None,
        ),
        // A preview: the form comes back (200) for those allowed.
        case(
            M::POST,
            "/alerts/{manualalert}/edit",
            AlertProvince,
            true,
            form(&[
                ("hazard", "flood"),
                ("severity", "severe"),
                ("urgency", "immediate"),
                ("certainty", "observed"),
                ("headline", "Banjir matriks"),
                ("instruction", "Menjauh dari sungai."),
                ("regions", "35.14"),
                ("action", "preview"),
            ]),
        ),
        case(
            M::POST,
            "/alerts/{alert}/cancel",
            AlertProvince,
            true,
            form(&[]),
        ),
        case(M::GET, "/admin/alert-feeds", Province, false, None),
        case(
            M::POST,
            "/admin/alert-feeds",
            Province,
            false,
            form(&[
                ("name", "BMKG matriks"),
                ("kind", "bmkg"),
                ("url", "http://127.0.0.1:9/autogempa.json"),
                ("every_secs", "60"),
            ]),
        ),
        case(
            M::POST,
            "/admin/alert-feeds/approval",
            Province,
            true,
            form(&[("region", "{kimregency}"), ("requires", "1")]),
        ),
        case(M::GET, "/peringatan", Anyone, false, None),
        case(M::GET, "/peringatan/feed.atom", Anyone, false, None),
        case(M::GET, "/peringatan/{alert}", Anyone, true, None),
        // Hoax clearing house: pages (the public form is posted as multipart, below) ...
        case(M::POST, "/hoax", Anyone, false, None),
        case(M::GET, "/hoax/clarifications", Anyone, false, None),
        case(M::GET, "/hoax/mine", Account, false, None),
        case(M::GET, "/hoax/queue", FactCheck, false, None),
        case(M::GET, "/hoax/trends", HoaxTrends, false, None),
        case(
            M::POST,
            "/hoax/settings",
            Province,
            true,
            form(&[("region", "{province}"), ("second_review", "")]),
        ),
        case(M::GET, "/hoax/claims/{claim}", FactCheck, true, None),
        case(M::GET, "/hoax/images/{hoaximage}", FactCheck, true, None),
        case(
            M::POST,
            "/hoax/claims/{claim}/take",
            FactCheck,
            true,
            form(&[]),
        ),
        case(
            M::POST,
            "/hoax/claims/{claim}/notes",
            FactCheck,
            true,
            form(&[("body", "matriks")]),
        ),
        case(
            M::POST,
            "/hoax/claims/{claim}/verdict",
            FactCheck,
            true,
            form(&[
                ("label", "hoaks"),
                ("summary", "Ringkasan."),
                ("explanation", "Penjelasan."),
            ]),
        ),
        case(
            M::POST,
            "/hoax/claims/{claim}/review",
            FactCheck,
            true,
            form(&[("decision", "approve")]),
        ),
        case(
            M::POST,
            "/hoax/claims/{claim}/reopen",
            FactCheck,
            true,
            form(&[]),
        ),
        // ... and API (an allowed step the claim's state refuses answers 409: still allowed).
        case(
            M::POST,
            "/api/v1/hoax/reports",
            Account,
            false,
            Some(json!({"text": "matriks: pesan berantai tentang arisan"})),
        ),
        case(M::GET, "/api/v1/hoax/claims", FactCheck, false, None),
        case(M::GET, "/api/v1/hoax/claims/{claim}", FactCheck, true, None),
        case(
            M::POST,
            "/api/v1/hoax/claims/{claim}/take",
            FactCheck,
            true,
            None,
        ),
        case(
            M::POST,
            "/api/v1/hoax/claims/{claim}/verdict",
            FactCheck,
            true,
            Some(json!({"label": "hoaks", "summary": "Ringkasan.", "explanation": "Penjelasan."})),
        ),
        case(
            M::POST,
            "/api/v1/hoax/claims/{claim}/review",
            FactCheck,
            true,
            Some(json!({"approve": true})),
        ),
        case(
            M::POST,
            "/api/v1/hoax/claims/{claim}/merge",
            FactCheck,
            true,
            Some(json!({"into": "{claim2}"})),
        ),
        case(
            M::POST,
            "/hoax/claims/{claim}/merge",
            FactCheck,
            true,
            form(&[("into", "{claim2}")]),
        ),
        // Fact-check archives: any verifier imports into their own region; the export is public.
        case(M::GET, "/hoax/import", FactCheck, false, None),
        case(
            M::POST,
            "/hoax/import",
            FactCheck,
            false,
            Some(matrix_review("halaman")),
        ),
        case(
            M::POST,
            "/api/v1/hoax/claimreview",
            FactCheck,
            false,
            Some(matrix_review("api")),
        ),
        // After an allowed merge above, the claim's state refuses a split (409: still allowed).
        case(
            M::POST,
            "/api/v1/hoax/claims/{claim}/split",
            FactCheck,
            true,
            Some(json!({"reports": ["{claimreport}"]})),
        ),
        case(
            M::POST,
            "/hoax/claims/{claim}/split",
            FactCheck,
            true,
            form(&[("report", "{claimreport}")]),
        ),
        // Dissemination: pages ...
        case(M::GET, "/dissem", Account, false, None),
        case(M::GET, "/dissem/new", DissemCompose, false, None),
        case(
            M::POST,
            "/dissem/new",
            DissemCompose,
            true,
            form(&[
                ("title", "Matriks"),
                ("topic", "health"),
                ("office", "{kimregency}"),
                ("key_messages", "Pesan."),
                ("targets", "region:{kimregency}"),
                ("starts_on", "{today}"),
                ("ends_on", "{today}"),
            ]),
        ),
        case(M::GET, "/dissem/reach", Planners, false, None),
        case(
            M::GET,
            "/dissem/reach/export?format=xlsx",
            Planners,
            false,
            None,
        ),
        case(
            M::GET,
            "/dissem/reach/map.geojson?package={package}",
            AlertWatch,
            true,
            None,
        ),
        case(M::GET, "/dissem/{package}", AlertWatch, true, None),
        case(M::GET, "/dissem/{package}/edit", Manage, true, None),
        case(
            M::POST,
            "/dissem/{package}/edit",
            Manage,
            true,
            form(&[
                ("title", "Matriks diralat"),
                ("topic", "health"),
                ("office", "{kimregency}"),
                ("key_messages", "Pesan."),
                ("targets", "region:{kimregency}"),
                ("starts_on", "{today}"),
                ("ends_on", "{today}"),
                ("change_note", "Judul diralat"),
            ]),
        ),
        // Already published: an allowed publisher hears 409.
        case(
            M::POST,
            "/dissem/{package}/transition",
            Manage,
            true,
            form(&[("step", "publish")]),
        ),
        case(M::POST, "/dissem/{package}/attachments", Manage, true, None),
        case(
            M::POST,
            "/dissem/{package}/reports/{dreport}/review",
            Manage,
            true,
            form(&[("decision", "accept")]),
        ),
        case(
            M::GET,
            "/dissem/attachments/{dattachment}",
            DissemFile,
            true,
            None,
        ),
        case(M::GET, "/dissem/inbox/{package}", AlertAnswer, true, None),
        case(
            M::POST,
            "/dissem/inbox/{package}/report",
            AlertAnswer,
            true,
            None,
        ),
        case(
            M::GET,
            "/dissem/reports/{dreport}/photo",
            DissemFile,
            true,
            None,
        ),
        case(M::GET, "/dissem/kims/{kim}", KimPrivate, true, None),
        case(M::GET, "/programs", Planners, false, None),
        case(M::GET, "/programs/new", Planners, false, None),
        case(
            M::POST,
            "/programs/new",
            AlertWatch,
            true,
            form(&[
                ("theme", "Matriks"),
                ("topic", "health"),
                ("office", "{kimregency}"),
                ("regions", "{kimregency}"),
                ("starts_on", "{today}"),
                ("ends_on", "{today}"),
                ("channels", "kim"),
            ]),
        ),
        case(
            M::POST,
            "/programs/decisions",
            AlertWatch,
            true,
            form(&[
                ("a", "{program}"),
                ("b", "{program2}"),
                ("decision", "accept"),
            ]),
        ),
        case(M::GET, "/programs/export?format=csv", Planners, false, None),
        case(M::GET, "/programs/{program}", AlertWatch, true, None),
        case(
            M::POST,
            "/programs/{program}",
            AlertWatch,
            true,
            form(&[
                ("theme", "Matriks diubah"),
                ("topic", "health"),
                ("office", "{kimregency}"),
                ("regions", "{kimregency}"),
                ("starts_on", "{today}"),
                ("ends_on", "{today}"),
            ]),
        ),
        case(
            M::GET,
            "/programs/office/{kimregency}/calendar.ics",
            Anyone,
            false,
            None,
        ),
        case(
            M::GET,
            "/programs/region/{kimregency}/calendar.ics",
            Anyone,
            false,
            None,
        ),
        // ... and API.
        case(M::GET, "/api/v1/dissem/packages", Planners, false, None),
        case(
            M::POST,
            "/api/v1/dissem/packages",
            DissemCompose,
            true,
            Some(
                json!({"title": "Matriks", "topic": "health", "office": "{kimregency}",
                "key_messages": "Pesan.", "targets": ["region:{kimregency}"],
                "starts_on": "{today}", "ends_on": "{today}"}),
            ),
        ),
        case(
            M::GET,
            "/api/v1/dissem/packages/{package}",
            AlertWatch,
            true,
            None,
        ),
        case(
            M::PUT,
            "/api/v1/dissem/packages/{package}",
            Manage,
            true,
            Some(
                json!({"title": "Matriks diralat lewat API", "topic": "health", "office": "{kimregency}",
                "key_messages": "Pesan.", "targets": ["region:{kimregency}"],
                "starts_on": "{today}", "ends_on": "{today}", "change_note": "Judul diralat"}),
            ),
        ),
        case(
            M::POST,
            "/api/v1/dissem/packages/{package}/transitions",
            Manage,
            true,
            Some(json!({"step": "publish"})),
        ),
        case(
            M::POST,
            "/api/v1/dissem/packages/{package}/reports",
            AlertAnswer,
            true,
            Some(
                json!({"channel": "whatsapp", "reported_on": "{today}", "reach": 12,
                "link": "https://wa.me/matriks"}),
            ),
        ),
        case(M::GET, "/api/v1/dissem/inbox", Officer, false, None),
        case(M::GET, "/api/v1/dissem/reach", Planners, false, None),
        case(M::GET, "/api/v1/programs", Planners, false, None),
        case(
            M::POST,
            "/api/v1/programs",
            AlertWatch,
            true,
            Some(
                json!({"theme": "Matriks", "topic": "health", "office": "{kimregency}",
                "regions": ["{kimregency}"], "starts_on": "{today}", "ends_on": "{today}",
                "channels": ["kim"]}),
            ),
        ),
        case(
            M::POST,
            "/api/v1/programs/decisions",
            AlertWatch,
            true,
            Some(json!({"a": "{program}", "b": "{program2}", "decision": "move"})),
        ),
        case(M::GET, "/api/v1/programs/{program}", Planners, false, None),
        case(
            M::PUT,
            "/api/v1/programs/{program}",
            AlertWatch,
            true,
            Some(
                json!({"theme": "Matriks diubah", "topic": "health", "office": "{kimregency}",
                "regions": ["{kimregency}"], "starts_on": "{today}", "ends_on": "{today}"}),
            ),
        ),
        // Capacity building (issue 14).
        case(M::GET, "/events", Account, false, None),
        case(M::GET, "/events/new", Managers, false, None),
        case(
            M::POST,
            "/events",
            Manage,
            true,
            form(&[
                ("kind", "workshop"),
                ("title", "Lokakarya matriks"),
                ("description", "Uji"),
                ("venue", "Aula"),
                ("start_date", "2030-01-10"),
                ("start_time", "08:00"),
                ("end_time", "12:00"),
                ("capacity", "20"),
                ("region", "{region}"),
            ]),
        ),
        case(M::GET, "/events/{event}", EventPage, true, None),
        case(M::GET, "/events/{event}/ticket", Registered, true, None),
        case(
            M::GET,
            "/api/v1/events/{event}/ticket",
            Registered,
            true,
            None,
        ),
        case(
            M::POST,
            "/api/v1/events/{event}/evaluation",
            Registered,
            true,
            Some(json!({"entries": []})),
        ),
        case(
            M::GET,
            "/api/v1/events/{event}/certificate",
            Registered,
            true,
            None,
        ),
        case(M::GET, "/events/{event}/evaluation", Registered, true, None),
        case(
            M::POST,
            "/events/{event}/evaluation",
            Registered,
            true,
            form(&[("rating_{eventsession}", "5")]),
        ),
        case(
            M::GET,
            "/events/{event}/certificate.pdf",
            Registered,
            true,
            None,
        ),
        // Nobody is registered yet: what belongs to a registration is nobody's.
        case(
            M::POST,
            "/events/{event}/register",
            Account,
            false,
            form(&[]),
        ),
        case(M::GET, "/events/{event}/checkin", Manage, true, None),
        case(
            M::POST,
            "/events/{event}/checkin",
            Manage,
            true,
            form(&[("session", "{eventsession}"), ("code", "{eventcode}")]),
        ),
        case(
            M::POST,
            "/events/{event}/checkin/sync",
            Manage,
            true,
            form(&[("scans", "[]")]),
        ),
        case(M::GET, "/events/{event}/report", Manage, true, None),
        case(
            M::GET,
            "/events/{event}/participants.csv",
            Manage,
            true,
            None,
        ),
        case(
            M::GET,
            "/events/{event}/participants.xlsx",
            Manage,
            true,
            None,
        ),
        case(
            M::POST,
            "/events/{event}/materials",
            Manage,
            true,
            form(&[("title", "Paparan"), ("url", "https://example.org/a.pdf")]),
        ),
        case(M::GET, "/events/{event}/event.ics", Anyone, true, None),
        case(M::GET, "/sertifikat", Anyone, false, None),
        case(M::GET, "/sertifikat/{certificate}", Anyone, true, None),
        case(M::GET, "/api/v1/events", Account, false, None),
        case(
            M::POST,
            "/api/v1/events",
            Manage,
            true,
            Some(
                json!({"kind": "webinar", "title": "Webinar matriks", "description": "Uji", "online_url": "https://meet.example.org/x", "start_date": "2030-01-10", "start_time": "08:00", "end_time": "10:00", "capacity": "50", "region": "{region}"}),
            ),
        ),
        case(M::GET, "/api/v1/events/{event}", EventPage, true, None),
        case(
            M::POST,
            "/api/v1/events/{event}/registrations",
            Account,
            false,
            None,
        ),
        case(
            M::POST,
            "/api/v1/events/{event}/checkins",
            Manage,
            true,
            Some(json!({"scans": []})),
        ),
        case(M::GET, "/api/v1/events/{event}/report", Manage, true, None),
        case(
            M::GET,
            "/api/v1/events/{event}/participants",
            Manage,
            true,
            None,
        ),
        case(
            M::POST,
            "/api/v1/events/{event}/materials",
            Manage,
            true,
            Some(json!({"title": "Paparan", "url": "https://example.org/a.pdf"})),
        ),
        case(
            M::GET,
            "/api/v1/events/{event}/candidates",
            RegisterOthers,
            true,
            None,
        ),
        // Nobody named: past the authorization checks, refused for its content (422).
        case(
            M::POST,
            "/api/v1/events/{event}/participants",
            RegisterOthers,
            true,
            Some(json!({"user_ids": [], "seats_only": true})),
        ),
        case(M::GET, "/events/{event}/edit", Manage, true, None),
        case(
            M::GET,
            "/events/{event}/participants/new",
            RegisterOthers,
            true,
            None,
        ),
        // Nobody ticked: past the authorization checks, refused for its content (422).
        case(
            M::POST,
            "/events/{event}/participants",
            RegisterOthers,
            true,
            form(&[]),
        ),
        // After the check-in cases: it moves the event to 2030.
        case(
            M::POST,
            "/events/{event}/edit",
            Manage,
            true,
            form(&[
                ("kind", "workshop"),
                ("title", "Lokakarya matriks diubah"),
                ("description", "Uji"),
                ("venue", "Aula"),
                ("start_date", "2030-01-10"),
                ("start_time", "08:00"),
                ("end_time", "12:00"),
                ("capacity", "20"),
            ]),
        ),
        case(
            M::PUT,
            "/api/v1/events/{event}",
            Manage,
            true,
            Some(
                json!({"kind": "workshop", "title": "Lokakarya matriks lewat API", "description": "Uji", "venue": "Aula", "start_date": "2030-01-10", "start_time": "08:00", "end_time": "12:00", "capacity": "20"}),
            ),
        ),
        // Last: it cancels the target registration the check-in cases use.
        case(
            M::DELETE,
            "/api/v1/events/{event}/registrations/{eventreg}",
            Manage,
            true,
            None,
        ),
        // (The page's own cancel acts on the caller's registration only: events.rs tests it.)
        case(
            M::POST,
            "/events/{event}/cancel",
            SelfRegistered,
            true,
            form(&[]),
        ),
        // The very last: it cancels the whole event.
        case(
            M::POST,
            "/events/{event}/cancel-event",
            Manage,
            true,
            form(&[("reason", "Uji matriks")]),
        ),
        // After it: cancelling a cancelled event again changes nothing (204).
        case(
            M::POST,
            "/api/v1/events/{event}/cancellation",
            Manage,
            true,
            Some(json!({"reason": "Uji matriks lewat API"})),
        ),
        // Village voices (issue 15).
        case(M::GET, "/portal", Anyone, false, None),
        case(M::GET, "/portal/feed.atom", Anyone, false, None),
        case(M::GET, "/portal/posts/{post}", Anyone, true, None),
        case(M::GET, "/portal/photos/{portalphoto}", Anyone, true, None),
        case(M::GET, "/potensi", Anyone, false, None),
        case(M::GET, "/potensi/map", Anyone, false, None),
        case(M::GET, "/potensi/map.geojson", Anyone, false, None),
        case(M::GET, "/sitemap.xml", Anyone, false, None),
        case(M::GET, "/portal/posts/{post}/report", Anyone, true, None),
        case(
            M::POST,
            "/portal/posts/{post}/report",
            Anyone,
            true,
            form(&[("reason", "wrong"), ("detail", "matriks")]),
        ),
        case(M::GET, "/portal/new", PortalWriter, false, None),
        case(M::POST, "/portal/new", PortalWriter, false, None),
        case(M::GET, "/portal/mine", PortalWriter, false, None),
        case(
            M::GET,
            "/portal/posts/{sentbackpost}/edit",
            PostWriter,
            true,
            None,
        ),
        case(
            M::POST,
            "/portal/posts/{sentbackpost}/edit",
            PostWriter,
            true,
            None,
        ),
        case(M::GET, "/portal/review", Managers, false, None),
        case(
            M::POST,
            "/portal/trusted",
            Manage,
            true,
            form(&[("kim", "{kim}"), ("trusted", "1")]),
        ),
        case(
            M::POST,
            "/portal/posts/{pendingpost}/review",
            Manage,
            true,
            form(&[("decision", "publish")]),
        ),
        case(
            M::POST,
            "/portal/posts/{post}/hide",
            Manage,
            true,
            form(&[("reason", "matriks")]),
        ),
        case(
            M::POST,
            "/portal/posts/{post}/restore",
            Manage,
            true,
            form(&[("reason", "matriks")]),
        ),
        case(
            M::POST,
            "/portal/posts/{sharepost}/reshare",
            PortalSharer,
            true,
            form(&[("kim", "{kim}")]),
        ),
        case(M::GET, "/aspirasi", Anyone, false, None),
        case(M::POST, "/aspirasi", Anyone, false, None),
        case(M::GET, "/aspirasi/desa", Anyone, false, None),
        case(M::GET, "/aspirasi/lacak", Anyone, false, None),
        case(M::GET, "/aspirasi/lacak/{aspcode}", Anyone, true, None),
        case(M::GET, "/aspirations", Oversee, false, None),
        case(M::GET, "/aspirations/stats", Oversee, false, None),
        case(M::GET, "/aspirations/{aspiration}", Oversee, true, None),
        case(
            M::GET,
            "/aspirations/{aspiration}/photos/{aspphoto}",
            Oversee,
            true,
            None,
        ),
        case(
            M::POST,
            "/aspirations/{aspiration}/act",
            Oversee,
            true,
            form(&[("action", "answer"), ("note", "matriks")]),
        ),
        case(M::GET, "/admin/aspiration-routes", Province, false, None),
        case(
            M::POST,
            "/admin/aspiration-routes",
            Province,
            false,
            form(&[
                ("category", ""),
                ("region", "35.14"),
                ("office", "35.14"),
                ("target_days", "5"),
            ]),
        ),
        case(
            M::POST,
            "/admin/aspiration-routes/{aspiroute}/delete",
            Province,
            false,
            form(&[]),
        ),
        case(
            M::POST,
            "/api/v1/portal/posts",
            PortalWriter,
            false,
            Some(
                json!({"kim": "{kim}", "kind": "news", "category": "public", "title": "Matriks", "body": "Isi matriks."}),
            ),
        ),
        case(
            M::POST,
            "/api/v1/portal/posts/{pendingpost}/photos",
            PostWriter,
            true,
            None,
        ),
        case(
            M::POST,
            "/api/v1/portal/posts/{pendingpost}/review",
            Manage,
            true,
            Some(json!({"decision": "publish"})),
        ),
        case(M::GET, "/api/v1/aspirations", Oversee, false, None),
        case(
            M::POST,
            "/api/v1/aspirations/{aspiration}/act",
            Oversee,
            true,
            Some(json!({"action": "answer", "note": "matriks"})),
        ),
        // Partnership governance
        case(M::GET, "/governance", Account, false, None),
        case(M::GET, "/governance/indexes/new", Province, false, None),
        case(
            M::POST,
            "/governance/indexes",
            Province,
            true,
            form(&[
                ("title", "Indeks Matriks"),
                ("province", "{province}"),
                ("starts_on", "2032-01-01"),
                ("ends_on", "2032-12-31"),
                ("item_key", "dissem_reports"),
                ("item_weight", "100"),
            ]),
        ),
        case(
            M::GET,
            "/governance/indexes/{govindex}",
            Oversee,
            true,
            None,
        ),
        case(
            M::POST,
            "/governance/indexes/{govdraft}",
            Province,
            true,
            form(&[
                ("title", "Indeks Matriks"),
                ("starts_on", "2031-01-01"),
                ("ends_on", "2031-12-31"),
                ("item_key", "dissem_reach"),
                ("item_weight", "100"),
            ]),
        ),
        case(
            M::POST,
            "/governance/indexes/{govdraft}/publish",
            Province,
            true,
            form(&[]),
        ),
        case(
            M::POST,
            "/governance/indexes/{govindex}/compute",
            Province,
            true,
            form(&[]),
        ),
        case(
            M::POST,
            "/governance/indexes/{govindex}/local",
            Manage,
            true,
            form(&[
                ("regency", "{kimregency}"),
                ("item_key", "events_trainings"),
                ("item_weight", "5"),
            ]),
        ),
        case(M::GET, "/governance/kims/{kim}", KimScore, true, None),
        case(
            M::GET,
            "/governance/kims/{kim}/evidence/dissem_reports?index={govindex}",
            KimScore,
            true,
            None,
        ),
        case(
            M::POST,
            "/governance/kims/{kim}/coaching",
            Manage,
            true,
            form(&[("note", "Kunjungan matriks")]),
        ),
        case(
            M::GET,
            "/governance/rankings?index={govindex}&region={kimregency}",
            Oversee,
            true,
            None,
        ),
        case(
            M::GET,
            "/governance/rankings.csv?index={govindex}&region={kimregency}",
            Oversee,
            true,
            None,
        ),
        case(
            M::GET,
            "/governance/rankings.xlsx?index={govindex}&region={kimregency}",
            Oversee,
            true,
            None,
        ),
        case(
            M::GET,
            "/api/v1/governance/kims/{kim}/score?index={govindex}",
            KimScore,
            true,
            None,
        ),
        case(
            M::GET,
            "/api/v1/governance/rankings?index={govindex}&region={kimregency}",
            Oversee,
            true,
            None,
        ),
        // Tiered awards (the in-scope award is in the KIM's kabupaten/kota, the other in Kota
        // Semarang); publishing comes after scoring.
        case(M::GET, "/governance/awards", Account, false, None),
        case(M::GET, "/governance/awards/new", Managers, false, None),
        case(
            M::POST,
            "/governance/awards",
            Manage,
            true,
            form(&[
                ("title", "Lomba Matriks Baru"),
                ("level", "regency"),
                ("region", "{kimregency}"),
                ("categories", "KIM Terbaik"),
                ("rubric", "Diseminasi"),
                ("max_score", "100"),
            ]),
        ),
        // Overseeing administrators read an award (the audit log links to it); managers act on it.
        case(M::GET, "/governance/awards/{award}", Oversee, true, None),
        case(
            M::POST,
            "/governance/awards/{award}/nominate",
            Manage,
            true,
            form(&[("category", "KIM Terbaik"), ("kim", "{kim}")]),
        ),
        case(
            M::POST,
            "/governance/awards/{award}/nominate-top",
            Manage,
            true,
            form(&[("category", "KIM Terbaik")]),
        ),
        case(
            M::POST,
            "/governance/awards/{award}/jurors",
            Manage,
            true,
            form(&[("username", "mitra.bmkg")]),
        ),
        case(
            M::GET,
            "/governance/awards/{award}/score",
            AwardJuror,
            true,
            None,
        ),
        case(
            M::POST,
            "/governance/awards/nominations/{nomination}/score",
            AwardJuror,
            true,
            form(&[("score", "70"), ("no_conflict", "1"), ("note", "Matriks")]),
        ),
        case(
            M::POST,
            "/governance/awards/{award}/publish",
            Manage,
            true,
            form(&[]),
        ),
        // Partnership agreements (the in-scope one is the KIM's kabupaten/kota office's).
        case(M::GET, "/governance/agreements", Oversee, false, None),
        case(M::GET, "/governance/agreements/new", Managers, false, None),
        case(
            M::POST,
            "/governance/agreements",
            Manage,
            true,
            form(&[
                ("kind", "pks"),
                ("title", "PKS Matriks"),
                ("scope", "Diseminasi"),
                ("party", "Dinas Kominfo"),
                ("parties", "Mitra Matriks"),
                ("starts_on", "2030-01-01"),
                ("ends_on", "2031-12-31"),
                ("region", "{kimregency}"),
            ]),
        ),
        case(
            M::GET,
            "/governance/agreements/{agreement}",
            Oversee,
            true,
            None,
        ),
        case(
            M::POST,
            "/governance/agreements/{agreement}/obligations/{obligation}",
            Manage,
            true,
            form(&[("status", "in_progress"), ("note", "Matriks")]),
        ),
        case(
            M::POST,
            "/governance/agreements/{agreement}/documents",
            Manage,
            true,
            None,
        ),
        case(
            M::GET,
            "/governance/agreements/{agreement}/documents/{agreementfile}",
            Oversee,
            true,
            None,
        ),
        case(
            M::GET,
            "/api/v1/governance/agreements",
            Oversee,
            false,
            None,
        ),
        case(
            M::GET,
            "/api/v1/governance/agreements/{agreement}",
            Oversee,
            true,
            None,
        ),
        // The leadership report of the KIM's kabupaten/kota.
        case(
            M::GET,
            "/governance/reports?region={kimregency}&period=year",
            Oversee,
            true,
            None,
        ),
        case(
            M::GET,
            "/governance/reports.pdf?region={kimregency}&period=year",
            Oversee,
            true,
            None,
        ),
        case(
            M::GET,
            "/governance/reports.xlsx?region={kimregency}&period=year",
            Oversee,
            true,
            None,
        ),
        case(M::GET, "/penghargaan/{awardpub}", Anyone, true, None),
        case(
            M::GET,
            "/penghargaan/{awardpub}/sertifikat/{winner}",
            Anyone,
            true,
            None,
        ),
        // Last: changing one's password ends the caller's API token (the same password again).
        case(
            M::POST,
            "/account/password",
            Account,
            false,
            form(&[("current", PASSWORD), ("password", PASSWORD)]),
        ),
    ]
}

/// Public routes: open to everyone, listed so the coverage check knows them.
/// (Token revocation acts on the caller's own tokens only; tested in auth.rs.)
const PUBLIC_API: [&str; 13] = [
    "/api/v1/regions",
    "/api/v1/regions/{code}",
    "/api/v1/auth/token",
    "/healthz",
    "/api/v1/auth/tokens/{id}",
    "/api/v1/kims",
    "/api/v1/kims.geojson",
    "/api/v1/hoax/clarifications",
    "/api/v1/hoax/claimreview",
    // Authenticated by the office gateway's signature (hoax.rs tests it).
    "/api/v1/hoax/gateway/{region}",
    // Village voices: the portal's posts, and a citizen's aspiration (rate-limited per address).
    "/api/v1/portal/posts/{id}",
    "/api/v1/aspirations/track/{code}",
    "/api/v1/portal/posts",
];

/// Targets: a KIM member in Prigen (inside East Java, Bakorwil III and Pasuruan) and one in
/// Kota Semarang (Central Java, outside all of them); Bakorwil III and a Central Java group.
async fn targets(app: &TestApp, inside: bool) -> HashMap<&'static str, String> {
    let mut t = HashMap::new();
    let store = &app.store;
    let ctx = AuditContext::system("test");
    if inside {
        let user = app.user_id("kim.prigen.anggota").await;
        t.insert("user", user.to_string());
        t.insert(
            "grant",
            store.grants_of(user).await.unwrap()[0].id.to_string(),
        );
        let prigen = Scope::Region(RegionCode::parse("35.14.10").unwrap());
        t.insert(
            "grant2",
            store
                .add_grant(&ctx, user, Role::KimMember, &prigen)
                .await
                .unwrap()
                .to_string(),
        );
        let malang = store
            .groups(Some(&RegionCode::parse("35").unwrap()))
            .await
            .unwrap()
            .into_iter()
            .find(|g| g.name == "Bakorwil III Malang")
            .unwrap();
        t.insert("group", malang.id.to_string());
        t.insert("member", "35.14".into());
        t.insert("groupname", "Bakorwil III Malang".into());
        t.insert("province", "35".into());
        t.insert("regency", "35.79".into());
        t.insert("region", "35.14.10".into());
        let officer = app.user_id("kim.prigen.ketua").await;
        let kim_id = store
            .grants_of(officer)
            .await
            .unwrap()
            .into_iter()
            .find_map(|g| match g.scope {
                Scope::Kim(k) => Some(k),
                _ => None,
            })
            .unwrap();
        kim_targets(&mut t, app, kim_id).await;
        let owner = app.user_id("kominfo.kab-pasuruan").await;
        t.insert("job", job_of(app, owner).await);
    } else {
        let user = simpul_store::accounts::NewUser {
            username: "warga.semarang".into(),
            display_name: "Warga Semarang".into(),
            email: None,
            password_hash: "x".into(),
            locale: "id".into(),
        };
        let semarang = RegionCode::parse("33.74").unwrap();
        let id = store
            .create_user(
                &ctx,
                &user,
                Role::KimMember,
                &Scope::Region(semarang.clone()),
            )
            .await
            .unwrap();
        t.insert("user", id.to_string());
        t.insert(
            "grant",
            store.grants_of(id).await.unwrap()[0].id.to_string(),
        );
        t.insert(
            "grant2",
            store
                .add_grant(
                    &ctx,
                    id,
                    Role::KimMember,
                    &Scope::Region(RegionCode::parse("33.74.01").unwrap()),
                )
                .await
                .unwrap()
                .to_string(),
        );
        let province = RegionCode::parse("33").unwrap();
        let gid = store
            .save_group(
                &ctx,
                None,
                &province,
                "Bakorwil Semarang",
                std::slice::from_ref(&semarang),
            )
            .await
            .unwrap();
        store
            .add_grant(&ctx, id, Role::PartnerStaff, &Scope::Group(gid))
            .await
            .unwrap();
        t.insert("group", gid.to_string());
        t.insert("member", "33.74".into());
        t.insert("groupname", "Bakorwil Semarang".into());
        t.insert("province", "33".into());
        t.insert("regency", "33.01".into());
        t.insert("region", "33.74".into());
        // An unpublished KIM in Kota Semarang with two members.
        let village = store
            .region_children(Some(&RegionCode::parse("33.74.01").unwrap()))
            .await
            .unwrap()
            .remove(0)
            .code;
        let profile = simpul_store::registry::KimProfile {
            name: "KIM Semarang Sehat".into(),
            name_norm: "semarang sehat".into(),
            village: Some(village),
            ..Default::default()
        };
        let kim_id = store
            .create_kim(&ctx, &profile, "submitted", None, None, None)
            .await
            .unwrap();
        for name in ["Ani", "Budi"] {
            let m = simpul_store::members::MemberData {
                name: name.into(),
                role: "anggota".into(),
                ..Default::default()
            };
            store
                .save_member(&ctx, kim_id, profile.village.as_ref().unwrap(), None, &m)
                .await
                .unwrap();
        }
        kim_targets(&mut t, app, kim_id).await;
        t.insert("job", job_of(app, id).await);
    }
    hoax_targets(&mut t, app, inside).await;
    alert_targets(&mut t, app, inside).await;
    dissem_targets(&mut t, app).await;
    event_targets(&mut t, app, inside).await;
    portal_targets(&mut t, app, inside).await;
    let (index, draft) =
        crate::governance::sample_indexes(app, if inside { "35" } else { "33" }).await;
    t.insert("govindex", index.to_string());
    t.insert("govdraft", draft.to_string());
    let kim: i64 = t["kim"].parse().unwrap();
    let [award, nomination, awardpub, winner] =
        crate::governance_awards::sample_awards(app, kim, &t["kimregency"], inside).await;
    t.insert("award", award.to_string());
    t.insert("nomination", nomination.to_string());
    t.insert("awardpub", awardpub.to_string());
    t.insert("winner", winner.to_string());
    let [agreement, obligation, file] =
        crate::governance_agreements::sample_agreement(app, &t["kimregency"]).await;
    t.insert("agreement", agreement.to_string());
    t.insert("obligation", obligation.to_string());
    t.insert("agreementfile", file.to_string());
    t
}

/// A published post (with a photo) and a pending one of the target KIM, a published post of a
/// Surabaya KIM to re-share; an aspiration (with a photo) routed to Kabupaten Pasuruan inside or
/// Kota Semarang outside; a routing rule.
async fn portal_targets(t: &mut HashMap<&'static str, String>, app: &TestApp, inside: bool) {
    use simpul_store::portal::{NewAspiration, NewPhoto, NewPost};
    let store = &app.store;
    let ctx = AuditContext::system("test");
    let kim: i64 = t["kim"].parse().unwrap();
    let post = |kim_id: i64, publish: bool| NewPost {
        kim_id,
        kind: "news".into(),
        category: "public".into(),
        title: "Matriks".into(),
        body_md: "Matriks.".into(),
        body_html: "<p>Matriks.</p>".into(),
        summary: "Matriks.".into(),
        publish,
        photos: vec![NewPhoto {
            small: matrix_jpeg(),
            large: matrix_jpeg(),
            width: 40,
            height: 30,
            caption: String::new(),
            alt: "Matriks".into(),
        }],
        ..Default::default()
    };
    let published = store
        .portal_create_post(&ctx, &post(kim, true))
        .await
        .unwrap();
    t.insert("post", published.to_string());
    t.insert(
        "portalphoto",
        store.portal_photos(published).await.unwrap()[0]
            .small_file_id
            .to_string(),
    );
    let pending = store
        .portal_create_post(&ctx, &post(kim, false))
        .await
        .unwrap();
    t.insert("pendingpost", pending.to_string());
    let sent_back = store
        .portal_create_post(&ctx, &post(kim, false))
        .await
        .unwrap();
    store
        .portal_review(&ctx, sent_back, false, "Matriks: perbaiki judul.")
        .await
        .unwrap();
    t.insert("sentbackpost", sent_back.to_string());
    let surabaya = store
        .search_kims(
            &simpul_store::registry::KimFilter {
                region: Some(RegionCode::parse("35.78").unwrap()),
                ..Default::default()
            },
            1,
            0,
        )
        .await
        .unwrap()
        .0[0]
        .id;
    let share = store
        .portal_create_post(&ctx, &post(surabaya, true))
        .await
        .unwrap();
    t.insert("sharepost", share.to_string());
    let (office, code) = if inside {
        ("35.14", "ASP-MATR2XSAMPAB")
    } else {
        ("33.74", "ASP-MATR3XSAMPBC")
    };
    let aspiration = NewAspiration {
        code: code.into(),
        category: "infrastructure".into(),
        description: "Matriks aspirasi.".into(),
        region_code: office.into(),
        regency_code: office.into(),
        office_code: office.into(),
        contact_sealed: String::new(),
        kim_id: None,
        submitted_by: None,
        due_at: chrono::Utc::now() + chrono::Duration::days(7),
        photos: vec![matrix_jpeg()],
    };
    let id = store.aspiration_create(&ctx, &aspiration).await.unwrap();
    t.insert("aspiration", id.to_string());
    t.insert("aspcode", code.into());
    t.insert(
        "aspphoto",
        store.aspiration_photos(id).await.unwrap()[0].to_string(),
    );
    let region = RegionCode::parse(office).unwrap();
    let route = store
        .aspiration_route_add(&ctx, "", &region, &region, 7)
        .await
        .unwrap();
    t.insert("aspiroute", route.to_string());
}

/// A running event organised by Kabupaten Pasuruan open to everyone (inside), or by Kota
/// Semarang for Semarang only (outside); each with a registered participant (their ticket
/// code) and an issued certificate.
async fn event_targets(t: &mut HashMap<&'static str, String>, app: &TestApp, inside: bool) {
    let store = &app.store;
    let (region, allowed, username) = if inside {
        ("35.14", "", "peserta.matriks")
    } else {
        ("33.74", "33.74", "peserta.semarang")
    };
    let event = crate::events::sample_event(
        store,
        region,
        chrono::Duration::minutes(-10),
        2,
        50,
        allowed,
    )
    .await;
    let user = simpul_store::accounts::NewUser {
        username: username.into(),
        display_name: "Peserta Matriks".into(),
        email: None,
        password_hash: "x".into(),
        locale: "id".into(),
    };
    let uid = store
        .create_user(
            &AuditContext::system("test"),
            &user,
            Role::KimMember,
            &Scope::Region(RegionCode::parse(region).unwrap()),
        )
        .await
        .unwrap();
    let (reg, code) = crate::events::seat(store, event, uid, region).await;
    let cert = if inside {
        "S-MATRIKS00001"
    } else {
        "S-MATRIKS00002"
    };
    store
        .issue_certificate(&AuditContext::system("test"), reg, cert)
        .await
        .unwrap();
    t.insert("event", event.to_string());
    t.insert("eventreg", reg.to_string());
    t.insert("eventcode", code);
    t.insert(
        "eventsession",
        store.event_sessions(event).await.unwrap()[0].id.to_string(),
    );
    t.insert("certificate", cert.into());
}

/// A published package owned by the KIM's kabupaten/kota and aimed at it, with an attachment
/// and a report with a photo; two colliding programs of that office.
async fn dissem_targets(t: &mut HashMap<&'static str, String>, app: &TestApp) {
    use simpul_store::dissem::{NewReport, PackageData, ProgramData};
    let store = &app.store;
    let ctx = AuditContext::system("test");
    let kim: i64 = t["kim"].parse().unwrap();
    let regency = RegionCode::parse(&t["kimregency"]).unwrap();
    let today = chrono::Utc::now().date_naive();
    t.insert("today", today.to_string());
    let data = PackageData {
        title: "Matriks".into(),
        topic: "health".into(),
        key_messages: "Pesan.".into(),
        targets: format!("region:{regency}"),
        starts_on: today - chrono::Duration::days(1),
        ends_on: today + chrono::Duration::days(5),
        priority: "normal".into(),
        captions: "{}".into(),
        owner_region: Some(regency.clone()),
        ..Default::default()
    };
    let png = (
        "a.png".to_string(),
        "image/png".to_string(),
        b"\x89PNG matrix".to_vec(),
    );
    let id = store
        .dissem_create(&ctx, &data, &[png], None)
        .await
        .unwrap();
    let p = store.dissem_package(id).await.unwrap();
    store
        .dissem_move(&ctx, &p, simpul_core::dissem::PackageStatus::Published)
        .await
        .unwrap();
    store
        .dissem_add_targets(id, &[(kim, regency.to_string())])
        .await
        .unwrap();
    let report = NewReport {
        package_id: id,
        kim_id: kim,
        regency_code: regency.to_string(),
        channel: "whatsapp",
        reported_on: today,
        reach: 2_000_000,
        link: String::new(),
        review: simpul_core::dissem::Review::Flagged,
        photo: Some(b"\x89PNG matrix".to_vec()),
        author_id: None,
    };
    let report = store.dissem_add_report(&ctx, &report).await.unwrap();
    t.insert("package", id.to_string());
    t.insert(
        "dattachment",
        store.dissem_attachments(id).await.unwrap()[0].0.to_string(),
    );
    t.insert("dreport", report.to_string());
    for (key, theme) in [("program", "Matriks A"), ("program2", "Matriks B")] {
        let data = ProgramData {
            theme: theme.into(),
            topic: "health".into(),
            starts_on: today,
            ends_on: today + chrono::Duration::days(3),
            regions: regency.to_string(),
            owner_region: Some(regency.clone()),
            channels: "kim".into(),
            budget_line: String::new(),
        };
        let id = store.program_save(&ctx, None, &data, None).await.unwrap();
        t.insert(key, id.to_string());
    }
}

/// The demo's province-wide earthquake alert (inside), or a Semarang alert reaching the
/// Semarang KIM (outside); each with a situation report's photo.
async fn alert_targets(t: &mut HashMap<&'static str, String>, app: &TestApp, inside: bool) {
    let store = &app.store;
    let ctx = AuditContext::system("test");
    let kim: i64 = t["kim"].parse().unwrap();
    // A manual alert (the kind a person may edit): province-wide inside, Semarang outside.
    let manual = |identifier: &'static str, scope: &str| simpul_store::alerts::NewAlert {
        identifier: identifier.into(),
        sender: "simpul@simpul.test".into(),
        origin: "manual".into(),
        feed_id: None,
        state: "active".into(),
        content: simpul_store::alerts::AlertContent {
            hazard: "flood".into(),
            severity: "severe".into(),
            urgency: "immediate".into(),
            certainty: "observed".into(),
            headline: "Banjir matriks".into(),
            area_desc: "Matriks".into(),
            area_json: format!(r#"{{"polygons":[],"circles":[],"regions":["{scope}"],"felt":[]}}"#),
            expires: Some(chrono::Utc::now() + chrono::Duration::hours(6)),
            ..Default::default()
        },
        scope_region: Some(RegionCode::parse(scope).unwrap()),
        created_by: None,
    };
    let target = |regency: &str| simpul_store::alerts::NewTarget {
        kim_id: kim,
        reason: "in_region".into(),
        detail: String::new(),
        regency_code: regency.into(),
    };
    let (identifier, scope, regency) = if inside {
        ("matrix-manual-jatim", "35", "35.14")
    } else {
        ("matrix-manual-semarang", "33.74", "33.74")
    };
    let manual_id = store
        .create_alert(
            &ctx,
            &manual(identifier, scope),
            &[target(regency)],
            Some("<alert/>"),
        )
        .await
        .unwrap();
    t.insert("manualalert", manual_id.to_string());
    let id = if inside {
        store
            .alert_by_identifier("bmkg-demo-pasuruan")
            .await
            .unwrap()
            .expect("the demo's alert")
            .id
    } else {
        let new = simpul_store::alerts::NewAlert {
            identifier: "matrix-semarang".into(),
            sender: "simpul@simpul.test".into(),
            origin: "manual".into(),
            feed_id: None,
            state: "active".into(),
            content: simpul_store::alerts::AlertContent {
                hazard: "flood".into(),
                severity: "severe".into(),
                urgency: "immediate".into(),
                certainty: "observed".into(),
                headline: "Banjir Semarang".into(),
                area_desc: "Kota Semarang".into(),
                area_json: "{}".into(),
                ..Default::default()
            },
            scope_region: Some(RegionCode::parse("33.74").unwrap()),
            created_by: None,
        };
        let target = simpul_store::alerts::NewTarget {
            kim_id: kim,
            reason: "in_region".into(),
            detail: String::new(),
            regency_code: "33.74".into(),
        };
        store
            .create_alert(&ctx, &new, &[target], Some("<alert/>"))
            .await
            .unwrap()
    };
    let photo = simpul_store::alerts::Photo {
        content_type: "image/jpeg".into(),
        filename: "x.jpg".into(),
        data: vec![0xFF, 0xD8, 0xFF, 0xD9],
    };
    // A report from the target KIM (Prigen inside: a kabupaten admin sees only their KIMs').
    assert!(store.alert_target_ids(id).await.unwrap().contains(&kim));
    store
        .add_alert_report(&ctx, id, kim, None, "matriks", None, &[photo], None)
        .await
        .unwrap();
    let file = store
        .alert_report_photos(id)
        .await
        .unwrap()
        .last()
        .unwrap()
        .2;
    t.insert("alert", id.to_string());
    t.insert("alertphoto", file.to_string());
}

/// Two claims and a report's picture in Kabupaten Pasuruan (inside) or Kota Semarang (outside).
async fn hoax_targets(t: &mut HashMap<&'static str, String>, app: &TestApp, inside: bool) {
    use simpul_store::hoax::{NewReport, Placement};
    let region = RegionCode::parse(if inside { "35.14" } else { "33.74" }).unwrap();
    let ctx = AuditContext::system("test");
    // Stored as re-encoded at intake; served as is, so any bytes stand for it here.
    let png = b"\x89PNG matrix".to_vec();
    let mut ids = Vec::new();
    for text in [
        "Matriks: jalan desa ditutup besok",
        "Matriks: pasar desa pindah lusa",
    ] {
        let report = NewReport {
            body: text.into(),
            links: String::new(),
            image_hashes: String::new(),
            channel: "web",
            region_code: Some(region.clone()),
            reporter_id: None,
            reporter_email: None,
            gateway_region: None,
            gateway_sender: None,
            images: vec![("0000000000000000".into(), png.clone())],
        };
        let placement = Placement::NewClaim {
            title: text.into(),
            topic: None,
        };
        let (claim, report) = app
            .store
            .hoax_add_report(&ctx, &report, &placement)
            .await
            .unwrap();
        ids.push((claim, report));
    }
    // A second report of the first claim, which the split cases move to a claim of its own.
    let second = NewReport {
        body: "Matriks: jalan desa ditutup mulai besok pagi".into(),
        links: String::new(),
        image_hashes: String::new(),
        channel: "web",
        region_code: Some(region.clone()),
        reporter_id: None,
        reporter_email: None,
        gateway_region: None,
        gateway_sender: None,
        images: Vec::new(),
    };
    let grouped = Placement::Group {
        claim_id: ids[0].0,
        similarity: 0.9,
    };
    let (_, second) = app
        .store
        .hoax_add_report(&ctx, &second, &grouped)
        .await
        .unwrap();
    t.insert("claimreport", second.to_string());
    let image = app.store.hoax_image_ids(&[ids[0].1]).await.unwrap()[0].1;
    t.insert("claim", ids[0].0.to_string());
    t.insert("claim2", ids[1].0.to_string());
    t.insert("hoaximage", image.to_string());
}

/// A one-review fact-check archive (`{new}` keeps each import's claim new).
fn matrix_review(via: &str) -> serde_json::Value {
    json!({"@type": "ClaimReview", "url": format!("https://cekfakta.example/{via}/{{new}}"),
        "claimReviewed": format!("Matriks {via} {{new}}: jembatan desa runtuh"),
        "reviewRating": {"alternateName": "HOAKS"}})
}

/// A small real JPEG (uploads are decoded and re-encoded).
fn matrix_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 100]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    out
}

/// An import job started by `user` (its file does not exist, so it ends failed: still theirs
/// to look at).
async fn job_of(app: &TestApp, user: i64) -> String {
    app.store
        .enqueue_job(
            "kim_import",
            &json!({"file_id": 0, "commit": false}),
            Some(user),
        )
        .await
        .unwrap()
        .to_string()
}

async fn kim_targets(t: &mut HashMap<&'static str, String>, app: &TestApp, kim_id: i64) {
    let kim = app.store.kim(kim_id).await.unwrap();
    let members = app.store.members_of(kim_id).await.unwrap();
    t.insert("kim", kim_id.to_string());
    t.insert("kimname", kim.name.clone());
    t.insert("kimvillage", kim.village_code.clone());
    t.insert("kimregency", kim.regency_code.clone());
    t.insert("kimmember", members[0].id.to_string());
    t.insert("kimmember2", members[1].id.to_string());
}

fn fill(text: &str, t: &HashMap<&'static str, String>, n: usize) -> String {
    let mut s = text.replace("{new}", &format!("matrix.{n}"));
    for (k, v) in t {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// Allowed means the request passed authorization: success, or a conflict with existing data.
fn was_allowed(status: StatusCode, location: &str) -> Option<bool> {
    match status.as_u16() {
        200 | 201 | 204 | 409 => Some(true),
        303 if location.starts_with("/login") => Some(false),
        303 => Some(true),
        401 | 403 | 404 => Some(false),
        _ => None,
    }
}

on_both_engines!(every_protected_route_checks_role_and_scope);

async fn every_protected_route_checks_role_and_scope(engine: Engine) {
    let mut failures = Vec::new();
    let mut n = 0;
    for (username, role) in ACTORS {
        for inside in [true, false] {
            // A fresh site per actor and side, so one allowed change cannot hide the next.
            let app = TestApp::spawn(engine).await;
            let t = targets(&app, inside).await;
            let token = match role {
                Some(_) => {
                    app.login_as(username).await;
                    Some(app.api_token(username).await)
                }
                None => None,
            };
            for c in cases().into_iter().filter(|c| inside || c.scoped) {
                n += 1;
                let path = fill(c.path, &t, n);
                let body = c.body.as_ref().map(|b| {
                    serde_json::from_str::<serde_json::Value>(&fill(&b.to_string(), &t, n)).unwrap()
                });
                let response = if path == "/hoax" {
                    // The public form: multipart, with the signed form token a browser gets.
                    let csrf = app.csrf().await;
                    let secret = crate::common::web_config().secret.0;
                    let issued = chrono::Utc::now().timestamp() - 5;
                    let form = reqwest::multipart::Form::new()
                        .text("text", "matriks: pesan berantai tentang arisan")
                        .text(
                            "form_token",
                            simpul_core::hoax::intake::form_token(&secret, issued),
                        );
                    app.client
                        .post(app.url(&format!("{path}?csrf_token={csrf}")))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap()
                } else if path.starts_with("/alerts/") && path.ends_with("/reports") {
                    // A situation report: multipart, as the phone's form sends it.
                    let csrf = app.csrf().await;
                    let form = reqwest::multipart::Form::new().text("body", "Laporan matriks");
                    app.client
                        .post(app.url(&format!("{path}?csrf_token={csrf}")))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap()
                } else if path.starts_with("/api/v1/portal/posts/") && path.ends_with("/photos") {
                    // A photo through the API: multipart with the bearer token.
                    let part = reqwest::multipart::Part::bytes(matrix_jpeg()).file_name("a.jpg");
                    let form = reqwest::multipart::Form::new()
                        .part("photo", part)
                        .text("alt", "Matriks");
                    let mut req = app.client.post(app.url(&path)).multipart(form);
                    if let Some(token) = &token {
                        req = req.bearer_auth(token);
                    }
                    req.send().await.unwrap()
                } else if path.ends_with("/attachments") {
                    // A package's attachment: a real picture (re-encoded at upload).
                    let csrf = app.csrf().await;
                    let part = reqwest::multipart::Part::bytes(matrix_jpeg()).file_name("a.jpg");
                    let form = reqwest::multipart::Form::new().part("attachments", part);
                    app.client
                        .post(app.url(&format!("{path}?csrf_token={csrf}")))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap()
                } else if path.starts_with("/dissem/inbox/") && path.ends_with("/report") {
                    // A dissemination report from the phone's form.
                    let csrf = app.csrf().await;
                    let form = reqwest::multipart::Form::new()
                        .text("channel", "whatsapp")
                        .text("reported_on", t["today"].clone())
                        .text("reach", "12")
                        .text("link", "https://wa.me/matriks");
                    app.client
                        .post(app.url(&format!("{path}?csrf_token={csrf}")))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap()
                } else if path == "/hoax/import" && c.method == Method::POST {
                    // A fact-check archive from the verifier's phone.
                    let csrf = app.csrf().await;
                    let part = reqwest::multipart::Part::bytes(
                        body.as_ref().unwrap().to_string().into_bytes(),
                    )
                    .file_name("arsip.json");
                    let form = reqwest::multipart::Form::new().part("file", part);
                    app.client
                        .post(app.url(&format!("{path}?csrf_token={csrf}")))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap()
                } else if c.method == Method::POST
                    && (path == "/portal/new"
                        || path == "/aspirasi"
                        || (path.starts_with("/portal/posts/") && path.ends_with("/edit")))
                {
                    // Village voices' phone forms: multipart.
                    let csrf = app.csrf().await;
                    let form = if path == "/aspirasi" {
                        reqwest::multipart::Form::new()
                            .text("category", "infrastructure")
                            .text("description", "Matriks: jalan desa berlubang.")
                            .text("region", "35.14")
                    } else {
                        reqwest::multipart::Form::new()
                            .text("kim", t["kim"].clone())
                            .text("kind", "news")
                            .text("category", "public")
                            .text("title", "Matriks")
                            .text("body", "Isi matriks.")
                    };
                    app.client
                        .post(app.url(&format!("{path}?csrf_token={csrf}")))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap()
                } else if path.ends_with("/documents") {
                    // An agreement's document: a PDF, as the page's upload form sends it.
                    let csrf = app.csrf().await;
                    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4 matrix".to_vec())
                        .file_name("pks.pdf");
                    let form = reqwest::multipart::Form::new().part("document", part);
                    app.client
                        .post(app.url(&format!("{path}?csrf_token={csrf}")))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap()
                } else if path.ends_with("/files") {
                    let csrf = app.csrf().await;
                    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4 matrix".to_vec())
                        .file_name("sk.pdf");
                    let form = reqwest::multipart::Form::new().part("sk", part);
                    app.client
                        .post(app.url(&format!("{path}?csrf_token={csrf}")))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap()
                } else if path.starts_with("/api/") && path.ends_with("/import") {
                    let mut req = app.client.post(app.url(&path)).body(
                        body.as_ref()
                            .and_then(|b| b.as_str())
                            .unwrap_or("")
                            .to_owned(),
                    );
                    if let Some(tk) = &token {
                        req = req.bearer_auth(tk);
                    }
                    req.send().await.unwrap()
                } else if path.starts_with("/api/") {
                    let mut req = app.client.request(c.method.clone(), app.url(&path));
                    if let Some(tk) = &token {
                        req = req.bearer_auth(tk);
                    }
                    if let Some(b) = &body {
                        req = req.json(b);
                    }
                    req.send().await.unwrap()
                } else if c.method == Method::GET {
                    app.get(&path).await
                } else {
                    let mut fields: Vec<(String, String)> = Vec::new();
                    for (k, v) in body
                        .as_ref()
                        .and_then(|b| b.as_object())
                        .into_iter()
                        .flatten()
                    {
                        match v {
                            serde_json::Value::Array(items) => fields.extend(
                                items
                                    .iter()
                                    .map(|i| (k.clone(), i.as_str().unwrap().to_owned())),
                            ),
                            other => fields.push((k.clone(), other.as_str().unwrap().to_owned())),
                        }
                    }
                    let pairs: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    app.post_form(&path, &pairs).await
                };
                let status = response.status();
                let location = crate::common::header(response.headers(), "location").to_owned();
                let expected = allowed(c.rule, role, inside);
                // A report for a package not aimed at the officer's KIM is refused with a
                // field-level message (422): a denial.
                let refused_report = status == StatusCode::UNPROCESSABLE_ENTITY
                    && c.rule == Rule::AlertAnswer
                    && c.path.contains("report");
                // Registering nobody passed the role and scope checks and was refused for its
                // content (a field message): allowed.
                let validated =
                    status == StatusCode::UNPROCESSABLE_ENTITY && c.rule == Rule::RegisterOthers;
                // Nominating the index's top KIMs passes the authorization check first; Kota
                // Semarang has no scored KIM, so an allowed office is told so on the page.
                let no_ranking = status == StatusCode::UNPROCESSABLE_ENTITY
                    && c.path.ends_with("/nominate-top")
                    && !inside;
                let judged = if refused_report {
                    Some(false)
                } else if validated || no_ranking {
                    Some(true)
                } else {
                    was_allowed(status, &location)
                };
                match judged {
                    Some(actual) if actual == expected => {}
                    actual => {
                        // The answer's body says why (a field message, a problem document).
                        let why: String = response
                            .text()
                            .await
                            .unwrap_or_default()
                            .chars()
                            .take(300)
                            .collect();
                        failures.push(format!("{username} {} {path} (inside={inside}): expected {}, got {status} {actual:?}: {why}", c.method, if expected { "allow" } else { "deny" }))
                    }
                }
            }
            app.finish().await;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn the_matrix_covers_every_api_route() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let covered: Vec<String> = cases()
        .iter()
        .map(|c| {
            c.path
                .split('?')
                .next()
                .unwrap()
                .replace("{user}", "{id}")
                .replace("{group}", "{id}")
                .replace("{kim}", "{id}")
                .replace("{job}", "{id}")
                .replace("{kimmember2}", "{member_id}")
                .replace("{claim}", "{id}")
                .replace("{package}", "{id}")
                .replace("{program}", "{id}")
                .replace("{grant2}", "{grant_id}")
                .replace("{event}", "{id}")
                .replace("{eventreg}", "{registration_id}")
                .replace("{post}", "{id}")
                .replace("{pendingpost}", "{id}")
                .replace("{aspiration}", "{id}")
                .replace("{agreement}", "{id}")
        })
        .collect();
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let known = covered.iter().any(|c| c == path) || PUBLIC_API.contains(&path.as_str());
            if !known {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes missing from the authorization matrix: {missing:?}"
    );
    app.finish().await;
}
