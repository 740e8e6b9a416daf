//! [`Tags`]: a resource's `tags:` as the config wrote them, in two exact allocations.
//!
//! A config's tag maps are small (one to a few entries) and there is one per resource: as
//! `BTreeMap<String, String>` each took a ~540-byte B-tree leaf plus one allocation per key
//! and value, 20 MB of a 50,000-resource `validate` (issue 21). Here every key and value
//! lives in one string and their end offsets in one slice, sorted by key like the map was,
//! so iteration order, lookups and the map handed to resource specs are unchanged.
//! Only the config model uses it; resource specs and `Resource` keep their `BTreeMap`.

use std::collections::BTreeMap;
use std::fmt;

/// Tags sorted by key, unique keys (the last one written wins, as `BTreeMap::insert`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Tags {
    /// Every key then its value, in key order, back to back.
    text: Box<str>,
    /// Byte offsets into `text` where each key and each value ends: `[k0, v0, k1, v1, …]`.
    /// `u32` as spans are: the config itself is capped far below 4 GiB.
    ends: Box<[u32]>,
}

impl Tags {
    pub fn new() -> Self {
        Tags::default()
    }

    pub fn len(&self) -> usize {
        self.ends.len() / 2
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The `i`-th pair in key order.
    fn pair(&self, i: usize) -> (&str, &str) {
        let start = match i.checked_sub(1) {
            Some(prev) => self.ends.get(2 * prev + 1).copied().unwrap_or(0),
            None => 0,
        };
        let key_end = self.ends.get(2 * i).copied().unwrap_or(start);
        let value_end = self.ends.get(2 * i + 1).copied().unwrap_or(key_end);
        let at = |a: u32, b: u32| self.text.get(a as usize..b as usize).unwrap_or("");
        (at(start, key_end), at(key_end, value_end))
    }

    /// The pairs in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        (0..self.len()).map(|i| self.pair(i))
    }

    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.iter().map(|(k, _)| k)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        let mut lo = 0;
        let mut hi = self.len();
        // Binary search by key: pairs are sorted (tag limits allow 200 per resource).
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (k, v) = self.pair(mid);
            match k.cmp(key) {
                std::cmp::Ordering::Equal => return Some(v),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        None
    }

    /// The map resource specs and `Resource::tags` use.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Tags {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut pairs: Vec<(K, V)> = pairs.into_iter().collect();
        // Stable sort, then keep the last value of equal keys: what inserting into a map
        // does. `dedup_by` hands the later pair first and drops it when told to, so its
        // value moves into the kept one.
        pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        pairs.dedup_by(|later, kept| {
            let same = later.0.as_ref() == kept.0.as_ref();
            if same {
                std::mem::swap(&mut later.1, &mut kept.1);
            }
            same
        });
        let bytes = pairs
            .iter()
            .map(|(k, v)| k.as_ref().len() + v.as_ref().len())
            .sum();
        let mut text = String::with_capacity(bytes);
        let mut ends = Vec::with_capacity(pairs.len() * 2);
        for (k, v) in &pairs {
            text.push_str(k.as_ref());
            ends.push(offset(text.len()));
            text.push_str(v.as_ref());
            ends.push(offset(text.len()));
        }
        Tags {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }
}

/// An end offset; saturates, and `pair` then yields empty text instead of panicking (a
/// tag map over 4 GiB cannot come from a config capped at 32 MiB).
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Shown as a map, as the `BTreeMap` it replaces was.
impl fmt::Debug for Tags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        for (k, v) in pairs {
            m.insert(k.to_string(), v.to_string());
        }
        m
    }

    #[test]
    fn behaves_like_the_map_it_replaces() {
        let cases: &[&[(&str, &str)]] = &[
            &[],
            &[("team", "ml")],
            &[("team", "ml"), ("cost-center", "cc-1")],
            &[("b", ""), ("a", "x"), ("", "empty key")],
            // Duplicate keys: the last value wins, as with `BTreeMap::insert`.
            &[("k", "1"), ("j", "2"), ("k", "3"), ("k", "4")],
            &[("é", "ü"), ("e", "u"), ("z", "ünïcode")],
        ];
        for pairs in cases {
            let tags: Tags = pairs.iter().copied().collect();
            let want = map(pairs);
            assert_eq!(tags.len(), want.len(), "{pairs:?}");
            assert_eq!(tags.is_empty(), want.is_empty());
            let got: Vec<(&str, &str)> = tags.iter().collect();
            let expected: Vec<(&str, &str)> =
                want.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            assert_eq!(got, expected, "{pairs:?}");
            assert_eq!(
                tags.keys().collect::<Vec<_>>(),
                want.keys().collect::<Vec<_>>()
            );
            assert_eq!(tags.to_map(), want);
            assert_eq!(format!("{tags:?}"), format!("{want:?}"));
            for (k, v) in &want {
                assert_eq!(tags.get(k), Some(v.as_str()), "{k}");
            }
            assert_eq!(tags.get("absent"), None);
            assert_eq!(tags.get("kk"), None);
        }
    }

    #[test]
    fn an_empty_list_is_the_default_and_the_type_is_small() {
        let tags: Tags = Vec::<(String, String)>::new().into_iter().collect();
        assert_eq!(tags, Tags::new());
        assert_eq!(std::mem::size_of::<Tags>(), 32);
    }

    #[test]
    fn many_tags_stay_sorted_and_searchable() {
        let pairs: Vec<(String, String)> = (0..200)
            .rev()
            .map(|i| (format!("key-{i:03}"), format!("v{i}")))
            .collect();
        let tags: Tags = pairs.iter().map(|(k, v)| (k, v)).collect();
        assert_eq!(tags.len(), 200);
        assert!(tags.keys().zip(tags.keys().skip(1)).all(|(a, b)| a < b));
        assert_eq!(tags.get("key-000"), Some("v0"));
        assert_eq!(tags.get("key-199"), Some("v199"));
        assert_eq!(tags.get("key-100"), Some("v100"));
    }
}
