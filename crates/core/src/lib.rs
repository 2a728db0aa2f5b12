//! Simpul's domain: the vocabulary every other layer speaks.
//!
//! Nothing here knows about HTTP or SQL. Outside input becomes one of these types at the edge
//! (`RegionCode::parse`, `Username::parse`, ...) so the rest of the code cannot hold an invalid one.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod authz;
pub mod calendar;
pub mod dissem;
pub mod events;
pub mod governance;
pub mod hoax;
pub mod local_path;
pub mod notify;
pub mod paging;
pub mod portal;
pub mod regions;
pub mod registry;
pub mod secrets;
pub mod sheet;

pub use accounts::{Role, Scope, Username};
pub use authz::{Action, Actor, Grant, ScopeRegions};
pub use local_path::LocalPath;
pub use paging::PageNumber;
pub use regions::{Level, Region, RegionCode};
