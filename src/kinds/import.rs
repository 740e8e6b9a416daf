//! What `import` gathers from each kind before `plan::adopt` writes it out: config
//! entries by section (JSON objects, written as YAML flow values), the policy
//! documents to save beside them, and comment lines.

use crate::account::{Resource, TAG_MANAGED_BY, TAG_PREVENT_DESTROY, TAG_STACK};
use crate::vocab::TAG_APPLIED;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct ImportDoc {
    /// Section key (`alarms`, `iam.roles`, …) → its entries, in the order found.
    pub entries: BTreeMap<&'static str, Vec<Value>>,
    /// Entries of one name in several regions (guardrails), by (section, name).
    pub by_name: BTreeMap<(&'static str, String), Value>,
    /// (file, document) pairs the entries refer to.
    pub docs: Vec<(String, Value)>,
    /// Custom models, as comment lines.
    pub custom_models: Vec<String>,
}

impl ImportDoc {
    pub fn entry(&mut self, section: &'static str, pairs: Vec<(&str, Value)>) {
        self.entries.entry(section).or_default().push(obj(pairs));
    }

    /// An entry with a `regions` list: the first region's fields, later regions only
    /// added to the list.
    pub fn regional_entry(
        &mut self,
        section: &'static str,
        r: &Resource,
        pairs: Vec<(&str, Value)>,
    ) {
        match self.by_name.get_mut(&(section, r.name.clone())) {
            Some(Value::Object(e)) => {
                if let Some(Value::Array(regions)) = e.get_mut("regions") {
                    regions.push(json!(r.region));
                }
            }
            _ => {
                self.by_name.insert((section, r.name.clone()), obj(pairs));
            }
        }
    }

    /// The gathered entries moved to the end of their sections.
    pub fn finish(mut self) -> ImportDoc {
        for ((section, _), e) in std::mem::take(&mut self.by_name) {
            self.entries.entry(section).or_default().push(e);
        }
        self
    }
}

/// An object of the pairs that say something (no null, empty list or empty object).
pub fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        if !v.is_null() && v != json!([]) && v != json!({}) {
            m.insert(k.to_string(), v);
        }
    }
    Value::Object(m)
}

/// The tags a user set: not AWS's, not bedrockctl's ownership.
pub fn user_tags(r: &Resource) -> Value {
    let tags: BTreeMap<&String, &String> = r
        .tags
        .iter()
        .filter(|(k, _)| {
            !k.starts_with("aws:")
                && k.as_str() != TAG_MANAGED_BY
                && k.as_str() != TAG_STACK
                && k.as_str() != TAG_PREVENT_DESTROY
                && k.as_str() != TAG_APPLIED
        })
        .collect();
    json!(tags)
}

/// `prevent_destroy: true` when the resource is marked, else nothing.
pub fn prevent(r: &Resource) -> Value {
    if r.prevent_destroy() {
        json!(true)
    } else {
        Value::Null
    }
}
