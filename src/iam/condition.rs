//! Condition operators: names, value checks at parse time, compiled values, and
//! evaluation with AWS semantics (`...IfExists`, `ForAllValues:`/`ForAnyValue:`,
//! negated operators, missing keys).

use super::context::Context;
use super::pattern::{ArnParts, ArnPattern, Pattern, Syntax};
use super::PolicyError;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

const BASES: &[(&str, Base)] = &[
    ("StringEquals", Base::StringEquals),
    ("StringNotEquals", Base::StringNotEquals),
    ("StringEqualsIgnoreCase", Base::StringEqualsIgnoreCase),
    ("StringNotEqualsIgnoreCase", Base::StringNotEqualsIgnoreCase),
    ("StringLike", Base::StringLike),
    ("StringNotLike", Base::StringNotLike),
    ("NumericEquals", Base::NumericEquals),
    ("NumericNotEquals", Base::NumericNotEquals),
    ("NumericLessThan", Base::NumericLessThan),
    ("NumericLessThanEquals", Base::NumericLessThanEquals),
    ("NumericGreaterThan", Base::NumericGreaterThan),
    ("NumericGreaterThanEquals", Base::NumericGreaterThanEquals),
    ("DateEquals", Base::DateEquals),
    ("DateNotEquals", Base::DateNotEquals),
    ("DateLessThan", Base::DateLessThan),
    ("DateLessThanEquals", Base::DateLessThanEquals),
    ("DateGreaterThan", Base::DateGreaterThan),
    ("DateGreaterThanEquals", Base::DateGreaterThanEquals),
    ("Bool", Base::Bool),
    ("BinaryEquals", Base::BinaryEquals),
    ("IpAddress", Base::IpAddress),
    ("NotIpAddress", Base::NotIpAddress),
    ("ArnEquals", Base::ArnEquals),
    ("ArnLike", Base::ArnLike),
    ("ArnNotEquals", Base::ArnNotEquals),
    ("ArnNotLike", Base::ArnNotLike),
    ("Null", Base::Null),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    None,
    ForAllValues,
    ForAnyValue,
}

/// A parsed condition operator such as `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    pub base: Base,
    pub if_exists: bool,
    pub set: SetOp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

impl Base {
    fn family(self) -> Family {
        use Base::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => Family::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Family::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    /// Negated operators are true when no policy value matches.
    fn negated(self) -> bool {
        use Base::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }
}

impl Operator {
    /// Parse an operator name. IAM spells them in CamelCase; case is not significant here.
    /// The error's offset is 0: the caller knows where the name stands.
    pub fn parse(name: &str) -> Result<Operator, PolicyError> {
        let mut rest = name;
        let mut set = SetOp::None;
        if let Some((prefix, tail)) = rest.split_once(':') {
            set = if prefix.eq_ignore_ascii_case("ForAllValues") {
                SetOp::ForAllValues
            } else if prefix.eq_ignore_ascii_case("ForAnyValue") {
                SetOp::ForAnyValue
            } else {
                return Err(PolicyError {
                    hint: Some("a set operator is `ForAllValues` or `ForAnyValue`".to_string()),
                    ..PolicyError::new(0, format!("unknown set operator `{prefix}` in `{name}`"))
                });
            };
            rest = tail;
        }
        let mut if_exists = false;
        let lower = rest.to_ascii_lowercase();
        let mut base_name = lower.as_str();
        if let Some(b) = base_name.strip_suffix("ifexists") {
            base_name = b;
            if_exists = true;
        }
        let Some(&(_, base)) = BASES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(base_name))
        else {
            return Err(PolicyError {
                hint: crate::diag::did_you_mean(rest, BASES.iter().map(|(n, _)| *n)),
                ..PolicyError::new(0, format!("unknown condition operator `{name}`"))
            });
        };
        if base == Base::Null && (if_exists || set != SetOp::None) {
            return Err(PolicyError::new(
                0,
                format!("`{name}`: the `Null` operator takes no `IfExists` suffix or set prefix"),
            ));
        }
        Ok(Operator {
            base,
            if_exists,
            set,
        })
    }

    pub fn name(&self) -> String {
        let base = BASES
            .iter()
            .find(|(_, b)| *b == self.base)
            .map(|(n, _)| *n)
            .unwrap_or("?");
        let prefix = match self.set {
            SetOp::None => "",
            SetOp::ForAllValues => "ForAllValues:",
            SetOp::ForAnyValue => "ForAnyValue:",
        };
        let suffix = if self.if_exists { "IfExists" } else { "" };
        format!("{prefix}{base}{suffix}")
    }

    /// Check one policy value for this operator; the message names what is wrong.
    pub fn check_value(&self, value: &str) -> Result<(), String> {
        match self.base.family() {
            Family::Numeric if parse_number(value).is_none() => Err(format!(
                "`{value}` is not a number (operator `{}`)",
                self.name()
            )),
            Family::Date if parse_date(value).is_none() => Err(format!(
                "`{value}` is not an ISO 8601 date or epoch time (operator `{}`)",
                self.name()
            )),
            Family::Bool | Family::Null if parse_bool(value).is_none() => Err(format!(
                "`{value}` is not `true` or `false` (operator `{}`)",
                self.name()
            )),
            Family::Ip if parse_cidr(value).is_none() => Err(format!(
                "`{value}` is not an IP address or CIDR block (operator `{}`)",
                self.name()
            )),
            _ => Ok(()),
        }
    }
}

/// A condition compiled for evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub op: Operator,
    /// Lower-cased context key.
    pub key: Box<str>,
    values: Values,
}

#[derive(Debug, Clone, PartialEq)]
enum Values {
    Str(Box<[Pattern]>),
    Num(Box<[f64]>),
    Date(Box<[f64]>),
    Bool(Box<[bool]>),
    Ip(Box<[Cidr]>),
    Arn(Box<[ArnPattern]>),
    Null(bool),
}

impl Compiled {
    /// Compile a condition; values were checked by the parser, so an unparsable one
    /// here (possible only for hand-built input) simply never matches.
    pub fn new(op: Operator, key: &str, values: &[String], variables: bool) -> Compiled {
        let str_syntax = |wildcards: bool, ignore_case: bool| Syntax {
            wildcards,
            variables,
            ignore_case,
        };
        let values = match op.base.family() {
            Family::String | Family::Binary => {
                let like = matches!(op.base, Base::StringLike | Base::StringNotLike);
                let ci = matches!(
                    op.base,
                    Base::StringEqualsIgnoreCase | Base::StringNotEqualsIgnoreCase
                );
                Values::Str(
                    values
                        .iter()
                        .map(|v| Pattern::compile(v, str_syntax(like, ci)))
                        .collect(),
                )
            }
            Family::Numeric => Values::Num(values.iter().filter_map(|v| parse_number(v)).collect()),
            Family::Date => Values::Date(values.iter().filter_map(|v| parse_date(v)).collect()),
            Family::Bool => Values::Bool(values.iter().filter_map(|v| parse_bool(v)).collect()),
            Family::Ip => Values::Ip(values.iter().filter_map(|v| parse_cidr(v)).collect()),
            Family::Arn => Values::Arn(
                values
                    .iter()
                    .map(|v| ArnPattern::compile(v, str_syntax(true, false)))
                    .collect(),
            ),
            Family::Null => {
                Values::Null(values.first().and_then(|v| parse_bool(v)).unwrap_or(false))
            }
        };
        Compiled {
            op,
            key: key.to_ascii_lowercase().into_boxed_str(),
            values,
        }
    }

    /// Evaluate against the request context. `None`: a policy variable could not be
    /// resolved, so the statement does not apply.
    pub fn eval(&self, ctx: &Context) -> Option<bool> {
        let present = ctx.get(&self.key).filter(|v| !v.as_slice().is_empty());
        if let Values::Null(want_absent) = self.values {
            return Some(present.is_none() == want_absent);
        }
        let negated = self.op.base.negated();
        let Some(value) = present else {
            if self.op.if_exists {
                return Some(true);
            }
            return Some(match self.op.set {
                // Every value of an empty set matches (vacuous truth).
                SetOp::ForAllValues => true,
                SetOp::ForAnyValue => false,
                SetOp::None => negated,
            });
        };
        let items = value.as_slice();
        match self.op.set {
            SetOp::ForAllValues => {
                for v in items {
                    if !self.single(v, ctx)? {
                        return Some(false);
                    }
                }
                Some(true)
            }
            SetOp::ForAnyValue => {
                let mut unresolved = false;
                for v in items {
                    match self.single(v, ctx) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => unresolved = true,
                    }
                }
                if unresolved {
                    None
                } else {
                    Some(false)
                }
            }
            SetOp::None => {
                // A plain operator on a multi-valued key: positive operators need one
                // context value to match; negated ones need none to match.
                let mut any = false;
                for v in items {
                    if self.positive(v, ctx)? {
                        any = true;
                        break;
                    }
                }
                Some(any != negated)
            }
        }
    }

    /// One context value against the operator, negation included.
    fn single(&self, v: &str, ctx: &Context) -> Option<bool> {
        let m = self.positive(v, ctx)?;
        Some(m != self.op.base.negated())
    }

    /// Does any policy value match context value `v` under the positive form of the operator?
    fn positive(&self, v: &str, ctx: &Context) -> Option<bool> {
        match &self.values {
            Values::Str(pats) => {
                let mut unresolved = false;
                for p in pats.iter() {
                    match p.matches(v, ctx) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => unresolved = true,
                    }
                }
                if unresolved {
                    None
                } else {
                    Some(false)
                }
            }
            Values::Num(nums) => {
                let Some(x) = parse_number(v) else {
                    return Some(false);
                };
                Some(nums.iter().any(|&n| compare(self.op.base, x, n)))
            }
            Values::Date(dates) => {
                let Some(x) = parse_date(v) else {
                    return Some(false);
                };
                Some(dates.iter().any(|&n| compare(self.op.base, x, n)))
            }
            Values::Bool(bs) => {
                let Some(x) = parse_bool(v) else {
                    return Some(false);
                };
                Some(bs.contains(&x))
            }
            Values::Ip(cidrs) => {
                let Ok(ip) = v.trim().parse::<IpAddr>() else {
                    return Some(false);
                };
                Some(cidrs.iter().any(|c| c.contains(ip)))
            }
            Values::Arn(pats) => {
                let parts = ArnParts::new(v);
                if !parts.is_arn() {
                    return Some(false);
                }
                let mut unresolved = false;
                for p in pats.iter() {
                    match p.matches(&parts, ctx) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => unresolved = true,
                    }
                }
                if unresolved {
                    None
                } else {
                    Some(false)
                }
            }
            Values::Null(_) => Some(false),
        }
    }
}

fn compare(base: Base, x: f64, n: f64) -> bool {
    use Base::*;
    match base {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => x == n,
        NumericLessThan | DateLessThan => x < n,
        NumericLessThanEquals | DateLessThanEquals => x <= n,
        NumericGreaterThan | DateGreaterThan => x > n,
        NumericGreaterThanEquals | DateGreaterThanEquals => x >= n,
        _ => false,
    }
}

pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E') {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

pub fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An ISO 8601 date/time (`2024-01-31`, `2024-01-31T12:00:00Z`, fractions, offsets)
/// or epoch seconds, as seconds since 1970 (UTC).
pub fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<f64>().ok();
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) && !t.is_empty() {
            t.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || !(1..=days_in_month(y, mo)).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, mo, d) as f64 * 86_400.0;
    let mut rest = &s[10..];
    if rest.is_empty() {
        return Some(secs);
    }
    rest = rest.strip_prefix(['T', 't', ' '])?;
    let rb = rest.as_bytes();
    if rb.len() < 5 || rb[2] != b':' {
        return None;
    }
    let h: i64 = rest.get(0..2)?.parse().ok()?;
    let mi: i64 = rest.get(3..5)?.parse().ok()?;
    let mut sec = 0f64;
    let mut tail = &rest[5..];
    if let Some(t) = tail.strip_prefix(':') {
        let end = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        sec = t.get(..end)?.parse().ok()?;
        tail = &t[end..];
    }
    if h > 23 || mi > 59 || !(0.0..61.0).contains(&sec) {
        return None;
    }
    secs += (h * 3600 + mi * 60) as f64 + sec;
    match tail {
        "" | "Z" | "z" => Some(secs),
        _ => {
            let sign = match tail.as_bytes().first()? {
                b'+' => 1.0,
                b'-' => -1.0,
                _ => return None,
            };
            let off = &tail[1..];
            let (oh, om) = match off.len() {
                5 if off.as_bytes()[2] == b':' => (off.get(0..2)?, off.get(3..5)?),
                4 => (off.get(0..2)?, off.get(2..4)?),
                2 => (off.get(0..2)?, "00"),
                _ => return None,
            };
            let oh: f64 = oh.parse().ok()?;
            let om: f64 = om.parse().ok()?;
            Some(secs - sign * (oh * 3600.0 + om * 60.0))
        }
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's days-from-civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An IPv4 or IPv6 network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V4(ip)) => net.to_ipv4_mapped().is_some_and(|n| {
                self.prefix >= 96 && {
                    let c = Cidr {
                        addr: IpAddr::V4(n),
                        prefix: self.prefix - 96,
                    };
                    c.contains(IpAddr::V4(ip))
                }
            }),
            (IpAddr::V4(_), IpAddr::V6(ip)) => ip
                .to_ipv4_mapped()
                .is_some_and(|v4| self.contains(IpAddr::V4(v4))),
        }
    }
}

pub fn parse_cidr(s: &str) -> Option<Cidr> {
    let s = s.trim();
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let addr: IpAddr = addr.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u8>().ok()?
        }
        Some(_) => return None,
        None => max,
    };
    if prefix > max {
        return None;
    }
    Some(Cidr { addr, prefix })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::context::Value;

    fn ctx(pairs: &[(&str, Value)]) -> Context {
        let mut c = Context::default();
        for (k, v) in pairs {
            c.insert(k, v.clone());
        }
        c
    }

    fn cond(op: &str, key: &str, vals: &[&str]) -> Compiled {
        let vals: Vec<String> = vals.iter().map(|s| s.to_string()).collect();
        Compiled::new(Operator::parse(op).unwrap(), key, &vals, true)
    }

    fn many(v: &[&str]) -> Value {
        Value::Many(v.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn operator_names() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(op.base, Base::StringLike);
        assert!(op.if_exists);
        assert_eq!(op.set, SetOp::ForAnyValue);
        assert_eq!(op.name(), "ForAnyValue:StringLikeIfExists");
        let e = Operator::parse("StringEqualz").unwrap_err();
        assert_eq!(e.message, "unknown condition operator `StringEqualz`");
        assert!(e.hint.unwrap().starts_with("did you mean `StringEquals`"));
        assert!(Operator::parse("NullIfExists").is_err());
        assert!(Operator::parse("ForSomeValues:StringEquals").is_err());
    }

    #[test]
    fn negated_and_missing_keys() {
        let c = ctx(&[("aws:SourceVpce", "vpce-1".into())]);
        assert_eq!(
            cond("StringNotEquals", "aws:SourceVpce", &["vpce-1", "vpce-2"]).eval(&c),
            Some(false)
        );
        assert_eq!(
            cond("StringNotEquals", "aws:SourceVpce", &["vpce-3"]).eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("StringNotEquals", "aws:missing", &["x"]).eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("StringEquals", "aws:missing", &["x"]).eval(&c),
            Some(false)
        );
        assert_eq!(
            cond("StringEqualsIfExists", "aws:missing", &["x"]).eval(&c),
            Some(true)
        );
        assert_eq!(cond("Null", "aws:missing", &["true"]).eval(&c), Some(true));
        assert_eq!(
            cond("Null", "aws:sourcevpce", &["false"]).eval(&c),
            Some(true)
        );
    }

    #[test]
    fn sets() {
        let c = ctx(&[
            ("aws:TagKeys", many(&["team", "env"])),
            ("aws:Empty", many(&[])),
        ]);
        assert_eq!(
            cond(
                "ForAllValues:StringEquals",
                "aws:TagKeys",
                &["team", "env", "x"]
            )
            .eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("ForAllValues:StringEquals", "aws:TagKeys", &["team"]).eval(&c),
            Some(false)
        );
        assert_eq!(
            cond("ForAllValues:StringEquals", "aws:Empty", &["team"]).eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("ForAllValues:StringEquals", "aws:absent", &["team"]).eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("ForAnyValue:StringEquals", "aws:TagKeys", &["env"]).eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("ForAnyValue:StringEquals", "aws:absent", &["env"]).eval(&c),
            Some(false)
        );
        assert_eq!(
            cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["team"]).eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("ForAllValues:StringNotEquals", "aws:TagKeys", &["x"]).eval(&c),
            Some(true)
        );
    }

    #[test]
    fn numbers_dates_ips_bools() {
        let c = ctx(&[
            ("n", "5".into()),
            ("aws:CurrentTime", "2024-06-01T12:00:00Z".into()),
            ("aws:SourceIp", "10.1.2.3".into()),
            ("aws:SecureTransport", "TRUE".into()),
            ("v6", "2001:db8::1".into()),
        ]);
        assert_eq!(cond("NumericLessThan", "n", &["10"]).eval(&c), Some(true));
        assert_eq!(
            cond("NumericGreaterThanEquals", "n", &["5.0"]).eval(&c),
            Some(true)
        );
        assert_eq!(cond("NumericNotEquals", "n", &["5"]).eval(&c), Some(false));
        assert_eq!(
            cond("DateGreaterThan", "aws:CurrentTime", &["2024-01-01"]).eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("DateLessThan", "aws:CurrentTime", &["1717243200"]).eval(&c),
            Some(false)
        );
        assert_eq!(
            cond(
                "DateEquals",
                "aws:CurrentTime",
                &["2024-06-01T14:00:00+02:00"]
            )
            .eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]).eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("NotIpAddress", "aws:SourceIp", &["10.1.2.0/24"]).eval(&c),
            Some(false)
        );
        assert_eq!(
            cond("IpAddress", "v6", &["2001:db8::/32"]).eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("IpAddress", "aws:SourceIp", &["0.0.0.0/0"]).eval(&c),
            Some(true)
        );
        assert_eq!(
            cond("Bool", "aws:SecureTransport", &["true"]).eval(&c),
            Some(true)
        );
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_cidr("10.0.0.0/33").is_none());
    }
}
