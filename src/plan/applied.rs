//! What apply last wrote, so that a plan can tell drift from a config edit.
//!
//! There is no state file, so apply records a fingerprint of what it applied on the
//! resource itself: the tag `bedrockctl:applied=<sha256 hex>` (64 characters, inside the
//! 256-character tag value limit of Bedrock, IAM and CloudWatch tags, and of their
//! character set; IAM: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-iam-role-tag.html,
//! the tag-value type shared by the tagging APIs:
//! https://docs.aws.amazon.com/rolesanywhere/latest/APIReference/API_Tag.html). It takes
//! one of the 50 tags a resource may carry. The fingerprint
//! covers the normalized spec and the comparable tags (this tag excluded), so for an IAM
//! role it also covers the role's inline and attached policies, which live in its spec.
//!
//! Invocation logging cannot be tagged. When its CloudWatch delivery role is a role of
//! the stack, apply records the logging fingerprint on that role instead, in the tag
//! `bedrockctl:applied:invocation_logging:REGION` (TagRole adds a tag without touching the
//! others), and planning reads it back from there ([`record_key`], [`record_holder`]). Like
//! the applied tag, record tags are bookkeeping: no fingerprint or diff includes them, and
//! updates keep them (tags are changed by difference with the live resource). Logging delivered to S3 only, or through a role the stack does
//! not own, has no such holder and stays unverified.
//!
//! Planning then compares three things: the live resource, the config, and the
//! fingerprint. live ≠ applied is drift (someone changed it outside bedrockctl);
//! config ≠ applied is a pending change; both can hold at once. Kinds that cannot be
//! tagged (invocation logging, guardrail versions, model access) and resources without
//! the tag (applied by an older bedrockctl, or never applied) fall back to the old rule:
//! every update of an owned resource counts as drift, and the plan says it could not
//! tell (`drift_unverified`).

use super::normalize::{comparable_tags, is_taggable, normalize_spec};
use crate::account::spec::{InvocationLoggingSpec, Spec};
use crate::account::{Kind, Resource};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Tag holding the fingerprint of what apply last wrote. Never shown in a diff.
pub use crate::vocab::TAG_APPLIED;

/// Prefix of the tags that hold, on a stack role, what apply last wrote for a kind that
/// cannot be tagged itself.
pub const RECORD_PREFIX: &str = "bedrockctl:applied:";

/// Tags that record what apply wrote: never a difference, never shown.
pub fn is_bookkeeping(key: &str) -> bool {
    key == TAG_APPLIED || key.starts_with(RECORD_PREFIX)
}

/// The tag holding the applied fingerprint of the untaggable `kind` in `region`.
pub fn record_key(kind: Kind, region: &str) -> String {
    format!("{RECORD_PREFIX}{}:{region}", kind.as_str())
}

/// The name of the IAM role that holds the applied record of `r`, for kinds that
/// cannot be tagged and name a role: invocation logging's CloudWatch delivery role.
pub fn record_holder(r: &Resource) -> Option<String> {
    if r.kind != Kind::InvocationLogging {
        return None;
    }
    let arn = &r
        .spec
        .as_kind::<InvocationLoggingSpec>()?
        .cloudwatch
        .as_ref()?
        .role_arn;
    // arn:aws:iam::ACCOUNT:role/PATH/NAME: the name is the last path segment.
    let (_, path) = arn.split_once(":role/")?;
    path.rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// Fingerprint of `spec` and `tags` of a resource of `kind`, as normalized for a diff.
pub fn fingerprint(kind: Kind, spec: &Spec, tags: &BTreeMap<String, String>) -> String {
    let mut h = Sha256::new();
    let mut buf = String::new();
    canonical(&normalize_spec(spec).to_value(), &mut buf);
    h.update(buf.as_bytes());
    h.update([0]);
    if is_taggable(kind) {
        for (k, v) in comparable_tags(tags) {
            h.update(k.as_bytes());
            h.update([0]);
            h.update(v.as_bytes());
            h.update([0]);
        }
    }
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// `desired` with the applied tag set to its own fingerprint (taggable kinds only):
/// what apply sends on a create or an update.
pub fn stamp(mut desired: Resource) -> Resource {
    if is_taggable(desired.kind) {
        let fp = fingerprint(desired.kind, &desired.spec, &desired.tags);
        desired.tags.insert(TAG_APPLIED.to_string(), fp);
    }
    desired
}

/// How a change of a live resource relates to what was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The live resource still matches what was applied: the change is the config's.
    Config,
    /// The live resource was changed outside bedrockctl (the config may have changed too).
    Drift,
    /// No fingerprint to compare with: cannot tell, reported as drift as before.
    Unknown,
}

/// Classify the update of `live` (raw, as listed). An untaggable resource carries the
/// tag only when planning copied its record in from the holder role.
pub fn origin(live: &Resource) -> Origin {
    match live.tags.get(TAG_APPLIED) {
        Some(applied) => {
            if fingerprint(live.kind, &live.spec, &live.tags) == *applied {
                Origin::Config
            } else {
                Origin::Drift
            }
        }
        _ => Origin::Unknown,
    }
}

/// JSON with object keys sorted at every level, so that key order (serde_json keeps
/// insertion order here) never changes a fingerprint.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(k.as_str()).to_string());
                out.push(':');
                if let Some(x) = m.get(k) {
                    canonical(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::GLOBAL;
    use serde_json::json;

    fn role(doc: Value, tags: &[(&str, &str)]) -> Resource {
        Resource {
            kind: Kind::IamRole,
            region: GLOBAL.to_string(),
            name: "r".into(),
            id: None,
            spec: Spec::from_value(Kind::IamRole, json!({"assume_role_policy": doc})).unwrap(),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            status: None,
        }
    }

    #[test]
    fn stamped_resource_reads_back_as_applied() {
        let r = stamp(role(json!({"Version": "2012-10-17"}), &[("team", "a")]));
        assert_eq!(r.tags.get(TAG_APPLIED).map(String::len), Some(64));
        assert_eq!(origin(&r), Origin::Config);
    }

    #[test]
    fn out_of_band_edit_is_drift_and_missing_tag_is_unknown() {
        let mut r = stamp(role(json!({"Version": "2012-10-17"}), &[("team", "a")]));
        r.tags.insert("team".into(), "b".into());
        assert_eq!(origin(&r), Origin::Drift);
        let plain = role(json!({"Version": "2012-10-17"}), &[]);
        assert_eq!(origin(&plain), Origin::Unknown);
    }

    #[test]
    fn key_order_and_aws_tags_do_not_change_the_fingerprint() {
        let a = role(json!({"a": 1, "b": 2}), &[("team", "a")]);
        let b = role(json!({"b": 2, "a": 1}), &[("team", "a"), ("aws:x", "y")]);
        assert_eq!(
            fingerprint(a.kind, &a.spec, &a.tags),
            fingerprint(b.kind, &b.spec, &b.tags)
        );
    }
}
