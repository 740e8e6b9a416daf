//! `invocation_logging`: the region's model invocation logging configuration, one per
//! region (name `default`); it cannot be tagged, so the config declaring the region
//! owns it.

use super::{Cx, KindDef, Ownership};
use crate::account::spec::Spec;
use crate::account::spec::{CloudWatchLoggingSpec, InvocationLoggingSpec, S3LoggingSpec};
use crate::account::{Kind, Resource};
use crate::config::Config;
use crate::vocab::arn::role_arn;
use std::collections::BTreeMap;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::InvocationLogging
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

    fn taggable(&self) -> bool {
        false
    }

    // Its CloudWatch delivery role must exist first.
    fn rank(&self) -> u8 {
        2
    }

    fn ownership(&self) -> Ownership {
        Ownership::DeclaredRegion
    }

    fn normalize(&self, _spec: &mut Spec) {}

    // Everything updates in place.
    fn replace_fields(&self) -> &'static [&'static str] {
        &[]
    }

    fn takes_token(&self) -> bool {
        false
    }

    fn read_only(&self) -> bool {
        false
    }

    fn config_section(&self) -> &'static str {
        "invocation_logging"
    }
}
