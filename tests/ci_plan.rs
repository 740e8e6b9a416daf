//! CI drift detection end to end on the sandbox (issue 7): the plan JSON validates
//! against docs/plan.schema.json; snapshots of every rendering for one fixed scenario
//! with creates, updates, replaces, deletes, drift and failed access checks; exit codes
//! of `--detailed-exitcode` in every format; several configs in one run.
//!
//! The sandbox derives ids from a hash of account/serial/kind/region/name; the serial
//! order still varies between applies (even with `BEDROCKCTL_CONCURRENCY=1`), so the
//! 12-character id suffixes are filtered out of the snapshots.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use bedrockctl::account::Kind;
use engine_support::*;
use serde_json::Value;

const CHECKS: &str = r#"access_checks:
  - principal: role/app-role
    action: bedrock:InvokeModel
    model: amazon.titan-embed-text-v2:0
    region: us-east-1
    expect: allow
  - principal: role/app-logging
    action: bedrock:InvokeModel
    model: amazon.titan-embed-text-v2:0
    region: us-east-1
    expect: allow
"#;

const NEW_ALARM: &str = r#"  - name: haiku-errors
    region: us-east-1
    metric: InvocationServerErrors
    model: anthropic.claude-haiku-4-5-20251001-v1:0
    statistic: Sum
    period: 300
    threshold: 5
    comparison: GreaterThanThreshold
iam:
"#;

const PROFILES: &str = r#"inference_profiles:
  - name: app-haiku
    region: us-east-1
    copy_from: us.anthropic.claude-haiku-4-5-20251001-v1:0
    description: tracked haiku
    tags: { cost-center: "42" }
"#;

fn env() -> [(&'static str, &'static str); 2] {
    [("BEDROCKCTL_CONCURRENCY", "1"), ("GITHUB_STEP_SUMMARY", "")]
}

/// The scenario config: FULL with one more alarm (create), more model units (replace),
/// no inference profile (delete), and access checks (one fails).
fn scenario_config() -> String {
    assert!(FULL.contains(PROFILES));
    let mut c = FULL
        .replacen("model_units: 1", "model_units: 2", 1)
        .replacen(PROFILES, "inference_profiles: []\n", 1)
        .replacen("iam:\n", NEW_ALARM, 1);
    c.push_str(CHECKS);
    c
}

/// Raise the alarm threshold and edit the guardrail through the sandbox's own API.
fn drift_out_of_band(p: &Project) {
    let account = p.account();
    rt().block_on(async {
        let alarms = account.list(Kind::Alarm, "us-east-1").await.unwrap();
        let a = alarms.iter().find(|r| r.name == "haiku-throttles").unwrap();
        let mut d = a.clone();
        d.spec = d
            .spec
            .edit(|v| v["threshold"] = serde_json::json!(50.0))
            .unwrap();
        account.update(a, &d).await.unwrap();
        let gs = account.list(Kind::Guardrail, "us-east-1").await.unwrap();
        let g = gs.iter().find(|r| r.name == "safety").unwrap();
        let mut d = g.clone();
        d.spec = d
            .spec
            .edit(|v| v["blocked_output_message"] = "edited in the console".into())
            .unwrap();
        account.update(g, &d).await.unwrap();
    });
}

/// FULL applied, drifted out of band, then the scenario config written.
fn scenario() -> Project {
    let p = Project::new(FULL);
    let (code, out, err) = p.run_env(&["apply", "-f", "bedrock.yaml", "--auto-approve"], &env());
    assert_eq!(code, 0, "{out}\n{err}");
    drift_out_of_band(&p);
    p.write_config(&scenario_config());
    p
}

fn plan(p: &Project, args: &[&str]) -> (i32, String, String) {
    let mut a = vec!["plan", "-f", "bedrock.yaml"];
    a.extend_from_slice(args);
    let (code, out, err) = p.run_env(&a, &env());
    let dir = p.path().display().to_string();
    // The sandbox's ids hash the account serial at creation, which depends on the order
    // the apply's workers reached the sandbox: not stable across runs, so filtered out.
    let ids = regex::Regex::new(
        r"(provisioned-model|guardrail|application-inference-profile)/[a-z0-9]{12}",
    )
    .unwrap();
    let out = ids.replace_all(&out, "$1/[ID]").into_owned();
    (code, out.replace(&dir, "[PROJECT]"), err)
}

fn schema() -> jsonschema::Validator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/plan.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

fn assert_valid(v: &Value) {
    let errors: Vec<String> = schema()
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema errors:\n{}\n{v:#}",
        errors.join("\n")
    );
}

#[test]
fn scenario_renderings() {
    let p = scenario();
    let (code, text, err) = plan(&p, &["--detailed-exitcode"]);
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!("scenario_text", text);

    let (code, md, err) = plan(&p, &["--detailed-exitcode", "--format", "markdown"]);
    assert_eq!(code, 2, "{err}");
    // Failed access checks come first.
    let caution = md.find("access check failed").unwrap();
    assert!(caution < md.find("| action |").unwrap());
    insta::assert_snapshot!("scenario_markdown", md);

    let (code, gh, err) = plan(&p, &["--detailed-exitcode", "--format", "github"]);
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!("scenario_github", gh);

    let (code, json, err) = plan(&p, &["--detailed-exitcode", "--format", "json"]);
    assert_eq!(code, 2, "{err}");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_valid(&v);
    let actions: Vec<(String, String)> = changes(&v);
    for (addr, action) in [
        ("alarm.us-east-1.haiku-errors", "create"),
        ("alarm.us-east-1.haiku-throttles", "update"),
        ("guardrail.us-east-1.safety", "update"),
        ("provisioned_throughput.us-east-1.app-pt", "replace"),
        ("inference_profile.us-east-1.app-haiku", "delete"),
    ] {
        assert!(
            actions.contains(&(addr.to_string(), action.to_string())),
            "{addr} {action} missing from {actions:?}"
        );
    }
    assert_eq!(v["summary"]["checks_failed"], 1);
    assert_eq!(v["summary"]["checks_passed"], 1);
    insta::assert_json_snapshot!("scenario_json", v);

    let (code, text, err) = plan(&p, &["--refresh-only", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!("scenario_refresh_only_text", text);
    let (code, json, _) = plan(
        &p,
        &["--refresh-only", "--detailed-exitcode", "--format", "json"],
    );
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_valid(&v);
    let drift: Vec<&str> = v["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["address"].as_str().unwrap())
        .collect();
    // Creates and deletes are never drift; of the updates, only the out-of-band edits
    // are (apply's `bedrockctl:applied` record tells them from config edits, issue 24):
    // the provisioned throughput's new model units are the config's.
    assert!(
        !drift.contains(&"provisioned_throughput.us-east-1.app-pt"),
        "{drift:?}"
    );
    assert!(
        !drift.contains(&"alarm.us-east-1.haiku-errors"),
        "{drift:?}"
    );
    assert!(
        !drift.contains(&"inference_profile.us-east-1.app-haiku"),
        "{drift:?}"
    );
    assert!(
        drift.contains(&"alarm.us-east-1.haiku-throttles"),
        "{drift:?}"
    );
    assert!(drift.contains(&"guardrail.us-east-1.safety"), "{drift:?}");
    let alarm = v["drift"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["address"] == "alarm.us-east-1.haiku-throttles")
        .unwrap();
    assert_eq!(
        alarm["changed_attributes"][0]["path"], "threshold",
        "{alarm:#}"
    );
    assert_eq!(alarm["changed_attributes"][0]["before"], 50.0);
    assert_eq!(alarm["changed_attributes"][0]["after"], 10.0);
    let line = alarm["location"]["line"].as_u64().unwrap() as usize;
    let yaml = scenario_config();
    assert!(
        yaml.lines()
            .nth(line - 1)
            .unwrap()
            .contains("threshold: 10"),
        "line {line} is not the threshold"
    );
    let (code, gh, _) = plan(
        &p,
        &[
            "--refresh-only",
            "--detailed-exitcode",
            "--format",
            "github",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        gh.contains(&format!(
            "::error file=bedrock.yaml,line={line},title=drift%3A alarm.us-east-1.haiku-throttles::"
        )),
        "{gh}"
    );
    insta::assert_snapshot!("scenario_refresh_only_github", gh);
}

#[test]
fn github_step_summary_gets_the_markdown() {
    let p = scenario();
    let summary = p.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let (code, out, err) = p.run_env(
        &["plan", "-f", "bedrock.yaml", "--format", "github"],
        &[
            ("BEDROCKCTL_CONCURRENCY", "1"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("::error file=bedrock.yaml,line="), "{out}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("earlier step\n### bedrockctl plan: `app`"),
        "{md}"
    );
    assert!(md.contains("**1 access check failed**"), "{md}");
}

#[test]
fn exit_codes_in_every_format() {
    let p = Project::new(FULL);
    for format in ["text", "json", "markdown", "github"] {
        // Nothing applied yet: changes → 2 with --detailed-exitcode, 0 without.
        let (code, _, err) = plan(&p, &["--format", format, "--detailed-exitcode"]);
        assert_eq!(code, 2, "{format}: {err}");
        let (code, _, err) = plan(&p, &["--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        // Refresh-only on an empty account: nothing managed, no drift.
        let (code, _, err) = plan(
            &p,
            &["--format", format, "--refresh-only", "--detailed-exitcode"],
        );
        assert_eq!(code, 0, "{format}: {err}");
    }
    p.apply_ok();
    for format in ["text", "json", "markdown", "github"] {
        let (code, _, err) = plan(&p, &["--format", format, "--detailed-exitcode"]);
        assert_eq!(code, 0, "{format}: {err}");
    }
    drift_out_of_band(&p);
    for format in ["text", "json", "markdown", "github"] {
        let (code, out, err) = plan(
            &p,
            &["--format", format, "--refresh-only", "--detailed-exitcode"],
        );
        assert_eq!(code, 2, "{format}: {err}");
        assert!(out.contains("haiku-throttles"), "{format}: {out}");
    }
    // An invalid config is 1 in every format, with nothing on stdout.
    p.write_config(&full_with("threshold: 10", "threshold: ten"));
    for format in ["text", "json", "markdown", "github"] {
        let (code, out, err) = plan(&p, &["--format", format, "--detailed-exitcode"]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(out.is_empty(), "{format}: {out}");
        assert!(err.contains("bedrock.yaml:"), "{format}: {err}");
    }
}

/// A second stack in `stacks/`, writing only alarms.
fn alarm_stack(name: &str, threshold: u32) -> String {
    format!(
        r#"version: 1
stack: {name}
account:
  id: "111122223333"
  regions: [us-west-2]
alarms:
  - name: {name}-throttles
    region: us-west-2
    metric: InvocationThrottles
    statistic: Sum
    period: 300
    threshold: {threshold}
    comparison: GreaterThanThreshold
"#
    )
}

#[test]
fn several_configs_make_one_report() {
    let p = Project::new(FULL);
    std::fs::create_dir_all(p.path().join("stacks/b")).unwrap();
    p.write_file("stacks/a.yaml", &alarm_stack("alpha", 5));
    p.write_file("stacks/b/bedrock.yaml", &alarm_stack("beta", 7));
    // Apply alpha only: beta still has a change.
    let (code, _, err) = p.run(&["apply", "-f", "stacks/a.yaml", "--auto-approve"]);
    assert_eq!(code, 0, "{err}");

    let (code, out, err) = p.run(&[
        "plan",
        "-f",
        "stacks",
        "--format",
        "json",
        "--detailed-exitcode",
    ]);
    assert_eq!(code, 2, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_valid(&v);
    assert_eq!(v["format_version"], "1");
    let stacks = v["stacks"].as_array().unwrap();
    let configs: Vec<&str> = stacks
        .iter()
        .map(|s| s["config"].as_str().unwrap())
        .collect();
    assert_eq!(configs, ["stacks/a.yaml", "stacks/b/bedrock.yaml"]);
    assert_eq!(stacks[0]["has_changes"], false);
    assert_eq!(stacks[1]["has_changes"], true);
    assert_eq!(stacks[1]["stack"], "beta");

    // Without changes anywhere → 0.
    let (code, _, err) = p.run(&[
        "plan",
        "-f",
        "stacks/a.yaml",
        "-f",
        "stacks/a.yaml",
        "--detailed-exitcode",
    ]);
    assert_eq!(code, 0, "{err}");

    // Text: one section per stack, both files named.
    let (code, text, _) = p.run(&["plan", "-f", "stacks/a.yaml", "-f", "bedrock.yaml"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("=== stack `alpha` (stacks/a.yaml) ==="),
        "{text}"
    );
    assert!(
        text.contains("=== stack `app` (bedrock.yaml) ==="),
        "{text}"
    );

    // One broken config: exit 1 (outranks 2), the others are still reported.
    p.write_file("stacks/c.yaml", "version: 1\nstack: [oops\n");
    for format in ["text", "json", "markdown", "github"] {
        let (code, out, err) = p.run(&[
            "plan",
            "-f",
            "stacks",
            "--format",
            format,
            "--detailed-exitcode",
        ]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(err.contains("stacks/c.yaml"), "{format}: {err}");
        assert!(out.contains("beta"), "{format}: {out}");
        if format == "json" {
            let v: Value = serde_json::from_str(&out).unwrap();
            assert_valid(&v);
            assert_eq!(v["stacks"][2]["config"], "stacks/c.yaml");
            assert!(v["stacks"][2]["error"]
                .as_str()
                .unwrap()
                .contains("c.yaml:"));
        }
    }
    // --out saves one plan only.
    let (code, _, err) = p.run(&["plan", "-f", "stacks", "--out", "p.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("--out"), "{err}");
}

#[test]
fn single_config_json_is_a_plan_not_a_list() {
    let p = Project::new(FULL);
    let v = p.plan_json(&[], 0);
    assert_valid(&v);
    assert!(v.get("stacks").is_none());
    assert_eq!(v["config"], "bedrock.yaml");
    assert_eq!(v["access_checks"], serde_json::json!([]));
    // Every resource points at its config line.
    let yaml = FULL;
    for c in v["resource_changes"].as_array().unwrap() {
        let line = c["location"]["line"].as_u64().unwrap() as usize;
        let text = yaml.lines().nth(line - 1).unwrap();
        let name = c["name"].as_str().unwrap();
        let kind = c["kind"].as_str().unwrap();
        if kind != "invocation_logging" {
            assert!(text.contains(name), "{kind} {name} at line {line}: {text}");
        }
    }
}

#[test]
fn sensitive_tag_values_are_redacted_everywhere() {
    let cfg = FULL.replacen(
        r#"tags: { cost-center: "42" }"#,
        r#"tags: { cost-center: "42", api-token: "tok-123456" }"#,
        1,
    );
    let p = Project::new(&cfg);
    for format in ["text", "json", "markdown", "github"] {
        let (code, out, err) = plan(&p, &["--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains("tok-123456"), "{format}: {out}");
    }
    let v = p.plan_json(&[], 0);
    let profile = v["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "inference_profile")
        .unwrap();
    assert_eq!(profile["after"]["tags"]["api-token"], "(sensitive)");
    assert_eq!(profile["after"]["tags"]["cost-center"], "42");
}
