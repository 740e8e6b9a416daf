//! Rules about what statements allow: wildcard actions, wildcard invoke resources,
//! `NotAction` or (for invoke actions) `NotResource` with Allow, `iam:PassRole` on every role, and shadowed statements.

use super::match_::{covers, glob};
use super::{Doc, Finding};
use crate::iam::policy::{Effect, Element, Statement};
use crate::policy::generate::{INVOKE, INVOKE_STREAM, PASS_ROLE};

/// Item end offset: the string as written, quotes included.
fn end_of(offset: usize, value: &str) -> usize {
    offset + value.len() + 2
}

fn actions(st: &Statement) -> Option<&Element> {
    st.action.as_ref().filter(|a| !a.negated)
}

fn resources(st: &Statement) -> Option<&Element> {
    st.resource.as_ref().filter(|r| !r.negated)
}

/// Whether an Allow statement's `Action` matches `action`.
pub(crate) fn allows_action(st: &Statement, action: &str) -> bool {
    actions(st).is_some_and(|a| a.items.iter().any(|i| glob(&i.value, action, true)))
}

pub(super) fn check(doc: &Doc<'_>, out: &mut Vec<Finding>) {
    for (i, st) in doc.policy.statements.iter().enumerate() {
        if st.effect != Effect::Allow {
            continue;
        }
        if let Some(a) = actions(st) {
            for item in &a.items {
                let v = item.value.to_ascii_lowercase();
                if v == "*" || v == "bedrock:*" {
                    out.push(Finding::new(
                        "bedrock-wildcard-action",
                        item.offset,
                        end_of(item.offset, &item.value),
                        format!("statement {} allows `{}`", doc.label(i), item.value),
                    ));
                }
            }
        }
        if st.action.as_ref().is_some_and(|a| a.negated) {
            let off = doc.key_offset(i, "NotAction");
            out.push(Finding::new(
                "not-action-allow",
                off,
                off + "\"NotAction\"".len(),
                format!(
                    "statement {} allows every action except the listed ones, in every service",
                    doc.label(i)
                ),
            ));
        }
        let invoke = allows_action(st, INVOKE) || allows_action(st, INVOKE_STREAM);
        // Allow + NotResource grants every resource except the listed ones: naming one
        // model there hands out every other model, profile and provisioned model.
        if invoke && st.resource.as_ref().is_some_and(|r| r.negated) {
            let off = doc.key_offset(i, "NotResource");
            out.push(Finding::new(
                "not-resource-allow",
                off,
                off + "\"NotResource\"".len(),
                format!(
                    "statement {} allows invoking every model except the listed ones",
                    doc.label(i)
                ),
            ));
        }
        let Some(res) = resources(st) else { continue };
        let pass_role = actions(st).is_some_and(|a| {
            a.items.iter().any(|i| {
                i.value.to_ascii_lowercase().starts_with("iam:") && glob(&i.value, PASS_ROLE, true)
            })
        });
        for item in &res.items {
            if invoke && item.value == "*" {
                out.push(Finding::new(
                    "invoke-resource-wildcard",
                    item.offset,
                    end_of(item.offset, &item.value),
                    format!(
                        "statement {} allows invoking every model, profile and provisioned model",
                        doc.label(i)
                    ),
                ));
            } else if invoke && is_every_model(&item.value) {
                out.push(Finding::new(
                    "invoke-resource-wildcard",
                    item.offset,
                    end_of(item.offset, &item.value),
                    format!(
                        "statement {} allows invoking every foundation model (`{}`)",
                        doc.label(i),
                        item.value
                    ),
                ));
            }
            if pass_role && is_any_role(&item.value) {
                out.push(Finding::new(
                    "passrole-wildcard",
                    item.offset,
                    end_of(item.offset, &item.value),
                    format!(
                        "statement {} lets the caller pass any role to any service",
                        doc.label(i)
                    ),
                ));
            }
        }
    }
    shadowed(doc, out);
}

/// A Bedrock ARN pattern whose resource part is only `*` or `foundation-model/*`:
/// every foundation model (in the regions the region field matches).
fn is_every_model(resource: &str) -> bool {
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    matches!(parts.as_slice(), [_, _, svc, _, _, rest]
        if (*svc == "bedrock" || *svc == "*") && (*rest == "*" || *rest == "foundation-model/*"))
}

/// `*`, or a role ARN pattern whose name part is only `*`.
fn is_any_role(resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    matches!(parts.as_slice(), [_, _, svc, _, _, rest] if (*svc == "iam" || *svc == "*") && (*rest == "*" || *rest == "role/*"))
}

/// Every action/resource of `narrow` is covered by `broad`.
fn element_covers(broad: &Element, narrow: &Element, ignore_case: bool) -> bool {
    narrow.items.iter().all(|n| {
        broad
            .items
            .iter()
            .any(|b| covers(&b.value, &n.value, ignore_case))
    })
}

/// Wildcard-free Action/Resource items: such a pattern covers only itself
/// (case-insensitively for actions), so a statement made only of them can cover a
/// narrow one only if it holds the narrow one's first action and first resource.
fn literal(e: &Element) -> bool {
    e.items.iter().all(|i| !i.value.contains(['*', '?']))
}

/// Above this many action × resource pairs a literal statement is not indexed but
/// checked against every statement, like a wildcard one (bounds the index size).
const MAX_PAIRS: usize = 1024;

/// Which statements may cover which: literal statements by (action, resource) pair,
/// every other statement always a candidate. Makes `shadowed` linear on the large
/// generated policies of issue 25 (5,000 statements: 14.8 s → well under 1 s in debug).
struct LiteralIndex<'s> {
    sts: &'s [Statement],
    by_pair: std::collections::HashMap<(String, &'s str), Vec<usize>>,
    always: Vec<usize>,
}

impl<'s> LiteralIndex<'s> {
    fn new(sts: &'s [Statement]) -> Self {
        let mut by_pair: std::collections::HashMap<(String, &'s str), Vec<usize>> =
            std::collections::HashMap::new();
        let mut always = Vec::new();
        for (i, st) in sts.iter().enumerate() {
            let (Some(a), Some(r)) = (actions(st), resources(st)) else {
                continue;
            };
            if !(literal(a) && literal(r)) || a.items.len() * r.items.len() > MAX_PAIRS {
                always.push(i);
                continue;
            }
            let mut seen = std::collections::HashSet::new();
            for ai in &a.items {
                for ri in &r.items {
                    let key = (ai.value.to_ascii_lowercase(), ri.value.as_str());
                    if seen.insert(key.clone()) {
                        by_pair.entry(key).or_default().push(i);
                    }
                }
            }
        }
        LiteralIndex {
            sts,
            by_pair,
            always,
        }
    }

    /// Statements that may cover one with these actions and resources, in order:
    /// the two sorted id lists merged lazily, so a match found early costs little.
    fn candidates(
        &self,
        na: &'s Element,
        nr: &'s Element,
    ) -> Box<dyn Iterator<Item = (usize, &'s Statement)> + '_> {
        let (Some(a), Some(r)) = (na.items.first(), nr.items.first()) else {
            // An empty list is covered by anything: every statement is a candidate.
            return Box::new(self.sts.iter().enumerate());
        };
        let pair: &[usize] = self
            .by_pair
            .get(&(a.value.to_ascii_lowercase(), r.value.as_str()))
            .map_or(&[], Vec::as_slice);
        let (mut x, mut y) = (pair.iter().peekable(), self.always.iter().peekable());
        let merged = std::iter::from_fn(move || match (x.peek(), y.peek()) {
            (Some(&&p), Some(&&q)) if p <= q => x.next().copied(),
            (Some(_), Some(_)) => y.next().copied(),
            (Some(_), None) => x.next().copied(),
            (None, _) => y.next().copied(),
        });
        Box::new(merged.filter_map(move |i| self.sts.get(i).map(|st| (i, st))))
    }
}

/// A statement is shadowed when another of the same effect, without conditions,
/// covers all its actions and resources (so removing it changes nothing).
fn shadowed(doc: &Doc<'_>, out: &mut Vec<Finding>) {
    let sts = &doc.policy.statements;
    let index = LiteralIndex::new(sts);
    for (j, narrow) in sts.iter().enumerate() {
        let (Some(na), Some(nr)) = (actions(narrow), resources(narrow)) else {
            continue;
        };
        if narrow.principal.is_some() {
            continue;
        }
        // Only the candidates can satisfy the test below, in index order, so the
        // first match is the one a scan of every statement finds: linear, not n².
        let by = index.candidates(na, nr).find(|(i, broad)| {
            *i != j
                && broad.effect == narrow.effect
                && broad.conditions.is_empty()
                && broad.principal.is_none()
                && actions(broad).is_some_and(|ba| element_covers(ba, na, true))
                && resources(broad).is_some_and(|br| element_covers(br, nr, false))
                // Of two identical statements, only the later one is redundant.
                && !(*i > j
                    && narrow.conditions.is_empty()
                    && actions(broad).is_some_and(|ba| element_covers(na, ba, true))
                    && resources(broad).is_some_and(|br| element_covers(nr, br, false)))
        });
        if let Some((i, _)) = by {
            let off = doc.key_offset(j, "Sid");
            out.push(Finding::new(
                "shadowed-statement",
                off,
                off + 1,
                format!(
                    "statement {} is covered by statement {} and has no effect",
                    doc.label(j),
                    doc.label(i)
                ),
            ));
        }
    }
}
