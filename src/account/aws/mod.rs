//! The real AWS account through the official SDK (being built; see issue 4).

use super::{Account, AccountError};

/// Connect with the standard credential chain (env, profile, SSO, IMDS).
pub async fn connect(
    _profile: Option<&str>,
    _region: Option<&str>,
) -> Result<Box<dyn Account>, AccountError> {
    Err(AccountError::new(
        "Connect",
        "NotAvailable",
        "the AWS account implementation is not available in this build yet",
    ))
}
