//! The Amazon Bedrock IAM actions and condition keys lint knows, read from
//! `data/bedrock_iam.txt` (built from the Service Authorization Reference; the file's
//! header says how and when), with case-insensitive lookups as IAM matches them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The data file, embedded so lint needs no I/O.
const DATA: &str = include_str!("data/bedrock_iam.txt");

/// Date the data file was built, quoted in findings about names it lacks.
pub const BUILT: &str = "2026-12-05";

/// Where the names come from, quoted in findings and docs.
pub const SOURCE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html";

/// Where the global `aws:` keys come from.
pub const GLOBAL_SOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html";

/// Which resources an action authorizes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resources {
    /// Not recorded: lint does not judge the `Resource` element of this action.
    Unrecorded,
    /// No resource type: only `Resource: "*"` matches.
    StarOnly,
    /// Only ARNs of these resource types (e.g. `knowledge-base`).
    Types(Vec<String>),
}

/// The parsed data file.
#[derive(Debug, Default)]
pub struct Names {
    /// Lower-cased action name (no `bedrock:` prefix) → (name as AWS spells it, resources).
    actions: BTreeMap<String, (String, Resources)>,
    /// Lower-cased condition key name (no prefix) → (name as AWS spells it, confirmed
    /// by AWS material: only those are suggested).
    keys: BTreeMap<String, (String, bool)>,
    /// Global `aws:` keys (no prefix), as AWS spells them; a trailing `/` is a prefix.
    globals: Vec<String>,
}

impl Names {
    fn parse(text: &str) -> Names {
        let mut n = Names::default();
        for line in text.lines().map(str::trim) {
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some("action"), Some(name), res) => {
                    let res = match res {
                        None => Resources::Unrecorded,
                        Some("*") => Resources::StarOnly,
                        Some(types) => {
                            Resources::Types(types.split(',').map(str::to_string).collect())
                        }
                    };
                    n.actions
                        .insert(name.to_ascii_lowercase(), (name.to_string(), res));
                }
                (Some(k @ ("key" | "key?")), Some(name), None) => {
                    n.keys
                        .insert(name.to_ascii_lowercase(), (name.to_string(), k == "key"));
                }
                (Some("global"), Some(name), None) => n.globals.push(name.to_string()),
                _ => {}
            }
        }
        n
    }

    /// The action `name` (without the `bedrock:` prefix), case-insensitively.
    pub fn action(&self, name: &str) -> Option<&(String, Resources)> {
        self.actions.get(&name.to_ascii_lowercase())
    }

    /// Every action name, as AWS spells it.
    pub fn action_names(&self) -> impl Iterator<Item = &str> {
        self.actions.values().map(|(n, _)| n.as_str())
    }

    /// Whether `key` (without the `bedrock:` prefix) is a known condition key.
    pub fn has_key(&self, key: &str) -> bool {
        self.keys.contains_key(&key.to_ascii_lowercase())
    }

    /// Whether `key` (without the `aws:` prefix) is a global condition key.
    pub fn has_global(&self, key: &str) -> bool {
        self.globals.iter().any(|g| match g.strip_suffix('/') {
            Some(prefix) => key
                .get(..g.len())
                .is_some_and(|k| k.eq_ignore_ascii_case(g) && key.len() > prefix.len() + 1),
            None => key.eq_ignore_ascii_case(g),
        })
    }

    /// Every global key name (tag keys with their `/`), as AWS spells it.
    pub fn global_names(&self) -> impl Iterator<Item = &str> {
        self.globals.iter().map(String::as_str)
    }

    /// The confirmed condition key names, as AWS spells them (for "did you mean").
    pub fn key_names(&self) -> impl Iterator<Item = &str> {
        self.keys
            .values()
            .filter(|(_, confirmed)| *confirmed)
            .map(|(n, _)| n.as_str())
    }
}

/// The names, parsed once.
pub fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| Names::parse(DATA))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_parses_and_holds_the_core_names() {
        let n = names();
        assert!(n.action_names().count() > 200);
        assert_eq!(
            n.action("invokemodel").map(|(a, r)| (a.as_str(), r)),
            Some(("InvokeModel", &Resources::Unrecorded))
        );
        assert_eq!(
            n.action("ListFoundationModels").map(|(_, r)| r),
            Some(&Resources::StarOnly)
        );
        assert_eq!(
            n.action("Retrieve").map(|(_, r)| r),
            Some(&Resources::Types(vec!["knowledge-base".into()]))
        );
        assert!(n.action("Converse").is_none());
        assert!(n.has_key("bearerTokenType"));
        assert!(!n.has_key("modelId"));
        assert!(n.has_key("modelarn"));
        assert!(!n.key_names().any(|k| k == "ModelArn"));
        assert!(n.has_global("requestedregion"));
        assert!(n.has_global("ResourceTag/Team"));
        assert!(!n.has_global("ResourceTag/"));
        assert!(!n.has_global("RequestRegion"));
    }
}
