//! ARNs as they appear in error messages: principals (users, roles, assumed-role
//! sessions) and Bedrock resources (foundation models, inference profiles, provisioned
//! and custom models). Parsing is lenient: a message may quote a wildcard ARN.

pub use crate::vocab::arn::Arn;

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, split without interpretation.
pub fn parse(arn: &str) -> Option<Arn<'_>> {
    Arn::parse(arn)
}

/// A Bedrock resource named by an ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BedrockResource {
    /// `foundation-model`, `inference-profile`, `application-inference-profile`,
    /// `provisioned-model`, `custom-model`, …
    pub kind: String,
    /// The id after the resource type, as written (a model id, a profile id, …).
    pub id: String,
    /// `None` when the ARN leaves it empty or uses a wildcard.
    pub region: Option<String>,
    pub account: Option<String>,
    pub partition: String,
}

impl BedrockResource {
    pub fn is_model_like(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "foundation-model"
                | "inference-profile"
                | "application-inference-profile"
                | "provisioned-model"
                | "custom-model"
                | "imported-model"
                | "custom-model-deployment"
                | "prompt-router"
                | "default-prompt-router"
        )
    }
}

pub fn bedrock_resource(arn: &str) -> Option<BedrockResource> {
    let a = parse(arn)?;
    if a.service != "bedrock" {
        return None;
    }
    let (kind, id) = a.resource.split_once('/')?;
    Some(BedrockResource {
        kind: kind.to_string(),
        id: id.to_string(),
        region: real(a.region),
        account: real(a.account),
        partition: a.partition.to_string(),
    })
}

fn real(field: &str) -> Option<String> {
    if field.is_empty() || field.contains('*') || field.contains('?') {
        None
    } else {
        Some(field.to_string())
    }
}

/// Who made the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An IAM role, or an STS session of it (`session` is then set).
    Role {
        account: String,
        partition: String,
        name: String,
        session: Option<String>,
    },
    User {
        account: String,
        partition: String,
        name: String,
    },
    Root {
        account: String,
    },
    /// Federated users, anonymous callers, service principals: nothing to look up in IAM.
    Other,
}

pub fn principal(arn: &str) -> Principal {
    let Some(a) = parse(arn) else {
        return Principal::Other;
    };
    let account = a.account.to_string();
    let partition = a.partition.to_string();
    match (a.service, a.resource.split_once('/')) {
        ("sts", Some(("assumed-role", rest))) => {
            let (name, session) = match rest.split_once('/') {
                Some((n, s)) => (n.to_string(), Some(s.to_string())),
                None => (rest.to_string(), None),
            };
            Principal::Role {
                account,
                partition,
                name,
                session,
            }
        }
        ("iam", Some(("role", path_and_name))) => Principal::Role {
            account,
            partition,
            // The role name is the last path segment; `aws iam` commands take the name.
            name: path_and_name
                .rsplit('/')
                .next()
                .unwrap_or(path_and_name)
                .to_string(),
            session: None,
        },
        ("iam", Some(("user", path_and_name))) => Principal::User {
            account,
            partition,
            name: path_and_name
                .rsplit('/')
                .next()
                .unwrap_or(path_and_name)
                .to_string(),
        },
        ("iam", None) if a.resource == "root" => Principal::Root { account },
        _ => Principal::Other,
    }
}

impl Principal {
    pub fn account(&self) -> Option<&str> {
        match self {
            Principal::Role { account, .. }
            | Principal::User { account, .. }
            | Principal::Root { account } => Some(account).filter(|a| !a.is_empty()),
            Principal::Other => None,
        }
        .map(String::as_str)
    }

    /// The IAM ARN policies attach to (the role for an assumed-role session). Role
    /// paths are not in session ARNs, so the role ARN is given without its path, which
    /// IAM accepts for lookups by name but not always for the simulator.
    pub fn iam_arn(&self) -> Option<String> {
        match self {
            Principal::Role {
                account,
                partition,
                name,
                ..
            } => Some(format!("arn:{partition}:iam::{account}:role/{name}")),
            Principal::User {
                account,
                partition,
                name,
            } => Some(format!("arn:{partition}:iam::{account}:user/{name}")),
            _ => None,
        }
    }
}

/// Trim what surrounds an ARN or id in prose: quotes, a closing bracket that has no
/// opening one inside the token, a sentence-final period. Balanced brackets stay, so
/// placeholders such as `arn:aws:sts::<acct>:assumed-role/<role>/<session>` survive.
pub fn trim_token(token: &str) -> &str {
    let mut t = token.trim_start_matches(['\'', '"', '`', '(', '[']);
    if t.starts_with('<') && !t.contains('>') {
        t = &t[1..];
    }
    loop {
        let before = t;
        t = t.trim_end_matches(['\'', '"', '`', ',', ';', '\\', '.']);
        for (open, close) in [('(', ')'), ('[', ']'), ('<', '>'), ('{', '}')] {
            if t.ends_with(close) && t.matches(close).count() > t.matches(open).count() {
                t = &t[..t.len() - 1];
            }
        }
        if t == before {
            return t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foundation_model() {
        let r = bedrock_resource(
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0",
        )
        .unwrap();
        assert_eq!(r.kind, "foundation-model");
        assert_eq!(r.id, "anthropic.claude-3-5-sonnet-20240620-v1:0");
        assert_eq!(r.region.as_deref(), Some("us-east-1"));
        assert_eq!(r.account, None);
    }

    #[test]
    fn profile() {
        let r = bedrock_resource(
            "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0",
        )
        .unwrap();
        assert_eq!(r.kind, "inference-profile");
        assert_eq!(r.id, "eu.anthropic.claude-3-haiku-20240307-v1:0");
        assert_eq!(r.account.as_deref(), Some("123456789012"));
        assert!(bedrock_resource("arn:aws:bedrock:*::foundation-model/x")
            .unwrap()
            .region
            .is_none());
    }

    #[test]
    fn principals() {
        let p = principal("arn:aws:sts::111122223333:assumed-role/app-role/i-0abc");
        assert_eq!(
            p.iam_arn().as_deref(),
            Some("arn:aws:iam::111122223333:role/app-role")
        );
        assert_eq!(p.account(), Some("111122223333"));
        let u = principal("arn:aws:iam::111122223333:user/dev/alice");
        assert_eq!(
            u.iam_arn().as_deref(),
            Some("arn:aws:iam::111122223333:user/alice")
        );
        assert_eq!(principal("anonymous"), Principal::Other);
    }

    #[test]
    fn trims() {
        assert_eq!(trim_token("'arn:aws:x:::a/b:0'."), "arn:aws:x:::a/b:0");
        assert_eq!(trim_token("*"), "*");
        assert_eq!(
            trim_token("(arn:aws:iam::1:role/x)."),
            "arn:aws:iam::1:role/x"
        );
        assert_eq!(
            trim_token("arn:aws:sts::<acct>:assumed-role/<role>/<session>"),
            "arn:aws:sts::<acct>:assumed-role/<role>/<session>"
        );
    }
}
