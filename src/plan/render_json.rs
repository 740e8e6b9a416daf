//! The plan as JSON (design.md "Plan JSON", documented in docs/plan-json.md and
//! docs/plan.schema.json): `format_version`, `resource_changes`, `drift`,
//! `model_readiness`, `access_checks`, `conflicts`, `summary`. Several configs planned at
//! once give `{"format_version": "1", "stacks": [plan, …]}`.

use super::normalize::is_taggable;
use super::report::{Report, StackReport};
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
    change_json_at(c, None)
}

fn change_json_at(c: &Change, location: Option<Value>) -> Value {
    json!({
        "address": c.address(),
        "kind": c.kind.as_str(),
        "name": c.name,
        "region": c.region,
        "actions": [c.action.as_str()],
        "before": c.before.as_ref().map(attributes),
        "after": c.desired().map(|r| attributes(&r)),
        "changed_attributes": c.attrs.iter().map(|a| json!({
            "path": a.path,
            "before": a.before,
            "after": a.after,
            "forces_replace": a.forces_replace,
        })).collect::<Vec<_>>(),
        "adopt": c.adopt,
        "location": location,
    })
}

/// The whole plan as a JSON value, without config locations; `access_checks` as given
/// (`null` when they were not run).
pub fn plan_json(plan: &Plan, access_checks: Option<Value>) -> Value {
    let mut v = report_json(&Report::bare(plan));
    v["access_checks"] = access_checks.unwrap_or(Value::Null);
    v
}

/// One config's report as a JSON value.
pub fn report_json(r: &Report) -> Value {
    let plan = &r.plan;
    let s = plan.summary();
    let loc = |line: Option<usize>| {
        line.filter(|_| !r.config.is_empty())
            .map(|l| json!({"file": r.config, "line": l}))
    };
    let checks = r.access_checks.as_ref().map(|rows| {
        rows.iter()
            .map(|c| {
                let mut v = c.result.to_json();
                v["location"] = json!(loc(c.line));
                v
            })
            .collect::<Vec<_>>()
    });
    let failed = r.failed_checks().count();
    let mut v = json!({
        "format_version": FORMAT_VERSION,
        "config": if r.config.is_empty() { Value::Null } else { json!(r.config) },
        "stack": plan.stack,
        "account_id": plan.account_id,
        "refresh_only": plan.refresh_only,
        "resource_changes": plan.changes.iter()
            .map(|c| change_json_at(c, loc(r.line_of(c))))
            .collect::<Vec<_>>(),
        "drift": plan.drift.iter()
            .map(|c| change_json_at(c, loc(r.line_of(c))))
            .collect::<Vec<_>>(),
        "conflicts": plan.conflicts,
        "model_readiness": plan.model_readiness.iter().map(|m| {
            let mut v = json!(m);
            v["location"] = json!(loc(r.locations.model(&m.model_id, &m.region)));
            v
        }).collect::<Vec<_>>(),
        "access_checks": checks,
        "summary": {
            "add": s.add, "change": s.change, "replace": s.replace, "destroy": s.destroy,
            "drift": plan.drift.len(),
            "checks_passed": r.checks().len() - failed,
            "checks_failed": failed,
            "models_not_ready": plan.model_readiness.iter().filter(|m| !m.ready).count(),
        },
        "has_changes": plan.has_changes(),
    });
    if let Some(e) = &r.access_checks_error {
        v["access_checks_error"] = json!(e);
    }
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

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

pub fn render_json(plan: &Plan) -> String {
    pretty(&report_json(&Report::bare(plan)))
}

pub fn render_report(r: &Report) -> String {
    pretty(&report_json(r))
}

/// Several configs: `{"format_version": "1", "stacks": [...]}`; a config that could not
/// be planned is `{"config": …, "error": "…"}`.
pub fn render_stacks(stacks: &[StackReport]) -> String {
    let list: Vec<Value> = stacks
        .iter()
        .map(|s| match s {
            StackReport::Planned(r) => report_json(r),
            StackReport::Failed { config, error } => json!({"config": config, "error": error}),
        })
        .collect();
    pretty(&json!({"format_version": FORMAT_VERSION, "stacks": list}))
}
