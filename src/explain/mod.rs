//! Diagnosis of pasted AWS error messages (IAM AccessDenied, Bedrock runtime errors).
//!
//! [`explain`] reads the text the way a user pastes it (any SDK's wrapping, stack
//! traces, JSON bodies), decides which of the known failure modes it is, and returns a
//! [`Diagnosis`]: the facts the message states, the likely causes, the fixes and the
//! exact commands that confirm them. [`deep`] then checks the diagnosis against a live
//! (or sandbox) account.
//!
//! Architecture invariant: everything here except [`deep`] is pure text processing (no
//! I/O); [`deep`] reaches the account only through the `&dyn Account` it is given.

mod advice;
mod advice_access;
mod advice_iam;
mod advice_runtime;
pub mod arn;
mod classify;
pub mod deep;
mod deep_vpce;
pub mod iam_adapter;
pub mod iam_message;
pub mod input;
pub mod models;
mod render;
pub mod sanitize;

pub use classify::iam_action_for_operation;
pub use render::render_text;

use serde::Serialize;

/// The failure modes `explain` tells apart (design.md, `explain --format json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    AccessDenied,
    ModelAccess,
    OnDemandNotSupported,
    InvalidModelId,
    LegacyModel,
    MarketplaceSubscription,
    UseCaseForm,
    ModelNotReady,
    Throttling,
    QuotaExceeded,
    Validation,
    Unknown,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::AccessDenied => "access_denied",
            Category::ModelAccess => "model_access",
            Category::OnDemandNotSupported => "on_demand_not_supported",
            Category::InvalidModelId => "invalid_model_id",
            Category::LegacyModel => "legacy_model",
            Category::MarketplaceSubscription => "marketplace_subscription",
            Category::UseCaseForm => "use_case_form",
            Category::ModelNotReady => "model_not_ready",
            Category::Throttling => "throttling",
            Category::QuotaExceeded => "quota_exceeded",
            Category::Validation => "validation",
            Category::Unknown => "unknown",
        }
    }
}

/// The kind of policy an IAM message blames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyType {
    Identity,
    Resource,
    PermissionsBoundary,
    Session,
    Scp,
    Rcp,
    VpcEndpoint,
}

impl PolicyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::PermissionsBoundary => "permissions_boundary",
            PolicyType::Session => "session",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::VpcEndpoint => "vpc_endpoint",
        }
    }

    /// `a service control policy`, `an identity-based policy`.
    pub fn with_article(self) -> String {
        let d = self.describe();
        let article = if d.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {d}")
    }

    /// How the IAM documentation names it.
    pub fn describe(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity-based policy",
            PolicyType::Resource => "resource-based policy",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::Session => "session policy",
            PolicyType::Scp => "service control policy",
            PolicyType::Rcp => "resource control policy",
            PolicyType::VpcEndpoint => "VPC endpoint policy",
        }
    }
}

/// What `explain` concluded. Serialises to exactly the JSON of design.md; the
/// `#[serde(skip)]` fields only feed the text rendering.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    pub category: Category,
    pub principal: Option<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
    pub region: Option<String>,
    pub model_id: Option<String>,
    pub policy_type: Option<PolicyType>,
    pub explicit_deny: Option<bool>,
    pub causes: Vec<String>,
    pub fixes: Vec<String>,
    pub commands: Vec<String>,
    /// One line saying what happened.
    #[serde(skip)]
    pub summary: String,
    /// (label, value) facts read from the message, for the text rendering.
    #[serde(skip)]
    pub evidence: Vec<(String, String)>,
}

/// Facts known from elsewhere than the message (the `probe` request, `--region`). The
/// message wins where it says something.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    pub region: Option<String>,
    pub model_id: Option<String>,
    pub operation: Option<String>,
}

/// Diagnose a pasted message. Always returns a diagnosis (`unknown` when nothing matched).
pub fn explain(text: &str) -> Diagnosis {
    explain_with(text, &Hints::default())
}

pub fn explain_with(text: &str, hints: &Hints) -> Diagnosis {
    // Control sequences go before parsing, so no field of any output can carry them.
    let text = sanitize::strip_terminal_controls(text);
    let pasted = input::parse(&text);
    let facts = classify::facts(&pasted, hints);
    advice::diagnose(&pasted, facts)
}

/// Diagnose a failed `probe`: the error as if the user had pasted `<code>: <message>`,
/// with the request's own region, model and operation filling what the message omits.
pub fn probe_failure(
    e: &crate::account::AccountError,
    region: &str,
    model: &str,
    kind: crate::account::ProbeKind,
) -> Diagnosis {
    let operation = kind.operation();
    let hints = Hints {
        region: Some(region.to_string()),
        model_id: Some(model.to_string()),
        operation: Some(operation.to_string()),
    };
    explain_with(&format!("{}: {}", e.code, e.message), &hints)
}

impl Diagnosis {
    pub fn to_json(&self) -> String {
        // Serialising plain strings, options and enums cannot fail; fall back to a
        // minimal valid document rather than panic.
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|_| format!("{{\"category\": \"{}\"}}", self.category.as_str()))
    }
}

#[cfg(test)]
mod tests;
