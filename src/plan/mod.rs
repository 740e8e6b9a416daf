//! Desired (config) vs live (account) → an ordered change set; renderers; saved plans.
//!
//! Architecture invariant: `plan` does no I/O; it works on snapshots read through `account`
//! (see `apply::refresh`, which fills a [`Snapshot`] for a [`Scope`]). Everything here is
//! a pure function of the config, the snapshot and the options, so plans are reproducible
//! and testable with in-memory fixtures.

pub mod access;
pub mod adopt;
pub mod applied;
pub mod desired;

pub mod diff;
pub mod normalize;
pub mod readiness;
pub mod render_json;
pub mod render_md;
pub mod render_text;
pub mod render_tree;
pub mod report;
pub mod saved;
pub mod scope;

pub use desired::{desired, Desired};
pub use diff::{diff, DiffOptions};
pub use readiness::Readiness;
pub use scope::Scope;

use crate::account::{Kind, ModelStatus, Resource};
use serde::{Deserialize, Serialize};

/// What the plan does to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
    NoOp,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::NoOp => "no-op",
        }
    }
}

/// One attribute that differs between live and desired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttrChange {
    /// Top-level spec field, or `tags`.
    pub path: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// The service cannot change this field in place.
    pub forces_replace: bool,
}

/// A planned change to one resource. `before` is the live resource (normalized),
/// `after` the desired one (normalized).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub kind: Kind,
    pub region: String,
    pub name: String,
    pub action: Action,
    pub before: Option<Resource>,
    pub after: Option<Resource>,
    #[serde(default)]
    pub attrs: Vec<AttrChange>,
    /// The live resource exists but carries no ownership tags yet; this change adopts it.
    #[serde(default)]
    pub adopt: bool,
}

impl Change {
    pub fn address(&self) -> String {
        format!("{}.{}.{}", self.kind, self.region, self.name)
    }

    pub fn is_change(&self) -> bool {
        self.action != Action::NoOp
    }

    /// The desired side. A no-op may keep only `before`: the two are equal but for the
    /// live `status`, which the desired side never has.
    pub fn desired(&self) -> Option<std::borrow::Cow<'_, Resource>> {
        match (&self.after, &self.before) {
            (Some(a), _) => Some(std::borrow::Cow::Borrowed(a)),
            (None, Some(b)) if self.action == Action::NoOp => {
                Some(std::borrow::Cow::Owned(Resource {
                    status: None,
                    ..b.clone()
                }))
            }
            _ => None,
        }
    }
}

/// A resource the plan cannot touch: its name is taken by a resource another stack
/// owns, or (with a `reason`) apply's guards will refuse the change (issue 25).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub address: String,
    /// The stack that owns the resource (this stack's own name for a refusal, empty for
    /// an unowned resource).
    pub owner: String,
    /// Why apply will refuse the change; `None` for a resource of another stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Conflict {
    /// The one-line explanation the renderers show.
    pub fn describe(&self) -> String {
        match &self.reason {
            Some(r) => r.lines().next().unwrap_or(r).to_string(),
            None => format!(
                "{} exists and is owned by stack `{}`; bedrockctl will not touch it",
                self.address, self.owner
            ),
        }
    }
}

/// Everything read from the account for one plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub account_id: String,
    /// Every resource listed for the scope's (kind, region) pairs, managed or not.
    pub resources: Vec<Resource>,
    /// Model statuses for the scope's model requirements.
    pub models: Vec<ModelStatus>,
}

/// The result of planning: changes in address order, drift, readiness.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub stack: String,
    pub account_id: String,
    pub changes: Vec<Change>,
    /// Only real drift: owned resources changed outside bedrockctl (see [`applied`]).
    pub drift: Vec<Change>,
    /// Addresses of updates that count as drift only because nothing records what was
    /// applied (no `bedrockctl:applied` tag, or a kind that cannot be tagged).
    #[serde(default)]
    pub drift_unverified: Vec<String>,
    pub conflicts: Vec<Conflict>,
    pub unmanaged: Vec<Resource>,
    pub model_readiness: Vec<Readiness>,
    pub refresh_only: bool,
    /// Things apply is likely to fail on, known at plan time (guardrail version quota).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub replace: usize,
    pub destroy: usize,
}

impl Plan {
    /// Anything to do, or any drift to report (what `--detailed-exitcode` reports as 2).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(Change::is_change) || !self.drift.is_empty()
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            match c.action {
                Action::Create => s.add += 1,
                Action::Update => s.change += 1,
                Action::Replace => s.replace += 1,
                Action::Delete => s.destroy += 1,
                Action::NoOp => {}
            }
        }
        s
    }

    /// Changes that do something, in the order the plan lists them.
    pub fn actionable(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.is_change())
    }
}

/// Errors that stop planning.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    Invalid(String),
}

#[cfg(test)]
mod tests;
