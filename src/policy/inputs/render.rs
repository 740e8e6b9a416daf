//! A document node back to JSON text for the linter, with a map from offsets in that
//! text to offsets in the file the node came from.

use crate::iam::json::{Json, Node};

/// `(offset in the rendered text, offset in the file)`, ascending; a file offset of 0
/// means the node had no position.
#[derive(Debug, Default, Clone)]
pub struct OffsetMap(Vec<(usize, usize)>);

impl OffsetMap {
    /// The file offset of rendered offset `at`: that of the last node starting at or
    /// before it, if that node has one.
    pub fn file_offset(&self, at: usize) -> Option<usize> {
        let i = self.0.partition_point(|(t, _)| *t <= at);
        let (_, file) = *self.0.get(i.checked_sub(1)?)?;
        (file != 0).then_some(file)
    }
}

/// Render `node` as JSON text.
pub fn render(node: &Node) -> (String, OffsetMap) {
    let mut out = String::new();
    let mut map = OffsetMap::default();
    write(node, &mut out, &mut map);
    (out, map)
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn write(node: &Node, out: &mut String, map: &mut OffsetMap) {
    map.0.push((out.len(), node.start));
    match &node.value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) => out.push_str(n),
        Json::Str(s) => out.push_str(&quoted(s)),
        Json::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\n');
                write(item, out, map);
            }
            out.push(']');
        }
        Json::Obj(members) => {
            out.push('{');
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\n');
                map.0.push((out.len(), m.key_start));
                out.push_str(&quoted(&m.key));
                out.push_str(": ");
                write(&m.value, out, map);
            }
            out.push('}');
        }
    }
}
