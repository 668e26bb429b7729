//! # samvirke-settle
//!
//! Settlement for Samvirke: exact money in integer minor units with a currency, the largest-remainder
//! allocation with an explanation of every rounding step, and the bulk usage settlement that splits
//! each agreement's cost over national-scale activity files.
//!
//! Key design decision: **no floats on the money path**. Amounts are `i64`/`u64` minor units; every
//! product in an allocation is 128-bit, so parts always sum exactly to the total and cannot overflow.
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod adhoc;
pub mod allocate;
pub mod dispute;
pub mod explain;
pub mod invoice;
pub mod money;
pub mod project;
pub mod recorded;
pub mod scenario;
pub mod statement;

pub use adhoc::{AdhocError, AdhocOptions, AdhocSummary, settle_adhoc};
pub use allocate::{Allocation, AllocationError, Share, allocate};
pub use money::{Amount, Currency, MoneyError};
pub use statement::{Statement, UsageRow, settle_year, usage_rows};
