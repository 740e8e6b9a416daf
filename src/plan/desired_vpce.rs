//! `vpc_endpoints:` → one desired `vpc_endpoint` per service, named `NAME/SERVICE`,
//! with its endpoint policy (a file, the default, or generated from roles' grants).

use super::desired::owned_tags;
use crate::account::spec::{vpc_endpoint_service_name, VpcEndpointSpec};
use crate::account::{Kind, Resource};
use crate::config::Config;
use crate::policy::endpoint::{endpoint_policy, resource_name};
use crate::policy::StackRefs;

pub(super) fn vpc_endpoints(
    cfg: &Config,
    account_id: &str,
    stack: &str,
    refs: &StackRefs,
) -> Vec<Resource> {
    let mut out = Vec::new();
    for e in cfg.vpc_endpoints.iter().flatten() {
        let tags = owned_tags(stack, &e.tags, e.prevent_destroy);
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
                policy: Some(endpoint_policy(cfg, e, &s.value, account_id, refs)),
            };
            out.push(Resource {
                kind: Kind::VpcEndpoint,
                region: e.region.value.clone(),
                name: resource_name(&e.name.value, &s.value),
                id: None,
                spec: serde_json::to_value(&spec).unwrap_or(serde_json::Value::Null),
                tags: tags.clone(),
                status: None,
            });
        }
    }
    out
}
