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

use super::import::{self, ImportDoc};
use super::{with, Cx, KindDef, Ownership, Traits};
use crate::account::spec::{Normalize, Spec, VpcEndpointSpec};
use crate::account::{Kind, Resource};
use crate::config::Config;
use crate::policy::canonical::canonical_policy;
use crate::policy::endpoint::{default_policy, endpoint_policy, resource_name};
use crate::vocab::vpc_endpoint::service_name;
use serde_json::{json, Value};

pub struct Def;

static TRAITS: Traits = Traits {
    section: "vpc_endpoints",
    // ModifyVpcEndpoint has no VPC or service field.
    replace_fields: &["vpc_id", "service_name"],
    taggable: true,
    // The AWS account sends a ClientToken; the sandbox keys endpoints by id alone.
    takes_token: false,
    // Its generated policy names guardrails, provisioned throughput and profiles; the
    // roles naming its id come after it.
    rank: 1,
    deferral: 1,
    ownership: Ownership::Tags,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::VpcEndpoint
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
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
                    service_name: service_name(&e.region.value, &s.value),
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

    /// The endpoints of one entry (same name, region, VPC, subnets, groups, DNS and
    /// policy) become one `vpc_endpoints` entry listing their services; a policy other
    /// than the default is saved as a file. Endpoints of one name whose policies differ
    /// become one entry each, named apart (an entry carries one policy).
    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        let Some(s) = r.spec.as_kind::<VpcEndpointSpec>() else {
            return;
        };
        let section = self.traits().section;
        let service = s
            .service_name
            .rsplit_once(&format!("{}.", r.region))
            .map_or(s.service_name.as_str(), |(_, svc)| svc)
            .to_string();
        let base = r
            .name
            .strip_suffix(&format!("/{service}"))
            .unwrap_or(&r.name)
            .to_string();
        let shape = VpcEndpointSpec {
            service_name: String::new(),
            ..s.clone()
        };
        let key = format!("{base}|{}|{}", r.region, json!(shape));
        if let Some(Value::Object(e)) = doc.by_name.get_mut(&(section, key.clone())) {
            if let Some(Value::Array(services)) = e.get_mut("services") {
                services.push(json!(service));
            }
            return;
        }
        let taken = doc
            .by_name
            .keys()
            .any(|(sec, k)| *sec == section && k.starts_with(&format!("{base}|{}|", r.region)));
        let name = if taken {
            format!("{base}-{service}")
        } else {
            base
        };
        let default = canonical_policy(&default_policy());
        let policy = match &s.policy {
            Some(p) if canonical_policy(p) != default => {
                let file = format!("policies/vpce-{name}.json");
                doc.docs.push((file.clone(), p.clone()));
                json!({ "file": file })
            }
            _ => Value::Null,
        };
        let entry = import::obj(vec![
            ("name", json!(name)),
            ("region", json!(r.region)),
            ("vpc_id", json!(s.vpc_id)),
            ("subnet_ids", json!(s.subnet_ids)),
            ("security_group_ids", json!(s.security_group_ids)),
            ("services", json!([service])),
            ("private_dns", json!(s.private_dns)),
            ("policy", policy),
            ("prevent_destroy", import::prevent(r)),
            ("tags", import::user_tags(r)),
        ]);
        doc.by_name.insert((section, key), entry);
    }
}
