//! References to the stack's own resources (issue 15), end to end on the sandbox: a
//! grant naming a guardrail, a provisioned throughput and an application inference
//! profile of the stack is planned with `(known after apply)` / `after_unknown`, applied
//! in one run with the exact ARNs, re-planned clean, and proved by the evaluator: the
//! stack's own resources allowed, other resources of the same kind in the same account
//! denied. Renaming the guardrail moves the policy along in the same apply.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use bedrockctl::account::{Kind, GLOBAL};
use engine_support::*;
use serde_json::{json, Value};

const CONFIG: &str = r#"version: 1
stack: refs
account:
  regions: [us-east-1]
guardrails:
  - name: safety
    regions: [us-east-1]
    blocked_input_message: Sorry.
    blocked_output_message: Sorry.
    content_filters:
      - { type: HATE, input: HIGH, output: HIGH }
provisioned_throughput:
  - name: nova-pt
    region: us-east-1
    model: amazon.nova-pro-v1:0:24k
    model_units: 1
    commitment: none
inference_profiles:
  - name: haiku-tracked
    region: us-east-1
    copy_from: us.anthropic.claude-haiku-4-5-20251001-v1:0
iam:
  roles:
    - name: app
      assume_role_policy: policies/trust-lambda.json
      policies:
        - grants:
            - invoke: [amazon.nova-lite-v1:0]
              regions: [us-east-1]
              via: on_demand
              guardrail: safety
              require_guardrail: true
            - invoke: [amazon.nova-pro-v1:0]
              regions: [us-east-1]
              provisioned: nova-pt
            - profile: haiku-tracked
access_checks:
  - { principal: role/app, action: bedrock:InvokeModel, model: provisioned/nova-pt, region: us-east-1, expect: allow }
  - { principal: role/app, action: bedrock:InvokeModel, model: profile/haiku-tracked, region: us-east-1, expect: allow }
  - principal: role/app
    action: bedrock:InvokeModel
    model: amazon.nova-lite-v1:0
    region: us-east-1
    expect: allow
    context: { "bedrock:GuardrailIdentifier": "guardrail/safety" }
  - { principal: role/app, action: bedrock:InvokeModel, model: amazon.nova-lite-v1:0, region: us-east-1, expect: deny }
"#;

fn project() -> Project {
    let p = Project::new(CONFIG);
    p.seed(&json!({"account_id": "444455556666"}));
    p
}

/// The live role's generated policy.
fn role_policy(p: &Project) -> Value {
    let role = rt()
        .block_on(p.account().get(Kind::IamRole, GLOBAL, "app"))
        .unwrap()
        .unwrap();
    role.spec.to_value()["inline_policies"]["bedrockctl-grants"].clone()
}

/// The live ARN of the stack's `kind` resource `name`.
fn live_arn(p: &Project, kind: Kind, name: &str) -> String {
    let all = rt().block_on(p.account().list(kind, "us-east-1")).unwrap();
    all.into_iter()
        .find(|r| r.name == name)
        .and_then(|r| r.id)
        .unwrap()
}

fn eval(doc: &Value, action: &str, resource: &str, context: Value) -> String {
    iam_eval(
        "arn:aws:iam::444455556666:role/app",
        doc,
        action,
        resource,
        context,
    )
}

#[test]
fn plan_shows_known_after_apply_then_apply_writes_exact_arns() {
    let p = project();
    // Before anything exists: placeholders, shown as known after apply.
    let plan = p.plan_json(&["--detailed-exitcode"], 2);
    let role = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "iam_role.global.app")
        .unwrap();
    let unknown: Vec<&str> = role["after_unknown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(!unknown.is_empty(), "{role:#}");
    for ptr in &unknown {
        let s = role["after"].pointer(ptr).unwrap().as_str().unwrap();
        assert!(s.contains("${"), "{ptr}: {s}");
    }
    let (_, text, _) = p.run(&["plan", "-f", "bedrock.yaml"]);
    assert!(text.contains("(known after apply)"), "{text}");
    assert!(!text.contains("${guardrail"), "{text}");

    // One apply creates the resources, then writes the role with their ARNs; the
    // access checks (profile/NAME, provisioned/NAME, guardrail/NAME) pass.
    p.apply_ok();
    p.assert_converged();
    let doc = role_policy(&p);
    let text = doc.to_string();
    assert!(!text.contains("${"), "{doc:#}");
    for wildcard in [
        "guardrail/*",
        "provisioned-model/*",
        "application-inference-profile/*",
    ] {
        assert!(!text.contains(wildcard), "{wildcard} in {doc:#}");
    }
    let gr = live_arn(&p, Kind::Guardrail, "safety");
    let pt = live_arn(&p, Kind::ProvisionedThroughput, "nova-pt");
    let ip = live_arn(&p, Kind::InferenceProfile, "haiku-tracked");
    for arn in [&gr, &pt, &ip] {
        assert!(text.contains(arn.as_str()), "{arn} not in {doc:#}");
    }

    // Proved: the stack's own resources are allowed, others of the account are not.
    let other = |arn: &str| {
        let (head, _) = arn.rsplit_once('/').unwrap();
        format!("{head}/zzzzzzzzzzzz")
    };
    let none = json!({});
    assert_eq!(
        eval(&doc, "bedrock:InvokeModel", &pt, none.clone()),
        "allow"
    );
    assert_eq!(
        eval(&doc, "bedrock:InvokeModel", &other(&pt), none.clone()),
        "implicit_deny"
    );
    assert_eq!(
        eval(&doc, "bedrock:InvokeModel", &ip, none.clone()),
        "allow"
    );
    assert_eq!(
        eval(&doc, "bedrock:InvokeModel", &other(&ip), none.clone()),
        "implicit_deny"
    );
    assert_eq!(
        eval(&doc, "bedrock:ApplyGuardrail", &gr, none.clone()),
        "allow"
    );
    assert_eq!(
        eval(&doc, "bedrock:ApplyGuardrail", &other(&gr), none.clone()),
        "implicit_deny"
    );
    let lite = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0";
    let with = |g: &str| json!({"bedrock:GuardrailIdentifier": g});
    assert_eq!(
        eval(&doc, "bedrock:InvokeModel", lite, with(&format!("{gr}:1"))),
        "allow"
    );
    assert_eq!(eval(&doc, "bedrock:InvokeModel", lite, with(&gr)), "allow");
    assert_eq!(
        eval(&doc, "bedrock:InvokeModel", lite, with(&other(&gr))),
        "explicit_deny"
    );

    // Renaming the guardrail: the new one is created and the policy follows it, in
    // one apply.
    p.write_config(&CONFIG.replace("safety", "safety-v2"));
    p.apply_ok();
    p.assert_converged();
    let renamed = live_arn(&p, Kind::Guardrail, "safety-v2");
    assert_ne!(renamed, gr);
    let text = role_policy(&p).to_string();
    assert!(text.contains(&renamed), "{text}");
    assert!(!text.contains(&gr), "{text}");
}

#[test]
fn a_stack_model_in_a_check_needs_the_account_and_a_known_name() {
    let p = project();
    // Offline (no account), the ARN does not exist yet: the check says what it needs.
    let out = std::process::Command::new(bin())
        .current_dir(p.path())
        .env("NO_COLOR", "1")
        .args(["check", "-f", "bedrock.yaml", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let check = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["model"] == "profile/haiku-tracked")
        .unwrap();
    assert_eq!(check["pass"], false, "{check:#}");
    assert!(
        check["reason"].as_str().unwrap().contains("--sandbox"),
        "{check:#}"
    );
    // `validate` knows the names; a typo is an error at its line.
    p.write_config(&CONFIG.replace(
        "model: profile/haiku-tracked",
        "model: profile/haiku-trackd",
    ));
    let (code, _, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("bedrock.yaml:39:64:"), "{err}");
    assert!(
        err.contains("did you mean `profile/haiku-tracked`"),
        "{err}"
    );
}

/// Copy `examples/NAME` into a temporary directory.
fn example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(format!("{}/.", src.display()))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

/// Every example: after apply on the sandbox, no policy bedrockctl generated names a
/// resource the stack owns through a wildcard, and `policy generate --sandbox` proves
/// each role's policy (intended requests allowed, other resources of the account denied).
#[test]
fn every_example_gets_exact_arns_for_the_stacks_own_resources() {
    let owned = [
        ":guardrail/",
        ":provisioned-model/",
        ":application-inference-profile/",
        ":log-group:",
    ];
    for name in [
        "quickstart",
        "multi-region-chat",
        "provisioned-production",
        "rag-app",
    ] {
        let dir = example(name);
        let run = |args: &[&str]| {
            let out = std::process::Command::new(bin())
                .current_dir(dir.path())
                .env("NO_COLOR", "1")
                .env("BEDROCKCTL_SANDBOX_PT_READY_MS", "100")
                .args(["--sandbox", "sb"])
                .args(args)
                .output()
                .unwrap();
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let (code, out, err) = run(&["apply", "-f", "bedrock.yaml", "--auto-approve"]);
        assert_eq!(code, 0, "{name}: apply\n{out}\n{err}");
        let (code, out, err) = run(&["plan", "-f", "bedrock.yaml", "--detailed-exitcode"]);
        assert_eq!(code, 0, "{name}: re-plan\n{out}\n{err}");
        let account = bedrockctl::account::sandbox::open(&dir.path().join("sb")).unwrap();
        let roles = rt().block_on(account.list(Kind::IamRole, GLOBAL)).unwrap();
        let mut generated = 0;
        for role in &roles {
            let spec = role.spec.to_value();
            let Some(inline) = spec["inline_policies"].as_object() else {
                continue;
            };
            for (policy, doc) in inline.iter().filter(|(n, _)| n.starts_with("bedrockctl-")) {
                generated += 1;
                let mut strings = Vec::new();
                collect_strings(doc, &mut strings);
                for s in strings.iter().filter(|s| s.starts_with("arn:")) {
                    // Only a suffix over one resource's parts may be open: a
                    // guardrail's versions (`ID:*`), a log group's streams.
                    let exact = s
                        .strip_suffix(":log-stream:*")
                        .or_else(|| {
                            s.contains(":guardrail/")
                                .then(|| s.strip_suffix(":*"))
                                .flatten()
                        })
                        .unwrap_or(s);
                    if owned.iter().any(|k| s.contains(k)) {
                        assert!(!exact.contains('*'), "{name}: {} {policy}: {s}", role.name);
                    }
                }
            }
        }
        assert!(generated > 0, "{name}: no generated policy to check");
        let (code, out, err) = run(&["policy", "generate", "-f", "bedrock.yaml"]);
        assert_eq!(code, 0, "{name}: policy generate\n{out}\n{err}");
        assert!(err.contains("near misses"), "{name}: {err}");
        assert!(!out.contains("${"), "{name}: {out}");
    }
}

fn collect_strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

#[test]
fn a_saved_plan_with_unknowns_applies_the_same_way() {
    let p = project();
    let (code, _, err) = p.run(&["plan", "-f", "bedrock.yaml", "--out", "refs.plan"]);
    assert_eq!(code, 0, "{err}");
    let saved = std::fs::read_to_string(p.path().join("refs.plan")).unwrap();
    assert!(saved.contains("after_unknown"), "{saved}");
    let (code, out, err) = p.run(&["apply", "refs.plan"]);
    assert_eq!(code, 0, "{out}\n{err}");
    p.assert_converged();
    assert!(!role_policy(&p).to_string().contains("${"));
}

#[test]
fn lint_warns_on_a_provisioned_grant_without_its_name() {
    let p = project();
    let (code, out, err) = p.run(&["lint", "-f", "bedrock.yaml"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!out.contains("wildcard-provisioned-grant"), "{out}");
    let wide = CONFIG.replace(
        "              provisioned: nova-pt\n",
        "              via: provisioned\n",
    );
    assert_ne!(wide, CONFIG);
    p.write_config(&wide);
    let (code, out, err) = p.run(&["lint", "-f", "bedrock.yaml"]);
    assert_eq!(code, 0, "a warning keeps exit 0: {out}\n{err}");
    let all = format!("{out}{err}");
    assert!(
        all.contains("bedrock.yaml:35:20: warning[wildcard-provisioned-grant]"),
        "{all}"
    );
}

/// The engine fixture (`FULL`): after apply, `policy generate --sandbox` proves every
/// role's policy with the stack's live ARNs and prints no placeholder.
#[test]
fn the_engine_fixture_proves_with_live_arns() {
    let p = Project::new(FULL);
    p.apply_ok();
    let (code, out, err) = p.run(&["policy", "generate", "-f", "bedrock.yaml"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("near misses"), "{err}");
    assert!(!out.contains("${") && !out.contains("guardrail/*"), "{out}");
}
