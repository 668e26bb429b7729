//! # samvirke-core
//!
//! The domain of Samvirke, the system of record for inter-municipal cooperation: ids, the
//! municipality register with its code history, cooperations and their agreements, valid time,
//! the agreement file format, the registry projection and the responsibility resolver.
//!
//! Key design decision: **no I/O here**. Everything takes values and returns values, so the domain
//! is tested without databases or files, and the store and the CLI stay thin. The municipality data
//! files are compiled in with `include_str!`.
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod calendar;
pub mod cases;
pub mod csv;
pub mod deadlines;
pub mod decimal;
pub mod diagnostic;
pub mod due;
pub mod format;
pub mod identifiers;
pub mod ids;
pub mod laws;
pub mod mapping;
pub mod model;
pub mod municipalities;
#[cfg(feature = "openapi")]
mod openapi;
pub mod partial_date;
pub mod registry;
pub mod reminders;
pub mod report;
pub mod resolver;
pub mod scenario;
pub mod statutory;
pub mod time;
pub mod words;

pub use diagnostic::Diagnostic;
pub use ids::{CooperationId, Country, MunicipalityId, OrganisationId, PartyId, ServiceId};
pub use municipalities::MunicipalityRegister;
pub use partial_date::PartialDate;
pub use registry::{RecordedFact, Registry, ResolveError};
pub use time::{Date, Interval, Timestamp};
