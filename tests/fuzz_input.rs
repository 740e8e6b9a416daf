//! Property tests over the bounded readers (issue 25): whatever the source hands out —
//! short reads, interruptions, more data than allowed, no end at all — the reader
//! returns exactly the bytes when they fit, refuses with the limit when they do not,
//! and never pulls more than one chunk past the limit. `PROPTEST_CASES` raises the
//! budget (`scripts/fuzz` runs a long one).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bedrockctl::diag::Diagnostic;
use bedrockctl::input::{read_limited, strip_bom, ReadError};
use bedrockctl::span::{SourceMap, Span};
use proptest::prelude::*;
use std::io::{self, Read};

/// A source that serves `data` in the given chunk sizes (cycled), with an
/// `Interrupted` error before every `interrupt_every`-th read (0: never), and counts what it handed out. `endless`
/// repeats `data` forever, like /dev/zero or a writer that never closes.
struct Source {
    data: Vec<u8>,
    pos: usize,
    chunks: Vec<usize>,
    turn: usize,
    interrupt_every: usize,
    endless: bool,
    served: usize,
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.turn += 1;
        if self.interrupt_every > 0 && self.turn.is_multiple_of(self.interrupt_every) {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "signal"));
        }
        if self.pos >= self.data.len() {
            if !self.endless || self.data.is_empty() {
                return Ok(0);
            }
            self.pos = 0;
        }
        let want = self.chunks[self.turn % self.chunks.len()].max(1);
        let n = want.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        self.served += n;
        Ok(n)
    }
}

proptest! {
    #[test]
    fn bounded_reads_are_exact_or_refused(
        data in proptest::collection::vec(any::<u8>(), 0..4096),
        limit in 0usize..5000,
        chunks in proptest::collection::vec(1usize..700, 1..6),
        interrupt_every in prop_oneof![Just(0usize), 2usize..5],
        endless in any::<bool>(),
    ) {
        let max_chunk = *chunks.iter().max().unwrap();
        let mut src = Source { data: data.clone(), pos: 0, chunks, turn: 0, interrupt_every, endless, served: 0 };
        let result = read_limited(&mut src, limit);
        let total_is_finite = !endless || data.is_empty();
        match result {
            Ok(bytes) => {
                prop_assert!(total_is_finite, "an endless source cannot fit");
                prop_assert!(bytes.len() <= limit);
                prop_assert_eq!(bytes, data);
            }
            Err(ReadError::TooLarge { limit: l }) => {
                prop_assert_eq!(l, limit);
                prop_assert!(!total_is_finite || data.len() > limit);
            }
            Err(ReadError::Io(e)) => prop_assert!(false, "unexpected error {e}"),
        }
        // Memory stays bounded by the limit, whatever the source.
        prop_assert!(src.served <= limit + 1 + max_chunk, "served {} for limit {limit}", src.served);
    }

    #[test]
    fn a_byte_order_mark_is_removed_once_and_nothing_else(data in proptest::collection::vec(any::<u8>(), 0..64)) {
        let with = [&b"\xEF\xBB\xBF"[..], &data].concat();
        prop_assert_eq!(strip_bom(with), data.clone());
        if !data.starts_with(b"\xEF\xBB\xBF") {
            prop_assert_eq!(strip_bom(data.clone()), data);
        }
    }

    #[test]
    fn snippets_stay_short_and_the_caret_under_the_column(
        line in "[a-z ,:{}é]{0,3000}",
        at in 0usize..3000,
    ) {
        let mut sources = SourceMap::default();
        let text = format!("version: 1\n{line}\n");
        let start = 11 + line.char_indices().map(|(i, _)| i).nth(at % (line.chars().count().max(1))).unwrap_or(0);
        let id = sources.add("t.yaml", text);
        let d = Diagnostic::error(Some(Span::new(id, start, start + 1)), "x");
        let out = d.render(&sources);
        let lines: Vec<&str> = out.lines().collect();
        let src = lines.iter().position(|l| l.starts_with("2 | ")).unwrap();
        prop_assert!(lines[src].chars().count() <= 4 + 2 + bedrockctl::diag::SNIPPET_CHARS, "{}", lines[src]);
        let caret = lines[src + 1].find('^').unwrap();
        let caret_col = lines[src + 1][..caret].chars().count();
        let shown: Vec<char> = lines[src].chars().collect();
        let target: char = line[start - 11..].chars().next().unwrap_or(' ');
        let under = shown.get(caret_col).copied().unwrap_or(' ');
        prop_assert_eq!(under, target);
    }
}
