//! Fault injection seen from outside: the same seed gives the same failures, a
//! different seed different ones, latency is paid, and failed calls change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedrockctl::account::sandbox::faults::FaultConfig;
use bedrockctl::account::sandbox::{Options, Sandbox};
use bedrockctl::account::spec::Spec;
use bedrockctl::account::{Account, Kind, Resource};
use serde_json::json;

fn role(name: &str) -> Resource {
    Resource {
        kind: Kind::IamRole,
        region: "global".into(),
        name: name.into(),
        id: None,
        spec: Spec::from_value(
            Kind::IamRole,
            json!({"assume_role_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}),
        )
        .unwrap(),
        tags: Default::default(),
        status: None,
    }
}

/// Run a fixed mix of calls and record each outcome's code ("ok" for success).
async fn outcomes(faults: &str) -> (Vec<String>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let sb = Sandbox::open_with(
        dir.path(),
        Options {
            faults: FaultConfig::parse(faults).unwrap(),
            ..Options::default()
        },
    )
    .unwrap();
    let mut codes = Vec::new();
    for i in 0..30 {
        let r = match i % 3 {
            0 => sb.create(&role(&format!("r{i}")), "").await.map(|_| ()),
            1 => sb.list(Kind::IamRole, "global").await.map(|_| ()),
            _ => sb
                .model_status("us-east-1", "amazon.nova-lite-v1:0")
                .await
                .map(|_| ()),
        };
        codes.push(r.map(|()| "ok".to_string()).unwrap_or_else(|e| e.code));
    }
    let clean = Sandbox::open_with(dir.path(), Options::default()).unwrap();
    let roles = clean.list(Kind::IamRole, "global").await.unwrap().len();
    (codes, roles)
}

#[tokio::test]
async fn same_seed_same_faults() {
    let spec = "throttle=0.3,error5xx=0.1,seed=7";
    let (a, roles_a) = outcomes(spec).await;
    let (b, roles_b) = outcomes(spec).await;
    assert_eq!(a, b);
    assert_eq!(roles_a, roles_b);
    assert!(a.iter().any(|c| c == "ThrottlingException"), "{a:?}");
    assert!(a.iter().any(|c| c == "ok"), "{a:?}");
    // Every role create that reported ok is there, and no failed one is.
    let ok_creates = a.iter().step_by(3).filter(|c| *c == "ok").count();
    assert_eq!(roles_a, ok_creates);
    let (c, _) = outcomes("throttle=0.3,error5xx=0.1,seed=8").await;
    assert_ne!(a, c);
}

#[tokio::test]
async fn no_faults_without_rates_and_latency_is_paid() {
    let (a, roles) = outcomes("seed=7").await;
    assert!(a.iter().all(|c| c == "ok"));
    assert_eq!(roles, 10);
    let dir = tempfile::tempdir().unwrap();
    let sb = Sandbox::open_with(
        dir.path(),
        Options {
            faults: FaultConfig::parse("latency_ms=40").unwrap(),
            ..Options::default()
        },
    )
    .unwrap();
    let t = std::time::Instant::now();
    sb.account_id().await.unwrap();
    sb.account_id().await.unwrap();
    assert!(t.elapsed() >= std::time::Duration::from_millis(80));
}
