//! `bedrockctl lint` on the fixture policies under `tests/fixtures/lint/`: every code
//! is flagged on its `.bad.json` at the expected line, its `.ok.json` is clean, exit
//! codes follow the severities (3 on an error, 0 otherwise, 1 on invalid input), and
//! the seed's hand-written policy passes while its account-id variant is flagged.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use bedrockctl::diag::Severity;
use bedrockctl::lint::{rule, RULES};
use std::path::{Path, PathBuf};

/// Evaluation date for lifecycle rules, fixed so results do not drift.
const TODAY: &str = "2026-09-01";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

fn lint(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(dir())
        .env("BEDROCKCTL_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .arg("lint")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap(), doc, stderr)
}

fn found(doc: &serde_json::Value) -> Vec<(String, u64)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Code → the findings its `.bad.json` must produce (code, line), exactly.
const BAD: &[(&str, &[(&str, u64)])] = &[
    ("bedrock-wildcard-action", &[("bedrock-wildcard-action", 8)]),
    (
        "invoke-resource-wildcard",
        &[("invoke-resource-wildcard", 17)],
    ),
    (
        "foundation-model-arn-with-account",
        &[("foundation-model-arn-with-account", 13)],
    ),
    (
        "profile-arn-without-account",
        &[("profile-arn-without-account", 12)],
    ),
    (
        "variable-in-arn-prefix",
        &[
            ("variable-in-arn-prefix", 8),
            ("variable-in-arn-prefix", 14),
        ],
    ),
    ("unknown-model", &[("unknown-model", 12)]),
    ("model-not-in-region", &[("model-not-in-region", 10)]),
    (
        "profile-missing-destinations",
        &[("profile-missing-destinations", 12)],
    ),
    ("streaming-missing", &[("streaming-missing", 9)]),
    ("legacy-model", &[("legacy-model", 12)]),
    ("not-action-allow", &[("not-action-allow", 7)]),
    ("not-resource-allow", &[("not-resource-allow", 8)]),
    ("passrole-wildcard", &[("passrole-wildcard", 8)]),
    (
        "unknown-action",
        &[("unknown-action", 9), ("unknown-action", 11)],
    ),
    ("unknown-condition-key", &[("unknown-condition-key", 11)]),
    ("grant-never-applies", &[("grant-never-applies", 10)]),
    ("shadowed-statement", &[("shadowed-statement", 16)]),
    ("unused-grant", &[("unused-grant", 12)]),
    (
        "resource-org-condition-on-model",
        &[("resource-org-condition-on-model", 14)],
    ),
    (
        "bedrock-trust-without-source-account",
        &[("bedrock-trust-without-source-account", 4)],
    ),
];

fn extra_args(code: &str) -> Vec<&'static str> {
    if code == "unused-grant" {
        vec!["-f", "models.yaml"]
    } else {
        Vec::new()
    }
}

/// Rules about a config's grants rather than a policy file: their fixtures are configs,
/// tested end to end elsewhere (`wildcard-provisioned-grant`: tests/engine_refs.rs,
/// `batch-output-not-writable`: tests/agent_runtime_grants.rs).
const CONFIG_ONLY: &[&str] = &["wildcard-provisioned-grant", "batch-output-not-writable"];

#[test]
fn every_code_has_a_bad_fixture_expectation() {
    let codes: Vec<&str> = RULES
        .iter()
        .map(|r| r.code)
        .filter(|c| !CONFIG_ONLY.contains(c))
        .collect();
    let covered: Vec<&str> = BAD.iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, covered);
}

#[test]
fn bad_fixtures_are_flagged_at_the_expected_line() {
    for (code, expected) in BAD {
        let file = format!("{code}.bad.json");
        let mut args = vec![file.as_str()];
        args.extend(extra_args(code));
        let (exit, doc, err) = lint(&args);
        let want: Vec<(String, u64)> = expected.iter().map(|(c, l)| (c.to_string(), *l)).collect();
        assert_eq!(found(&doc), want, "{file}: {err}");
        let is_error = rule(code).unwrap().severity == Severity::Error;
        assert_eq!(exit, if is_error { 3 } else { 0 }, "{file}: {err}");
        let f = &doc["findings"][0];
        assert_eq!(f["file"], file.as_str());
        assert!(f["fix"].as_str().is_some_and(|s| !s.is_empty()), "{file}");
        assert_eq!(f["doc"], format!("docs/lint/{code}.md"));
    }
}

#[test]
fn ok_fixtures_are_clean() {
    for (code, _) in BAD {
        let file = format!("{code}.ok.json");
        let mut args = vec![file.as_str()];
        args.extend(extra_args(code));
        let (exit, doc, err) = lint(&args);
        assert_eq!(found(&doc), Vec::<(String, u64)>::new(), "{file}: {err}");
        assert_eq!(exit, 0, "{file}: {err}");
    }
}

#[test]
fn text_format_starts_with_file_line_col() {
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(dir())
        .env("BEDROCKCTL_TODAY", TODAY)
        .args(["lint", "passrole-wildcard.bad.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("passrole-wildcard.bad.json:8:19: error[passrole-wildcard]: "),
        "{text}"
    );
    assert!(text.contains("= hint: fix: name the role ARN"), "{text}");
    assert!(
        text.contains("= hint: see `docs/lint/passrole-wildcard.md`"),
        "{text}"
    );
}

#[test]
fn seed_policy_passes_and_its_account_variant_is_flagged() {
    // The seed's policy lists Claude 3 Sonnet, which the catalog marks legacy (end of
    // life 2026-07-30 in us-east-1): a warning, never an error, so exit 0.
    let (exit, doc, err) = lint(&["seed.json"]);
    assert_eq!(exit, 0, "{err}");
    assert_eq!(found(&doc), [("legacy-model".to_string(), 11)]);
    assert_eq!(doc["errors"], 0);
    let (exit, doc, err) = lint(&["seed-with-account.json"]);
    assert_eq!(exit, 3, "{err}");
    assert_eq!(
        found(&doc),
        [
            ("legacy-model".to_string(), 11),
            ("foundation-model-arn-with-account".to_string(), 12)
        ]
    );
    // Before the model went legacy-and-end-of-life there is still the legacy flag only.
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(dir())
        .env("BEDROCKCTL_TODAY", "2025-01-01")
        .args(["lint", "seed.json", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn several_files_in_one_run() {
    let (exit, doc, _) = lint(&[
        "seed.json",
        "passrole-wildcard.ok.json",
        "not-action-allow.bad.json",
    ]);
    assert_eq!(exit, 3);
    let files: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["seed.json", "not-action-allow.bad.json"]);
}

#[test]
fn invalid_policy_exits_1_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("broken.json");
    std::fs::write(&p, "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Alow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]\n}").unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(tmp.path())
        .args(["lint", "broken.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("broken.json:3:"), "{err}");
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(tmp.path())
        .args(["lint", "missing.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// Issue 22: a profile granted with a wildcard id next to foundation-model ARNs in too
/// few regions is flagged like a concrete profile id, naming the profiles the wildcard
/// includes and the exact missing regions.
#[test]
fn a_wildcard_profile_needs_the_model_in_every_destination_region() {
    let (exit, doc, err) = lint(&["wildcard-profile.bad.json"]);
    assert_eq!(exit, 3, "{err}");
    assert_eq!(
        found(&doc),
        vec![("profile-missing-destinations".to_string(), 9)],
        "{doc:#}"
    );
    let message = doc["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("which includes `us.anthropic.claude-haiku-4-5-20251001-v1:0`")
            && message.contains("`us-east-2`, `us-west-2`"),
        "{message}"
    );
    let (exit, doc, err) = lint(&["wildcard-profile.ok.json"]);
    assert_eq!(found(&doc), Vec::<(String, u64)>::new(), "{err}");
    assert_eq!(exit, 0);
}

/// Issue 22: `lint --as KIND` (or `--as KIND=FILE`) says what a file is. An allow-list
/// SCP only limits what identity policies grant, so the rules about granting too much do
/// not apply to it; linted as an identity policy it gets them.
#[test]
fn an_scp_linted_as_an_scp_gets_no_grant_findings() {
    let file = "as-scp-allowlist.json";
    let (exit, doc, err) = lint(&[file]);
    assert_eq!(exit, 3, "as identity: {err}");
    assert!(!found(&doc).is_empty());
    for args in [
        vec!["--as", "scp", file],
        vec!["--as", "scp=as-scp-allowlist.json", file],
    ] {
        let (exit, doc, err) = lint(&args);
        assert_eq!(found(&doc), Vec::<(String, u64)>::new(), "{args:?}: {err}");
        assert_eq!(exit, 0, "{args:?}: {err}");
    }
    let (exit, _, err) = lint(&["--as", "spc", file]);
    assert_eq!(exit, 1);
    assert!(err.contains("unknown policy kind `spc`"), "{err}");
}

/// Issue 22: an id far from every catalog id is not called a typo of another model; a
/// few characters off still gets its "did you mean".
#[test]
fn a_retired_id_is_not_taken_for_a_typo() {
    let (_, doc, err) = lint(&["unknown-model-retired.json"]);
    let message = doc["findings"][0]["message"].as_str().unwrap_or_default();
    assert_eq!(doc["findings"][0]["code"], "unknown-model", "{err}");
    assert!(!message.contains("did you mean"), "{message}");
    assert!(message.contains("may be retired"), "{message}");
    let (_, doc, err) = lint(&["unknown-model-typo.json"]);
    let message = doc["findings"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("did you mean `amazon.nova-lite-v1:0`"),
        "{message} {err}"
    );
}

/// Issue 22: actions that do not exist get what AWS checks instead (Converse is
/// authorized by `bedrock:InvokeModel`), a typo gets a "did you mean", and a wildcard
/// that matches no action is flagged; the message says where the list comes from.
#[test]
fn unknown_actions_say_what_aws_checks_instead() {
    let (_, doc, err) = lint(&["unknown-action.bad.json"]);
    let messages: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].contains("`bedrock:Converse` is not an IAM action")
            && messages[0].contains("authorized by `bedrock:InvokeModel`")
            && messages[0].contains(
                "built 2026-12-05 from https://docs.aws.amazon.com/service-authorization/"
            ),
        "{messages:?} {err}"
    );
    assert!(
        messages[1].contains("matches no Bedrock action"),
        "{messages:?}"
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("typo.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModle","Resource":"*"}]}"#,
    )
    .unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(tmp.path())
        .args(["lint", "typo.json", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let typo = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "unknown-action")
        .unwrap();
    assert!(
        typo["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `bedrock:InvokeModel`"),
        "{typo}"
    );
}

/// Issue 22 (wild policy 19): an Allow conditioned on a key no request carries never
/// applies; lint says so and does not also claim it "allows invoking every model".
#[test]
fn an_unknown_condition_key_makes_the_allow_dead_not_wide() {
    let (_, doc, err) = lint(&["unknown-condition-key.bad.json"]);
    assert_eq!(
        found(&doc),
        [("unknown-condition-key".to_string(), 11)],
        "{err}"
    );
    let message = doc["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("this Allow never applies"), "{message}");
    assert!(
        message.contains("name their foundation-model ARNs in `Resource`"),
        "{message}"
    );
    // The same statement without the condition is the wide grant it looks like.
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(dir().join("unknown-condition-key.bad.json"))
        .unwrap()
        .replace("bedrock:modelId", "aws:RequestedRegion")
        .replace("amazon.nova-lite-v1:0", "us-east-1");
    std::fs::write(tmp.path().join("known.json"), text).unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(tmp.path())
        .args(["lint", "known.json", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found(&doc), [("invoke-resource-wildcard".to_string(), 8)]);
}

/// Issue 22 (wild policies 03, 20, 31, 34): List* actions without a resource type and
/// `bedrock:CallWithBearerToken` never match an ARN; `bedrock:Retrieve` is a
/// knowledge-base action and never matches a foundation-model ARN.
#[test]
fn grants_on_resources_the_action_never_uses_are_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("kb.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Kb","Effect":"Allow","Action":["bedrock:Retrieve","bedrock:CallWithBearerToken"],"Resource":"arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}]}"#,
    )
    .unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(tmp.path())
        .args(["lint", "kb.json", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "grant-never-applies")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{doc:#}");
    assert!(messages[0].contains("`bedrock:Retrieve` is authorized on `knowledge-base` ARNs"));
    assert!(messages[1].contains("`bedrock:CallWithBearerToken` has no resource type"));
}

/// Global keys are checked too: `aws:RequestRegion` (for `aws:RequestedRegion`) is in no
/// request, so a Deny on it with `StringNotEquals` limits nothing — and says so.
#[test]
fn a_misspelled_global_key_is_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("scp.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"bedrock:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestRegion":["us-east-1"]},"StringEquals":{"aws:ResourceTag/Team":"ml"}}}]}"#,
    )
    .unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(tmp.path())
        .args(["lint", "--as", "scp", "scp.json", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fs = doc["findings"].as_array().unwrap();
    assert_eq!(fs.len(), 1, "{doc:#}");
    let m = fs[0]["message"].as_str().unwrap();
    assert!(
        m.contains("`aws:RequestRegion` is not a global condition key"),
        "{m}"
    );
    assert!(m.contains("limits nothing"), "{m}");
    assert!(m.contains("did you mean `aws:RequestedRegion`"), "{m}");
}
