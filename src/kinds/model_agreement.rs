//! `model_agreement`: an accepted foundation-model agreement offer (issue 17), one per
//! model and region, named by the model id. It belongs to the account, not the stack,
//! and no API lists agreements: `plan::access` plans it after the main pass from the
//! model statuses, so the generic diff never lists it (`declared` is `None`).

use super::import::ImportDoc;
use super::{Cx, KindDef, Ownership, Traits};
use crate::account::spec::Spec;
use crate::account::{Kind, Resource};
use crate::config::Config;
use serde_json::json;

pub struct Def;

static TRAITS: Traits = Traits {
    section: "models",
    // Planned by `plan::access`, which never replaces.
    replace_fields: &[],
    taggable: false,
    takes_token: false,
    // After the use-case form (both gate the model's availability).
    rank: 1,
    deferral: 0,
    // Not taggable: owned where the config declares it (`plan::access` decides).
    ownership: Ownership::DeclaredRegion,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::ModelAgreement
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

    // An agreement in place is a model the account uses: declared as managed access
    // (the agreement exists, so adopting it accepts nothing).
    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        doc.regional_entry(
            self.traits().section,
            r,
            vec![
                ("id", json!(r.name)),
                ("regions", json!([r.region])),
                ("access", json!("manage")),
            ],
        );
    }
}
