//! `vpc_endpoint`: an EC2 interface endpoint of one Bedrock service; one per service of
//! a `vpc_endpoints` entry, named `NAME/SERVICE`, with its endpoint policy (a file, the
//! default, or generated from roles' grants by `policy::endpoint`).
//!
//! ModifyVpcEndpoint changes the policy, subnets, security groups and private DNS in
//! place; the VPC and the service are fixed at create time
//! (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html).
//! A generated policy names the stack's guardrails, provisioned throughput and profiles,
//! and roles' grants name the endpoints' ids: the endpoints sit between them on the
//! apply ladder (and in `plan::diff::deferral_level`).

use super::{with, Cx, KindDef};
use crate::account::spec::{vpc_endpoint_service_name, Normalize, Spec, VpcEndpointSpec};
use crate::account::{Kind, Resource};
use crate::config::Config;
use crate::policy::canonical::canonical_policy;
use crate::policy::endpoint::{default_policy, endpoint_policy, resource_name};

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::VpcEndpoint
    }

    fn declared(&self, cfg: &Config) -> Option<Vec<String>> {
        let endpoints = cfg.vpc_endpoints.as_ref()?;
        Some(endpoints.iter().map(|e| e.region.value.clone()).collect())
    }

    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource> {
        let mut out = Vec::new();
        for e in cx.cfg.vpc_endpoints.iter().flatten() {
            let tags = cx.owned_tags(&e.tags, e.prevent_destroy);
            for s in &e.services {
                let spec = VpcEndpointSpec {
                    vpc_id: e.vpc_id.value.clone(),
                    service_name: vpc_endpoint_service_name(&e.region.value, &s.value),
                    subnet_ids: e.subnet_ids.iter().map(|x| x.value.clone()).collect(),
                    security_group_ids: e
                        .security_group_ids
                        .iter()
                        .map(|x| x.value.clone())
                        .collect(),
                    private_dns: e.private_dns.value,
                    policy: Some(endpoint_policy(cx.cfg, e, &s.value, cx.account_id, cx.refs)),
                };
                let name = resource_name(&e.name.value, &s.value);
                out.push(cx.resource(spec, &e.region.value, &name, tags.clone()));
            }
        }
        out
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |e: &mut VpcEndpointSpec| {
            e.normalize();
            // No policy is the service's default, which EC2 reports as a document.
            let doc = e.policy.take().unwrap_or_else(default_policy);
            e.policy = Some(canonical_policy(&doc));
        });
    }

    fn replace_fields(&self) -> &'static [&'static str] {
        &["vpc_id", "service_name"]
    }

    fn rank(&self) -> u8 {
        1
    }

    // Its generated policy names guardrails, provisioned throughput and profiles; the
    // roles naming its id come after it.
    fn deferral(&self) -> u8 {
        1
    }

    fn config_section(&self) -> &'static str {
        "vpc_endpoints"
    }
}
