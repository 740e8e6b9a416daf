//! Canonical JSON: sorted keys, and IAM policy documents in one form, so that two
//! documents that mean the same compare equal (plan diffs, fingerprints).
//! Policy documents compare semantically: key order, a single string vs a one-element
//! array, and a `Statement` object vs an array of one are all irrelevant.

use serde_json::{Map, Value};

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
}
