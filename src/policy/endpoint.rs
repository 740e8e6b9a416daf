//! VPC endpoint policies: the document each endpoint of a `vpc_endpoints` entry
//! carries, and what names an endpoint's id.
//!
//! `policy: { roles: [...] }` is generated from those roles' grants, least privilege:
//! each statement of a role's generated identity policy whose actions the endpoint's
//! service serves, with `Principal: "*"` narrowed by `aws:PrincipalArn` to that role.
//! The principal is a condition rather than `Principal: {"AWS": ARN}` because the
//! endpoint is created before the roles (a role's grant may name the endpoint's id),
//! and a resource policy naming a role that does not exist yet is refused. An endpoint
//! policy never grants on its own; it only has to allow too
//! (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
//! `aws:SourceVpce` conditions are dropped from the copied statements: every request
//! through the endpoint carries its own id, and keeping them would make the endpoint's
//! policy refer to its own id before it exists.

use super::generate::generate_all_with;
use super::refs::StackRefs;
use crate::account::Kind;
use crate::config::{Config, EndpointPolicy, VpcEndpoint};
use crate::vocab::arn::role_arn;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The service's default policy: full access
/// (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
pub fn default_policy() -> Value {
    json!({"Version": "2008-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    ]})
}

/// The endpoint service that serves `action` (Bedrock's endpoint suffixes,
/// https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html):
/// the runtime API (InvokeModel, Converse, ApplyGuardrail …) on `bedrock-runtime`, the
/// agent runtime (InvokeAgent, Retrieve, RetrieveAndGenerate, InvokeFlow) on
/// `bedrock-agent-runtime`, the agent build-time API on `bedrock-agent`, and the control
/// plane (batch jobs, model management) on `bedrock`. `None`: not a Bedrock action.
pub fn service_for_action(action: &str) -> Option<&'static str> {
    let (svc, op) = action.split_once(':')?;
    if !svc.eq_ignore_ascii_case("bedrock") {
        return None;
    }
    let op = op.to_ascii_lowercase();
    const RUNTIME: &[&str] = &[
        "invokemodel",
        "invokemodelwithresponsestream",
        "applyguardrail",
        "counttokens",
        "startasyncinvoke",
        "getasyncinvoke",
        "listasyncinvokes",
        "invokemodelwithbidirectionalstream",
    ];
    const AGENT_RUNTIME: &[&str] = &[
        "invokeagent",
        "retrieve",
        "retrieveandgenerate",
        "invokeflow",
        "invokeinlineagent",
        "rerank",
    ];
    if RUNTIME.contains(&op.as_str()) {
        Some("bedrock-runtime")
    } else if AGENT_RUNTIME.contains(&op.as_str()) {
        Some("bedrock-agent-runtime")
    } else if ["agent", "knowledgebase", "datasource", "flow", "prompt"]
        .iter()
        .any(|w| op.contains(w))
        && !op.contains("modelinvocationjob")
        // Prompt routers are the control plane's (CreatePromptRouter).
        && !op.contains("promptrouter")
    {
        Some("bedrock-agent")
    } else {
        Some("bedrock")
    }
}

/// The resource name of the endpoint of entry `name` for `service`: `NAME/SERVICE`.
pub fn resource_name(name: &str, service: &str) -> String {
    format!("{name}/{service}")
}

/// A well-formed endpoint id standing in for one that does not exist or is not known
/// (no account): derived from the region and name, so a generated policy stays valid
/// IAM, matches no real endpoint (it refuses rather than grants), and an offline
/// `through` check carries the same id as the policy it is checked against.
pub fn stand_in_id(region: &str, resource_name: &str) -> String {
    let hex: String = Sha256::digest(format!("stand-in|{region}|{resource_name}"))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("vpce-{}", &hex[..17])
}

/// The id of endpoint `NAME/SERVICE` of `entry` as `refs` knows it: live, a
/// placeholder while planning, else the stand-in.
pub fn endpoint_id(refs: &StackRefs, entry: &VpcEndpoint, service: &str) -> String {
    let name = resource_name(&entry.name.value, service);
    refs.resolve(Kind::VpcEndpoint, &name, &entry.region.value)
        .unwrap_or_else(|| stand_in_id(&entry.region.value, &name))
}

/// What a grant's `source_vpce: NAME` becomes: the ids of every endpoint of that entry.
/// An id (`vpce-…`) stays as written; an unknown name yields nothing (validation
/// reports it).
pub fn source_vpce_ids(cfg: &Config, value: &str, refs: &StackRefs) -> Vec<String> {
    if value.starts_with("vpce-") {
        return vec![value.to_string()];
    }
    match cfg.vpc_endpoint(value) {
        Some(e) => e
            .services
            .iter()
            .map(|s| endpoint_id(refs, e, &s.value))
            .collect(),
        None => Vec::new(),
    }
}

/// The policy document of `entry`'s endpoint for `service`.
pub fn endpoint_policy(
    cfg: &Config,
    entry: &VpcEndpoint,
    service: &str,
    account: &str,
    refs: &StackRefs,
) -> Value {
    match &entry.policy {
        None => default_policy(),
        Some(EndpointPolicy::File(f)) => f.document.clone(),
        Some(EndpointPolicy::Roles { roles, .. }) => {
            let names: Vec<&str> = roles.iter().map(|r| r.value.as_str()).collect();
            roles_policy(cfg, &names, service, account, refs)
        }
    }
}

/// Least privilege for `roles` through an endpoint of `service`.
pub fn roles_policy(
    cfg: &Config,
    roles: &[&str],
    service: &str,
    account: &str,
    refs: &StackRefs,
) -> Value {
    let docs = generate_all_with(cfg, account, refs);
    let mut statements = Vec::new();
    for role in roles {
        let Some((_, doc)) = docs.iter().find(|(n, _)| n == role) else {
            continue;
        };
        let arn = role_arn(account, role);
        for st in doc
            .get("Statement")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(st) = for_endpoint(st, service, role, &arn) {
                statements.push(st);
            }
        }
    }
    if statements.is_empty() {
        // Nothing of these roles goes through this service: allow nothing.
        statements.push(
            json!({"Sid": "NothingGranted", "Effect": "Deny", "Principal": "*",
            "Action": "*", "Resource": "*"}),
        );
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// One identity statement of `role` as an endpoint statement for `service`, or `None`
/// when none of its actions go through that service.
fn for_endpoint(st: &Value, service: &str, role: &str, arn: &str) -> Option<Value> {
    let actions: Vec<String> = match st.get("Action")? {
        Value::String(a) => vec![a.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => return None,
    };
    let kept: Vec<String> = actions
        .into_iter()
        .filter(|a| service_for_action(a) == Some(service))
        .collect();
    if kept.is_empty() {
        return None;
    }
    let mut out = Map::new();
    let sid: String = format!(
        "{}{}",
        role.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>(),
        st.get("Sid").and_then(Value::as_str).unwrap_or_default()
    );
    out.insert("Sid".into(), Value::String(sid));
    out.insert("Effect".into(), st.get("Effect")?.clone());
    out.insert("Principal".into(), Value::String("*".into()));
    out.insert(
        "Action".into(),
        match kept.as_slice() {
            [one] => Value::String(one.clone()),
            _ => json!(kept),
        },
    );
    out.insert("Resource".into(), st.get("Resource")?.clone());
    let mut cond: Map<String, Value> = st
        .get("Condition")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for keys in cond.values_mut() {
        if let Value::Object(k) = keys {
            k.retain(|key, _| !key.eq_ignore_ascii_case("aws:SourceVpce"));
        }
    }
    cond.retain(|_, keys| keys.as_object().is_none_or(|k| !k.is_empty()));
    let arns = cond
        .entry("ArnEquals")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(k) = arns {
        k.insert("aws:PrincipalArn".into(), Value::String(arn.to_string()));
    }
    out.insert("Condition".into(), Value::Object(cond));
    Some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_map_to_their_endpoint_service() {
        assert_eq!(
            service_for_action("bedrock:InvokeModel"),
            Some("bedrock-runtime")
        );
        assert_eq!(
            service_for_action("bedrock:ApplyGuardrail"),
            Some("bedrock-runtime")
        );
        assert_eq!(
            service_for_action("bedrock:InvokeAgent"),
            Some("bedrock-agent-runtime")
        );
        assert_eq!(
            service_for_action("bedrock:RetrieveAndGenerate"),
            Some("bedrock-agent-runtime")
        );
        assert_eq!(
            service_for_action("bedrock:CreateModelInvocationJob"),
            Some("bedrock")
        );
        assert_eq!(
            service_for_action("bedrock:CreateAgent"),
            Some("bedrock-agent")
        );
        assert_eq!(
            service_for_action("bedrock:GetPrompt"),
            Some("bedrock-agent")
        );
        assert_eq!(
            service_for_action("bedrock:CreatePromptRouter"),
            Some("bedrock")
        );
        assert_eq!(service_for_action("iam:PassRole"), None);
    }

    #[test]
    fn statements_keep_their_service_actions_and_name_the_role() {
        let st = json!({"Sid": "Invoke0", "Effect": "Allow",
            "Action": ["bedrock:InvokeModel", "bedrock:CreateModelInvocationJob"],
            "Resource": "arn:aws:bedrock:us-east-1::foundation-model/x",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}});
        let out = for_endpoint(&st, "bedrock-runtime", "app", "arn:aws:iam::1:role/app").unwrap();
        assert_eq!(out["Action"], json!("bedrock:InvokeModel"));
        assert_eq!(out["Principal"], json!("*"));
        assert_eq!(out["Sid"], json!("appInvoke0"));
        assert_eq!(
            out["Condition"],
            json!({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/app"}})
        );
        assert!(for_endpoint(&st, "bedrock-agent-runtime", "app", "x").is_none());
    }

    #[test]
    fn stand_in_ids_are_well_formed_and_stable() {
        let a = stand_in_id("us-east-1", "private/bedrock-runtime");
        assert!(crate::vocab::vpc_endpoint::ec2_id_ok(&a, "vpce"));
        assert_eq!(a, stand_in_id("us-east-1", "private/bedrock-runtime"));
        assert_ne!(a, stand_in_id("us-west-2", "private/bedrock-runtime"));
    }
}
