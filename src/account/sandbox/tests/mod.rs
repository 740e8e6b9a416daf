//! Unit tests of the sandbox account: shared helpers and cross-cutting rules here,
//! per-kind create/read/update/delete and validation in `kinds`.

use super::*;
use crate::account::{GLOBAL, TAG_MANAGED_BY, TAG_MANAGED_BY_VALUE};
use serde_json::json;
use std::collections::BTreeMap;

const R: &str = "us-east-1";

fn sandbox() -> (tempfile::TempDir, Sandbox) {
    sandbox_with(Options {
        pt_ready_ms: 0,
        today: Some("2026-01-15".into()),
        ..Options::default()
    })
}

fn sandbox_with(options: Options) -> (tempfile::TempDir, Sandbox) {
    let dir = tempfile::tempdir().unwrap();
    let sb = Sandbox::open_with(dir.path(), options).unwrap();
    (dir, sb)
}

/// A second handle on the same directory whose clock is `ms` ahead: tests wait on the
/// sandbox clock this way instead of sleeping.
fn later(sb: &Sandbox, ms: i64) -> Sandbox {
    let mut options = sb.options().clone();
    options.clock_skew_ms += ms;
    Sandbox::open_with(sb.dir(), options).unwrap()
}

fn res(kind: Kind, region: &str, name: &str, spec: serde_json::Value) -> Resource {
    let mut tags = BTreeMap::new();
    tags.insert(TAG_MANAGED_BY.to_string(), TAG_MANAGED_BY_VALUE.to_string());
    Resource {
        kind,
        region: region.into(),
        name: name.into(),
        id: None,
        spec: crate::account::spec::Spec::from_value(kind, spec).unwrap(),
        tags,
        status: None,
    }
}

fn guardrail_spec() -> serde_json::Value {
    json!({
        "blocked_input_message": "Sorry, I can't help with that.",
        "blocked_output_message": "Sorry, I can't answer that.",
        "content_filters": [{"type": "HATE", "input": "HIGH", "output": "HIGH"}],
        "managed_words": ["PROFANITY"],
        "pii": [{"type": "EMAIL", "action": "ANONYMIZE"}],
    })
}

fn pt_spec(model: &str, units: u32, commitment: &str) -> serde_json::Value {
    json!({"model_id": model, "model_units": units, "commitment": commitment})
}

fn trust_bedrock() -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
}

fn role_spec() -> serde_json::Value {
    json!({"assume_role_policy": trust_bedrock()})
}

fn alarm_spec(period: u32, evals: u32) -> serde_json::Value {
    json!({"namespace": "AWS/Bedrock", "metric": "InvocationThrottles",
        "dimensions": {"ModelId": "amazon.nova-lite-v1:0"}, "statistic": "Sum",
        "period": period, "evaluation_periods": evals, "threshold": 10.0,
        "comparison": "GreaterThanThreshold", "actions": []})
}

async fn err(f: impl std::future::Future<Output = Result<Resource, AccountError>>) -> AccountError {
    f.await.expect_err("expected an error")
}

mod access;
mod kinds;
mod vpc_endpoint;

/// A sandbox in `dir` created from `seed`, on the tests' fixed date.
fn open_seeded(dir: &std::path::Path, seed: &serde_json::Value) -> Sandbox {
    std::fs::write(dir.join("seed.json"), seed.to_string()).unwrap();
    Sandbox::open_with(
        dir,
        Options {
            today: Some("2026-01-15".into()),
            ..Options::default()
        },
    )
    .unwrap()
}

#[tokio::test]
async fn defaults_and_seed() {
    let (_d, sb) = sandbox();
    assert_eq!(sb.account_id().await.unwrap(), "111122223333");
    assert_eq!(
        sb.org_policies().await.unwrap(),
        Some(OrgPolicies {
            management_account: false,
            scps: vec![],
            rcps: vec![]
        })
    );
    let sim = SimulateRequest {
        principal_arn: "arn:aws:iam::111122223333:role/app".into(),
        action: "bedrock:InvokeModel".into(),
        resource_arn: "*".into(),
        context: BTreeMap::new(),
    };
    // IAM answers NoSuchEntity when the principal does not exist.
    assert_eq!(sb.simulate(&sim).await.unwrap_err().code, "NoSuchEntity");
    assert!(sb
        .list_models(R)
        .await
        .unwrap()
        .iter()
        .all(|m| m.is_ready()));

    let dir = tempfile::tempdir().unwrap();
    let scp = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "bedrock:*", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}}]});
    let seed = json!({
        "account_id": "444455556666",
        "scps": [[scp]],
        "models": [{"region": "us-east-1", "model_id": "amazon.nova-lite-v1:0", "agreement": "PENDING"}],
        "resources": [
            {"kind": "guardrail", "region": "us-east-1", "name": "legacy-safety", "spec": guardrail_spec(), "tags": {}},
            {"kind": "guardrail_version", "region": "us-east-1", "name": "legacy-safety:3",
             "spec": {"guardrail": "legacy-safety", "version": "3", "snapshot": guardrail_spec()}, "tags": {}},
            {"kind": "provisioned_throughput", "region": "us-east-1", "name": "old-pt",
             "spec": {"model_id": "anthropic.claude-3-haiku-20240307-v1:0", "model_units": 1, "commitment": "one_month",
                      "commitment_expiration": "2020-01-01T00:00:00Z"}, "tags": {}},
            {"kind": "iam_role", "region": "whatever", "name": "ops", "spec": role_spec(), "tags": {}}
        ]
    });
    let sb = open_seeded(dir.path(), &seed);
    assert_eq!(sb.account_id().await.unwrap(), "444455556666");
    assert_eq!(
        sb.org_policies().await.unwrap().unwrap().scps,
        vec![vec![scp]]
    );
    let st = sb.model_status(R, "amazon.nova-lite-v1:0").await.unwrap();
    assert_eq!(st.agreement.as_deref(), Some("PENDING"));
    assert!(!st.is_ready());
    let e = sb
        .probe(R, "amazon.nova-lite-v1:0", ProbeKind::Converse)
        .await
        .unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    let g = &sb.list(Kind::Guardrail, R).await.unwrap()[0];
    assert!(g
        .id
        .as_deref()
        .unwrap()
        .starts_with("arn:aws:bedrock:us-east-1:444455556666:guardrail/"));
    assert!(!g.is_managed());
    // The seeded version 3 means the next one is 4.
    let v = sb
        .create(
            &res(
                Kind::GuardrailVersion,
                R,
                "",
                json!({"guardrail": "legacy-safety", "snapshot": guardrail_spec()}),
            ),
            "",
        )
        .await
        .unwrap();
    assert_eq!(v.name, "legacy-safety:4");
    // A seeded throughput on a now-legacy model is InService, and its term is over.
    let pt = &sb.list(Kind::ProvisionedThroughput, R).await.unwrap()[0];
    assert_eq!(pt.status.as_deref(), Some("InService"));
    sb.delete(pt).await.unwrap();
    assert_eq!(
        sb.list(Kind::IamRole, GLOBAL).await.unwrap()[0].region,
        GLOBAL
    );

    // The seed is read once: editing it later changes nothing.
    std::fs::write(
        dir.path().join("seed.json"),
        json!({"account_id": "999999999999"}).to_string(),
    )
    .unwrap();
    assert_eq!(
        Sandbox::open(dir.path())
            .unwrap()
            .account_id()
            .await
            .unwrap(),
        "444455556666"
    );

    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("seed.json"), r#"{"acount_id": "1"}"#).unwrap();
    let e = Sandbox::open(bad.path()).unwrap_err();
    assert!(
        e.message.contains("unknown field `acount_id`"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn state_file_is_versioned() {
    let (dir, sb) = sandbox();
    sb.create(&res(Kind::Alarm, R, "a", alarm_spec(60, 1)), "")
        .await
        .unwrap();
    let text = std::fs::read_to_string(dir.path().join("state.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["resources"][0]["kind"], "alarm");
    let newer = text.replacen("\"format_version\": 1", "\"format_version\": 2", 1);
    std::fs::write(dir.path().join("state.json"), newer).unwrap();
    let e = Sandbox::open(dir.path()).unwrap_err();
    assert!(e.message.contains("format_version 2"), "{}", e.message);
}

#[tokio::test]
async fn faults_fire_before_any_change() {
    let (_d, sb) = sandbox_with(Options {
        faults: faults::FaultConfig::parse("throttle=0.5,error5xx=0.2,seed=11").unwrap(),
        ..Options::default()
    });
    let cfg = sb.options().faults;
    let mut created = 0;
    for n in 0..40u64 {
        let r = sb
            .create(
                &res(Kind::Alarm, R, &format!("a{n}"), alarm_spec(60, 1)),
                "",
            )
            .await;
        match faults::Faults::draw(&cfg, n) {
            faults::Fault::None => {
                r.unwrap();
                created += 1;
            }
            faults::Fault::Throttle => {
                let e = r.unwrap_err();
                assert_eq!(e.code, "ThrottlingException");
                assert!(e.is_retryable());
            }
            faults::Fault::ServerError => {
                assert_eq!(r.unwrap_err().code, "InternalServerException")
            }
        }
    }
    assert!(created > 0 && created < 40);
    // Failed calls left nothing behind (read without faults).
    let clean = Sandbox::open_with(sb.dir(), Options::default()).unwrap();
    assert_eq!(clean.list(Kind::Alarm, R).await.unwrap().len(), created);
}

#[tokio::test]
async fn bad_fault_env_fails_open() {
    // Parsing is what `open` uses; the env itself is not mutated in a parallel test.
    let e = faults::FaultConfig::parse("throttle=2").unwrap_err();
    assert!(e.contains("`throttle`"));
}

#[tokio::test]
async fn unknown_regions_refused() {
    let (_d, sb) = sandbox();
    let e = err(sb.create(&res(Kind::Alarm, "us-east-9", "a", alarm_spec(60, 1)), "")).await;
    assert_eq!(e.code, "UnknownEndpoint");
    let e = err(sb.create(
        &res(Kind::Guardrail, R, "g", guardrail_spec()),
        "bad_token!",
    ))
    .await;
    assert!(
        e.message.contains("at 'clientRequestToken'"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn refused_calls_leave_the_file_untouched() {
    let (dir, sb) = sandbox();
    let g = sb
        .create(&res(Kind::Guardrail, R, "g", guardrail_spec()), "")
        .await
        .unwrap();
    let pt = sb
        .create(
            &res(
                Kind::ProvisionedThroughput,
                R,
                "p",
                pt_spec("amazon.nova-lite-v1:0:24k", 1, "six_months"),
            ),
            "",
        )
        .await
        .unwrap();
    let before = std::fs::read(dir.path().join("state.json")).unwrap();
    let mut bad = g.clone();
    bad.name = "no spaces".into();
    assert!(sb.update(&g, &bad).await.is_err());
    assert!(sb.delete(&pt).await.is_err());
    assert!(sb
        .create(&res(Kind::Guardrail, R, "g", guardrail_spec()), "")
        .await
        .is_err());
    assert_eq!(
        std::fs::read(dir.path().join("state.json")).unwrap(),
        before
    );
}

#[tokio::test]
async fn get_accepts_the_identifiers_the_apis_accept() {
    let (_d, sb) = sandbox();
    let pt = sb
        .create(
            &res(
                Kind::ProvisionedThroughput,
                R,
                "p1",
                pt_spec("amazon.nova-lite-v1:0:24k", 1, "none"),
            ),
            "",
        )
        .await
        .unwrap();
    let arn = pt.id.clone().unwrap();
    let short = arn.rsplit('/').next().unwrap();
    for id in [arn.as_str(), short, "p1"] {
        assert_eq!(
            sb.get(Kind::ProvisionedThroughput, R, id)
                .await
                .unwrap()
                .map(|r| r.name)
                .as_deref(),
            Some("p1"),
            "{id}"
        );
    }
    assert!(sb
        .get(Kind::ProvisionedThroughput, "us-west-2", &arn)
        .await
        .unwrap()
        .is_none());
    assert!(sb
        .get(Kind::ProvisionedThroughput, R, "p2")
        .await
        .unwrap()
        .is_none());
    let role = sb
        .create(&res(Kind::IamRole, GLOBAL, "app", role_spec()), "")
        .await
        .unwrap();
    // IAM is global: any region argument finds it, by name or ARN.
    assert_eq!(
        sb.get(Kind::IamRole, "us-east-1", "app")
            .await
            .unwrap()
            .as_ref(),
        Some(&role)
    );
    assert_eq!(
        sb.get(Kind::IamRole, GLOBAL, role.id.as_deref().unwrap())
            .await
            .unwrap()
            .as_ref(),
        Some(&role)
    );
}

#[tokio::test]
async fn unmanaged_resources_are_listed_and_ids_are_deterministic() {
    let run = || async {
        let (_d, sb) = sandbox();
        let mut unmanaged = res(Kind::Guardrail, R, "hand-made", guardrail_spec());
        unmanaged.tags.clear();
        sb.create(&unmanaged, "").await.unwrap();
        sb.create(&res(Kind::Guardrail, R, "ours", guardrail_spec()), "")
            .await
            .unwrap();
        sb.list(Kind::Guardrail, R).await.unwrap()
    };
    let a = run().await;
    assert_eq!(a.iter().filter(|r| r.is_managed()).count(), 1);
    assert_eq!(a.len(), 2);
    let b = run().await;
    assert_eq!(a, b, "same calls, same ids");
    assert_ne!(a[0].id, a[1].id);
}

#[tokio::test]
async fn principal_policies_skip_unknown_aws_managed_documents() {
    let (_d, sb) = sandbox();
    let mut spec = role_spec();
    spec["managed_policies"] = json!([
        "arn:aws:iam::aws:policy/SomethingUnknown",
        "arn:aws:iam::aws:policy/AdministratorAccess"
    ]);
    sb.create(&res(Kind::IamRole, GLOBAL, "ops", spec), "")
        .await
        .unwrap();
    let pp = sb
        .principal_policies("arn:aws:iam::111122223333:role/ops")
        .await
        .unwrap();
    assert_eq!(pp.identity.len(), 1);
    assert_eq!(
        pp.identity[0].0,
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    assert!(pp.permissions_boundary.is_none());
    let e = sb
        .principal_policies("arn:aws:iam::111122223333:user/bob")
        .await
        .unwrap_err();
    assert_eq!(e.code, "ValidationError");
}

#[tokio::test]
async fn probe_through_application_profiles_and_provisioned_models() {
    let (_d, sb) = sandbox_with(Options {
        pt_ready_ms: 100,
        today: Some("2026-01-15".into()),
        ..Options::default()
    });
    let p = sb
        .create(&res(Kind::InferenceProfile, R, "app", json!({"copy_from": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"})), "")
        .await
        .unwrap();
    let arn = p.id.unwrap();
    let ok = sb.probe(R, &arn, ProbeKind::ConverseStream).await.unwrap();
    assert_eq!(ok.resolved.as_deref(), Some(arn.as_str()));
    // The profile ARN of another region is not valid here.
    let other = arn.replace("us-east-1", "us-west-2");
    assert_eq!(
        sb.probe("us-west-2", &other, ProbeKind::Converse)
            .await
            .unwrap_err()
            .code,
        "ResourceNotFoundException"
    );

    let pt = sb
        .create(
            &res(
                Kind::ProvisionedThroughput,
                R,
                "p",
                pt_spec("amazon.nova-lite-v1:0:24k", 1, "none"),
            ),
            "",
        )
        .await
        .unwrap();
    let pt_arn = pt.id.unwrap();
    let e = sb.probe(R, &pt_arn, ProbeKind::Converse).await.unwrap_err();
    assert_eq!(e.code, "ModelNotReadyException");
    let sb = later(&sb, 150);
    assert!(sb.probe(R, &pt_arn, ProbeKind::Converse).await.is_ok());
}

#[tokio::test]
async fn simulate_answers_with_the_stored_policies_and_scps() {
    let seed = json!({"scps": [[
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "OnlyUs", "Effect": "Deny", "Action": "bedrock:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}}
        ]}
    ]]});
    let dir2 = tempfile::tempdir().unwrap();
    std::fs::write(dir2.path().join("seed.json"), seed.to_string()).unwrap();
    let sb = Sandbox::open_with(
        dir2.path(),
        Options {
            pt_ready_ms: 0,
            today: Some("2026-01-15".into()),
            ..Options::default()
        },
    )
    .unwrap();
    let mut spec = role_spec();
    spec["inline_policies"] = json!({"invoke": {"Version": "2012-10-17", "Statement": [
        {"Sid": "Invoke", "Effect": "Allow", "Action": "bedrock:InvokeModel",
         "Resource": "arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0"}]}});
    sb.create(&res(Kind::IamRole, GLOBAL, "app", spec), "")
        .await
        .unwrap();
    let ask = |region: &str, model: &str| SimulateRequest {
        principal_arn: "arn:aws:iam::111122223333:role/app".into(),
        action: "bedrock:InvokeModel".into(),
        resource_arn: format!("arn:aws:bedrock:{region}::foundation-model/{model}"),
        context: BTreeMap::from([("aws:RequestedRegion".to_string(), vec![region.to_string()])]),
    };
    let allowed = sb
        .simulate(&ask("us-east-1", "amazon.nova-lite-v1:0"))
        .await
        .unwrap();
    assert_eq!(allowed.decision, "allowed");
    assert!(
        allowed
            .matched_statements
            .iter()
            .any(|s| s == "invoke#Invoke"),
        "{:?}",
        allowed.matched_statements
    );
    let other_model = sb
        .simulate(&ask("us-east-1", "amazon.nova-pro-v1:0"))
        .await
        .unwrap();
    assert_eq!(other_model.decision, "implicitDeny");
    let denied = sb
        .simulate(&ask("eu-west-1", "amazon.nova-lite-v1:0"))
        .await
        .unwrap();
    assert_eq!(denied.decision, "explicitDeny");
    assert!(
        denied
            .matched_statements
            .iter()
            .any(|s| s.ends_with("#OnlyUs")),
        "{:?}",
        denied.matched_statements
    );
}

/// Two handles on one directory have separate caches (as two processes do): a change
/// one makes that leaves the file the same length must still be seen by the other.
#[tokio::test]
async fn cached_state_follows_writes_of_other_handles() {
    let (dir, a) = sandbox();
    let b = Sandbox::open_with(dir.path(), a.options().clone()).unwrap();
    let live = a
        .create(&res(Kind::Alarm, R, "x", alarm_spec(60, 1)), "")
        .await
        .unwrap();
    assert_eq!(b.list(Kind::Alarm, R).await.unwrap().len(), 1);
    let len = || {
        std::fs::metadata(dir.path().join("state.json"))
            .unwrap()
            .len()
    };
    let before = len();
    // 1 → 2 evaluation periods: same byte length, different content.
    b.update(&live, &res(Kind::Alarm, R, "x", alarm_spec(60, 2)))
        .await
        .unwrap();
    assert_eq!(len(), before);
    let seen = a.list(Kind::Alarm, R).await.unwrap();
    assert_eq!(seen[0].spec.to_value()["evaluation_periods"], json!(2));
}

/// A refused update may have changed the in-memory state before failing; the next
/// read must not see that half-change.
#[tokio::test]
async fn refused_update_leaves_no_trace_in_the_cache() {
    let (_dir, sb) = sandbox();
    sb.create(&res(Kind::Alarm, R, "x", alarm_spec(60, 1)), "")
        .await
        .unwrap();
    let refused: Result<(), AccountError> = sb.store.update(|s| {
        s.resources.clear();
        Err(store::open_error("refused"))
    });
    assert!(refused.is_err());
    assert_eq!(sb.list(Kind::Alarm, R).await.unwrap().len(), 1);
}

/// A state too large to keep parsed answers the account id, model status and SCPs
/// from its settings alone, the same as a full read of it does.
#[tokio::test]
async fn a_large_state_answers_settings_calls_without_its_resources() {
    let dir = tempfile::tempdir().unwrap();
    let scp = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]});
    let padding = "x".repeat(1000);
    let resources: Vec<serde_json::Value> = (0..3000)
        .map(|i| {
            json!({"kind": "alarm", "region": R, "name": format!("a{i}"),
                "spec": alarm_spec(60, 1), "tags": {"note": padding}})
        })
        .collect();
    let seed = json!({
        "account_id": "444455556666",
        "scps": [[scp]],
        "models": [{"region": R, "model_id": "amazon.nova-lite-v1:0", "agreement": "PENDING"}],
        "resources": resources,
    });
    let sb = open_seeded(dir.path(), &seed);
    let size = std::fs::metadata(dir.path().join("state.json"))
        .unwrap()
        .len();
    assert!(size > store::CACHE_MAX_BYTES, "{size} bytes is not large");
    let full = sb.snapshot().unwrap();
    assert_eq!(full.resources.len(), 3000);
    assert_eq!(sb.account_id().await.unwrap(), full.account_id);
    assert_eq!(full.account_id, "444455556666");
    assert_eq!(
        sb.org_policies().await.unwrap().unwrap().scps,
        vec![vec![scp]]
    );
    let st = sb.model_status(R, "amazon.nova-lite-v1:0").await.unwrap();
    assert_eq!(
        st,
        models::status(&full, R, "amazon.nova-lite-v1:0", "2026-01-15", 0)
    );
    assert_eq!(st.agreement.as_deref(), Some("PENDING"));
    assert_eq!(sb.list(Kind::Alarm, R).await.unwrap().len(), 3000);
}
