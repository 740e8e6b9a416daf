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
mod cloudtrail_trail;
mod custom_model;
mod enforced_guardrail;
mod fields;
mod guardrail;
mod guardrail_version;
mod iam_policy;
mod iam_role;
pub mod import;
mod inference_profile;
mod invocation_logging;
mod model_agreement;
mod provisioned_throughput;
mod use_case;
mod vpc_endpoint;

pub use fields::spec_fields;
pub use inference_profile::copy_from_arn;

use crate::account::spec::{KindSpec, Spec};
use crate::account::{Kind, Resource, TAG_MANAGED_BY, TAG_MANAGED_BY_VALUE};
use crate::account::{TAG_PREVENT_DESTROY, TAG_STACK};
use crate::config::{Config, Tags};
use crate::policy::StackRefs;
use std::collections::BTreeMap;

/// Rungs of the apply ladder: every [`KindDef::rank`] is below this.
pub const RANKS: usize = 4;

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

/// The fixed facts of a kind. Written as one struct literal per kind, with no
/// `Default`: a new kind states every one of them, so none is assumed for it.
#[derive(Debug, Clone, Copy)]
pub struct Traits {
    /// The top-level config key its entries are written under.
    pub section: &'static str,
    /// Top-level spec fields the service cannot change in place (a change replaces
    /// the resource). Every name must be a field of the kind's spec (tested).
    pub replace_fields: &'static [&'static str],
    /// Whether the service keeps tags on it (ownership tags included).
    pub taggable: bool,
    /// Whether its create call takes a client request token.
    pub takes_token: bool,
    /// Place on the apply ladder (below [`RANKS`]): a kind may refer only to kinds of
    /// lower rank.
    pub rank: u8,
    /// When planning diffs its lists: 0 with the others, as their lists arrive; a kind
    /// whose desired side holds placeholders of other kinds' ids later, level by level
    /// (`plan::diff::deferral_level`), so each level sees the ids of the levels below.
    pub deferral: u8,
    pub ownership: Ownership,
    /// Inventory only: bedrockctl never creates, updates or deletes it.
    pub read_only: bool,
}

/// What the engine needs to know about one kind. Every method but the accessors of
/// [`Traits`] is required.
pub trait KindDef: Sync {
    fn kind(&self) -> Kind;

    fn traits(&self) -> &'static Traits;

    /// The regions the config declares resources of this kind in (IAM kinds:
    /// `global`), or `None` when its section is absent: then the kind is neither read
    /// nor touched (design.md, "absent key = unmanaged kind").
    fn declared(&self, cfg: &Config) -> Option<Vec<String>>;

    /// The resources of this kind the config wants, ownership tags included.
    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource>;

    /// Put `spec` in comparable form: unordered lists sorted, server-side defaults
    /// filled in, read-only and bedrockctl-only fields cleared. Both sides of a diff
    /// go through it.
    fn normalize(&self, spec: &mut Spec);

    /// What `import` writes for a live resource of this kind.
    fn import(&self, r: &Resource, doc: &mut import::ImportDoc);

    fn replace_fields(&self) -> &'static [&'static str] {
        self.traits().replace_fields
    }

    fn taggable(&self) -> bool {
        self.traits().taggable
    }

    fn takes_token(&self) -> bool {
        self.traits().takes_token
    }

    fn rank(&self) -> u8 {
        self.traits().rank
    }

    fn deferral(&self) -> u8 {
        self.traits().deferral
    }

    fn ownership(&self) -> Ownership {
        self.traits().ownership
    }

    fn read_only(&self) -> bool {
        self.traits().read_only
    }

    fn config_section(&self) -> &'static str {
        self.traits().section
    }
}

/// What building desired resources needs besides the config.
pub struct Cx<'a> {
    pub cfg: &'a Config,
    /// The live account's id: ARNs of roles, policies and system profiles carry it.
    pub account_id: &'a str,
    /// Placeholders (or live ARNs) of the stack's own resources, for generated policies.
    pub refs: &'a StackRefs,
}

impl Cx<'_> {
    pub fn stack(&self) -> &str {
        &self.cfg.stack.value
    }

    /// Ownership tags plus the user's, with the prevent-destroy marker when asked for.
    pub fn owned_tags(&self, user: &Tags, prevent_destroy: bool) -> BTreeMap<String, String> {
        owned_tags(self.stack(), user, prevent_destroy)
    }

    /// A desired resource (no id, no status) of the spec's kind.
    pub fn resource<T: KindSpec>(
        &self,
        spec: T,
        region: &str,
        name: &str,
        tags: BTreeMap<String, String>,
    ) -> Resource {
        Resource {
            kind: T::KIND,
            region: region.to_string(),
            name: name.to_string(),
            id: None,
            spec: spec.into(),
            tags,
            status: None,
        }
    }
}

/// Ownership tags plus the user's, with the prevent-destroy marker when asked for.
pub fn owned_tags(stack: &str, user: &Tags, prevent_destroy: bool) -> BTreeMap<String, String> {
    let mut t = user.to_map();
    t.insert(TAG_MANAGED_BY.to_string(), TAG_MANAGED_BY_VALUE.to_string());
    t.insert(TAG_STACK.to_string(), stack.to_string());
    if prevent_destroy {
        t.insert(TAG_PREVENT_DESTROY.to_string(), "true".to_string());
    }
    t
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
        Kind::CloudTrailTrail => &cloudtrail_trail::Def,
        Kind::VpcEndpoint => &vpc_endpoint::Def,
        Kind::ModelAgreement => &model_agreement::Def,
        Kind::UseCase => &use_case::Def,
        Kind::EnforcedGuardrail => &enforced_guardrail::Def,
    }
}

/// Apply `f` to the spec's typed struct when it is of kind `T` (the normalizers'
/// helper; a spec of another kind is left alone).
fn with<T: KindSpec>(spec: &mut Spec, f: impl FnOnce(&mut T)) {
    if let Some(t) = T::of_mut(spec) {
        f(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_tags_are_the_users_plus_ownership_in_key_order() {
        let user: Tags = [("zone", "b"), ("team", "ml")].into_iter().collect();
        let tags = owned_tags("s", &user, true);
        let keys: Vec<&str> = tags.keys().map(String::as_str).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(keys, sorted);
        assert_eq!(tags.get("team").map(String::as_str), Some("ml"));
        assert_eq!(tags.get(TAG_STACK).map(String::as_str), Some("s"));
        assert_eq!(
            tags.get(TAG_PREVENT_DESTROY).map(String::as_str),
            Some("true")
        );
        assert_eq!(tags.len(), 2 + 3);
        assert_eq!(owned_tags("s", &Tags::new(), false).len(), 2);
    }

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
            assert!(usize::from(def(kind).rank()) < RANKS, "{kind}");
        }
    }
}
