//! Diagnostics: findings and errors about user input, rendered rustc-style.
//!
//! The first line of every rendered diagnostic is `FILE:LINE:COL: severity: message`
//! (the contract tests and editors rely on), followed by the offending line with a
//! caret and `hint:` lines. Rendering is plain text; colour is never required to read it.

use crate::span::{SourceMap, Span};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case code for findings (lint, validation); empty when none.
    pub code: &'static str,
    pub message: String,
    pub span: Option<Span>,
    pub hints: Vec<String>,
}

impl Diagnostic {
    pub fn error(span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: "",
            message: message.into(),
            span,
            hints: Vec::new(),
        }
    }

    pub fn warning(span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Render with the source line and caret when the span is known.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        let sev = self.severity.as_str();
        let code = if self.code.is_empty() {
            String::new()
        } else {
            format!("[{}]", self.code)
        };
        match self
            .span
            .and_then(|s| sources.get(s.source).map(|f| (s, f)))
        {
            Some((span, file)) => {
                let (line, col) = file.line_col(span.start as usize);
                let _ = writeln!(
                    out,
                    "{}:{line}:{col}: {sev}{code}: {}",
                    file.name, self.message
                );
                let (_, end_col) = file.line_col(span.end as usize);
                let (end_line, _) = file.line_col(span.end as usize);
                let carets = if end_line == line && end_col > col {
                    end_col - col
                } else {
                    1
                };
                let (text, col) = snippet(file.line_text(line), col);
                let width = line.to_string().len();
                let _ = writeln!(out, "{:width$} |", "");
                let _ = writeln!(out, "{line} | {}", text.replace('\t', " "));
                let _ = writeln!(
                    out,
                    "{:width$} | {}{}",
                    "",
                    " ".repeat(col.saturating_sub(1)),
                    "^".repeat(carets.min(SNIPPET_CHARS))
                );
            }
            None => {
                let _ = writeln!(out, "{sev}{code}: {}", self.message);
            }
        }
        for h in &self.hints {
            let _ = writeln!(out, "  = hint: {h}");
        }
        out
    }
}

/// Characters of a source line shown under a diagnostic. A minified policy or a 30 MB
/// line would otherwise be echoed whole once per finding (issue 25).
pub const SNIPPET_CHARS: usize = 120;

/// Diagnostics a text rendering shows before summarising the rest.
pub const MAX_RENDERED: usize = 100;

/// The part of `text` shown around 1-based character column `col`, and the column in
/// it: the whole line when short, else a window with `…` at each cut end.
fn snippet(text: &str, col: usize) -> (String, usize) {
    let len = text.chars().take(SNIPPET_CHARS + 1).count();
    if len <= SNIPPET_CHARS {
        return (text.to_string(), col);
    }
    // A third of the window before the column, the rest after it.
    let start = col.saturating_sub(1).saturating_sub(SNIPPET_CHARS / 3);
    let body: String = text.chars().skip(start).take(SNIPPET_CHARS).collect();
    let more_after = text.chars().nth(start + SNIPPET_CHARS).is_some();
    let mut shown = String::with_capacity(body.len() + 6);
    if start > 0 {
        shown.push('…');
    }
    shown.push_str(&body);
    if more_after {
        shown.push('…');
    }
    (shown, col - start + usize::from(start > 0))
}

/// Render `items` as text, at most [`MAX_RENDERED`] of them, then one line that counts
/// the rest: a run with 100,000 errors prints the first hundred, not 27 MB.
pub fn render_capped(items: &[Diagnostic], sources: &SourceMap, more: &str) -> String {
    let mut out = items
        .iter()
        .take(MAX_RENDERED)
        .map(|d| d.render(sources))
        .collect::<Vec<_>>()
        .join("\n");
    if items.len() > MAX_RENDERED {
        let rest = &items[MAX_RENDERED..];
        let errors = rest.iter().filter(|d| d.is_error()).count();
        let what = if errors == rest.len() {
            format!("{errors} more error{}", plural(errors))
        } else {
            format!(
                "{} more diagnostic{} ({errors} error{})",
                rest.len(),
                plural(rest.len()),
                plural(errors)
            )
        };
        let _ = write!(out, "\n… and {what} not shown{more}\n");
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Diagnostics collected over a whole run, errors and warnings alike.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.items.push(Diagnostic::error(Some(span), message));
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    pub fn warning(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.items.push(Diagnostic::warning(Some(span), message));
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Errors first, then by position, so the first line names the first problem.
    pub fn sort(&mut self, sources: &SourceMap) {
        self.items.sort_by_key(|d| {
            let pos = d
                .span
                .map(|s| (s.source.0, sources.line_of(s), s.start))
                .unwrap_or((u32::MAX, 0, 0));
            (std::cmp::Reverse(d.severity), pos)
        });
    }

    pub fn render(&self, sources: &SourceMap) -> String {
        render_capped(&self.items, sources, " (`--format json` lists them all)")
    }
}

/// Values for a message, each in backticks: `` `a`, `b`, `c` ``.
pub fn code_list<I>(items: I) -> String
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    items
        .into_iter()
        .map(|i| format!("`{}`", i.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Append a "did you mean" hint when a close candidate exists.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(s, _)| *s > 0.8)
        .collect();
    best.sort_by(|a, b| b.0.total_cmp(&a.0));
    match best.as_slice() {
        [] => None,
        [(_, one)] => Some(format!("did you mean `{one}`?")),
        [(_, a), (_, b), ..] => Some(format!("did you mean `{a}` or `{b}`?")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_is_file_line_col() {
        let mut m = SourceMap::default();
        let id = m.add("bedrock.yaml", "version: 1\nregoin: x\n");
        let d = Diagnostic::error(Some(Span::new(id, 11, 17)), "unknown key `regoin`")
            .with_hint("did you mean `region`?");
        let r = d.render(&m);
        assert!(
            r.starts_with("bedrock.yaml:2:1: error: unknown key `regoin`\n"),
            "{r}"
        );
        assert!(r.contains("2 | regoin: x"));
        assert!(r.contains("  | ^^^^^^"));
        assert!(r.contains("= hint: did you mean `region`?"));
    }

    #[test]
    fn code_lists_quote_each_value() {
        assert_eq!(code_list(["a", "b"]), "`a`, `b`");
        assert_eq!(code_list(Vec::<String>::new()), "");
    }

    #[test]
    fn suggestions_are_close_only() {
        assert_eq!(
            did_you_mean("regoin", ["region", "regions", "zzz"]).as_deref(),
            Some("did you mean `region` or `regions`?")
        );
        assert_eq!(did_you_mean("abc", ["xyz"]), None);
    }
}
