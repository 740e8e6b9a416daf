//! `invocation_logging`: the region's model invocation logging configuration, one per
//! region (name `default`); it cannot be tagged, so the config declaring the region
//! owns it.

use super::{KindDef, Ownership};
use crate::account::Kind;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::InvocationLogging
    }

    fn taggable(&self) -> bool {
        false
    }

    // Its CloudWatch delivery role must exist first.
    fn rank(&self) -> u8 {
        2
    }

    fn ownership(&self) -> Ownership {
        Ownership::DeclaredRegion
    }

    fn config_section(&self) -> &'static str {
        "invocation_logging"
    }
}
