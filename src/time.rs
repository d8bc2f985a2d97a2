//! Times and durations as people read them: UTC dates, "in 3 hours",
//! "2d12h". No time zone database: everything is UTC.

/// Seconds since the Unix epoch now; `KOMETA_TRAKT_NOW` (Unix seconds)
/// pins it for reproducible output.
pub(crate) fn now() -> i64 {
    if let Some(pinned) = std::env::var("KOMETA_TRAKT_NOW")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return pinned;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `2026-11-28 12:00:00 UTC`.
pub(crate) fn utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The calendar date of a day count since 1970-01-01 (Howard Hinnant's
/// algorithm, proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A duration in its largest whole units, at most two: `1 year`, `3 months`,
/// `2 days 4 hours`, `45 minutes`, `10 seconds`.
pub(crate) fn span(seconds: i64) -> String {
    const UNITS: [(i64, &str); 6] = [
        (31_556_952, "year"),
        (2_629_746, "month"),
        (86_400, "day"),
        (3600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let s = seconds.abs();
    let mut parts = Vec::new();
    let mut rest = s;
    for &(size, name) in &UNITS {
        if rest >= size && parts.len() < 2 {
            let n = rest / size;
            rest -= n * size;
            parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
        } else if !parts.is_empty() {
            break;
        }
    }
    if parts.is_empty() {
        "0 seconds".to_string()
    } else {
        parts.join(" ")
    }
}

/// `in 3 hours` or `2 days ago`, relative to now.
pub(crate) fn relative(seconds_from_now: i64) -> String {
    if seconds_from_now >= 0 {
        format!("in {}", span(seconds_from_now))
    } else {
        format!("{} ago", span(seconds_from_now))
    }
}

/// Parses `90s`, `30m`, `12h`, `2d`, `1w` and sums like `1d12h`.
pub(crate) fn parse_duration(text: &str) -> Result<i64, String> {
    let bad = || format!("`{text}` is not a duration: write it like 30m, 12h, 2d, 1w or 1d12h");
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        let n: i64 = number.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        number.clear();
    }
    if !number.is_empty() || text.trim().is_empty() {
        return Err(bad());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_764_115_200), "2025-11-26 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_798_761_599), "2026-12-31 23:59:59 UTC");
    }

    #[test]
    fn spans_use_two_units_at_most() {
        assert_eq!(span(86_400), "1 day");
        assert_eq!(span(90_061), "1 day 1 hour");
        assert_eq!(span(7_889_238), "3 months");
        assert_eq!(span(31_556_952 + 2_629_746 + 86_400), "1 year 1 month");
        assert_eq!(span(31_556_952 + 86_400), "1 year");
        assert_eq!(span(0), "0 seconds");
        assert_eq!(relative(-120), "2 minutes ago");
        assert_eq!(relative(3600), "in 1 hour");
    }

    #[test]
    fn durations_parse_and_sum() {
        assert_eq!(parse_duration("1d12h"), Ok(129_600));
        assert_eq!(parse_duration("30m"), Ok(1800));
        assert_eq!(parse_duration("1w"), Ok(604_800));
        assert!(parse_duration("12").is_err());
        assert!(parse_duration("3x").is_err());
        assert!(parse_duration("").is_err());
    }
}
