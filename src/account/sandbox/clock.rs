//! Wall-clock time for the sandbox as milliseconds since the Unix epoch, and the
//! RFC 3339 / calendar arithmetic the commitment terms need.
//!
//! Kept dependency-free on purpose: the sandbox only needs UTC, whole seconds in
//! output, and "add N calendar months".

use std::time::{SystemTime, UNIX_EPOCH};

const MS_PER_DAY: i64 = 86_400_000;

/// Now, shifted by `skew_ms` (tests move the sandbox clock forward this way).
pub fn now_ms(skew_ms: i64) -> i64 {
    let real = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    real.saturating_add(skew_ms)
}

/// Days since 1970-01-01 for a civil date (Howard Hinnant's days-from-civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) for days since the epoch.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    days_from_civil(y + i64::from(m == 12), if m == 12 { 1 } else { m + 1 }, 1)
        - days_from_civil(y, m, 1)
}

/// `ms` plus `months` calendar months; the day is clamped to the target month's length
/// (Jan 31 + 1 month = Feb 28/29), as billing terms are.
pub fn add_months(ms: i64, months: i64) -> i64 {
    let days = ms.div_euclid(MS_PER_DAY);
    let rest = ms.rem_euclid(MS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let total = y * 12 + (m - 1) + months;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let nd = d.min(days_in_month(ny, nm));
    days_from_civil(ny, nm, nd) * MS_PER_DAY + rest
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(ms: i64) -> String {
    let days = ms.div_euclid(MS_PER_DAY);
    let secs = ms.rem_euclid(MS_PER_DAY) / 1000;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// `YYYY-MM-DD` of an instant.
pub fn date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parse `YYYY-MM-DDTHH:MM:SS[.fff](Z|+00:00)`; other offsets are rejected rather than
/// guessed, since seed files are written by hand.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse::<i64>().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60
    {
        return None;
    }
    let mut tail = &s[19..];
    let mut frac_ms = 0;
    if let Some(f) = tail.strip_prefix('.') {
        let digits: String = f.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return None;
        }
        let padded = format!("{digits:0<3}");
        frac_ms = padded.get(..3)?.parse::<i64>().ok()?;
        tail = &f[digits.len()..];
    }
    if !matches!(tail, "Z" | "z" | "+00:00") {
        return None;
    }
    Some((days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se) * 1000 + frac_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips() {
        let ms = parse_rfc3339("2026-01-31T12:34:56Z").unwrap();
        assert_eq!(rfc3339(ms), "2026-01-31T12:34:56Z");
        assert_eq!(parse_rfc3339("2026-01-31T12:34:56.5Z"), Some(ms + 500));
        assert_eq!(parse_rfc3339("2026-02-30T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2026-01-31T12:34:56+02:00"), None);
    }

    #[test]
    fn months_clamp_to_month_end() {
        let jan31 = parse_rfc3339("2024-01-31T08:00:00Z").unwrap();
        assert_eq!(rfc3339(add_months(jan31, 1)), "2024-02-29T08:00:00Z");
        assert_eq!(rfc3339(add_months(jan31, 6)), "2024-07-31T08:00:00Z");
        assert_eq!(rfc3339(add_months(jan31, 11)), "2024-12-31T08:00:00Z");
        assert_eq!(rfc3339(add_months(jan31, 13)), "2025-02-28T08:00:00Z");
        assert_eq!(date(jan31), "2024-01-31");
    }
}
