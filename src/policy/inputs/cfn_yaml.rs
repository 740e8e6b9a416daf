//! CloudFormation YAML → the spanned JSON tree the policy reader uses. The config's
//! YAML reader refuses tags; templates need them: the short forms `!Sub`, `!Ref`,
//! `!GetAtt`, `!Join`, … become the long forms (`{"Fn::Sub": …}`, `{"Ref": …}`)
//! (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html).
//! Every node keeps its byte offset, so findings point at the template's lines. Depth
//! and alias expansion are bounded like the config reader's.

use super::InputError;
use crate::iam::json::{Json, Member, Node};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

const MAX_DEPTH: usize = 64;
const MAX_ALIAS_NODES: usize = 100_000;

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        tag: Option<Tag>,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        tag: Option<Tag>,
        members: Vec<Member>,
        key: Option<(String, usize)>,
    },
}

struct Builder {
    /// Byte offset of each character (the parser counts characters).
    bytes: Option<Vec<usize>>,
    len: usize,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    budget: usize,
    root: Option<Node>,
}

impl Builder {
    fn offset(&self, m: &Marker) -> usize {
        match &self.bytes {
            None => m.index().min(self.len),
            Some(b) => b.get(m.index()).copied().unwrap_or(self.len),
        }
    }

    /// A short-form tag as its long-form function name.
    fn function(tag: &Option<Tag>) -> Option<String> {
        let t = tag.as_ref()?;
        if t.handle != "!" || t.suffix.is_empty() {
            return None;
        }
        Some(match t.suffix.as_str() {
            "Ref" | "Condition" => t.suffix.clone(),
            s => format!("Fn::{s}"),
        })
    }

    fn wrap(node: Node, tag: &Option<Tag>, at: usize) -> Node {
        match Builder::function(tag) {
            Some(f) => Node {
                start: at,
                end: node.end,
                value: Json::Obj(vec![Member {
                    key: f,
                    key_start: at,
                    value: node,
                }]),
            },
            None => node,
        }
    }

    fn add(&mut self, node: Node, anchor: usize, at: usize) -> Result<(), InputError> {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { members, key, .. }) => match key.take() {
                Some((k, key_start)) => members.push(Member {
                    key: k,
                    key_start,
                    value: node,
                }),
                None => match node.value {
                    Json::Str(s) => *key = Some((s, node.start)),
                    Json::Null => *key = Some((String::new(), node.start)),
                    _ => {
                        return Err(InputError {
                            offset: at,
                            message: "a mapping key that is not a scalar".into(),
                        })
                    }
                },
            },
        }
        Ok(())
    }

    fn open(&mut self, at: usize, frame: Frame) -> Result<(), InputError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(InputError {
                offset: at,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            });
        }
        self.stack.push(frame);
        Ok(())
    }
}

fn size(n: &Node) -> usize {
    match &n.value {
        Json::Arr(items) => 1 + items.iter().map(size).sum::<usize>(),
        Json::Obj(ms) => 1 + ms.iter().map(|m| 1 + size(&m.value)).sum::<usize>(),
        _ => 1,
    }
}

/// Parse one YAML document into a spanned tree.
pub(super) fn parse(text: &str) -> Result<Node, InputError> {
    let mut b = Builder {
        bytes: (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect()),
        len: text.len(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget: MAX_ALIAS_NODES,
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser.next_token().map_err(|e| InputError {
            offset: b.offset(e.marker()),
            message: format!("invalid YAML: {}", e.info()),
        })?;
        let at = b.offset(&mark);
        match event {
            Event::StreamEnd => break,
            Event::Scalar(s, style, anchor, tag) => {
                let value = if style == TScalarStyle::Plain
                    && tag.is_none()
                    && matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL")
                {
                    Json::Null
                } else {
                    Json::Str(s.clone())
                };
                let node = Node {
                    value,
                    start: at,
                    end: at + s.len(),
                };
                let node = Builder::wrap(node, &tag, at);
                b.add(node, anchor, at)?;
            }
            Event::SequenceStart(anchor, tag) => b.open(
                at,
                Frame::Seq {
                    start: at,
                    anchor,
                    tag,
                    items: Vec::new(),
                },
            )?,
            Event::MappingStart(anchor, tag) => b.open(
                at,
                Frame::Map {
                    start: at,
                    anchor,
                    tag,
                    members: Vec::new(),
                    key: None,
                },
            )?,
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match b.stack.pop() {
                    Some(Frame::Seq {
                        start,
                        anchor,
                        tag,
                        items,
                    }) => (
                        Builder::wrap(
                            Node {
                                value: Json::Arr(items),
                                start,
                                end: at,
                            },
                            &tag,
                            start,
                        ),
                        anchor,
                    ),
                    Some(Frame::Map {
                        start,
                        anchor,
                        tag,
                        members,
                        ..
                    }) => (
                        Builder::wrap(
                            Node {
                                value: Json::Obj(members),
                                start,
                                end: at,
                            },
                            &tag,
                            start,
                        ),
                        anchor,
                    ),
                    None => continue,
                };
                b.add(node, anchor, at)?;
            }
            Event::Alias(id) => {
                let node = b.anchors.get(&id).cloned().ok_or_else(|| InputError {
                    offset: at,
                    message: "an alias to an unknown anchor".into(),
                })?;
                let n = size(&node);
                if n > b.budget {
                    return Err(InputError {
                        offset: at,
                        message: "aliases expand to too many nodes".into(),
                    });
                }
                b.budget -= n;
                b.add(node, 0, at)?;
            }
            Event::DocumentStart => {
                if b.root.is_some() {
                    return Err(InputError {
                        offset: at,
                        message: "more than one YAML document in the template".into(),
                    });
                }
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
        }
    }
    b.root.ok_or(InputError {
        offset: 0,
        message: "an empty YAML document".into(),
    })
}
