//! One module per resource kind: everything the engine asks of a kind lives in that
//! kind's file, behind [`KindDef`], and [`def`] reaches it with a `match` the compiler
//! checks for every [`Kind`]. A new kind that forgets a question does not compile; a
//! replace rule naming a field the spec does not have fails `kinds::tests`.
//!
//! The engine (plan, apply, sandbox bookkeeping) asks here instead of matching on
//! kinds itself: how a spec is put in comparable form, which fields force a
//! replacement, whether the kind takes tags and idempotency tokens, where it sits on
//! the apply ladder, how ownership is decided, and which config section declares it.

mod alarm;
mod custom_model;
mod fields;
mod guardrail;
mod guardrail_version;
mod iam_policy;
mod iam_role;
mod inference_profile;
mod invocation_logging;
mod provisioned_throughput;

pub use fields::spec_fields;

use crate::account::spec::Spec;
use crate::account::Kind;

/// How the stack decides a live resource of a kind is its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// The ownership tags (`managed-by`, `bedrockctl:stack`).
    Tags,
    /// Untaggable and one per region: the config declaring that region.
    DeclaredRegion,
    /// Goes with the resource it belongs to (a guardrail version with its guardrail).
    Parent,
}

/// What the engine needs to know about one kind.
pub trait KindDef: Sync {
    fn kind(&self) -> Kind;

    /// Put `spec` in comparable form: unordered lists sorted, server-side defaults
    /// filled in, read-only and bedrockctl-only fields cleared. Both sides of a diff
    /// go through it.
    fn normalize(&self, spec: &mut Spec) {
        let _ = spec;
    }

    /// Top-level spec fields the service cannot change in place (a change replaces
    /// the resource). Every name must be a field of the kind's spec (tested).
    fn replace_fields(&self) -> &'static [&'static str] {
        &[]
    }

    /// Whether the service keeps tags on it (ownership tags included).
    fn taggable(&self) -> bool {
        true
    }

    /// Whether its create call takes a client request token.
    fn takes_token(&self) -> bool {
        false
    }

    /// Place on the apply ladder: a kind may refer only to kinds of lower rank.
    fn rank(&self) -> u8 {
        0
    }

    fn ownership(&self) -> Ownership {
        Ownership::Tags
    }

    /// Inventory only: bedrockctl never creates, updates or deletes it.
    fn read_only(&self) -> bool {
        false
    }

    /// The top-level config key its entries are written under.
    fn config_section(&self) -> &'static str;
}

/// The definition of `kind`.
pub fn def(kind: Kind) -> &'static dyn KindDef {
    match kind {
        Kind::ProvisionedThroughput => &provisioned_throughput::Def,
        Kind::Guardrail => &guardrail::Def,
        Kind::GuardrailVersion => &guardrail_version::Def,
        Kind::InferenceProfile => &inference_profile::Def,
        Kind::InvocationLogging => &invocation_logging::Def,
        Kind::Alarm => &alarm::Def,
        Kind::IamRole => &iam_role::Def,
        Kind::IamPolicy => &iam_policy::Def,
        Kind::CustomModel => &custom_model::Def,
    }
}

/// Apply `f` to the spec's typed struct when it is of kind `T` (the normalizers'
/// helper; a spec of another kind is left alone).
fn with<T: crate::account::spec::KindSpec>(spec: &mut Spec, f: impl FnOnce(&mut T)) {
    if let Some(t) = T::of_mut(spec) {
        f(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_answers_for_itself() {
        for kind in Kind::ALL {
            assert_eq!(def(kind).kind(), kind);
        }
    }

    #[test]
    fn replace_rules_name_real_fields() {
        for kind in Kind::ALL {
            let fields = spec_fields(kind);
            assert!(!fields.is_empty(), "{kind}: no fields found");
            for f in def(kind).replace_fields() {
                assert!(
                    fields.contains(f),
                    "{kind}: `{f}` is not a field of its spec"
                );
            }
        }
    }

    #[test]
    fn ranks_fit_the_ladder() {
        for kind in Kind::ALL {
            assert!(def(kind).rank() < crate::apply::RANKS as u8, "{kind}");
        }
    }
}
