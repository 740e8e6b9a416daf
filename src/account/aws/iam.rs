//! IAM roles and customer managed policies ([`IamRoleSpec`], [`IamPolicySpec`]),
//! a principal's policy documents, and SimulatePrincipalPolicy.
//!
//! IAM returns policy documents URL-encoded (RFC 3986); they are decoded and
//! parsed here, so specs hold JSON values. A policy document changes through a
//! new default version; when the policy already has the maximum of five versions
//! the oldest non-default one is deleted first. A policy that is still attached
//! anywhere is never deleted (the call is refused with a `ConflictException`).

use super::error::{build_err, found, gone_is_ok, live_id, sdk_err};
use super::{bounded, tags as tagdiff, typed_spec, AwsAccount};
use crate::account::spec::Spec;
use crate::account::spec::{IamPolicySpec, IamRoleSpec, Normalize};
use crate::account::{
    AccountError, Kind, PrincipalPolicies, Resource, SimulateRequest, SimulateResult, GLOBAL,
};
use aws_sdk_iam::types::{ContextEntry, ContextKeyTypeEnum, PolicyScopeType, Tag};
use std::collections::BTreeMap;

/// IAM keeps at most this many versions of a managed policy.
pub(crate) const MAX_POLICY_VERSIONS: usize = 5;

/// Decode an IAM policy document (URL-encoded JSON) into a JSON value.
pub(crate) fn decode_document(op: &str, raw: &str) -> Result<serde_json::Value, AccountError> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .unwrap_or_else(|_| raw.to_string());
    serde_json::from_str(&decoded)
        .or_else(|_| serde_json::from_str(raw))
        .map_err(|e| {
            AccountError::new(
                op,
                "InvalidPolicyDocument",
                format!("IAM returned a policy that is not JSON: {e}"),
            )
        })
}

fn doc_string(doc: &serde_json::Value) -> String {
    doc.to_string()
}

fn iam_tags(op: &'static str, tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, AccountError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(build_err(op))
        })
        .collect()
}

fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// The name in a role/policy/user ARN (last path element), or the id itself.
fn name_of(id: &str) -> &str {
    if id.starts_with("arn:") {
        id.rsplit('/').next().unwrap_or(id)
    } else {
        id
    }
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

// ---- roles ---------------------------------------------------------------------

pub(crate) async fn list_roles(acct: &AwsAccount) -> Result<Vec<Resource>, AccountError> {
    let roles: Vec<_> = acct
        .iam()?
        .list_roles()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListRoles"))?;
    let names: Vec<String> = roles
        .iter()
        // Service-linked roles belong to AWS services; bedrockctl never manages them.
        .filter(|r| !r.path().starts_with("/aws-service-role/"))
        .map(|r| r.role_name().to_string())
        .collect();
    let roles = bounded(names, |n| async move { get_role(acct, &n).await }).await?;
    Ok(roles.into_iter().flatten().collect())
}

pub(crate) async fn get_role(
    acct: &AwsAccount,
    id: &str,
) -> Result<Option<Resource>, AccountError> {
    let name = name_of(id);
    let Some(out) = found(
        acct.iam()?
            .get_role()
            .role_name(name)
            .send()
            .await
            .map_err(sdk_err("GetRole")),
    )?
    else {
        return Ok(None);
    };
    let Some(role) = out.role() else {
        return Ok(None);
    };
    let assume = match role.assume_role_policy_document() {
        Some(d) => decode_document("GetRole", d)?,
        None => serde_json::Value::Null,
    };
    // A role deleted between GetRole and its policy listings (another process, or an
    // apply running beside this plan) is gone, not an error of the whole listing.
    let Some((inline, managed)) = found(role_policies(acct, name).await)? else {
        return Ok(None);
    };
    let mut spec = IamRoleSpec {
        assume_role_policy: assume,
        permissions_boundary: role
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
        inline_policies: inline,
        managed_policies: managed,
        description: role
            .description()
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        max_session_duration: role
            .max_session_duration()
            .and_then(|d| u32::try_from(d).ok()),
    };
    spec.normalize();
    Ok(Some(Resource {
        kind: Kind::IamRole,
        region: GLOBAL.to_string(),
        name: role.role_name().to_string(),
        id: Some(role.arn().to_string()),
        spec: Spec::from(spec),
        tags: tag_map(role.tags()),
        status: None,
    }))
}

/// Inline documents by name, and attached managed policy ARNs.
async fn role_policies(
    acct: &AwsAccount,
    role: &str,
) -> Result<(BTreeMap<String, serde_json::Value>, Vec<String>), AccountError> {
    let names: Vec<String> = acct
        .iam()?
        .list_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListRolePolicies"))?;
    let mut inline = BTreeMap::new();
    for n in names {
        let out = acct
            .iam()?
            .get_role_policy()
            .role_name(role)
            .policy_name(&n)
            .send()
            .await
            .map_err(sdk_err("GetRolePolicy"))?;
        inline.insert(n, decode_document("GetRolePolicy", out.policy_document())?);
    }
    let attached: Vec<_> = acct
        .iam()?
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListAttachedRolePolicies"))?;
    let managed = attached
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect();
    Ok((inline, managed))
}

pub(crate) async fn create_role(
    acct: &AwsAccount,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    const OP: &str = "CreateRole";
    let mut spec: IamRoleSpec = typed_spec(OP, desired)?;
    spec.normalize();
    let max_session = spec.max_session_duration.map(|d| d as i32);
    acct.iam()?
        .create_role()
        .role_name(&desired.name)
        .assume_role_policy_document(doc_string(&spec.assume_role_policy))
        .set_description(spec.description.clone())
        .set_max_session_duration(max_session)
        .set_permissions_boundary(spec.permissions_boundary.clone())
        .set_tags(non_empty(iam_tags(OP, &desired.tags)?))
        .send()
        .await
        .map_err(sdk_err(OP))?;
    for (name, doc) in &spec.inline_policies {
        put_inline(acct, &desired.name, name, doc).await?;
    }
    for arn in &spec.managed_policies {
        attach(acct, &desired.name, arn).await?;
    }
    get_role(acct, &desired.name)
        .await?
        .ok_or_else(|| AccountError::not_found(OP, format!("role `{}` vanished", desired.name)))
}

async fn put_inline(
    acct: &AwsAccount,
    role: &str,
    name: &str,
    doc: &serde_json::Value,
) -> Result<(), AccountError> {
    acct.iam()?
        .put_role_policy()
        .role_name(role)
        .policy_name(name)
        .policy_document(doc_string(doc))
        .send()
        .await
        .map_err(sdk_err("PutRolePolicy"))?;
    Ok(())
}

async fn attach(acct: &AwsAccount, role: &str, arn: &str) -> Result<(), AccountError> {
    acct.iam()?
        .attach_role_policy()
        .role_name(role)
        .policy_arn(arn)
        .send()
        .await
        .map_err(sdk_err("AttachRolePolicy"))?;
    Ok(())
}

async fn detach(acct: &AwsAccount, role: &str, arn: &str) -> Result<(), AccountError> {
    gone_is_ok(
        acct.iam()?
            .detach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await
            .map_err(sdk_err("DetachRolePolicy")),
    )
}

async fn delete_inline(acct: &AwsAccount, role: &str, name: &str) -> Result<(), AccountError> {
    gone_is_ok(
        acct.iam()?
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(sdk_err("DeleteRolePolicy")),
    )
}

pub(crate) async fn update_role(
    acct: &AwsAccount,
    live: &Resource,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    const OP: &str = "UpdateRole";
    if live.name != desired.name {
        return Err(AccountError::validation(
            OP,
            format!(
                "`{}`: IAM roles cannot be renamed; replace it",
                live.address()
            ),
        ));
    }
    let role = live.name.as_str();
    let mut have: IamRoleSpec = typed_spec(OP, live)?;
    let mut want: IamRoleSpec = typed_spec(OP, desired)?;
    have.normalize();
    want.normalize();

    if have.assume_role_policy != want.assume_role_policy {
        acct.iam()?
            .update_assume_role_policy()
            .role_name(role)
            .policy_document(doc_string(&want.assume_role_policy))
            .send()
            .await
            .map_err(sdk_err("UpdateAssumeRolePolicy"))?;
    }
    if have.description != want.description
        || have.max_session_duration != want.max_session_duration
    {
        acct.iam()?
            .update_role()
            .role_name(role)
            .description(want.description.clone().unwrap_or_default())
            .set_max_session_duration(want.max_session_duration.map(|d| d as i32))
            .send()
            .await
            .map_err(sdk_err(OP))?;
    }
    if have.permissions_boundary != want.permissions_boundary {
        match &want.permissions_boundary {
            Some(arn) => {
                acct.iam()?
                    .put_role_permissions_boundary()
                    .role_name(role)
                    .permissions_boundary(arn)
                    .send()
                    .await
                    .map_err(sdk_err("PutRolePermissionsBoundary"))?;
            }
            None => {
                acct.iam()?
                    .delete_role_permissions_boundary()
                    .role_name(role)
                    .send()
                    .await
                    .map_err(sdk_err("DeleteRolePermissionsBoundary"))?;
            }
        }
    }
    for (name, doc) in &want.inline_policies {
        if have.inline_policies.get(name) != Some(doc) {
            put_inline(acct, role, name, doc).await?;
        }
    }
    for name in have.inline_policies.keys() {
        if !want.inline_policies.contains_key(name) {
            delete_inline(acct, role, name).await?;
        }
    }
    for arn in &want.managed_policies {
        if !have.managed_policies.contains(arn) {
            attach(acct, role, arn).await?;
        }
    }
    for arn in &have.managed_policies {
        if !want.managed_policies.contains(arn) {
            detach(acct, role, arn).await?;
        }
    }
    let (set, remove) = tagdiff::diff(&live.tags, &desired.tags);
    if !remove.is_empty() {
        acct.iam()?
            .untag_role()
            .role_name(role)
            .set_tag_keys(Some(remove))
            .send()
            .await
            .map_err(sdk_err("UntagRole"))?;
    }
    if !set.is_empty() {
        acct.iam()?
            .tag_role()
            .role_name(role)
            .set_tags(Some(iam_tags("TagRole", &set)?))
            .send()
            .await
            .map_err(sdk_err("TagRole"))?;
    }
    get_role(acct, role)
        .await?
        .ok_or_else(|| AccountError::not_found(OP, format!("role `{role}` vanished")))
}

/// Detach, delete inline policies, leave instance profiles, then DeleteRole.
pub(crate) async fn delete_role(acct: &AwsAccount, live: &Resource) -> Result<(), AccountError> {
    let role = live.name.as_str();
    let Some(current) = get_role(acct, role).await? else {
        return Ok(());
    };
    let spec: IamRoleSpec = typed_spec("DeleteRole", &current)?;
    for arn in &spec.managed_policies {
        detach(acct, role, arn).await?;
    }
    for name in spec.inline_policies.keys() {
        delete_inline(acct, role, name).await?;
    }
    let profiles: Vec<_> = acct
        .iam()?
        .list_instance_profiles_for_role()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListInstanceProfilesForRole"))?;
    for p in profiles {
        acct.iam()?
            .remove_role_from_instance_profile()
            .role_name(role)
            .instance_profile_name(p.instance_profile_name())
            .send()
            .await
            .map_err(sdk_err("RemoveRoleFromInstanceProfile"))?;
    }
    gone_is_ok(
        acct.iam()?
            .delete_role()
            .role_name(role)
            .send()
            .await
            .map_err(sdk_err("DeleteRole")),
    )
}

// ---- customer managed policies -----------------------------------------------------

pub(crate) async fn list_policies(acct: &AwsAccount) -> Result<Vec<Resource>, AccountError> {
    let policies: Vec<_> = acct
        .iam()?
        .list_policies()
        .scope(PolicyScopeType::Local)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListPolicies"))?;
    let arns: Vec<String> = policies
        .iter()
        .filter_map(|p| p.arn().map(str::to_string))
        .collect();
    let out = bounded(arns, |a| async move { get_policy(acct, &a).await }).await?;
    Ok(out.into_iter().flatten().collect())
}

/// `id` is the policy ARN.
pub(crate) async fn get_policy(
    acct: &AwsAccount,
    id: &str,
) -> Result<Option<Resource>, AccountError> {
    let Some(out) = found(
        acct.iam()?
            .get_policy()
            .policy_arn(id)
            .send()
            .await
            .map_err(sdk_err("GetPolicy")),
    )?
    else {
        return Ok(None);
    };
    let Some(p) = out.policy() else {
        return Ok(None);
    };
    let arn = p.arn().unwrap_or(id).to_string();
    // Deleted between GetPolicy and GetPolicyVersion: gone, like a missing policy.
    let document = match p.default_version_id() {
        Some(v) => match found(policy_document(acct, &arn, v).await)? {
            Some(d) => d,
            None => return Ok(None),
        },
        None => serde_json::Value::Null,
    };
    let spec = IamPolicySpec {
        document,
        description: p
            .description()
            .filter(|d| !d.is_empty())
            .map(str::to_string),
    };
    Ok(Some(Resource {
        kind: Kind::IamPolicy,
        region: GLOBAL.to_string(),
        name: p.policy_name().unwrap_or_else(|| name_of(id)).to_string(),
        id: Some(arn),
        spec: Spec::from(spec),
        tags: tag_map(p.tags()),
        status: None,
    }))
}

async fn policy_document(
    acct: &AwsAccount,
    arn: &str,
    version: &str,
) -> Result<serde_json::Value, AccountError> {
    let out = acct
        .iam()?
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(sdk_err("GetPolicyVersion"))?;
    match out.policy_version().and_then(|v| v.document()) {
        Some(d) => decode_document("GetPolicyVersion", d),
        None => Ok(serde_json::Value::Null),
    }
}

pub(crate) async fn create_policy(
    acct: &AwsAccount,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    const OP: &str = "CreatePolicy";
    let spec: IamPolicySpec = typed_spec(OP, desired)?;
    let out = acct
        .iam()?
        .create_policy()
        .policy_name(&desired.name)
        .policy_document(doc_string(&spec.document))
        .set_description(spec.description.clone())
        .set_tags(non_empty(iam_tags(OP, &desired.tags)?))
        .send()
        .await
        .map_err(sdk_err(OP))?;
    let arn = out
        .policy()
        .and_then(|p| p.arn())
        .ok_or_else(|| AccountError::new(OP, "InvalidResponse", "CreatePolicy returned no ARN"))?
        .to_string();
    get_policy(acct, &arn)
        .await?
        .ok_or_else(|| AccountError::not_found(OP, format!("policy `{arn}` vanished")))
}

pub(crate) async fn update_policy(
    acct: &AwsAccount,
    live: &Resource,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    const OP: &str = "CreatePolicyVersion";
    let arn = live_id(OP, live)?.to_string();
    let have: IamPolicySpec = typed_spec(OP, live)?;
    let want: IamPolicySpec = typed_spec(OP, desired)?;
    if have.description != want.description || live.name != desired.name {
        return Err(AccountError::validation(
            OP,
            format!(
                "`{}`: an IAM policy's name and description cannot change; replace it",
                live.address()
            ),
        ));
    }
    if have.document != want.document {
        prune_versions(acct, &arn).await?;
        acct.iam()?
            .create_policy_version()
            .policy_arn(&arn)
            .policy_document(doc_string(&want.document))
            .set_as_default(true)
            .send()
            .await
            .map_err(sdk_err(OP))?;
    }
    let (set, remove) = tagdiff::diff(&live.tags, &desired.tags);
    if !remove.is_empty() {
        acct.iam()?
            .untag_policy()
            .policy_arn(&arn)
            .set_tag_keys(Some(remove))
            .send()
            .await
            .map_err(sdk_err("UntagPolicy"))?;
    }
    if !set.is_empty() {
        acct.iam()?
            .tag_policy()
            .policy_arn(&arn)
            .set_tags(Some(iam_tags("TagPolicy", &set)?))
            .send()
            .await
            .map_err(sdk_err("TagPolicy"))?;
    }
    get_policy(acct, &arn)
        .await?
        .ok_or_else(|| AccountError::not_found(OP, format!("policy `{arn}` vanished")))
}

/// Non-default versions, oldest first.
async fn old_versions(acct: &AwsAccount, arn: &str) -> Result<(usize, Vec<String>), AccountError> {
    let versions: Vec<_> = acct
        .iam()?
        .list_policy_versions()
        .policy_arn(arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListPolicyVersions"))?;
    let total = versions.len();
    let mut old: Vec<_> = versions
        .into_iter()
        .filter(|v| !v.is_default_version())
        .collect();
    old.sort_by(|a, b| {
        a.create_date()
            .map(|d| (d.secs(), d.subsec_nanos()))
            .cmp(&b.create_date().map(|d| (d.secs(), d.subsec_nanos())))
    });
    Ok((
        total,
        old.into_iter()
            .filter_map(|v| v.version_id().map(str::to_string))
            .collect(),
    ))
}

/// Make room for one more version: delete the oldest non-default ones past the limit.
async fn prune_versions(acct: &AwsAccount, arn: &str) -> Result<(), AccountError> {
    let (total, old) = old_versions(acct, arn).await?;
    let excess = (total + 1).saturating_sub(MAX_POLICY_VERSIONS);
    for v in old.into_iter().take(excess) {
        delete_version(acct, arn, &v).await?;
    }
    Ok(())
}

async fn delete_version(acct: &AwsAccount, arn: &str, version: &str) -> Result<(), AccountError> {
    acct.iam()?
        .delete_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(sdk_err("DeletePolicyVersion"))?;
    Ok(())
}

/// Refused while the policy is attached to anything (as a policy or a boundary).
pub(crate) async fn delete_policy(acct: &AwsAccount, live: &Resource) -> Result<(), AccountError> {
    const OP: &str = "DeletePolicy";
    let arn = live_id(OP, live)?.to_string();
    let out = match acct
        .iam()?
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await
        .map_err(sdk_err("GetPolicy"))
    {
        Ok(out) => out,
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e),
    };
    let attached = out.policy().and_then(|p| p.attachment_count()).unwrap_or(0);
    let boundary = out
        .policy()
        .and_then(|p| p.permissions_boundary_usage_count())
        .unwrap_or(0);
    if attached > 0 || boundary > 0 {
        return Err(AccountError::conflict(
            OP,
            format!(
                "`{}` is still attached to {attached} entit{} and is the permissions boundary of {boundary}; detach it first",
                live.name,
                if attached == 1 { "y" } else { "ies" }
            ),
        ));
    }
    let (_, old) = old_versions(acct, &arn).await?;
    for v in old {
        delete_version(acct, &arn, &v).await?;
    }
    acct.iam()?
        .delete_policy()
        .policy_arn(&arn)
        .send()
        .await
        .map_err(sdk_err(OP))?;
    Ok(())
}

// ---- principals and the simulator ----------------------------------------------------

/// `arn:aws:sts::1:assumed-role/R/session` → `arn:aws:iam::1:role/R`; others unchanged.
pub(crate) fn principal_for_iam(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() == 6 && parts[2] == "sts" {
        if let Some(rest) = parts[5].strip_prefix("assumed-role/") {
            let role = rest.split('/').next().unwrap_or(rest);
            return format!("arn:{}:iam::{}:role/{role}", parts[1], parts[4]);
        }
    }
    arn.to_string()
}

pub(crate) async fn principal_policies(
    acct: &AwsAccount,
    principal_arn: &str,
) -> Result<PrincipalPolicies, AccountError> {
    let arn = principal_for_iam(principal_arn);
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    let mut out = PrincipalPolicies {
        principal_arn: arn.clone(),
        ..PrincipalPolicies::default()
    };
    if resource.starts_with("role/") {
        let Some(role) = get_role(acct, &arn).await? else {
            return Err(AccountError::not_found(
                "GetRole",
                format!("no role `{arn}`"),
            ));
        };
        let spec: IamRoleSpec = typed_spec("GetRole", &role)?;
        for (name, doc) in spec.inline_policies {
            out.identity.push((name, doc));
        }
        for p in spec.managed_policies {
            let doc = managed_document(acct, &p).await?;
            out.identity.push((p, doc));
        }
        if let Some(b) = spec.permissions_boundary {
            let doc = managed_document(acct, &b).await?;
            out.permissions_boundary = Some((b, doc));
        }
        Ok(out)
    } else if resource.starts_with("user/") {
        user_policies(acct, name_of(&arn), out).await
    } else {
        Err(AccountError::validation(
            "GetPrincipalPolicies",
            format!("`{principal_arn}` is not a role, assumed-role session or user ARN"),
        ))
    }
}

async fn managed_document(acct: &AwsAccount, arn: &str) -> Result<serde_json::Value, AccountError> {
    let out = acct
        .iam()?
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(sdk_err("GetPolicy"))?;
    match out.policy().and_then(|p| p.default_version_id()) {
        Some(v) => policy_document(acct, arn, v).await,
        None => Ok(serde_json::Value::Null),
    }
}

async fn user_policies(
    acct: &AwsAccount,
    user: &str,
    mut out: PrincipalPolicies,
) -> Result<PrincipalPolicies, AccountError> {
    let names: Vec<String> = acct
        .iam()?
        .list_user_policies()
        .user_name(user)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListUserPolicies"))?;
    for n in names {
        let p = acct
            .iam()?
            .get_user_policy()
            .user_name(user)
            .policy_name(&n)
            .send()
            .await
            .map_err(sdk_err("GetUserPolicy"))?;
        out.identity
            .push((n, decode_document("GetUserPolicy", p.policy_document())?));
    }
    let attached: Vec<_> = acct
        .iam()?
        .list_attached_user_policies()
        .user_name(user)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListAttachedUserPolicies"))?;
    for p in attached {
        if let Some(arn) = p.policy_arn() {
            let doc = managed_document(acct, arn).await?;
            out.identity.push((arn.to_string(), doc));
        }
    }
    let groups: Vec<_> = acct
        .iam()?
        .list_groups_for_user()
        .user_name(user)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListGroupsForUser"))?;
    for g in groups {
        let group = g.group_name();
        let names: Vec<String> = acct
            .iam()?
            .list_group_policies()
            .group_name(group)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(sdk_err("ListGroupPolicies"))?;
        for n in names {
            let p = acct
                .iam()?
                .get_group_policy()
                .group_name(group)
                .policy_name(&n)
                .send()
                .await
                .map_err(sdk_err("GetGroupPolicy"))?;
            out.identity.push((
                format!("{group}/{n}"),
                decode_document("GetGroupPolicy", p.policy_document())?,
            ));
        }
        let attached: Vec<_> = acct
            .iam()?
            .list_attached_group_policies()
            .group_name(group)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(sdk_err("ListAttachedGroupPolicies"))?;
        for p in attached {
            if let Some(arn) = p.policy_arn() {
                let doc = managed_document(acct, arn).await?;
                out.identity.push((arn.to_string(), doc));
            }
        }
    }
    let u = acct
        .iam()?
        .get_user()
        .user_name(user)
        .send()
        .await
        .map_err(sdk_err("GetUser"))?;
    if let Some(b) = u
        .user()
        .and_then(|u| u.permissions_boundary())
        .and_then(|b| b.permissions_boundary_arn())
    {
        let doc = managed_document(acct, b).await?;
        out.permissions_boundary = Some((b.to_string(), doc));
    }
    Ok(out)
}

pub(crate) async fn simulate(
    acct: &AwsAccount,
    req: &SimulateRequest,
) -> Result<SimulateResult, AccountError> {
    const OP: &str = "SimulatePrincipalPolicy";
    let entries = req
        .context
        .iter()
        .map(|(k, values)| {
            let ty = if values.len() == 1 {
                ContextKeyTypeEnum::String
            } else {
                ContextKeyTypeEnum::StringList
            };
            ContextEntry::builder()
                .context_key_name(k)
                .set_context_key_values(Some(values.clone()))
                .context_key_type(ty)
                .build()
        })
        .collect::<Vec<_>>();
    let out = acct
        .iam()?
        .simulate_principal_policy()
        .policy_source_arn(principal_for_iam(&req.principal_arn))
        .action_names(&req.action)
        .resource_arns(&req.resource_arn)
        .set_context_entries(non_empty(entries))
        .send()
        .await
        .map_err(sdk_err(OP))?;
    let Some(r) = out.evaluation_results().first() else {
        return Err(AccountError::new(
            OP,
            "InvalidResponse",
            "IAM returned no evaluation result",
        ));
    };
    let matched = r
        .matched_statements()
        .iter()
        .map(|s| {
            let id = s.source_policy_id().unwrap_or("?");
            match s.start_position() {
                Some(p) => format!("{id}:{}:{}", p.line(), p.column()),
                None => id.to_string(),
            }
        })
        .collect();
    Ok(SimulateResult {
        decision: r.eval_decision().as_str().to_string(),
        matched_statements: matched,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_url_decoded() {
        let raw = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            decode_document("X", raw).unwrap(),
            serde_json::json!({"Version": "2012-10-17", "Statement": []})
        );
        // Already plain JSON (some endpoints and emulators do not encode).
        assert_eq!(
            decode_document("X", "{\"a\":1}").unwrap(),
            serde_json::json!({"a": 1})
        );
        assert!(decode_document("X", "nope").is_err());
    }

    #[test]
    fn assumed_role_sessions_map_to_roles() {
        assert_eq!(
            principal_for_iam("arn:aws:sts::111122223333:assumed-role/app/i-123"),
            "arn:aws:iam::111122223333:role/app"
        );
        assert_eq!(
            principal_for_iam("arn:aws:iam::1:user/u"),
            "arn:aws:iam::1:user/u"
        );
    }

    #[test]
    fn names_come_from_arns() {
        assert_eq!(name_of("arn:aws:iam::1:role/path/app"), "app");
        assert_eq!(name_of("app"), "app");
    }
}
