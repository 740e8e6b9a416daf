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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::SourceMap;

    fn load(yaml: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("trust.json"),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .unwrap();
        let mut sources = SourceMap::default();
        let path = dir.path().join("bedrock.yaml");
        match crate::config::load_str(&path, yaml.to_string(), &mut sources) {
            Ok((cfg, _)) => cfg,
            Err(d) => panic!("{}", d.render(&sources)),
        }
    }

    #[test]
    fn data_needs_come_from_the_grants_that_call_the_agent_runtime() {
        let cfg = load(
            r#"version: 1
stack: s
account:
  regions: [us-east-1, us-west-2]
iam:
  roles:
    - name: agents
      assume_role_policy: trust.json
      policies:
        - grants:
            - invoke: [amazon.nova-pro-v1:0]
              regions: [us-west-2]
              agent: [AGENT12345/ALIAS12345]
    - name: rag
      assume_role_policy: trust.json
      policies:
        - grants:
            - invoke: [amazon.nova-pro-v1:0]
              regions: [us-east-1]
              knowledge_base: [KB12345678]
              guardrail: arn:aws:bedrock:us-east-1:111122223333:guardrail/abcdefghijkl
"#,
        );
        let n = Needs::of(&cfg);
        assert_eq!(
            n.regions.iter().map(String::as_str).collect::<Vec<_>>(),
            ["us-east-1", "us-west-2"]
        );
        let got: Vec<(&str, Vec<&str>, Vec<&str>)> = n
            .data
            .iter()
            .map(|d| {
                (
                    d.resource_type,
                    d.regions.iter().map(String::as_str).collect(),
                    d.because.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    AGENT_ALIAS,
                    vec!["us-west-2"],
                    vec!["role agents grants agent:"]
                ),
                (
                    GUARDRAIL,
                    vec!["us-east-1"],
                    vec!["role rag grants guardrail:"]
                ),
                (
                    KNOWLEDGE_BASE,
                    vec!["us-east-1"],
                    vec!["role rag grants knowledge_base:"]
                ),
            ]
        );
    }

    #[test]
    fn a_config_without_agent_runtime_grants_needs_management_events_only() {
        let cfg = load("version: 1\nstack: s\nmodels:\n  - id: amazon.nova-pro-v1:0\n    regions: [us-east-1]\n");
        let n = Needs::of(&cfg);
        assert!(n.data.is_empty());
        assert_eq!(n.regions.len(), 1);
        assert!(n.regions.contains("us-east-1"));
    }
}
