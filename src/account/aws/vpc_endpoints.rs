//! EC2 interface VPC endpoints of the Bedrock services (DescribeVpcEndpoints,
//! CreateVpcEndpoint, ModifyVpcEndpoint, DeleteVpcEndpoints, CreateTags, DeleteTags)
//! mapped to [`VpcEndpointSpec`].
//!
//! An endpoint has no name of its own: bedrockctl keeps `NAME/SERVICE` in its `Name`
//! tag (what the console shows), so the tag is the resource name and is left out of
//! the tags the diff compares. Only endpoints of the four Bedrock services are listed.
//! ModifyVpcEndpoint changes the policy, subnets, security groups and private DNS in
//! place (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html);
//! the VPC and the service are fixed at create time, so the plan replaces for those.
//! Create returns while the endpoint is `pending`; apply waits until `available`.

use super::error::sdk_err;
use super::{tags as tagdiff, typed_spec, AwsAccount};
use crate::account::spec::Spec;
use crate::account::spec::{Normalize, VpcEndpointSpec};
use crate::account::{AccountError, Kind, Resource};
use crate::vocab::vpc_endpoint::{service_name, SERVICES};
use aws_sdk_ec2::types::{
    Filter, ResourceType, Tag, TagSpecification, VpcEndpoint, VpcEndpointType,
};
use std::collections::BTreeMap;

/// The tag that carries the resource name.
pub const NAME_TAG: &str = "Name";

/// States after which an endpoint is gone (DescribeVpcEndpoints keeps them a while).
const GONE: &[&str] = &["deleting", "deleted", "rejected", "expired"];

pub(crate) async fn list(acct: &AwsAccount, region: &str) -> Result<Vec<Resource>, AccountError> {
    let names: Vec<String> = SERVICES.iter().map(|s| service_name(region, s)).collect();
    let filter = Filter::builder()
        .name("service-name")
        .set_values(Some(names))
        .build();
    describe(acct, region, vec![filter], None).await
}

async fn describe(
    acct: &AwsAccount,
    region: &str,
    filters: Vec<Filter>,
    ids: Option<Vec<String>>,
) -> Result<Vec<Resource>, AccountError> {
    let pages: Vec<_> = acct
        .ec2(region)?
        .describe_vpc_endpoints()
        .set_filters(Some(filters).filter(|f| !f.is_empty()))
        .set_vpc_endpoint_ids(ids)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("DescribeVpcEndpoints"))?;
    pages
        .into_iter()
        .flat_map(|p| p.vpc_endpoints.unwrap_or_default())
        .filter(|e| e.vpc_endpoint_type() == Some(&VpcEndpointType::Interface))
        .filter(|e| {
            !e.state()
                .is_some_and(|s| GONE.contains(&s.as_str().to_ascii_lowercase().as_str()))
        })
        .map(|e| to_resource(region, &e))
        .collect()
}

/// `id` is the endpoint id (`vpce-…`).
pub(crate) async fn get(
    acct: &AwsAccount,
    region: &str,
    id: &str,
) -> Result<Option<Resource>, AccountError> {
    match describe(acct, region, Vec::new(), Some(vec![id.to_string()])).await {
        Ok(found) => Ok(found.into_iter().next()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

fn to_resource(region: &str, e: &VpcEndpoint) -> Result<Resource, AccountError> {
    let mut tags: BTreeMap<String, String> = e
        .tags()
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let id = e.vpc_endpoint_id().unwrap_or_default().to_string();
    let name = tags.remove(NAME_TAG).unwrap_or_else(|| id.clone());
    let policy = e
        .policy_document()
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok());
    let mut spec = VpcEndpointSpec {
        vpc_id: e.vpc_id().unwrap_or_default().to_string(),
        service_name: e.service_name().unwrap_or_default().to_string(),
        subnet_ids: e.subnet_ids().to_vec(),
        security_group_ids: e
            .groups()
            .iter()
            .filter_map(|g| g.group_id().map(str::to_string))
            .collect(),
        private_dns: e.private_dns_enabled().unwrap_or(false),
        policy,
    };
    spec.normalize();
    Ok(Resource {
        kind: Kind::VpcEndpoint,
        region: region.to_string(),
        name,
        id: Some(id),
        spec: Spec::from(spec),
        tags,
        status: e.state().map(|s| s.as_str().to_string()),
    })
}

fn ec2_tags(name: &str, tags: &BTreeMap<String, String>) -> Vec<Tag> {
    std::iter::once((NAME_TAG, name))
        .chain(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

fn policy_text(spec: &VpcEndpointSpec) -> Option<String> {
    spec.policy.as_ref().map(|p| p.to_string())
}

pub(crate) async fn create(
    acct: &AwsAccount,
    desired: &Resource,
    token: &str,
) -> Result<Resource, AccountError> {
    const OP: &str = "CreateVpcEndpoint";
    let spec: VpcEndpointSpec = typed_spec(OP, desired)?;
    // ClientToken: up to 64 ASCII characters (the apply token is a 64-digit hash).
    let token: String = token
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(64)
        .collect();
    let out = acct
        .ec2(&desired.region)?
        .create_vpc_endpoint()
        .vpc_endpoint_type(VpcEndpointType::Interface)
        .vpc_id(&spec.vpc_id)
        .service_name(&spec.service_name)
        .set_subnet_ids(Some(spec.subnet_ids.clone()))
        .set_security_group_ids(Some(spec.security_group_ids.clone()).filter(|g| !g.is_empty()))
        .private_dns_enabled(spec.private_dns)
        .set_policy_document(policy_text(&spec))
        .set_client_token(Some(token).filter(|t| !t.is_empty()))
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::VpcEndpoint)
                .set_tags(Some(ec2_tags(&desired.name, &desired.tags)))
                .build(),
        )
        .send()
        .await
        .map_err(sdk_err(OP))?;
    let endpoint = out.vpc_endpoint().ok_or_else(|| {
        AccountError::new(OP, "InvalidResponse", "the response named no endpoint")
    })?;
    to_resource(&desired.region, endpoint)
}

/// ModifyVpcEndpoint for what changed, then CreateTags/DeleteTags.
pub(crate) async fn update(
    acct: &AwsAccount,
    live: &Resource,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    const OP: &str = "ModifyVpcEndpoint";
    let id = live.id.clone().ok_or_else(|| {
        AccountError::validation(OP, format!("`{}` has no endpoint id", live.address()))
    })?;
    let mut old: VpcEndpointSpec = typed_spec(OP, live)?;
    let mut new: VpcEndpointSpec = typed_spec(OP, desired)?;
    old.normalize();
    new.normalize();
    if old.vpc_id != new.vpc_id || old.service_name != new.service_name {
        return Err(AccountError::validation(
            OP,
            format!(
                "`{}`: the VPC and the service of an endpoint cannot change; it must be replaced",
                live.address()
            ),
        ));
    }
    let added = |from: &[String], to: &[String]| -> Vec<String> {
        to.iter().filter(|x| !from.contains(x)).cloned().collect()
    };
    let add_subnets = added(&old.subnet_ids, &new.subnet_ids);
    let remove_subnets = added(&new.subnet_ids, &old.subnet_ids);
    let add_groups = added(&old.security_group_ids, &new.security_group_ids);
    let remove_groups = added(&new.security_group_ids, &old.security_group_ids);
    let policy = (old.policy != new.policy)
        .then(|| policy_text(&new))
        .flatten();
    let dns = (old.private_dns != new.private_dns).then_some(new.private_dns);
    let nonempty = |v: Vec<String>| Some(v).filter(|v| !v.is_empty());
    if !(add_subnets.is_empty()
        && remove_subnets.is_empty()
        && add_groups.is_empty()
        && remove_groups.is_empty()
        && policy.is_none()
        && dns.is_none())
    {
        acct.ec2(&live.region)?
            .modify_vpc_endpoint()
            .vpc_endpoint_id(&id)
            .set_add_subnet_ids(nonempty(add_subnets))
            .set_remove_subnet_ids(nonempty(remove_subnets))
            .set_add_security_group_ids(nonempty(add_groups))
            .set_remove_security_group_ids(nonempty(remove_groups))
            .set_policy_document(policy)
            .set_private_dns_enabled(dns)
            .send()
            .await
            .map_err(sdk_err(OP))?;
    }
    let mut want = desired.tags.clone();
    want.insert(NAME_TAG.to_string(), desired.name.clone());
    let mut have = live.tags.clone();
    have.insert(NAME_TAG.to_string(), live.name.clone());
    let (set, remove) = tagdiff::diff(&have, &want);
    if !remove.is_empty() {
        acct.ec2(&live.region)?
            .delete_tags()
            .resources(&id)
            .set_tags(Some(
                remove
                    .iter()
                    .map(|k| Tag::builder().key(k).build())
                    .collect(),
            ))
            .send()
            .await
            .map_err(sdk_err("DeleteTags"))?;
    }
    if !set.is_empty() {
        acct.ec2(&live.region)?
            .create_tags()
            .resources(&id)
            .set_tags(Some(
                set.iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build())
                    .collect(),
            ))
            .send()
            .await
            .map_err(sdk_err("CreateTags"))?;
    }
    get(acct, &live.region, &id).await?.ok_or_else(|| {
        AccountError::new(
            OP,
            "InvalidVpcEndpointId.NotFound",
            format!("`{}` vanished", live.address()),
        )
    })
}

pub(crate) async fn delete(acct: &AwsAccount, live: &Resource) -> Result<(), AccountError> {
    const OP: &str = "DeleteVpcEndpoints";
    let id = live.id.clone().ok_or_else(|| {
        AccountError::validation(OP, format!("`{}` has no endpoint id", live.address()))
    })?;
    let out = acct
        .ec2(&live.region)?
        .delete_vpc_endpoints()
        .vpc_endpoint_ids(&id)
        .send()
        .await
        .map_err(sdk_err(OP))?;
    // The call succeeds as a whole and lists the endpoints it could not delete.
    if let Some(item) = out.unsuccessful().first() {
        let (code, message) = item
            .error()
            .map(|e| {
                (
                    e.code().unwrap_or("Unsuccessful").to_string(),
                    e.message().unwrap_or_default().to_string(),
                )
            })
            .unwrap_or_else(|| ("Unsuccessful".to_string(), String::new()));
        return Err(AccountError::new(OP, code, message));
    }
    Ok(())
}
