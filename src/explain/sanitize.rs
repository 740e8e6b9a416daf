//! Terminal-safety for pasted text: `explain` echoes parts of what the user pasted, and a
//! paste can carry escape sequences (colour codes from a log viewer, or a hostile OSC that
//! rewrites the window title or a hyperlink). They are removed before anything is parsed,
//! so no output form can replay them (issue 25).

/// `text` without ESC-introduced sequences (CSI, OSC, DCS/SOS/PM/APC strings and two-byte
/// escapes), C1 controls (U+0080–U+009F) and C0 controls other than newline and tab.
/// A carriage return becomes a newline so CRLF logs keep their line breaks.
pub fn strip_terminal_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates, ended by a byte in @..~.
                Some('[') => {
                    for n in chars.by_ref() {
                        if ('@'..='~').contains(&n) {
                            break;
                        }
                    }
                }
                // OSC, DCS, SOS, PM, APC: a string ended by BEL or ESC \.
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // Two-byte escape (or a lone ESC at the end): drop both.
                _ => {}
            },
            // C1 CSI.
            '\u{9b}' => {
                for n in chars.by_ref() {
                    if ('@'..='~').contains(&n) {
                        break;
                    }
                }
            }
            // C1 OSC, DCS, SOS, PM, APC.
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Skip a control string up to its terminator: BEL, ST (ESC \) or C1 ST (U+009C).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(n) = chars.next() {
        match n {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::strip_terminal_controls as strip;

    #[test]
    fn removes_csi_colour() {
        assert_eq!(
            strip("\u{1b}[31mAccessDenied\u{1b}[0m: x"),
            "AccessDenied: x"
        );
    }

    #[test]
    fn removes_osc_with_bel_and_st() {
        assert_eq!(strip("a\u{1b}]0;pwned\u{7}b"), "ab");
        assert_eq!(
            strip("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b"),
            "alinkb"
        );
    }

    #[test]
    fn removes_c1_and_c0_but_keeps_layout() {
        assert_eq!(
            strip("a\u{9b}2Jb\u{9d}t\u{9c}c\u{0}\u{8}d\te\r\nf\rg"),
            "abcd\te\nf\ng"
        );
    }

    #[test]
    fn unterminated_sequences_end_the_text() {
        assert_eq!(strip("ok\u{1b}]0;never ends"), "ok");
        assert_eq!(strip("ok\u{1b}"), "ok");
    }

    #[test]
    fn plain_text_is_unchanged() {
        let s = "User: arn:aws:iam::111122223333:user/é is not authorized";
        assert_eq!(strip(s), s);
    }
}
