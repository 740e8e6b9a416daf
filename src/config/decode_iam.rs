//! Decoding of `iam:`, `organization:` and `access_checks:`.

use super::decode::{decode_list, Decoder, PolicyUse};
use super::model::*;
use super::yaml::{Node, NodeKind};

use std::collections::BTreeMap;

pub(crate) fn decode_iam(dec: &mut Decoder, node: &Node) -> Option<Iam> {
    let m = dec.map(node, "`iam`", &["policies", "roles"])?;
    dec.refuse_null_sections(&m, "`iam`");
    let policies = m
        .get("policies")
        .map(|n| decode_list(dec, n, "policies", decode_policy))
        .or_else(|| m.has("policies").then(Vec::new));
    let roles = m
        .get("roles")
        .map(|n| decode_list(dec, n, "roles", decode_role))
        .or_else(|| m.has("roles").then(Vec::new));
    Some(Iam {
        policies,
        roles,
        span: node.span,
    })
}

fn decode_policy(dec: &mut Decoder, node: &Node) -> Option<ManagedPolicy> {
    let what = "an `iam.policies` entry";
    let m = dec.map(
        node,
        what,
        &["name", "file", "description", "prevent_destroy"],
    )?;
    let name = dec.req_string(&m, "name", what);
    let file = dec
        .req_string(&m, "file", what)
        .and_then(|p| dec.policy_file_for(p, PolicyUse::Identity));
    let description = dec.opt_string(&m, "description");
    let prevent_destroy = dec.opt_bool(&m, "prevent_destroy");
    Some(ManagedPolicy {
        name: name?,
        file: file?,
        description,
        prevent_destroy,
        span: node.span,
    })
}

fn decode_role(dec: &mut Decoder, node: &Node) -> Option<Role> {
    let what = "an `iam.roles` entry";
    let m = dec.map(
        node,
        what,
        &[
            "name",
            "assume_role_policy",
            "permissions_boundary",
            "policies",
            "description",
            "max_session_duration",
            "tags",
            "prevent_destroy",
        ],
    )?;
    dec.refuse_null_lists(&m, what, &["policies"]);
    let name = dec.req_string(&m, "name", what);
    let trust = dec
        .req_string(&m, "assume_role_policy", what)
        .and_then(|p| dec.policy_file_for(p, PolicyUse::Trust));
    let permissions_boundary = dec.opt_string(&m, "permissions_boundary");
    let policies = m
        .get("policies")
        .map(|n| decode_list(dec, n, "policies", decode_role_policy))
        .unwrap_or_default();
    let description = dec.opt_string(&m, "description");
    let max_session_duration = m
        .get("max_session_duration")
        .and_then(|n| dec.u32(n, "max_session_duration"));
    let tags = dec.opt_tags(&m, super::decode::TagService::Iam);
    let prevent_destroy = dec.opt_bool(&m, "prevent_destroy");
    Some(Role {
        name: name?,
        assume_role_policy: trust?,
        permissions_boundary,
        policies,
        description,
        max_session_duration,
        tags,
        prevent_destroy,
        span: node.span,
    })
}

fn decode_role_policy(dec: &mut Decoder, node: &Node) -> Option<RolePolicy> {
    let what = "a role `policies` entry";
    let m = dec.map(node, what, &["file", "grants", "managed"])?;
    dec.refuse_null_lists(&m, what, &["grants"]);
    let written: Vec<&str> = ["file", "grants", "managed"]
        .into_iter()
        .filter(|k| m.has(k))
        .collect();
    if written.len() != 1 {
        dec.diags.error(
            node.span,
            format!("{what} needs exactly one of `file`, `grants` or `managed`"),
        );
        return None;
    }
    if let Some(p) = m.get("file") {
        let path = dec.string(p, "file")?;
        return dec
            .policy_file_for(path, PolicyUse::Identity)
            .map(RolePolicy::File);
    }
    if let Some(g) = m.get("grants") {
        // Not a list: the type error is the whole story (no "needs an entry" on top).
        dec.list(g, "grants")?;
        let grants = decode_list(dec, g, "grants", decode_grant);
        return Some(RolePolicy::Grants {
            grants,
            span: g.span,
        });
    }
    let managed = m.get("managed").and_then(|n| dec.string(n, "managed"));
    if managed.is_none() {
        dec.diags.error(
            m.key_span("managed"),
            "`managed` needs a policy name or ARN",
        );
    }
    managed.map(RolePolicy::Managed)
}

fn decode_grant(dec: &mut Decoder, node: &Node) -> Option<Grant> {
    let what = "a `grants` entry";
    let m = dec.map(
        node,
        what,
        &[
            "invoke",
            "regions",
            "via",
            "streaming",
            "guardrail",
            "require_guardrail",
            "source_vpce",
            "batch_role",
            "provisioned",
            "profile",
            "agent",
            "knowledge_base",
            "generate_with",
            "batch",
        ],
    )?;
    dec.refuse_null_lists(
        &m,
        what,
        &[
            "invoke",
            "regions",
            "source_vpce",
            "agent",
            "knowledge_base",
        ],
    );
    let profile = dec.opt_string(&m, "profile");
    let agent = dec.opt_string_list(&m, "agent");
    let knowledge_base = dec.opt_string_list(&m, "knowledge_base");
    let generate_with = dec.opt_string(&m, "generate_with");
    // A grant of a stack profile names what it invokes and where by the profile; an
    // agent or knowledge-base grant may invoke no model directly.
    let invoke =
        if m.has("invoke") || (profile.is_none() && !m.has("agent") && !m.has("knowledge_base")) {
            dec.req(&m, "invoke", what)
                .and_then(|n| dec.string_list(n, "invoke"))
        } else {
            Some(Vec::new())
        };
    let regions = if profile.is_some() && !m.has("invoke") && !m.has("regions") {
        Some(Vec::new())
    } else {
        dec.req(&m, "regions", what)
            .and_then(|n| dec.string_list(n, "regions"))
    };
    let provisioned = dec.opt_string(&m, "provisioned");
    let via = m
        .get("via")
        .and_then(|n| dec.enumeration(n, "via", Via::ALL));
    let streaming = dec.opt_bool(&m, "streaming");
    let guardrail = dec.opt_string(&m, "guardrail");
    let require_guardrail = m.get("require_guardrail").and_then(|n| {
        dec.bool(n, "require_guardrail")
            .map(|b| crate::span::Spanned::new(b, n.span))
    });
    // `source_vpce: NAME` (design.md) names one endpoint; a list names several.
    let source_vpce = match m.get("source_vpce") {
        Some(n) if matches!(n.kind, super::yaml::NodeKind::Scalar { .. }) => {
            dec.string(n, "source_vpce").into_iter().collect()
        }
        _ => dec.opt_string_list(&m, "source_vpce"),
    };
    let mut batch_role = dec.opt_string(&m, "batch_role");
    // `batch: { role: NAME }` (design.md) is `via: batch` with that service role.
    let mut via = via;
    if let Some(n) = m.get("batch") {
        if let Some(b) = dec.map(n, "`batch`", &["role"]) {
            if let Some(role) = dec
                .req(&b, "role", "`batch`")
                .and_then(|r| dec.string(r, "role"))
            {
                if batch_role.is_some() || via.as_ref().is_some_and(|v| v.value != Via::Batch) {
                    dec.diags.error(
                        n.span,
                        "`batch` cannot be combined with `batch_role` or another `via`",
                    );
                }
                via = Some(crate::span::Spanned::new(Via::Batch, n.span));
                batch_role = Some(role);
            }
        }
    }
    Some(Grant {
        invoke: invoke?,
        regions: regions?,
        via,
        streaming,
        guardrail,
        require_guardrail,
        source_vpce,
        batch_role,
        provisioned,
        profile,
        agent,
        knowledge_base,
        generate_with,
        span: node.span,
    })
}

pub(crate) fn decode_batch_role(dec: &mut Decoder, node: &Node) -> Option<BatchRole> {
    let what = "a `batch_roles` entry";
    let m = dec.map(
        node,
        what,
        &["name", "input", "output", "kms_key", "models", "regions"],
    )?;
    dec.refuse_null_lists(&m, what, &["models", "regions"]);
    let name = dec.req_string(&m, "name", what);
    let input = dec.req_string(&m, "input", what);
    let output = dec.req_string(&m, "output", what);
    let kms_key = dec.opt_string(&m, "kms_key");
    let models = dec
        .req(&m, "models", what)
        .and_then(|n| dec.string_list(n, "models"));
    let regions = dec.opt_string_list(&m, "regions");
    Some(BatchRole {
        name: name?,
        input: input?,
        output: output?,
        kms_key,
        models: models?,
        regions,
        span: node.span,
    })
}

pub(crate) fn decode_organization(dec: &mut Decoder, node: &Node) -> Option<Organization> {
    let m = dec.map(node, "`organization`", &["management_account", "scps"])?;
    dec.refuse_null_lists(&m, "`organization`", &["scps"]);
    let management_account = dec.opt_bool(&m, "management_account");
    let mut scps = Vec::new();
    if let Some(levels) = m.get("scps").and_then(|n| dec.list(n, "scps")) {
        for level in levels {
            // A level is a list of files; a bare file name is a level of one.
            let files = match &level.kind {
                NodeKind::Seq(items) => {
                    items.iter().filter_map(|n| dec.string(n, "scps")).collect()
                }
                _ => dec.string(level, "scps").into_iter().collect::<Vec<_>>(),
            };
            scps.push(
                files
                    .into_iter()
                    .filter_map(|p| dec.policy_file(p))
                    .collect(),
            );
        }
    }
    Some(Organization {
        management_account,
        scps,
        span: node.span,
    })
}

pub(crate) fn decode_check(dec: &mut Decoder, node: &Node) -> Option<AccessCheck> {
    let what = "an `access_checks` entry";
    let m = dec.map(
        node,
        what,
        &[
            "principal",
            "action",
            "model",
            "region",
            "expect",
            "context",
            "batch",
            "through",
        ],
    )?;
    let through = dec.opt_string(&m, "through");
    let batch = m.get("batch").and_then(|n| {
        let b = dec.map(n, "`batch`", &["role", "input", "output"])?;
        let role = dec.req_string(&b, "role", "`batch`");
        let input = dec.req_string(&b, "input", "`batch`");
        let output = dec.req_string(&b, "output", "`batch`");
        Some(BatchCheck {
            role: role?,
            input: input?,
            output: output?,
            span: n.span,
        })
    });
    let principal = dec.req_string(&m, "principal", what);
    let action = dec.req_string(&m, "action", what);
    let model = dec.req_string(&m, "model", what);
    let region = dec.req_string(&m, "region", what);
    let expect = dec.req(&m, "expect", what).and_then(|n| {
        dec.enumeration(
            n,
            "expect",
            &[("allow", Expect::Allow), ("deny", Expect::Deny)],
        )
    });
    let mut context = BTreeMap::new();
    if let Some(c) = m.get("context") {
        if let NodeKind::Map(entries) = &c.kind {
            for (k, v) in entries {
                let value = match &v.kind {
                    NodeKind::Seq(items) => ContextValue::Many(
                        items
                            .iter()
                            .filter_map(|n| dec.string(n, &k.value))
                            .map(|s| s.value)
                            .collect(),
                    ),
                    _ => match dec.string(v, &k.value) {
                        Some(s) => ContextValue::One(s.value),
                        None => continue,
                    },
                };
                context.insert(k.value.to_string(), value);
            }
        } else {
            dec.diags.error(
                c.span,
                format!("`context` must be a mapping, found {}", c.type_name()),
            );
        }
    }
    Some(AccessCheck {
        principal: principal?,
        action: action?,
        model: model?,
        region: region?,
        expect: expect?,
        context,
        through,
        batch,
        span: node.span,
    })
}
