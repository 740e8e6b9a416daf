//! `use_case`: the account's Anthropic use-case form (issue 17), global, named
//! `default`. Submitted once per account and never deleted (the API has no delete);
//! planned by `plan::access` from `use_case: { file }`, not by the generic diff.

use super::import::ImportDoc;
use super::{Cx, KindDef, Ownership, Traits};
use crate::account::spec::Spec;
use crate::account::{Kind, Resource};
use crate::config::Config;

pub struct Def;

static TRAITS: Traits = Traits {
    section: "use_case",
    // Planned by `plan::access`, which never replaces.
    replace_fields: &[],
    taggable: false,
    takes_token: false,
    rank: 0,
    deferral: 0,
    // Not taggable: owned where the config declares it (`plan::access` decides).
    ownership: Ownership::DeclaredRegion,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::UseCase
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
    }

    // Planned by `plan::access` after the main pass, never listed by the generic diff.
    fn declared(&self, _cfg: &Config) -> Option<Vec<String>> {
        None
    }

    fn desired(&self, _cx: &Cx<'_>) -> Vec<Resource> {
        Vec::new()
    }

    // Nothing to put in order: every field is a scalar or keeps the service's order.
    fn normalize(&self, _spec: &mut Spec) {}

    // The form is a file the config names; its text is not the config's to write.
    fn import(&self, _r: &Resource, _doc: &mut ImportDoc) {}
}
