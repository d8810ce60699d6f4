//! Dates: parsing the forms archives write them in, and tantivy date values.

use tantivy::DateTime;

/// Parses a date written `2021-11-03`, `2021/11/3`, `2021.11.03` or `2021年11月3日`, with an
/// optional time after it, into (`YYYY-MM-DD`, `HH:MM` or empty).
pub fn parse_date(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let (date, rest) = match text
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || c == 'T')
    {
        // The separator may be a wide space (U+3000, U+2000…): skip it whole.
        Some((i, c)) => (&text[..i], text[i + c.len_utf8()..].trim()),
        None => (text, ""),
    };
    let parts: Vec<&str> = date
        .trim_end_matches('日')
        .split(['-', '/', '.', '年', '月'])
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1000..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let time = parse_time(rest).unwrap_or_default();
    Some((format!("{y:04}-{m:02}-{d:02}"), time))
}

/// Parses `HH:MM` or `HH:MM:SS` into `HH:MM`.
pub fn parse_time(text: &str) -> Option<String> {
    let mut parts = text.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.get(..2)?.parse().ok()?;
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// The date as a tantivy value (midnight UTC), when it is a valid `YYYY-MM-DD`.
pub fn to_datetime(date: &str) -> Option<DateTime> {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some(DateTime::from_timestamp_secs(
        days_from_civil(y, m, d) * 86_400,
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Year, month and day of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
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

/// Days since 1970-01-01 of a tantivy date value.
pub fn day_number(date: DateTime) -> i64 {
    date.into_timestamp_secs().div_euclid(86_400)
}

/// The year of a tantivy date value, without formatting it (facets count many).
pub fn year_of(date: DateTime) -> i64 {
    civil(day_number(date)).0
}

/// The year and month of a tantivy date value.
pub fn month_of(date: DateTime) -> (i64, i64) {
    let (y, m, _) = civil(day_number(date));
    (y, m)
}

/// Seconds since 1970-01-01 UTC, now.
pub fn now_secs() -> u64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| d.as_secs())
}

/// Today (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    from_datetime(DateTime::from_timestamp_secs(now_secs() as i64))
}

/// `YYYY-MM-DD` of a tantivy date value.
pub fn from_datetime(date: DateTime) -> String {
    civil_from_days(day_number(date))
}

/// The days a search is limited to (`--from`, `--to`), both included. With either, undated
/// articles are left out. Checked on the date column of the matches, rather than by a range
/// query, which would scan the whole column of every segment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Days {
    pub first: Option<DateTime>,
    pub last: Option<DateTime>,
}

impl Days {
    /// No limit.
    pub fn is_all(&self) -> bool {
        self.first.is_none() && self.last.is_none()
    }

    pub fn contain(&self, date: Option<DateTime>) -> bool {
        match date {
            Some(date) => {
                self.first.is_none_or(|d| date >= d) && self.last.is_none_or(|d| date <= d)
            }
            None => self.is_all(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_common_forms() {
        assert_eq!(
            parse_date("2021-11-03"),
            Some(("2021-11-03".into(), "".into()))
        );
        assert_eq!(
            parse_date("2021/11/3 00:45"),
            Some(("2021-11-03".into(), "00:45".into()))
        );
        // A wide space before the time, as input methods type it (found by tests/fuzz.rs).
        assert_eq!(
            parse_date("2021年11月3日\u{3000}00:45"),
            Some(("2021-11-03".into(), "00:45".into()))
        );
        assert_eq!(parse_date("𐩐\u{2000}𐫫"), None);
        assert_eq!(
            parse_date("2021年11月3日"),
            Some(("2021-11-03".into(), "".into()))
        );
        assert_eq!(parse_date("2021-13-03"), None);
        assert_eq!(parse_date("大字"), None);
    }

    #[test]
    fn day_numbers_both_ways() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2021, 11, 3), 18_934);
        assert_eq!(civil_from_days(18_934), "2021-11-03");
        assert_eq!(year_of(to_datetime("2020-12-31").unwrap()), 2020);
        assert_eq!(year_of(to_datetime("2021-01-01").unwrap()), 2021);
        assert_eq!(
            from_datetime(to_datetime("2000-03-01").unwrap()),
            "2000-03-01"
        );
    }
}
