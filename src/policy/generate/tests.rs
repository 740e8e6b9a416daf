//! Generator tests. The first two came with `plan/grants.rs` (the planner's former
//! generator) and now run against the single generator: Sids changed from
//! `Grant0Invoke`/`Grant0ApplyGuardrail` to `Invoke0`/`ApplyGuardrail0`, the guardrail
//! adds a `RequireGuardrail0` Deny before its Allow, and single actions are strings.

use crate::account::Kind;
use crate::config;
use crate::span::SourceMap;
use serde_json::{json, Value};

pub(crate) const CONFIG: &str = r#"version: 1
stack: app
account:
  regions: [us-east-1]
models:
  - id: anthropic.claude-haiku-4-5-20251001-v1:0
    regions: [us-east-1]
    via: inference_profile
iam:
  roles:
    - name: app
      assume_role_policy: trust.json
      policies:
        - grants:
            - invoke: [anthropic.claude-haiku-4-5-20251001-v1:0]
              regions: [us-east-1]
              streaming: true
              guardrail: arn:aws:bedrock:us-east-1:111122223333:guardrail/abc
              require_guardrail: true
            - invoke: [amazon.titan-embed-text-v2:0]
              regions: [us-east-1]
              via: on_demand
"#;

const TRUST: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
"Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;

pub(crate) fn load(yaml: &str) -> (tempfile::TempDir, config::Config) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("trust.json"), TRUST).unwrap();
    let path = dir.path().join("bedrock.yaml");
    std::fs::write(&path, yaml).unwrap();
    let mut sources = SourceMap::default();
    let (cfg, _) =
        config::load(&path, &mut sources).unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    (dir, cfg)
}

fn grants_doc() -> Value {
    let (_dir, cfg) = load(CONFIG);
    // What `plan::desired` puts in the role's `bedrockctl-grants` policy.
    let role = &cfg.iam.as_ref().unwrap().roles.as_ref().unwrap()[0];
    let grants = role
        .policies
        .iter()
        .find_map(|p| match p {
            config::RolePolicy::Grants { grants, .. } => Some(grants),
            _ => None,
        })
        .unwrap();
    let refs = crate::policy::StackRefs::pending(&cfg);
    super::grants_document_with(&cfg, grants, "111122223333", &refs)
}

fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().map(|v| v.as_str().unwrap()).collect(),
        _ => panic!("not strings: {v}"),
    }
}

#[test]
fn profile_grant_covers_profile_and_destination_models() {
    let doc = grants_doc();
    let st = doc["Statement"].as_array().unwrap();
    assert_eq!(st[0]["Sid"], "Invoke0");
    assert_eq!(
        st[0]["Action"],
        json!([
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream"
        ])
    );
    let res = strings(&st[0]["Resource"]);
    let m = "anthropic.claude-haiku-4-5-20251001-v1:0";
    assert!(res.contains(
        &format!("arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.{m}").as_str()
    ));
    for region in ["us-east-1", "us-east-2", "us-west-2"] {
        let arn = format!("arn:aws:bedrock:{region}::foundation-model/{m}");
        assert!(res.contains(&arn.as_str()), "{arn} missing from {res:?}");
    }
    let mut sorted = res.clone();
    sorted.sort_unstable();
    assert_eq!(res, sorted, "resources are sorted");
    assert_eq!(st[1]["Sid"], "RequireGuardrail0");
    assert_eq!(st[1]["Effect"], "Deny");
    assert_eq!(
        st[1]["Condition"]["StringNotLike"]["bedrock:GuardrailIdentifier"],
        json!([
            "arn:aws:bedrock:us-east-1:111122223333:guardrail/abc",
            "arn:aws:bedrock:us-east-1:111122223333:guardrail/abc:*"
        ])
    );
    assert_eq!(st[2]["Sid"], "ApplyGuardrail0");
    assert_eq!(st[2]["Action"], "bedrock:ApplyGuardrail");
    assert_eq!(
        st[2]["Resource"],
        "arn:aws:bedrock:us-east-1:111122223333:guardrail/abc"
    );
    assert_eq!(st[3]["Sid"], "Invoke1");
    assert_eq!(
        st[3]["Resource"],
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"
    );
    assert_eq!(st[3]["Action"], "bedrock:InvokeModel");
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(grants_doc().to_string(), grants_doc().to_string());
}

/// `via: batch` is explicit (validation requires it with `batch_role`); the
/// provisioned grant takes its `via` from `models:`.
pub(crate) const BATCH: &str = r#"version: 1
stack: app
account:
  regions: [us-east-1]
models:
  - id: amazon.nova-lite-v1:0
    regions: [us-east-1]
    via: batch
  - id: amazon.nova-pro-v1:0
    regions: [us-east-1]
    via: provisioned
iam:
  roles:
    - name: app
      assume_role_policy: trust.json
      policies:
        - grants:
            - invoke: [amazon.nova-lite-v1:0]
              regions: [us-east-1]
              via: batch
              batch_role: arn:aws:iam::111122223333:role/bedrock-batch
              source_vpce: [vpce-1a2b3c4d]
            - invoke: [amazon.nova-pro-v1:0]
              regions: [us-east-1]
"#;

#[test]
fn batch_and_provisioned_follow_models_via() {
    let (_dir, cfg) = load(BATCH);
    let docs = super::generate_all(&cfg, "111122223333");
    assert_eq!(docs.len(), 1);
    let st = docs[0].1["Statement"].as_array().unwrap().clone();
    let sids: Vec<&str> = st.iter().map(|s| s["Sid"].as_str().unwrap()).collect();
    assert_eq!(
        sids,
        [
            "BatchCreate0",
            "BatchManage0",
            "BatchList0",
            "PassBatchRole0",
            "Invoke1"
        ]
    );
    assert_eq!(
        strings(&st[0]["Resource"]),
        [
            "arn:aws:bedrock:us-east-1:111122223333:model-invocation-job/*",
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"
        ]
    );
    assert_eq!(st[2]["Resource"], "*");
    assert_eq!(
        st[2]["Condition"]["StringEquals"]["aws:RequestedRegion"],
        "us-east-1"
    );
    assert_eq!(
        st[3]["Resource"],
        "arn:aws:iam::111122223333:role/bedrock-batch"
    );
    assert_eq!(
        st[3]["Condition"]["StringEquals"]["iam:PassedToService"],
        "bedrock.amazonaws.com"
    );
    for s in &st[..4] {
        assert_eq!(
            s["Condition"]["StringEquals"]["aws:SourceVpce"], "vpce-1a2b3c4d",
            "{s}"
        );
    }
    assert_eq!(
        st[4]["Resource"],
        "arn:aws:bedrock:us-east-1:111122223333:provisioned-model/*"
    );
    assert!(st[4].get("Condition").is_none());
}

#[test]
fn generated_policies_prove() {
    for yaml in [CONFIG, BATCH] {
        let (_dir, cfg) = load(yaml);
        for role in cfg.iam.as_ref().unwrap().roles.as_ref().unwrap() {
            let grants = super::role_grants(role);
            let (_, doc) = super::generate_all(&cfg, "111122223333")
                .into_iter()
                .find(|(n, _)| *n == role.name.value)
                .unwrap();
            let proof = crate::policy::prove(&cfg, &role.name.value, &grants, &doc, "111122223333")
                .unwrap();
            let failed: Vec<_> = proof.failures().collect();
            assert!(failed.is_empty(), "{failed:#?}");
            assert!(proof
                .cases
                .iter()
                .any(|c| c.expect == crate::policy::prove::Expect::Deny));
        }
    }
}

#[test]
fn a_broken_document_fails_its_proof() {
    let (_dir, cfg) = load(CONFIG);
    let role = &cfg.iam.as_ref().unwrap().roles.as_ref().unwrap()[0];
    let grants = super::role_grants(role);
    let (_, mut doc) = super::generate_all(&cfg, "111122223333").remove(0);
    // Drop one destination region: the us-east-2 leg of the profile must fail.
    let res = doc["Statement"][0]["Resource"].as_array_mut().unwrap();
    res.retain(|r| !r.as_str().unwrap().contains("us-east-2"));
    let proof = crate::policy::prove(&cfg, "app", &grants, &doc, "111122223333").unwrap();
    let failed: Vec<_> = proof.failures().collect();
    assert!(!failed.is_empty());
    assert!(
        failed.iter().all(|c| c.resource.contains("us-east-2")),
        "{failed:#?}"
    );
    // Widen it instead: the near misses must catch `*`.
    let (_, mut wide) = super::generate_all(&cfg, "111122223333").remove(0);
    wide["Statement"][3]["Resource"] = json!("*");
    let proof = crate::policy::prove(&cfg, "app", &grants, &wide, "111122223333").unwrap();
    assert!(proof
        .failures()
        .any(|c| c.what.starts_with("near miss: another model")));
}

const STACK_GUARDRAIL: &str = r#"version: 1
stack: app
account:
  regions: [us-east-1, us-west-2]
guardrails:
  - name: default-safety
    regions: [us-east-1, us-west-2]
    blocked_input_message: no
    blocked_output_message: no
    content_filters:
      - { type: HATE, input: HIGH, output: HIGH }
iam:
  roles:
    - name: app
      assume_role_policy: trust.json
      policies:
        - grants:
            - invoke: [amazon.titan-embed-text-v2:0]
              regions: [us-east-1, us-west-2]
              via: on_demand
              guardrail: default-safety
              require_guardrail: true
"#;

fn stack_refs() -> crate::policy::StackRefs {
    let mut refs = crate::policy::StackRefs::none();
    for (region, id) in [("us-east-1", "w7wyb75tiw62"), ("us-west-2", "q1q1q1q1q1q1")] {
        refs.add(
            Kind::Guardrail,
            "default-safety",
            region,
            &format!("arn:aws:bedrock:{region}:111122223333:guardrail/{id}"),
        );
    }
    refs
}

#[test]
fn a_stack_guardrail_gets_its_exact_arns_once_it_exists() {
    let (_dir, cfg) = load(STACK_GUARDRAIL);
    let refs = stack_refs();
    let (_, doc) = super::generate_all_with(&cfg, "111122223333", &refs).remove(0);
    let text = doc.to_string();
    assert!(!text.contains("guardrail/*"), "{doc:#}");
    let apply = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "ApplyGuardrail0")
        .unwrap();
    assert_eq!(
        strings(&apply["Resource"]),
        [
            "arn:aws:bedrock:us-east-1:111122223333:guardrail/w7wyb75tiw62",
            "arn:aws:bedrock:us-west-2:111122223333:guardrail/q1q1q1q1q1q1",
        ]
    );
    let deny = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "RequireGuardrail0")
        .unwrap();
    assert_eq!(
        strings(&deny["Condition"]["StringNotLike"]["bedrock:GuardrailIdentifier"]),
        [
            "arn:aws:bedrock:us-east-1:111122223333:guardrail/w7wyb75tiw62",
            "arn:aws:bedrock:us-east-1:111122223333:guardrail/w7wyb75tiw62:*",
            "arn:aws:bedrock:us-west-2:111122223333:guardrail/q1q1q1q1q1q1",
            "arn:aws:bedrock:us-west-2:111122223333:guardrail/q1q1q1q1q1q1:*",
        ]
    );
    // Proved: the live guardrail is allowed, another guardrail of the same account denied.
    let role = &cfg.iam.as_ref().unwrap().roles.as_ref().unwrap()[0];
    let grants = super::role_grants(role);
    let proof =
        crate::policy::prove_with(&cfg, "app", &grants, &doc, "111122223333", &refs).unwrap();
    let failed: Vec<_> = proof.failures().collect();
    assert!(failed.is_empty(), "{failed:#?}");
    for what in [
        "near miss: apply another guardrail of the account",
        "near miss: invoke with another guardrail of the account",
    ] {
        assert!(proof.cases.iter().any(|c| c.what == what), "{what}");
    }
    // The account-wide fallback fails those near misses: the proof can fail.
    let (_, wide) = super::generate_all(&cfg, "111122223333").remove(0);
    let proof =
        crate::policy::prove_with(&cfg, "app", &grants, &wide, "111122223333", &refs).unwrap();
    assert!(proof
        .failures()
        .any(|c| c.what == "near miss: apply another guardrail of the account"));
}

#[test]
fn without_the_live_guardrail_the_fallback_is_unchanged() {
    let (_dir, cfg) = load(STACK_GUARDRAIL);
    let empty = super::generate_all_with(&cfg, "111122223333", &crate::policy::StackRefs::none());
    assert_eq!(empty, super::generate_all(&cfg, "111122223333"));
    assert!(empty[0].1.to_string().contains("guardrail/*"));
}
