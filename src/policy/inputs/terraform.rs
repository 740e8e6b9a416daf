//! `terraform show -json` output (of a plan or of the state): the resources of the root
//! module and its child modules, with `values` as Terraform records them
//! (https://developer.hashicorp.com/terraform/internals/json-format). Policies are JSON
//! strings there, so findings point at the resource, named by its address.

use super::{document_from_string, items, key_offset, str_at, Embedded, InputError};
use crate::iam::json::{Json, Node};

/// A `terraform show -json` document: `format_version` and `planned_values` or `values`.
pub(super) fn is_show_json(root: &Node) -> bool {
    root.get("format_version").is_some()
        && (root.get("planned_values").is_some() || root.get("values").is_some())
}

pub(super) fn documents(root: &Node) -> Result<Vec<Embedded>, InputError> {
    let mut out = Vec::new();
    for top in ["planned_values", "values"] {
        if let Some(m) = root.get(top).and_then(|v| v.get("root_module")) {
            module(m, &mut out)?;
        }
    }
    Ok(out)
}

fn module(m: &Node, out: &mut Vec<Embedded>) -> Result<(), InputError> {
    for r in items(m.get("resources")) {
        resource(r, out)?;
    }
    for child in items(m.get("child_modules")) {
        module(child, out)?;
    }
    Ok(())
}

fn resource(r: &Node, out: &mut Vec<Embedded>) -> Result<(), InputError> {
    if str_at(r, "mode") == Some("data") {
        return Ok(());
    }
    let Some(values) = r.get("values") else {
        return Ok(());
    };
    let address = str_at(r, "address").unwrap_or("?");
    let anchor = key_offset(r, "address");
    let mut push = |label: String, kind, text: &Node| -> Result<(), InputError> {
        // A policy Terraform cannot know before apply is null in a plan: nothing to lint.
        let Json::Str(s) = &text.value else {
            return Ok(());
        };
        if s.trim().is_empty() {
            return Ok(());
        }
        out.push(Embedded {
            address: label,
            kind,
            document: document_from_string(s, anchor)?,
            anchor,
        });
        Ok(())
    };
    match str_at(r, "type").unwrap_or("") {
        "aws_iam_policy"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_iam_group_policy" => {
            if let Some(p) = values.get("policy") {
                push(format!("`{address}`"), None, p)?;
            }
        }
        "aws_iam_role" => {
            for ip in items(values.get("inline_policy")) {
                if let Some(p) = ip.get("policy") {
                    let name = str_at(ip, "name").unwrap_or("?");
                    push(format!("`{address}` inline policy `{name}`"), None, p)?;
                }
            }
        }
        "aws_organizations_policy" => {
            // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/organizations_policy
            let kind = match str_at(values, "type").unwrap_or("SERVICE_CONTROL_POLICY") {
                "SERVICE_CONTROL_POLICY" => Some("scp"),
                "RESOURCE_CONTROL_POLICY" => Some("rcp"),
                _ => return Ok(()),
            };
            if let Some(p) = values.get("content") {
                push(format!("`{address}`"), kind, p)?;
            }
        }
        _ => {}
    }
    Ok(())
}
