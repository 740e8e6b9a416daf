//! `guardrail`: the working draft of a guardrail (numbered versions are
//! `guardrail_version`).

use super::{with, KindDef};
use crate::account::spec::{GuardrailSpec, Normalize, Spec};
use crate::account::Kind;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::Guardrail
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |g: &mut GuardrailSpec| {
            g.normalize();
            // How versions get published is bedrockctl's business; the service does
            // not keep it, so it never counts as a difference.
            g.publish_version = false;
        });
    }

    fn takes_token(&self) -> bool {
        true
    }

    fn config_section(&self) -> &'static str {
        "guardrails"
    }
}
