//! The access checks that follow an apply (design.md: `apply` exits 3 when the changes
//! were made but a check fails).
//!
//! [`post_apply_checks`] is the one call site; the IAM evaluator that runs the
//! `access_checks:` assertions is wired in here by its owner. Until then the checks are
//! reported as not run, never as passed.

use crate::account::Account;
use crate::config::Config;

/// What the checks after an apply found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChecksOutcome {
    pub ran: usize,
    pub failed: Vec<String>,
    /// Checks the config declares that could not be run, with the reason.
    pub not_run: Option<(usize, String)>,
}

impl ChecksOutcome {
    pub fn any_failed(&self) -> bool {
        !self.failed.is_empty()
    }
}

/// Run the config's `access_checks` against the account as it is after the apply.
pub async fn post_apply_checks(cfg: &Config, _account: &dyn Account) -> ChecksOutcome {
    let declared = cfg.access_checks.len();
    if declared == 0 {
        return ChecksOutcome::default();
    }
    ChecksOutcome {
        ran: 0,
        failed: Vec::new(),
        not_run: Some((
            declared,
            "the access-check evaluator is not wired into apply in this build; run `bedrockctl check`".into(),
        )),
    }
}
