//! Batch inference pitfalls in policy text:
//! - `resource-org-condition-on-model`: an organization condition on the resource
//!   (`aws:ResourceOrgID`, `aws:ResourceOrgPaths`) in a statement about foundation
//!   models. Foundation models belong to Bedrock, not to the caller's organization, so
//!   an Allow never applies and a Deny always does; batch jobs then fail with
//!   AccessDeniedException (warning box of
//!   https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-permissions.html).
//! - `bedrock-trust-without-source-account`: a trust policy lets `bedrock.amazonaws.com`
//!   assume the role with no `aws:SourceAccount`/`aws:SourceArn` condition, so any
//!   account's job could use it (the service role page recommends both:
//!   https://docs.aws.amazon.com/bedrock/latest/userguide/batch-iam-sr.html).

use super::match_::glob;
use super::{Doc, Finding};
use crate::iam::policy::{Effect, PrincipalType, Statement};

const MODEL_ACTIONS: [&str; 3] = [
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock:CreateModelInvocationJob",
];

const ORG_KEYS: [&str; 2] = ["aws:resourceorgid", "aws:resourceorgpaths"];

fn about_models(st: &Statement) -> bool {
    let acts = st.action.as_ref().filter(|a| !a.negated).is_some_and(|a| {
        a.items
            .iter()
            .any(|i| MODEL_ACTIONS.iter().any(|m| glob(&i.value, m, true)))
    });
    let res = st.resource.as_ref().is_some_and(|r| {
        r.negated
            || r.items.iter().any(|i| {
                i.value == "*"
                    || i.value.contains(":foundation-model/")
                    || glob(
                        &i.value,
                        "arn:aws:bedrock:us-east-1::foundation-model/x",
                        false,
                    )
            })
    });
    acts && res
}

pub(super) fn check(doc: &Doc<'_>, out: &mut Vec<Finding>) {
    for (i, st) in doc.policy.statements.iter().enumerate() {
        if about_models(st) {
            for c in &st.conditions {
                let key = c.key.to_ascii_lowercase();
                if !ORG_KEYS.contains(&key.as_str()) {
                    continue;
                }
                let what = match st.effect {
                    Effect::Allow => "never applies to foundation models",
                    Effect::Deny => "denies every foundation model",
                };
                out.push(Finding::new(
                    "resource-org-condition-on-model",
                    c.offset,
                    c.offset + c.key.len() + 2,
                    format!(
                        "statement {} {what}: they belong to Bedrock, not to your organization, so `{}` never matches them (batch jobs fail with AccessDeniedException)",
                        doc.label(i),
                        c.key
                    ),
                ));
            }
        }
        let bedrock_trust = st.effect == Effect::Allow
            && st.principal.as_ref().is_some_and(|p| {
                !p.negated
                    && p.entries.iter().any(|(t, item)| {
                        *t == PrincipalType::Service && item.value == "bedrock.amazonaws.com"
                    })
            })
            && st.action.as_ref().is_some_and(|a| {
                !a.negated
                    && a.items
                        .iter()
                        .any(|i| glob(&i.value, "sts:AssumeRole", true))
            });
        let scoped = st.conditions.iter().any(|c| {
            matches!(
                c.key.to_ascii_lowercase().as_str(),
                "aws:sourceaccount" | "aws:sourcearn"
            )
        });
        if bedrock_trust && !scoped {
            let off = st.offset;
            out.push(Finding::new(
                "bedrock-trust-without-source-account",
                off,
                off + 1,
                format!(
                    "statement {} lets Bedrock assume this role for any account's jobs; add `aws:SourceAccount` (and `aws:SourceArn`)",
                    doc.label(i)
                ),
            ));
        }
    }
}
