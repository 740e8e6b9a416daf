//! Source positions: one span type for every user file (YAML config, policy JSON),
//! and the one place that converts between byte offsets and `LINE:COL`.
//!
//! Columns are 1-based and count characters, like rustc, so multi-byte text
//! points at the right glyph.

use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SourceId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub source: SourceId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(source: SourceId, start: usize, end: usize) -> Self {
        Span {
            source,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
}

/// A value with the place it was written.
#[derive(Debug, Clone, Default)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// One loaded file: the name as the user wrote it, and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Byte offset of each line's start; `u32` as spans are (files are far below 4 GiB).
    line_starts: Vec<u32>,
    /// Columns are byte distances in ASCII text: no character count per position, which
    /// made a finding's column cost the length of a minified line (issue 25).
    ascii: bool,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        // A byte loop: short lines made `match_indices` (a searcher set up per line)
        // a fiftieth of `validate` on large configs (issue 21).
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        SourceFile {
            name: name.into(),
            ascii: text.is_ascii(),
            text,
            line_starts,
        }
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let key = u32::try_from(offset).unwrap_or(u32::MAX);
        let line = match self.line_starts.binary_search(&key) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        if self.ascii {
            return (line + 1, offset - start + 1);
        }
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line + 1, col + 1)
    }

    /// Byte offset of a 1-based line and character column; clamps to the line's end.
    pub fn offset(&self, line: usize, col: usize) -> usize {
        let Some(start) = self.start_of(line) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        let byte = line_text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or(line_text.len());
        start + byte
    }

    fn start_of(&self, line: usize) -> Option<usize> {
        self.line_starts
            .get(line.saturating_sub(1))
            .map(|&s| s as usize)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(start) = self.start_of(line) else {
            return "";
        };
        let end = self
            .start_of(line + 1)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        self.text[start..end.max(start)].trim_end_matches('\r')
    }
}

/// All files a run has read, so diagnostics can be rendered after the fact.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        self.files.push(Arc::new(SourceFile::new(name, text)));
        SourceId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: SourceId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize).map(|f| f.as_ref())
    }

    /// The file itself, to read while the map takes more files (a config is parsed
    /// while its decoder adds the policy files it names).
    pub fn shared(&self, id: SourceId) -> Option<Arc<SourceFile>> {
        self.files.get(id.0 as usize).cloned()
    }

    /// `FILE:LINE:COL` of the start of a span.
    pub fn location(&self, span: Span) -> String {
        match self.get(span.source) {
            Some(f) => {
                let (l, c) = f.line_col(span.start as usize);
                format!("{}:{l}:{c}", f.name)
            }
            None => "<unknown>".to_string(),
        }
    }

    /// 1-based line of a span's start (0 when the source is unknown).
    pub fn line_of(&self, span: Span) -> usize {
        self.get(span.source)
            .map(|f| f.line_col(span.start as usize).0)
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile::new("a.yaml", "a: 1\nnäme: é x\n");
        let off = f.text.find('x').unwrap_or(0);
        assert_eq!(f.line_col(off), (2, 9));
        assert_eq!(f.offset(2, 9), off);
        assert_eq!(f.line_text(2), "näme: é x");
    }

    #[test]
    fn offsets_clamp_past_the_end() {
        let f = SourceFile::new("a", "ab");
        assert_eq!(f.line_col(99), (1, 3));
        assert_eq!(f.offset(7, 1), 2);
        assert_eq!(f.offset(1, 99), 2);
    }

    #[test]
    fn location_names_file() {
        let mut m = SourceMap::default();
        let id = m.add("p/x.json", "{\n  \"a\": 1}");
        assert_eq!(m.location(Span::new(id, 4, 5)), "p/x.json:2:3");
    }
}
