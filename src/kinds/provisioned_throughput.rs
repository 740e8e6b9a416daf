//! `provisioned_throughput`: a Provisioned Throughput purchase (the resource name is
//! the provisioned model name).

use super::{with, KindDef};
use crate::account::spec::{ProvisionedThroughputSpec, Spec};
use crate::account::Kind;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::ProvisionedThroughput
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

    fn config_section(&self) -> &'static str {
        "provisioned_throughput"
    }
}
