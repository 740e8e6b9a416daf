//! Proofs for generated policies: every request a grant intends is allowed by the
//! offline evaluator, and near misses — another model, another region, another
//! action, a missing guardrail or VPC endpoint, a wrong batch role — are denied.
//!
//! The intended requests are derived from the grants (the legs a request takes,
//! as `iam::access` computes them), not read back from the document, so a generator
//! mistake shows up as a failed case. The document is evaluated on its own, as the
//! only identity policy of the role.

use super::generate::{
    agent_runtime_arns, profile_of, profile_routes, requires_guardrail, via_for, ALL_COMMERCIAL,
    APPLY_GUARDRAIL, BEDROCK_SERVICE, CREATE_JOB, GET_JOB, INVOKE, INVOKE_AGENT, INVOKE_STREAM,
    LIST_JOBS, PASS_ROLE, RETRIEVE, RETRIEVE_AND_GENERATE,
};
use super::refs::StackRefs;
use crate::account::Kind;
use crate::catalog::catalog;
use crate::catalog::legs::profile_legs;
use crate::config::{Config, Grant, Via};
use crate::iam::{evaluate, Context, Decision, PolicySet, Principal, Request};
use crate::vocab::arn::{foundation_model_arn, inference_profile_arn, role_arn};
use std::collections::BTreeSet;

/// What a proof case expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    Allow,
    Deny,
}

/// One request of a proof and what the evaluator said.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProofCase {
    /// What the case stands for (`intended`, `another model`, …).
    pub what: String,
    pub action: String,
    pub resource: String,
    pub context: Vec<(String, String)>,
    pub expect: Expect,
    pub got: Decision,
}

impl ProofCase {
    pub fn passed(&self) -> bool {
        match self.expect {
            Expect::Allow => self.got == Decision::Allow,
            Expect::Deny => self.got != Decision::Allow,
        }
    }
}

/// The proof of one role's generated policy.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Proof {
    pub role: String,
    pub cases: Vec<ProofCase>,
}

impl Proof {
    pub fn passed(&self) -> bool {
        self.cases.iter().all(ProofCase::passed)
    }

    pub fn failures(&self) -> impl Iterator<Item = &ProofCase> {
        self.cases.iter().filter(|c| !c.passed())
    }
}

/// Why a proof could not be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("generated policy for role `{role}` does not parse: {message}")]
pub struct ProofError {
    pub role: String,
    pub message: String,
}

/// A guardrail id no config names, for near misses.
const OTHER_GUARDRAIL_ID: &str = "zzzzzzzzzzzz";
const SAMPLE_ID: &str = "abcdefghijkl";
/// The name a grant gives its guardrail (empty when it names none).
fn gr_name(g: &Grant) -> String {
    g.guardrail
        .as_ref()
        .map(|gr| gr.value.clone())
        .unwrap_or_default()
}

const OTHER_VPCE: &str = "vpce-00000000000000000";

#[derive(Debug, Clone)]
struct Case {
    what: String,
    action: String,
    resource: String,
    context: Vec<(String, String)>,
    expect: Expect,
}

/// Prove `document`, generated from `grants` of `role`.
pub fn prove(
    cfg: &Config,
    role: &str,
    grants: &[&Grant],
    document: &serde_json::Value,
    account: &str,
) -> Result<Proof, ProofError> {
    prove_with(cfg, role, grants, document, account, &StackRefs::none())
}

/// [`prove`] for a document generated with `refs`: the intended requests name the
/// stack's live resources, and the same request against another resource of the
/// same account must be denied.
pub fn prove_with(
    cfg: &Config,
    role: &str,
    grants: &[&Grant],
    document: &serde_json::Value,
    account: &str,
    refs: &StackRefs,
) -> Result<Proof, ProofError> {
    let compiled = crate::iam::compile_value(document).map_err(|errs| ProofError {
        role: role.to_string(),
        message: errs
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| "invalid".into()),
    })?;
    let set = PolicySet {
        identity: vec![compiled],
        ..PolicySet::default()
    };
    let who = Principal::parse(&role_arn(account, role));
    let cases = cases(cfg, grants, account, refs);
    let mut reasons = Vec::new();
    let mut out = Vec::with_capacity(cases.len());
    for c in cases {
        let mut ctx = Context::default();
        for (k, v) in &c.context {
            ctx.insert(k, v.as_str().into());
        }
        let acct = crate::vocab::arn::Arn::parse(&c.resource)
            .map(|a| a.account.to_string())
            .unwrap_or_default();
        ctx.derive(&who, &c.resource, &acct);
        let req = Request {
            principal: &who,
            action: &c.action,
            resource: &c.resource,
            resource_account: &acct,
            context: &ctx,
        };
        let got = evaluate(&set, &req, &mut reasons).decision;
        out.push(ProofCase {
            what: c.what,
            action: c.action,
            resource: c.resource,
            context: c.context,
            expect: c.expect,
            got,
        });
    }
    Ok(Proof {
        role: role.to_string(),
        cases: out,
    })
}

/// One leg of an invoke request: resource and the region it is authorized in.
fn invoke_legs(id: &str, region: &str, via: Via, account: &str) -> Vec<(String, String)> {
    if id.starts_with("arn:") {
        let r = crate::vocab::arn::Arn::parse(id)
            .map(|a| a.region.to_string())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| region.to_string());
        return vec![(id.to_string(), r)];
    }
    let part = catalog().partition(region);
    match via {
        Via::Provisioned => vec![(
            format!("arn:{part}:bedrock:{region}:{account}:provisioned-model/{SAMPLE_ID}"),
            region.to_string(),
        )],
        Via::InferenceProfile => match profile_of(id, region) {
            Some((_, profile_id)) => profile_legs(&profile_id, region, account)
                .into_iter()
                .map(|l| {
                    // A global profile's destination is "any commercial region":
                    // prove one concrete region other than the source.
                    if l.region == ALL_COMMERCIAL {
                        let d = other_region(region, &BTreeSet::new()).unwrap_or_default();
                        let model = l.resource.rsplit('/').next().unwrap_or_default();
                        (foundation_model_arn(&d, model), d)
                    } else {
                        (l.resource, l.region)
                    }
                })
                .collect(),
            None => vec![(foundation_model_arn(region, id), region.to_string())],
        },
        Via::OnDemand | Via::Batch => {
            vec![(foundation_model_arn(region, id), region.to_string())]
        }
    }
}

/// A region of `near`'s partition outside `used`, preferring well-known ones.
fn other_region(near: &str, used: &BTreeSet<String>) -> Option<String> {
    let cat = catalog();
    let part = cat.partition(near);
    let preferred = ["eu-west-1", "ap-southeast-2", "us-west-2", "us-east-1"];
    preferred
        .iter()
        .map(|r| r.to_string())
        .chain(cat.regions.iter().cloned())
        .find(|r| !used.contains(r) && r != near && cat.partition(r) == part)
}

/// A catalog model id no grant of the document names.
fn other_model(named: &BTreeSet<String>) -> Option<String> {
    let mut ids: Vec<&str> = catalog()
        .models
        .iter()
        .map(|m| m.model_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.into_iter()
        .find(|id| !named.contains(*id))
        .map(str::to_string)
}

fn cases(cfg: &Config, grants: &[&Grant], account: &str, refs: &StackRefs) -> Vec<Case> {
    // What the whole document intends, so near misses stay outside of it.
    let mut named = BTreeSet::new();
    let mut regions = BTreeSet::new();
    let mut intended: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out = Vec::new();
    for g in grants {
        if let Some(m) = &g.generate_with {
            named.insert(m.value.clone());
            if let Some((m, _)) = catalog().profile(&m.value) {
                named.insert(m.model_id.clone());
            }
        }
        for id in &g.invoke {
            named.insert(id.value.clone());
            if let Some((m, _)) = catalog().profile(&id.value) {
                named.insert(m.model_id.clone());
            }
        }
        for r in &g.regions {
            regions.insert(r.value.clone());
        }
    }
    for g in grants {
        let mut ctx: Vec<(String, String)> = Vec::new();
        if let Some(v) = g.source_vpce.first() {
            ctx.push(("aws:SourceVpce".into(), v.value.clone()));
        }
        for id in &g.invoke {
            let via = via_for(cfg, g, &id.value);
            for r in &g.regions {
                let mut rctx = ctx.clone();
                let guardrail = g.guardrail.as_ref().map(|gr| {
                    if gr.value.starts_with("arn:") {
                        gr.value.clone()
                    } else if let Some(arn) = refs.guardrail(&gr.value, &r.value) {
                        // The service sends `ARN:VERSION` for a published version.
                        format!("{arn}:1")
                    } else {
                        format!(
                            "arn:{}:bedrock:{}:{account}:guardrail/{SAMPLE_ID}",
                            catalog().partition(&r.value),
                            r.value
                        )
                    }
                });
                if let Some(gid) = &guardrail {
                    rctx.push(("bedrock:GuardrailIdentifier".into(), gid.clone()));
                }
                let pt = g
                    .provisioned
                    .as_ref()
                    .filter(|_| via == Via::Provisioned && !id.value.starts_with("arn:"))
                    .and_then(|p| refs.resolve(Kind::ProvisionedThroughput, &p.value, &r.value))
                    .filter(|a| a.starts_with("arn:"));
                let legs = match &pt {
                    Some(arn) => {
                        out.push(case(
                            "near miss: another provisioned model of the account",
                            INVOKE,
                            &other_id(arn),
                            &rctx,
                            Expect::Deny,
                        ));
                        vec![(arn.clone(), r.value.clone())]
                    }
                    None => invoke_legs(&id.value, &r.value, via, account),
                };
                for (_, lr) in &legs {
                    regions.insert(lr.clone());
                }
                if via == Via::Batch {
                    batch_cases(g, &r.value, &legs, account, &rctx, &mut out);
                    continue;
                }
                let mut actions = vec![INVOKE];
                if g.streaming {
                    actions.push(INVOKE_STREAM);
                }
                for action in &actions {
                    for (res, lr) in &legs {
                        intended.insert((action.to_string(), res.clone()));
                        let mut c = rctx.clone();
                        c.push(("aws:RequestedRegion".into(), lr.clone()));
                        out.push(Case {
                            what: format!("intended: `{}` in `{}`", id.value, r.value),
                            action: action.to_string(),
                            resource: res.clone(),
                            context: c,
                            expect: Expect::Allow,
                        });
                    }
                }
                if let Some(gid) = &guardrail {
                    let base = match gid.rfind("guardrail/") {
                        Some(i) => match gid[i..].find(':') {
                            Some(j) => gid[..i + j].to_string(),
                            None => gid.clone(),
                        },
                        None => gid.clone(),
                    };
                    out.push(case(
                        "intended: apply the guardrail",
                        APPLY_GUARDRAIL,
                        &base,
                        &rctx,
                        Expect::Allow,
                    ));
                    let resolved = refs.guardrail(&gr_name(g), &r.value).is_some();
                    let same_account_other = base
                        .rfind("guardrail/")
                        .map(|i| format!("{}guardrail/{OTHER_GUARDRAIL_ID}", &base[..i]));
                    if let Some(other) = same_account_other.filter(|_| resolved) {
                        out.push(case(
                            "near miss: apply another guardrail of the account",
                            APPLY_GUARDRAIL,
                            &other,
                            &rctx,
                            Expect::Deny,
                        ));
                        if let Some((res, _)) = legs.first().filter(|_| requires_guardrail(g)) {
                            let mut c: Vec<_> = rctx
                                .iter()
                                .filter(|(k, _)| k != "bedrock:GuardrailIdentifier")
                                .cloned()
                                .collect();
                            c.push(("bedrock:GuardrailIdentifier".into(), format!("{other}:1")));
                            out.push(case(
                                "near miss: invoke with another guardrail of the account",
                                INVOKE,
                                res,
                                &c,
                                Expect::Deny,
                            ));
                        }
                    }
                    if let Some((res, _)) = legs.first().filter(|_| requires_guardrail(g)) {
                        let without: Vec<_> = rctx
                            .iter()
                            .filter(|(k, _)| k != "bedrock:GuardrailIdentifier")
                            .cloned()
                            .collect();
                        out.push(case(
                            "near miss: no guardrail",
                            INVOKE,
                            res,
                            &without,
                            Expect::Deny,
                        ));
                        let mut other = without.clone();
                        other.push((
                            "bedrock:GuardrailIdentifier".into(),
                            format!(
                                "arn:aws:bedrock:{}:999999999999:guardrail/{OTHER_GUARDRAIL_ID}",
                                r.value
                            ),
                        ));
                        out.push(case(
                            "near miss: another guardrail",
                            INVOKE,
                            res,
                            &other,
                            Expect::Deny,
                        ));
                    }
                }
                if !g.source_vpce.is_empty() {
                    if let Some((res, _)) = legs.first() {
                        let mut other: Vec<_> = rctx
                            .iter()
                            .filter(|(k, _)| k != "aws:SourceVpce")
                            .cloned()
                            .collect();
                        out.push(case(
                            "near miss: no VPC endpoint",
                            INVOKE,
                            res,
                            &other,
                            Expect::Deny,
                        ));
                        other.push(("aws:SourceVpce".into(), OTHER_VPCE.into()));
                        out.push(case(
                            "near miss: another VPC endpoint",
                            INVOKE,
                            res,
                            &other,
                            Expect::Deny,
                        ));
                    }
                }
            }
        }
    }
    for g in grants {
        if let Some(p) = &g.profile {
            profile_cases(cfg, &p.value, account, refs, &mut out);
        }
        agent_runtime_cases(g, account, &mut out);
    }
    // Near misses that apply per grant region: another model, region and action.
    let mut near = Vec::new();
    for g in grants {
        let mut ctx: Vec<(String, String)> = Vec::new();
        if let Some(v) = g.source_vpce.first() {
            ctx.push(("aws:SourceVpce".into(), v.value.clone()));
        }
        for r in &g.regions {
            if let Some(m) = other_model(&named) {
                near.push(case(
                    &format!("near miss: another model `{m}`"),
                    INVOKE,
                    &foundation_model_arn(&r.value, &m),
                    &ctx,
                    Expect::Deny,
                ));
            }
            for id in &g.invoke {
                let via = via_for(cfg, g, &id.value);
                if via == Via::Batch || id.value.starts_with("arn:") {
                    continue;
                }
                if let Some(other) = other_region(&r.value, &regions) {
                    for (res, _) in invoke_legs(&id.value, &other, via, account).iter().take(1) {
                        // A profile has no source in every region; ask for its ARN there anyway.
                        let res = match (via, profile_of(&id.value, &r.value)) {
                            (Via::InferenceProfile, Some((_, pid))) => {
                                inference_profile_arn(&other, account, &pid)
                            }
                            _ => res.clone(),
                        };
                        near.push(case(
                            &format!("near miss: `{}` in another region `{other}`", id.value),
                            INVOKE,
                            &res,
                            &ctx,
                            Expect::Deny,
                        ));
                    }
                }
                for (res, _) in invoke_legs(&id.value, &r.value, via, account)
                    .iter()
                    .take(1)
                {
                    for action in [INVOKE_STREAM, "bedrock:CreateModelCustomizationJob"] {
                        if !intended.contains(&(action.to_string(), res.clone())) {
                            near.push(case(
                                &format!("near miss: another action on `{}`", id.value),
                                action,
                                res,
                                &ctx,
                                Expect::Deny,
                            ));
                        }
                    }
                }
            }
        }
    }
    out.extend(near);
    out
}

/// `arn` with its resource id replaced: the same kind of resource, same account and
/// region, another one.
fn other_id(arn: &str) -> String {
    match arn.rsplit_once('/') {
        Some((head, _)) => format!("{head}/{OTHER_GUARDRAIL_ID}"),
        None => arn.to_string(),
    }
}

/// A grant's agents and knowledge bases: each allowed for its own action; another alias,
/// another knowledge base of the account, and RetrieveAndGenerate when no model was
/// granted for it, denied.
fn agent_runtime_cases(g: &Grant, account: &str, out: &mut Vec<Case>) {
    let ctx: Vec<(String, String)> = g
        .source_vpce
        .first()
        .map(|v| ("aws:SourceVpce".to_string(), v.value.clone()))
        .into_iter()
        .collect();
    let agents = agent_runtime_arns(&g.agent, "agent-alias", &g.regions, account);
    for a in &agents {
        out.push(case(
            "intended: invoke the agent alias",
            INVOKE_AGENT,
            a,
            &ctx,
            Expect::Allow,
        ));
        out.push(case(
            "near miss: another alias of the account",
            INVOKE_AGENT,
            &other_id(a),
            &ctx,
            Expect::Deny,
        ));
    }
    let kbs = agent_runtime_arns(&g.knowledge_base, "knowledge-base", &g.regions, account);
    for k in &kbs {
        out.push(case(
            "intended: retrieve from the knowledge base",
            RETRIEVE,
            k,
            &ctx,
            Expect::Allow,
        ));
        let generate = if g.generate_with.is_some() {
            Expect::Allow
        } else {
            Expect::Deny
        };
        out.push(case(
            if g.generate_with.is_some() {
                "intended: retrieve and generate"
            } else {
                "near miss: retrieve and generate without a granted model"
            },
            RETRIEVE_AND_GENERATE,
            k,
            &ctx,
            generate,
        ));
        out.push(case(
            "near miss: another knowledge base of the account",
            RETRIEVE,
            &other_id(k),
            &ctx,
            Expect::Deny,
        ));
    }
}

/// A grant's `profile: NAME`: the profile and every model it routes to are allowed;
/// once its ARN is known, another application profile of the account is not.
fn profile_cases(cfg: &Config, name: &str, account: &str, refs: &StackRefs, out: &mut Vec<Case>) {
    let Some(p) = cfg.inference_profile(name) else {
        return;
    };
    let region = p.region.value.as_str();
    let resolved = refs
        .resolve(Kind::InferenceProfile, name, region)
        .filter(|a| a.starts_with("arn:"));
    let arn = resolved.clone().unwrap_or_else(|| {
        format!(
            "arn:{}:bedrock:{region}:{account}:application-inference-profile/{SAMPLE_ID}",
            catalog().partition(region)
        )
    });
    let ctx = |r: &str| vec![("aws:RequestedRegion".to_string(), r.to_string())];
    out.push(case(
        &format!("intended: profile `{name}`"),
        INVOKE,
        &arn,
        &ctx(region),
        Expect::Allow,
    ));
    for fm in profile_routes(&p.copy_from.value, region) {
        let r = crate::vocab::arn::Arn::parse(&fm)
            .map(|a| a.region.to_string())
            .filter(|r| !r.is_empty() && !r.contains('*'))
            .unwrap_or_else(|| region.to_string());
        let fm = fm.replace(":bedrock:*:", &format!(":bedrock:{r}:"));
        out.push(case(
            &format!("intended: a model profile `{name}` routes to"),
            INVOKE,
            &fm,
            &ctx(&r),
            Expect::Allow,
        ));
    }
    if resolved.is_some() {
        out.push(case(
            "near miss: another application profile of the account",
            INVOKE,
            &other_id(&arn),
            &ctx(region),
            Expect::Deny,
        ));
    }
}

fn case(
    what: &str,
    action: &str,
    resource: &str,
    ctx: &[(String, String)],
    expect: Expect,
) -> Case {
    Case {
        what: what.to_string(),
        action: action.to_string(),
        resource: resource.to_string(),
        context: ctx.to_vec(),
        expect,
    }
}

fn batch_cases(
    g: &Grant,
    region: &str,
    legs: &[(String, String)],
    account: &str,
    ctx: &[(String, String)],
    out: &mut Vec<Case>,
) {
    let part = catalog().partition(region);
    let job = format!("arn:{part}:bedrock:{region}:{account}:model-invocation-job/{SAMPLE_ID}");
    let mut rctx = ctx.to_vec();
    rctx.push(("aws:RequestedRegion".into(), region.to_string()));
    out.push(case(
        "intended: create a batch job",
        CREATE_JOB,
        &job,
        &rctx,
        Expect::Allow,
    ));
    for (res, _) in legs {
        out.push(case(
            "intended: batch job on the model",
            CREATE_JOB,
            res,
            &rctx,
            Expect::Allow,
        ));
    }
    out.push(case(
        "intended: read a batch job",
        GET_JOB,
        &job,
        &rctx,
        Expect::Allow,
    ));
    out.push(case(
        "intended: list batch jobs",
        LIST_JOBS,
        "*",
        &rctx,
        Expect::Allow,
    ));
    if let Some(other) = other_region(region, &g.regions.iter().map(|r| r.value.clone()).collect())
    {
        let mut octx = ctx.to_vec();
        octx.push(("aws:RequestedRegion".into(), other));
        out.push(case(
            "near miss: list batch jobs in another region",
            LIST_JOBS,
            "*",
            &octx,
            Expect::Deny,
        ));
    }
    if let Some(role) = &g.batch_role {
        let arn = role_arn(account, &role.value);
        let mut pctx = rctx.clone();
        pctx.push(("iam:PassedToService".into(), BEDROCK_SERVICE.into()));
        out.push(case(
            "intended: pass the batch role to Bedrock",
            PASS_ROLE,
            &arn,
            &pctx,
            Expect::Allow,
        ));
        let mut wrong = rctx.clone();
        wrong.push(("iam:PassedToService".into(), "ec2.amazonaws.com".into()));
        out.push(case(
            "near miss: pass the batch role to another service",
            PASS_ROLE,
            &arn,
            &wrong,
            Expect::Deny,
        ));
        out.push(case(
            "near miss: pass another role",
            PASS_ROLE,
            &role_arn(account, "bedrockctl-not-the-batch-role"),
            &pctx,
            Expect::Deny,
        ));
    }
}
