//! Offline IAM policy evaluation: parsing with positions, matching, conditions and
//! the AWS evaluation logic, nothing else (access checks built on it are `check`).
//!
//! Architecture invariant: `iam` does no I/O.
//!
//! Pipeline: text → [`json`] (spanned tree) → [`policy`] (typed, all errors with
//! offsets) → [`compile`] (matchers built once) → [`eval`] (decisions). The
//! `bedrockctl iam eval` line protocol is [`jsonl`].
//!
//! Choices where AWS leaves room or the contract is silent:
//! - Reasons: an explicit deny lists every matching Deny statement; an allow lists
//!   every matching Allow statement of every policy type (identity, resource,
//!   boundary, session, SCP, RCP, in that order); an implicit deny lists none (what
//!   was missing is [`Outcome::missing`]). SCP/RCP `policy_index` counts policies
//!   across levels, root first, so it equals the level when each level has one policy.
//! - Every organization level needs an Allow: a level whose policies only Deny
//!   grants nothing (as in AWS, where FullAWSAccess is attached by default).
//! - Implied context keys are added only when the request does not give them:
//!   `aws:PrincipalArn` (the role ARN, without path, for a role session),
//!   `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username` (users),
//!   `aws:userid` (root only; other unique ids are unknowable offline),
//!   `aws:PrincipalIsAWSService`, `aws:RequestedRegion` (the resource ARN's region)
//!   and `aws:ResourceAccount`. `aws:CurrentTime` is never invented.
//! - Same account: a resource policy naming the user, the role session, a service
//!   or `*` grants on its own; naming the role ARN grants but the boundary and
//!   session policy still limit it; naming the account delegates to identity
//!   policies. Across accounts both sides must allow. An empty resource account
//!   (foundation models) is the caller's own account.
//! - Condition operator names are accepted in any letter case; condition values are
//!   compared ASCII-case-insensitively only by the `...IgnoreCase` operators.

pub mod compile;
pub mod condition;
pub mod context;
pub mod doc_cache;
pub mod documents;
pub mod eval;
pub mod json;
pub mod jsonl;
pub mod pattern;
pub mod policy;

pub use compile::CompiledPolicy;
pub use context::{Context, Principal, Value};
pub use eval::{evaluate, Decision, Outcome, PolicySet, PolicyType, Reason, Request};
pub use policy::{Effect, Policy};

/// A problem in a policy document, at a byte offset of its text. Advice ("did you mean
/// `Action`?") is kept apart from the message, so diagnostics can render it as a
/// `hint:` line; one-line forms (`Display`, JSONL) append it after `; `.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} (at byte {offset}){}", hint.as_ref().map(|h| format!("; {h}")).unwrap_or_default())]
pub struct PolicyError {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl PolicyError {
    pub fn new(offset: usize, message: impl Into<String>) -> PolicyError {
        PolicyError {
            offset,
            message: message.into(),
            hint: None,
        }
    }
}

/// Parse and check a policy document's text. Returns the JSON value on success and
/// every problem found (with its byte offset) otherwise.
pub fn check_policy_text(text: &str) -> Result<serde_json::Value, Vec<PolicyError>> {
    let node = json::parse(text).map_err(|e| vec![PolicyError::new(e.offset, e.message)])?;
    policy::parse_node(&node)?;
    Ok(node.to_serde())
}

/// Parse and compile a policy held as a `serde_json::Value` (config-loaded files,
/// account documents). Errors carry no useful offset here.
pub fn compile_value(value: &serde_json::Value) -> Result<CompiledPolicy, Vec<PolicyError>> {
    let node =
        json::Node::from_serde(value).map_err(|e| vec![PolicyError::new(e.offset, e.message)])?;
    let policy = policy::parse_node(&node)?;
    Ok(CompiledPolicy::compile(&policy))
}

/// Parse and compile policy text.
pub fn compile_text(text: &str) -> Result<CompiledPolicy, Vec<PolicyError>> {
    Ok(CompiledPolicy::compile(&policy::parse(text)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_policy_text_reports_offsets() {
        let ok = check_policy_text(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        )
        .unwrap();
        assert_eq!(ok["Statement"][0]["Effect"], "Allow");
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Alow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]\n}";
        let errs = check_policy_text(text).unwrap_err();
        assert_eq!(errs.len(), 1);
        let f = crate::span::SourceFile::new("p.json", text);
        assert_eq!(f.line_col(errs[0].offset), (3, 28));
        let syntax = check_policy_text("{\n  \"Version\": ,\n}").unwrap_err();
        let f2 = crate::span::SourceFile::new("p.json", "{\n  \"Version\": ,\n}");
        assert_eq!(f2.line_col(syntax[0].offset), (2, 14));
    }
}
