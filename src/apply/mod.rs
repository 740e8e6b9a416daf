//! Executes a plan against an [`Account`](crate::account::Account).
