//! The one diff engine for every kind: match desired and live by (kind, region, name),
//! filter by ownership, compare normalized specs attribute by attribute, and decide
//! create / update / replace / delete / no-op from a single table of replace rules.
//!
//! Ownership: a live resource belongs to this stack when its tags say so (invocation
//! logging, which cannot be tagged, when the config declares its region; a guardrail
//! version, when its guardrail is ours). Resources of other stacks are never touched; a
//! desired name taken by another stack is a conflict. A live resource without any
//! ownership tags that the config names explicitly is adopted (its tags are added).

use super::applied;
use super::desired::Desired;
use super::normalize::{comparable_tags, is_taggable, normalize_spec};
use super::readiness::readiness;
use super::scope::Scope;
use super::{Action, AttrChange, Change, Conflict, Plan, Snapshot};
use crate::account::spec::{GuardrailVersionSpec, ProvisionedThroughputSpec, Spec};
use crate::account::{Kind, ModelStatus, Resource};
use crate::kinds::Ownership;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, Default)]
pub struct DiffOptions {
    /// Report drift only; no other changes.
    pub refresh_only: bool,
    /// Keep resources this stack does not own in `Plan::unmanaged`.
    pub show_unmanaged: bool,
    /// Plan the deletion of everything this stack owns (`destroy`).
    pub destroy: bool,
    /// Take over untagged resources the config names (`--adopt`); without it they are
    /// conflicts, never adopted silently (issue 25).
    pub adopt: bool,
}

/// Compare desired with a snapshot of the account.
pub fn diff(desired: &Desired, snap: &Snapshot, opts: DiffOptions) -> Plan {
    diff_owned(desired.clone(), snap.clone(), opts).0
}

/// [`diff`] that consumes its inputs, for large plans: each raw resource is dropped as
/// soon as its normalized form exists, so a plan holds about two copies of the account
/// instead of four. Returns the plan and the raw live resources that a change touches
/// (what guards and saved-plan fingerprints need), plus all live guardrail versions.
///
/// The work is split the way the account is read: one [`diff_list`] per (kind, region)
/// list, then [`finish`]. `apply::plan_config` runs the same two steps, but each
/// `diff_list` on the task that read its list, as soon as the list arrives.
pub fn diff_owned(desired: Desired, snap: Snapshot, opts: DiffOptions) -> (Plan, Snapshot) {
    let Desired {
        scope,
        resources,
        normalized: pre_normalized,
    } = desired;
    let mut split = Split::new(resources, pre_normalized);
    let mut lists: BTreeMap<(Kind, String), Vec<Resource>> = BTreeMap::new();
    let mut live_versions = Vec::new();
    // Only what the scope covers is visible: an unmanaged kind is never touched.
    for r in snap.resources {
        if !scope.covers(r.kind, &r.region) {
            continue;
        }
        if r.kind == Kind::GuardrailVersion {
            live_versions.push(r);
        } else {
            lists.entry((r.kind, r.region.clone())).or_default().push(r);
        }
    }
    for key in split.lists.keys() {
        lists.entry(key.clone()).or_default();
    }
    let mut deferred = Vec::new();
    let mut parts: Vec<Partial> = Vec::new();
    for ((kind, region), live) in lists {
        if is_deferred(kind) {
            deferred.push((split.take(kind, &region), live));
        } else {
            parts.push(diff_list(&scope, opts, split.take(kind, &region), live));
        }
    }
    let known = known_refs(&parts);
    for (desired, live) in deferred {
        parts.push(diff_list(&scope, opts, resolve_refs(desired, &known), live));
    }
    finish(
        &scope,
        opts,
        Finish {
            account_id: snap.account_id,
            parts,
            desired_versions: split.versions,
            live_versions,
            models: snap.models,
        },
    )
}

/// Lists diffed after all others: their desired side refers to resources of the
/// stack by placeholder (`policy::refs`), resolved from the other lists' live ARNs.
pub fn is_deferred(kind: Kind) -> bool {
    kind == Kind::IamRole
}

/// The live ARNs of the resources the other lists matched, by address.
pub fn known_refs(parts: &[Partial]) -> BTreeMap<String, String> {
    crate::policy::refs::known_arns(parts.iter().flat_map(|p| &p.changes).filter_map(|c| {
        // A replaced or deleted resource's ARN goes away with it.
        let live = c
            .before
            .as_ref()
            .filter(|_| !matches!(c.action, Action::Delete | Action::Replace))?;
        Some((
            c.kind,
            c.region.as_str(),
            c.name.as_str(),
            live.id.as_deref(),
        ))
    }))
}

/// `desired` with every placeholder `known` resolves replaced by the live ARN; the
/// rest stay and show as "known after apply".
pub fn resolve_refs(mut desired: Vec<Resource>, known: &BTreeMap<String, String>) -> Vec<Resource> {
    if !known.is_empty() {
        for d in &mut desired {
            crate::policy::refs::substitute_spec(&mut d.spec, known);
        }
    }
    desired
}

/// Desired resources grouped the way the account is listed: by (kind, region), with
/// guardrail versions apart (they are planned in [`finish`]).
#[derive(Debug, Default)]
pub struct Split {
    pub lists: BTreeMap<(Kind, String), Vec<Resource>>,
    pub versions: Vec<Resource>,
}

impl Split {
    /// Group `resources`, normalizing them unless `pre_normalized`.
    pub fn new(resources: Vec<Resource>, pre_normalized: bool) -> Split {
        let mut split = Split::default();
        for d in resources {
            if d.kind == Kind::GuardrailVersion {
                split.versions.push(d);
                continue;
            }
            let d = if pre_normalized { d } else { normalized(&d) };
            split
                .lists
                .entry((d.kind, d.region.clone()))
                .or_default()
                .push(d);
        }
        split
    }

    /// The desired resources of one list (none when the config wants none there).
    pub fn take(&mut self, kind: Kind, region: &str) -> Vec<Resource> {
        self.lists
            .remove(&(kind, region.to_string()))
            .unwrap_or_default()
    }
}

/// What one (kind, region) list decides on its own.
#[derive(Debug, Default)]
pub struct Partial {
    pub changes: Vec<Change>,
    pub conflicts: Vec<Conflict>,
    pub unmanaged: Vec<Resource>,
    /// Changes of live resources changed outside bedrockctl (also in `changes`).
    pub drift: Vec<Change>,
    /// Addresses of updates that could not be classified (no fingerprint).
    pub unverified: Vec<String>,
    /// Raw live resources a change touches.
    pub touched: Vec<Resource>,
    /// (region, name) of the live guardrails this stack owns: their versions are ours.
    pub owned_guardrails: Vec<(String, String)>,
}

/// The rest of a plan, once every list has been through [`diff_list`].
#[derive(Debug, Default)]
pub struct Finish {
    pub account_id: String,
    pub parts: Vec<Partial>,
    /// Desired guardrail versions, as [`Split`] left them.
    pub desired_versions: Vec<Resource>,
    /// Every live guardrail version the scope covers, raw.
    pub live_versions: Vec<Resource>,
    pub models: Vec<ModelStatus>,
}

/// Whether this stack owns a live resource of any kind but a guardrail version.
fn owns(scope: &Scope, r: &Resource) -> bool {
    match crate::kinds::def(r.kind).ownership() {
        Ownership::DeclaredRegion => scope.logging_regions.contains(&r.region),
        // Versions are planned in `finish`, where their guardrails are known.
        Ownership::Tags | Ownership::Parent => r.stack() == Some(scope.stack.as_str()),
    }
}

/// Diff the desired (normalized) and live (raw) resources of one (kind, region) list,
/// matched by name. Not for guardrail versions.
pub fn diff_list(
    scope: &Scope,
    opts: DiffOptions,
    desired: Vec<Resource>,
    live: Vec<Resource>,
) -> Partial {
    let owns = |r: &Resource| owns(scope, r);
    let mut out = Partial::default();
    let mut live_by_name: BTreeMap<String, Resource> =
        live.into_iter().map(|r| (r.name.clone(), r)).collect();
    out.owned_guardrails = live_by_name
        .values()
        .filter(|r| r.kind == Kind::Guardrail && owns(r))
        .map(|r| (r.region.clone(), r.name.clone()))
        .collect();
    let wanted = if opts.destroy { Vec::new() } else { desired };
    // Desired provisioned throughputs without a live namesake: a rename candidate.
    let mut unmatched_pts = Vec::new();
    for after in wanted {
        match live_by_name.remove(&after.name) {
            None if after.kind == Kind::ProvisionedThroughput => unmatched_pts.push(after),
            None => out.changes.push(create(after)),
            Some(l) => matched(&mut out, after, l, &owns, opts.adopt),
        }
    }
    for (after, renamed) in pair_renames(unmatched_pts, &mut live_by_name, &owns) {
        match renamed {
            Some(l) => matched(&mut out, after, l, &owns, opts.adopt),
            None => out.changes.push(create(after)),
        }
    }
    for (_, l) in live_by_name {
        if owns(&l) {
            out.changes.push(Change {
                kind: l.kind,
                region: l.region.clone(),
                name: l.name.clone(),
                action: Action::Delete,
                before: Some(normalized(&l)),
                after: None,
                attrs: Vec::new(),
                adopt: false,
            });
            out.touched.push(l);
        } else if opts.show_unmanaged {
            out.unmanaged.push(l);
        }
    }
    // Sorted here, on the list's own task, so that `finish` only concatenates.
    out.changes.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn part_key(p: &Partial) -> Option<(Kind, &str)> {
    p.changes.first().map(|c| (c.kind, c.region.as_str()))
}

/// Put the lists' parts together, plan the guardrail versions, and order the result.
pub fn finish(scope: &Scope, opts: DiffOptions, f: Finish) -> (Plan, Snapshot) {
    let stack = scope.stack.as_str();
    let owned_guardrails: BTreeSet<(String, String)> = f
        .parts
        .iter()
        .flat_map(|p| p.owned_guardrails.iter().cloned())
        .collect();
    // Versions go with their guardrail: ours when it is ours.
    let owns_version = |r: &Resource| -> bool {
        r.stack() == Some(stack)
            || version_guardrail(r)
                .is_some_and(|g| owned_guardrails.contains(&(r.region.clone(), g)))
    };
    let mut plan = Plan {
        stack: stack.to_string(),
        account_id: f.account_id.clone(),
        refresh_only: opts.refresh_only,
        ..Plan::default()
    };
    let mut touched = Vec::new();
    let mut parts = f.parts;
    parts.sort_by(|a, b| part_key(a).cmp(&part_key(b)));
    // One allocation of the final size: growing by doubling while the parts are still
    // held put a second, larger copy of every change at the peak (issue 21).
    let total: usize = parts.iter().map(|p| p.changes.len()).sum();
    plan.changes.reserve_exact(total + f.desired_versions.len());
    touched.reserve_exact(parts.iter().map(|p| p.touched.len()).sum());
    for p in parts {
        plan.changes.extend(p.changes);
        plan.conflicts.extend(p.conflicts);
        plan.unmanaged.extend(p.unmanaged);
        plan.drift.extend(p.drift);
        plan.drift_unverified.extend(p.unverified);
        touched.extend(p.touched);
    }
    if !opts.destroy {
        let version_refs: Vec<&Resource> = f.live_versions.iter().collect();
        for d in &f.desired_versions {
            let c = plan_version(d, &version_refs, &owns_version);
            if c.action == Action::Create {
                if scope.keep_versions.contains(&d.name) {
                    if let Some(w) = version_quota_warning(d, &version_refs) {
                        plan.warnings.push(w);
                    }
                } else {
                    plan.changes
                        .extend(prune_versions(d, &version_refs, &owns_version));
                }
            }
            plan.changes.push(c);
        }
    }
    // Already in order but for the versions: the sort merges runs in linear time.
    plan.changes
        .sort_by(|a, b| (a.kind, &a.region, &a.name).cmp(&(b.kind, &b.region, &b.name)));
    plan.conflicts.sort_by(|a, b| a.address.cmp(&b.address));
    plan.unmanaged
        .sort_by(|a, b| (a.kind, &a.region, &a.name).cmp(&(b.kind, &b.region, &b.name)));
    // Old versions stay for callers pinned to them, so they are never deleted on their
    // own; they are listed only as unmanaged when not ours.
    if opts.show_unmanaged {
        plan.unmanaged
            .extend(f.live_versions.iter().filter(|v| !owns_version(v)).cloned());
    }
    plan.drift
        .sort_by(|a, b| (a.kind, &a.region, &a.name).cmp(&(b.kind, &b.region, &b.name)));
    plan.drift_unverified.sort();
    if opts.refresh_only {
        plan.changes.clear();
        plan.conflicts.clear();
    }
    if !opts.destroy {
        plan.model_readiness = readiness(&scope.models, &f.models);
    }
    touched.extend(f.live_versions);
    let kept = Snapshot {
        account_id: f.account_id,
        resources: touched,
        models: f.models,
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
    out: &mut Partial,
    after: Resource,
    live: Resource,
    owns: &dyn Fn(&Resource) -> bool,
    adopt: bool,
) {
    let owned = owns(&live);
    if !owned && live.is_managed() {
        out.conflicts.push(Conflict {
            address: after.address(),
            owner: live.stack().unwrap_or("(no stack tag)").to_string(),
            reason: None,
        });
        return;
    }
    if !owned && !adopt {
        out.conflicts.push(Conflict {
            address: after.address(),
            owner: String::new(),
            reason: Some(format!(
                "`{}` already exists and is not owned; adopt it with `import` (`bedrockctl import` prints its config entry, tags included), then `plan --adopt` / `apply --adopt`",
                after.address()
            )),
        });
        return;
    }
    // An adopted resource keeps the tags it already had (issue 25): those the config
    // does not set are carried into the desired side instead of being removed.
    let mut after = after;
    if !owned && is_taggable(live.kind) {
        for (k, v) in comparable_tags(&live.tags) {
            if !k.starts_with("bedrockctl:") && k != crate::account::TAG_MANAGED_BY {
                after.tags.entry(k).or_insert(v);
            }
        }
    }
    let after = after;
    let kind = live.kind;
    let spec = normalize_spec(&live.spec);
    // Live tags compare as they are (no copy) unless they carry AWS-reserved keys.
    let filtered: Option<Tags> = if !is_taggable(kind) {
        Some(Tags::new())
    } else if live
        .tags
        .keys()
        .any(|k| k.starts_with("aws:") || applied::is_bookkeeping(k))
    {
        Some(comparable_tags(&live.tags))
    } else {
        None
    };
    let tags = filtered.as_ref().unwrap_or(&live.tags);
    let mut attrs = Vec::new();
    if live.name != after.name {
        attrs.push(AttrChange {
            path: "name".into(),
            before: Some(Value::from(live.name.as_str())),
            after: Some(Value::from(after.name.as_str())),
            forces_replace: false,
        });
    }
    attrs.extend(changes_between(
        kind,
        (&spec, tags),
        (&after.spec, &after.tags),
    ));
    let action = if attrs.is_empty() {
        Action::NoOp
    } else if attrs.iter().any(|a| a.forces_replace) {
        Action::Replace
    } else {
        Action::Update
    };
    if action == Action::NoOp {
        let mut live = live;
        let tags = filtered.unwrap_or_else(|| std::mem::take(&mut live.tags));
        // Most resources are unchanged: the live one moves into the plan as it is, and a
        // no-op keeps no desired copy (it equals `before` but for the live status; see
        // `Change::desired`), which halves the memory of a large plan that changes little.
        let Resource { region, name, .. } = after;
        out.changes.push(Change {
            kind,
            region,
            name,
            action,
            before: Some(Resource { spec, tags, ..live }),
            after: None,
            attrs,
            adopt: !owned,
        });
        return;
    }
    let before = Resource {
        kind,
        region: live.region.clone(),
        name: live.name.clone(),
        id: live.id.clone(),
        spec,
        tags: filtered.unwrap_or_else(|| live.tags.clone()),
        status: live.status.clone(),
    };
    // Drift is the live resource moving away from what apply wrote; a config edit alone
    // is a pending change. Adoptions have never been applied, so they are neither.
    let origin = if owned {
        applied::origin(&live)
    } else {
        applied::Origin::Config
    };
    out.touched.push(live);
    let mut after = after;
    after.id = before.id.clone();
    let change = Change {
        kind,
        region: after.region.clone(),
        name: after.name.clone(),
        action,
        before: Some(before),
        after: Some(after),
        attrs,
        adopt: !owned,
    };
    match origin {
        applied::Origin::Config => {}
        applied::Origin::Drift => out.drift.push(change.clone()),
        applied::Origin::Unknown => {
            out.unverified.push(change.address());
            out.drift.push(change.clone());
        }
    }
    out.changes.push(change);
}

/// UpdateProvisionedModelThroughput renames a purchase in place, so a desired
/// provisioned throughput with no live namesake is paired with an owned one that would
/// otherwise be deleted: same region, same model units and commitment (what cannot
/// change in place), and the only such candidate on both sides. Anything ambiguous
/// stays a create and a delete, which the commitment guard then refuses if needed.
fn pair_renames(
    unmatched: Vec<Resource>,
    live_by_name: &mut BTreeMap<String, Resource>,
    owns: &dyn Fn(&Resource) -> bool,
) -> Vec<(Resource, Option<Resource>)> {
    // What cannot change in place: region, model units and commitment.
    type Purchase = (String, Option<(u32, String)>);
    let purchase = |r: &Resource| -> Purchase {
        let pt = r.spec.as_kind::<ProvisionedThroughputSpec>();
        (
            r.region.clone(),
            pt.map(|p| (p.model_units, p.commitment.clone())),
        )
    };
    let orphans: Vec<(String, Purchase)> = live_by_name
        .iter()
        .filter(|(_, l)| l.kind == Kind::ProvisionedThroughput && owns(l))
        .map(|(k, l)| (k.clone(), purchase(l)))
        .collect();
    let wanted: Vec<Purchase> = unmatched.iter().map(purchase).collect();
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
                .and_then(|k| live_by_name.remove(k));
            (d, live)
        })
        .collect()
}

/// A desired version is satisfied by any live version of the guardrail with the same
/// content; otherwise a new one is published.
fn plan_version(d: &Resource, live: &[&Resource], owns: &dyn Fn(&Resource) -> bool) -> Change {
    let after = normalized(d);
    let snapshot = |s: &Spec| {
        s.as_kind::<GuardrailVersionSpec>()
            .map(|v| v.snapshot.clone())
    };
    let want = snapshot(&after.spec);
    let found = live.iter().find(|l| {
        l.kind == Kind::GuardrailVersion
            && l.region == d.region
            && version_guardrail(l).as_deref() == Some(d.name.as_str())
            && owns(l)
            && snapshot(&normalize_spec(&l.spec)) == want
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

/// Numbered versions a guardrail may have: the Bedrock default quota, which the sandbox
/// enforces too (`account::sandbox::kinds::guardrail::MAX_VERSIONS`).
pub const MAX_GUARDRAIL_VERSIONS: usize = 20;

/// A warning when publishing the version `d` would exceed the versions quota (issue 25):
/// apply would update the draft and then fail on CreateGuardrailVersion.
fn version_quota_warning(d: &Resource, live: &[&Resource]) -> Option<String> {
    let existing = live
        .iter()
        .filter(|l| {
            l.kind == Kind::GuardrailVersion
                && l.region == d.region
                && version_guardrail(l).as_deref() == Some(d.name.as_str())
        })
        .count();
    (existing >= MAX_GUARDRAIL_VERSIONS).then(|| {
        format!(
            "guardrail `{}` in {} already has {existing} versions, the quota of {MAX_GUARDRAIL_VERSIONS}: publishing version {} will fail; delete versions nothing uses first",
            d.name,
            d.region,
            existing + 1
        )
    })
}

/// Deletes of the oldest owned versions of `d`'s guardrail, so that publishing one more
/// stays within the quota (issue 25: the 21st apply failed, and every plan after it
/// showed "1 to add"). Versions are leaves nothing in a config refers to; the newest
/// are kept. Apply runs version deletes before creates (`apply::execute::stages`).
fn prune_versions(
    d: &Resource,
    live: &[&Resource],
    owns: &dyn Fn(&Resource) -> bool,
) -> Vec<Change> {
    let mut versions: Vec<&Resource> = live
        .iter()
        .copied()
        .filter(|l| {
            l.kind == Kind::GuardrailVersion
                && l.region == d.region
                && version_guardrail(l).as_deref() == Some(d.name.as_str())
        })
        .collect();
    if versions.len() < MAX_GUARDRAIL_VERSIONS {
        return Vec::new();
    }
    let excess = versions.len() + 1 - MAX_GUARDRAIL_VERSIONS;
    versions.sort_by_key(|v| version_number(v));
    versions
        .into_iter()
        .filter(|v| owns(v))
        .take(excess)
        .map(|v| Change {
            kind: v.kind,
            region: v.region.clone(),
            name: v.name.clone(),
            action: Action::Delete,
            before: Some(normalized(v)),
            after: None,
            attrs: Vec::new(),
            adopt: false,
        })
        .collect()
}

/// A version's number: the spec's `version`, else the `NAME:N` suffix.
fn version_number(v: &Resource) -> u64 {
    v.spec
        .as_kind::<GuardrailVersionSpec>()
        .and_then(|g| g.version.parse().ok())
        .or_else(|| v.name.rsplit_once(':').and_then(|(_, n)| n.parse().ok()))
        .unwrap_or(u64::MAX)
}

fn version_guardrail(r: &Resource) -> Option<String> {
    r.spec
        .as_kind::<GuardrailVersionSpec>()
        .map(|g| g.guardrail.clone())
        .filter(|g| !g.is_empty())
        .or_else(|| r.name.split(':').next().map(str::to_string))
}

/// The resource with its spec normalized and only comparable tags.
pub fn normalized(r: &Resource) -> Resource {
    Resource {
        kind: r.kind,
        region: r.region.clone(),
        name: r.name.clone(),
        id: r.id.clone(),
        spec: normalize_spec(&r.spec),
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
    changes_between(
        kind,
        (&before.spec, &before.tags),
        (&after.spec, &after.tags),
    )
}

type Tags = BTreeMap<String, String>;

/// [`attr_changes`] over the normalized spec and comparable tags of each side.
fn changes_between(
    kind: Kind,
    (bs, bt): (&Spec, &Tags),
    (as_, at): (&Spec, &Tags),
) -> Vec<AttrChange> {
    let tags_differ = is_taggable(kind) && bt != at;
    // The common case, nothing changed, costs one typed comparison.
    if bs == as_ && !tags_differ {
        return Vec::new();
    }
    // Field by field in the JSON form, which is what plans show.
    let (bv, av) = (bs.to_value(), as_.to_value());
    let empty = serde_json::Map::new();
    let b = bv.as_object().unwrap_or(&empty);
    let a = av.as_object().unwrap_or(&empty);
    let replace = crate::kinds::def(kind).replace_fields();
    let fields: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let mut out = Vec::new();
    for f in fields {
        let (bv, av) = (b.get(f), a.get(f));
        if bv != av {
            out.push(AttrChange {
                path: f.clone(),
                before: bv.cloned(),
                after: av.cloned(),
                forces_replace: replace.contains(&f.as_str()),
            });
        }
    }
    if tags_differ {
        out.push(AttrChange {
            path: "tags".into(),
            before: serde_json::to_value(bt).ok(),
            after: serde_json::to_value(at).ok(),
            forces_replace: false,
        });
    }
    out
}

/// `a == b`, faster for what a plan compares: both sides come out of the same typed
/// spec, so their object keys are almost always in the same order, and walking the two
/// maps side by side needs no hashing. Any other order falls back to `==`.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() {
                return false;
            }
            for ((kx, vx), (ky, vy)) in x.iter().zip(y.iter()) {
                if kx != ky {
                    return a == b;
                }
                if !same(vx, vy) {
                    return false;
                }
            }
            true
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        _ => a == b,
    }
}
