//! Organization policies (read-only): the SCPs and RCPs on the path from the
//! organization root through each OU to this account.
//!
//! Reading them needs the management account or a delegated administrator. When
//! the caller may not (AccessDenied) or the account is in no organization
//! (AWSOrganizationsNotInUseException), the answer is `None` with a warning on
//! stderr: the policies are unknown, not empty.

use super::error::sdk_err;
use super::AwsAccount;
use crate::account::{Account, AccountError, OrgPolicies};
use aws_sdk_organizations::types::{ParentType, PolicyType};

/// Codes that mean "cannot read the organization's policies", not failure.
fn unreadable(e: &AccountError) -> bool {
    e.is_access_denied()
        || matches!(
            e.code.as_str(),
            "AWSOrganizationsNotInUseException" | "AccessDeniedForDependencyException"
        )
}

fn warn(e: &AccountError) {
    eprintln!(
        "warning: organization policies (SCPs, RCPs) are unknown: {}: {}\nhint: run with credentials of the management account or a delegated administrator to include them",
        e.code, e.message
    );
}

pub(crate) async fn policies(acct: &AwsAccount) -> Result<Option<OrgPolicies>, AccountError> {
    match read(acct).await {
        Ok(p) => Ok(Some(p)),
        Err(e) if unreadable(&e) => {
            warn(&e);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

async fn read(acct: &AwsAccount) -> Result<OrgPolicies, AccountError> {
    let account = acct.account_id().await?;
    let org = acct
        .organizations()?
        .describe_organization()
        .send()
        .await
        .map_err(sdk_err("DescribeOrganization"))?;
    let management = org
        .organization()
        .and_then(|o| o.master_account_id())
        .is_some_and(|m| m == account);
    // Path from the account up to the root, then reversed: root first.
    let mut path = vec![account.clone()];
    let mut child = account.clone();
    for _ in 0..8 {
        let pages: Vec<_> = acct
            .organizations()?
            .list_parents()
            .child_id(&child)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(sdk_err("ListParents"))?;
        let Some(parent) = pages.iter().flat_map(|p| p.parents()).next().cloned() else {
            break;
        };
        let Some(id) = parent.id().map(str::to_string) else {
            break;
        };
        path.push(id.clone());
        if parent.r#type() == Some(&ParentType::Root) {
            break;
        }
        child = id;
    }
    path.reverse();
    let mut scps = Vec::new();
    let mut rcps = Vec::new();
    for target in &path {
        scps.push(documents(acct, target, PolicyType::ServiceControlPolicy).await?);
        rcps.push(documents(acct, target, PolicyType::ResourceControlPolicy).await?);
    }
    // An organization without RCPs enabled attaches none anywhere: no levels to check.
    if rcps.iter().all(Vec::is_empty) {
        rcps.clear();
    }
    Ok(OrgPolicies {
        management_account: management,
        scps,
        rcps,
    })
}

async fn documents(
    acct: &AwsAccount,
    target: &str,
    ty: PolicyType,
) -> Result<Vec<serde_json::Value>, AccountError> {
    let pages: Vec<_> = match acct
        .organizations()?
        .list_policies_for_target()
        .target_id(target)
        .filter(ty.clone())
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(sdk_err("ListPoliciesForTarget"))
    {
        Ok(p) => p,
        // The policy type is not enabled in this organization: nothing attached.
        Err(e)
            if ty == PolicyType::ResourceControlPolicy
                && e.code == "PolicyTypeNotEnabledException" =>
        {
            return Ok(Vec::new())
        }
        Err(e) => return Err(e),
    };
    let ids: Vec<String> = pages
        .iter()
        .flat_map(|p| p.policies())
        .filter_map(|s| s.id().map(str::to_string))
        .collect();
    let mut docs = Vec::new();
    for id in ids {
        let out = acct
            .organizations()?
            .describe_policy()
            .policy_id(&id)
            .send()
            .await
            .map_err(sdk_err("DescribePolicy"))?;
        if let Some(content) = out.policy().and_then(|p| p.content()) {
            docs.push(serde_json::from_str(content).map_err(|e| {
                AccountError::new(
                    "DescribePolicy",
                    "InvalidPolicyDocument",
                    format!("policy `{id}`: {e}"),
                )
            })?);
        }
    }
    Ok(docs)
}
