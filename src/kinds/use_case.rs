//! `use_case`: the account's Anthropic use-case form (issue 17), global, named
//! `default`. Submitted once per account and never deleted (the API has no delete);
//! planned by `plan::access` from `use_case: { file }`, not by the generic diff.

use super::{Cx, KindDef, Ownership};
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

    fn config_section(&self) -> &'static str {
        "use_case"
    }
}
