//! `audit:` → [`Audit`] (docs/audit.md), with its field rules: `trail:` is required
//! with `cloudtrail: manage` and refused with `require` (which creates nothing); names
//! follow CreateTrail's and S3's rules so a bad name fails here, not mid-apply.

use super::decode::Decoder;
use super::model::{Audit, AuditTrail, CloudTrailMode, S};
use super::yaml::Node;
use crate::account::trail::{bucket_name_problem, trail_name_problem, MAX_PREFIX_CHARS};

const MODES: &[(&str, CloudTrailMode)] = &[
    ("require", CloudTrailMode::Require),
    ("manage", CloudTrailMode::Manage),
];

pub(crate) fn decode_audit(dec: &mut Decoder, node: &Node) -> Option<Audit> {
    let what = "`audit`";
    let m = dec.map(node, what, &["cloudtrail", "trail"])?;
    let cloudtrail = dec
        .req(&m, "cloudtrail", what)
        .and_then(|n| dec.enumeration(n, "cloudtrail", MODES))?;
    let trail = m.get("trail").and_then(|n| decode_trail(dec, n));
    match (cloudtrail.value, &trail) {
        (CloudTrailMode::Manage, None) if !m.has("trail") => {
            dec.diags
                .error(
                    cloudtrail.span,
                    "`cloudtrail: manage` needs `audit.trail` (name, region, bucket)",
                )
                .hints
                .push("or use `cloudtrail: require` to only check the account's trails".into());
        }
        (CloudTrailMode::Require, Some(t)) => {
            dec.diags
                .error(
                    t.span,
                    "`audit.trail` is only used with `cloudtrail: manage`; `require` creates no trail",
                )
                .hints
                .push("remove `trail:`, or set `cloudtrail: manage`".into());
        }
        _ => {}
    }
    Some(Audit {
        cloudtrail,
        trail,
        span: node.span,
    })
}

fn decode_trail(dec: &mut Decoder, node: &Node) -> Option<AuditTrail> {
    let what = "`audit.trail`";
    let m = dec.map(node, what, &["name", "region", "bucket", "prefix"])?;
    let name = dec.req_string(&m, "name", what);
    let region = dec.req_string(&m, "region", what);
    let bucket = dec.req_string(&m, "bucket", what);
    let prefix = dec.opt_string(&m, "prefix");
    let problem = |dec: &mut Decoder, v: &S<String>, what: &str, p: Option<String>| {
        if let Some(p) = p {
            dec.diags.error(v.span, format!("{what} `{}` {p}", v.value));
        }
    };
    if let Some(n) = &name {
        problem(dec, n, "trail name", trail_name_problem(&n.value));
    }
    if let Some(b) = &bucket {
        problem(dec, b, "bucket name", bucket_name_problem(&b.value));
    }
    if let Some(r) = &region {
        if !crate::catalog::catalog().is_region(&r.value) {
            dec.diags
                .error(r.span, format!("unknown region `{}`", r.value));
        }
    }
    if let Some(p) = &prefix {
        let n = p.value.chars().count();
        if n > MAX_PREFIX_CHARS {
            dec.diags.error(
                p.span,
                format!("`prefix` is too long: {n} characters, at most {MAX_PREFIX_CHARS}"),
            );
        }
    }
    Some(AuditTrail {
        name: name?,
        region: region?,
        bucket: bucket?,
        prefix,
        span: node.span,
    })
}
