//! `vpc_endpoints:` entries: interface endpoints of the Bedrock services and the
//! endpoint policy they carry (a file, or generated from roles' grants).

use super::decode::{Decoder, TagService};
use super::model::*;
use super::yaml::Node;
use crate::span::Spanned;

pub(crate) fn decode_vpc_endpoint(dec: &mut Decoder, node: &Node) -> Option<VpcEndpoint> {
    let what = "a `vpc_endpoints` entry";
    let m = dec.map(
        node,
        what,
        &[
            "name",
            "region",
            "vpc_id",
            "subnet_ids",
            "security_group_ids",
            "services",
            "private_dns",
            "policy",
            "tags",
            "prevent_destroy",
        ],
    )?;
    dec.refuse_null_lists(&m, what, &["subnet_ids", "security_group_ids", "services"]);
    let name = dec.req_string(&m, "name", what);
    let region = dec.req_string(&m, "region", what);
    let vpc_id = dec.req_string(&m, "vpc_id", what);
    let subnet_ids = non_empty(dec, &m, "subnet_ids", what, "subnet");
    let security_group_ids = dec.opt_string_list(&m, "security_group_ids");
    let services = non_empty(dec, &m, "services", what, "service");
    let private_dns = match m.get("private_dns") {
        Some(n) => dec.bool(n, "private_dns").map(|b| Spanned::new(b, n.span)),
        None => Some(Spanned::new(true, node.span)),
    };
    let policy = m.get("policy").and_then(|n| decode_policy(dec, n));
    let tags = dec.opt_tags(&m, TagService::Bedrock);
    let prevent_destroy = dec.opt_bool(&m, "prevent_destroy");
    Some(VpcEndpoint {
        name: name?,
        region: region?,
        vpc_id: vpc_id?,
        subnet_ids: subnet_ids?,
        security_group_ids,
        services: services?,
        private_dns: private_dns?,
        policy,
        tags,
        prevent_destroy,
        span: node.span,
    })
}

/// A required list that must name at least one `item`; an empty one is reported at
/// its key's value.
fn non_empty(
    dec: &mut Decoder,
    m: &super::decode::MapView,
    key: &str,
    what: &str,
    item: &str,
) -> Option<Vec<S<String>>> {
    let node = dec.req(m, key, what)?;
    let list = dec.string_list(node, key)?;
    if list.is_empty() {
        dec.diags
            .error(node.span, format!("`{key}` must name at least one {item}"));
    }
    Some(list)
}

/// `policy: { file: PATH }` or `policy: { roles: [ROLE, …] }`, exactly one of them.
fn decode_policy(dec: &mut Decoder, node: &Node) -> Option<EndpointPolicy> {
    let what = "`policy`";
    let m = dec.map(node, what, &["file", "roles"])?;
    dec.refuse_null_lists(&m, what, &["roles"]);
    match (m.get("file"), m.get("roles")) {
        (Some(_), Some(_)) => {
            dec.diags
                .error(node.span, "`policy` takes `file` or `roles`, not both")
                .hints
                .push("`roles` generates the endpoint policy from those roles' grants".into());
            None
        }
        (Some(f), None) => {
            let path = dec.string(f, "file")?;
            dec.policy_file(path).map(EndpointPolicy::File)
        }
        (None, Some(r)) => {
            let roles = dec.string_list(r, "roles")?;
            Some(EndpointPolicy::Roles {
                roles,
                span: r.span,
            })
        }
        (None, None) => {
            dec.diags
                .error(node.span, "`policy` needs `file` or `roles`")
                .hints
                .push("leave `policy` out for the service's default (full access)".into());
            None
        }
    }
}
