//! The IAM "is not authorized to perform" message, in all its variants (errors.md A1–A4):
//! `because no <policy type> allows the <action> action` (implicit deny), `with an
//! explicit deny in a <policy type>[: <policy arn>]` (explicit deny) and the older form
//! that says neither.

use super::arn::trim_token;
use super::PolicyType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamDenial {
    /// As written (`arn:aws:sts::…:assumed-role/ROLE/SESSION`, `anonymous`, …).
    pub principal: Option<String>,
    /// As written: an IAM action (`bedrock:InvokeModel`).
    pub action: String,
    pub resource: Option<String>,
    pub policy_type: Option<PolicyType>,
    /// `Some(true)` explicit, `Some(false)` implicit, `None` when the message does not say.
    pub explicit: Option<bool>,
    /// The denying policy's ARN (the 2026 form of the message).
    pub policy_arn: Option<String>,
    /// The principal as pasted when it is redacted or elided (`<account id>`, `****`,
    /// `…`): then `principal` is `None`, and advice says why instead of using it.
    pub principal_redacted: Option<String>,
}

const MARKER: &str = "is not authorized to perform";

/// Policy-type phrases, longest first so that `resource control policy` is not taken
/// for something shorter.
const TYPES: &[(&str, PolicyType)] = &[
    ("resource control policy", PolicyType::Rcp),
    ("service control policy", PolicyType::Scp),
    ("identity-based policy", PolicyType::Identity),
    ("identity based policy", PolicyType::Identity),
    ("identity policy", PolicyType::Identity),
    ("resource-based policy", PolicyType::Resource),
    ("resource based policy", PolicyType::Resource),
    ("resource policy", PolicyType::Resource),
    ("permissions boundary", PolicyType::PermissionsBoundary),
    ("permission boundary", PolicyType::PermissionsBoundary),
    ("session policy", PolicyType::Session),
    ("vpc endpoint policy", PolicyType::VpcEndpoint),
    ("endpoint policy", PolicyType::VpcEndpoint),
    ("scp", PolicyType::Scp),
    ("rcp", PolicyType::Rcp),
];

fn policy_type_at(lower: &str) -> Option<PolicyType> {
    TYPES
        .iter()
        .find(|(phrase, _)| lower.starts_with(phrase))
        .map(|(_, t)| *t)
}

/// Find and parse the first IAM denial in `text` (whitespace already collapsed).
pub fn parse(text: &str) -> Option<IamDenial> {
    let at = text.find(MARKER)?;
    let (principal, principal_redacted) = principal_before(&text[..at]);
    // A `service:Action` token tells the IAM template from prose such as
    // the Marketplace message's "is not authorized to perform the required … actions".
    let after = text[at + MARKER.len()..].trim_start();
    let after = after.strip_prefix(':').unwrap_or(after).trim_start();
    let (action_token, mut rest) = split_token(after);
    let action = trim_token(action_token).to_string();
    if !action.contains(':') {
        return parse(&text[at + MARKER.len()..]);
    }

    let mut resource = None;
    let trimmed = rest.trim_start();
    if let Some(r) = trimmed.strip_prefix("on resource:") {
        let (token, r) = split_token(r.trim_start());
        resource = Some(trim_token(token).to_string()).filter(|s| !s.is_empty());
        rest = r;
    } else if let Some(r) = trimmed.strip_prefix("on resource") {
        let (token, r) = split_token(r.trim_start());
        resource = Some(trim_token(token).to_string()).filter(|s| !s.is_empty());
        rest = r;
    }

    // Only the sentence that holds the denial: a following sentence (the marketplace
    // wrapper's "Your AWS Marketplace subscription …") must not be read as its reason.
    let reason = sentence(rest.trim_start());
    let lower = reason.to_ascii_lowercase();
    let mut policy_type = None;
    let mut explicit = None;
    let mut policy_arn = None;

    if let Some(i) = lower.find("because no ") {
        explicit = Some(false);
        policy_type = policy_type_at(&lower[i + "because no ".len()..]);
    } else if let Some(i) = lower.find("explicit deny in ") {
        explicit = Some(true);
        let mut tail = &lower[i + "explicit deny in ".len()..];
        for article in ["an ", "a ", "the "] {
            if let Some(t) = tail.strip_prefix(article) {
                tail = t;
                break;
            }
        }
        policy_type = policy_type_at(tail);
        // The newer form names the policy: `…: arn:aws:organizations::…`.
        let tail_start = reason.len() - tail.len();
        if let Some(j) = reason[tail_start..].find("arn:") {
            let (token, _) = split_token(&reason[tail_start + j..]);
            policy_arn = Some(trim_token(token).to_string());
        }
    } else if lower.contains("explicit deny") {
        explicit = Some(true);
    }

    Some(IamDenial {
        principal,
        principal_redacted,
        action,
        resource,
        policy_type,
        explicit,
        policy_arn,
    })
}

/// `Encoded authorization failure message: …` (EC2, STS and others), decodable with
/// `aws sts decode-authorization-message`.
pub fn encoded(text: &str) -> Option<String> {
    const LABEL: &str = "Encoded authorization failure message:";
    let i = text.find(LABEL)?;
    let (token, _) = split_token(text[i + LABEL.len()..].trim_start());
    Some(trim_token(token).to_string()).filter(|s| !s.is_empty())
}

/// The principal is the token after the last `User:` (or `Principal:`) before the
/// marker, else the token right before it.
/// The principal before the marker, and the text as pasted when it is redacted. A
/// placeholder with a space (`arn:aws:iam::<account id>:user/x`) or a stray space in a
/// starred ARN is read whole, not cut at the space (issue 23).
fn principal_before(before: &str) -> (Option<String>, Option<String>) {
    let tail = ["User: ", "user: ", "Principal: ", "User ", "principal "]
        .iter()
        .filter_map(|l| before.rfind(l).map(|i| &before[i + l.len()..]))
        .min_by_key(|t| t.len());
    let written = match tail {
        // The whole span up to the marker, spaces removed: an ARN has none.
        Some(t) if t.trim().starts_with("arn:") || looks_redacted(t) => {
            t.split_whitespace().collect::<String>()
        }
        Some(t) => t.split_whitespace().next().unwrap_or("").to_string(),
        None => before.split_whitespace().last().unwrap_or("").to_string(),
    };
    let token = trim_token(&written).to_string();
    if token.is_empty() {
        return (None, None);
    }
    if looks_redacted(&token) {
        // The note quotes it as pasted (`<account id>`), spaces and all.
        let pasted = tail
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty())
            .unwrap_or(token);
        return (None, Some(pasted));
    }
    (Some(token), None)
}

/// Redaction marks people put in pasted ARNs.
fn looks_redacted(s: &str) -> bool {
    s.contains('<') || s.contains('*') || s.contains('…') || s.contains("...") || s.contains("XXXX")
}

fn split_token(s: &str) -> (&str, &str) {
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

/// Text up to the end of the first sentence: a period followed by a space and a capital
/// letter (ARNs and ids contain periods but never that).
fn sentence(s: &str) -> &str {
    let bytes = s.as_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'.'
            && bytes.get(i + 1) == Some(&b' ')
            && bytes.get(i + 2).is_some_and(|b| b.is_ascii_uppercase())
        {
            return &s[..i];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "arn:aws:sts::111122223333:assumed-role/app/session-1";
    const FM: &str =
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";

    #[test]
    fn implicit_identity() {
        let d = parse(&format!("User: {ROLE} is not authorized to perform: bedrock:InvokeModel on resource: {FM} because no identity-based policy allows the bedrock:InvokeModel action")).unwrap();
        assert_eq!(d.principal.as_deref(), Some(ROLE));
        assert_eq!(d.action, "bedrock:InvokeModel");
        assert_eq!(d.resource.as_deref(), Some(FM));
        assert_eq!(d.policy_type, Some(PolicyType::Identity));
        assert_eq!(d.explicit, Some(false));
    }

    #[test]
    fn every_implicit_type() {
        for (phrase, t) in [
            ("resource-based policy", PolicyType::Resource),
            ("permissions boundary", PolicyType::PermissionsBoundary),
            ("session policy", PolicyType::Session),
            ("service control policy", PolicyType::Scp),
            ("resource control policy", PolicyType::Rcp),
            ("VPC endpoint policy", PolicyType::VpcEndpoint),
        ] {
            let d = parse(&format!("User: {ROLE} is not authorized to perform: bedrock:InvokeModel on resource: {FM} because no {phrase} allows the bedrock:InvokeModel action")).unwrap();
            assert_eq!(d.policy_type, Some(t), "{phrase}");
            assert_eq!(d.explicit, Some(false));
        }
    }

    #[test]
    fn explicit_with_arn() {
        let d = parse(&format!("User: {ROLE} is not authorized to perform: bedrock:InvokeModel on resource: {FM} with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-abc/service_control_policy/p-12345678.")).unwrap();
        assert_eq!(d.policy_type, Some(PolicyType::Scp));
        assert_eq!(d.explicit, Some(true));
        assert_eq!(
            d.policy_arn.as_deref(),
            Some("arn:aws:organizations::999988887777:policy/o-abc/service_control_policy/p-12345678")
        );
        assert_eq!(d.resource.as_deref(), Some(FM));
    }

    #[test]
    fn explicit_capitalised() {
        let d = parse(&format!("User: {ROLE} is not authorized to perform: bedrock:InvokeModel on resource: {FM} with an explicit deny in a Service Control Policy")).unwrap();
        assert_eq!(d.policy_type, Some(PolicyType::Scp));
    }

    #[test]
    fn older_form() {
        let d = parse(&format!(
            "User: {ROLE} is not authorized to perform: bedrock:InvokeModel on resource: {FM}"
        ))
        .unwrap();
        assert_eq!(d.policy_type, None);
        assert_eq!(d.explicit, None);
        assert_eq!(d.resource.as_deref(), Some(FM));
    }

    #[test]
    fn marketplace_sentence_is_not_the_reason() {
        let d = parse(&format!("Model access is denied due to User: {ROLE} is not authorized to perform: aws-marketplace:ViewSubscriptions on resource: * because no identity-based policy allows the aws-marketplace:ViewSubscriptions action. Your AWS Marketplace subscription for this model cannot be completed at this time.")).unwrap();
        assert_eq!(d.action, "aws-marketplace:ViewSubscriptions");
        assert_eq!(d.resource.as_deref(), Some("*"));
        assert_eq!(d.policy_type, Some(PolicyType::Identity));
    }

    #[test]
    fn prose_is_not_the_template() {
        assert_eq!(parse("Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model."), None);
    }
}
