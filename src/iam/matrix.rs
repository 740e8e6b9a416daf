//! The who-can-invoke-what grid: every role × every model of `models:` × every
//! region of `account.regions`, each cell the combined decision of its legs.
//!
//! Legs and contexts are built once per (model, region) and per (role, leg), so the
//! inner loop is evaluation only.

use super::access::{leg_context, legs_for, profile_legs, AccessModel, Leg};
use super::context::{Context, Principal};
use super::eval::{evaluate, Decision, Request};
use super::pattern::ArnParts;
use crate::catalog::catalog;
use crate::config::Via;
use std::collections::BTreeMap;

/// One model the grid covers and how it is used.
#[derive(Debug, Clone)]
pub struct MatrixModel {
    pub id: String,
    pub via: Via,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub role: String,
    pub model: String,
    pub region: String,
    pub decision: Decision,
    pub denied_regions: Vec<String>,
}

impl Cell {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "role": self.role,
            "model": self.model,
            "region": self.region,
            "decision": self.decision.as_str(),
            "denied_regions": self.denied_regions,
        })
    }
}

/// The legs for using `m` from `region`: through the catalog's profile for that
/// region when the model is used via an inference profile, else on demand.
pub fn model_legs(m: &MatrixModel, region: &str, account: &str) -> Vec<Leg> {
    if m.via == Via::InferenceProfile {
        if let Some(p) = catalog().model(&m.id).and_then(|cm| cm.profile_for(region)) {
            return profile_legs(&p.profile_id, region, account);
        }
    }
    legs_for(&m.id, region, account)
}

/// A grid cell's model index, region, and legs with their context-shape index.
type Plan<'a> = (usize, &'a str, Vec<(Leg, usize)>);

/// Evaluate the grid for `action`. Cells are ordered role, model, region.
pub fn matrix(
    model: &AccessModel,
    models: &[MatrixModel],
    regions: &[String],
    action: &str,
) -> Vec<Cell> {
    // Legs per (model, region), each tagged with the index of its context shape:
    // contexts differ only by requested region, resource account and leg kind.
    let mut shapes: Vec<Leg> = Vec::new();
    let mut plans: Vec<Plan<'_>> = Vec::new();
    for (mi, m) in models.iter().enumerate() {
        for r in regions {
            let legs = model_legs(m, r, &model.account)
                .into_iter()
                .map(|leg| {
                    let acct = ArnParts::new(&leg.resource).get(4);
                    let shape = shapes.iter().position(|s| {
                        s.region == leg.region
                            && s.destination == leg.destination
                            && ArnParts::new(&s.resource).get(4) == acct
                    });
                    let idx = shape.unwrap_or_else(|| {
                        shapes.push(leg.clone());
                        shapes.len() - 1
                    });
                    (leg, idx)
                })
                .collect();
            plans.push((mi, r.as_str(), legs));
        }
    }
    let empty = BTreeMap::new();
    let mut reasons = Vec::new();
    let mut out = Vec::with_capacity(model.roles.len() * plans.len());
    for role in &model.roles {
        let who = Principal::parse(&role.arn);
        let contexts: Vec<Context> = shapes
            .iter()
            .map(|s| leg_context(&empty, &who, s))
            .collect();
        for (mi, region, legs) in &plans {
            let mut decision = Decision::Allow;
            let mut denied: Vec<String> = Vec::new();
            for (leg, ci) in legs {
                let req = Request {
                    principal: &who,
                    action,
                    resource: &leg.resource,
                    resource_account: ArnParts::new(&leg.resource).get(4),
                    context: &contexts[*ci],
                };
                let d = evaluate(&role.set, &req, &mut reasons).decision;
                if leg.destination && !d.is_allow() && !denied.contains(&leg.region) {
                    denied.push(leg.region.clone());
                }
                decision = decision.worst(d);
            }
            out.push(Cell {
                role: role.name.clone(),
                model: models[*mi].id.clone(),
                region: region.to_string(),
                decision,
                denied_regions: denied,
            });
        }
    }
    out
}

/// The grid as a text table: one row per role × model, one column per region.
pub fn render_text(cells: &[Cell], regions: &[String]) -> String {
    let mut rows: Vec<(String, String, Vec<&Cell>)> = Vec::new();
    for c in cells {
        match rows
            .iter_mut()
            .find(|(r, m, _)| *r == c.role && *m == c.model)
        {
            Some(row) => row.2.push(c),
            None => rows.push((c.role.clone(), c.model.clone(), vec![c])),
        }
    }
    let role_w = rows.iter().map(|r| r.0.len()).max().unwrap_or(4).max(4);
    let model_w = rows.iter().map(|r| r.1.len()).max().unwrap_or(5).max(5);
    let col_w: Vec<usize> = regions.iter().map(|r| r.len().max(5)).collect();
    let mut out = format!("{:role_w$}  {:model_w$}", "ROLE", "MODEL");
    for (r, w) in regions.iter().zip(&col_w) {
        out.push_str(&format!("  {r:w$}"));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    for (role, model, cs) in rows {
        out.push_str(&format!("{role:role_w$}  {model:model_w$}"));
        for (r, w) in regions.iter().zip(&col_w) {
            let mark = match cs.iter().find(|c| &c.region == r).map(|c| c.decision) {
                Some(Decision::Allow) => "allow",
                Some(Decision::ImplicitDeny) => "deny",
                Some(Decision::ExplicitDeny) => "DENY",
                None => "-",
            };
            out.push_str(&format!("  {mark:w$}"));
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out.push_str("allow = allowed; deny = implicit deny; DENY = explicit deny\n");
    out
}
