//! The real AWS account through the official SDK.
//!
//! [`connect`] loads the standard credential chain (env, `--profile`/`AWS_PROFILE`,
//! SSO, credential_process, IMDS), the region (`--region`, env, profile) and
//! `AWS_ENDPOINT_URL` (test endpoints), with the adaptive retry mode. Clients are
//! created per service and region on first use and reused (see [`clients`]).
//!
//! One file per service maps the canonical specs of [`crate::account::spec`] to
//! and from SDK calls; SDK types never leave this module. Every SDK operation the
//! module calls is listed with its IAM action in [`permissions`], which the
//! `policies/bedrockctl-*.json` files are checked against.
//!
//! Architecture invariant: only `account/aws` imports `aws-sdk-*`.

mod access;
mod alarms;
pub mod clients;
mod cloudtrail;
mod custom;
mod error;
mod guardrails;
mod iam;
mod logging;
mod models;
mod org;
pub mod permissions;
mod profiles;
mod pt;
pub mod redact;
mod runtime;
mod tags;
mod vpc_endpoints;

use super::spec::KindSpec;
use super::{
    Account, AccountError, Kind, ModelStatus, OrgPolicies, PrincipalPolicies, ProbeKind,
    ProbeResult, Resource, SimulateRequest, SimulateResult, GLOBAL,
};
use async_trait::async_trait;
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use aws_types::SdkConfig;
pub use clients::{is_loopback, RequestRecord};
use clients::{service_client, ClientExtras, ClientMap, Guard, GuardInterceptor};
pub use error::{CREDENTIALS_HINT, NO_CREDENTIALS};
use futures::StreamExt;
use std::sync::Arc;

/// How many requests one call fans out at once (regions, per-resource reads).
pub const CONCURRENCY: usize = 4;

/// Region used for account-global services (IAM, STS, Organizations) when the
/// configuration names none.
const FALLBACK_REGION: &str = "us-east-1";

/// Connect with the standard credential chain (env, profile, SSO, IMDS).
///
/// Nothing is sent yet: credentials are resolved on the first request.
pub async fn connect(
    profile: Option<&str>,
    region: Option<&str>,
) -> Result<Box<dyn Account>, AccountError> {
    Ok(Box::new(AwsAccount::connect(profile, region).await?))
}

/// The [`Account`] backed by AWS. Built by [`connect`], or by
/// [`AwsAccount::from_sdk_config`] when the caller brings its own configuration
/// (tests: a mock HTTP client and interceptors).
pub struct AwsAccount {
    sdk: SdkConfig,
    home_region: String,
    extras: ClientExtras,
    guard: Arc<Guard>,
    bedrock: ClientMap<aws_sdk_bedrock::Client>,
    runtime: ClientMap<aws_sdk_bedrockruntime::Client>,
    agent_runtime: ClientMap<aws_sdk_bedrockagentruntime::Client>,
    cloudwatch: ClientMap<aws_sdk_cloudwatch::Client>,
    cloudtrail: ClientMap<aws_sdk_cloudtrail::Client>,
    ec2: ClientMap<aws_sdk_ec2::Client>,
    iam: ClientMap<aws_sdk_iam::Client>,
    sts: ClientMap<aws_sdk_sts::Client>,
    organizations: ClientMap<aws_sdk_organizations::Client>,
    account_id: tokio::sync::OnceCell<String>,
}

impl AwsAccount {
    /// [`connect`], keeping the concrete type (for [`AwsAccount::requests`]).
    pub async fn connect(
        profile: Option<&str>,
        region: Option<&str>,
    ) -> Result<Self, AccountError> {
        let sdk = clients::load_sdk_config(profile, region).await;
        Ok(AwsAccount::from_sdk_config(sdk, Vec::new()))
    }

    /// An account over an already loaded SDK configuration. `interceptors` are
    /// added to every client (after bedrockctl's own request guard).
    pub fn from_sdk_config(sdk: SdkConfig, interceptors: Vec<SharedInterceptor>) -> Self {
        let guard = Arc::new(Guard::from_env());
        let mut all = vec![SharedInterceptor::new(GuardInterceptor(guard.clone()))];
        all.extend(interceptors);
        let home_region = sdk
            .region()
            .map(|r| r.as_ref().to_string())
            .unwrap_or_else(|| FALLBACK_REGION.to_string());
        AwsAccount {
            sdk,
            home_region,
            extras: ClientExtras { interceptors: all },
            guard,
            bedrock: ClientMap::new(),
            runtime: ClientMap::new(),
            agent_runtime: ClientMap::new(),
            cloudwatch: ClientMap::new(),
            cloudtrail: ClientMap::new(),
            ec2: ClientMap::new(),
            iam: ClientMap::new(),
            sts: ClientMap::new(),
            organizations: ClientMap::new(),
            account_id: tokio::sync::OnceCell::new(),
        }
    }

    /// The SDK configuration in use (region, endpoint, retry settings).
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.sdk
    }

    /// Every request sent so far: service, operation and host.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.guard.records()
    }

    /// `list` over several regions at once, at most [`CONCURRENCY`] in flight;
    /// results in the order of `regions`.
    pub async fn list_regions(
        &self,
        kind: Kind,
        regions: &[String],
    ) -> Result<Vec<Resource>, AccountError> {
        let results: Vec<Result<Vec<Resource>, AccountError>> = futures::stream::iter(regions)
            .map(|r| self.list(kind, r))
            .buffered(CONCURRENCY)
            .collect()
            .await;
        let mut out = Vec::new();
        for r in results {
            out.extend(r?);
        }
        Ok(out)
    }

    fn region_of<'a>(&'a self, region: &'a str) -> &'a str {
        if region == GLOBAL || region.is_empty() {
            &self.home_region
        } else {
            region
        }
    }

    pub(crate) fn bedrock(&self, region: &str) -> Result<aws_sdk_bedrock::Client, AccountError> {
        let region = self.region_of(region);
        self.bedrock.get_or_create(region, || {
            service_client!(aws_sdk_bedrock, &self.sdk, region, self.extras)
        })
    }

    pub(crate) fn runtime(
        &self,
        region: &str,
    ) -> Result<aws_sdk_bedrockruntime::Client, AccountError> {
        let region = self.region_of(region);
        self.runtime.get_or_create(region, || {
            service_client!(aws_sdk_bedrockruntime, &self.sdk, region, self.extras)
        })
    }

    pub(crate) fn agent_runtime(
        &self,
        region: &str,
    ) -> Result<aws_sdk_bedrockagentruntime::Client, AccountError> {
        let region = self.region_of(region);
        self.agent_runtime.get_or_create(region, || {
            service_client!(aws_sdk_bedrockagentruntime, &self.sdk, region, self.extras)
        })
    }

    pub(crate) fn cloudwatch(
        &self,
        region: &str,
    ) -> Result<aws_sdk_cloudwatch::Client, AccountError> {
        let region = self.region_of(region);
        self.cloudwatch.get_or_create(region, || {
            service_client!(aws_sdk_cloudwatch, &self.sdk, region, self.extras)
        })
    }

    pub(crate) fn cloudtrail(
        &self,
        region: &str,
    ) -> Result<aws_sdk_cloudtrail::Client, AccountError> {
        let region = self.region_of(region);
        self.cloudtrail.get_or_create(region, || {
            service_client!(aws_sdk_cloudtrail, &self.sdk, region, self.extras)
        })
    }

    /// IAM is global: one client in the home region.
    pub(crate) fn ec2(&self, region: &str) -> Result<aws_sdk_ec2::Client, AccountError> {
        let region = self.region_of(region);
        self.ec2.get_or_create(region, || {
            service_client!(aws_sdk_ec2, &self.sdk, region, self.extras)
        })
    }

    pub(crate) fn iam(&self) -> Result<aws_sdk_iam::Client, AccountError> {
        let region = self.home_region.as_str();
        self.iam.get_or_create(region, || {
            service_client!(aws_sdk_iam, &self.sdk, region, self.extras)
        })
    }

    pub(crate) fn sts(&self) -> Result<aws_sdk_sts::Client, AccountError> {
        let region = self.home_region.as_str();
        self.sts.get_or_create(region, || {
            service_client!(aws_sdk_sts, &self.sdk, region, self.extras)
        })
    }

    pub(crate) fn organizations(&self) -> Result<aws_sdk_organizations::Client, AccountError> {
        let region = self.home_region.as_str();
        self.organizations.get_or_create(region, || {
            service_client!(aws_sdk_organizations, &self.sdk, region, self.extras)
        })
    }
}

#[async_trait]
impl Account for AwsAccount {
    async fn account_id(&self) -> Result<String, AccountError> {
        self.account_id
            .get_or_try_init(|| async {
                let out = self
                    .sts()?
                    .get_caller_identity()
                    .send()
                    .await
                    .map_err(error::sdk_err("GetCallerIdentity"))?;
                out.account().map(str::to_string).ok_or_else(|| {
                    AccountError::new(
                        "GetCallerIdentity",
                        "InvalidResponse",
                        "the response named no account",
                    )
                })
            })
            .await
            .cloned()
    }

    async fn list(&self, kind: Kind, region: &str) -> Result<Vec<Resource>, AccountError> {
        match kind {
            Kind::ProvisionedThroughput => pt::list(self, region).await,
            Kind::Guardrail => guardrails::list(self, region).await,
            Kind::GuardrailVersion => guardrails::list_versions(self, region).await,
            Kind::InferenceProfile => profiles::list(self, region).await,
            Kind::InvocationLogging => logging::list(self, region).await,
            Kind::Alarm => alarms::list(self, region).await,
            Kind::IamRole => iam::list_roles(self).await,
            Kind::IamPolicy => iam::list_policies(self).await,
            Kind::CustomModel => custom::list(self, region).await,
            Kind::CloudTrailTrail => cloudtrail::list(self, region).await,
            Kind::VpcEndpoint => vpc_endpoints::list(self, region).await,
            Kind::ModelAgreement => access::list_agreements(self, region).await,
            Kind::UseCase => Ok(access::get_use_case(self).await?.into_iter().collect()),
            Kind::EnforcedGuardrail => access::list_enforced(self, region).await,
        }
    }

    async fn get(
        &self,
        kind: Kind,
        region: &str,
        id: &str,
    ) -> Result<Option<Resource>, AccountError> {
        match kind {
            Kind::ProvisionedThroughput => pt::get(self, region, id).await,
            Kind::Guardrail => guardrails::get(self, region, id).await,
            Kind::GuardrailVersion => guardrails::get_version(self, region, id).await,
            Kind::InferenceProfile => profiles::get(self, region, id).await,
            Kind::InvocationLogging => logging::get(self, region).await,
            Kind::Alarm => alarms::get(self, region, id).await,
            Kind::IamRole => iam::get_role(self, id).await,
            Kind::IamPolicy => iam::get_policy(self, id).await,
            Kind::CustomModel => custom::get(self, region, id).await,
            Kind::CloudTrailTrail => cloudtrail::get(self, region, id).await,
            Kind::VpcEndpoint => vpc_endpoints::get(self, region, id).await,
            Kind::ModelAgreement => Ok(access::list_agreements(self, region)
                .await?
                .into_iter()
                .find(|r| r.name == id)),
            Kind::UseCase => access::get_use_case(self).await,
            Kind::EnforcedGuardrail => Ok(access::list_enforced(self, region)
                .await?
                .into_iter()
                .find(|r| r.id.as_deref() == Some(id) || r.name == id)),
        }
    }

    async fn create(
        &self,
        desired: &Resource,
        idempotency_token: &str,
    ) -> Result<Resource, AccountError> {
        match desired.kind {
            Kind::CustomModel => Err(read_only("Create", desired)),
            Kind::ProvisionedThroughput => pt::create(self, desired, idempotency_token).await,
            Kind::Guardrail => guardrails::create(self, desired, idempotency_token).await,
            Kind::GuardrailVersion => {
                guardrails::create_version(self, desired, idempotency_token).await
            }
            Kind::InferenceProfile => profiles::create(self, desired, idempotency_token).await,
            Kind::InvocationLogging => logging::put(self, desired).await,
            Kind::Alarm => alarms::put(self, desired, None).await,
            Kind::IamRole => iam::create_role(self, desired).await,
            Kind::IamPolicy => iam::create_policy(self, desired).await,
            Kind::CloudTrailTrail => cloudtrail::create(self, desired).await,
            Kind::VpcEndpoint => vpc_endpoints::create(self, desired, idempotency_token).await,
            Kind::ModelAgreement => access::create_agreement(self, desired).await,
            Kind::UseCase => access::put_use_case(self, desired).await,
            Kind::EnforcedGuardrail => access::put_enforced(self, desired, None).await,
        }
    }

    async fn update(&self, live: &Resource, desired: &Resource) -> Result<Resource, AccountError> {
        if live.kind != desired.kind {
            return Err(AccountError::validation(
                "Update",
                format!("cannot update a `{}` into a `{}`", live.kind, desired.kind),
            ));
        }
        match desired.kind {
            Kind::CustomModel => Err(read_only("Update", desired)),
            Kind::ProvisionedThroughput => pt::update(self, live, desired).await,
            Kind::Guardrail => guardrails::update(self, live, desired).await,
            Kind::GuardrailVersion => Err(AccountError::validation(
                "Update",
                format!(
                    "`{}`: guardrail versions are immutable snapshots; publish a new version instead",
                    desired.address()
                ),
            )),
            Kind::InferenceProfile => profiles::update(self, live, desired).await,
            Kind::InvocationLogging => logging::put(self, desired).await,
            Kind::Alarm => alarms::put(self, desired, Some(live)).await,
            Kind::IamRole => iam::update_role(self, live, desired).await,
            Kind::IamPolicy => iam::update_policy(self, live, desired).await,
            Kind::CloudTrailTrail => cloudtrail::update(self, live, desired).await,
            Kind::VpcEndpoint => vpc_endpoints::update(self, live, desired).await,
            Kind::ModelAgreement => Err(AccountError::validation(
                "CreateFoundationModelAgreement",
                "an agreement cannot be changed; delete it and accept another offer",
            )),
            Kind::UseCase => access::put_use_case(self, desired).await,
            Kind::EnforcedGuardrail => access::put_enforced(self, desired, Some(live)).await,
        }
    }

    async fn delete(&self, live: &Resource) -> Result<(), AccountError> {
        match live.kind {
            Kind::CustomModel => Err(read_only("Delete", live)),
            Kind::ProvisionedThroughput => pt::delete(self, live).await,
            Kind::Guardrail => guardrails::delete(self, live).await,
            Kind::GuardrailVersion => guardrails::delete_version(self, live).await,
            Kind::InferenceProfile => profiles::delete(self, live).await,
            Kind::InvocationLogging => logging::delete(self, live).await,
            Kind::Alarm => alarms::delete(self, live).await,
            Kind::IamRole => iam::delete_role(self, live).await,
            Kind::IamPolicy => iam::delete_policy(self, live).await,
            Kind::CloudTrailTrail => cloudtrail::delete(self, live).await,
            Kind::VpcEndpoint => vpc_endpoints::delete(self, live).await,
            Kind::ModelAgreement => access::delete_agreement(self, live).await,
            Kind::UseCase => Err(AccountError::validation(
                "Delete",
                "the use-case form cannot be deleted (the API has no such operation)",
            )),
            Kind::EnforcedGuardrail => access::delete_enforced(self, live).await,
        }
    }

    async fn describe_trails(
        &self,
        region: &str,
    ) -> Result<Vec<crate::account::trail::Trail>, AccountError> {
        cloudtrail::describe_trails(self, region).await
    }

    async fn trail_status(
        &self,
        region: &str,
        trail_arn: &str,
    ) -> Result<crate::account::trail::TrailStatus, AccountError> {
        cloudtrail::trail_status(self, region, trail_arn).await
    }

    async fn event_selectors(
        &self,
        region: &str,
        trail_arn: &str,
    ) -> Result<crate::account::trail::EventSelectors, AccountError> {
        cloudtrail::event_selectors(self, region, trail_arn).await
    }

    async fn model_status(
        &self,
        region: &str,
        model_id: &str,
    ) -> Result<ModelStatus, AccountError> {
        models::status(self, region, model_id).await
    }

    async fn list_models(&self, region: &str) -> Result<Vec<ModelStatus>, AccountError> {
        models::list(self, region).await
    }

    async fn agreement_offers(
        &self,
        region: &str,
        model_id: &str,
    ) -> Result<Vec<crate::account::access::AgreementOffer>, AccountError> {
        access::offers(self, region, model_id).await
    }

    async fn org_policies(&self) -> Result<Option<OrgPolicies>, AccountError> {
        org::policies(self).await
    }

    async fn simulate(&self, request: &SimulateRequest) -> Result<SimulateResult, AccountError> {
        iam::simulate(self, request).await
    }

    async fn principal_policies(
        &self,
        principal_arn: &str,
    ) -> Result<PrincipalPolicies, AccountError> {
        iam::principal_policies(self, principal_arn).await
    }

    async fn probe(
        &self,
        region: &str,
        model_id: &str,
        kind: ProbeKind,
    ) -> Result<ProbeResult, AccountError> {
        runtime::probe(self, region, model_id, kind).await
    }

    async fn probe_knowledge_base(
        &self,
        region: &str,
        kb_id: &str,
    ) -> Result<ProbeResult, AccountError> {
        runtime::retrieve(self, region, kb_id).await
    }
}

fn read_only(op: &str, r: &Resource) -> AccountError {
    AccountError::validation(
        op,
        format!("`{}`: model access is read-only in bedrockctl", r.address()),
    )
}

/// The typed spec of `r`, as a validation error when `r` is of another kind.
pub(crate) fn typed_spec<T: KindSpec>(op: &'static str, r: &Resource) -> Result<T, AccountError> {
    T::of(&r.spec).cloned().ok_or_else(|| {
        AccountError::validation(
            op,
            format!("`{}`: invalid spec: a {} spec", r.address(), r.spec.kind()),
        )
    })
}

/// A client request token in the pattern Bedrock accepts
/// (`[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?`); `None` when nothing is left.
pub(crate) fn client_token(token: &str) -> Option<String> {
    let cleaned: String = token
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(256)
        .collect();
    let trimmed = cleaned.trim_matches('-');
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Run `f` over `items` with at most [`CONCURRENCY`] in flight, keeping order.
pub(crate) async fn bounded<T, F, Fut, R>(items: Vec<T>, f: F) -> Result<Vec<R>, AccountError>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<R, AccountError>>,
{
    let results: Vec<Result<R, AccountError>> = futures::stream::iter(items)
        .map(f)
        .buffered(CONCURRENCY)
        .collect()
        .await;
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_tokens_fit_the_bedrock_pattern() {
        assert_eq!(
            client_token("plan-1:guardrail.us-east-1.x").as_deref(),
            Some("plan-1-guardrail-us-east-1-x")
        );
        assert_eq!(client_token("--").as_deref(), None);
        assert_eq!(client_token(&"a".repeat(400)).map(|t| t.len()), Some(256));
    }
}
