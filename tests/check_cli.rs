//! `bedrockctl check` end to end: exit codes (0 pass, 3 a check failed, 1 bad
//! input), the `--format json` contract, cross-region `denied_regions`, `--matrix`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use std::path::Path;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// An SCP that allows everything but Bedrock outside `regions`.
fn scp(regions: &[&str]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*"}},
        {{"Sid":"RegionLock","Effect":"Deny","Action":"bedrock:*","Resource":"*",
          "Condition":{{"StringNotEquals":{{"aws:RequestedRegion":{}}}}}}}]}}"#,
        serde_json::to_string(regions).unwrap()
    )
}

fn write_config(dir: &Path, scp_regions: &[&str], checks: &str) {
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::write(dir.join("policies/trust.json"), TRUST).unwrap();
    std::fs::write(dir.join("policies/scp.json"), scp(scp_regions)).unwrap();
    std::fs::write(
        dir.join("policies/boundary.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:*","Resource":"*"}]}"#,
    )
    .unwrap();
    let yaml = format!(
        r#"version: 1
stack: check-test
account:
  id: "111122223333"
  regions: [us-east-1, us-west-2]
models:
  - id: anthropic.claude-haiku-4-5-20251001-v1:0
    regions: [us-east-1, us-west-2]
    via: inference_profile
  - id: amazon.nova-lite-v1:0
    regions: [us-east-1]
    via: on_demand
iam:
  policies:
    - name: bedrock-boundary
      file: policies/boundary.json
  roles:
    - name: app
      assume_role_policy: policies/trust.json
      permissions_boundary: bedrock-boundary
      policies:
        - grants:
            - invoke: [anthropic.claude-haiku-4-5-20251001-v1:0]
              regions: [us-east-1, us-west-2]
              via: inference_profile
              streaming: true
organization:
  scps:
    - [policies/scp.json]
access_checks:
{checks}"#
    );
    std::fs::write(dir.join("bedrock.yaml"), yaml).unwrap();
}

const PROFILE_ALLOW: &str = r#"  - principal: role/app
    action: bedrock:InvokeModel
    model: us.anthropic.claude-haiku-4-5-20251001-v1:0
    region: us-east-1
    expect: allow
  - principal: role/app
    action: bedrock:InvokeModel
    model: amazon.nova-lite-v1:0
    region: us-east-1
    expect: deny
"#;

fn check(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(dir)
        .args(["check", "-f", "bedrock.yaml"])
        .args(extra)
        .env("NO_COLOR", "1")
        .assert()
}

#[test]
fn passing_checks_exit_0_with_contract_json() {
    let tmp = tempfile::tempdir().unwrap();
    write_config(
        tmp.path(),
        &["us-east-1", "us-east-2", "us-west-2"],
        PROFILE_ALLOW,
    );
    let out = check(tmp.path(), &["--format", "json"]).code(0);
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let checks = doc["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 2);
    let keys: Vec<&str> = checks[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "principal",
            "action",
            "model",
            "region",
            "expect",
            "offline",
            "simulated",
            "pass",
            "reason",
            "denied_regions"
        ]
    );
    assert_eq!(checks[0]["offline"], "allow");
    assert_eq!(checks[0]["pass"], true);
    assert!(checks[0]["simulated"].is_null());
    assert_eq!(checks[1]["offline"], "implicit_deny");
    assert_eq!(checks[1]["expect"], "deny");
    assert_eq!(checks[1]["pass"], true);
}

#[test]
fn scp_blocking_a_destination_region_fails_the_check_with_exit_3() {
    let tmp = tempfile::tempdir().unwrap();
    // us-east-1 sources route to us-east-1, us-east-2 and us-west-2: lock out two of them.
    write_config(tmp.path(), &["us-east-1"], PROFILE_ALLOW);
    let out = check(tmp.path(), &["--format", "json"]).code(3);
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let c = &doc["checks"][0];
    assert_eq!(c["offline"], "explicit_deny");
    assert_eq!(c["pass"], false);
    assert_eq!(
        c["denied_regions"],
        serde_json::json!(["us-east-2", "us-west-2"])
    );
    assert!(c["reason"].as_str().unwrap().contains("RegionLock"), "{c}");
    // The text form names the failure too.
    let text = check(tmp.path(), &[]).code(3);
    let stdout = String::from_utf8_lossy(&text.get_output().stdout).to_string();
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(
        stdout.contains("denied regions: us-east-2, us-west-2"),
        "{stdout}"
    );
}

#[test]
fn invalid_config_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    write_config(tmp.path(), &["us-east-1"], PROFILE_ALLOW);
    std::fs::write(
        tmp.path().join("policies/scp.json"),
        r#"{"Statement":[{"Effect":"Allow"}]}"#,
    )
    .unwrap();
    let out = check(tmp.path(), &[]).code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("policies/scp.json:1:"), "{stderr}");
}

#[test]
fn matrix_covers_every_role_model_and_region() {
    let tmp = tempfile::tempdir().unwrap();
    write_config(
        tmp.path(),
        &["us-east-1", "us-east-2", "us-west-2"],
        PROFILE_ALLOW,
    );
    let out = check(tmp.path(), &["--matrix", "--format", "json"]).code(0);
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let cells = doc["matrix"].as_array().unwrap();
    assert_eq!(cells.len(), 4, "1 role x 2 models x 2 regions");
    let cell = |m: &str, r: &str| {
        cells
            .iter()
            .find(|c| c["model"] == m && c["region"] == r)
            .unwrap()["decision"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        cell("anthropic.claude-haiku-4-5-20251001-v1:0", "us-east-1"),
        "allow"
    );
    assert_eq!(
        cell("anthropic.claude-haiku-4-5-20251001-v1:0", "us-west-2"),
        "allow"
    );
    assert_eq!(cell("amazon.nova-lite-v1:0", "us-east-1"), "implicit_deny");
    let text = check(tmp.path(), &["--matrix"]).code(0);
    let stdout = String::from_utf8_lossy(&text.get_output().stdout).to_string();
    // Grouped per role since issue 20: a block header per role, models as rows.
    assert!(stdout.contains("role app: "), "{stdout}");
    assert!(stdout.contains("legend:"), "{stdout}");
}

/// Regression: the account reads of `check` (account id, SCPs, live principals, the
/// simulator) were not retried, so a throttled sandbox (design.md's
/// `BEDROCKCTL_SANDBOX_FAULTS`) failed `check --simulate` and the checks after `apply`.
#[test]
fn checks_retry_a_throttled_account() {
    let tmp = tempfile::tempdir().unwrap();
    write_config(
        tmp.path(),
        &["us-east-1", "us-east-2", "us-west-2"],
        PROFILE_ALLOW,
    );
    // No `organization:` in the config: the SCPs are read from the (throttled) account.
    let yaml = std::fs::read_to_string(tmp.path().join("bedrock.yaml")).unwrap();
    let yaml = yaml.replace("organization:\n  scps:\n    - [policies/scp.json]\n", "");
    std::fs::write(tmp.path().join("bedrock.yaml"), yaml).unwrap();
    let sandbox = tmp.path().join("sandbox");
    let run = |args: &[&str], seed: &str| {
        Command::cargo_bin("bedrockctl")
            .unwrap()
            .current_dir(tmp.path())
            .arg("--sandbox")
            .arg(&sandbox)
            .args(args)
            .env(
                "BEDROCKCTL_SANDBOX_FAULTS",
                format!("latency_ms=0,throttle=0.5,error5xx=0.1,seed={seed}"),
            )
            .output()
            .unwrap()
    };
    // apply runs the checks (with the simulator) after its changes.
    let out = run(&["apply", "--auto-approve"], "5");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for seed in ["3", "7"] {
        let out = run(&["check", "--simulate", "--format", "json"], seed);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["checks"][0]["simulated"], "allow");
    }
}

/// The contract's canonical config (tests/fixtures/config-example, a verbatim copy of
/// `config-example.yaml`) validates, passes its own access checks, applies on the sandbox
/// (exit 0, not 3) and then plans no changes. Regression: a grant's `guardrail:` used to
/// deny every request without it, so the example's `expect: allow` check failed; the
/// Deny is now opt-in (`require_guardrail: true`).
#[test]
fn the_contract_example_passes_its_own_checks() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config-example");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("policies")).unwrap();
    std::fs::copy(src.join("bedrock.yaml"), tmp.path().join("bedrock.yaml")).unwrap();
    for f in std::fs::read_dir(src.join("policies")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, tmp.path().join("policies").join(f.file_name().unwrap())).unwrap();
    }
    let run = |args: &[&str]| {
        Command::cargo_bin("bedrockctl")
            .unwrap()
            .current_dir(tmp.path())
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let code = |args: &[&str]| {
        let out = run(args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    assert_eq!(code(&["validate"]).0, Some(0));
    let (c, out) = code(&["check"]);
    assert_eq!(c, Some(0), "{out}");
    let (c, out) = code(&["--sandbox", "sb", "plan", "--detailed-exitcode"]);
    assert_eq!(c, Some(2), "{out}");
    let (c, out) = code(&["apply", "--sandbox", "sb", "--auto-approve"]);
    assert_eq!(c, Some(0), "{out}");
    let (c, out) = code(&["plan", "--sandbox", "sb", "--detailed-exitcode"]);
    assert_eq!(c, Some(0), "{out}");
    // `require_guardrail: true` restores the Deny for requests without the guardrail.
    let yaml = std::fs::read_to_string(tmp.path().join("bedrock.yaml")).unwrap();
    let yaml = yaml.replace(
        "              guardrail: default-safety\n",
        "              guardrail: default-safety\n              require_guardrail: true\n",
    );
    std::fs::write(tmp.path().join("bedrock.yaml"), yaml).unwrap();
    let out = run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["checks"][0]["offline"], "explicit_deny");
    assert!(
        doc["checks"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("RequireGuardrail0"),
        "{doc}"
    );
}
