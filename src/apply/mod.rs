//! Executes a plan against an [`Account`](crate::account::Account): reads live state
//! ([`refresh`]), checks the guards ([`guards`]), runs the changes in dependency order
//! ([`execute`]), and leaves one call site for the access checks that follow an apply
//! ([`post_apply_checks`]).
//!
//! This is the I/O side of the engine; every decision about *what* to change is made by
//! the pure `plan` module from the snapshot read here.

pub mod checks;
pub mod execute;
pub mod guards;
pub mod progress;
pub mod refresh;
pub mod retry;

pub use checks::{post_apply_checks, ChecksOutcome};
pub use execute::{execute, ExecOptions, Outcome};
pub use refresh::{inventory, refresh, Limits};

use crate::account::TAG_PREVENT_DESTROY;
use crate::account::{Account, AccountError};
use crate::config::Config;
use crate::plan::diff::diff_owned;
use crate::plan::{desired, DiffOptions, Plan, Scope, Snapshot};
use std::collections::BTreeSet;
use std::sync::Arc;

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

/// Read the account for `cfg`'s scope and plan against it.
pub async fn plan_config(
    account: Arc<dyn Account>,
    cfg: &Config,
    opts: DiffOptions,
    exec: &ExecOptions,
) -> Result<Planned, ApplyError> {
    let scope = Scope::from_config(cfg);
    // Read the account in the background and build the desired side meanwhile: with
    // the pinned account id as the likely one, most plans never wait for both in turn.
    let reading = {
        let (scope, limits, retry) = (scope.clone(), exec.limits.clone(), exec.retry);
        tokio::spawn(async move { refresh(account, &scope, &limits, retry).await })
    };
    let guess = scope.account_pin.clone();
    let mut early = guess.as_deref().map(|id| {
        let mut d = desired(cfg, id);
        d.normalize();
        d
    });
    let snapshot = reading
        .await
        .map_err(|e| ApplyError::Internal(e.to_string()))??;
    let desired = match early.take() {
        Some(d) if guess.as_deref() == Some(snapshot.account_id.as_str()) => d,
        _ => desired(cfg, &snapshot.account_id),
    };
    let protected = desired
        .resources
        .iter()
        .filter(|r| r.tags.get(TAG_PREVENT_DESTROY).map(String::as_str) == Some("true"))
        .map(|r| r.address())
        .collect();
    let (plan, snapshot) = diff_owned(desired, snapshot, opts);
    Ok(Planned {
        scope,
        protected,
        snapshot,
        plan,
    })
}
