//! Custom models (ListCustomModels / GetCustomModel), read-only inventory mapped to
//! [`CustomModelSpec`]. Shapes: botocore `bedrock` service model, `CustomModelSummary`
//! (modelArn, modelName, baseModelArn, customizationType) and `GetCustomModelResponse`.

use super::error::{found, sdk_err};
use super::{tags, AwsAccount};
use crate::account::spec::CustomModelSpec;
use crate::account::spec::Spec;
use crate::account::{AccountError, Kind, Resource};

fn to_resource(
    region: &str,
    name: &str,
    arn: &str,
    base: &str,
    customization: Option<&str>,
    tags: std::collections::BTreeMap<String, String>,
) -> Result<Resource, AccountError> {
    let spec = CustomModelSpec {
        base_model: base.to_string(),
        customization_type: customization.map(str::to_string),
    };
    Ok(Resource {
        kind: Kind::CustomModel,
        region: region.to_string(),
        name: name.to_string(),
        id: Some(arn.to_string()),
        spec: Spec::from(spec),
        tags,
        status: None,
    })
}

pub(crate) async fn list(acct: &AwsAccount, region: &str) -> Result<Vec<Resource>, AccountError> {
    let pages: Vec<_> = acct
        .bedrock(region)?
        .list_custom_models()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListCustomModels"))?;
    let summaries: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.model_summaries.unwrap_or_default())
        .collect();
    super::bounded(summaries, |s| async move {
        let tags = tags::list(acct, region, s.model_arn()).await?;
        to_resource(
            region,
            s.model_name(),
            s.model_arn(),
            s.base_model_arn(),
            s.customization_type().map(|c| c.as_str()),
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
            .get_custom_model()
            .model_identifier(id)
            .send()
            .await
            .map_err(sdk_err("GetCustomModel")),
    )?
    else {
        return Ok(None);
    };
    let tags = tags::list(acct, region, out.model_arn()).await?;
    to_resource(
        region,
        out.model_name(),
        out.model_arn(),
        out.base_model_arn().unwrap_or_default(),
        out.customization_type().map(|c| c.as_str()),
        tags,
    )
    .map(Some)
}
