//! Decoding of `guardrails:` entries.

use super::decode::{decode_list, Decoder};
use super::model::*;
use super::yaml::Node;

pub(crate) fn decode_guardrail(dec: &mut Decoder, node: &Node) -> Option<Guardrail> {
    let what = "a `guardrails` entry";
    let m = dec.map(
        node,
        what,
        &[
            "name",
            "regions",
            "description",
            "blocked_input_message",
            "blocked_output_message",
            "content_filters",
            "denied_topics",
            "words",
            "pii",
            "regexes",
            "contextual_grounding",
            "publish_version",
            "prune_versions",
            "enforce",
            "prevent_destroy",
            "tags",
        ],
    )?;
    dec.refuse_null_lists(
        &m,
        what,
        &[
            "regions",
            "content_filters",
            "denied_topics",
            "pii",
            "regexes",
        ],
    );
    let name = dec.req_string(&m, "name", what);
    let regions = dec
        .req(&m, "regions", what)
        .and_then(|n| dec.string_list(n, "regions"));
    let description = dec.opt_string(&m, "description");
    let blocked_input_message = dec.req_string(&m, "blocked_input_message", what);
    let blocked_output_message = dec.req_string(&m, "blocked_output_message", what);
    let content_filters = m
        .get("content_filters")
        .map(|n| decode_list(dec, n, "content_filters", decode_filter))
        .unwrap_or_default();
    let denied_topics = m
        .get("denied_topics")
        .map(|n| decode_list(dec, n, "denied_topics", decode_topic))
        .unwrap_or_default();
    let words = m.get("words").and_then(|n| {
        let w = dec.map(n, "`words`", &["managed", "custom"])?;
        dec.refuse_null_lists(&w, "`words`", &["managed", "custom"]);
        let managed = dec.opt_string_list(&w, "managed");
        let custom = dec.opt_string_list(&w, "custom");
        Some(Words {
            managed,
            custom,
            span: n.span,
        })
    });
    let pii = m
        .get("pii")
        .map(|n| decode_list(dec, n, "pii", decode_pii))
        .unwrap_or_default();
    let regexes = m
        .get("regexes")
        .map(|n| decode_list(dec, n, "regexes", decode_regex))
        .unwrap_or_default();
    let contextual_grounding = m.get("contextual_grounding").and_then(|n| {
        let g = dec.map(n, "`contextual_grounding`", &["grounding", "relevance"])?;
        let grounding = g.get("grounding").and_then(|v| dec.f64(v, "grounding"));
        let relevance = g.get("relevance").and_then(|v| dec.f64(v, "relevance"));
        Some(Grounding {
            grounding,
            relevance,
            span: n.span,
        })
    });
    let publish_version = dec.opt_bool(&m, "publish_version");
    // Default on: without it a guardrail stops converging at the 20-version quota.
    let prune_versions = m
        .get("prune_versions")
        .and_then(|n| dec.bool(n, "prune_versions"))
        .unwrap_or(true);
    let enforce = super::access::decode_enforce(dec, &m);
    let prevent_destroy = dec.opt_bool(&m, "prevent_destroy");
    let tags = dec.opt_tags(&m, super::decode::TagService::Bedrock);
    Some(Guardrail {
        name: name?,
        regions: regions?,
        description,
        blocked_input_message: blocked_input_message?,
        blocked_output_message: blocked_output_message?,
        content_filters,
        denied_topics,
        words,
        pii,
        regexes,
        contextual_grounding,
        publish_version,
        prune_versions,
        enforce,
        prevent_destroy,
        tags,
        span: node.span,
    })
}

fn decode_filter(dec: &mut Decoder, node: &Node) -> Option<ContentFilter> {
    let what = "a `content_filters` entry";
    let m = dec.map(node, what, &["type", "input", "output"])?;
    let r#type = dec.req_string(&m, "type", what);
    let input = dec.req_string(&m, "input", what);
    let output = dec.req_string(&m, "output", what);
    Some(ContentFilter {
        r#type: r#type?,
        input: input?,
        output: output?,
        span: node.span,
    })
}

fn decode_topic(dec: &mut Decoder, node: &Node) -> Option<DeniedTopic> {
    let what = "a `denied_topics` entry";
    let m = dec.map(node, what, &["name", "definition", "examples"])?;
    dec.refuse_null_lists(&m, what, &["examples"]);
    let name = dec.req_string(&m, "name", what);
    let definition = dec.req_string(&m, "definition", what);
    let examples = dec.opt_string_list(&m, "examples");
    Some(DeniedTopic {
        name: name?,
        definition: definition?,
        examples,
        span: node.span,
    })
}

fn decode_pii(dec: &mut Decoder, node: &Node) -> Option<PiiEntity> {
    let what = "a `pii` entry";
    let m = dec.map(node, what, &["type", "action"])?;
    let r#type = dec.req_string(&m, "type", what);
    let action = dec.req_string(&m, "action", what);
    Some(PiiEntity {
        r#type: r#type?,
        action: action?,
        span: node.span,
    })
}

fn decode_regex(dec: &mut Decoder, node: &Node) -> Option<RegexFilter> {
    let what = "a `regexes` entry";
    let m = dec.map(node, what, &["name", "pattern", "action", "description"])?;
    let name = dec.req_string(&m, "name", what);
    let pattern = dec.req_string(&m, "pattern", what);
    let action = dec.req_string(&m, "action", what);
    let description = dec.opt_string(&m, "description");
    Some(RegexFilter {
        name: name?,
        pattern: pattern?,
        action: action?,
        description,
        span: node.span,
    })
}
