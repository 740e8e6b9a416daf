//! ARN builders and a small ARN reader for the resources the generator and the lint
//! rules talk about. Facts from `shared/reference/bedrock-api.md` §1: foundation-model
//! ARNs have an empty account field; system inference profiles, provisioned models,
//! guardrails and invocation jobs carry the caller's account.

/// The partition a region belongs to, from its name (the prefixes the AWS partitions
/// use: https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
/// `catalog::tests` holds it equal to the catalog's region table.
pub fn partition(region: &str) -> &'static str {
    const PREFIXES: &[(&str, &str)] = &[
        ("cn-", "aws-cn"),
        ("eusc-", "aws-eusc"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-iso-", "aws-iso"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| region.starts_with(p))
        .map_or("aws", |(_, part)| part)
}

/// The foundation-model ARN of `model_id` in `region` (empty account field).
pub fn foundation_model_arn(region: &str, model_id: &str) -> String {
    format!(
        "arn:{}:bedrock:{region}::foundation-model/{model_id}",
        partition(region)
    )
}

/// The system inference-profile ARN as the caller's account sees it.
pub fn inference_profile_arn(region: &str, account: &str, profile_id: &str) -> String {
    format!(
        "arn:{}:bedrock:{region}:{account}:inference-profile/{profile_id}",
        partition(region)
    )
}

/// Any ARN of `kind` (`provisioned-model`, `guardrail`, `model-invocation-job`) in
/// `region` of `account`.
pub fn any_in_region(region: &str, account: &str, kind: &str) -> String {
    format!(
        "arn:{}:bedrock:{region}:{account}:{kind}/*",
        partition(region)
    )
}

/// A role named in the config (by name) or by ARN.
pub fn role_arn(account_id: &str, role: &str) -> String {
    if role.starts_with("arn:") {
        role.to_string()
    } else {
        format!("arn:aws:iam::{account_id}:role/{role}")
    }
}

/// A managed policy named in the config (by name) or by ARN.
pub fn policy_arn(account_id: &str, policy: &str) -> String {
    if policy.starts_with("arn:") {
        policy.to_string()
    } else {
        format!("arn:aws:iam::{account_id}:policy/{policy}")
    }
}

/// The six fields of an ARN as written; `resource` keeps any further colons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Split `text`; `None` when it is not an ARN.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut it = text.splitn(6, ':');
        if it.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: it.next()?,
            service: it.next()?,
            region: it.next()?,
            account: it.next()?,
            resource: it.next()?,
        })
    }

    /// `(type, id)` of a `type/id` resource.
    pub fn typed(&self) -> Option<(&'a str, &'a str)> {
        self.resource.split_once('/')
    }

    pub fn is_bedrock(&self) -> bool {
        self.service.eq_ignore_ascii_case("bedrock")
    }
}

/// `s3://BUCKET/PREFIX` → (bucket, prefix); the bucket must be a valid name
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
pub fn parse_s3_uri(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let ok = (3..=63).contains(&bucket.len())
        && bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
    (ok && !prefix.contains('*')).then_some((bucket, prefix))
}

/// Whether `text` holds an IAM wildcard.
pub fn has_wildcard(text: &str) -> bool {
    text.contains('*') || text.contains('?')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_follow_the_reference_formats() {
        assert_eq!(
            foundation_model_arn("us-east-1", "amazon.nova-lite-v1:0"),
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"
        );
        assert_eq!(
            inference_profile_arn("eu-west-1", "123456789012", "eu.x"),
            "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.x"
        );
        assert_eq!(role_arn("1", "r"), "arn:aws:iam::1:role/r");
        assert_eq!(
            role_arn("1", "arn:aws:iam::2:role/x"),
            "arn:aws:iam::2:role/x"
        );
        assert_eq!(policy_arn("1", "p"), "arn:aws:iam::1:policy/p");
    }

    #[test]
    fn parse_keeps_colons_in_the_resource() {
        let a = Arn::parse("arn:aws:bedrock:us-east-1::foundation-model/a.b-v1:0").unwrap();
        assert_eq!(a.account, "");
        assert_eq!(a.typed(), Some(("foundation-model", "a.b-v1:0")));
        assert!(Arn::parse("*").is_none());
        assert!(Arn::parse("arn:aws:s3").is_none());
    }
}
