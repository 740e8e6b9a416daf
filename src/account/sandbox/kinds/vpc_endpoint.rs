//! EC2 interface VPC endpoints for the Bedrock services, with CreateVpcEndpoint /
//! ModifyVpcEndpoint / DeleteVpcEndpoints semantics.
//!
//! Limits and codes are EC2's: ids must look like EC2 ids (`InvalidVpcId.Malformed`,
//! `InvalidSubnetID.Malformed`, `InvalidGroupId.Malformed`), the service must be a
//! Bedrock endpoint service of the region (`InvalidServiceName`), at most 50 interface
//! endpoints per VPC (`VpcEndpointLimitExceeded`) and 20,480 characters per endpoint
//! policy, white space included (PrivateLink quotas,
//! https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html).
//! Private DNS for a service can be on for one endpoint per VPC only: a second one is
//! refused with `InvalidParameter` ("conflicting DNS domain"). The VPC and the subnets
//! themselves are not simulated: any well-formed id exists. The vpc and the service of
//! an endpoint cannot change (ModifyVpcEndpoint has no such field,
//! https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html).
//! A new endpoint is `pending` for the sandbox's provisioning delay, then `available`.

use super::{parse_spec, Ctx};
use crate::account::sandbox::store::{Entry, Meta, State};
use crate::account::spec::{Normalize, Spec, VpcEndpointSpec};
use crate::account::{AccountError, Kind, Resource};
use crate::vocab::vpc_endpoint::{
    ec2_id_ok, service_name, MAX_PER_VPC, MAX_POLICY_CHARS, SERVICES,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

const CREATE: &str = "CreateVpcEndpoint";
const MODIFY: &str = "ModifyVpcEndpoint";

fn err(op: &str, code: &str, message: impl Into<String>) -> AccountError {
    AccountError::new(op, code, message)
}

/// What both create and modify check of the request.
fn check(
    op: &str,
    region: &str,
    s: &VpcEndpointSpec,
    tags: &BTreeMap<String, String>,
) -> Result<(), AccountError> {
    if !ec2_id_ok(&s.vpc_id, "vpc") {
        return Err(err(
            op,
            "InvalidVpcId.Malformed",
            format!("Invalid id: \"{}\"", s.vpc_id),
        ));
    }
    if let Some(bad) = s.subnet_ids.iter().find(|x| !ec2_id_ok(x, "subnet")) {
        return Err(err(
            op,
            "InvalidSubnetID.Malformed",
            format!("Invalid id: \"{bad}\""),
        ));
    }
    if let Some(bad) = s.security_group_ids.iter().find(|x| !ec2_id_ok(x, "sg")) {
        return Err(err(
            op,
            "InvalidGroupId.Malformed",
            format!("Invalid id: \"{bad}\""),
        ));
    }
    let known = SERVICES
        .iter()
        .any(|svc| service_name(region, svc) == s.service_name);
    if !known {
        return Err(err(
            op,
            "InvalidServiceName",
            format!(
                "The Vpc Endpoint Service '{}' does not exist",
                s.service_name
            ),
        ));
    }
    if let Some(doc) = &s.policy {
        let text = doc.to_string();
        if text.chars().count() > MAX_POLICY_CHARS {
            return Err(err(
                op,
                "InvalidParameter",
                format!(
                    "Policy document is {} characters, more than the limit of {MAX_POLICY_CHARS}",
                    text.chars().count()
                ),
            ));
        }
        if !doc.is_object() || doc.get("Statement").is_none() {
            return Err(err(
                op,
                "InvalidPolicyDocument",
                "The policy document is not a valid JSON policy.",
            ));
        }
    }
    ec2_tags(op, tags)
}

/// EC2 tag rules: at most 50, keys 1–127 and values 0–255 characters, no `aws:` keys
/// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html).
fn ec2_tags(op: &str, tags: &BTreeMap<String, String>) -> Result<(), AccountError> {
    if tags.len() > 50 {
        return Err(err(
            op,
            "TagLimitExceeded",
            format!(
                "The maximum number of tags (50) is exceeded: {}",
                tags.len()
            ),
        ));
    }
    for (k, v) in tags {
        let n = k.chars().count();
        if n == 0
            || n > 127
            || v.chars().count() > 255
            || k.to_ascii_lowercase().starts_with("aws:")
        {
            return Err(err(
                op,
                "InvalidParameterValue",
                format!("Tag '{k}' is not a valid EC2 tag"),
            ));
        }
    }
    Ok(())
}

/// Another endpoint of the VPC that already has private DNS on for the same service.
fn dns_conflict(
    state: &State,
    region: &str,
    s: &VpcEndpointSpec,
    except: Option<usize>,
) -> Option<String> {
    if !s.private_dns {
        return None;
    }
    state.resources.iter().enumerate().find_map(|(i, e)| {
        let r = &e.resource;
        if Some(i) == except || r.kind != Kind::VpcEndpoint || r.region != region {
            return None;
        }
        let other = r.spec.as_kind::<VpcEndpointSpec>()?;
        (other.private_dns && other.vpc_id == s.vpc_id && other.service_name == s.service_name)
            .then(|| r.id.clone().unwrap_or_default())
    })
}

fn dns_error(op: &str, s: &VpcEndpointSpec) -> AccountError {
    let host = s
        .service_name
        .strip_prefix("com.amazonaws.")
        .and_then(|rest| rest.split_once('.'))
        .map(|(region, svc)| format!("{svc}.{region}.amazonaws.com"))
        .unwrap_or_else(|| s.service_name.clone());
    err(
        op,
        "InvalidParameter",
        format!(
            "private-dns-enabled cannot be set because there is already a conflicting DNS domain for {host} in the VPC {}",
            s.vpc_id
        ),
    )
}

fn new_id(state: &mut State, region: &str, name: &str) -> String {
    let serial = state.next_serial();
    let digest = Sha256::digest(format!(
        "{}|{serial}|vpce|{region}|{name}",
        state.account_id
    ));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("vpce-{}", &hex[..17])
}

pub fn create(state: &mut State, ctx: &Ctx, d: &Resource) -> Result<String, AccountError> {
    let mut spec: VpcEndpointSpec = parse_spec(CREATE, d)?;
    spec.normalize();
    check(CREATE, &d.region, &spec, &d.tags)?;
    let in_vpc = state
        .resources
        .iter()
        .filter(|e| e.resource.kind == Kind::VpcEndpoint && e.resource.region == d.region)
        .filter(|e| {
            e.resource
                .spec
                .as_kind::<VpcEndpointSpec>()
                .is_some_and(|o| o.vpc_id == spec.vpc_id)
        })
        .count();
    if in_vpc >= MAX_PER_VPC {
        return Err(err(
            CREATE,
            "VpcEndpointLimitExceeded",
            format!("The maximum number of interface VPC endpoints ({MAX_PER_VPC}) for {} has been reached.", spec.vpc_id),
        ));
    }
    if dns_conflict(state, &d.region, &spec, None).is_some() {
        return Err(dns_error(CREATE, &spec));
    }
    let id = new_id(state, &d.region, &d.name);
    state.resources.push(Entry {
        resource: Resource {
            id: Some(id.clone()),
            spec: Spec::from(spec),
            status: Some("pending".to_string()),
            ..d.clone()
        },
        meta: Meta {
            created_ms: ctx.now,
            updated_ms: ctx.now,
            ready_ms: Some(ctx.now + ctx.pt_ready_ms),
            ..Meta::default()
        },
    });
    Ok(id)
}

/// ModifyVpcEndpoint: policy, subnets, security groups and private DNS change in place;
/// the VPC and the service cannot.
pub fn update(state: &mut State, ctx: &Ctx, idx: usize, d: &Resource) -> Result<(), AccountError> {
    let live = state.resources[idx].resource.clone();
    let old: VpcEndpointSpec = parse_spec(MODIFY, &live)?;
    let mut spec: VpcEndpointSpec = parse_spec(MODIFY, d)?;
    spec.normalize();
    if spec.vpc_id != old.vpc_id || spec.service_name != old.service_name {
        return Err(err(
            MODIFY,
            "InvalidParameter",
            format!(
                "The VPC and the service of {} cannot be modified; create a new endpoint instead.",
                live.id.clone().unwrap_or_default()
            ),
        ));
    }
    check(MODIFY, &live.region, &spec, &d.tags)?;
    if dns_conflict(state, &live.region, &spec, Some(idx)).is_some() {
        return Err(dns_error(MODIFY, &spec));
    }
    let value = Spec::from(spec);
    let e = &mut state.resources[idx];
    e.resource.spec = value;
    e.meta.updated_ms = ctx.now;
    Ok(())
}
