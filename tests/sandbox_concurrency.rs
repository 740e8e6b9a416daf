//! Several threads and several processes sharing one sandbox directory: no lost
//! updates, no duplicates from a retried token, and a state file that always parses.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedrockctl::account::sandbox::{Options, Sandbox};
use bedrockctl::account::spec::Spec;
use bedrockctl::account::{Account, Kind, Resource};
use serde_json::json;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const CHILD_ENV: &str = "BEDROCKCTL_SANDBOX_TEST_WRITER";
const R: &str = "us-east-1";

fn alarm(name: &str) -> Resource {
    Resource {
        kind: Kind::Alarm,
        region: R.into(),
        name: name.into(),
        id: None,
        spec: Spec::from_value(
            Kind::Alarm,
            json!({"namespace": "AWS/Bedrock", "metric": "Invocations", "statistic": "Sum",
            "period": 60, "evaluation_periods": 1, "threshold": 1.0,
            "comparison": "GreaterThanThreshold"}),
        )
        .unwrap(),
        tags: Default::default(),
        status: None,
    }
}

fn guardrail(name: &str) -> Resource {
    Resource {
        kind: Kind::Guardrail,
        region: R.into(),
        name: name.into(),
        id: None,
        spec: Spec::from_value(
            Kind::Guardrail,
            json!({"blocked_input_message": "no", "blocked_output_message": "no"}),
        )
        .unwrap(),
        tags: Default::default(),
        status: None,
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn names(dir: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(dir.join("state.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

/// In a child process: `DIR|PREFIX|COUNT` → create COUNT alarms, then exit.
fn run_child(spec: &str) {
    let mut parts = spec.split('|');
    let dir = parts.next().unwrap();
    let prefix = parts.next().unwrap();
    let count: usize = parts.next().unwrap().parse().unwrap();
    let sb = Sandbox::open_with(Path::new(dir), Options::default()).unwrap();
    rt().block_on(async {
        for i in 0..count {
            sb.create(&alarm(&format!("{prefix}-{i}")), "")
                .await
                .unwrap();
        }
    });
}

#[test]
fn threads_creating_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    Sandbox::open_with(dir.path(), Options::default()).unwrap();
    std::thread::scope(|s| {
        for t in 0..8 {
            let dir = dir.path();
            s.spawn(move || {
                // One handle per thread, as separate commands would have.
                let sb = Sandbox::open_with(dir, Options::default()).unwrap();
                rt().block_on(async {
                    for i in 0..15 {
                        sb.create(&alarm(&format!("t{t}-{i}")), "").await.unwrap();
                    }
                });
            });
        }
    });
    let got = names(dir.path());
    assert_eq!(got.len(), 8 * 15);
    assert!(got.contains("t7-14"));
}

#[test]
fn processes_creating_at_once_lose_nothing() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        run_child(&spec);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    Sandbox::open_with(dir.path(), Options::default()).unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..4)
        .map(|p| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "processes_creating_at_once_lose_nothing",
                    "--test-threads=1",
                ])
                .env(CHILD_ENV, format!("{}|p{p}|20", dir.path().display()))
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let got = names(dir.path());
    assert_eq!(got.len(), 4 * 20, "{got:?}");
}

#[test]
fn concurrent_retries_with_one_token_create_one_resource() {
    let dir = tempfile::tempdir().unwrap();
    Sandbox::open_with(dir.path(), Options::default()).unwrap();
    let ids: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let dir = dir.path();
                s.spawn(move || {
                    let sb = Sandbox::open_with(dir, Options::default()).unwrap();
                    rt().block_on(sb.create(&guardrail("shared"), "retry-token-1"))
                        .unwrap()
                        .id
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    assert_eq!(names(dir.path()).len(), 1);
}

#[test]
fn concurrent_versions_get_distinct_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let sb = Sandbox::open_with(dir.path(), Options::default()).unwrap();
    rt().block_on(sb.create(&guardrail("g"), "")).unwrap();
    std::thread::scope(|s| {
        for _ in 0..5 {
            let dir = dir.path();
            s.spawn(move || {
                let sb = Sandbox::open_with(dir, Options::default()).unwrap();
                let v = Resource {
                    kind: Kind::GuardrailVersion,
                    spec: Spec::from_value(Kind::GuardrailVersion, json!({"guardrail": "g", "snapshot": {"blocked_input_message": "no", "blocked_output_message": "no"}})).unwrap(),
                    ..guardrail("")
                };
                rt().block_on(sb.create(&v, "")).unwrap();
            });
        }
    });
    let versions: BTreeSet<String> = rt()
        .block_on(sb.list(Kind::GuardrailVersion, R))
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    let want: BTreeSet<String> = (1..=5).map(|n| format!("g:{n}")).collect();
    assert_eq!(versions, want);
}
