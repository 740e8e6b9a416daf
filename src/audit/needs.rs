//! What a config makes CloudTrail need to record: the regions its calls go to, and per
//! data event resource type the grants that call it.
//!
//! Every Bedrock config calls the runtime (InvokeModel, Converse, …), which CloudTrail
//! records as management events (see [`super::events`]); so management events, read and
//! write, are needed in every region the config uses. Data events are needed for the
//! agent runtime calls its grants allow: `agent:` (InvokeAgent on agent aliases),
//! `knowledge_base:` (Retrieve, RetrieveAndGenerate) and `guardrail:` (ApplyGuardrail).

use super::events::{AGENT_ALIAS, GUARDRAIL, KNOWLEDGE_BASE};
use crate::config::{Config, RolePolicy};
use std::collections::{BTreeMap, BTreeSet};

/// A data event resource type the config's grants use, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataNeed {
    pub resource_type: &'static str,
    /// Regions of the grants that use it.
    pub regions: BTreeSet<String>,
    /// Why: `role NAME grants agent:` and the like, in config order, deduplicated.
    pub because: Vec<String>,
}

/// What the trails must record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Needs {
    /// Regions the config calls (account regions, grant regions, guardrail regions).
    pub regions: BTreeSet<String>,
    /// Sorted by resource type.
    pub data: Vec<DataNeed>,
}

impl Needs {
    pub fn of(cfg: &Config) -> Needs {
        let mut regions: BTreeSet<String> = cfg.regions().map(str::to_string).collect();
        let mut data: BTreeMap<&'static str, DataNeed> = BTreeMap::new();
        let mut need = |ty: &'static str, rs: &[String], why: String| {
            let n = data.entry(ty).or_insert_with(|| DataNeed {
                resource_type: ty,
                regions: BTreeSet::new(),
                because: Vec::new(),
            });
            n.regions.extend(rs.iter().cloned());
            if !n.because.contains(&why) {
                n.because.push(why);
            }
        };
        let roles = cfg.iam.iter().flat_map(|i| i.roles.iter().flatten());
        for role in roles {
            for p in &role.policies {
                let RolePolicy::Grants { grants, .. } = p else {
                    continue;
                };
                for g in grants {
                    let mut rs: Vec<String> = g.regions.iter().map(|r| r.value.clone()).collect();
                    if rs.is_empty() {
                        rs = cfg.regions().map(str::to_string).collect();
                    }
                    regions.extend(rs.iter().cloned());
                    let who = &role.name.value;
                    if !g.agent.is_empty() {
                        need(AGENT_ALIAS, &rs, format!("role {who} grants agent:"));
                    }
                    if !g.knowledge_base.is_empty() {
                        need(
                            KNOWLEDGE_BASE,
                            &rs,
                            format!("role {who} grants knowledge_base:"),
                        );
                    }
                    if g.guardrail.is_some() {
                        need(GUARDRAIL, &rs, format!("role {who} grants guardrail:"));
                    }
                }
            }
        }
        for g in cfg.guardrails.iter().flatten() {
            regions.extend(g.regions.iter().map(|r| r.value.clone()));
        }
        Needs {
            regions,
            data: data.into_values().collect(),
        }
    }
}
