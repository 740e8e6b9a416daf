//! Provisioned throughput (Create/Get/List/Update/DeleteProvisionedModelThroughput)
//! mapped to [`ProvisionedThroughputSpec`].
//!
//! Only the name and the model can change in place (UpdateProvisionedModelThroughput);
//! model units and the commitment need a new purchase, so an update asking for them
//! is refused. Status and commitment values pass through as the service spells
//! them, including values this SDK does not know.

use super::error::{found, gone_is_ok, live_id, sdk_err};
use super::{client_token, tags, typed_spec, AwsAccount};
use crate::account::spec::ProvisionedThroughputSpec;
use crate::account::spec::Spec;
use crate::account::{AccountError, Kind, Resource};
use aws_sdk_bedrock::types::CommitmentDuration;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

/// The fields both the list summary and GetProvisionedModelThroughput carry.
struct Raw<'a> {
    name: &'a str,
    arn: &'a str,
    desired_model_arn: &'a str,
    model_units: i32,
    status: &'a str,
    commitment: Option<&'a CommitmentDuration>,
    expiration: Option<&'a DateTime>,
}

pub(crate) async fn list(acct: &AwsAccount, region: &str) -> Result<Vec<Resource>, AccountError> {
    let pages: Vec<_> = acct
        .bedrock(region)?
        .list_provisioned_model_throughputs()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListProvisionedModelThroughputs"))?;
    let summaries: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.provisioned_model_summaries.unwrap_or_default())
        .collect();
    super::bounded(summaries, |s| async move {
        let tags = tags::list(acct, region, s.provisioned_model_arn()).await?;
        to_resource(
            region,
            Raw {
                name: s.provisioned_model_name(),
                arn: s.provisioned_model_arn(),
                desired_model_arn: s.desired_model_arn(),
                model_units: s.model_units(),
                status: s.status().as_str(),
                commitment: s.commitment_duration(),
                expiration: s.commitment_expiration_time(),
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
            .get_provisioned_model_throughput()
            .provisioned_model_id(id)
            .send()
            .await
            .map_err(sdk_err("GetProvisionedModelThroughput")),
    )?
    else {
        return Ok(None);
    };
    let tags = tags::list(acct, region, out.provisioned_model_arn()).await?;
    to_resource(
        region,
        Raw {
            name: out.provisioned_model_name(),
            arn: out.provisioned_model_arn(),
            desired_model_arn: out.desired_model_arn(),
            model_units: out.model_units(),
            status: out.status().as_str(),
            commitment: out.commitment_duration(),
            expiration: out.commitment_expiration_time(),
        },
        tags,
    )
    .map(Some)
}

fn to_resource(
    region: &str,
    raw: Raw<'_>,
    tags: std::collections::BTreeMap<String, String>,
) -> Result<Resource, AccountError> {
    let spec = ProvisionedThroughputSpec {
        model_id: model_id_from_arn(raw.desired_model_arn),
        model_units: u32::try_from(raw.model_units).unwrap_or(0),
        commitment: commitment_name(raw.commitment),
        commitment_expiration: raw.expiration.and_then(|t| t.fmt(Format::DateTime).ok()),
    };
    Ok(Resource {
        kind: Kind::ProvisionedThroughput,
        region: region.to_string(),
        name: raw.name.to_string(),
        id: Some(raw.arn.to_string()),
        spec: Spec::from(spec),
        tags,
        status: Some(raw.status.to_string()),
    })
}

/// A foundation-model ARN reads back as the bare model id (what configs name);
/// custom and imported model ARNs stay ARNs.
pub(crate) fn model_id_from_arn(arn: &str) -> String {
    match arn.split_once(":foundation-model/") {
        Some((_, id)) if arn.starts_with("arn:") => id.to_string(),
        _ => arn.to_string(),
    }
}

/// `none`, `one_month`, `six_months`; an unknown duration passes through as is.
pub(crate) fn commitment_name(c: Option<&CommitmentDuration>) -> String {
    match c {
        None => "none".to_string(),
        Some(CommitmentDuration::OneMonth) => "one_month".to_string(),
        Some(CommitmentDuration::SixMonths) => "six_months".to_string(),
        Some(other) => other.as_str().to_string(),
    }
}

fn commitment_wire(
    op: &'static str,
    name: &str,
) -> Result<Option<CommitmentDuration>, AccountError> {
    match name {
        "" | "none" => Ok(None),
        "one_month" => Ok(Some(CommitmentDuration::OneMonth)),
        "six_months" => Ok(Some(CommitmentDuration::SixMonths)),
        other => Err(AccountError::validation(
            op,
            format!("unknown commitment `{other}` (expected none, one_month or six_months)"),
        )),
    }
}

pub(crate) async fn create(
    acct: &AwsAccount,
    desired: &Resource,
    token: &str,
) -> Result<Resource, AccountError> {
    const OP: &str = "CreateProvisionedModelThroughput";
    let spec: ProvisionedThroughputSpec = typed_spec(OP, desired)?;
    let units = i32::try_from(spec.model_units)
        .map_err(|_| AccountError::validation(OP, "model_units is too large"))?;
    let tag_list = tags::to_bedrock(OP, &desired.tags)?;
    let out = acct
        .bedrock(&desired.region)?
        .create_provisioned_model_throughput()
        .provisioned_model_name(&desired.name)
        .model_id(&spec.model_id)
        .model_units(units)
        .set_commitment_duration(commitment_wire(OP, &spec.commitment)?)
        .set_tags((!tag_list.is_empty()).then_some(tag_list))
        .set_client_request_token(client_token(token))
        .send()
        .await
        .map_err(sdk_err(OP))?;
    get(acct, &desired.region, out.provisioned_model_arn())
        .await?
        .ok_or_else(|| AccountError::not_found(OP, "the new provisioned throughput vanished"))
}

pub(crate) async fn update(
    acct: &AwsAccount,
    live: &Resource,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    const OP: &str = "UpdateProvisionedModelThroughput";
    let have: ProvisionedThroughputSpec = typed_spec(OP, live)?;
    let want: ProvisionedThroughputSpec = typed_spec(OP, desired)?;
    if have.model_units != want.model_units || have.commitment != want.commitment {
        return Err(AccountError::validation(
            OP,
            format!(
                "`{}`: model units and commitment cannot change in place; a new purchase (replace) is needed",
                desired.address()
            ),
        ));
    }
    let id = live_id(OP, live)?;
    let rename = (live.name != desired.name).then(|| desired.name.clone());
    let remodel = (model_id_from_arn(&have.model_id) != model_id_from_arn(&want.model_id))
        .then(|| want.model_id.clone());
    if rename.is_some() || remodel.is_some() {
        acct.bedrock(&live.region)?
            .update_provisioned_model_throughput()
            .provisioned_model_id(id)
            .set_desired_provisioned_model_name(rename)
            .set_desired_model_id(remodel)
            .send()
            .await
            .map_err(sdk_err(OP))?;
    }
    tags::sync(acct, &live.region, id, &live.tags, &desired.tags).await?;
    get(acct, &live.region, id)
        .await?
        .ok_or_else(|| AccountError::not_found(OP, "the provisioned throughput vanished"))
}

pub(crate) async fn delete(acct: &AwsAccount, live: &Resource) -> Result<(), AccountError> {
    const OP: &str = "DeleteProvisionedModelThroughput";
    let id = live_id(OP, live)?;
    gone_is_ok(
        acct.bedrock(&live.region)?
            .delete_provisioned_model_throughput()
            .provisioned_model_id(id)
            .send()
            .await
            .map_err(sdk_err(OP)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitments_map_both_ways_and_unknown_passes_through() {
        assert_eq!(commitment_name(None), "none");
        assert_eq!(
            commitment_name(Some(&CommitmentDuration::OneMonth)),
            "one_month"
        );
        assert_eq!(
            commitment_name(Some(&CommitmentDuration::from("TwelveMonths"))),
            "TwelveMonths"
        );
        assert_eq!(
            commitment_wire("X", "six_months").ok().flatten(),
            Some(CommitmentDuration::SixMonths)
        );
        assert!(commitment_wire("X", "forever").is_err());
    }

    #[test]
    fn foundation_model_arns_read_as_ids() {
        assert_eq!(
            model_id_from_arn(
                "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k"
            ),
            "amazon.nova-lite-v1:0:300k"
        );
        let custom = "arn:aws:bedrock:us-east-1:111122223333:custom-model/amazon.nova-lite-v1:0/abcdefghijkl";
        assert_eq!(model_id_from_arn(custom), custom);
    }
}
