//! `custom_model`: a fine-tuned or imported model of the account, read-only
//! inventory that `provisioned_throughput[].model` may name.

use super::KindDef;
use crate::account::Kind;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::CustomModel
    }

    fn read_only(&self) -> bool {
        true
    }

    fn config_section(&self) -> &'static str {
        "models"
    }
}
