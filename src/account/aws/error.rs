//! SDK errors → [`AccountError`]: the AWS error code, its message, the operation
//! and the request id. Nothing else of the SDK error leaves this module.
//!
//! Messages come from the service's error body or, for transport failures, from
//! the error chain; neither carries request headers, so no credential, session
//! token or signature can reach an `AccountError`.

use crate::account::AccountError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::request_id::RequestId;

/// `map_err` adapter: `.send().await.map_err(sdk_err("CreateGuardrail"))`.
pub(crate) fn sdk_err<E>(
    operation: &'static str,
) -> impl FnOnce(SdkError<E, aws_smithy_runtime_api::http::Response>) -> AccountError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    move |e| from_sdk(operation, e)
}

/// Convert one SDK error.
pub(crate) fn from_sdk<E>(
    operation: &str,
    e: SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> AccountError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let request_id = e.request_id().map(str::to_string);
    let (code, message) = match &e {
        SdkError::ServiceError(se) => {
            let err = se.err();
            let status = se.raw().status().as_u16();
            let code = err
                .code()
                .map(str::to_string)
                .unwrap_or_else(|| fallback_code(status).to_string());
            let message = err
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("the service answered HTTP {status}"));
            (code, message)
        }
        SdkError::TimeoutError(_) => ("TimeoutError".to_string(), chain(&e)),
        SdkError::DispatchFailure(_) => ("DispatchFailure".to_string(), chain(&e)),
        SdkError::ResponseError(r) => {
            let status = r.raw().status().as_u16();
            (
                "ResponseError".to_string(),
                format!("HTTP {status}: {}", chain(&e)),
            )
        }
        SdkError::ConstructionFailure(_) => ("ConstructionFailure".to_string(), chain(&e)),
        _ => ("Unknown".to_string(), chain(&e)),
    };
    AccountError {
        code,
        message,
        operation: operation.to_string(),
        request_id,
    }
}

/// A request the SDK could not even build (a required field was missing).
pub(crate) fn build_err(
    operation: &'static str,
) -> impl FnOnce(aws_smithy_types::error::operation::BuildError) -> AccountError {
    move |e| AccountError::validation(operation, format!("invalid request: {e}"))
}

fn chain(e: &dyn std::error::Error) -> String {
    DisplayErrorContext(e).to_string()
}

/// A code for service errors whose body named none.
fn fallback_code(status: u16) -> &'static str {
    match status {
        400 => "ValidationException",
        403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        409 => "ConflictException",
        429 => "ThrottlingException",
        500 => "InternalServerException",
        503 => "ServiceUnavailableException",
        _ => "UnknownError",
    }
}

/// The service id of a live resource (every listed resource has one).
pub(crate) fn live_id<'a>(
    op: &'static str,
    live: &'a crate::account::Resource,
) -> Result<&'a str, AccountError> {
    live.id
        .as_deref()
        .ok_or_else(|| AccountError::validation(op, format!("`{}` has no id", live.address())))
}

/// A read whose target does not exist answers `None`, as `Account::get` promises.
pub(crate) fn found<T>(result: Result<T, AccountError>) -> Result<Option<T>, AccountError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// A delete whose target is already gone has done its job.
pub(crate) fn gone_is_ok<T>(result: Result<T, AccountError>) -> Result<(), AccountError> {
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e),
    }
}
