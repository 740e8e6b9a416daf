//! IAM roles and customer managed policies (region `global`).
//!
//! IAM's limits and codes: names `[\w+=,.@-]+` (roles 1–64, policies 1–128),
//! descriptions ≤ 1000, MaxSessionDuration 3600–43200, trust policy ≤ 2048 and managed
//! policy ≤ 6144 characters (whitespace not counted), inline policies ≤ 10240 in total
//! per role, 10 managed policies per role (`LimitExceeded`), 50 tags. Errors:
//! `ValidationError`, `MalformedPolicyDocument`, `EntityAlreadyExists`, `NoSuchEntity`,
//! `LimitExceeded`, `DeleteConflict`.
//!
//! `delete` of a role is the whole sequence the AWS implementation runs (detach,
//! delete inline policies, delete role); deleting a policy that is still attached
//! (or used as a boundary) is refused with `DeleteConflict`, as IAM does.

use super::{arn_for, parse_spec, Ctx};
use crate::account::sandbox::store::{Entry, Meta, State};
use crate::account::sandbox::validate::{self, Violations};
use crate::account::spec::Spec;
use crate::account::spec::{IamPolicySpec, IamRoleSpec, Normalize};
use crate::account::{AccountError, Kind, Resource, GLOBAL};
use serde_json::json;
use std::collections::BTreeMap;

pub const MAX_ATTACHED: usize = 10;
pub const MAX_TRUST_POLICY: usize = 2048;
pub const MAX_MANAGED_POLICY: usize = 6144;
pub const MAX_INLINE_TOTAL: usize = 10_240;

/// The few AWS-managed policies the sandbox knows documents for; a seed may add more.
pub fn default_aws_managed_policies() -> BTreeMap<String, serde_json::Value> {
    let mut m = BTreeMap::new();
    m.insert(
        "arn:aws:iam::aws:policy/AdministratorAccess".to_string(),
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    );
    m.insert(
        "arn:aws:iam::aws:policy/AmazonBedrockFullAccess".to_string(),
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "BedrockAll", "Effect": "Allow", "Action": ["bedrock:*"], "Resource": "*"}]}),
    );
    m.insert(
        "arn:aws:iam::aws:policy/AmazonBedrockReadOnly".to_string(),
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "AmazonBedrockReadOnly", "Effect": "Allow", "Action": ["bedrock:Get*", "bedrock:List*"], "Resource": "*"}]}),
    );
    m
}

fn is_aws_managed(arn: &str) -> bool {
    arn.starts_with("arn:aws:iam::aws:policy/")
}

fn malformed(op: &str, message: String) -> AccountError {
    AccountError::new(op, "MalformedPolicyDocument", message)
}

fn policy_exists(state: &State, arn: &str) -> bool {
    is_aws_managed(arn)
        || state
            .of_kind(Kind::IamPolicy, GLOBAL)
            .any(|e| e.resource.id.as_deref() == Some(arn))
}

fn check_role(state: &State, op: &str, name: &str, r: &IamRoleSpec) -> Result<(), AccountError> {
    let mut v = Violations::new();
    v.length(name, "roleName", 1, 64);
    v.pattern(
        name,
        "roleName",
        validate::iam_name_ok(name),
        r"[\w+=,.@-]+",
    );
    if let Some(d) = &r.description {
        v.length(d, "description", 0, 1000);
    }
    if let Some(s) = r.max_session_duration {
        v.min_value(s, "maxSessionDuration", 3600);
        v.max_value(s, "maxSessionDuration", 43_200);
    }
    for pname in r.inline_policies.keys() {
        v.length(pname, "policyName", 1, 128);
        v.pattern(
            pname,
            "policyName",
            validate::iam_name_ok(pname),
            r"[\w+=,.@-]+",
        );
    }
    v.finish(op, "ValidationError")?;

    validate::policy_document(&r.assume_role_policy, true).map_err(|m| malformed(op, m))?;
    let trust = validate::policy_size(&r.assume_role_policy);
    if trust > MAX_TRUST_POLICY {
        return Err(AccountError::new(
            op,
            "LimitExceeded",
            format!("Cannot exceed quota for ACLSizePerRole: {MAX_TRUST_POLICY} (trust policy has {trust} characters)"),
        ));
    }
    let mut inline_total = 0;
    for (pname, doc) in &r.inline_policies {
        validate::policy_document(doc, false)
            .map_err(|m| malformed("PutRolePolicy", format!("{m} (inline policy {pname})")))?;
        inline_total += validate::policy_size(doc);
    }
    if inline_total > MAX_INLINE_TOTAL {
        return Err(AccountError::new(
            "PutRolePolicy",
            "LimitExceeded",
            format!("Maximum policy size of {MAX_INLINE_TOTAL} bytes exceeded for role {name} (inline policies total {inline_total})"),
        ));
    }
    if r.managed_policies.len() > MAX_ATTACHED {
        return Err(AccountError::new(
            "AttachRolePolicy",
            "LimitExceeded",
            format!("Cannot exceed quota for PoliciesPerRole: {MAX_ATTACHED}"),
        ));
    }
    for arn in r
        .managed_policies
        .iter()
        .chain(r.permissions_boundary.iter())
    {
        if !policy_exists(state, arn) {
            return Err(AccountError::new(
                "AttachRolePolicy",
                "NoSuchEntity",
                format!("Policy {arn} does not exist or is not attachable."),
            ));
        }
    }
    Ok(())
}

pub fn create_role(state: &mut State, ctx: &Ctx, d: &Resource) -> Result<String, AccountError> {
    let op = "CreateRole";
    let mut spec: IamRoleSpec = parse_spec(op, d)?;
    spec.normalize();
    check_role(state, op, &d.name, &spec)?;
    validate::iam_style_tags(op, &d.tags, "ValidationError")?;
    // Role names are unique case-insensitively.
    if state
        .of_kind(Kind::IamRole, GLOBAL)
        .any(|e| e.resource.name.eq_ignore_ascii_case(&d.name))
    {
        return Err(AccountError::new(
            op,
            "EntityAlreadyExists",
            format!("Role with name {} already exists.", d.name),
        ));
    }
    let id = arn_for(state, Kind::IamRole, GLOBAL, &d.name);
    state.resources.push(Entry {
        resource: Resource {
            region: GLOBAL.to_string(),
            id: Some(id.clone()),
            spec: Spec::from(spec),
            status: None,
            ..d.clone()
        },
        meta: Meta {
            created_ms: ctx.now,
            updated_ms: ctx.now,
            ..Meta::default()
        },
    });
    Ok(id)
}

pub fn update_role(
    state: &mut State,
    ctx: &Ctx,
    idx: usize,
    d: &Resource,
) -> Result<(), AccountError> {
    let op = "UpdateRole";
    let live_name = state.resources[idx].resource.name.clone();
    if d.name != live_name {
        return Err(AccountError::new(
            op,
            "ValidationError",
            format!(
                "Role {live_name} cannot be renamed to {}; IAM roles are replaced, not renamed.",
                d.name
            ),
        ));
    }
    let mut spec: IamRoleSpec = parse_spec(op, d)?;
    spec.normalize();
    check_role(state, op, &d.name, &spec)?;
    validate::iam_style_tags("TagRole", &d.tags, "ValidationError")?;
    let e = &mut state.resources[idx];
    e.resource.spec = Spec::from(spec);
    e.resource.tags = d.tags.clone();
    e.meta.updated_ms = ctx.now;
    Ok(())
}

fn check_policy(op: &str, name: &str, p: &IamPolicySpec) -> Result<(), AccountError> {
    let mut v = Violations::new();
    v.length(name, "policyName", 1, 128);
    v.pattern(
        name,
        "policyName",
        validate::iam_name_ok(name),
        r"[\w+=,.@-]+",
    );
    if let Some(d) = &p.description {
        v.length(d, "description", 0, 1000);
    }
    v.finish(op, "ValidationError")?;
    validate::policy_document(&p.document, false).map_err(|m| malformed(op, m))?;
    let size = validate::policy_size(&p.document);
    if size > MAX_MANAGED_POLICY {
        return Err(AccountError::new(
            op,
            "LimitExceeded",
            format!("Cannot exceed quota for PolicySize: {MAX_MANAGED_POLICY} (document has {size} characters)"),
        ));
    }
    Ok(())
}

pub fn create_policy(state: &mut State, ctx: &Ctx, d: &Resource) -> Result<String, AccountError> {
    let op = "CreatePolicy";
    let spec: IamPolicySpec = parse_spec(op, d)?;
    check_policy(op, &d.name, &spec)?;
    validate::iam_style_tags(op, &d.tags, "ValidationError")?;
    if state
        .find_by_name(Kind::IamPolicy, GLOBAL, &d.name)
        .is_some()
    {
        return Err(AccountError::new(
            op,
            "EntityAlreadyExists",
            format!(
                "A policy called {} already exists. Duplicate names are not allowed.",
                d.name
            ),
        ));
    }
    let id = arn_for(state, Kind::IamPolicy, GLOBAL, &d.name);
    state.resources.push(Entry {
        resource: Resource {
            region: GLOBAL.to_string(),
            id: Some(id.clone()),
            spec: Spec::from(spec),
            status: None,
            ..d.clone()
        },
        meta: Meta {
            created_ms: ctx.now,
            updated_ms: ctx.now,
            policy_version: Some(1),
            ..Meta::default()
        },
    });
    Ok(id)
}

/// CreatePolicyVersion (set as default) for the document; the description is fixed at
/// creation in IAM, so changing it is refused rather than silently ignored.
pub fn update_policy(
    state: &mut State,
    ctx: &Ctx,
    idx: usize,
    d: &Resource,
) -> Result<(), AccountError> {
    let op = "CreatePolicyVersion";
    let live = state.resources[idx].resource.clone();
    let spec: IamPolicySpec = parse_spec(op, d)?;
    check_policy(op, &d.name, &spec)?;
    validate::iam_style_tags("TagPolicy", &d.tags, "ValidationError")?;
    let live_spec: IamPolicySpec = parse_spec(op, &live)?;
    if d.name != live.name || spec.description != live_spec.description {
        return Err(AccountError::new(
            op,
            "ValidationError",
            format!("The name and description of policy {} cannot be changed; replace the policy instead.", live.name),
        ));
    }
    let e = &mut state.resources[idx];
    if spec.document != live_spec.document {
        e.meta.policy_version = Some(e.meta.policy_version.unwrap_or(1) + 1);
    }
    e.resource.spec = Spec::from(spec);
    e.resource.tags = d.tags.clone();
    e.meta.updated_ms = ctx.now;
    Ok(())
}

pub fn check_policy_delete(state: &State, idx: usize) -> Result<(), AccountError> {
    let arn = state.resources[idx].resource.id.clone().unwrap_or_default();
    let users: Vec<&str> = state
        .of_kind(Kind::IamRole, GLOBAL)
        .filter(|e| {
            e.resource.spec.as_kind::<IamRoleSpec>().is_some_and(|s| {
                s.permissions_boundary.as_deref() == Some(arn.as_str())
                    || s.managed_policies.contains(&arn)
            })
        })
        .map(|e| e.resource.name.as_str())
        .collect();
    if users.is_empty() {
        Ok(())
    } else {
        Err(AccountError::new(
            "DeletePolicy",
            "DeleteConflict",
            format!(
                "Cannot delete a policy attached to entities (policy {arn} is attached to or the permissions boundary of role(s) {}).",
                users.join(", ")
            ),
        ))
    }
}

/// The documents IAM holds for a role, for `principal_policies`.
pub fn principal_policies(
    state: &State,
    principal_arn: &str,
) -> Result<crate::account::PrincipalPolicies, AccountError> {
    let op = "GetRole";
    let role_name = role_name_of(principal_arn).ok_or_else(|| {
        AccountError::new(
            op,
            "ValidationError",
            format!("the sandbox knows only IAM roles: `{principal_arn}` is not a role or assumed-role ARN"),
        )
    })?;
    let e = state
        .find_by_name(Kind::IamRole, GLOBAL, role_name)
        .ok_or_else(|| super::not_found(op, Kind::IamRole, role_name))?;
    let spec: IamRoleSpec = parse_spec(op, &e.resource)?;
    let doc_of = |arn: &str| -> Option<serde_json::Value> {
        state
            .of_kind(Kind::IamPolicy, GLOBAL)
            .find(|p| p.resource.id.as_deref() == Some(arn))
            .and_then(|p| p.resource.spec.as_kind::<IamPolicySpec>())
            .map(|p| p.document.clone())
            .or_else(|| state.aws_managed_policies.get(arn).cloned())
    };
    let mut identity: Vec<(String, serde_json::Value)> = spec.inline_policies.into_iter().collect();
    // An AWS-managed policy the sandbox has no document for is left out: inventing
    // one would make explain name statements that do not exist.
    identity.extend(
        spec.managed_policies
            .iter()
            .filter_map(|arn| doc_of(arn).map(|d| (arn.clone(), d))),
    );
    let permissions_boundary = spec
        .permissions_boundary
        .as_deref()
        .and_then(|arn| doc_of(arn).map(|d| (arn.to_string(), d)));
    Ok(crate::account::PrincipalPolicies {
        principal_arn: e
            .resource
            .id
            .clone()
            .unwrap_or_else(|| principal_arn.to_string()),
        identity,
        permissions_boundary,
    })
}

/// `arn:aws:iam::ACCT:role/path/NAME` or `arn:aws:sts::ACCT:assumed-role/NAME/session`.
fn role_name_of(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts[..] {
        ["arn", _, "iam", "", _, res] => {
            res.strip_prefix("role/").and_then(|r| r.rsplit('/').next())
        }
        ["arn", _, "sts", "", _, res] => res
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split('/').next()),
        _ => None,
    }
}
