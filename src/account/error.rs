//! Errors from an account, carrying the AWS error code so callers can decide.

use serde::{Deserialize, Serialize};

/// An error an account operation returned: the AWS code (`ValidationException`,
/// `ThrottlingException`, …), its message, and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{operation}: {code}: {message}{}", request_id.as_ref().map(|r| format!(" (request id: {r})")).unwrap_or_default())]
pub struct AccountError {
    pub code: String,
    pub message: String,
    pub operation: String,
    pub request_id: Option<String>,
}

impl AccountError {
    pub fn new(
        operation: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        AccountError {
            code: code.into(),
            message: message.into(),
            operation: operation.into(),
            request_id: None,
        }
    }

    pub fn validation(operation: &str, message: impl Into<String>) -> Self {
        Self::new(operation, "ValidationException", message)
    }

    pub fn not_found(operation: &str, message: impl Into<String>) -> Self {
        Self::new(operation, "ResourceNotFoundException", message)
    }

    pub fn conflict(operation: &str, message: impl Into<String>) -> Self {
        Self::new(operation, "ConflictException", message)
    }

    /// Worth retrying with backoff: throttling and server-side errors.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.code.as_str(),
            "ThrottlingException"
                | "Throttling"
                | "TooManyRequestsException"
                | "RequestLimitExceeded"
                | "InternalServerException"
                | "InternalFailure"
                | "ServiceUnavailableException"
                | "ServiceUnavailable"
                | "ServiceFailure"
        )
    }

    pub fn is_access_denied(&self) -> bool {
        matches!(self.code.as_str(), "AccessDeniedException" | "AccessDenied")
    }

    pub fn is_not_found(&self) -> bool {
        matches!(
            self.code.as_str(),
            "ResourceNotFoundException"
                | "NoSuchEntity"
                | "ResourceNotFound"
                | "InvalidVpcEndpointId.NotFound"
        )
    }
}
