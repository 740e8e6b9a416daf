//! The who-can-invoke-what grid: every role × every model of `models:` × every
//! region of `account.regions`, each cell the combined decision of its legs, with the
//! statements that decided it.
//!
//! Legs and contexts are built once per (model, region) and per (role, leg), so the
//! inner loop is evaluation only. A cell the bare request denies only because it lacks
//! the guardrail a role's grant requires (`require_guardrail: true` adds a Deny unless
//! `bedrock:GuardrailIdentifier` names it) is evaluated again with that key, and says
//! so ([`Cell::guard`]): the grid shows what the role can do when it follows its own
//! policy, not a bare explicit deny with no explanation (issue 24).
//! Rendering lives in [`super::matrix_text`] (terminal) and `crate::report` (HTML).

use super::access::{leg_context, legs_for, profile_legs, AccessModel, Leg, RoleAccess};
use crate::catalog::catalog;
use crate::config::{Config, RolePolicy, Via};
use crate::iam::context::{Context, Principal};
use crate::iam::eval::{evaluate, Decision, Outcome, PolicyType, Reason, Request};
use crate::iam::pattern::ArnParts;
use crate::iam::policy::Effect;
use crate::policy::generate::{guardrail_resources, requires_guardrail};
use crate::policy::StackRefs;
use std::collections::BTreeMap;

/// The context key a guarded grant requires.
pub const GUARDRAIL_KEY: &str = "bedrock:GuardrailIdentifier";

/// One model the grid covers and how it is used.
#[derive(Debug, Clone)]
pub struct MatrixModel {
    pub id: String,
    pub via: Via,
}

/// The config's `models:` as the grid's columns.
pub fn models_of(cfg: &Config) -> Vec<MatrixModel> {
    cfg.models
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|m| MatrixModel {
            id: m.id.value.clone(),
            via: m.via.value,
        })
        .collect()
}

/// A statement that decided a cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub policy_type: PolicyType,
    /// The policy's name when known (file path, managed policy, `grants #N`), else
    /// `<type> policy <index>`.
    pub policy: String,
    /// The statement's Sid, or its index.
    pub statement: String,
    pub effect: Effect,
}

/// The guardrail a cell was evaluated with because the role's grant requires it.
#[derive(Debug, Clone, PartialEq)]
pub struct Guard {
    /// The guardrail as the grant names it (a name of this config or an ARN).
    pub guardrail: String,
    /// The `bedrock:GuardrailIdentifier` value used.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub role: String,
    pub model: String,
    pub region: String,
    pub decision: Decision,
    pub denied_regions: Vec<String>,
    /// Every leg but the destination legs allowed (the profile itself, or the model on
    /// demand): a denied cell with this set is denied only in a destination region.
    pub source_allowed: bool,
    /// The statements that decided the cell's worst leg (Deny statements for an
    /// explicit deny, Allow statements for an allow); empty for an implicit deny.
    pub evidence: Vec<Evidence>,
    /// For an implicit deny: what had no applicable Allow, in words.
    pub missing: Option<String>,
    /// The resource of the leg that decided (the denied one, else the first).
    pub resource: String,
    /// Set when the bare request is denied and the cell was evaluated with the
    /// guardrail the role's grant requires; `decision` is that evaluation's.
    pub guard: Option<Guard>,
}

/// How a cell is shown: the four answers of the issue plus the guarded allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shade {
    Allow,
    /// Allowed only with the guardrail the role's grant requires.
    Guarded,
    ImplicitDeny,
    ExplicitDeny,
    /// Denied in a destination region of a cross-region profile.
    DestinationDeny,
}

impl Shade {
    /// Stable kebab-case name (JSON, CSS class).
    pub fn as_str(self) -> &'static str {
        match self {
            Shade::Allow => "allow",
            Shade::Guarded => "allow-with-guardrail",
            Shade::ImplicitDeny => "implicit-deny",
            Shade::ExplicitDeny => "explicit-deny",
            Shade::DestinationDeny => "destination-deny",
        }
    }

    /// Every shade, in legend order.
    pub const ALL: [Shade; 5] = [
        Shade::Allow,
        Shade::Guarded,
        Shade::ImplicitDeny,
        Shade::ExplicitDeny,
        Shade::DestinationDeny,
    ];

    /// What the shade means, for legends.
    pub fn meaning(self) -> &'static str {
        match self {
            Shade::Allow => "allowed",
            Shade::Guarded => "allowed only when the request names the guardrail the role's grant requires (bedrock:GuardrailIdentifier); denied without it",
            Shade::ImplicitDeny => "implicit deny: no policy allows it",
            Shade::ExplicitDeny => "explicit deny: a Deny statement matches",
            Shade::DestinationDeny => "denied in a destination region of the cross-region inference profile",
        }
    }
}

impl Cell {
    pub fn shade(&self) -> Shade {
        match self.decision {
            Decision::Allow if self.guard.is_some() => Shade::Guarded,
            Decision::Allow => Shade::Allow,
            _ if self.source_allowed && !self.denied_regions.is_empty() => Shade::DestinationDeny,
            Decision::ImplicitDeny => Shade::ImplicitDeny,
            Decision::ExplicitDeny => Shade::ExplicitDeny,
        }
    }

    /// One line saying why: the deciding statements or what was missing, the guard,
    /// the denied destination regions.
    pub fn why(&self) -> String {
        let mut parts = Vec::new();
        if let Some(m) = &self.missing {
            parts.push(m.clone());
        }
        if !self.evidence.is_empty() {
            let by: Vec<String> = self
                .evidence
                .iter()
                .map(|e| {
                    format!(
                        "{} by {} statement `{}` ({})",
                        match e.effect {
                            Effect::Allow => "allowed",
                            Effect::Deny => "denied",
                        },
                        e.policy,
                        e.statement,
                        e.policy_type.as_str()
                    )
                })
                .collect();
            parts.push(by.join("; "));
        }
        if let Some(g) = &self.guard {
            parts.push(format!(
                "evaluated with {GUARDRAIL_KEY}=`{}` (guardrail `{}` the role's grant requires); without it the request is explicitly denied",
                g.value, g.guardrail
            ));
        }
        if !self.denied_regions.is_empty() {
            parts.push(format!(
                "denied in destination region(s) {}",
                self.denied_regions.join(", ")
            ));
        }
        parts.join("; ")
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "role": self.role,
            "model": self.model,
            "region": self.region,
            "decision": self.decision.as_str(),
            "shade": self.shade().as_str(),
            "denied_regions": self.denied_regions,
            "resource": self.resource,
            "evidence": self.evidence.iter().map(|e| serde_json::json!({
                "policy_type": e.policy_type.as_str(),
                "policy": e.policy,
                "statement": e.statement,
                "effect": match e.effect { Effect::Allow => "Allow", Effect::Deny => "Deny" },
            })).collect::<Vec<_>>(),
            "missing": self.missing,
            "guard": self.guard.as_ref().map(|g| serde_json::json!({
                "key": GUARDRAIL_KEY,
                "guardrail": g.guardrail,
                "value": g.value,
            })),
        })
    }
}

/// The guardrails a role's grants require, per region of each grant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleGuards {
    pub role: String,
    /// `(region, guardrail as named, GuardrailIdentifier value)`.
    pub by_region: Vec<(String, String, String)>,
}

impl RoleGuards {
    fn for_region(&self, region: &str) -> Option<(&str, &str)> {
        self.by_region
            .iter()
            .find(|(r, _, _)| r == region)
            .or_else(|| self.by_region.first())
            .map(|(_, g, v)| (g.as_str(), v.as_str()))
    }
}

/// What each role's `require_guardrail: true` grants ask of a request, built with the
/// same generator the policies come from. The service sets `bedrock:GuardrailIdentifier`
/// to the guardrail ARN the request applies (with `:VERSION` for a numbered version),
/// https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html A grant naming a guardrail of this config
/// before it exists is authorized account-wide (`…:guardrail/*`); the value used
/// stands in the guardrail's name for the id, which that pattern matches.
pub fn guards_from_config(cfg: &Config, account: &str, refs: &StackRefs) -> Vec<RoleGuards> {
    let roles = cfg
        .iam
        .as_ref()
        .and_then(|i| i.roles.as_ref())
        .map(|rs| rs.as_slice())
        .unwrap_or(&[]);
    let mut out = Vec::new();
    for role in roles {
        let mut g = RoleGuards {
            role: role.name.value.clone(),
            by_region: Vec::new(),
        };
        for rp in &role.policies {
            let RolePolicy::Grants { grants, .. } = rp else {
                continue;
            };
            for grant in grants.iter().filter(|gr| requires_guardrail(gr)) {
                let Some(name) = &grant.guardrail else {
                    continue;
                };
                for res in guardrail_resources(grant, &name.value, account, refs) {
                    let region = ArnParts::new(&res).get(3).to_string();
                    let value = match res.strip_suffix('*') {
                        Some(prefix) => format!("{prefix}{}", name.value),
                        None if name.value.starts_with("arn:") => name.value.clone(),
                        None => res.clone(),
                    };
                    g.by_region.push((region, name.value.clone(), value));
                }
            }
        }
        if !g.by_region.is_empty() {
            out.push(g);
        }
    }
    out
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

/// Evaluate the grid for `action` without guards. Cells are ordered role, model, region.
pub fn matrix(
    model: &AccessModel,
    models: &[MatrixModel],
    regions: &[String],
    action: &str,
) -> Vec<Cell> {
    matrix_with(model, models, regions, action, &[])
}

/// The outcome of one cell's legs.
struct Eval {
    decision: Decision,
    denied: Vec<String>,
    /// Every leg that is not a destination leg allowed.
    source_allowed: bool,
    deciding: Option<(usize, Outcome, Vec<Reason>)>,
}

fn eval_legs(
    role: &RoleAccess,
    who: &Principal,
    action: &str,
    legs: &[(Leg, usize)],
    contexts: &[Context],
    reasons: &mut Vec<Reason>,
) -> Eval {
    let mut e = Eval {
        decision: Decision::Allow,
        denied: Vec::new(),
        source_allowed: true,
        deciding: None,
    };
    for (li, (leg, ci)) in legs.iter().enumerate() {
        let req = Request {
            principal: who,
            action,
            resource: &leg.resource,
            resource_account: ArnParts::new(&leg.resource).get(4),
            context: &contexts[*ci],
        };
        let outcome = evaluate(&role.set, &req, reasons);
        let d = outcome.decision;
        if leg.destination && !d.is_allow() && !e.denied.contains(&leg.region) {
            e.denied.push(leg.region.clone());
        }
        e.source_allowed &= leg.destination || d.is_allow();
        // The first leg with the worst decision so far is the one the cell shows.
        let worse = e.deciding.is_none() || d.worst(e.decision) != e.decision;
        if worse {
            e.deciding = Some((li, outcome, reasons.clone()));
        }
        e.decision = e.decision.worst(d);
    }
    e
}

/// Evaluate the grid for `action`; a role with an entry in `guards` has its explicitly
/// denied cells evaluated again with the guardrail its grant requires.
pub fn matrix_with(
    model: &AccessModel,
    models: &[MatrixModel],
    regions: &[String],
    action: &str,
    guards: &[RoleGuards],
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
        let guard = guards.iter().find(|g| g.role == role.name);
        // Guarded contexts are built lazily, once per guardrail value.
        let mut guarded: Vec<(String, Vec<Context>)> = Vec::new();
        for (mi, region, legs) in &plans {
            let mut e = eval_legs(role, &who, action, legs, &contexts, &mut reasons);
            let mut used = None;
            if let (Decision::ExplicitDeny, Some(g)) = (e.decision, guard) {
                if let Some((name, value)) = g.for_region(region) {
                    let at = match guarded.iter().position(|(v, _)| v == value) {
                        Some(i) => i,
                        None => {
                            let mut user = BTreeMap::new();
                            user.insert(
                                GUARDRAIL_KEY.to_string(),
                                crate::config::ContextValue::One(value.to_string()),
                            );
                            let ctxs = shapes.iter().map(|s| leg_context(&user, &who, s)).collect();
                            guarded.push((value.to_string(), ctxs));
                            guarded.len() - 1
                        }
                    };
                    let with = eval_legs(role, &who, action, legs, &guarded[at].1, &mut reasons);
                    // Keep the guarded answer whenever it is better: an allow, or an
                    // implicit deny that names what the grant really lacks (another
                    // region, another model) instead of the guard's Deny.
                    if with.decision != e.decision && e.decision.worst(with.decision) == e.decision
                    {
                        e = with;
                        used = Some(Guard {
                            guardrail: name.to_string(),
                            value: value.to_string(),
                        });
                    }
                }
            }
            out.push(cell(role, models[*mi].id.clone(), region, legs, e, used));
        }
    }
    out
}

fn cell(
    role: &RoleAccess,
    model: String,
    region: &str,
    legs: &[(Leg, usize)],
    e: Eval,
    guard: Option<Guard>,
) -> Cell {
    let (resource, evidence, missing) = match &e.deciding {
        Some((li, outcome, reasons)) => (
            legs.get(*li)
                .map(|(l, _)| l.resource.clone())
                .unwrap_or_default(),
            reasons.iter().map(|r| evidence(role, r)).collect(),
            outcome.missing.map(|(t, level)| missing_text(t, level)),
        ),
        None => (String::new(), Vec::new(), None),
    };
    Cell {
        role: role.name.clone(),
        model,
        region: region.to_string(),
        decision: e.decision,
        denied_regions: e.denied,
        source_allowed: e.source_allowed,
        evidence,
        missing,
        resource,
        guard,
    }
}

fn evidence(role: &RoleAccess, r: &Reason) -> Evidence {
    let policy = match r.policy_type {
        PolicyType::Identity => role.policy_names.get(r.policy_index as usize).cloned(),
        PolicyType::PermissionsBoundary => Some(match &role.boundary_name {
            Some(n) => n.clone(),
            None => "the permissions boundary".to_string(),
        }),
        _ => None,
    }
    .unwrap_or_else(|| format!("{} policy {}", r.policy_type.as_str(), r.policy_index));
    Evidence {
        policy_type: r.policy_type,
        policy,
        statement: role.set.label(r).to_string(),
        effect: r.effect,
    }
}

fn missing_text(t: PolicyType, level: Option<u32>) -> String {
    match (t, level) {
        (PolicyType::Scp, Some(l)) => format!("no SCP at organization level {l} allows it"),
        (PolicyType::Rcp, Some(l)) => format!("no RCP at organization level {l} allows it"),
        (PolicyType::PermissionsBoundary, _) => "the permissions boundary does not allow it".into(),
        (PolicyType::Session, _) => "the session policy does not allow it".into(),
        (PolicyType::Resource, _) => "the resource policy does not allow it".into(),
        _ => "no identity policy allows it".into(),
    }
}
