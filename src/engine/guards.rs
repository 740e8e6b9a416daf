//! Guards checked before any change: the `account.id` pin, provisioned throughput inside
//! its commitment term, and `prevent_destroy` (from the config or the live tag).
//!
//! Refusals are whole (design.md): every refusal is collected, and one refusal stops the
//! entire apply before the first call that changes anything.

use crate::account::spec::ProvisionedThroughputSpec;
use crate::account::{Kind, Resource, TAG_PREVENT_DESTROY};
use crate::plan::{Action, Plan, Snapshot};
use std::collections::BTreeSet;

/// What the guards need besides the plan.
pub struct GuardContext<'a> {
    /// `account.id` from the config, if pinned.
    pub account_pin: Option<&'a str>,
    /// Addresses the config marks `prevent_destroy: true` (relevant for `destroy`, where
    /// the plan has no desired side).
    pub config_protected: &'a BTreeSet<String>,
    /// The current time as RFC 3339 UTC (`2026-01-02T03:04:05Z`).
    pub now: &'a str,
}

/// One reason to refuse a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The resource refused; `None` for the whole plan (the account pin).
    pub address: Option<String>,
    pub message: String,
}

/// Every reason to refuse the plan, each naming the resource. Empty: go ahead.
pub fn refusals(plan: &Plan, snap: &Snapshot, ctx: &GuardContext<'_>) -> Vec<String> {
    refused(plan, snap, ctx)
        .into_iter()
        .map(|r| r.message)
        .collect()
}

/// [`refusals`] with the address each one is about, so that `plan` can list them as
/// conflicts before apply would stop on them (issue 25).
pub fn refused(plan: &Plan, snap: &Snapshot, ctx: &GuardContext<'_>) -> Vec<Refusal> {
    let mut out = Vec::new();
    let actionable: Vec<_> = plan.actionable().collect();
    if actionable.is_empty() {
        return out;
    }
    if let Some(pin) = ctx.account_pin {
        if pin != snap.account_id {
            let addrs: Vec<String> = actionable
                .iter()
                .map(|c| format!("`{}`", c.address()))
                .collect();
            out.push(Refusal {
                address: None,
                message: format!(
                    "the config pins account `{pin}` but the credentials are for account `{}`; refusing to change {}",
                    snap.account_id,
                    addrs.join(", ")
                ),
            });
            return out;
        }
    }
    for c in actionable {
        if !matches!(c.action, Action::Delete | Action::Replace) {
            continue;
        }
        let addr = c.address();
        let verb = if c.action == Action::Delete {
            "delete"
        } else {
            "replace"
        };
        let tagged = |r: &Option<Resource>| {
            r.as_ref()
                .and_then(|r| r.tags.get(TAG_PREVENT_DESTROY))
                .map(String::as_str)
                == Some("true")
        };
        // When the config still names the resource it decides (setting the flag to
        // false lifts the protection); once removed from the config, the tag decides.
        let protected = match &c.after {
            Some(_) => tagged(&c.after),
            None => tagged(&c.before),
        } || ctx.config_protected.contains(&addr);
        if protected {
            out.push(Refusal {
                address: Some(addr.clone()),
                message: format!(
                    "`{addr}` has `prevent_destroy` set; refusing to {verb} it\n    hint: set `prevent_destroy: false` and apply first if it really must go"
                ),
            });
        }
        if c.kind == Kind::ProvisionedThroughput {
            let live = snap.resources.iter().find(|r| r.address() == addr);
            if let Some(why) = live.and_then(|l| in_commitment(l, ctx.now)) {
                out.push(Refusal {
                    address: Some(addr.clone()),
                    message: format!(
                        "`{addr}` is inside its commitment term ({why}); refusing to {verb} it"
                    ),
                });
            }
        }
    }
    out
}

/// `Some(description)` while a throughput's commitment has not ended.
fn in_commitment(r: &Resource, now: &str) -> Option<String> {
    let pt = r.spec.as_kind::<ProvisionedThroughputSpec>()?;
    let commitment = pt.commitment.as_str();
    if commitment.is_empty() || commitment == "none" {
        return None;
    }
    match pt.commitment_expiration.as_deref() {
        // RFC 3339 UTC timestamps of the same shape order lexicographically.
        Some(end) if end <= now => None,
        Some(end) => Some(format!("`{commitment}` until {end}")),
        None => Some(format!("`{commitment}`, end unknown")),
    }
}

/// Now as RFC 3339 UTC, overridable with `BEDROCKCTL_NOW` for tests.
pub fn now_rfc3339() -> String {
    if let Ok(n) = std::env::var("BEDROCKCTL_NOW") {
        return n;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let day = crate::catalog::civil_date(secs / 86_400);
    let s = secs % 86_400;
    format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s % 3600 / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::spec::Spec;
    use crate::plan::Change;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn pt(commitment: &str, end: Option<&str>, protect: bool) -> Resource {
        let mut tags = BTreeMap::new();
        if protect {
            tags.insert(TAG_PREVENT_DESTROY.to_string(), "true".to_string());
        }
        Resource {
            kind: Kind::ProvisionedThroughput,
            region: "us-east-1".into(),
            name: "p".into(),
            id: Some("arn:p".into()),
            spec: Spec::from_value(
                Kind::ProvisionedThroughput,
                json!({"model_id": "m", "model_units": 1, "commitment": commitment,
                    "commitment_expiration": end}),
            )
            .unwrap(),
            tags,
            status: None,
        }
    }

    fn delete_plan(r: &Resource) -> (Plan, Snapshot) {
        let plan = Plan {
            changes: vec![Change {
                kind: r.kind,
                region: r.region.clone(),
                name: r.name.clone(),
                action: Action::Delete,
                before: Some(r.clone()),
                after: None,
                attrs: vec![],
                adopt: false,
            }],
            ..Plan::default()
        };
        let snap = Snapshot {
            account_id: "111122223333".into(),
            resources: vec![r.clone()],
            models: vec![],
        };
        (plan, snap)
    }

    fn ctx<'a>(pin: Option<&'a str>, set: &'a BTreeSet<String>) -> GuardContext<'a> {
        GuardContext {
            account_pin: pin,
            config_protected: set,
            now: "2026-06-01T00:00:00Z",
        }
    }

    #[test]
    fn commitment_blocks_until_it_ends() {
        let none = BTreeSet::new();
        let (p, s) = delete_plan(&pt("one_month", Some("2026-07-01T00:00:00Z"), false));
        let r = refusals(&p, &s, &ctx(None, &none));
        assert!(r[0].contains("commitment") && r[0].contains("provisioned_throughput.us-east-1.p"));
        let (p, s) = delete_plan(&pt("one_month", Some("2026-05-01T00:00:00Z"), false));
        assert!(refusals(&p, &s, &ctx(None, &none)).is_empty());
    }

    #[test]
    fn prevent_destroy_tag_alone_refuses() {
        let none = BTreeSet::new();
        let (p, s) = delete_plan(&pt("none", None, true));
        let r = refusals(&p, &s, &ctx(None, &none));
        assert!(r[0].contains("prevent_destroy"), "{r:?}");
    }

    #[test]
    fn account_pin_mismatch_refuses() {
        let none = BTreeSet::new();
        let (p, s) = delete_plan(&pt("none", None, false));
        let r = refusals(&p, &s, &ctx(Some("999999999999"), &none));
        assert!(r[0].contains("account"), "{r:?}");
        assert!(refusals(&p, &s, &ctx(Some("111122223333"), &none)).is_empty());
    }

    #[test]
    fn now_is_rfc3339() {
        let n = now_rfc3339();
        assert_eq!(n.len(), 20, "{n}");
        assert!(n.ends_with('Z'));
    }
}
