//! Every route of Simpul in one place. A route added here must also be added to the
//! authorization matrix test (`crates/simpul/tests/it/authorization.rs`) and, when it answers
//! GET outside `/api`, to the page fuzzing table (`crates/simpul/tests/it/page_fuzz.rs`); both
//! fail until it is (the latter reads [`route_paths`]).

use crate::state::AppState;
use crate::{api, assets, csrf, ops, pages, public_cache};
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::routing::{delete, get, post, put, MethodRouter};
use axum::{middleware, Router};
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest upload (spreadsheets, decree scans): 20 MiB.
const MAX_UPLOAD: usize = 20 * 1024 * 1024;

/// A router that remembers the paths it was given, so tests can enumerate every route.
struct Routes {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Routes {
    fn new() -> Routes {
        Routes {
            router: Router::new(),
            paths: Vec::new(),
        }
    }

    fn route(mut self, path: &'static str, method_router: MethodRouter<AppState>) -> Routes {
        self.router = self.router.route(path, method_router);
        self.paths.push(path);
        self
    }

    fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }
}

fn page_routes() -> Routes {
    use pages::*;
    Routes::new()
        .route("/", get(home::home))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/lang/{code}", get(auth::switch_language))
        .route(
            "/password/forgot",
            get(auth::forgot_form).post(auth::forgot),
        )
        .route("/password/reset/{token}", get(auth::reset_form))
        .route("/password/reset", post(auth::reset))
        .route("/dashboard", get(account::dashboard))
        .route(
            "/account/tokens",
            get(account::tokens).post(account::create_token),
        )
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route(
            "/account/password",
            get(account_password::form).post(account_password::change),
        )
        .route(
            "/account/notifications",
            get(notifications::page).post(notifications::save),
        )
        .route(
            "/account/notifications/contact",
            post(notifications::contact),
        )
        .route("/account/notifications/test", post(notifications::test))
        .route(
            "/account/notifications/read",
            post(notifications::mark_read),
        )
        .route(
            "/account/push-subscriptions",
            post(notifications::subscribe),
        )
        .route(
            "/account/push-subscriptions/{id}/delete",
            post(notifications::unsubscribe),
        )
        .route("/live", get(notifications::live))
        .route("/admin/deliveries", get(operations::deliveries))
        .route(
            "/admin/deliveries/{id}/retry",
            post(operations::retry_delivery),
        )
        .route("/admin/jobs", get(operations::jobs))
        .route("/admin/jobs/{id}/retry", post(operations::requeue_job))
        .route(
            "/admin/gateways",
            get(operations::gateways).post(operations::save_gateway),
        )
        .route("/regions", get(regions::index))
        .route("/regions/search", get(regions::search))
        .route("/regions/{code}", get(regions::show))
        .route(
            "/admin/users",
            get(admin_users::list).post(admin_users::create),
        )
        .route("/admin/users/new", get(admin_users::new_form))
        .route("/admin/users/{id}", get(admin_users::show))
        .route("/admin/users/{id}/grants", post(admin_users::add_grant))
        .route(
            "/admin/users/{id}/grants/{grant}/revoke",
            post(admin_users::revoke_grant),
        )
        .route("/admin/users/{id}/active", post(admin_users::set_active))
        .route(
            "/admin/users/{id}/password",
            post(admin_users::set_password),
        )
        .route(
            "/admin/groups",
            get(admin_groups::list).post(admin_groups::create),
        )
        .route("/admin/groups/new", get(admin_groups::new_form))
        .route(
            "/admin/groups/{id}",
            get(admin_groups::show).post(admin_groups::update),
        )
        .route("/admin/groups/{id}/delete", post(admin_groups::delete))
        .route("/admin/audit", get(admin_audit::audit))
        .route("/admin/audit.csv", get(admin_audit::audit_csv))
        .route("/admin/outbox", get(admin_audit::outbox))
        .route("/kim", get(kim::directory).post(kim::create))
        .route("/kim/new", get(kim::new_form))
        .route("/kim/village-picker", get(kim::village_picker))
        .route("/kim/map", get(kim_stats::map))
        .route("/kim/map.geojson", get(kim_stats::map_geojson))
        .route("/kim/stats", get(kim_stats::stats))
        .route(
            "/kim/import",
            get(kim_import::form)
                .post(kim_import::check)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/kim/import/{file}", get(kim_import::template))
        .route("/kim/export.csv", get(kim_import::export_csv))
        .route("/kim/export.xlsx", get(kim_import::export_xlsx))
        .route("/kim/import/jobs/{job_id}", get(kim_import::job_page))
        .route("/kim/import/jobs/{job_id}/commit", post(kim_import::commit))
        .route(
            "/kim/import/jobs/{job_id}/columns",
            post(kim_import::columns),
        )
        .route("/kim/{id}", get(kim::profile).post(kim::update))
        .route("/kim/{id}/edit", get(kim::edit_form))
        .route("/kim/{id}/transition", post(kim::transition))
        .route(
            "/kim/{id}/files",
            post(kim_stats::upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/kim/{id}/files/{slot}", get(kim_stats::file))
        .route(
            "/kim/{id}/members",
            get(kim_members::list).post(kim_members::add),
        )
        .route(
            "/kim/{id}/members/{member}",
            get(kim_members::edit_form).post(kim_members::update),
        )
        .route(
            "/kim/{id}/members/{member}/delete",
            post(kim_members::delete),
        )
        .route(
            "/kim/{id}/members/{member}/export",
            get(kim_members::export),
        )
        .route(
            "/kim/{id}/members/{member}/invite",
            post(kim_members::invite),
        )
        .route(
            "/kim/{id}/members/{member}/approve-officer",
            post(kim_members::approve_officer),
        )
        .route(
            "/invite/{token}",
            get(kim_members::invite_form).post(kim_members::accept_invite),
        )
        .merge(hoax_page_routes())
        .merge(dissem_page_routes())
        // Emergency alerts (issue 11)
        .route("/alerts", get(alerts::list))
        .route(
            "/alerts/new",
            get(alerts::compose::form).post(alerts::compose::submit),
        )
        .route("/alerts/{id}", get(alerts::show))
        .route("/alerts/{id}/ack", post(alerts::ack))
        .route(
            "/alerts/{id}/reports",
            post(alerts::report).layer(DefaultBodyLimit::max(MAX_UPLOAD * 3)),
        )
        .route(
            "/alerts/{id}/edit",
            get(alerts::compose::edit_form).post(alerts::compose::edit_submit),
        )
        .route("/alerts/{id}/approve", post(alerts::approve))
        .route("/alerts/{id}/cancel", post(alerts::cancel))
        .route("/alerts/{id}/board", get(alerts::board::page))
        .route("/alerts/{id}/board.csv", get(alerts::board::csv))
        .route("/alerts/{id}/board.xlsx", get(alerts::board::xlsx))
        .route("/alerts/{id}/board.geojson", get(alerts::board::geojson))
        .route("/alerts/{id}/live", get(alerts::board::live))
        .route("/alerts/{id}/photos/{file}", get(alerts::board::photo))
        .route(
            "/admin/alert-feeds",
            get(alerts::feeds::page).post(alerts::feeds::save),
        )
        .route("/admin/alert-feeds/approval", post(alerts::feeds::approval))
        .route("/peringatan", get(alerts::public::list))
        .route("/peringatan/feed.atom", get(alerts::public::atom))
        .route("/peringatan/{id}", get(alerts::public::show))
        .merge(events_page_routes())
        .merge(portal_page_routes())
        .merge(governance_page_routes())
}

/// Partnership governance pages (issue 16).
fn governance_page_routes() -> Routes {
    use pages::governance::{self as gov, agreements, awards, index, jury, ranking, report};
    Routes::new()
        .route("/governance", get(gov::hub))
        .route("/governance/indexes", post(index::create))
        .route("/governance/indexes/new", get(index::new_form))
        .route(
            "/governance/indexes/{id}",
            get(index::show).post(index::update),
        )
        .route("/governance/indexes/{id}/publish", post(index::publish))
        .route("/governance/indexes/{id}/compute", post(index::compute))
        .route("/governance/indexes/{id}/local", post(index::save_local))
        .route("/governance/kims/{id}", get(gov::kim_score))
        .route("/governance/kims/{id}/evidence/{key}", get(gov::evidence))
        .route("/governance/kims/{id}/coaching", post(ranking::coach))
        .route("/governance/rankings", get(ranking::page))
        .route("/governance/rankings.csv", get(ranking::csv))
        .route("/governance/rankings.xlsx", get(ranking::xlsx))
        .route("/governance/awards", get(awards::list).post(awards::create))
        .route("/governance/awards/new", get(awards::new_form))
        .route("/governance/awards/{id}", get(awards::show))
        .route("/governance/awards/{id}/nominate", post(awards::nominate))
        .route(
            "/governance/awards/{id}/nominate-top",
            post(awards::nominate_top),
        )
        .route("/governance/awards/{id}/jurors", post(awards::add_juror))
        .route("/governance/awards/{id}/publish", post(awards::publish))
        .route("/governance/awards/{id}/score", get(jury::score_form))
        .route(
            "/governance/awards/nominations/{id}/score",
            post(jury::score),
        )
        .route(
            "/governance/agreements",
            get(agreements::list).post(agreements::create),
        )
        .route("/governance/agreements/new", get(agreements::new_form))
        .route("/governance/agreements/{id}", get(agreements::show))
        .route(
            "/governance/agreements/{id}/obligations/{obligation}",
            post(agreements::follow_up),
        )
        .route(
            "/governance/agreements/{id}/documents",
            post(agreements::upload).layer(DefaultBodyLimit::max(
                simpul_app::governance::agreements::MAX_DOCUMENT + 64 * 1024,
            )),
        )
        .route(
            "/governance/agreements/{id}/documents/{file}",
            get(agreements::document),
        )
        .route("/governance/reports", get(report::page))
        .route("/governance/reports.pdf", get(report::pdf))
        .route("/governance/reports.xlsx", get(report::xlsx))
        .route("/penghargaan/{id}", get(jury::public_results))
        .route(
            "/penghargaan/{id}/sertifikat/{nomination}",
            get(jury::certificate),
        )
}

/// Village voices: the public portal, posts, review and aspirations (issue 15).
fn portal_page_routes() -> Routes {
    use pages::portal::{self, aspirations, write};
    Routes::new()
        .route("/portal", get(portal::index))
        .route("/portal/feed.atom", get(portal::atom))
        .route(
            "/portal/new",
            get(write::new_form)
                .post(write::create)
                .layer(DefaultBodyLimit::max(PORTAL_UPLOAD)),
        )
        .route("/portal/mine", get(write::mine))
        .route("/portal/review", get(write::review_queue))
        .route("/portal/trusted", post(write::trusted))
        .route("/portal/posts/{id}", get(portal::show))
        .route(
            "/portal/posts/{id}/edit",
            get(write::edit_form)
                .post(write::edit)
                .layer(DefaultBodyLimit::max(PORTAL_UPLOAD)),
        )
        .route("/portal/posts/{id}/review", post(write::review))
        .route("/portal/posts/{id}/hide", post(write::hide))
        .route("/portal/posts/{id}/restore", post(write::restore))
        .route("/portal/posts/{id}/reshare", post(write::reshare))
        .route(
            "/portal/posts/{id}/report",
            get(write::report_form).post(write::report),
        )
        .route("/portal/photos/{file}", get(portal::photo))
        .route("/potensi", get(portal::potensi))
        .route("/potensi/map", get(portal::potensi_map))
        .route("/potensi/map.geojson", get(portal::potensi_geojson))
        .route("/sitemap.xml", get(portal::sitemap))
        .route(
            "/aspirasi",
            get(aspirations::form)
                .post(aspirations::submit)
                .layer(DefaultBodyLimit::max(PORTAL_UPLOAD)),
        )
        .route("/aspirasi/desa", get(aspirations::village_picker))
        .route("/aspirasi/lacak", get(aspirations::track))
        .route("/aspirasi/lacak/{code}", get(aspirations::track_code))
        .route("/aspirations", get(aspirations::list))
        .route("/aspirations/stats", get(aspirations::stats))
        .route("/aspirations/{id}", get(aspirations::show))
        .route("/aspirations/{id}/act", post(aspirations::act))
        .route("/aspirations/{id}/photos/{file}", get(aspirations::photo))
        .route(
            "/admin/aspiration-routes",
            get(aspirations::routes).post(aspirations::add_route),
        )
        .route(
            "/admin/aspiration-routes/{id}/delete",
            post(aspirations::delete_route),
        )
}

/// Six photos of at most 12 MB each, and the text.
const PORTAL_UPLOAD: usize = 80 * 1024 * 1024;

/// Capacity building pages (issue 14).
fn events_page_routes() -> Routes {
    use pages::events::{self, after, door, form, others, public};
    Routes::new()
        .route("/events", get(events::list).post(form::create))
        .route("/events/new", get(form::new_form))
        .route("/events/{id}", get(events::show))
        .route("/events/{id}/register", post(events::register))
        .route("/events/{id}/cancel", post(events::cancel))
        .route("/events/{id}/edit", get(form::edit_form).post(form::update))
        .route("/events/{id}/cancel-event", post(events::cancel_event))
        .route("/events/{id}/participants/new", get(others::form))
        .route("/events/{id}/participants", post(others::submit))
        .route("/events/{id}/ticket", get(events::ticket))
        .route("/events/{id}/checkin", get(door::page).post(door::submit))
        .route("/events/{id}/checkin/sync", post(door::sync))
        .route(
            "/events/{id}/evaluation",
            get(after::evaluation_form).post(after::evaluate),
        )
        .route("/events/{id}/report", get(after::report_page))
        .route(
            "/events/{id}/participants.csv",
            get(after::participants_csv),
        )
        .route(
            "/events/{id}/participants.xlsx",
            get(after::participants_xlsx),
        )
        .route("/events/{id}/event.ics", get(after::ics))
        .route("/events/{id}/certificate.pdf", get(after::certificate))
        .route("/events/{id}/materials", post(after::add_material))
        .route("/sertifikat", get(public::form))
        .route("/sertifikat/{code}", get(public::show))
}

/// Dissemination and the program calendar (issue 13).
fn dissem_page_routes() -> Routes {
    use pages::dissem::{hub, inbox, packages, programs, reach};
    Routes::new()
        .route("/dissem", get(hub))
        .route(
            "/dissem/new",
            get(packages::new_form).post(packages::create),
        )
        .route("/dissem/reach", get(reach::dashboard))
        .route("/dissem/reach/export", get(reach::export))
        .route("/dissem/reach/map.geojson", get(reach::map_points))
        .route("/dissem/{id}", get(packages::show))
        .route(
            "/dissem/{id}/edit",
            get(packages::edit_form).post(packages::update),
        )
        .route("/dissem/{id}/transition", post(packages::transition))
        .route(
            "/dissem/{id}/attachments",
            post(packages::attach).layer(DefaultBodyLimit::max(MAX_UPLOAD * 2)),
        )
        .route("/dissem/{id}/reports/{report}/review", post(reach::review))
        .route("/dissem/attachments/{id}", get(packages::attachment))
        .route("/dissem/inbox/{id}", get(inbox::open))
        .route(
            "/dissem/inbox/{id}/report",
            post(inbox::report).layer(DefaultBodyLimit::max(HOAX_UPLOAD)),
        )
        .route("/dissem/reports/{id}/photo", get(inbox::photo))
        .route("/dissem/kims/{id}", get(inbox::history))
        .route("/programs", get(programs::calendar))
        .route(
            "/programs/new",
            get(programs::new_form).post(programs::create),
        )
        .route("/programs/decisions", post(programs::decide))
        .route("/programs/export", get(programs::export))
        .route(
            "/programs/{id}",
            get(programs::edit_form).post(programs::update),
        )
        .route(
            "/programs/office/{code}/calendar.ics",
            get(programs::office_feed),
        )
        .route(
            "/programs/region/{code}/calendar.ics",
            get(programs::region_feed),
        )
}

/// The hoax clearing house's pages (issue 12).
fn hoax_page_routes() -> Routes {
    use pages::hoax::{public, verify};
    Routes::new()
        .route(
            "/hoax",
            get(public::check_form)
                .post(public::check)
                .layer(DefaultBodyLimit::max(HOAX_UPLOAD)),
        )
        .route("/hoax/mine", get(public::mine))
        .route("/hoax/clarifications", get(public::clarifications))
        .route("/hoax/clarifications/{id}", get(public::clarification))
        .route("/hoax/clarifications/{id}/card.png", get(public::card))
        .route("/hoax/queue", get(verify::queue))
        .route("/hoax/trends", get(verify::trends))
        .route("/hoax/settings", post(verify::settings))
        .route("/hoax/images/{id}", get(verify::image))
        .route("/hoax/claims/{id}", get(verify::claim))
        .route("/hoax/claims/{id}/take", post(verify::take))
        .route("/hoax/claims/{id}/notes", post(verify::note))
        .route("/hoax/claims/{id}/verdict", post(verify::verdict))
        .route("/hoax/claims/{id}/review", post(verify::review_verdict))
        .route("/hoax/claims/{id}/reopen", post(verify::reopen))
        .route("/hoax/claims/{id}/merge", post(verify::merge))
        .route("/hoax/claims/{id}/split", post(verify::split))
        .route(
            "/hoax/import",
            get(pages::hoax::archive::form)
                .post(pages::hoax::archive::upload)
                .layer(DefaultBodyLimit::max(ARCHIVE_UPLOAD)),
        )
}

/// A fact-check archive (5 MB of JSON) and the form around it.
const ARCHIVE_UPLOAD: usize = 6 * 1024 * 1024;

/// Four pictures of at most 5 MB each, the text and the form fields.
const HOAX_UPLOAD: usize = 22 * 1024 * 1024;

fn api_routes() -> Routes {
    use api::*;
    Routes::new()
        .route(
            "/api/v1/portal/posts",
            get(portal::posts).post(portal::create),
        )
        .route("/api/v1/portal/posts/{id}", get(portal::post))
        .route(
            "/api/v1/portal/posts/{id}/photos",
            post(portal::add_photo).layer(DefaultBodyLimit::max(PORTAL_UPLOAD)),
        )
        .route("/api/v1/portal/posts/{id}/review", post(portal::review))
        .route(
            "/api/v1/aspirations",
            get(portal::aspirations).post(portal::submit),
        )
        .route("/api/v1/aspirations/track/{code}", get(portal::track))
        .route("/api/v1/aspirations/{id}/act", post(portal::act))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/auth/token", post(auth::issue_token))
        .route("/api/v1/auth/tokens", get(auth::list_tokens))
        .route("/api/v1/auth/tokens/{id}", delete(auth::revoke_token))
        .route("/api/v1/me", get(auth::me))
        .route("/api/v1/regions", get(regions::search))
        .route("/api/v1/regions/{code}", get(regions::show))
        .route("/api/v1/users", get(users::list).post(users::create))
        .route("/api/v1/users/{id}", get(users::show))
        .route("/api/v1/users/{id}/grants", post(users::add_grant))
        .route(
            "/api/v1/users/{id}/grants/{grant_id}",
            delete(users::revoke_grant),
        )
        .route("/api/v1/users/{id}/active", put(users::set_active))
        .route("/api/v1/users/{id}/password", put(users::set_password))
        .route("/api/v1/groups", get(groups::list).post(groups::create))
        .route(
            "/api/v1/groups/{id}",
            get(groups::show).put(groups::update).delete(groups::delete),
        )
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/kims", get(kims::list).post(kims::create))
        .route("/api/v1/kims.geojson", get(kims::geojson))
        .route("/api/v1/kims/stats", get(kims::stats))
        .route(
            "/api/v1/kims/import",
            post(kims::import).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/api/v1/kims/{id}", get(kims::show).put(kims::update))
        .route("/api/v1/jobs/{id}", get(jobs::show))
        .route("/api/v1/kims/{id}/transitions", post(kims::transition))
        .route(
            "/api/v1/kims/{id}/members",
            get(kims::list_members).post(kims::add_member),
        )
        .route(
            "/api/v1/kims/{id}/members/{member_id}",
            put(kims::update_member).delete(kims::delete_member),
        )
        .route(
            "/api/v1/kims/{id}/members/{member_id}/export",
            get(kims::export_member),
        )
        .merge(hoax_api_routes())
        .merge(dissem_api_routes())
}

fn dissem_api_routes() -> Routes {
    use api::dissem;
    Routes::new()
        .route(
            "/api/v1/dissem/packages",
            get(dissem::packages).post(dissem::create),
        )
        .route(
            "/api/v1/dissem/packages/{id}",
            get(dissem::package).put(dissem::update),
        )
        .route(
            "/api/v1/dissem/packages/{id}/transitions",
            post(dissem::transition),
        )
        .route(
            "/api/v1/dissem/packages/{id}/reports",
            post(dissem::report).layer(DefaultBodyLimit::max(HOAX_UPLOAD)),
        )
        .route("/api/v1/dissem/inbox", get(dissem::inbox))
        .route("/api/v1/dissem/reach", get(dissem::reach))
        .route(
            "/api/v1/programs",
            get(dissem::programs).post(dissem::create_program),
        )
        .route("/api/v1/programs/decisions", post(dissem::decide))
        .route(
            "/api/v1/programs/{id}",
            get(dissem::program).put(dissem::update_program),
        )
}

fn hoax_api_routes() -> Routes {
    use api::hoax;
    Routes::new()
        .route(
            "/api/v1/hoax/reports",
            post(hoax::report).layer(DefaultBodyLimit::max(HOAX_UPLOAD * 2)),
        )
        .route(
            "/api/v1/hoax/gateway/{region}",
            post(hoax::gateway).layer(DefaultBodyLimit::max(HOAX_UPLOAD * 2)),
        )
        .route("/api/v1/hoax/claims", get(hoax::claims))
        .route("/api/v1/hoax/claims/{id}", get(hoax::claim))
        .route("/api/v1/hoax/claims/{id}/take", post(hoax::take))
        .route("/api/v1/hoax/claims/{id}/verdict", post(hoax::verdict))
        .route(
            "/api/v1/hoax/claims/{id}/review",
            post(hoax::review_verdict),
        )
        .route("/api/v1/hoax/claims/{id}/merge", post(hoax::merge))
        .route("/api/v1/hoax/claims/{id}/split", post(hoax::split))
        .route("/api/v1/hoax/clarifications", get(hoax::clarifications))
        .route(
            "/api/v1/hoax/claimreview",
            get(hoax::export_reviews)
                .post(hoax::import_reviews)
                .layer(DefaultBodyLimit::max(ARCHIVE_UPLOAD)),
        )
        .merge(events_api_routes())
        .route(
            "/api/v1/governance/kims/{id}/score",
            get(api::governance::score),
        )
        .route(
            "/api/v1/governance/rankings",
            get(api::governance::rankings),
        )
        .route(
            "/api/v1/governance/agreements",
            get(api::governance_agreements::list),
        )
        .route(
            "/api/v1/governance/agreements/{id}",
            get(api::governance_agreements::show),
        )
}

fn events_api_routes() -> Routes {
    use api::events;
    Routes::new()
        .route("/api/v1/events", get(events::list).post(events::create))
        .route("/api/v1/events/{id}", get(events::show).put(events::update))
        .route(
            "/api/v1/events/{id}/cancellation",
            post(events::cancel_event),
        )
        .route("/api/v1/events/{id}/candidates", get(events::candidates))
        .route(
            "/api/v1/events/{id}/participants",
            get(events::participants).post(events::register_others),
        )
        .route("/api/v1/events/{id}/ticket", get(events::ticket))
        .route("/api/v1/events/{id}/evaluation", post(events::evaluate))
        .route("/api/v1/events/{id}/certificate", get(events::certificate))
        .route("/api/v1/events/{id}/materials", post(events::add_material))
        .route("/api/v1/events/{id}/registrations", post(events::register))
        .route(
            "/api/v1/events/{id}/registrations/{registration_id}",
            delete(events::cancel),
        )
        .route("/api/v1/events/{id}/checkins", post(events::checkins))
        .route("/api/v1/events/{id}/report", get(events::report))
}

async fn not_found() -> crate::error::AppError {
    crate::error::AppError::NotFound
}

/// Prometheus metrics alone, for the separate `--metrics-listen` address: route names, counts
/// and timings are for operators, not for whoever can reach the site.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(ops::metrics))
        .with_state(state)
}

fn all_routes() -> Routes {
    Routes::new()
        .merge(page_routes())
        .merge(api_routes())
        .route("/healthz", get(ops::healthz))
        .route("/static/{*path}", get(assets::serve))
        .route("/sw.js", get(assets::service_worker))
        .route("/favicon.ico", get(assets::favicon))
}

/// Every route's path pattern (`/kim/{id}`), in the order declared.
pub fn route_paths() -> Vec<&'static str> {
    all_routes().paths
}

/// The whole application (without `/metrics`: see [`metrics_router`]).
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    all_routes()
        .router
        .fallback(not_found)
        // Innermost, so the 500 is rendered like any other error; the panic is still counted.
        .layer(CatchPanicLayer::custom(state.panics.clone()))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::request_context))
        .layer(middleware::from_fn_with_state(state.clone(), ops::security_headers))
        .layer(middleware::from_fn(ops::track))
        // A refusal answered before the request's body was read ends the connection, and says so.
        .layer(middleware::from_fn(crate::unread_body::close_if_unread))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(60)))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
            let (id, client_id) = (header("x-request-id"), header(ops::CLIENT_REQUEST_ID));
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id, client_request_id = %client_id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(middleware::map_request(ops::set_aside_client_request_id))
        // Outermost (layers apply after routing, so it knows the route): a cached public page
        // is answered before tracing, request ids, timeouts and compression.
        .layer(middleware::from_fn_with_state(state.public_cache.clone(), public_cache::layer))
        .with_state(state)
}
