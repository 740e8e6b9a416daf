//! `bedrockctl lint --format sarif`: valid against the SARIF 2.1.0 JSON schema
//! (vendored from the npm package `@microsoft/jest-sarif`, `sarif-2.1.0-rtm.5.json`,
//! as `tests/fixtures/sarif-2.1.0.json`; one edit: the `run.language` pattern, which is
//! not a valid regex in rtm.5, is the final 2.1.0 one, `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`),
//! carries what GitHub code scanning reads,
//! and is snapshotted. The full list of lint codes is snapshotted too, and each code
//! has its doc page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use bedrockctl::lint::{doc_path, RULES};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sarif(files: &[&str]) -> (i32, serde_json::Value) {
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(root().join("tests/fixtures/lint"))
        .env("BEDROCKCTL_TODAY", "2026-09-01")
        .arg("lint")
        .args(files)
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/fixtures/sarif-2.1.0.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap()
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

const ALL_BAD: &[&str] = &[
    "bedrock-wildcard-action.bad.json",
    "invoke-resource-wildcard.bad.json",
    "foundation-model-arn-with-account.bad.json",
    "profile-arn-without-account.bad.json",
    "variable-in-arn-prefix.bad.json",
    "unknown-model.bad.json",
    "model-not-in-region.bad.json",
    "profile-missing-destinations.bad.json",
    "streaming-missing.bad.json",
    "legacy-model.bad.json",
    "not-action-allow.bad.json",
    "not-resource-allow.bad.json",
    "passrole-wildcard.bad.json",
    "shadowed-statement.bad.json",
];

#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let v = validator();
    let (exit, doc) = sarif(ALL_BAD);
    assert_eq!(exit, 3);
    assert_eq!(errors(&v, &doc), Vec::<String>::new());
    // An empty run is valid too.
    let (exit, doc) = sarif(&["unknown-model.ok.json"]);
    assert_eq!(exit, 0);
    assert_eq!(errors(&v, &doc), Vec::<String>::new());
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn the_schema_check_can_fail() {
    // Guards the guard: a log GitHub would reject must fail validation.
    let v = validator();
    let (_, mut doc) = sarif(&["passrole-wildcard.bad.json"]);
    doc["version"] = serde_json::json!("2.0.0");
    assert!(!errors(&v, &doc).is_empty());
    let (_, mut doc) = sarif(&["passrole-wildcard.bad.json"]);
    doc["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!errors(&v, &doc).is_empty());
}

#[test]
fn sarif_has_what_github_code_scanning_reads() {
    let (_, doc) = sarif(ALL_BAD);
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (r, rule) in rules.iter().zip(RULES) {
        assert_eq!(r["id"], rule.code);
        assert!(r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert_eq!(r["defaultConfiguration"]["level"], rule.severity.as_str());
    }
    let results = run["results"].as_array().unwrap();
    // Every bad fixture gives at least one result (variable-in-arn-prefix's gives two).
    let files: std::collections::BTreeSet<&str> = results
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert_eq!(files.len(), ALL_BAD.len());
    assert!(results.len() >= ALL_BAD.len());
    for res in results {
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with(".bad.json"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() > 0);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() > 0);
        let id = res["ruleId"].as_str().unwrap();
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], id);
    }
}

#[test]
fn sarif_snapshot() {
    let (_, doc) = sarif(&[
        "seed-with-account.json",
        "profile-missing-destinations.bad.json",
        "shadowed-statement.bad.json",
    ]);
    let mut doc = doc;
    doc["runs"][0]["tool"]["driver"]["semanticVersion"] = serde_json::json!("[version]");
    insta::assert_json_snapshot!("lint_sarif", doc);
}

#[test]
fn lint_codes_snapshot_and_docs() {
    let list: Vec<String> = RULES
        .iter()
        .map(|r| format!("{} ({})", r.code, r.severity.as_str()))
        .collect();
    insta::assert_snapshot!("lint_codes", list.join("\n"));
    for r in RULES {
        let page = root().join(doc_path(r.code));
        let text = std::fs::read_to_string(&page)
            .unwrap_or_else(|_| panic!("missing doc page {}", page.display()));
        assert!(
            text.starts_with(&format!("# `{}`", r.code)),
            "{}",
            page.display()
        );
        assert!(
            text.contains(&format!("Severity: **{}**", r.severity.as_str())),
            "{}",
            page.display()
        );
    }
}
