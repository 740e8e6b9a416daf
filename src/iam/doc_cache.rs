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
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-rotate hash over eight bytes at a time (the FxHash scheme). Keys are
/// whole documents, hashed twice a line; SipHash was a tenth of `iam eval`'s time.
/// Flooding resistance buys nothing here: the input is the caller's own.
#[derive(Default)]
pub struct DocHasher(u64);

impl Hasher for DocHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        // MurmurHash3's finalizer: the table takes bucket bits from the low end,
        // which the multiply alone leaves poorly mixed.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// Key text kept at most (the documents' own bytes; the compiled form is a few times that).
pub const MAX_BYTES: usize = 1 << 20;
/// Documents kept at most.
pub const MAX_ENTRIES: usize = 1024;
/// Idle copies kept of one document.
pub const MAX_COPIES: usize = 4;

/// Lookups in a window: when fewer than one in [`MIN_HIT_SHARE`] hits, the cache
/// stands aside for [`REST_LINES`] lines (documents that never repeat cost more through
/// the cache than without it), then tries again.
const WINDOW: u64 = 512;
const MIN_HIT_SHARE: u64 = 2;
const REST_LINES: u64 = 4096;

#[derive(Debug, Default)]
pub struct DocCache {
    /// Each text with its idle copies (a line may hold one document several times,
    /// as FullAWSAccess on every SCP level; it then takes several copies).
    map: HashMap<Box<str>, Vec<CompiledPolicy>, BuildHasherDefault<DocHasher>>,
    bytes: usize,
    hits: u64,
    misses: u64,
    window_hits: u64,
    window_lookups: u64,
    resting: u64,
}

impl DocCache {
    pub fn new() -> DocCache {
        DocCache::default()
    }

    /// The compiled document for `text`, compiling it with `compile` on a miss. The
    /// cache keeps a copy.
    pub fn get_or_compile<E>(
        &mut self,
        text: &str,
        compile: impl FnOnce() -> Result<CompiledPolicy, E>,
    ) -> Result<CompiledPolicy, E> {
        let p = self.take_or_compile(text, compile)?;
        self.put(text, p.clone());
        Ok(p)
    }

    /// The compiled document for `text`, moved out of the cache (no copy) or compiled
    /// on a miss; hand it back with [`DocCache::put`] once used.
    pub fn take_or_compile<E>(
        &mut self,
        text: &str,
        compile: impl FnOnce() -> Result<CompiledPolicy, E>,
    ) -> Result<CompiledPolicy, E> {
        self.window_lookups += 1;
        if let Some(p) = self.map.get_mut(text).and_then(Vec::pop) {
            self.hits += 1;
            self.window_hits += 1;
            return Ok(p);
        }
        self.misses += 1;
        compile()
    }

    /// Keep `p` as a compilation of `text` (up to [`MAX_COPIES`] idle copies).
    pub fn put(&mut self, text: &str, p: CompiledPolicy) {
        if let Some(copies) = self.map.get_mut(text) {
            if copies.len() < MAX_COPIES {
                copies.push(p);
            }
            return;
        }
        if text.len() > MAX_BYTES {
            return;
        }
        if self.map.len() >= MAX_ENTRIES || self.bytes + text.len() > MAX_BYTES {
            self.map.clear();
            self.bytes = 0;
        }
        self.bytes += text.len();
        self.map.insert(text.into(), vec![p]);
    }

    /// Whether the next line should go through the cache; counts the line.
    pub fn use_for_line(&mut self) -> bool {
        if self.resting > 0 {
            self.resting -= 1;
            return false;
        }
        if self.window_lookups >= WINDOW {
            let useful = self.window_hits * MIN_HIT_SHARE >= self.window_lookups;
            self.window_hits = 0;
            self.window_lookups = 0;
            if !useful {
                self.map.clear();
                self.bytes = 0;
                self.resting = REST_LINES;
                return false;
            }
        }
        true
    }

    /// Whether `text` is kept (so it is known to be a valid document).
    pub fn contains(&self, text: &str) -> bool {
        self.map.contains_key(text)
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

    const DOC: &str =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;

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
        assert!(c
            .get_or_compile("{", || Err::<CompiledPolicy, _>("bad"))
            .is_err());
        assert!(c.is_empty());
        for i in 0..MAX_ENTRIES + 10 {
            let text = format!("{DOC}{i}");
            c.get_or_compile(&text, || compile_text(DOC).map_err(|_| ()))
                .unwrap();
        }
        assert!(c.len() <= MAX_ENTRIES, "{}", c.len());
        assert!(c.bytes <= MAX_BYTES);
    }

    #[test]
    fn stands_aside_when_documents_do_not_repeat() {
        let mut c = DocCache::new();
        let mut lines = 0;
        while c.use_for_line() {
            let text = format!("{DOC}{lines}");
            let p = c
                .take_or_compile(&text, || compile_text(DOC).map_err(|_| ()))
                .unwrap();
            c.put(&text, p);
            lines += 1;
            assert!(lines <= WINDOW + 1, "never stood aside");
        }
        assert!(c.is_empty());
        for _ in 0..REST_LINES {
            assert!(!c.use_for_line());
        }
        // Then it tries again; a repeating document keeps it in use.
        for _ in 0..3 * WINDOW {
            assert!(c.use_for_line());
            let p = c
                .take_or_compile(DOC, || compile_text(DOC).map_err(|_| ()))
                .unwrap();
            c.put(DOC, p);
        }
    }

    #[test]
    fn taken_documents_come_back_with_copies_for_repeats() {
        let mut c = DocCache::new();
        let compile = || compile_text(DOC).map_err(|_| ());
        let never = || Err::<CompiledPolicy, ()>(());
        // One line holding the document twice: both compiled, both kept.
        let a = c.take_or_compile(DOC, compile).unwrap();
        let b = c.take_or_compile(DOC, compile).unwrap();
        c.put(DOC, a);
        c.put(DOC, b);
        assert_eq!((c.stats(), c.len(), c.bytes), ((0, 2), 1, DOC.len()));
        // The next such line compiles nothing; a third use compiles.
        let a = c.take_or_compile(DOC, never).unwrap();
        let b = c.take_or_compile(DOC, never).unwrap();
        assert!(c.take_or_compile(DOC, never).is_err());
        assert!(c.contains(DOC));
        assert_eq!(Some(a.clone()), compile_text(DOC).ok());
        assert_eq!(a, b);
        for _ in 0..MAX_COPIES + 2 {
            c.put(DOC, a.clone());
        }
        assert_eq!(c.map.get(DOC).map(Vec::len), Some(MAX_COPIES));
    }
}
