//! The account-level enforced guardrail configuration in the sandbox (issue 17): one per
//! region, named `default`, with a configId; PutEnforcedGuardrailConfiguration needs a
//! guardrail of the region and one of its published versions (`GuardrailNumericalVersion`
//! `[1-9][0-9]{0,7}`, botocore bedrock 2023-04-20).

use super::access::digest;
use super::{parse_spec, Ctx};
use crate::account::sandbox::store::{Entry, Meta, State};
use crate::account::spec::{EnforcedGuardrailSpec, Spec};
use crate::account::{AccountError, Kind, Resource};

pub const ENFORCED_NAME: &str = "default";

/// DeleteEnforcedGuardrailConfiguration.
pub fn delete(state: &mut State, live: &Resource) -> Result<(), AccountError> {
    let op = "DeleteEnforcedGuardrailConfiguration";
    let id = live.id.as_deref().unwrap_or_default();
    let idx = state
        .position(Kind::EnforcedGuardrail, &live.region, id)
        .ok_or_else(|| {
            AccountError::not_found(
                op,
                format!("The enforced guardrail configuration {id} was not found."),
            )
        })?;
    state.resources.remove(idx);
    Ok(())
}

/// The numbered versions of the guardrail `arn` in `region`.
fn versions_of<'a>(
    state: &'a State,
    region: &str,
    arn: &'a str,
) -> impl Iterator<Item = String> + 'a {
    let prefix = format!("{arn}:");
    state
        .of_kind(Kind::GuardrailVersion, region)
        .filter_map(move |e| {
            e.resource
                .id
                .as_deref()
                .and_then(|id| id.strip_prefix(&prefix))
                .map(str::to_string)
        })
}

/// PutEnforcedGuardrailConfiguration; `config_id` names the configuration an update
/// replaces.
pub fn put(
    state: &mut State,
    ctx: &Ctx,
    desired: &Resource,
    config_id: Option<&str>,
) -> Result<Resource, AccountError> {
    let op = "PutEnforcedGuardrailConfiguration";
    let spec: EnforcedGuardrailSpec = parse_spec(op, desired)?;
    let region = desired.region.as_str();
    let version_ok = {
        let v = spec.version.as_bytes();
        !v.is_empty() && v.len() <= 8 && v[0] != b'0' && v.iter().all(u8::is_ascii_digit)
    };
    if !version_ok {
        return Err(AccountError::validation(
            op,
            format!(
                "1 validation error detected: Value '{}' at 'guardrailInferenceConfig.guardrailVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-9][0-9]{{0,7}}",
                spec.version
            ),
        ));
    }
    let guardrail = state
        .find(Kind::Guardrail, region, &spec.guardrail)
        .and_then(|e| e.resource.id.clone())
        .ok_or_else(|| {
            AccountError::not_found(
                op,
                format!("The guardrail {} was not found.", spec.guardrail),
            )
        })?;
    if !versions_of(state, region, &guardrail).any(|v| v == spec.version) {
        return Err(AccountError::not_found(
            op,
            format!(
                "Version {} of guardrail {guardrail} was not found.",
                spec.version
            ),
        ));
    }
    let stored = Resource {
        kind: Kind::EnforcedGuardrail,
        region: region.to_string(),
        name: ENFORCED_NAME.to_string(),
        id: None,
        spec: Spec::from(EnforcedGuardrailSpec {
            guardrail: guardrail.clone(),
            version: spec.version.clone(),
        }),
        tags: Default::default(),
        status: None,
    };
    let existing = state.position(Kind::EnforcedGuardrail, region, ENFORCED_NAME);
    match (existing, config_id) {
        (Some(idx), Some(id)) => {
            let e = &mut state.resources[idx];
            if e.resource.id.as_deref() != Some(id) {
                return Err(AccountError::not_found(
                    op,
                    format!("The enforced guardrail configuration {id} was not found."),
                ));
            }
            e.resource.spec = stored.spec;
            e.meta.updated_ms = ctx.now;
            Ok(e.resource.clone())
        }
        (Some(_), None) => Err(AccountError::conflict(
            op,
            "An enforced guardrail configuration already exists in this account and Region.",
        )),
        (None, Some(id)) => Err(AccountError::not_found(
            op,
            format!("The enforced guardrail configuration {id} was not found."),
        )),
        (None, None) => {
            let serial = state.next_serial();
            let id = digest(&[&state.account_id, region, &serial.to_string()])[..12].to_string();
            let r = Resource {
                id: Some(id),
                ..stored
            };
            state.resources.push(Entry {
                resource: r.clone(),
                meta: Meta {
                    created_ms: ctx.now,
                    updated_ms: ctx.now,
                    ..Meta::default()
                },
            });
            Ok(r)
        }
    }
}
