//! Canonical forms, so that only meaningful differences show in a plan.
//!
//! Both sides of a comparison go through [`normalize_spec`]: each kind's own
//! normalization (`kinds::KindDef::normalize`: sorted unordered lists, server-side
//! defaults, read-only fields cleared, policy documents in canonical form).

use crate::account::spec::Spec;
use crate::account::Kind;
use crate::kinds::def;

/// The comparable form of `spec`.
pub fn normalize_spec(spec: &Spec) -> Spec {
    let mut s = spec.clone();
    def(s.kind()).normalize(&mut s);
    s
}

/// Tags that take part in comparisons: AWS-reserved `aws:` keys are the service's.
pub fn comparable_tags(
    tags: &std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<String, String> {
    tags.iter()
        // The applied fingerprint is bookkeeping, never a difference (see `applied`).
        .filter(|(k, _)| !k.starts_with("aws:") && !super::applied::is_bookkeeping(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Kinds the service cannot tag; their ownership comes from elsewhere.
pub fn is_taggable(kind: Kind) -> bool {
    def(kind).taggable()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn norm(kind: Kind, v: serde_json::Value) -> Spec {
        normalize_spec(&Spec::from_value(kind, v).unwrap())
    }

    #[test]
    fn read_only_and_defaults_never_differ() {
        let desired = json!({"model_id": "m", "model_units": 1, "commitment": "none"});
        let live = json!({"model_id": "m", "model_units": 1, "commitment": "none",
            "commitment_expiration": "2026-01-01T00:00:00Z"});
        assert_eq!(
            norm(Kind::ProvisionedThroughput, desired),
            norm(Kind::ProvisionedThroughput, live)
        );
        let d = json!({"assume_role_policy": {}, "inline_policies": {}, "managed_policies": []});
        let l = json!({"assume_role_policy": {}, "inline_policies": {}, "managed_policies": [],
            "max_session_duration": 3600});
        assert_eq!(norm(Kind::IamRole, d), norm(Kind::IamRole, l));
    }

    #[test]
    fn guardrail_list_order_is_irrelevant() {
        let a = json!({"blocked_input_message": "i", "blocked_output_message": "o",
            "custom_words": ["b", "a"], "content_filters": [
                {"type": "VIOLENCE", "input": "HIGH", "output": "HIGH"},
                {"type": "HATE", "input": "LOW", "output": "LOW"}]});
        let b = json!({"blocked_input_message": "i", "blocked_output_message": "o",
            "custom_words": ["a", "b"], "content_filters": [
                {"type": "HATE", "input": "LOW", "output": "LOW"},
                {"type": "VIOLENCE", "input": "HIGH", "output": "HIGH"}]});
        assert_eq!(norm(Kind::Guardrail, a), norm(Kind::Guardrail, b));
    }
}
