//! SimulatePrincipalPolicy for the sandbox: the offline evaluator on stored documents,
//! answered in IAM's own vocabulary (`allowed`, `implicitDeny`, `explicitDeny`).

use crate::account::{OrgPolicies, PrincipalPolicies, SimulateRequest, SimulateResult};
use crate::iam;

pub(super) fn run(
    req: &SimulateRequest,
    policies: &PrincipalPolicies,
    org: &OrgPolicies,
) -> SimulateResult {
    let named = iam::documents::Documents {
        identity: &policies.identity,
        boundary: policies.permissions_boundary.as_ref(),
        scps: &org.scps,
        rcps: &org.rcps,
        management_account: org.management_account,
    }
    .compile();
    let principal = iam::Principal::parse(&req.principal_arn);
    let resource_account = req.resource_arn.split(':').nth(4).unwrap_or("").to_string();
    let mut context = iam::Context::default();
    for (key, values) in &req.context {
        let value = match values.as_slice() {
            [one] => iam::Value::One(one.clone()),
            many => iam::Value::Many(many.to_vec()),
        };
        context.insert(key, value);
    }
    context.derive(&principal, &req.resource_arn, &resource_account);
    let request = iam::Request {
        principal: &principal,
        action: &req.action,
        resource: &req.resource_arn,
        resource_account: &resource_account,
        context: &context,
    };
    let mut reasons = Vec::new();
    let outcome = iam::evaluate(&named.set, &request, &mut reasons);
    let decision = match outcome.decision {
        iam::Decision::Allow => "allowed",
        iam::Decision::ImplicitDeny => "implicitDeny",
        iam::Decision::ExplicitDeny => "explicitDeny",
    };
    let matched_statements = reasons
        .iter()
        .map(|r| {
            let name = match r.policy_type {
                iam::PolicyType::Identity => {
                    named.identity_names.get(r.policy_index as usize).cloned()
                }
                iam::PolicyType::PermissionsBoundary => policies
                    .permissions_boundary
                    .as_ref()
                    .map(|(n, _)| n.clone()),
                iam::PolicyType::Scp => named.scp_names.get(r.policy_index as usize).cloned(),
                iam::PolicyType::Rcp => named.rcp_names.get(r.policy_index as usize).cloned(),
                _ => None,
            }
            .unwrap_or_else(|| r.policy_type.as_str().to_string());
            format!("{name}#{}", named.set.label(r))
        })
        .collect();
    SimulateResult {
        decision: decision.to_string(),
        matched_statements,
    }
}
