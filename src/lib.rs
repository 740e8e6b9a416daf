//! bedrockctl: declarative provisioning and access audit for Amazon Bedrock.
//!
//! Data flows config → plan → apply → checks. See ARCHITECTURE.md for the code map.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod account;
pub mod catalog;
pub mod check;
pub mod config;
pub mod diag;
pub mod engine;
pub mod explain;
pub mod iam;
pub mod input;
pub mod kinds;
pub mod lint;
pub mod plan;
pub mod policy;
pub mod report;
pub mod span;
pub mod vocab;
