//! `variable-in-arn-prefix`: a policy variable (`${…}`) before the fifth colon of a
//! `Resource`/`NotResource` ARN. AWS substitutes variables only in the resource part
//! of the ARN, so such an item is compared literally and never matches what it
//! evidently intends (an Allow grants nothing, a Deny or a boundary limits nothing).
//!
//! "You can use a policy variable in the `Resource` element, but only in the resource
//! portion of the ARN. This portion of the ARN appears after the fifth colon (:)."
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

use super::{Doc, Finding};

/// The ARN field names, in order, up to the fifth colon.
const FIELDS: [&str; 5] = ["arn", "partition", "service", "region", "account"];

/// The field a `${` before the fifth colon sits in, if any.
pub(crate) fn variable_field(arn: &str) -> Option<&'static str> {
    if !arn.starts_with("arn:") {
        return None;
    }
    let mut colons = 0;
    let bytes = arn.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b':' => {
                colons += 1;
                if colons == 5 {
                    return None;
                }
            }
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                return FIELDS.get(colons).copied();
            }
            _ => {}
        }
    }
    None
}

pub(super) fn check(doc: &Doc<'_>, out: &mut Vec<Finding>) {
    for (i, st) in doc.policy.statements.iter().enumerate() {
        let Some(res) = st.resource.as_ref() else {
            continue;
        };
        let key = if res.negated {
            "NotResource"
        } else {
            "Resource"
        };
        for item in &res.items {
            if let Some(field) = variable_field(&item.value) {
                out.push(Finding::new(
                    "variable-in-arn-prefix",
                    item.offset,
                    item.offset + item.value.len() + 2,
                    format!(
                        "statement {}: the policy variable in the {field} field of {key} `{}` is not substituted (only the part after the fifth colon is), so the ARN never matches",
                        doc.label(i),
                        item.value
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::variable_field;

    #[test]
    fn fields_before_the_fifth_colon_are_named() {
        let account = "arn:aws:bedrock:*:${aws:PrincipalAccount}:guardrail/*";
        assert_eq!(variable_field(account), Some("account"));
        let region = "arn:aws:bedrock:${aws:RequestedRegion}::foundation-model/x";
        assert_eq!(variable_field(region), Some("region"));
        assert_eq!(variable_field("arn:${p}:s3:::b"), Some("partition"));
        assert_eq!(variable_field("arn:aws:${s}:::b"), Some("service"));
    }

    #[test]
    fn the_resource_part_and_non_arns_are_fine() {
        let ok = "arn:aws:s3:::b/${aws:username}/*";
        assert_eq!(variable_field(ok), None);
        // A variable whose name has colons, after the fifth colon, stays fine.
        let ok = "arn:aws:iam::111122223333:user/${aws:PrincipalTag/team}";
        assert_eq!(variable_field(ok), None);
        assert_eq!(variable_field("*"), None);
        assert_eq!(variable_field("arn:aws:s3:::$b"), None);
    }
}
