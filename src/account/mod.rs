//! The one boundary between bedrockctl and an AWS account.
//!
//! [`Account`] speaks bedrockctl's own types, never SDK types. Two implementations:
//! `aws` (the official `aws-sdk-*` crates) and `sandbox` (a file-backed simulated
//! account that enforces the same rules and limits). Logic above this trait (plan,
//! apply, checks, explain) never knows which one it talks to.
//!
//! Resources are generic: a [`Resource`] is a kind, a region, a name, and a canonical
//! attribute document (`spec`) whose shape per kind is fixed by the types in [`spec`].
//! One engine diffs and applies every kind; only the implementations map specs to APIs.

pub mod access;
pub mod aws;
pub mod error;
pub mod retry;
pub mod sandbox;
pub mod spec;
pub mod trail;

pub use error::AccountError;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::vocab::{
    Kind, ModelStatus, GLOBAL, TAG_MANAGED_BY, TAG_MANAGED_BY_VALUE, TAG_PREVENT_DESTROY, TAG_STACK,
};

/// A resource as the account reports it, or as the config wants it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ResourceRepr")]
pub struct Resource {
    pub kind: Kind,
    /// An AWS region, or [`GLOBAL`] for IAM.
    pub region: String,
    pub name: String,
    /// ARN or service id, assigned by the account; `None` for desired resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Canonical attributes, typed per kind ([`spec::Spec`]).
    pub spec: spec::Spec,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Read-only lifecycle status (`Creating`, `InService`, `READY`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// [`Resource`]'s serialized form: the spec's shape follows from `kind`.
#[derive(Deserialize)]
struct ResourceRepr {
    kind: Kind,
    region: String,
    name: String,
    #[serde(default)]
    id: Option<String>,
    spec: serde_json::Value,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    #[serde(default)]
    status: Option<String>,
}

impl TryFrom<ResourceRepr> for Resource {
    type Error = String;

    fn try_from(r: ResourceRepr) -> Result<Resource, String> {
        let spec = spec::Spec::from_value(r.kind, r.spec)
            .map_err(|e| format!("`{}.{}.{}`: invalid spec: {e}", r.kind, r.region, r.name))?;
        Ok(Resource {
            kind: r.kind,
            region: r.region,
            name: r.name,
            id: r.id,
            spec,
            tags: r.tags,
            status: r.status,
        })
    }
}

impl Resource {
    /// `kind.region.name`, the address plan output uses.
    pub fn address(&self) -> String {
        format!("{}.{}.{}", self.kind, self.region, self.name)
    }

    pub fn is_managed(&self) -> bool {
        self.tags.get(TAG_MANAGED_BY).map(String::as_str) == Some(TAG_MANAGED_BY_VALUE)
    }

    /// The stack that owns this resource, if bedrockctl manages it.
    pub fn stack(&self) -> Option<&str> {
        if self.is_managed() {
            self.tags.get(TAG_STACK).map(String::as_str)
        } else {
            None
        }
    }

    pub fn prevent_destroy(&self) -> bool {
        self.tags.get(TAG_PREVENT_DESTROY).map(String::as_str) == Some("true")
    }
}

/// Organization policies that apply to this account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OrgPolicies {
    pub management_account: bool,
    /// SCP documents per level: root first, then each OU, then the account.
    pub scps: Vec<Vec<serde_json::Value>>,
    /// RCP documents per level, same order.
    #[serde(default)]
    pub rcps: Vec<Vec<serde_json::Value>>,
}

/// One IAM SimulatePrincipalPolicy question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulateRequest {
    pub principal_arn: String,
    pub action: String,
    pub resource_arn: String,
    /// Context entries: key → values (one value for single-valued keys).
    pub context: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulateResult {
    /// `allowed`, `implicitDeny` or `explicitDeny`, as IAM reports it.
    pub decision: String,
    /// Statements IAM says matched (policy id and position when given).
    pub matched_statements: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeKind {
    Converse,
    ConverseStream,
    Embedding,
}

impl ProbeKind {
    /// The bedrock-runtime operation the probe sends.
    pub fn operation(self) -> &'static str {
        match self {
            ProbeKind::Converse => "Converse",
            ProbeKind::ConverseStream => "ConverseStream",
            ProbeKind::Embedding => "InvokeModel",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    /// Model or profile the service resolved the id to, when it says.
    pub resolved: Option<String>,
    pub latency_ms: u64,
    pub output_tokens: Option<u64>,
}

/// Everything bedrockctl does to an account. `region` is an AWS region, or [`GLOBAL`]
/// for IAM kinds. Implementations tag nothing on their own: ownership tags come in the
/// desired resource.
#[async_trait]
pub trait Account: Send + Sync {
    /// 12-digit id of the account the credentials belong to.
    async fn account_id(&self) -> Result<String, AccountError>;

    /// Every resource of `kind` in `region`, managed or not, with tags and status.
    /// Model access is not a resource (see [`Account::model_status`]).
    async fn list(&self, kind: Kind, region: &str) -> Result<Vec<Resource>, AccountError>;

    /// Read one resource by its id; `None` when it does not exist.
    async fn get(
        &self,
        kind: Kind,
        region: &str,
        id: &str,
    ) -> Result<Option<Resource>, AccountError>;

    /// Create `desired` (tags included). The token makes a retried create idempotent.
    async fn create(
        &self,
        desired: &Resource,
        idempotency_token: &str,
    ) -> Result<Resource, AccountError>;

    /// Update `live` in place to match `desired` (spec and tags).
    async fn update(&self, live: &Resource, desired: &Resource) -> Result<Resource, AccountError>;

    async fn delete(&self, live: &Resource) -> Result<(), AccountError>;

    /// Readiness of a model in a region.
    async fn model_status(&self, region: &str, model_id: &str)
        -> Result<ModelStatus, AccountError>;

    /// Models the region offers (ListFoundationModels), each with its readiness for
    /// this account as far as it can be read (GetFoundationModelAvailability).
    async fn list_models(&self, region: &str) -> Result<Vec<ModelStatus>, AccountError>;

    /// SCPs/RCPs that apply to this account; `None` when the caller may not read them.
    async fn org_policies(&self) -> Result<Option<OrgPolicies>, AccountError>;

    /// IAM SimulatePrincipalPolicy for one request.
    async fn simulate(&self, request: &SimulateRequest) -> Result<SimulateResult, AccountError>;

    /// Identity policies of a principal (inline and attached documents) and its boundary.
    async fn principal_policies(
        &self,
        principal_arn: &str,
    ) -> Result<PrincipalPolicies, AccountError>;

    /// The smallest real runtime request.
    async fn probe(
        &self,
        region: &str,
        model_id: &str,
        kind: ProbeKind,
    ) -> Result<ProbeResult, AccountError>;

    /// ListFoundationModelAgreementOffers: the offers the account can accept for a model
    /// in a region (empty when the model needs none). Accounts that cannot read offers
    /// answer as the service does when the caller may not.
    async fn agreement_offers(
        &self,
        region: &str,
        model_id: &str,
    ) -> Result<Vec<access::AgreementOffer>, AccountError> {
        let _ = region;
        Err(AccountError::new(
            "ListFoundationModelAgreementOffers",
            "AccessDeniedException",
            format!("no agreement offers can be read for {model_id} with this account"),
        ))
    }

    /// One Retrieve on knowledge base `kb_id` (bedrock-agent-runtime), the agent-runtime
    /// probe. Accounts without knowledge bases answer as the service does for a missing one.
    async fn probe_knowledge_base(
        &self,
        region: &str,
        kb_id: &str,
    ) -> Result<ProbeResult, AccountError> {
        let _ = region;
        Err(AccountError::new(
            "Retrieve",
            "ResourceNotFoundException",
            format!("Knowledge base {kb_id} is not found."),
        ))
    }

    /// CloudTrail DescribeTrails in `region` with `includeShadowTrails`: the trails of the
    /// region, multi-region trails of other home regions and organization trails.
    async fn describe_trails(&self, region: &str) -> Result<Vec<trail::Trail>, AccountError> {
        let _ = region;
        Err(unsupported("DescribeTrails"))
    }

    /// CloudTrail GetTrailStatus of a trail (by ARN), asked in `region`.
    async fn trail_status(
        &self,
        region: &str,
        trail_arn: &str,
    ) -> Result<trail::TrailStatus, AccountError> {
        let _ = (region, trail_arn);
        Err(unsupported("GetTrailStatus"))
    }

    /// CloudTrail GetEventSelectors of a trail (by ARN), asked in `region`.
    async fn event_selectors(
        &self,
        region: &str,
        trail_arn: &str,
    ) -> Result<trail::EventSelectors, AccountError> {
        let _ = (region, trail_arn);
        Err(unsupported("GetEventSelectors"))
    }
}

fn unsupported(operation: &str) -> AccountError {
    AccountError::new(
        operation,
        "UnsupportedOperationException",
        "this account cannot read CloudTrail",
    )
}

/// What IAM holds for a principal, as documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PrincipalPolicies {
    pub principal_arn: String,
    /// (policy name or ARN, document)
    pub identity: Vec<(String, serde_json::Value)>,
    pub permissions_boundary: Option<(String, serde_json::Value)>,
}
