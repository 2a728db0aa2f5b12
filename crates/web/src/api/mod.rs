//! The JSON API under `/api/v1`, described by an OpenAPI 3 document generated from these
//! handlers (utoipa) and served at `/api/v1/openapi.json`. Authenticate with
//! `Authorization: Bearer <token>` from `POST /api/v1/auth/token`. Errors are RFC 9457
//! `application/problem+json`, localized by `Accept-Language` (id default, en).

pub mod audit;
pub mod auth;
pub mod groups;
pub mod jobs;
pub mod kims;
pub mod regions;
pub mod users;

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
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
    ),
    components(schemas(Problem, ProblemField)),
    modifiers(&BearerAuth),
    tags((name = "auth"), (name = "regions"), (name = "accounts"), (name = "groups"), (name = "audit"), (name = "kims"), (name = "jobs"), (name = "operations"))
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
