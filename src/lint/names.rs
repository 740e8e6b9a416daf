//! Rules about the names a policy uses, checked against the Service Authorization
//! Reference list in `data/bedrock_iam.txt`: `bedrock:` actions that do not exist
//! (`unknown-action`), `bedrock:` condition keys that do not exist
//! (`unknown-condition-key`, which can make a statement dead), and grants that can
//! never apply because the action does not authorize on the resources named
//! (`grant-never-applies`).

use super::iam_names::{names, Resources, BUILT, GLOBAL_SOURCE, SOURCE};
use super::match_::glob;
use super::{Doc, Finding};
use crate::diag::did_you_mean;
use crate::iam::condition::{Base, Operator, SetOp};
use crate::iam::policy::{Condition, Effect, Item, Statement};
use std::collections::BTreeSet;

fn end_of(item: &Item) -> usize {
    item.offset + item.value.len() + 2
}

/// `bedrock:NAME` → `NAME` (the service prefix is case-insensitive in IAM).
fn bedrock_name(value: &str) -> Option<&str> {
    let (svc, name) = value.split_once(':')?;
    svc.eq_ignore_ascii_case("bedrock").then_some(name)
}

/// A "did you mean" computed on bare names (the shared `bedrock:` prefix would make
/// every name look close), shown with the prefix.
fn prefixed(hint: Option<String>) -> String {
    hint.map(|h| {
        format!(
            "; {}",
            h.replace("mean `", "mean `bedrock:")
                .replace("or `", "or `bedrock:")
        )
    })
    .unwrap_or_default()
}

fn provenance() -> String {
    format!("not in bedrockctl's list, built {BUILT} from {SOURCE}")
}

/// Names people write for actions that do not exist, with the action AWS checks
/// instead. Converse/ConverseStream: "requires permission for the bedrock:InvokeModel
/// action" / "bedrock:InvokeModelWithResponseStream"
/// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html,
/// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html).
/// A profile is used by invoking it: `bedrock:InvokeModel` on the profile ARN
/// (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html).
/// Application inference profiles are managed with the inference-profile actions
/// (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-create.html).
const INSTEAD: &[(&str, &str)] = &[
    (
        "converse",
        "the Converse API is authorized by `bedrock:InvokeModel`",
    ),
    (
        "conversestream",
        "the ConverseStream API is authorized by `bedrock:InvokeModelWithResponseStream`",
    ),
    (
        "useinferenceprofile",
        "a profile is used by invoking it: `bedrock:InvokeModel` (and `bedrock:InvokeModelWithResponseStream`) on the profile ARN",
    ),
    (
        "createapplicationinferenceprofile",
        "application inference profiles are created with `bedrock:CreateInferenceProfile`",
    ),
    (
        "getapplicationinferenceprofile",
        "application inference profiles are read with `bedrock:GetInferenceProfile`",
    ),
    (
        "deleteapplicationinferenceprofile",
        "application inference profiles are deleted with `bedrock:DeleteInferenceProfile`",
    ),
    (
        "listapplicationinferenceprofiles",
        "application inference profiles are listed with `bedrock:ListInferenceProfiles`",
    ),
];

fn unknown_actions(doc: &Doc<'_>, out: &mut Vec<Finding>) {
    let n = names();
    for st in &doc.policy.statements {
        let Some(a) = &st.action else { continue };
        for item in &a.items {
            let Some(name) = bedrock_name(&item.value) else {
                continue;
            };
            // `{Name}`: a template value lint cannot know (see `policy::inputs`).
            if name.contains('{') {
                continue;
            }
            if name.contains(['*', '?']) {
                if !n.action_names().any(|known| glob(name, known, true)) {
                    out.push(Finding::new(
                        "unknown-action",
                        item.offset,
                        end_of(item),
                        format!(
                            "`{}` matches no Bedrock action ({})",
                            item.value,
                            provenance()
                        ),
                    ));
                }
                continue;
            }
            if n.action(name).is_some() {
                continue;
            }
            let lower = name.to_ascii_lowercase();
            let hint = match INSTEAD.iter().find(|(w, _)| *w == lower) {
                Some((_, instead)) => format!("; {instead}"),
                None => prefixed(did_you_mean(name, n.action_names())),
            };
            out.push(Finding::new(
                "unknown-action",
                item.offset,
                end_of(item),
                format!(
                    "`{}` is not an IAM action ({}){hint}",
                    item.value,
                    provenance()
                ),
            ));
        }
    }
}

/// How an unknown key plays out: AWS never sets it, so the key is missing from every
/// request. Missing keys make positive operators false, and `...IfExists`, negated
/// operators and `ForAllValues:` true; `Null` is true for `"true"` and false for
/// `"false"` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
fn false_when_missing(c: &Condition) -> bool {
    let Operator {
        base,
        if_exists,
        set,
    } = c.operator;
    if base == Base::Null {
        return c.values.iter().all(|v| v.eq_ignore_ascii_case("false"));
    }
    let negated = matches!(
        base,
        Base::StringNotEquals
            | Base::StringNotEqualsIgnoreCase
            | Base::StringNotLike
            | Base::NumericNotEquals
            | Base::DateNotEquals
            | Base::NotIpAddress
            | Base::ArnNotEquals
            | Base::ArnNotLike
    );
    !(if_exists || negated || set == SetOp::ForAllValues)
}

/// `aws:NAME` → `NAME`.
fn global_name(value: &str) -> Option<&str> {
    let (svc, name) = value.split_once(':')?;
    svc.eq_ignore_ascii_case("aws").then_some(name)
}

/// A `bedrock:` key not in the reference, or an `aws:` key that is not global.
/// Other services' keys are not checked.
fn unknown_key(c: &Condition) -> bool {
    bedrock_name(&c.key).is_some_and(|k| !names().has_key(k))
        || global_name(&c.key).is_some_and(|k| !names().has_global(k))
}

/// Statements that never apply: a condition on an unknown `bedrock:` key that is
/// false whenever the key is missing (it always is).
pub(crate) fn dead_statements(statements: &[Statement]) -> BTreeSet<usize> {
    statements
        .iter()
        .enumerate()
        .filter(|(_, st)| {
            st.conditions
                .iter()
                .any(|c| unknown_key(c) && false_when_missing(c))
        })
        .map(|(i, _)| i)
        .collect()
}

fn unknown_keys(doc: &Doc<'_>, out: &mut Vec<Finding>) {
    let n = names();
    for (i, st) in doc.policy.statements.iter().enumerate() {
        for c in st.conditions.iter().filter(|c| unknown_key(c)) {
            let (hint, what, source) = match global_name(&c.key) {
                Some(bare) => (
                    did_you_mean(bare, n.global_names())
                        .map(|h| {
                            format!(
                                "; {}",
                                h.replace("mean `", "mean `aws:")
                                    .replace("or `", "or `aws:")
                            )
                        })
                        .unwrap_or_default(),
                    "a global condition key",
                    format!("not in bedrockctl's list, built {BUILT} from {GLOBAL_SOURCE}"),
                ),
                None => (
                    {
                        let bare = bedrock_name(&c.key).unwrap_or(&c.key);
                        // The wish behind `bedrock:modelId`: the model is the resource
                        // (a foundation-model ARN), not a condition.
                        if bare.eq_ignore_ascii_case("modelId") {
                            "; to allow some models only, name their foundation-model ARNs in `Resource`".to_string()
                        } else {
                            prefixed(did_you_mean(bare, n.key_names()))
                        }
                    },
                    "a Bedrock condition key",
                    provenance(),
                ),
            };
            let effect = match st.effect {
                Effect::Allow => "Allow",
                Effect::Deny => "Deny",
            };
            let outcome = if false_when_missing(c) {
                format!(
                    "`{}` on a missing key is false, so this {effect} never applies",
                    c.operator.name()
                )
            } else {
                format!(
                    "`{}` on a missing key is true, so this condition limits nothing",
                    c.operator.name()
                )
            };
            out.push(Finding::new(
                "unknown-condition-key",
                c.offset,
                c.offset + c.key.len() + 2,
                format!(
                    "statement {}: `{}` is not {what} ({source}); no request carries it: {outcome}{hint}",
                    doc.label(i),
                    c.key,
                ),
            ));
        }
    }
}

/// Whether a `Resource` item can match a resource of type `ty` (`None`: the `*` of
/// an action without a resource type). An item that is not an ARN pattern is given
/// the benefit of the doubt only when it could be `*`.
fn can_match(item: &str, ty: Option<&str>) -> bool {
    if glob(item, "*", false) {
        return true;
    }
    let Some(ty) = ty else { return false };
    // `{Name}`: a template value lint cannot know (see `policy::inputs`): it may be
    // an ARN of the right type.
    if item.contains('{') {
        return true;
    }
    let parts: Vec<&str> = item.splitn(6, ':').collect();
    match parts.as_slice() {
        [_, _, svc, _, _, rest] => {
            let ty_part = rest.split('/').next().unwrap_or(rest);
            glob(svc, "bedrock", true) && glob(ty_part, ty, false)
        }
        _ => false,
    }
}

/// Allow grants of actions whose resource types (from the Service Authorization
/// Reference's Actions table, recorded in `data/bedrock_iam.txt`) none of the
/// statement's resources can match: the request's resource never matches, so the
/// grant never applies.
fn never_applies(doc: &Doc<'_>, out: &mut Vec<Finding>) {
    let n = names();
    for (i, st) in doc.policy.statements.iter().enumerate() {
        if st.effect != Effect::Allow {
            continue;
        }
        let (Some(a), Some(r)) = (&st.action, &st.resource) else {
            continue;
        };
        if a.negated || r.negated || r.items.is_empty() {
            continue;
        }
        for item in &a.items {
            let Some(name) = bedrock_name(&item.value) else {
                continue;
            };
            let Some((aws_name, res)) = n.action(name) else {
                continue;
            };
            let why = match res {
                Resources::Unrecorded => continue,
                Resources::StarOnly => {
                    if r.items.iter().any(|x| can_match(&x.value, None)) {
                        continue;
                    }
                    format!(
                        "`bedrock:{aws_name}` has no resource type: it is authorized on `Resource: \"*\"` only, and this statement names only ARNs"
                    )
                }
                Resources::Types(types) => {
                    if r.items
                        .iter()
                        .any(|x| types.iter().any(|t| can_match(&x.value, Some(t))))
                    {
                        continue;
                    }
                    format!(
                        "`bedrock:{aws_name}` is authorized on {} ARNs, and this statement names none",
                        types
                            .iter()
                            .map(|t| format!("`{t}`"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    )
                }
            };
            out.push(Finding::new(
                "grant-never-applies",
                item.offset,
                end_of(item),
                format!(
                    "statement {}: {why}; this grant never applies",
                    doc.label(i)
                ),
            ));
        }
    }
}

pub(super) fn check(doc: &Doc<'_>, out: &mut Vec<Finding>) {
    unknown_actions(doc, out);
    unknown_keys(doc, out);
    never_applies(doc, out);
}
