//! Small, reusable field checks shared by validation: lengths, name patterns, regions, ARNs.
//! Each pushes a diagnostic on failure and returns whether the value passed.

use super::model::S;
use crate::catalog::catalog;
use crate::diag::{code_list, did_you_mean, Diagnostics};

/// `1 character`, `2 characters`.
fn characters(n: usize) -> String {
    if n == 1 {
        "1 character".to_string()
    } else {
        format!("{n} characters")
    }
}

pub(crate) struct Rules<'a> {
    pub d: &'a mut Diagnostics,
    pub regions: Vec<String>,
}

impl Rules<'_> {
    pub fn len(&mut self, v: &S<String>, what: &str, min: usize, max: usize) -> bool {
        let n = v.value.chars().count();
        if n < min {
            let msg = if n == 0 {
                format!("{what} must not be empty")
            } else {
                format!("{what} is too short: {}, at least {min}", characters(n))
            };
            self.d.error(v.span, msg);
            false
        } else if n > max {
            self.d.error(
                v.span,
                format!("{what} is too long: {}, at most {max}", characters(n)),
            );
            false
        } else {
            true
        }
    }

    /// Characters allowed by a class such as `[0-9a-zA-Z-_]+`.
    pub fn charset(
        &mut self,
        v: &S<String>,
        what: &str,
        allowed: fn(char) -> bool,
        pattern: &str,
    ) -> bool {
        if let Some(bad) = v.value.chars().find(|c| !allowed(*c)) {
            self.d
                .error(v.span, format!("{what} `{}` contains `{bad}`", v.value))
                .hints
                .push(format!("allowed: `{pattern}`"));
            false
        } else {
            true
        }
    }

    /// `([0-9a-zA-Z][SEPS]?)+`: alphanumerics, single separators between them.
    pub fn alnum_separated(
        &mut self,
        v: &S<String>,
        what: &str,
        seps: &str,
        pattern: &str,
    ) -> bool {
        self.word_separated(v, what, "", seps, pattern)
    }

    /// Like [`Self::alnum_separated`], with `word` naming extra characters that count
    /// as letters (`:` and `.` in an inference profile's description).
    pub fn word_separated(
        &mut self,
        v: &S<String>,
        what: &str,
        word: &str,
        seps: &str,
        pattern: &str,
    ) -> bool {
        let mut prev_sep = true;
        let ok = v.value.chars().all(|c| {
            if c.is_ascii_alphanumeric() || word.contains(c) {
                prev_sep = false;
                true
            } else if seps.contains(c) && !prev_sep {
                prev_sep = true;
                true
            } else {
                false
            }
        });
        if !ok {
            self.d
                .error(
                    v.span,
                    format!("{what} `{}` does not match `{pattern}`", v.value),
                )
                .hints
                .push("use letters and digits, with single separators between them".to_string());
        }
        ok
    }

    pub fn count<T>(
        &mut self,
        items: &[T],
        span: crate::span::Span,
        what: &str,
        max: usize,
    ) -> bool {
        if items.len() > max {
            self.d.error(
                span,
                format!("too many {what}: {}, at most {max}", items.len()),
            );
            false
        } else {
            true
        }
    }

    pub fn one_of(&mut self, v: &S<String>, what: &str, options: &[&str]) -> bool {
        if options.contains(&v.value.as_str()) {
            return true;
        }
        let hint = did_you_mean(&v.value, options.iter().copied())
            .unwrap_or_else(|| format!("expected one of: {}", code_list(options)));
        self.d
            .error(v.span, format!("invalid {what}: `{}`", v.value))
            .hints
            .push(hint);
        false
    }

    /// A real Bedrock region that `account.regions` lists.
    pub fn region(&mut self, r: &S<String>) -> bool {
        let c = catalog();
        if !c.is_region(&r.value) {
            let d = self
                .d
                .error(r.span, format!("unknown region `{}`", r.value));
            if let Some(near) = c.closest_regions(&r.value, 1).first() {
                d.hints.push(format!("did you mean `{near}`?"));
            } else {
                d.hints
                    .push("it is not a region Bedrock is offered in".to_string());
            }
            return false;
        }
        if !self.regions.iter().any(|x| x == &r.value) {
            self.d
                .error(
                    r.span,
                    format!("region `{}` is not listed in `account.regions`", r.value),
                )
                .hints
                .push(format!("add `{}` to `account.regions`", r.value));
            return false;
        }
        true
    }

    pub fn regions(&mut self, rs: &[S<String>], span: crate::span::Span, what: &str) {
        if rs.is_empty() {
            self.d
                .error(span, format!("{what} needs at least one region"));
        }
        let mut seen: Vec<&str> = Vec::new();
        for r in rs {
            if seen.contains(&r.value.as_str()) {
                self.d
                    .error(r.span, format!("region `{}` is listed twice", r.value));
            }
            seen.push(&r.value);
            self.region(r);
        }
    }

    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, with `service` when given.
    pub fn arn(&mut self, v: &S<String>, what: &str, service: Option<&str>) -> bool {
        match parse_arn(&v.value) {
            Some(a) if service.is_none_or(|s| s == a.service) => true,
            Some(a) => {
                self.d.error(
                    v.span,
                    format!(
                        "{what} must be a `{}` ARN, found a `{}` ARN",
                        service.unwrap_or(""),
                        a.service
                    ),
                );
                false
            }
            None => {
                self.d
                    .error(v.span, format!("{what} is not a valid ARN: `{}`", v.value))
                    .hints
                    .push(
                        "an ARN looks like `arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE`".to_string(),
                    );
                false
            }
        }
    }
}

pub use crate::vocab::arn::Arn;

/// An ARN as config values must write it: `aws…` partition, a service, a resource,
/// and an account field that is empty, `aws`, or 12 digits.
pub fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let a = Arn::parse(s)?;
    let ok = a.partition.starts_with("aws")
        && !a.service.is_empty()
        && !a.resource.is_empty()
        && (a.account.is_empty() || a.account == "aws" || is_account_id(a.account));
    ok.then_some(a)
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// IAM names: `[\w+=,.@-]+`.
pub fn iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// Guardrail names: `[0-9a-zA-Z-_]+`.
pub fn guardrail_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Denied-topic names: `[0-9a-zA-Z-_ !?.]+`.
pub fn topic_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_ !?.".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_counts_are_singular_for_one() {
        assert_eq!(characters(0), "0 characters");
        assert_eq!(characters(1), "1 character");
        assert_eq!(characters(64), "64 characters");
    }

    #[test]
    fn arns_parse_with_empty_account_for_models() {
        let a =
            parse_arn("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0").unwrap();
        assert_eq!(
            (a.service, a.account, a.resource),
            ("bedrock", "", "foundation-model/amazon.nova-lite-v1:0")
        );
        assert!(parse_arn("arn:aws:iam::aws:policy/ReadOnlyAccess").is_some());
        assert!(parse_arn("arn:aws:iam::12345:role/x").is_none());
        assert!(parse_arn("aws:iam::123456789012:role/x").is_none());
    }
}
