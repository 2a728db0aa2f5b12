//! Use cases shared by the pages and the JSON API: validate input into domain types, check the
//! actor's role and scope, call the store. No HTTP types here.

pub mod accounts;
pub mod auth;
pub mod groups;
pub mod import;
pub mod import_job;
pub mod jobs;
pub mod members;
pub mod outbox;
pub mod registry;
