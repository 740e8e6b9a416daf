//! Deep mode's decision procedure on the full offline IAM evaluator of `crate::iam`:
//! every policy type the account exposes, conditions included. The request's context is
//! what the message and the principal imply (`aws:RequestedRegion`, `aws:PrincipalArn`,
//! …); condition keys nobody knows (a guardrail id, a VPC endpoint) are absent, and the
//! outcome says which ones that concerned.

use super::deep::{Decision, EvalInput, EvalOutcome, Evaluator, Reason};
use super::PolicyType;
use crate::iam;
use serde_json::Value;

#[derive(Debug, Default, Clone, Copy)]
pub struct IamEvaluator;

/// Keys the evaluation context holds for a request read from an error message.
const KNOWN_KEYS: &[&str] = &[
    "aws:requestedregion",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:username",
    "aws:userid",
    "aws:principalisawsservice",
    "aws:resourceaccount",
];

impl Evaluator for IamEvaluator {
    fn evaluate(&self, input: &EvalInput<'_>) -> EvalOutcome {
        let mut out = EvalOutcome::default();
        let named = iam::documents::Documents {
            identity: input.identity,
            boundary: input.boundary,
            scps: input.scps,
            rcps: input.rcps,
            management_account: false,
        }
        .compile();
        out.notes.extend(named.skipped.iter().cloned());
        let (set, identity_names, scp_names, rcp_names) = (
            named.set,
            named.identity_names,
            named.scp_names,
            named.rcp_names,
        );
        let principal = iam::Principal::parse(input.principal);
        let resource_account = crate::explain::arn::parse(input.resource)
            .map(|a| a.account.to_string())
            .unwrap_or_default();
        let mut context = iam::Context::default();
        if let Some(r) = input.region {
            context.insert("aws:RequestedRegion", r.into());
        }
        context.derive(&principal, input.resource, &resource_account);
        let request = iam::Request {
            principal: &principal,
            action: input.action,
            resource: input.resource,
            resource_account: &resource_account,
            context: &context,
        };
        let mut reasons = Vec::new();
        let outcome = iam::evaluate(&set, &request, &mut reasons);
        let name_of = |t: iam::PolicyType, index: u32| -> String {
            let i = index as usize;
            match t {
                iam::PolicyType::Identity => identity_names.get(i).cloned(),
                iam::PolicyType::PermissionsBoundary => input.boundary.map(|(n, _)| n.clone()),
                iam::PolicyType::Scp => scp_names.get(i).cloned(),
                iam::PolicyType::Rcp => rcp_names.get(i).cloned(),
                _ => None,
            }
            .unwrap_or_default()
        };
        out.decision = Some(match outcome.decision {
            iam::Decision::Allow => Decision::Allow,
            iam::Decision::ImplicitDeny => Decision::ImplicitDeny,
            iam::Decision::ExplicitDeny => Decision::ExplicitDeny,
        });
        for r in &reasons {
            out.reasons.push(Reason {
                policy_type: ours(r.policy_type),
                policy: name_of(r.policy_type, r.policy_index),
                statement: set.label(r).to_string(),
                effect: match r.effect {
                    iam::Effect::Allow => "Allow",
                    iam::Effect::Deny => "Deny",
                }
                .to_string(),
            });
        }
        if let Some((t, level)) = outcome.missing {
            out.reasons.push(Reason {
                policy_type: ours(t),
                policy: match (t, level) {
                    (iam::PolicyType::Scp | iam::PolicyType::Rcp, Some(l)) => {
                        format!("{} level {l}", t.as_str())
                    }
                    (iam::PolicyType::PermissionsBoundary, _) => {
                        input.boundary.map(|(n, _)| n.clone()).unwrap_or_default()
                    }
                    _ => String::new(),
                },
                statement: String::new(),
                effect: "Allow".to_string(),
            });
        }
        let unknown = unknown_condition_keys(input);
        if !unknown.is_empty() {
            out.notes.push(format!(
                "conditions on {} were evaluated as if the key were absent: the message does not give its value",
                unknown
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out
    }
}

fn ours(t: iam::PolicyType) -> PolicyType {
    match t {
        iam::PolicyType::Identity => PolicyType::Identity,
        iam::PolicyType::Resource => PolicyType::Resource,
        iam::PolicyType::PermissionsBoundary => PolicyType::PermissionsBoundary,
        iam::PolicyType::Session => PolicyType::Session,
        iam::PolicyType::Scp => PolicyType::Scp,
        iam::PolicyType::Rcp => PolicyType::Rcp,
        iam::PolicyType::VpcEndpoint => PolicyType::VpcEndpoint,
    }
}

/// Condition keys of every statement that the request context cannot hold.
fn unknown_condition_keys(input: &EvalInput<'_>) -> Vec<String> {
    let mut docs: Vec<&Value> = input.identity.iter().map(|(_, d)| d).collect();
    docs.extend(input.boundary.map(|(_, d)| d));
    docs.extend(input.scps.iter().flatten());
    docs.extend(input.rcps.iter().flatten());
    let mut keys: Vec<String> = Vec::new();
    for doc in docs {
        let statements: Vec<&Value> = match doc.get("Statement") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(s @ Value::Object(_)) => vec![s],
            _ => Vec::new(),
        };
        for s in statements {
            let Some(Value::Object(ops)) = s.get("Condition") else {
                continue;
            };
            for block in ops.values() {
                let Value::Object(block) = block else {
                    continue;
                };
                for key in block.keys() {
                    let lower = key.to_ascii_lowercase();
                    if !KNOWN_KEYS.contains(&lower.as_str()) && !keys.contains(key) {
                        keys.push(key.clone());
                    }
                }
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decide(
        identity: &[(String, Value)],
        scps: &[Vec<Value>],
        resource: &str,
        region: &str,
    ) -> EvalOutcome {
        IamEvaluator.evaluate(&EvalInput {
            principal: "arn:aws:iam::111122223333:role/app",
            action: "bedrock:InvokeModel",
            resource,
            region: Some(region),
            identity,
            boundary: None,
            scps,
            rcps: &[],
        })
    }

    const FM_US: &str = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0";
    const FM_EU: &str = "arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0";

    fn allow_all() -> Vec<(String, Value)> {
        vec![(
            "AppAccess".to_string(),
            json!({"Version": "2012-10-17", "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}]}),
        )]
    }

    #[test]
    fn region_conditions_are_decided() {
        let scps = vec![vec![json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "DenyOutsideUS", "Effect": "Deny", "Action": "bedrock:*", "Resource": "*",
             "Condition": {"StringNotLike": {"aws:RequestedRegion": "us-*"}}}]})]];
        let us = decide(&allow_all(), &scps, FM_US, "us-east-1");
        assert_eq!(us.decision, Some(Decision::Allow));
        let eu = decide(&allow_all(), &scps, FM_EU, "eu-west-1");
        assert_eq!(eu.decision, Some(Decision::ExplicitDeny));
        assert_eq!(eu.reasons[0].statement, "DenyOutsideUS");
        assert_eq!(eu.reasons[0].policy, "scp level 0 policy 0");
        assert!(eu.notes.is_empty(), "{:?}", eu.notes);
    }

    #[test]
    fn missing_allow_and_unknown_keys() {
        let identity = vec![(
            "Guarded".to_string(),
            json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*",
                 "Condition": {"StringEquals": {"bedrock:GuardrailIdentifier": "arn:aws:bedrock:us-east-1:111122223333:guardrail/abc:1"}}}]}),
        )];
        let out = decide(&identity, &[], FM_US, "us-east-1");
        assert_eq!(out.decision, Some(Decision::ImplicitDeny));
        assert_eq!(out.reasons[0].policy_type, PolicyType::Identity);
        assert!(
            out.notes[0].contains("`bedrock:GuardrailIdentifier`"),
            "{:?}",
            out.notes
        );
    }

    #[test]
    fn unreadable_policy_is_a_note() {
        let identity = vec![(
            "Broken".to_string(),
            json!({"Statement": [{"Effect": "Maybe"}]}),
        )];
        let out = decide(&identity, &[], FM_US, "us-east-1");
        assert_eq!(out.decision, Some(Decision::ImplicitDeny));
        assert!(
            out.notes[0].contains("`Broken` could not be read"),
            "{:?}",
            out.notes
        );
    }
}
