//! An access check of a batch inference job: "can `principal` start a job on `model`
//! with service role R, reading `input` and writing `output`". IAM decides it as
//! separate requests by two principals, each reported:
//! - the caller: `bedrock:CreateModelInvocationJob` on a job ARN and on the model, and
//!   `iam:PassRole` on R with `iam:PassedToService = bedrock.amazonaws.com`;
//! - R (as Bedrock runs the job): `bedrock:InvokeModel` on the model's legs, and S3 read
//!   on the input prefix and write on the output prefix (with `aws:ResourceAccount`).
//!
//! Sources: batch-iam-sr.html (the service role) and batch-inference-permissions
//! (the caller), https://docs.aws.amazon.com/bedrock/latest/userguide/batch-iam-sr.html

use super::access::{legs_for, meets, AccessModel, CheckResult, Leg, LegResult};
use crate::account::SimulateRequest;
use crate::catalog::catalog;
use crate::config::{AccessCheck, BatchCheck};
use crate::iam::context::{Context, Value};
use crate::iam::eval::{evaluate, Decision, Reason, Request};
use crate::iam::pattern::ArnParts;
use crate::policy::generate::parse_s3_uri;
use std::collections::BTreeMap;

/// One request of the decomposition: who asks, what, on which resource.
struct Ask {
    who: String,
    action: &'static str,
    resource: String,
    region: String,
    context: Vec<(&'static str, String)>,
}

pub fn run(model: &AccessModel, check: &AccessCheck, batch: &BatchCheck) -> CheckResult {
    let mut result = CheckResult::unevaluated(check);
    let service_role = format!("role/{}", batch.role.value);
    let asks = match asks(model, check, batch, &service_role) {
        Ok(a) => a,
        Err(e) => {
            result.reason = e;
            return result;
        }
    };
    let mut reasons: Vec<Reason> = Vec::new();
    let mut lines = Vec::new();
    for ask in asks {
        let Some((role, who)) = model.find(&ask.who) else {
            result.reason = format!(
                "principal `{}` is not a role of this config; its policies are unknown offline",
                ask.who
            );
            result.offline = Decision::ImplicitDeny;
            result.pass = meets(result.expect, result.offline);
            return result;
        };
        let account = match ArnParts::new(&ask.resource).get(4) {
            "" => model.account.clone(),
            a => a.to_string(),
        };
        let mut ctx = Context::default();
        ctx.insert("aws:RequestedRegion", Value::One(ask.region.clone()));
        ctx.derive(&who, &ask.resource, &account);
        for (k, v) in &ask.context {
            ctx.insert(k, Value::One(v.clone()));
        }
        let req = Request {
            principal: &who,
            action: ask.action,
            resource: &ask.resource,
            resource_account: &account,
            context: &ctx,
        };
        let outcome = evaluate(&role.set, &req, &mut reasons);
        lines.push(format!(
            "{} `{}` on `{}` by `{}`",
            match outcome.decision {
                Decision::Allow => "allowed",
                Decision::ExplicitDeny => "explicitly denied",
                Decision::ImplicitDeny => "not allowed",
            },
            ask.action,
            ask.resource,
            ask.who
        ));
        result.legs.push(LegResult::new(
            Leg {
                resource: ask.resource,
                region: ask.region,
                destination: false,
            },
            outcome,
            role,
            &reasons,
        ));
    }
    result.offline = result
        .legs
        .iter()
        .fold(Decision::Allow, |d, l| d.worst(l.outcome.decision));
    result.pass = meets(result.expect, result.offline);
    result.reason = format!("batch job, {} requests: {}", lines.len(), lines.join("; "));
    result
}

/// The simulator's questions for a batch check, one per request of [`run`], same order,
/// each asked as the principal that makes it.
pub fn simulate_requests(
    model: &AccessModel,
    check: &AccessCheck,
    batch: &BatchCheck,
) -> Vec<SimulateRequest> {
    let service_role = format!("role/{}", batch.role.value);
    asks(model, check, batch, &service_role)
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let mut context: BTreeMap<String, Vec<String>> = a
                .context
                .iter()
                .map(|(k, v)| (k.to_string(), vec![v.clone()]))
                .collect();
            context.insert("aws:RequestedRegion".to_string(), vec![a.region.clone()]);
            SimulateRequest {
                principal_arn: model.principal_arn(&a.who),
                action: a.action.to_string(),
                resource_arn: a.resource,
                context,
            }
        })
        .collect()
}

/// The requests a batch job needs, in the order IAM meets them.
fn asks(
    model: &AccessModel,
    check: &AccessCheck,
    batch: &BatchCheck,
    service_role: &str,
) -> Result<Vec<Ask>, String> {
    let region = check.region.value.as_str();
    let part = catalog().partition(region).to_string();
    let account = model.account.as_str();
    let caller = check.principal.value.clone();
    let (in_bucket, in_prefix) = parse_s3_uri(&batch.input.value)
        .ok_or_else(|| format!("`{}` is not an S3 location", batch.input.value))?;
    let (out_bucket, out_prefix) = parse_s3_uri(&batch.output.value)
        .ok_or_else(|| format!("`{}` is not an S3 location", batch.output.value))?;
    let model_legs = legs_for(&check.model.value, region, account);
    let mut out = vec![Ask {
        who: caller.clone(),
        action: "bedrock:CreateModelInvocationJob",
        resource: format!(
            "arn:{part}:bedrock:{region}:{account}:model-invocation-job/abcdefghijkl"
        ),
        region: region.to_string(),
        context: Vec::new(),
    }];
    for l in &model_legs {
        out.push(Ask {
            who: caller.clone(),
            action: "bedrock:CreateModelInvocationJob",
            resource: l.resource.clone(),
            region: l.region.clone(),
            context: Vec::new(),
        });
    }
    out.push(Ask {
        who: caller,
        action: "iam:PassRole",
        resource: format!("arn:{part}:iam::{account}:role/{}", batch.role.value),
        region: region.to_string(),
        context: vec![("iam:PassedToService", "bedrock.amazonaws.com".to_string())],
    });
    for l in model_legs {
        out.push(Ask {
            who: service_role.to_string(),
            action: "bedrock:InvokeModel",
            resource: l.resource,
            region: l.region,
            context: Vec::new(),
        });
    }
    let here = || ("aws:ResourceAccount", account.to_string());
    for (action, bucket, prefix, object) in [
        ("s3:GetObject", in_bucket, in_prefix, "records.jsonl"),
        ("s3:PutObject", out_bucket, out_prefix, "records.jsonl.out"),
    ] {
        out.push(Ask {
            who: service_role.to_string(),
            action,
            resource: format!("arn:{part}:s3:::{bucket}/{prefix}{object}"),
            region: region.to_string(),
            context: vec![here()],
        });
        out.push(Ask {
            who: service_role.to_string(),
            action: "s3:ListBucket",
            resource: format!("arn:{part}:s3:::{bucket}"),
            region: region.to_string(),
            context: vec![here(), ("s3:prefix", prefix.to_string())],
        });
    }
    Ok(out)
}
