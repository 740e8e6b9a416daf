//! The resource lists of a config decoded while its YAML is read.
//!
//! The spanned tree of a whole 50,000-resource config was a third of `validate`'s peak
//! memory (issue 21). The lists that make a config large are decoded item by item as
//! the parser finishes each one, and the item's tree is dropped at once: the tree keeps
//! the list's span and no items, and [`super::decode::decode`] takes the decoded items
//! from here. The result is the same as decoding the whole tree: same items in the same
//! order, same diagnostics.

use super::decode::{self, Decoder};
use super::model::*;
use super::yaml::{Node, Sink};

/// Lists streamed, in slot order. Their item decoders read no other file: a decoder
/// that adds to the source map would see its additions repeated when the fast parser
/// gives up half way and the general one reads the document again.
const SECTIONS: &[&str] = &[
    "models",
    "provisioned_throughput",
    "guardrails",
    "inference_profiles",
    "invocation_logging",
    "alarms",
];

/// Decoded items of the streamed lists. An empty list means "not streamed" (a block
/// list has at least one item; one whose items all failed to decode reads the same
/// both ways).
#[derive(Default)]
pub(crate) struct Streamed {
    pub models: Vec<ModelReq>,
    pub provisioned_throughput: Vec<ProvisionedThroughput>,
    pub guardrails: Vec<Guardrail>,
    pub inference_profiles: Vec<InferenceProfile>,
    pub invocation_logging: Vec<InvocationLogging>,
    pub alarms: Vec<Alarm>,
}

pub(crate) struct Streamer<'d, 'a> {
    dec: &'d mut Decoder<'a>,
    /// Diagnostics already there when streaming began; `reset` goes back to them.
    diags_before: usize,
    out: Streamed,
}

impl<'d, 'a> Streamer<'d, 'a> {
    pub fn new(dec: &'d mut Decoder<'a>) -> Self {
        let diags_before = dec.diags.items.len();
        Streamer {
            dec,
            diags_before,
            out: Streamed::default(),
        }
    }

    /// The items, each list at its exact length (growth slack would be a quarter of
    /// the config on average).
    pub fn finish(self) -> Streamed {
        let mut out = self.out;
        out.models.shrink_to_fit();
        out.provisioned_throughput.shrink_to_fit();
        out.guardrails.shrink_to_fit();
        out.inference_profiles.shrink_to_fit();
        out.invocation_logging.shrink_to_fit();
        out.alarms.shrink_to_fit();
        out
    }
}

fn push<T>(
    dec: &mut Decoder,
    out: &mut Vec<T>,
    node: &Node,
    item: fn(&mut Decoder, &Node) -> Option<T>,
) {
    if let Some(t) = item(dec, node) {
        out.push(t);
    }
}

impl Sink for Streamer<'_, '_> {
    fn slot(&self, key: &str) -> Option<usize> {
        SECTIONS.iter().position(|s| *s == key)
    }

    fn item(&mut self, slot: usize, node: Node) {
        let (dec, out) = (&mut *self.dec, &mut self.out);
        match slot {
            0 => push(dec, &mut out.models, &node, decode::decode_model),
            1 => push(
                dec,
                &mut out.provisioned_throughput,
                &node,
                decode::decode_pt,
            ),
            2 => push(
                dec,
                &mut out.guardrails,
                &node,
                super::decode_guardrail::decode_guardrail,
            ),
            3 => push(
                dec,
                &mut out.inference_profiles,
                &node,
                decode::decode_profile,
            ),
            4 => push(
                dec,
                &mut out.invocation_logging,
                &node,
                decode::decode_logging,
            ),
            _ => push(dec, &mut out.alarms, &node, decode::decode_alarm),
        }
    }

    fn reset(&mut self) {
        self.out = Streamed::default();
        self.dec.diags.items.truncate(self.diags_before);
    }
}

#[cfg(test)]
mod tests {
    use crate::span::SourceMap;
    use std::fmt::Write as _;
    use std::path::Path;

    /// The config and rendered diagnostics, streamed or from the whole tree.
    fn load(path: &Path, text: &str, stream: bool) -> String {
        let mut sources = SourceMap::default();
        let result = super::super::load_text(path, text.to_string(), &mut sources, stream);
        match result {
            Ok((cfg, diags)) => format!("{cfg:?}\n{}", diags.render(&sources)),
            Err(diags) => diags.render(&sources),
        }
    }

    fn same(path: &Path, text: &str) {
        assert_eq!(load(path, text, true), load(path, text, false), "{text}");
    }

    #[test]
    fn examples_read_the_same_streamed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut n = 0;
        for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            let path = dir.path().join("bedrock.yaml");
            if let Ok(text) = std::fs::read_to_string(&path) {
                same(&path, &text);
                n += 1;
            }
        }
        assert!(n >= 3, "{n} examples");
    }

    /// Good and bad items, lists written indented and not, and documents the fast
    /// parser gives up on after it has streamed lists.
    #[test]
    fn items_and_their_errors_read_the_same_streamed() {
        let path = Path::new("bedrock.yaml");
        let mut text = String::from("version: 1\nstack: s\naccount:\n  regions: [us-east-1]\n");
        text.push_str("models:\n- id: amazon.nova-lite-v1:0\n- id: 3\n  extra: x\n");
        text.push_str("alarms:\n");
        for i in 0..40 {
            let _ = write!(
                text,
                "  - name: a{i}\n    region: us-east-1\n    metric: {}\n    model: amazon.nova-lite-v1:0\n    threshold: {}\n    comparison: GreaterThanThreshold\n",
                if i % 7 == 3 { "Nope" } else { "Invocations" },
                if i % 5 == 0 { "x" } else { "10" },
            );
        }
        text.push_str("guardrails:\n  - name: g\n    blocked_input_message: no\n    blocked_output_message: no\n    content_filters:\n      - { type: HATE, input: HIGH, output: HIGH }\n  - name: g\n    oops: 1\n  - plain\n");
        text.push_str("provisioned_throughput:\n  - name: p\n    region: us-east-1\n    model: amazon.nova-lite-v1:0:24k\n    model_units: 0\n");
        text.push_str("inference_profiles: []\n");
        same(path, &text);
        // Lists the fast parser has streamed, then a multi-line flow list it leaves to
        // the general parser: the streamed items and their diagnostics are forgotten.
        same(path, &format!("{text}vpc_endpoints: [\n  ]\n"));
        same(path, &format!("{text}iam:\n  roles: &r []\n"));
        same(path, &format!("{text}alarms: []\n"));
        same(
            path,
            &text
                .replace("models:\n- id", "models:\n  - id")
                .replace("\n- id: 3\n  extra", "\n  - id: 3\n    extra"),
        );
    }
}
