//! Nested values in plan text as Terraform renders them (issue 20): one line per leaf,
//! `+`/`-`/`~` on the leaves that change, objects and lists of objects as blocks (list
//! elements keyed by their `name` or `type`), unchanged leaves of a changed block left
//! out. Every leaf goes through [`leaf`], the one place a marker for values unknown
//! until apply would go.

use serde_json::Value;
use std::fmt::Write as _;

/// Render the change of `key` from `before` to `after` at `indent` spaces.
pub fn tree(
    out: &mut String,
    indent: usize,
    key: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) {
    let pad = " ".repeat(indent);
    let sym = match (before, after) {
        (None, _) => "+",
        (_, None) => "-",
        _ => "~",
    };
    match (before, after) {
        (b, a) if is_block(b) && is_block(a) => {
            let _ = writeln!(out, "{pad}{sym} {key} {{");
            for (k, bv, av) in children(b, a) {
                if bv != av {
                    tree(out, indent + 4, &k, bv, av);
                }
            }
            let _ = writeln!(out, "{pad}  }}");
        }
        (Some(b), Some(a)) => {
            let _ = writeln!(out, "{pad}~ {key} = {} -> {}", leaf(b), leaf(a));
        }
        (None, Some(a)) => {
            let _ = writeln!(out, "{pad}+ {key} = {}", leaf(a));
        }
        (Some(b), None) => {
            let _ = writeln!(out, "{pad}- {key} = {}", leaf(b));
        }
        (None, None) => {}
    }
}

/// Whether `v` renders as a block: an object, or a non-empty list of objects.
pub fn is_nested(v: &Value) -> bool {
    match v {
        Value::Object(_) => true,
        Value::Array(a) => !a.is_empty() && a.iter().all(Value::is_object),
        _ => false,
    }
}

fn is_block(v: Option<&Value>) -> bool {
    v.is_none_or(is_nested)
}

/// The children of a block on both sides, in the after side's order, then the ones
/// only before has. List elements are keyed by `name`, `type` or their position.
fn children<'a>(
    b: Option<&'a Value>,
    a: Option<&'a Value>,
) -> Vec<(String, Option<&'a Value>, Option<&'a Value>)> {
    let entries = |v: Option<&'a Value>| -> Vec<(String, &'a Value)> {
        match v {
            Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Some(Value::Array(xs)) => xs
                .iter()
                .enumerate()
                .map(|(i, x)| (element_key(x, i), x))
                .collect(),
            _ => Vec::new(),
        }
    };
    let (bs, as_) = (entries(b), entries(a));
    let mut out: Vec<(String, Option<&Value>, Option<&Value>)> = as_
        .iter()
        .map(|(k, av)| {
            let bv = bs.iter().find(|(bk, _)| bk == k).map(|(_, v)| *v);
            (k.clone(), bv, Some(*av))
        })
        .collect();
    for (k, bv) in &bs {
        if !as_.iter().any(|(ak, _)| ak == k) {
            out.push((k.clone(), Some(*bv), None));
        }
    }
    out
}

fn element_key(x: &Value, i: usize) -> String {
    ["name", "type"]
        .iter()
        .find_map(|f| x.get(*f).and_then(Value::as_str))
        .map_or_else(|| format!("[{i}]"), |s| format!("\"{s}\""))
}

/// A leaf value as one line.
pub fn leaf(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_leaves_show_with_their_markers() {
        let before = json!({"filters": [{"type": "HATE", "input": "HIGH"}, {"type": "SEXUAL", "input": "LOW"}],
                            "words": {"custom": ["a"]}});
        let after = json!({"filters": [{"type": "HATE", "input": "MEDIUM"}, {"type": "INSULTS", "input": "LOW"}],
                           "words": {"custom": ["a"]}});
        let mut out = String::new();
        tree(&mut out, 6, "content", Some(&before), Some(&after));
        let expected = "      ~ content {
          ~ filters {
              ~ \"HATE\" {
                  ~ input = \"HIGH\" -> \"MEDIUM\"
                }
              + \"INSULTS\" {
                  + type = \"INSULTS\"
                  + input = \"LOW\"
                }
              - \"SEXUAL\" {
                  - type = \"SEXUAL\"
                  - input = \"LOW\"
                }
            }
        }
";
        assert_eq!(out, expected);
    }
}
