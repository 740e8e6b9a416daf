//! `custom_model`: a fine-tuned or imported model of the account, read-only
//! inventory that `provisioned_throughput[].model` may name.

use super::import::ImportDoc;
use super::{Cx, KindDef, Ownership, Traits};
use crate::account::spec::Spec;
use crate::account::{Kind, Resource};
use crate::config::Config;

pub struct Def;

static TRAITS: Traits = Traits {
    section: "models",
    // Everything updates in place.
    replace_fields: &[],
    taggable: true,
    takes_token: false,
    rank: 0,
    ownership: Ownership::Tags,
    read_only: true,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::CustomModel
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
    }

    // Inventory only: a plan neither lists nor wants them.
    fn declared(&self, _cfg: &Config) -> Option<Vec<String>> {
        None
    }

    fn desired(&self, _cx: &Cx<'_>) -> Vec<Resource> {
        Vec::new()
    }

    fn normalize(&self, _spec: &mut Spec) {}

    // Read-only: listed as comments, for `provisioned_throughput[].model`.
    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        doc.custom_models.push(format!(
            "#   {} ({}): {}",
            r.name,
            r.region,
            r.id.as_deref().unwrap_or("")
        ));
    }
}
