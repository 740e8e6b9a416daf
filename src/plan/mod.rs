//! Desired (config) vs live (account) → an ordered change set; renderers; saved plans.
//!
//! Architecture invariant: `plan` does no I/O; it works on snapshots read through `account`.
