//! Agent-runtime grants (issue 19, design.md "Batch, custom models, agent runtime"):
//! `agent:` becomes InvokeAgent on agent-alias ARNs, `knowledge_base:` Retrieve on
//! knowledge-base ARNs, `generate_with:` adds RetrieveAndGenerate and that model's invoke
//! ARNs; `batch: { role }` is `via: batch` with that service role. Applied on the sandbox,
//! proved by `policy generate` (intended allowed, another alias / knowledge base denied),
//! and checked; malformed ids are errors at their line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;
use serde_json::Value;

const CONFIG: &str = r#"version: 1
stack: rag
account:
  regions: [us-east-1]
models:
  - id: anthropic.claude-haiku-4-5-20251001-v1:0
    regions: [us-east-1]
    via: inference_profile
  - id: amazon.nova-lite-v1:0
    regions: [us-east-1]
    via: batch
iam:
  roles:
    - name: rag-app
      assume_role_policy: policies/trust-lambda.json
      policies:
        - grants:
            - agent: [AGENT12345/ALIAS12345]
              knowledge_base: [KB12345678]
              generate_with: us.anthropic.claude-haiku-4-5-20251001-v1:0
              regions: [us-east-1]
            - invoke: [amazon.nova-lite-v1:0]
              regions: [us-east-1]
              batch: { role: batch-service }
    - name: batch-service
      assume_role_policy: policies/trust-bedrock.json
      policies: []
access_checks:
  - { principal: role/rag-app, action: bedrock:InvokeAgent, model: "arn:aws:bedrock:us-east-1:111122223333:agent-alias/AGENT12345/ALIAS12345", region: us-east-1, expect: allow }
  - { principal: role/rag-app, action: bedrock:InvokeAgent, model: "arn:aws:bedrock:us-east-1:111122223333:agent-alias/AGENT12345/OTHER12345", region: us-east-1, expect: deny }
  - { principal: role/rag-app, action: bedrock:RetrieveAndGenerate, model: "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678", region: us-east-1, expect: allow }
  - { principal: role/rag-app, action: bedrock:Retrieve, model: "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/OTHER12345", region: us-east-1, expect: deny }
"#;

fn statement<'a>(doc: &'a Value, sid: &str) -> &'a Value {
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == sid)
        .unwrap_or_else(|| panic!("no {sid} in {doc:#}"))
}

#[test]
fn agent_and_knowledge_base_grants_apply_prove_and_check() {
    let p = Project::new(CONFIG);
    p.apply_ok();
    p.assert_converged();
    let (code, out, err) = p.run(&[
        "policy",
        "generate",
        "-f",
        "bedrock.yaml",
        "--role",
        "rag-app",
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("near misses"), "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        statement(&doc, "InvokeAgent0")["Resource"],
        "arn:aws:bedrock:us-east-1:111122223333:agent-alias/AGENT12345/ALIAS12345"
    );
    let kb = statement(&doc, "Retrieve0");
    assert_eq!(
        kb["Action"],
        serde_json::json!(["bedrock:Retrieve", "bedrock:RetrieveAndGenerate"])
    );
    assert_eq!(
        kb["Resource"],
        "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678"
    );
    // generate_with: the model's profile and its destination-region model ARNs.
    let invoke = statement(&doc, "Invoke0")["Resource"].to_string();
    assert!(
        invoke.contains("inference-profile/us.anthropic.claude-haiku"),
        "{invoke}"
    );
    assert!(
        invoke.contains("us-west-2::foundation-model/anthropic.claude-haiku"),
        "{invoke}"
    );
    // batch: { role } is via: batch with PassRole on that role, for Bedrock only.
    let pass = statement(&doc, "PassBatchRole1");
    assert_eq!(
        pass["Resource"],
        "arn:aws:iam::111122223333:role/batch-service"
    );
    let (code, out, err) = p.run(&["check", "-f", "bedrock.yaml"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("4 checks, 4 passed"), "{out}");
}

#[test]
fn malformed_agent_and_knowledge_base_ids_are_errors_at_their_line() {
    let p = Project::new(
        &CONFIG
            .replace("[AGENT12345/ALIAS12345]", "[my-agent]")
            .replace("knowledge_base: [KB12345678]", "knowledge_base: [kb_1]"),
    );
    let (code, _, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("bedrock.yaml:18:23: error: `agent` must be"),
        "{err}"
    );
    assert!(
        err.contains("bedrock.yaml:19:32: error: `knowledge_base` must be"),
        "{err}"
    );
    // generate_with without a knowledge base.
    let p = Project::new(&CONFIG.replace("              knowledge_base: [KB12345678]\n", ""));
    let (code, _, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("`generate_with` needs the grant's `knowledge_base`"),
        "{err}"
    );
}

const BATCH: &str = r#"version: 1
stack: batch
account:
  regions: [us-east-1]
models:
  - id: amazon.nova-lite-v1:0
    regions: [us-east-1]
    via: batch
batch_roles:
  - name: nova-batch
    input: s3://acme-batch-in/jobs/
    output: s3://acme-batch-out/results/
    kms_key: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    models: [amazon.nova-lite-v1:0]
iam:
  roles:
    - name: submitter
      assume_role_policy: policies/trust-lambda.json
      policies:
        - grants:
            - invoke: [amazon.nova-lite-v1:0]
              regions: [us-east-1]
              batch: { role: nova-batch }
access_checks:
  - { principal: role/nova-batch, action: bedrock:InvokeModel, model: amazon.nova-lite-v1:0, region: us-east-1, expect: allow }
  - { principal: role/nova-batch, action: bedrock:InvokeModel, model: amazon.nova-pro-v1:0, region: us-east-1, expect: deny }
  - principal: role/submitter
    action: bedrock:CreateModelInvocationJob
    model: amazon.nova-lite-v1:0
    region: us-east-1
    batch: { role: nova-batch, input: s3://acme-batch-in/jobs/, output: s3://acme-batch-out/results/ }
    expect: allow
  - principal: role/submitter
    action: bedrock:CreateModelInvocationJob
    model: amazon.nova-lite-v1:0
    region: us-east-1
    batch: { role: nova-batch, input: s3://acme-batch-in/jobs/, output: s3://acme-batch-out/other/ }
    expect: deny
"#;

fn eval(doc: &Value, action: &str, resource: &str, context: Value) -> String {
    iam_eval(
        "arn:aws:iam::111122223333:role/nova-batch",
        doc,
        action,
        resource,
        context,
    )
}

#[test]
fn a_batch_role_is_generated_with_exact_s3_prefixes_and_proved() {
    let p = Project::new(BATCH);
    p.apply_ok();
    p.assert_converged();
    let role = rt()
        .block_on(
            p.account()
                .get(bedrockctl::account::Kind::IamRole, "global", "nova-batch"),
        )
        .unwrap()
        .unwrap();
    let trust = &role.spec.to_value()["assume_role_policy"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "bedrock.amazonaws.com");
    assert_eq!(
        trust["Condition"]["StringEquals"]["aws:SourceAccount"],
        "111122223333"
    );
    assert_eq!(
        trust["Condition"]["ArnLike"]["aws:SourceArn"],
        "arn:aws:bedrock:us-east-1:111122223333:model-invocation-job/*"
    );
    let doc = role.spec.to_value()["inline_policies"]["bedrockctl-batch"].clone();
    let here = serde_json::json!({"aws:ResourceAccount": "111122223333"});
    let cases = [
        (
            "s3:GetObject",
            "arn:aws:s3:::acme-batch-in/jobs/a.jsonl",
            "allow",
        ),
        (
            "s3:GetObject",
            "arn:aws:s3:::acme-batch-in/other/a.jsonl",
            "implicit_deny",
        ),
        (
            "s3:GetObject",
            "arn:aws:s3:::another-bucket/jobs/a.jsonl",
            "implicit_deny",
        ),
        (
            "s3:PutObject",
            "arn:aws:s3:::acme-batch-out/results/x.out",
            "allow",
        ),
        (
            "s3:PutObject",
            "arn:aws:s3:::acme-batch-in/jobs/x.out",
            "implicit_deny",
        ),
        (
            "s3:PutObject",
            "arn:aws:s3:::acme-batch-out/elsewhere/x.out",
            "implicit_deny",
        ),
        (
            "bedrock:InvokeModel",
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
            "allow",
        ),
        (
            "bedrock:InvokeModel",
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0",
            "implicit_deny",
        ),
        (
            "kms:Decrypt",
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "allow",
        ),
    ];
    for (action, resource, want) in cases {
        assert_eq!(
            eval(&doc, action, resource, here.clone()),
            want,
            "{action} {resource}"
        );
    }
    // Another account's bucket with the same name is not the stack's.
    assert_eq!(
        eval(
            &doc,
            "s3:GetObject",
            "arn:aws:s3:::acme-batch-in/jobs/a.jsonl",
            serde_json::json!({"aws:ResourceAccount": "999999999999"})
        ),
        "implicit_deny"
    );
    // The caller may pass exactly this role to Bedrock, and the checks pass: the batch
    // check is decomposed into the caller's and the service role's requests.
    let (code, out, err) = p.run(&["check", "-f", "bedrock.yaml", "--format", "json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let checks = v["checks"].as_array().unwrap();
    assert!(checks.iter().all(|c| c["pass"] == true), "{v:#}");
    let denied = checks[3]["reason"].as_str().unwrap();
    assert!(
        denied.contains("not allowed `s3:PutObject` on `arn:aws:s3:::acme-batch-out/other/records.jsonl.out` by `role/nova-batch`"),
        "{denied}"
    );
    let allowed = checks[2]["reason"].as_str().unwrap();
    for part in [
        "allowed `bedrock:CreateModelInvocationJob`",
        "allowed `iam:PassRole` on `arn:aws:iam::111122223333:role/nova-batch` by `role/submitter`",
        "allowed `s3:GetObject` on `arn:aws:s3:::acme-batch-in/jobs/records.jsonl` by `role/nova-batch`",
    ] {
        assert!(allowed.contains(part), "{part}: {allowed}");
    }
    let (code, out, err) = p.run(&[
        "policy",
        "generate",
        "-f",
        "bedrock.yaml",
        "--role",
        "submitter",
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("arn:aws:iam::111122223333:role/nova-batch"),
        "{out}"
    );
}

#[test]
fn a_batch_role_with_a_bad_location_is_an_error_at_its_line() {
    let p = Project::new(&BATCH.replace("s3://acme-batch-out/results/", "acme-batch-out"));
    let (code, _, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("bedrock.yaml:12:13: error: `output` must be `s3://BUCKET/PREFIX`"),
        "{err}"
    );
}

#[test]
fn lint_finds_a_batch_output_the_role_cannot_write() {
    let p = Project::new(BATCH);
    let (code, out, err) = p.run(&["lint", "-f", "bedrock.yaml"]);
    let all = format!("{out}{err}");
    assert_eq!(
        code, 0,
        "the deny check documents a job that must fail: {all}"
    );
    assert!(!all.contains("batch-output-not-writable"), "{all}");
    // The same job expected to work: lint says why it would fail, at the output.
    let wrong = BATCH.replace(
        "output: s3://acme-batch-out/other/ }\n    expect: deny",
        "output: s3://acme-batch-out/other/ }\n    expect: allow",
    );
    assert_ne!(wrong, BATCH);
    p.write_config(&wrong);
    let (code, out, err) = p.run(&["lint", "-f", "bedrock.yaml"]);
    let all = format!("{out}{err}");
    assert_eq!(code, 3, "an error-level finding: {all}");
    assert!(
        all.contains("bedrock.yaml:37:73: error[batch-output-not-writable]: role `nova-batch` cannot write `s3://acme-batch-out/other/`"),
        "{all}"
    );
}
