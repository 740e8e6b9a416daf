//! `iam_policy`: a customer managed policy (account-global).

use super::import::{self, ImportDoc};
use super::{with, Cx, KindDef, Ownership, Traits};
use crate::account::spec::{IamPolicySpec, Spec};
use crate::account::{Kind, Resource, GLOBAL};
use crate::config::{Config, Tags};
use crate::policy::canonical::canonical_policy;
use serde_json::json;

pub struct Def;

static TRAITS: Traits = Traits {
    section: "iam",
    // Everything updates in place.
    replace_fields: &[],
    taggable: true,
    takes_token: false,
    rank: 0,
    deferral: 0,
    ownership: Ownership::Tags,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::IamPolicy
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
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
                let tags = cx.owned_tags(&Tags::new(), p.prevent_destroy);
                cx.resource(spec, GLOBAL, &p.name.value, tags)
            })
            .collect()
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |p: &mut IamPolicySpec| {
            p.document = canonical_policy(&p.document)
        });
    }

    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        let Some(s) = r.spec.as_kind::<IamPolicySpec>() else {
            return;
        };
        let file = format!("policies/{}.json", r.name);
        doc.docs.push((file.clone(), s.document.clone()));
        doc.entry(
            "iam.policies",
            vec![
                ("name", json!(r.name)),
                ("file", json!(file)),
                ("description", json!(s.description)),
                ("prevent_destroy", import::prevent(r)),
            ],
        );
    }
}
