//! IAM names, references between roles, policies and guardrails, grants, organization
//! policies and access checks.

use super::model::*;
use super::rules::{iam_name_char, parse_arn, Rules};
use super::validate::known_model;
use crate::diag::did_you_mean;
use std::collections::HashSet;

/// Managed policy documents may hold at most this many characters, whitespace excluded.
const MANAGED_POLICY_CHARS: usize = 6_144;
/// All inline policies of a role together, whitespace excluded.
const INLINE_POLICY_CHARS: usize = 10_240;

pub(crate) fn iam(r: &mut Rules, cfg: &Config) {
    let policies: Vec<&ManagedPolicy> = cfg
        .iam
        .iter()
        .flat_map(|i| i.policies.iter().flatten())
        .collect();
    let roles: Vec<&Role> = cfg
        .iam
        .iter()
        .flat_map(|i| i.roles.iter().flatten())
        .collect();
    let policy_names: Vec<&str> = policies.iter().map(|p| p.name.value.as_str()).collect();
    // Batch service roles are roles of the stack too: grants and checks may name them.
    let role_names: Vec<&str> = roles
        .iter()
        .map(|r| r.name.value.as_str())
        .chain(cfg.batch_roles.iter().map(|b| b.name.value.as_str()))
        .collect();
    let guardrails: Vec<&str> = cfg
        .guardrails
        .iter()
        .flatten()
        .map(|g| g.name.value.as_str())
        .collect();

    let mut seen = HashSet::new();
    for p in &policies {
        if r.len(&p.name, "policy name", 1, 128) {
            r.charset(&p.name, "policy name", iam_name_char, "[\\w+=,.@-]+");
        }
        if !seen.insert(p.name.value.as_str()) {
            r.d.error(p.name.span, format!("duplicate policy `{}`", p.name.value));
        }
        let size = compact_len(&p.file.document);
        if size > MANAGED_POLICY_CHARS {
            r.d.error(p.file.path.span, format!("policy `{}` is {size} characters, managed policies allow {MANAGED_POLICY_CHARS}", p.file.path.value));
        }
    }
    let mut seen = HashSet::new();
    for role in &roles {
        if r.len(&role.name, "role name", 1, 64) {
            r.charset(&role.name, "role name", iam_name_char, "[\\w+=,.@-]+");
        }
        if !seen.insert(role.name.value.as_str()) {
            r.d.error(
                role.name.span,
                format!("duplicate role `{}`", role.name.value),
            );
        }
        if let Some(b) = &role.permissions_boundary {
            policy_ref(r, b, &policy_names, "permissions boundary");
        }
        if let Some(d) = &role.max_session_duration {
            if !(3600..=43_200).contains(&d.value) {
                r.d.error(
                    d.span,
                    "`max_session_duration` must be between 3600 and 43200 seconds",
                );
            }
        }
        if let Some(desc) = &role.description {
            r.len(desc, "description", 0, 1000);
        }
        // IAM: at most 50 tags per role (LimitExceeded), as the sandbox enforces.
        if role.tags.len() > 50 {
            r.d.error(
                role.name.span,
                format!(
                    "too many tags on role `{}`: {}, at most 50",
                    role.name.value,
                    role.tags.len()
                ),
            );
        }
        let mut inline = 0;
        for p in &role.policies {
            match p {
                RolePolicy::File(f) => inline += compact_len(&f.document),
                RolePolicy::Managed(m) => policy_ref(r, m, &policy_names, "managed policy"),
                RolePolicy::Grants { grants, span } => {
                    if grants.is_empty() {
                        r.d.error(*span, "`grants` needs at least one entry");
                    }
                    for g in grants {
                        grant(r, cfg, g, &guardrails, &role_names);
                    }
                }
            }
        }
        if inline > INLINE_POLICY_CHARS {
            r.d.error(role.name.span, format!("inline policies of role `{}` total {inline} characters, IAM allows {INLINE_POLICY_CHARS}", role.name.value));
        }
    }
    for b in &cfg.batch_roles {
        if r.len(&b.name, "role name", 1, 64) {
            r.charset(&b.name, "role name", iam_name_char, "[\\w+=,.@-]+");
        }
        if !seen.insert(b.name.value.as_str()) {
            r.d.error(b.name.span, format!("duplicate role `{}`", b.name.value));
        }
        batch_role(r, b);
    }
    for check in &cfg.access_checks {
        access_check(r, cfg, check, &role_names);
        guardrail_refs(r, check, &guardrails);
    }
}

/// A batch role's S3 locations, key and models.
fn batch_role(r: &mut Rules, b: &BatchRole) {
    for (what, uri) in [("input", &b.input), ("output", &b.output)] {
        if crate::vocab::arn::parse_s3_uri(&uri.value).is_none() {
            r.d.error(
                uri.span,
                format!("`{what}` must be `s3://BUCKET/PREFIX` (a bucket name of 3-63 lower-case letters, digits, dots and hyphens), found `{}`", uri.value),
            );
        }
    }
    if let Some(k) = &b.kms_key {
        if r.arn(k, "`kms_key`", Some("kms")) && !k.value.contains(":key/") {
            r.d.error(k.span, "`kms_key` must be a KMS key ARN (`…:key/KEY_ID`)");
        }
    }
    if b.models.is_empty() {
        r.d.error(b.span, "a batch role needs at least one model in `models`");
    }
    for m in &b.models {
        if !m.value.starts_with("arn:") {
            known_model(r, m);
        }
    }
    // Without `regions`, the account's regions.
    if !b.regions.is_empty() {
        r.regions(&b.regions, b.span, "a batch role");
    }
}

/// An agent or knowledge-base id as Bedrock assigns them: ten upper-case letters or
/// digits (CreateAgent / CreateKnowledgeBase `agentId`/`knowledgeBaseId`, pattern
/// `[0-9a-zA-Z]{10}`, https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_Agent.html).
fn is_agent_id(s: &str) -> bool {
    s.len() == 10 && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `agent:` entries are alias ARNs or `AGENT_ID/ALIAS_ID`; `knowledge_base:` entries are
/// ids or ARNs; `generate_with` needs a knowledge base and a known model.
fn agent_runtime(r: &mut Rules, g: &Grant) {
    for a in &g.agent {
        let ok = match a.value.strip_prefix("arn:") {
            Some(_) => {
                r.arn(a, "`agent`", Some("bedrock"))
                    && a.value.split_once(":agent-alias/").is_some_and(|(_, ids)| {
                        ids.split_once('/')
                            .is_some_and(|(x, y)| is_agent_id(x) && is_agent_id(y))
                    })
            }
            None => a
                .value
                .split_once('/')
                .is_some_and(|(x, y)| is_agent_id(x) && is_agent_id(y)),
        };
        if !ok {
            r.d.error(
                a.span,
                format!("`agent` must be an agent alias ARN (`…:agent-alias/AGENT_ID/ALIAS_ID`) or `AGENT_ID/ALIAS_ID`, found `{}`", a.value),
            );
        }
    }
    for k in &g.knowledge_base {
        let ok = match k.value.strip_prefix("arn:") {
            Some(_) => {
                r.arn(k, "`knowledge_base`", Some("bedrock"))
                    && k.value
                        .split_once(":knowledge-base/")
                        .is_some_and(|(_, id)| is_agent_id(id))
            }
            None => is_agent_id(&k.value),
        };
        if !ok {
            r.d.error(
                k.span,
                format!("`knowledge_base` must be a knowledge base id (10 letters or digits) or ARN, found `{}`", k.value),
            );
        }
    }
    if let Some(m) = &g.generate_with {
        if g.knowledge_base.is_empty() {
            r.d.error(m.span, "`generate_with` needs the grant's `knowledge_base`");
        }
        if !m.value.starts_with("arn:") {
            known_model(r, m);
        }
    }
}

/// `provisioned: NAME` and `profile: NAME` name entries of this config, where the grant
/// can use them.
fn stack_refs(r: &mut Rules, cfg: &Config, g: &Grant) {
    if let Some(p) = &g.provisioned {
        let all: Vec<&ProvisionedThroughput> =
            cfg.provisioned_throughput.iter().flatten().collect();
        match all.iter().find(|x| x.name.value == p.value) {
            None => {
                let d = r.d.error(
                    p.span,
                    format!(
                        "`{}` is not a `provisioned_throughput` entry of this config",
                        p.value
                    ),
                );
                d.hints.push(
                    did_you_mean(&p.value, all.iter().map(|x| x.name.value.as_str()))
                        .unwrap_or_else(|| "name a `provisioned_throughput` entry".to_string()),
                );
            }
            Some(pt) => {
                if let Some(v) = g.via.as_ref().filter(|v| v.value != Via::Provisioned) {
                    r.d.error(v.span, "a grant with `provisioned` invokes through it: `via` must be `provisioned` or left out");
                }
                if !g.regions.iter().any(|x| x.value == pt.region.value) {
                    r.d.error(
                        p.span,
                        format!(
                            "provisioned throughput `{}` is in `{}`, which is not among the grant's regions",
                            p.value, pt.region.value
                        ),
                    )
                    .hints
                    .push(format!("add `{}` to the grant's regions", pt.region.value));
                }
            }
        }
    }
    if let Some(p) = &g.profile {
        let all: Vec<&InferenceProfile> = cfg.inference_profiles.iter().flatten().collect();
        if !all.iter().any(|x| x.name.value == p.value) {
            let d = r.d.error(
                p.span,
                format!(
                    "`{}` is not an `inference_profiles` entry of this config",
                    p.value
                ),
            );
            d.hints.push(
                did_you_mean(&p.value, all.iter().map(|x| x.name.value.as_str()))
                    .unwrap_or_else(|| "name an `inference_profiles` entry".to_string()),
            );
        }
    }
}

/// A context value `guardrail/NAME` names a guardrail of this config
/// (`iam::access::resolved_context` turns it into the ARN).
fn guardrail_refs(r: &mut Rules, check: &AccessCheck, guardrails: &[&str]) {
    for v in check.context.values() {
        let values: Vec<&String> = match v {
            ContextValue::One(s) => vec![s],
            ContextValue::Many(m) => m.iter().collect(),
        };
        for s in values {
            let Some(name) = s.strip_prefix("guardrail/") else {
                continue;
            };
            if !guardrails.contains(&name) {
                let d = r.d.error(
                    check.span,
                    format!("`guardrail/{name}` in the context does not name a guardrail of this config"),
                );
                d.hints.push(
                    did_you_mean(name, guardrails.iter().copied()).unwrap_or_else(|| {
                        "write `guardrail/NAME` with the name of an entry of `guardrails`"
                            .to_string()
                    }),
                );
            }
        }
    }
}

fn compact_len(doc: &serde_json::Value) -> usize {
    serde_json::to_string(doc)
        .map(|s| s.chars().filter(|c| !c.is_whitespace()).count())
        .unwrap_or(0)
}

fn policy_ref(r: &mut Rules, v: &S<String>, names: &[&str], what: &str) {
    if v.value.starts_with("arn:") {
        if r.arn(v, what, Some("iam")) && !v.value.contains(":policy/") {
            r.d.error(v.span, format!("{what} must be a policy ARN"));
        }
    } else if !names.contains(&v.value.as_str()) {
        let d = r.d.error(
            v.span,
            format!("{what} `{}` is not defined under `iam.policies`", v.value),
        );
        d.hints.push(
            did_you_mean(&v.value, names.iter().copied()).unwrap_or_else(|| {
                "name a policy of this config, or give a policy ARN".to_string()
            }),
        );
    }
}

fn grant(r: &mut Rules, cfg: &Config, g: &Grant, guardrails: &[&str], roles: &[&str]) {
    if g.invoke.is_empty()
        && g.profile.is_none()
        && g.agent.is_empty()
        && g.knowledge_base.is_empty()
    {
        r.d.error(g.span, "a grant needs at least one model in `invoke`");
    }
    agent_runtime(r, g);
    if !(g.regions.is_empty() && g.profile.is_some()) {
        r.regions(&g.regions, g.span, "a grant");
    }
    stack_refs(r, cfg, g);
    for id in &g.invoke {
        known_model(r, id);
    }
    if let (Some(req), None) = (&g.require_guardrail, &g.guardrail) {
        if req.value {
            r.d.error(
                req.span,
                "`require_guardrail` needs the grant's `guardrail`",
            )
            .hints
            .push("name the guardrail requests must use: `guardrail: NAME`".to_string());
        }
    }
    if let Some(gr) = &g.guardrail {
        if gr.value.starts_with("arn:") {
            if r.arn(gr, "`guardrail`", Some("bedrock")) && !gr.value.contains(":guardrail/") {
                r.d.error(gr.span, "`guardrail` must be a guardrail ARN");
            }
        } else if !guardrails.contains(&gr.value.as_str()) {
            let d = r.d.error(
                gr.span,
                format!("guardrail `{}` is not defined under `guardrails`", gr.value),
            );
            d.hints.push(
                did_you_mean(&gr.value, guardrails.iter().copied()).unwrap_or_else(|| {
                    "name a guardrail of this config, or give a guardrail ARN".to_string()
                }),
            );
        } else if let Some(def) = cfg.guardrail(&gr.value) {
            for region in &g.regions {
                if !def.regions.iter().any(|x| x.value == region.value) {
                    r.d.error(
                        gr.span,
                        format!(
                            "guardrail `{}` does not exist in `{}`",
                            gr.value, region.value
                        ),
                    )
                    .hints
                    .push(format!("add `{}` to the guardrail's regions", region.value));
                }
            }
        }
    }
    for v in &g.source_vpce {
        let ok = v
            .value
            .strip_prefix("vpce-")
            .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()));
        if !ok {
            r.d.error(
                v.span,
                format!(
                    "`source_vpce` must be a VPC endpoint id like `vpce-1a2b3c4d`, found `{}`",
                    v.value
                ),
            );
        }
    }
    let batch = g.via.as_ref().is_some_and(|v| v.value == Via::Batch);
    match (&g.batch_role, batch) {
        (Some(b), false) => {
            r.d.error(b.span, "`batch_role` only applies with `via: batch`");
        }
        (None, true) => {
            r.d.error(g.span, "a `via: batch` grant needs `batch_role`: the service role Bedrock assumes for the job");
        }
        (Some(b), true) if !b.value.starts_with("arn:") && !roles.contains(&b.value.as_str()) => {
            r.d.error(
                b.span,
                format!("role `{}` is not defined under `iam.roles`", b.value),
            );
        }
        _ => {}
    }
}

fn access_check(r: &mut Rules, cfg: &Config, c: &AccessCheck, roles: &[&str]) {
    let p = &c.principal.value;
    if let Some(name) = p.strip_prefix("role/") {
        if !roles.contains(&name) {
            let d = r.d.error(
                c.principal.span,
                format!("role `{name}` is not defined under `iam.roles`"),
            );
            let candidates: Vec<String> = roles.iter().map(|r| format!("role/{r}")).collect();
            d.hints.push(
                did_you_mean(p, candidates.iter().map(String::as_str)).unwrap_or_else(|| {
                    "use `role/NAME` for a role of this config, or a principal ARN".to_string()
                }),
            );
        }
    } else if p.starts_with("arn:") {
        let ok = parse_arn(p).is_some_and(|a| matches!(a.service, "iam" | "sts"));
        if !ok {
            r.d.error(
                c.principal.span,
                format!("principal must be an IAM or STS ARN, found `{p}`"),
            );
        }
    } else {
        r.d.error(
            c.principal.span,
            format!("principal must be `role/NAME` or an ARN, found `{p}`"),
        );
    }
    let a = &c.action.value;
    let ok = a.split_once(':').is_some_and(|(svc, act)| {
        !svc.is_empty()
            && !act.is_empty()
            && svc
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
    });
    if !ok {
        r.d.error(
            c.action.span,
            format!("action must look like `bedrock:InvokeModel`, found `{a}`"),
        );
    }
    let stack_names: Option<(&str, Vec<&str>)> =
        if let Some(n) = c.model.value.strip_prefix("profile/") {
            let all = cfg.inference_profiles.iter().flatten();
            Some((n, all.map(|p| p.name.value.as_str()).collect()))
        } else if let Some(n) = c.model.value.strip_prefix("provisioned/") {
            let all = cfg.provisioned_throughput.iter().flatten();
            Some((n, all.map(|p| p.name.value.as_str()).collect()))
        } else {
            None
        };
    if let Some((name, names)) = stack_names {
        if !names.contains(&name) {
            let (kind, key) = c.model.value.split_once('/').map_or(("", ""), |(k, _)| {
                (
                    k,
                    if k == "profile" {
                        "inference_profiles"
                    } else {
                        "provisioned_throughput"
                    },
                )
            });
            let d = r.d.error(
                c.model.span,
                format!("`{}` does not name an entry of `{key}`", c.model.value),
            );
            d.hints.push(
                did_you_mean(name, names.iter().copied())
                    .map(|h| h.replace("did you mean `", &format!("did you mean `{kind}/")))
                    .unwrap_or_else(|| {
                        format!("write `{kind}/NAME` with the name of an entry of `{key}`")
                    }),
            );
        }
    } else if c.model.value.starts_with("arn:") {
        if r.arn(&c.model, "`model`", Some("bedrock")) {
            super::validate::known_model_in_arn(r, &c.model);
        }
    } else {
        known_model(r, &c.model);
    }
    let region = &c.region;
    if !crate::catalog::catalog().is_region(&region.value) {
        r.region(region);
    }
    if let Some(b) = &c.batch {
        if c.action.value != "bedrock:CreateModelInvocationJob" {
            r.d.error(
                c.action.span,
                "a check with `batch` is about starting a job: its action is `bedrock:CreateModelInvocationJob`",
            );
        }
        if !roles.contains(&b.role.value.as_str()) {
            let d = r.d.error(
                b.role.span,
                format!("role `{}` is not a role of this config", b.role.value),
            );
            d.hints.push(
                did_you_mean(&b.role.value, roles.iter().copied())
                    .unwrap_or_else(|| "name an entry of `batch_roles` or `iam.roles`".to_string()),
            );
        }
        for (what, uri) in [("input", &b.input), ("output", &b.output)] {
            if crate::vocab::arn::parse_s3_uri(&uri.value).is_none() {
                r.d.error(
                    uri.span,
                    format!(
                        "`{what}` must be `s3://BUCKET/PREFIX`, found `{}`",
                        uri.value
                    ),
                );
            }
        }
    }
}
