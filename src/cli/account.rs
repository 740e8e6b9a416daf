//! Choosing the account a command talks to: the sandbox with `--sandbox`, else AWS.
#![allow(dead_code)] // the account-backed commands call these as they land

use super::GlobalArgs;
use anyhow::Result;
use bedrockctl::account::Account;

/// A multi-threaded runtime for commands that talk to an account.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()?)
}

/// The account selected by the global flags.
pub async fn open_account(g: &GlobalArgs) -> Result<Box<dyn Account>> {
    Ok(match &g.sandbox {
        Some(dir) => bedrockctl::account::sandbox::open(dir)?,
        None => {
            bedrockctl::account::aws::connect(g.profile.as_deref(), g.region.as_deref()).await?
        }
    })
}
