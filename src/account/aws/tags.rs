//! Bedrock resource tags (TagResource / UntagResource / ListTagsForResource) and
//! the tag diff every service's update uses.

use super::error::{build_err, sdk_err};
use super::AwsAccount;
use crate::account::AccountError;
use aws_sdk_bedrock::types::Tag;
use std::collections::BTreeMap;

/// Tags to set (new or changed) and keys to remove, going from `live` to `desired`.
pub(crate) fn diff(
    live: &BTreeMap<String, String>,
    desired: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, Vec<String>) {
    let set = desired
        .iter()
        .filter(|(k, v)| live.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let remove = live
        .keys()
        .filter(|k| !desired.contains_key(*k))
        .cloned()
        .collect();
    (set, remove)
}

pub(crate) fn to_bedrock(
    op: &'static str,
    tags: &BTreeMap<String, String>,
) -> Result<Vec<Tag>, AccountError> {
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

pub(crate) async fn list(
    acct: &AwsAccount,
    region: &str,
    arn: &str,
) -> Result<BTreeMap<String, String>, AccountError> {
    let out = acct
        .bedrock(region)?
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(sdk_err("ListTagsForResource"))?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

/// Make the tags of `arn` equal `desired`.
pub(crate) async fn sync(
    acct: &AwsAccount,
    region: &str,
    arn: &str,
    live: &BTreeMap<String, String>,
    desired: &BTreeMap<String, String>,
) -> Result<(), AccountError> {
    let (set, remove) = diff(live, desired);
    if !remove.is_empty() {
        acct.bedrock(region)?
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(remove))
            .send()
            .await
            .map_err(sdk_err("UntagResource"))?;
    }
    if !set.is_empty() {
        acct.bedrock(region)?
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(to_bedrock("TagResource", &set)?))
            .send()
            .await
            .map_err(sdk_err("TagResource"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn diff_sets_changed_and_removes_missing() {
        let (set, remove) = diff(
            &m(&[("a", "1"), ("b", "2")]),
            &m(&[("a", "1"), ("b", "3"), ("c", "4")]),
        );
        assert_eq!(set, m(&[("b", "3"), ("c", "4")]));
        assert!(remove.is_empty());
        let (set, remove) = diff(&m(&[("a", "1"), ("b", "2")]), &m(&[("a", "1")]));
        assert!(set.is_empty());
        assert_eq!(remove, vec!["b".to_string()]);
    }
}
