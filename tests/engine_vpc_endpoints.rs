//! VPC interface endpoints (issue 18) end to end on the sandbox: `vpc_endpoints:` with a
//! policy generated from a role's grants, a grant's `source_vpce: NAME` resolved to the
//! endpoints' ids, `access_checks[].through`, in-place modification versus replacement,
//! drift, ownership on destroy, and validation errors at their line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use bedrockctl::account::{Kind, Resource, GLOBAL};
use engine_support::*;
use serde_json::{json, Value};

const CONFIG: &str = r#"version: 1
stack: net
account:
  regions: [us-east-1]
vpc_endpoints:
  - name: private
    region: us-east-1
    vpc_id: vpc-0a1b2c3d4e5f60718
    subnet_ids: [subnet-0a1b2c3d4e5f60718, subnet-1a1b2c3d4e5f60718]
    security_group_ids: [sg-0a1b2c3d4e5f60718]
    services: [bedrock-runtime, bedrock-agent-runtime]
    policy: { roles: [app] }
iam:
  roles:
    - name: app
      assume_role_policy: policies/trust-lambda.json
      policies:
        - grants:
            - invoke: [amazon.nova-lite-v1:0]
              regions: [us-east-1]
              source_vpce: private
    - name: other
      assume_role_policy: policies/trust-lambda.json
      policies:
        - grants:
            - invoke: [amazon.nova-lite-v1:0]
              regions: [us-east-1]
access_checks:
  - { principal: role/app, action: bedrock:InvokeModel, model: amazon.nova-lite-v1:0, region: us-east-1, expect: allow, through: private }
  - { principal: role/app, action: bedrock:InvokeModel, model: amazon.nova-lite-v1:0, region: us-east-1, expect: deny }
  - { principal: role/other, action: bedrock:InvokeModel, model: amazon.nova-lite-v1:0, region: us-east-1, expect: deny, through: private }
  - { principal: role/other, action: bedrock:InvokeModel, model: amazon.nova-lite-v1:0, region: us-east-1, expect: allow }
"#;

const RUNTIME: &str = "private/bedrock-runtime";
const AGENT_RUNTIME: &str = "private/bedrock-agent-runtime";
const NOVA: &str = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0";

fn endpoints(p: &Project) -> Vec<Resource> {
    rt().block_on(p.account().list(Kind::VpcEndpoint, "us-east-1"))
        .unwrap()
}

fn endpoint(p: &Project, name: &str) -> Resource {
    endpoints(p)
        .into_iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no endpoint {name}"))
}

fn role_policy(p: &Project, role: &str) -> Value {
    let r = rt()
        .block_on(p.account().get(Kind::IamRole, GLOBAL, role))
        .unwrap()
        .unwrap();
    r.spec.to_value()["inline_policies"]["bedrockctl-grants"].clone()
}

/// `iam eval` of one request through an endpoint: identity policy and endpoint policy.
fn eval_through(role: &str, identity: &Value, endpoint: &Value, vpce: &str) -> String {
    use std::io::Write;
    let line = json!({
        "id": "x",
        "request": {"principal": format!("arn:aws:iam::111122223333:role/{role}"),
                    "action": "bedrock:InvokeModel", "resource": NOVA,
                    "resource_account": "", "context": {"aws:SourceVpce": vpce}},
        "identity_policies": [identity],
        "vpc_endpoint_policy": endpoint,
    });
    let mut child = std::process::Command::new(bin())
        .args(["iam", "eval"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{line}").unwrap();
    let out = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["decision"].as_str().unwrap().to_string()
}

#[test]
fn apply_creates_endpoints_with_generated_policies_and_grants_name_their_ids() {
    let p = Project::new(CONFIG);
    // Before apply, the grant's endpoint ids are known after apply.
    let plan = p.plan_json(&["--detailed-exitcode"], 2);
    let app = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "iam_role.global.app")
        .unwrap();
    assert!(
        !app["after_unknown"].as_array().unwrap().is_empty(),
        "{app:#}"
    );
    let mut created = changes(&plan);
    created.sort();
    assert!(created.contains(&(
        format!("vpc_endpoint.us-east-1.{RUNTIME}"),
        "create".to_string()
    )));

    p.apply_ok();
    p.assert_converged();
    let runtime = endpoint(&p, RUNTIME);
    let agent = endpoint(&p, AGENT_RUNTIME);
    assert_eq!(runtime.status.as_deref(), Some("available"));
    assert_eq!(
        runtime.spec.to_value()["service_name"],
        "com.amazonaws.us-east-1.bedrock-runtime"
    );
    let (rid, aid) = (runtime.id.clone().unwrap(), agent.id.clone().unwrap());
    assert!(rid.starts_with("vpce-") && aid.starts_with("vpce-"));

    // The role's grant is narrowed to exactly the entry's endpoints.
    let app = role_policy(&p, "app");
    let vpces = &app["Statement"][0]["Condition"]["StringEquals"]["aws:SourceVpce"];
    let mut got: Vec<&str> = vpces
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    got.sort();
    let mut want = vec![rid.as_str(), aid.as_str()];
    want.sort();
    assert_eq!(got, want);

    // The runtime endpoint's policy: only `app`, only InvokeModel, only the model.
    let runtime_spec = runtime.spec.to_value();
    let policy = &runtime_spec["policy"];
    let text = policy.to_string();
    assert!(
        text.contains("arn:aws:iam::111122223333:role/app"),
        "{policy:#}"
    );
    assert!(!text.contains("role/other"), "{policy:#}");
    assert!(text.contains(NOVA), "{policy:#}");
    assert!(!text.contains("aws:SourceVpce"), "{policy:#}");
    // The agent-runtime endpoint serves nothing of app's grants: it allows nothing.
    assert_eq!(
        agent.spec.to_value()["policy"]["Statement"][0]["Effect"],
        "Deny"
    );

    // Proved with the evaluator: app through its endpoint is allowed; app through
    // another endpoint, and `other` through this one, are not.
    let other = role_policy(&p, "other");
    assert_eq!(eval_through("app", &app, policy, &rid), "allow");
    assert_eq!(
        eval_through("app", &app, policy, "vpce-00000000000000000"),
        "implicit_deny"
    );
    assert_eq!(eval_through("other", &other, policy, &rid), "implicit_deny");

    // `check` against the sandbox: the through checks pass, offline and simulated.
    let (code, out, err) = p.run(&["check", "-f", "bedrock.yaml", "--format", "json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["pass"] == true),
        "{v:#}"
    );
}

#[test]
fn subnets_groups_dns_and_policy_change_in_place_vpc_and_service_replace() {
    let p = Project::new(CONFIG);
    p.apply_ok();
    let before = endpoint(&p, RUNTIME).id;
    let edited = CONFIG
        .replace(
            "subnet_ids: [subnet-0a1b2c3d4e5f60718, subnet-1a1b2c3d4e5f60718]",
            "subnet_ids: [subnet-0a1b2c3d4e5f60718, subnet-2a1b2c3d4e5f60718]",
        )
        .replace(
            "security_group_ids: [sg-0a1b2c3d4e5f60718]",
            "security_group_ids: [sg-1a1b2c3d4e5f60718]\n    private_dns: false",
        )
        .replace(
            "policy: { roles: [app] }",
            "policy: { roles: [app, other] }",
        )
        // `other` may now go through the endpoint.
        .replace(
            "expect: deny, through: private",
            "expect: allow, through: private",
        );
    p.write_config(&edited);
    let mut acts = p.actions();
    acts.retain(|(a, _)| a.starts_with("vpc_endpoint."));
    acts.sort();
    assert_eq!(
        acts,
        vec![
            (
                format!("vpc_endpoint.us-east-1.{AGENT_RUNTIME}"),
                "update".to_string()
            ),
            (
                format!("vpc_endpoint.us-east-1.{RUNTIME}"),
                "update".to_string()
            ),
        ]
    );
    p.apply_ok();
    p.assert_converged();
    let after = endpoint(&p, RUNTIME);
    assert_eq!(after.id, before, "modified in place, same endpoint");
    assert_eq!(after.spec.to_value()["private_dns"], false);
    assert_eq!(
        after.spec.to_value()["subnet_ids"],
        json!(["subnet-0a1b2c3d4e5f60718", "subnet-2a1b2c3d4e5f60718"])
    );
    assert_eq!(
        after.spec.to_value()["security_group_ids"],
        json!(["sg-1a1b2c3d4e5f60718"])
    );
    assert!(after.spec.to_value()["policy"]
        .to_string()
        .contains("role/other"));

    // Another VPC: EC2 cannot move an endpoint, so it is replaced (and the grant follows).
    p.write_config(&edited.replace("vpc-0a1b2c3d4e5f60718", "vpc-1a1b2c3d4e5f60718"));
    let acts = p.actions();
    assert!(
        acts.contains(&(
            format!("vpc_endpoint.us-east-1.{RUNTIME}"),
            "replace".to_string()
        )),
        "{acts:?}"
    );
    p.apply_ok();
    p.assert_converged();
    let moved = endpoint(&p, RUNTIME);
    assert_ne!(moved.id, before);
    assert!(role_policy(&p, "app")
        .to_string()
        .contains(moved.id.as_deref().unwrap()));
}

#[test]
fn an_out_of_band_policy_edit_is_drift_and_destroy_removes_only_the_stacks() {
    let p = Project::new(CONFIG);
    p.seed(&json!({"resources": [
        {"kind": "vpc_endpoint", "region": "us-east-1", "name": "manual",
         "spec": {"vpc_id": "vpc-0a1b2c3d4e5f60718",
                  "service_name": "com.amazonaws.us-east-1.bedrock", "subnet_ids": [],
                  "security_group_ids": [], "private_dns": false},
         "tags": {}},
        {"kind": "vpc_endpoint", "region": "us-east-1", "name": "theirs/bedrock-runtime",
         "spec": {"vpc_id": "vpc-2a1b2c3d4e5f60718",
                  "service_name": "com.amazonaws.us-east-1.bedrock-runtime", "subnet_ids": [],
                  "security_group_ids": [], "private_dns": true},
         "tags": {"managed-by": "bedrockctl", "bedrockctl:stack": "other"}}
    ]}));
    p.apply_ok();
    p.assert_converged();

    // Someone widens the endpoint policy in the console.
    let live = endpoint(&p, RUNTIME);
    let mut wide = live.clone();
    wide.spec = wide
        .spec
        .edit(|v| {
            v["policy"] = json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
        })
        .unwrap();
    rt().block_on(p.account().update(&live, &wide)).unwrap();
    let (code, out, err) = p.run(&[
        "plan",
        "-f",
        "bedrock.yaml",
        "--refresh-only",
        "--detailed-exitcode",
    ]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(out.contains(RUNTIME), "{out}");
    p.apply_ok();
    p.assert_converged();

    let (code, out, err) = p.run(&["destroy", "-f", "bedrock.yaml", "--auto-approve"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let mut left: Vec<String> = endpoints(&p).into_iter().map(|r| r.name).collect();
    left.sort();
    assert_eq!(left, vec!["manual", "theirs/bedrock-runtime"]);
}

#[test]
fn config_errors_point_at_their_line() {
    let bad = CONFIG
        .replace("vpc_id: vpc-0a1b2c3d4e5f60718", "vpc_id: vpc-nothex")
        .replace(
            "services: [bedrock-runtime, bedrock-agent-runtime]",
            "services: [bedrock-runtime, bedrock-runtim]",
        )
        .replace("policy: { roles: [app] }", "policy: { roles: [ap] }")
        .replace("source_vpce: private", "source_vpce: privat")
        .replace(
            "expect: allow, through: private",
            "expect: allow, through: nowhere",
        );
    let p = Project::new(&bad);
    let (code, _, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
    assert_eq!(code, 1, "{err}");
    let line_of = |needle: &str| bad.lines().position(|l| l.contains(needle)).unwrap() + 1;
    for (needle, message) in [
        ("vpc-nothex", "`vpc_id` must look like `vpc-`"),
        ("bedrock-runtim]", "bedrock-runtim"),
        ("roles: [ap]", "role `ap` is not a role of this config"),
        (
            "source_vpce: privat",
            "`privat` is not an entry of `vpc_endpoints`",
        ),
        (
            "through: nowhere",
            "`nowhere` is not an entry of `vpc_endpoints`",
        ),
    ] {
        let at = format!("bedrock.yaml:{}:", line_of(needle));
        assert!(
            err.lines()
                .any(|l| l.starts_with(&at) && l.contains(message)),
            "no `{message}` at {at}\n{err}"
        );
    }
    assert!(err.contains("did you mean `private`"), "{err}");

    // `policy` takes one of `file` and `roles`; an entry serves at least one service.
    for (from, to, message) in [
        (
            "policy: { roles: [app] }",
            "policy: { roles: [app], file: policies/x.json }",
            "`policy` takes `file` or `roles`, not both",
        ),
        (
            "services: [bedrock-runtime, bedrock-agent-runtime]",
            "services: []",
            "`services` must name at least one service",
        ),
        (
            "subnet_ids: [subnet-0a1b2c3d4e5f60718, subnet-1a1b2c3d4e5f60718]",
            "subnet_ids: [subnet-0a1b2c3d4e5f60718, subnet-0a1b2c3d4e5f60718x]",
            "subnet id must look like `subnet-`",
        ),
    ] {
        let text = CONFIG.replace(from, to);
        let p = Project::new(&text);
        let (code, _, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
        assert_eq!(code, 1, "{to}: {err}");
        let line = text.lines().position(|l| l.contains(to)).unwrap() + 1;
        let at = format!("bedrock.yaml:{line}:");
        assert!(
            err.lines()
                .any(|l| l.starts_with(&at) && l.contains(message)),
            "no `{message}` at {at}\n{err}"
        );
    }

    // Two private-DNS endpoints for one service in one VPC: EC2 refuses the second.
    let twice = CONFIG.replace(
        "iam:\n",
        "  - name: again\n    region: us-east-1\n    vpc_id: vpc-0a1b2c3d4e5f60718\n    subnet_ids: [subnet-0a1b2c3d4e5f60718]\n    services: [bedrock-runtime]\niam:\n",
    );
    let p = Project::new(&twice);
    let (code, _, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("private DNS"), "{err}");
}

/// Three levels of references in one apply: the endpoint policy generated from a role's
/// grants names the stack's guardrail, and the role's grant names the endpoint.
#[test]
fn guardrail_endpoint_and_role_resolve_in_one_apply() {
    let config = r#"version: 1
stack: gnet
account:
  regions: [us-east-1]
guardrails:
  - name: safety
    regions: [us-east-1]
    blocked_input_message: Sorry.
    blocked_output_message: Sorry.
    content_filters:
      - { type: HATE, input: HIGH, output: HIGH }
vpc_endpoints:
  - name: private
    region: us-east-1
    vpc_id: vpc-0a1b2c3d4e5f60718
    subnet_ids: [subnet-0a1b2c3d4e5f60718]
    services: [bedrock-runtime]
    policy: { roles: [app] }
iam:
  roles:
    - name: app
      assume_role_policy: policies/trust-lambda.json
      policies:
        - grants:
            - invoke: [amazon.nova-lite-v1:0]
              regions: [us-east-1]
              guardrail: safety
              require_guardrail: true
              source_vpce: private
access_checks:
  - principal: role/app
    action: bedrock:InvokeModel
    model: amazon.nova-lite-v1:0
    region: us-east-1
    expect: allow
    through: private
    context: { "bedrock:GuardrailIdentifier": "guardrail/safety" }
  - { principal: role/app, action: bedrock:InvokeModel, model: amazon.nova-lite-v1:0, region: us-east-1, expect: deny, through: private }
"#;
    let p = Project::new(config);
    p.apply_ok();
    p.assert_converged();
    let guardrail = rt()
        .block_on(p.account().list(Kind::Guardrail, "us-east-1"))
        .unwrap()
        .remove(0)
        .id
        .unwrap();
    let ep = endpoint(&p, RUNTIME);
    let policy = ep.spec.to_value()["policy"].to_string();
    assert!(policy.contains(&guardrail), "{policy}");
    assert!(!policy.contains("${"), "{policy}");
    let role = role_policy(&p, "app").to_string();
    assert!(role.contains(ep.id.as_deref().unwrap()), "{role}");
    assert!(role.contains(&guardrail), "{role}");
}

/// `import` writes the endpoints of one entry back as one `vpc_endpoints` entry that
/// adopts them, and the snippet validates.
#[test]
fn import_groups_an_entrys_endpoints() {
    let config = CONFIG
        .split("access_checks:")
        .next()
        .unwrap()
        .replace("    policy: { roles: [app] }\n", "")
        .replace("source_vpce: private", "source_vpce: vpce-0a1b2c3d");
    let p = Project::new(&config);
    p.apply_ok();
    let (code, out, err) = p.run(&["import", "--regions", "us-east-1"]);
    assert_eq!(code, 0, "{err}");
    let line = out
        .lines()
        .find(|l| l.contains("\"vpc_id\""))
        .unwrap_or_else(|| panic!("{out}"));
    let entry: Value = serde_json::from_str(line.trim_start().trim_start_matches("- ")).unwrap();
    assert_eq!(entry["name"], "private");
    let mut services: Vec<&str> = entry["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    services.sort();
    assert_eq!(services, ["bedrock-agent-runtime", "bedrock-runtime"]);
    assert!(entry.get("policy").is_none(), "default policy: {entry}");
    assert_eq!(
        out.lines().filter(|l| l.contains("\"vpc_id\"")).count(),
        1,
        "{out}"
    );
    // The snippet is a valid config section.
    let snippet = format!(
        "version: 1\nstack: imported\nvpc_endpoints:\n{}\n",
        out.lines()
            .skip_while(|l| !l.starts_with("vpc_endpoints:"))
            .skip(1)
            .take_while(|l| l.starts_with("  - "))
            .collect::<Vec<_>>()
            .join("\n")
    );
    p.write_config(&snippet);
    let (code, _, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
    assert_eq!(code, 0, "{snippet}\n{err}");
}
