//! Decide which failure mode a message is, and pull out the facts it states: principal,
//! action, resource, region, model id, policy type. No advice here (see `advice`).

use super::arn::{self, trim_token};
use super::iam_message::{self, IamDenial};
use super::input::{regex, Pasted, BEDROCK_OPERATIONS};
use super::models;
use super::{Category, Hints, PolicyType};
use regex::Regex;
use std::sync::OnceLock;

/// Category-specific facts.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    None,
    Iam(IamDenial),
    Marketplace {
        retry_minutes: Option<u32>,
        denial: Option<IamDenial>,
    },
    Legacy {
        days: Option<u32>,
        end_of_life: bool,
    },
    Validation(ValidationKind),
    Other(OtherKind),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidationKind {
    WrongApi,
    Malformed,
    MaxTokens,
    TemperatureTopP,
    /// "Operation not allowed": refused for the account, not for the request's shape.
    OperationNotAllowed,
    /// `Value '…' at '<field>' failed to satisfy constraint`, for a field other than modelId.
    Field(String),
    Generic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherKind {
    Timeout,
    ModelError,
    ServerError,
    Credentials,
    Unrecognised,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub category: Category,
    pub detail: Detail,
    pub principal: Option<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
    pub region: Option<String>,
    pub model_id: Option<String>,
    pub policy_type: Option<PolicyType>,
    pub explicit_deny: Option<bool>,
    pub operation: Option<String>,
    /// An encoded authorization message to decode with STS.
    pub encoded: Option<String>,
}

/// The IAM action an API operation is authorized by. Converse has no action of its own
/// (bedrock-api.md §4).
pub fn iam_action_for_operation(operation: &str) -> Option<String> {
    match operation {
        "InvokeModel" | "Converse" => Some("bedrock:InvokeModel".to_string()),
        "InvokeModelWithResponseStream" | "ConverseStream" => {
            Some("bedrock:InvokeModelWithResponseStream".to_string())
        }
        // "This operation requires permission for the bedrock:RetrieveAndGenerate action"
        // (https://docs.aws.amazon.com/sdk-for-python/v1/reference/clients/bedrock-agent-runtime/operations/retrieve_and_generate_stream/).
        // The rest share their operation's name, Service Authorization Reference:
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html
        "RetrieveAndGenerateStream" => Some("bedrock:RetrieveAndGenerate".to_string()),
        op if BEDROCK_OPERATIONS.contains(&op) => Some(format!("bedrock:{op}")),
        _ => None,
    }
}

pub fn facts(p: &Pasted, hints: &Hints) -> Facts {
    let flat = &p.flat;
    let lower = flat.to_ascii_lowercase();
    let (category, detail) = category(p, &lower);
    let operation = p.operation.clone().or_else(|| hints.operation.clone());

    let denial = match &detail {
        Detail::Iam(d) => Some(d),
        Detail::Marketplace { denial, .. } => denial.as_ref(),
        _ => None,
    };

    let principal = denial
        .and_then(|d| d.principal.clone())
        .or_else(|| p.principal.clone());
    let action = denial
        .map(|d| d.action.clone())
        .or_else(|| operation.as_deref().and_then(iam_action_for_operation));
    let mut resource = denial.and_then(|d| d.resource.clone());
    let mut model_id = None;

    // A model id the message itself names. What follows "Try switching to …" is the
    // service's suggestion, a valid id, never the one that failed (issue 23).
    let (subject, _) = split_suggestion(flat);
    let flat = subject;
    let stated = stated_model_id(split_suggestion(&p.message).0).or_else(|| stated_model_id(flat));
    if resource.is_none() {
        if let Some(id) = stated.as_deref().filter(|id| id.starts_with("arn:")) {
            resource = Some(id.to_string());
        }
    }
    let bedrock = resource.as_deref().and_then(arn::bedrock_resource);
    if let Some(b) = bedrock.as_ref().filter(|b| b.is_model_like()) {
        model_id = Some(b.id.clone());
    }
    let bedrock_related = bedrock.is_some()
        || resource.is_none()
        || resource.as_deref() == Some("*")
        || category != Category::AccessDenied;
    if model_id.is_none() && bedrock_related {
        model_id = stated
            .filter(|id| !id.starts_with("arn:"))
            .or_else(|| models::model_id_argument(flat))
            .or_else(|| models::known_id_in(flat))
            .or_else(|| hints.model_id.clone());
    }
    // `modelId='arn:…'` in a stack trace: report the id inside the ARN.
    if let Some(id) = model_id.clone().filter(|id| id.starts_with("arn:")) {
        if let Some(b) = arn::bedrock_resource(&id) {
            model_id = Some(b.id);
            if resource.is_none() {
                resource = Some(id);
            }
        }
    }

    let region = bedrock
        .as_ref()
        .and_then(|b| b.region.clone())
        .or_else(|| region_in_text(flat))
        .or_else(|| hints.region.clone());

    Facts {
        category,
        principal,
        action,
        resource,
        region,
        model_id,
        policy_type: denial.and_then(|d| d.policy_type),
        explicit_deny: denial.and_then(|d| d.explicit),
        detail,
        operation,
        encoded: iam_message::encoded(flat),
    }
}

fn category(p: &Pasted, lower: &str) -> (Category, Detail) {
    let has = |s: &str| lower.contains(s);
    let code = p.code.as_deref().unwrap_or("");

    if has("model access is denied due to") || has("aws marketplace subscription") {
        let retry_minutes = capture(regex!(r"(?i)try again after (\d+) minute"), &p.flat)
            .and_then(|m| m.parse().ok());
        return (
            Category::MarketplaceSubscription,
            Detail::Marketplace {
                retry_minutes,
                denial: iam_message::parse(&p.flat),
            },
        );
    }
    if let Some(d) = iam_message::parse(&p.flat) {
        return (Category::AccessDenied, Detail::Iam(d));
    }
    // Services other than Bedrock (EC2, STS) say only this, with an encoded message.
    if has("not authorized to perform")
        || has("encoded authorization failure message")
        || code == "UnauthorizedOperation"
    {
        return (Category::AccessDenied, Detail::None);
    }
    if has("use-case form") || has("use case form") || has("use case details") {
        return (Category::UseCaseForm, Detail::None);
    }
    if has("on-demand throughput") || has("on demand throughput") {
        return (Category::OnDemandNotSupported, Detail::None);
    }
    if has("marked by provider as legacy") || (has("legacy") && has("upgrade to an active model")) {
        let days =
            capture(regex!(r"(?i)in the last (\d+) days"), &p.flat).and_then(|d| d.parse().ok());
        return (
            Category::LegacyModel,
            Detail::Legacy {
                days,
                end_of_life: false,
            },
        );
    }
    if has("end of its life") || has("end-of-life") || has("end of life") {
        return (
            Category::LegacyModel,
            Detail::Legacy {
                days: None,
                end_of_life: true,
            },
        );
    }
    if has("have access to the model")
        || has("account is not authorized to invoke this api operation")
    {
        return (Category::ModelAccess, Detail::None);
    }
    // Schema validators name the offending field and nothing else, often without the
    // exception's name ("max_tokens_to_sample: Extra inputs are not permitted").
    let schema_rejection = has("extra inputs are not permitted")
        || has("extraneous key")
        || has("field required")
        || has("is not permitted");
    if has("not supported on this api")
        || has("use the messages api")
        || (schema_rejection && has("max_tokens_to_sample"))
    {
        return (
            Category::Validation,
            Detail::Validation(ValidationKind::WrongApi),
        );
    }
    if let Some(field) = constraint_field(&p.flat) {
        if field.eq_ignore_ascii_case("modelId") {
            return (Category::InvalidModelId, Detail::None);
        }
        return (
            Category::Validation,
            Detail::Validation(ValidationKind::Field(field)),
        );
    }
    if has("model identifier is invalid")
        || has("invalid model identifier")
        || has("provided model identifier")
        || has("could not resolve the foundation model")
        || has("model id is invalid")
        || has("invalid model id")
        || (code == "ResourceNotFoundException" && has("model"))
    {
        return (Category::InvalidModelId, Detail::None);
    }
    let max_tokens =
        (has("max_tokens") || has("maxtokens") || has("max tokens") || has("maximum tokens"))
            && (has("exceed")
                || has("maximum allowed")
                || has("greater than")
                || has("too large")
                || has(" > ")
                || has("less than or equal"));
    if max_tokens {
        return (
            Category::Validation,
            Detail::Validation(ValidationKind::MaxTokens),
        );
    }
    if has("malformed input request") || schema_rejection {
        return (
            Category::Validation,
            Detail::Validation(ValidationKind::Malformed),
        );
    }
    if has("operation not allowed") {
        return (
            Category::Validation,
            Detail::Validation(ValidationKind::OperationNotAllowed),
        );
    }
    if has("temperature") && has("top_p") {
        return (
            Category::Validation,
            Detail::Validation(ValidationKind::TemperatureTopP),
        );
    }

    match code {
        // 503: Bedrock is short of capacity; like throttling, the fix is to retry with
        // backoff (shared/reference/errors.md), but no quota of the account is involved.
        "ThrottlingException" | "TooManyRequestsException" | "ServiceUnavailableException" => {
            return (Category::Throttling, Detail::None)
        }
        "ServiceQuotaExceededException" => return (Category::QuotaExceeded, Detail::None),
        "ModelNotReadyException" => return (Category::ModelNotReady, Detail::None),
        "ValidationException" => {
            return (
                Category::Validation,
                Detail::Validation(ValidationKind::Generic),
            )
        }
        "AccessDeniedException" | "AccessDenied" => return (Category::AccessDenied, Detail::None),
        "ModelTimeoutException" => return (Category::Unknown, Detail::Other(OtherKind::Timeout)),
        "ModelErrorException" | "ModelStreamErrorException" => {
            return (Category::Unknown, Detail::Other(OtherKind::ModelError))
        }
        "UnrecognizedClientException"
        | "ExpiredTokenException"
        | "InvalidSignatureException"
        | "InvalidClientTokenId" => {
            return (Category::Unknown, Detail::Other(OtherKind::Credentials))
        }
        _ => {}
    }
    if has("too many requests")
        || has("request rate is too high")
        || has("reduce the frequency of requests")
        || has("too many tokens")
        || has("too many connections")
        || has("rate exceeded")
        || has("throttl")
    {
        return (Category::Throttling, Detail::None);
    }
    if has("quota") && (has("exceed") || has("limit")) {
        return (Category::QuotaExceeded, Detail::None);
    }
    if has("not ready") {
        return (Category::ModelNotReady, Detail::None);
    }
    if has("security token included in the request is invalid")
        || has("security token included in the request is expired")
        || has("unable to locate credentials")
    {
        return (Category::Unknown, Detail::Other(OtherKind::Credentials));
    }
    match code {
        "ServiceUnavailableException" | "InternalServerException" | "InternalFailure" => {
            return (Category::Unknown, Detail::Other(OtherKind::ServerError))
        }
        _ => {}
    }
    match p.status {
        Some(429) | Some(503) => (Category::Throttling, Detail::None),
        Some(403) => (Category::AccessDenied, Detail::None),
        Some(500..=599) => (Category::Unknown, Detail::Other(OtherKind::ServerError)),
        _ if has("access denied") || has("accessdenied") => (Category::AccessDenied, Detail::None),
        _ => (Category::Unknown, Detail::Other(OtherKind::Unrecognised)),
    }
}

fn capture(r: Option<&'static Regex>, text: &str) -> Option<String> {
    r?.captures(text).map(|c| c[1].to_string())
}

/// `Value 'x' at 'field' failed to satisfy constraint` → `field`.
fn constraint_field(text: &str) -> Option<String> {
    capture(
        regex!(r"(?i)Value '[^']*' at '([A-Za-z0-9_.]+)' failed to satisfy constraint"),
        text,
    )
    .or_else(|| {
        capture(
            regex!(r#"(?i)Value "[^"]*" at "([A-Za-z0-9_.]+)" failed to satisfy constraint"#),
            text,
        )
    })
}

/// The model id a Bedrock message names: B1 `Invocation of model ID <id> with`, B3
/// `Value '<id>' at 'modelId'`, B4 `"<id>" is not supported on this API`.
/// The text before a suggested replacement, and the suggested id when there is one.
pub fn split_suggestion(text: &str) -> (&str, Option<String>) {
    let lower = text.to_ascii_lowercase();
    let at = ["try switching to ", "try using ", "did you mean "]
        .iter()
        .filter_map(|k| lower.find(k).map(|i| (i, k.len())))
        .min();
    match at {
        Some((i, len)) => {
            let rest = text.get(i + len..).unwrap_or("");
            let id = rest
                .split_whitespace()
                .next()
                .map(|w| trim_token(w).trim_end_matches(['.', ',', '?']).to_string())
                .filter(|w| !w.is_empty());
            (text.get(..i).unwrap_or(text), id)
        }
        None => (text, None),
    }
}

fn stated_model_id(text: &str) -> Option<String> {
    let patterns: [Option<&'static Regex>; 4] = [
        regex!(r"(?i)model ID (\S+) with on-demand"),
        regex!(r"(?i)Value '([^']*)' at 'modelId'"),
        regex!(r#"(?i)Value "([^"]*)" at "modelId""#),
        regex!(r#""([^"\s]+)" is not supported on this API"#),
    ];
    patterns
        .into_iter()
        .find_map(|r| capture(r, text))
        .map(|s| trim_token(&s).to_string())
        .filter(|s| !s.is_empty())
}

/// A region named in an endpoint or console URL, else any region name the catalog knows.
fn region_in_text(text: &str) -> Option<String> {
    static URL: OnceLock<Option<Regex>> = OnceLock::new();
    let url = URL
        .get_or_init(|| {
            Regex::new(
                r"(?:bedrock(?:-runtime|-agent-runtime|-agent)?(?:-fips)?\.|https://)([a-z]{2}(?:-[a-z]+)+-\d)\.",
            )
            .ok()
        })
        .as_ref();
    if let Some(r) = capture(url, text) {
        return Some(r);
    }
    let any = regex!(r"\b([a-z]{2}(?:-gov)?-[a-z]+-\d)\b")?;
    any.captures_iter(text)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .find(|r| crate::catalog::catalog().is_region(r))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::input;

    fn cat(text: &str) -> Category {
        facts(&input::parse(text), &Hints::default()).category
    }

    #[test]
    fn operation_to_action() {
        assert_eq!(
            iam_action_for_operation("Converse").as_deref(),
            Some("bedrock:InvokeModel")
        );
        assert_eq!(
            iam_action_for_operation("ConverseStream").as_deref(),
            Some("bedrock:InvokeModelWithResponseStream")
        );
        assert_eq!(iam_action_for_operation("AssumeRole"), None);
    }

    #[test]
    fn categories() {
        assert_eq!(
            cat("ThrottlingException: Rate exceeded"),
            Category::Throttling
        );
        assert_eq!(
            cat("ServiceQuotaExceededException: too many guardrails"),
            Category::QuotaExceeded
        );
        assert_eq!(cat("ModelNotReadyException: x"), Category::ModelNotReady);
        assert_eq!(cat("hello world"), Category::Unknown);
        assert_eq!(
            cat("ValidationException: 1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1"),
            Category::Validation
        );
    }

    #[test]
    fn region_from_urls() {
        assert_eq!(
            region_in_text(
                "Could not connect to https://bedrock-runtime.eu-central-1.amazonaws.com/model/x"
            )
            .as_deref(),
            Some("eu-central-1")
        );
        assert_eq!(
            region_in_text(
                "Complete the form at https://us-west-2.console.aws.amazon.com/bedrock/"
            )
            .as_deref(),
            Some("us-west-2")
        );
        assert_eq!(region_in_text("no region here"), None);
    }
}
