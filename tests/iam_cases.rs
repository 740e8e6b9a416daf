//! Data-driven evaluator cases: every `tests/iam_cases/*.json` file holds a `base`
//! request (a line of the `iam eval` protocol) and `cases` that override parts of it
//! and state the expected decision, and optionally the exact reasons.
//!
//! Case fields: `name`, `expect` (`allow|implicit_deny|explicit_deny`), optional
//! `reasons` (`["identity:0:Sid", …]` = policy_type:policy_index:statement), and any
//! top-level protocol field to replace (`identity_policies`, `scps`, …) or
//! `request` (merged key by key into the base request; `context` merged too).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedrockctl::iam::jsonl;
use serde_json::{Map, Value};

fn merge_request(base: &mut Map<String, Value>, over: &Map<String, Value>) {
    for (k, v) in over {
        if k == "context" {
            if let (Some(Value::Object(bc)), Value::Object(oc)) = (base.get_mut("context"), v) {
                for (ck, cv) in oc {
                    if cv.is_null() {
                        bc.remove(ck);
                    } else {
                        bc.insert(ck.clone(), cv.clone());
                    }
                }
                continue;
            }
        }
        base.insert(k.clone(), v.clone());
    }
}

fn run_case(base: &Value, case: &Value) -> (String, Value) {
    let mut line = base.clone();
    let obj = line.as_object_mut().unwrap();
    for (k, v) in case.as_object().unwrap() {
        match k.as_str() {
            "name" | "expect" | "reasons" => {}
            "request" => {
                let req = obj
                    .entry("request")
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .unwrap();
                merge_request(req, v.as_object().unwrap());
            }
            _ => {
                obj.insert(k.clone(), v.clone());
            }
        }
    }
    let text = serde_json::to_string(&line).unwrap();
    let mut out = String::new();
    let mut reasons = Vec::new();
    assert!(jsonl::eval_line(&text, &mut out, &mut reasons));
    (text, serde_json::from_str(&out).unwrap())
}

#[test]
fn iam_case_table() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/iam_cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for f in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let base = doc
            .get("base")
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        for case in doc["cases"].as_array().unwrap() {
            total += 1;
            let name = format!(
                "{}: {}",
                f.file_name().unwrap().to_string_lossy(),
                case["name"].as_str().expect("every case has a name")
            );
            *seen.entry(name.clone()).or_default() += 1;
            let expect = case["expect"].as_str().expect("every case states `expect`");
            assert!(
                matches!(expect, "allow" | "implicit_deny" | "explicit_deny"),
                "{name}: bad expect"
            );
            let (line, out) = run_case(&base, case);
            if let Some(err) = out.get("error") {
                failures.push(format!("{name}: error {err}\n  line: {line}"));
                continue;
            }
            let got = out["decision"].as_str().unwrap_or("?");
            if got != expect {
                failures.push(format!(
                    "{name}: expected {expect}, got {got} ({})\n  line: {line}",
                    out["reasons"]
                ));
                continue;
            }
            if let Some(want) = case.get("reasons") {
                let got: Vec<String> = out["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        format!(
                            "{}:{}:{}",
                            r["policy_type"].as_str().unwrap(),
                            r["policy_index"],
                            r["statement"].as_str().unwrap()
                        )
                    })
                    .collect();
                let want: Vec<String> = want
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect();
                if got != want {
                    failures.push(format!("{name}: reasons {got:?}, expected {want:?}"));
                }
            }
        }
    }
    let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(dups.is_empty(), "duplicate case names: {dups:?}");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total >= 150, "only {total} cases");
    eprintln!("{total} IAM cases passed");
}
