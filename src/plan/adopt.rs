//! What exists in an account, as the `import` outputs: a JSON inventory
//! (`[{"kind","name","region","id","managed"}]`, design.md) or a config snippet that
//! adopts the resources when pasted into a `bedrock.yaml`.
//!
//! Pure: it renders resources already read. The YAML uses JSON-style flow values, which
//! are valid YAML and keep every string quoted exactly.

use crate::account::spec::{
    AlarmSpec, GuardrailSpec, IamPolicySpec, IamRoleSpec, InferenceProfileSpec,
    InvocationLoggingSpec, ProvisionedThroughputSpec,
};
use crate::account::{Kind, ModelStatus, Resource, TAG_MANAGED_BY, TAG_PREVENT_DESTROY, TAG_STACK};
use serde_json::{json, Map, Value};
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

fn user_tags(tags: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    tags.iter()
        .filter(|(k, _)| {
            !k.starts_with("aws:")
                && k.as_str() != TAG_MANAGED_BY
                && k.as_str() != TAG_STACK
                && k.as_str() != TAG_PREVENT_DESTROY
                && k.as_str() != super::applied::TAG_APPLIED
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn flow(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        if !v.is_null() && v != json!([]) && v != json!({}) {
            m.insert(k.to_string(), v);
        }
    }
    Value::Object(m)
}

/// A guardrail's regions, its spec (from the first region) and its user tags.
type GuardrailEntry = (Vec<String>, GuardrailSpec, BTreeMap<String, String>);

/// A config snippet (top-level keys) that describes `resources` as they are.
pub fn adopt_yaml(resources: &[Resource]) -> String {
    let mut sections: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut docs: Vec<(String, Value)> = Vec::new();
    let mut custom_models: Vec<String> = Vec::new();
    let mut guardrails: BTreeMap<String, GuardrailEntry> = BTreeMap::new();
    for r in resources {
        let tags = json!(user_tags(&r.tags));
        let prevent = if r.prevent_destroy() {
            json!(true)
        } else {
            Value::Null
        };
        match r.kind {
            Kind::ProvisionedThroughput => {
                if let Ok(s) = r
                    .spec
                    .as_kind::<ProvisionedThroughputSpec>()
                    .cloned()
                    .ok_or(())
                {
                    sections
                        .entry("provisioned_throughput")
                        .or_default()
                        .push(flow(&obj(vec![
                            ("name", json!(r.name)),
                            ("region", json!(r.region)),
                            ("model", json!(s.model_id)),
                            ("model_units", json!(s.model_units)),
                            ("commitment", json!(s.commitment)),
                            ("prevent_destroy", prevent),
                            ("tags", tags),
                        ])));
                }
            }
            Kind::Guardrail => {
                if let Ok(s) = r.spec.as_kind::<GuardrailSpec>().cloned().ok_or(()) {
                    let e = guardrails
                        .entry(r.name.clone())
                        .or_insert_with(|| (Vec::new(), s, user_tags(&r.tags)));
                    e.0.push(r.region.clone());
                }
            }
            Kind::InferenceProfile => {
                if let Ok(s) = r.spec.as_kind::<InferenceProfileSpec>().cloned().ok_or(()) {
                    sections
                        .entry("inference_profiles")
                        .or_default()
                        .push(flow(&obj(vec![
                            ("name", json!(r.name)),
                            ("region", json!(r.region)),
                            ("copy_from", json!(s.copy_from)),
                            ("description", json!(s.description)),
                            ("prevent_destroy", prevent),
                            ("tags", tags),
                        ])));
                }
            }
            Kind::InvocationLogging => {
                if let Ok(s) = r.spec.as_kind::<InvocationLoggingSpec>().cloned().ok_or(()) {
                    let data: Vec<&str> = [
                        ("text", s.text),
                        ("image", s.image),
                        ("embedding", s.embedding),
                        ("video", s.video),
                        ("audio", s.audio),
                    ]
                    .iter()
                    .filter(|(_, on)| *on)
                    .map(|(n, _)| *n)
                    .collect();
                    sections
                        .entry("invocation_logging")
                        .or_default()
                        .push(flow(&obj(vec![
                            ("region", json!(r.region)),
                            (
                                "cloudwatch",
                                s.cloudwatch.map_or(
                                    Value::Null,
                                    |c| json!({"log_group": c.log_group, "role": c.role_arn}),
                                ),
                            ),
                            (
                                "s3",
                                s.s3.map_or(Value::Null, |b| {
                                    obj(vec![
                                        ("bucket", json!(b.bucket)),
                                        ("prefix", json!(b.prefix)),
                                    ])
                                }),
                            ),
                            ("data", json!(data)),
                        ])));
                }
            }
            Kind::Alarm => {
                if let Ok(s) = r.spec.as_kind::<AlarmSpec>().cloned().ok_or(()) {
                    sections.entry("alarms").or_default().push(flow(&obj(vec![
                        ("name", json!(r.name)),
                        ("region", json!(r.region)),
                        ("metric", json!(s.metric)),
                        ("model", json!(s.dimensions.get("ModelId"))),
                        ("statistic", json!(s.statistic)),
                        ("period", json!(s.period)),
                        ("evaluation_periods", json!(s.evaluation_periods)),
                        ("threshold", json!(s.threshold)),
                        ("comparison", json!(s.comparison)),
                        ("actions", json!(s.actions)),
                        ("description", json!(s.description)),
                        ("prevent_destroy", prevent),
                    ])));
                }
            }
            Kind::IamPolicy => {
                if let Ok(s) = r.spec.as_kind::<IamPolicySpec>().cloned().ok_or(()) {
                    let file = format!("policies/{}.json", r.name);
                    docs.push((file.clone(), s.document));
                    sections
                        .entry("iam.policies")
                        .or_default()
                        .push(flow(&obj(vec![
                            ("name", json!(r.name)),
                            ("file", json!(file)),
                            ("description", json!(s.description)),
                            ("prevent_destroy", prevent),
                        ])));
                }
            }
            Kind::IamRole => {
                if let Ok(s) = r.spec.as_kind::<IamRoleSpec>().cloned().ok_or(()) {
                    let trust = format!("policies/{}/trust.json", r.name);
                    docs.push((trust.clone(), s.assume_role_policy));
                    let mut pols: Vec<Value> = Vec::new();
                    for (name, doc) in s.inline_policies {
                        // The file stem is the inline policy name the config will give it.
                        let file = format!("policies/{}/{name}.json", r.name);
                        docs.push((file.clone(), doc));
                        pols.push(json!({"file": file}));
                    }
                    for arn in s.managed_policies {
                        pols.push(json!({"managed": arn}));
                    }
                    sections
                        .entry("iam.roles")
                        .or_default()
                        .push(flow(&obj(vec![
                            ("name", json!(r.name)),
                            ("assume_role_policy", json!(trust)),
                            ("permissions_boundary", json!(s.permissions_boundary)),
                            ("policies", json!(pols)),
                            ("description", json!(s.description)),
                            ("max_session_duration", json!(s.max_session_duration)),
                            ("prevent_destroy", prevent),
                            ("tags", tags),
                        ])));
                }
            }
            // Versions come with their guardrail (`publish_version`); model access is
            // declared under `models:` by intent, not copied.
            Kind::GuardrailVersion => {}
            // Account-level access state (issue 17): declared by `models[].access`,
            // `use_case:` and `guardrails[].enforce`, never copied as resources.
            Kind::ModelAgreement | Kind::UseCase | Kind::EnforcedGuardrail => {}
            // Read-only: listed as comments, for `provisioned_throughput[].model`.
            Kind::CustomModel => custom_models.push(format!(
                "#   {} ({}): {}",
                r.name,
                r.region,
                r.id.as_deref().unwrap_or("")
            )),
        }
    }
    for (name, (regions, s, tags)) in guardrails {
        let words = if s.managed_words.is_empty() && s.custom_words.is_empty() {
            Value::Null
        } else {
            obj(vec![
                ("managed", json!(s.managed_words)),
                ("custom", json!(s.custom_words)),
            ])
        };
        let grounding = if s.grounding_threshold.is_none() && s.relevance_threshold.is_none() {
            Value::Null
        } else {
            obj(vec![
                ("grounding", json!(s.grounding_threshold)),
                ("relevance", json!(s.relevance_threshold)),
            ])
        };
        sections
            .entry("guardrails")
            .or_default()
            .push(flow(&obj(vec![
                ("name", json!(name)),
                ("regions", json!(regions)),
                ("description", json!(s.description)),
                ("blocked_input_message", json!(s.blocked_input_message)),
                ("blocked_output_message", json!(s.blocked_output_message)),
                ("content_filters", json!(s.content_filters)),
                ("denied_topics", json!(s.denied_topics)),
                ("words", words),
                ("pii", json!(s.pii)),
                ("regexes", json!(s.regexes)),
                ("contextual_grounding", grounding),
                ("tags", json!(tags)),
            ])));
    }

    let mut out = String::from(
        "# Resources found in the account, as bedrock.yaml entries that adopt them.\n\
         # Paste the sections you want to manage into your config; the next apply adds\n\
         # the ownership tags. Policy documents to save are listed at the end.\n",
    );
    for &key in crate::config::REGIONAL_SECTIONS {
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
