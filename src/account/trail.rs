//! CloudTrail trails as bedrockctl reads them: the trail (DescribeTrails), whether it is
//! logging (GetTrailStatus) and its event selectors (GetEventSelectors, basic or
//! advanced), plus the canonical spec of the `cloudtrail_trail` kind.
//!
//! Shapes follow the CloudTrail API reference:
//! https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Trail.html,
//! https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html,
//! https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html.

use super::spec::Normalize;
use serde::{Deserialize, Serialize};

/// One trail as DescribeTrails reports it (shadow and organization trails included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    /// The region the trail was created in.
    pub home_region: String,
    pub multi_region: bool,
    /// An organization trail (it logs every member account).
    pub organization: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_prefix: Option<String>,
}

/// GetTrailStatus, the part that matters here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TrailStatus {
    pub is_logging: bool,
}

/// GetEventSelectors: a trail has basic or advanced selectors, never both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EventSelectors {
    #[serde(default)]
    pub basic: Vec<BasicSelector>,
    #[serde(default)]
    pub advanced: Vec<AdvancedSelector>,
}

/// A basic event selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BasicSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write_type: String,
    pub include_management_events: bool,
    /// `(type, values)`: S3 objects, Lambda functions, DynamoDB tables.
    #[serde(default)]
    pub data_resources: Vec<(String, Vec<String>)>,
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
}

/// An advanced event selector: its field selectors are ANDed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct AdvancedSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

/// One condition on one field of an event.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct FieldSelector {
    pub field: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<String>,
}

impl FieldSelector {
    /// `field Equals [values]`.
    pub fn equals(field: &str, values: &[&str]) -> FieldSelector {
        FieldSelector {
            field: field.to_string(),
            equals: values.iter().map(|v| v.to_string()).collect(),
            ..FieldSelector::default()
        }
    }
}

/// `cloudtrail_trail`: a trail the stack owns; the resource name is the trail name, the
/// region its home region, the id its ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CloudTrailTrailSpec {
    pub s3_bucket: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_prefix: Option<String>,
    pub multi_region: bool,
    pub include_global_service_events: bool,
    /// StartLogging / StopLogging.
    pub logging: bool,
    pub advanced_event_selectors: Vec<AdvancedSelector>,
}

impl Normalize for CloudTrailTrailSpec {
    fn normalize(&mut self) {
        // CloudTrail keeps the order it was given, but the order has no meaning: the
        // selectors are ORed and the values of one operator too.
        for s in &mut self.advanced_event_selectors {
            for f in &mut s.field_selectors {
                for v in [
                    &mut f.equals,
                    &mut f.starts_with,
                    &mut f.ends_with,
                    &mut f.not_equals,
                    &mut f.not_starts_with,
                    &mut f.not_ends_with,
                ] {
                    v.sort();
                    v.dedup();
                }
            }
            s.field_selectors.sort();
        }
        self.advanced_event_selectors.sort();
        if self.s3_prefix.as_deref() == Some("") {
            self.s3_prefix = None;
        }
    }
}
