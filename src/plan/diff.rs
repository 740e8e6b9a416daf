//! The one diff engine for every kind: match desired and live by (kind, region, name),
//! filter by ownership, compare normalized specs attribute by attribute, and decide
//! create / update / replace / delete / no-op from a single table of replace rules.
//!
//! Ownership: a live resource belongs to this stack when its tags say so (invocation
//! logging, which cannot be tagged, when the config declares its region; a guardrail
//! version, when its guardrail is ours). Resources of other stacks are never touched; a
//! desired name taken by another stack is a conflict. A live resource without any
//! ownership tags that the config names explicitly is adopted (its tags are added).

use super::desired::Desired;
use super::normalize::{comparable_tags, is_taggable, normalize_spec};
use super::readiness::readiness;
use super::{Action, AttrChange, Change, Conflict, Plan, Snapshot};
use crate::account::{Kind, Resource};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Whether a field can change in place. Fields not listed update in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRule {
    Update,
    Replace,
}

/// The replace rules of every kind, in one place (bedrock-api.md §2). Tags always
/// update in place (TagResource/UntagResource).
pub const RULES: &[(Kind, &str, FieldRule)] = &[
    // UpdateProvisionedModelThroughput changes the name and the model only.
    (Kind::ProvisionedThroughput, "model_id", FieldRule::Update),
    (
        Kind::ProvisionedThroughput,
        "model_units",
        FieldRule::Replace,
    ),
    (
        Kind::ProvisionedThroughput,
        "commitment",
        FieldRule::Replace,
    ),
    // Application inference profiles have no Update operation.
    (Kind::InferenceProfile, "copy_from", FieldRule::Replace),
    (Kind::InferenceProfile, "description", FieldRule::Replace),
    // A version is a snapshot; nothing edits it.
    (Kind::GuardrailVersion, "guardrail", FieldRule::Replace),
    (Kind::GuardrailVersion, "snapshot", FieldRule::Replace),
];

pub fn field_rule(kind: Kind, field: &str) -> FieldRule {
    RULES
        .iter()
        .find(|(k, f, _)| *k == kind && *f == field)
        .map(|(_, _, r)| *r)
        .unwrap_or(FieldRule::Update)
}

#[derive(Debug, Clone, Copy, Default)]
pub struct DiffOptions {
    /// Report drift only; no other changes.
    pub refresh_only: bool,
    /// Keep resources this stack does not own in `Plan::unmanaged`.
    pub show_unmanaged: bool,
    /// Plan the deletion of everything this stack owns (`destroy`).
    pub destroy: bool,
}

type Key = (Kind, String, String);

fn key(r: &Resource) -> Key {
    (r.kind, r.region.clone(), r.name.clone())
}

/// Compare desired with a snapshot of the account.
pub fn diff(desired: &Desired, snap: &Snapshot, opts: DiffOptions) -> Plan {
    diff_owned(desired.clone(), snap.clone(), opts).0
}

/// [`diff`] that consumes its inputs, for large plans: each raw resource is dropped as
/// soon as its normalized form exists, so a plan holds about two copies of the account
/// instead of four. Returns the plan and the raw live resources that a change touches
/// (what guards and saved-plan fingerprints need), plus all live guardrail versions.
pub fn diff_owned(desired: Desired, snap: Snapshot, opts: DiffOptions) -> (Plan, Snapshot) {
    let scope = &desired.scope;
    let stack = scope.stack.as_str();
    // Only what the scope covers is visible: an unmanaged kind is never touched.
    let (versions, others): (Vec<Resource>, Vec<Resource>) = snap
        .resources
        .into_iter()
        .filter(|r| scope.covers(r.kind, &r.region))
        .partition(|r| r.kind == Kind::GuardrailVersion);
    let owned_guardrails: BTreeSet<(String, String)> = others
        .iter()
        .filter(|r| r.kind == Kind::Guardrail && r.stack() == Some(stack))
        .map(|r| (r.region.clone(), r.name.clone()))
        .collect();
    let owns = |r: &Resource| -> bool {
        match r.kind {
            Kind::InvocationLogging => scope.logging_regions.contains(&r.region),
            Kind::GuardrailVersion => {
                r.stack() == Some(stack)
                    || version_guardrail(r)
                        .is_some_and(|g| owned_guardrails.contains(&(r.region.clone(), g)))
            }
            _ => r.stack() == Some(stack),
        }
    };
    let mut live_by_key: BTreeMap<Key, Resource> =
        others.into_iter().map(|r| (key(&r), r)).collect();
    let version_refs: Vec<&Resource> = versions.iter().collect();

    let mut plan = Plan {
        stack: stack.to_string(),
        account_id: snap.account_id.clone(),
        refresh_only: opts.refresh_only,
        ..Plan::default()
    };
    let mut touched: Vec<Resource> = Vec::new();
    let pre_normalized = desired.normalized;
    let wanted = if opts.destroy {
        Vec::new()
    } else {
        desired.resources
    };

    // Desired provisioned throughputs without a live namesake: a rename candidate.
    let mut unmatched_pts = Vec::new();
    for d in wanted {
        if d.kind == Kind::GuardrailVersion {
            plan.changes.push(plan_version(&d, &version_refs, &owns));
            continue;
        }
        let after = if pre_normalized { d } else { normalized(&d) };
        match live_by_key.remove(&key(&after)) {
            None if after.kind == Kind::ProvisionedThroughput => unmatched_pts.push(after),
            None => plan.changes.push(create(after)),
            Some(l) => matched(&mut plan, &mut touched, after, l, &owns),
        }
    }
    for (after, renamed) in pair_renames(unmatched_pts, &mut live_by_key, &owns) {
        match renamed {
            Some(l) => matched(&mut plan, &mut touched, after, l, &owns),
            None => plan.changes.push(create(after)),
        }
    }

    for (_, l) in live_by_key {
        if owns(&l) {
            plan.changes.push(Change {
                kind: l.kind,
                region: l.region.clone(),
                name: l.name.clone(),
                action: Action::Delete,
                before: Some(normalized(&l)),
                after: None,
                attrs: Vec::new(),
                adopt: false,
            });
            touched.push(l);
        } else if opts.show_unmanaged {
            plan.unmanaged.push(l);
        }
    }
    // Versions go with their guardrail and are never deleted on their own (old ones stay
    // for callers pinned to them); they are listed only as unmanaged when not ours.
    for v in &versions {
        if opts.show_unmanaged && !owns(v) {
            plan.unmanaged.push(v.clone());
        }
    }

    plan.changes
        .sort_by(|a, b| (a.kind, &a.region, &a.name).cmp(&(b.kind, &b.region, &b.name)));
    plan.drift = plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, Action::Update | Action::Replace) && !c.adopt)
        .cloned()
        .collect();
    if opts.refresh_only {
        plan.changes.clear();
        plan.conflicts.clear();
    }
    if !opts.destroy {
        plan.model_readiness = readiness(&scope.models, &snap.models);
    }
    touched.extend(versions);
    let kept = Snapshot {
        account_id: snap.account_id,
        resources: touched,
        models: snap.models,
    };
    (plan, kept)
}

fn create(after: Resource) -> Change {
    Change {
        kind: after.kind,
        region: after.region.clone(),
        name: after.name.clone(),
        action: Action::Create,
        before: None,
        after: Some(after),
        attrs: Vec::new(),
        adopt: false,
    }
}

/// The change for a desired resource and the live one it corresponds to (same key, or
/// a renamed provisioned throughput). A live resource another stack owns is a conflict.
fn matched(
    plan: &mut Plan,
    touched: &mut Vec<Resource>,
    after: Resource,
    live: Resource,
    owns: &dyn Fn(&Resource) -> bool,
) {
    let owned = owns(&live);
    if !owned && live.is_managed() {
        plan.conflicts.push(Conflict {
            address: after.address(),
            owner: live.stack().unwrap_or("(no stack tag)").to_string(),
        });
        return;
    }
    let before = normalized(&live);
    let mut attrs = Vec::new();
    if before.name != after.name {
        attrs.push(AttrChange {
            path: "name".into(),
            before: Some(Value::from(before.name.as_str())),
            after: Some(Value::from(after.name.as_str())),
            forces_replace: false,
        });
    }
    attrs.extend(attr_changes(after.kind, &before, &after));
    let action = if attrs.is_empty() {
        Action::NoOp
    } else if attrs.iter().any(|a| a.forces_replace) {
        Action::Replace
    } else {
        Action::Update
    };
    if action != Action::NoOp {
        touched.push(live);
    }
    let mut after = after;
    after.id = before.id.clone();
    plan.changes.push(Change {
        kind: after.kind,
        region: after.region.clone(),
        name: after.name.clone(),
        action,
        before: Some(before),
        // A no-op's desired side equals `before` but for the live status; keeping one
        // copy halves the memory of a large plan that changes little (`Change::desired`).
        after: (action != Action::NoOp).then_some(after),
        attrs,
        adopt: !owned,
    });
}

/// UpdateProvisionedModelThroughput renames a purchase in place, so a desired
/// provisioned throughput with no live namesake is paired with an owned one that would
/// otherwise be deleted: same region, same model units and commitment (what cannot
/// change in place), and the only such candidate on both sides. Anything ambiguous
/// stays a create and a delete, which the commitment guard then refuses if needed.
fn pair_renames(
    unmatched: Vec<Resource>,
    live_by_key: &mut BTreeMap<Key, Resource>,
    owns: &dyn Fn(&Resource) -> bool,
) -> Vec<(Resource, Option<Resource>)> {
    let purchase = |r: &Resource| -> (String, Value, Value) {
        let spec = normalize_spec(r.kind, &r.spec);
        let field = |f: &str| spec.get(f).cloned().unwrap_or(Value::Null);
        (r.region.clone(), field("model_units"), field("commitment"))
    };
    let orphans: Vec<(Key, (String, Value, Value))> = live_by_key
        .iter()
        .filter(|(_, l)| l.kind == Kind::ProvisionedThroughput && owns(l))
        .map(|(k, l)| (k.clone(), purchase(l)))
        .collect();
    let wanted: Vec<(String, Value, Value)> = unmatched.iter().map(purchase).collect();
    unmatched
        .into_iter()
        .zip(&wanted)
        .map(|(d, p)| {
            let mut candidates = orphans.iter().filter(|(_, o)| o == p);
            let unique_live = match (candidates.next(), candidates.next()) {
                (Some((k, _)), None) => Some(k),
                _ => None,
            };
            let unique_desired = wanted.iter().filter(|w| *w == p).count() == 1;
            let live = unique_live
                .filter(|_| unique_desired)
                .and_then(|k| live_by_key.remove(k));
            (d, live)
        })
        .collect()
}

/// A desired version is satisfied by any live version of the guardrail with the same
/// content; otherwise a new one is published.
fn plan_version(d: &Resource, live: &[&Resource], owns: &dyn Fn(&Resource) -> bool) -> Change {
    let after = normalized(d);
    let want = after.spec.get("snapshot");
    let found = live.iter().find(|l| {
        l.kind == Kind::GuardrailVersion
            && l.region == d.region
            && version_guardrail(l).as_deref() == Some(d.name.as_str())
            && owns(l)
            && normalize_spec(Kind::GuardrailVersion, &l.spec).get("snapshot") == want
    });
    match found {
        Some(l) => Change {
            kind: d.kind,
            region: d.region.clone(),
            name: l.name.clone(),
            action: Action::NoOp,
            before: Some(normalized(l)),
            after: Some(Resource {
                id: l.id.clone(),
                ..after
            }),
            attrs: Vec::new(),
            adopt: false,
        },
        None => Change {
            kind: d.kind,
            region: d.region.clone(),
            name: d.name.clone(),
            action: Action::Create,
            before: None,
            after: Some(after),
            attrs: Vec::new(),
            adopt: false,
        },
    }
}

fn version_guardrail(r: &Resource) -> Option<String> {
    r.spec
        .get("guardrail")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| r.name.split(':').next().map(str::to_string))
}

/// The resource with its spec normalized and only comparable tags.
pub fn normalized(r: &Resource) -> Resource {
    Resource {
        kind: r.kind,
        region: r.region.clone(),
        name: r.name.clone(),
        id: r.id.clone(),
        spec: normalize_spec(r.kind, &r.spec),
        tags: if is_taggable(r.kind) {
            comparable_tags(&r.tags)
        } else {
            BTreeMap::new()
        },
        status: r.status.clone(),
    }
}

/// Field-level differences between two normalized resources of `kind`.
pub fn attr_changes(kind: Kind, before: &Resource, after: &Resource) -> Vec<AttrChange> {
    let empty = serde_json::Map::new();
    let b = before.spec.as_object().unwrap_or(&empty);
    let a = after.spec.as_object().unwrap_or(&empty);
    let fields: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let mut out = Vec::new();
    for f in fields {
        let (bv, av) = (b.get(f), a.get(f));
        if bv != av {
            out.push(AttrChange {
                path: f.clone(),
                before: bv.cloned(),
                after: av.cloned(),
                forces_replace: field_rule(kind, f) == FieldRule::Replace,
            });
        }
    }
    if is_taggable(kind) && before.tags != after.tags {
        out.push(AttrChange {
            path: "tags".into(),
            before: serde_json::to_value(&before.tags).ok(),
            after: serde_json::to_value(&after.tags).ok(),
            forces_replace: false,
        });
    }
    out
}
