//! `provisioned_throughput`: a Provisioned Throughput purchase (the resource name is
//! the provisioned model name).

use super::{with, Cx, KindDef, Ownership};
use crate::account::spec::{ProvisionedThroughputSpec, Spec};
use crate::account::{Kind, Resource};
use crate::config::Config;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::ProvisionedThroughput
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

    // UpdateProvisionedModelThroughput changes the name and the model only
    // (bedrock-api.md §2).
    fn replace_fields(&self) -> &'static [&'static str] {
        &["model_units", "commitment"]
    }

    fn takes_token(&self) -> bool {
        true
    }

    fn taggable(&self) -> bool {
        true
    }

    fn rank(&self) -> u8 {
        0
    }

    fn ownership(&self) -> Ownership {
        Ownership::Tags
    }

    fn read_only(&self) -> bool {
        false
    }

    fn config_section(&self) -> &'static str {
        "provisioned_throughput"
    }
}
