//! One error type for the use cases, presented once by the web layer: a friendly localized page
//! for HTML routes and RFC 9457 `application/problem+json` with field-level detail for `/api`.
//! Services return `AppError`; with the `http` feature the response carries an [`http::ErrorInfo`]
//! extension that the web crate's `present_errors` middleware renders in the request's language.
//! Internal causes are logged, never shown.

use simpul_store::StoreError;

/// A problem with one input field, as a message-catalogue key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
}

impl FieldError {
    pub fn new(field: &'static str, key: &'static str) -> Self {
        FieldError { field, key }
    }
}

#[derive(Debug)]
pub enum AppError {
    /// Not logged in (pages redirect to the login form).
    Unauthenticated,
    Forbidden,
    NotFound,
    /// Malformed request (unparseable body, bad query parameter).
    BadRequest(&'static str),
    /// Well-formed but invalid input, field by field.
    Invalid(Vec<FieldError>),
    /// Conflicts with existing data (duplicate username, ...).
    Conflict(FieldError),
    TooManyRequests,
    /// The database is busy for a moment: 503, try again shortly.
    Unavailable(String),
    Internal(String),
}

impl AppError {
    pub fn invalid(field: &'static str, key: &'static str) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, key)])
    }

    pub fn internal(err: impl std::fmt::Display) -> AppError {
        AppError::Internal(err.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(what) => {
                tracing::info!(%what, "conflict");
                AppError::Conflict(FieldError::new("", "error.conflict"))
            }
            busy @ StoreError::Busy(_) => AppError::Unavailable(busy.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The HTTP presentation of an [`AppError`]: a status code and what the web layer's middleware
/// needs to render the page or problem document.
#[cfg(feature = "http")]
pub mod http {
    use super::FieldError;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};

    /// What the presenting middleware needs to render an error.
    #[derive(Debug, Clone)]
    pub struct ErrorInfo {
        pub status: StatusCode,
        pub title_key: &'static str,
        pub detail_key: &'static str,
        pub fields: Vec<FieldError>,
    }

    impl IntoResponse for super::AppError {
        fn into_response(self) -> Response {
            let (status, title_key, detail_key, fields) = match self {
                super::AppError::Unauthenticated => (
                    StatusCode::UNAUTHORIZED,
                    "error.unauthenticated",
                    "error.unauthenticated_detail",
                    vec![],
                ),
                super::AppError::Forbidden => (
                    StatusCode::FORBIDDEN,
                    "error.forbidden",
                    "error.forbidden_detail",
                    vec![],
                ),
                super::AppError::NotFound => (
                    StatusCode::NOT_FOUND,
                    "error.not_found",
                    "error.not_found_detail",
                    vec![],
                ),
                super::AppError::BadRequest(key) => {
                    (StatusCode::BAD_REQUEST, "error.bad_request", key, vec![])
                }
                super::AppError::Invalid(fields) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "error.invalid",
                    "error.invalid_detail",
                    fields,
                ),
                super::AppError::Conflict(field) => (
                    StatusCode::CONFLICT,
                    "error.conflict_title",
                    field.key,
                    vec![field],
                ),
                super::AppError::TooManyRequests => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "error.too_many",
                    "error.too_many_detail",
                    vec![],
                ),
                super::AppError::Unavailable(cause) => {
                    tracing::warn!(%cause, "database busy");
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "error.busy",
                        "error.busy_detail",
                        vec![],
                    )
                }
                super::AppError::Internal(cause) => {
                    tracing::error!(%cause, "internal error");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "error.internal",
                        "error.internal_detail",
                        vec![],
                    )
                }
            };
            let mut response = status.into_response();
            if status == StatusCode::SERVICE_UNAVAILABLE {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, 5.into());
            }
            response.extensions_mut().insert(ErrorInfo {
                status,
                title_key,
                detail_key,
                fields,
            });
            response
        }
    }
}
