//! The files people have policies in, for `bedrockctl lint`: a bare policy document,
//! AWS CLI outputs (`get-policy-version`, `get-role-policy`/`get-user-policy`/
//! `get-group-policy`, `get-account-authorization-details`), CloudFormation templates
//! (JSON or YAML, short-form tags included) and `terraform show -json` output.
//!
//! [`extract`] detects the format from the content and returns each policy document
//! it carries with an address (CFN logical id, Terraform address, CLI role and policy
//! name), the policy kind when the format says it (an SCP), and positions: nodes keep
//! their file offsets where the document is written in the file, so findings point at
//! the line; documents held in a string (Terraform) point at the resource.
//! No I/O here.

mod aws_cli;
mod cfn;
mod cfn_yaml;
mod render;
mod terraform;

use crate::iam::json::{self, Json, Node};

pub use render::{render, OffsetMap};

/// What a file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A bare IAM policy document.
    Policy,
    AwsCli,
    CloudFormation,
    Terraform,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Policy => "policy document",
            Format::AwsCli => "AWS CLI output",
            Format::CloudFormation => "CloudFormation template",
            Format::Terraform => "terraform show -json output",
        }
    }
}

/// One policy document found in a file.
#[derive(Debug, Clone)]
pub struct Embedded {
    /// Where it is, in the format's terms, e.g. ``AWS::IAM::Policy `BedrockPolicy` ``.
    pub address: String,
    /// The policy kind the format states (`scp`, `rcp`, `boundary`), if any.
    pub kind: Option<&'static str>,
    /// The document; nodes with `start == 0` have no position of their own.
    pub document: Node,
    /// File offset findings without a position of their own point at.
    pub anchor: usize,
}

/// A file's policies: the file itself is a policy, or it holds these documents.
#[derive(Debug)]
pub enum Extracted {
    Policy,
    Documents(Format, Vec<Embedded>),
}

/// A problem that keeps a file from being read, at a file offset.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub offset: usize,
    pub message: String,
}

/// Read `text` (named `name`, whose extension hints YAML).
pub fn extract(name: &str, text: &str) -> Result<Extracted, InputError> {
    match json::parse(text) {
        Ok(root) => from_json(root),
        Err(e) => {
            let yamlish = name.ends_with(".yaml")
                || name.ends_with(".yml")
                || name.ends_with(".template")
                || text.contains("AWSTemplateFormatVersion")
                || text.trim_start().starts_with("Resources:");
            if !yamlish {
                return Err(InputError {
                    offset: e.offset,
                    message: e.message,
                });
            }
            let root = cfn_yaml::parse(text)?;
            if !cfn::is_template(&root) {
                return Err(InputError {
                    offset: 0,
                    message: "a YAML file that is not a CloudFormation template (no `Resources:` of `AWS::` types)".into(),
                });
            }
            Ok(Extracted::Documents(
                Format::CloudFormation,
                cfn::documents(&root),
            ))
        }
    }
}

fn from_json(root: Node) -> Result<Extracted, InputError> {
    if root.get("Statement").is_some() || !matches!(root.value, Json::Obj(_)) {
        return Ok(Extracted::Policy);
    }
    if cfn::is_template(&root) {
        return Ok(Extracted::Documents(
            Format::CloudFormation,
            cfn::documents(&root),
        ));
    }
    if terraform::is_show_json(&root) {
        return Ok(Extracted::Documents(
            Format::Terraform,
            terraform::documents(&root)?,
        ));
    }
    if let Some(docs) = aws_cli::documents(&root)? {
        return Ok(Extracted::Documents(Format::AwsCli, docs));
    }
    // Anything else is linted as a policy, whose parser names the unexpected keys.
    Ok(Extracted::Policy)
}

/// A policy document held in a string (Terraform `policy`, CFN `Content` as text):
/// parsed, its nodes without positions (the string's escapes shift every offset).
pub(crate) fn document_from_string(text: &str, at: usize) -> Result<Node, InputError> {
    let node = json::parse(text).map_err(|e| InputError {
        offset: at,
        message: format!("the policy string is not JSON: {e}"),
    })?;
    Ok(strip_positions(node))
}

fn strip_positions(node: Node) -> Node {
    let value = match node.value {
        Json::Arr(items) => Json::Arr(items.into_iter().map(strip_positions).collect()),
        Json::Obj(members) => Json::Obj(
            members
                .into_iter()
                .map(|m| json::Member {
                    key: m.key,
                    key_start: 0,
                    value: strip_positions(m.value),
                })
                .collect(),
        ),
        v => v,
    };
    Node::synthetic(value)
}

/// The string value of `key` in an object node.
pub(crate) fn str_at<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Node::as_str)
}

/// The offset of `key` in an object node, else the node's own.
pub(crate) fn key_offset(node: &Node, key: &str) -> usize {
    node.as_object()
        .and_then(|ms| ms.iter().find(|m| m.key == key))
        .map(|m| m.key_start)
        .unwrap_or(node.start)
}

/// The items of an array node (none for anything else).
pub(crate) fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Json::Arr(items)) => items,
        _ => &[],
    }
}

#[cfg(test)]
mod tests;
