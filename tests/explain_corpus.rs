#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The `explain` corpus: every message format of `shared/reference/errors.md`, wrapped
//! the ways users paste it, run through the binary.
//!
//! `tests/fixtures/explain/<case>.txt` is the pasted text; `<case>.json` the expectation;
//! `<case>.args` (optional) extra arguments, one per line. How the text reaches the
//! binary depends on the name: `stdin-*` is piped with no argument, `dash-*` is piped
//! with `-`, anything else is passed as the MESSAGE argument.
//!
//! Expectations: scalar keys must equal the output exactly (`null` included); for
//! `causes`, `fixes` and `commands`, each expected string must occur inside one of the
//! output's entries, so the prose can improve without rewriting the corpus.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const KEYS: [&str; 11] = [
    "category",
    "principal",
    "action",
    "resource",
    "region",
    "model_id",
    "policy_type",
    "explicit_deny",
    "causes",
    "fixes",
    "commands",
];

const CATEGORIES: [&str; 12] = [
    "access_denied",
    "model_access",
    "on_demand_not_supported",
    "invalid_model_id",
    "legacy_model",
    "marketplace_subscription",
    "use_case_form",
    "model_not_ready",
    "throttling",
    "quota_exceeded",
    "validation",
    "unknown",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/explain")
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("bedrockctl").unwrap();
    // Deep mode turns on with a profile; the corpus is about the offline diagnosis.
    c.env_remove("AWS_PROFILE").env("NO_COLOR", "1");
    c
}

fn run_case(name: &str) -> Result<(), String> {
    let dir = fixtures();
    let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap())
            .unwrap();
    let mut cmd = bin();
    cmd.args(["explain", "--format", "json"]);
    if let Ok(extra) = std::fs::read_to_string(dir.join(format!("{name}.args"))) {
        cmd.args(extra.lines().filter(|l| !l.is_empty()));
    }
    if name.starts_with("stdin-") {
        cmd.write_stdin(text);
    } else if name.starts_with("dash-") {
        cmd.arg("-").write_stdin(text);
    } else {
        cmd.arg(text);
    }
    let out = cmd.output().unwrap();
    if out.status.code() != Some(0) {
        return Err(format!(
            "exit {:?}; stderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let actual: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })?;
    check_shape(&actual)?;
    let mut problems = Vec::new();
    for (key, want) in expected.as_object().unwrap() {
        let got = &actual[key];
        match key.as_str() {
            "causes" | "fixes" | "commands" => {
                let entries: Vec<&str> = got
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                for w in want.as_array().unwrap() {
                    let w = w.as_str().unwrap();
                    if !entries.iter().any(|e| e.contains(w)) {
                        problems.push(format!("{key}: no entry contains {w:?}; got {entries:#?}"));
                    }
                }
            }
            _ => {
                if got != want {
                    problems.push(format!("{key}: expected {want}, got {got}"));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Every key present; arrays of strings; a known category; at least one cause and fix.
fn check_shape(v: &Value) -> Result<(), String> {
    let obj = v.as_object().ok_or("not an object")?;
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    if keys != KEYS {
        return Err(format!("keys {keys:?}, expected {KEYS:?}"));
    }
    let cat = v["category"].as_str().ok_or("category is not a string")?;
    if !CATEGORIES.contains(&cat) {
        return Err(format!("unknown category {cat}"));
    }
    for k in ["causes", "fixes", "commands"] {
        let arr = v[k].as_array().ok_or(format!("{k} is not an array"))?;
        if arr.iter().any(|e| !e.is_string()) {
            return Err(format!("{k} holds a non-string"));
        }
    }
    for k in ["causes", "fixes"] {
        if v[k].as_array().is_some_and(|a| a.is_empty()) {
            return Err(format!("{k} is empty"));
        }
    }
    for k in [
        "principal",
        "action",
        "resource",
        "region",
        "model_id",
        "policy_type",
    ] {
        if !(v[k].is_null() || v[k].is_string()) {
            return Err(format!("{k} is neither null nor a string"));
        }
    }
    if !(v["explicit_deny"].is_null() || v["explicit_deny"].is_boolean()) {
        return Err("explicit_deny is neither null nor a bool".to_string());
    }
    Ok(())
}

fn case_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "txt").then(|| p.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    names.sort();
    names
}

#[test]
fn corpus() {
    let names = case_names();
    assert!(names.len() >= 40, "corpus has only {} cases", names.len());
    let failures: Vec<String> = names
        .iter()
        .filter_map(|n| run_case(n).err().map(|e| format!("--- {n}\n{e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

#[test]
fn every_category_is_covered() {
    let mut seen = std::collections::BTreeSet::new();
    for n in case_names() {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(fixtures().join(format!("{n}.json"))).unwrap(),
        )
        .unwrap();
        seen.insert(v["category"].as_str().unwrap().to_string());
    }
    let missing: Vec<&str> = CATEGORIES
        .iter()
        .filter(|c| !seen.contains(**c))
        .copied()
        .collect();
    assert!(missing.is_empty(), "no corpus case for {missing:?}");
}

#[test]
fn empty_input_is_an_error() {
    bin()
        .args(["explain", "-"])
        .write_stdin("   \n")
        .assert()
        .code(1)
        .stderr(predicates::str::contains("no message"));
    bin().args(["explain"]).write_stdin("").assert().code(1);
}

#[test]
fn unknown_text_still_exits_zero() {
    bin()
        .args(["explain", "nothing to see here"])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with("unknown: "));
}

#[test]
fn text_output_renders_values_in_backticks() {
    let text = std::fs::read_to_string(fixtures().join("a1-identity-bare.txt")).unwrap();
    let out = bin().args(["explain", text.trim()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    insta::with_settings!({snapshot_path => "fixtures/explain/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("text_a1_identity", stdout);
    });
}

#[test]
fn text_output_on_demand() {
    let text = std::fs::read_to_string(fixtures().join("b1-on-demand-region-arg.txt")).unwrap();
    let out = bin()
        .args(["explain", "--region", "us-west-2", text.trim()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    insta::with_settings!({snapshot_path => "fixtures/explain/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("text_b1_on_demand", stdout);
    });
}

#[test]
fn control_sequences_never_reach_the_output() {
    let pasted = "\u{1b}]0;pwned\u{7}\u{1b}[31mAccessDeniedException\u{1b}[0m: User: \
                  arn:aws:iam::111122223333:user/dev\u{9b}2J is not authorized to perform: \
                  bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/\
                  anthropic.claude-3-haiku-20240307-v1:0\u{1b}]8;;http://x\u{1b}\\";
    for format in ["text", "json"] {
        let out = bin()
            .args(["explain", "--format", format, "-"])
            .write_stdin(pasted)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).expect("utf-8 output");
        assert!(
            !out.chars()
                .any(|c| c == '\u{1b}' || c == '\u{7}' || ('\u{80}'..='\u{9f}').contains(&c)),
            "{format} output carries a control character: {out:?}"
        );
        assert!(out.contains("bedrock:InvokeModel"), "{format}: {out}");
    }
}

#[test]
fn stdin_is_read_up_to_a_bound() {
    let big = "x".repeat(1024 * 1024 + 10);
    bin()
        .args(["explain", "-"])
        .write_stdin(big)
        .assert()
        .failure()
        .code(1)
        .stderr(predicates::str::contains("larger than 1 MiB"));
}

/// Issue 23: a 503 is capacity, not quota — retry with backoff, never a quota increase.
#[test]
fn service_unavailable_never_recommends_a_quota_increase() {
    for case in ["r23-service-unavailable", "service-unavailable-connections"] {
        let text = std::fs::read_to_string(fixtures().join(format!("{case}.txt"))).unwrap();
        let out = bin()
            .args(["explain", "--format", "json"])
            .arg(text.trim_end())
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let all = format!("{} {}", v["fixes"], v["commands"]);
        assert!(!all.contains("quota"), "{case}: {all}");
        assert!(all.contains("backoff"), "{case}: {all}");
    }
}

/// Issue 23: advice never invents a resource. A message cut before its resource gets
/// no `"Resource": "*"` proposal in the text output (the JSON already says null).
#[test]
fn a_cut_off_resource_is_never_proposed_as_a_wildcard() {
    let message = "User: arn:aws:sts::111122223333:assumed-role/app/s1 is not authorized to perform: bedrock:InvokeModel";
    for format in ["text", "json"] {
        let out = bin()
            .args(["explain", "--format", format, message])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains(r#""Resource": "*""#), "{format}: {text}");
        assert!(!text.contains(r#"\"Resource\": \"*\""#), "{format}: {text}");
    }
}
