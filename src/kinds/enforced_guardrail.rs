//! `enforced_guardrail`: the account-level enforced guardrail configuration of a region
//! (issue 17), one per region, named `default`, owned while a guardrail of the config
//! says `enforce: account`. It names the guardrail's ARN and a published version, both
//! possibly made by the same apply, so `plan::access` plans it from the main plan.

use super::import::ImportDoc;
use super::{Cx, KindDef, Ownership, Traits};
use crate::account::spec::Spec;
use crate::account::{Kind, Resource};
use crate::config::Config;

pub struct Def;

static TRAITS: Traits = Traits {
    section: "guardrails",
    // Planned by `plan::access`, which never replaces.
    replace_fields: &[],
    taggable: false,
    takes_token: false,
    // Names a guardrail version published in the step before.
    rank: 2,
    // Holds the guardrail's ARN placeholder: diffed once guardrails are known.
    deferral: 1,
    // Not taggable: owned where the config declares it (`plan::access` decides).
    ownership: Ownership::DeclaredRegion,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::EnforcedGuardrail
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

    // Declared as `enforce: account` on the guardrail it names, which `import` writes
    // from the guardrail itself.
    fn import(&self, _r: &Resource, _doc: &mut ImportDoc) {}
}
