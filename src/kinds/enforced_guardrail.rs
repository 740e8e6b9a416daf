//! `enforced_guardrail`: the account-level enforced guardrail configuration of a region
//! (issue 17), one per region, named `default`, owned while a guardrail of the config
//! says `enforce: account`. It names the guardrail's ARN and a published version, both
//! possibly made by the same apply, so `plan::access` plans it from the main plan.

use super::{Cx, KindDef, Ownership};
use crate::account::spec::Spec;
use crate::account::{Kind, Resource};
use crate::config::Config;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::EnforcedGuardrail
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

    // Names a guardrail version published in the step before.
    fn rank(&self) -> u8 {
        2
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
        "guardrails"
    }
}
