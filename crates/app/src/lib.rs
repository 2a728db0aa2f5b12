//! Simpul's application layer: the use cases shared by the pages, the JSON API, the command-line
//! tools and the background workers. Each takes a domain [`Actor`](simpul_core::authz::Actor)
//! (who acts, with their grants) and the [`AppCtx`] (store, configuration, catalogue, region
//! index, job queue): validate input into domain types, check the actor's role and scope, call
//! the store. No HTTP types here (the optional `http` feature only presents [`AppError`]).
#![forbid(unsafe_code)]

mod ctx;
pub mod error;
pub mod i18n;
pub mod regions_cache;

pub mod accounts;
pub mod alerts;
pub mod auth;
pub mod channels;
pub mod dissem;
pub mod events;
pub mod export;
pub mod governance;
pub mod groups;
pub mod hoax;
pub mod housekeeping;
pub mod import;
pub mod import_job;
pub mod jobs;
pub mod live;
pub mod mail;
pub mod manifest;
pub mod members;
pub mod notify;
pub mod operations;
pub mod outbox;
pub mod portal;
pub mod push_keys;
pub mod registry;
pub mod stats;

pub use ctx::{AppCtx, Config, Secret};
pub use error::{AppError, AppResult, FieldError};
pub use i18n::{Catalog, Locale, Messages};
