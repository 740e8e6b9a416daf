//! The tool's own IAM policies against the permission table, both ways:
//! every SDK operation the AWS module calls is in `permissions.rs`, every table
//! entry is still called, and `policies/bedrockctl-{plan,apply}.json` grant
//! exactly the table's actions (plan: read; apply: read and write; neither
//! grants model invocation).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedrockctl::account::aws::permissions::{self, Access, PERMISSIONS};
use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `acct.bedrock(region)?.create_guardrail()` → ("Bedrock", "CreateGuardrail"),
/// from every source file of `src/account/aws`.
fn calls_in_sources() -> BTreeSet<(String, String)> {
    let re = regex_lite::Regex::new(
        r"\.(bedrock|runtime|agent_runtime|cloudwatch|cloudtrail|ec2|iam|sts|organizations)\(([^()]*)\)\?\s*\.([a-z0-9_]+)\(",
    )
    .unwrap();
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("src/account/aws")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs")
            || path.file_name().and_then(|n| n.to_str()) == Some("permissions.rs")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for c in re.captures_iter(&text) {
            let service = permissions::service_of_accessor(&c[1]).unwrap();
            let op: String = c[3]
                .split('_')
                .map(|w| {
                    let mut cs = w.chars();
                    cs.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
                        .unwrap_or_default()
                })
                .collect();
            out.insert((service.to_string(), op));
        }
    }
    out
}

#[test]
fn every_operation_called_is_in_the_table_and_back() {
    let called = calls_in_sources();
    assert!(
        called.len() > 60,
        "the scan found only {} operations; did the call convention change?",
        called.len()
    );
    let missing: Vec<_> = called
        .iter()
        .filter(|(s, o)| permissions::lookup(s, o).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "called but not in permissions.rs: {missing:?}"
    );
    let stale: Vec<_> = PERMISSIONS
        .iter()
        .filter(|p| !called.contains(&(p.service.to_string(), p.operation.to_string())))
        .map(|p| format!("{}:{}", p.service, p.operation))
        .collect();
    assert!(
        stale.is_empty(),
        "in permissions.rs but never called: {stale:?}"
    );
}

#[test]
fn table_entries_are_unique_and_name_their_own_action_first() {
    let mut seen = BTreeSet::new();
    for p in PERMISSIONS {
        assert!(
            seen.insert((p.service, p.operation)),
            "duplicate {}:{}",
            p.service,
            p.operation
        );
        let first = p.actions.first().unwrap();
        if p.access != Access::Invoke {
            assert!(
                first.ends_with(&format!(":{}", p.operation)),
                "{}: first action {first}",
                p.operation
            );
        }
    }
}

fn allowed_actions(file: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("policies").join(file)).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["Version"], "2012-10-17");
    let mut out = BTreeSet::new();
    for st in doc["Statement"].as_array().unwrap() {
        assert_eq!(st["Effect"], "Allow", "{file}: only Allow statements");
        match &st["Action"] {
            serde_json::Value::String(a) => {
                out.insert(a.clone());
            }
            serde_json::Value::Array(a) => {
                for x in a {
                    out.insert(x.as_str().unwrap().to_string());
                }
            }
            other => panic!("{file}: Action {other}"),
        }
        for a in &out {
            assert!(!a.contains('*'), "{file}: wildcard action {a}");
        }
    }
    out
}

fn set(v: Vec<&str>) -> BTreeSet<String> {
    v.into_iter().map(str::to_string).collect()
}

#[test]
fn plan_policy_grants_exactly_the_read_actions() {
    let plan = allowed_actions("bedrockctl-plan.json");
    assert_eq!(plan, set(permissions::actions(&[Access::Read])));
    for w in permissions::actions(&[Access::Write]) {
        if !permissions::actions(&[Access::Read]).contains(&w) {
            assert!(!plan.contains(w), "the read-only plan policy grants {w}");
        }
    }
}

#[test]
fn apply_policy_grants_exactly_read_and_write_actions() {
    let apply = allowed_actions("bedrockctl-apply.json");
    assert_eq!(
        apply,
        set(permissions::actions(&[Access::Read, Access::Write]))
    );
}

#[test]
fn neither_policy_can_invoke_models() {
    for file in ["bedrockctl-plan.json", "bedrockctl-apply.json"] {
        let granted = allowed_actions(file);
        for a in permissions::actions(&[Access::Invoke]) {
            assert!(!granted.contains(a), "{file} grants {a}");
        }
    }
}
