//! `models:` → whether each model is usable where and how the config says, and the fix
//! when it is not. Readiness is reported, never "created": agreements, the Anthropic
//! use-case form and Marketplace subscriptions are the account owner's decisions.

use super::scope::ModelNeed;
use crate::account::ModelStatus;
use crate::catalog::{catalog, Knowledge};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Readiness {
    pub model_id: String,
    pub region: String,
    pub via: String,
    pub ready: bool,
    /// Stable kebab-case code of the problem, when not ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// Judge every need against the statuses read from the account.
pub fn readiness(needs: &[ModelNeed], statuses: &[ModelStatus]) -> Vec<Readiness> {
    needs
        .iter()
        .map(|n| {
            let status = statuses
                .iter()
                .find(|s| s.model_id == n.model_id && s.region == n.region);
            judge(n, status)
        })
        .collect()
}

fn judge(n: &ModelNeed, s: Option<&ModelStatus>) -> Readiness {
    let mut r = Readiness {
        model_id: n.model_id.clone(),
        region: n.region.clone(),
        via: n.via.clone(),
        ready: true,
        problem: None,
        message: None,
        fix: None,
    };
    let mut fail = |code: &str, message: String, fix: String| {
        if r.ready {
            r.ready = false;
            r.problem = Some(code.to_string());
            r.message = Some(message);
            r.fix = Some(fix);
        }
    };
    let id = &n.model_id;
    let region = &n.region;
    let model = catalog().resolve(id);
    let Some(s) = s else {
        fail(
            "status-unknown",
            format!("the status of `{id}` in `{region}` could not be read"),
            "check the credentials can call `bedrock:GetFoundationModelAvailability`".into(),
        );
        return r;
    };
    if !s.exists || s.region_availability.as_deref() == Some("NOT_AVAILABLE") {
        let elsewhere = model
            .map(|m| crate::diag::code_list(m.known_regions()))
            .unwrap_or_default();
        fail(
            "not-offered-in-region",
            format!("`{id}` is not offered in `{region}`"),
            if elsewhere.is_empty() {
                "choose a model the region offers (`bedrockctl models --region REGION`)".into()
            } else {
                format!("use one of the regions that offer it: {elsewhere}")
            },
        );
    }
    if s.lifecycle.as_deref() == Some("LEGACY") || model.is_some_and(|m| m.is_legacy()) {
        let fix = match model.and_then(successor) {
            Some(next) => format!("move to `{next}`"),
            None => "move to a current model of the same provider".into(),
        };
        fail("legacy", format!("`{id}` is legacy in `{region}`"), fix);
    }
    if s.agreement
        .as_deref()
        .is_some_and(|a| a != "AVAILABLE" && a != "NOT_APPLICABLE")
    {
        fail(
            "agreement",
            format!("the model agreement for `{id}` is not accepted in `{region}`"),
            "accept the offer (ListFoundationModelAgreementOffers, then CreateFoundationModelAgreement) or enable the model in the Bedrock console".into(),
        );
    }
    if s.authorization
        .as_deref()
        .is_some_and(|a| a != "AUTHORIZED")
    {
        let anthropic = id.contains("anthropic.");
        fail(
            if anthropic {
                "use-case-form"
            } else {
                "model-access"
            },
            format!("the account is not authorized to use `{id}` in `{region}`"),
            if anthropic {
                "submit the Anthropic use-case form (PutUseCaseForModelAccess, or the Bedrock console's model access page)".into()
            } else {
                "request model access in the Bedrock console".into()
            },
        );
    }
    if s.entitlement.as_deref().is_some_and(|e| e != "AVAILABLE") {
        fail(
            "entitlement",
            format!("the account has no entitlement to `{id}` in `{region}`"),
            "subscribe to the model (AWS Marketplace) from the Bedrock console".into(),
        );
    }
    let has = |t: &str| s.inference_types.iter().any(|x| x == t);
    let types_known = !s.inference_types.is_empty();
    match n.via.as_str() {
        "on_demand" if types_known && !has("ON_DEMAND") => {
            let profile = model.and_then(|m| m.profile_for(region));
            fail(
                "on-demand-not-supported",
                format!("`{id}` cannot be invoked on demand in `{region}`"),
                match profile {
                    Some(p) => {
                        format!("use `via: inference_profile` and invoke `{}`", p.profile_id)
                    }
                    None => "use `via: inference_profile` or `via: provisioned`".into(),
                },
            );
        }
        "inference_profile"
            if model.is_some_and(|m| m.supports_inference_profile() == Knowledge::No) =>
        {
            fail(
                "no-inference-profile",
                format!("`{id}` has no inference profile"),
                "use `via: on_demand`".into(),
            );
        }
        "provisioned" if types_known && !has("PROVISIONED") => {
            fail(
                "provisioned-not-supported",
                format!("`{id}` does not offer provisioned throughput in `{region}`"),
                "use `via: on_demand` or `via: inference_profile`".into(),
            );
        }
        _ => {}
    }
    r
}

/// A likely successor: the most similar active model of the same provider.
fn successor(m: &crate::catalog::Model) -> Option<String> {
    catalog()
        .models
        .iter()
        .filter(|c| c.provider == m.provider && !c.is_legacy() && c.model_id != m.model_id)
        .filter(|c| c.eol_date.is_none())
        .map(|c| (strsim::jaro_winkler(&m.model_id, &c.model_id), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.model_id.cmp(&a.1.model_id)))
        .map(|(_, c)| c.model_id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(id: &str, via: &str) -> ModelNeed {
        ModelNeed {
            model_id: id.into(),
            region: "us-east-1".into(),
            via: via.into(),
        }
    }

    #[test]
    fn ready_model_is_ready() {
        let s = ModelStatus {
            model_id: "amazon.nova-lite-v1:0".into(),
            region: "us-east-1".into(),
            exists: true,
            inference_types: vec!["ON_DEMAND".into()],
            ..Default::default()
        };
        let r = readiness(&[need("amazon.nova-lite-v1:0", "on_demand")], &[s]);
        assert!(r[0].ready, "{r:?}");
    }

    #[test]
    fn unauthorized_anthropic_needs_the_form() {
        let s = ModelStatus {
            model_id: "anthropic.claude-haiku-4-5-20251001-v1:0".into(),
            region: "us-east-1".into(),
            exists: true,
            authorization: Some("NOT_AUTHORIZED".into()),
            ..Default::default()
        };
        let r = readiness(
            &[need(
                "anthropic.claude-haiku-4-5-20251001-v1:0",
                "inference_profile",
            )],
            &[s],
        );
        assert!(!r[0].ready);
        assert_eq!(r[0].problem.as_deref(), Some("use-case-form"));
    }

    #[test]
    fn on_demand_only_profile_model_points_to_profile() {
        let s = ModelStatus {
            model_id: "anthropic.claude-haiku-4-5-20251001-v1:0".into(),
            region: "us-east-1".into(),
            exists: true,
            inference_types: vec!["INFERENCE_PROFILE".into()],
            ..Default::default()
        };
        let r = readiness(
            &[need(
                "anthropic.claude-haiku-4-5-20251001-v1:0",
                "on_demand",
            )],
            &[s],
        );
        assert_eq!(r[0].problem.as_deref(), Some("on-demand-not-supported"));
        assert!(r[0].fix.as_deref().unwrap_or("").contains("us.anthropic"));
    }

    #[test]
    fn missing_model_is_not_offered() {
        let s = ModelStatus {
            model_id: "x".into(),
            region: "us-east-1".into(),
            exists: false,
            ..Default::default()
        };
        let r = readiness(&[need("x", "on_demand")], &[s]);
        assert_eq!(r[0].problem.as_deref(), Some("not-offered-in-region"));
    }
}
