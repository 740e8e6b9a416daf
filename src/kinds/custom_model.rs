//! `custom_model`: a fine-tuned or imported model of the account, read-only
//! inventory that `provisioned_throughput[].model` may name.

use super::{Cx, KindDef, Ownership};
use crate::account::spec::Spec;
use crate::account::{Kind, Resource};
use crate::config::Config;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::CustomModel
    }

    // Inventory only: a plan neither lists nor wants them.
    fn declared(&self, _cfg: &Config) -> Option<Vec<String>> {
        None
    }

    fn desired(&self, _cx: &Cx<'_>) -> Vec<Resource> {
        Vec::new()
    }

    fn read_only(&self) -> bool {
        true
    }

    fn normalize(&self, _spec: &mut Spec) {}

    // Everything updates in place.
    fn replace_fields(&self) -> &'static [&'static str] {
        &[]
    }

    fn taggable(&self) -> bool {
        true
    }

    fn takes_token(&self) -> bool {
        false
    }

    fn rank(&self) -> u8 {
        0
    }

    fn ownership(&self) -> Ownership {
        Ownership::Tags
    }

    fn config_section(&self) -> &'static str {
        "models"
    }
}
