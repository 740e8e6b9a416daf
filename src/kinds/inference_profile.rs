//! `inference_profile`: an application inference profile, fixed at create time.

use super::import::{self, ImportDoc};
use super::{Cx, KindDef, Ownership, Traits};
use crate::account::spec::InferenceProfileSpec;
use crate::account::spec::Spec;
use crate::account::{Kind, Resource};
use crate::catalog::catalog;
use crate::config::Config;
use serde_json::json;

pub struct Def;

static TRAITS: Traits = Traits {
    section: "inference_profiles",
    // Application inference profiles have no Update operation.
    replace_fields: &["copy_from", "description"],
    taggable: true,
    takes_token: true,
    rank: 0,
    ownership: Ownership::Tags,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::InferenceProfile
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
    }

    fn declared(&self, cfg: &Config) -> Option<Vec<String>> {
        let ps = cfg.inference_profiles.as_ref()?;
        Some(ps.iter().map(|p| p.region.value.clone()).collect())
    }

    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource> {
        let ps = cx.cfg.inference_profiles.iter().flatten();
        ps.map(|p| {
            let spec = InferenceProfileSpec {
                copy_from: copy_from_arn(cx.account_id, &p.region.value, &p.copy_from.value),
                description: p.description.as_ref().map(|d| d.value.clone()),
            };
            let tags = cx.owned_tags(&p.tags, p.prevent_destroy);
            cx.resource(spec, &p.region.value, &p.name.value, tags)
        })
        .collect()
    }

    fn normalize(&self, _spec: &mut Spec) {}

    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        let Some(s) = r.spec.as_kind::<InferenceProfileSpec>() else {
            return;
        };
        doc.entry(
            self.traits().section,
            vec![
                ("name", json!(r.name)),
                ("region", json!(r.region)),
                ("copy_from", json!(s.copy_from)),
                ("description", json!(s.description)),
                ("prevent_destroy", import::prevent(r)),
                ("tags", import::user_tags(r)),
            ],
        );
    }
}

/// A `copy_from` id as the ARN the service stores: a system profile id becomes the
/// account's profile ARN, anything else a foundation-model ARN.
pub fn copy_from_arn(account_id: &str, region: &str, id: &str) -> String {
    if id.starts_with("arn:") {
        return id.to_string();
    }
    let cat = catalog();
    let p = cat.partition(region);
    if cat.profile(id).is_some() || looks_like_profile(id) {
        format!("arn:{p}:bedrock:{region}:{account_id}:inference-profile/{id}")
    } else {
        format!("arn:{p}:bedrock:{region}::foundation-model/{id}")
    }
}

/// Geography prefixes of system profiles, for ids the catalog does not list yet.
fn looks_like_profile(id: &str) -> bool {
    [
        "us.", "eu.", "apac.", "jp.", "au.", "ca.", "global.", "us-gov.",
    ]
    .iter()
    .any(|p| id.starts_with(p))
}
