//! The canonical attribute document of each resource kind (`Resource::spec`).
//!
//! Both account implementations read and write these shapes, and the planner diffs
//! them as JSON. Lists whose order the service does not keep are sorted by
//! [`normalize`](Normalize::normalize) so that order never shows as a change, and
//! server-side defaults are filled in the same way on both sides.

pub use super::trail::CloudTrailTrailSpec;
use super::Kind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub trait Normalize {
    /// Sort unordered lists and fill server-side defaults.
    fn normalize(&mut self) {}
}

/// `custom_model`: a fine-tuned or imported model of the account (read-only); the
/// resource name is the model name, the id its ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CustomModelSpec {
    /// The foundation model it was customized from (ARN as the service reports it).
    #[serde(default)]
    pub base_model: String,
    /// `FINE_TUNING`, `CONTINUED_PRE_TRAINING`, `DISTILLATION`, `IMPORTED`, … as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customization_type: Option<String>,
}

/// `provisioned_throughput`: the resource name is the provisioned model name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ProvisionedThroughputSpec {
    /// Purchase id or model id/ARN as sent in `modelId`.
    pub model_id: String,
    pub model_units: u32,
    /// `none`, `one_month`, `six_months`.
    pub commitment: String,
    /// When the commitment ends (RFC 3339), read-only; `None` without commitment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_expiration: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GuardrailSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub blocked_input_message: String,
    pub blocked_output_message: String,
    #[serde(default)]
    pub content_filters: Vec<ContentFilterSpec>,
    #[serde(default)]
    pub denied_topics: Vec<TopicSpec>,
    #[serde(default)]
    pub managed_words: Vec<String>,
    #[serde(default)]
    pub custom_words: Vec<String>,
    #[serde(default)]
    pub pii: Vec<PiiSpec>,
    #[serde(default)]
    pub regexes: Vec<RegexSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grounding_threshold: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevance_threshold: Option<f64>,
    /// Whether numbered versions are published when the draft changes. Not an API field:
    /// normalization clears it on both sides, and a cleared flag is not shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub publish_version: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ContentFilterSpec {
    pub r#type: String,
    pub input: String,
    pub output: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TopicSpec {
    pub name: String,
    pub definition: String,
    #[serde(default)]
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PiiSpec {
    pub r#type: String,
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegexSpec {
    pub name: String,
    pub pattern: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

pub use crate::vocab::bedrock::{FILTER_TYPES, MANAGED_WORDS, PII_ACTIONS, PII_TYPES, STRENGTHS};

impl Normalize for GuardrailSpec {
    fn normalize(&mut self) {
        self.content_filters.sort_by(|a, b| a.r#type.cmp(&b.r#type));
        self.denied_topics.sort_by(|a, b| a.name.cmp(&b.name));
        self.managed_words.sort();
        self.custom_words.sort();
        self.pii.sort_by(|a, b| a.r#type.cmp(&b.r#type));
        self.regexes.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

/// `guardrail_version`: a numbered snapshot of a guardrail's draft. The resource name
/// is `<guardrail-name>:<version>`; versions are created, never updated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GuardrailVersionSpec {
    pub guardrail: String,
    /// Number assigned by the service; empty in a desired resource.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// The guardrail configuration the version captured.
    pub snapshot: GuardrailSpec,
}

/// `inference_profile` (application inference profile): fixed at create time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct InferenceProfileSpec {
    /// ARN of the foundation model or system profile it copies.
    pub copy_from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `invocation_logging`: one per region; the resource name is `default`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct InvocationLoggingSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudwatch: Option<CloudWatchLoggingSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3: Option<S3LoggingSpec>,
    pub text: bool,
    pub image: bool,
    pub embedding: bool,
    pub video: bool,
    pub audio: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CloudWatchLoggingSpec {
    pub log_group: String,
    pub role_arn: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct S3LoggingSpec {
    pub bucket: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// `alarm`: a CloudWatch metric alarm on the `AWS/Bedrock` namespace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AlarmSpec {
    pub namespace: String,
    pub metric: String,
    /// `ModelId` when the alarm is for one model.
    #[serde(default)]
    pub dimensions: BTreeMap<String, String>,
    pub statistic: String,
    pub period: u32,
    pub evaluation_periods: u32,
    pub threshold: f64,
    pub comparison: String,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Normalize for AlarmSpec {
    fn normalize(&mut self) {
        self.actions.sort();
        self.actions.dedup();
    }
}

/// `iam_role`: region [`GLOBAL`](super::GLOBAL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct IamRoleSpec {
    pub assume_role_policy: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// Inline policies by name.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, serde_json::Value>,
    /// Attached managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_session_duration: Option<u32>,
}

impl Normalize for IamRoleSpec {
    fn normalize(&mut self) {
        self.managed_policies.sort();
        self.managed_policies.dedup();
    }
}

/// `iam_policy`: a customer managed policy, region [`GLOBAL`](super::GLOBAL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct IamPolicySpec {
    pub document: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `vpc_endpoint`: an interface endpoint for one Bedrock service; the resource name is
/// `NAME/SERVICE` (`private/bedrock-runtime`), the id the endpoint id (`vpce-…`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct VpcEndpointSpec {
    pub vpc_id: String,
    /// `com.amazonaws.REGION.bedrock-runtime` and so on.
    pub service_name: String,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub private_dns: bool,
    /// The endpoint policy document; `None` is the service's full-access default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<serde_json::Value>,
}

impl Normalize for VpcEndpointSpec {
    fn normalize(&mut self) {
        self.subnet_ids.sort();
        self.subnet_ids.dedup();
        self.security_group_ids.sort();
        self.security_group_ids.dedup();
    }
}

// ---- model access (issue 17); the calls' shapes are in `account::access` ----

/// One entry of ListFoundationModelAgreementOffers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AgreementOffer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
    pub offer_token: String,
    /// `termDetails.legalTerm.url`: the EULA the agreement accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_url: Option<String>,
    /// `termDetails.usageBasedPricingTerm.rateCard`, one `dimension: price unit` line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pricing: Vec<String>,
    /// `termDetails.validityTerm.agreementDuration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
}

impl AgreementOffer {
    /// `free` (no legal or pricing terms), `marketplace` (an AWS Marketplace offer: it has
    /// an offer id) or `terms` (a EULA and/or prices to accept).
    pub fn offer_type(&self) -> &'static str {
        if self.offer_id.is_some() {
            "marketplace"
        } else if self.legal_url.is_none() && self.pricing.is_empty() {
            "free"
        } else {
            "terms"
        }
    }
}

/// `model_agreement`: an accepted offer for one model in one region. The resource name
/// is the model id; `status` is GetFoundationModelAvailability's `agreementAvailability`
/// (`PENDING`, `AVAILABLE`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ModelAgreementSpec {
    pub model_id: String,
    /// The model's provider (`Anthropic`, `Meta`, …), from the catalog.
    #[serde(default)]
    pub provider: String,
    /// The offer accepted; empty when read back (the API does not report it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<AgreementOffer>,
    /// `free`, `terms` or `marketplace`; empty when read back.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub offer_type: String,
}

/// `use_case`: the account's form, as the JSON text submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UseCaseSpec {
    pub form_data: String,
    /// Not an API field: the models (`REGION/MODEL`) apply waits for once the form is in,
    /// those that only lacked the form (the others are waited for on their agreement).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wait_for: Vec<String>,
}

/// `enforced_guardrail`: the account's enforced guardrail configuration in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EnforcedGuardrailSpec {
    /// Guardrail ARN (a `${guardrail.REGION.NAME.arn}` placeholder until it exists).
    pub guardrail: String,
    /// Numbered version; [`LATEST_VERSION`] until apply publishes it.
    pub version: String,
}

/// The attributes of a resource: one variant per kind, each the typed shape above,
/// boxed so that a resource stays small whatever its kind. Serialized without a tag (the resource's `kind` says which shape it is), so the
/// JSON of a spec is exactly its typed struct's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Spec {
    CustomModel(Box<CustomModelSpec>),
    ProvisionedThroughput(Box<ProvisionedThroughputSpec>),
    Guardrail(Box<GuardrailSpec>),
    GuardrailVersion(Box<GuardrailVersionSpec>),
    InferenceProfile(Box<InferenceProfileSpec>),
    InvocationLogging(Box<InvocationLoggingSpec>),
    Alarm(Box<AlarmSpec>),
    IamRole(Box<IamRoleSpec>),
    IamPolicy(Box<IamPolicySpec>),
    CloudTrailTrail(Box<CloudTrailTrailSpec>),
    VpcEndpoint(Box<VpcEndpointSpec>),
    ModelAgreement(Box<ModelAgreementSpec>),
    UseCase(Box<UseCaseSpec>),
    EnforcedGuardrail(Box<EnforcedGuardrailSpec>),
}

/// A typed spec struct and the kind whose shape it is.
pub trait KindSpec: Sized + Clone + Into<Spec> {
    const KIND: Kind;
    fn of(spec: &Spec) -> Option<&Self>;
    fn of_mut(spec: &mut Spec) -> Option<&mut Self>;
}

macro_rules! kind_specs {
    ($($variant:ident => $ty:ty),* $(,)?) => {
        $(
            impl From<$ty> for Spec {
                fn from(s: $ty) -> Spec {
                    Spec::$variant(Box::new(s))
                }
            }
            impl KindSpec for $ty {
                const KIND: Kind = Kind::$variant;
                fn of(spec: &Spec) -> Option<&Self> {
                    match spec {
                        Spec::$variant(s) => Some(s),
                        _ => None,
                    }
                }
                fn of_mut(spec: &mut Spec) -> Option<&mut Self> {
                    match spec {
                        Spec::$variant(s) => Some(s),
                        _ => None,
                    }
                }
            }
        )*

        impl Spec {
            /// The kind this spec is the shape of.
            pub fn kind(&self) -> Kind {
                match self {
                    $(Spec::$variant(_) => Kind::$variant,)*
                }
            }

            /// Decode the JSON form of a spec of `kind`.
            pub fn from_value(kind: Kind, v: serde_json::Value) -> Result<Spec, serde_json::Error> {
                Ok(match kind {
                    $(Kind::$variant => Spec::$variant(Box::new(serde_json::from_value(v)?)),)*
                })
            }

            /// [`Spec::from_value`] from borrowed JSON (no copy of the input).
            pub fn from_ref(kind: Kind, v: &serde_json::Value) -> Result<Spec, serde_json::Error> {
                Ok(match kind {
                    $(Kind::$variant => Spec::$variant(Box::new(<$ty>::deserialize(v)?)),)*
                })
            }

            /// An empty spec of `kind` (every field at its default).
            pub fn empty(kind: Kind) -> Spec {
                match kind {
                    $(Kind::$variant => Spec::$variant(Box::default()),)*
                }
            }
        }
    };
}

kind_specs! {
    CustomModel => CustomModelSpec,
    ProvisionedThroughput => ProvisionedThroughputSpec,
    Guardrail => GuardrailSpec,
    GuardrailVersion => GuardrailVersionSpec,
    InferenceProfile => InferenceProfileSpec,
    InvocationLogging => InvocationLoggingSpec,
    Alarm => AlarmSpec,
    IamRole => IamRoleSpec,
    IamPolicy => IamPolicySpec,
    CloudTrailTrail => CloudTrailTrailSpec,
    VpcEndpoint => VpcEndpointSpec,
    ModelAgreement => ModelAgreementSpec,
    UseCase => UseCaseSpec,
    EnforcedGuardrail => EnforcedGuardrailSpec,
}

impl Spec {
    /// The JSON form (what plan output and the sandbox state hold).
    pub fn to_value(&self) -> serde_json::Value {
        // Every spec is plain data with string keys: serializing it cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// This spec with its JSON form edited by `f` (tests and tools that change a
    /// field by name); an edit that breaks the kind's shape is an error.
    pub fn edit(&self, f: impl FnOnce(&mut serde_json::Value)) -> Result<Spec, serde_json::Error> {
        let mut v = self.to_value();
        f(&mut v);
        Spec::from_value(self.kind(), v)
    }

    /// The typed struct of kind `T`, if this spec is one.
    pub fn as_kind<T: KindSpec>(&self) -> Option<&T> {
        T::of(self)
    }
}

/// The compact JSON form.
impl std::fmt::Display for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_value())
    }
}
