//! `guardrail_version`: a numbered snapshot of a guardrail's draft, named
//! `GUARDRAIL:N`; created and deleted, never updated.

use super::import::ImportDoc;
use super::{with, Cx, KindDef, Ownership, Traits};
use crate::account::spec::{GuardrailVersionSpec, Normalize, Spec};
use crate::account::{Kind, Resource};
use crate::config::{Config, Tags};

pub struct Def;

static TRAITS: Traits = Traits {
    section: "guardrails",
    // A version is a snapshot; nothing edits it.
    replace_fields: &["guardrail", "snapshot"],
    taggable: false,
    takes_token: true,
    // Published after its guardrail's draft is written.
    rank: 1,
    deferral: 0,
    ownership: Ownership::Parent,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::GuardrailVersion
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
    }

    // Listed wherever guardrails are.
    fn declared(&self, cfg: &Config) -> Option<Vec<String>> {
        super::guardrail::Def.declared(cfg)
    }

    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource> {
        let mut out = Vec::new();
        for g in cx
            .cfg
            .guardrails
            .iter()
            .flatten()
            .filter(|g| g.publish_version)
        {
            // The version number is the service's; the diff matches versions by content.
            let v = GuardrailVersionSpec {
                guardrail: g.name.value.clone(),
                version: String::new(),
                snapshot: super::guardrail::spec_of(g),
            };
            let tags = cx.owned_tags(&Tags::new(), false);
            for region in &g.regions {
                out.push(cx.resource(v.clone(), &region.value, &g.name.value, tags.clone()));
            }
        }
        out
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |v: &mut GuardrailVersionSpec| {
            v.snapshot.normalize();
            // Not an API field: a version captures the draft, not how it was published.
            v.snapshot.publish_version = false;
            // The number is the service's; versions are matched by content.
            v.version.clear();
        });
    }

    // Versions come with their guardrail (`publish_version`).
    fn import(&self, _r: &Resource, _doc: &mut ImportDoc) {}
}
