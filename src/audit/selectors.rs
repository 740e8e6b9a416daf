//! Whether a trail's event selectors record a kind of Bedrock event.
//!
//! Advanced selectors (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html):
//! the selectors of a trail are ORed, the field selectors of one selector ANDed; within
//! one field, the values of the positive operators (`Equals`, `StartsWith`, `EndsWith`)
//! are ORed and the negative ones (`NotEquals`, …) must all hold. Basic selectors
//! (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html)
//! record management events when `IncludeManagementEvents` is true, filtered by
//! `ReadWriteType`, minus `ExcludeManagementEventSources`.
//!
//! The probe fixes the fields every Bedrock event of a kind shares (`eventCategory`,
//! `resources.type`, `readOnly`, `eventSource`). A selector that also tests a field that
//! varies between calls or resources (`eventName`, `resources.ARN`, `userIdentity.arn`,
//! …) records only some of them: it counts as [`Record::Narrowed`], as the CIS
//! benchmark lets such a selector count (narrowing is how teams control cost), but the
//! audit says so.

use super::events::EVENT_SOURCE;
use crate::account::trail::{AdvancedSelector, EventSelectors, FieldSelector};

/// A kind of event: every Bedrock event with these fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe<'a> {
    /// `None`: management events; `Some(type)`: data events of that `resources.type`.
    pub data_type: Option<&'a str>,
    pub read_only: bool,
}

/// How much of the probed events a trail records. Ordered: more is greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Record {
    None,
    /// Some of them: a selector also filters on names, ARNs or identities.
    Narrowed,
    All,
}

/// The best any selector of the trail does for `probe`.
pub fn records(sel: &EventSelectors, probe: Probe<'_>) -> Record {
    let advanced = sel.advanced.iter().map(|s| advanced(s, probe));
    let basic = sel.basic.iter().map(|b| {
        match probe.data_type {
            None => {
                let rw = match b.read_write_type.as_str() {
                    "ReadOnly" => probe.read_only,
                    "WriteOnly" => !probe.read_only,
                    _ => true,
                };
                let excluded = b
                    .exclude_management_event_sources
                    .iter()
                    .any(|s| s == EVENT_SOURCE);
                if b.include_management_events && rw && !excluded {
                    Record::All
                } else {
                    Record::None
                }
            }
            // Basic selectors log only S3, Lambda and DynamoDB data events; a Bedrock
            // type there is recorded at most for the listed ARN prefixes.
            Some(t) => {
                let rw = match b.read_write_type.as_str() {
                    "ReadOnly" => probe.read_only,
                    "WriteOnly" => !probe.read_only,
                    _ => true,
                };
                if rw && b.data_resources.iter().any(|(ty, _)| ty == t) {
                    Record::Narrowed
                } else {
                    Record::None
                }
            }
        }
    });
    advanced.chain(basic).max().unwrap_or(Record::None)
}

fn advanced(s: &AdvancedSelector, probe: Probe<'_>) -> Record {
    let mut out = Record::All;
    let mut has_category = false;
    for f in &s.field_selectors {
        let value = match f.field.as_str() {
            "eventCategory" => {
                has_category = true;
                Some(if probe.data_type.is_some() {
                    "Data"
                } else {
                    "Management"
                })
            }
            // Management events carry no resources.type: a selector testing it
            // matches none of them.
            "resources.type" => match probe.data_type {
                Some(t) => Some(t),
                None => return Record::None,
            },
            "readOnly" => Some(if probe.read_only { "true" } else { "false" }),
            "eventSource" => Some(EVENT_SOURCE),
            _ => None,
        };
        match value {
            Some(v) if !field_matches(f, v) => return Record::None,
            Some(_) => {}
            None => out = Record::Narrowed,
        }
    }
    // `eventCategory` is required in every advanced selector; without it, nothing.
    if !has_category {
        return Record::None;
    }
    // A data selector must name its resources.type.
    if probe.data_type.is_some()
        && !s
            .field_selectors
            .iter()
            .any(|f| f.field == "resources.type")
    {
        return Record::None;
    }
    out
}

/// Whether `v` passes one field selector (operators are case-sensitive).
pub fn field_matches(f: &FieldSelector, v: &str) -> bool {
    let positive = !f.equals.is_empty() || !f.starts_with.is_empty() || !f.ends_with.is_empty();
    let any_positive = f.equals.iter().any(|x| x == v)
        || f.starts_with.iter().any(|x| v.starts_with(x.as_str()))
        || f.ends_with.iter().any(|x| v.ends_with(x.as_str()));
    let any_negative = f.not_equals.iter().any(|x| x == v)
        || f.not_starts_with.iter().any(|x| v.starts_with(x.as_str()))
        || f.not_ends_with.iter().any(|x| v.ends_with(x.as_str()));
    (!positive || any_positive) && !any_negative
}

/// The advanced selectors a managed trail gets: all management events (read and
/// write), and all data events of each type in `data_types`.
pub fn selectors_for(data_types: &[&str]) -> Vec<AdvancedSelector> {
    let mut out = vec![AdvancedSelector {
        name: Some("Management events (read and write)".to_string()),
        field_selectors: vec![FieldSelector::equals("eventCategory", &["Management"])],
    }];
    for t in data_types {
        out.push(AdvancedSelector {
            name: Some(format!("Data events: {t}")),
            field_selectors: vec![
                FieldSelector::equals("eventCategory", &["Data"]),
                FieldSelector::equals("resources.type", &[t]),
            ],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::trail::BasicSelector;

    const KB: &str = "AWS::Bedrock::KnowledgeBase";

    fn mgmt(read_only: bool) -> Probe<'static> {
        Probe {
            data_type: None,
            read_only,
        }
    }

    fn data(t: &'static str, read_only: bool) -> Probe<'static> {
        Probe {
            data_type: Some(t),
            read_only,
        }
    }

    fn basic(rw: &str, mgmt: bool) -> EventSelectors {
        EventSelectors {
            basic: vec![BasicSelector {
                read_write_type: rw.to_string(),
                include_management_events: mgmt,
                ..BasicSelector::default()
            }],
            advanced: vec![],
        }
    }

    fn adv(fields: Vec<FieldSelector>) -> EventSelectors {
        EventSelectors {
            basic: vec![],
            advanced: vec![AdvancedSelector {
                name: None,
                field_selectors: fields,
            }],
        }
    }

    #[test]
    fn basic_write_only_misses_reads() {
        let s = basic("WriteOnly", true);
        assert_eq!(records(&s, mgmt(false)), Record::All);
        assert_eq!(records(&s, mgmt(true)), Record::None);
        assert_eq!(records(&basic("All", true), mgmt(true)), Record::All);
        assert_eq!(records(&basic("All", false), mgmt(true)), Record::None);
        assert_eq!(records(&basic("All", true), data(KB, true)), Record::None);
    }

    #[test]
    fn basic_excluding_bedrock_records_no_bedrock_management_event() {
        let mut s = basic("All", true);
        s.basic[0].exclude_management_event_sources = vec![EVENT_SOURCE.to_string()];
        assert_eq!(records(&s, mgmt(true)), Record::None);
        s.basic[0].exclude_management_event_sources = vec!["kms.amazonaws.com".to_string()];
        assert_eq!(records(&s, mgmt(true)), Record::All);
    }

    #[test]
    fn advanced_management_with_read_only_filter() {
        let s = adv(vec![
            FieldSelector::equals("eventCategory", &["Management"]),
            FieldSelector::equals("readOnly", &["false"]),
        ]);
        assert_eq!(records(&s, mgmt(false)), Record::All);
        assert_eq!(records(&s, mgmt(true)), Record::None);
        assert_eq!(records(&s, data(KB, false)), Record::None);
    }

    #[test]
    fn advanced_data_needs_its_type() {
        let s = EventSelectors {
            basic: vec![],
            advanced: selectors_for(&[KB]),
        };
        assert_eq!(records(&s, data(KB, true)), Record::All);
        assert_eq!(records(&s, data(KB, false)), Record::All);
        assert_eq!(
            records(&s, data("AWS::Bedrock::AgentAlias", true)),
            Record::None
        );
        assert_eq!(records(&s, mgmt(true)), Record::All);
        // No resources.type: not a data selector at all.
        let s = adv(vec![FieldSelector::equals("eventCategory", &["Data"])]);
        assert_eq!(records(&s, data(KB, true)), Record::None);
    }

    #[test]
    fn advanced_narrowing_fields_count_as_narrowed() {
        let mut arn = FieldSelector::equals("resources.ARN", &[]);
        arn.starts_with = vec!["arn:aws:bedrock:us-east-1:111122223333:knowledge-base/".into()];
        let s = adv(vec![
            FieldSelector::equals("eventCategory", &["Data"]),
            FieldSelector::equals("resources.type", &[KB]),
            arn,
        ]);
        assert_eq!(records(&s, data(KB, true)), Record::Narrowed);
    }

    #[test]
    fn negative_operators_all_hold_positive_ones_any() {
        let f = FieldSelector {
            field: "eventSource".into(),
            not_equals: vec!["kms.amazonaws.com".into(), EVENT_SOURCE.into()],
            ..FieldSelector::default()
        };
        assert!(!field_matches(&f, EVENT_SOURCE));
        assert!(field_matches(&f, "s3.amazonaws.com"));
        let f = FieldSelector {
            field: "resources.type".into(),
            starts_with: vec!["AWS::Bedrock::".into()],
            not_ends_with: vec!["Guardrail".into()],
            ..FieldSelector::default()
        };
        assert!(field_matches(&f, KB));
        assert!(!field_matches(&f, "AWS::Bedrock::Guardrail"));
        assert!(!field_matches(&f, "AWS::S3::Object"));
    }

    #[test]
    fn the_best_selector_wins() {
        let mut s = adv(vec![
            FieldSelector::equals("eventCategory", &["Management"]),
            FieldSelector::equals("readOnly", &["false"]),
        ]);
        s.advanced.push(AdvancedSelector {
            name: None,
            field_selectors: vec![
                FieldSelector::equals("eventCategory", &["Management"]),
                FieldSelector::equals("readOnly", &["true"]),
            ],
        });
        assert_eq!(records(&s, mgmt(true)), Record::All);
        assert_eq!(records(&s, mgmt(false)), Record::All);
    }
}
