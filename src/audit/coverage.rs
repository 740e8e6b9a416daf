//! Trails + their selectors + what the config uses → findings. Pure.
//!
//! A region is covered for one need (management events, or the data events of one
//! `resources.type`) when one actively logging trail that is multi-region or homed in
//! that region — an organization trail counts like the account's own — records all of
//! those events, read and write. Each need is judged on its own: one trail may record
//! management events and another the knowledge-base data events.

use super::needs::Needs;
use super::selectors::{records, Probe, Record};
use super::{Finding, RULE_DATA, RULE_MGMT, RULE_MGMT_READS, RULE_NARROWED, RULE_NO_TRAIL};
use super::{RULE_UNREADABLE, RULE_UNREADABLE_TRAIL};
use crate::account::trail::{EventSelectors, Trail};

/// One trail as read in one region: `status`/`selectors` are `Err` when unreadable.
#[derive(Debug, Clone, PartialEq)]
pub struct TrailView {
    pub trail: Trail,
    pub logging: Result<bool, String>,
    pub selectors: Result<EventSelectors, String>,
}

/// What was read in one region: the trails, or why they could not be listed.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionView {
    pub region: String,
    pub trails: Result<Vec<TrailView>, String>,
}

impl TrailView {
    fn covers(&self, region: &str) -> bool {
        self.trail.multi_region || self.trail.home_region == region
    }

    fn label(&self) -> String {
        if self.trail.organization {
            format!("{} (organization trail)", self.trail.name)
        } else {
            self.trail.name.clone()
        }
    }

    /// The lesser of reads and writes for one kind of event.
    fn record(&self, data_type: Option<&str>) -> (Record, Record) {
        match &self.selectors {
            Ok(s) => (
                records(
                    s,
                    Probe {
                        data_type,
                        read_only: true,
                    },
                ),
                records(
                    s,
                    Probe {
                        data_type,
                        read_only: false,
                    },
                ),
            ),
            Err(_) => (Record::None, Record::None),
        }
    }
}

/// The findings for every region of `needs`, in region order.
pub fn findings(needs: &Needs, views: &[RegionView]) -> Vec<Finding> {
    let mut out = Vec::new();
    for region in &needs.regions {
        let Some(view) = views.iter().find(|v| &v.region == region) else {
            continue;
        };
        let trails = match &view.trails {
            Ok(t) => t,
            Err(e) => {
                out.push(Finding::new(
                    RULE_UNREADABLE,
                    region,
                    format!("cannot list the CloudTrail trails of {region}: {e}"),
                ));
                continue;
            }
        };
        let covering: Vec<&TrailView> = trails.iter().filter(|t| t.covers(region)).collect();
        for t in &covering {
            let why = match (&t.logging, &t.selectors) {
                (Err(e), _) | (_, Err(e)) => e,
                _ => continue,
            };
            out.push(Finding::new(
                RULE_UNREADABLE_TRAIL,
                region,
                format!(
                    "cannot read trail {} (it does not count for {region}): {why}",
                    t.label()
                ),
            ));
        }
        let active: Vec<&TrailView> = covering
            .iter()
            .copied()
            .filter(|t| t.logging == Ok(true) && t.selectors.is_ok())
            .collect();
        if active.is_empty() {
            let idle: Vec<String> = covering
                .iter()
                .filter(|t| t.logging == Ok(false))
                .map(|t| t.label())
                .collect();
            let msg = if idle.is_empty() {
                format!("no CloudTrail trail covers {region}: the Bedrock calls of this config there are not recorded")
            } else {
                format!(
                    "no CloudTrail trail covering {region} is logging ({} stopped): the Bedrock calls of this config there are not recorded",
                    idle.join(", ")
                )
            };
            out.push(Finding::new(RULE_NO_TRAIL, region, msg));
            continue;
        }
        // Management events: the runtime calls (InvokeModel, Converse, …).
        judge(&mut out, region, &active, None, "");
        for d in needs.data.iter().filter(|d| d.regions.contains(region)) {
            judge(
                &mut out,
                region,
                &active,
                Some(d.resource_type),
                &d.because.join(", "),
            );
        }
    }
    out
}

fn judge(
    out: &mut Vec<Finding>,
    region: &str,
    active: &[&TrailView],
    data_type: Option<&str>,
    because: &str,
) {
    let per_trail: Vec<(&TrailView, Record, Record)> = active
        .iter()
        .map(|t| {
            let (r, w) = t.record(data_type);
            (*t, r, w)
        })
        .collect();
    let best = per_trail
        .iter()
        .map(|(_, r, w)| (*r).min(*w))
        .max()
        .unwrap_or(Record::None);
    let names = |f: &dyn Fn(&(&TrailView, Record, Record)) -> bool| -> String {
        per_trail
            .iter()
            .filter(|x| f(x))
            .map(|(t, _, _)| t.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (best, data_type) {
        (Record::All, _) => {}
        (Record::Narrowed, None) => out.push(Finding::new(
            RULE_NARROWED,
            region,
            format!(
                "the trails covering {region} record only some Bedrock management events (their selectors also filter on names, ARNs or identities: {})",
                names(&|(_, r, w)| (*r).min(*w) == Record::Narrowed)
            ),
        )),
        (Record::Narrowed, Some(t)) => out.push(Finding::new(
            RULE_NARROWED,
            region,
            format!(
                "the trails covering {region} record only some {t} data events (their selectors also filter on names, ARNs or identities: {}); used because {because}",
                names(&|(_, r, w)| (*r).min(*w) == Record::Narrowed)
            ),
        )),
        (Record::None, None) => {
            let writers = names(&|(_, r, w)| *w > Record::None && *r == Record::None);
            if writers.is_empty() {
                out.push(Finding::new(
                    RULE_MGMT,
                    region,
                    format!("no logging trail covering {region} records management events: Bedrock runtime calls (InvokeModel, Converse, …) there are not recorded"),
                ));
            } else {
                out.push(Finding::new(
                    RULE_MGMT_READS,
                    region,
                    format!("the trails covering {region} record only write management events ({writers}): Bedrock's read calls there are not recorded"),
                ));
            }
        }
        (Record::None, Some(t)) => {
            let calls = super::events::calls_of(t).join(", ");
            // A trail that records only the reads or only the writes of the type.
            let half = names(&|(_, r, w)| (*r).max(*w) > Record::None);
            let msg = if half.is_empty() {
                format!("no logging trail covering {region} records {t} data events ({calls}), used because {because}")
            } else {
                format!("the trails covering {region} record {t} data events ({calls}) for reads or for writes only ({half}), used because {because}")
            };
            out.push(Finding::new(RULE_DATA, region, msg));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::trail::{BasicSelector, FieldSelector};
    use crate::audit::events::{AGENT_ALIAS, KNOWLEDGE_BASE};
    use crate::audit::needs::DataNeed;
    use crate::audit::selectors::selectors_for;
    use crate::diag::Severity;

    fn needs(data: &[&'static str]) -> Needs {
        Needs {
            regions: ["us-east-1".to_string()].into(),
            data: data
                .iter()
                .map(|t| DataNeed {
                    resource_type: t,
                    regions: ["us-east-1".to_string()].into(),
                    because: vec!["role app grants x:".to_string()],
                })
                .collect(),
        }
    }

    fn trail(name: &str, home: &str, multi: bool, sel: EventSelectors) -> TrailView {
        TrailView {
            trail: Trail {
                name: name.into(),
                arn: format!("arn:aws:cloudtrail:{home}:111122223333:trail/{name}"),
                home_region: home.into(),
                multi_region: multi,
                ..Trail::default()
            },
            logging: Ok(true),
            selectors: Ok(sel),
        }
    }

    fn basic(rw: &str) -> EventSelectors {
        EventSelectors {
            basic: vec![BasicSelector {
                read_write_type: rw.into(),
                include_management_events: true,
                ..BasicSelector::default()
            }],
            advanced: vec![],
        }
    }

    fn region(trails: Vec<TrailView>) -> Vec<RegionView> {
        vec![RegionView {
            region: "us-east-1".into(),
            trails: Ok(trails),
        }]
    }

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.code).collect()
    }

    #[test]
    fn no_trail_is_an_error() {
        let f = findings(&needs(&[]), &region(vec![]));
        assert_eq!(codes(&f), ["cloudtrail-no-logging-trail"]);
        assert_eq!(f[0].severity, Severity::Error);
    }

    #[test]
    fn a_stopped_trail_does_not_count_and_is_named() {
        let mut t = trail("main", "us-east-1", true, basic("All"));
        t.logging = Ok(false);
        let f = findings(&needs(&[]), &region(vec![t]));
        assert_eq!(codes(&f), ["cloudtrail-no-logging-trail"]);
        assert!(f[0].message.contains("main stopped"), "{}", f[0].message);
    }

    #[test]
    fn write_only_trail_misses_reads() {
        let f = findings(
            &needs(&[]),
            &region(vec![trail("w", "us-east-1", true, basic("WriteOnly"))]),
        );
        assert_eq!(codes(&f), ["cloudtrail-management-reads-missing"]);
        assert!(f[0].message.contains("(w)"));
    }

    #[test]
    fn a_trail_of_another_region_covers_only_when_multi_region() {
        let f = findings(
            &needs(&[]),
            &region(vec![trail("west", "us-west-2", false, basic("All"))]),
        );
        assert_eq!(codes(&f), ["cloudtrail-no-logging-trail"]);
        let f = findings(
            &needs(&[]),
            &region(vec![trail("west", "us-west-2", true, basic("All"))]),
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn organization_trails_count() {
        let mut t = trail("org", "us-west-2", true, basic("All"));
        t.trail.organization = true;
        assert!(findings(&needs(&[]), &region(vec![t])).is_empty());
    }

    #[test]
    fn data_events_per_type() {
        let all = EventSelectors {
            basic: vec![],
            advanced: selectors_for(&[KNOWLEDGE_BASE]),
        };
        let f = findings(
            &needs(&[KNOWLEDGE_BASE, AGENT_ALIAS]),
            &region(vec![trail("t", "us-east-1", false, all)]),
        );
        assert_eq!(codes(&f), ["cloudtrail-data-events-missing"]);
        assert!(f[0].message.contains(AGENT_ALIAS));
        assert!(f[0].message.contains("InvokeAgent"));
        assert!(f[0].message.contains("role app grants x:"));
    }

    #[test]
    fn data_events_of_one_direction_only_are_missing_and_say_so() {
        let mut sel = selectors_for(&[KNOWLEDGE_BASE]);
        sel[1]
            .field_selectors
            .push(FieldSelector::equals("readOnly", &["true"]));
        let f = findings(
            &needs(&[KNOWLEDGE_BASE]),
            &region(vec![trail(
                "reads",
                "us-east-1",
                true,
                EventSelectors {
                    basic: vec![],
                    advanced: sel,
                },
            )]),
        );
        assert_eq!(codes(&f), ["cloudtrail-data-events-missing"]);
        assert!(f[0].message.contains("only (reads)"), "{}", f[0].message);
    }

    #[test]
    fn needs_may_be_met_by_different_trails() {
        let data_only = EventSelectors {
            basic: vec![],
            advanced: selectors_for(&[KNOWLEDGE_BASE]).split_off(1),
        };
        let f = findings(
            &needs(&[KNOWLEDGE_BASE]),
            &region(vec![
                trail("mgmt", "us-east-1", true, basic("All")),
                trail("data", "us-east-1", false, data_only),
            ]),
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn narrowed_selectors_warn() {
        let mut sel = selectors_for(&[KNOWLEDGE_BASE]);
        sel[1]
            .field_selectors
            .push(FieldSelector::equals("eventName", &["RetrieveAndGenerate"]));
        let f = findings(
            &needs(&[KNOWLEDGE_BASE]),
            &region(vec![trail(
                "t",
                "us-east-1",
                true,
                EventSelectors {
                    basic: vec![],
                    advanced: sel,
                },
            )]),
        );
        assert_eq!(codes(&f), ["cloudtrail-selector-narrowed"]);
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn unreadable_trails_and_regions() {
        let mut t = trail("t", "us-east-1", true, basic("All"));
        t.selectors = Err("AccessDeniedException: no".into());
        let f = findings(&needs(&[]), &region(vec![t]));
        assert_eq!(
            codes(&f),
            ["cloudtrail-trail-unreadable", "cloudtrail-no-logging-trail"]
        );
        let f = findings(
            &needs(&[]),
            &[RegionView {
                region: "us-east-1".into(),
                trails: Err("AccessDenied".into()),
            }],
        );
        assert_eq!(codes(&f), ["cloudtrail-unreadable"]);
    }
}
