//! `invocation_logging`: the region's model invocation logging configuration, one per
//! region (name `default`); it cannot be tagged, so the config declaring the region
//! owns it.

use super::import::{self, ImportDoc};
use super::{Cx, KindDef, Ownership, Traits};
use crate::account::spec::Spec;
use crate::account::spec::{CloudWatchLoggingSpec, InvocationLoggingSpec, S3LoggingSpec};
use crate::account::{Kind, Resource};
use crate::config::Config;
use crate::vocab::arn::role_arn;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub struct Def;

static TRAITS: Traits = Traits {
    section: "invocation_logging",
    // Everything updates in place.
    replace_fields: &[],
    taggable: false,
    takes_token: false,
    // Its CloudWatch delivery role must exist first.
    rank: 2,
    ownership: Ownership::DeclaredRegion,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::InvocationLogging
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
    }

    fn declared(&self, cfg: &Config) -> Option<Vec<String>> {
        let ls = cfg.invocation_logging.as_ref()?;
        Some(ls.iter().map(|l| l.region.value.clone()).collect())
    }

    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource> {
        let ls = cx.cfg.invocation_logging.iter().flatten();
        ls.map(|l| {
            let has = |d: &str| l.data.iter().any(|x| x.value == d);
            let spec = InvocationLoggingSpec {
                cloudwatch: l.cloudwatch.as_ref().map(|c| CloudWatchLoggingSpec {
                    log_group: c.log_group.value.clone(),
                    role_arn: role_arn(cx.account_id, &c.role.value),
                }),
                s3: l.s3.as_ref().map(|s| S3LoggingSpec {
                    bucket: s.bucket.value.clone(),
                    prefix: s.prefix.as_ref().map(|p| p.value.clone()),
                }),
                text: has("text"),
                image: has("image"),
                embedding: has("embedding"),
                video: has("video"),
                audio: has("audio"),
            };
            // Untaggable: ownership comes from the config declaring the region.
            cx.resource(spec, &l.region.value, "default", BTreeMap::new())
        })
        .collect()
    }

    fn normalize(&self, _spec: &mut Spec) {}

    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        let Some(s) = r.spec.as_kind::<InvocationLoggingSpec>() else {
            return;
        };
        let data: Vec<&str> = [
            ("text", s.text),
            ("image", s.image),
            ("embedding", s.embedding),
            ("video", s.video),
            ("audio", s.audio),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(n, _)| *n)
        .collect();
        let cloudwatch = s.cloudwatch.as_ref().map_or(
            Value::Null,
            |c| json!({"log_group": c.log_group, "role": c.role_arn}),
        );
        let s3 = s.s3.as_ref().map_or(Value::Null, |b| {
            import::obj(vec![
                ("bucket", json!(b.bucket)),
                ("prefix", json!(b.prefix)),
            ])
        });
        doc.entry(
            self.traits().section,
            vec![
                ("region", json!(r.region)),
                ("cloudwatch", cloudwatch),
                ("s3", s3),
                ("data", json!(data)),
            ],
        );
    }
}
