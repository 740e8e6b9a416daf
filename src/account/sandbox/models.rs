//! Foundation models as the sandbox account sees them: availability from the catalog
//! plus seed overrides, and the runtime rules a probe request runs into.
//!
//! Sandbox defaults (design.md): every catalog model is available and authorized in
//! every region the catalog offers it in (an unknown offering counts as offered),
//! unless a `models` override says otherwise. Lifecycle follows the catalog: a model
//! past its end-of-life date in a region is gone from that region (not listed, cannot be
//! invoked, provisioned or copied); a legacy model still works but cannot get new
//! provisioned throughput.

use super::store::{ModelOverride, State};
use crate::account::{AccountError, Kind, ModelStatus, ProbeKind, ProbeResult};
use crate::catalog::{self, Knowledge, Model};

pub const INVALID_ID: &str = "The provided model identifier is invalid.";
pub const NO_ACCESS: &str = "You don't have access to the model with the specified model ID.";
pub const END_OF_LIFE: &str =
    "This model version has reached the end of its life. Please refer to the AWS documentation for more details.";

fn overrides<'a>(state: &'a State, region: &str, model_id: &str) -> Vec<&'a ModelOverride> {
    state
        .models
        .iter()
        .filter(|o| o.model_id == model_id && (o.region == region || o.region == "*"))
        .collect()
}

/// Readiness of `model_id` in `region` on simulated day `today` at instant `now` (ms):
/// catalog defaults, then seed overrides, then the account's agreements and use-case
/// form (`kinds::access`).
pub fn status(state: &State, region: &str, model_id: &str, today: &str, now: i64) -> ModelStatus {
    let mut s = base_status(state, region, model_id, today);
    super::kinds::access::apply_to_status(&mut s, &state.access, now);
    s
}

fn base_status(state: &State, region: &str, model_id: &str, today: &str) -> ModelStatus {
    let mut s = ModelStatus {
        model_id: model_id.to_string(),
        region: region.to_string(),
        ..ModelStatus::default()
    };
    let Some(m) = catalog::catalog().model(model_id) else {
        return s;
    };
    s.exists = m.offered_in(region) != Knowledge::No && !m.is_end_of_life(region, today);
    let ovs = overrides(state, region, model_id);
    if let Some(e) = ovs.iter().rev().find_map(|o| o.exists) {
        s.exists = e && !m.is_end_of_life(region, today);
    }
    if !s.exists {
        return s;
    }
    s.lifecycle = Some(m.lifecycle.clone().unwrap_or_else(|| "ACTIVE".to_string()));
    s.inference_types = inference_types(m, region);
    s.agreement = Some("AVAILABLE".to_string());
    s.authorization = Some("AUTHORIZED".to_string());
    s.entitlement = Some("AVAILABLE".to_string());
    s.region_availability = Some("AVAILABLE".to_string());
    // "Nothing enabled" is the starting point the overrides then adjust.
    super::kinds::access::apply_defaults(&mut s, &state.access);
    for o in ovs {
        let set = |field: &mut Option<String>, v: &Option<String>| {
            if let Some(v) = v {
                *field = Some(v.clone());
            }
        };
        set(&mut s.agreement, &o.agreement);
        set(&mut s.authorization, &o.authorization);
        set(&mut s.entitlement, &o.entitlement);
        set(&mut s.region_availability, &o.region_availability);
    }
    s
}

/// Unknown counts as supported, so an unknown on-demand offering is reported.
fn inference_types(m: &Model, region: &str) -> Vec<String> {
    let mut out = Vec::new();
    if m.on_demand_in(region) != Knowledge::No {
        out.push("ON_DEMAND".to_string());
    }
    if m.supports_provisioned() != Knowledge::No {
        out.push("PROVISIONED".to_string());
    }
    if m.profile_for(region).is_some() {
        out.push("INFERENCE_PROFILE".to_string());
    }
    out
}

pub fn list(state: &State, region: &str, today: &str, now: i64) -> Vec<ModelStatus> {
    catalog::catalog()
        .models
        .iter()
        .map(|m| status(state, region, &m.model_id, today, now))
        .filter(|s| s.exists)
        .collect()
}

/// What a runtime `modelId` names, once resolved.
enum Target<'a> {
    /// A bare foundation model id (or its ARN): invoked on demand.
    Model(&'a Model),
    /// A system profile (or an application profile copying one / a model).
    Profile(&'a Model, String),
    /// A provisioned throughput that is `InService`.
    Provisioned(&'a Model, String),
}

/// The smallest runtime request, with the runtime's rules in the order it applies them:
/// identifier, lifecycle, access, throughput type, then the operation's model family.
pub fn probe(
    state: &State,
    region: &str,
    model_id: &str,
    kind: ProbeKind,
    today: &str,
    now: i64,
) -> Result<ProbeResult, AccountError> {
    let op = kind.operation();
    let target = resolve(state, region, model_id, op, now)?;
    let (model, resolved) = match &target {
        Target::Model(m) => (
            *m,
            format!("arn:aws:bedrock:{region}::foundation-model/{}", m.model_id),
        ),
        Target::Profile(m, p) | Target::Provisioned(m, p) => (*m, p.clone()),
    };
    if model.is_end_of_life(region, today) {
        return Err(AccountError::not_found(op, END_OF_LIFE));
    }
    let st = status(state, region, &model.model_id, today, now);
    let region_of_model_ok = matches!(target, Target::Profile(..)) || st.exists;
    if !region_of_model_ok {
        return Err(AccountError::validation(op, INVALID_ID));
    }
    let denied = |v: &Option<String>, ok: &[&str]| v.as_deref().is_some_and(|v| !ok.contains(&v));
    if denied(&st.authorization, &["AUTHORIZED"])
        || denied(&st.entitlement, &["AVAILABLE"])
        || denied(&st.agreement, &["AVAILABLE", "NOT_APPLICABLE"])
    {
        return Err(AccountError::new(op, "AccessDeniedException", NO_ACCESS));
    }
    if let Target::Model(m) = target {
        if m.on_demand_in(region) == Knowledge::No {
            return Err(AccountError::validation(
                op,
                format!(
                    "Invocation of model ID {} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
                    m.model_id
                ),
            ));
        }
    }
    let embeds = model
        .modalities_out
        .as_ref()
        .map(|o| o.iter().any(|x| x == "EMBEDDING"));
    match (kind, embeds) {
        (ProbeKind::Converse | ProbeKind::ConverseStream, Some(true)) => {
            return Err(AccountError::validation(
                op,
                "This action doesn't support the model that you provided. Try again with a supported text or chat model.",
            ))
        }
        (ProbeKind::Embedding, Some(false)) => {
            return Err(AccountError::validation(
                op,
                "The provided model doesn't support embeddings. Use an embedding model.",
            ))
        }
        _ => {}
    }
    Ok(ProbeResult {
        resolved: Some(resolved),
        latency_ms: 20 + (model.model_id.len() as u64 % 17),
        output_tokens: match kind {
            ProbeKind::Embedding => None,
            _ => Some(1),
        },
    })
}

fn resolve(
    state: &State,
    region: &str,
    id: &str,
    op: &str,
    now: i64,
) -> Result<Target<'static>, AccountError> {
    let c = catalog::catalog();
    let invalid = || AccountError::validation(op, INVALID_ID);
    if let Some(rest) = id.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [_partition, service, arn_region, _account, resource] = parts[..] else {
            return Err(invalid());
        };
        if service != "bedrock" || (!arn_region.is_empty() && arn_region != region) {
            return Err(invalid());
        }
        let (rtype, rid) = resource.split_once('/').ok_or_else(invalid)?;
        return match rtype {
            "foundation-model" => resolve(state, region, rid, op, now),
            "inference-profile" => resolve(state, region, rid, op, now).map(|t| match t {
                Target::Profile(m, _) => Target::Profile(m, id.to_string()),
                other => other,
            }),
            "application-inference-profile" => {
                let e = state
                    .of_kind(Kind::InferenceProfile, region)
                    .find(|e| e.resource.id.as_deref() == Some(id))
                    .ok_or_else(|| {
                        AccountError::not_found(
                            op,
                            format!("The inference profile {id} was not found."),
                        )
                    })?;
                let from = e
                    .resource
                    .spec
                    .as_kind::<crate::account::spec::InferenceProfileSpec>()
                    .map(|p| p.copy_from.as_str())
                    .unwrap_or_default();
                match resolve(state, region, from, op, now)? {
                    Target::Model(m) | Target::Profile(m, _) | Target::Provisioned(m, _) => {
                        Ok(Target::Profile(m, id.to_string()))
                    }
                }
            }
            "provisioned-model" => {
                let e = state
                    .of_kind(Kind::ProvisionedThroughput, region)
                    .find(|e| e.resource.id.as_deref() == Some(id))
                    .ok_or_else(|| {
                        AccountError::not_found(
                            op,
                            format!("The provisioned model {id} was not found."),
                        )
                    })?;
                let r = super::kinds::present(e, now);
                if r.status.as_deref() != Some("InService") {
                    return Err(AccountError::new(
                        op,
                        "ModelNotReadyException",
                        "The provisioned model is not ready to serve inference requests yet. Retry after it is InService.",
                    ));
                }
                let base = r
                    .spec
                    .as_kind::<crate::account::spec::ProvisionedThroughputSpec>()
                    .map(|p| p.model_id.as_str())
                    .unwrap_or_default();
                let m = c.resolve(base).ok_or_else(invalid)?;
                Ok(Target::Provisioned(m, id.to_string()))
            }
            _ => Err(invalid()),
        };
    }
    if let Some(m) = c.model(id) {
        return Ok(Target::Model(m));
    }
    if let Some((m, p)) = c.profile(id) {
        if !p.source_regions.iter().any(|r| r == region) {
            return Err(invalid());
        }
        return Ok(Target::Profile(m, id.to_string()));
    }
    Err(invalid())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::sandbox::store::Seed;

    fn state() -> State {
        State::from_seed(Seed::default(), 0).unwrap()
    }

    #[test]
    fn defaults_are_available_and_authorized() {
        let s = status(
            &state(),
            "us-east-1",
            "amazon.nova-lite-v1:0",
            "2026-01-01",
            0,
        );
        assert!(s.exists && s.is_ready(), "{s:?}");
        assert!(s.inference_types.contains(&"ON_DEMAND".to_string()));
        assert!(s.inference_types.contains(&"INFERENCE_PROFILE".to_string()));
        let none = status(&state(), "us-east-1", "nope.model-v1:0", "2026-01-01", 0);
        assert!(!none.exists && none.authorization.is_none());
    }

    #[test]
    fn end_of_life_removes_the_model_from_the_region() {
        let id = "anthropic.claude-3-5-haiku-20241022-v1:0";
        let st = state();
        assert!(status(&st, "us-east-1", id, "2025-01-01", 0).exists);
        assert!(!status(&st, "us-east-1", id, "2027-01-01", 0).exists);
        let e = probe(
            &st,
            "us-east-1",
            &format!("us.{id}"),
            ProbeKind::Converse,
            "2027-01-01",
            0,
        )
        .unwrap_err();
        assert_eq!(e.code, "ResourceNotFoundException");
        assert_eq!(e.message, END_OF_LIFE);
    }

    #[test]
    fn probe_rules() {
        let mut st = state();
        let today = "2026-01-01";
        let ok = probe(
            &st,
            "us-east-1",
            "amazon.nova-lite-v1:0",
            ProbeKind::Converse,
            today,
            0,
        )
        .unwrap();
        assert_eq!(ok.output_tokens, Some(1));
        let e = probe(
            &st,
            "us-east-1",
            "amazon.nova-lite-v9",
            ProbeKind::Converse,
            today,
            0,
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("ValidationException", INVALID_ID)
        );
        // A profile from a region it does not serve.
        let e = probe(
            &st,
            "eu-west-1",
            "us.amazon.nova-lite-v1:0",
            ProbeKind::Converse,
            today,
            0,
        )
        .unwrap_err();
        assert_eq!(e.code, "ValidationException");
        // Converse on an embedding model, and embeddings on a chat model.
        let e = probe(
            &st,
            "us-east-1",
            "amazon.titan-embed-text-v2:0",
            ProbeKind::Converse,
            today,
            0,
        )
        .unwrap_err();
        assert!(e.message.contains("doesn't support the model"), "{e}");
        assert!(probe(
            &st,
            "us-east-1",
            "amazon.titan-embed-text-v2:0",
            ProbeKind::Embedding,
            today,
            0
        )
        .is_ok());
        st.models.push(ModelOverride {
            region: "us-east-1".into(),
            model_id: "amazon.nova-lite-v1:0".into(),
            authorization: Some("NOT_AUTHORIZED".into()),
            agreement: None,
            entitlement: None,
            region_availability: None,
            exists: None,
        });
        let e = probe(
            &st,
            "us-east-1",
            "amazon.nova-lite-v1:0",
            ProbeKind::Converse,
            today,
            0,
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("AccessDeniedException", NO_ACCESS)
        );
        // The override is per region.
        assert!(probe(
            &st,
            "us-west-2",
            "amazon.nova-lite-v1:0",
            ProbeKind::Converse,
            today,
            0
        )
        .is_ok());
    }

    #[test]
    fn profile_only_model_needs_a_profile() {
        // Claude 3.7 Sonnet is on demand only in eu-west-2 per the catalog scan.
        let st = state();
        let id = "anthropic.claude-3-7-sonnet-20250219-v1:0";
        let e = probe(&st, "us-east-1", id, ProbeKind::Converse, "2026-01-01", 0).unwrap_err();
        assert_eq!(e.code, "ValidationException");
        assert!(
            e.message.starts_with(&format!(
                "Invocation of model ID {id} with on-demand throughput isn't supported."
            )),
            "{e}"
        );
        assert!(probe(
            &st,
            "us-east-1",
            &format!("us.{id}"),
            ProbeKind::Converse,
            "2026-01-01",
            0
        )
        .is_ok());
    }
}
