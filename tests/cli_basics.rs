//! End-to-end behaviour of the account-free commands: validate on every example,
//! init, schema, models, completions, and argument errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn bin() -> Command {
    Command::cargo_bin("bedrockctl").unwrap()
}

#[test]
fn every_example_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut n = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let cfg = entry.unwrap().path().join("bedrock.yaml");
        if cfg.exists() {
            n += 1;
            bin().args(["validate", "-f"]).arg(&cfg).assert().success();
        }
    }
    assert!(
        n >= 4,
        "expected the quickstart and three more examples, found {n}"
    );
}

#[test]
fn init_writes_a_config_that_validates_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    bin().current_dir(dir.path()).arg("init").assert().success();
    bin()
        .current_dir(dir.path())
        .arg("validate")
        .assert()
        .success();
    bin()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("already exists").and(predicate::str::contains("--force")),
        );
    bin()
        .current_dir(dir.path())
        .args(["init", "--force"])
        .assert()
        .success();
}

#[test]
fn schema_is_json_with_the_top_level_keys() {
    let out = bin().arg("schema").output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let props = v["properties"].as_object().unwrap();
    for key in [
        "version",
        "stack",
        "account",
        "models",
        "guardrails",
        "iam",
        "access_checks",
    ] {
        assert!(props.contains_key(key), "{key}");
    }
    assert_eq!(v["additionalProperties"], serde_json::json!(false));
}

#[test]
fn models_lists_the_catalog_filtered_by_region_and_provider() {
    let out = bin()
        .args([
            "models",
            "--region",
            "us-east-1",
            "--provider",
            "anthropic",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["provider"] == "Anthropic"));
    let haiku = rows
        .iter()
        .find(|r| r["model_id"] == "anthropic.claude-haiku-4-5-20251001-v1:0")
        .unwrap();
    assert_eq!(
        haiku["inference_profile"],
        "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    );
    bin()
        .args(["models", "--region", "us-east-9"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown region"));
    bin()
        .arg("models")
        .assert()
        .success()
        .stdout(predicate::str::contains("MODEL ID"));
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        bin()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("bedrockctl"));
    }
}

#[test]
fn argument_errors_exit_1_and_help_exits_0() {
    bin().arg("no-such-command").assert().code(1);
    bin().args(["plan", "--format", "xml"]).assert().code(1);
    bin().arg("--help").assert().success();
    bin().arg("--version").assert().success();
}

#[test]
fn validate_reports_a_missing_file() {
    bin()
        .args(["validate", "-f", "does-not-exist.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot read `does-not-exist.yaml`",
        ));
}

#[test]
fn validate_github_and_json_formats_point_at_the_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let out = bin()
        .current_dir(&dir)
        .args([
            "validate",
            "-f",
            "alarm-period-90.yaml",
            "--format",
            "github",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("::error file=alarm-period-90.yaml,line=10,col=13,"),
        "{stdout}"
    );
    let out = bin()
        .current_dir(&dir)
        .args(["validate", "-f", "alarm-period-90.yaml", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["diagnostics"][0]["line"], 10);
    assert_eq!(v["diagnostics"][0]["severity"], "error");
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart/bedrock.yaml");
    let out = bin()
        .args(["validate", "--format", "json", "-f"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
}

#[test]
fn manpage_is_roff_naming_the_subcommands() {
    let out = bin().arg("manpage").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(".ie") || text.contains(".TH bedrockctl"),
        "{}",
        &text[..text.len().min(200)]
    );
    for sub in ["plan", "apply", "explain", "check"] {
        assert!(text.contains(sub), "{sub}");
    }
}

#[test]
fn models_with_an_account_show_its_readiness() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("seed.json"),
        r#"{"models":[{"region":"us-east-1","model_id":"amazon.nova-lite-v1:0","authorization":"NOT_AUTHORIZED"}]}"#,
    )
    .unwrap();
    let out = bin()
        .arg("--sandbox")
        .arg(dir.path())
        .args([
            "models",
            "--region",
            "us-east-1",
            "--provider",
            "amazon",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let lite = rows
        .iter()
        .find(|r| r["model_id"] == "amazon.nova-lite-v1:0")
        .unwrap();
    assert_eq!(lite["live"]["ready"], false);
    assert_eq!(lite["live"]["authorization"], "NOT_AUTHORIZED");
    let pro = rows
        .iter()
        .find(|r| r["model_id"] == "amazon.nova-pro-v1:0")
        .unwrap();
    assert_eq!(pro["live"]["ready"], true);
}

/// design.md names `--debug` beside `-v` (Secrets): it is a global flag, accepted before
/// or after the subcommand.
#[test]
fn debug_is_a_global_flag() {
    bin().args(["--debug", "schema"]).assert().success();
    bin()
        .args(["completions", "bash", "--debug", "-v"])
        .assert()
        .success();
}

/// `account` is optional (design.md marks only its `id` as the apply pin): without it
/// the regions are the ones the config uses, validate and plan work, and an error
/// elsewhere is the first thing reported.
#[test]
fn a_config_without_account_validates_and_plans() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bedrock.yaml"),
        "version: 1\nstack: t\nmodels:\n  - id: amazon.nova-lite-v1:0\n    regions: [us-east-1, us-west-2]\n    via: on_demand\n",
    )
    .unwrap();
    bin()
        .current_dir(dir.path())
        .arg("validate")
        .assert()
        .success();
    let out = bin()
        .current_dir(dir.path())
        .args(["plan", "--sandbox", "sb", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format_version"], "1");
    assert_eq!(v["account_id"], "111122223333");
    // A region that is not a region is still an error, at its own line.
    std::fs::write(
        dir.path().join("bedrock.yaml"),
        "version: 1\nstack: t\nmodels:\n  - id: amazon.nova-lite-v1:0\n    regions: [us-east-9]\n",
    )
    .unwrap();
    bin()
        .current_dir(dir.path())
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "bedrock.yaml:5:15: error: unknown region",
        ));
}
