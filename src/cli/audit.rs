//! `audit:` in `plan` and `check`: read the trails, print the findings as diagnostics at
//! the config's `audit.cloudtrail` value (FILE:LINE:COL, like lint findings), and say
//! whether one is an error (docs/audit.md).

use bedrockctl::account::Account;
use bedrockctl::audit::{self, Finding};
use bedrockctl::config::Config;
use bedrockctl::diag::Severity;
use bedrockctl::plan::Action;
use bedrockctl::span::SourceMap;

/// The findings of the config's `audit:`, `None` when it has none.
pub(crate) async fn findings(cfg: &Config, account: &dyn Account) -> Option<Vec<Finding>> {
    cfg.audit.as_ref()?;
    Some(audit::read::audit(cfg, account).await)
}

/// Each finding as a diagnostic on stderr.
pub(crate) fn print_diagnostics(cfg: &Config, sources: &SourceMap, findings: &[Finding]) {
    let span = cfg.audit.as_ref().map(|a| a.cloudtrail.span);
    for f in findings {
        eprint!("{}", f.to_diagnostic(span).render(sources));
    }
}

pub(crate) fn has_error(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Whether the trails of a region could not be listed at all: then `check` did not run
/// fine, which is exit 1 (design.md), not 3.
pub(crate) fn unreadable(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|f| f.code == bedrockctl::audit::RULE_UNREADABLE.code)
}

/// With `manage`, a plan that creates or updates the stack's trail reports the account
/// as it is today: say that applying it is what closes the gaps.
pub(crate) fn note_planned_trail(plan: &bedrockctl::plan::Plan, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    for c in plan
        .changes
        .iter()
        .filter(|c| c.kind == bedrockctl::account::Kind::CloudTrailTrail)
        .filter(|c| matches!(c.action, Action::Create | Action::Update | Action::Replace))
    {
        eprintln!(
            "note: these findings describe the account's trails today; `{}` ({}) records what this config uses once applied",
            c.address(),
            c.action.as_str()
        );
    }
}
