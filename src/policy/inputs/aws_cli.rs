//! AWS CLI outputs that carry policy documents. The CLI prints `Document` and
//! `PolicyDocument` as JSON objects (it URL-decodes the API's string); a string is
//! URL-decoded and parsed here too.
//! Shapes: `get-policy-version` (https://docs.aws.amazon.com/cli/latest/reference/iam/get-policy-version.html),
//! `get-role-policy` (https://docs.aws.amazon.com/cli/latest/reference/iam/get-role-policy.html)
//! and its user/group twins, `get-account-authorization-details`
//! (https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html).

use super::{document_from_string, items, key_offset, str_at, Embedded, InputError};
use crate::iam::json::{Json, Node};

/// The documents of a CLI output, or `None` when `root` is not one.
pub(super) fn documents(root: &Node) -> Result<Option<Vec<Embedded>>, InputError> {
    if let Some(v) = root.get("PolicyVersion") {
        let doc = document(v, "Document")?;
        let version = str_at(v, "VersionId").unwrap_or("?");
        return Ok(Some(
            doc.map(|d| Embedded {
                address: format!("policy version `{version}`"),
                kind: None,
                document: d,
                anchor: key_offset(v, "Document"),
            })
            .into_iter()
            .collect(),
        ));
    }
    if root.get("PolicyDocument").is_some() {
        let owner = ["RoleName", "UserName", "GroupName"]
            .iter()
            .find_map(|k| str_at(root, k).map(|n| (k.trim_end_matches("Name").to_lowercase(), n)));
        let name = str_at(root, "PolicyName").unwrap_or("?");
        let address = match owner {
            Some((what, who)) => format!("{what} `{who}` policy `{name}`"),
            None => format!("policy `{name}`"),
        };
        return Ok(Some(
            document(root, "PolicyDocument")?
                .map(|d| Embedded {
                    address,
                    kind: None,
                    document: d,
                    anchor: key_offset(root, "PolicyDocument"),
                })
                .into_iter()
                .collect(),
        ));
    }
    let lists = [
        "RoleDetailList",
        "UserDetailList",
        "GroupDetailList",
        "Policies",
    ];
    if !lists.iter().any(|k| root.get(k).is_some()) {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (list, name_key, inline_key, what) in [
        ("UserDetailList", "UserName", "UserPolicyList", "user"),
        ("GroupDetailList", "GroupName", "GroupPolicyList", "group"),
        ("RoleDetailList", "RoleName", "RolePolicyList", "role"),
    ] {
        for principal in items(root.get(list)) {
            let who = str_at(principal, name_key).unwrap_or("?");
            for p in items(principal.get(inline_key)) {
                if let Some(d) = document(p, "PolicyDocument")? {
                    out.push(Embedded {
                        address: format!(
                            "{what} `{who}` inline policy `{}`",
                            str_at(p, "PolicyName").unwrap_or("?")
                        ),
                        kind: None,
                        document: d,
                        anchor: key_offset(p, "PolicyDocument"),
                    });
                }
            }
        }
    }
    // A managed policy that is some principal's permissions boundary and attached to
    // none is a boundary: linted as one (a ceiling, not a grant).
    let mut boundaries = Vec::new();
    let mut attached = Vec::new();
    for list in ["UserDetailList", "RoleDetailList"] {
        for principal in items(root.get(list)) {
            if let Some(arn) = principal
                .get("PermissionsBoundary")
                .and_then(|b| str_at(b, "PermissionsBoundaryArn"))
            {
                boundaries.push(arn);
            }
        }
    }
    for list in ["UserDetailList", "GroupDetailList", "RoleDetailList"] {
        for principal in items(root.get(list)) {
            for a in items(principal.get("AttachedManagedPolicies")) {
                if let Some(arn) = str_at(a, "PolicyArn") {
                    attached.push(arn);
                }
            }
        }
    }
    // Managed policies: the default version is the one in force.
    for p in items(root.get("Policies")) {
        let name = str_at(p, "PolicyName").unwrap_or("?");
        let arn = str_at(p, "Arn").unwrap_or("");
        let boundary = boundaries.contains(&arn) && !attached.contains(&arn);
        for v in items(p.get("PolicyVersionList")) {
            if !matches!(
                v.get("IsDefaultVersion").map(|b| &b.value),
                Some(Json::Bool(true))
            ) {
                continue;
            }
            if let Some(d) = document(v, "Document")? {
                out.push(Embedded {
                    address: if boundary {
                        format!("managed policy `{name}` (permissions boundary)")
                    } else {
                        format!("managed policy `{name}`")
                    },
                    kind: boundary.then_some("boundary"),
                    document: d,
                    anchor: key_offset(v, "Document"),
                });
            }
        }
    }
    Ok(Some(out))
}

/// The document under `key`: an object as is, a string URL-decoded and parsed.
fn document(parent: &Node, key: &str) -> Result<Option<Node>, InputError> {
    let Some(node) = parent.get(key) else {
        return Ok(None);
    };
    match &node.value {
        Json::Obj(_) => Ok(Some(node.clone())),
        Json::Str(s) => {
            let decoded = url_decode(s);
            document_from_string(&decoded, node.start).map(Some)
        }
        _ => Err(InputError {
            offset: node.start,
            message: format!("`{key}` is {}, not a policy document", node.kind()),
        }),
    }
}

/// `%XX` escapes decoded (the IAM API returns documents URL-encoded, RFC 3986; `+` stays `+`); text
/// that is already plain JSON comes back unchanged.
fn url_decode(s: &str) -> String {
    if s.trim_start().starts_with('{') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b.get(i),
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (Some(b'%'), Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (Some(c), _, _) => {
                out.push(*c);
                i += 1;
            }
            (None, _, _) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
