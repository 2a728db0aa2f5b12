//! Handlers return the application layer's [`AppError`]; its HTTP presentation (status code and
//! [`ErrorInfo`] for the `present_errors` middleware) lives in `simpul_app::error::http`.

pub use simpul_app::error::http::ErrorInfo;
pub use simpul_app::error::{AppError, AppResult, FieldError};
