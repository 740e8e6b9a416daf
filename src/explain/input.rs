//! Input normalisation: turn whatever the user pasted (a bare message, an AWS CLI or
//! boto3 line, a Java/JS/Go/Rust SDK error with its stack trace, a JSON error body) into
//! the exception code, the operation and the message itself.
//!
//! Nothing here decides what the error means; that is `classify`'s job.

use regex::Regex;
use std::sync::OnceLock;

/// What the pasted text says, once the SDK wrapping is taken off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pasted {
    /// AWS error code (`AccessDeniedException`, `ValidationException`, …).
    pub code: Option<String>,
    /// API operation (`InvokeModel`, `Converse`, …).
    pub operation: Option<String>,
    /// The service's message, on one line.
    pub message: String,
    /// The whole input with every run of whitespace made one space, so that a message a
    /// terminal wrapped over several lines still matches.
    pub flat: String,
    pub request_id: Option<String>,
    pub status: Option<u16>,
    /// Who made the call, when the paste says it outside the message (a CloudTrail
    /// record's `userIdentity.arn`).
    pub principal: Option<String>,
}

/// Codes AWS services return that matter to a Bedrock caller. A code from this list is
/// preferred over any other `…Exception` in the text, because stack traces are full of
/// wrapper exceptions (`CompletionException`, `ClientError`, …).
const KNOWN_CODES: &[&str] = &[
    "AccessDeniedException",
    "AccessDenied",
    "ValidationException",
    "ResourceNotFoundException",
    "ThrottlingException",
    "TooManyRequestsException",
    "ModelNotReadyException",
    "ServiceQuotaExceededException",
    "ModelTimeoutException",
    "ModelErrorException",
    "ModelStreamErrorException",
    "ServiceUnavailableException",
    "InternalServerException",
    "ConflictException",
    "UnrecognizedClientException",
    "ExpiredTokenException",
    "InvalidSignatureException",
    "UnauthorizedOperation",
    "InvalidClientTokenId",
];

/// Wrapper exceptions that never carry the AWS code themselves.
const WRAPPERS: &[&str] = &[
    "CompletionException",
    "ExecutionException",
    "RuntimeException",
    "SdkClientException",
    "SdkException",
    "AwsServiceException",
    "BedrockRuntimeException",
    "BedrockException",
    "ServiceException",
    "Exception",
];

/// Bedrock operations, for finding the operation in stack traces (`InvokeModelCommand`,
/// `client.invokeModel(`).
pub const BEDROCK_OPERATIONS: &[&str] = &[
    "InvokeModelWithResponseStream",
    "InvokeModelWithBidirectionalStream",
    "InvokeModel",
    "ConverseStream",
    "Converse",
    "ApplyGuardrail",
    "CountTokens",
    "StartAsyncInvoke",
    "GetAsyncInvoke",
    "ListAsyncInvokes",
    "CreateGuardrail",
    "UpdateGuardrail",
    "GetGuardrail",
    "ListGuardrails",
    "DeleteGuardrail",
    "CreateGuardrailVersion",
    "CreateProvisionedModelThroughput",
    "GetProvisionedModelThroughput",
    "UpdateProvisionedModelThroughput",
    "ListProvisionedModelThroughputs",
    "DeleteProvisionedModelThroughput",
    "CreateInferenceProfile",
    "GetInferenceProfile",
    "ListInferenceProfiles",
    "DeleteInferenceProfile",
    "PutModelInvocationLoggingConfiguration",
    "GetModelInvocationLoggingConfiguration",
    "DeleteModelInvocationLoggingConfiguration",
    "GetFoundationModelAvailability",
    "ListFoundationModelAgreementOffers",
    "CreateFoundationModelAgreement",
    "DeleteFoundationModelAgreement",
    "PutUseCaseForModelAccess",
    "GetUseCaseForModelAccess",
    "ListFoundationModels",
    "GetFoundationModel",
    "CreateModelInvocationJob",
    "GetModelInvocationJob",
    "StopModelInvocationJob",
    "ListModelInvocationJobs",
    "ListCustomModels",
    "GetCustomModel",
    // Agents for Amazon Bedrock (control plane and runtime): every one is authorized by
    // the `bedrock:` action of the same name, except the streaming retrieve-and-generate
    // (see `classify::iam_action_for_operation`). Longer names first: `Retrieve` is a
    // prefix of the others.
    "RetrieveAndGenerateStream",
    "RetrieveAndGenerate",
    "Retrieve",
    "InvokeInlineAgent",
    "InvokeAgent",
    "InvokeFlow",
    "Rerank",
    "GetAgentMemory",
    "DeleteAgentMemory",
    "OptimizePrompt",
    "GenerateQuery",
    "CreateAgentAlias",
    "CreateAgentActionGroup",
    "CreateAgent",
    "GetAgentAlias",
    "GetAgent",
    "UpdateAgent",
    "DeleteAgent",
    "PrepareAgent",
    "ListAgents",
    "AssociateAgentKnowledgeBase",
    "CreateKnowledgeBase",
    "GetKnowledgeBase",
    "UpdateKnowledgeBase",
    "DeleteKnowledgeBase",
    "ListKnowledgeBases",
    "CreateDataSource",
    "StartIngestionJob",
    "GetIngestionJob",
    "CreateFlow",
    "PrepareFlow",
];

pub(crate) fn re(cell: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    // The patterns are literals checked by unit tests; a bad one disables its rule
    // instead of panicking in a user's terminal.
    cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

macro_rules! regex {
    ($pattern:expr) => {{
        static CELL: ::std::sync::OnceLock<Option<::regex::Regex>> = ::std::sync::OnceLock::new();
        $crate::explain::input::re(&CELL, $pattern)
    }};
}
pub(crate) use regex;

/// Collapse every run of whitespace to one space.
pub fn flatten(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Read the pasted text.
pub fn parse(text: &str) -> Pasted {
    // Windows line ends would shift the line offsets `best_line` computes.
    let text = text.replace("\r\n", "\n");
    let text = text.trim_start_matches('\u{feff}').trim();
    let flat = flatten(text);
    let mut p = Pasted {
        flat: flat.clone(),
        ..Pasted::default()
    };

    if let Some(json) = json_error(text) {
        p.code = json.code;
        p.message = json.message.unwrap_or_default();
        p.request_id = json.request_id;
        p.status = json.status;
        p.operation = json.operation;
        p.principal = json.principal;
    }

    // boto3 / AWS CLI: `An error occurred (Code) when calling the Op operation[ (reached
    // max retries: 4)]: message`
    if let Some(c) = regex!(
        r"An error occurred \(([A-Za-z0-9_.]+)\)(?: \(reached max retries: \d+\))? when calling the ([A-Za-z0-9]+) operation(?: \(reached max retries: \d+\))?: ?"
    )
    .and_then(|r| r.captures(text))
    {
        p.code.get_or_insert_with(|| c[1].to_string());
        p.operation = Some(c[2].to_string());
        if p.message.is_empty() {
            if let Some(m) = c.get(0) {
                p.message = message_from(text, m.end());
            }
        }
    }

    // Go SDK v2: `operation error Bedrock Runtime: InvokeModel, https response error
    // StatusCode: 403, RequestID: …, AccessDeniedException: message`
    if let Some(c) = regex!(
        r"operation error [A-Za-z0-9 ]+: ([A-Za-z0-9]+),(?: https response error StatusCode: (\d+), RequestID: ([A-Za-z0-9-]*),)? ?(?:([A-Za-z]+): )?"
    )
    .and_then(|r| r.captures(text))
    {
        p.operation.get_or_insert_with(|| c[1].to_string());
        if let Some(s) = c.get(2) {
            p.status = s.as_str().parse().ok();
        }
        if let Some(r) = c.get(3).filter(|r| !r.as_str().is_empty()) {
            p.request_id.get_or_insert_with(|| r.as_str().to_string());
        }
        if let Some(code) = c.get(4) {
            p.code.get_or_insert_with(|| code.as_str().to_string());
            if p.message.is_empty() {
                if let Some(m) = c.get(0) {
                    p.message = message_from(text, m.end());
                }
            }
        }
    }

    // Java SDK v2 `(Service: BedrockRuntime, Status Code: 403, Request ID: …)` and v1
    // `(Service: AmazonBedrockRuntime; Status Code: 403; Error Code: X; Request ID: …)`.
    if let Some(c) = regex!(
        r"\(Service: [A-Za-z0-9 ]+[,;] Status Code: (\d+)[,;](?: Error Code: ([A-Za-z0-9]+);)? Request ID: ([A-Za-z0-9-]*)"
    )
    .and_then(|r| r.captures(&flat))
    {
        p.status = p.status.or_else(|| c[1].parse().ok());
        if let Some(code) = c.get(2) {
            p.code.get_or_insert_with(|| code.as_str().to_string());
        }
        if !c[3].is_empty() {
            p.request_id.get_or_insert_with(|| c[3].to_string());
        }
    }

    // Rust SDK debug output: `code: Some("AccessDeniedException"), message: Some("…")`.
    if let Some(c) = regex!(r#"code: Some\("([A-Za-z0-9]+)"\)"#).and_then(|r| r.captures(text)) {
        p.code.get_or_insert_with(|| c[1].to_string());
    }
    if p.message.is_empty() {
        if let Some(c) =
            regex!(r#"message: Some\("((?:[^"\\]|\\.)*)"\)"#).and_then(|r| r.captures(text))
        {
            p.message = unescape(&c[1]);
        }
    }
    // JS SDK v3 object dump: `message: 'User: … action'`.
    if p.message.is_empty() {
        if let Some(c) =
            regex!(r#"(?m)^\s*message: '((?:[^'\\]|\\.)*)'"#).and_then(|r| r.captures(text))
        {
            p.message = unescape(&c[1]);
        }
    }

    if p.code.is_none() {
        p.code = code_in(text);
    }
    if p.operation.is_none() {
        p.operation = operation_in(text);
    }
    if p.request_id.is_none() {
        p.request_id = regex!(
            r#"(?i)(?:request ?id|requestId|x-amzn-requestid|aws_request_id)["']?\s*[:=]\s*["']?([A-Za-z0-9-]{8,})"#
        )
        .and_then(|r| r.captures(text))
        .map(|c| c[1].to_string());
    }
    if p.status.is_none() {
        p.status = regex!(r"(?i)(?:httpStatusCode|status ?code)\W{0,3}(\d{3})\b")
            .and_then(|r| r.captures(text))
            .and_then(|c| c[1].parse().ok());
    }
    if p.message.is_empty() {
        p.message = best_line(text);
    }
    p.message = strip_wrappers(&flatten(&p.message), p.code.as_deref());
    p
}

/// An error body as JSON: `{"message": …}`, `{"Message": …, "__type": …}`, boto3's
/// `{"Error": {"Code", "Message"}}`, Lambda's `{"errorMessage", "errorType"}`.
struct JsonError {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    status: Option<u16>,
    /// CloudTrail: `eventName`.
    operation: Option<String>,
    /// CloudTrail: `userIdentity.arn`.
    principal: Option<String>,
}

fn json_error(text: &str) -> Option<JsonError> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    if end <= start {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(&text[start..=end]).ok()?;
    let obj = value.as_object()?;
    let inner = obj
        .get("Error")
        .or_else(|| obj.get("error"))
        .and_then(|e| e.as_object())
        .unwrap_or(obj);
    let string_of = |o: &serde_json::Map<String, serde_json::Value>, keys: &[&str]| {
        keys.iter()
            .find_map(|k| o.get(*k).and_then(|v| v.as_str()).map(str::to_string))
    };
    let message = string_of(inner, &["message", "Message", "errorMessage", "msg"])
        .or_else(|| string_of(obj, &["message", "Message", "errorMessage"]));
    // A CloudTrail record (`eventSource`, `eventName`, `errorCode`, `errorMessage`,
    // `userIdentity`): https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
    let trail = obj.contains_key("eventName") && obj.contains_key("eventSource");
    let operation = trail.then(|| string_of(obj, &["eventName"])).flatten();
    let principal = trail
        .then(|| {
            obj.get("userIdentity")
                .and_then(|u| u.as_object())
                .and_then(|u| string_of(u, &["arn"]))
        })
        .flatten();
    let code = trail
        .then(|| string_of(obj, &["errorCode"]))
        .flatten()
        .or_else(|| {
            string_of(
                inner,
                &["__type", "code", "Code", "errorType", "name", "type"],
            )
        })
        .or_else(|| string_of(obj, &["__type", "code", "Code", "errorType", "name"]))
        .map(|c| normalise_type(&c))
        .filter(|c| !c.is_empty());
    let metadata = obj
        .get("ResponseMetadata")
        .or_else(|| obj.get("$metadata"))
        .and_then(|m| m.as_object());
    let request_id = metadata
        .and_then(|m| string_of(m, &["RequestId", "requestId"]))
        .or_else(|| string_of(obj, &["requestId", "RequestId"]));
    let status = metadata
        .and_then(|m| m.get("HTTPStatusCode").or_else(|| m.get("httpStatusCode")))
        .and_then(|s| s.as_u64())
        .and_then(|s| u16::try_from(s).ok());
    if message.is_none() && code.is_none() {
        return None;
    }
    Some(JsonError {
        code,
        message,
        request_id,
        status,
        operation,
        principal,
    })
}

/// `com.amazon.coral.service#AccessDeniedException` and
/// `AccessDeniedException:http://internal.amazon.com/coral/…` → `AccessDeniedException`.
fn normalise_type(t: &str) -> String {
    let t = t.rsplit('#').next().unwrap_or(t);
    let t = t.split(':').next().unwrap_or(t);
    t.rsplit('.').next().unwrap_or(t).trim().to_string()
}

/// The first known AWS code in the text, else the first exception name that is not a
/// wrapper.
fn code_in(text: &str) -> Option<String> {
    let words = regex!(r"\b([A-Z][A-Za-z0-9]*(?:Exception|AccessDenied|Operation|TokenId))\b")?;
    let found: Vec<&str> = words
        .captures_iter(text)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect();
    if let Some(known) = found.iter().find(|w| KNOWN_CODES.contains(w)) {
        return Some((*known).to_string());
    }
    found
        .iter()
        .find(|w| w.ends_with("Exception") && !WRAPPERS.contains(w))
        .map(|w| (*w).to_string())
}

/// The operation named in a stack trace: `InvokeModelCommand` (JS),
/// `.invokeModel(` (Java), `.invoke_model(` (Python).
fn operation_in(text: &str) -> Option<String> {
    for op in BEDROCK_OPERATIONS {
        let js = format!("{op}Command");
        let mut java = (*op).to_string();
        if let Some(first) = java.get_mut(0..1) {
            first.make_ascii_lowercase();
        }
        let java = format!(".{java}(");
        let python = format!(".{}(", snake(op));
        if text.contains(&js) || text.contains(&java) || text.contains(&python) {
            return Some((*op).to_string());
        }
    }
    None
}

fn snake(op: &str) -> String {
    let mut out = String::new();
    for (i, ch) in op.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// The message that starts at `start`: the rest of that line, plus following lines a
/// terminal may have wrapped it onto (lines that do not look like a stack frame).
fn message_from(text: &str, start: usize) -> String {
    let rest = text.get(start..).unwrap_or("");
    let mut lines = rest.lines();
    let mut out = lines.next().unwrap_or("").trim().to_string();
    for line in lines {
        if looks_like_noise(line) {
            break;
        }
        out.push(' ');
        out.push_str(line.trim());
    }
    out
}

/// Stack frames, object dumps and blank lines end a message.
fn looks_like_noise(line: &str) -> bool {
    let t = line.trim();
    t.is_empty()
        || line.starts_with(char::is_whitespace)
        || t.starts_with("at ")
        || t.starts_with("File \"")
        || t.starts_with("Traceback")
        || t.starts_with("During handling")
        || t.starts_with("The above exception")
        || t.starts_with('{')
        || t.starts_with('}')
        || t.starts_with('$')
        || t.starts_with("Caused by")
        || t.starts_with("...")
}

/// Phrases that mark the line holding the message in a longer paste.
const MESSAGE_MARKERS: &[&str] = &[
    "is not authorized to perform",
    "Model access is denied",
    "don't have access to the model",
    "on-demand throughput",
    "model identifier",
    "Legacy",
    "end of its life",
    "use-case form",
    "use case",
    "Malformed input request",
    "validation error",
    "not supported on this API",
    "Too many",
    "Exception",
];

/// The line most likely to be the message, joined with its wrapped continuation.
fn best_line(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    for marker in MESSAGE_MARKERS {
        if let Some(i) = lines
            .iter()
            .position(|l| l.contains(marker) && !is_frame(l))
        {
            let start: usize = lines[..i].iter().map(|l| l.len() + 1).sum();
            return message_from(text, start);
        }
    }
    lines
        .iter()
        .position(|l| !l.trim().is_empty() && !is_frame(l))
        .map(|i| {
            let start: usize = lines[..i].iter().map(|l| l.len() + 1).sum();
            message_from(text, start)
        })
        .unwrap_or_default()
}

fn is_frame(line: &str) -> bool {
    let t = line.trim();
    t.starts_with("at ") || t.starts_with("File \"") || t.starts_with("Traceback")
}

/// Remove what SDKs put around the message: exception class prefixes, the Java
/// `(Service: …)` suffix, surrounding quotes.
fn strip_wrappers(message: &str, code: Option<&str>) -> String {
    let mut m = message.trim().to_string();
    if let Some(i) = m.find(" (Service: ") {
        m.truncate(i);
    }
    loop {
        let before = m.clone();
        for prefix in [
            "Error: ",
            "error: ",
            "service error: ",
            "ERROR: ",
            "[ERROR] ",
        ] {
            if let Some(rest) = m.strip_prefix(prefix) {
                m = rest.trim_start().to_string();
            }
        }
        // `botocore.errorfactory.AccessDeniedException: …`, `…model.AccessDeniedException: …`
        if let Some(c) =
            regex!(r"^[A-Za-z0-9_.$]*(?:Exception|Error|AccessDenied)(?:\[[^\]]*\])?: ")
                .and_then(|r| r.find(&m))
        {
            m = m[c.end()..].to_string();
        }
        if let Some(code) = code {
            if let Some(rest) = m.strip_prefix(&format!("{code}: ")) {
                m = rest.to_string();
            }
        }
        if let Some(c) =
            regex!(r"^An error occurred \([^)]*\)[^:]*operation[^:]*: ").and_then(|r| r.find(&m))
        {
            m = m[c.end()..].to_string();
        }
        if m == before {
            break;
        }
    }
    let m = m.trim();
    let m = m
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| m.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(m);
    m.trim().to_string()
}

fn unescape(s: &str) -> String {
    s.replace("\\\"", "\"")
        .replace("\\'", "'")
        .replace("\\n", " ")
        .replace("\\\\", "\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boto3() {
        let p = parse("botocore.errorfactory.AccessDeniedException: An error occurred (AccessDeniedException) when calling the InvokeModel operation: You don't have access to the model with the specified model ID.");
        assert_eq!(p.code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(p.operation.as_deref(), Some("InvokeModel"));
        assert_eq!(
            p.message,
            "You don't have access to the model with the specified model ID."
        );
    }

    #[test]
    fn boto3_retries() {
        let p = parse("An error occurred (ThrottlingException) when calling the Converse operation (reached max retries: 4): Too many requests, please wait before trying again.");
        assert_eq!(p.code.as_deref(), Some("ThrottlingException"));
        assert_eq!(p.operation.as_deref(), Some("Converse"));
        assert_eq!(
            p.message,
            "Too many requests, please wait before trying again."
        );
    }

    #[test]
    fn java_v2() {
        let p = parse("java.util.concurrent.CompletionException: software.amazon.awssdk.services.bedrockruntime.model.ValidationException: Malformed input request: bad, please reformat your input and try again. (Service: BedrockRuntime, Status Code: 400, Request ID: 0f1e2d3c-aaaa-bbbb-cccc-111122223333)\n\tat java.base/java.util.concurrent.CompletableFuture.encodeRelay(CompletableFuture.java:368)");
        assert_eq!(p.code.as_deref(), Some("ValidationException"));
        assert_eq!(p.status, Some(400));
        assert_eq!(
            p.request_id.as_deref(),
            Some("0f1e2d3c-aaaa-bbbb-cccc-111122223333")
        );
        assert_eq!(
            p.message,
            "Malformed input request: bad, please reformat your input and try again."
        );
    }

    #[test]
    fn go_v2() {
        let p = parse("operation error Bedrock Runtime: Converse, https response error StatusCode: 429, RequestID: 5b0c, ThrottlingException: Too many tokens, please wait before trying again.");
        assert_eq!(p.code.as_deref(), Some("ThrottlingException"));
        assert_eq!(p.operation.as_deref(), Some("Converse"));
        assert_eq!(p.status, Some(429));
        assert_eq!(
            p.message,
            "Too many tokens, please wait before trying again."
        );
    }

    #[test]
    fn json_body() {
        let p = parse(
            r#"{"__type": "com.amazon.coral.validate#ValidationException", "Message": "The provided model identifier is invalid."}"#,
        );
        assert_eq!(p.code.as_deref(), Some("ValidationException"));
        assert_eq!(p.message, "The provided model identifier is invalid.");
        let p = parse(r#"{"message": "Too many requests"}"#);
        assert_eq!(p.code, None);
        assert_eq!(p.message, "Too many requests");
    }

    #[test]
    fn js_v3() {
        let p = parse("AccessDeniedException: You don't have access to the model with the specified model ID.\n    at de_AccessDeniedExceptionRes (/app/node_modules/@aws-sdk/client-bedrock-runtime/dist-cjs/index.js:1082:21)\n    at async InvokeModelCommand.send {\n  '$fault': 'client',\n  '$metadata': {\n    httpStatusCode: 403,\n    requestId: 'a1b2c3d4-0000'\n  }\n}");
        assert_eq!(p.code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(p.operation.as_deref(), Some("InvokeModel"));
        assert_eq!(p.status, Some(403));
        assert_eq!(p.request_id.as_deref(), Some("a1b2c3d4-0000"));
        assert_eq!(
            p.message,
            "You don't have access to the model with the specified model ID."
        );
    }

    #[test]
    fn wrapped_terminal_line_is_joined() {
        let p = parse("An error occurred (AccessDeniedException) when calling the InvokeModel operation: User: arn:aws:iam::1:user/a is not authorized\nto perform: bedrock:InvokeModel on resource: *");
        assert!(p.message.ends_with("on resource: *"), "{}", p.message);
    }

    #[test]
    fn windows_line_ends() {
        let p = parse("Traceback (most recent call last):\r\n  File \"a.py\", line 1\r\nThrottlingException: Too many requests\r\n");
        assert_eq!(p.message, "Too many requests");
    }

    #[test]
    fn type_names() {
        assert_eq!(
            normalise_type(
                "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/"
            ),
            "AccessDeniedException"
        );
    }
}
