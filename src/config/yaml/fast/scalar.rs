//! Scalars for the fast path: plain and quoted, folded over lines as yaml-rust2 folds
//! them (PyYAML writes long strings as plain scalars continued on the next line, and
//! strings with line breaks as quoted ones), double-quoted escapes, CRLF line ends.

use super::super::scalar_node;
use super::{Fast, Node};
use crate::config::text::Text;

/// Characters that cannot start a plain scalar (YAML 1.2 indicators), plus blanks.
fn not_plain_start(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b' '
            | b'\n'
            | b'\r'
            | 0
    )
}

fn flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

impl Fast<'_, '_> {
    /// A line break (`\n` or `\r\n`) at `i`: its length.
    pub(super) fn line_break(&self, i: usize) -> Option<usize> {
        match self.at(i) {
            b'\n' => Some(1),
            b'\r' if self.at(i + 1) == b'\n' => Some(2),
            _ => None,
        }
    }

    fn break_or_end(&self, i: usize) -> bool {
        i >= self.s.len() || self.line_break(i).is_some()
    }

    /// Past the line breaks and indentation from `i`: the first character of the next
    /// non-empty line, its line's start, and how many breaks were passed. A tab in
    /// the indentation is the general parser's.
    fn next_line(&self, mut i: usize) -> Option<(usize, usize, usize)> {
        let mut breaks = 0;
        let mut line = i;
        while let Some(n) = self.line_break(i) {
            i += n;
            breaks += 1;
            line = i;
            while self.at(i) == b' ' {
                i += 1;
            }
        }
        if self.at(i) == b'\t' || (self.at(i) == b'\r' && self.line_break(i).is_none()) {
            return None;
        }
        Some((i, line, breaks))
    }

    /// How yaml-rust2 joins two lines of a scalar: one break is a space, more keep all
    /// but the first.
    fn fold(out: &mut String, breaks: usize) {
        if breaks == 1 {
            out.push(' ');
        } else {
            out.extend(std::iter::repeat_n('\n', breaks - 1));
        }
    }

    /// A plain scalar, trailing spaces left out; `self.pos` ends right after its last
    /// character. In block context it goes on over the next lines that are indented
    /// more than `indent` (the column of the collection it is in). Starting with an
    /// indicator is not plain here.
    pub(super) fn plain(&mut self, flow: bool, indent: isize) -> Option<Text> {
        let start = self.pos;
        let first = self.peek();
        if not_plain_start(first) && !(first == b'-' && self.at(start + 1).is_ascii_digit()) {
            return None;
        }
        let (end, stop) = self.plain_line(start, flow)?;
        let mut out: Option<String> = None;
        let mut last = end;
        let mut at = stop;
        while !flow && self.break_or_end(at) {
            let (next, line, breaks) = self.next_line(at)?;
            if breaks == 0 || next >= self.s.len() {
                break;
            }
            let col = next - line;
            // Not more indented, or a comment: the scalar ended on the line before.
            if isize::try_from(col).ok()? <= indent || self.at(next) == b'#' {
                break;
            }
            // Column 0 may be a document marker.
            if col == 0 {
                return None;
            }
            let (e, s) = self.plain_line(next, false)?;
            if self.at(s) == b':' {
                return None;
            }
            let text = out
                .get_or_insert_with(|| self.text.get(start..end).unwrap_or_default().to_string());
            Self::fold(text, breaks);
            text.push_str(self.text.get(next..e)?);
            self.line_start = line;
            last = e;
            at = s;
        }
        self.pos = last;
        Some(match out {
            Some(text) => Text::from(text),
            None => Text::from(self.text.get(start..end)?),
        })
    }

    /// One line of a plain scalar from `i`: the end of its last character and where
    /// the scan stopped (a line break, the end, ` #`, `: `, or in flow context an
    /// indicator).
    fn plain_line(&self, start: usize, flow: bool) -> Option<(usize, usize)> {
        let mut end = start;
        let mut i = start;
        loop {
            match self.at(i) {
                b'\n' => break,
                b'\r' if self.at(i + 1) == b'\n' => break,
                0 if i >= self.s.len() => break,
                b' ' => {}
                b'#' if i > start && self.at(i - 1) == b' ' => break,
                b':' if self.blank_or_end(i + 1) || (flow && flow_indicator(self.at(i + 1))) => {
                    break
                }
                c if flow && flow_indicator(c) => break,
                // yaml-rust2 refuses `-` before a flow indicator after any blank.
                b'-' if flow && flow_indicator(self.at(i + 1)) => return None,
                c if c < 0x20 || c == 0x7f => return None,
                _ => end = i + 1,
            }
            i += 1;
        }
        Some((end, i))
    }

    /// A quoted scalar: its text, and whether it went on over more than one line.
    /// Continuation lines must be indented more than `indent`; in flow context
    /// (`indent` = `isize::MAX`) the scalar stays on one line. An escaped line break
    /// and tabs are the general parser's.
    pub(super) fn quoted(&mut self, indent: isize) -> Option<(Text, bool)> {
        let quote = self.peek();
        let single = quote == b'\'';
        let start = self.pos + 1;
        let mut i = start;
        let mut run = start;
        let mut out: Option<String> = None;
        let mut lines = false;
        loop {
            match self.at(i) {
                b'\'' if single && self.at(i + 1) == b'\'' => {
                    let text = out.get_or_insert_with(String::new);
                    text.push_str(self.text.get(run..i)?);
                    text.push('\'');
                    i += 2;
                    run = i;
                }
                c if c == quote => break,
                b'\\' if !single => {
                    let (c, len) = self.escape(i)?;
                    let text = out.get_or_insert_with(String::new);
                    text.push_str(self.text.get(run..i)?);
                    text.push(c);
                    i += len;
                    run = i;
                }
                b'\n' | b'\r' => {
                    // Trailing blanks before a break are dropped, as is the next line's indentation.
                    let mut end = i;
                    while end > run && self.at(end - 1) == b' ' {
                        end -= 1;
                    }
                    let (next, line, breaks) = self.next_line(i)?;
                    let col = next - line;
                    // Column 0 may be a document marker.
                    if breaks == 0
                        || next >= self.s.len()
                        || col == 0
                        || isize::try_from(col).ok()? <= indent
                    {
                        return None;
                    }
                    let text = out.get_or_insert_with(String::new);
                    text.push_str(self.text.get(run..end)?);
                    Self::fold(text, breaks);
                    self.line_start = line;
                    lines = true;
                    i = next;
                    run = next;
                }
                c if c < 0x20 || c == 0x7f => return None,
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        let text = match out {
            Some(mut text) => {
                text.push_str(self.text.get(run..i)?);
                Text::from(text)
            }
            None => Text::from(self.text.get(start..i)?),
        };
        Some((text, lines))
    }

    /// The escape at `i` (a backslash) in a double-quoted scalar: the character and
    /// the escape's length. yaml-rust2's table; an escaped line break is not here.
    fn escape(&self, i: usize) -> Option<(char, usize)> {
        let simple = match self.at(i + 1) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' | b'u' | b'U' => {
                let digits = match self.at(i + 1) {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = self.text.get(i + 2..i + 2 + digits)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                return Some((c, 2 + digits));
            }
            _ => return None,
        };
        Some((simple, 2))
    }

    /// A scalar node as the general parser makes it, from its first character (the
    /// quote of a quoted one).
    pub(super) fn scalar(&self, start: usize, text: Text, plain: bool) -> Node {
        let len = if plain { text.len() } else { text.len() + 2 };
        scalar_node(self.text, self.source, start, len, text, plain)
    }
}

impl Fast<'_, '_> {
    /// A block scalar (`|`, `>`, with `-` or `+`) at `self.pos`, the value of a
    /// collection at column `indent`, read as yaml-rust2 reads it: its node is spanned
    /// from the first character of its first line to that line's end, and `self.pos`
    /// ends where the general scanner stops, in the indentation of the line after it.
    /// Indentation indicators, blank lines before the text, more indented lines in a
    /// folded scalar, an empty scalar and text running to the end without a line
    /// break are the general parser's.
    pub(super) fn block_scalar(&mut self, indent: isize) -> Option<Node> {
        let literal = self.peek() == b'|';
        let mut i = self.pos + 1;
        let chomp = self.at(i);
        if matches!(chomp, b'+' | b'-') {
            i += 1;
        }
        // The header ends its line: blanks, then maybe a comment.
        let blanks = i;
        while self.at(i) == b' ' {
            i += 1;
        }
        if self.at(i) == b'#' && i > blanks {
            // To the first CR or LF: a lone CR ends the comment for yaml-rust2.
            while i < self.s.len() && !matches!(self.at(i), b'\n' | b'\r') {
                i += 1;
            }
        }
        let first_break = self.line_break(i)?;
        i += first_break;
        let mut line = i;
        while self.at(i) == b' ' {
            i += 1;
        }
        let col = i - line;
        if indent < 0
            || isize::try_from(col).ok()? <= indent
            || i >= self.s.len()
            || self.at(i) == b'\t'
            || self.line_break(i).is_some()
        {
            return None;
        }
        let start = i;
        let mut text = String::new();
        // Breaks after the last line read: the first one, then the empty lines.
        let mut leading = false;
        let mut trailing = 0;
        loop {
            let more_indented = self.at(i) == b' ';
            if !literal && more_indented {
                return None;
            }
            if !literal && leading {
                if trailing == 0 {
                    text.push(' ');
                }
            } else if leading {
                text.push('\n');
            }
            text.extend(std::iter::repeat_n('\n', trailing));
            trailing = 0;
            let from = i;
            while !self.break_or_end(i) {
                match self.at(i) {
                    b'\r' => return None,
                    c if c < 0x20 && c != b'\t' => return None,
                    _ => i += 1,
                }
            }
            text.push_str(self.text.get(from..i)?);
            if i >= self.s.len() {
                // Text running to the end without a break: yaml-rust2 adds one of its own.
                return None;
            }
            i += self.line_break(i)?;
            leading = true;
            // The next line's indentation, past the empty lines.
            loop {
                line = i;
                while i - line < col && self.at(i) == b' ' {
                    i += 1;
                }
                match self.line_break(i) {
                    Some(n) => {
                        i += n;
                        trailing += 1;
                    }
                    None => break,
                }
            }
            if i - line != col || i >= self.s.len() {
                break;
            }
            if self.at(i) == b'\t' || (self.at(i) == b'\r' && self.line_break(i).is_none()) {
                return None;
            }
        }
        if i >= self.s.len() && i > line {
            return None;
        }
        match chomp {
            b'-' => {}
            b'+' => {
                text.push('\n');
                text.extend(std::iter::repeat_n('\n', trailing));
            }
            _ => text.push('\n'),
        }
        self.pos = i;
        self.line_start = line;
        // Spanned from its first character to the end of that line.
        Some(scalar_node(
            self.text,
            self.source,
            start,
            usize::MAX,
            Text::from(text),
            false,
        ))
    }
}
