//! The policy document a role's `grants:` stand for, so access checks can evaluate
//! the desired state offline. Minimal on purpose: the least-privilege generator of
//! `policy generate` may produce a finer document; this one must grant the same.
//!
//! Bedrock facts used: foundation-model ARNs have an empty account field;
//! cross-region profiles need the invoke action on the profile ARN in the source
//! region and on the foundation-model ARN in every destination region; streaming
//! (ConverseStream) is `bedrock:InvokeModelWithResponseStream`.

use crate::catalog::catalog;
use crate::config::{Config, Grant, Via};
use serde_json::{json, Value};

/// The foundation-model ARN of `model_id` in `region`.
pub fn foundation_model_arn(region: &str, model_id: &str) -> String {
    format!(
        "arn:{}:bedrock:{region}::foundation-model/{model_id}",
        catalog().partition(region)
    )
}

/// The system inference-profile ARN as the caller's account sees it.
pub fn inference_profile_arn(region: &str, account: &str, profile_id: &str) -> String {
    format!(
        "arn:{}:bedrock:{region}:{account}:inference-profile/{profile_id}",
        catalog().partition(region)
    )
}

/// How a model is used: the grant's `via`, else the `models:` entry's, else on demand;
/// a profile id is always used through its profile.
fn via_for(cfg: &Config, grant: &Grant, id: &str) -> Via {
    if catalog().profile(id).is_some() {
        return Via::InferenceProfile;
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

/// Invoke resources for one model id in one region.
fn invoke_resources(
    cfg: &Config,
    grant: &Grant,
    id: &str,
    region: &str,
    account: &str,
) -> Vec<String> {
    let part = catalog().partition(region);
    match via_for(cfg, grant, id) {
        Via::InferenceProfile => {
            let (model_id, profile) = match catalog().profile(id) {
                Some((m, p)) => (m.model_id.clone(), Some(p)),
                None => (
                    id.to_string(),
                    catalog().model(id).and_then(|m| m.profile_for(region)),
                ),
            };
            let Some(profile) = profile else {
                return vec![foundation_model_arn(region, &model_id)];
            };
            let mut out = vec![inference_profile_arn(region, account, &profile.profile_id)];
            for d in profile.destinations_from(region) {
                if d == "ALL_COMMERCIAL_REGIONS" {
                    out.push(format!("arn:{part}:bedrock:*::foundation-model/{model_id}"));
                } else {
                    out.push(foundation_model_arn(d, &model_id));
                }
            }
            out
        }
        Via::Provisioned => vec![
            format!("arn:{part}:bedrock:{region}:{account}:provisioned-model/*"),
            foundation_model_arn(region, id),
        ],
        Via::OnDemand | Via::Batch => vec![foundation_model_arn(region, id)],
    }
}

/// The policy document for a role's `grants:` list.
pub fn grants_policy(cfg: &Config, grants: &[Grant], account: &str) -> Value {
    let mut statements = Vec::new();
    for (gi, g) in grants.iter().enumerate() {
        let mut resources: Vec<String> = Vec::new();
        for id in &g.invoke {
            for r in &g.regions {
                for arn in invoke_resources(cfg, g, &id.value, &r.value, account) {
                    if !resources.contains(&arn) {
                        resources.push(arn);
                    }
                }
            }
        }
        let mut actions = vec!["bedrock:InvokeModel"];
        if g.streaming {
            actions.push("bedrock:InvokeModelWithResponseStream");
        }
        let batch = g
            .invoke
            .iter()
            .any(|id| via_for(cfg, g, &id.value) == Via::Batch);
        let mut st = json!({
            "Sid": format!("Invoke{gi}"),
            "Effect": "Allow",
            "Action": actions,
            "Resource": resources,
        });
        if !g.source_vpce.is_empty() {
            let vpces: Vec<&str> = g.source_vpce.iter().map(|v| v.value.as_str()).collect();
            st["Condition"] = json!({"StringEquals": {"aws:SourceVpce": vpces}});
        }
        statements.push(st);
        if batch {
            let jobs: Vec<String> = g
                .regions
                .iter()
                .map(|r| {
                    format!(
                        "arn:{}:bedrock:{}:{account}:model-invocation-job/*",
                        catalog().partition(&r.value),
                        r.value
                    )
                })
                .collect();
            statements.push(json!({
                "Sid": format!("Batch{gi}"),
                "Effect": "Allow",
                "Action": ["bedrock:CreateModelInvocationJob", "bedrock:GetModelInvocationJob",
                           "bedrock:ListModelInvocationJobs", "bedrock:StopModelInvocationJob"],
                "Resource": jobs,
            }));
            if let Some(role) = &g.batch_role {
                let arn = if role.value.starts_with("arn:") {
                    role.value.clone()
                } else {
                    format!("arn:aws:iam::{account}:role/{}", role.value)
                };
                statements.push(json!({
                    "Sid": format!("PassBatchRole{gi}"),
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": arn,
                    "Condition": {"StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}},
                }));
            }
        }
        if let Some(gr) = &g.guardrail {
            // A guardrail of this config has no id before it exists, so its ARN is a
            // wildcard over the account's guardrails in the grant's regions.
            let arns: Vec<String> = if gr.value.starts_with("arn:") {
                vec![gr.value.clone()]
            } else {
                g.regions
                    .iter()
                    .map(|r| {
                        format!(
                            "arn:{}:bedrock:{}:{account}:guardrail/*",
                            catalog().partition(&r.value),
                            r.value
                        )
                    })
                    .collect()
            };
            statements.push(json!({
                "Sid": format!("Guardrail{gi}"),
                "Effect": "Allow",
                "Action": "bedrock:ApplyGuardrail",
                "Resource": arns,
            }));
        }
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}
