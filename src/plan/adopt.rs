//! What exists in an account, as the `import` outputs: a JSON inventory
//! (`[{"kind","name","region","id","managed"}]`, design.md) or a config snippet that
//! adopts the resources when pasted into a `bedrock.yaml`.
//!
//! Pure: it renders resources already read. The YAML uses JSON-style flow values, which
//! are valid YAML and keep every string quoted exactly.

use crate::account::{Kind, ModelStatus, Resource};
use crate::kinds::def;
use crate::kinds::import::ImportDoc;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One inventory row per resource, plus `model_access` rows for usable models.
/// Invocation logging cannot be tagged: it counts as managed in the regions where the
/// config (when one was given) declares it, under that config's stack.
pub fn inventory_json(
    resources: &[Resource],
    models: &[ModelStatus],
    logging: Option<(&str, &std::collections::BTreeSet<String>)>,
) -> Value {
    let mut rows: Vec<Value> = resources
        .iter()
        .map(|r| {
            let declared = match logging {
                Some((stack, regions))
                    if r.kind == Kind::InvocationLogging && regions.contains(&r.region) =>
                {
                    Some(stack)
                }
                _ => None,
            };
            json!({
                "kind": r.kind.as_str(), "name": r.name, "region": r.region,
                "id": r.id, "managed": r.is_managed() || declared.is_some(),
                "stack": r.stack().or(declared),
            })
        })
        .collect();
    for m in models.iter().filter(|m| m.is_ready()) {
        rows.push(json!({
            "kind": "model_access", "name": m.model_id, "region": m.region,
            "id": m.model_id, "managed": false, "stack": null,
        }));
    }
    Value::Array(rows)
}

fn flow(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A config snippet (top-level keys) that describes `resources` as they are; each kind
/// writes its own entries (`kinds::KindDef::import`).
pub fn adopt_yaml(resources: &[Resource]) -> String {
    let mut doc = ImportDoc::default();
    for r in resources {
        def(r.kind).import(r, &mut doc);
    }
    let ImportDoc {
        entries,
        docs,
        custom_models,
        ..
    } = doc.finish();
    let sections: BTreeMap<&str, Vec<String>> = entries
        .into_iter()
        .map(|(k, v)| (k, v.iter().map(flow).collect()))
        .collect();

    let mut out = String::from(
        "# Resources found in the account, as bedrock.yaml entries that adopt them.\n\
         # Paste the sections you want to manage into your config; the next apply adds\n\
         # the ownership tags. Policy documents to save are listed at the end.\n",
    );
    // `models:` first, as configs write it (agreements in place, issue 17).
    for &key in std::iter::once(&"models").chain(crate::config::REGIONAL_SECTIONS) {
        if let Some(items) = sections.get(key) {
            let _ = writeln!(out, "{key}:");
            for i in items {
                let _ = writeln!(out, "  - {i}");
            }
        }
    }
    if sections.contains_key("iam.policies") || sections.contains_key("iam.roles") {
        out.push_str("iam:\n");
        for (key, name) in [("iam.policies", "policies"), ("iam.roles", "roles")] {
            if let Some(items) = sections.get(key) {
                let _ = writeln!(out, "  {name}:");
                for i in items {
                    let _ = writeln!(out, "    - {i}");
                }
            }
        }
    }
    // One trail per config (`audit.trail`): the first, and the others as comments.
    if let Some((first, rest)) = sections.get("audit").and_then(|t| t.split_first()) {
        let _ = writeln!(out, "audit:\n  cloudtrail: manage\n  trail: {first}");
        for t in rest {
            let _ = writeln!(out, "# other trail: {t}");
        }
    }
    if !custom_models.is_empty() {
        out.push_str(
            "# Custom models of the account (a provisioned_throughput `model` may name one):
",
        );
        for line in custom_models {
            let _ = writeln!(out, "{line}");
        }
    }
    for (file, doc) in docs {
        let _ = writeln!(out, "# --- {file}");
        for line in serde_json::to_string_pretty(&doc)
            .unwrap_or_default()
            .lines()
        {
            let _ = writeln!(out, "# {line}");
        }
    }
    out
}
