//! Semantic checks of a decoded config: limits and enums from the Bedrock API,
//! regions, uniqueness, catalog facts and cross-references.

use super::model::*;
use crate::diag::Diagnostics;

pub fn validate(cfg: &Config, d: &mut Diagnostics) {
    let _ = (cfg, d);
}
