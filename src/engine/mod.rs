//! Executes a plan against an [`Account`](crate::account::Account): reads live state
//! ([`refresh`], or [`plan_config`], which diffs each list as it arrives), checks the guards ([`guards`]), runs the changes in dependency order
//! ([`execute`]), and leaves one call site for the access checks that follow an apply
//! ([`post_apply_checks`]).
//!
//! This is the I/O side of the engine; every decision about *what* to change is made by
//! the pure `plan` module from what is read here.

pub mod access;
pub mod execute;
pub mod guards;
pub mod planning;
pub mod progress;
mod record;
pub mod refresh;

pub use crate::check::post_apply::{post_apply_checks, ChecksOutcome};
pub use execute::{execute, ExecOptions, Outcome};
pub use planning::plan_config;
pub use refresh::{inventory, refresh, Limits};

use crate::account::AccountError;
use crate::plan::{Plan, Scope, Snapshot};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApplyError {
    #[error("cannot read {what}: {source}")]
    Read {
        what: String,
        #[source]
        source: AccountError,
    },
    #[error("{0}")]
    Internal(String),
}

impl ApplyError {
    pub fn read(what: &str, source: AccountError) -> Self {
        ApplyError::Read {
            what: what.to_string(),
            source,
        }
    }
}

/// Everything one planning pass produced, and what the guards and saved plans need
/// later. The snapshot keeps only resources that a change touches: no-op resources are
/// already in the plan, and a second copy of each would double a large plan's memory.
#[derive(Debug, Clone)]
pub struct Planned {
    pub scope: Scope,
    /// Addresses the config marks `prevent_destroy: true`.
    pub protected: BTreeSet<String>,
    pub snapshot: Snapshot,
    pub plan: Plan,
}
