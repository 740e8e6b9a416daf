//! `bedrockctl lint` on the files people have policies in (issue 22): AWS CLI outputs,
//! CloudFormation templates in JSON and YAML (short-form tags) and `terraform show
//! -json` output, under `tests/fixtures/lint/inputs/`. Each finding is checked for its
//! code, its line in the file and the address of the document it is in.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/inputs")
}

/// (exit code, [(code, line, message)]).
fn lint(args: &[&str]) -> (i32, Vec<(String, u64, String)>, String) {
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(dir())
        .env("BEDROCKCTL_TODAY", "2026-09-01")
        .env("NO_COLOR", "1")
        .arg("lint")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let found = doc["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| {
                    (
                        f["code"].as_str().unwrap().to_string(),
                        f["line"].as_u64().unwrap(),
                        f["message"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (out.status.code().unwrap(), found, stderr)
}

/// Each finding: (code, line, the start of its message: the document's address).
fn check(file: &str, exit: i32, want: &[(&str, u64, &str)]) {
    let (code, found, err) = lint(&[file]);
    let got: Vec<(&str, u64)> = found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
    let expected: Vec<(&str, u64)> = want.iter().map(|(c, l, _)| (*c, *l)).collect();
    assert_eq!(got, expected, "{file}: {found:#?} {err}");
    for ((_, _, message), (_, _, prefix)) in found.iter().zip(want) {
        assert!(message.starts_with(prefix), "{file}: {message}");
    }
    assert_eq!(code, exit, "{file}: {err}");
}

#[test]
fn get_policy_version_output() {
    check(
        "get-policy-version.json",
        3,
        &[
            (
                "unknown-action",
                11,
                "policy version `v2`: `bedrock:Converse`",
            ),
            (
                "invoke-resource-wildcard",
                13,
                "policy version `v2`: statement `Chat`",
            ),
        ],
    );
}

#[test]
fn get_role_policy_output() {
    check(
        "get-role-policy.json",
        3,
        &[
            (
                "grant-never-applies",
                9,
                "role `chat-app` policy `bedrock-invoke`: ",
            ),
            (
                "streaming-missing",
                10,
                "role `chat-app` policy `bedrock-invoke`: ",
            ),
        ],
    );
}

/// Inline policies by principal, and managed policies at their default version only
/// (v1 grants `bedrock:Converse` and is not in force). `BedrockCeiling` is the role's
/// permissions boundary and attached to no one: linted as a boundary, so its
/// `bedrock:*` on `*` is not a finding, its unknown action still is.
#[test]
fn get_account_authorization_details_output() {
    check(
        "get-account-authorization-details.json",
        3,
        &[
            (
                "unknown-action",
                22,
                "role `chat-app` inline policy `bedrock-invoke`: ",
            ),
            (
                "bedrock-wildcard-action",
                40,
                "managed policy `BedrockAll`: ",
            ),
            (
                "invoke-resource-wildcard",
                40,
                "managed policy `BedrockAll`: ",
            ),
            (
                "unknown-action",
                66,
                "managed policy `BedrockCeiling` (permissions boundary): ",
            ),
        ],
    );
}

/// Parameters' defaults fill `Fn::Sub`/`Ref`; the SCP in `AWS::Organizations::Policy`
/// is linted as an SCP (no grant findings on its allow-list).
#[test]
fn cloudformation_json_template() {
    check(
        "cfn-template.json",
        3,
        &[
            (
                "unknown-action",
                15,
                "AWS::IAM::ManagedPolicy `ChatPolicy`: ",
            ),
            (
                "streaming-missing",
                16,
                "AWS::IAM::ManagedPolicy `ChatPolicy`: ",
            ),
            (
                "grant-never-applies",
                34,
                "AWS::IAM::Role `ChatRole` policy `kb`: ",
            ),
        ],
    );
}

/// `!Sub`, `!Ref` and `!GetAtt` parse; findings are at the template's own lines. The
/// managed policy `Ceiling` is the role's `PermissionsBoundary` (`!Ref`) and attached
/// to nothing: linted as a boundary (its `bedrock:*` on `*` is no finding).
#[test]
fn cloudformation_yaml_template() {
    check(
        "cfn-template.yaml",
        3,
        &[
            ("unknown-action", 18, "AWS::IAM::Policy `ChatPolicy`: "),
            ("streaming-missing", 19, "AWS::IAM::Policy `ChatPolicy`: "),
            (
                "grant-never-applies",
                33,
                "AWS::IAM::Role `ChatRole` policy `{AWS::StackName}-list`: ",
            ),
            (
                "unknown-action",
                53,
                "AWS::IAM::ManagedPolicy `Ceiling` (permissions boundary): ",
            ),
        ],
    );
}

/// Policies are JSON strings in a plan: findings point at the resource's address line.
/// Child modules are read; a policy unknown until apply (null) is skipped; the
/// organizations policy is an SCP.
#[test]
fn terraform_show_json_plan() {
    check(
        "terraform-plan.json",
        3,
        &[
            ("unknown-action", 8, "`aws_iam_policy.chat`: "),
            ("streaming-missing", 8, "`aws_iam_policy.chat`: "),
            (
                "grant-never-applies",
                18,
                "`aws_iam_role.app` inline policy `list`: ",
            ),
            (
                "bedrock-wildcard-action",
                58,
                "`module.kb.aws_iam_role_policy.kb`: ",
            ),
            (
                "invoke-resource-wildcard",
                58,
                "`module.kb.aws_iam_role_policy.kb`: ",
            ),
        ],
    );
}

/// `--as` for the file wins over the kind the format states: the template's SCP linted
/// as an identity policy gets the grant findings.
#[test]
fn as_overrides_the_stated_kind() {
    let (_, found, err) = lint(&["--as", "identity", "cfn-template.json"]);
    assert!(
        found.iter().any(|(c, _, m)| c == "bedrock-wildcard-action"
            && m.starts_with("AWS::Organizations::Policy `AllowList`")),
        "{found:#?} {err}"
    );
}

#[test]
fn a_broken_template_is_invalid_input_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("t.yaml"),
        "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties: [\n",
    )
    .unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(tmp.path())
        .args(["lint", "t.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("t.yaml:"), "{err}");
    assert!(err.contains("invalid YAML"), "{err}");
}

/// A template without policies says so (a note, exit 0) instead of a silent pass.
#[test]
fn a_template_without_policies_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bucket.yaml"),
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
    )
    .unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(tmp.path())
        .args(["lint", "bucket.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("bucket.yaml:1:1: note: no IAM policy found in this CloudFormation template"),
        "{text}"
    );
}
