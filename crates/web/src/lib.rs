//! Simpul's HTTP layer: server-rendered pages (askama templates, htmx where a page needs
//! interaction, every core flow usable without JavaScript) and the JSON API under `/api/v1`
//! (OpenAPI by utoipa, errors as RFC 9457 problem+json).
//!
//! Layout: the use cases live in the application layer (`simpul_app`), shared with the command
//! line and the background workers; `pages/` and `api/` are thin adapters around them.
#![forbid(unsafe_code)]

mod assets;
pub mod charts;
mod csrf;
mod error;
mod extract;
mod i18n;
mod ops;
pub mod panics;
pub mod public_cache;
mod router;
mod state;
mod unread_body;

pub mod api;
pub mod pages;

pub use extract::CurrentUser;
pub use i18n::{Catalog, Locale};
pub use ops::install_metrics_recorder;
pub use router::{metrics_router, route_paths, router};
pub use simpul_app::Secret;
pub use state::AppState;
