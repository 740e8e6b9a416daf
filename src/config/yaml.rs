//! The only module that touches the YAML parser: text → a small spanned tree.
//!
//! Built on yaml-rust2's event stream (not its recursive loader) so that depth is
//! bounded while parsing, duplicate keys are reported at the duplicate's own line,
//! and aliases are expanded under a node budget ("billion laughs" fails fast).

use super::text::Text;
use crate::diag::Diagnostic;
use crate::span::{SourceFile, SourceId, Span, Spanned};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

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

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Spanned<Text>, Node)>,
        key: Option<Spanned<Text>>,
    },
}

struct Builder<'a> {
    file: &'a SourceFile,
    source: SourceId,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_budget: usize,
    root: Option<Node>,
    ascii: bool,
}

/// Parse one YAML document. `Ok(None)` for an empty document.
pub fn parse(file: &SourceFile, source: SourceId) -> Result<Option<Node>, Diagnostic> {
    let mut b = Builder {
        file,
        source,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_budget: MAX_ALIAS_NODES,
        root: None,
        ascii: file.text.is_ascii(),
    };
    let mut parser = Parser::new_from_str(&file.text);
    let mut documents = 0;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let offset = b.offset(e.marker());
            Diagnostic::error(Some(b.span(offset, offset + 1)), yaml_message(e.info()))
        })?;
        let offset = b.offset(&mark);
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(Diagnostic::error(
                        Some(b.span(offset, offset + 3)),
                        "more than one YAML document in the file",
                    )
                    .with_hint("a config is one document: remove the extra `---`"));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if tag.is_some() {
                    return Err(b.tag_error(offset));
                }
                let plain = style == TScalarStyle::Plain;
                let len = b.scalar_len(offset, &text, style);
                let kind = if plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL")
                {
                    NodeKind::Null
                } else {
                    NodeKind::Scalar {
                        text: Text::from(text),
                        plain,
                    }
                };
                let node = Node {
                    kind,
                    span: b.span(offset, offset + len),
                };
                b.push_node(node, anchor)?;
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)
                if tag.is_some() =>
            {
                let _ = anchor;
                return Err(b.tag_error(offset));
            }
            Event::SequenceStart(anchor, _) => {
                b.open(
                    offset,
                    Frame::Seq {
                        start: offset,
                        anchor,
                        items: Vec::new(),
                    },
                )?;
            }
            Event::MappingStart(anchor, _) => {
                b.open(
                    offset,
                    Frame::Map {
                        start: offset,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    },
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match b.stack.pop() {
                    Some(Frame::Seq {
                        start,
                        anchor,
                        mut items,
                    }) => (
                        Node {
                            // Growth slack is a third of the tree on large configs (issue 21).
                            kind: NodeKind::Seq({
                                items.shrink_to_fit();
                                items
                            }),
                            span: b.span(start, offset),
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        start,
                        anchor,
                        mut entries,
                        ..
                    }) => (
                        Node {
                            kind: NodeKind::Map({
                                entries.shrink_to_fit();
                                entries
                            }),
                            span: b.span(start, offset),
                        },
                        anchor,
                    ),
                    None => continue,
                };
                b.push_node(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some(node) = b.anchors.get(&id).cloned() else {
                    return Err(Diagnostic::error(
                        Some(b.span(offset, offset + 1)),
                        "unknown alias",
                    ));
                };
                let size = node.size();
                if size > b.alias_budget {
                    return Err(Diagnostic::error(
                        Some(b.span(offset, offset + 1)),
                        format!("alias expansion exceeds {MAX_ALIAS_NODES} nodes"),
                    )
                    .with_hint("this looks like an alias bomb; write the values out instead"));
                }
                b.alias_budget -= size;
                let node = Node {
                    span: b.span(offset, offset + 1),
                    ..node
                };
                b.push_node(node, 0)?;
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(b.root)
}

fn yaml_message(info: &str) -> String {
    let info = info.trim_end_matches('.');
    if info.contains("recursion limit") {
        format!("nesting deeper than {MAX_DEPTH} levels")
    } else if info.contains("tab") {
        "tabs are not allowed for indentation in YAML".to_string()
    } else {
        format!("invalid YAML: {info}")
    }
}

impl Builder<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.source, start, end)
    }

    /// yaml-rust2 markers count characters; spans count bytes.
    fn offset(&self, mark: &Marker) -> usize {
        // In ASCII text a character index is the byte offset: no line scan per event,
        // which was a tenth of `validate` on large configs (issue 21).
        if self.ascii {
            return mark.index().min(self.file.text.len());
        }
        self.file.offset(mark.line(), mark.col() + 1)
    }

    fn scalar_len(&self, offset: usize, text: &str, style: TScalarStyle) -> usize {
        let rest = self.file.text.as_bytes().get(offset..).unwrap_or_default();
        // The span ends at the scalar or at the end of its line, whichever comes
        // first; only that far is scanned (once per scalar, so a search for the end of
        // the line was a twentieth of `validate` on large configs, issue 21).
        let line_len = |limit: usize| {
            let window = &rest[..limit.min(rest.len())];
            window
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(window.len())
        };
        match style {
            TScalarStyle::Plain => line_len(text.len()).max(1),
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                line_len(text.len() + 2).max(1)
            }
            _ => line_len(usize::MAX).max(1),
        }
    }

    fn tag_error(&self, offset: usize) -> Diagnostic {
        Diagnostic::error(
            Some(self.span(offset, offset + 1)),
            "YAML tags are not supported",
        )
    }

    fn open(&mut self, offset: usize, frame: Frame) -> Result<(), Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::error(
                Some(self.span(offset, offset + 1)),
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn push_node(&mut self, node: Node, anchor: usize) -> Result<(), Diagnostic> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let span = node.span;
                    let text = match node.kind {
                        NodeKind::Scalar { text, .. } => text,
                        NodeKind::Null => Text::from(""),
                        _ => {
                            return Err(Diagnostic::error(
                                Some(span),
                                "mapping keys must be plain strings",
                            ))
                        }
                    };
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.value == text) {
                        let line = self.file.line_col(first.span.start as usize).0;
                        return Err(Diagnostic::error(
                            Some(span),
                            format!("duplicate key `{text}`"),
                        )
                        .with_hint(format!("`{text}` is first defined on line {line}")));
                    }
                    *key = Some(Spanned::new(text, span));
                }
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
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
