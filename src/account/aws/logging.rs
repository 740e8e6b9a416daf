//! Model invocation logging (Get/Put/DeleteModelInvocationLoggingConfiguration):
//! one configuration per region, resource name `default`, not taggable.

use super::error::{build_err, sdk_err};
use super::{typed_spec, AwsAccount};
use crate::account::spec::Spec;
use crate::account::spec::{CloudWatchLoggingSpec, InvocationLoggingSpec, S3LoggingSpec};
use crate::account::{AccountError, Kind, Resource};
use aws_sdk_bedrock::types::{CloudWatchConfig, LoggingConfig, S3Config};
use std::collections::BTreeMap;

pub(crate) const NAME: &str = "default";

pub(crate) async fn list(acct: &AwsAccount, region: &str) -> Result<Vec<Resource>, AccountError> {
    Ok(get(acct, region).await?.into_iter().collect())
}

pub(crate) async fn get(acct: &AwsAccount, region: &str) -> Result<Option<Resource>, AccountError> {
    let out = acct
        .bedrock(region)?
        .get_model_invocation_logging_configuration()
        .send()
        .await
        .map_err(sdk_err("GetModelInvocationLoggingConfiguration"))?;
    // A configuration needs a destination; an empty one (what some endpoints
    // answer after a delete) is no configuration.
    let Some(c) = out
        .logging_config()
        .filter(|c| c.cloud_watch_config().is_some() || c.s3_config().is_some())
    else {
        return Ok(None);
    };
    let spec = InvocationLoggingSpec {
        cloudwatch: c.cloud_watch_config().map(|cw| CloudWatchLoggingSpec {
            log_group: cw.log_group_name().to_string(),
            role_arn: cw.role_arn().to_string(),
        }),
        s3: c.s3_config().map(|s3| S3LoggingSpec {
            bucket: s3.bucket_name().to_string(),
            prefix: s3
                .key_prefix()
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        }),
        text: c.text_data_delivery_enabled().unwrap_or(false),
        image: c.image_data_delivery_enabled().unwrap_or(false),
        embedding: c.embedding_data_delivery_enabled().unwrap_or(false),
        video: c.video_data_delivery_enabled().unwrap_or(false),
        audio: c.audio_data_delivery_enabled().unwrap_or(false),
    };
    Ok(Some(Resource {
        kind: Kind::InvocationLogging,
        region: region.to_string(),
        name: NAME.to_string(),
        id: Some(format!("{region}/{NAME}")),
        spec: Spec::from(spec),
        tags: BTreeMap::new(),
        status: None,
    }))
}

/// Create and update are the same call: Put overwrites the region's configuration.
pub(crate) async fn put(acct: &AwsAccount, desired: &Resource) -> Result<Resource, AccountError> {
    const OP: &str = "PutModelInvocationLoggingConfiguration";
    let spec: InvocationLoggingSpec = typed_spec(OP, desired)?;
    let cloudwatch = spec
        .cloudwatch
        .as_ref()
        .map(|cw| {
            CloudWatchConfig::builder()
                .log_group_name(&cw.log_group)
                .role_arn(&cw.role_arn)
                .build()
                .map_err(build_err(OP))
        })
        .transpose()?;
    let s3 = spec
        .s3
        .as_ref()
        .map(|s3| {
            S3Config::builder()
                .bucket_name(&s3.bucket)
                .set_key_prefix(s3.prefix.clone())
                .build()
                .map_err(build_err(OP))
        })
        .transpose()?;
    let config = LoggingConfig::builder()
        .set_cloud_watch_config(cloudwatch)
        .set_s3_config(s3)
        .text_data_delivery_enabled(spec.text)
        .image_data_delivery_enabled(spec.image)
        .embedding_data_delivery_enabled(spec.embedding)
        .video_data_delivery_enabled(spec.video)
        .audio_data_delivery_enabled(spec.audio)
        .build();
    acct.bedrock(&desired.region)?
        .put_model_invocation_logging_configuration()
        .logging_config(config)
        .send()
        .await
        .map_err(sdk_err(OP))?;
    get(acct, &desired.region)
        .await?
        .ok_or_else(|| AccountError::not_found(OP, "the logging configuration did not stick"))
}

pub(crate) async fn delete(acct: &AwsAccount, live: &Resource) -> Result<(), AccountError> {
    acct.bedrock(&live.region)?
        .delete_model_invocation_logging_configuration()
        .send()
        .await
        .map_err(sdk_err("DeleteModelInvocationLoggingConfiguration"))?;
    Ok(())
}
