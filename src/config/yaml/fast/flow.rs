//! Flow collections on the fast path: `[...]` and `{...}`, on one line or over several
//! (`regions: [` … `]`), trailing comma allowed, as yaml-rust2 reads them. A flow that
//! goes over lines must keep its content right of the block collection it is in (the
//! closing bracket may sit at that column); a scalar inside one stays on one line.

use super::super::{Keys, NodeKind};
use super::{Entry, Fast, Node};

impl Fast<'_, '_> {
    /// A flow collection or a scalar inside one, in a block collection at column `indent`.
    pub(super) fn flow_node(&mut self, indent: isize) -> Option<Node> {
        match self.peek() {
            b'[' => self.flow_seq(indent),
            b'{' => self.flow_map(indent),
            b'"' | b'\'' => {
                let start = self.pos;
                let (text, _) = self.quoted(isize::MAX)?;
                Some(self.scalar(start, text, false))
            }
            _ => {
                let start = self.pos;
                let text = self.plain(true, isize::MAX)?;
                self.plain_on_line = true;
                Some(self.scalar(start, text, true))
            }
        }
    }

    /// Past blanks, and line breaks and comments between the tokens of a flow; a token on
    /// a later line must be right of `indent`, or at it for a closing bracket. A flow at
    /// the root stays on one line (`...` at column 0 would end the document).
    ///
    /// yaml-rust2 refuses a closing bracket at `indent` after a line with no plain
    /// scalar on it (`"q"` or `[]` alone: "invalid indentation"), so that one is left
    /// to it.
    fn flow_space(&mut self, indent: isize) -> Option<()> {
        let line = self.line_start;
        self.skip_to_token()?;
        if self.line_start == line {
            return Some(());
        }
        let col = isize::try_from(self.col()).ok()?;
        let closing = matches!(self.peek(), b']' | b'}');
        let plain_before = std::mem::take(&mut self.plain_on_line);
        if indent < 0
            || self.at_end()
            || col < indent
            || (col == indent && !(closing && plain_before))
        {
            return None;
        }
        Some(())
    }

    fn flow_seq(&mut self, indent: isize) -> Option<Node> {
        self.enter()?;
        self.plain_on_line = false;
        let start = self.pos;
        self.pos += 1;
        let base = self.items.len();
        self.flow_space(indent)?;
        while self.peek() != b']' {
            let item = self.flow_node(indent)?;
            self.items.push(item);
            self.flow_space(indent)?;
            match self.peek() {
                b',' => {
                    self.pos += 1;
                    self.flow_space(indent)?;
                }
                b']' => break,
                _ => return None,
            }
        }
        let end = self.pos;
        self.pos += 1;
        self.depth -= 1;
        let items: Vec<Node> = self.items.drain(base..).collect();
        Some(Node {
            kind: NodeKind::Seq(items),
            span: self.span(start, end),
        })
    }

    fn flow_map(&mut self, indent: isize) -> Option<Node> {
        self.enter()?;
        self.plain_on_line = false;
        let start = self.pos;
        self.pos += 1;
        let base = self.entries.len();
        let mut keys = Keys::default();
        // yaml-rust2 ends a flow mapping at a trailing comma, not at its `}`.
        let mut comma = None;
        self.flow_space(indent)?;
        while self.peek() != b'}' {
            comma = None;
            let key = match self.peek() {
                b'[' | b'{' => return None,
                _ => self.flow_node(indent)?,
            };
            if self.peek() != b':' || self.at(self.pos + 1) != b' ' {
                return None;
            }
            let key = key.into_key()?;
            if keys.repeated(&self.entries[base..], &key.value).is_some() {
                return None;
            }
            self.pos += 1;
            self.skip_spaces();
            if matches!(self.peek(), b',' | b'}') || self.at_line_end() {
                return None;
            }
            let value = self.flow_node(indent)?;
            self.entries.push((key, value));
            self.flow_space(indent)?;
            match self.peek() {
                b',' => {
                    comma = Some(self.pos);
                    self.pos += 1;
                    self.flow_space(indent)?;
                }
                b'}' => break,
                _ => return None,
            }
        }
        let end = comma.unwrap_or(self.pos);
        self.pos += 1;
        self.depth -= 1;
        let entries: Vec<Entry> = self.entries.drain(base..).collect();
        Some(Node {
            kind: NodeKind::Map(entries),
            span: self.span(start, end),
        })
    }
}
