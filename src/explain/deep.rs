//! Deep mode: check a diagnosis against the account. It reads the principal's identity
//! policies and permissions boundary, the organization's SCPs and RCPs and the model's
//! status in the region, decides the exact request offline, and reports the statement
//! that denies it (or the missing Allow), and where the account and the message disagree.
//!
//! The account is reached only through the `&dyn Account` given; the decision procedure
//! is the [`Evaluator`] given, so the full IAM evaluator plugs in without changing this.

use super::arn;
use super::{Category, Diagnosis, PolicyType};
use crate::account::retry::{with_retry, RetryPolicy};
use crate::account::Account;
use crate::catalog::catalog;

/// One IAM request and the policies that apply to it.
#[derive(Debug, Clone)]
pub struct EvalInput<'a> {
    pub principal: &'a str,
    pub action: &'a str,
    pub resource: &'a str,
    pub region: Option<&'a str>,
    /// (policy name or ARN, document)
    pub identity: &'a [(String, serde_json::Value)],
    pub boundary: Option<&'a (String, serde_json::Value)>,
    /// Per organization level, root first.
    pub scps: &'a [Vec<serde_json::Value>],
    pub rcps: &'a [Vec<serde_json::Value>],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

/// A statement that decided, or (with an empty `statement`) the policy that lacks an Allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub policy_type: PolicyType,
    pub policy: String,
    pub statement: String,
    pub effect: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvalOutcome {
    /// `None` when the decision depends on something the evaluator could not settle.
    pub decision: Option<Decision>,
    pub reasons: Vec<Reason>,
    pub notes: Vec<String>,
}

/// Decides one request offline.
pub trait Evaluator: Send + Sync {
    fn evaluate(&self, input: &EvalInput<'_>) -> EvalOutcome;
}

/// What the account says, as sentences for the diagnosis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    pub causes: Vec<String>,
    pub fixes: Vec<String>,
    /// The deny that decided is a guardrail requirement the policy declares on purpose:
    /// the message-only advice to remove a Deny is dropped (issue 24).
    pub deny_is_intended: bool,
    /// The account grants every leg a profile request needs: the message-only advice to
    /// add those Allows is dropped (it proposed what the config already grants).
    pub legs_granted: bool,
}

impl Findings {
    /// Put the account's findings first: they are facts, the rest is inference.
    pub fn apply(self, d: &mut Diagnosis) {
        let mut causes = self.causes;
        causes.append(&mut d.causes);
        d.causes = causes;
        let mut fixes = self.fixes;
        if self.deny_is_intended {
            d.fixes
                .retain(|x| !x.starts_with("remove or narrow the Deny statement"));
        }
        if self.deny_is_intended || self.legs_granted {
            d.fixes
                .retain(|x| !(x.starts_with("the profile `") && x.contains("` routes to ")));
        }
        fixes.append(&mut d.fixes);
        d.fixes = fixes;
    }
}

/// The condition key of a guardrail requirement.
const GUARDRAIL_KEY: &str = "bedrock:GuardrailIdentifier";

/// Look the diagnosis up in the account. Errors from the account become findings (deep
/// mode never makes `explain` fail).
pub async fn investigate(d: &Diagnosis, account: &dyn Account, eval: &dyn Evaluator) -> Findings {
    let mut f = Findings::default();
    if matches!(
        d.category,
        Category::AccessDenied | Category::MarketplaceSubscription
    ) {
        policies(d, account, eval, &mut f).await;
    }
    model(d, account, &mut f).await;
    f
}

/// What `probe` reports when its request fails: the error read as a pasted message
/// ([`super::probe_failure`]), then checked against the same account with the full
/// offline IAM evaluator.
pub async fn probe_failure(
    e: &crate::account::AccountError,
    region: &str,
    model: &str,
    kind: crate::account::ProbeKind,
    account: &dyn Account,
) -> Diagnosis {
    let mut d = super::probe_failure(e, region, model, kind);
    investigate(&d, account, &super::iam_adapter::IamEvaluator)
        .await
        .apply(&mut d);
    d
}

async fn policies(d: &Diagnosis, account: &dyn Account, eval: &dyn Evaluator, f: &mut Findings) {
    let (Some(principal), Some(action)) = (d.principal.as_deref(), d.action.as_deref()) else {
        return;
    };
    let Some(iam_arn) = arn::principal(principal).iam_arn() else {
        f.causes.push(format!(
            "account: `{principal}` is not an IAM role or user, so there are no identity policies to read"
        ));
        return;
    };
    let resource = d.resource.as_deref().unwrap_or("*");
    let held = match with_retry(&RetryPolicy::default(), || {
        account.principal_policies(&iam_arn)
    })
    .await
    {
        Ok(p) => p,
        Err(e) => {
            f.causes.push(format!(
                "account: could not read the policies of `{iam_arn}`: {}: {}",
                e.code, e.message
            ));
            return;
        }
    };
    // The verdict comes first; what could not be read follows it.
    let mut unread = Vec::new();
    let org = match with_retry(&RetryPolicy::default(), || account.org_policies()).await {
        Ok(Some(o)) => Some(o),
        Ok(None) => {
            unread.push("account: the organization's SCPs and RCPs are not readable with these credentials, so they were not checked".to_string());
            None
        }
        Err(e) => {
            unread.push(format!(
                "account: could not read the organization's policies: {}: {}",
                e.code, e.message
            ));
            None
        }
    };
    let (scps, rcps) = org.map(|o| (o.scps, o.rcps)).unwrap_or_default();
    let input = EvalInput {
        principal: &iam_arn,
        action,
        resource,
        region: d.region.as_deref(),
        identity: &held.identity,
        boundary: held.permissions_boundary.as_ref(),
        scps: &scps,
        rcps: &rcps,
    };
    let out = eval.evaluate(&input);
    // A Deny conditioned on `bedrock:GuardrailIdentifier` (what `require_guardrail: true`
    // writes) refuses a request that names no guardrail: the fix is the request, not the
    // policy, and the destination legs would only repeat the same Deny.
    let guardrail_required = out.decision == Some(Decision::ExplicitDeny)
        && out.notes.iter().any(|n| n.contains(GUARDRAIL_KEY));
    if !guardrail_required {
        destination_legs(&input, eval, f);
    }
    let names: Vec<String> = held
        .identity
        .iter()
        .map(|(n, _)| format!("`{n}`"))
        .collect();
    let read = format!(
        "{} identity polic{}{}{}",
        held.identity.len(),
        if held.identity.len() == 1 { "y" } else { "ies" },
        if held.permissions_boundary.is_some() {
            ", a permissions boundary"
        } else {
            ""
        },
        if scps.is_empty() {
            String::new()
        } else {
            format!(", {} SCP level(s)", scps.len())
        }
    );
    match out.decision {
        Some(Decision::ExplicitDeny) => {
            if let Some(r) = out.reasons.first() {
                f.causes.push(format!(
                    "account: statement `{}` of `{}` ({}) denies `{action}` on `{resource}`",
                    r.statement,
                    r.policy,
                    r.policy_type.describe()
                ));
                if guardrail_required {
                    f.deny_is_intended = true;
                    f.causes.push(format!(
                        "account: `{}` requires a guardrail on every request (a Deny unless `{GUARDRAIL_KEY}` names an allowed guardrail; bedrockctl writes it for `require_guardrail: true`), and the request named none the policy accepts",
                        r.statement
                    ));
                    f.fixes.push(format!(
                        "keep `{}`: send the required guardrail with the request (InvokeModel: `guardrailIdentifier` and `guardrailVersion`, the `X-Amzn-Bedrock-GuardrailIdentifier` header; Converse: `guardrailConfig`)",
                        r.statement
                    ));
                } else {
                    f.fixes.push(format!(
                        "remove or narrow statement `{}` of `{}`",
                        r.statement, r.policy
                    ));
                }
                disagree(d, Some(r.policy_type), Some(true), f);
            }
        }
        Some(Decision::ImplicitDeny) => {
            let r = out.reasons.first();
            let t = r.map(|r| r.policy_type).unwrap_or(PolicyType::Identity);
            let what = match (t, r.map(|r| r.policy.as_str())) {
                (PolicyType::Identity, _) => format!(
                    "none of the identity policies of `{iam_arn}` ({}) has an Allow for `{action}` on `{resource}`",
                    if names.is_empty() { "none attached".to_string() } else { names.join(", ") }
                ),
                (t, Some(p)) => format!(
                    "`{p}` ({}) has no Allow for `{action}` on `{resource}`",
                    t.describe()
                ),
                (t, None) => format!("no {} allows `{action}`", t.describe()),
            };
            f.causes.push(format!("account: {what}"));
            disagree(d, Some(t), Some(false), f);
        }
        Some(Decision::Allow) => {
            let by = out
                .reasons
                .first()
                .map(|r| format!(" (statement `{}` of `{}`)", r.statement, r.policy))
                .unwrap_or_default();
            f.causes.push(format!(
                "account: the policies bedrockctl can read ({read}) now allow `{action}` on `{resource}`{by}: either they changed since the error, or the denial comes from a policy it cannot read (session policy, resource-based policy, VPC endpoint policy)"
            ));
            if let Some(t) = d.policy_type.filter(|t| {
                matches!(
                    t,
                    PolicyType::Identity
                        | PolicyType::PermissionsBoundary
                        | PolicyType::Scp
                        | PolicyType::Rcp
                )
            }) {
                f.causes.push(format!(
                    "account: this disagrees with the message, which blames {}",
                    t.with_article()
                ));
            }
        }
        None => {
            f.causes.push(format!(
                "account: read {read}; the decision for `{action}` on `{resource}` depends on conditions bedrockctl did not evaluate"
            ));
        }
    }
    f.causes
        .extend(out.notes.iter().map(|n| format!("account: {n}")));
    f.causes.append(&mut unread);
}

/// A request through a cross-region profile is also authorized on the foundation-model
/// ARN of the destination region it lands in; name the destinations the policies refuse.
fn destination_legs(input: &EvalInput<'_>, eval: &dyn Evaluator, f: &mut Findings) {
    let Some(res) = arn::bedrock_resource(input.resource) else {
        return;
    };
    if res.kind != "inference-profile" {
        return;
    }
    let Some((model, profile)) = catalog().profile(&res.id) else {
        return;
    };
    let dests = match res.region.as_deref() {
        Some(r) => profile.destinations_from(r),
        None => profile
            .destination_regions
            .iter()
            .map(String::as_str)
            .collect(),
    };
    let mut refused = Vec::new();
    let mut unsure = Vec::new();
    for region in dests {
        let leg = format!(
            "arn:{}:bedrock:{region}::foundation-model/{}",
            res.partition, model.model_id
        );
        let out = eval.evaluate(&EvalInput {
            resource: &leg,
            region: Some(region),
            ..input.clone()
        });
        match out.decision {
            Some(Decision::Allow) => {}
            Some(_) => refused.push(format!("`{region}`")),
            None => unsure.push(format!("`{region}`")),
        }
    }
    f.legs_granted = refused.is_empty() && unsure.is_empty();
    if !refused.is_empty() {
        f.causes.push(format!(
            "account: `{}` on the foundation-model ARN of `{}` is refused in destination region(s) {} of the profile `{}`",
            input.action,
            model.model_id,
            refused.join(", "),
            profile.profile_id
        ));
    }
    if !unsure.is_empty() {
        f.causes.push(format!(
            "account: for destination region(s) {} the decision depends on conditions bedrockctl did not evaluate",
            unsure.join(", ")
        ));
    }
}

/// Say so when the account's verdict differs from the message's.
fn disagree(d: &Diagnosis, t: Option<PolicyType>, explicit: Option<bool>, f: &mut Findings) {
    let type_differs = d.policy_type.is_some() && t.is_some() && d.policy_type != t;
    let kind_differs =
        d.explicit_deny.is_some() && explicit.is_some() && d.explicit_deny != explicit;
    if type_differs || kind_differs {
        f.causes.push(format!(
            "account: this disagrees with the message ({} {}); the policies may have changed since",
            match d.explicit_deny {
                Some(true) => "explicit deny in",
                Some(false) => "no allow in",
                None => "denied by",
            },
            d.policy_type
                .map(|t| t.with_article())
                .unwrap_or_else(|| "a policy".to_string())
        ));
    }
}

async fn model(d: &Diagnosis, account: &dyn Account, f: &mut Findings) {
    let (Some(id), Some(region)) = (d.model_id.as_deref(), d.region.as_deref()) else {
        return;
    };
    // Availability is per foundation model: a profile id resolves to its model.
    let base = catalog()
        .resolve(id)
        .map(|m| m.model_id.as_str())
        .unwrap_or(id);
    let status = match with_retry(&RetryPolicy::default(), || {
        account.model_status(region, base)
    })
    .await
    {
        Ok(s) => s,
        Err(e) => {
            f.causes.push(format!(
                "account: could not read the status of `{base}` in `{region}`: {}: {}",
                e.code, e.message
            ));
            return;
        }
    };
    if !status.exists {
        f.causes
            .push(format!("account: `{base}` does not exist in `{region}`"));
        return;
    }
    let mut problems = Vec::new();
    if let Some(l) = status.lifecycle.as_deref().filter(|l| *l != "ACTIVE") {
        problems.push(format!("lifecycle `{l}`"));
    }
    for (what, value, ok) in [
        ("authorization", &status.authorization, &["AUTHORIZED"][..]),
        ("entitlement", &status.entitlement, &["AVAILABLE"][..]),
        (
            "agreement",
            &status.agreement,
            &["AVAILABLE", "NOT_APPLICABLE"][..],
        ),
        (
            "region availability",
            &status.region_availability,
            &["AVAILABLE"][..],
        ),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !ok.contains(v)) {
            problems.push(format!("{what} `{v}`"));
        }
    }
    if problems.is_empty() {
        f.causes.push(format!(
            "account: `{base}` is available to this account in `{region}`{}",
            if d.category == Category::ModelAccess {
                " now: access may have been enabled since the error, or the request went to another region"
            } else {
                ""
            }
        ));
    } else {
        f.causes.push(format!(
            "account: `{base}` in `{region}`: {}",
            problems.join(", ")
        ));
    }
}
