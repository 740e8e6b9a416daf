//! `bedrockctl lint` over the 34 public Bedrock policies in
//! `tests/fixtures/wild-policies/` (copied from ../shared/reference/wild-policies with
//! their source notes), compared with `expected-findings.txt`, a file reviewed by hand
//! finding by finding (issue 22) — not a snapshot: a new or lost finding fails here
//! until someone has looked at it and edited the file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wild-policies")
}

/// The kind a file is linted as, from its name (the source notes say which are SCPs
/// and which is a boundary).
fn kind(file: &str) -> &'static str {
    if file.contains("-scp-") {
        "scp"
    } else if file.contains("-boundary-") {
        "boundary"
    } else {
        "identity"
    }
}

struct Expected {
    key: String,
    fragment: String,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(dir().join("expected-findings.txt")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.splitn(4, " | ").collect();
            assert_eq!(parts.len(), 4, "malformed line: {l}");
            // The last text in backticks is what the message must contain.
            let pieces: Vec<&str> = parts[3].split('`').collect();
            assert!(pieces.len() >= 3, "no `fragment` in: {l}");
            let fragment = pieces[pieces.len() - 2].to_string();
            Expected {
                key: format!("{} | {} | {}", parts[0], parts[1], parts[2]),
                fragment,
            }
        })
        .collect()
}

fn policies() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_policy_keeps_its_source_note() {
    let files = policies();
    assert_eq!(files.len(), 34);
    for f in &files {
        let note = dir().join(f.replace(".json", ".source.txt"));
        let text = std::fs::read_to_string(&note).unwrap_or_default();
        assert!(text.starts_with("repository: "), "{}", note.display());
    }
}

#[test]
fn lint_finds_exactly_the_reviewed_findings() {
    let mut got: Vec<(String, String)> = Vec::new();
    for f in policies() {
        let out = Command::cargo_bin("bedrockctl")
            .unwrap()
            .current_dir(dir())
            .env("BEDROCKCTL_TODAY", "2026-09-01")
            .args(["lint", "--as", kind(&f), &f, "--format", "json"])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{f}: {}", String::from_utf8_lossy(&out.stderr)));
        for x in doc["findings"].as_array().unwrap() {
            got.push((
                format!(
                    "{f}:{} | {} | {}",
                    x["line"],
                    x["code"].as_str().unwrap(),
                    x["severity"].as_str().unwrap()
                ),
                x["message"].as_str().unwrap().to_string(),
            ));
        }
    }
    let want = expected();
    let got_keys: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    let want_keys: Vec<&str> = want.iter().map(|e| e.key.as_str()).collect();
    let extra: Vec<&&str> = got_keys.iter().filter(|k| !want_keys.contains(k)).collect();
    let lost: Vec<&&str> = want_keys.iter().filter(|k| !got_keys.contains(k)).collect();
    assert!(
        extra.is_empty() && lost.is_empty(),
        "not reviewed (new): {extra:#?}\nexpected but gone: {lost:#?}"
    );
    assert_eq!(got_keys, want_keys, "same findings, other order");
    for ((key, message), e) in got.iter().zip(&want) {
        assert!(
            message.contains(&e.fragment),
            "{key}: `{}` not in: {message}",
            e.fragment
        );
    }
}
