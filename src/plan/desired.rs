//! Config → the resources it wants, in the canonical spec shape of each kind.
//!
//! Each kind builds its own (`kinds::KindDef::desired`): names from the config become
//! what the service stores (a `copy_from` id the foundation-model or system-profile ARN,
//! a role or policy name its ARN, a model an alarm's `ModelId` dimension, `grants:` a
//! generated inline policy), and every taggable resource gets the ownership tags.

use super::scope::Scope;
use crate::account::{Kind, Resource};
use crate::config::Config;
use crate::kinds::{def, Cx};
use crate::policy::StackRefs;

pub use crate::kinds::{copy_from_arn, owned_tags};

/// What a config wants, and what it is allowed to read and touch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Desired {
    pub scope: Scope,
    pub resources: Vec<Resource>,
    /// `resources` are already in normalized form (see [`Desired::normalize`]).
    pub normalized: bool,
}

impl Desired {
    pub fn stack(&self) -> &str {
        &self.scope.stack
    }

    /// Normalize every resource now, e.g. while the account is still being read, so
    /// the diff does not have to.
    pub fn normalize(&mut self) {
        if !self.normalized {
            for r in &mut self.resources {
                *r = super::diff::normalized(r);
            }
            self.normalized = true;
        }
    }
}

/// Build the desired resources of every managed kind. `account_id` is the live account's
/// (ARNs of roles, policies and system profiles are account-qualified).
///
/// A grant that names a resource of the stack refers to it by a placeholder of its
/// address (`policy::refs`); the diff puts in the live ARN, apply the created one.
pub fn desired(cfg: &Config, account_id: &str) -> Desired {
    let refs = StackRefs::pending(cfg);
    let scope = Scope::from_config(cfg);
    let cx = Cx {
        cfg,
        account_id,
        refs: &refs,
    };
    let mut out: Vec<Resource> = Kind::ALL
        .into_iter()
        .filter(|k| scope.manages(*k))
        .flat_map(|k| def(k).desired(&cx))
        .collect();
    out.sort_by(|a, b| (a.kind, &a.region, &a.name).cmp(&(b.kind, &b.region, &b.name)));
    Desired {
        scope,
        resources: out,
        normalized: false,
    }
}
