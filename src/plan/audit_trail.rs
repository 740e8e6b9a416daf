//! The `cloudtrail_trail` kind in planning: the trail `audit.cloudtrail: manage` wants
//! (multi-region, logging, the advanced selectors the config needs), its place in the
//! scope, and how `import` writes an existing trail as an `audit:` block.

use crate::account::trail::CloudTrailTrailSpec;
use crate::account::{Kind, Resource};
use crate::audit::needs::Needs;
use crate::audit::selectors::selectors_for;
use crate::config::{CloudTrailMode, Config};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The managed trail of `cfg`, when `audit.cloudtrail` is `manage`.
pub fn desired_trail(cfg: &Config, stack: &str) -> Option<Resource> {
    let audit = cfg.audit.as_ref()?;
    if audit.cloudtrail.value != CloudTrailMode::Manage {
        return None;
    }
    let t = audit.trail.as_ref()?;
    let needs = Needs::of(cfg);
    let types: Vec<&str> = needs.data.iter().map(|d| d.resource_type).collect();
    let mut spec = CloudTrailTrailSpec {
        s3_bucket: t.bucket.value.clone(),
        s3_prefix: t.prefix.as_ref().map(|p| p.value.clone()),
        // One trail for every region the config uses, whatever its home region.
        multi_region: true,
        include_global_service_events: true,
        logging: true,
        advanced_event_selectors: selectors_for(&types),
        organization: false,
    };
    crate::account::spec::Normalize::normalize(&mut spec);
    Some(Resource {
        kind: Kind::CloudTrailTrail,
        region: t.region.value.clone(),
        name: t.name.value.clone(),
        id: None,
        spec: serde_json::to_value(&spec).ok()?,
        tags: super::desired::owned_tags(stack, &BTreeMap::new(), false),
        status: None,
    })
}

/// The home region of the managed trail, listed when `manage` (absent key: unmanaged).
pub fn scope_region(cfg: &Config) -> Option<String> {
    let audit = cfg.audit.as_ref()?;
    (audit.cloudtrail.value == CloudTrailMode::Manage)
        .then(|| audit.trail.as_ref().map(|t| t.region.value.clone()))
        .flatten()
}

/// One trail as an `audit.trail` flow mapping (import).
pub fn adopt_entry(r: &Resource) -> Option<String> {
    let s: CloudTrailTrailSpec = serde_json::from_value(r.spec.clone()).ok()?;
    let mut m = serde_json::Map::new();
    m.insert("name".into(), json!(r.name));
    m.insert("region".into(), json!(r.region));
    m.insert("bucket".into(), json!(s.s3_bucket));
    if let Some(p) = s.s3_prefix {
        m.insert("prefix".into(), json!(p));
    }
    serde_json::to_string(&serde_json::Value::Object(m)).ok()
}

/// `audit:` for the first trail; any others as comments (a config owns one trail).
pub fn write_adopt(out: &mut String, trails: &[String]) {
    let Some((first, rest)) = trails.split_first() else {
        return;
    };
    let _ = writeln!(out, "audit:\n  cloudtrail: manage\n  trail: {first}");
    for t in rest {
        let _ = writeln!(out, "# other trail: {t}");
    }
}
