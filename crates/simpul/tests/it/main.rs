//! Integration tests: the real server on a free port, a fresh database per test, on SQLite and
//! (with SIMPUL_TEST_POSTGRES_URL) PostgreSQL. One binary keeps link time down.

mod common;

mod accounts;
mod alerts;
mod audit;
mod auth;
mod authorization;
mod backup;
mod crash;
mod dissem;
mod events;
mod field;
mod field_office;
mod generate;
mod generate_activity;
mod governance;
mod governance_agreements;
mod governance_awards;
mod governance_report;
mod groups;
mod hardening;
mod hardening_files;
mod hoax;
mod import_bombs;
mod import_lock;
mod jobs;
mod live;
mod mail;
mod multi_instance;
mod notify;
mod ops;
mod page_fuzz;
mod portal;
mod portal_followups;
mod portal_search;
mod public_cache;
mod regions;
mod registry;
mod registry_import;
mod security;
