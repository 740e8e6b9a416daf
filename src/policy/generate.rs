//! The one grant generator: a role's `grants:` → the minimal identity policy, with
//! exact ARNs. `plan::desired` (the role's inline policy), `iam::access` (offline
//! checks) and `policy generate` all call [`grants_document`].
//!
//! What a grant becomes (facts from `shared/reference/bedrock-api.md` §1 and §4):
//! - on demand: the invoke actions on the foundation-model ARN in each region;
//! - inference profile: the system profile ARN in the source region plus the
//!   foundation-model ARN in every destination region the catalog lists for that
//!   source (a `global.` profile routes to any commercial region, so its model ARN
//!   has a wildcard region);
//! - provisioned: the account's provisioned-model ARNs in the region (ids are
//!   assigned at purchase), or the ARN the grant names;
//! - batch: Create/Get/Stop `model-invocation-job`, List on `*` narrowed by
//!   `aws:RequestedRegion`, and `iam:PassRole` on the batch role for
//!   `bedrock.amazonaws.com` only;
//! - streaming adds `bedrock:InvokeModelWithResponseStream` (ConverseStream);
//! - `guardrail` adds `bedrock:ApplyGuardrail` on the guardrail; with
//!   `require_guardrail: true` also a Deny of the invoke actions unless
//!   `bedrock:GuardrailIdentifier` names it (without it, an unguarded request stays
//!   allowed, as the contract's config-example expects of its access checks);
//! - `source_vpce` adds `aws:SourceVpce` to every Allow of the grant.
//!
//! Output is deterministic: statements in grant order with Sids `<Kind><grant index>`,
//! actions and resources sorted.

use super::refs::StackRefs;
use crate::account::Kind;
use crate::catalog::catalog;
use crate::config::{BatchRole, Config, Grant, Role, RolePolicy, Via};
use crate::vocab::arn::{any_in_region, foundation_model_arn, inference_profile_arn, role_arn};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

pub const INVOKE: &str = "bedrock:InvokeModel";
pub const INVOKE_STREAM: &str = "bedrock:InvokeModelWithResponseStream";
pub const APPLY_GUARDRAIL: &str = "bedrock:ApplyGuardrail";
pub const CREATE_JOB: &str = "bedrock:CreateModelInvocationJob";
pub const GET_JOB: &str = "bedrock:GetModelInvocationJob";
pub const LIST_JOBS: &str = "bedrock:ListModelInvocationJobs";
pub const STOP_JOB: &str = "bedrock:StopModelInvocationJob";
pub const PASS_ROLE: &str = "iam:PassRole";
pub const INVOKE_AGENT: &str = "bedrock:InvokeAgent";
pub const RETRIEVE: &str = "bedrock:Retrieve";
pub const RETRIEVE_AND_GENERATE: &str = "bedrock:RetrieveAndGenerate";
pub const BEDROCK_SERVICE: &str = "bedrock.amazonaws.com";
/// The catalog's marker for `global.` profiles that may route to any commercial region.
pub const ALL_COMMERCIAL: &str = "ALL_COMMERCIAL_REGIONS";

/// How `id` of `grant` is used: a profile id always through its profile, else the
/// grant's `via`, else how `models:` lists the model, else on demand.
pub fn via_for(cfg: &Config, grant: &Grant, id: &str) -> Via {
    if catalog().profile(id).is_some() {
        return Via::InferenceProfile;
    }
    if grant.provisioned.is_some() {
        return Via::Provisioned;
    }
    if let Some(v) = &grant.via {
        return v.value;
    }
    cfg.models
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .find(|m| m.id.value == id)
        .map(|m| m.via.value)
        .unwrap_or(Via::OnDemand)
}

/// The system profile a request for `id` from `region` goes through, with the
/// model it serves: `id` itself when it is a profile id, else the catalog's profile
/// for that source region.
pub fn profile_of(id: &str, region: &str) -> Option<(String, String)> {
    let cat = catalog();
    if let Some((m, p)) = cat.profile(id) {
        return Some((m.model_id.clone(), p.profile_id.clone()));
    }
    let m = cat.model(id)?;
    let p = m.profile_for(region)?;
    Some((m.model_id.clone(), p.profile_id.clone()))
}

/// The invoke resources of one model id in one region.
pub fn invoke_resources(id: &str, region: &str, via: Via, account: &str) -> Vec<String> {
    if id.starts_with("arn:") {
        return vec![id.to_string()];
    }
    match via {
        Via::Provisioned => vec![any_in_region(region, account, "provisioned-model")],
        Via::InferenceProfile => match profile_of(id, region) {
            Some((model_id, profile_id)) => {
                let mut out = vec![inference_profile_arn(region, account, &profile_id)];
                let dests = catalog()
                    .profile(&profile_id)
                    .map(|(_, p)| p.destinations_from(region))
                    .unwrap_or_default();
                for d in dests {
                    if d == ALL_COMMERCIAL {
                        let part = catalog().partition(region);
                        out.push(format!("arn:{part}:bedrock:*::foundation-model/{model_id}"));
                    } else {
                        out.push(foundation_model_arn(d, &model_id));
                    }
                }
                out
            }
            None => vec![foundation_model_arn(region, id)],
        },
        Via::OnDemand | Via::Batch => vec![foundation_model_arn(region, id)],
    }
}

/// The foundation-model ARNs an application inference profile copied from `copy_from`
/// (a model id, a system profile id, or an ARN of either) in `region` routes to: every
/// destination region's model for a cross-region profile, else that one model. Invoking
/// the profile needs invoke on it and on these (inference-profiles-prereq.html,
/// https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html).
pub fn profile_routes(copy_from: &str, region: &str) -> Vec<String> {
    let id = copy_from
        .rsplit_once(":foundation-model/")
        .or_else(|| copy_from.rsplit_once(":inference-profile/"))
        .map_or(copy_from, |(_, id)| id);
    if catalog().profile(id).is_some() {
        invoke_resources(id, region, Via::InferenceProfile, "")
            .into_iter()
            .filter(|a| a.contains(":foundation-model/"))
            .collect()
    } else {
        vec![foundation_model_arn(region, id)]
    }
}

/// The invoke resources of a grant's `profile: NAME` (an `inference_profiles` entry):
/// the profile's ARN (live, or its placeholder) and the models it routes to.
fn stack_profile_resources(
    cfg: &Config,
    name: &str,
    account: &str,
    refs: &StackRefs,
) -> Vec<String> {
    let Some(p) = cfg.inference_profile(name) else {
        return Vec::new();
    };
    let region = p.region.value.as_str();
    let mut out = vec![refs
        .resolve(Kind::InferenceProfile, name, region)
        .unwrap_or_else(|| any_in_region(region, account, "application-inference-profile"))];
    out.extend(profile_routes(&p.copy_from.value, region));
    out
}

/// The invoke resource of a grant's `provisioned: NAME` in `region`: that provisioned
/// model's ARN (live, or its placeholder), nothing in a region where it is not.
fn stack_provisioned_resources(
    cfg: &Config,
    name: &str,
    region: &str,
    account: &str,
    refs: &StackRefs,
) -> Vec<String> {
    cfg.provisioned_throughput
        .iter()
        .flatten()
        .filter(|p| p.name.value == name && p.region.value == region)
        .map(|_| {
            refs.resolve(Kind::ProvisionedThroughput, name, region)
                .unwrap_or_else(|| any_in_region(region, account, "provisioned-model"))
        })
        .collect()
}

/// The ARNs of `entries` (ARNs, or ids made into `KIND/ID` ARNs in each of `regions`).
pub fn agent_runtime_arns(
    entries: &[crate::config::S<String>],
    kind: &str,
    regions: &[crate::config::S<String>],
    account: &str,
) -> Vec<String> {
    let mut out = BTreeSet::new();
    for e in entries {
        if e.value.starts_with("arn:") {
            out.insert(e.value.clone());
            continue;
        }
        for r in regions {
            out.insert(format!(
                "arn:{}:bedrock:{}:{account}:{kind}/{}",
                catalog().partition(&r.value),
                r.value,
                e.value
            ));
        }
    }
    out.into_iter().collect()
}

/// Whether the grant denies invoke requests that do not name its guardrail.
pub fn requires_guardrail(grant: &Grant) -> bool {
    grant.guardrail.is_some() && grant.require_guardrail.as_ref().is_some_and(|r| r.value)
}

/// The guardrail resources of a grant: the ARN it names (version stripped); for a
/// guardrail of this stack, its live ARN in each of the grant's regions from `refs`,
/// else every guardrail of the account in that region (its id is assigned at create
/// time). `bedrock:ApplyGuardrail` is authorized against the unversioned guardrail ARN:
/// https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html
pub fn guardrail_resources(
    grant: &Grant,
    guardrail: &str,
    account: &str,
    refs: &StackRefs,
) -> Vec<String> {
    if guardrail.starts_with("arn:") {
        return vec![guardrail_base(guardrail).to_string()];
    }
    grant
        .regions
        .iter()
        .map(
            |r| match refs.resolve(Kind::Guardrail, guardrail, &r.value) {
                Some(arn) => guardrail_base(&arn).to_string(),
                None => any_in_region(&r.value, account, "guardrail"),
            },
        )
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// `…:guardrail/ID` without a `:VERSION` suffix.
fn guardrail_base(arn: &str) -> &str {
    match arn.rfind("guardrail/") {
        Some(i) => match arn[i..].find(':') {
            Some(j) => &arn[..i + j],
            None => arn,
        },
        None => arn,
    }
}

/// The `bedrock:GuardrailIdentifier` values a request may carry: the guardrail ARN with
/// or without a version (a versioned ARN in the config pins that version). The service
/// puts `ARN:VERSION` in the key for a numeric version and the bare ARN for DRAFT
/// (examples 1 and 2 of
/// https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html),
/// so `ARN` and `ARN:*` cover exactly that guardrail's versions.
fn guardrail_identifiers(resources: &[String], named: &str) -> Vec<String> {
    if named.starts_with("arn:") && guardrail_base(named) != named {
        return vec![named.to_string()];
    }
    let mut out = BTreeSet::new();
    for r in resources {
        out.insert(r.clone());
        if !r.ends_with('*') {
            out.insert(format!("{r}:*"));
        }
    }
    out.into_iter().collect()
}

fn one_or_many<I: IntoIterator<Item = String>>(items: I) -> Value {
    let v: Vec<String> = items
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    match v.as_slice() {
        [one] => Value::String(one.clone()),
        _ => json!(v),
    }
}

fn statement(sid: String, effect: &str, actions: Value, resources: Value) -> Map<String, Value> {
    let mut st = Map::new();
    st.insert("Sid".into(), Value::String(sid));
    st.insert("Effect".into(), Value::String(effect.into()));
    st.insert("Action".into(), actions);
    st.insert("Resource".into(), resources);
    st
}

/// Add `op: {key: values}` to a statement's Condition block.
fn add_condition(st: &mut Map<String, Value>, op: &str, key: &str, values: Value) {
    let cond = st
        .entry("Condition")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(ops) = cond {
        let entry = ops
            .entry(op.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(keys) = entry {
            keys.insert(key.to_string(), values);
        }
    }
}

/// The statements of grant number `i`.
fn grant_statements(
    cfg: &Config,
    g: &Grant,
    i: usize,
    account: &str,
    refs: &StackRefs,
) -> Vec<Value> {
    let mut out: Vec<Map<String, Value>> = Vec::new();
    let mut allows: Vec<usize> = Vec::new();
    let mut invoke = BTreeSet::new();
    let mut batch_models = BTreeSet::new();
    for id in &g.invoke {
        let via = via_for(cfg, g, &id.value);
        for r in &g.regions {
            match (via, &g.provisioned) {
                (Via::Batch, _) => {
                    batch_models.extend(invoke_resources(&id.value, &r.value, via, account))
                }
                (Via::Provisioned, Some(pt)) if !id.value.starts_with("arn:") => invoke.extend(
                    stack_provisioned_resources(cfg, &pt.value, &r.value, account, refs),
                ),
                _ => invoke.extend(invoke_resources(&id.value, &r.value, via, account)),
            }
        }
    }
    if let Some(p) = &g.profile {
        invoke.extend(stack_profile_resources(cfg, &p.value, account, refs));
    }
    // RetrieveAndGenerate answers with the model the request names, which the caller
    // must be allowed to invoke (knowledge-base-prereq-permissions-general.html,
    // https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-base-prereq-permissions-general.html).
    if let Some(m) = g
        .generate_with
        .as_ref()
        .filter(|_| !g.knowledge_base.is_empty())
    {
        let via = via_for(cfg, g, &m.value);
        let via = if via == Via::Batch {
            Via::OnDemand
        } else {
            via
        };
        for r in &g.regions {
            invoke.extend(invoke_resources(&m.value, &r.value, via, account));
        }
    }
    let mut invoke_actions = vec![INVOKE.to_string()];
    if g.streaming {
        invoke_actions.push(INVOKE_STREAM.to_string());
    }
    if !invoke.is_empty() {
        allows.push(out.len());
        out.push(statement(
            format!("Invoke{i}"),
            "Allow",
            one_or_many(invoke_actions.clone()),
            one_or_many(invoke.iter().cloned()),
        ));
    }
    let agents = agent_runtime_arns(&g.agent, "agent-alias", &g.regions, account);
    if !agents.is_empty() {
        allows.push(out.len());
        out.push(statement(
            format!("InvokeAgent{i}"),
            "Allow",
            one_or_many([INVOKE_AGENT.to_string()]),
            one_or_many(agents),
        ));
    }
    let kbs = agent_runtime_arns(&g.knowledge_base, "knowledge-base", &g.regions, account);
    if !kbs.is_empty() {
        let mut actions = vec![RETRIEVE.to_string()];
        if g.generate_with.is_some() {
            actions.push(RETRIEVE_AND_GENERATE.to_string());
        }
        allows.push(out.len());
        out.push(statement(
            format!("Retrieve{i}"),
            "Allow",
            one_or_many(actions),
            one_or_many(kbs),
        ));
    }
    if let Some(gr) = &g.guardrail {
        let resources = guardrail_resources(g, &gr.value, account, refs);
        // Batch jobs are not invoke requests; only the grant's invoke resources.
        if !invoke.is_empty() && requires_guardrail(g) {
            let mut deny = statement(
                format!("RequireGuardrail{i}"),
                "Deny",
                one_or_many(invoke_actions.clone()),
                one_or_many(invoke.iter().cloned()),
            );
            add_condition(
                &mut deny,
                "StringNotLike",
                "bedrock:GuardrailIdentifier",
                one_or_many(guardrail_identifiers(&resources, &gr.value)),
            );
            out.push(deny);
        }
        allows.push(out.len());
        out.push(statement(
            format!("ApplyGuardrail{i}"),
            "Allow",
            one_or_many([APPLY_GUARDRAIL.to_string()]),
            one_or_many(resources),
        ));
    }
    if !batch_models.is_empty() {
        let jobs: BTreeSet<String> = g
            .regions
            .iter()
            .map(|r| any_in_region(&r.value, account, "model-invocation-job"))
            .collect();
        let regions = one_or_many(g.regions.iter().map(|r| r.value.clone()));
        allows.push(out.len());
        out.push(statement(
            format!("BatchCreate{i}"),
            "Allow",
            one_or_many([CREATE_JOB.to_string()]),
            one_or_many(jobs.iter().chain(&batch_models).cloned()),
        ));
        allows.push(out.len());
        out.push(statement(
            format!("BatchManage{i}"),
            "Allow",
            one_or_many([GET_JOB.to_string(), STOP_JOB.to_string()]),
            one_or_many(jobs.iter().cloned()),
        ));
        // List has no resource type: `*`, narrowed to the grant's regions.
        let mut list = statement(
            format!("BatchList{i}"),
            "Allow",
            one_or_many([LIST_JOBS.to_string()]),
            Value::String("*".into()),
        );
        add_condition(
            &mut list,
            "StringEquals",
            "aws:RequestedRegion",
            regions.clone(),
        );
        allows.push(out.len());
        out.push(list);
        if let Some(role) = &g.batch_role {
            let mut pass = statement(
                format!("PassBatchRole{i}"),
                "Allow",
                one_or_many([PASS_ROLE.to_string()]),
                Value::String(role_arn(account, &role.value)),
            );
            add_condition(
                &mut pass,
                "StringEquals",
                "iam:PassedToService",
                Value::String(BEDROCK_SERVICE.into()),
            );
            // The role ARN has no region; the calling request's region narrows it.
            add_condition(&mut pass, "StringEquals", "aws:RequestedRegion", regions);
            allows.push(out.len());
            out.push(pass);
        }
    }
    if !g.source_vpce.is_empty() {
        let vpces = one_or_many(g.source_vpce.iter().map(|v| v.value.clone()));
        for &a in &allows {
            if let Some(st) = out.get_mut(a) {
                add_condition(st, "StringEquals", "aws:SourceVpce", vpces.clone());
            }
        }
    }
    out.into_iter().map(Value::Object).collect()
}

/// The policy document for one `grants:` list.
pub fn grants_document(cfg: &Config, grants: &[Grant], account: &str) -> Value {
    grants_document_from(cfg, grants.iter(), account, &StackRefs::none())
}

/// [`grants_document`] with the stack's resources resolved through `refs`.
pub fn grants_document_with(
    cfg: &Config,
    grants: &[Grant],
    account: &str,
    refs: &StackRefs,
) -> Value {
    grants_document_from(cfg, grants.iter(), account, refs)
}

fn grants_document_from<'a>(
    cfg: &Config,
    grants: impl Iterator<Item = &'a Grant>,
    account: &str,
    refs: &StackRefs,
) -> Value {
    let statements: Vec<Value> = grants
        .enumerate()
        .flat_map(|(i, g)| grant_statements(cfg, g, i, account, refs))
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The policy the invocation-logging delivery role `role` needs: for each
/// `invocation_logging` entry delivering to CloudWatch through it, create streams and
/// put events in that one log group (the Bedrock user guide's CloudWatch destination
/// setup, https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html).
/// S3 delivery is authorized by the bucket's policy for `bedrock.amazonaws.com`, not by
/// this role. `None` when no logging entry uses the role.
pub fn logging_document(cfg: &Config, role: &str, account: &str) -> Option<Value> {
    let statements: Vec<Value> = cfg
        .invocation_logging
        .iter()
        .flatten()
        .filter_map(|l| {
            let cw = l.cloudwatch.as_ref().filter(|c| c.role.value == role)?;
            let region = l.region.value.as_str();
            let part = catalog().partition(region);
            let sid: String = format!("InvocationLogs-{region}")
                .split('-')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            Some(Value::Object(statement(
                sid,
                "Allow",
                json!(["logs:CreateLogStream", "logs:PutLogEvents"]),
                Value::String(format!(
                    "arn:{part}:logs:{region}:{account}:log-group:{}:log-stream:*",
                    cw.log_group.value
                )),
            )))
        })
        .collect();
    (!statements.is_empty()).then(|| json!({"Version": "2012-10-17", "Statement": statements}))
}

pub use crate::vocab::arn::parse_s3_uri;

/// The trust policy and the permissions of a batch inference service role, as the
/// Bedrock user guide's batch service role describes them
/// (https://docs.aws.amazon.com/bedrock/latest/userguide/batch-iam-sr.html): Bedrock may
/// assume it only for this account's model-invocation jobs (`aws:SourceAccount`,
/// `aws:SourceArn`); it reads the input prefix, writes the output prefix (buckets of this
/// account, `aws:ResourceAccount`), uses the KMS key when named, and invokes the models.
pub fn batch_role_documents(cfg: &Config, b: &BatchRole, account: &str) -> (Value, Value) {
    let regions: Vec<&str> = if b.regions.is_empty() {
        cfg.account
            .regions
            .iter()
            .map(|r| r.value.as_str())
            .collect()
    } else {
        b.regions.iter().map(|r| r.value.as_str()).collect()
    };
    let part = regions
        .first()
        .map(|r| catalog().partition(r).to_string())
        .unwrap_or_else(|| "aws".to_string());
    let jobs: Vec<String> = regions
        .iter()
        .map(|r| format!("arn:{part}:bedrock:{r}:{account}:model-invocation-job/*"))
        .collect();
    let trust = json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "BedrockBatchJobs",
        "Effect": "Allow",
        "Principal": {"Service": BEDROCK_SERVICE},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account},
            "ArnLike": {"aws:SourceArn": one_or_many(jobs)},
        },
    }]});
    let mut statements = Vec::new();
    let mut s3 = |sid: &str, action: &str, uri: &str| {
        if let Some((bucket, prefix)) = parse_s3_uri(uri) {
            let mut objects = statement(
                format!("{sid}Objects"),
                "Allow",
                json!(action),
                json!(format!("arn:{part}:s3:::{bucket}/{prefix}*")),
            );
            add_condition(
                &mut objects,
                "StringEquals",
                "aws:ResourceAccount",
                json!(account),
            );
            statements.push(Value::Object(objects));
            let mut list = statement(
                format!("{sid}List"),
                "Allow",
                json!("s3:ListBucket"),
                json!(format!("arn:{part}:s3:::{bucket}")),
            );
            add_condition(
                &mut list,
                "StringEquals",
                "aws:ResourceAccount",
                json!(account),
            );
            add_condition(
                &mut list,
                "StringLike",
                "s3:prefix",
                json!(format!("{prefix}*")),
            );
            statements.push(Value::Object(list));
        }
    };
    s3("ReadInput", "s3:GetObject", &b.input.value);
    s3("WriteOutput", "s3:PutObject", &b.output.value);
    let mut invoke = BTreeSet::new();
    for m in &b.models {
        let via = if catalog().profile(&m.value).is_some() {
            Via::InferenceProfile
        } else {
            Via::OnDemand
        };
        for r in &regions {
            invoke.extend(invoke_resources(&m.value, r, via, account));
        }
    }
    if !invoke.is_empty() {
        statements.push(Value::Object(statement(
            "InvokeModels".into(),
            "Allow",
            json!(INVOKE),
            one_or_many(invoke),
        )));
    }
    if let Some(k) = &b.kms_key {
        statements.push(Value::Object(statement(
            "UseKey".into(),
            "Allow",
            json!(["kms:Decrypt", "kms:GenerateDataKey"]),
            json!(k.value),
        )));
    }
    (
        trust,
        json!({"Version": "2012-10-17", "Statement": statements}),
    )
}

/// Every grant of a role, over all its `grants:` blocks, in order.
pub fn role_grants(role: &Role) -> Vec<&Grant> {
    role.policies
        .iter()
        .filter_map(|p| match p {
            RolePolicy::Grants { grants, .. } => Some(grants.iter()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// One generated policy per role that has grants: the role's name and document.
pub fn generate_all(cfg: &Config, account: &str) -> Vec<(String, Value)> {
    generate_all_with(cfg, account, &StackRefs::none())
}

/// [`generate_all`] with the stack's resources resolved to exact ARNs where `refs`
/// knows them.
pub fn generate_all_with(cfg: &Config, account: &str, refs: &StackRefs) -> Vec<(String, Value)> {
    cfg.iam
        .as_ref()
        .and_then(|i| i.roles.as_ref())
        .map(|rs| rs.as_slice())
        .unwrap_or(&[])
        .iter()
        .filter_map(|r| {
            let grants = role_grants(r);
            if grants.is_empty() {
                return None;
            }
            Some((
                r.name.value.clone(),
                grants_document_from(cfg, grants.into_iter(), account, refs),
            ))
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests;
