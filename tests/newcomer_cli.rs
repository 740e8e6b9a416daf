//! End-to-end newcomer paths of issue 24 that need no account: running without any AWS
//! credentials, and `--version`. The environment is emptied (no config files, no IMDS)
//! and BEDROCKCTL_LOOPBACK_ONLY is set, so nothing can leave the machine.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use std::path::Path;

fn quickstart() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart/bedrock.yaml")
}

/// bedrockctl in an environment with no credentials anywhere.
fn bin_without_credentials(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("bedrockctl").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", "us-east-1")
        .env("BEDROCKCTL_LOOPBACK_ONLY", "1");
    cmd
}

#[test]
fn plan_without_credentials_says_so_in_one_line_with_the_hint() {
    let home = tempfile::tempdir().unwrap();
    let out = bin_without_credentials(home.path())
        .args(["plan", "-f"])
        .arg(quickstart())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: no AWS credentials found"),
        "{stderr}"
    );
    for hint in ["--sandbox", "AWS_PROFILE", "--profile", "aws sso login"] {
        assert!(stderr.contains(hint), "missing {hint}: {stderr}");
    }
    // SDK internals are for -v only.
    for internal in [
        "DispatchFailure",
        "ConnectorError",
        "provider was not enabled",
    ] {
        assert!(!stderr.contains(internal), "{internal} leaked: {stderr}");
    }
}

#[test]
fn verbose_shows_the_sdk_chain_once() {
    let home = tempfile::tempdir().unwrap();
    let out = bin_without_credentials(home.path())
        .args(["-v", "plan", "-f"])
        .arg(quickstart())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let logged = stderr.matches("credential resolution failed").count();
    assert_eq!(logged, 1, "{stderr}");
    assert!(stderr.contains("no credentials found in chain"), "{stderr}");
}

#[test]
fn version_names_the_package_version() {
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!("bedrockctl {}", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
}

#[test]
fn models_in_a_region_without_credentials_names_the_catalog_and_the_legend() {
    let home = tempfile::tempdir().unwrap();
    let out = bin_without_credentials(home.path())
        .args(["--region", "us-east-1", "models"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("offline catalog only"), "{stderr}");
    assert!(stderr.contains("? = the catalog does not know"), "{stderr}");
    // stdout stays the table alone.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("MODEL ID"), "{stdout}");
    assert!(!stdout.contains("source:"), "{stdout}");
}

#[test]
fn models_on_the_sandbox_names_the_account_as_a_source() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = home.path().join("sandbox");
    let out = bin_without_credentials(home.path())
        .arg("--sandbox")
        .arg(&sandbox)
        .args(["--region", "us-east-1", "models"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("source: the account"), "{stderr}");
}

#[test]
fn probe_without_credentials_is_one_line_not_a_diagnosis() {
    let home = tempfile::tempdir().unwrap();
    let out = bin_without_credentials(home.path())
        .args([
            "probe",
            "--region",
            "us-east-1",
            "--model",
            "anthropic.claude-3-haiku-20240307-v1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: no AWS credentials found"),
        "{stderr}"
    );
    assert!(stderr.contains("--sandbox"), "{stderr}");
    // Not labelled as a Bedrock error category of any kind.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.is_empty(), "{stdout}");
}

/// `plan` on the sandbox in `dir`, with `args`.
fn plan_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = bin_without_credentials(home.path())
        .current_dir(dir)
        .args(["--sandbox", "sb", "plan"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn plan_of_the_examples_directory_plans_the_configs_and_skips_ci_files() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = plan_in(dir.path(), &["-f", examples.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
    for stack in [
        "chat-platform",
        "rag-support",
        "prod-inference",
        "chat-multi-region",
    ] {
        assert!(out.contains(&format!("stack `{stack}`")), "{stack}: {out}");
    }
    assert!(
        !out.contains("github-actions") && !out.contains("gitlab-ci"),
        "{out}"
    );
    // With -v the skipped files are named.
    let home = tempfile::tempdir().unwrap();
    let verbose = bin_without_credentials(home.path())
        .current_dir(dir.path())
        .args(["-v", "--sandbox", "sb", "plan", "-f"])
        .arg(&examples)
        .output()
        .unwrap();
    let stderr = String::from_utf8(verbose.stderr).unwrap();
    assert!(stderr.contains("github-actions.yml"), "{stderr}");
}

#[test]
fn a_directory_without_configs_says_how_they_are_recognised() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    std::fs::write(dir.path().join("ci/workflow.yml"), "on: push\njobs: {}\n").unwrap();
    let (code, _, err) = plan_in(dir.path(), &["-f", "ci"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("holds no bedrock config"), "{err}");
    assert!(err.contains("`version:` and `stack:`"), "{err}");
}

#[test]
fn configs_of_one_stack_in_a_directory_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    for (f, threshold) in [("a.yaml", 10), ("b.yaml", 20)] {
        std::fs::write(
            dir.path().join("stacks").join(f),
            format!("version: 1\nstack: same\naccount:\n  regions: [us-east-1]\nalarms:\n  - {{ name: a-{threshold}, region: us-east-1, metric: Invocations, statistic: Sum, period: 60, threshold: {threshold}, comparison: GreaterThanThreshold }}\n"),
        )
        .unwrap();
    }
    let (_, _, err) = plan_in(dir.path(), &["-f", "stacks"]);
    let warning = err
        .lines()
        .find(|l| l.starts_with("warning:") && l.contains("stack `same`"))
        .unwrap_or_else(|| panic!("no warning: {err}"));
    assert!(
        warning.contains("a.yaml") && warning.contains("b.yaml"),
        "{warning}"
    );
    assert_eq!(err.matches("declare stack `same`").count(), 1, "{err}");
}

/// Issue 24: `init`'s starter passes its own access checks on any account, not only on
/// the sandbox's default one: its guardrail check names `guardrail/default-safety`, not
/// an ARN with an account id in it.
#[test]
fn the_init_starter_passes_its_checks_on_another_account() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        bin_without_credentials(home.path())
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["init"]).status.success());
    std::fs::create_dir(dir.path().join("sb")).unwrap();
    std::fs::write(
        dir.path().join("sb/seed.json"),
        r#"{"account_id": "444455556666"}"#,
    )
    .unwrap();
    let apply = run(&[
        "--sandbox",
        "sb",
        "apply",
        "-f",
        "bedrock.yaml",
        "--auto-approve",
    ]);
    assert!(
        apply.status.success(),
        "{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    let check = run(&["--sandbox", "sb", "check", "-f", "bedrock.yaml"]);
    let out = String::from_utf8_lossy(&check.stdout).into_owned()
        + &String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(0), "{out}");
    assert!(!out.contains("111122223333"), "{out}");
}
