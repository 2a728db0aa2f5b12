//! The `simpul` application: configuration, start-up (migrations, official regions, demo data),
//! the HTTP server and background workers. `main.rs` is only the command line.
#![forbid(unsafe_code)]

pub mod backup;
pub mod cli_import;
pub mod config;
pub mod demo;
pub mod generate;
mod names;
pub mod regions_data;
pub mod server;
