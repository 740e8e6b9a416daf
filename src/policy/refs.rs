//! References from grants to the stack's own resources, resolved to exact ARNs.
//!
//! A guardrail's id is assigned by Bedrock at create time, so a grant's
//! `guardrail: NAME` can only become an exact ARN once the guardrail exists. The
//! caller reads the live account (the plan's snapshot, the sandbox) and fills a
//! [`StackRefs`]; without an entry the generator keeps its account-wide fallback.
//! No state file: the account is the only source of ids.

use crate::account::spec::Spec;
use crate::account::{Kind, Resource};
use crate::config::Config;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Exact ARNs of the stack's resources, keyed by (kind, config name, region).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackRefs {
    arns: BTreeMap<(Kind, String, String), String>,
    placeholders: bool,
    /// Resources the config declares, for the plan's pending placeholders.
    pending: BTreeSet<(Kind, String, String)>,
}

/// The placeholder of the ARN of the resource at `address`, until apply creates it:
/// `${guardrail.us-east-1.default-safety.arn}`. Never a valid IAM policy variable
/// (those are `${aws:…}`-style keys), so it cannot clash with one.
pub fn placeholder(address: &str) -> String {
    format!("${{{address}.arn}}")
}

/// The addresses of the placeholders in `s`.
pub fn placeholders_in(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let tail = &rest[i + 2..];
        let Some(j) = tail.find('}') else { break };
        if let Some(addr) = tail[..j].strip_suffix(".arn") {
            if REF_KINDS
                .iter()
                .any(|k| addr.starts_with(k.as_str()) && addr[k.as_str().len()..].starts_with('.'))
            {
                out.push(addr);
            }
        }
        rest = &tail[j + 1..];
    }
    out
}

/// `s` with every placeholder shown as Terraform shows a value it cannot know yet.
pub fn mask_unknowns(s: &str) -> String {
    let mut out = s.to_string();
    for addr in placeholders_in(s) {
        out = out.replace(&placeholder(addr), KNOWN_AFTER_APPLY);
    }
    out
}

/// How plans show a value that only apply can know.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// The address of the first placeholder in `v`, if any.
pub fn first_placeholder(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => placeholders_in(s).into_iter().next(),
        Value::Array(a) => a.iter().find_map(first_placeholder),
        Value::Object(m) => m.values().find_map(first_placeholder),
        _ => None,
    }
}

/// Whether any string in `v` holds a placeholder.
pub fn has_placeholder(v: &Value) -> bool {
    first_placeholder(v).is_some()
}

/// JSON pointers (RFC 6901) of the strings in `v` that hold a placeholder.
pub fn unknown_pointers(v: &Value) -> Vec<String> {
    fn walk(v: &Value, at: &mut String, out: &mut Vec<String>) {
        match v {
            Value::String(s) if !placeholders_in(s).is_empty() => out.push(at.clone()),
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&i.to_string());
                    walk(x, at, out);
                    at.truncate(len);
                }
            }
            Value::Object(m) => {
                for (k, x) in m {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    walk(x, at, out);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut String::new(), &mut out);
    out
}

/// Replace every placeholder whose address `known` maps to an ARN; the others stay.
pub fn substitute(v: &mut Value, known: &BTreeMap<String, String>) {
    match v {
        Value::String(s) => {
            for addr in placeholders_in(s)
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
            {
                if let Some(arn) = known.get(&addr) {
                    *s = s.replace(&placeholder(&addr), arn);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| substitute(x, known)),
        Value::Object(m) => m.values_mut().for_each(|x| substitute(x, known)),
        _ => {}
    }
}

/// The address of the first placeholder in a spec, if any.
pub fn spec_placeholder(spec: &Spec) -> Option<String> {
    first_placeholder(&spec.to_value()).map(str::to_string)
}

/// Whether any string of a spec holds a placeholder.
pub fn spec_has_placeholder(spec: &Spec) -> bool {
    spec_placeholder(spec).is_some()
}

/// [`substitute`] over a spec: placeholders live in the strings of its JSON form
/// (policy documents above all), so the spec goes through that form and back.
pub fn substitute_spec(spec: &mut Spec, known: &BTreeMap<String, String>) {
    if known.is_empty() {
        return;
    }
    let mut v = spec.to_value();
    if !has_placeholder(&v) {
        return;
    }
    substitute(&mut v, known);
    // Substituting strings for strings keeps the shape, so this cannot fail; if it
    // ever did, the placeholders stay and apply refuses the step by address.
    if let Ok(s) = Spec::from_value(spec.kind(), v) {
        *spec = s;
    }
}

/// Kinds a grant may refer to by name.
pub const REF_KINDS: [Kind; 3] = [
    Kind::Guardrail,
    Kind::ProvisionedThroughput,
    Kind::InferenceProfile,
];

/// The live ARNs of the resources the stack refers to, by address, among the plan's
/// changes' live sides (`(kind, region, name, id)`).
pub fn known_arns<'a>(
    live: impl Iterator<Item = (Kind, &'a str, &'a str, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    live.filter(|(k, ..)| REF_KINDS.contains(k))
        .filter_map(|(k, region, name, id)| {
            let arn = id.filter(|a| a.starts_with("arn:"))?;
            Some((format!("{k}.{region}.{name}"), arn.to_string()))
        })
        .collect()
}

impl StackRefs {
    /// No resource resolved: every reference keeps the account-wide fallback.
    pub fn none() -> Self {
        Self::default()
    }

    /// No account known: an unresolved reference prints as a placeholder that says
    /// what it stands for (`${guardrail.NAME.arn}`) instead of a wildcard. Such a
    /// document is for reading, not for IAM.
    pub fn placeholders() -> Self {
        Self {
            placeholders: true,
            ..Self::default()
        }
    }

    /// The plan's form: a reference to a resource the config declares is a placeholder
    /// of its address ([`placeholder`]), which planning replaces with the live ARN and
    /// apply with the ARN of the resource it creates.
    pub fn pending(cfg: &Config) -> Self {
        let mut pending = BTreeSet::new();
        for g in cfg.guardrails.iter().flatten() {
            for r in &g.regions {
                pending.insert((Kind::Guardrail, g.name.value.clone(), r.value.clone()));
            }
        }
        for p in cfg.provisioned_throughput.iter().flatten() {
            pending.insert((
                Kind::ProvisionedThroughput,
                p.name.value.clone(),
                p.region.value.clone(),
            ));
        }
        for p in cfg.inference_profiles.iter().flatten() {
            pending.insert((
                Kind::InferenceProfile,
                p.name.value.clone(),
                p.region.value.clone(),
            ));
        }
        Self {
            pending,
            ..Self::default()
        }
    }

    /// The ARN of the stack's `kind` resource `name` in `region`: the live one when
    /// known, else the placeholder this rendering uses, else `None` (the caller's
    /// account-wide fallback).
    pub fn resolve(&self, kind: Kind, name: &str, region: &str) -> Option<String> {
        let key = (kind, name.to_string(), region.to_string());
        if let Some(arn) = self.arns.get(&key) {
            return Some(arn.clone());
        }
        if self.pending.contains(&key) {
            return Some(placeholder(&format!("{kind}.{region}.{name}")));
        }
        self.placeholders.then(|| {
            let label = match kind {
                Kind::ProvisionedThroughput => "provisioned",
                Kind::InferenceProfile => "profile",
                _ => kind.as_str(),
            };
            format!("${{{label}.{name}.arn}}")
        })
    }

    /// Record the live ARN of the stack's `kind` resource `name` in `region`.
    pub fn add(&mut self, kind: Kind, name: &str, region: &str, arn: &str) {
        self.arns.insert(
            (kind, name.to_string(), region.to_string()),
            arn.to_string(),
        );
    }

    /// The ARNs of `stack`'s guardrails among `live` (what the account lists): only
    /// resources bedrockctl manages for that stack, so a same-named guardrail of
    /// another stack or of the console is never granted.
    pub fn from_live(stack: &str, live: &[Resource]) -> Self {
        let mut refs = Self::none();
        for r in live {
            if REF_KINDS.contains(&r.kind) && r.stack() == Some(stack) {
                if let Some(arn) = r.id.as_deref().filter(|a| a.starts_with("arn:")) {
                    refs.add(r.kind, &r.name, &r.region, arn);
                }
            }
        }
        refs
    }

    /// The live ARN of guardrail `name` in `region`, when it exists.
    pub fn guardrail(&self, name: &str, region: &str) -> Option<&str> {
        self.arns
            .get(&(Kind::Guardrail, name.to_string(), region.to_string()))
            .map(String::as_str)
    }
}
