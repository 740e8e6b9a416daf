//! A minimal generator for `grants:` role policies: the invoke permissions a grant
//! names, nothing more.
//!
//! It covers what the planner needs to converge (a deterministic document with stable
//! Sids); `policy generate` may later replace it with the full least-privilege generator.
//! A cross-region inference profile needs the profile ARN in the source region plus the
//! foundation-model ARN in every destination region the profile may route to.

use crate::catalog::catalog;
use crate::config::{Config, Grant, Via};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const INVOKE: &str = "bedrock:InvokeModel";
const INVOKE_STREAM: &str = "bedrock:InvokeModelWithResponseStream";
const APPLY_GUARDRAIL: &str = "bedrock:ApplyGuardrail";
/// The catalog's marker for global profiles that may route to any commercial region.
const ALL_COMMERCIAL: &str = "ALL_COMMERCIAL_REGIONS";

/// The policy document for one `grants:` list of a role.
pub fn grants_policy(cfg: &Config, account_id: &str, grants: &[Grant]) -> Value {
    let mut statements = Vec::new();
    for (i, g) in grants.iter().enumerate() {
        let via = g
            .via
            .as_ref()
            .map(|v| v.value)
            .unwrap_or_else(|| default_via(cfg, g));
        let mut actions = BTreeSet::new();
        let mut resources = BTreeSet::new();
        match via {
            Via::Batch => {
                for a in [
                    "bedrock:CreateModelInvocationJob",
                    "bedrock:GetModelInvocationJob",
                    "bedrock:ListModelInvocationJobs",
                    "bedrock:StopModelInvocationJob",
                ] {
                    actions.insert(a.to_string());
                }
                for r in &g.regions {
                    let p = catalog().partition(&r.value).to_string();
                    resources.insert(format!(
                        "arn:{p}:bedrock:{}:{account_id}:model-invocation-job/*",
                        r.value
                    ));
                    for m in &g.invoke {
                        resources.insert(fm_arn(&p, &r.value, &m.value));
                    }
                }
            }
            _ => {
                actions.insert(INVOKE.to_string());
                if g.streaming {
                    actions.insert(INVOKE_STREAM.to_string());
                }
                for r in &g.regions {
                    for m in &g.invoke {
                        resources.extend(invoke_resources(account_id, &r.value, &m.value, via));
                    }
                }
            }
        }
        let mut st = json!({
            "Sid": format!("Grant{i}Invoke"),
            "Effect": "Allow",
            "Action": actions.into_iter().collect::<Vec<_>>(),
            "Resource": resources.into_iter().collect::<Vec<_>>(),
        });
        if !g.source_vpce.is_empty() {
            let vpces: Vec<&str> = g.source_vpce.iter().map(|v| v.value.as_str()).collect();
            st["Condition"] = json!({"StringEquals": {"aws:SourceVpce": vpces}});
        }
        statements.push(st);
        if let Some(gr) = &g.guardrail {
            let arns: BTreeSet<String> = g
                .regions
                .iter()
                .map(|r| guardrail_arn(account_id, &r.value, &gr.value))
                .collect();
            statements.push(json!({
                "Sid": format!("Grant{i}ApplyGuardrail"),
                "Effect": "Allow",
                "Action": APPLY_GUARDRAIL,
                "Resource": arns.into_iter().collect::<Vec<_>>(),
            }));
        }
        if let (Via::Batch, Some(role)) = (via, &g.batch_role) {
            statements.push(json!({
                "Sid": format!("Grant{i}PassBatchRole"),
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": role_arn(account_id, &role.value),
                "Condition": {"StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}},
            }));
        }
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// How `models:` lists the first model of the grant, else on demand.
fn default_via(cfg: &Config, g: &Grant) -> Via {
    let models = cfg.models.as_deref().unwrap_or(&[]);
    g.invoke
        .iter()
        .find_map(|id| models.iter().find(|m| m.id.value == id.value))
        .map(|m| m.via.value)
        .unwrap_or(Via::OnDemand)
}

fn fm_arn(partition: &str, region: &str, model: &str) -> String {
    format!("arn:{partition}:bedrock:{region}::foundation-model/{model}")
}

fn invoke_resources(account_id: &str, region: &str, id: &str, via: Via) -> Vec<String> {
    let cat = catalog();
    let p = cat.partition(region).to_string();
    if id.starts_with("arn:") {
        return vec![id.to_string()];
    }
    let profile = cat
        .profile(id)
        .map(|(m, prof)| (m, prof.clone()))
        .or_else(|| match via {
            Via::InferenceProfile => cat
                .model(id)
                .and_then(|m| m.profile_for(region).map(|prof| (m, prof.clone()))),
            _ => None,
        });
    match (via, profile) {
        (Via::Provisioned, _) => vec![format!(
            "arn:{p}:bedrock:{region}:{account_id}:provisioned-model/*"
        )],
        (_, Some((model, prof))) => {
            let mut out = vec![format!(
                "arn:{p}:bedrock:{region}:{account_id}:inference-profile/{}",
                prof.profile_id
            )];
            for d in prof.destinations_from(region) {
                if d == ALL_COMMERCIAL {
                    out.push(fm_arn(&p, region, &model.model_id));
                    out.push(format!(
                        "arn:{p}:bedrock:::foundation-model/{}",
                        model.model_id
                    ));
                } else {
                    out.push(fm_arn(&p, d, &model.model_id));
                }
            }
            out
        }
        (_, None) => vec![fm_arn(&p, region, id)],
    }
}

/// A guardrail of the config is addressed by a wildcard: its id is assigned at create
/// time, and a policy naming it would change again after the first apply.
fn guardrail_arn(account_id: &str, region: &str, guardrail: &str) -> String {
    if guardrail.starts_with("arn:") {
        return guardrail.to_string();
    }
    let p = catalog().partition(region);
    format!("arn:{p}:bedrock:{region}:{account_id}:guardrail/*")
}

pub fn role_arn(account_id: &str, role: &str) -> String {
    if role.starts_with("arn:") {
        role.to_string()
    } else {
        format!("arn:aws:iam::{account_id}:role/{role}")
    }
}

pub fn policy_arn(account_id: &str, policy: &str) -> String {
    if policy.starts_with("arn:") {
        policy.to_string()
    } else {
        format!("arn:aws:iam::{account_id}:policy/{policy}")
    }
}

#[cfg(test)]
mod tests {
    use crate::account::Kind;
    use crate::config;
    use crate::span::SourceMap;

    const CONFIG: &str = r#"version: 1
stack: app
account:
  regions: [us-east-1]
models:
  - id: anthropic.claude-haiku-4-5-20251001-v1:0
    regions: [us-east-1]
    via: inference_profile
iam:
  roles:
    - name: app
      assume_role_policy: trust.json
      policies:
        - grants:
            - invoke: [anthropic.claude-haiku-4-5-20251001-v1:0]
              regions: [us-east-1]
              streaming: true
              guardrail: arn:aws:bedrock:us-east-1:111122223333:guardrail/abc
            - invoke: [amazon.titan-embed-text-v2:0]
              regions: [us-east-1]
              via: on_demand
"#;

    fn grants_doc() -> serde_json::Value {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("trust.json"),
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#,
        )
        .unwrap();
        let path = dir.path().join("bedrock.yaml");
        std::fs::write(&path, CONFIG).unwrap();
        let mut sources = SourceMap::default();
        let (cfg, _) =
            config::load(&path, &mut sources).unwrap_or_else(|d| panic!("{}", d.render(&sources)));
        let d = crate::plan::desired(&cfg, "111122223333");
        let role = d
            .resources
            .iter()
            .find(|r| r.kind == Kind::IamRole)
            .unwrap();
        role.spec["inline_policies"]["bedrockctl-grants"].clone()
    }

    #[test]
    fn profile_grant_covers_profile_and_destination_models() {
        let doc = grants_doc();
        let st = doc["Statement"].as_array().unwrap();
        assert_eq!(st[0]["Sid"], "Grant0Invoke");
        assert_eq!(
            st[0]["Action"],
            serde_json::json!([
                "bedrock:InvokeModel",
                "bedrock:InvokeModelWithResponseStream"
            ])
        );
        let res: Vec<&str> = st[0]["Resource"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let m = "anthropic.claude-haiku-4-5-20251001-v1:0";
        assert!(res.contains(
            &format!("arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.{m}").as_str()
        ));
        for region in ["us-east-1", "us-east-2", "us-west-2"] {
            let arn = format!("arn:aws:bedrock:{region}::foundation-model/{m}");
            assert!(res.contains(&arn.as_str()), "{arn} missing from {res:?}");
        }
        assert_eq!(st[1]["Sid"], "Grant0ApplyGuardrail");
        assert_eq!(st[1]["Action"], "bedrock:ApplyGuardrail");
        assert_eq!(
            st[2]["Resource"],
            serde_json::json!([
                "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"
            ])
        );
        assert_eq!(st[2]["Action"], serde_json::json!(["bedrock:InvokeModel"]));
    }

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(grants_doc().to_string(), grants_doc().to_string());
    }
}
