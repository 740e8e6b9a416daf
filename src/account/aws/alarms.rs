//! CloudWatch metric alarms on the `AWS/Bedrock` namespace (PutMetricAlarm,
//! DescribeAlarms, DeleteAlarms; tags through ListTagsForResource, TagResource,
//! UntagResource) mapped to [`AlarmSpec`].
//!
//! Alarms of other namespaces are not bedrockctl's business and are not listed.
//! PutMetricAlarm only applies tags when it creates an alarm, so an update puts
//! the alarm and then reconciles tags separately.

use super::error::sdk_err;
use super::{bounded, tags as tagdiff, typed_spec, AwsAccount};
use crate::account::spec::Spec;
use crate::account::spec::{AlarmSpec, Normalize};
use crate::account::{AccountError, Kind, Resource};
use aws_sdk_cloudwatch::types::{
    AlarmType, ComparisonOperator, Dimension, MetricAlarm, Statistic, Tag,
};
use std::collections::BTreeMap;

pub(crate) const NAMESPACE: &str = "AWS/Bedrock";

const STATISTICS: [&str; 5] = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

pub(crate) async fn list(acct: &AwsAccount, region: &str) -> Result<Vec<Resource>, AccountError> {
    let alarms = describe(acct, region, None).await?;
    bounded(
        alarms,
        |a| async move { to_resource(acct, region, &a).await },
    )
    .await
}

async fn describe(
    acct: &AwsAccount,
    region: &str,
    name: Option<&str>,
) -> Result<Vec<MetricAlarm>, AccountError> {
    let pages: Vec<_> = acct
        .cloudwatch(region)?
        .describe_alarms()
        .alarm_types(AlarmType::MetricAlarm)
        .set_alarm_names(name.map(|n| vec![n.to_string()]))
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("DescribeAlarms"))?;
    Ok(pages
        .into_iter()
        .flat_map(|p| p.metric_alarms.unwrap_or_default())
        .filter(|a| a.namespace() == Some(NAMESPACE))
        .collect())
}

/// `id` is the alarm ARN or its name.
pub(crate) async fn get(
    acct: &AwsAccount,
    region: &str,
    id: &str,
) -> Result<Option<Resource>, AccountError> {
    let name = name_of(id);
    match describe(acct, region, Some(name)).await?.into_iter().next() {
        Some(a) => Ok(Some(to_resource(acct, region, &a).await?)),
        None => Ok(None),
    }
}

/// `arn:aws:cloudwatch:us-east-1:111122223333:alarm:NAME` → `NAME` (names may hold `:`).
fn name_of(id: &str) -> &str {
    if id.starts_with("arn:") {
        id.splitn(7, ':').nth(6).unwrap_or(id)
    } else {
        id
    }
}

async fn to_resource(
    acct: &AwsAccount,
    region: &str,
    a: &MetricAlarm,
) -> Result<Resource, AccountError> {
    let name = a.alarm_name().unwrap_or_default().to_string();
    let tags = match a.alarm_arn() {
        Some(arn) => list_tags(acct, region, arn).await?,
        None => BTreeMap::new(),
    };
    let mut spec = AlarmSpec {
        namespace: a.namespace().unwrap_or_default().to_string(),
        metric: a.metric_name().unwrap_or_default().to_string(),
        dimensions: a
            .dimensions()
            .iter()
            .map(|d| {
                (
                    d.name().unwrap_or_default().to_string(),
                    d.value().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        statistic: a
            .statistic()
            .map(|s| s.as_str().to_string())
            .or_else(|| a.extended_statistic().map(str::to_string))
            .unwrap_or_default(),
        period: a.period().and_then(|p| u32::try_from(p).ok()).unwrap_or(0),
        evaluation_periods: a
            .evaluation_periods()
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(0),
        threshold: a.threshold().unwrap_or(0.0),
        comparison: a
            .comparison_operator()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        actions: a.alarm_actions().to_vec(),
        description: a.alarm_description().map(str::to_string),
    };
    spec.normalize();
    Ok(Resource {
        kind: Kind::Alarm,
        region: region.to_string(),
        name,
        id: a.alarm_arn().map(str::to_string),
        spec: Spec::from(spec),
        tags,
        status: a.state_value().map(|s| s.as_str().to_string()),
    })
}

async fn list_tags(
    acct: &AwsAccount,
    region: &str,
    arn: &str,
) -> Result<BTreeMap<String, String>, AccountError> {
    let out = acct
        .cloudwatch(region)?
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(sdk_err("ListTagsForResource"))?;
    Ok(out
        .tags()
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

fn cw_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Create (`live` = None) or update: PutMetricAlarm, then tags.
pub(crate) async fn put(
    acct: &AwsAccount,
    desired: &Resource,
    live: Option<&Resource>,
) -> Result<Resource, AccountError> {
    const OP: &str = "PutMetricAlarm";
    let spec: AlarmSpec = typed_spec(OP, desired)?;
    let period = i32::try_from(spec.period)
        .map_err(|_| AccountError::validation(OP, "period is too large"))?;
    let evaluation_periods = i32::try_from(spec.evaluation_periods.max(1))
        .map_err(|_| AccountError::validation(OP, "evaluation_periods is too large"))?;
    let namespace = if spec.namespace.is_empty() {
        NAMESPACE.to_string()
    } else {
        spec.namespace.clone()
    };
    let (statistic, extended) = if STATISTICS.contains(&spec.statistic.as_str()) {
        (Some(Statistic::from(spec.statistic.as_str())), None)
    } else {
        (None, Some(spec.statistic.clone()))
    };
    let mut actions = spec.actions.clone();
    actions.sort();
    actions.dedup();
    acct.cloudwatch(&desired.region)?
        .put_metric_alarm()
        .alarm_name(&desired.name)
        .set_alarm_description(spec.description.clone())
        .namespace(namespace)
        .metric_name(&spec.metric)
        .set_dimensions(Some(
            spec.dimensions
                .iter()
                .map(|(k, v)| Dimension::builder().name(k).value(v).build())
                .collect(),
        ))
        .set_statistic(statistic)
        .set_extended_statistic(extended)
        .period(period)
        .evaluation_periods(evaluation_periods)
        .threshold(spec.threshold)
        .comparison_operator(ComparisonOperator::from(spec.comparison.as_str()))
        .set_alarm_actions(Some(actions))
        .set_tags(
            live.is_none()
                .then(|| cw_tags(&desired.tags))
                .filter(|t| !t.is_empty()),
        )
        .send()
        .await
        .map_err(sdk_err(OP))?;
    let current = get(acct, &desired.region, &desired.name)
        .await?
        .ok_or_else(|| {
            AccountError::not_found(OP, format!("alarm `{}` did not stick", desired.name))
        })?;
    let Some(arn) = current.id.clone() else {
        return Ok(current);
    };
    let (set, remove) = tagdiff::diff(&current.tags, &desired.tags);
    if set.is_empty() && remove.is_empty() {
        return Ok(current);
    }
    if !remove.is_empty() {
        acct.cloudwatch(&desired.region)?
            .untag_resource()
            .resource_arn(&arn)
            .set_tag_keys(Some(remove))
            .send()
            .await
            .map_err(sdk_err("UntagResource"))?;
    }
    if !set.is_empty() {
        acct.cloudwatch(&desired.region)?
            .tag_resource()
            .resource_arn(&arn)
            .set_tags(Some(cw_tags(&set)))
            .send()
            .await
            .map_err(sdk_err("TagResource"))?;
    }
    get(acct, &desired.region, &arn)
        .await?
        .ok_or_else(|| AccountError::not_found(OP, format!("alarm `{}` vanished", desired.name)))
}

pub(crate) async fn delete(acct: &AwsAccount, live: &Resource) -> Result<(), AccountError> {
    acct.cloudwatch(&live.region)?
        .delete_alarms()
        .alarm_names(&live.name)
        .send()
        .await
        .map_err(sdk_err("DeleteAlarms"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alarm_names_come_from_arns() {
        assert_eq!(
            name_of("arn:aws:cloudwatch:us-east-1:111122223333:alarm:a:b"),
            "a:b"
        );
        assert_eq!(name_of("plain"), "plain");
    }
}
