//! The words every layer shares, defined once and depending on nothing else of
//! bedrockctl: resource kinds, the ownership tag keys, model readiness, the Bedrock
//! enums and limits config validation and the sandbox both enforce ([`bedrock`]),
//! ARNs and their builders ([`arn`]), and the account id used where none is known.

pub mod arn;
pub mod bedrock;
pub mod vpc_endpoint;

use serde::{Deserialize, Serialize};

/// The account id offline checks, generated policies and a new sandbox use when the
/// config pins none (the documentation account of the AWS guides).
pub const DEFAULT_ACCOUNT_ID: &str = "111122223333";

/// Region value used for account-global resources (IAM).
pub const GLOBAL: &str = "global";

/// Ownership tags (design.md).
pub const TAG_MANAGED_BY: &str = "managed-by";
pub const TAG_MANAGED_BY_VALUE: &str = "bedrockctl";
pub const TAG_STACK: &str = "bedrockctl:stack";
/// Fingerprint of what apply last wrote, kept on the resource (`plan::applied`).
pub const TAG_APPLIED: &str = "bedrockctl:applied";
pub const TAG_PREVENT_DESTROY: &str = "bedrockctl:prevent-destroy";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    ProvisionedThroughput,
    Guardrail,
    GuardrailVersion,
    InferenceProfile,
    InvocationLogging,
    Alarm,
    IamRole,
    IamPolicy,
    /// A custom (fine-tuned or imported) model of the account: read-only inventory.
    CustomModel,
    /// A CloudTrail trail the stack owns (`audit.cloudtrail: manage`).
    #[serde(rename = "cloudtrail_trail")]
    CloudTrailTrail,
    /// An EC2 interface VPC endpoint for one Bedrock service (`NAME/SERVICE`).
    VpcEndpoint,
    /// An accepted foundation-model agreement offer (name: the model id).
    ModelAgreement,
    /// The account's Anthropic use-case form (global, name `default`).
    UseCase,
    /// The account-level enforced guardrail configuration of a region (name `default`).
    EnforcedGuardrail,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::ProvisionedThroughput,
        Kind::Guardrail,
        Kind::GuardrailVersion,
        Kind::InferenceProfile,
        Kind::InvocationLogging,
        Kind::Alarm,
        Kind::IamRole,
        Kind::IamPolicy,
        Kind::CustomModel,
        Kind::CloudTrailTrail,
        Kind::VpcEndpoint,
        Kind::ModelAgreement,
        Kind::UseCase,
        Kind::EnforcedGuardrail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ProvisionedThroughput => "provisioned_throughput",
            Kind::Guardrail => "guardrail",
            Kind::GuardrailVersion => "guardrail_version",
            Kind::InferenceProfile => "inference_profile",
            Kind::InvocationLogging => "invocation_logging",
            Kind::Alarm => "alarm",
            Kind::IamRole => "iam_role",
            Kind::IamPolicy => "iam_policy",
            Kind::CustomModel => "custom_model",
            Kind::CloudTrailTrail => "cloudtrail_trail",
            Kind::VpcEndpoint => "vpc_endpoint",
            Kind::ModelAgreement => "model_agreement",
            Kind::UseCase => "use_case",
            Kind::EnforcedGuardrail => "enforced_guardrail",
        }
    }

    /// IAM is account-global; everything else lives in one region.
    pub fn is_global(self) -> bool {
        matches!(self, Kind::IamRole | Kind::IamPolicy | Kind::UseCase)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Model readiness in one region, from the catalog and the live account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ModelStatus {
    pub model_id: String,
    pub region: String,
    /// False when the id does not exist in the region.
    pub exists: bool,
    /// `ACTIVE`, `LEGACY`, … (unknown values pass through).
    pub lifecycle: Option<String>,
    /// `ON_DEMAND`, `PROVISIONED`, `INFERENCE_PROFILE`, … (unknown values pass through).
    pub inference_types: Vec<String>,
    /// GetFoundationModelAvailability fields; `None` when not readable.
    pub agreement: Option<String>,
    pub authorization: Option<String>,
    pub entitlement: Option<String>,
    pub region_availability: Option<String>,
}

impl ModelStatus {
    /// Ready to invoke: exists, authorized, entitled, agreement in place, region available.
    pub fn is_ready(&self) -> bool {
        self.exists
            && self
                .authorization
                .as_deref()
                .is_none_or(|a| a == "AUTHORIZED")
            && self.entitlement.as_deref().is_none_or(|e| e == "AVAILABLE")
            && self
                .agreement
                .as_deref()
                .is_none_or(|a| a == "AVAILABLE" || a == "NOT_APPLICABLE")
            && self
                .region_availability
                .as_deref()
                .is_none_or(|r| r == "AVAILABLE")
    }
}
