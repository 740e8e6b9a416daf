//! The fast path: block YAML as configs are written, one pass over the bytes.
//!
//! It reads block mappings and lists (indented or not), plain and quoted scalars
//! (folded over lines, double-quoted escapes), one-line flow collections, comments,
//! block scalars (`|`, `>`), anchors and aliases on values and list items, flow
//! collections (over lines too), CRLF line ends and one leading `---`. On anything
//! else (tags, anchors on keys or inside flow collections, indentation indicators,
//! escaped line breaks, implicit nulls, tabs, a lone CR, duplicate keys, any syntax
//! error) it returns `None` and the caller runs the
//! general parser, so every diagnostic comes from one place. On a 50,000-resource
//! config this path is most of what made `validate` meet its time goal (issue 21,
//! docs/benchmarks.md).
//!
//! The tree must equal the general parser's, spans included, so positions follow the
//! marks yaml-rust2 gives its events: a block mapping starts at the `:` of its first
//! key, a block sequence at its first `-` (an indentless one, at the first item's
//! content), a flow collection at its opening bracket; a block collection ends where
//! the next token starts (or at the end of the text), a flow one at its closing
//! bracket. The differential tests (`fast_tests.rs`) hold that on the repository's
//! YAML, on generated documents and on random edits of both.

use super::{Keys, Node, NodeKind, Sink, MAX_DEPTH};
use crate::config::text::Text;
use crate::span::{SourceFile, SourceId, Span, Spanned};
use std::collections::HashMap;

/// yaml-rust2 refuses simple keys longer than 1024 characters; stay well clear.
const MAX_KEY: usize = 1000;

/// `None` when the document is outside the fast subset; `Some(None)` when it is empty.
pub(super) fn parse(
    file: &SourceFile,
    source: SourceId,
    sink: Option<&mut dyn Sink>,
) -> Option<Option<Node>> {
    let mut p = Fast {
        sink,
        s: file.text.as_bytes(),
        text: &file.text,
        pos: 0,
        line_start: 0,
        source,
        depth: 0,
        items: Vec::new(),
        entries: Vec::new(),
        anchors: Vec::new(),
        anchor_names: HashMap::new(),
        plain_on_line: false,
        alias_budget: anchor::BUDGET,
    };
    p.skip_to_token()?;
    if p.col() == 0 && p.s.get(p.pos..p.pos + 3) == Some(b"---") && p.blank_or_end(p.pos + 3) {
        p.pos += 3;
        p.end_line()?;
        // An explicit document with nothing in it is a null, not an empty stream.
        if p.at_end() {
            return None;
        }
    }
    if p.at_end() {
        return Some(None);
    }
    let root = p.block_node(-1)?;
    (p.pos >= p.s.len()).then_some(Some(root))
}

type Entry = (Spanned<Text>, Node);

struct Fast<'a, 's> {
    sink: Option<&'s mut dyn Sink>,
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    line_start: usize,
    source: SourceId,
    depth: usize,
    /// Scratch stacks shared by nested collections: each takes its own tail off when
    /// it ends, so every node's list is allocated once at its exact length.
    items: Vec<Node>,
    entries: Vec<Entry>,
    /// Anchors in document order with their node once complete, the anchor each name
    /// means now, and what aliases may still expand (see `anchor`).
    anchors: Vec<Option<Node>>,
    anchor_names: HashMap<String, usize>,
    /// A plain scalar was read in a flow since its last line break (see `flow`).
    plain_on_line: bool,
    alias_budget: usize,
}

/// What a block line starts with when it is not a collection indicator.
enum Head {
    Key {
        key: Spanned<Text>,
        colon: usize,
        col: usize,
    },
    Scalar(Node),
}

impl Fast<'_, '_> {
    /// The byte at `i`, 0 past the end (a NUL inside the text is refused wherever 0 is
    /// not the end).
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn col(&self) -> usize {
        self.pos - self.line_start
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.source, start, end)
    }

    /// A space, a line break or the end of the text at `i`.
    fn blank_or_end(&self, i: usize) -> bool {
        i >= self.s.len() || self.at(i) == b' ' || self.line_break(i).is_some()
    }

    /// A line break, a comment or the end at `self.pos`: nothing more on this line.
    fn at_line_end(&self) -> bool {
        matches!(self.peek(), b'#' | 0) || self.line_break(self.pos).is_some()
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// Past spaces, comments and line breaks, to the next token or the end.
    fn skip_to_token(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                b' ' => self.pos += 1,
                b'\n' | b'\r' => {
                    self.pos += self.line_break(self.pos)?;
                    self.line_start = self.pos;
                }
                // A comment needs a blank before it; anything else is for the general parser.
                b'#' if self.pos == self.line_start || self.at(self.pos - 1) == b' ' => {
                    let rest = self.s.get(self.pos..)?;
                    let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                    let body = rest.get(..len)?;
                    // Only a CRLF's CR; a lone CR is a line break to the general parser.
                    let body = body.strip_suffix(b"\r").unwrap_or(body);
                    if body.contains(&b'\r') {
                        return None;
                    }
                    self.pos += body.len();
                }
                0 if self.at_end() => return Some(()),
                b'\t' | b'#' | 0 => return None,
                _ => return Some(()),
            }
        }
    }

    /// After a value that must end its line: only a comment may follow on that line.
    fn end_line(&mut self) -> Option<()> {
        let line = self.line_start;
        self.skip_to_token()?;
        (self.line_start != line || self.at_end()).then_some(())
    }

    fn skip_spaces(&mut self) {
        while self.peek() == b' ' {
            self.pos += 1;
        }
    }

    /// A `-` that opens a block sequence entry.
    fn at_dash(&self) -> bool {
        self.peek() == b'-' && self.blank_or_end(self.pos + 1)
    }

    /// A node that starts a line, at `self.pos`, in a collection at column `indent`.
    fn block_node(&mut self, indent: isize) -> Option<Node> {
        if self.at_dash() {
            return self.block_seq(self.col(), false, None);
        }
        if matches!(self.peek(), b'[' | b'{') {
            let node = self.flow_node(indent)?;
            self.end_line()?;
            return Some(node);
        }
        match self.head(indent)? {
            Head::Key { key, colon, col } => self.block_map(col, key, colon),
            Head::Scalar(node) => {
                self.end_line()?;
                Some(node)
            }
        }
    }

    /// A scalar that may be a mapping key: the key when `:` and a blank follow it on
    /// the line it started on. `indent`: the column of the collection it is in.
    fn head(&mut self, indent: isize) -> Option<Head> {
        let start = self.pos;
        let col = self.col();
        let line = self.line_start;
        let (text, plain) = match self.peek() {
            b'"' | b'\'' => (self.quoted(indent)?.0, false),
            // `---` and `...` at the start of a line are document markers.
            b'.' if col == 0
                && self.s.get(start..start + 3) == Some(b"...")
                && self.blank_or_end(start + 3) =>
            {
                return None
            }
            _ => (self.plain(false, indent)?, true),
        };
        let mut j = self.pos;
        while self.at(j) == b' ' {
            j += 1;
        }
        if self.at(j) == b':' && self.blank_or_end(j + 1) {
            if self.pos - start > MAX_KEY || self.line_start != line {
                return None;
            }
            let key = self.scalar(start, text, plain).into_key()?;
            self.pos = j + 1;
            return Some(Head::Key { key, colon: j, col });
        }
        Some(Head::Scalar(self.scalar(start, text, plain)))
    }

    /// Whether the content at `self.pos` is a `key:` (read and put back).
    fn anchored_key(&mut self) -> bool {
        let (pos, line) = (self.pos, self.line_start);
        let key = matches!(self.head(isize::MAX), Some(Head::Key { .. }));
        self.pos = pos;
        self.line_start = line;
        key
    }

    /// A block mapping whose first key (at column `col`) has just been read.
    fn block_map(&mut self, col: usize, first: Spanned<Text>, colon: usize) -> Option<Node> {
        self.enter()?;
        let base = self.entries.len();
        let mut key = first;
        let root = self.depth == 1;
        let mut keys = Keys::default();
        let end = loop {
            if keys.repeated(&self.entries[base..], &key.value).is_some() {
                return None;
            }
            let slot = match &self.sink {
                Some(sink) if root => sink.slot(&key.value),
                _ => None,
            };
            let value = self.map_value(col, slot)?;
            self.entries.push((key, value));
            if self.at_end() {
                break self.s.len();
            }
            match self.col() {
                c if c < col => break self.pos,
                c if c > col => return None,
                _ => {}
            }
            key = match self.head(col as isize)? {
                Head::Key { key, .. } => key,
                Head::Scalar(_) => return None,
            };
        };
        self.depth -= 1;
        let entries: Vec<Entry> = self.entries.drain(base..).collect();
        Some(Node {
            kind: NodeKind::Map(entries),
            span: self.span(colon, end),
        })
    }

    /// The value after `key:` in a block mapping whose keys are at column `col`; the
    /// items of a block list go to the sink's `slot` when there is one.
    fn map_value(&mut self, col: usize, slot: Option<usize>) -> Option<Node> {
        self.skip_spaces();
        if self.peek() == b'*' {
            let node = self.alias()?;
            self.end_line()?;
            return Some(node);
        }
        let anchor = if self.peek() == b'&' {
            Some(self.anchor()?)
        } else {
            None
        };
        // A streamed list leaves no items in the tree for an alias to copy.
        let slot = if anchor.is_some() { None } else { slot };
        let node = self.plain_value(col, slot)?;
        self.define(anchor, &node);
        Some(node)
    }

    /// [`Self::map_value`] past any anchor.
    fn plain_value(&mut self, col: usize, slot: Option<usize>) -> Option<Node> {
        match self.peek() {
            _ if self.at_line_end() => {
                self.skip_to_token()?;
                if self.at_end() {
                    return None;
                }
                match self.col() {
                    c if c > col && self.at_dash() => self.block_seq(c, false, slot),
                    c if c > col => self.block_node(col as isize),
                    c if c == col && self.at_dash() => self.block_seq(col, true, slot),
                    // An empty value: its null's position is the general parser's to give.
                    _ => None,
                }
            }
            b'-' if self.at_dash() => None,
            b'|' | b'>' => {
                let node = self.block_scalar(col as isize)?;
                self.skip_to_token()?;
                Some(node)
            }
            b'[' | b'{' => {
                let node = self.flow_node(col as isize)?;
                self.end_line()?;
                Some(node)
            }
            _ => match self.head(col as isize)? {
                Head::Scalar(node) => {
                    self.end_line()?;
                    Some(node)
                }
                Head::Key { .. } => None,
            },
        }
    }

    /// A block sequence whose first `-` is at `self.pos`, column `col`. An indentless
    /// one (a mapping value whose dashes line up with the keys) ends at the next key.
    fn block_seq(&mut self, col: usize, indentless: bool, slot: Option<usize>) -> Option<Node> {
        self.enter()?;
        let base = self.items.len();
        let dash = self.pos;
        let mut start = None;
        let end = loop {
            self.pos += 1;
            self.skip_spaces();
            if self.at_line_end() {
                return None;
            }
            start.get_or_insert(if indentless { self.pos } else { dash });
            let anchor = if self.peek() == b'&' {
                Some(self.anchor()?)
            } else {
                None
            };
            // Content on the next line, a list opened on this one (refused by yaml-rust2),
            // or a key the anchor would name, is not read here.
            if anchor.is_some() && (self.at_line_end() || self.at_dash() || self.anchored_key()) {
                return None;
            }
            let item = if self.peek() == b'*' {
                let node = self.alias()?;
                self.end_line()?;
                node
            } else if self.at_dash() {
                self.block_seq(self.col(), false, None)?
            } else if matches!(self.peek(), b'|' | b'>') {
                let node = self.block_scalar(col as isize)?;
                self.skip_to_token()?;
                node
            } else if matches!(self.peek(), b'[' | b'{') {
                // yaml-rust2 may hold a list item's flow one column further in.
                let node = self.flow_node(col as isize + 1)?;
                self.end_line()?;
                node
            } else {
                match self.head(col as isize)? {
                    Head::Key { key, colon, col } => self.block_map(col, key, colon)?,
                    Head::Scalar(node) => {
                        self.end_line()?;
                        node
                    }
                }
            };
            self.define(anchor, &item);
            match (slot, &mut self.sink) {
                (Some(slot), Some(sink)) => sink.item(slot, item),
                _ => self.items.push(item),
            }
            if self.at_end() {
                break self.s.len();
            }
            match self.col() {
                c if c < col => break self.pos,
                c if c > col => return None,
                _ if self.at_dash() => {}
                _ if indentless => break self.pos,
                _ => return None,
            }
        };
        self.depth -= 1;
        let items: Vec<Node> = self.items.drain(base..).collect();
        Some(Node {
            kind: NodeKind::Seq(items),
            span: self.span(start.unwrap_or(dash), end),
        })
    }
}

mod anchor;
mod flow;
mod scalar;

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
