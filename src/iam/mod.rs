//! Offline IAM policy evaluation: parsing with positions, matching, conditions,
//! the AWS evaluation logic, and the access checks built on it.
//!
//! Architecture invariant: `iam` does no I/O.

/// A problem in a policy document, at a byte offset of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyError {
    pub offset: usize,
    pub message: String,
}

/// Parse and check a policy document's text. Returns the JSON value on success and
/// every problem found (with its byte offset) otherwise.
pub fn check_policy_text(text: &str) -> Result<serde_json::Value, Vec<PolicyError>> {
    serde_json::from_str(text).map_err(|e| {
        let file = crate::span::SourceFile::new("", text);
        vec![PolicyError {
            offset: file.offset(e.line(), e.column()),
            message: e.to_string(),
        }]
    })
}
