//! Anchors and aliases on the fast path, where configs use them: a mapping value or a
//! list item (`regions: &main [us-east-1]`, later `regions: *main`). Anchors on keys,
//! inside flow collections, or on an item whose content starts on the next line are
//! the general parser's.
//!
//! The tree is the general parser's: an alias is a copy of its anchor's node, the copy's
//! own span at the `*`, counted against the same expansion budget; a node's anchor is
//! recorded when the node is complete, so an alias inside the node it names, or to a
//! name not yet defined, is the general parser's to report.

use super::super::MAX_ALIAS_NODES;
use super::{Fast, Node};

impl Fast<'_, '_> {
    /// The name after `&` or `*` at `self.pos`, which must end at a blank or the line's
    /// end; `self.pos` moves past it and the blanks after it.
    fn anchor_name(&mut self) -> Option<String> {
        let start = self.pos + 1;
        let mut i = start;
        while self.at(i).is_ascii_alphanumeric() || matches!(self.at(i), b'_' | b'-') {
            i += 1;
        }
        if i == start || !self.blank_or_end(i) {
            return None;
        }
        let name = self.text.get(start..i)?.to_string();
        self.pos = i;
        self.skip_spaces();
        Some(name)
    }

    /// `&name` at `self.pos`: the anchor's number. The name means this anchor from
    /// here on, as in yaml-rust2, even before the node is complete (an alias then finds
    /// no node and the general parser reports it).
    pub(super) fn anchor(&mut self) -> Option<usize> {
        let name = self.anchor_name()?;
        let id = self.anchors.len();
        self.anchors.push(None);
        self.anchor_names.insert(name, id);
        Some(id)
    }

    pub(super) fn define(&mut self, id: Option<usize>, node: &Node) {
        if let Some(slot) = id.and_then(|id| self.anchors.get_mut(id)) {
            *slot = Some(node.clone());
        }
    }

    /// `*name` at `self.pos`: a copy of the named node, spanned at the `*`.
    pub(super) fn alias(&mut self) -> Option<Node> {
        let at = self.pos;
        let name = self.anchor_name()?;
        let id = *self.anchor_names.get(&name)?;
        let node = self.anchors.get(id)?.as_ref()?;
        let size = node.size();
        if size > self.alias_budget {
            return None;
        }
        self.alias_budget -= size;
        Some(Node {
            span: self.span(at, at + 1),
            ..node.clone()
        })
    }
}

/// The expansion budget a document starts with.
pub(super) const BUDGET: usize = MAX_ALIAS_NODES;
