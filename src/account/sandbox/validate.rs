//! Request validation in the services' own words.
//!
//! Bedrock (a Smithy/Coral service) reports every broken constraint of a request at
//! once: `2 validation errors detected: Value 'x' at 'name' failed to satisfy
//! constraint: Member must …; Value …`. [`Violations`] collects them in that shape.
//! The pattern checks are hand-written matchers for the exact regexes the service
//! model declares (named in each function), so no regex engine is needed.

use crate::account::AccountError;
use std::collections::BTreeMap;

/// Broken constraints of one request, in the order they were found.
#[derive(Debug, Default)]
pub struct Violations {
    items: Vec<String>,
}

impl Violations {
    pub fn new() -> Violations {
        Violations::default()
    }

    pub fn push(&mut self, value: &str, at: &str, constraint: impl AsRef<str>) {
        self.items.push(format!(
            "Value '{}' at '{at}' failed to satisfy constraint: {}",
            shorten(value),
            constraint.as_ref()
        ));
    }

    /// A rule that is not a member constraint (cross-field rules); said in plain words.
    pub fn push_rule(&mut self, message: impl Into<String>) {
        self.items.push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `len` within `min..=max` (characters, as the service counts them).
    pub fn length(&mut self, value: &str, at: &str, min: usize, max: usize) {
        let n = value.chars().count();
        if n < min {
            self.push(
                value,
                at,
                format!("Member must have length greater than or equal to {min}"),
            );
        } else if n > max {
            self.push(
                value,
                at,
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    pub fn pattern(&mut self, value: &str, at: &str, ok: bool, pattern: &str) {
        if !ok {
            self.push(
                value,
                at,
                format!("Member must satisfy regular expression pattern: {pattern}"),
            );
        }
    }

    /// Enum check; values are compared ignoring case because specs are ours and the
    /// AWS implementation upper-cases them on the way out.
    pub fn one_of(&mut self, value: &str, at: &str, allowed: &[&str]) {
        if !allowed.iter().any(|a| a.eq_ignore_ascii_case(value)) {
            self.push(
                value,
                at,
                format!(
                    "Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ),
            );
        }
    }

    pub fn list_max(&mut self, len: usize, at: &str, max: usize) {
        if len > max {
            self.items.push(format!(
                "Value at '{at}' failed to satisfy constraint: Member must have length less than or equal to {max}"
            ));
        }
    }

    pub fn min_value<T: PartialOrd + std::fmt::Display>(&mut self, value: T, at: &str, min: T) {
        if value < min {
            self.push(
                &value.to_string(),
                at,
                format!("Member must have value greater than or equal to {min}"),
            );
        }
    }

    pub fn max_value<T: PartialOrd + std::fmt::Display>(&mut self, value: T, at: &str, max: T) {
        if value > max {
            self.push(
                &value.to_string(),
                at,
                format!("Member must have value less than or equal to {max}"),
            );
        }
    }

    /// `Ok` when nothing is broken, else the service's error for it.
    pub fn finish(self, operation: &str, code: &str) -> Result<(), AccountError> {
        match self.items.len() {
            0 => Ok(()),
            1 => Err(AccountError::new(
                operation,
                code,
                format!("1 validation error detected: {}", self.items.join("; ")),
            )),
            n => Err(AccountError::new(
                operation,
                code,
                format!("{n} validation errors detected: {}", self.items.join("; ")),
            )),
        }
    }
}

/// Long values are cut in messages, as the services do, so a 10 KB document does not
/// end up in an error line.
fn shorten(value: &str) -> String {
    const MAX: usize = 100;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let head: String = value.chars().take(MAX).collect();
        format!("{head}…")
    }
}

/// `([0-9a-zA-Z][<seps>]?)+`: alphanumerics, each separator preceded by one.
pub fn alnum_with_separators(s: &str, seps: &[char]) -> bool {
    base_with_separators(s, "", seps)
}

/// `([0-9a-zA-Z<extra>][<seps>]?)+`.
pub fn base_with_separators(s: &str, extra: &str, seps: &[char]) -> bool {
    let mut prev_sep = true;
    if s.is_empty() {
        return false;
    }
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || extra.contains(c) {
            prev_sep = false;
        } else if seps.contains(&c) && !prev_sep {
            prev_sep = true;
        } else {
            return false;
        }
    }
    true
}

/// Every char in the ASCII alphanumerics or `extra`, at least one char.
pub fn charset(s: &str, extra: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
}

/// `clientRequestToken`: `[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?`.
pub fn token_ok(t: &str) -> bool {
    let n = t.len();
    (1..=256).contains(&n)
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !t.starts_with('-')
        && !t.ends_with('-')
}

/// IAM names: `[\w+=,.@-]+`.
pub fn iam_name_ok(s: &str) -> bool {
    charset(s, "_+=,.@-")
}

/// Bedrock tag keys and values: `[a-zA-Z0-9\s._:/=+@-]*`.
fn bedrock_tag_text_ok(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || "._:/=+@-".contains(c))
}

/// Bedrock TagResource rules: at most 200 tags (TooManyTagsException), keys 1–128 and
/// values 0–256 chars of `[a-zA-Z0-9\s._:/=+@-]*`. Reserved `aws:` keys are refused.
pub fn bedrock_tags(operation: &str, tags: &BTreeMap<String, String>) -> Result<(), AccountError> {
    if tags.len() > 200 {
        return Err(AccountError::new(
            operation,
            "TooManyTagsException",
            format!(
                "The number of tags ({}) exceeds the limit of 200 tags per resource.",
                tags.len()
            ),
        ));
    }
    let mut v = Violations::new();
    for (i, (k, val)) in tags.iter().enumerate() {
        let at_k = format!("tags.{}.member.key", i + 1);
        let at_v = format!("tags.{}.member.value", i + 1);
        v.length(k, &at_k, 1, 128);
        v.pattern(k, &at_k, bedrock_tag_text_ok(k), r"[a-zA-Z0-9\s._:/=+@-]*");
        v.length(val, &at_v, 0, 256);
        v.pattern(
            val,
            &at_v,
            bedrock_tag_text_ok(val),
            r"[a-zA-Z0-9\s._:/=+@-]*",
        );
        if k.to_ascii_lowercase().starts_with("aws:") {
            v.push_rule(format!(
                "Tag keys starting with 'aws:' are reserved for AWS use: '{k}'"
            ));
        }
    }
    v.finish(operation, "ValidationException")
}

/// IAM and CloudWatch tags: at most 50 (`LimitExceeded`), keys 1–128 and values 0–256
/// of `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`.
pub fn iam_style_tags(
    operation: &str,
    tags: &BTreeMap<String, String>,
    validation_code: &str,
) -> Result<(), AccountError> {
    if tags.len() > 50 {
        return Err(AccountError::new(
            operation,
            "LimitExceeded",
            format!(
                "Cannot exceed quota for TagsPerResource: 50 (got {})",
                tags.len()
            ),
        ));
    }
    let ok = |s: &str| {
        s.chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
    };
    let mut v = Violations::new();
    for (i, (k, val)) in tags.iter().enumerate() {
        let at_k = format!("tags.{}.member.key", i + 1);
        let at_v = format!("tags.{}.member.value", i + 1);
        v.length(k, &at_k, 1, 128);
        v.pattern(k, &at_k, ok(k), r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+");
        v.length(val, &at_v, 0, 256);
        v.pattern(val, &at_v, ok(val), r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*");
    }
    v.finish(operation, validation_code)
}

/// Policy size as IAM counts it: characters outside whitespace.
pub fn policy_size(doc: &serde_json::Value) -> usize {
    doc.to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .count()
}

/// IAM's grammar checks for a policy document (MalformedPolicyDocument): an object
/// with a supported `Version`, a non-empty `Statement`, each with `Effect`
/// Allow/Deny, `Action` or `NotAction`, and `Resource`/`NotResource` (identity
/// policies) or `Principal`/`NotPrincipal` (trust policies).
pub fn policy_document(doc: &serde_json::Value, trust: bool) -> Result<(), String> {
    let obj = doc
        .as_object()
        .ok_or("Syntax errors in policy: the document must be a JSON object.")?;
    if let Some(v) = obj.get("Version") {
        if v != "2012-10-17" && v != "2008-10-17" {
            return Err(format!(
                "The policy failed legacy parsing: unsupported Version {v}"
            ));
        }
    }
    let statements: Vec<&serde_json::Value> = match obj.get("Statement") {
        Some(serde_json::Value::Array(a)) => a.iter().collect(),
        Some(s @ serde_json::Value::Object(_)) => vec![s],
        _ => return Err("Syntax errors in policy: missing required field Statement.".into()),
    };
    if statements.is_empty() {
        return Err("Syntax errors in policy: Statement must not be empty.".into());
    }
    for (i, s) in statements.iter().enumerate() {
        let s = s
            .as_object()
            .ok_or_else(|| format!("Syntax errors in policy: statement {i} is not an object."))?;
        match s.get("Effect").and_then(|e| e.as_str()) {
            Some("Allow" | "Deny") => {}
            _ => {
                return Err(format!(
                    "Syntax errors in policy: statement {i} needs Effect Allow or Deny."
                ))
            }
        }
        if !s.contains_key("Action") && !s.contains_key("NotAction") {
            return Err(format!("Policy statement {i} must contain actions."));
        }
        if trust {
            if !s.contains_key("Principal") && !s.contains_key("NotPrincipal") {
                return Err(format!(
                    "Has prohibited field Resource or missing Principal in statement {i}."
                ));
            }
        } else {
            if !s.contains_key("Resource") && !s.contains_key("NotResource") {
                return Err(format!("Policy statement {i} must contain resources."));
            }
            if s.contains_key("Principal") || s.contains_key("NotPrincipal") {
                return Err(format!(
                    "Policy document should not specify a principal (statement {i})."
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_follow_the_aws_shape() {
        let mut v = Violations::new();
        v.pattern("x y", "name", charset("x y", "-_"), "[0-9a-zA-Z-_]+");
        let e = v
            .finish("CreateGuardrail", "ValidationException")
            .unwrap_err();
        assert_eq!(
            e.message,
            "1 validation error detected: Value 'x y' at 'name' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [0-9a-zA-Z-_]+"
        );
        let mut v = Violations::new();
        v.length("", "a", 1, 5);
        v.length("abcdef", "b", 1, 5);
        let e = v.finish("Op", "ValidationException").unwrap_err();
        assert!(
            e.message.starts_with("2 validation errors detected: "),
            "{}",
            e.message
        );
    }

    #[test]
    fn separator_patterns() {
        assert!(alnum_with_separators("my-pt_1", &['_', '-']));
        assert!(alnum_with_separators("a-", &['_', '-']));
        assert!(!alnum_with_separators("-a", &['_', '-']));
        assert!(!alnum_with_separators("a--b", &['_', '-']));
        assert!(!alnum_with_separators("a b", &['_', '-']));
        assert!(alnum_with_separators("a b", &[' ', '_', '-']));
        assert!(!alnum_with_separators("", &['-']));
    }

    #[test]
    fn tokens_and_iam_names() {
        assert!(token_ok("abc-123"));
        assert!(!token_ok("-abc"));
        assert!(!token_ok("abc_1"));
        assert!(!token_ok(&"a".repeat(257)));
        assert!(iam_name_ok("app+role=,.@-_1"));
        assert!(!iam_name_ok("app/role"));
    }

    #[test]
    fn policy_grammar() {
        let ok = serde_json::json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]});
        assert!(policy_document(&ok, false).is_ok());
        assert!(policy_document(&ok, true).is_err());
        let trust = serde_json::json!({"Statement":{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}});
        assert!(policy_document(&trust, true).is_ok());
        assert!(policy_document(&serde_json::json!({"Statement":[]}), false).is_err());
        assert!(policy_document(&serde_json::json!([1]), false).is_err());
    }
}
