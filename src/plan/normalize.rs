//! Canonical forms, so that only meaningful differences show in a plan.
//!
//! Both sides of a comparison go through [`normalize_spec`]: the kind's typed spec and
//! its [`Normalize`] (sorted unordered lists), server-side defaults filled in, read-only
//! fields dropped, IAM policy documents put in a canonical form, and object keys sorted.
//! Policy documents compare semantically: key order, a single string vs a one-element
//! array, and a `Statement` object vs an array of one are all irrelevant.

use crate::account::spec::{
    AlarmSpec, GuardrailSpec, GuardrailVersionSpec, IamPolicySpec, IamRoleSpec,
    InferenceProfileSpec, InvocationLoggingSpec, ModelAccessSpec, Normalize,
    ProvisionedThroughputSpec,
};
use crate::account::Kind;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// Fields the service fills in when the request leaves them out: (kind, field, default).
const DEFAULTS: &[(Kind, &str, DefaultValue)] = &[
    (
        Kind::IamRole,
        "max_session_duration",
        DefaultValue::U64(3600),
    ),
    (Kind::Alarm, "namespace", DefaultValue::Str("AWS/Bedrock")),
    (Kind::Alarm, "evaluation_periods", DefaultValue::U64(1)),
];

/// Fields the service sets and the config never does; they never show as a diff.
const READ_ONLY: &[(Kind, &str)] = &[
    (Kind::ProvisionedThroughput, "commitment_expiration"),
    (Kind::GuardrailVersion, "version"),
];

enum DefaultValue {
    U64(u64),
    Str(&'static str),
}

impl DefaultValue {
    fn to_value(&self) -> Value {
        match self {
            DefaultValue::U64(n) => Value::from(*n),
            DefaultValue::Str(s) => Value::from(*s),
        }
    }
}

/// The comparable form of a spec of `kind`.
pub fn normalize_spec(kind: Kind, spec: &Value) -> Value {
    let (mut v, ordered) = match kind {
        Kind::ModelAccess => typed::<ModelAccessSpec>(spec, |_| {}),
        Kind::CustomModel => typed::<crate::account::spec::CustomModelSpec>(spec, |_| {}),
        Kind::ProvisionedThroughput => typed::<ProvisionedThroughputSpec>(spec, |_| {}),
        Kind::Guardrail => typed::<GuardrailSpec>(spec, |g| {
            g.normalize();
            // How versions get published is bedrockctl's business; the service may not
            // keep it, so it never counts as a difference.
            g.publish_version = false;
        }),
        Kind::GuardrailVersion => typed::<GuardrailVersionSpec>(spec, |g| {
            g.snapshot.normalize();
            // Not an API field: a version captures the draft, not how it was published.
            g.snapshot.publish_version = false;
        }),
        Kind::InferenceProfile => typed::<InferenceProfileSpec>(spec, |_| {}),
        Kind::InvocationLogging => typed::<InvocationLoggingSpec>(spec, |_| {}),
        Kind::Alarm => typed::<AlarmSpec>(spec, Normalize::normalize),
        Kind::IamRole => typed::<IamRoleSpec>(spec, Normalize::normalize),
        Kind::IamPolicy => typed::<IamPolicySpec>(spec, |_| {}),
        Kind::ModelAgreement => typed::<crate::account::access::ModelAgreementSpec>(spec, |_| {}),
        Kind::UseCase => typed::<crate::account::access::UseCaseSpec>(spec, |_| {}),
        Kind::EnforcedGuardrail => {
            typed::<crate::account::access::EnforcedGuardrailSpec>(spec, |_| {})
        }
    };
    if let Value::Object(map) = &mut v {
        for (k, field, default) in DEFAULTS {
            if *k == kind && map.get(*field).is_none_or(Value::is_null) {
                map.insert((*field).to_string(), default.to_value());
            }
        }
        for (k, field) in READ_ONLY {
            if *k == kind {
                map.remove(*field);
            }
        }
        // `null` and absent mean the same thing for optional fields.
        map.retain(|_, v| !v.is_null());
        match kind {
            Kind::IamRole => {
                if let Some(doc) = map.get_mut("assume_role_policy") {
                    *doc = canonical_policy(doc);
                }
                if let Some(Value::Object(inline)) = map.get_mut("inline_policies") {
                    for doc in inline.values_mut() {
                        *doc = canonical_policy(doc);
                    }
                }
            }
            Kind::IamPolicy => {
                if let Some(doc) = map.get_mut("document") {
                    *doc = canonical_policy(doc);
                }
            }
            _ => {}
        }
    }
    if ordered {
        v
    } else {
        sort_keys(&v)
    }
}

/// Round-trip through the typed spec; a spec that does not fit is kept as written so
/// that an unexpected live shape shows as a difference instead of being hidden.
/// Typed output has a fixed field order already; only the raw fallback needs sorting.
fn typed<T: DeserializeOwned + Serialize>(spec: &Value, f: impl FnOnce(&mut T)) -> (Value, bool) {
    match T::deserialize(spec) {
        Ok(mut t) => {
            f(&mut t);
            match serde_json::to_value(&t) {
                Ok(v) => (v, true),
                Err(_) => (spec.clone(), false),
            }
        }
        Err(_) => (spec.clone(), false),
    }
}

/// Recursively sort object keys, so serializations are stable (digests, rendering).
pub fn sort_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                if let Some(x) = m.get(k) {
                    out.insert(k.clone(), sort_keys(x));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

/// Keys of a statement whose values are sets of strings (order and form irrelevant).
const SET_KEYS: &[&str] = &["Action", "NotAction", "Resource", "NotResource"];

/// Canonical IAM policy document: `Statement` always an array, sorted; string-or-array
/// values as sorted, deduplicated sets, written as a string when single; keys sorted.
pub fn canonical_policy(doc: &Value) -> Value {
    let Value::Object(m) = doc else {
        return sort_keys(doc);
    };
    let mut out = m.clone();
    if let Some(st) = m.get("Statement") {
        let list: Vec<Value> = match st {
            Value::Array(a) => a.iter().map(canonical_statement).collect(),
            other => vec![canonical_statement(other)],
        };
        let mut keyed: Vec<(String, Value)> =
            list.into_iter().map(|s| (s.to_string(), s)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        keyed.dedup_by(|a, b| a.0 == b.0);
        out.insert(
            "Statement".into(),
            Value::Array(keyed.into_iter().map(|(_, s)| s).collect()),
        );
    }
    sort_keys(&Value::Object(out))
}

fn canonical_statement(st: &Value) -> Value {
    let Value::Object(m) = st else {
        return sort_keys(st);
    };
    let mut out = Map::new();
    for (k, v) in m {
        let nv = if SET_KEYS.contains(&k.as_str()) {
            string_set(v)
        } else if k == "Principal" || k == "NotPrincipal" {
            match v {
                Value::Object(p) => Value::Object(
                    p.iter()
                        .map(|(pk, pv)| (pk.clone(), string_set(pv)))
                        .collect(),
                ),
                other => other.clone(),
            }
        } else if k == "Condition" {
            match v {
                Value::Object(ops) => Value::Object(
                    ops.iter()
                        .map(|(op, keys)| {
                            let keys = match keys {
                                Value::Object(km) => Value::Object(
                                    km.iter()
                                        .map(|(ck, cv)| (ck.clone(), string_set(cv)))
                                        .collect(),
                                ),
                                other => other.clone(),
                            };
                            (op.clone(), keys)
                        })
                        .collect(),
                ),
                other => other.clone(),
            }
        } else {
            v.clone()
        };
        out.insert(k.clone(), nv);
    }
    sort_keys(&Value::Object(out))
}

/// A string or array of scalars → one string when single, else a sorted unique array.
fn string_set(v: &Value) -> Value {
    let mut items: Vec<Value> = match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    items.sort_by_key(|x| match x {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    items.dedup();
    if items.len() == 1 {
        items.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(items)
    }
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
    !matches!(
        kind,
        Kind::InvocationLogging
            | Kind::GuardrailVersion
            | Kind::ModelAccess
            | Kind::ModelAgreement
            | Kind::UseCase
            | Kind::EnforcedGuardrail
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn policy_forms_compare_equal() {
        let a = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
            "Action": "bedrock:InvokeModel", "Resource": ["arn:b", "arn:a"]}});
        let b = json!({"Statement": [{"Resource": ["arn:a", "arn:b", "arn:a"],
            "Action": ["bedrock:InvokeModel"], "Effect": "Allow"}], "Version": "2012-10-17"});
        assert_eq!(canonical_policy(&a), canonical_policy(&b));
    }

    #[test]
    fn policy_difference_survives() {
        let a =
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
        let b =
            json!({"Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]});
        assert_ne!(canonical_policy(&a), canonical_policy(&b));
    }

    #[test]
    fn condition_values_are_sets() {
        let a = json!({"Statement": [{"Effect": "Allow", "Action": "x:Y", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-2", "vpce-1"]}}}]});
        let b = json!({"Statement": [{"Effect": "Allow", "Action": "x:Y", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}}]});
        assert_eq!(canonical_policy(&a), canonical_policy(&b));
    }

    #[test]
    fn read_only_and_defaults_never_differ() {
        let desired = json!({"model_id": "m", "model_units": 1, "commitment": "none"});
        let live = json!({"model_id": "m", "model_units": 1, "commitment": "none",
            "commitment_expiration": "2026-01-01T00:00:00Z"});
        assert_eq!(
            normalize_spec(Kind::ProvisionedThroughput, &desired),
            normalize_spec(Kind::ProvisionedThroughput, &live)
        );
        let d = json!({"assume_role_policy": {}, "inline_policies": {}, "managed_policies": []});
        let l = json!({"assume_role_policy": {}, "inline_policies": {}, "managed_policies": [],
            "max_session_duration": 3600});
        assert_eq!(
            normalize_spec(Kind::IamRole, &d),
            normalize_spec(Kind::IamRole, &l)
        );
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
        assert_eq!(
            normalize_spec(Kind::Guardrail, &a),
            normalize_spec(Kind::Guardrail, &b)
        );
    }
}
