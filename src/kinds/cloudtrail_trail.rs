//! `cloudtrail_trail`: the trail `audit.cloudtrail: manage` owns (docs/audit.md) —
//! multi-region, logging, delivering to the named bucket and prefix, with the advanced
//! event selectors the config's calls need (`audit::needs`, `audit::selectors`).

use super::import::ImportDoc;
use super::{with, Cx, KindDef, Ownership, Traits};
use crate::account::spec::{Normalize, Spec};
use crate::account::trail::CloudTrailTrailSpec;
use crate::account::{Kind, Resource};
use crate::audit::needs::Needs;
use crate::audit::selectors::selectors_for;
use crate::config::{AuditTrail, CloudTrailMode, Config, Tags};
use serde_json::json;

pub struct Def;

/// The trail of a `manage` config.
fn managed(cfg: &Config) -> Option<&AuditTrail> {
    let audit = cfg.audit.as_ref()?;
    (audit.cloudtrail.value == CloudTrailMode::Manage)
        .then_some(audit.trail.as_ref())
        .flatten()
}

static TRAITS: Traits = Traits {
    section: "audit",
    // UpdateTrail changes the bucket, prefix and multi-region flag in place; the name
    // and home region are the resource's identity, never an update.
    replace_fields: &[],
    taggable: true,
    // CreateTrail takes no client request token.
    takes_token: false,
    // Refers to nothing of the stack (the bucket is the user's).
    rank: 0,
    deferral: 0,
    ownership: Ownership::Tags,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::CloudTrailTrail
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
    }

    /// Only `manage` declares the kind: with `require` (or no `audit:`) the account's
    /// trails are read by the audit, never planned.
    fn declared(&self, cfg: &Config) -> Option<Vec<String>> {
        managed(cfg).map(|t| vec![t.region.value.clone()])
    }

    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource> {
        let Some(t) = managed(cx.cfg) else {
            return Vec::new();
        };
        let needs = Needs::of(cx.cfg);
        let types: Vec<&str> = needs.data.iter().map(|d| d.resource_type).collect();
        let spec = CloudTrailTrailSpec {
            s3_bucket: t.bucket.value.clone(),
            s3_prefix: t.prefix.as_ref().map(|p| p.value.clone()),
            // One trail for every region the config uses, whatever its home region.
            multi_region: true,
            include_global_service_events: true,
            logging: true,
            advanced_event_selectors: selectors_for(&types),
            organization: false,
        };
        let tags = cx.owned_tags(&Tags::new(), false);
        vec![cx.resource(spec, &t.region.value, &t.name.value, tags)]
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |t: &mut CloudTrailTrailSpec| {
            t.normalize();
            // Read-only: the stack never makes an organization trail.
            t.organization = false;
        });
    }

    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        let Some(s) = r.spec.as_kind::<CloudTrailTrailSpec>() else {
            return;
        };
        // An `audit.trail` mapping; `plan::adopt` writes the first as `audit:`.
        doc.entry(
            self.traits().section,
            vec![
                ("name", json!(r.name)),
                ("region", json!(r.region)),
                ("bucket", json!(s.s3_bucket)),
                ("prefix", json!(s.s3_prefix)),
            ],
        );
    }
}
