//! Deep mode for "… because no VPC endpoint policy allows …" and "explicit deny in a
//! VPC endpoint policy": read the region's interface endpoints of the service the action
//! goes through, evaluate the request against each endpoint's policy (with its own
//! `aws:SourceVpce`), and name the endpoint and the statement that denies, or the
//! statement that is missing.
//!
//! An endpoint policy only has to allow too, it never grants
//! (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html), so it
//! is evaluated next to an identity policy that allows everything: the decision is the
//! endpoint policy's alone.

use super::deep::Findings;
use super::Diagnosis;
use crate::account::retry::{with_retry, RetryPolicy};
use crate::account::spec::VpcEndpointSpec;
use crate::account::{Account, Kind, Resource};
use crate::iam;
use crate::policy::endpoint::service_for_action;
use serde_json::json;

/// What one endpoint's policy decides for the request.
enum Verdict {
    Allows,
    /// The Sid (or index) of the Deny statement.
    Denies(String),
    Lacks,
}

fn verdict(d: &Diagnosis, r: &Resource, spec: &VpcEndpointSpec) -> Option<Verdict> {
    let (principal, action) = (d.principal.as_deref()?, d.action.as_deref()?);
    let resource = d.resource.as_deref().unwrap_or("*");
    let doc = spec
        .policy
        .clone()
        .unwrap_or_else(crate::policy::endpoint::default_policy);
    let endpoint = iam::compile_value(&doc).ok()?;
    let everything = iam::compile_value(&json!({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    .ok()?;
    let set = iam::PolicySet {
        identity: vec![everything],
        vpc_endpoint: Some(endpoint),
        ..iam::PolicySet::default()
    };
    let who = iam::Principal::parse(principal);
    let account = super::arn::parse(resource)
        .map(|a| a.account.to_string())
        .unwrap_or_default();
    let mut context = iam::Context::default();
    if let Some(region) = d.region.as_deref() {
        context.insert("aws:RequestedRegion", region.into());
    }
    if let Some(id) = r.id.as_deref() {
        context.insert("aws:SourceVpce", id.into());
    }
    context.insert("aws:SourceVpc", spec.vpc_id.as_str().into());
    context.derive(&who, resource, &account);
    let request = iam::Request {
        principal: &who,
        action,
        resource,
        resource_account: &account,
        context: &context,
    };
    let mut reasons = Vec::new();
    let out = iam::evaluate(&set, &request, &mut reasons);
    Some(match out.decision {
        iam::Decision::Allow => Verdict::Allows,
        iam::Decision::ExplicitDeny => Verdict::Denies(
            reasons
                .iter()
                .find(|x| x.policy_type == iam::PolicyType::VpcEndpoint)
                .map(|x| set.label(x).to_string())
                .unwrap_or_default(),
        ),
        iam::Decision::ImplicitDeny => Verdict::Lacks,
    })
}

/// How an endpoint is named in a finding: its id, its name (bedrockctl's `NAME/SERVICE`
/// or the `Name` tag) and VPC.
fn label(r: &Resource, spec: &VpcEndpointSpec) -> String {
    let id = r.id.as_deref().unwrap_or_default();
    if r.name == id || r.name.is_empty() {
        format!("`{id}` (VPC `{}`)", spec.vpc_id)
    } else {
        format!("`{id}` (`{}`, VPC `{}`)", r.name, spec.vpc_id)
    }
}

pub async fn endpoints(d: &Diagnosis, account: &dyn Account, f: &mut Findings) {
    let (Some(action), Some(region), Some(principal)) = (
        d.action.as_deref(),
        d.region.as_deref(),
        d.principal.as_deref(),
    ) else {
        return;
    };
    let Some(service) = service_for_action(action) else {
        return;
    };
    let service_name = crate::vocab::vpc_endpoint::service_name(region, service);
    let listed = match with_retry(&RetryPolicy::default(), || {
        account.list(Kind::VpcEndpoint, region)
    })
    .await
    {
        Ok(l) => l,
        Err(e) => {
            f.causes.push(format!(
                "account: could not read the VPC endpoints of `{region}`: {}: {}",
                e.code, e.message
            ));
            return;
        }
    };
    let endpoints: Vec<(Resource, VpcEndpointSpec)> = listed
        .into_iter()
        .filter_map(|r| {
            let spec = r.spec.as_kind::<VpcEndpointSpec>()?.clone();
            (spec.service_name == service_name).then_some((r, spec))
        })
        .collect();
    if endpoints.is_empty() {
        f.causes.push(format!(
            "account: no `{service_name}` interface endpoint in `{region}` is visible to these credentials: the request went through an endpoint of another account or region"
        ));
        return;
    }
    let resource = d.resource.as_deref().unwrap_or("*");
    let role = iam::Principal::parse(principal);
    let role_arn = super::arn::principal(principal)
        .iam_arn()
        .unwrap_or_else(|| principal.to_string());
    let mut allowing = Vec::new();
    for (r, spec) in &endpoints {
        let Some(v) = verdict(d, r, spec) else {
            continue;
        };
        let name = label(r, spec);
        let owned = r
            .stack()
            .and_then(|_| r.name.split_once('/'))
            .map(|(entry, _)| entry.to_string());
        match v {
            Verdict::Allows => allowing.push(name),
            Verdict::Denies(sid) => {
                f.causes.push(format!(
                    "account: statement `{sid}` of the policy of VPC endpoint {name} denies `{action}` on `{resource}`"
                ));
                f.fixes.push(format!(
                    "remove or narrow statement `{sid}` of the policy of VPC endpoint {name}"
                ));
            }
            Verdict::Lacks => {
                let missing = json!({"Effect": "Allow", "Principal": "*", "Action": action,
                    "Resource": resource,
                    "Condition": {"ArnEquals": {"aws:PrincipalArn": role_arn}}});
                f.causes.push(format!(
                    "account: the policy of VPC endpoint {name} has no statement allowing `{action}` on `{resource}` for `{}`",
                    if role.name.is_empty() { principal } else { role_arn.as_str() }
                ));
                f.fixes.push(format!(
                    "add to the policy of VPC endpoint {name} the statement {missing}"
                ));
                if let Some(entry) = owned {
                    f.fixes.push(format!(
                        "the endpoint is bedrockctl's `vpc_endpoints` entry `{entry}`: list the role under its `policy: {{ roles: [...] }}` with a grant for `{action}`"
                    ));
                }
            }
        }
    }
    if !allowing.is_empty() {
        f.causes.push(format!(
            "account: the policy of VPC endpoint(s) {} allows it: the request went through another endpoint, or the policy changed since the error",
            allowing.join(", ")
        ));
    }
}
