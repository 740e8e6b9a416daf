//! The audit report (`bedrockctl report`): one data model gathered from the engines
//! that already exist — the access grid (`iam::matrix`), the access checks
//! (`iam::access`), lint (`policy::lint`), the plan with its drift and model readiness
//! (`plan`) — rendered as one self-contained HTML page ([`html`]) or as JSON
//! ([`Report::to_json`], the same data; shape in `docs/report.md`).
//!
//! Pure: no I/O. `cli/report.rs` reads the config and the account and hands the
//! results in. Nothing here evaluates a policy or diffs a resource; it only arranges.

pub mod html;

use crate::catalog::{catalog, Knowledge};
use crate::check::access::CheckResult;
use crate::check::matrix::{Cell, Shade, GUARDRAIL_KEY};
use crate::diag::Diagnostic;
use crate::iam::Effect;
use crate::plan::{Plan, Scope};
use crate::span::SourceMap;
use serde_json::{json, Value};
use std::collections::hash_map::{Entry, HashMap};

/// Version of the JSON shape (`format_version`).
pub const FORMAT_VERSION: &str = "1";

/// Where the report's facts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The config alone: no account section, readiness from the embedded catalog.
    Offline,
    /// The file-backed sandbox account in this directory.
    Sandbox(String),
    /// An AWS account through the standard credential chain.
    Account,
}

impl Source {
    pub fn mode(&self) -> &'static str {
        match self {
            Source::Offline => "offline",
            Source::Sandbox(_) => "sandbox",
            Source::Account => "account",
        }
    }
}

/// One distinct explanation shared by many cells (a 200-role grid has few).
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub shade: Shade,
    pub decision: &'static str,
    pub text: String,
    /// `[(policy_type, policy, statement, effect)]` of the deciding statements.
    pub evidence: Vec<(String, String, String, &'static str)>,
}

/// One grid cell, pointing at its [`Reason`].
#[derive(Debug, Clone, PartialEq)]
pub struct CellRow {
    pub role: usize,
    pub model: usize,
    pub region: usize,
    pub shade: Shade,
    pub reason: usize,
}

/// One model in one region: usable as the config says, or why not.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadinessRow {
    pub model: String,
    pub region: String,
    pub via: String,
    /// `ready`, `not_ready`, `unknown`.
    pub status: &'static str,
    /// `account` (read from it) or `catalog` (offline).
    pub source: &'static str,
    pub problem: Option<String>,
    pub message: Option<String>,
    pub fix: Option<String>,
}

/// A lint finding with its position as `FILE:LINE:COL`.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: String,
    pub code: String,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u64>,
    pub column: Option<u64>,
}

impl Finding {
    pub fn location(&self) -> String {
        match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
            (Some(f), _, _) => f.clone(),
            _ => String::new(),
        }
    }
}

/// One planned change or drift entry.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub address: String,
    pub action: String,
    pub attrs: Vec<String>,
}

/// The pending plan, in summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanSummary {
    pub add: usize,
    pub change: usize,
    pub replace: usize,
    pub destroy: usize,
    pub changes: Vec<PlanRow>,
    pub drift: Vec<PlanRow>,
    pub drift_unverified: Vec<String>,
    pub conflicts: Vec<String>,
    pub warnings: Vec<String>,
}

/// Everything one report shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub generated_at: String,
    pub version: String,
    pub config: String,
    pub stack: String,
    pub source: Source,
    /// The account id the grid was built for (the pin, the account's, or the default).
    pub account_id: String,
    pub action: String,
    pub roles: Vec<String>,
    pub models: Vec<String>,
    pub regions: Vec<String>,
    pub reasons: Vec<Reason>,
    pub cells: Vec<CellRow>,
    pub checks: Vec<CheckResult>,
    pub readiness: Vec<ReadinessRow>,
    pub lint: Vec<Finding>,
    /// `None` offline: no account, no plan.
    pub plan: Option<PlanSummary>,
}

/// What [`Report::build`] takes.
pub struct Inputs<'a> {
    pub generated_at: String,
    pub version: String,
    pub config: String,
    pub stack: String,
    pub source: Source,
    pub account_id: String,
    pub action: String,
    pub regions: Vec<String>,
    pub cells: &'a [Cell],
    pub checks: Vec<CheckResult>,
    /// The scope's model needs, judged from the catalog when there is no plan.
    pub scope: &'a Scope,
    pub lint: &'a [Diagnostic],
    pub sources: &'a SourceMap,
    pub plan: Option<&'a Plan>,
}

impl Report {
    pub fn build(i: Inputs<'_>) -> Report {
        let mut roles: Vec<String> = Vec::new();
        let mut models: Vec<String> = Vec::new();
        let mut reasons: Vec<Reason> = Vec::new();
        let mut cells = Vec::with_capacity(i.cells.len());
        // Cells arrive role-major; the last role/model looked up is nearly always the
        // one wanted, so the index lookups stay cheap on a 200,000-cell grid.
        let mut reason_index: HashMap<(Shade, String), usize> = HashMap::new();
        let mut role_index: HashMap<String, usize> = HashMap::new();
        let mut model_index: HashMap<String, usize> = HashMap::new();
        for c in i.cells {
            let role = index_of(&mut roles, &mut role_index, &c.role);
            let model = index_of(&mut models, &mut model_index, &c.model);
            let region = i.regions.iter().position(|r| *r == c.region).unwrap_or(0);
            let shade = c.shade();
            let text = c.why();
            let reason = match reason_index.entry((shade, text)) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => {
                    reasons.push(Reason {
                        shade,
                        decision: c.decision.as_str(),
                        text: e.key().1.clone(),
                        evidence: c
                            .evidence
                            .iter()
                            .map(|e| {
                                (
                                    e.policy_type.as_str().to_string(),
                                    e.policy.clone(),
                                    e.statement.clone(),
                                    match e.effect {
                                        Effect::Allow => "Allow",
                                        Effect::Deny => "Deny",
                                    },
                                )
                            })
                            .collect(),
                    });
                    *e.insert(reasons.len() - 1)
                }
            };
            cells.push(CellRow {
                role,
                model,
                region,
                shade,
                reason,
            });
        }
        let readiness = match i.plan {
            Some(p) => p
                .model_readiness
                .iter()
                .map(|r| ReadinessRow {
                    model: r.model_id.clone(),
                    region: r.region.clone(),
                    via: r.via.clone(),
                    status: if r.ready { "ready" } else { "not_ready" },
                    source: "account",
                    problem: r.problem.clone(),
                    message: r.message.clone(),
                    fix: r.fix.clone(),
                })
                .collect(),
            None => i.scope.models.iter().map(catalog_readiness).collect(),
        };
        Report {
            generated_at: i.generated_at,
            version: i.version,
            config: i.config,
            stack: i.stack,
            source: i.source,
            account_id: i.account_id,
            action: i.action,
            roles,
            models,
            regions: i.regions,
            reasons,
            cells,
            checks: i.checks,
            readiness,
            lint: findings(i.lint, i.sources),
            plan: i.plan.map(plan_summary),
        }
    }

    /// Counts of cells per shade, in [`Shade::ALL`] order.
    pub fn shade_counts(&self) -> [usize; 5] {
        let mut n = [0usize; 5];
        for c in &self.cells {
            if let Some(i) = Shade::ALL.iter().position(|s| *s == c.shade) {
                n[i] += 1;
            }
        }
        n
    }

    /// What the account section says when there is none.
    pub fn account_note(&self) -> &'static str {
        match self.source {
            Source::Offline => "offline report: built from the config alone; no account was read, so there is no account section (no drift, no pending plan) and model readiness comes from the embedded catalog",
            Source::Sandbox(_) => "built from the config and the sandbox account",
            Source::Account => "built from the config and the AWS account",
        }
    }

    /// The JSON form: the same data as the HTML (`docs/report.md`).
    pub fn to_json(&self) -> Value {
        let counts = self.shade_counts();
        json!({
            "format_version": FORMAT_VERSION,
            "generated_at": self.generated_at,
            "bedrockctl_version": self.version,
            "config": self.config,
            "stack": self.stack,
            "source": {
                "mode": self.source.mode(),
                "sandbox": match &self.source { Source::Sandbox(d) => Some(d.as_str()), _ => None },
                "account_id": self.account_id,
                "note": self.account_note(),
            },
            "matrix": {
                "action": self.action,
                "roles": self.roles,
                "models": self.models,
                "regions": self.regions,
                "legend": Shade::ALL.iter().map(|s| json!({"shade": s.as_str(), "meaning": s.meaning()})).collect::<Vec<_>>(),
                "counts": Shade::ALL.iter().zip(counts).map(|(s, n)| (s.as_str().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
                "guard_key": GUARDRAIL_KEY,
                "reasons": self.reasons.iter().map(|r| json!({
                    "shade": r.shade.as_str(),
                    "decision": r.decision,
                    "text": r.text,
                    "evidence": r.evidence.iter().map(|(t, p, s, e)| json!({
                        "policy_type": t, "policy": p, "statement": s, "effect": e,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "cells": self.cells.iter().map(|c| json!({
                    "role": self.roles[c.role],
                    "model": self.models[c.model],
                    "region": self.regions[c.region],
                    "shade": c.shade.as_str(),
                    "decision": self.reasons[c.reason].decision,
                    "reason": c.reason,
                })).collect::<Vec<_>>(),
            },
            "checks": self.checks.iter().map(CheckResult::to_json).collect::<Vec<_>>(),
            "readiness": self.readiness.iter().map(|r| json!({
                "model": r.model, "region": r.region, "via": r.via, "status": r.status,
                "source": r.source, "problem": r.problem, "message": r.message, "fix": r.fix,
            })).collect::<Vec<_>>(),
            "lint": self.lint.iter().map(|f| json!({
                "severity": f.severity, "code": f.code, "message": f.message,
                "file": f.file, "line": f.line, "column": f.column,
            })).collect::<Vec<_>>(),
            "plan": self.plan.as_ref().map(|p| json!({
                "summary": {"add": p.add, "change": p.change, "replace": p.replace, "destroy": p.destroy},
                "changes": p.changes.iter().map(row_json).collect::<Vec<_>>(),
                "drift": p.drift.iter().map(row_json).collect::<Vec<_>>(),
                "drift_unverified": p.drift_unverified,
                "conflicts": p.conflicts,
                "warnings": p.warnings,
            })),
        })
    }
}

fn row_json(r: &PlanRow) -> Value {
    json!({"address": r.address, "action": r.action, "attributes": r.attrs})
}

fn index_of(list: &mut Vec<String>, index: &mut HashMap<String, usize>, name: &str) -> usize {
    if list.last().is_some_and(|l| l == name) {
        return list.len() - 1;
    }
    if let Some(i) = index.get(name) {
        return *i;
    }
    list.push(name.to_string());
    index.insert(name.to_string(), list.len() - 1);
    list.len() - 1
}

/// Offline readiness: what the catalog confirms about the model in the region.
fn catalog_readiness(n: &crate::plan::scope::ModelNeed) -> ReadinessRow {
    let (status, message) = match catalog().resolve(&n.model_id) {
        None => (
            "unknown",
            Some("the embedded catalog does not know this model".to_string()),
        ),
        Some(m) => match m.offered_in(&n.region) {
            Knowledge::Yes => ("ready", None),
            Knowledge::No => (
                "not_ready",
                Some(format!(
                    "the catalog confirms the model is not offered in {}",
                    n.region
                )),
            ),
            Knowledge::Unknown => (
                "unknown",
                Some(format!(
                    "the catalog does not confirm the model in {}",
                    n.region
                )),
            ),
        },
    };
    ReadinessRow {
        model: n.model_id.clone(),
        region: n.region.clone(),
        via: n.via.clone(),
        status,
        source: "catalog",
        problem: None,
        message,
        fix: None,
    }
}

fn findings(diags: &[Diagnostic], sources: &SourceMap) -> Vec<Finding> {
    let doc = crate::lint::render::json_report(diags, sources);
    doc["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| Finding {
                    severity: f["severity"].as_str().unwrap_or("").to_string(),
                    code: f["code"].as_str().unwrap_or("").to_string(),
                    message: f["message"].as_str().unwrap_or("").to_string(),
                    file: f["file"].as_str().map(str::to_string),
                    line: f["line"].as_u64(),
                    column: f["column"].as_u64(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn plan_summary(p: &Plan) -> PlanSummary {
    let s = p.summary();
    let row = |c: &crate::plan::Change| PlanRow {
        address: c.address(),
        action: c.action.as_str().to_string(),
        attrs: c.attrs.iter().map(|a| a.path.clone()).collect(),
    };
    PlanSummary {
        add: s.add,
        change: s.change,
        replace: s.replace,
        destroy: s.destroy,
        changes: p.actionable().map(row).collect(),
        drift: p.drift.iter().map(row).collect(),
        drift_unverified: p.drift_unverified.clone(),
        conflicts: p.conflicts.iter().map(|c| c.describe()).collect(),
        warnings: p.warnings.clone(),
    }
}
