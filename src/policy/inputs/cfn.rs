//! CloudFormation templates (JSON, or YAML read by `cfn_yaml`): the policies of
//! `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`, `AWS::IAM::RolePolicy` (and the user
//! and group ones), the inline `Policies` of `AWS::IAM::Role`/`User`/`Group`, and SCPs
//! and RCPs in `AWS::Organizations::Policy`
//! (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-organizations-policy.html).
//!
//! Intrinsic functions become strings so the policy parser reads them: `Ref` and
//! `Fn::Sub` use a parameter's `Default`, `AWS::Partition` is `aws`, `AWS::URLSuffix`
//! `amazonaws.com`, `AWS::Region` and `AWS::AccountId` `*` (any, as the template may be
//! deployed anywhere); what cannot be known stays `{Name}`, which the model rules skip.
//! (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html)

use super::{document_from_string, items, key_offset, str_at, Embedded};
use crate::iam::json::{Json, Member, Node};
use std::collections::BTreeMap;

/// A template: a `Resources` object with at least one `AWS::` type.
pub(super) fn is_template(root: &Node) -> bool {
    root.get("Resources")
        .and_then(Node::as_object)
        .is_some_and(|rs| {
            rs.iter()
                .any(|r| str_at(&r.value, "Type").is_some_and(|t| t.starts_with("AWS::")))
        })
}

pub(super) fn documents(root: &Node) -> Vec<Embedded> {
    let params: BTreeMap<String, String> = root
        .get("Parameters")
        .and_then(Node::as_object)
        .unwrap_or(&[])
        .iter()
        .filter_map(|p| {
            let d = p.value.get("Default")?;
            let v = match &d.value {
                Json::Str(s) | Json::Num(s) => s.clone(),
                _ => return None,
            };
            Some((p.key.clone(), v))
        })
        .collect();
    let boundaries = boundary_policies(root);
    let mut out = Vec::new();
    for r in root
        .get("Resources")
        .and_then(Node::as_object)
        .unwrap_or(&[])
    {
        let ty = str_at(&r.value, "Type").unwrap_or("");
        let Some(props) = r.value.get("Properties") else {
            continue;
        };
        let id = &r.key;
        let mut push = |label: String, kind, node: &Node, at: usize| {
            let document = match &node.value {
                // `Content` may be a JSON string: parse it, positions lost.
                Json::Str(s) => match document_from_string(s, at) {
                    Ok(d) => d,
                    Err(_) => node.clone(),
                },
                _ => resolve(node, &params),
            };
            out.push(Embedded {
                address: label,
                kind,
                document,
                anchor: at,
            });
        };
        match ty {
            "AWS::IAM::Policy"
            | "AWS::IAM::ManagedPolicy"
            | "AWS::IAM::RolePolicy"
            | "AWS::IAM::UserPolicy"
            | "AWS::IAM::GroupPolicy" => {
                if let Some(d) = props.get("PolicyDocument") {
                    let boundary = boundaries.contains(id);
                    push(
                        if boundary {
                            format!("{ty} `{id}` (permissions boundary)")
                        } else {
                            format!("{ty} `{id}`")
                        },
                        boundary.then_some("boundary"),
                        d,
                        key_offset(props, "PolicyDocument"),
                    );
                }
            }
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                for p in items(props.get("Policies")) {
                    if let Some(d) = p.get("PolicyDocument") {
                        let name = match p.get("PolicyName").map(|n| resolve(n, &params).value) {
                            Some(Json::Str(s)) => s,
                            _ => "?".to_string(),
                        };
                        push(
                            format!("{ty} `{id}` policy `{name}`"),
                            None,
                            d,
                            key_offset(p, "PolicyDocument"),
                        );
                    }
                }
            }
            "AWS::Organizations::Policy" => {
                let kind = match str_at(props, "Type").unwrap_or("") {
                    "SERVICE_CONTROL_POLICY" => Some("scp"),
                    "RESOURCE_CONTROL_POLICY" => Some("rcp"),
                    _ => None,
                };
                if let (Some(kind), Some(c)) = (kind, props.get("Content")) {
                    push(
                        format!("{ty} `{id}`"),
                        Some(kind),
                        c,
                        key_offset(props, "Content"),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

/// The node with every intrinsic function replaced by a string (positions kept).
fn resolve(node: &Node, params: &BTreeMap<String, String>) -> Node {
    resolve_in(node, params, Within::Other)
}

/// Which policy element a value is in, for placeholders that must still parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Within {
    Resource,
    Action,
    Other,
}

/// `within`: in a `Resource`/`NotResource` value, a value that is unknown from its
/// start (`!GetAtt Kb.Arn`) must still read as an ARN: it becomes
/// `arn:{?}:{Kb.Arn}:{?}:{?}:{Kb.Arn}`, which no rule takes for a Bedrock ARN; in an
/// `Action`, `unresolved:{Act}`.
fn resolve_in(node: &Node, params: &BTreeMap<String, String>, within: Within) -> Node {
    match &node.value {
        // `Fn::If` choosing a whole object or list (a statement, a document): the first
        // branch, resolved, in place.
        Json::Obj(members)
            if members.len() == 1
                && members[0].key == "Fn::If"
                && matches!(
                    items(Some(&members[0].value)).get(1).map(|b| &b.value),
                    Some(Json::Obj(_) | Json::Arr(_))
                ) =>
        {
            match items(Some(&members[0].value)).get(1) {
                Some(branch) => resolve_in(branch, params, within),
                None => node.clone(),
            }
        }
        Json::Obj(members) if members.len() == 1 && is_intrinsic(&members[0].key) => {
            let mut text = intrinsic(&members[0].key, &members[0].value, params);
            if text.starts_with('{') {
                match within {
                    Within::Resource => text = format!("arn:{{?}}:{text}:{{?}}:{{?}}:{text}"),
                    // An action nothing can know: a service of its own, which no rule checks.
                    Within::Action => text = format!("unresolved:{text}"),
                    Within::Other => {}
                }
            }
            Node {
                value: Json::Str(text),
                start: node.start,
                end: node.end,
            }
        }
        Json::Obj(members) => Node {
            value: Json::Obj(
                members
                    .iter()
                    .map(|m| Member {
                        key: m.key.clone(),
                        key_start: m.key_start,
                        value: resolve_in(
                            &m.value,
                            params,
                            match m.key.as_str() {
                                "Resource" | "NotResource" => Within::Resource,
                                "Action" | "NotAction" => Within::Action,
                                _ => Within::Other,
                            },
                        ),
                    })
                    .collect(),
            ),
            ..node.clone()
        },
        Json::Arr(items) => Node {
            value: Json::Arr(
                items
                    .iter()
                    .map(|i| resolve_in(i, params, within))
                    .collect(),
            ),
            ..node.clone()
        },
        _ => node.clone(),
    }
}

/// Logical ids of `AWS::IAM::ManagedPolicy` resources that some role or user names as
/// its `PermissionsBoundary` (`Ref` gives a managed policy's ARN) and that nothing
/// attaches: neither their own `Roles`/`Users`/`Groups` nor a `ManagedPolicyArns`.
fn boundary_policies(root: &Node) -> Vec<String> {
    let resources = root
        .get("Resources")
        .and_then(Node::as_object)
        .unwrap_or(&[]);
    let referenced = |node: Option<&Node>| -> Vec<String> {
        let mut ids = Vec::new();
        let mut nodes: Vec<&Node> = node.into_iter().collect();
        while let Some(n) = nodes.pop() {
            match &n.value {
                Json::Obj(ms) => {
                    for m in ms {
                        match (m.key.as_str(), &m.value.value) {
                            ("Ref", Json::Str(s)) => ids.push(s.clone()),
                            _ => nodes.push(&m.value),
                        }
                    }
                }
                Json::Arr(items) => nodes.extend(items.iter()),
                _ => {}
            }
        }
        ids
    };
    let mut bounds = Vec::new();
    let mut attached = Vec::new();
    for r in resources {
        let Some(props) = r.value.get("Properties") else {
            continue;
        };
        bounds.extend(referenced(props.get("PermissionsBoundary")));
        attached.extend(referenced(props.get("ManagedPolicyArns")));
        let attaches_itself = ["Roles", "Users", "Groups"]
            .iter()
            .any(|k| !items(props.get(k)).is_empty());
        if attaches_itself {
            attached.push(r.key.clone());
        }
    }
    bounds.retain(|b| !attached.contains(b));
    bounds
}

fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key == "Condition" || key.starts_with("Fn::")
}

fn pseudo(name: &str, params: &BTreeMap<String, String>) -> String {
    match name {
        "AWS::Partition" => "aws".into(),
        "AWS::URLSuffix" => "amazonaws.com".into(),
        "AWS::Region" | "AWS::AccountId" => "*".into(),
        _ => params
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("{{{name}}}")),
    }
}

fn text_of(node: &Node, params: &BTreeMap<String, String>) -> String {
    match resolve(node, params).value {
        Json::Str(s) | Json::Num(s) => s,
        Json::Bool(b) => b.to_string(),
        _ => "{?}".into(),
    }
}

fn intrinsic(name: &str, arg: &Node, params: &BTreeMap<String, String>) -> String {
    match name {
        "Ref" => arg.as_str().map_or("{Ref}".into(), |n| pseudo(n, params)),
        "Fn::Sub" => {
            let (template, vars) = match &arg.value {
                Json::Arr(parts) => (parts.first(), parts.get(1)),
                _ => (Some(arg), None),
            };
            let mut local = params.clone();
            for m in vars.and_then(Node::as_object).unwrap_or(&[]) {
                local.insert(m.key.clone(), text_of(&m.value, params));
            }
            substitute(template.and_then(Node::as_str).unwrap_or(""), &local)
        }
        "Fn::Join" => match &arg.value {
            Json::Arr(parts) => {
                let sep = parts.first().and_then(Node::as_str).unwrap_or("");
                items(parts.get(1))
                    .iter()
                    .map(|p| text_of(p, params))
                    .collect::<Vec<_>>()
                    .join(sep)
            }
            _ => "{Fn::Join}".into(),
        },
        "Fn::GetAtt" => match &arg.value {
            Json::Str(s) => format!("{{{s}}}"),
            Json::Arr(parts) => format!(
                "{{{}}}",
                parts
                    .iter()
                    .map(|p| text_of(p, params))
                    .collect::<Vec<_>>()
                    .join(".")
            ),
            _ => "{Fn::GetAtt}".into(),
        },
        // The first branch: a policy usually differs between branches only in names.
        "Fn::If" => items(Some(arg))
            .get(1)
            .map_or("{Fn::If}".into(), |n| text_of(n, params)),
        "Fn::Select" => match &arg.value {
            Json::Arr(parts) => {
                let i: usize = parts
                    .first()
                    .map(|n| text_of(n, params))
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                items(parts.get(1))
                    .get(i)
                    .map_or("{Fn::Select}".into(), |n| text_of(n, params))
            }
            _ => "{Fn::Select}".into(),
        },
        other => format!("{{{other}}}"),
    }
}

/// `${Name}` replaced (`${!Literal}` is the literal `${Literal}`).
fn substitute(template: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let name = &after[..j];
        match name.strip_prefix('!') {
            Some(lit) => {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
            }
            None => out.push_str(&pseudo(name, vars)),
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_uses_defaults_pseudo_parameters_and_literals() {
        let mut p = BTreeMap::new();
        p.insert("ModelId".to_string(), "amazon.nova-lite-v1:0".to_string());
        assert_eq!(
            substitute(
                "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/${ModelId}/${Other}/${!Keep}",
                &p
            ),
            "arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0/{Other}/${Keep}"
        );
    }
}
