//! The offline sandbox account: a file-backed simulated AWS account that implements
//! [`Account`] with Bedrock's, IAM's and CloudWatch's validation rules, limits and error
//! codes, so plan/apply/check can be exercised end to end without credentials.
//!
//! It does not simulate IAM authorization of the caller (every call is allowed), S3 or
//! CloudWatch Logs, custom models, or model invocation beyond the runtime's refusal
//! rules. `simulate` is not implemented yet (the IAM evaluator will back it).
//!
//! # Directory layout (`--sandbox DIR`, default `.bedrockctl/sandbox`)
//!
//! | file | role |
//! |---|---|
//! | `state.json` | the account; replaced atomically on every change |
//! | `state.json.tmp` | the next state while it is being written; ignorable |
//! | `state.gen` | a token that changes with every write: lets a handle reuse the state it parsed |
//! | `.lock` | `flock` target: exclusive for writes, shared for reads |
//! | `seed.json` | optional; read once, when `state.json` is first created |
//!
//! # `state.json`, format version 1
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "account_id": "111122223333",
//!   "management_account": false,
//!   "scps": [[{"Version": "2012-10-17", "Statement": []}]],
//!   "rcps": [],
//!   "models": [{"region": "us-east-1", "model_id": "…", "authorization": "NOT_AUTHORIZED"}],
//!   "aws_managed_policies": {"arn:aws:iam::aws:policy/…": {"Version": "2012-10-17", "Statement": []}},
//!   "serial": 3,
//!   "resources": [
//!     {"kind": "guardrail", "region": "us-east-1", "name": "safety",
//!      "id": "arn:aws:bedrock:us-east-1:111122223333:guardrail/ab12cd34ef56",
//!      "spec": {…}, "tags": {"managed-by": "bedrockctl"}, "status": "READY",
//!      "meta": {"created_ms": 0, "updated_ms": 0, "next_version": 1}}
//!   ],
//!   "tokens": {"guardrail/us-east-1/tok-1": {"id": "arn:…", "name": "safety"}}
//! }
//! ```
//!
//! - `resources` hold [`Resource`]s in their JSON form (`spec` is the kind's shape in
//!   [`crate::account::spec`]) plus `meta`, the simulation's bookkeeping: `created_ms`,
//!   `updated_ms` (ms since the epoch), `ready_ms` (provisioned throughput turns
//!   `InService` then), `commitment_expires_ms`, `next_version` (guardrails; version
//!   numbers are never reused), `policy_version` (IAM policies).
//! - `tokens` map `kind/region/clientRequestToken` to what the token created.
//! - `serial` feeds ids: ids are a hash of account, serial, kind, region and name, so the
//!   same sequence of calls yields the same ids (stable snapshots) and ids never repeat.
//! - A `format_version` other than 1 is refused with a clear error; a future version
//!   will migrate older files on open.
//!
//! # `seed.json`
//!
//! Every key is optional; unknown keys are errors.
//!
//! ```json
//! {
//!   "account_id": "444455556666",
//!   "management_account": false,
//!   "scps": [[{…root SCP…}], [{…OU SCP…}]],
//!   "rcps": [],
//!   "models": [{"region": "us-east-1", "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
//!               "authorization": "NOT_AUTHORIZED", "agreement": "PENDING",
//!               "entitlement": "AVAILABLE", "region_availability": "AVAILABLE",
//!               "exists": true}],
//!   "aws_managed_policies": {"arn:aws:iam::aws:policy/ReadOnlyAccess": {…}},
//!   "resources": [{"kind": "iam_role", "region": "global", "name": "legacy-app",
//!                  "spec": {…}, "tags": {}}]
//! }
//! ```
//!
//! `models[].region` may be `*`. Seeded resources are stored as given (not validated,
//! so a seed can hold what today's API would refuse); missing ids are assigned,
//! a provisioned throughput without `status` is `InService`, and its
//! `spec.commitment_expiration` (RFC 3339) sets the commitment end. A seeded
//! `guardrail_version` names its guardrail (seeded earlier) in `spec.guardrail` and its
//! number in `spec.version`.
//!
//! # Environment
//!
//! - `BEDROCKCTL_SANDBOX_FAULTS="latency_ms=50,throttle=0.3,error5xx=0.05,seed=7"`: see
//!   [`faults`]. A bad value fails `open`.
//! - `BEDROCKCTL_SANDBOX_PT_READY_MS` (default 1500): how long a new provisioned
//!   throughput stays `Creating`.
//! - `BEDROCKCTL_TODAY=YYYY-MM-DD`: the date lifecycle rules use (via `catalog::today`).

pub mod clock;
pub mod faults;
pub mod kinds;
pub mod models;
mod select;
mod simulate;
pub mod store;
pub mod validate;

use super::{
    Account, AccountError, Kind, ModelStatus, OrgPolicies, PrincipalPolicies, ProbeKind,
    ProbeResult, Resource, SimulateRequest, SimulateResult,
};
use async_trait::async_trait;
use faults::{FaultConfig, Faults};
use kinds::Ctx;
use std::path::Path;
use store::Store;

pub const PT_READY_ENV: &str = "BEDROCKCTL_SANDBOX_PT_READY_MS";
pub const DEFAULT_PT_READY_MS: i64 = 1500;

/// Open (creating if needed) the sandbox account stored in `dir`.
pub fn open(dir: &Path) -> Result<Box<dyn Account>, AccountError> {
    Ok(Box::new(Sandbox::open(dir)?))
}

/// How a sandbox handle behaves; [`Options::from_env`] reads the documented variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub faults: FaultConfig,
    pub pt_ready_ms: i64,
    /// Lifecycle date; `None` = `catalog::today()`.
    pub today: Option<String>,
    /// Added to the wall clock (tests jump past commitment terms with it).
    pub clock_skew_ms: i64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            faults: FaultConfig::default(),
            pt_ready_ms: DEFAULT_PT_READY_MS,
            today: None,
            clock_skew_ms: 0,
        }
    }
}

impl Options {
    pub fn from_env() -> Result<Options, AccountError> {
        let faults = FaultConfig::from_env().map_err(store::open_error)?;
        let pt_ready_ms = match std::env::var(PT_READY_ENV) {
            Ok(v) => v.trim().parse::<u32>().map(i64::from).map_err(|_| {
                store::open_error(format!(
                    "invalid `{PT_READY_ENV}`: expected milliseconds, got `{v}`"
                ))
            })?,
            Err(_) => DEFAULT_PT_READY_MS,
        };
        Ok(Options {
            faults,
            pt_ready_ms,
            ..Options::default()
        })
    }
}

/// A handle on a sandbox directory. Cheap to open; holds no file open between calls,
/// so any number of handles and processes can share one directory.
#[derive(Debug)]
pub struct Sandbox {
    store: Store,
    options: Options,
    faults: Faults,
}

impl Sandbox {
    /// Open with options from the environment.
    pub fn open(dir: &Path) -> Result<Sandbox, AccountError> {
        Sandbox::open_with(dir, Options::from_env()?)
    }

    pub fn open_with(dir: &Path, options: Options) -> Result<Sandbox, AccountError> {
        let store = Store::open(dir, clock::now_ms(options.clock_skew_ms))?;
        Ok(Sandbox {
            store,
            faults: Faults::new(options.faults),
            options,
        })
    }

    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    fn ctx(&self) -> Ctx {
        let now = clock::now_ms(self.options.clock_skew_ms);
        Ctx {
            now,
            today: self
                .options
                .today
                .clone()
                .unwrap_or_else(crate::catalog::today),
            pt_ready_ms: self.options.pt_ready_ms,
        }
    }

    /// A copy of the whole state (for tests and debugging commands).
    pub fn snapshot(&self) -> Result<store::State, AccountError> {
        self.store.read(Clone::clone)
    }

    /// Every resource of every kind and region, as `list` would report them.
    pub fn all_resources(&self) -> Result<Vec<Resource>, AccountError> {
        let now = self.ctx().now;
        self.store
            .read(|s| s.resources.iter().map(|e| kinds::present(e, now)).collect())
    }

    /// Replace the model-availability overrides for one model in one region (what an
    /// admin enabling access in the console would do).
    pub fn set_model_override(&self, o: store::ModelOverride) -> Result<(), AccountError> {
        self.store.update(|s| {
            s.models
                .retain(|x| !(x.region == o.region && x.model_id == o.model_id));
            s.models.push(o);
            Ok(())
        })
    }
}

#[async_trait]
impl Account for Sandbox {
    async fn account_id(&self) -> Result<String, AccountError> {
        self.faults.before_call("GetCallerIdentity").await?;
        self.store.read_settings(|s| s.account_id.clone())
    }

    async fn list(&self, kind: Kind, region: &str) -> Result<Vec<Resource>, AccountError> {
        self.faults.before_call(kinds::list_operation(kind)).await?;
        let now = self.ctx().now;
        if kinds::access::in_settings(kind) {
            return self
                .store
                .read_settings(|s| kinds::access::list(s, kind, region, now));
        }
        self.store
            .select(kind, region, |e| kinds::present_entry(e, now))
    }

    async fn get(
        &self,
        kind: Kind,
        region: &str,
        id: &str,
    ) -> Result<Option<Resource>, AccountError> {
        self.faults.before_call(kinds::get_operation(kind)).await?;
        let now = self.ctx().now;
        if kinds::access::in_settings(kind) {
            return self.store.read_settings(|s| {
                kinds::access::list(s, kind, region, now)
                    .into_iter()
                    .find(|r| r.id.as_deref() == Some(id) || r.name == id)
            });
        }
        self.store
            .read(|s| s.find(kind, region, id).map(|e| kinds::present(e, now)))
    }

    async fn create(
        &self,
        desired: &Resource,
        idempotency_token: &str,
    ) -> Result<Resource, AccountError> {
        self.faults
            .before_call(kinds::create_operation(desired.kind))
            .await?;
        let ctx = self.ctx();
        self.store
            .update(|s| kinds::create(s, &ctx, desired, idempotency_token))
    }

    async fn update(&self, live: &Resource, desired: &Resource) -> Result<Resource, AccountError> {
        self.faults
            .before_call(kinds::update_operation(live.kind))
            .await?;
        let ctx = self.ctx();
        self.store.update(|s| kinds::update(s, &ctx, live, desired))
    }

    async fn delete(&self, live: &Resource) -> Result<(), AccountError> {
        self.faults
            .before_call(kinds::delete_operation(live.kind))
            .await?;
        let ctx = self.ctx();
        self.store.update(|s| kinds::delete(s, &ctx, live))
    }

    async fn model_status(
        &self,
        region: &str,
        model_id: &str,
    ) -> Result<ModelStatus, AccountError> {
        self.faults
            .before_call("GetFoundationModelAvailability")
            .await?;
        let ctx = self.ctx();
        self.store
            .read_settings(|s| models::status(s, region, model_id, &ctx.today, ctx.now))
    }

    async fn describe_trails(
        &self,
        region: &str,
    ) -> Result<Vec<crate::account::trail::Trail>, AccountError> {
        self.faults.before_call("DescribeTrails").await?;
        self.store.read(|s| kinds::cloudtrail::describe(s, region))
    }

    async fn trail_status(
        &self,
        region: &str,
        trail_arn: &str,
    ) -> Result<crate::account::trail::TrailStatus, AccountError> {
        let _ = region;
        self.faults.before_call("GetTrailStatus").await?;
        self.store
            .read(|s| kinds::cloudtrail::status(s, trail_arn))?
    }

    async fn event_selectors(
        &self,
        region: &str,
        trail_arn: &str,
    ) -> Result<crate::account::trail::EventSelectors, AccountError> {
        let _ = region;
        self.faults.before_call("GetEventSelectors").await?;
        self.store
            .read(|s| kinds::cloudtrail::selectors(s, trail_arn))?
    }

    async fn list_models(&self, region: &str) -> Result<Vec<ModelStatus>, AccountError> {
        self.faults.before_call("ListFoundationModels").await?;
        let ctx = self.ctx();
        self.store
            .read_settings(|s| models::list(s, region, &ctx.today, ctx.now))
    }

    async fn agreement_offers(
        &self,
        region: &str,
        model_id: &str,
    ) -> Result<Vec<crate::account::access::AgreementOffer>, AccountError> {
        let op = "ListFoundationModelAgreementOffers";
        self.faults.before_call(op).await?;
        let ctx = self.ctx();
        let exists = self
            .store
            .read_settings(|s| models::status(s, region, model_id, &ctx.today, ctx.now).exists)?;
        if !exists {
            return Err(AccountError::not_found(
                op,
                format!("The model {model_id} is not available in this Region."),
            ));
        }
        Ok(kinds::access::offers(model_id, region))
    }

    async fn org_policies(&self) -> Result<Option<OrgPolicies>, AccountError> {
        self.faults.before_call("ListPoliciesForTarget").await?;
        self.store.read_settings(|s| {
            Some(OrgPolicies {
                management_account: s.management_account,
                scps: s.scps.clone(),
                rcps: s.rcps.clone(),
            })
        })
    }

    /// IAM's simulator, answered by the offline evaluator over the principal's stored
    /// policies, its boundary and the organization's SCPs/RCPs (SimulatePrincipalPolicy
    /// includes SCPs for member accounts).
    async fn simulate(&self, request: &SimulateRequest) -> Result<SimulateResult, AccountError> {
        self.faults.before_call("SimulatePrincipalPolicy").await?;
        let (policies, org) = self.store.read(|s| {
            let policies = kinds::iam::principal_policies(s, &request.principal_arn);
            let org = OrgPolicies {
                management_account: s.management_account,
                scps: s.scps.clone(),
                rcps: s.rcps.clone(),
            };
            (policies, org)
        })?;
        let policies = policies?;
        Ok(simulate::run(request, &policies, &org))
    }

    async fn principal_policies(
        &self,
        principal_arn: &str,
    ) -> Result<PrincipalPolicies, AccountError> {
        self.faults.before_call("GetRole").await?;
        self.store
            .read(|s| kinds::iam::principal_policies(s, principal_arn))?
    }

    async fn probe(
        &self,
        region: &str,
        model_id: &str,
        kind: ProbeKind,
    ) -> Result<ProbeResult, AccountError> {
        self.faults.before_call(kind.operation()).await?;
        let ctx = self.ctx();
        let mut result = self
            .store
            .read(|s| models::probe(s, region, model_id, kind, &ctx.today, ctx.now))??;
        result.latency_ms += self.options.faults.latency_ms;
        Ok(result)
    }
}

#[cfg(test)]
mod tests;
