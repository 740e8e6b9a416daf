//! How `import` writes an existing CloudTrail trail: as an `audit:` block that manages
//! it (a config owns one trail; any others are listed as comments).

use crate::account::trail::CloudTrailTrailSpec;
use crate::account::Resource;
use serde_json::json;
use std::fmt::Write as _;

/// One trail as an `audit.trail` flow mapping.
pub fn adopt_entry(r: &Resource) -> Option<String> {
    let s: &CloudTrailTrailSpec = r.spec.as_kind()?;
    let mut m = serde_json::Map::new();
    m.insert("name".into(), json!(r.name));
    m.insert("region".into(), json!(r.region));
    m.insert("bucket".into(), json!(s.s3_bucket));
    if let Some(p) = &s.s3_prefix {
        m.insert("prefix".into(), json!(p));
    }
    serde_json::to_string(&serde_json::Value::Object(m)).ok()
}

/// `audit:` for the first trail; any others as comments.
pub fn write_adopt(out: &mut String, trails: &[String]) {
    let Some((first, rest)) = trails.split_first() else {
        return;
    };
    let _ = writeln!(out, "audit:\n  cloudtrail: manage\n  trail: {first}");
    for t in rest {
        let _ = writeln!(out, "# other trail: {t}");
    }
}
