//! `iam_policy`: a customer managed policy (account-global).

use super::{with, Cx, KindDef, Ownership};
use crate::account::spec::{IamPolicySpec, Spec};
use crate::account::{Kind, Resource, GLOBAL};
use crate::config::Config;
use crate::policy::canonical::canonical_policy;
use std::collections::BTreeMap;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::IamPolicy
    }

    fn declared(&self, cfg: &Config) -> Option<Vec<String>> {
        cfg.iam.as_ref()?.policies.as_ref()?;
        Some(vec![GLOBAL.to_string()])
    }

    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource> {
        let policies = cx.cfg.iam.iter().flat_map(|i| i.policies.iter().flatten());
        policies
            .map(|p| {
                let spec = IamPolicySpec {
                    document: p.file.document.clone(),
                    description: p.description.as_ref().map(|d| d.value.clone()),
                };
                let tags = cx.owned_tags(&BTreeMap::new(), p.prevent_destroy);
                cx.resource(spec, GLOBAL, &p.name.value, tags)
            })
            .collect()
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |p: &mut IamPolicySpec| {
            p.document = canonical_policy(&p.document)
        });
    }

    // Everything updates in place.
    fn replace_fields(&self) -> &'static [&'static str] {
        &[]
    }

    fn taggable(&self) -> bool {
        true
    }

    fn takes_token(&self) -> bool {
        false
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
        "iam"
    }
}
