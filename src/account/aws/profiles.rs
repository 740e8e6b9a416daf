//! Application inference profiles (Create/Get/List/DeleteInferenceProfile, type
//! APPLICATION) mapped to [`InferenceProfileSpec`].
//!
//! The service does not return `copyFrom`, only the foundation models a profile
//! routes to. `copy_from` is rebuilt from them: one model in the profile's own
//! region reads as that foundation-model ARN; several read as the system profile
//! `<geo>.<model id>` (geo from the destination regions: `us`, `us-gov`, `eu`,
//! `jp`, `au`, `ca`, `apac`, else `global`). Everything but tags is fixed at create time.

use super::error::{found, gone_is_ok, live_id, sdk_err};
use super::{client_token, tags, typed_spec, AwsAccount};
use crate::account::spec::InferenceProfileSpec;
use crate::account::spec::Spec;
use crate::account::{AccountError, Kind, Resource};
use aws_sdk_bedrock::types::InferenceProfileType;
use std::collections::BTreeMap;

struct Raw<'a> {
    name: &'a str,
    arn: &'a str,
    description: Option<&'a str>,
    status: &'a str,
    model_arns: Vec<&'a str>,
}

pub(crate) async fn list(acct: &AwsAccount, region: &str) -> Result<Vec<Resource>, AccountError> {
    let pages: Vec<_> = acct
        .bedrock(region)?
        .list_inference_profiles()
        .type_equals(InferenceProfileType::Application)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListInferenceProfiles"))?;
    let summaries: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.inference_profile_summaries.unwrap_or_default())
        // The filter is the service's; a summary of another type is skipped, not trusted.
        .filter(|s| *s.r#type() == InferenceProfileType::Application)
        .collect();
    super::bounded(summaries, |s| async move {
        let tags = tags::list(acct, region, s.inference_profile_arn()).await?;
        to_resource(
            region,
            Raw {
                name: s.inference_profile_name(),
                arn: s.inference_profile_arn(),
                description: s.description(),
                status: s.status().as_str(),
                model_arns: s.models().iter().filter_map(|m| m.model_arn()).collect(),
            },
            tags,
        )
    })
    .await
}

pub(crate) async fn get(
    acct: &AwsAccount,
    region: &str,
    id: &str,
) -> Result<Option<Resource>, AccountError> {
    let Some(out) = found(
        acct.bedrock(region)?
            .get_inference_profile()
            .inference_profile_identifier(id)
            .send()
            .await
            .map_err(sdk_err("GetInferenceProfile")),
    )?
    else {
        return Ok(None);
    };
    let tags = tags::list(acct, region, out.inference_profile_arn()).await?;
    to_resource(
        region,
        Raw {
            name: out.inference_profile_name(),
            arn: out.inference_profile_arn(),
            description: out.description(),
            status: out.status().as_str(),
            model_arns: out.models().iter().filter_map(|m| m.model_arn()).collect(),
        },
        tags,
    )
    .map(Some)
}

fn to_resource(
    region: &str,
    raw: Raw<'_>,
    tags: BTreeMap<String, String>,
) -> Result<Resource, AccountError> {
    let spec = InferenceProfileSpec {
        copy_from: copy_from(raw.arn, region, &raw.model_arns),
        description: raw.description.map(str::to_string),
    };
    Ok(Resource {
        kind: Kind::InferenceProfile,
        region: region.to_string(),
        name: raw.name.to_string(),
        id: Some(raw.arn.to_string()),
        spec: Spec::from(spec),
        tags,
        status: Some(raw.status.to_string()),
    })
}

/// Rebuild the source a profile was copied from (see the module doc).
pub(crate) fn copy_from(profile_arn: &str, region: &str, model_arns: &[&str]) -> String {
    let parts: Vec<&str> = profile_arn.splitn(6, ':').collect();
    let partition = parts.get(1).copied().unwrap_or("aws");
    let account = parts.get(4).copied().unwrap_or("");
    let model_regions: Vec<&str> = model_arns
        .iter()
        .filter_map(|a| a.split(':').nth(3))
        .collect();
    let model_id = model_arns
        .first()
        .and_then(|a| a.split_once(":foundation-model/"))
        .map(|(_, id)| id)
        .unwrap_or("");
    if model_arns.len() == 1 && model_regions.first() == Some(&region) {
        return model_arns[0].to_string();
    }
    let geo = geo_of(&model_regions);
    format!("arn:{partition}:bedrock:{region}:{account}:inference-profile/{geo}.{model_id}")
}

fn geo_of(regions: &[&str]) -> &'static str {
    let all = |pred: &dyn Fn(&str) -> bool| !regions.is_empty() && regions.iter().all(|r| pred(r));
    let in_set = |set: &'static [&'static str]| move |r: &str| set.contains(&r);
    if all(&|r| r.starts_with("us-gov-")) {
        "us-gov"
    } else if all(&|r| r.starts_with("us-")) {
        "us"
    } else if all(&|r| r.starts_with("eu-")) {
        "eu"
    } else if all(&in_set(&["ap-northeast-1", "ap-northeast-3"])) {
        "jp"
    } else if all(&in_set(&["ap-southeast-2", "ap-southeast-4"])) {
        "au"
    } else if all(&|r| r.starts_with("ca-")) {
        "ca"
    } else if all(&|r| r.starts_with("ap-")) {
        "apac"
    } else {
        "global"
    }
}

/// The last path element of an ARN, or the id itself (`us.x.y-v1:0`).
fn source_key(s: &str) -> &str {
    if s.starts_with("arn:") {
        s.rsplit_once('/').map_or(s, |(_, id)| id)
    } else {
        s
    }
}

pub(crate) async fn create(
    acct: &AwsAccount,
    desired: &Resource,
    token: &str,
) -> Result<Resource, AccountError> {
    const OP: &str = "CreateInferenceProfile";
    let spec: InferenceProfileSpec = typed_spec(OP, desired)?;
    let source = aws_sdk_bedrock::types::InferenceProfileModelSource::CopyFrom(spec.copy_from);
    let tag_list = tags::to_bedrock(OP, &desired.tags)?;
    let out = acct
        .bedrock(&desired.region)?
        .create_inference_profile()
        .inference_profile_name(&desired.name)
        .set_description(spec.description)
        .model_source(source)
        .set_tags((!tag_list.is_empty()).then_some(tag_list))
        .set_client_request_token(client_token(token))
        .send()
        .await
        .map_err(sdk_err(OP))?;
    get(acct, &desired.region, out.inference_profile_arn())
        .await?
        .ok_or_else(|| AccountError::not_found(OP, "the new inference profile vanished"))
}

/// Only tags change in place.
pub(crate) async fn update(
    acct: &AwsAccount,
    live: &Resource,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    const OP: &str = "TagResource";
    let have: InferenceProfileSpec = typed_spec(OP, live)?;
    let want: InferenceProfileSpec = typed_spec(OP, desired)?;
    if source_key(&have.copy_from) != source_key(&want.copy_from)
        || have.description != want.description
        || live.name != desired.name
    {
        return Err(AccountError::validation(
            "UpdateInferenceProfile",
            format!(
                "`{}`: an inference profile's name, description and source are fixed at create time; replace it",
                desired.address()
            ),
        ));
    }
    let id = live_id(OP, live)?;
    tags::sync(acct, &live.region, id, &live.tags, &desired.tags).await?;
    get(acct, &live.region, id)
        .await?
        .ok_or_else(|| AccountError::not_found(OP, "the inference profile vanished"))
}

pub(crate) async fn delete(acct: &AwsAccount, live: &Resource) -> Result<(), AccountError> {
    const OP: &str = "DeleteInferenceProfile";
    let id = live_id(OP, live)?;
    gone_is_ok(
        acct.bedrock(&live.region)?
            .delete_inference_profile()
            .inference_profile_identifier(id)
            .send()
            .await
            .map_err(sdk_err(OP)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str =
        "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abcdef123456";

    #[test]
    fn single_model_reads_as_foundation_model_arn() {
        let m = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0";
        assert_eq!(copy_from(ARN, "us-east-1", &[m]), m);
    }

    #[test]
    fn several_regions_read_as_system_profile() {
        let ms = [
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
            "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
        ];
        assert_eq!(
            copy_from(ARN, "us-east-1", &ms),
            "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0"
        );
        assert_eq!(geo_of(&["eu-west-1", "eu-central-1"]), "eu");
        assert_eq!(geo_of(&["eu-west-1", "us-east-1"]), "global");
        assert_eq!(geo_of(&["ap-northeast-1", "ap-northeast-3"]), "jp");
        assert_eq!(geo_of(&["ap-northeast-1", "ap-south-1"]), "apac");
    }

    #[test]
    fn sources_compare_by_id() {
        assert_eq!(
            source_key("arn:aws:bedrock:us-east-1:1:inference-profile/us.a.b-v1:0"),
            source_key("us.a.b-v1:0")
        );
    }
}
