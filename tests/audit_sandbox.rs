//! `audit:` (issue 18) end to end on the sandbox: `require` findings from seeded trails
//! (stopped, write-only, organization, single-region data trails), `check` exit 3 and
//! plan JSON `audit_findings`; `manage` apply → clean plan and check, import shows the
//! trail, an out-of-band selector edit is drift, destroy keeps other trails; config
//! errors for `audit:` exit 1 at the offending line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use bedrockctl::account::Kind;
use engine_support::*;
use serde_json::{json, Value};

fn config(audit: &str) -> String {
    format!(
        r#"version: 1
stack: audited
account:
  regions: [us-east-1]
iam:
  roles:
    - name: app
      assume_role_policy: policies/trust-lambda.json
      policies:
        - grants:
            - invoke: [amazon.nova-pro-v1:0]
              regions: [us-east-1]
              agent: [AGENT12345/ALIAS12345]
              knowledge_base: [KB12345678]
              guardrail: arn:aws:bedrock:us-east-1:111122223333:guardrail/abcdefghijkl
audit:
{audit}
"#
    )
}

fn mgmt(read_only: Option<&str>) -> Value {
    let mut f = vec![json!({"field": "eventCategory", "equals": ["Management"]})];
    if let Some(v) = read_only {
        f.push(json!({"field": "readOnly", "equals": [v]}));
    }
    json!({"field_selectors": f})
}

fn data(ty: &str) -> Value {
    json!({"field_selectors": [
        {"field": "eventCategory", "equals": ["Data"]},
        {"field": "resources.type", "equals": [ty]},
    ]})
}

fn trail(name: &str, region: &str, multi: bool, logging: bool, sel: Vec<Value>) -> Value {
    json!({"kind": "cloudtrail_trail", "region": region, "name": name, "tags": {},
        "spec": {"s3_bucket": "central-audit-logs", "multi_region": multi,
                 "include_global_service_events": true, "logging": logging,
                 "advanced_event_selectors": sel}})
}

fn codes(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn require_reports_each_need_no_trail_records() {
    let p = Project::new(&config("  cloudtrail: require"));
    let mut org = trail(
        "org-writes",
        "us-west-2",
        true,
        true,
        vec![mgmt(Some("false"))],
    );
    org["spec"]["organization"] = json!(true);
    p.seed(&json!({"account_id": "111122223333", "resources": [
        org,
        // Records everything, but is stopped: it must not count, and is named.
        trail("stopped", "us-east-1", false, false, vec![mgmt(None), data("AWS::Bedrock::AgentAlias")]),
        // Single-region in us-east-1, logging: covers the knowledge-base need.
        trail("kb-data", "us-east-1", false, true, vec![data("AWS::Bedrock::KnowledgeBase")]),
        // Another region, not multi-region: does not cover us-east-1.
        trail("west-only", "us-west-2", false, true, vec![mgmt(None), data("AWS::Bedrock::Guardrail")]),
    ]}));
    let (code, out, err) = p.run(&["check", "--format", "json"]);
    assert_eq!(code, 3, "{out}\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        codes(&v["audit"]),
        [
            "cloudtrail-management-reads-missing",
            "cloudtrail-data-events-missing",
            "cloudtrail-data-events-missing",
        ],
        "{out}"
    );
    let msgs: Vec<&str> = v["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        msgs[0].contains("org-writes (organization trail)"),
        "{msgs:?}"
    );
    assert!(msgs[1].contains("AWS::Bedrock::AgentAlias"), "{msgs:?}");
    assert!(msgs[2].contains("AWS::Bedrock::Guardrail"), "{msgs:?}");
    assert!(msgs[2].contains("role app grants guardrail:"), "{msgs:?}");
    // Diagnostics at the `cloudtrail:` value, with the fix.
    assert!(
        err.contains("bedrock.yaml:17:15: error[cloudtrail-management-reads-missing]"),
        "{err}"
    );
    assert!(err.contains("= hint: fix:"), "{err}");

    // Text output names them too.
    let (code, out, _) = p.run(&["check"]);
    assert_eq!(code, 3);
    assert!(
        out.contains("CloudTrail audit: 3 errors, 0 warnings"),
        "{out}"
    );

    // plan: findings in JSON, exit code unchanged (the role is a change, not an error).
    let plan = p.plan_json(&[], 0);
    assert_eq!(codes(&plan["audit_findings"]).len(), 3, "{plan}");
    // CI renderings: annotations at the `audit:` line, a table in the PR comment.
    let (code, gh, _) = p.run_env(
        &["plan", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", "")],
    );
    assert_eq!(code, 0);
    assert!(
        gh.contains("::error file=bedrock.yaml,line=16,title=CloudTrail audit [cloudtrail-data-events-missing]::us-east-1: "),
        "{gh}"
    );
    let (code, md, _) = p.run(&["plan", "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(md.contains("**CloudTrail audit: 3 findings**"), "{md}");
    assert!(
        md.contains("| error | `cloudtrail-management-reads-missing` | `us-east-1` |"),
        "{md}"
    );
}

#[test]
fn a_stopped_trail_alone_is_no_logging_trail() {
    let p = Project::new(&config("  cloudtrail: require"));
    p.seed(&json!({"resources": [trail("stopped", "us-east-1", true, false, vec![mgmt(None)])]}));
    let (code, out, _) = p.run(&["check", "--format", "json"]);
    assert_eq!(code, 3);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(codes(&v["audit"]), ["cloudtrail-no-logging-trail"]);
    assert!(v["audit"][0]["message"]
        .as_str()
        .unwrap()
        .contains("stopped stopped"));
}

#[test]
fn an_organization_trail_that_records_everything_is_clean() {
    let p = Project::new(&config("  cloudtrail: require"));
    let mut org = trail(
        "org-all",
        "eu-west-1",
        true,
        true,
        vec![
            mgmt(None),
            data("AWS::Bedrock::AgentAlias"),
            data("AWS::Bedrock::KnowledgeBase"),
            data("AWS::Bedrock::Guardrail"),
        ],
    );
    org["spec"]["organization"] = json!(true);
    p.seed(&json!({"resources": [org]}));
    let (code, out, err) = p.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["audit"], json!([]));
    // Without `audit:` there is no audit at all.
    let p = Project::new(
        &config("  cloudtrail: require").replace("audit:\n  cloudtrail: require\n", ""),
    );
    let (code, out, _) = p.run(&["check", "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v.get("audit").is_none(), "{out}");
    assert!(p.plan_json(&[], 0).get("audit_findings").is_none());
}

const MANAGE: &str = "  cloudtrail: manage\n  trail: { name: bedrock-audit, region: us-east-1, bucket: audit-logs-bucket, prefix: bedrock }";

#[test]
fn manage_creates_the_trail_converges_and_detects_drift() {
    let p = Project::new(&config(MANAGE));
    p.seed(&json!({"resources": [trail("writes-only", "us-east-1", true, true, vec![mgmt(Some("false"))])]}));
    // Before apply: the plan creates the trail and still reports today's gaps.
    let plan = p.plan_json(&[], 0);
    assert!(
        changes(&plan).contains(&(
            "cloudtrail_trail.us-east-1.bedrock-audit".to_string(),
            "create".to_string()
        )),
        "{plan}"
    );
    assert!(!codes(&plan["audit_findings"]).is_empty());
    let trail_change = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "cloudtrail_trail.us-east-1.bedrock-audit")
        .unwrap();
    assert_eq!(
        trail_change["location"],
        json!({"file": "bedrock.yaml", "line": 18})
    );
    let (_, _, err) = p.run(&["plan"]);
    assert!(
        err.contains("note: these findings describe the account's trails today; `cloudtrail_trail.us-east-1.bedrock-audit` (create)"),
        "{err}"
    );
    p.apply_ok();
    p.assert_converged();
    let (code, out, err) = p.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["audit"],
        json!([])
    );

    // What the account holds: multi-region, logging, one selector per need, owned.
    let account = p.account();
    let live = rt()
        .block_on(account.list(Kind::CloudTrailTrail, "us-east-1"))
        .unwrap();
    let mine = live.iter().find(|r| r.name == "bedrock-audit").unwrap();
    assert_eq!(mine.stack(), Some("audited"));
    let spec = mine.spec.to_value();
    assert_eq!(spec["multi_region"], true);
    assert_eq!(spec["logging"], true);
    assert_eq!(spec["s3_prefix"], "bedrock");
    let types: Vec<&str> = spec["advanced_event_selectors"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["field_selectors"].as_array().unwrap())
        .filter(|f| f["field"] == "resources.type")
        .map(|f| f["equals"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "AWS::Bedrock::AgentAlias",
            "AWS::Bedrock::Guardrail",
            "AWS::Bedrock::KnowledgeBase"
        ]
    );

    // import shows it, managed, and writes it as an `audit:` block.
    let inv = p.inventory();
    let row = inv
        .iter()
        .find(|r| r["kind"] == "cloudtrail_trail" && r["name"] == "bedrock-audit")
        .unwrap();
    assert_eq!(row["managed"], true);
    assert_eq!(row["stack"], "audited");
    let (code, yaml, _) = p.run(&["import", "--regions", "us-east-1"]);
    assert_eq!(code, 0);
    assert!(
        yaml.contains("audit:\n  cloudtrail: manage\n  trail: {\"name\":\"bedrock-audit\""),
        "{yaml}"
    );

    // Out of band: logging stopped and the data selectors dropped → drift, check fails.
    rt().block_on(async {
        let mut d = mine.clone();
        d.spec = mine
            .spec
            .edit(|v| {
                v["logging"] = json!(false);
                v["advanced_event_selectors"] = json!([mgmt(None)]);
            })
            .unwrap();
        account.update(mine, &d).await.unwrap();
    });
    let drift = p.plan_json(&["--refresh-only", "--detailed-exitcode"], 2);
    let addrs: Vec<&str> = drift["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert_eq!(addrs, ["cloudtrail_trail.us-east-1.bedrock-audit"]);
    assert_eq!(p.run(&["check"]).0, 3);
    p.apply_ok();
    p.assert_converged();
    assert_eq!(p.run(&["check"]).0, 0);

    // A changed bucket is an update in place, not a replacement.
    p.write_config(&config(
        &MANAGE.replace("audit-logs-bucket", "other-audit-bucket"),
    ));
    assert_eq!(
        p.actions(),
        [(
            "cloudtrail_trail.us-east-1.bedrock-audit".to_string(),
            "update".to_string()
        )]
    );
    p.apply_ok();
    p.assert_converged();

    // destroy removes the stack's trail and keeps the account's own.
    let (code, _, err) = p.run(&["destroy", "-f", "bedrock.yaml", "--auto-approve"]);
    assert_eq!(code, 0, "{err}");
    let names: Vec<String> = rt()
        .block_on(p.account().list(Kind::CloudTrailTrail, "us-east-1"))
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["writes-only"]);
}

#[test]
fn the_sandbox_refuses_what_cloudtrail_refuses() {
    // A sixth trail in a region: CloudTrail's per-region quota.
    let p = Project::new(&config(MANAGE));
    let five: Vec<Value> = (0..5)
        .map(|i| {
            trail(
                &format!("t-{i}"),
                "us-east-1",
                false,
                true,
                vec![mgmt(None)],
            )
        })
        .collect();
    p.seed(&json!({ "resources": five }));
    let (code, _, err) = p.apply();
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("MaximumNumberOfTrailsExceededException"),
        "{err}"
    );
}

#[test]
fn audit_config_errors_point_at_the_line() {
    let cases = [
        ("  cloudtrail: manage", "`cloudtrail: manage` needs `audit.trail`"),
        (
            "  cloudtrail: require\n  trail: { name: abc, region: us-east-1, bucket: audit-logs-bucket }",
            "`audit.trail` is only used with `cloudtrail: manage`",
        ),
        ("  cloudtrail: always", "invalid `cloudtrail`: `always`"),
        (
            "  cloudtrail: manage\n  trail: { name: my--trail, region: us-east-1, bucket: audit-logs-bucket }",
            "trail name `my--trail` must not have adjacent",
        ),
        (
            "  cloudtrail: manage\n  trail: { name: abc, region: us-east-1, bucket: Bad_Bucket }",
            "bucket name `Bad_Bucket` may hold only lowercase letters",
        ),
        (
            "  cloudtrail: manage\n  trail: { name: abc, region: mars-1, bucket: audit-logs-bucket }",
            "unknown region `mars-1`",
        ),
        (
            "  cloudtrail: require\n  trial: {}",
            "unknown key `trial` in `audit`",
        ),
    ];
    for (audit, want) in cases {
        let p = Project::new(&config(audit));
        let (code, out, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
        assert_eq!(code, 1, "{audit}\n{out}\n{err}");
        assert!(err.contains(want), "{audit}: {err}");
        assert!(err.contains("bedrock.yaml:1"), "{audit}: {err}");
    }
}

/// When the trails cannot be listed (here: nothing listens at the endpoint), `check`
/// did not run fine: exit 1, not 3, with the reason at the `audit:` line.
#[test]
fn unreadable_trails_make_check_fail_with_exit_1() {
    let p = Project::new(&config("  cloudtrail: require"));
    let out = assert_cmd::Command::new(bin())
        .current_dir(p.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "AKIDTESTONLY")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("BEDROCKCTL_LOOPBACK_ONLY", "1")
        .args(["check", "-f", "bedrock.yaml"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bedrock.yaml:17:15: error[cloudtrail-unreadable]"),
        "{err}"
    );
}
