#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Deep mode and `probe` against a seeded sandbox account: explain names the statement
//! that denies (or the missing Allow) and the model's status; probe prints the
//! diagnosis of a failed request and exits 1.

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::{json, Value};

const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/app/s1";

fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let seed = json!({
        "models": [{"region": "us-east-1", "model_id": "amazon.nova-pro-v1:0",
                    "authorization": "NOT_AUTHORIZED", "agreement": "PENDING", "exists": true}],
        "resources": [{
            "kind": "iam_role", "region": "global", "name": "app", "tags": {},
            "spec": {
                "assume_role_policy": {"Version": "2012-10-17", "Statement": []},
                "inline_policies": {"invoke": {"Version": "2012-10-17", "Statement": [
                    {"Sid": "InvokeNova", "Effect": "Allow",
                     "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                     "Resource": "arn:aws:bedrock:*::foundation-model/amazon.nova-*"},
                    {"Sid": "NoMicro", "Effect": "Deny", "Action": "bedrock:InvokeModel*",
                     "Resource": "arn:aws:bedrock:*::foundation-model/amazon.nova-micro-v1:0"}
                ]}}
            }
        }]
    });
    std::fs::write(dir.path().join("seed.json"), seed.to_string()).unwrap();
    dir
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("bedrockctl").unwrap();
    c.env_remove("AWS_PROFILE")
        .env_remove("BEDROCKCTL_SANDBOX_FAULTS")
        .env("BEDROCKCTL_TODAY", "2026-11-26");
    c
}

fn deep_json(dir: &tempfile::TempDir, message: &str, extra: &[&str]) -> Value {
    let out = bin()
        .arg("explain")
        .arg("--sandbox")
        .arg(dir.path())
        .args(["--format", "json"])
        .args(extra)
        .arg(message)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn account_causes(v: &Value) -> Vec<String> {
    v["causes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|c| c.starts_with("account: "))
        .map(str::to_string)
        .collect()
}

fn denial(model: &str, tail: &str) -> String {
    format!("User: {SESSION} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/{model}{tail}")
}

#[test]
fn names_the_denying_statement() {
    let dir = sandbox();
    let v = deep_json(
        &dir,
        &denial(
            "amazon.nova-micro-v1:0",
            " with an explicit deny in an identity-based policy",
        ),
        &[],
    );
    let causes = account_causes(&v);
    assert!(
        causes[0].contains("statement `NoMicro` of `invoke`"),
        "{causes:#?}"
    );
    // The message's own fields are untouched by deep mode.
    assert_eq!(v["policy_type"], "identity");
    assert_eq!(v["explicit_deny"], true);
}

#[test]
fn names_the_missing_allow() {
    let dir = sandbox();
    let v = deep_json(
        &dir,
        &denial(
            "anthropic.claude-haiku-4-5-20251001-v1:0",
            " because no identity-based policy allows the bedrock:InvokeModel action",
        ),
        &[],
    );
    let causes = account_causes(&v);
    assert!(
        causes[0].contains(
            "none of the identity policies of `arn:aws:iam::111122223333:role/app` (`invoke`)"
        ),
        "{causes:#?}"
    );
}

#[test]
fn says_when_the_account_now_allows() {
    let dir = sandbox();
    let v = deep_json(
        &dir,
        &denial(
            "amazon.nova-lite-v1:0",
            " because no identity-based policy allows the bedrock:InvokeModel action",
        ),
        &[],
    );
    let causes = account_causes(&v);
    assert!(causes[0].contains("now allow"), "{causes:#?}");
    assert!(
        causes
            .iter()
            .any(|c| c.contains("disagrees with the message")),
        "{causes:#?}"
    );
}

#[test]
fn reports_model_access_state() {
    let dir = sandbox();
    let v = deep_json(
        &dir,
        "An error occurred (AccessDeniedException) when calling the InvokeModel operation: You don't have access to the model with the specified model ID. modelId=amazon.nova-pro-v1:0",
        &["--region", "us-east-1"],
    );
    assert_eq!(v["category"], "model_access");
    let causes = account_causes(&v);
    assert!(
        causes[0].contains("authorization `NOT_AUTHORIZED`")
            && causes[0].contains("agreement `PENDING`"),
        "{causes:#?}"
    );
}

#[test]
fn unknown_role_is_a_finding_not_an_error() {
    let dir = sandbox();
    let v = deep_json(
        &dir,
        "User: arn:aws:sts::111122223333:assumed-role/ghost/s is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
        &[],
    );
    let causes = account_causes(&v);
    assert!(
        causes
            .iter()
            .any(|c| c.contains("could not read the policies")),
        "{causes:#?}"
    );
}

#[test]
fn probe_success() {
    let dir = sandbox();
    bin()
        .arg("probe")
        .arg("--sandbox")
        .arg(dir.path())
        .args(["--model", "amazon.nova-lite-v1:0", "--region", "us-east-1"])
        .assert()
        .code(0)
        .stdout(contains(
            "ok: `Converse` on `amazon.nova-lite-v1:0` in `us-east-1`",
        ));
}

#[test]
fn probe_failure_prints_the_diagnosis() {
    let dir = sandbox();
    // Past its end of life on the pinned date (catalog: 2026-06-01 in us-east-1).
    bin()
        .arg("probe")
        .arg("--sandbox")
        .arg(dir.path())
        .args([
            "--model",
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
            "--region",
            "us-east-1",
            "--stream",
        ])
        .assert()
        .code(1)
        .stderr(contains("`ConverseStream`"))
        .stdout(contains("legacy_model: "))
        .stdout(contains("anthropic.claude-sonnet-4-6"));
}

/// `--sandbox` takes an optional DIR: in `explain --sandbox "MESSAGE"` the pasted message
/// is the message, not a directory (the default `.bedrockctl/sandbox` is used).
#[test]
fn sandbox_without_dir_before_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let msg = format!(
        "User: {SESSION} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0 because no identity-based policy allows the bedrock:InvokeModel action"
    );
    let out = bin()
        .current_dir(dir.path())
        .args(["explain", "--format", "json", "--sandbox"])
        .arg(&msg)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["category"], "access_denied");
    assert_eq!(v["principal"], SESSION);
    assert!(dir.path().join(".bedrockctl/sandbox").is_dir());
}

/// Issue 24: on the quickstart applied to a sandbox, a request without its guardrail is
/// refused by the `require_guardrail` Deny the config sets on purpose. Deep mode keeps
/// that Deny (the fix is to send the guardrail) and proposes no Allow the config already
/// grants.
#[test]
fn deep_mode_respects_the_guardrail_the_config_requires() {
    let dir = tempfile::tempdir().unwrap();
    let quickstart = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart");
    let sb = dir.path().join("sb");
    bin()
        .current_dir(&quickstart)
        .arg("--sandbox")
        .arg(&sb)
        .args(["apply", "-f", "bedrock.yaml", "--auto-approve"])
        .assert()
        .success();
    let out = bin()
        .arg("--sandbox")
        .arg(&sb)
        .args(["explain", "--format", "json"])
        .arg("An error occurred (AccessDeniedException) when calling the InvokeModel operation: User: arn:aws:sts::111122223333:assumed-role/chat-app/s1 is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0 with an explicit deny in an identity-based policy")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixes: Vec<&str> = v["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        fixes
            .iter()
            .any(|f| f.starts_with("keep `RequireGuardrail0`") && f.contains("guardrail")),
        "{fixes:#?}"
    );
    for f in &fixes {
        assert!(
            !f.contains("remove or narrow"),
            "proposes removing the deny: {f}"
        );
        assert!(
            !f.contains("routes to"),
            "proposes an Allow Invoke0 grants: {f}"
        );
    }
}
