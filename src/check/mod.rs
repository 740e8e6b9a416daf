//! Access checks built on the evaluator: the `access_checks:` of a config
//! ([`access`], [`batch_check`]), the role × model grid ([`matrix`], rendered by
//! [`matrix_text`] and `report`), and the checks `apply` runs afterwards against the
//! account ([`post_apply`]). Above `iam` (pure evaluation), `policy` (the documents
//! grants generate) and `account` (the simulator and the live ARNs).

pub mod access;
pub mod batch_check;
pub mod matrix;
pub mod matrix_text;
pub mod post_apply;
