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
    if let Some(cause) = credentials_failure(&e) {
        // The whole SDK chain is a ~2 KB line a newcomer cannot act on (issue 24): say what
        // to do in one line, and keep the internals for `-v`.
        // Once per process: a plan fans out reads, and each fails the same way.
        static LOGGED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if !LOGGED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            tracing::info!(operation, "credential resolution failed: {}", chain(&e));
        }
        return AccountError {
            code: NO_CREDENTIALS.to_string(),
            message: format!("{cause}; {CREDENTIALS_HINT}"),
            operation: operation.to_string(),
            request_id,
        };
    }
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

/// Code of an error raised before any request left: no usable credentials.
pub const NO_CREDENTIALS: &str = "NoCredentials";

/// What a user without credentials can do, in the order they are likely to want it.
pub const CREDENTIALS_HINT: &str = "try `--sandbox` for the offline account, \
set AWS_PROFILE or pass `--profile NAME`, or run `aws sso login` (details with -v)";

/// One short cause when the SDK failed to resolve credentials, found by walking the
/// error's sources. The phrases are `aws_credential_types::provider::error::CredentialsError`'s
/// Display texts and the default chain's context (aws-config `meta/credentials/chain.rs`);
/// matching text keeps the crate out of our direct dependencies.
fn credentials_failure(e: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    const CAUSES: [(&str, &str); 5] = [
        (
            "no providers in chain provided credentials",
            "no AWS credentials found",
        ),
        (
            "the credential provider was not enabled",
            "no AWS credentials found",
        ),
        (
            "credentials provider timed out",
            "loading AWS credentials timed out",
        ),
        (
            "credentials provider was not properly configured",
            "the AWS credentials configuration is invalid",
        ),
        (
            "an error occurred while loading credentials",
            "AWS credentials could not be loaded (an expired SSO session?)",
        ),
    ];
    let mut current = Some(e);
    while let Some(err) = current {
        let text = err.to_string();
        if let Some((_, cause)) = CAUSES.iter().find(|(needle, _)| text.contains(needle)) {
            return Some(cause);
        }
        current = err.source();
    }
    None
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
