//! Advice for runtime faults that are not about access: throttling, quotas, a model
//! not ready, invalid request bodies, and the errors with no category of their own
//! (timeouts, model and server errors, rejected credentials).

use super::advice::{base_id, in_region, model_of, region_flag, sh, the_model, Advice};
use super::classify::{Detail, Facts, OtherKind, ValidationKind};
use super::input::{regex, Pasted};
use crate::catalog::catalog;

pub(super) fn model_not_ready(f: &Facts, a: &mut Advice) {
    let rf = region_flag(f.region.as_deref());
    a.summary = format!("{} is not ready to serve requests yet", the_model(f));
    a.cause(format!(
        "{} is not ready to serve inference yet: a provisioned or custom model still coming up, or an on-demand model warming up",
        the_model(f)
    ));
    a.fix("retry with exponential backoff (the SDKs retry this error up to 5 times on their own)");
    a.fix("for provisioned throughput, wait until its status is `InService`");
    let provisioned = f
        .model_id
        .as_deref()
        .zip(f.resource.as_deref())
        .and_then(|(_, r)| super::arn::bedrock_resource(r))
        .filter(|b| b.kind == "provisioned-model");
    match (provisioned, f.resource.as_deref()) {
        (Some(_), Some(arn)) => a.command(format!(
            "aws bedrock get-provisioned-model-throughput --provisioned-model-id {}{rf} --query status",
            sh(arn)
        )),
        _ => a.command(format!(
            "aws bedrock list-provisioned-model-throughputs{rf} --query \"provisionedModelSummaries[].[provisionedModelName,status]\""
        )),
    }
}

pub(super) fn throttling(p: &Pasted, f: &Facts, a: &mut Advice) {
    let rf = region_flag(f.region.as_deref());
    let lower = p.flat.to_ascii_lowercase();
    // A 503 is Bedrock short of capacity, not the account over its quota: a quota
    // increase does not help (issue 23).
    let capacity = p.code.as_deref() == Some("ServiceUnavailableException")
        || p.status == Some(503)
        || lower.contains("too many connections")
        || lower.contains("service unavailable");
    if capacity {
        a.summary = format!(
            "Bedrock has no capacity for requests to {} right now",
            the_model(f)
        );
        a.cause(format!(
            "the service answered 503 (ServiceUnavailable): on-demand capacity for {}{} is exhausted for the moment; no quota of the account was exceeded",
            the_model(f),
            in_region(f)
        ));
    } else {
        a.summary = format!("requests to {} are being throttled", the_model(f));
        if lower.contains("per day") {
            a.cause("the account's daily token quota for this model is used up");
        }
        a.cause(format!(
            "the account's requests-per-minute or tokens-per-minute quota for {}{} was exceeded",
            the_model(f),
            in_region(f)
        ));
    }
    a.fix("retry with exponential backoff and jitter (boto3: `Config(retries={'max_attempts': 10, 'mode': 'adaptive'})`)");
    let profile = model_of(f).and_then(|m| {
        let already = f
            .model_id
            .as_deref()
            .is_some_and(|id| catalog().profile(id).is_some());
        if already {
            None
        } else {
            f.region
                .as_deref()
                .and_then(|r| m.profile_for(r))
                .map(|p| p.profile_id.clone())
                .or_else(|| {
                    m.cross_region_profiles
                        .first()
                        .map(|p| p.profile_id.clone())
                })
        }
    });
    match profile {
        Some(pid) => a.fix(format!(
            "spread load across regions with the cross-region inference profile `{pid}`"
        )),
        None => {
            a.fix("spread load across regions with a cross-region (or `global.`) inference profile")
        }
    }
    if capacity {
        return;
    }
    a.fix("request a quota increase in Service Quotas (`InvocationThrottles` in CloudWatch shows how often this happens)");
    a.command(format!(
        "aws service-quotas list-service-quotas --service-code bedrock{rf}{}",
        model_of(f)
            .map(|m| format!(
                " --query \"Quotas[?contains(QuotaName, '{}')].[QuotaName,Value]\"",
                m.name.replace(['"', '\''], "")
            ))
            .unwrap_or_default()
    ));
}

pub(super) fn quota_exceeded(f: &Facts, a: &mut Advice) {
    let rf = region_flag(f.region.as_deref());
    a.summary = "the request exceeds a Bedrock service quota of the account".to_string();
    a.cause(format!(
        "a service quota of the account{} is exhausted (for example the number of guardrails, inference profiles or provisioned model units)",
        in_region(f)
    ));
    a.fix("delete resources you no longer need, or request a quota increase in Service Quotas, then resubmit");
    a.command(format!(
        "aws service-quotas list-service-quotas --service-code bedrock{rf}"
    ));
    a.command(format!(
        "aws service-quotas request-service-quota-increase --service-code bedrock --quota-code <quota-code> --desired-value <value>{rf}"
    ));
}

pub(super) fn validation(p: &Pasted, f: &Facts, a: &mut Advice) {
    let kind = match &f.detail {
        Detail::Validation(k) => k.clone(),
        _ => ValidationKind::Generic,
    };
    a.summary = "the request's input was rejected by Bedrock".to_string();
    let anthropic_body = "for Anthropic models send `anthropic_version: \"bedrock-2023-05-31\"`, `max_tokens` and `messages`; or use the Converse API, which takes one request shape for every model";
    match kind {
        ValidationKind::WrongApi => {
            a.summary = format!("{} needs the Messages API", the_model(f));
            a.cause(format!(
                "the request body uses the old Text Completions format (`prompt`, `max_tokens_to_sample`), which {} does not accept",
                the_model(f)
            ));
            a.fix(anthropic_body);
        }
        ValidationKind::Malformed => {
            a.summary = "the request body does not match the model's schema".to_string();
            let detail = regex!(r"(?i)Malformed input request: (.*?)(?:, please reformat your input and try again\.?)?$")
                .and_then(|r| r.captures(&p.message))
                .map(|c| c[1].to_string())
                .filter(|d| !d.is_empty());
            a.cause(format!(
                "the body does not match the provider's native schema{}",
                detail.map(|d| format!(": {d}")).unwrap_or_default()
            ));
            if p.flat.contains("max_tokens") {
                a.fix("add `max_tokens` to the body (the Anthropic Messages API requires it)");
            }
            a.fix(anthropic_body);
        }
        ValidationKind::MaxTokens => {
            a.summary = "`max_tokens` is over the model's limit".to_string();
            let limit = regex!(r"(\d+) > (\d+)")
                .and_then(|r| r.captures(&p.flat))
                .map(|c| (c[1].to_string(), c[2].to_string()));
            match limit {
                Some((asked, max)) => {
                    a.cause(format!(
                        "the request asks for `{asked}` output tokens, more than the model's maximum of `{max}`"
                    ));
                    a.fix(format!("set `max_tokens` (Converse: `inferenceConfig.maxTokens`) to `{max}` or less"));
                }
                None => {
                    a.cause("the requested maximum output tokens is more than the model allows");
                    a.fix("lower `max_tokens` (Converse: `inferenceConfig.maxTokens`) to the model's limit");
                }
            }
        }
        ValidationKind::OperationNotAllowed => {
            // Nothing in the body is wrong: Bedrock refuses the call for this account.
            a.summary = format!(
                "Bedrock does not allow this call to {} for the account{}",
                the_model(f),
                in_region(f)
            );
            a.cause(format!(
                "model access for {}{} is not enabled or not yet active for the account (access is per region; a new account may also still be restricted)",
                the_model(f),
                in_region(f)
            ));
            a.cause("the model is a Legacy version the account has not used recently, so it no longer accepts the account's calls (extended access ends with the model's end-of-life date)");
            a.fix("enable access to the model in the Bedrock console (Model access), then retry");
            a.fix("if the model is Legacy, move to its successor (`bedrockctl models` lists each model's lifecycle)");
            a.fix("if access is enabled and the account is new, open a support case: Bedrock may still be limiting the account");
            a.command(format!(
                "aws bedrock get-foundation-model-availability --model-id {}{}",
                f.model_id
                    .as_deref()
                    .map(sh)
                    .unwrap_or_else(|| "MODEL_ID".to_string()),
                region_flag(f.region.as_deref())
            ));
        }
        ValidationKind::TemperatureTopP => {
            a.cause("newer Claude models reject requests that set both `temperature` and `top_p`");
            a.fix("set only one of `temperature` and `top_p`");
        }
        ValidationKind::Field(field) => {
            a.cause(format!(
                "the value of `{field}` breaks a Bedrock constraint"
            ));
            a.fix(format!(
                "change `{field}` as the message says: {}",
                p.message
            ));
        }
        ValidationKind::Generic => {
            a.cause(format!(
                "the request breaks a Bedrock constraint: {}",
                if p.message.is_empty() {
                    "(no message)"
                } else {
                    &p.message
                }
            ));
            a.fix("correct the request as the message says; the Converse API validates one request shape for every model");
        }
    }
    if f.model_id.is_some() {
        a.command(format!(
            "aws bedrock get-foundation-model --model-identifier {}{}",
            sh(&base_id(f)),
            region_flag(f.region.as_deref())
        ));
    }
}

pub(super) fn unknown(f: &Facts, a: &mut Advice) {
    let kind = match f.detail {
        Detail::Other(k) => k,
        _ => OtherKind::Unrecognised,
    };
    match kind {
        OtherKind::Timeout => {
            a.summary = format!("{} took longer than its timeout", the_model(f));
            a.cause("the model took longer to process the request than the model timeout");
            a.fix("shorten the input or lower the maximum output, or use the streaming API");
        }
        OtherKind::ModelError => {
            a.summary = format!("{} failed while processing the request", the_model(f));
            a.cause("the model itself failed while processing the request (or while streaming)");
            a.fix("retry; if it persists, check the input for content the model cannot handle");
        }
        OtherKind::ServerError => {
            a.summary = "a server-side error in Bedrock".to_string();
            a.cause("a transient server-side error or capacity shortage in Bedrock");
            a.fix("retry with exponential backoff; a cross-region inference profile spreads load");
        }
        OtherKind::Credentials => {
            a.summary = "the request's credentials were rejected".to_string();
            a.cause("the credentials are invalid, expired or for another partition, so IAM never evaluated the request");
            a.fix("refresh the credentials (`aws sso login`, a new session token, or the right profile) and retry");
            a.command("aws sts get-caller-identity");
        }
        OtherKind::Unrecognised => {
            a.summary = "the message matches no known Bedrock or IAM error".to_string();
            a.cause("the text matches none of the AccessDenied or Bedrock runtime error formats bedrockctl knows");
            a.fix("paste the whole error, including the exception name (for example `AccessDeniedException`) and the operation");
            a.command("aws sts get-caller-identity");
        }
    }
}
