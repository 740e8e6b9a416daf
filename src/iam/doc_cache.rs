//! Compiled policy documents keyed by their JSON text, so an `iam eval` stream whose
//! lines repeat documents (shared managed policies, SCPs, boundaries) parses and
//! compiles each distinct document once (issue 16).
//!
//! A compiled document depends on nothing but its text (no offsets, no line data), so
//! a hit is exactly what compiling again would give. Only successful compilations are
//! kept: an error message names where the document sits in its line. The cache is
//! bounded: when it holds [`MAX_BYTES`] of key text or [`MAX_ENTRIES`] documents it
//! starts over, so memory stays bounded on a stream of all-distinct documents.

use super::compile::CompiledPolicy;
use std::collections::HashMap;

/// Key text kept at most (the documents' own bytes; the compiled form is a few times that).
pub const MAX_BYTES: usize = 1 << 20;
/// Documents kept at most.
pub const MAX_ENTRIES: usize = 1024;

#[derive(Debug, Default)]
pub struct DocCache {
    map: HashMap<Box<str>, CompiledPolicy>,
    bytes: usize,
    hits: u64,
    misses: u64,
}

impl DocCache {
    pub fn new() -> DocCache {
        DocCache::default()
    }

    /// The compiled document for `text`, compiling it with `compile` on a miss.
    pub fn get_or_compile<E>(
        &mut self,
        text: &str,
        compile: impl FnOnce() -> Result<CompiledPolicy, E>,
    ) -> Result<CompiledPolicy, E> {
        if let Some(p) = self.map.get(text) {
            self.hits += 1;
            return Ok(p.clone());
        }
        self.misses += 1;
        let p = compile()?;
        if self.map.len() >= MAX_ENTRIES || self.bytes + text.len() > MAX_BYTES {
            self.map.clear();
            self.bytes = 0;
        }
        if text.len() <= MAX_BYTES {
            self.bytes += text.len();
            self.map.insert(text.into(), p.clone());
        }
        Ok(p)
    }

    /// (hits, misses) since creation.
    pub fn stats(&self) -> (u64, u64) {
        (self.hits, self.misses)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::compile_text;

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;

    #[test]
    fn compiles_once_per_text_and_equals_a_fresh_compile() {
        let mut c = DocCache::new();
        let mut calls = 0;
        for _ in 0..3 {
            let p = c
                .get_or_compile(DOC, || {
                    calls += 1;
                    compile_text(DOC).map_err(|_| ())
                })
                .unwrap();
            assert_eq!(Some(p), compile_text(DOC).ok());
        }
        assert_eq!(calls, 1);
        assert_eq!(c.stats(), (1 + 1, 1));
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn errors_are_not_kept_and_the_cache_stays_bounded() {
        let mut c = DocCache::new();
        assert!(c.get_or_compile("{", || Err::<CompiledPolicy, _>("bad")).is_err());
        assert!(c.is_empty());
        for i in 0..MAX_ENTRIES + 10 {
            let text = format!("{DOC}{i}");
            c.get_or_compile(&text, || compile_text(DOC).map_err(|_| ()))
                .unwrap();
        }
        assert!(c.len() <= MAX_ENTRIES, "{}", c.len());
        assert!(c.bytes <= MAX_BYTES);
    }
}
