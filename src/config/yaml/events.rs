//! The general YAML path: yaml-rust2's event stream → [`Node`] tree.
//!
//! Built on the event stream (not yaml-rust2's recursive loader) so that depth is
//! bounded while parsing, duplicate keys are reported at the duplicate's own line,
//! and aliases are expanded under a node budget ("billion laughs" fails fast).

use super::{scalar_node, Keys, Node, NodeKind, MAX_ALIAS_NODES, MAX_DEPTH};
use crate::config::text::Text;
use crate::diag::Diagnostic;
use crate::span::{SourceFile, SourceId, Span, Spanned};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

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
        keys: Keys,
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
pub(super) fn parse(file: &SourceFile, source: SourceId) -> Result<Option<Node>, Diagnostic> {
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
                let len = match style {
                    TScalarStyle::Plain => text.len(),
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => text.len() + 2,
                    _ => usize::MAX,
                };
                let plain = style == TScalarStyle::Plain;
                let node = scalar_node(&file.text, source, offset, len, Text::from(text), plain);
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
                        keys: Keys::default(),
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
            Some(Frame::Map {
                entries, key, keys, ..
            }) => match key.take() {
                None => {
                    let span = node.span;
                    let Some(Spanned { value: text, .. }) = node.into_key() else {
                        return Err(Diagnostic::error(
                            Some(span),
                            "mapping keys must be plain strings",
                        ));
                    };
                    let first = keys.repeated(entries, &text).and_then(|i| entries.get(i));
                    if let Some((first, _)) = first {
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
