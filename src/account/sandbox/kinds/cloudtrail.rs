//! CloudTrail trails with CreateTrail/UpdateTrail/PutEventSelectors semantics, and the
//! reads the audit makes (DescribeTrails with shadow trails, GetTrailStatus,
//! GetEventSelectors).
//!
//! Limits and error codes are CloudTrail's
//! (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html,
//! API_PutEventSelectors.html, and the quotas page
//! https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html):
//! 5 trails per region (`MaximumNumberOfTrailsExceededException`), names by
//! CreateTrail's rules (`InvalidTrailNameException`), a name used once per region
//! (`TrailAlreadyExistsException`), S3 bucket names (`InvalidS3BucketNameException`),
//! prefixes of at most 200 characters (`InvalidS3PrefixException`), at most 50 tags
//! (`TagsLimitExceededException`), and advanced selectors with an `eventCategory`
//! field, known field names, one operator value at least, and at most 500 values in
//! all (`InvalidEventSelectorsException`).

use super::{arn_for, parse_spec, Ctx};
use crate::account::sandbox::store::{Entry, Meta, State};
use crate::account::spec::Spec;
use crate::account::trail::{
    bucket_name_problem, trail_name_problem, CloudTrailTrailSpec, EventSelectors, Trail,
    TrailStatus, MAX_PREFIX_CHARS,
};
use crate::account::{AccountError, Kind, Resource};

const MAX_TRAILS_PER_REGION: usize = 5;
const MAX_TAGS: usize = 50;
const MAX_SELECTOR_VALUES: usize = 500;
const FIELDS: &[&str] = &[
    "eventCategory",
    "eventSource",
    "eventName",
    "eventType",
    "readOnly",
    "resources.type",
    "resources.ARN",
    "errorCode",
    "sessionCredentialFromConsole",
    "userIdentity.arn",
    "vpcEndpointId",
];

fn err(op: &str, code: &str, message: String) -> AccountError {
    AccountError::new(op, code, message)
}

fn check(op: &str, d: &Resource, spec: &CloudTrailTrailSpec) -> Result<(), AccountError> {
    if let Some(p) = trail_name_problem(&d.name) {
        return Err(err(
            op,
            "InvalidTrailNameException",
            format!("Trail name {} {p}.", d.name),
        ));
    }
    if let Some(p) = bucket_name_problem(&spec.s3_bucket) {
        return Err(err(
            op,
            "InvalidS3BucketNameException",
            format!("Bucket name {} {p}.", spec.s3_bucket),
        ));
    }
    if let Some(prefix) = &spec.s3_prefix {
        if prefix.chars().count() > MAX_PREFIX_CHARS {
            return Err(err(
                op,
                "InvalidS3PrefixException",
                format!("The S3 key prefix must be at most {MAX_PREFIX_CHARS} characters."),
            ));
        }
    }
    if d.tags.len() > MAX_TAGS {
        return Err(err(
            op,
            "TagsLimitExceededException",
            format!("A trail can have at most {MAX_TAGS} tags."),
        ));
    }
    check_selectors("PutEventSelectors", spec)
}

fn check_selectors(op: &str, spec: &CloudTrailTrailSpec) -> Result<(), AccountError> {
    let bad = |m: String| Err(err(op, "InvalidEventSelectorsException", m));
    let mut values = 0usize;
    for s in &spec.advanced_event_selectors {
        if !s.field_selectors.iter().any(|f| f.field == "eventCategory") {
            return bad(
                "Every advanced event selector needs an eventCategory field selector.".into(),
            );
        }
        for f in &s.field_selectors {
            if !FIELDS.contains(&f.field.as_str()) {
                return bad(format!("Invalid field name {}.", f.field));
            }
            let n = f.equals.len()
                + f.starts_with.len()
                + f.ends_with.len()
                + f.not_equals.len()
                + f.not_starts_with.len()
                + f.not_ends_with.len();
            if n == 0 {
                return bad(format!("The field selector {} has no condition.", f.field));
            }
            values += n;
        }
    }
    if values > MAX_SELECTOR_VALUES {
        return bad(format!(
            "Advanced event selectors may hold at most {MAX_SELECTOR_VALUES} values, found {values}."
        ));
    }
    Ok(())
}

fn spec_of(op: &str, d: &Resource) -> Result<CloudTrailTrailSpec, AccountError> {
    let mut spec: CloudTrailTrailSpec = parse_spec(op, d)?;
    crate::account::spec::Normalize::normalize(&mut spec);
    Ok(spec)
}

pub fn create(state: &mut State, ctx: &Ctx, d: &Resource) -> Result<String, AccountError> {
    const OP: &str = "CreateTrail";
    let spec = spec_of(OP, d)?;
    check(OP, d, &spec)?;
    let in_region = state
        .resources
        .iter()
        .filter(|e| e.resource.kind == Kind::CloudTrailTrail && e.resource.region == d.region);
    let mut count = 0;
    for e in in_region {
        if e.resource.name == d.name {
            return Err(err(
                OP,
                "TrailAlreadyExistsException",
                format!(
                    "Trail {} already exists for customer: {}",
                    d.name, state.account_id
                ),
            ));
        }
        count += 1;
    }
    if count >= MAX_TRAILS_PER_REGION {
        return Err(err(
            OP,
            "MaximumNumberOfTrailsExceededException",
            format!(
                "User: {} already has {MAX_TRAILS_PER_REGION} trails in {}.",
                state.account_id, d.region
            ),
        ));
    }
    let id = arn_for(state, Kind::CloudTrailTrail, &d.region, &d.name);
    state.resources.push(Entry {
        resource: Resource {
            id: Some(id.clone()),
            status: Some(status_of(spec.logging).to_string()),
            spec: Spec::from(spec),
            ..d.clone()
        },
        meta: Meta {
            created_ms: ctx.now,
            updated_ms: ctx.now,
            ..Meta::default()
        },
    });
    Ok(id)
}

fn status_of(logging: bool) -> &'static str {
    if logging {
        "LOGGING"
    } else {
        "STOPPED"
    }
}

/// UpdateTrail + PutEventSelectors + Start/StopLogging. A trail cannot be renamed.
pub fn update(state: &mut State, ctx: &Ctx, idx: usize, d: &Resource) -> Result<(), AccountError> {
    const OP: &str = "UpdateTrail";
    let live_name = state.resources[idx].resource.name.clone();
    if d.name != live_name {
        return Err(err(
            OP,
            "InvalidTrailNameException",
            format!("Trail {live_name} cannot be renamed to {}.", d.name),
        ));
    }
    let spec = spec_of(OP, d)?;
    check(OP, d, &spec)?;
    let e = &mut state.resources[idx];
    e.resource.status = Some(status_of(spec.logging).to_string());
    e.resource.spec = Spec::from(spec);
    e.meta.updated_ms = ctx.now;
    Ok(())
}

fn trail_of(r: &Resource, spec: &CloudTrailTrailSpec) -> Trail {
    Trail {
        name: r.name.clone(),
        arn: r.id.clone().unwrap_or_default(),
        home_region: r.region.clone(),
        multi_region: spec.multi_region,
        organization: spec.organization,
        s3_bucket: Some(spec.s3_bucket.clone()),
        s3_prefix: spec.s3_prefix.clone(),
    }
}

fn spec_in(r: &Resource) -> Option<CloudTrailTrailSpec> {
    r.spec.as_kind::<CloudTrailTrailSpec>().cloned()
}

/// DescribeTrails with shadow trails: the region's own trails and the multi-region
/// trails of other home regions.
pub fn describe(state: &State, region: &str) -> Vec<Trail> {
    state
        .resources
        .iter()
        .filter(|e| e.resource.kind == Kind::CloudTrailTrail)
        .filter_map(|e| Some((&e.resource, spec_in(&e.resource)?)))
        .filter(|(r, s)| r.region == region || s.multi_region)
        .map(|(r, s)| trail_of(r, &s))
        .collect()
}

fn by_arn<'s>(
    state: &'s State,
    op: &str,
    arn: &str,
) -> Result<(&'s Resource, CloudTrailTrailSpec), AccountError> {
    state
        .resources
        .iter()
        .filter(|e| e.resource.kind == Kind::CloudTrailTrail)
        .map(|e| &e.resource)
        .find(|r| r.id.as_deref() == Some(arn) || r.name == arn)
        .and_then(|r| Some((r, spec_in(r)?)))
        .ok_or_else(|| {
            err(
                op,
                "TrailNotFoundException",
                format!("Unknown trail: {arn} for the user: {}", state.account_id),
            )
        })
}

pub fn status(state: &State, arn: &str) -> Result<TrailStatus, AccountError> {
    let (_, s) = by_arn(state, "GetTrailStatus", arn)?;
    Ok(TrailStatus {
        is_logging: s.logging,
    })
}

pub fn selectors(state: &State, arn: &str) -> Result<EventSelectors, AccountError> {
    let (_, s) = by_arn(state, "GetEventSelectors", arn)?;
    Ok(EventSelectors {
        basic: Vec::new(),
        advanced: s.advanced_event_selectors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::trail::{AdvancedSelector, FieldSelector};

    fn desired(name: &str, spec: &CloudTrailTrailSpec) -> Resource {
        Resource {
            kind: Kind::CloudTrailTrail,
            region: "us-east-1".into(),
            name: name.into(),
            id: None,
            spec: spec.clone().into(),
            tags: Default::default(),
            status: None,
        }
    }

    fn spec() -> CloudTrailTrailSpec {
        CloudTrailTrailSpec {
            s3_bucket: "audit-bucket".into(),
            multi_region: true,
            logging: true,
            advanced_event_selectors: vec![AdvancedSelector {
                name: None,
                field_selectors: vec![FieldSelector::equals("eventCategory", &["Management"])],
            }],
            ..CloudTrailTrailSpec::default()
        }
    }

    fn ctx() -> Ctx {
        Ctx {
            now: 0,
            today: "2026-01-01".into(),
            pt_ready_ms: 0,
        }
    }

    #[test]
    fn create_enforces_names_limits_and_selectors() {
        let seed = crate::account::sandbox::store::Seed {
            account_id: Some("111122223333".into()),
            ..Default::default()
        };
        let mut st = State::from_seed(seed, 0).unwrap();
        let c = ctx();
        assert_eq!(
            create(&mut st, &c, &desired("a", &spec()))
                .unwrap_err()
                .code,
            "InvalidTrailNameException"
        );
        let mut bad = spec();
        bad.s3_bucket = "Bad_Bucket".into();
        assert_eq!(
            create(&mut st, &c, &desired("trail-1", &bad))
                .unwrap_err()
                .code,
            "InvalidS3BucketNameException"
        );
        let mut bad = spec();
        bad.advanced_event_selectors = vec![AdvancedSelector {
            name: None,
            field_selectors: vec![FieldSelector::equals("resources.type", &["X"])],
        }];
        assert_eq!(
            create(&mut st, &c, &desired("trail-1", &bad))
                .unwrap_err()
                .code,
            "InvalidEventSelectorsException"
        );
        for i in 0..5 {
            create(&mut st, &c, &desired(&format!("trail-{i}"), &spec())).unwrap();
        }
        assert_eq!(
            create(&mut st, &c, &desired("trail-1", &spec()))
                .unwrap_err()
                .code,
            "TrailAlreadyExistsException"
        );
        assert_eq!(
            create(&mut st, &c, &desired("trail-9", &spec()))
                .unwrap_err()
                .code,
            "MaximumNumberOfTrailsExceededException"
        );
        let seen = describe(&st, "eu-west-1");
        assert_eq!(seen.len(), 5, "multi-region trails are shadowed everywhere");
        let arn = seen[0].arn.clone();
        assert!(arn.starts_with("arn:aws:cloudtrail:us-east-1:111122223333:trail/"));
        assert!(status(&st, &arn).unwrap().is_logging);
        assert_eq!(selectors(&st, &arn).unwrap().advanced.len(), 1);
        assert_eq!(
            status(&st, "arn:nope").unwrap_err().code,
            "TrailNotFoundException"
        );
    }
}
