//! Keeping credentials out of anything bedrockctl prints.
//!
//! The SDK's own trace logs carry signed requests: `authorization` headers
//! (access key id and signature), `x-amz-security-token`, canonical requests.
//! Whatever installs a log subscriber must send each line through [`redact`]
//! (and may silence [`NOISY_TARGETS`]); `AccountError` messages never hold
//! headers to begin with (see `error.rs`).

use regex_lite::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Log targets that only ever describe signing and wire traffic.
pub const NOISY_TARGETS: &[&str] = &[
    "aws_sigv4",
    "aws_smithy_runtime::client::http",
    "aws_smithy_http_client",
    "hyper",
    "hyper_util",
    "h2",
    "rustls",
];

const MASK: &str = "[REDACTED]";

/// Environment variables whose values are secrets wherever they appear.
const SECRET_ENV: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_BEARER_TOKEN_BEDROCK",
];

fn pattern() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?i)(authorization|x-amz-security-token|x-amz-signature|x-amz-credential|signature|credential|aws_secret_access_key|aws_session_token|aws_access_key_id|secret_?access_?key|session_?token|security_?token)(["']?\s*[:=]\s*\(?["']?)([^\s"',&;)}\]]+)"#,
        )
        .ok()
    })
    .as_ref()
}

/// `text` with every credential, session token and signature masked.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out: Cow<'_, str> = Cow::Borrowed(text);
    for var in SECRET_ENV {
        if let Ok(value) = std::env::var(var) {
            // Short values would mask ordinary words; real secrets are long.
            if value.len() >= 8 && out.contains(value.as_str()) {
                out = Cow::Owned(out.replace(value.as_str(), MASK));
            }
        }
    }
    match pattern() {
        Some(re) if re.is_match(&out) => Cow::Owned(
            re.replace_all(&out, format!("$1$2{MASK}").as_str())
                .into_owned(),
        ),
        Some(_) => out,
        // The pattern is a constant; if it ever failed to compile, print nothing
        // rather than something unfiltered.
        None => Cow::Borrowed(MASK),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_query_signatures_are_masked() {
        let line = "authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd";
        let r = redact(line);
        assert!(!r.contains("AKIAEXAMPLE"), "{r}");
        assert!(!r.contains("0123abcd"), "{r}");
        let r = redact("x-amz-security-token: FwoGZXIvYXdzEXAMPLETOKEN");
        assert!(!r.contains("FwoGZXIvYXdzEXAMPLETOKEN"), "{r}");
        let r = redact("GET /x?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIAQ%2F2025");
        assert!(!r.contains("deadbeef") && !r.contains("AKIAQ"), "{r}");
        let r = redact(r#"{"SecretAccessKey": "wJalrXUtnFEMI", "SessionToken":"tok123456"}"#);
        assert!(
            !r.contains("wJalrXUtnFEMI") && !r.contains("tok123456"),
            "{r}"
        );
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let line = "plan: 2 to create, 1 to update (guardrail.us-east-1.default-safety)";
        assert!(matches!(redact(line), Cow::Borrowed(_)));
    }
}
