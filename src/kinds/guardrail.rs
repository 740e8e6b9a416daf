//! `guardrail`: the working draft of a guardrail (numbered versions are
//! `guardrail_version`).

use super::import::{self, ImportDoc};
use super::{with, Cx, KindDef, Ownership, Traits};
use crate::account::spec::{
    ContentFilterSpec, GuardrailSpec, Normalize, PiiSpec, RegexSpec, Spec, TopicSpec,
};
use crate::account::{Kind, Resource};
use crate::config::{Config, Guardrail};
use serde_json::{json, Value};

pub struct Def;

static TRAITS: Traits = Traits {
    section: "guardrails",
    // Everything updates in place.
    replace_fields: &[],
    taggable: true,
    takes_token: true,
    rank: 0,
    ownership: Ownership::Tags,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::Guardrail
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
    }

    fn declared(&self, cfg: &Config) -> Option<Vec<String>> {
        let gs = cfg.guardrails.as_ref()?;
        Some(
            gs.iter()
                .flat_map(|g| g.regions.iter().map(|r| r.value.clone()))
                .collect(),
        )
    }

    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource> {
        let mut out = Vec::new();
        for g in cx.cfg.guardrails.iter().flatten() {
            let spec = spec_of(g);
            let tags = cx.owned_tags(&g.tags, g.prevent_destroy);
            for region in &g.regions {
                out.push(cx.resource(spec.clone(), &region.value, &g.name.value, tags.clone()));
            }
        }
        out
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |g: &mut GuardrailSpec| {
            g.normalize();
            // How versions get published is bedrockctl's business; the service does
            // not keep it, so it never counts as a difference.
            g.publish_version = false;
        });
    }

    /// One entry per name, its regions gathered (the spec is the first region's).
    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        let Some(s) = r.spec.as_kind::<GuardrailSpec>() else {
            return;
        };
        let words = if s.managed_words.is_empty() && s.custom_words.is_empty() {
            Value::Null
        } else {
            import::obj(vec![
                ("managed", json!(s.managed_words)),
                ("custom", json!(s.custom_words)),
            ])
        };
        let grounding = if s.grounding_threshold.is_none() && s.relevance_threshold.is_none() {
            Value::Null
        } else {
            import::obj(vec![
                ("grounding", json!(s.grounding_threshold)),
                ("relevance", json!(s.relevance_threshold)),
            ])
        };
        doc.regional_entry(
            self.traits().section,
            r,
            vec![
                ("name", json!(r.name)),
                ("regions", json!([r.region])),
                ("description", json!(s.description)),
                ("blocked_input_message", json!(s.blocked_input_message)),
                ("blocked_output_message", json!(s.blocked_output_message)),
                ("content_filters", json!(s.content_filters)),
                ("denied_topics", json!(s.denied_topics)),
                ("words", words),
                ("pii", json!(s.pii)),
                ("regexes", json!(s.regexes)),
                ("contextual_grounding", grounding),
                ("tags", import::user_tags(r)),
            ],
        );
    }
}

/// The draft a `guardrails:` entry asks for.
pub(super) fn spec_of(g: &Guardrail) -> GuardrailSpec {
    GuardrailSpec {
        description: g.description.as_ref().map(|d| d.value.clone()),
        blocked_input_message: g.blocked_input_message.value.clone(),
        blocked_output_message: g.blocked_output_message.value.clone(),
        content_filters: g
            .content_filters
            .iter()
            .map(|f| ContentFilterSpec {
                r#type: f.r#type.value.clone(),
                input: f.input.value.clone(),
                output: f.output.value.clone(),
            })
            .collect(),
        denied_topics: g
            .denied_topics
            .iter()
            .map(|t| TopicSpec {
                name: t.name.value.clone(),
                definition: t.definition.value.clone(),
                examples: t.examples.iter().map(|e| e.value.clone()).collect(),
            })
            .collect(),
        managed_words: g
            .words
            .iter()
            .flat_map(|w| w.managed.iter().map(|x| x.value.clone()))
            .collect(),
        custom_words: g
            .words
            .iter()
            .flat_map(|w| w.custom.iter().map(|x| x.value.clone()))
            .collect(),
        pii: g
            .pii
            .iter()
            .map(|p| PiiSpec {
                r#type: p.r#type.value.clone(),
                action: p.action.value.clone(),
            })
            .collect(),
        regexes: g
            .regexes
            .iter()
            .map(|r| RegexSpec {
                name: r.name.value.clone(),
                pattern: r.pattern.value.clone(),
                action: r.action.value.clone(),
                description: r.description.as_ref().map(|d| d.value.clone()),
            })
            .collect(),
        grounding_threshold: g
            .contextual_grounding
            .as_ref()
            .and_then(|c| c.grounding.as_ref().map(|x| x.value)),
        relevance_threshold: g
            .contextual_grounding
            .as_ref()
            .and_then(|c| c.relevance.as_ref().map(|x| x.value)),
        publish_version: g.publish_version,
    }
}
