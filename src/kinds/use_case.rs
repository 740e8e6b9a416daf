//! `use_case`: the account's Anthropic use-case form (issue 17), global, named
//! `default`. Submitted once per account and never deleted (the API has no delete);
//! planned by `plan::access` from `use_case: { file }`, not by the generic diff.

use super::{Cx, KindDef, Ownership};
use crate::account::spec::Spec;
use crate::account::{Kind, Resource};
use crate::config::Config;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::UseCase
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

    fn rank(&self) -> u8 {
        0
    }

    fn config_section(&self) -> &'static str {
        "use_case"
    }
}
