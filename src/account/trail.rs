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
    /// An organization trail (read-only here: the stack's own trail is never one; a
    /// sandbox seed may describe one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub organization: bool,
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

/// What is wrong with a trail name, per CreateTrail
/// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html):
/// 3–128 ASCII letters, digits, `.`, `_`, `-`; starts and ends with a letter or digit;
/// no two separators next to each other; not an IP address.
pub fn trail_name_problem(name: &str) -> Option<String> {
    let n = name.chars().count();
    if !(3..=128).contains(&n) {
        return Some(format!("must be 3 to 128 characters long, found {n}"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Some(format!(
            "may hold only ASCII letters, digits, `.`, `_` and `-`, found `{c}`"
        ));
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(name.chars().next()) || !alnum(name.chars().last()) {
        return Some("must start and end with a letter or a digit".to_string());
    }
    let sep = |c: char| matches!(c, '.' | '_' | '-');
    if name
        .chars()
        .zip(name.chars().skip(1))
        .any(|(a, b)| sep(a) && sep(b))
    {
        return Some("must not have adjacent `.`, `_` or `-`".to_string());
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some("must not be in IP address format".to_string());
    }
    None
}

/// What is wrong with an S3 bucket name for delivery (S3's general purpose bucket rules,
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
/// 3–63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit.
pub fn bucket_name_problem(name: &str) -> Option<String> {
    let n = name.len();
    if !(3..=63).contains(&n) {
        return Some(format!("must be 3 to 63 characters long, found {n}"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-')))
    {
        return Some(format!(
            "may hold only lowercase letters, digits, `.` and `-`, found `{c}`"
        ));
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !edge(name.chars().next()) || !edge(name.chars().last()) {
        return Some("must start and end with a letter or a digit".to_string());
    }
    None
}

/// CreateTrail `S3KeyPrefix`: at most 200 characters.
pub const MAX_PREFIX_CHARS: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trail_names_follow_create_trail() {
        assert_eq!(trail_name_problem("bedrock-audit"), None);
        assert_eq!(trail_name_problem("a.b_c-1"), None);
        assert!(trail_name_problem("ab").is_some());
        assert!(trail_name_problem("-abc").is_some());
        assert!(trail_name_problem("my--trail").is_some());
        assert!(trail_name_problem("my-_trail").is_some());
        assert!(trail_name_problem("my trail").is_some());
        assert!(trail_name_problem("192.168.5.4").is_some());
        assert!(trail_name_problem(&"a".repeat(129)).is_some());
    }

    #[test]
    fn bucket_names() {
        assert_eq!(bucket_name_problem("my-audit.bucket"), None);
        assert!(bucket_name_problem("My-Bucket").is_some());
        assert!(bucket_name_problem("ab").is_some());
        assert!(bucket_name_problem("bucket-").is_some());
    }

    #[test]
    fn normalize_sorts_selectors_and_values() {
        let mut s = CloudTrailTrailSpec {
            s3_prefix: Some(String::new()),
            advanced_event_selectors: vec![
                AdvancedSelector {
                    name: Some("b".into()),
                    field_selectors: vec![FieldSelector::equals("eventCategory", &["Data"])],
                },
                AdvancedSelector {
                    name: Some("a".into()),
                    field_selectors: vec![
                        FieldSelector::equals("resources.type", &["Y", "X"]),
                        FieldSelector::equals("eventCategory", &["Data"]),
                    ],
                },
            ],
            ..CloudTrailTrailSpec::default()
        };
        s.normalize();
        assert_eq!(s.s3_prefix, None);
        assert_eq!(s.advanced_event_selectors[0].name.as_deref(), Some("a"));
        assert_eq!(
            s.advanced_event_selectors[0].field_selectors[1].equals,
            ["X", "Y"]
        );
    }
}
