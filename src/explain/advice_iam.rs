//! Advice for IAM AccessDenied messages: which policy type refused, what to change, and
//! the `aws iam` / `aws organizations` commands that show the policy in question.

use super::advice::{list, region_flag, sh, Advice};
use super::arn::{self, Principal};
use super::classify::{Detail, Facts};
use super::PolicyType;
use crate::catalog::catalog;

pub(super) fn access_denied(f: &Facts, a: &mut Advice) {
    let denial = match &f.detail {
        Detail::Iam(d) => Some(d),
        _ => None,
    };
    let principal = f.principal.as_deref().map(arn::principal);
    let iam_arn = principal.as_ref().and_then(Principal::iam_arn);
    let action = f.action.as_deref().unwrap_or("<action>");
    // Never `*` for a resource the message did not give (it was cut off, or redacted):
    // advice must not invent a value, let alone widen a grant to every resource.
    let resource = f.resource.as_deref().unwrap_or("<the resource ARN>");
    let region = f.region.as_deref();

    a.summary = match (&f.principal, &f.action) {
        (Some(p), Some(act)) => format!(
            "`{p}` may not call `{act}` on `{resource}`{}",
            match (f.explicit_deny, f.policy_type) {
                (Some(true), Some(t)) => format!(": explicit deny in {}", t.with_article()),
                (Some(false), Some(t)) => format!(": no {} allows it", t.describe()),
                (Some(true), None) => ": explicit deny".to_string(),
                _ => String::new(),
            }
        ),
        _ => "access denied".to_string(),
    };

    if let (
        Some(Principal::Role {
            session: Some(s), ..
        }),
        Some(role),
    ) = (&principal, &iam_arn)
    {
        a.cause(format!(
            "the request came from session `{s}` of the role `{role}`; the role's policies apply"
        ));
        // IAM reports a session policy's refusal as an identity-based one: a session can
        // be denied what its role allows (policy evaluation logic, session policies).
        if f.policy_type == Some(PolicyType::Identity) && f.explicit_deny != Some(true) {
            a.cause(format!(
                "a session policy passed when session `{s}` was created (AssumeRole `Policy`/`PolicyArns`) can be the cause: it limits the session to what both it and the role allow, and IAM reports its refusal as identity-based"
            ));
        }
    }

    if let Some(r) = denial.and_then(|d| d.principal_redacted.as_deref()) {
        a.cause(format!(
            "the principal is redacted in the message (`{r}`), so it is not used: the commands below need the real ARN (`aws sts get-caller-identity` run as the caller prints it)"
        ));
    }

    let who = iam_arn
        .as_deref()
        .or(f.principal.as_deref())
        .map(|p| format!("`{p}`"))
        .unwrap_or_else(|| "the caller".to_string());

    match (f.policy_type, f.explicit_deny) {
        (Some(t), Some(true)) => explicit(
            t,
            &who,
            action,
            resource,
            denial.and_then(|d| d.policy_arn.as_deref()),
            a,
        ),
        (Some(t), _) => implicit(t, &who, action, resource, region, a),
        (None, Some(true)) => {
            a.cause(format!(
                "a Deny statement in some policy matches `{action}` on `{resource}`; the message does not say which policy type"
            ));
            a.fix("find the Deny with the policy simulator (identity policies and boundary) and in the organization's SCPs");
        }
        (None, _) if denial.is_some() => {
            a.cause(format!(
                "the message does not say why: either no policy allows `{action}` on `{resource}` for {who} (implicit deny), or a Deny in an identity policy, permissions boundary, session policy, SCP, RCP, resource policy or VPC endpoint policy matches (explicit deny)"
            ));
            a.fix(format!(
                "run the IAM policy simulator for {who}, and check CloudTrail for the denied call; when the error carries an encoded authorization message, decode it"
            ));
            a.fix(allow_statement(action, resource, f));
        }
        (None, _) if f.encoded.is_some() => {
            a.cause("the message hides the details in an encoded authorization message: decoding it names the principal, the action, the resource and the policy that matched");
            a.fix("decode the message (it needs `sts:DecodeAuthorizationMessage`), then fix the policy it names");
        }
        (None, _) if f.action.as_deref().is_some_and(is_agent_runtime) => {
            // The agent runtime's denial is this short by design: it is the full message.
            agent_runtime(action, a);
        }
        (None, _) => {
            a.cause("`AccessDenied` without IAM detail: the caller lacks a permission for this call, or the account lacks access to the model");
            a.fix("paste the full message (it usually names the principal, the action and the resource)");
            a.command("aws sts get-caller-identity");
        }
    }

    if action.starts_with("aws-marketplace:") {
        a.cause("on first use, Bedrock tried to subscribe the account to a Marketplace model, and the caller may not perform the Marketplace actions");
        a.fix("have an administrator enable the model once (agreement offers, then `create-foundation-model-agreement`), or grant `aws-marketplace:ViewSubscriptions` and `aws-marketplace:Subscribe`");
    }

    cross_account(f, principal.as_ref(), a);
    profile_destinations(f, action, a);

    // Commands: the simulator first (it confirms the decision), then the policy itself.
    if let (Some(src), Some(act)) = (&iam_arn, &f.action) {
        let mut cmd = format!(
            "aws iam simulate-principal-policy --policy-source-arn {} --action-names {} --resource-arns {}",
            sh(src),
            sh(act),
            sh(resource)
        );
        if let Some(r) = region {
            cmd.push_str(&format!(
                " --context-entries ContextKeyName=aws:RequestedRegion,ContextKeyValues={},ContextKeyType=string",
                sh(r)
            ));
        }
        a.command(cmd);
    }
    policy_commands(
        f,
        principal.as_ref(),
        denial.and_then(|d| d.policy_arn.as_deref()),
        a,
    );
    if let Some(enc) = f.encoded.as_deref() {
        a.command(format!(
            "aws sts decode-authorization-message --encoded-message {}",
            sh(enc)
        ));
    }
    if f.policy_type.is_none() && denial.is_some() {
        if let Some(event) = f
            .action
            .as_deref()
            .and_then(|x| x.split_once(':'))
            .map(|(_, n)| n)
        {
            a.command(format!(
                "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue={} --max-results 5{}",
                sh(event),
                region_flag(region)
            ));
        }
    }
}

fn explicit(
    t: PolicyType,
    who: &str,
    action: &str,
    resource: &str,
    policy_arn: Option<&str>,
    a: &mut Advice,
) {
    a.cause(format!(
        "a Deny statement in {} matches `{action}` on `{resource}`; a Deny wins over any Allow",
        t.with_article()
    ));
    if let Some(p) = policy_arn {
        a.cause(format!("the denying policy is `{p}`"));
        a.fix(format!(
            "open `{p}` and find the Deny that matches `{action}`"
        ));
    }
    match t {
        PolicyType::Scp | PolicyType::Rcp => {
            let kind = if t == PolicyType::Scp { "SCP" } else { "RCP" };
            a.cause(format!(
                "{kind}s often deny by region (`aws:RequestedRegion`): a cross-region inference profile fails when any of its destination regions is denied"
            ));
            if t == PolicyType::Scp {
                a.cause("the message can say \"explicit deny in a service control policy\" even when an SCP only lacks an Allow");
            }
            a.fix(format!(
                "an Organizations administrator must change the {kind} (from the management account): exempt this principal, action or region from the Deny"
            ));
        }
        PolicyType::PermissionsBoundary => {
            a.fix(format!(
                "remove or narrow the Deny in the permissions boundary of {who}"
            ));
        }
        PolicyType::Session => {
            a.fix("re-assume the role without the restrictive session policy (`--policy`, `--policy-arns`), or change that policy");
        }
        PolicyType::Identity => {
            a.fix(format!(
                "remove or narrow the Deny statement in the policies of {who}, or meet its condition"
            ));
            a.cause("`Deny` statements on `bedrock:InvokeModel*` often carry a `bedrock:GuardrailIdentifier` condition: the request must name the required guardrail");
        }
        PolicyType::Resource => {
            a.fix(format!("change the resource-based policy on `{resource}`"));
        }
        PolicyType::VpcEndpoint => {
            a.fix(
                "change the policy of the `bedrock-runtime` VPC endpoint the request went through",
            );
        }
    }
}

fn implicit(
    t: PolicyType,
    who: &str,
    action: &str,
    resource: &str,
    region: Option<&str>,
    a: &mut Advice,
) {
    let statement = format!(
        "{{\"Effect\": \"Allow\", \"Action\": \"{action}\", \"Resource\": \"{resource}\"}}"
    );
    match t {
        PolicyType::Identity => {
            a.cause(format!(
                "no identity-based policy of {who} allows `{action}` on `{resource}` (implicit deny)"
            ));
            a.fix(format!("add to {who} a statement `{statement}`"));
        }
        PolicyType::Resource => {
            a.cause(format!(
                "the resource-based policy of `{resource}` does not allow {who} (a cross-account request needs it)"
            ));
            a.fix(format!(
                "allow {who} for `{action}` in the resource-based policy of `{resource}`"
            ));
        }
        PolicyType::PermissionsBoundary => {
            a.cause(format!(
                "the permissions boundary of {who} does not allow `{action}`: even when an identity policy allows it, the boundary caps what the principal can do"
            ));
            a.fix(format!(
                "widen the permissions boundary of {who} with `{statement}`"
            ));
        }
        PolicyType::Session => {
            a.cause(format!(
                "the session policy passed when the role was assumed does not allow `{action}` on `{resource}`"
            ));
            a.fix("re-assume the role without a session policy, or add the action to the session policy (`--policy` / `--policy-arns`)");
        }
        PolicyType::Scp => {
            a.cause(format!(
                "no service control policy allows `{action}`: every level of the organization (root, each OU, the account) must allow it"
            ));
            a.fix("an Organizations administrator must add an Allow for the action at every level (the default `FullAWSAccess` SCP was probably replaced)");
        }
        PolicyType::Rcp => {
            a.cause(format!(
                "no resource control policy allows `{action}` on `{resource}`"
            ));
            a.fix(
                "an Organizations administrator must allow the action in the RCPs at every level",
            );
        }
        PolicyType::VpcEndpoint => {
            let ep = region
                .map(|r| format!("`com.amazonaws.{r}.bedrock-runtime`"))
                .unwrap_or_else(|| "`bedrock-runtime`".to_string());
            a.cause(format!(
                "the request went through the {ep} VPC endpoint, whose policy does not allow `{action}` on `{resource}`"
            ));
            a.fix(format!(
                "allow the action in the policy of the {ep} VPC endpoint"
            ));
        }
    }
}

fn allow_statement(action: &str, resource: &str, f: &Facts) -> String {
    let who = f
        .principal
        .as_deref()
        .and_then(|p| arn::principal(p).iam_arn())
        .map(|p| format!("`{p}`"))
        .unwrap_or_else(|| "the principal".to_string());
    format!(
        "if it is a missing Allow, add to {who} a statement `{{\"Effect\": \"Allow\", \"Action\": \"{action}\", \"Resource\": \"{resource}\"}}`"
    )
}

/// Resource account ≠ principal account: both sides must allow.
fn cross_account(f: &Facts, principal: Option<&Principal>, a: &mut Advice) {
    let resource_account = f
        .resource
        .as_deref()
        .and_then(arn::parse)
        .map(|r| r.account.to_string())
        .filter(|acct| !acct.is_empty() && !acct.contains('*'));
    let principal_account = principal.and_then(Principal::account);
    if let (Some(r), Some(p)) = (resource_account, principal_account) {
        if r != p {
            a.cause(format!(
                "cross-account request: the principal is in account `{p}` and the resource in account `{r}`, so both must allow it: an identity policy in `{p}` and the resource's policy (or a role to assume) in `{r}`"
            ));
            a.fix(format!(
                "allow the request on both sides: in `{p}` for the principal, and in `{r}` for the resource"
            ));
        }
    }
}

/// Invoking through a cross-region profile also needs the foundation-model ARNs of every
/// destination region; a denial naming either side is often this.
fn profile_destinations(f: &Facts, action: &str, a: &mut Advice) {
    if !action.starts_with("bedrock:InvokeModel") {
        return;
    }
    let Some(res) = f.resource.as_deref().and_then(arn::bedrock_resource) else {
        return;
    };
    let cat = catalog();
    match res.kind.as_str() {
        "inference-profile" => {
            if let Some((m, p)) = cat.profile(&res.id) {
                let dests = match res.region.as_deref() {
                    Some(r) => p.destinations_from(r),
                    None => p.destination_regions.iter().map(String::as_str).collect(),
                };
                a.fix(format!(
                    "the profile `{}` routes to {}: allow `{action}` on the profile ARN and on `arn:{}:bedrock:<region>::foundation-model/{}` in each of these regions (or `arn:{}:bedrock:*::foundation-model/{}`)",
                    p.profile_id,
                    list(&dests),
                    res.partition,
                    m.model_id,
                    res.partition,
                    m.model_id
                ));
            }
        }
        "foundation-model" => {
            let (Some(m), Some(region)) = (cat.model(&res.id), res.region.as_deref()) else {
                return;
            };
            let via: Vec<&str> = m
                .cross_region_profiles
                .iter()
                .filter(|p| p.destination_regions.iter().any(|d| d == region))
                .map(|p| p.profile_id.as_str())
                .collect();
            if !via.is_empty() {
                a.cause(format!(
                    "if the call went through a cross-region inference profile ({}), `{region}` may be one of its destination regions: the policy must allow the foundation-model ARN there too, not only in the region you call",
                    list(&via)
                ));
            }
        }
        _ => {}
    }
}

fn policy_commands(
    f: &Facts,
    principal: Option<&Principal>,
    policy_arn: Option<&str>,
    a: &mut Advice,
) {
    let region = f.region.as_deref();
    let (role, user) = match principal {
        Some(Principal::Role { name, .. }) => (Some(name.as_str()), None),
        Some(Principal::User { name, .. }) => (None, Some(name.as_str())),
        _ => (None, None),
    };
    let account = principal.and_then(Principal::account);
    match f.policy_type {
        Some(PolicyType::Identity) | None => {
            if let Some(r) = role {
                a.command(format!(
                    "aws iam list-attached-role-policies --role-name {}",
                    sh(r)
                ));
                a.command(format!("aws iam list-role-policies --role-name {}", sh(r)));
            }
            if let Some(u) = user {
                a.command(format!(
                    "aws iam list-attached-user-policies --user-name {}",
                    sh(u)
                ));
                a.command(format!("aws iam list-user-policies --user-name {}", sh(u)));
                a.command(format!(
                    "aws iam list-groups-for-user --user-name {}",
                    sh(u)
                ));
            }
        }
        Some(PolicyType::PermissionsBoundary) => {
            if let Some(r) = role {
                a.command(format!(
                    "aws iam get-role --role-name {} --query Role.PermissionsBoundary",
                    sh(r)
                ));
            }
            if let Some(u) = user {
                a.command(format!(
                    "aws iam get-user --user-name {} --query User.PermissionsBoundary",
                    sh(u)
                ));
            }
        }
        Some(t @ (PolicyType::Scp | PolicyType::Rcp)) => {
            let filter = if t == PolicyType::Scp {
                "SERVICE_CONTROL_POLICY"
            } else {
                "RESOURCE_CONTROL_POLICY"
            };
            match policy_arn.and_then(|p| p.rsplit('/').next()) {
                Some(id) if id.starts_with("p-") => {
                    a.command(format!(
                        "aws organizations describe-policy --policy-id {}",
                        sh(id)
                    ));
                }
                _ => {}
            }
            let target = account.unwrap_or("<account-id>");
            a.command(format!(
                "aws organizations list-policies-for-target --target-id {} --filter {filter}",
                sh(target)
            ));
            a.command(format!(
                "aws organizations list-parents --child-id {}",
                sh(target)
            ));
        }
        Some(PolicyType::Session) => {
            a.command("aws sts get-caller-identity");
        }
        Some(PolicyType::VpcEndpoint) => {
            let service = region
                .map(|r| format!("com.amazonaws.{r}.bedrock-runtime"))
                .unwrap_or_else(|| "com.amazonaws.<region>.bedrock-runtime".to_string());
            a.command(format!(
                "aws ec2 describe-vpc-endpoints --filters Name=service-name,Values={}{} --query \"VpcEndpoints[].[VpcEndpointId,PolicyDocument]\"",
                sh(&service),
                region_flag(region)
            ));
        }
        Some(PolicyType::Resource) => {}
    }
}

/// Actions of the Agents for Amazon Bedrock runtime, whose denials name no principal.
fn is_agent_runtime(action: &str) -> bool {
    matches!(
        action,
        "bedrock:InvokeAgent"
            | "bedrock:InvokeInlineAgent"
            | "bedrock:Retrieve"
            | "bedrock:RetrieveAndGenerate"
            | "bedrock:InvokeFlow"
            | "bedrock:Rerank"
    )
}

/// What an agent-runtime denial can come from: the caller's own permission, or what the
/// agent (or knowledge base, or flow) does on the caller's behalf with its service role.
/// https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html
fn agent_runtime(action: &str, a: &mut Advice) {
    a.cause(format!(
        "the agent runtime does not say which permission was missing: either the caller lacks `{action}` on the agent alias, knowledge base or flow, or the service role the agent (or knowledge base) runs as lacks a permission for a step it takes"
    ));
    a.cause("a session role's session policy can also take the permission away, and an SCP can deny it for the whole account");
    a.fix(format!(
        "check the caller: an identity policy allowing `{action}` on the exact resource (`agent-alias/AGENT_ID/ALIAS_ID` for InvokeAgent, `knowledge-base/KB_ID` for Retrieve and RetrieveAndGenerate, `flow/FLOW_ID/alias/ALIAS_ID` for InvokeFlow)"
    ));
    a.fix("check the agent's service role (`agentResourceRoleArn`): `bedrock:InvokeModel` on its model (and on each destination-region model ARN of a cross-region profile), `bedrock:Retrieve` on its knowledge bases, `bedrock:ApplyGuardrail` on its guardrail, and a trust policy for `bedrock.amazonaws.com` with `aws:SourceAccount`");
    a.fix("check resource policies on what the agent calls: each action group's Lambda function must allow `lambda:InvokeFunction` for `bedrock.amazonaws.com`, and a KMS key used by the agent must let its role decrypt");
    a.command("aws bedrock-agent get-agent --agent-id AGENT_ID --query agent.agentResourceRoleArn");
}
