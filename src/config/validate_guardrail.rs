//! Guardrail limits and enums (CreateGuardrail in bedrock-api.md).

use super::model::*;
use super::rules::{guardrail_name_char, topic_name_char, Rules};
use crate::vocab::bedrock::{FILTER_TYPES, MANAGED_WORDS, PII_ACTIONS, PII_TYPES, STRENGTHS};

pub(crate) fn guardrail(r: &mut Rules, g: &Guardrail) {
    if r.len(&g.name, "guardrail name", 1, 50) {
        r.charset(
            &g.name,
            "guardrail name",
            guardrail_name_char,
            "[0-9a-zA-Z-_]+",
        );
    }
    r.regions(&g.regions, g.span, "a guardrail");
    if let Some(desc) = &g.description {
        r.len(desc, "description", 1, 200);
    }
    r.len(&g.blocked_input_message, "`blocked_input_message`", 1, 500);
    r.len(
        &g.blocked_output_message,
        "`blocked_output_message`",
        1,
        500,
    );
    if g.tags.len() > 200 {
        r.d.error(
            g.span,
            format!("too many tags: {}, at most 200", g.tags.len()),
        );
    }

    r.count(
        &g.content_filters,
        first_span(&g.content_filters, |f| f.span, g.span),
        "content filters",
        6,
    );
    let mut types: Vec<&str> = Vec::new();
    for f in &g.content_filters {
        if r.one_of(&f.r#type, "content filter type", FILTER_TYPES) {
            if types.contains(&f.r#type.value.as_str()) {
                r.d.error(
                    f.r#type.span,
                    format!("content filter `{}` is listed twice", f.r#type.value),
                );
            }
            types.push(&f.r#type.value);
        }
        r.one_of(&f.input, "filter strength", STRENGTHS);
        if r.one_of(&f.output, "filter strength", STRENGTHS)
            && f.r#type.value == "PROMPT_ATTACK"
            && f.output.value != "NONE"
        {
            r.d.error(
                f.output.span,
                "the `PROMPT_ATTACK` filter only applies to input: `output` must be `NONE`",
            );
        }
    }

    r.count(
        &g.denied_topics,
        first_span(&g.denied_topics, |t| t.span, g.span),
        "denied topics",
        30,
    );
    let mut names: Vec<&str> = Vec::new();
    for t in &g.denied_topics {
        if r.len(&t.name, "topic name", 1, 100) {
            r.charset(&t.name, "topic name", topic_name_char, "[0-9a-zA-Z-_ !?.]+");
        }
        if names.contains(&t.name.value.as_str()) {
            r.d.error(
                t.name.span,
                format!("topic `{}` is listed twice", t.name.value),
            );
        }
        names.push(&t.name.value);
        r.len(&t.definition, "topic definition", 1, 200);
        r.count(
            &t.examples,
            first_span(&t.examples, |e| e.span, t.span),
            "topic examples",
            5,
        );
        for e in &t.examples {
            r.len(e, "topic example", 1, 100);
        }
    }

    if let Some(w) = &g.words {
        for m in &w.managed {
            r.one_of(m, "managed word list", MANAGED_WORDS);
        }
        r.count(
            &w.custom,
            first_span(&w.custom, |e| e.span, w.span),
            "custom words",
            10_000,
        );
        for word in &w.custom {
            r.len(word, "custom word", 1, 100);
        }
    }

    let mut pii: Vec<&str> = Vec::new();
    for p in &g.pii {
        if r.one_of(&p.r#type, "PII entity type", PII_TYPES) {
            if pii.contains(&p.r#type.value.as_str()) {
                r.d.error(
                    p.r#type.span,
                    format!("PII type `{}` is listed twice", p.r#type.value),
                );
            }
            pii.push(&p.r#type.value);
        }
        r.one_of(&p.action, "PII action", PII_ACTIONS);
    }

    r.count(
        &g.regexes,
        first_span(&g.regexes, |x| x.span, g.span),
        "regexes",
        10,
    );
    let mut rx: Vec<&str> = Vec::new();
    for x in &g.regexes {
        r.len(&x.name, "regex name", 1, 100);
        if rx.contains(&x.name.value.as_str()) {
            r.d.error(
                x.name.span,
                format!("regex `{}` is listed twice", x.name.value),
            );
        }
        rx.push(&x.name.value);
        r.len(&x.pattern, "regex pattern", 1, 500);
        r.one_of(&x.action, "regex action", PII_ACTIONS);
        if let Some(desc) = &x.description {
            r.len(desc, "regex description", 1, 1000);
        }
    }

    if let Some(cg) = &g.contextual_grounding {
        if cg.grounding.is_none() && cg.relevance.is_none() {
            r.d.error(
                cg.span,
                "`contextual_grounding` needs `grounding`, `relevance` or both",
            );
        }
        for (key, t) in [("grounding", &cg.grounding), ("relevance", &cg.relevance)] {
            let Some(t) = t else { continue };
            if !(0.0..1.0).contains(&t.value) {
                r.d.error(
                    t.span,
                    format!(
                        "`{key}` threshold must be at least 0 and below 1, found `{}`",
                        t.value
                    ),
                );
            }
        }
    }
}

/// "Too many entries" points at the list's first entry.
fn first_span<T>(
    items: &[T],
    span: impl Fn(&T) -> crate::span::Span,
    fallback: crate::span::Span,
) -> crate::span::Span {
    items.first().map(span).unwrap_or(fallback)
}
