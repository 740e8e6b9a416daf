//! The plan as JSON (design.md "Plan JSON", documented in docs/plan-json.md and
//! docs/plan.schema.json): `format_version`, `resource_changes`, `drift`,
//! `model_readiness`, `access_checks`, `conflicts`, `summary`. Several configs planned at
//! once give `{"format_version": "1", "stacks": [plan, …]}`.

use super::normalize::is_taggable;
use super::report::{redacted_change, CheckRow, Locations, Report, StackReport, NO_LOCATIONS};
use super::{Change, Plan};
use crate::account::Resource;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::io::Write;

pub const FORMAT_VERSION: &str = "1";

/// `before`/`after` as one attribute object: the spec's fields, `tags`, and `id` when known.
pub fn attributes(r: &Resource) -> Value {
    let mut m = match r.spec.to_value() {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("spec".into(), other);
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
    let after = c.desired().map(|r| attributes(&r));
    let unknown = after
        .as_ref()
        .map(crate::policy::refs::unknown_pointers)
        .unwrap_or_default();
    let mut v = json!({
        "address": c.address(),
        "kind": c.kind.as_str(),
        "name": c.name,
        "region": c.region,
        "actions": [c.action.as_str()],
        "before": c.before.as_ref().map(attributes),
        "after": after,
        "changed_attributes": c.attrs.iter().map(|a| json!({
            "path": a.path,
            "before": a.before,
            "after": a.after,
            "forces_replace": a.forces_replace,
        })).collect::<Vec<_>>(),
        "adopt": c.adopt,
        "location": location,
    });
    // Values only apply can know (a resource of the stack created in the same run):
    // JSON pointers into `after`, whose strings hold `${ADDRESS.arn}` placeholders.
    if !unknown.is_empty() {
        if let Value::Object(m) = &mut v {
            m.insert("after_unknown".into(), json!(unknown));
        }
    }
    v
}

/// The whole plan as a JSON value, without config locations or access checks.
pub fn plan_json(plan: &Plan) -> Value {
    to_value(ReportJson::plan(plan))
}

/// One config's report as a JSON value.
pub fn report_json(r: &Report) -> Value {
    to_value(ReportJson::of(r))
}

fn to_value(r: ReportJson<'_>) -> Value {
    serde_json::to_value(r).unwrap_or(Value::Null)
}

/// One config's report in the plan JSON shape, serialized straight from the plan:
/// `resource_changes` and `drift` become JSON one change at a time, so a large plan
/// is never held as one JSON value (10,000 changes are ~200 MB as a `Value`).
#[derive(Clone, Copy)]
pub struct ReportJson<'a> {
    config: &'a str,
    plan: &'a Plan,
    /// The plan's changes still need [`redacted_change`] (a bare plan).
    redact: bool,
    access_checks: Option<&'a [CheckRow]>,
    access_checks_error: Option<&'a str>,
    locations: &'a Locations,
}

impl<'a> ReportJson<'a> {
    pub fn of(r: &'a Report) -> Self {
        ReportJson {
            config: &r.config,
            plan: &r.plan,
            redact: false,
            access_checks: r.access_checks.as_deref(),
            access_checks_error: r.access_checks_error.as_deref(),
            locations: &r.locations,
        }
    }

    /// A plan alone, like [`Report::bare`] (redacted as it is written) without its copy.
    pub fn plan(plan: &'a Plan) -> Self {
        ReportJson {
            config: "",
            plan,
            redact: true,
            access_checks: None,
            access_checks_error: None,
            locations: &NO_LOCATIONS,
        }
    }

    fn location(&self, line: Option<usize>) -> Option<Value> {
        line.filter(|_| !self.config.is_empty())
            .map(|l| json!({"file": self.config, "line": l}))
    }

    /// `resource_changes`, as written.
    pub fn changes(self) -> impl Serialize + 'a {
        Changes(self, &self.plan.changes)
    }

    /// `drift`, as written.
    pub fn drift(self) -> impl Serialize + 'a {
        Changes(self, &self.plan.drift)
    }
}

struct Changes<'a>(ReportJson<'a>, &'a [Change]);

impl Serialize for Changes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.0;
        s.collect_seq(self.1.iter().map(|c| {
            let at = r.location(r.locations.line_of(c));
            if r.redact {
                change_json_at(&redacted_change(c), at)
            } else {
                change_json_at(c, at)
            }
        }))
    }
}

impl Serialize for ReportJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let plan = self.plan;
        let sum = plan.summary();
        let checks = self.access_checks.map(|rows| {
            rows.iter()
                .map(|c| {
                    let mut v = c.result.to_json();
                    v["location"] = json!(self.location(c.line));
                    v
                })
                .collect::<Vec<_>>()
        });
        let all_checks = self.access_checks.unwrap_or(&[]);
        let failed = all_checks.iter().filter(|c| !c.result.pass).count();
        let readiness: Vec<Value> = plan
            .model_readiness
            .iter()
            .map(|m| {
                let mut v = json!(m);
                v["location"] = json!(self.location(self.locations.model(&m.model_id, &m.region)));
                v
            })
            .collect();
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("format_version", FORMAT_VERSION)?;
        m.serialize_entry("config", &Some(self.config).filter(|c| !c.is_empty()))?;
        m.serialize_entry("stack", &plan.stack)?;
        m.serialize_entry("account_id", &plan.account_id)?;
        m.serialize_entry("refresh_only", &plan.refresh_only)?;
        m.serialize_entry("resource_changes", &self.changes())?;
        m.serialize_entry("drift", &self.drift())?;
        m.serialize_entry("drift_unverified", &plan.drift_unverified)?;
        m.serialize_entry("conflicts", &plan.conflicts)?;
        m.serialize_entry("warnings", &plan.warnings)?;
        m.serialize_entry("model_readiness", &readiness)?;
        m.serialize_entry("access_checks", &checks)?;
        m.serialize_entry(
            "summary",
            &json!({
                "add": sum.add, "change": sum.change, "replace": sum.replace,
                "destroy": sum.destroy,
                "drift": plan.drift.len(),
                "checks_passed": all_checks.len() - failed,
                "checks_failed": failed,
                "models_not_ready": plan.model_readiness.iter().filter(|m| !m.ready).count(),
            }),
        )?;
        m.serialize_entry("has_changes", &plan.has_changes())?;
        if let Some(e) = self.access_checks_error {
            m.serialize_entry("access_checks_error", e)?;
        }
        if !plan.unmanaged.is_empty() {
            let unmanaged: Vec<Value> = plan
                .unmanaged
                .iter()
                .map(|r| {
                    json!({
                        "address": r.address(), "kind": r.kind.as_str(), "name": r.name,
                        "region": r.region, "id": r.id,
                    })
                })
                .collect();
            m.serialize_entry("unmanaged", &unmanaged)?;
        }
        m.end()
    }
}

/// Pretty JSON of `v` and a newline, written to `w` as it is produced.
pub fn write_pretty(w: &mut impl Write, v: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, v)?;
    w.write_all(b"\n")
}

fn pretty(v: &impl Serialize) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_pretty(&mut out, v);
    String::from_utf8(out).unwrap_or_default()
}

pub fn render_json(plan: &Plan) -> String {
    pretty(&ReportJson::plan(plan))
}

pub fn render_report(r: &Report) -> String {
    pretty(&ReportJson::of(r))
}

/// Several configs: `{"format_version": "1", "stacks": [...]}`; a config that could not
/// be planned is `{"config": …, "error": "…"}`.
pub fn render_stacks(stacks: &[StackReport]) -> String {
    pretty(&Stacks(stacks))
}

/// [`render_stacks`], written to `w` as it is produced.
pub fn write_stacks(w: &mut impl Write, stacks: &[StackReport]) -> std::io::Result<()> {
    write_pretty(w, &Stacks(stacks))
}

struct Stacks<'a>(&'a [StackReport]);

impl Serialize for Stacks<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct One<'a>(&'a StackReport);
        impl Serialize for One<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self.0 {
                    StackReport::Planned(r) => ReportJson::of(r).serialize(s),
                    StackReport::Failed { config, error } => {
                        json!({"config": config, "error": error}).serialize(s)
                    }
                }
            }
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("format_version", FORMAT_VERSION)?;
        m.serialize_entry("stacks", &Seq(self.0.iter().map(One)))?;
        m.end()
    }
}

/// A sequence serialized from an iterator that can be walked again (cloned).
struct Seq<I>(I);

impl<I: Iterator + Clone> Serialize for Seq<I>
where
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone())
    }
}
