//! Wildcard patterns with policy variables, compiled once and matched without
//! allocating: action names, ARN segments and string condition values.
//!
//! A pattern is a token list: literal text, `*`, `?` and `${key, 'default'}`
//! variables. A variable's value is substituted literally (a `*` in a user name is
//! not a wildcard), and a variable that cannot be resolved makes the match
//! undecidable (`None`), which callers turn into "the statement does not apply".

use super::context::Context;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Lit(Box<str>),
    Star,
    One,
    Var {
        /// Lower-cased context key.
        key: Box<str>,
        default: Option<Box<str>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// The whole pattern is `*`.
    Any,
    /// No wildcard and no variable: plain comparison.
    Exact(Box<str>),
    /// Literal text then one trailing `*` (`bedrock:*`, `…/foundation-model/*`).
    Prefix(Box<str>),
    General,
}

/// A compiled pattern; see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    toks: Box<[Tok]>,
    shape: Shape,
    /// Compare ASCII letters without case (actions, `...IgnoreCase`).
    ci: bool,
}

/// Options for [`Pattern::compile`].
#[derive(Debug, Clone, Copy)]
pub struct Syntax {
    /// `*` and `?` are wildcards.
    pub wildcards: bool,
    /// `${...}` are policy variables (Version 2012-10-17 only).
    pub variables: bool,
    pub ignore_case: bool,
}

impl Pattern {
    pub fn compile(text: &str, syntax: Syntax) -> Pattern {
        let mut toks: Vec<Tok> = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if syntax.variables && rest.starts_with("${") {
                if let Some((tok, used)) = parse_variable(rest) {
                    match tok {
                        Tok::Lit(s) => lit.push_str(&s),
                        other => {
                            flush(&mut toks, &mut lit, syntax.ignore_case);
                            toks.push(other);
                        }
                    }
                    rest = &rest[used..];
                    continue;
                }
            }
            match c {
                '*' if syntax.wildcards => {
                    flush(&mut toks, &mut lit, syntax.ignore_case);
                    // Consecutive stars mean the same as one.
                    if toks.last() != Some(&Tok::Star) {
                        toks.push(Tok::Star);
                    }
                }
                '?' if syntax.wildcards => {
                    flush(&mut toks, &mut lit, syntax.ignore_case);
                    toks.push(Tok::One);
                }
                _ => lit.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        flush(&mut toks, &mut lit, syntax.ignore_case);
        let shape = match toks.as_slice() {
            [Tok::Star] => Shape::Any,
            [] => Shape::Exact("".into()),
            [Tok::Lit(s)] => Shape::Exact(s.clone()),
            [Tok::Lit(s), Tok::Star] => Shape::Prefix(s.clone()),
            _ => Shape::General,
        };
        Pattern {
            toks: toks.into_boxed_slice(),
            shape,
            ci: syntax.ignore_case,
        }
    }

    pub fn is_any(&self) -> bool {
        self.shape == Shape::Any
    }

    pub fn has_variables(&self) -> bool {
        self.toks.iter().any(|t| matches!(t, Tok::Var { .. }))
    }

    /// Does `text` match? `None` when a variable has no value in `ctx`.
    pub fn matches(&self, text: &str, ctx: &Context) -> Option<bool> {
        match &self.shape {
            Shape::Any => Some(true),
            Shape::Exact(s) => Some(eq(s.as_bytes(), text.as_bytes(), self.ci)),
            Shape::Prefix(s) => Some(
                text.as_bytes()
                    .get(..s.len())
                    .is_some_and(|head| eq(s.as_bytes(), head, self.ci)),
            ),
            Shape::General => {
                // Resolve every variable first so an unresolvable one is reported
                // even when the text would fail to match anyway.
                for t in self.toks.iter() {
                    if let Tok::Var { key, default } = t {
                        if ctx.single(key).is_none() && default.is_none() {
                            return None;
                        }
                    }
                }
                Some(self.glob(text.as_bytes(), ctx))
            }
        }
    }

    fn unit(&self, cur: Cur, ctx: &Context) -> Option<(Unit, Cur)> {
        let mut cur = cur;
        loop {
            let tok = self.toks.get(cur.t)?;
            let next_tok = Cur { t: cur.t + 1, o: 0 };
            let text: &str = match tok {
                Tok::Star => return Some((Unit::Star, next_tok)),
                Tok::One => return Some((Unit::One, next_tok)),
                Tok::Lit(s) => s,
                Tok::Var { key, default } => match ctx.single(key) {
                    Some(v) => v,
                    None => default.as_deref().unwrap_or(""),
                },
            };
            match text.as_bytes().get(cur.o) {
                Some(&b) => {
                    return Some((
                        Unit::Byte(b),
                        Cur {
                            t: cur.t,
                            o: cur.o + 1,
                        },
                    ))
                }
                None => cur = next_tok,
            }
        }
    }

    /// Classic wildcard matching with one back-tracking point, over the token
    /// stream with variables substituted on the fly.
    fn glob(&self, text: &[u8], ctx: &Context) -> bool {
        let mut p = Cur { t: 0, o: 0 };
        let mut s = 0usize;
        let mut star: Option<(Cur, usize)> = None;
        loop {
            match self.unit(p, ctx) {
                Some((Unit::Star, np)) => {
                    star = Some((np, s));
                    p = np;
                    continue;
                }
                Some((Unit::One, np)) if s < text.len() => {
                    s += char_len(text[s]);
                    p = np;
                    continue;
                }
                Some((Unit::Byte(b), np)) if s < text.len() && eq_byte(b, text[s], self.ci) => {
                    s += 1;
                    p = np;
                    continue;
                }
                None if s >= text.len() => return true,
                _ => {}
            }
            match star {
                Some((sp, ss)) if ss < text.len() => {
                    let ns = ss + char_len(text[ss]);
                    star = Some((sp, ns));
                    p = sp;
                    s = ns;
                }
                _ => return false,
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Cur {
    t: usize,
    o: usize,
}

#[derive(Debug, Clone, Copy)]
enum Unit {
    Star,
    One,
    Byte(u8),
}

fn char_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn eq_byte(a: u8, b: u8, ci: bool) -> bool {
    a == b || (ci && a.eq_ignore_ascii_case(&b))
}

fn eq(a: &[u8], b: &[u8], ci: bool) -> bool {
    if ci {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

fn flush(toks: &mut Vec<Tok>, lit: &mut String, ci: bool) {
    if !lit.is_empty() {
        let s = std::mem::take(lit);
        let s = if ci { s.to_ascii_lowercase() } else { s };
        toks.push(Tok::Lit(s.into_boxed_str()));
    }
}

/// Parse `${...}` at the start of `s`: the token and the bytes it used; `None`
/// when it is not a well-formed variable (then the text stays literal).
fn parse_variable(s: &str) -> Option<(Tok, usize)> {
    let body_start = 2;
    let close = s.get(body_start..)?.find('}')? + body_start;
    let body = &s[body_start..close];
    match body {
        "*" => return Some((Tok::Lit("*".into()), close + 1)),
        "?" => return Some((Tok::Lit("?".into()), close + 1)),
        "$" => return Some((Tok::Lit("$".into()), close + 1)),
        _ => {}
    }
    if let Some(comma) = body.find(',') {
        let key = body[..comma].trim();
        // The default is quoted and may contain `}` and `''` (an escaped quote), so
        // find its end in the text after the comma rather than in `body`.
        let after = s[body_start + comma + 1..].trim_start();
        let quoted = after.strip_prefix('\'')?;
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if quoted[i + 1..].starts_with('\'') {
                    value.push('\'');
                    chars.next();
                    continue;
                }
                let rest = quoted[i + 1..].trim_start();
                if !rest.starts_with('}') {
                    return None;
                }
                let used = s.len() - rest.len() + 1;
                if !valid_key(key) {
                    return None;
                }
                return Some((
                    Tok::Var {
                        key: key.to_ascii_lowercase().into(),
                        default: Some(value.into()),
                    },
                    used,
                ));
            }
            value.push(c);
        }
        return None;
    }
    let key = body.trim();
    if !valid_key(key) {
        return None;
    }
    Some((
        Tok::Var {
            key: key.to_ascii_lowercase().into(),
            default: None,
        },
        close + 1,
    ))
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && !key.contains(char::is_whitespace) && !key.contains('{')
}

/// An ARN pattern matched component by component (partition, service, region,
/// account, resource): wildcards never cross a `:` before the resource part.
#[derive(Debug, Clone, PartialEq)]
pub enum ArnPattern {
    Any,
    Segments(Box<[Pattern]>),
}

impl ArnPattern {
    pub fn compile(text: &str, syntax: Syntax) -> ArnPattern {
        if text == "*" {
            return ArnPattern::Any;
        }
        let segs = split_pattern_segments(text);
        ArnPattern::Segments(
            segs.into_iter()
                .map(|s| Pattern::compile(s, syntax))
                .collect(),
        )
    }

    /// Compile a `Resource`/`NotResource` ARN: policy variables are substituted only
    /// in the resource part (after the fifth colon); before it `${...}` is literal
    /// text, so it never matches a real partition, service, region or account.
    /// IAM User Guide, "IAM JSON policy elements: Resource": "you can use JSON policy
    /// variables in the part of the ARN that identifies the specific resource (that
    /// is, in the trailing part of the ARN)"
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
    /// Arn* condition values keep variables in every field ([`ArnPattern::compile`]).
    pub fn compile_resource(text: &str, syntax: Syntax) -> ArnPattern {
        if text == "*" {
            return ArnPattern::Any;
        }
        let segs = split_pattern_segments(text);
        let last = segs.len().saturating_sub(1);
        let literal_vars = Syntax {
            variables: false,
            ..syntax
        };
        ArnPattern::Segments(
            segs.into_iter()
                .enumerate()
                .map(|(i, s)| {
                    // Only the sixth component (index 5) is the resource part; a pattern
                    // with fewer components has no resource part of its own.
                    let syn = if i == 5 && i == last {
                        syntax
                    } else {
                        literal_vars
                    };
                    Pattern::compile(s, syn)
                })
                .collect(),
        )
    }

    pub fn has_variables(&self) -> bool {
        match self {
            ArnPattern::Any => false,
            ArnPattern::Segments(s) => s.iter().any(Pattern::has_variables),
        }
    }

    pub fn matches(&self, arn: &ArnParts<'_>, ctx: &Context) -> Option<bool> {
        let ArnPattern::Segments(segs) = self else {
            return Some(true);
        };
        if segs.len() > arn.n {
            return Some(false);
        }
        let mut result = true;
        for (i, pat) in segs.iter().enumerate() {
            // A pattern with fewer components matches the rest of the ARN with its last one.
            let text = if i + 1 == segs.len() {
                arn.rest(i)
            } else {
                arn.get(i)
            };
            match pat.matches(text, ctx) {
                None => return None,
                Some(false) => result = false,
                Some(true) => {}
            }
        }
        Some(result)
    }
}

/// Split at the first five colons that are not inside `${...}`.
fn split_pattern_segments(text: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(6);
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 && out.len() < 5 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&text[start..]);
    out
}

/// A request ARN cut into its components, without copying.
#[derive(Debug, Clone, Copy)]
pub struct ArnParts<'a> {
    text: &'a str,
    /// Start offset of each component; `n` are valid.
    starts: [usize; 6],
    n: usize,
}

impl<'a> ArnParts<'a> {
    pub fn new(text: &'a str) -> ArnParts<'a> {
        let mut starts = [0usize; 6];
        let mut n = 1;
        for (i, b) in text.bytes().enumerate() {
            if b == b':' && n < 6 {
                starts[n] = i + 1;
                n += 1;
            }
        }
        ArnParts { text, starts, n }
    }

    pub fn is_arn(&self) -> bool {
        self.n == 6 && self.get(0) == "arn"
    }

    /// Component `i` (0 = `arn`, 5 = resource).
    pub fn get(&self, i: usize) -> &'a str {
        if i >= self.n {
            return "";
        }
        let start = self.starts[i];
        let end = if i + 1 < self.n {
            self.starts[i + 1] - 1
        } else {
            self.text.len()
        };
        self.text.get(start..end).unwrap_or("")
    }

    /// Component `i` and everything after it.
    pub fn rest(&self, i: usize) -> &'a str {
        if i >= self.n {
            return "";
        }
        self.text.get(self.starts[i]..).unwrap_or("")
    }

    pub fn text(&self) -> &'a str {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIKE: Syntax = Syntax {
        wildcards: true,
        variables: true,
        ignore_case: false,
    };

    fn ctx() -> Context {
        let mut c = Context::default();
        c.insert("aws:username", "bob*".into());
        c.insert("aws:PrincipalTag/team", "ml".into());
        c
    }

    fn m(p: &str, t: &str) -> Option<bool> {
        Pattern::compile(p, LIKE).matches(t, &ctx())
    }

    #[test]
    fn wildcards() {
        assert_eq!(m("*", ""), Some(true));
        assert_eq!(m("a*c", "abbbc"), Some(true));
        assert_eq!(m("a*c", "abbb"), Some(false));
        assert_eq!(m("a?c", "abc"), Some(true));
        assert_eq!(m("a?c", "ac"), Some(false));
        assert_eq!(m("a?c", "aéc"), Some(true));
        assert_eq!(m("*b*b", "abxbxb"), Some(true));
        assert_eq!(m("", ""), Some(true));
        assert_eq!(m("", "x"), Some(false));
        assert_eq!(m("ab*", "ab"), Some(true));
        assert_eq!(m("ab*", "abé"), Some(true));
        assert_eq!(m("ab*", "a"), Some(false));
        assert_eq!(m("é*", "éa"), Some(true));
    }

    #[test]
    fn variables_are_literal_and_may_be_missing() {
        assert_eq!(m("home/${aws:username}/*", "home/bob*/x"), Some(true));
        assert_eq!(m("home/${aws:username}/*", "home/bobby/x"), Some(false));
        assert_eq!(m("${aws:principaltag/TEAM}", "ml"), Some(true));
        assert_eq!(m("${aws:userid}", "x"), None);
        assert_eq!(m("${aws:userid, 'anon'}-*", "anon-1"), Some(true));
        assert_eq!(m("${aws:userid,'it''s'}", "it's"), Some(true));
        assert_eq!(m("a${*}b", "a*b"), Some(true));
        assert_eq!(m("a${*}b", "axb"), Some(false));
        assert_eq!(m("${$}x${?}", "$x?"), Some(true));
        assert_eq!(m("${unclosed", "${unclosed"), Some(true));
    }

    #[test]
    fn arn_segments_do_not_cross_colons() {
        let p = ArnPattern::compile("arn:aws:bedrock:*::foundation-model/*", LIKE);
        let c = ctx();
        let ok = ArnParts::new("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0");
        assert_eq!(p.matches(&ok, &c), Some(true));
        let acct = ArnParts::new("arn:aws:bedrock:us-east-1:111122223333:foundation-model/x");
        assert_eq!(p.matches(&acct, &c), Some(false));
        let p2 = ArnPattern::compile("arn:aws:bedrock:*", LIKE);
        assert_eq!(p2.matches(&acct, &c), Some(true));
        let p3 = ArnPattern::compile("arn:aws:s3:::b/${aws:username}/*", LIKE);
        assert_eq!(
            p3.matches(&ArnParts::new("arn:aws:s3:::b/bob*/k"), &c),
            Some(true)
        );
        let p4 = ArnPattern::compile("arn:aws:iam::*:role/${aws:nope}", LIKE);
        assert_eq!(
            p4.matches(&ArnParts::new("arn:aws:iam::1:role/x"), &c),
            None
        );
    }

    /// Variables are substituted only after the fifth colon of a Resource ARN
    /// (IAM User Guide, "IAM JSON policy elements: Resource",
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html);
    /// an Arn* condition value keeps them in every field.
    #[test]
    fn resource_variables_only_in_the_resource_part() {
        let c = ctx();
        let arn = ArnParts::new("arn:aws:s3:::b/bob*/k");
        let tail = ArnPattern::compile_resource("arn:aws:s3:::b/${aws:username}/*", LIKE);
        assert_eq!(tail.matches(&arn, &c), Some(true));
        for text in [
            "arn:${aws:username}:s3:::b/*",
            "arn:aws:${aws:username}:::b/*",
            "arn:aws:s3:${aws:username}::b/*",
            "arn:aws:s3::${aws:username}:b/*",
        ] {
            let lit = ArnPattern::compile_resource(text, LIKE);
            assert!(!lit.has_variables(), "{text}");
            // Literal `${...}` text never equals the request's field.
            let req = ArnParts::new("arn:aws:s3:::b/x");
            assert_eq!(lit.matches(&req, &c), Some(false), "{text}");
            // An unresolvable variable before the fifth colon is not "missing" either.
            let nope =
                ArnPattern::compile_resource(&text.replace("aws:username", "aws:nope"), LIKE);
            assert_eq!(nope.matches(&req, &c), Some(false), "{text}");
        }
        // The same text as an Arn* condition value substitutes everywhere.
        let cond = ArnPattern::compile("arn:aws:s3:${aws:username}::b/*", LIKE);
        assert!(cond.has_variables());
    }
}
