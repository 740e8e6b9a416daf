//! Provisioned throughput, application inference profiles and invocation logging.
//!
//! Limits come from the CreateProvisionedModelThroughput, UpdateProvisionedModelThroughput,
//! CreateInferenceProfile and PutModelInvocationLoggingConfiguration request shapes
//! (shared/reference/bedrock-api.md); lifecycle rules from design.md's sandbox defaults.

use super::{arn_for, parse_spec, Ctx};
use crate::account::sandbox::clock;
use crate::account::sandbox::models;
use crate::account::sandbox::store::{Entry, Meta, State};
use crate::account::sandbox::validate::{self, Violations};
use crate::account::spec::Spec;
use crate::account::spec::{
    InferenceProfileSpec, InvocationLoggingSpec, ProvisionedThroughputSpec,
};
use crate::account::{AccountError, Kind, Resource};
use crate::catalog::{self, Knowledge, Model, APPLICATION_PROFILE_REGIONS};

const PT_NAME_PATTERN: &str = "([0-9a-zA-Z][_-]?)+";
/// Sandbox quota: application inference profiles per region (AWS default quota: 1000).
pub const MAX_APPLICATION_PROFILES: usize = 1000;

fn pt_name(v: &mut Violations, name: &str, at: &str) {
    v.length(name, at, 1, 63);
    v.pattern(
        name,
        at,
        validate::alnum_with_separators(name, &['_', '-']),
        PT_NAME_PATTERN,
    );
}

/// The model a `modelId` buys throughput for: `None` for custom models, which the
/// sandbox does not simulate and accepts as they are.
fn pt_model(
    state: &State,
    ctx: &Ctx,
    op: &str,
    region: &str,
    model_id: &str,
) -> Result<Option<&'static Model>, AccountError> {
    if model_id.contains(":custom-model/") {
        return Ok(None);
    }
    let invalid = || AccountError::validation(op, models::INVALID_ID);
    let id = match model_id.strip_prefix("arn:") {
        Some(rest) => {
            let parts: Vec<&str> = rest.splitn(5, ':').collect();
            match parts[..] {
                [_, "bedrock", r, "", res] if r == region => {
                    res.strip_prefix("foundation-model/").ok_or_else(invalid)?
                }
                _ => return Err(invalid()),
            }
        }
        None => model_id,
    };
    let c = catalog::catalog();
    let (model, purchase) = match (c.purchase(id), c.model(id)) {
        (Some(m), _) => (m, Some(id)),
        (None, Some(m)) => (m, None),
        (None, None) => return Err(invalid()),
    };
    if !models::status(state, region, &model.model_id, &ctx.today, ctx.now).exists {
        if model.is_end_of_life(region, &ctx.today) {
            return Err(AccountError::validation(op, models::END_OF_LIFE));
        }
        return Err(invalid());
    }
    if model.is_legacy() {
        return Err(AccountError::validation(
            op,
            format!(
                "The model {} is in Legacy state: new provisioned throughput cannot be purchased for it. Use an active model.",
                model.model_id
            ),
        ));
    }
    match purchase {
        Some(p) => {
            // A purchase id the catalog has no region list for is unknown, so supported.
            if let Some(regions) = model.provisioned_regions.get(p) {
                if !regions.iter().any(|r| r == region) {
                    return Err(AccountError::validation(
                        op,
                        format!("Provisioned throughput for model {p} is not available in region {region}."),
                    ));
                }
            }
        }
        None if model.supports_provisioned() == Knowledge::No => {
            return Err(AccountError::validation(
                op,
                format!(
                    "The model {} doesn't support provisioned throughput.",
                    model.model_id
                ),
            ))
        }
        None => {}
    }
    Ok(Some(model))
}

pub fn create_pt(state: &mut State, ctx: &Ctx, d: &Resource) -> Result<String, AccountError> {
    let op = "CreateProvisionedModelThroughput";
    let mut spec: ProvisionedThroughputSpec = parse_spec(op, d)?;
    let mut v = Violations::new();
    pt_name(&mut v, &d.name, "provisionedModelName");
    v.min_value(spec.model_units, "modelUnits", 1);
    v.one_of(
        &spec.commitment,
        "commitmentDuration",
        &["none", "one_month", "six_months"],
    );
    v.length(&spec.model_id, "modelId", 1, 2048);
    v.finish(op, "ValidationException")?;
    validate::bedrock_tags(op, &d.tags)?;
    pt_model(state, ctx, op, &d.region, &spec.model_id)?;
    if state
        .find_by_name(Kind::ProvisionedThroughput, &d.region, &d.name)
        .is_some()
    {
        // The operation declares no ConflictException; a taken name is a validation error.
        return Err(AccountError::validation(
            op,
            format!(
                "A provisioned model with the name {} already exists.",
                d.name
            ),
        ));
    }
    let expires = match spec.commitment.to_ascii_lowercase().as_str() {
        "one_month" => Some(clock::add_months(ctx.now, 1)),
        "six_months" => Some(clock::add_months(ctx.now, 6)),
        _ => None,
    };
    spec.commitment_expiration = expires.map(clock::rfc3339);
    let id = arn_for(state, Kind::ProvisionedThroughput, &d.region, &d.name);
    let resource = Resource {
        id: Some(id.clone()),
        spec: Spec::from(spec),
        status: Some("Creating".to_string()),
        ..d.clone()
    };
    state.resources.push(Entry {
        resource,
        meta: Meta {
            created_ms: ctx.now,
            updated_ms: ctx.now,
            ready_ms: Some(ctx.now + ctx.pt_ready_ms),
            commitment_expires_ms: expires,
            ..Meta::default()
        },
    });
    Ok(id)
}

/// UpdateProvisionedModelThroughput changes the name and the model only; units and
/// commitment are fixed for the life of the purchase.
pub fn update_pt(
    state: &mut State,
    ctx: &Ctx,
    idx: usize,
    d: &Resource,
) -> Result<(), AccountError> {
    let op = "UpdateProvisionedModelThroughput";
    let live = state.resources[idx].resource.clone();
    let live_spec: ProvisionedThroughputSpec = parse_spec(op, &live)?;
    let want: ProvisionedThroughputSpec = parse_spec(op, d)?;
    if want.model_units != live_spec.model_units
        || !want.commitment.eq_ignore_ascii_case(&live_spec.commitment)
    {
        return Err(AccountError::validation(
            op,
            format!(
                "modelUnits and commitmentDuration of provisioned model {} cannot be updated (have {} units, {}; asked {} units, {}). Purchase a new provisioned throughput instead.",
                live.name, live_spec.model_units, live_spec.commitment, want.model_units, want.commitment
            ),
        ));
    }
    let mut v = Violations::new();
    pt_name(&mut v, &d.name, "desiredProvisionedModelName");
    v.length(&want.model_id, "desiredModelId", 1, 2048);
    v.finish(op, "ValidationException")?;
    validate::bedrock_tags("TagResource", &d.tags)?;
    if d.name != live.name
        && state
            .find_by_name(Kind::ProvisionedThroughput, &live.region, &d.name)
            .is_some()
    {
        return Err(AccountError::validation(
            op,
            format!(
                "A provisioned model with the name {} already exists.",
                d.name
            ),
        ));
    }
    if want.model_id != live_spec.model_id {
        let new = pt_model(state, ctx, op, &live.region, &want.model_id)?;
        let old =
            catalog::catalog().resolve(live_spec.model_id.rsplit('/').next().unwrap_or_default());
        if let (Some(new), Some(old)) = (new, old) {
            if new.model_id != old.model_id {
                return Err(AccountError::validation(
                    op,
                    format!(
                        "The desired model must be based on the same foundation model as the current one ({}).",
                        old.model_id
                    ),
                ));
            }
        }
    }
    let model_changed = want.model_id != live_spec.model_id;
    let e = &mut state.resources[idx];
    if model_changed {
        // Switching the model takes the throughput through `Updating` like a create.
        e.resource.status = Some("Updating".to_string());
        e.meta.ready_ms = Some(ctx.now + ctx.pt_ready_ms);
    }
    let spec = ProvisionedThroughputSpec {
        model_id: want.model_id,
        ..live_spec
    };
    e.resource.name = d.name.clone();
    e.resource.spec = Spec::from(spec);
    e.resource.tags = d.tags.clone();
    e.meta.updated_ms = ctx.now;
    Ok(())
}

pub fn check_pt_delete(state: &State, ctx: &Ctx, idx: usize) -> Result<(), AccountError> {
    let e = &state.resources[idx];
    if let Some(expires) = e.meta.commitment_expires_ms {
        if ctx.now < expires {
            return Err(AccountError::validation(
                "DeleteProvisionedModelThroughput",
                format!(
                    "Provisioned model {} cannot be deleted because its commitment term has not ended (the commitment ends at {}).",
                    e.resource.name,
                    clock::rfc3339(expires)
                ),
            ));
        }
    }
    Ok(())
}

/// `copy_from` must name a foundation model or a system profile that serves `region`.
fn check_copy_from(
    state: &State,
    ctx: &Ctx,
    op: &str,
    region: &str,
    copy_from: &str,
) -> Result<(), AccountError> {
    const PATTERN: &str = "arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|foundation-model)/[a-zA-Z0-9-:.]+";
    let parts: Vec<&str> = copy_from.splitn(6, ':').collect();
    let parsed = match parts[..] {
        ["arn", p, "bedrock", r, a, res]
            if matches!(p, "aws" | "aws-us-gov" | "aws-cn" | "aws-iso" | "aws-iso-b")
                && (a.is_empty() || (a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))) =>
        {
            res.split_once('/')
                .filter(|(t, id)| {
                    matches!(*t, "inference-profile" | "foundation-model")
                        && validate::charset(id, "-:.")
                })
                .map(|(t, id)| (r, t, id))
        }
        _ => None,
    };
    let Some((arn_region, rtype, id)) = parsed else {
        let mut v = Violations::new();
        v.length(copy_from, "modelSource.copyFrom", 1, 2048);
        v.pattern(copy_from, "modelSource.copyFrom", false, PATTERN);
        return v.finish(op, "ValidationException");
    };
    let not_found = || {
        AccountError::not_found(
            op,
            format!("The model source {copy_from} was not found in {region}."),
        )
    };
    if !arn_region.is_empty() && arn_region != region {
        return Err(AccountError::validation(
            op,
            format!("The model source {copy_from} must be in the same region as the inference profile ({region})."),
        ));
    }
    let c = catalog::catalog();
    let model = if rtype == "foundation-model" {
        let m = c.model(id).ok_or_else(not_found)?;
        if !models::status(state, region, id, &ctx.today, ctx.now).exists
            && !m.is_end_of_life(region, &ctx.today)
        {
            return Err(not_found());
        }
        m
    } else {
        let (m, p) = c.profile(id).ok_or_else(not_found)?;
        if !p.source_regions.iter().any(|r| r == region) {
            return Err(not_found());
        }
        m
    };
    if model.is_end_of_life(region, &ctx.today) {
        return Err(AccountError::validation(op, models::END_OF_LIFE));
    }
    Ok(())
}

pub fn create_profile(state: &mut State, ctx: &Ctx, d: &Resource) -> Result<String, AccountError> {
    let op = "CreateInferenceProfile";
    if !APPLICATION_PROFILE_REGIONS.contains(&d.region.as_str()) {
        return Err(AccountError::validation(
            op,
            format!(
                "Application inference profiles are not supported in region {}.",
                d.region
            ),
        ));
    }
    let spec: InferenceProfileSpec = parse_spec(op, d)?;
    let mut v = Violations::new();
    v.length(&d.name, "inferenceProfileName", 1, 64);
    v.pattern(
        &d.name,
        "inferenceProfileName",
        validate::alnum_with_separators(&d.name, &[' ', '_', '-']),
        "([0-9a-zA-Z][ _-]?)+",
    );
    if let Some(desc) = &spec.description {
        v.length(desc, "description", 1, 200);
        v.pattern(
            desc,
            "description",
            validate::base_with_separators(desc, ":.", &[' ', '_', '-']),
            "([0-9a-zA-Z:.][ _-]?)+",
        );
    }
    v.finish(op, "ValidationException")?;
    validate::bedrock_tags(op, &d.tags)?;
    check_copy_from(state, ctx, op, &d.region, &spec.copy_from)?;
    if state
        .find_by_name(Kind::InferenceProfile, &d.region, &d.name)
        .is_some()
    {
        return Err(AccountError::conflict(
            op,
            format!(
                "An inference profile with the name {} already exists.",
                d.name
            ),
        ));
    }
    if state.of_kind(Kind::InferenceProfile, &d.region).count() >= MAX_APPLICATION_PROFILES {
        return Err(AccountError::new(
            op,
            "ServiceQuotaExceededException",
            format!("You have reached the limit of {MAX_APPLICATION_PROFILES} application inference profiles in {}.", d.region),
        ));
    }
    let id = arn_for(state, Kind::InferenceProfile, &d.region, &d.name);
    state.resources.push(Entry {
        resource: Resource {
            id: Some(id.clone()),
            spec: Spec::from(spec),
            status: Some("ACTIVE".to_string()),
            ..d.clone()
        },
        meta: Meta {
            created_ms: ctx.now,
            updated_ms: ctx.now,
            ..Meta::default()
        },
    });
    Ok(id)
}

/// There is no UpdateInferenceProfile: only tags change in place.
pub fn update_profile(
    state: &mut State,
    ctx: &Ctx,
    idx: usize,
    d: &Resource,
) -> Result<(), AccountError> {
    let live = &state.resources[idx].resource;
    let same_spec = {
        let a: InferenceProfileSpec = parse_spec("TagResource", live)?;
        let b: InferenceProfileSpec = parse_spec("TagResource", d)?;
        a == b
    };
    if !same_spec || d.name != live.name {
        return Err(AccountError::validation(
            "UpdateInferenceProfile",
            format!(
                "Application inference profile {} cannot be updated: its name, description and copy_from are fixed at creation. Delete and recreate it.",
                live.name
            ),
        ));
    }
    validate::bedrock_tags("TagResource", &d.tags)?;
    let e = &mut state.resources[idx];
    e.resource.tags = d.tags.clone();
    e.meta.updated_ms = ctx.now;
    Ok(())
}

/// PutModelInvocationLoggingConfiguration: one configuration per region, overwritten
/// by every put; untaggable, so tags are dropped.
pub fn put_logging(
    state: &mut State,
    ctx: &Ctx,
    d: &Resource,
    _create: bool,
) -> Result<String, AccountError> {
    let op = "PutModelInvocationLoggingConfiguration";
    if d.name != "default" {
        return Err(AccountError::validation(
            op,
            format!(
                "invocation logging is one configuration per region, named `default`; got `{}`",
                d.name
            ),
        ));
    }
    let spec: InvocationLoggingSpec = parse_spec(op, d)?;
    let mut v = Violations::new();
    if let Some(cw) = &spec.cloudwatch {
        v.length(
            &cw.log_group,
            "loggingConfig.cloudWatchConfig.logGroupName",
            1,
            512,
        );
        v.length(
            &cw.role_arn,
            "loggingConfig.cloudWatchConfig.roleArn",
            0,
            2048,
        );
        let arn_ok = cw
            .role_arn
            .strip_prefix("arn:aws")
            .and_then(|r| r.split_once(":iam::"))
            .is_some_and(|(p, rest)| {
                (p.is_empty() || p.starts_with('-'))
                    && rest
                        .split_once(":role/")
                        .is_some_and(|(a, n)| (a.is_empty() || a.len() == 12) && !n.is_empty())
            });
        v.pattern(
            &cw.role_arn,
            "loggingConfig.cloudWatchConfig.roleArn",
            arn_ok,
            "arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+",
        );
    }
    if let Some(s3) = &spec.s3 {
        v.length(&s3.bucket, "loggingConfig.s3Config.bucketName", 3, 63);
        if let Some(p) = &s3.prefix {
            v.length(p, "loggingConfig.s3Config.keyPrefix", 0, 1024);
        }
    }
    v.finish(op, "ValidationException")?;
    if spec.cloudwatch.is_none() && spec.s3.is_none() {
        return Err(AccountError::validation(
            op,
            "The logging configuration needs a destination: cloudWatchConfig, s3Config or both.",
        ));
    }
    if let Some(cw) = &spec.cloudwatch {
        // Bedrock checks that it can assume the role: it must exist and trust bedrock.
        let role = state
            .of_kind(Kind::IamRole, crate::account::GLOBAL)
            .find(|e| e.resource.id.as_deref() == Some(cw.role_arn.as_str()));
        let trusts_bedrock = role.is_some_and(|e| {
            e.resource
                .spec
                .as_kind::<crate::account::spec::IamRoleSpec>()
                .is_some_and(|r| {
                    r.assume_role_policy
                        .to_string()
                        .contains("bedrock.amazonaws.com")
                })
        });
        if !trusts_bedrock {
            return Err(AccountError::validation(
                op,
                format!(
                    "Failed to validate permissions for log group: {}, with role: {}. Verify the IAM role permissions are correct.{}",
                    cw.log_group,
                    cw.role_arn,
                    if role.is_none() { " (the role does not exist)" } else { " (the role does not trust bedrock.amazonaws.com)" }
                ),
            ));
        }
    }
    let value = Spec::from(spec);
    match state
        .resources
        .iter_mut()
        .find(|e| e.resource.kind == Kind::InvocationLogging && e.resource.region == d.region)
    {
        Some(e) => {
            e.resource.spec = value;
            e.meta.updated_ms = ctx.now;
        }
        None => state.resources.push(Entry {
            resource: Resource {
                kind: Kind::InvocationLogging,
                region: d.region.clone(),
                name: "default".to_string(),
                id: Some("default".to_string()),
                spec: value,
                tags: Default::default(),
                status: None,
            },
            meta: Meta {
                created_ms: ctx.now,
                updated_ms: ctx.now,
                ..Meta::default()
            },
        }),
    }
    Ok("default".to_string())
}
