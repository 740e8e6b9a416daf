//! Per-kind behaviour of the sandbox: what create/update/delete do to the state, with
//! the services' validation, limits and error codes.
//!
//! Every function here runs inside one locked state transaction (`Store::update`) and
//! either returns `Ok` after mutating the state or `Err` with the state untouched
//! (the caller discards the in-memory copy). No I/O, no clock reads: the time comes in
//! [`Ctx`], so tests can drive the simulated calendar.

pub mod access;
pub mod alarm;
pub mod bedrock;
pub mod cloudtrail;
pub mod enforced;
pub mod guardrail;
pub mod iam;
pub mod vpc_endpoint;

use super::store::{Entry, Meta, State, TokenRecord};
use crate::account::spec::KindSpec;
use crate::account::{AccountError, Kind, Resource, GLOBAL};
use crate::catalog;
use sha2::{Digest, Sha256};

/// What a call knows about the world besides the state.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Simulated now, ms since the epoch.
    pub now: i64,
    /// Simulated today (`YYYY-MM-DD`) for catalog lifecycle dates.
    pub today: String,
    /// How long a new provisioned throughput stays `Creating`.
    pub pt_ready_ms: i64,
}

pub fn create(
    state: &mut State,
    ctx: &Ctx,
    desired: &Resource,
    token: &str,
) -> Result<Resource, AccountError> {
    if matches!(
        desired.kind,
        Kind::ModelAgreement | Kind::UseCase | Kind::EnforcedGuardrail
    ) {
        if !desired.kind.is_global() {
            check_region(create_operation(desired.kind), &desired.region)?;
        }
        return access::create(state, ctx, desired);
    }
    let mut desired = desired.clone();
    if desired.kind.is_global() {
        desired.region = GLOBAL.to_string();
    } else {
        check_region(create_operation(desired.kind), &desired.region)?;
    }
    let token_key = if takes_token(desired.kind) && !token.is_empty() {
        if !super::validate::token_ok(token) {
            let mut v = super::validate::Violations::new();
            v.pattern(
                token,
                "clientRequestToken",
                false,
                "[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?",
            );
            v.finish(create_operation(desired.kind), "ValidationException")?;
        }
        let key = format!("{}/{}/{}", desired.kind, desired.region, token);
        if let Some(rec) = state.tokens.get(&key).cloned() {
            if let Some(e) = state.find(desired.kind, &desired.region, &rec.id) {
                if !same_request(desired.kind, &rec, &desired) {
                    return Err(AccountError::conflict(
                        create_operation(desired.kind),
                        format!(
                            "The client request token '{token}' was already used for a different request."
                        ),
                    ));
                }
                return Ok(present(e, ctx.now));
            }
        }
        Some(key)
    } else {
        None
    };
    let id = match desired.kind {
        Kind::CustomModel => return Err(read_only("CreateModelCustomizationJob")),
        Kind::ModelAgreement | Kind::UseCase | Kind::EnforcedGuardrail => {
            return access::create(state, ctx, &desired)
        }
        Kind::ProvisionedThroughput => bedrock::create_pt(state, ctx, &desired)?,
        Kind::Guardrail => guardrail::create(state, ctx, &desired)?,
        Kind::GuardrailVersion => guardrail::create_version(state, ctx, &desired)?,
        Kind::InferenceProfile => bedrock::create_profile(state, ctx, &desired)?,
        Kind::InvocationLogging => bedrock::put_logging(state, ctx, &desired, true)?,
        Kind::Alarm => alarm::put(state, ctx, &desired, true)?,
        Kind::IamRole => iam::create_role(state, ctx, &desired)?,
        Kind::IamPolicy => iam::create_policy(state, ctx, &desired)?,
        Kind::CloudTrailTrail => cloudtrail::create(state, ctx, &desired)?,
        Kind::VpcEndpoint => vpc_endpoint::create(state, ctx, &desired)?,
    };
    let entry = state
        .find(desired.kind, &desired.region, &id)
        .ok_or_else(|| internal(create_operation(desired.kind)))?;
    let out = present(entry, ctx.now);
    if let Some(key) = token_key {
        state.tokens.insert(
            key,
            TokenRecord {
                id,
                name: token_subject(&desired),
            },
        );
    }
    Ok(out)
}

pub fn update(
    state: &mut State,
    ctx: &Ctx,
    live: &Resource,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    let op = update_operation(live.kind);
    if matches!(
        live.kind,
        Kind::ModelAgreement | Kind::UseCase | Kind::EnforcedGuardrail
    ) && desired.kind == live.kind
    {
        return access::update(state, ctx, live, desired);
    }
    if desired.kind != live.kind {
        return Err(AccountError::validation(
            op,
            format!("cannot update a {} into a {}", live.kind, desired.kind),
        ));
    }
    let region = if live.kind.is_global() {
        GLOBAL
    } else {
        live.region.as_str()
    };
    let id = live.id.as_deref().unwrap_or(&live.name);
    let idx = state
        .position(live.kind, region, id)
        .ok_or_else(|| not_found(op, live.kind, id))?;
    let stored_tags = state
        .resources
        .get(idx)
        .map(|e| e.resource.tags.clone())
        .unwrap_or_default();
    match live.kind {
        Kind::CustomModel => return Err(read_only(op)),
        Kind::ModelAgreement | Kind::UseCase | Kind::EnforcedGuardrail => {
            return access::update(state, ctx, live, desired)
        }
        Kind::ProvisionedThroughput => bedrock::update_pt(state, ctx, idx, desired)?,
        Kind::Guardrail => guardrail::update(state, ctx, idx, desired)?,
        Kind::GuardrailVersion => guardrail::update_version(state, ctx, idx, desired)?,
        Kind::InferenceProfile => bedrock::update_profile(state, ctx, idx, desired)?,
        Kind::InvocationLogging => {
            bedrock::put_logging(state, ctx, desired, false)?;
        }
        Kind::Alarm => alarm::update(state, ctx, idx, desired)?,
        Kind::IamRole => iam::update_role(state, ctx, idx, desired)?,
        Kind::IamPolicy => iam::update_policy(state, ctx, idx, desired)?,
        Kind::CloudTrailTrail => cloudtrail::update(state, ctx, idx, desired)?,
        Kind::VpcEndpoint => vpc_endpoint::update(state, ctx, idx, desired)?,
    }
    // As TagResource/UntagResource do: remove the tags `live` has and `desired` lacks,
    // set `desired`'s; tags the caller did not see (added since it listed) stay.
    if !matches!(live.kind, Kind::InvocationLogging | Kind::GuardrailVersion) {
        if let Some(e) = state.resources.get_mut(idx) {
            let mut tags = stored_tags;
            tags.retain(|k, _| desired.tags.contains_key(k) || !live.tags.contains_key(k));
            tags.extend(desired.tags.iter().map(|(k, v)| (k.clone(), v.clone())));
            e.resource.tags = tags;
        }
    }
    // Updates may rename, so find the entry again by its (unchanged) id.
    let entry = match &state.resources.get(idx) {
        Some(e) => (*e).clone(),
        None => return Err(internal(op)),
    };
    Ok(present(&entry, ctx.now))
}

pub fn delete(state: &mut State, ctx: &Ctx, live: &Resource) -> Result<(), AccountError> {
    if matches!(
        live.kind,
        Kind::ModelAgreement | Kind::UseCase | Kind::EnforcedGuardrail
    ) {
        return access::delete(state, live);
    }
    let op = delete_operation(live.kind);
    let region = if live.kind.is_global() {
        GLOBAL
    } else {
        live.region.as_str()
    };
    let id = live.id.as_deref().unwrap_or(&live.name);
    let idx = state
        .position(live.kind, region, id)
        .ok_or_else(|| not_found(op, live.kind, id))?;
    match live.kind {
        Kind::CustomModel => return Err(read_only(op)),
        Kind::ModelAgreement | Kind::UseCase | Kind::EnforcedGuardrail => {
            return access::delete(state, live)
        }
        Kind::ProvisionedThroughput => bedrock::check_pt_delete(state, ctx, idx)?,
        Kind::Guardrail => guardrail::delete_versions_of(state, idx),
        Kind::IamPolicy => iam::check_policy_delete(state, idx)?,
        Kind::GuardrailVersion
        | Kind::InferenceProfile
        | Kind::InvocationLogging
        | Kind::Alarm
        | Kind::IamRole
        | Kind::CloudTrailTrail
        | Kind::VpcEndpoint => {}
    }
    // Deleting versions may have shifted positions; look the entry up again.
    let idx = state
        .position(live.kind, region, id)
        .ok_or_else(|| internal(op))?;
    state.resources.remove(idx);
    Ok(())
}

/// The resource as a read returns it: status derived from the simulated clock.
pub fn present(e: &Entry, now: i64) -> Resource {
    present_entry(std::borrow::Cow::Borrowed(e), now)
}

/// [`present`] that takes an entry it may own (no copy then).
pub fn present_entry(e: std::borrow::Cow<'_, Entry>, now: i64) -> Resource {
    let ready_ms = e.meta.ready_ms;
    let mut r = match e {
        std::borrow::Cow::Borrowed(e) => e.resource.clone(),
        std::borrow::Cow::Owned(e) => e.resource,
    };
    if r.kind == Kind::ProvisionedThroughput {
        if let Some(ready) = ready_ms {
            if matches!(r.status.as_deref(), Some("Creating" | "Updating")) && now >= ready {
                r.status = Some("InService".to_string());
            }
        }
    }
    if r.kind == Kind::VpcEndpoint
        && r.status.as_deref() == Some("pending")
        && ready_ms.is_some_and(|ready| now >= ready)
    {
        r.status = Some("available".to_string());
    }
    r
}

/// A resource from the seed file: ids are assigned when missing, and nothing is
/// validated, so a seed can describe states the API would refuse today (a throughput
/// on a model that has since become legacy, say).
pub fn adopt_seeded(state: &mut State, mut r: Resource, now: i64) -> Result<(), AccountError> {
    if r.kind.is_global() {
        r.region = GLOBAL.to_string();
    }
    if state.find_by_name(r.kind, &r.region, &r.name).is_some() && r.kind != Kind::GuardrailVersion
    {
        return Err(super::store::open_error(format!(
            "seed: duplicate resource `{}`",
            r.address()
        )));
    }
    let mut meta = Meta {
        created_ms: now,
        updated_ms: now,
        ..Meta::default()
    };
    if r.id.is_none() {
        r.id = Some(match r.kind {
            Kind::GuardrailVersion => guardrail::seeded_version_id(state, &r)?,
            _ => arn_for(state, r.kind, &r.region, &r.name),
        });
    }
    match r.kind {
        Kind::ProvisionedThroughput => {
            r.status.get_or_insert_with(|| "InService".to_string());
            meta.ready_ms = Some(now);
            meta.commitment_expires_ms = r
                .spec
                .as_kind::<crate::account::spec::ProvisionedThroughputSpec>()
                .and_then(|p| p.commitment_expiration.as_deref())
                .and_then(super::clock::parse_rfc3339);
        }
        Kind::Guardrail => {
            r.status.get_or_insert_with(|| "READY".to_string());
            meta.next_version = Some(1);
        }
        Kind::GuardrailVersion => {
            r.status.get_or_insert_with(|| "READY".to_string());
        }
        Kind::InferenceProfile => {
            r.status.get_or_insert_with(|| "ACTIVE".to_string());
        }
        Kind::IamPolicy => meta.policy_version = Some(1),
        Kind::VpcEndpoint => {
            r.status.get_or_insert_with(|| "available".to_string());
        }
        _ => {}
    }
    state.resources.push(Entry { resource: r, meta });
    Ok(())
}

/// A new ARN (or id) for a resource the account assigns one to.
pub fn arn_for(state: &mut State, kind: Kind, region: &str, name: &str) -> String {
    let acct = state.account_id.clone();
    let partition = catalog::catalog().partition(region).to_string();
    match kind {
        Kind::ProvisionedThroughput => format!(
            "arn:{partition}:bedrock:{region}:{acct}:provisioned-model/{}",
            new_short_id(state, kind, region, name)
        ),
        Kind::Guardrail => format!(
            "arn:{partition}:bedrock:{region}:{acct}:guardrail/{}",
            new_short_id(state, kind, region, name)
        ),
        Kind::InferenceProfile => format!(
            "arn:{partition}:bedrock:{region}:{acct}:application-inference-profile/{}",
            new_short_id(state, kind, region, name)
        ),
        Kind::Alarm => format!("arn:{partition}:cloudwatch:{region}:{acct}:alarm:{name}"),
        Kind::CloudTrailTrail => format!("arn:{partition}:cloudtrail:{region}:{acct}:trail/{name}"),
        Kind::IamRole => format!("arn:aws:iam::{acct}:role/{name}"),
        Kind::IamPolicy => format!("arn:aws:iam::{acct}:policy/{name}"),
        Kind::InvocationLogging => "default".to_string(),
        // Versions get `<guardrail ARN>:<n>` from their guardrail.
        Kind::CustomModel => format!("arn:{partition}:bedrock:{region}:{acct}:custom-model/{name}"),
        Kind::VpcEndpoint => {
            let hex: String = Sha256::digest(format!("{acct}|{region}|{name}"))
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("vpce-{}", &hex[..17])
        }
        Kind::GuardrailVersion | Kind::ModelAgreement | Kind::UseCase | Kind::EnforcedGuardrail => {
            name.to_string()
        }
    }
}

/// 12 lowercase alphanumerics, derived from a per-state serial so that the same
/// sequence of calls gives the same ids (stable snapshots), yet never repeats.
fn new_short_id(state: &mut State, kind: Kind, region: &str, name: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let serial = state.next_serial();
    let digest = Sha256::digest(format!(
        "{}|{serial}|{kind}|{region}|{name}",
        state.account_id
    ));
    digest
        .iter()
        .take(12)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// Whether the service's create call takes a client request token.
fn takes_token(kind: Kind) -> bool {
    match kind {
        Kind::ProvisionedThroughput
        | Kind::Guardrail
        | Kind::GuardrailVersion
        | Kind::InferenceProfile => true,
        Kind::InvocationLogging
        | Kind::Alarm
        | Kind::IamRole
        | Kind::IamPolicy
        | Kind::CustomModel
        | Kind::CloudTrailTrail
        | Kind::VpcEndpoint
        | Kind::ModelAgreement
        | Kind::UseCase
        | Kind::EnforcedGuardrail => false,
    }
}

/// What identifies "the same request" for a reused token.
fn token_subject(desired: &Resource) -> String {
    if desired.kind == Kind::GuardrailVersion {
        desired
            .spec
            .as_kind::<crate::account::spec::GuardrailVersionSpec>()
            .map(|v| v.guardrail.clone())
            .unwrap_or_default()
    } else {
        desired.name.clone()
    }
}

fn same_request(_kind: Kind, rec: &TokenRecord, desired: &Resource) -> bool {
    rec.name == token_subject(desired)
}

fn check_region(op: &str, region: &str) -> Result<(), AccountError> {
    if catalog::catalog().is_region(region) {
        Ok(())
    } else {
        Err(AccountError::new(
            op,
            "UnknownEndpoint",
            format!("`{region}` is not a region with a Bedrock endpoint"),
        ))
    }
}

pub fn create_operation(kind: Kind) -> &'static str {
    match kind {
        Kind::ProvisionedThroughput => "CreateProvisionedModelThroughput",
        Kind::Guardrail => "CreateGuardrail",
        Kind::GuardrailVersion => "CreateGuardrailVersion",
        Kind::InferenceProfile => "CreateInferenceProfile",
        Kind::InvocationLogging => "PutModelInvocationLoggingConfiguration",
        Kind::Alarm => "PutMetricAlarm",
        Kind::IamRole => "CreateRole",
        Kind::IamPolicy => "CreatePolicy",
        Kind::CustomModel => "CreateModelCustomizationJob",
        Kind::CloudTrailTrail => "CreateTrail",
        Kind::VpcEndpoint => "CreateVpcEndpoint",
        Kind::ModelAgreement => "CreateFoundationModelAgreement",
        Kind::UseCase => "PutUseCaseForModelAccess",
        Kind::EnforcedGuardrail => "PutEnforcedGuardrailConfiguration",
    }
}

pub fn update_operation(kind: Kind) -> &'static str {
    match kind {
        Kind::ProvisionedThroughput => "UpdateProvisionedModelThroughput",
        Kind::Guardrail | Kind::GuardrailVersion => "UpdateGuardrail",
        Kind::InferenceProfile => "TagResource",
        Kind::InvocationLogging => "PutModelInvocationLoggingConfiguration",
        Kind::Alarm => "PutMetricAlarm",
        Kind::IamRole => "UpdateRole",
        Kind::IamPolicy => "CreatePolicyVersion",
        Kind::CustomModel => "UpdateCustomModel",
        Kind::CloudTrailTrail => "UpdateTrail",
        Kind::VpcEndpoint => "ModifyVpcEndpoint",
        Kind::ModelAgreement => "CreateFoundationModelAgreement",
        Kind::UseCase => "PutUseCaseForModelAccess",
        Kind::EnforcedGuardrail => "PutEnforcedGuardrailConfiguration",
    }
}

pub fn delete_operation(kind: Kind) -> &'static str {
    match kind {
        Kind::ProvisionedThroughput => "DeleteProvisionedModelThroughput",
        Kind::Guardrail | Kind::GuardrailVersion => "DeleteGuardrail",
        Kind::InferenceProfile => "DeleteInferenceProfile",
        Kind::InvocationLogging => "DeleteModelInvocationLoggingConfiguration",
        Kind::Alarm => "DeleteAlarms",
        Kind::IamRole => "DeleteRole",
        Kind::IamPolicy => "DeletePolicy",
        Kind::CustomModel => "DeleteCustomModel",
        Kind::CloudTrailTrail => "DeleteTrail",
        Kind::VpcEndpoint => "DeleteVpcEndpoints",
        Kind::ModelAgreement => "DeleteFoundationModelAgreement",
        Kind::UseCase => "PutUseCaseForModelAccess",
        Kind::EnforcedGuardrail => "DeleteEnforcedGuardrailConfiguration",
    }
}

pub fn get_operation(kind: Kind) -> &'static str {
    match kind {
        Kind::ProvisionedThroughput => "GetProvisionedModelThroughput",
        Kind::Guardrail | Kind::GuardrailVersion => "GetGuardrail",
        Kind::InferenceProfile => "GetInferenceProfile",
        Kind::InvocationLogging => "GetModelInvocationLoggingConfiguration",
        Kind::Alarm => "DescribeAlarms",
        Kind::IamRole => "GetRole",
        Kind::IamPolicy => "GetPolicy",
        Kind::CustomModel => "GetCustomModel",
        Kind::CloudTrailTrail => "DescribeTrails",
        Kind::VpcEndpoint => "DescribeVpcEndpoints",
        Kind::ModelAgreement => "GetFoundationModelAvailability",
        Kind::UseCase => "GetUseCaseForModelAccess",
        Kind::EnforcedGuardrail => "ListEnforcedGuardrailsConfiguration",
    }
}

pub fn list_operation(kind: Kind) -> &'static str {
    match kind {
        Kind::ProvisionedThroughput => "ListProvisionedModelThroughputs",
        Kind::Guardrail | Kind::GuardrailVersion => "ListGuardrails",
        Kind::InferenceProfile => "ListInferenceProfiles",
        Kind::InvocationLogging => "GetModelInvocationLoggingConfiguration",
        Kind::Alarm => "DescribeAlarms",
        Kind::IamRole => "ListRoles",
        Kind::IamPolicy => "ListPolicies",
        Kind::CustomModel => "ListCustomModels",
        Kind::CloudTrailTrail => "DescribeTrails",
        Kind::VpcEndpoint => "DescribeVpcEndpoints",
        Kind::ModelAgreement => "GetFoundationModelAvailability",
        Kind::UseCase => "GetUseCaseForModelAccess",
        Kind::EnforcedGuardrail => "ListEnforcedGuardrailsConfiguration",
    }
}

pub fn not_found(op: &str, kind: Kind, id: &str) -> AccountError {
    match kind {
        Kind::IamRole => AccountError::new(
            op,
            "NoSuchEntity",
            format!("The role with name {id} cannot be found."),
        ),
        Kind::IamPolicy => AccountError::new(
            op,
            "NoSuchEntity",
            format!("Policy {id} does not exist or is not attachable."),
        ),
        Kind::Alarm => AccountError::new(
            op,
            "ResourceNotFound",
            format!("Alarm {id} does not exist."),
        ),
        Kind::CloudTrailTrail => {
            AccountError::new(op, "TrailNotFoundException", format!("Unknown trail: {id}"))
        }
        Kind::VpcEndpoint => AccountError::new(
            op,
            "InvalidVpcEndpointId.NotFound",
            format!("The Vpc Endpoint Id '{id}' does not exist"),
        ),
        _ => AccountError::not_found(op, format!("The resource {id} was not found.")),
    }
}

fn read_only(op: &str) -> AccountError {
    AccountError::validation(
        op,
        "`model_access` is read-only in the sandbox: access is set by the seed file (see `docs/sandbox.md`)",
    )
}

fn internal(op: &str) -> AccountError {
    AccountError::new(
        op,
        "InternalServerException",
        "sandbox invariant broken: the resource just written cannot be found",
    )
}

/// The typed spec of `r`, as ValidationException when `r` is of another kind.
pub fn parse_spec<T: KindSpec>(op: &str, r: &Resource) -> Result<T, AccountError> {
    T::of(&r.spec).cloned().ok_or_else(|| {
        AccountError::validation(
            op,
            format!(
                "invalid {} spec for `{}`: a {} spec",
                r.kind,
                r.name,
                r.spec.kind()
            ),
        )
    })
}
