//! The validated configuration: every user-written value keeps the span it came from,
//! so plan, lint and check output can point at the YAML line responsible.
//!
//! An `Option<Vec<_>>` kind is `None` when its top-level key is absent: the config does
//! not manage that kind at all (design.md, "Which kinds a config manages").

pub use super::tags::Tags;
use crate::span::{SourceId, Span, Spanned};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub type S<T> = Spanned<T>;

/// The top-level keys of the regional kinds, in config order: what needs a region to
/// be listed in, and the sections `import` writes.
pub const REGIONAL_SECTIONS: &[&str] = &[
    "provisioned_throughput",
    "guardrails",
    "inference_profiles",
    "invocation_logging",
    "alarms",
    "vpc_endpoints",
];

#[derive(Debug, Clone)]
pub struct Config {
    /// The config file as the user named it.
    pub path: PathBuf,
    /// The folder relative paths in the config are resolved against.
    pub dir: PathBuf,
    pub source: SourceId,
    pub version: S<u32>,
    pub stack: S<String>,
    pub account: AccountSpec,
    pub models: Option<Vec<ModelReq>>,
    pub provisioned_throughput: Option<Vec<ProvisionedThroughput>>,
    pub guardrails: Option<Vec<Guardrail>>,
    pub inference_profiles: Option<Vec<InferenceProfile>>,
    pub invocation_logging: Option<Vec<InvocationLogging>>,
    pub alarms: Option<Vec<Alarm>>,
    /// Interface VPC endpoints of the Bedrock services (`vpc_endpoints:`).
    pub vpc_endpoints: Option<Vec<VpcEndpoint>>,
    pub iam: Option<Iam>,
    /// SCPs declared in the config for offline checks, one list per organization level.
    pub organization: Option<Organization>,
    pub access_checks: Vec<AccessCheck>,
    /// Service roles Bedrock assumes for batch inference jobs (`batch_roles:`).
    pub batch_roles: Vec<BatchRole>,
    /// `audit:` (CloudTrail coverage); `None` when absent.
    pub audit: Option<Audit>,
    /// `accept_agreements`, `revoke_agreements_on_destroy`, `use_case` (issue 17).
    pub model_access: super::access::AccessSettings,
}

/// `batch_roles[]`: the role a batch inference job passes to Bedrock, generated: trust for
/// `bedrock.amazonaws.com` from this account's jobs, S3 read on `input`, write on
/// `output`, KMS when a key is named, invoke on `models`.
#[derive(Debug, Clone)]
pub struct BatchRole {
    pub name: S<String>,
    /// `s3://BUCKET/PREFIX` the jobs read.
    pub input: S<String>,
    /// `s3://BUCKET/PREFIX` the jobs write.
    pub output: S<String>,
    pub kms_key: Option<S<String>>,
    pub models: Vec<S<String>>,
    /// Where jobs run; default the account's regions.
    pub regions: Vec<S<String>>,
    pub span: Span,
}

/// `audit: { cloudtrail: require | manage, trail: {…} }` (docs/audit.md).
#[derive(Debug, Clone)]
pub struct Audit {
    pub cloudtrail: S<CloudTrailMode>,
    /// Required with `manage`.
    pub trail: Option<AuditTrail>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloudTrailMode {
    /// Report when the account's trails do not record the config's calls.
    Require,
    /// Own a trail that records them (kind `cloudtrail_trail`), and report as `require`.
    Manage,
}

/// `audit.trail`: the trail `manage` owns.
#[derive(Debug, Clone)]
pub struct AuditTrail {
    pub name: S<String>,
    /// The trail's home region.
    pub region: S<String>,
    pub bucket: S<String>,
    pub prefix: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct AccountSpec {
    pub id: Option<S<String>>,
    /// `account.regions` as written; when the config does not write it, the regions the
    /// config uses elsewhere (so nothing is "not listed" and the fan-out still works).
    pub regions: Vec<S<String>>,
    /// Whether `account.regions` is written (only then is it checked and enforced).
    pub regions_declared: bool,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    OnDemand,
    InferenceProfile,
    Provisioned,
    Batch,
}

impl Via {
    pub const ALL: &'static [(&'static str, Via)] = &[
        ("on_demand", Via::OnDemand),
        ("inference_profile", Via::InferenceProfile),
        ("provisioned", Via::Provisioned),
        ("batch", Via::Batch),
    ];

    pub fn as_str(self) -> &'static str {
        Via::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map(|(s, _)| *s)
            .unwrap_or("on_demand")
    }
}

#[derive(Debug, Clone)]
pub struct ModelReq {
    pub id: S<String>,
    pub regions: Vec<S<String>>,
    pub via: S<Via>,
    /// `check` (default) or `manage` (issue 17).
    pub access: S<super::access::AccessMode>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Commitment {
    None,
    OneMonth,
    SixMonths,
}

impl Commitment {
    pub const ALL: &'static [(&'static str, Commitment)] = &[
        ("none", Commitment::None),
        ("one_month", Commitment::OneMonth),
        ("six_months", Commitment::SixMonths),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Commitment::None => "none",
            Commitment::OneMonth => "one_month",
            Commitment::SixMonths => "six_months",
        }
    }

    /// The `CommitmentDuration` wire value; `None` means no commitment (hourly).
    pub fn api_value(self) -> Option<&'static str> {
        match self {
            Commitment::None => None,
            Commitment::OneMonth => Some("OneMonth"),
            Commitment::SixMonths => Some("SixMonths"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ProvisionedThroughput {
    pub name: S<String>,
    pub region: S<String>,
    /// A purchase id (`amazon.nova-lite-v1:0:24k`), a model id, or a custom-model ARN.
    pub model: S<String>,
    pub model_units: S<u32>,
    pub commitment: S<Commitment>,
    pub prevent_destroy: bool,
    pub tags: Tags,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Guardrail {
    pub name: S<String>,
    pub regions: Vec<S<String>>,
    pub description: Option<S<String>>,
    pub blocked_input_message: S<String>,
    pub blocked_output_message: S<String>,
    pub content_filters: Vec<ContentFilter>,
    pub denied_topics: Vec<DeniedTopic>,
    pub words: Option<Words>,
    pub pii: Vec<PiiEntity>,
    pub regexes: Vec<RegexFilter>,
    pub contextual_grounding: Option<Grounding>,
    pub publish_version: bool,
    /// Delete the oldest versions nothing uses when a new one would pass the quota.
    pub prune_versions: bool,
    /// `enforce: account`: the account's enforced guardrail in each of its regions.
    pub enforce: Option<Span>,
    pub prevent_destroy: bool,
    pub tags: Tags,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ContentFilter {
    pub r#type: S<String>,
    pub input: S<String>,
    pub output: S<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct DeniedTopic {
    pub name: S<String>,
    pub definition: S<String>,
    pub examples: Vec<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Words {
    pub managed: Vec<S<String>>,
    pub custom: Vec<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct PiiEntity {
    pub r#type: S<String>,
    pub action: S<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RegexFilter {
    pub name: S<String>,
    pub pattern: S<String>,
    pub action: S<String>,
    pub description: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Grounding {
    pub grounding: Option<S<f64>>,
    pub relevance: Option<S<f64>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct InferenceProfile {
    pub name: S<String>,
    pub region: S<String>,
    /// A model id, a system profile id, or an ARN of either.
    pub copy_from: S<String>,
    pub description: Option<S<String>>,
    pub tags: Tags,
    pub prevent_destroy: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct InvocationLogging {
    pub region: S<String>,
    pub cloudwatch: Option<CloudWatchLogging>,
    pub s3: Option<S3Logging>,
    /// text | image | embedding | video | audio
    pub data: Vec<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CloudWatchLogging {
    pub log_group: S<String>,
    /// A role of this config (by name) or a role ARN.
    pub role: S<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct S3Logging {
    pub bucket: S<String>,
    pub prefix: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Alarm {
    pub name: S<String>,
    pub region: S<String>,
    pub metric: S<String>,
    pub model: Option<S<String>>,
    pub statistic: S<String>,
    pub period: S<u32>,
    pub evaluation_periods: S<u32>,
    pub threshold: S<f64>,
    pub comparison: S<String>,
    pub actions: Vec<S<String>>,
    pub description: Option<S<String>>,
    pub prevent_destroy: bool,
    pub span: Span,
}

/// `vpc_endpoints[]`: one interface endpoint per service, all in one VPC and region.
#[derive(Debug, Clone)]
pub struct VpcEndpoint {
    pub name: S<String>,
    pub region: S<String>,
    pub vpc_id: S<String>,
    pub subnet_ids: Vec<S<String>>,
    pub security_group_ids: Vec<S<String>>,
    /// `bedrock-runtime`, `bedrock`, `bedrock-agent-runtime`, `bedrock-agent`.
    pub services: Vec<S<String>>,
    /// Default `true`.
    pub private_dns: S<bool>,
    /// `None`: the service's default policy (full access).
    pub policy: Option<EndpointPolicy>,
    pub tags: Tags,
    pub prevent_destroy: bool,
    pub span: Span,
}

/// `vpc_endpoints[].policy`.
#[derive(Debug, Clone)]
pub enum EndpointPolicy {
    /// `{ file: PATH }`: the document as written.
    File(PolicyFile),
    /// `{ roles: [ROLE, …] }`: generated from those roles' grants.
    Roles { roles: Vec<S<String>>, span: Span },
}

#[derive(Debug, Clone)]
pub struct Iam {
    pub policies: Option<Vec<ManagedPolicy>>,
    pub roles: Option<Vec<Role>>,
    pub span: Span,
}

/// A policy JSON file named in the config, loaded and parsed.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// The path as written in the config, with the span of that value.
    pub path: S<String>,
    pub source: SourceId,
    /// The document as JSON (parsed and checked by `iam::parse_policy`).
    pub document: serde_json::Value,
}

#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub name: S<String>,
    pub file: PolicyFile,
    pub description: Option<S<String>>,
    pub prevent_destroy: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: S<String>,
    pub assume_role_policy: PolicyFile,
    /// A managed policy of this config (by name) or a policy ARN.
    pub permissions_boundary: Option<S<String>>,
    pub policies: Vec<RolePolicy>,
    pub description: Option<S<String>>,
    pub max_session_duration: Option<S<u32>>,
    pub tags: Tags,
    pub prevent_destroy: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum RolePolicy {
    /// Inline policy from a JSON file.
    File(PolicyFile),
    /// Generated least-privilege inline policy.
    Grants { grants: Vec<Grant>, span: Span },
    /// Attach a managed policy: one of this config (by name) or an ARN.
    Managed(S<String>),
}

#[derive(Debug, Clone)]
pub struct Grant {
    /// Model ids or system profile ids.
    pub invoke: Vec<S<String>>,
    pub regions: Vec<S<String>>,
    /// Defaults to how `models:` lists the model, else `on_demand`.
    pub via: Option<S<Via>>,
    pub streaming: bool,
    /// A guardrail of this config (by name) or a guardrail ARN the role may apply.
    pub guardrail: Option<S<String>>,
    /// `require_guardrail: true`: invoke requests without that guardrail are denied.
    pub require_guardrail: Option<S<bool>>,
    /// Restrict to these VPC endpoints (`aws:SourceVpce`).
    pub source_vpce: Vec<S<String>>,
    /// For `via: batch`: the service role Bedrock assumes (name of a role here, or ARN).
    pub batch_role: Option<S<String>>,
    /// A `provisioned_throughput` entry of this config: `via: provisioned` on its ARN only.
    pub provisioned: Option<S<String>>,
    /// An `inference_profiles` entry of this config: its ARN and the models it routes to.
    pub profile: Option<S<String>>,
    /// Agent aliases the caller may invoke: alias ARNs or `AGENT_ID/ALIAS_ID`.
    pub agent: Vec<S<String>>,
    /// Knowledge bases the caller may query: ids or ARNs.
    pub knowledge_base: Vec<S<String>>,
    /// With `knowledge_base`: the model RetrieveAndGenerate answers with.
    pub generate_with: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Organization {
    /// Whether this account is the organization's management account (SCPs do not apply).
    pub management_account: bool,
    /// SCP files per level: root first, then each OU, then the account.
    pub scps: Vec<Vec<PolicyFile>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ContextValue {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct AccessCheck {
    /// `role/NAME` of this config, or a principal ARN.
    pub principal: S<String>,
    pub action: S<String>,
    /// A model id, a profile id, or an ARN.
    pub model: S<String>,
    pub region: S<String>,
    pub expect: S<Expect>,
    pub context: BTreeMap<String, ContextValue>,
    /// `through: NAME`: the request goes through that `vpc_endpoints` entry's endpoint.
    pub through: Option<S<String>>,
    /// A batch job check: the caller starts a job with this service role, reading
    /// `input` and writing `output`.
    pub batch: Option<BatchCheck>,
    pub span: Span,
}

/// `access_checks[].batch`.
#[derive(Debug, Clone)]
pub struct BatchCheck {
    pub role: S<String>,
    pub input: S<String>,
    pub output: S<String>,
    pub span: Span,
}

impl Config {
    /// Regions the config uses for a kind-independent fan-out (account.regions).
    pub fn regions(&self) -> impl Iterator<Item = &str> {
        self.account.regions.iter().map(|r| r.value.as_str())
    }

    pub fn role(&self, name: &str) -> Option<&Role> {
        self.iam
            .as_ref()
            .and_then(|i| i.roles.as_ref())
            .and_then(|rs| rs.iter().find(|r| r.name.value == name))
    }

    pub fn managed_policy(&self, name: &str) -> Option<&ManagedPolicy> {
        self.iam
            .as_ref()
            .and_then(|i| i.policies.as_ref())
            .and_then(|ps| ps.iter().find(|p| p.name.value == name))
    }

    pub fn guardrail(&self, name: &str) -> Option<&Guardrail> {
        self.guardrails
            .as_ref()
            .and_then(|gs| gs.iter().find(|g| g.name.value == name))
    }

    pub fn vpc_endpoint(&self, name: &str) -> Option<&VpcEndpoint> {
        self.vpc_endpoints
            .iter()
            .flatten()
            .find(|e| e.name.value == name)
    }

    pub fn inference_profile(&self, name: &str) -> Option<&InferenceProfile> {
        self.inference_profiles
            .iter()
            .flatten()
            .find(|p| p.name.value == name)
    }
}
