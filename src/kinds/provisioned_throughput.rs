//! `provisioned_throughput`: a Provisioned Throughput purchase (the resource name is
//! the provisioned model name).

use super::import::{self, ImportDoc};
use super::{with, Cx, KindDef, Ownership, Traits};
use crate::account::spec::{ProvisionedThroughputSpec, Spec};
use crate::account::{Kind, Resource};
use crate::config::Config;
use serde_json::json;

pub struct Def;

static TRAITS: Traits = Traits {
    section: "provisioned_throughput",
    // UpdateProvisionedModelThroughput changes the name and the model only
    // (bedrock-api.md §2).
    replace_fields: &["model_units", "commitment"],
    taggable: true,
    takes_token: true,
    rank: 0,
    ownership: Ownership::Tags,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::ProvisionedThroughput
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
    }

    fn declared(&self, cfg: &Config) -> Option<Vec<String>> {
        let pts = cfg.provisioned_throughput.as_ref()?;
        Some(pts.iter().map(|p| p.region.value.clone()).collect())
    }

    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource> {
        let pts = cx.cfg.provisioned_throughput.iter().flatten();
        pts.map(|pt| {
            let spec = ProvisionedThroughputSpec {
                model_id: pt.model.value.clone(),
                model_units: pt.model_units.value,
                commitment: pt.commitment.value.as_str().to_string(),
                commitment_expiration: None,
            };
            let tags = cx.owned_tags(&pt.tags, pt.prevent_destroy);
            cx.resource(spec, &pt.region.value, &pt.name.value, tags)
        })
        .collect()
    }

    fn normalize(&self, spec: &mut Spec) {
        // When the commitment ends is the service's to say, never a difference.
        with(spec, |p: &mut ProvisionedThroughputSpec| {
            p.commitment_expiration = None
        });
    }

    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        let Some(s) = r.spec.as_kind::<ProvisionedThroughputSpec>() else {
            return;
        };
        doc.entry(
            self.traits().section,
            vec![
                ("name", json!(r.name)),
                ("region", json!(r.region)),
                ("model", json!(s.model_id)),
                ("model_units", json!(s.model_units)),
                ("commitment", json!(s.commitment)),
                ("prevent_destroy", import::prevent(r)),
                ("tags", import::user_tags(r)),
            ],
        );
    }
}
