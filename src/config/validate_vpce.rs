//! Checks of `vpc_endpoints:` and of what names an endpoint (`source_vpce:`,
//! `access_checks[].through`): EC2 id shapes, the Bedrock endpoint services, policy
//! size, one private-DNS endpoint per (VPC, service), and references with did-you-mean.
//!
//! Limits: 50 interface endpoints per VPC and 20,480 characters per endpoint policy
//! (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html); the
//! services are the four Bedrock endpoint suffixes
//! (https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html).

use super::model::*;
use super::rules::Rules;
use crate::diag::{code_list, did_you_mean};
use crate::vocab::vpc_endpoint::{ec2_id_ok, MAX_PER_VPC, MAX_POLICY_CHARS, SERVICES};
use std::collections::{HashMap, HashSet};

pub(crate) fn vpc_endpoints(r: &mut Rules, cfg: &Config) {
    let roles: Vec<&str> = cfg
        .iam
        .iter()
        .flat_map(|i| i.roles.iter().flatten())
        .map(|r| r.name.value.as_str())
        .collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut dns: HashSet<(String, String)> = HashSet::new();
    let mut per_vpc: HashMap<&str, usize> = HashMap::new();
    for e in cfg.vpc_endpoints.iter().flatten() {
        if !seen.insert(e.name.value.as_str()) {
            r.d.error(
                e.name.span,
                format!("duplicate VPC endpoint `{}`", e.name.value),
            );
        }
        endpoint(r, e, &roles);
        let n = per_vpc.entry(e.vpc_id.value.as_str()).or_default();
        *n += e.services.len();
        if *n > MAX_PER_VPC {
            r.d.error(
                e.vpc_id.span,
                format!(
                    "too many interface endpoints in `{}`: {n}, at most {MAX_PER_VPC}",
                    e.vpc_id.value
                ),
            );
        }
        if e.private_dns.value {
            for s in &e.services {
                let key = (e.vpc_id.value.clone(), s.value.clone());
                if !dns.insert(key) {
                    r.d.error(
                        s.span,
                        format!(
                            "a second endpoint for `{}` with private DNS in `{}`",
                            s.value, e.vpc_id.value
                        ),
                    )
                    .hints
                    .push(
                        "EC2 allows one private-DNS endpoint per service and VPC: set `private_dns: false` on one of them"
                            .to_string(),
                    );
                }
            }
        }
    }
}

fn endpoint(r: &mut Rules, e: &VpcEndpoint, roles: &[&str]) {
    if r.len(&e.name, "VPC endpoint name", 1, 64) {
        r.alnum_separated(
            &e.name,
            "VPC endpoint name",
            "-_",
            "[a-zA-Z0-9][a-zA-Z0-9_-]*",
        );
    }
    r.region(&e.region);
    id(r, &e.vpc_id, "vpc", "`vpc_id`");
    for s in &e.subnet_ids {
        id(r, s, "subnet", "subnet id");
    }
    for g in &e.security_group_ids {
        id(r, g, "sg", "security group id");
    }
    let mut seen = Vec::new();
    for s in &e.services {
        if !r.one_of(s, "service", SERVICES) {
            continue;
        }
        if seen.contains(&s.value.as_str()) {
            r.d.error(s.span, format!("duplicate service `{}`", s.value));
        }
        seen.push(s.value.as_str());
    }
    match &e.policy {
        Some(EndpointPolicy::File(f)) => {
            let n = f.document.to_string().chars().count();
            if n > MAX_POLICY_CHARS {
                r.d.error(
                    f.path.span,
                    format!(
                        "endpoint policy is too long: {n} characters, at most {MAX_POLICY_CHARS}"
                    ),
                );
            }
        }
        Some(EndpointPolicy::Roles { roles: named, span }) => {
            if named.is_empty() {
                r.d.error(*span, "`roles` must name at least one role")
                    .hints
                    .push("an endpoint policy for no role would refuse every request".to_string());
            }
            for role in named {
                if !roles.contains(&role.value.as_str()) {
                    let d = r.d.error(
                        role.span,
                        format!("role `{}` is not a role of this config", role.value),
                    );
                    d.hints.push(
                        did_you_mean(&role.value, roles.iter().copied())
                            .unwrap_or_else(|| "name an entry of `iam.roles`".to_string()),
                    );
                }
            }
        }
        None => {}
    }
}

fn id(r: &mut Rules, v: &S<String>, prefix: &str, what: &str) {
    if !ec2_id_ok(&v.value, prefix) {
        r.d.error(
            v.span,
            format!(
                "{what} must look like `{prefix}-` and 8 or 17 hex digits, found `{}`",
                v.value
            ),
        );
    }
}

/// A `source_vpce` value: an endpoint id (`vpce-…`) or the name of an entry of
/// `vpc_endpoints`.
pub(crate) fn source_vpce(r: &mut Rules, cfg: &Config, v: &S<String>) {
    if let Some(hex) = v.value.strip_prefix("vpce-") {
        if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            r.d.error(
                v.span,
                format!(
                    "`source_vpce` must be a VPC endpoint id like `vpce-1a2b3c4d` or the name of a `vpc_endpoints` entry, found `{}`",
                    v.value
                ),
            );
        }
        return;
    }
    endpoint_ref(r, cfg, v, "source_vpce");
}

/// `through: NAME` and `source_vpce: NAME` name an entry of `vpc_endpoints`.
pub(crate) fn endpoint_ref(r: &mut Rules, cfg: &Config, v: &S<String>, key: &str) {
    if cfg.vpc_endpoint(&v.value).is_some() {
        return;
    }
    let names: Vec<&str> = cfg
        .vpc_endpoints
        .iter()
        .flatten()
        .map(|e| e.name.value.as_str())
        .collect();
    let d = r.d.error(
        v.span,
        format!("`{key}`: `{}` is not an entry of `vpc_endpoints`", v.value),
    );
    d.hints.push(
        did_you_mean(&v.value, names.iter().copied()).unwrap_or_else(|| {
            if names.is_empty() {
                "declare the endpoint under `vpc_endpoints:`".to_string()
            } else {
                format!("endpoints of this config: {}", code_list(&names))
            }
        }),
    );
}
