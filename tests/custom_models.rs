//! Custom models (issue 19): a read-only inventory kind. `import` and `models --custom`
//! show the account's custom models; a provisioned throughput may buy one by its ARN,
//! which `plan` checks against the account (a missing one is a conflict, exit 1). On the
//! sandbox (seeded) and against moto's ListCustomModels (a model made by boto3's
//! CreateModelCustomizationJob).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};

const ARN: &str =
    "arn:aws:bedrock:us-east-1:111122223333:custom-model/amazon.nova-lite-v1:0:300k/abcdefghijkl";

fn seeded() -> Project {
    let p = Project::new(&format!(
        "version: 1\nstack: cm\naccount:\n  regions: [us-east-1]\nprovisioned_throughput:\n  - name: tuned-pt\n    region: us-east-1\n    model: {ARN}\n    model_units: 1\n    commitment: none\n"
    ));
    p.seed(&json!({"resources": [{
        "kind": "custom_model", "region": "us-east-1", "name": "support-tuned", "id": ARN,
        "spec": {"base_model": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k",
                 "customization_type": "FINE_TUNING"},
        "tags": {}}]}));
    p
}

#[test]
fn custom_models_are_listed_and_a_provisioned_throughput_buys_one() {
    let p = seeded();
    let (code, out, err) = p.run(&[
        "models",
        "--custom",
        "--region",
        "us-east-1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["name"], "support-tuned");
    assert_eq!(v[0]["arn"], ARN);
    assert_eq!(v[0]["customization_type"], "FINE_TUNING");
    let (code, out, _) = p.run(&["import", "--regions", "us-east-1"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!("#   support-tuned (us-east-1): {ARN}")),
        "{out}"
    );
    p.apply_ok();
    p.assert_converged();
    // Read-only: nothing the plan does touches it.
    assert!(p.has("custom_model", "support-tuned"));
}

#[test]
fn a_provisioned_throughput_of_a_missing_custom_model_is_a_plan_conflict() {
    let p = seeded();
    let missing = ARN.replace("abcdefghijkl", "zzzzzzzzzzzz");
    let text = std::fs::read_to_string(p.path().join("bedrock.yaml"))
        .unwrap()
        .replace(ARN, &missing);
    p.write_config(&text);
    let (code, _, err) = p.run(&["plan", "-f", "bedrock.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("custom model `{missing}` is not in the account")),
        "{err}"
    );
    let (code, _, err) = p.run(&["models", "--custom"]);
    assert_eq!(code, 1);
    assert!(err.contains("--region"), "{err}");
}

/// `probe --knowledge-base` on the sandbox: an account without knowledge bases answers
/// as the service does for a missing one; exactly one of `--model`/`--knowledge-base`.
#[test]
fn probe_knowledge_base_reports_a_missing_knowledge_base() {
    let p = seeded();
    let (code, _, err) = p.run(&[
        "probe",
        "--region",
        "us-east-1",
        "--knowledge-base",
        "KB12345678",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("`Retrieve` on knowledge base `KB12345678` in `us-east-1` failed: ResourceNotFoundException"),
        "{err}"
    );
    let (code, _, err) = p.run(&["probe", "--region", "us-east-1"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--knowledge-base"), "{err}");
}

/// The issue's proof on the sandbox: one config with a batch role, a custom-model
/// provisioned throughput and agent / knowledge-base grants applies, its checks pass
/// (batch, agent, knowledge base, the provisioned custom model), and re-plans clean.
#[test]
fn batch_custom_model_and_agent_runtime_in_one_config() {
    let p = Project::new(&format!(
        r#"version: 1
stack: all19
account:
  regions: [us-east-1]
models:
  - id: amazon.nova-lite-v1:0
    regions: [us-east-1]
    via: batch
provisioned_throughput:
  - name: tuned-pt
    region: us-east-1
    model: {ARN}
    model_units: 1
    commitment: none
batch_roles:
  - name: nova-batch
    input: s3://acme-in/jobs/
    output: s3://acme-out/results/
    models: [amazon.nova-lite-v1:0]
iam:
  roles:
    - name: app
      assume_role_policy: policies/trust-lambda.json
      policies:
        - grants:
            - invoke: [amazon.nova-lite-v1:0]
              regions: [us-east-1]
              batch: {{ role: nova-batch }}
            - agent: [AGENT12345/ALIAS12345]
              knowledge_base: [KB12345678]
              regions: [us-east-1]
            - invoke: [amazon.nova-lite-v1:0]
              regions: [us-east-1]
              provisioned: tuned-pt
access_checks:
  - principal: role/app
    action: bedrock:CreateModelInvocationJob
    model: amazon.nova-lite-v1:0
    region: us-east-1
    batch: {{ role: nova-batch, input: s3://acme-in/jobs/, output: s3://acme-out/results/ }}
    expect: allow
  - {{ principal: role/app, action: bedrock:InvokeAgent, model: "arn:aws:bedrock:us-east-1:111122223333:agent-alias/AGENT12345/ALIAS12345", region: us-east-1, expect: allow }}
  - {{ principal: role/app, action: bedrock:Retrieve, model: "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/OTHER12345", region: us-east-1, expect: deny }}
  - {{ principal: role/app, action: bedrock:InvokeModel, model: provisioned/tuned-pt, region: us-east-1, expect: allow }}
"#
    ));
    p.seed(&json!({"resources": [{
        "kind": "custom_model", "region": "us-east-1", "name": "support-tuned", "id": ARN,
        "spec": {"base_model": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k"},
        "tags": {}}]}));
    p.apply_ok();
    p.assert_converged();
    let (code, out, err) = p.run(&["check", "-f", "bedrock.yaml"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("4 checks, 4 passed"), "{out}");
}
