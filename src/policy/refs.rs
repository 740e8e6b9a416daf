//! References from grants to the stack's own resources, resolved to exact ARNs.
//!
//! A guardrail's id is assigned by Bedrock at create time, so a grant's
//! `guardrail: NAME` can only become an exact ARN once the guardrail exists. The
//! caller reads the live account (the plan's snapshot, the sandbox) and fills a
//! [`StackRefs`]; without an entry the generator keeps its account-wide fallback.
//! No state file: the account is the only source of ids.

use crate::account::{Kind, Resource};
use std::collections::BTreeMap;

/// Exact ARNs of the stack's resources, keyed by (config name, region).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackRefs {
    guardrails: BTreeMap<(String, String), String>,
    placeholders: bool,
}

impl StackRefs {
    /// No resource resolved: every reference keeps the account-wide fallback.
    pub fn none() -> Self {
        Self::default()
    }

    /// No account known: an unresolved reference prints as a placeholder that says
    /// what it stands for (`${guardrail.NAME.arn}`) instead of a wildcard. Such a
    /// document is for reading, not for IAM.
    pub fn placeholders() -> Self {
        Self {
            placeholders: true,
            ..Self::default()
        }
    }

    /// The ARNs of `stack`'s guardrails among `live` (what the account lists): only
    /// resources bedrockctl manages for that stack, so a same-named guardrail of
    /// another stack or of the console is never granted.
    pub fn from_live(stack: &str, live: &[Resource]) -> Self {
        let mut refs = Self::none();
        for r in live {
            if r.kind == Kind::Guardrail && r.stack() == Some(stack) {
                if let Some(arn) = r.id.as_deref().filter(|a| a.starts_with("arn:")) {
                    refs.add_guardrail(&r.name, &r.region, arn);
                }
            }
        }
        refs
    }

    /// The placeholder for guardrail `name`, when this is a placeholder rendering.
    pub fn guardrail_placeholder(&self, name: &str) -> Option<String> {
        self.placeholders
            .then(|| format!("${{guardrail.{name}.arn}}"))
    }

    /// Record the live ARN of the stack's guardrail `name` in `region`.
    pub fn add_guardrail(&mut self, name: &str, region: &str, arn: &str) {
        self.guardrails
            .insert((name.to_string(), region.to_string()), arn.to_string());
    }

    /// The live ARN of guardrail `name` in `region`, when it exists.
    pub fn guardrail(&self, name: &str, region: &str) -> Option<&str> {
        self.guardrails
            .get(&(name.to_string(), region.to_string()))
            .map(String::as_str)
    }

    /// Whether nothing was resolved.
    pub fn is_empty(&self) -> bool {
        self.guardrails.is_empty()
    }
}
