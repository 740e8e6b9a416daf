//! Which kinds, regions and models a config manages, i.e. what may be read and touched.
//!
//! design.md: an absent top-level key means the kind is neither read nor touched; a key
//! with an empty list means "delete every resource of it this stack owns". The scope is
//! the single place that decision is made; refresh reads exactly the scope, and the diff
//! ignores anything outside it.

use crate::account::{Kind, GLOBAL};
use crate::config::Config;
use crate::kinds::{def, Ownership};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One `models:` requirement in one region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ModelNeed {
    pub model_id: String,
    pub region: String,
    /// `on_demand`, `inference_profile`, `provisioned` or `batch`.
    pub via: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    pub stack: String,
    /// (kind, region) pairs to list.
    pub lists: BTreeSet<(Kind, String)>,
    /// Regions whose invocation logging this stack owns (declared in the config).
    pub logging_regions: BTreeSet<String>,
    pub models: Vec<ModelNeed>,
    /// The `account.id` pin, when the config has one.
    pub account_pin: Option<String>,
    /// Guardrails whose old versions are never pruned (`prune_versions: false`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub keep_versions: BTreeSet<String>,
}

impl Scope {
    pub fn from_config(cfg: &Config) -> Scope {
        let mut s = Scope {
            stack: cfg.stack.value.clone(),
            account_pin: cfg.account.id.as_ref().map(|i| i.value.clone()),
            keep_versions: cfg
                .guardrails
                .iter()
                .flatten()
                .filter(|g| !g.prune_versions)
                .map(|g| g.name.value.clone())
                .collect(),
            ..Scope::default()
        };
        let account_regions: Vec<String> = cfg.regions().map(str::to_string).collect();
        for kind in Kind::ALL {
            let Some(declared) = def(kind).declared(cfg) else {
                continue;
            };
            if kind.is_global() {
                s.lists.insert((kind, GLOBAL.to_string()));
                continue;
            }
            if def(kind).ownership() == Ownership::DeclaredRegion {
                s.logging_regions.extend(declared.iter().cloned());
            }
            // `account.regions` are read too, so that what the stack owns in a region
            // no longer declared is still seen (and deleted).
            for r in account_regions.iter().chain(declared.iter()) {
                s.lists.insert((kind, r.clone()));
            }
        }
        if let Some(models) = &cfg.models {
            for m in models {
                for r in &m.regions {
                    s.models.push(ModelNeed {
                        model_id: m.id.value.clone(),
                        region: r.value.clone(),
                        via: m.via.value.as_str().to_string(),
                    });
                }
            }
            s.models.sort();
            s.models.dedup();
        }
        s
    }

    pub fn manages(&self, kind: Kind) -> bool {
        self.lists.iter().any(|(k, _)| *k == kind)
    }

    pub fn covers(&self, kind: Kind, region: &str) -> bool {
        self.lists.contains(&(kind, region.to_string()))
    }

    /// Regions touched by the scope (for per-region concurrency limits).
    pub fn regions(&self) -> BTreeSet<&str> {
        self.lists.iter().map(|(_, r)| r.as_str()).collect()
    }
}
