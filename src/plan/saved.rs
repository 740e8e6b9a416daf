//! Saved plans (`plan --out PLAN`, `apply PLAN`): a versioned JSON file that pins what
//! was reviewed. It records the config's digest (the config text and every file it
//! references), the account, the changes, and a fingerprint of each live resource a
//! change touches. `apply PLAN` re-reads the account, re-plans, and refuses as `stale`
//! when anything the reviewer saw has moved.
//!
//! No secrets: a plan file holds specs and tags, never credentials.

use super::diff::normalized;
use super::render_json::{write_pretty, ReportJson};
use super::{Action, Plan, Snapshot};
use crate::account::{Kind, Resource};
use crate::span::{SourceId, SourceMap};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const SAVED_FORMAT_VERSION: &str = "1";
/// Fingerprint of a resource that does not exist (yet).
pub const ABSENT: &str = "absent";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedChange {
    pub address: String,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format_version: String,
    pub tool_version: String,
    pub stack: String,
    /// The config file as given to `plan` (absolute when it could be resolved).
    pub config_path: String,
    pub config_digest: String,
    pub account_id: String,
    pub changes: Vec<SavedChange>,
    /// address → fingerprint of the live resource (or `absent`) at plan time.
    pub fingerprints: BTreeMap<String, String>,
}

/// The file `plan --out` writes: the header `apply PLAN` checks, then the rendered plan
/// for humans and CI (`plan`), with its `resource_changes` and `drift` also at the top
/// level, so a tool reading the file finds the same fields as in `plan --format json`.
/// Reading it back ([`parse`]) skips the rendered parts without building them.
#[derive(Serialize)]
struct SavedFile<'a, C, D> {
    #[serde(flatten)]
    header: &'a SavedPlan,
    plan: ReportJson<'a>,
    resource_changes: C,
    drift: D,
}

/// Why a saved plan cannot be applied. Every message contains `stale`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SavedError {
    #[error("cannot read plan file: {0}")]
    Unreadable(String),
    #[error("plan file format `{0}` is not supported (expected `{SAVED_FORMAT_VERSION}`)")]
    Format(String),
    #[error("the saved plan is stale:\n{}", .0.join("\n"))]
    Stale(Vec<String>),
}

/// sha256 of every file a config load read (the config and the policy files it names),
/// in load order, each framed by its length. Names are left out: the same config given
/// as `bedrock.yaml` or as an absolute path is the same config.
pub fn config_digest(sources: &SourceMap) -> String {
    let mut h = Sha256::new();
    let mut i = 0u32;
    while let Some(f) = sources.get(SourceId(i)) {
        h.update((f.text.len() as u64).to_le_bytes());
        h.update(f.text.as_bytes());
        i += 1;
    }
    hex(&h.finalize())
}

/// Digest of a live resource as the plan compares it (status excluded: a throughput
/// moving from `Creating` to `InService` does not make a plan stale).
pub fn fingerprint(r: Option<&Resource>) -> String {
    match r {
        None => ABSENT.to_string(),
        Some(r) => {
            let n = normalized(r);
            let v = serde_json::json!({
                "kind": n.kind, "region": n.region, "name": n.name, "id": n.id,
                "spec": n.spec, "tags": n.tags,
            });
            let mut h = Sha256::new();
            h.update(v.to_string().as_bytes());
            hex(&h.finalize())
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn live_by_address(snap: &Snapshot) -> BTreeMap<String, &Resource> {
    snap.resources
        .iter()
        .filter(|r| r.kind != Kind::GuardrailVersion)
        .map(|r| (r.address(), r))
        .collect()
}

fn fingerprints(plan: &Plan, snap: &Snapshot) -> BTreeMap<String, String> {
    let live = live_by_address(snap);
    plan.actionable()
        .map(|c| {
            // A renamed resource is found under its live (old) address.
            let at = c
                .before
                .as_ref()
                .map_or_else(|| c.address(), Resource::address);
            (c.address(), fingerprint(live.get(&at).copied()))
        })
        .collect()
}

/// The header of a saved plan of `plan` (which the caller has already redacted or
/// which has nothing to redact: the file only ever gets [`write`]'s redacted rendering).
pub fn save(plan: &Plan, snap: &Snapshot, config_path: &str, config_digest: &str) -> SavedPlan {
    SavedPlan {
        format_version: SAVED_FORMAT_VERSION.to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        stack: plan.stack.clone(),
        config_path: config_path.to_string(),
        config_digest: config_digest.to_string(),
        account_id: plan.account_id.clone(),
        changes: plan
            .actionable()
            .map(|c| SavedChange {
                address: c.address(),
                action: c.action,
            })
            .collect(),
        fingerprints: fingerprints(plan, snap),
    }
}

/// Write the saved plan file for `header` (from [`save`]) and `plan` to `w`, rendered
/// as it is written (secrets redacted; see `ReportJson::plan`).
pub fn write(w: &mut impl std::io::Write, header: &SavedPlan, plan: &Plan) -> std::io::Result<()> {
    let rendered = ReportJson::plan(plan);
    write_pretty(
        w,
        &SavedFile {
            header,
            plan: rendered,
            resource_changes: rendered.changes(),
            drift: rendered.drift(),
        },
    )
}

pub fn parse(text: &str) -> Result<SavedPlan, SavedError> {
    // The version first, alone: a file of another version may not fit `SavedPlan`.
    #[derive(Deserialize)]
    struct Version {
        format_version: Option<serde_json::Value>,
    }
    let v: Version =
        serde_json::from_str(text).map_err(|e| SavedError::Unreadable(e.to_string()))?;
    let fv = v
        .format_version
        .as_ref()
        .and_then(|x| x.as_str())
        .unwrap_or("")
        .to_string();
    if fv != SAVED_FORMAT_VERSION {
        return Err(SavedError::Format(fv));
    }
    serde_json::from_str(text).map_err(|e| SavedError::Unreadable(e.to_string()))
}

/// The saved plan was applied already: same config files, same account, it had changes,
/// and a fresh plan has none — the live account now equals the plan's after state (the
/// config is the one the plan was made from). `apply PLAN` then says so instead of
/// calling the plan stale.
pub fn already_applied(saved: &SavedPlan, digest: &str, current: &Plan) -> bool {
    saved.config_digest == digest
        && saved.account_id == current.account_id
        && !saved.changes.is_empty()
        && current.actionable().next().is_none()
}

/// Compare a saved plan with a fresh one over the current account; every difference is
/// listed, each naming the resource.
pub fn check_fresh(
    saved: &SavedPlan,
    digest: &str,
    current: &Plan,
    snap: &Snapshot,
) -> Result<(), SavedError> {
    let mut why = Vec::new();
    if saved.config_digest != digest {
        why.push(format!(
            "  the config `{}` or a file it references changed since the plan was saved (stale)",
            saved.config_path
        ));
    }
    if saved.account_id != current.account_id {
        why.push(format!(
            "  the plan was made for account `{}`, the credentials are for `{}` (stale)",
            saved.account_id, current.account_id
        ));
    }
    let now = fingerprints(current, snap);
    let live = live_by_address(snap);
    for (addr, fp) in &saved.fingerprints {
        let cur = now
            .get(addr)
            .cloned()
            .unwrap_or_else(|| fingerprint(live.get(addr).copied()));
        if &cur != fp {
            why.push(format!(
                "  `{addr}` changed in the account since the plan was saved (stale)"
            ));
        }
    }
    let want: BTreeMap<&str, Action> = saved
        .changes
        .iter()
        .map(|c| (c.address.as_str(), c.action))
        .collect();
    let have: BTreeMap<String, Action> = current
        .actionable()
        .map(|c| (c.address(), c.action))
        .collect();
    for (addr, action) in &have {
        match want.get(addr.as_str()) {
            None => why.push(format!(
                "  `{addr}` would now be {}d, which the saved plan does not include (stale)",
                action.as_str()
            )),
            Some(a) if a != action => why.push(format!(
                "  `{addr}` would now be {}d instead of {}d (stale)",
                action.as_str(),
                a.as_str()
            )),
            _ => {}
        }
    }
    for addr in want.keys() {
        if !have.contains_key(*addr) && !why.iter().any(|w| w.contains(addr)) {
            why.push(format!(
                "  `{addr}` no longer needs the saved change (stale)"
            ));
        }
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(SavedError::Stale(why))
    }
}
