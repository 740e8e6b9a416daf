//! `model_agreement`: an accepted foundation-model agreement offer (issue 17), one per
//! model and region, named by the model id. It belongs to the account, not the stack,
//! and no API lists agreements: `plan::access` plans it after the main pass from the
//! model statuses, so the generic diff never lists it (`declared` is `None`).

use super::{Cx, KindDef, Ownership};
use crate::account::spec::Spec;
use crate::account::{Kind, Resource};
use crate::config::Config;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::ModelAgreement
    }

    fn declared(&self, _cfg: &Config) -> Option<Vec<String>> {
        None
    }

    fn desired(&self, _cx: &Cx<'_>) -> Vec<Resource> {
        Vec::new()
    }

    fn taggable(&self) -> bool {
        false
    }

    // After the use-case form (both gate the model's availability).
    fn rank(&self) -> u8 {
        1
    }

    fn ownership(&self) -> Ownership {
        Ownership::DeclaredRegion
    }

    // Nothing to put in order: every field is a scalar or keeps the service's order.
    fn normalize(&self, _spec: &mut Spec) {}

    // Planned by `plan::access`, which never replaces.
    fn replace_fields(&self) -> &'static [&'static str] {
        &[]
    }

    fn takes_token(&self) -> bool {
        false
    }

    fn read_only(&self) -> bool {
        false
    }

    fn config_section(&self) -> &'static str {
        "models"
    }
}
