//! CloudTrail: reading trails for the audit (DescribeTrails with shadow trails,
//! GetTrailStatus, GetEventSelectors) and the `cloudtrail_trail` kind (CreateTrail,
//! UpdateTrail, PutEventSelectors, StartLogging/StopLogging, DeleteTrail; tags through
//! ListTags, AddTags, RemoveTags) mapped to [`CloudTrailTrailSpec`].
//!
//! API reference: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/.
//! A trail listed for the kind is read in its home region only (DescribeTrails without
//! shadow trails), so a multi-region trail is one resource, not one per region.

use super::error::{build_err, sdk_err};
use super::{bounded, tags as tagdiff, typed_spec, AwsAccount};
use crate::account::spec::Normalize;
use crate::account::spec::Spec;
use crate::account::trail::{
    AdvancedSelector, BasicSelector, CloudTrailTrailSpec, EventSelectors, FieldSelector, Trail,
    TrailStatus,
};
use crate::account::{AccountError, Kind, Resource};
use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, Tag, Trail as SdkTrail,
};
use std::collections::BTreeMap;

/// CloudTrail writes to the bucket itself: say what the bucket needs when it refuses
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html).
fn with_bucket_hint(mut e: AccountError, bucket: &str) -> AccountError {
    let hint = match e.code.as_str() {
        "S3BucketDoesNotExistException" => format!(
            " (bedrockctl does not create the delivery bucket: create `{bucket}` first, with a bucket policy that lets cloudtrail.amazonaws.com GetBucketAcl and PutObject)"
        ),
        "InsufficientS3BucketPolicyException" => format!(
            " (the policy of `{bucket}` must let cloudtrail.amazonaws.com GetBucketAcl on the bucket and PutObject under the prefix's AWSLogs/ACCOUNT/ path)"
        ),
        _ => return e,
    };
    e.message.push_str(&hint);
    e
}

fn trail_of(t: &SdkTrail) -> Trail {
    Trail {
        name: t.name().unwrap_or_default().to_string(),
        arn: t.trail_arn().unwrap_or_default().to_string(),
        home_region: t.home_region().unwrap_or_default().to_string(),
        multi_region: t.is_multi_region_trail().unwrap_or(false),
        organization: t.is_organization_trail().unwrap_or(false),
        s3_bucket: t.s3_bucket_name().map(str::to_string),
        s3_prefix: t.s3_key_prefix().map(str::to_string),
    }
}

async fn describe(
    acct: &AwsAccount,
    region: &str,
    shadow: bool,
    names: Option<Vec<String>>,
) -> Result<Vec<SdkTrail>, AccountError> {
    let out = acct
        .cloudtrail(region)?
        .describe_trails()
        .include_shadow_trails(shadow)
        .set_trail_name_list(names)
        .send()
        .await
        .map_err(sdk_err("DescribeTrails"))?;
    Ok(out.trail_list().to_vec())
}

pub(crate) async fn describe_trails(
    acct: &AwsAccount,
    region: &str,
) -> Result<Vec<Trail>, AccountError> {
    Ok(describe(acct, region, true, None)
        .await?
        .iter()
        .map(trail_of)
        .collect())
}

pub(crate) async fn trail_status(
    acct: &AwsAccount,
    region: &str,
    arn: &str,
) -> Result<TrailStatus, AccountError> {
    let out = acct
        .cloudtrail(region)?
        .get_trail_status()
        .name(arn)
        .send()
        .await
        .map_err(sdk_err("GetTrailStatus"))?;
    Ok(TrailStatus {
        is_logging: out.is_logging().unwrap_or(false),
    })
}

pub(crate) async fn event_selectors(
    acct: &AwsAccount,
    region: &str,
    arn: &str,
) -> Result<EventSelectors, AccountError> {
    let out = acct
        .cloudtrail(region)?
        .get_event_selectors()
        .trail_name(arn)
        .send()
        .await
        .map_err(sdk_err("GetEventSelectors"))?;
    Ok(EventSelectors {
        basic: out
            .event_selectors()
            .iter()
            .map(|e| BasicSelector {
                read_write_type: e
                    .read_write_type()
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_else(|| "All".to_string()),
                include_management_events: e.include_management_events().unwrap_or(true),
                data_resources: e
                    .data_resources()
                    .iter()
                    .map(|d| {
                        (
                            d.r#type().unwrap_or_default().to_string(),
                            d.values().to_vec(),
                        )
                    })
                    .collect(),
                exclude_management_event_sources: e.exclude_management_event_sources().to_vec(),
            })
            .collect(),
        advanced: out
            .advanced_event_selectors()
            .iter()
            .map(|a| AdvancedSelector {
                name: a.name().map(str::to_string),
                field_selectors: a
                    .field_selectors()
                    .iter()
                    .map(|f| FieldSelector {
                        field: f.field().to_string(),
                        equals: f.equals().to_vec(),
                        starts_with: f.starts_with().to_vec(),
                        ends_with: f.ends_with().to_vec(),
                        not_equals: f.not_equals().to_vec(),
                        not_starts_with: f.not_starts_with().to_vec(),
                        not_ends_with: f.not_ends_with().to_vec(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// Basic selectors written as the advanced selectors CloudTrail documents as their
/// equivalent, so a trail the stack owns always has one canonical shape.
fn as_advanced(sel: EventSelectors) -> Vec<AdvancedSelector> {
    let mut out = sel.advanced;
    for b in sel.basic {
        let rw: Option<&str> = match b.read_write_type.as_str() {
            "ReadOnly" => Some("true"),
            "WriteOnly" => Some("false"),
            _ => None,
        };
        let with_rw = |mut fs: Vec<FieldSelector>| {
            if let Some(v) = rw {
                fs.push(FieldSelector::equals("readOnly", &[v]));
            }
            fs
        };
        if b.include_management_events {
            let mut fs = vec![FieldSelector::equals("eventCategory", &["Management"])];
            if !b.exclude_management_event_sources.is_empty() {
                fs.push(FieldSelector {
                    field: "eventSource".to_string(),
                    not_equals: b.exclude_management_event_sources.clone(),
                    ..FieldSelector::default()
                });
            }
            out.push(AdvancedSelector {
                name: None,
                field_selectors: with_rw(fs),
            });
        }
        for (ty, values) in b.data_resources {
            let arn = FieldSelector {
                field: "resources.ARN".to_string(),
                starts_with: values,
                ..FieldSelector::default()
            };
            out.push(AdvancedSelector {
                name: None,
                field_selectors: with_rw(vec![
                    FieldSelector::equals("eventCategory", &["Data"]),
                    FieldSelector::equals("resources.type", &[ty.as_str()]),
                    arn,
                ]),
            });
        }
    }
    out
}

async fn list_tags(
    acct: &AwsAccount,
    region: &str,
    arn: &str,
) -> Result<BTreeMap<String, String>, AccountError> {
    let out = acct
        .cloudtrail(region)?
        .list_tags()
        .resource_id_list(arn)
        .send()
        .await
        .map_err(sdk_err("ListTags"))?;
    Ok(out
        .resource_tag_list()
        .iter()
        .flat_map(|r| r.tags_list())
        .map(|t| {
            (
                t.key().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

async fn to_resource(
    acct: &AwsAccount,
    region: &str,
    t: &SdkTrail,
) -> Result<Resource, AccountError> {
    let trail = trail_of(t);
    let status = trail_status(acct, region, &trail.arn).await?;
    let selectors = event_selectors(acct, region, &trail.arn).await?;
    let tags = list_tags(acct, region, &trail.arn).await?;
    let mut spec = CloudTrailTrailSpec {
        s3_bucket: trail.s3_bucket.clone().unwrap_or_default(),
        s3_prefix: trail.s3_prefix.clone(),
        multi_region: trail.multi_region,
        include_global_service_events: t.include_global_service_events().unwrap_or(false),
        logging: status.is_logging,
        advanced_event_selectors: as_advanced(selectors),
        organization: trail.organization,
    };
    spec.normalize();
    Ok(Resource {
        kind: Kind::CloudTrailTrail,
        region: region.to_string(),
        name: trail.name,
        id: Some(trail.arn),
        spec: Spec::from(spec),
        tags,
        status: Some(
            if status.is_logging {
                "LOGGING"
            } else {
                "STOPPED"
            }
            .to_string(),
        ),
    })
}

pub(crate) async fn list(acct: &AwsAccount, region: &str) -> Result<Vec<Resource>, AccountError> {
    let trails: Vec<SdkTrail> = describe(acct, region, false, None)
        .await?
        .into_iter()
        .filter(|t| t.home_region().is_none_or(|h| h == region))
        // The stack never creates organization trails; a member account may not even
        // read their selectors, so they are left to the audit.
        .filter(|t| t.is_organization_trail() != Some(true))
        .collect();
    bounded(
        trails,
        |t| async move { to_resource(acct, region, &t).await },
    )
    .await
}

/// `id` is the trail ARN or its name.
pub(crate) async fn get(
    acct: &AwsAccount,
    region: &str,
    id: &str,
) -> Result<Option<Resource>, AccountError> {
    let found = match describe(acct, region, false, Some(vec![id.to_string()])).await {
        Ok(t) => t,
        Err(e) if e.code == "TrailNotFoundException" => return Ok(None),
        Err(e) => return Err(e),
    };
    // Keep only the asked trail: some endpoints (moto) answer with every trail.
    let asked = found
        .iter()
        .find(|t| t.trail_arn() == Some(id) || t.name() == Some(id));
    match asked {
        Some(t) => Ok(Some(to_resource(acct, region, t).await?)),
        None => Ok(None),
    }
}

fn sdk_selectors(
    op: &'static str,
    sel: &[AdvancedSelector],
) -> Result<Vec<AdvancedEventSelector>, AccountError> {
    sel.iter()
        .map(|s| {
            let fields = s
                .field_selectors
                .iter()
                .map(|f| {
                    let some = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
                    AdvancedFieldSelector::builder()
                        .field(&f.field)
                        .set_equals(some(&f.equals))
                        .set_starts_with(some(&f.starts_with))
                        .set_ends_with(some(&f.ends_with))
                        .set_not_equals(some(&f.not_equals))
                        .set_not_starts_with(some(&f.not_starts_with))
                        .set_not_ends_with(some(&f.not_ends_with))
                        .build()
                        .map_err(build_err(op))
                })
                .collect::<Result<Vec<_>, _>>()?;
            AdvancedEventSelector::builder()
                .set_name(s.name.clone())
                .set_field_selectors(Some(fields))
                .build()
                .map_err(build_err(op))
        })
        .collect()
}

fn ct_tags(op: &'static str, tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, AccountError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(build_err(op))
        })
        .collect()
}

/// PutEventSelectors, then StartLogging or StopLogging as the spec says.
async fn selectors_and_logging(
    acct: &AwsAccount,
    region: &str,
    arn: &str,
    spec: &CloudTrailTrailSpec,
    live_logging: Option<bool>,
) -> Result<(), AccountError> {
    const OP: &str = "PutEventSelectors";
    acct.cloudtrail(region)?
        .put_event_selectors()
        .trail_name(arn)
        .set_advanced_event_selectors(Some(sdk_selectors(OP, &spec.advanced_event_selectors)?))
        .send()
        .await
        .map_err(sdk_err(OP))?;
    if live_logging != Some(spec.logging) {
        if spec.logging {
            acct.cloudtrail(region)?
                .start_logging()
                .name(arn)
                .send()
                .await
                .map_err(sdk_err("StartLogging"))?;
        } else {
            acct.cloudtrail(region)?
                .stop_logging()
                .name(arn)
                .send()
                .await
                .map_err(sdk_err("StopLogging"))?;
        }
    }
    Ok(())
}

pub(crate) async fn create(
    acct: &AwsAccount,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    const OP: &str = "CreateTrail";
    let spec: CloudTrailTrailSpec = typed_spec(OP, desired)?;
    let region = desired.region.as_str();
    let out = acct
        .cloudtrail(region)?
        .create_trail()
        .name(&desired.name)
        .s3_bucket_name(&spec.s3_bucket)
        .set_s3_key_prefix(spec.s3_prefix.clone())
        .is_multi_region_trail(spec.multi_region)
        .include_global_service_events(spec.include_global_service_events)
        .set_tags_list(Some(ct_tags(OP, &desired.tags)?).filter(|t| !t.is_empty()))
        .send()
        .await
        .map_err(sdk_err(OP))
        .map_err(|e| with_bucket_hint(e, &spec.s3_bucket))?;
    let arn = out
        .trail_arn()
        .map(str::to_string)
        .unwrap_or_else(|| desired.name.clone());
    selectors_and_logging(acct, region, &arn, &spec, Some(false)).await?;
    get(acct, region, &arn).await?.ok_or_else(|| {
        AccountError::not_found(OP, format!("trail `{}` did not stick", desired.name))
    })
}

pub(crate) async fn update(
    acct: &AwsAccount,
    live: &Resource,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    const OP: &str = "UpdateTrail";
    let spec: CloudTrailTrailSpec = typed_spec(OP, desired)?;
    let old: CloudTrailTrailSpec = typed_spec(OP, live)?;
    let region = live.region.as_str();
    let arn = live.id.clone().unwrap_or_else(|| live.name.clone());
    if spec.s3_bucket != old.s3_bucket
        || spec.s3_prefix != old.s3_prefix
        || spec.multi_region != old.multi_region
        || spec.include_global_service_events != old.include_global_service_events
    {
        acct.cloudtrail(region)?
            .update_trail()
            .name(&arn)
            .s3_bucket_name(&spec.s3_bucket)
            // An empty prefix clears it (UpdateTrail keeps an absent one).
            .s3_key_prefix(spec.s3_prefix.clone().unwrap_or_default())
            .is_multi_region_trail(spec.multi_region)
            .include_global_service_events(spec.include_global_service_events)
            .send()
            .await
            .map_err(sdk_err(OP))
            .map_err(|e| with_bucket_hint(e, &spec.s3_bucket))?;
    }
    selectors_and_logging(acct, region, &arn, &spec, Some(old.logging)).await?;
    let (set, remove) = tagdiff::diff(&live.tags, &desired.tags);
    if !remove.is_empty() {
        let keys: Vec<Tag> = remove
            .iter()
            .map(|k| {
                Tag::builder()
                    .key(k)
                    .build()
                    .map_err(build_err("RemoveTags"))
            })
            .collect::<Result<_, _>>()?;
        acct.cloudtrail(region)?
            .remove_tags()
            .resource_id(&arn)
            .set_tags_list(Some(keys))
            .send()
            .await
            .map_err(sdk_err("RemoveTags"))?;
    }
    if !set.is_empty() {
        acct.cloudtrail(region)?
            .add_tags()
            .resource_id(&arn)
            .set_tags_list(Some(ct_tags("AddTags", &set)?))
            .send()
            .await
            .map_err(sdk_err("AddTags"))?;
    }
    get(acct, region, &arn)
        .await?
        .ok_or_else(|| AccountError::not_found(OP, format!("trail `{}` vanished", live.name)))
}

pub(crate) async fn delete(acct: &AwsAccount, live: &Resource) -> Result<(), AccountError> {
    // By name, in the trail's home region: CloudTrail takes a name or an ARN, and some
    // endpoints (moto) only delete by name.
    acct.cloudtrail(&live.region)?
        .delete_trail()
        .name(&live.name)
        .send()
        .await
        .map_err(sdk_err("DeleteTrail"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_selectors_become_their_advanced_equivalent() {
        let adv = as_advanced(EventSelectors {
            basic: vec![BasicSelector {
                read_write_type: "WriteOnly".into(),
                include_management_events: true,
                data_resources: vec![("AWS::S3::Object".into(), vec!["arn:aws:s3".into()])],
                exclude_management_event_sources: vec![],
            }],
            advanced: vec![],
        });
        assert_eq!(adv.len(), 2);
        assert_eq!(
            adv[0].field_selectors,
            vec![
                FieldSelector::equals("eventCategory", &["Management"]),
                FieldSelector::equals("readOnly", &["false"]),
            ]
        );
        assert_eq!(adv[1].field_selectors[2].starts_with, ["arn:aws:s3"]);
    }
}
