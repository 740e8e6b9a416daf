//! Access checks against the desired state: each role of the config with its
//! identity policies (files, managed policies, generated `grants:`), its permissions
//! boundary and the organization's SCPs, evaluated offline leg by leg.
//!
//! A request through a system cross-region profile is several IAM decisions (Bedrock
//! authorizes the profile ARN in the source region and the foundation-model ARN in
//! each destination region, with `aws:RequestedRegion` = that destination); every
//! leg must allow. `--simulate` asks IAM the same legs; this module builds those
//! questions and compares the answers, the caller does the I/O.

use crate::account::{Kind, OrgPolicies, PrincipalPolicies, SimulateRequest, SimulateResult};
use crate::catalog::catalog;
use crate::config::{AccessCheck, Config, ContextValue, Expect, RolePolicy};
use crate::iam::compile::CompiledPolicy;
use crate::iam::context::{Context, Principal, Value};
use crate::iam::eval::{evaluate, Decision, Outcome, PolicySet, PolicyType, Reason, Request};
use crate::iam::pattern::ArnParts;
use crate::policy::generate::profile_routes;
use crate::policy::{grants_document_with, StackRefs};
use crate::vocab::arn::foundation_model_arn;
use std::collections::BTreeMap;

pub use crate::catalog::legs::{profile_legs, Leg};

/// Account id used when the config pins none (the sandbox default).
pub use crate::vocab::DEFAULT_ACCOUNT_ID as DEFAULT_ACCOUNT;

/// A principal whose policies are known, ready to evaluate.
#[derive(Debug, Clone)]
pub struct RoleAccess {
    pub name: String,
    pub arn: String,
    pub set: PolicySet,
    /// Policies that could not be resolved offline (AWS managed policies, unknown names).
    pub problems: Vec<String>,
    /// The name of each identity policy of `set`, same order (a file path, a managed
    /// policy name, `grants #N`), so evidence can name the policy, not only its index.
    pub policy_names: Vec<String>,
    /// The permissions boundary's name (policy name or ARN), when there is one.
    pub boundary_name: Option<String>,
}

/// Everything the checks need, compiled once.
#[derive(Debug, Clone, Default)]
pub struct AccessModel {
    pub account: String,
    pub roles: Vec<RoleAccess>,
    /// The stack's own resources, where the account is known (exact ARNs).
    pub refs: StackRefs,
    /// What `model: profile/NAME` and `provisioned/NAME` name: (kind, region, copied
    /// model for a profile), by the check's model value.
    pub stack_models: BTreeMap<String, (Kind, String, String)>,
}

fn compile_doc(
    doc: &serde_json::Value,
    what: &str,
    problems: &mut Vec<String>,
) -> Option<CompiledPolicy> {
    match crate::iam::compile_value(doc) {
        Ok(p) => Some(p),
        Err(errs) => {
            let first = errs
                .first()
                .map(|e| e.message.as_str())
                .unwrap_or("invalid");
            problems.push(format!("{what}: {first}"));
            None
        }
    }
}

fn compile_levels(
    levels: &[Vec<serde_json::Value>],
    problems: &mut Vec<String>,
) -> Vec<Vec<CompiledPolicy>> {
    levels
        .iter()
        .enumerate()
        .map(|(li, level)| {
            level
                .iter()
                .enumerate()
                .filter_map(|(i, d)| {
                    compile_doc(d, &format!("scp level {li} policy {i}"), problems)
                })
                .collect()
        })
        .collect()
}

/// A policy set holding only the organization's policies, for a role to fill in.
fn org_set(
    scps: &Option<Vec<Vec<CompiledPolicy>>>,
    rcps: &Option<Vec<Vec<CompiledPolicy>>>,
    management: bool,
) -> PolicySet {
    PolicySet {
        identity: Vec::new(),
        resource: None,
        permissions_boundary: None,
        session: None,
        scps: scps.clone(),
        rcps: rcps.clone(),
        management_account: management,
        vpc_endpoint: None,
    }
}

impl AccessModel {
    /// Build from the config. SCPs come from `organization:` when the config declares
    /// it, else from `org` (what the account reports), else none apply.
    pub fn from_config(cfg: &Config, account: &str, org: Option<&OrgPolicies>) -> AccessModel {
        Self::from_config_with(cfg, account, org, StackRefs::none())
    }

    /// [`AccessModel::from_config`] with the stack's live resources: grants naming them
    /// evaluate with their exact ARNs, as apply writes them.
    pub fn from_config_with(
        cfg: &Config,
        account: &str,
        org: Option<&OrgPolicies>,
        refs: StackRefs,
    ) -> AccessModel {
        let mut org_problems = Vec::new();
        let (scps, rcps, management) = match (&cfg.organization, org) {
            (Some(o), _) => {
                let docs: Vec<Vec<serde_json::Value>> = o
                    .scps
                    .iter()
                    .map(|l| l.iter().map(|f| f.document.clone()).collect())
                    .collect();
                (
                    Some(compile_levels(&docs, &mut org_problems)),
                    None,
                    o.management_account,
                )
            }
            (None, Some(o)) => (
                Some(compile_levels(&o.scps, &mut org_problems)),
                if o.rcps.is_empty() {
                    None
                } else {
                    Some(compile_levels(&o.rcps, &mut org_problems))
                },
                o.management_account,
            ),
            (None, None) => (None, None, false),
        };
        let roles = cfg
            .iam
            .as_ref()
            .and_then(|i| i.roles.as_ref())
            .map(|rs| rs.as_slice())
            .unwrap_or(&[]);
        let mut out = Vec::with_capacity(roles.len());
        for role in roles {
            let mut problems = org_problems.clone();
            let mut identity = Vec::new();
            let mut policy_names = Vec::new();
            for (i, rp) in role.policies.iter().enumerate() {
                match rp {
                    RolePolicy::File(f) => {
                        if let Some(p) = compile_doc(&f.document, &f.path.value, &mut problems) {
                            identity.push(p);
                            policy_names.push(f.path.value.clone());
                        }
                    }
                    RolePolicy::Grants { grants, .. } => {
                        let doc = grants_document_with(cfg, grants, account, &refs);
                        let name = format!("grants #{i}");
                        if let Some(p) = compile_doc(&doc, &name, &mut problems) {
                            identity.push(p);
                            policy_names.push(name);
                        }
                    }
                    RolePolicy::Managed(name) => {
                        match managed_document(cfg, &name.value) {
                            Some(doc) => {
                                if let Some(p) = compile_doc(doc, &name.value, &mut problems) {
                                    identity.push(p);
                                    policy_names.push(name.value.clone());
                                }
                            }
                            None => problems.push(format!(
                                "managed policy `{}` is not in this config and cannot be evaluated offline",
                                name.value
                            )),
                        }
                    }
                }
            }
            let permissions_boundary = match &role.permissions_boundary {
                None => None,
                Some(b) => match managed_document(cfg, &b.value) {
                    Some(doc) => compile_doc(doc, &b.value, &mut problems),
                    None => {
                        problems.push(format!(
                            "permissions boundary `{}` is not in this config; evaluated as allowing nothing",
                            b.value
                        ));
                        Some(CompiledPolicy {
                            statements: Vec::new(),
                        })
                    }
                },
            };
            out.push(RoleAccess {
                name: role.name.value.clone(),
                arn: format!("arn:aws:iam::{account}:role/{}", role.name.value),
                set: PolicySet {
                    identity,
                    permissions_boundary,
                    ..org_set(&scps, &rcps, management)
                },
                problems,
                policy_names,
                boundary_name: role.permissions_boundary.as_ref().map(|b| b.value.clone()),
            });
        }
        // Batch service roles: their generated permissions, nothing else.
        for b in &cfg.batch_roles {
            let (_, doc) = crate::policy::generate::batch_role_documents(cfg, b, account);
            let mut problems = org_problems.clone();
            let name = "batch role policy".to_string();
            let identity: Vec<CompiledPolicy> = compile_doc(&doc, &name, &mut problems)
                .into_iter()
                .collect();
            let mut set = org_set(&scps, &rcps, management);
            set.identity = identity;
            out.push(RoleAccess {
                name: b.name.value.clone(),
                arn: format!("arn:aws:iam::{account}:role/{}", b.name.value),
                set,
                problems,
                policy_names: vec![name],
                boundary_name: None,
            });
        }
        let mut stack_models = BTreeMap::new();
        for p in cfg.inference_profiles.iter().flatten() {
            stack_models.insert(
                format!("profile/{}", p.name.value),
                (
                    Kind::InferenceProfile,
                    p.region.value.clone(),
                    p.copy_from.value.clone(),
                ),
            );
        }
        for p in cfg.provisioned_throughput.iter().flatten() {
            stack_models.insert(
                format!("provisioned/{}", p.name.value),
                (
                    Kind::ProvisionedThroughput,
                    p.region.value.clone(),
                    String::new(),
                ),
            );
        }
        AccessModel {
            account: account.to_string(),
            roles: out,
            refs,
            stack_models,
        }
    }

    /// Add a principal known only to the account (its live policies), sharing the
    /// organization policies of the config's roles.
    pub fn add_live_principal(&mut self, live: &PrincipalPolicies) {
        let mut problems = Vec::new();
        let mut policy_names = Vec::new();
        let identity = live
            .identity
            .iter()
            .filter_map(|(name, doc)| {
                let p = compile_doc(doc, name, &mut problems)?;
                policy_names.push(name.clone());
                Some(p)
            })
            .collect();
        let permissions_boundary = live
            .permissions_boundary
            .as_ref()
            .and_then(|(name, doc)| compile_doc(doc, name, &mut problems));
        let (scps, rcps, management_account) = self
            .roles
            .first()
            .map(|r| {
                (
                    r.set.scps.clone(),
                    r.set.rcps.clone(),
                    r.set.management_account,
                )
            })
            .unwrap_or((None, None, false));
        let p = Principal::parse(&live.principal_arn);
        self.roles.push(RoleAccess {
            name: p.name.clone(),
            arn: live.principal_arn.clone(),
            set: PolicySet {
                identity,
                resource: None,
                permissions_boundary,
                session: None,
                scps,
                rcps,
                management_account,
                vpc_endpoint: None,
            },
            problems,
            policy_names,
            boundary_name: live.permissions_boundary.as_ref().map(|(n, _)| n.clone()),
        });
    }

    /// The principal a check names: `role/NAME`, a role ARN, a session ARN of a
    /// role, or any ARN added with [`AccessModel::add_live_principal`].
    pub fn find(&self, principal: &str) -> Option<(&RoleAccess, Principal)> {
        if let Some(name) = principal.strip_prefix("role/") {
            let r = self
                .roles
                .iter()
                .find(|r| r.name == name && r.arn.contains(":role/"))?;
            return Some((r, Principal::parse(&r.arn)));
        }
        if let Some(r) = self.roles.iter().find(|r| r.arn == principal) {
            return Some((r, Principal::parse(principal)));
        }
        let p = Principal::parse(principal);
        let r = self.roles.iter().find(|r| {
            let rp = Principal::parse(&r.arn);
            rp.name == p.name && (p.account.is_empty() || rp.account == p.account)
        })?;
        Some((r, p))
    }

    /// The ARN a check's principal stands for (for messages and simulate).
    pub fn principal_arn(&self, principal: &str) -> String {
        match principal.strip_prefix("role/") {
            Some(name) => format!("arn:aws:iam::{}:role/{name}", self.account),
            None => principal.to_string(),
        }
    }
}

fn managed_document<'a>(cfg: &'a Config, name_or_arn: &str) -> Option<&'a serde_json::Value> {
    let name = if name_or_arn.starts_with("arn:") {
        let parts = ArnParts::new(name_or_arn);
        // Only customer managed policies of this account can be in the config.
        if parts.get(4) == "aws" {
            return None;
        }
        parts.get(5).strip_prefix("policy/")?.rsplit('/').next()?
    } else {
        name_or_arn
    };
    cfg.managed_policy(name).map(|p| &p.file.document)
}

/// The IAM action a check names (`Converse` is authorized as `InvokeModel`).
pub fn iam_action(action: &str) -> String {
    let (svc, name) = action.split_once(':').unwrap_or(("bedrock", action));
    let name = match name {
        n if n.eq_ignore_ascii_case("Converse") => "InvokeModel",
        n if n.eq_ignore_ascii_case("ConverseStream") => "InvokeModelWithResponseStream",
        n => n,
    };
    format!("{svc}:{name}")
}

/// The legs of invoking `model` (model id, profile id or ARN) from `region`.
pub fn legs_for(model: &str, region: &str, account: &str) -> Vec<Leg> {
    let (profile_id, source) = if model.starts_with("arn:") {
        let parts = ArnParts::new(model);
        match parts.get(5).strip_prefix("inference-profile/") {
            Some(id) if catalog().profile(id).is_some() => {
                let r = if parts.get(3).is_empty() {
                    region
                } else {
                    parts.get(3)
                };
                (id.to_string(), r.to_string())
            }
            _ => {
                let r = if parts.get(3).is_empty() {
                    region
                } else {
                    parts.get(3)
                };
                return vec![Leg {
                    resource: model.to_string(),
                    region: r.to_string(),
                    destination: false,
                }];
            }
        }
    } else if catalog().profile(model).is_some() {
        (model.to_string(), region.to_string())
    } else {
        return vec![Leg {
            resource: foundation_model_arn(region, model),
            region: region.to_string(),
            destination: false,
        }];
    };
    profile_legs(&profile_id, &source, account)
}

/// The legs of a check's model: `profile/NAME` and `provisioned/NAME` (resources of
/// the stack) resolve to their live ARNs, which only the account knows.
pub fn check_legs(model: &AccessModel, check: &AccessCheck) -> Result<Vec<Leg>, String> {
    let value = check.model.value.as_str();
    let Some((kind, region, copy_from)) = model.stack_models.get(value) else {
        return Ok(legs_for(value, &check.region.value, &model.account));
    };
    let name = value.split_once('/').map_or(value, |(_, n)| n);
    let Some(arn) = model
        .refs
        .resolve(*kind, name, region)
        .filter(|a| a.starts_with("arn:"))
    else {
        return Err(format!(
            "`{value}` is a resource of this stack whose ARN the account assigns: run the check with `--sandbox` or credentials once it exists (after `apply`)"
        ));
    };
    let mut legs = vec![Leg {
        resource: arn,
        region: region.clone(),
        destination: false,
    }];
    if *kind == Kind::InferenceProfile {
        for fm in profile_routes(copy_from, region) {
            let r = ArnParts::new(&fm).get(3).to_string();
            let r = if r.is_empty() || r.contains('*') {
                region.clone()
            } else {
                r
            };
            legs.push(Leg {
                destination: r != *region,
                resource: fm,
                region: r,
            });
        }
    }
    Ok(legs)
}

/// The context of one leg: the check's keys, `aws:RequestedRegion` of the leg, and
/// what the principal implies.
pub fn leg_context(user: &BTreeMap<String, ContextValue>, who: &Principal, leg: &Leg) -> Context {
    let mut ctx = Context::default();
    for (k, v) in user {
        let v = match v {
            ContextValue::One(s) => Value::One(s.clone()),
            ContextValue::Many(m) => Value::Many(m.clone()),
        };
        ctx.insert(k, v);
    }
    if leg.destination {
        ctx.insert("aws:RequestedRegion", leg.region.as_str().into());
    } else {
        ctx.insert_if_absent("aws:RequestedRegion", leg.region.as_str().into());
    }
    let acct = ArnParts::new(&leg.resource).get(4).to_string();
    ctx.derive(who, &leg.resource, &acct);
    ctx
}

/// One leg's answer.
#[derive(Debug, Clone)]
pub struct LegResult {
    pub leg: Leg,
    pub outcome: Outcome,
    /// `(policy_type, policy_index, statement label, effect)`.
    pub reasons: Vec<(PolicyType, u32, String, crate::iam::Effect)>,
    pub simulated: Option<Decision>,
}

impl LegResult {
    /// A leg's answer, with the deciding statements named by `role`'s policies.
    pub fn new(leg: Leg, outcome: Outcome, role: &RoleAccess, reasons: &[Reason]) -> Self {
        LegResult {
            leg,
            outcome,
            reasons: reasons
                .iter()
                .map(|r| {
                    (
                        r.policy_type,
                        r.policy_index,
                        role.set.label(r).to_string(),
                        r.effect,
                    )
                })
                .collect(),
            simulated: None,
        }
    }
}

/// The result of one access check.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub principal: String,
    pub action: String,
    pub model: String,
    pub region: String,
    pub expect: Expect,
    pub offline: Decision,
    pub simulated: Option<Decision>,
    pub pass: bool,
    pub reason: String,
    pub denied_regions: Vec<String>,
    pub legs: Vec<LegResult>,
}

impl CheckResult {
    /// The result of `check` before any leg is evaluated: not passing, no reason yet.
    pub fn unevaluated(check: &AccessCheck) -> Self {
        CheckResult {
            principal: check.principal.value.clone(),
            action: check.action.value.clone(),
            model: check.model.value.clone(),
            region: check.region.value.clone(),
            expect: check.expect.value,
            offline: Decision::ImplicitDeny,
            simulated: None,
            pass: false,
            reason: String::new(),
            denied_regions: Vec::new(),
            legs: Vec::new(),
        }
    }

    /// The `check --format json` entry (design.md).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "principal": self.principal,
            "action": self.action,
            "model": self.model,
            "region": self.region,
            "expect": match self.expect { Expect::Allow => "allow", Expect::Deny => "deny" },
            "offline": self.offline.as_str(),
            "simulated": self.simulated.map(Decision::as_str),
            "pass": self.pass,
            "reason": self.reason,
            "denied_regions": self.denied_regions,
        })
    }
}

pub(super) fn meets(expect: Expect, d: Decision) -> bool {
    match expect {
        Expect::Allow => d == Decision::Allow,
        Expect::Deny => d != Decision::Allow,
    }
}

/// Evaluate one check offline.
/// The check's context with stack references resolved: a value `guardrail/NAME` (a
/// guardrail of the config; `validate` checks the name) stands for that guardrail's ARN
/// in the check's region, so a config needs no account id or guardrail id written in
/// it. Where the account is known (`refs`) that is the live ARN; before the guardrail
/// exists the id part is the name, which the account-wide fallback (`…:guardrail/*`)
/// the policies then carry matches.
pub fn resolved_context(
    check: &AccessCheck,
    account: &str,
    refs: &StackRefs,
) -> BTreeMap<String, ContextValue> {
    let region = check.region.value.as_str();
    let resolve = |v: &String| -> String {
        match v.strip_prefix("guardrail/") {
            Some(name) if !name.is_empty() && !name.contains(['/', ':']) => refs
                .guardrail(name, region)
                .map(str::to_string)
                .unwrap_or_else(|| format!("arn:aws:bedrock:{region}:{account}:guardrail/{name}")),
            _ => v.clone(),
        }
    };
    check
        .context
        .iter()
        .map(|(k, v)| {
            let v = match v {
                ContextValue::One(s) => ContextValue::One(resolve(s)),
                ContextValue::Many(m) => ContextValue::Many(m.iter().map(resolve).collect()),
            };
            (k.clone(), v)
        })
        .collect()
}

pub fn run_check(model: &AccessModel, check: &AccessCheck) -> CheckResult {
    if let Some(b) = &check.batch {
        return super::batch_check::run(model, check, b);
    }
    let action = iam_action(&check.action.value);
    let mut result = CheckResult::unevaluated(check);
    let Some((role, who)) = model.find(&check.principal.value) else {
        result.reason = format!(
            "principal `{}` is not a role of this config; its policies are unknown offline",
            check.principal.value
        );
        result.pass = false;
        return result;
    };
    let legs = match check_legs(model, check) {
        Ok(l) => l,
        Err(e) => {
            result.reason = e;
            return result;
        }
    };
    let context = resolved_context(check, &model.account, &model.refs);
    let mut reasons: Vec<Reason> = Vec::new();
    for leg in legs {
        let ctx = leg_context(&context, &who, &leg);
        let acct = ArnParts::new(&leg.resource).get(4).to_string();
        let req = Request {
            principal: &who,
            action: &action,
            resource: &leg.resource,
            resource_account: &acct,
            context: &ctx,
        };
        let outcome = evaluate(&role.set, &req, &mut reasons);
        result
            .legs
            .push(LegResult::new(leg, outcome, role, &reasons));
    }
    result.offline = result
        .legs
        .iter()
        .fold(Decision::Allow, |d, l| d.worst(l.outcome.decision));
    result.denied_regions = denied_regions(&result.legs, |l| l.outcome.decision);
    result.pass = meets(result.expect, result.offline);
    result.reason = explain(&result, &action, &role.problems);
    result
}

fn denied_regions(legs: &[LegResult], decision: impl Fn(&LegResult) -> Decision) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in legs
        .iter()
        .filter(|l| l.leg.destination && !decision(l).is_allow())
    {
        if !out.contains(&l.leg.region) {
            out.push(l.leg.region.clone());
        }
    }
    out
}

fn describe_leg(l: &LegResult, action: &str) -> String {
    match l.outcome.decision {
        Decision::Allow => format!("allowed `{action}` on `{}`", l.leg.resource),
        Decision::ExplicitDeny => {
            let by: Vec<String> = l
                .reasons
                .iter()
                .map(|(t, i, s, _)| format!("{} policy {i} statement `{s}`", t.as_str()))
                .collect();
            format!(
                "explicitly denied on `{}` (aws:RequestedRegion={}) by {}",
                l.leg.resource,
                l.leg.region,
                by.join(", ")
            )
        }
        Decision::ImplicitDeny => {
            let what = match l.outcome.missing {
                Some((PolicyType::Scp, Some(level))) => {
                    format!("no SCP at organization level {level} allows it")
                }
                Some((PolicyType::Rcp, Some(level))) => {
                    format!("no RCP at organization level {level} allows it")
                }
                Some((PolicyType::PermissionsBoundary, _)) => {
                    "the permissions boundary does not allow it".to_string()
                }
                Some((PolicyType::Session, _)) => {
                    "the session policy does not allow it".to_string()
                }
                Some((PolicyType::Resource, _)) => {
                    "the resource policy does not allow it".to_string()
                }
                _ => "no identity policy allows it".to_string(),
            };
            format!(
                "implicitly denied on `{}` (aws:RequestedRegion={}): {what}",
                l.leg.resource, l.leg.region
            )
        }
    }
}

fn explain(r: &CheckResult, action: &str, problems: &[String]) -> String {
    let mut text = match r.legs.iter().find(|l| !l.outcome.decision.is_allow()) {
        Some(l) => describe_leg(l, action),
        None => {
            let mut by: Vec<String> = Vec::new();
            for l in &r.legs {
                for (t, i, s, _) in &l.reasons {
                    if *t == PolicyType::Identity {
                        let d = format!("identity policy {i} statement `{s}`");
                        if !by.contains(&d) {
                            by.push(d);
                        }
                    }
                }
            }
            let legs = if r.legs.len() > 1 {
                format!(
                    " on all {} legs (profile and destination regions)",
                    r.legs.len()
                )
            } else {
                String::new()
            };
            format!("allowed{legs} by {}", by.join(", "))
        }
    };
    if !r.denied_regions.is_empty() {
        text.push_str(&format!(
            "; denied destination regions: {}",
            r.denied_regions.join(", ")
        ));
    }
    for p in problems {
        text.push_str(&format!("; note: {p}"));
    }
    text
}

/// The IAM simulator questions for one check (one per leg), with the principal ARN
/// IAM knows.
pub fn simulate_requests(model: &AccessModel, check: &AccessCheck) -> Vec<SimulateRequest> {
    if let Some(b) = &check.batch {
        return super::batch_check::simulate_requests(model, check, b);
    }
    let principal_arn = model.principal_arn(&check.principal.value);
    let who = Principal::parse(&principal_arn);
    let action = iam_action(&check.action.value);
    let user = resolved_context(check, &model.account, &model.refs);
    check_legs(model, check)
        .unwrap_or_default()
        .into_iter()
        .map(|leg| {
            let ctx = leg_context(&user, &who, &leg);
            let mut context = BTreeMap::new();
            // Only the keys the caller set and the leg's region: IAM derives the rest.
            for (k, v) in &user {
                let vals = match v {
                    ContextValue::One(s) => vec![s.clone()],
                    ContextValue::Many(m) => m.clone(),
                };
                context.insert(k.clone(), vals);
            }
            if let Some(r) = ctx.single("aws:requestedregion") {
                context.insert("aws:RequestedRegion".to_string(), vec![r.to_string()]);
            }
            SimulateRequest {
                principal_arn: principal_arn.clone(),
                action: action.clone(),
                resource_arn: leg.resource,
                context,
            }
        })
        .collect()
}

/// IAM's decision word as ours.
pub fn parse_simulated(decision: &str) -> Decision {
    match decision.to_ascii_lowercase().as_str() {
        "allowed" | "allow" => Decision::Allow,
        "explicitdeny" | "explicit_deny" => Decision::ExplicitDeny,
        _ => Decision::ImplicitDeny,
    }
}

/// Fold simulator answers (one per leg, in order) into a result.
pub fn apply_simulation(r: &mut CheckResult, answers: &[SimulateResult]) {
    for (l, a) in r.legs.iter_mut().zip(answers) {
        l.simulated = Some(parse_simulated(&a.decision));
    }
    let sim = r
        .legs
        .iter()
        .filter_map(|l| l.simulated)
        .fold(Decision::Allow, Decision::worst);
    r.simulated = Some(sim);
    r.pass = meets(r.expect, r.offline) && meets(r.expect, sim);
    if sim != r.offline {
        let detail = r
            .legs
            .iter()
            .zip(answers)
            .find(|(l, _)| l.simulated != Some(l.outcome.decision))
            .map(|(l, a)| {
                let stmts = if a.matched_statements.is_empty() {
                    String::new()
                } else {
                    format!(" (matched: {})", a.matched_statements.join(", "))
                };
                format!(
                    "on `{}` offline says {} but IAM says {}{stmts}",
                    l.leg.resource,
                    l.outcome.decision.as_str(),
                    l.simulated.map(Decision::as_str).unwrap_or("?")
                )
            })
            .unwrap_or_default();
        r.reason = format!(
            "offline and simulated disagree: {detail}; offline: {}",
            r.reason
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converse_is_invoke_model() {
        assert_eq!(iam_action("bedrock:Converse"), "bedrock:InvokeModel");
        assert_eq!(
            iam_action("bedrock:ConverseStream"),
            "bedrock:InvokeModelWithResponseStream"
        );
        assert_eq!(iam_action("bedrock:InvokeModel"), "bedrock:InvokeModel");
    }

    #[test]
    fn profile_legs_cover_every_destination() {
        let legs = legs_for(
            "us.anthropic.claude-haiku-4-5-20251001-v1:0",
            "us-east-1",
            "111122223333",
        );
        assert_eq!(
            legs[0].resource,
            "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0"
        );
        assert!(!legs[0].destination);
        let dest: Vec<&str> = legs[1..].iter().map(|l| l.region.as_str()).collect();
        assert_eq!(dest, ["us-east-1", "us-east-2", "us-west-2"]);
        assert!(legs[1..].iter().all(|l| l.destination
            && l.resource
                .contains("::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0")));
        let one = legs_for("amazon.nova-lite-v1:0", "eu-west-1", "1");
        assert_eq!(one.len(), 1);
        assert_eq!(
            one[0].resource,
            "arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0"
        );
        let by_arn = legs_for(
            "arn:aws:bedrock:us-west-2:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0",
            "us-east-1",
            "111122223333",
        );
        assert_eq!(by_arn[0].region, "us-west-2");
        assert!(by_arn.len() > 1);
    }

    #[test]
    fn destination_legs_force_their_region() {
        let who = Principal::parse("arn:aws:iam::111122223333:role/app");
        let mut user = BTreeMap::new();
        user.insert(
            "aws:RequestedRegion".to_string(),
            ContextValue::One("us-east-1".into()),
        );
        let leg = Leg {
            resource: "arn:aws:bedrock:us-west-2::foundation-model/x".into(),
            region: "us-west-2".into(),
            destination: true,
        };
        let ctx = leg_context(&user, &who, &leg);
        assert_eq!(ctx.single("aws:requestedregion"), Some("us-west-2"));
        assert_eq!(
            ctx.single("aws:principalarn"),
            Some("arn:aws:iam::111122223333:role/app")
        );
    }

    #[test]
    fn simulator_words() {
        assert_eq!(parse_simulated("allowed"), Decision::Allow);
        assert_eq!(parse_simulated("explicitDeny"), Decision::ExplicitDeny);
        assert_eq!(parse_simulated("implicitDeny"), Decision::ImplicitDeny);
    }

    #[test]
    fn simulation_disagreement_names_both_sides() {
        let leg = Leg {
            resource: "arn:aws:bedrock:us-east-1::foundation-model/x".into(),
            region: "us-east-1".into(),
            destination: false,
        };
        let mut r = CheckResult {
            principal: "role/app".into(),
            action: "bedrock:InvokeModel".into(),
            model: "x".into(),
            region: "us-east-1".into(),
            expect: Expect::Allow,
            offline: Decision::Allow,
            simulated: None,
            pass: true,
            reason: "allowed by identity policy 0 statement `0`".into(),
            denied_regions: Vec::new(),
            legs: vec![LegResult {
                leg,
                outcome: Outcome {
                    decision: Decision::Allow,
                    missing: None,
                },
                reasons: Vec::new(),
                simulated: None,
            }],
        };
        apply_simulation(
            &mut r,
            &[SimulateResult {
                decision: "explicitDeny".into(),
                matched_statements: vec!["scp-1/RegionLock".into()],
            }],
        );
        assert_eq!(r.simulated, Some(Decision::ExplicitDeny));
        assert!(!r.pass);
        assert!(
            r.reason
                .contains("offline says allow but IAM says explicit_deny"),
            "{}",
            r.reason
        );
        assert!(r.reason.contains("scp-1/RegionLock"));
        assert_eq!(r.to_json()["simulated"], "explicit_deny");
    }
}
