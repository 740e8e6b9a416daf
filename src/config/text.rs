//! The text of a YAML scalar or key, stored inline when short.
//!
//! A config is mostly short scalars (`name`, `us-east-1`, `HATE`): as `String`s each
//! was its own heap allocation, about a third of `validate`'s peak memory on a
//! 50,000-resource config (docs/benchmarks.md, issue 21). Up to [`INLINE`] bytes live
//! in the node itself; longer text is one exactly-sized box.

use std::fmt;
use std::ops::Deref;

/// Longest text kept inline: the size of a `String` less the length byte and the tag.
pub const INLINE: usize = 22;

#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<str>),
}

impl Text {
    /// Comparisons use the bytes: no UTF-8 check on the hot path of key lookups.
    fn bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, buf } => buf.get(..usize::from(*len)).unwrap_or_default(),
            Repr::Heap(s) => s.as_bytes(),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always a whole `str` copied in by `From<String>`, so the check never fails.
            Repr::Inline { len, buf } => {
                std::str::from_utf8(buf.get(..usize::from(*len)).unwrap_or_default())
                    .unwrap_or_default()
            }
            Repr::Heap(s) => s,
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::from(s.as_str())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        match u8::try_from(s.len()) {
            Ok(len) if s.len() <= INLINE => {
                let mut buf = [0u8; INLINE];
                buf[..s.len()].copy_from_slice(s.as_bytes());
                Text(Repr::Inline { len, buf })
            }
            _ => Text(Repr::Heap(s.into())),
        }
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

/// Hashes the bytes, as `eq` compares them.
impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes().hash(state);
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.bytes() == other.as_bytes()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_text_round_trip() {
        for s in [
            "",
            "a",
            "us-east-1",
            &"x".repeat(INLINE),
            &"y".repeat(INLINE + 1),
            "é漢字🙂",
        ] {
            let t = Text::from(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(t, s);
        }
        assert_eq!(std::mem::size_of::<Text>(), std::mem::size_of::<String>());
    }
}
