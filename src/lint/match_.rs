//! Wildcard matching for the lint rules: IAM `*`/`?` globbing of one text against a
//! pattern, and whether one pattern covers every text another pattern matches.
//! Variables (`${…}`) are treated as literal text, which errs toward "no match".

/// `pattern` matches `text` (`*` any run, `?` one character).
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    covers_inner(pattern.as_bytes(), text.as_bytes(), ignore_case, false)
}

/// Every text `narrow` matches is matched by `broad`: `broad`'s `*` absorbs anything
/// (including `narrow`'s wildcards), `broad`'s `?` only a literal character.
pub fn covers(broad: &str, narrow: &str, ignore_case: bool) -> bool {
    covers_inner(broad.as_bytes(), narrow.as_bytes(), ignore_case, true)
}

fn covers_inner(p: &[u8], t: &[u8], ci: bool, t_is_pattern: bool) -> bool {
    let eq = |a: u8, b: u8| {
        if ci {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let tc = t[ti];
        let literal = !(t_is_pattern && (tc == b'*' || tc == b'?'));
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && ((p[pi] == b'?' && literal) || (p[pi] != b'?' && eq(p[pi], tc))) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globbing() {
        assert!(glob("bedrock:*", "bedrock:InvokeModel", false));
        assert!(glob("bedrock:invoke*", "bedrock:InvokeModel", true));
        assert!(!glob("bedrock:invoke*", "bedrock:InvokeModel", false));
        assert!(glob("a?c", "abc", false));
        assert!(!glob("a?c", "ac", false));
        assert!(glob("*", "", false));
    }

    #[test]
    fn covering() {
        assert!(covers("bedrock:*", "bedrock:Invoke*", true));
        assert!(!covers("bedrock:Invoke?", "bedrock:Invoke*", true));
        assert!(!covers("bedrock:InvokeModel", "bedrock:Invoke*", true));
        assert!(covers(
            "arn:aws:bedrock:*::foundation-model/*",
            "arn:aws:bedrock:us-east-1::foundation-model/a",
            false
        ));
    }
}
