//! `import` of VPC endpoints: the endpoints of one entry (`NAME/SERVICE` with the
//! same region, VPC, subnets, security groups, private DNS and policy) become one
//! `vpc_endpoints` entry; a policy other than the default is saved as a file.

use super::adopt::{flow, obj};
use crate::account::spec::VpcEndpointSpec;
use crate::account::{Kind, Resource};
use crate::policy::canonical::canonical_policy;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The `vpc_endpoints` entries for the endpoints among `resources`, in name order.
pub(super) fn entries(resources: &[Resource], docs: &mut Vec<(String, Value)>) -> Vec<String> {
    // (entry name, region, spec without service) → services, prevent_destroy
    type Key = (String, String, String);
    let mut groups: BTreeMap<Key, (VpcEndpointSpec, Vec<String>, bool)> = BTreeMap::new();
    for r in resources.iter().filter(|r| r.kind == Kind::VpcEndpoint) {
        let Some(s) = r.spec.as_kind::<VpcEndpointSpec>().cloned() else {
            continue;
        };
        let service = s
            .service_name
            .rsplit_once(&format!("{}.", r.region))
            .map(|(_, svc)| svc.to_string())
            .unwrap_or_else(|| s.service_name.clone());
        let base = r
            .name
            .strip_suffix(&format!("/{service}"))
            .unwrap_or(&r.name)
            .to_string();
        let shape = VpcEndpointSpec {
            service_name: String::new(),
            ..s.clone()
        };
        let key = (base, r.region.clone(), json!(shape).to_string());
        let e = groups
            .entry(key)
            .or_insert_with(|| (shape, Vec::new(), false));
        e.1.push(service);
        e.2 |= r.prevent_destroy();
    }
    // Endpoints of one name whose policies differ become one entry each, named apart
    // (a config entry carries one policy for all its services).
    let mut per_name: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (name, region, _) in groups.keys() {
        *per_name.entry((name.clone(), region.clone())).or_default() += 1;
    }
    let mut out = Vec::new();
    for ((name, region, _), (s, services, prevent)) in groups {
        let name = if per_name.get(&(name.clone(), region.clone())) > Some(&1) {
            format!("{name}-{}", services.join("-"))
        } else {
            name
        };
        let default = canonical_policy(&crate::policy::endpoint::default_policy());
        let policy = match s.policy {
            Some(doc) if canonical_policy(&doc) != default => {
                let file = format!("policies/vpce-{}.json", name.replace('/', "-"));
                docs.push((file.clone(), doc));
                json!({"file": file})
            }
            _ => Value::Null,
        };
        out.push(flow(&obj(vec![
            ("name", json!(name)),
            ("region", json!(region)),
            ("vpc_id", json!(s.vpc_id)),
            ("subnet_ids", json!(s.subnet_ids)),
            ("security_group_ids", json!(s.security_group_ids)),
            ("services", json!(services)),
            ("private_dns", json!(s.private_dns)),
            ("policy", policy),
            (
                "prevent_destroy",
                if prevent { json!(true) } else { Value::Null },
            ),
        ])));
    }
    out
}
