//! YAML text → a small spanned tree, the only place configs meet a YAML parser.
//!
//! Two parsers build the same tree. [`fast`] reads the plain block YAML configs are
//! almost always written in, in one pass over the bytes, and gives up on anything else
//! (anchors, block scalars, escapes, errors, ...). [`events`] is the general one, on
//! yaml-rust2's event stream: it handles all of YAML and words every error. A file
//! goes to `events` whenever `fast` gives up, so `fast` never decides what a document
//! means on its own; its tests hold the two trees equal, spans included.

mod events;
mod fast;

use super::text::Text;
use crate::diag::Diagnostic;
use crate::span::{SourceFile, SourceId, Span, Spanned};
use std::collections::HashMap;

/// Nesting deeper than this is refused (the config needs about 6 levels).
pub const MAX_DEPTH: usize = 64;
/// Nodes an alias expansion may add in total.
pub const MAX_ALIAS_NODES: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    /// `plain` is false for quoted and block scalars: `"1"` is a string, never a number.
    Scalar {
        text: Text,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Spanned<Text>, Node)>),
}

impl Node {
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Null => "null",
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Map(entries) => 1 + entries.iter().map(|(_, v)| 1 + v.size()).sum::<usize>(),
            _ => 1,
        }
    }
}

/// A scalar as both parsers make it: spanned from `offset` over `len` bytes of the
/// source (its text, plus the quotes of a quoted one; `usize::MAX` for a block scalar),
/// cut at the end of its line and at least one byte long. Only as far as the span is
/// scanned, once per scalar (a search for the end of the line was a twentieth of
/// `validate` on large configs, issue 21). A plain null word is `Null`.
fn scalar_node(
    source_text: &str,
    source: SourceId,
    offset: usize,
    len: usize,
    text: Text,
    plain: bool,
) -> Node {
    let rest = source_text.as_bytes().get(offset..).unwrap_or_default();
    let window = &rest[..len.min(rest.len())];
    let len = window
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(window.len());
    let kind = if plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
        NodeKind::Null
    } else {
        NodeKind::Scalar { text, plain }
    };
    Node {
        kind,
        span: Span::new(source, offset, offset + len.max(1)),
    }
}

impl Node {
    /// This node as a mapping key: a scalar's text, `""` for a null, `None` for a
    /// collection.
    fn into_key(self) -> Option<Spanned<Text>> {
        let text = match self.kind {
            NodeKind::Scalar { text, .. } => text,
            NodeKind::Null => Text::from(""),
            NodeKind::Seq(_) | NodeKind::Map(_) => return None,
        };
        Some(Spanned::new(text, self.span))
    }
}

/// Parse one YAML document. `Ok(None)` for an empty document.
pub fn parse(file: &SourceFile, source: SourceId) -> Result<Option<Node>, Diagnostic> {
    match fast::parse(file, source, None) {
        Some(tree) => Ok(tree),
        None => events::parse(file, source),
    }
}

/// Mappings up to this many entries look for a repeated key by scanning them.
const SCAN_KEYS: usize = 16;

/// Finds a mapping's repeated key: a scan while the mapping is small, a hash index once
/// it is large, so a hostile file of a million keys is not quadratic (200,000 keys took
/// 27 s before).
#[derive(Default)]
struct Keys {
    index: Option<HashMap<Text, usize>>,
}

impl Keys {
    /// The position of an earlier entry named `key`; otherwise `key` is recorded as the
    /// entry about to be pushed after `entries`.
    fn repeated(&mut self, entries: &[(Spanned<Text>, Node)], key: &Text) -> Option<usize> {
        if self.index.is_none() && entries.len() < SCAN_KEYS {
            return entries.iter().position(|(k, _)| k.value == *key);
        }
        let index = self.index.get_or_insert_with(|| {
            entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.value.clone(), i))
                .collect()
        });
        match index.get(key) {
            Some(&i) => Some(i),
            None => {
                index.insert(key.clone(), entries.len());
                None
            }
        }
    }
}

/// Takes the items of chosen lists of the root mapping one at a time, while the
/// document is read, so the tree never holds them all (issue 21: the tree of a
/// 50,000-resource config was a third of `validate`'s peak memory).
pub trait Sink {
    /// Where the items of the root key `key` go, or `None` to keep them in the tree.
    fn slot(&self, key: &str) -> Option<usize>;
    /// One item, in document order.
    fn item(&mut self, slot: usize, node: Node);
    /// The parse that fed the sink gave up half way: forget all it was given.
    fn reset(&mut self);
}

/// [`parse`], handing the items of block lists the sink asks for to the sink: in the
/// tree such a list is left with its span and no items. A flow list (`alarms: []`)
/// stays in the tree, and so does everything when the general parser has to read
/// the document.
pub fn parse_into(
    file: &SourceFile,
    source: SourceId,
    sink: &mut dyn Sink,
) -> Result<Option<Node>, Diagnostic> {
    match fast::parse(file, source, Some(sink)) {
        Some(tree) => Ok(tree),
        None => {
            sink.reset();
            events::parse(file, source)
        }
    }
}

/// The tree as plain JSON (plain scalars typed as YAML 1.2 core would), for tools
/// that describe the shape rather than decode it.
pub fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Scalar { text, plain: true } => match text.as_str() {
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            t => t
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| t.parse::<f64>().map(Value::from))
                .unwrap_or_else(|_| Value::String(t.to_string())),
        },
        NodeKind::Scalar { text, .. } => Value::String(text.to_string()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.value.to_string(), to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Option<Node>, (usize, usize, String)> {
        let f = SourceFile::new("t.yaml", text);
        parse(&f, SourceId(0)).map_err(|d| {
            let s = d.span.unwrap_or_default();
            let (l, c) = f.line_col(s.start as usize);
            (l, c, d.message)
        })
    }

    #[test]
    fn spans_point_at_values() {
        let f = SourceFile::new("t.yaml", "a: 1\nlist:\n  - x: \"é\"\n    y: z\n");
        let root = parse(&f, SourceId(0)).unwrap().unwrap();
        let NodeKind::Map(entries) = &root.kind else {
            panic!()
        };
        assert_eq!(f.line_col(entries[1].0.span.start as usize), (2, 1));
        let NodeKind::Seq(items) = &entries[1].1.kind else {
            panic!()
        };
        let NodeKind::Map(inner) = &items[0].kind else {
            panic!()
        };
        assert_eq!(f.line_col(inner[0].1.span.start as usize), (3, 8));
        assert_eq!(f.line_col(inner[1].1.span.start as usize), (4, 8));
        assert_eq!(
            inner[0].1.kind,
            NodeKind::Scalar {
                text: "é".into(),
                plain: false
            }
        );
    }

    #[test]
    fn duplicate_key_reported_at_duplicate() {
        let e = parse_str("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((e.0, e.1), (3, 1));
        assert!(e.2.contains("duplicate key `a`"));
    }

    #[test]
    fn duplicate_key_found_in_large_mappings() {
        // Past SCAN_KEYS the keys are indexed: the repeat is still found, at its own line.
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k7: again\n");
        let e = parse_str(&text).unwrap_err();
        assert_eq!((e.0, e.1), (41, 1), "{e:?}");
        assert!(e.2.contains("duplicate key `k7`"), "{e:?}");
        let flow: Vec<String> = (0..40).map(|i| format!("k{i}: {i}")).collect();
        let e = parse_str(&format!("a: {{ {}, k39: x }}\n", flow.join(", "))).unwrap_err();
        assert!(e.2.contains("duplicate key `k39`"), "{e:?}");
        assert!(parse_str(&format!("a: {{ {} }}\n", flow.join(", "))).is_ok());
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            s.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let e = parse_str(&s).unwrap_err();
        assert!(e.2.contains("alias expansion"), "{e:?}");
    }

    #[test]
    fn small_aliases_expand() {
        let root = parse_str("a: &r [us-east-1]\nb: *r\n").unwrap().unwrap();
        let NodeKind::Map(entries) = &root.kind else {
            panic!()
        };
        assert_eq!(entries[0].1.kind, entries[1].1.kind);
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let s = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse_str(&s).unwrap_err();
        assert!(e.2.contains("nesting"), "{e:?}");
        let s = format!(
            "a:\n{}",
            (0..200)
                .map(|i| format!("{}- \n", "  ".repeat(i)))
                .collect::<String>()
        );
        assert!(parse_str(&s).is_err());
    }

    #[test]
    fn tabs_and_syntax_errors_have_positions() {
        let e = parse_str("a:\n\tb: 1\n").unwrap_err();
        assert_eq!(e.0, 2, "{e:?}");
        let e = parse_str("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.2.starts_with("invalid YAML"), "{e:?}");
    }

    #[test]
    fn empty_and_multi_documents() {
        assert_eq!(parse_str("").unwrap(), None);
        assert_eq!(parse_str("# only a comment\n").unwrap(), None);
        let e = parse_str("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(e.0, 2);
    }
}
