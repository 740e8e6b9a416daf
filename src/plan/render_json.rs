//! The plan as JSON (design.md "Plan JSON"): `format_version`, `resource_changes`,
//! `drift`, plus `model_readiness`, `conflicts`, `summary` and an `access_checks` slot
//! that `apply`/CI fill when checks run.

use super::normalize::is_taggable;
use super::{Change, Plan};
use crate::account::Resource;
use serde_json::{json, Map, Value};

pub const FORMAT_VERSION: &str = "1";

/// `before`/`after` as one attribute object: the spec's fields, `tags`, and `id` when known.
pub fn attributes(r: &Resource) -> Value {
    let mut m = match &r.spec {
        Value::Object(m) => m.clone(),
        other => {
            let mut m = Map::new();
            m.insert("spec".into(), other.clone());
            m
        }
    };
    if is_taggable(r.kind) {
        m.insert("tags".into(), json!(r.tags));
    }
    if let Some(id) = &r.id {
        m.insert("id".into(), json!(id));
    }
    if let Some(s) = &r.status {
        m.insert("status".into(), json!(s));
    }
    Value::Object(m)
}

pub fn change_json(c: &Change) -> Value {
    json!({
        "address": c.address(),
        "kind": c.kind.as_str(),
        "name": c.name,
        "region": c.region,
        "actions": [c.action.as_str()],
        "before": c.before.as_ref().map(attributes),
        "after": c.after.as_ref().map(attributes),
        "changed_attributes": c.attrs.iter().map(|a| json!({
            "path": a.path,
            "forces_replace": a.forces_replace,
        })).collect::<Vec<_>>(),
        "adopt": c.adopt,
    })
}

/// The whole plan as a JSON value.
pub fn plan_json(plan: &Plan, access_checks: Option<Value>) -> Value {
    let s = plan.summary();
    let mut v = json!({
        "format_version": FORMAT_VERSION,
        "stack": plan.stack,
        "account_id": plan.account_id,
        "refresh_only": plan.refresh_only,
        "resource_changes": plan.changes.iter().map(change_json).collect::<Vec<_>>(),
        "drift": plan.drift.iter().map(change_json).collect::<Vec<_>>(),
        "conflicts": plan.conflicts,
        "model_readiness": plan.model_readiness,
        "access_checks": access_checks.unwrap_or(Value::Null),
        "summary": {"add": s.add, "change": s.change, "replace": s.replace, "destroy": s.destroy},
        "has_changes": plan.has_changes(),
    });
    if !plan.unmanaged.is_empty() {
        v["unmanaged"] = plan
            .unmanaged
            .iter()
            .map(|r| {
                json!({
                    "address": r.address(), "kind": r.kind.as_str(), "name": r.name,
                    "region": r.region, "id": r.id,
                })
            })
            .collect();
    }
    v
}

pub fn render_json(plan: &Plan) -> String {
    let mut s = serde_json::to_string_pretty(&plan_json(plan, None)).unwrap_or_default();
    s.push('\n');
    s
}
