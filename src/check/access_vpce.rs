//! Access checks sent through a VPC endpoint of the stack (`access_checks[].through`):
//! the request carries `aws:SourceVpce` (the endpoint's id) and `aws:SourceVpc`, and
//! the endpoint's policy must allow it too (AWS's evaluation of endpoint policies,
//! https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
//!
//! The endpoint is the entry's endpoint of the service that serves the action
//! (`policy::endpoint::service_for_action`); its id is the live one where the account
//! is known, else the same stand-in the generated grants use, so offline and live
//! checks agree with what apply writes.

use crate::config::Config;
use crate::iam::compile::CompiledPolicy;
use crate::policy::endpoint::{endpoint_id, endpoint_policy, service_for_action};
use crate::policy::StackRefs;
use std::collections::BTreeMap;

/// One endpoint of an entry: its id, VPC and compiled policy.
#[derive(Debug, Clone)]
pub struct EndpointAccess {
    pub id: String,
    pub vpc_id: String,
    pub policy: CompiledPolicy,
}

/// The endpoints of every `vpc_endpoints` entry, by entry name, then service.
pub type Endpoints = BTreeMap<String, BTreeMap<String, EndpointAccess>>;

pub fn endpoints(cfg: &Config, account: &str, refs: &StackRefs) -> Endpoints {
    let mut out = Endpoints::new();
    for e in cfg.vpc_endpoints.iter().flatten() {
        let mut by_service = BTreeMap::new();
        for s in &e.services {
            let doc = endpoint_policy(cfg, e, &s.value, account, refs);
            let Ok(policy) = crate::iam::compile_value(&doc) else {
                continue;
            };
            by_service.insert(
                s.value.clone(),
                EndpointAccess {
                    id: endpoint_id(refs, e, &s.value),
                    vpc_id: e.vpc_id.value.clone(),
                    policy,
                },
            );
        }
        out.insert(e.name.value.clone(), by_service);
    }
    out
}

/// The endpoint a request for `action` through entry `name` goes through, or why none.
pub fn through<'a>(
    endpoints: &'a Endpoints,
    name: &str,
    action: &str,
) -> Result<(&'a str, &'a EndpointAccess), String> {
    let entry = endpoints
        .get(name)
        .ok_or_else(|| format!("`through`: `{name}` is not an entry of `vpc_endpoints`"))?;
    let service = service_for_action(action).ok_or_else(|| {
        format!("`{action}` is not a Bedrock action: it does not go through a Bedrock VPC endpoint")
    })?;
    entry
        .get_key_value(service)
        .map(|(s, e)| (s.as_str(), e))
        .ok_or_else(|| {
            format!(
                "VPC endpoint `{name}` has no `{service}` endpoint, which `{action}` goes through; add `{service}` to its `services`"
            )
        })
}
