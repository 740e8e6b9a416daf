//! End-to-end unit tests of `explain` on whole messages, the never-panics property, and
//! deep mode against a fake account.

use super::*;
use crate::account::{
    Account, AccountError, Kind, ModelStatus, OrgPolicies, PrincipalPolicies, ProbeKind,
    ProbeResult, Resource, SimulateRequest, SimulateResult,
};
use async_trait::async_trait;
use proptest::prelude::*;
use serde_json::json;

const ROLE_SESSION: &str = "arn:aws:sts::111122223333:assumed-role/app/s1";
const FM: &str = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0";

fn denial(tail: &str) -> String {
    format!(
        "User: {ROLE_SESSION} is not authorized to perform: bedrock:InvokeModel on resource: {FM}{tail}"
    )
}

#[test]
fn json_has_every_key_in_order() {
    let d = explain("hello");
    let v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
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
            "commands"
        ]
    );
    assert_eq!(v["explicit_deny"], serde_json::Value::Null);
}

#[test]
fn operation_becomes_the_iam_action() {
    for (op, action) in [
        ("InvokeModel", "bedrock:InvokeModel"),
        ("Converse", "bedrock:InvokeModel"),
        (
            "InvokeModelWithResponseStream",
            "bedrock:InvokeModelWithResponseStream",
        ),
        ("ConverseStream", "bedrock:InvokeModelWithResponseStream"),
    ] {
        let d = explain(&format!(
            "An error occurred (AccessDeniedException) when calling the {op} operation: You don't have access to the model with the specified model ID."
        ));
        assert_eq!(d.action.as_deref(), Some(action), "{op}");
        assert_eq!(d.category, Category::ModelAccess);
    }
}

#[test]
fn iam_action_wins_over_operation() {
    let d = explain(&format!(
        "An error occurred (AccessDeniedException) when calling the Converse operation: User: {ROLE_SESSION} is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: {FM}"
    ));
    assert_eq!(
        d.action.as_deref(),
        Some("bedrock:InvokeModelWithResponseStream")
    );
}

#[test]
fn assumed_role_reports_the_role_arn() {
    let d = explain(&denial(
        " because no identity-based policy allows the bedrock:InvokeModel action",
    ));
    assert_eq!(d.principal.as_deref(), Some(ROLE_SESSION));
    let role = "arn:aws:iam::111122223333:role/app";
    assert!(d.causes.iter().any(|c| c.contains(role)));
    assert!(d
        .commands
        .iter()
        .any(|c| c.contains(&format!("--policy-source-arn {role}"))));
}

#[test]
fn on_demand_names_the_profile_for_the_region() {
    let d = explain_with(
        "Invocation of model ID anthropic.claude-3-5-sonnet-20240620-v1:0 with on-demand throughput isn't supported.",
        &Hints {
            region: Some("ap-northeast-1".into()),
            ..Hints::default()
        },
    );
    assert_eq!(d.category, Category::OnDemandNotSupported);
    assert!(
        d.fixes[0].contains("`apac.anthropic.claude-3-5-sonnet-20240620-v1:0`"),
        "{:?}",
        d.fixes
    );
}

#[test]
fn message_region_wins_over_hint() {
    let d = explain_with(
        &denial(""),
        &Hints {
            region: Some("eu-west-1".into()),
            ..Hints::default()
        },
    );
    assert_eq!(d.region.as_deref(), Some("us-east-1"));
}

#[test]
fn invalid_id_suggests_and_lists_regions() {
    let d = explain("ValidationException: 1 validation error detected: Value 'amazon.nova-lite-v1' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern: x");
    assert_eq!(d.category, Category::InvalidModelId);
    assert_eq!(d.model_id.as_deref(), Some("amazon.nova-lite-v1"));
    assert!(d.fixes.iter().any(|f| f.contains("amazon.nova-lite-v1:0")));
    assert!(d.fixes.iter().any(|f| f.contains("is offered in")));
}

#[test]
fn real_id_in_wrong_region() {
    let d = explain_with(
        "ValidationException: The provided model identifier is invalid. modelId=eu.amazon.nova-micro-v1:0",
        &Hints {
            region: Some("us-east-1".into()),
            ..Hints::default()
        },
    );
    assert_eq!(d.category, Category::InvalidModelId);
    assert!(
        d.causes
            .iter()
            .any(|c| c.contains("cannot be called from `us-east-1`")),
        "{:?}",
        d.causes
    );
}

#[test]
fn newer_form_policy_arn_is_kept_out_of_resource() {
    let d = explain(&denial(
        " with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-x/service_control_policy/p-abc",
    ));
    assert_eq!(d.resource.as_deref(), Some(FM));
    assert_eq!(d.policy_type, Some(PolicyType::Scp));
    assert_eq!(d.explicit_deny, Some(true));
    assert!(d
        .commands
        .iter()
        .any(|c| c == "aws organizations describe-policy --policy-id p-abc"));
}

#[test]
fn text_rendering_has_sections() {
    let t = render_text(&explain(&denial(
        " because no permissions boundary allows the bedrock:InvokeModel action",
    )));
    assert!(t.starts_with("access_denied: "));
    for section in [
        "\nevidence:\n",
        "\ncauses:\n",
        "\nfixes:\n",
        "\ncommands to confirm:\n",
    ] {
        assert!(t.contains(section), "{section} missing in\n{t}");
    }
    assert!(t.contains("`permissions_boundary` (implicit deny"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,400}") {
        let d = explain(&s);
        prop_assert!(!d.causes.is_empty());
        prop_assert!(!d.fixes.is_empty());
        let _ = render_text(&d);
        let _ = d.to_json();
    }

    #[test]
    fn mangled_denials_never_panic(
        cut in 0usize..400,
        noise in "[ :/*'\".a-z0-9\n]{0,40}",
    ) {
        let full = denial(" with an explicit deny in a service control policy: arn:aws:organizations::1:policy/p-1");
        let cut = full.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(full.len());
        let d = explain(&format!("{}{noise}", &full[..cut]));
        prop_assert!(!d.causes.is_empty());
    }
}

// ---- deep mode ----------------------------------------------------------------------

#[derive(Default)]
struct FakeAccount {
    identity: Vec<(String, serde_json::Value)>,
    boundary: Option<(String, serde_json::Value)>,
    org: Option<OrgPolicies>,
    status: Option<ModelStatus>,
    policies_error: bool,
}

fn unsupported(op: &str) -> AccountError {
    AccountError::new(op, "NotImplemented", "not in the fake")
}

#[async_trait]
impl Account for FakeAccount {
    async fn account_id(&self) -> Result<String, AccountError> {
        Ok("111122223333".into())
    }
    async fn list(&self, _: Kind, _: &str) -> Result<Vec<Resource>, AccountError> {
        Err(unsupported("List"))
    }
    async fn get(&self, _: Kind, _: &str, _: &str) -> Result<Option<Resource>, AccountError> {
        Err(unsupported("Get"))
    }
    async fn create(&self, _: &Resource, _: &str) -> Result<Resource, AccountError> {
        Err(unsupported("Create"))
    }
    async fn update(&self, _: &Resource, _: &Resource) -> Result<Resource, AccountError> {
        Err(unsupported("Update"))
    }
    async fn delete(&self, _: &Resource) -> Result<(), AccountError> {
        Err(unsupported("Delete"))
    }
    async fn model_status(
        &self,
        region: &str,
        model_id: &str,
    ) -> Result<ModelStatus, AccountError> {
        self.status
            .clone()
            .map(|mut s| {
                s.region = region.into();
                s.model_id = model_id.into();
                s
            })
            .ok_or_else(|| unsupported("GetFoundationModelAvailability"))
    }
    async fn list_models(&self, _: &str) -> Result<Vec<ModelStatus>, AccountError> {
        Err(unsupported("ListFoundationModels"))
    }
    async fn org_policies(&self) -> Result<Option<OrgPolicies>, AccountError> {
        Ok(self.org.clone())
    }
    async fn simulate(&self, _: &SimulateRequest) -> Result<SimulateResult, AccountError> {
        Err(unsupported("SimulatePrincipalPolicy"))
    }
    async fn principal_policies(&self, arn: &str) -> Result<PrincipalPolicies, AccountError> {
        if self.policies_error {
            return Err(AccountError::new(
                "GetRole",
                "NoSuchEntity",
                "role not found",
            ));
        }
        Ok(PrincipalPolicies {
            principal_arn: arn.into(),
            identity: self.identity.clone(),
            permissions_boundary: self.boundary.clone(),
        })
    }
    async fn probe(&self, _: &str, _: &str, _: ProbeKind) -> Result<ProbeResult, AccountError> {
        Err(unsupported("Converse"))
    }
}

async fn deep_causes(message: &str, account: &FakeAccount) -> Vec<String> {
    let mut d = explain(message);
    deep::investigate(&d, account, &super::iam_adapter::IamEvaluator)
        .await
        .apply(&mut d);
    d.causes
}

fn allow_all() -> (String, serde_json::Value) {
    (
        "AppAccess".into(),
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}]}),
    )
}

#[tokio::test]
async fn deep_names_the_denying_statement() {
    let account = FakeAccount {
        identity: vec![
            allow_all(),
            (
                "NoNova".into(),
                json!({"Statement": [{"Sid": "DenyNova", "Effect": "Deny", "Action": "bedrock:InvokeModel*", "Resource": "arn:aws:bedrock:*::foundation-model/amazon.nova-*"}]}),
            ),
        ],
        ..FakeAccount::default()
    };
    let causes = deep_causes(
        &denial(" with an explicit deny in an identity-based policy"),
        &account,
    )
    .await;
    assert!(
        causes[0].contains("statement `DenyNova` of `NoNova`"),
        "{causes:?}"
    );
}

#[tokio::test]
async fn deep_names_the_missing_allow() {
    let account = FakeAccount {
        identity: vec![(
            "S3Only".into(),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
        )],
        ..FakeAccount::default()
    };
    let causes = deep_causes(
        &denial(" because no identity-based policy allows the bedrock:InvokeModel action"),
        &account,
    )
    .await;
    assert!(
        causes[0].contains("none of the identity policies") && causes[0].contains("`S3Only`"),
        "{causes:?}"
    );
    assert!(
        !causes.iter().any(|c| c.contains("disagrees")),
        "{causes:?}"
    );
}

#[tokio::test]
async fn deep_says_when_the_account_now_allows() {
    let account = FakeAccount {
        identity: vec![allow_all()],
        ..FakeAccount::default()
    };
    let causes = deep_causes(
        &denial(" because no identity-based policy allows the bedrock:InvokeModel action"),
        &account,
    )
    .await;
    assert!(causes[0].contains("now allow"), "{causes:?}");
    assert!(causes
        .iter()
        .any(|c| c.contains("disagrees with the message")));
}

#[tokio::test]
async fn deep_finds_the_scp_level() {
    let account = FakeAccount {
        identity: vec![allow_all()],
        org: Some(OrgPolicies {
            management_account: false,
            scps: vec![
                vec![json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})],
                vec![
                    json!({"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}),
                ],
            ],
            rcps: vec![],
        }),
        ..FakeAccount::default()
    };
    let causes = deep_causes(
        &denial(" because no identity-based policy allows the bedrock:InvokeModel action"),
        &account,
    )
    .await;
    assert!(causes[0].contains("`scp level 1`"), "{causes:?}");
    assert!(causes.iter().any(|c| c.contains("disagrees")), "{causes:?}");
}

#[tokio::test]
async fn deep_reports_model_status_and_account_errors() {
    let account = FakeAccount {
        policies_error: true,
        status: Some(ModelStatus {
            exists: true,
            lifecycle: Some("ACTIVE".into()),
            agreement: Some("NOT_AVAILABLE".into()),
            authorization: Some("NOT_AUTHORIZED".into()),
            ..ModelStatus::default()
        }),
        ..FakeAccount::default()
    };
    let causes = deep_causes(
        &denial(" because no identity-based policy allows the bedrock:InvokeModel action"),
        &account,
    )
    .await;
    assert!(causes
        .iter()
        .any(|c| c.contains("could not read the policies")));
    assert!(
        causes
            .iter()
            .any(|c| c.contains("authorization `NOT_AUTHORIZED`")
                && c.contains("agreement `NOT_AVAILABLE`")),
        "{causes:?}"
    );
}

#[tokio::test]
async fn deep_model_access_ready_now() {
    let account = FakeAccount {
        status: Some(ModelStatus {
            exists: true,
            lifecycle: Some("ACTIVE".into()),
            ..ModelStatus::default()
        }),
        ..FakeAccount::default()
    };
    let mut d = explain_with(
        "AccessDeniedException: You don't have access to the model with the specified model ID.",
        &Hints {
            region: Some("us-east-1".into()),
            model_id: Some("us.amazon.nova-lite-v1:0".into()),
            operation: Some("Converse".into()),
        },
    );
    deep::investigate(&d, &account, &super::iam_adapter::IamEvaluator)
        .await
        .apply(&mut d);
    assert!(
        d.causes[0]
            .contains("`amazon.nova-lite-v1:0` is available to this account in `us-east-1` now"),
        "{:?}",
        d.causes
    );
}

#[test]
fn probe_failure_fills_request_facts() {
    let e = AccountError::new(
        "Converse",
        "ValidationException",
        "Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
    );
    let d = probe_failure(
        &e,
        "eu-west-1",
        "anthropic.claude-sonnet-4-20250514-v1:0",
        ProbeKind::ConverseStream,
    );
    assert_eq!(d.category, Category::OnDemandNotSupported);
    assert_eq!(d.region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        d.action.as_deref(),
        Some("bedrock:InvokeModelWithResponseStream")
    );
    assert!(
        d.fixes[0].contains("`eu.anthropic.claude-sonnet-4-20250514-v1:0`"),
        "{:?}",
        d.fixes
    );

    let e = AccountError::new(
        "InvokeModel",
        "ThrottlingException",
        "Too many tokens, please wait before trying again.",
    );
    let d = probe_failure(
        &e,
        "us-east-1",
        "amazon.titan-embed-text-v2:0",
        ProbeKind::Embedding,
    );
    assert_eq!(d.category, Category::Throttling);
    assert_eq!(d.action.as_deref(), Some("bedrock:InvokeModel"));
    assert_eq!(d.model_id.as_deref(), Some("amazon.titan-embed-text-v2:0"));
}

#[tokio::test]
async fn deep_checks_profile_destination_legs() {
    // Allows the profile and us-east-1 only; the us profile also routes to us-west-2.
    let account = FakeAccount {
        identity: vec![(
            "Narrow".into(),
            json!({"Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": [
                "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0",
                "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"
            ]}]}),
        )],
        ..FakeAccount::default()
    };
    let causes = deep_causes(
        &format!("User: {ROLE_SESSION} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0"),
        &account,
    )
    .await;
    assert!(
        causes
            .iter()
            .any(|c| c.contains("refused in destination region(s) `us-west-2`")),
        "{causes:#?}"
    );
}
