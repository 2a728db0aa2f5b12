//! The JSON API under `/api/v1`, described by an OpenAPI 3 document generated from these
//! handlers (utoipa) and served at `/api/v1/openapi.json`. Authenticate with
//! `Authorization: Bearer <token>` from `POST /api/v1/auth/token`. Errors are RFC 9457
//! `application/problem+json`, localized by `Accept-Language` (id default, en).

pub mod audit;
pub mod auth;
pub mod dissem;
pub mod events;
pub mod governance;
pub mod governance_agreements;
pub mod groups;
pub mod hoax;
pub mod jobs;
pub mod kims;
pub mod portal;
pub mod regions;
pub mod users;

use axum::Json;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

/// An RFC 9457 problem document.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    pub r#type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Field-level errors, when the input was invalid.
    pub errors: Option<Vec<ProblemField>>,
    pub instance: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    /// Stable machine-readable code, e.g. `error.username_taken`.
    pub code: String,
    pub detail: String,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The errors any operation can answer, declared once here rather than on every handler
/// (found missing by API fuzzing): a problem document is `application/problem+json`; an
/// unreadable query or body is a 400, a missing or bad token a 401, a bearer outside its role
/// or scope a 403, an unknown or unparseable path parameter a 404, invalid fields a 422.
struct CommonProblems;

const PROBLEM_TYPE: &str = "application/problem+json";

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
            ];
            for op in ops.into_iter().flatten() {
                common_problems(path, op);
            }
        }
    }
}

fn common_problems(path: &str, op: &mut Operation) {
    let has_query = op
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query));
    let has_body = op.request_body.is_some();
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut add = Vec::new();
    if has_query || has_body {
        add.extend([
            ("400", "Unreadable query or body"),
            ("422", "Invalid input"),
        ]);
    }
    if secured {
        add.extend([
            ("401", "No valid bearer token"),
            ("403", "Outside the caller's role or scope"),
        ]);
    }
    if path.contains('{') {
        add.push(("404", "No such resource"));
    }
    let responses = &mut op.responses.responses;
    for (status, description) in add {
        responses.entry(status.to_owned()).or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        PROBLEM_TYPE,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        });
    }
    // Errors are problem documents, whatever the handler's annotation says.
    for (status, response) in responses.iter_mut() {
        if let (true, RefOr::T(r)) = (status.starts_with('4') || status.starts_with('5'), response)
        {
            let is_problem = r.content.get("application/json").is_some_and(|c| {
                matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"))
            });
            if is_problem {
                let content = r.content.shift_remove("application/json").expect("checked");
                r.content.insert(PROBLEM_TYPE.to_owned(), content);
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Simpul API", description = "Integrated platform of government communication offices and Komunitas Informasi Masyarakat (KIM)."),
    paths(
        crate::ops::healthz,
        auth::issue_token, auth::list_tokens, auth::revoke_token, auth::me,
        regions::search, regions::show,
        users::list, users::create, users::show, users::add_grant, users::revoke_grant, users::set_active, users::set_password,
        groups::list, groups::create, groups::show, groups::update, groups::delete,
        audit::list,
        kims::list, kims::create, kims::show, kims::update, kims::transition, kims::list_members, kims::add_member,
        kims::update_member, kims::delete_member, kims::export_member, kims::stats, kims::geojson, kims::import,
        jobs::show,
        hoax::report, hoax::gateway, hoax::claims, hoax::claim, hoax::take, hoax::verdict, hoax::review_verdict, hoax::merge, hoax::split, hoax::clarifications, hoax::export_reviews, hoax::import_reviews,
        dissem::packages, dissem::create, dissem::package, dissem::update, dissem::transition, dissem::inbox, dissem::report, dissem::reach,
        dissem::programs, dissem::create_program, dissem::program, dissem::update_program, dissem::decide,
        events::list, events::create, events::show, events::register, events::cancel, events::checkins, events::report,
        events::update, events::cancel_event, events::candidates, events::participants, events::register_others,
        events::ticket, events::evaluate, events::certificate, events::add_material,
        portal::posts, portal::post, portal::create, portal::add_photo, portal::review, portal::submit, portal::track, portal::aspirations, portal::act,
        governance::score, governance::rankings, governance_agreements::list, governance_agreements::show,
    ),
    components(schemas(Problem, ProblemField)),
    modifiers(&BearerAuth, &CommonProblems),
    tags((name = "auth"), (name = "regions"), (name = "accounts"), (name = "groups"), (name = "audit"), (name = "kims"), (name = "jobs"), (name = "operations"), (name = "hoax"), (name = "dissemination"), (name = "events"), (name = "portal"), (name = "governance"))
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
