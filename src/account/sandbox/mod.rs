//! The offline sandbox account (being built; see issue 3).

use super::{Account, AccountError};
use std::path::Path;

/// Open (creating if needed) the sandbox account stored in `dir`.
pub fn open(dir: &Path) -> Result<Box<dyn Account>, AccountError> {
    Err(AccountError::new(
        "OpenSandbox",
        "NotAvailable",
        format!(
            "the sandbox at `{}` is not available in this build yet",
            dir.display()
        ),
    ))
}
