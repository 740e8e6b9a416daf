//! `guardrail`: the working draft of a guardrail (numbered versions are
//! `guardrail_version`).

use super::{with, Cx, KindDef, Ownership};
use crate::account::spec::{
    ContentFilterSpec, GuardrailSpec, Normalize, PiiSpec, RegexSpec, Spec, TopicSpec,
};
use crate::account::{Kind, Resource};
use crate::config::{Config, Guardrail};

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::Guardrail
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

    fn takes_token(&self) -> bool {
        true
    }

    // Everything updates in place.
    fn replace_fields(&self) -> &'static [&'static str] {
        &[]
    }

    fn taggable(&self) -> bool {
        true
    }

    fn rank(&self) -> u8 {
        0
    }

    fn ownership(&self) -> Ownership {
        Ownership::Tags
    }

    fn read_only(&self) -> bool {
        false
    }

    fn config_section(&self) -> &'static str {
        "guardrails"
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
