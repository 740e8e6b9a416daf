//! `bedrockctl policy generate` on every example: each role with `grants:` gets a
//! policy that the offline evaluator proves (intended requests allowed, near misses
//! denied), the output is deterministic, and `lint` on the examples finds no error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use bedrockctl::config;
use bedrockctl::policy::{self, prove::Expect, role_grants};
use bedrockctl::span::SourceMap;
use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path().join("bedrock.yaml"))
        .filter(|p| p.exists())
        .collect();
    out.sort();
    assert!(out.len() >= 4, "examples: {out:?}");
    out
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("bedrockctl").unwrap();
    c.env("NO_COLOR", "1").env("BEDROCKCTL_TODAY", "2026-09-01");
    c
}

#[test]
fn every_example_policy_is_proved() {
    let mut roles = 0;
    for path in examples() {
        let mut sources = SourceMap::default();
        let (cfg, _) =
            config::load(&path, &mut sources).unwrap_or_else(|d| panic!("{}", d.render(&sources)));
        let account = cfg
            .account
            .id
            .as_ref()
            .map(|i| i.value.clone())
            .unwrap_or_else(|| "111122223333".into());
        for (name, doc) in policy::generate_all(&cfg, &account) {
            roles += 1;
            let role = cfg.role(&name).unwrap();
            let proof = policy::prove(&cfg, &name, &role_grants(role), &doc, &account).unwrap();
            let failed: Vec<_> = proof.failures().collect();
            assert!(failed.is_empty(), "{}: {name}: {failed:#?}", path.display());
            let allows = proof
                .cases
                .iter()
                .filter(|c| c.expect == Expect::Allow)
                .count();
            let denies = proof
                .cases
                .iter()
                .filter(|c| c.expect == Expect::Deny)
                .count();
            assert!(allows > 0 && denies > 0, "{}: {name}", path.display());
            for what in ["another model", "another region", "another action"] {
                assert!(
                    proof.cases.iter().any(|c| c.what.contains(what)),
                    "{}: {name} has no `{what}` near miss",
                    path.display()
                );
            }
        }
    }
    assert!(
        roles >= 4,
        "expected a grants role in each example, got {roles}"
    );
}

#[test]
fn generate_prints_proves_and_writes_files() {
    for path in examples() {
        let out = bin()
            .args(["policy", "generate", "-f"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let again = bin()
            .args(["policy", "generate", "-f"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.stdout, again.stdout, "deterministic");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("proved by"), "{err}");
        let tmp = tempfile::tempdir().unwrap();
        let out = bin()
            .args(["policy", "generate", "-f"])
            .arg(&path)
            .arg("--out")
            .arg(tmp.path().join("policies"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        for (role, policy) in doc.as_object().unwrap() {
            let file = tmp.path().join("policies").join(format!("{role}.json"));
            let written: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            // Without an account, stdout shows placeholders for the stack's
            // guardrails; the written file is the IAM-valid, proved form.
            if policy.to_string().contains("${") {
                assert!(!written.to_string().contains("${"), "{written:#}");
            } else {
                assert_eq!(&written, policy);
            }
            // A written policy lints without errors.
            let out = bin().arg("lint").arg(&file).output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

#[test]
fn generate_one_role_prints_its_bare_document() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multi-region-chat/bedrock.yaml");
    let out = bin()
        .args(["policy", "generate", "--role", "chat-api", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["Version"], "2012-10-17");
    let text = doc.to_string();
    // us-west-2 sources route to us-east-1, us-east-2 and us-west-2 as well.
    for r in ["us-east-1", "us-east-2", "us-west-2"] {
        assert!(text.contains(&format!(
            "arn:aws:bedrock:{r}::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"
        )));
    }
    let out = bin()
        .args(["policy", "generate", "--role", "nobody", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nobody`"));
}

#[test]
fn lint_on_the_examples_has_no_errors() {
    for path in examples() {
        let out = bin()
            .args(["lint", "--format", "json", "-f"])
            .arg(&path)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["errors"], 0, "{}: {doc:#}", path.display());
        assert_eq!(out.status.code(), Some(0), "{}", path.display());
    }
}

#[test]
fn lint_config_reports_an_unused_grant_at_the_yaml_id() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("trust.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("wide.json"),
        "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\",\n  \"Action\": \"bedrock:*\", \"Resource\": \"*\"}]}\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("bedrock.yaml"),
        "version: 1\nstack: s\naccount:\n  regions: [us-east-1]\nmodels:\n  - id: amazon.nova-lite-v1:0\n    regions: [us-east-1]\n    via: on_demand\niam:\n  roles:\n    - name: app\n      assume_role_policy: trust.json\n      policies:\n        - file: wide.json\n        - grants:\n            - invoke: [amazon.nova-lite-v1:0, amazon.nova-pro-v1:0]\n              regions: [us-east-1]\n              streaming: true\n",
    )
    .unwrap();
    let out = bin()
        .current_dir(tmp.path())
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("unused-grant".to_string(), "bedrock.yaml".to_string(), 16),
            (
                "bedrock-wildcard-action".to_string(),
                "wide.json".to_string(),
                3
            ),
            (
                "invoke-resource-wildcard".to_string(),
                "wide.json".to_string(),
                3
            ),
        ]
    );
}
