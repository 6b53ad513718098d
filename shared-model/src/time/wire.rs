//! Instants and dates in JSON as the browser reads them: every `DateTime<Utc>` and
//! `NaiveDate` field of a type that is deserialized has
//! `#[cfg_attr(feature = "browser", serde(with = "crate::time::wire::…"))]`.
//!
//! Written as chrono writes them (`2026-12-04T22:53:00Z`, `2026-12-05`). The server reads
//! them with chrono's own lenient reader, which takes whatever a client may send. The
//! browser (feature `browser`) reads them with the small strict reader below, which takes
//! exactly what the server writes: chrono's reader is a general format interpreter, about
//! 18 KB of each browser bundle's wasm and an eighth of the code the live room compiles
//! before its first island works. Only under the feature: each `with` adds a wrapper per
//! field, which the server's wasm would carry for nothing.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// Reads an RFC 3339 instant as chrono writes it: a date, `T`, `HH:MM:SS`, an optional
/// fraction of up to nine digits, then `Z` or a `±HH:MM` offset. `None` for anything else.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let (date, rest) = split_date(text)?;
    let (hour, minute, Some(second), mut rest) = split_clock(rest.strip_prefix('T')?)? else { return None };
    let mut nanos = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        nanos = fraction[..digits].parse::<u32>().ok()? * 10u32.pow(9 - digits as u32);
        rest = &fraction[digits..];
    }
    let east_secs = match rest.as_bytes() {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let secs = i64::from(two_digits(&[*h1, *h2])?) * 3600 + i64::from(two_digits(&[*m1, *m2])?) * 60;
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let local = date.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?);
    let utc = local.checked_sub_signed(chrono::Duration::seconds(east_secs))?;
    Some(utc.and_utc())
}

/// Reads a calendar date as chrono writes it: `YYYY-MM-DD` (a year outside 0..=9999 with
/// its sign). `None` for anything else.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    match split_date(text)? {
        (date, "") => Some(date),
        _ => None,
    }
}

/// The date at the start of `text` (`YYYY-MM-DD`) and what follows it.
pub(crate) fn split_date(text: &str) -> Option<(NaiveDate, &str)> {
    let signed = text.starts_with(['+', '-']);
    let year_len = usize::from(signed) + text[usize::from(signed)..].bytes().take_while(u8::is_ascii_digit).count();
    // Four digits exactly, or a sign and more (as chrono writes years past 9999).
    if (!signed && year_len != 4) || (signed && year_len < 5) {
        return None;
    }
    let year: i32 = text[..year_len].parse().ok()?;
    match &text.as_bytes()[year_len..] {
        [b'-', m1, m2, b'-', d1, d2, ..] => {
            let date = NaiveDate::from_ymd_opt(year, two_digits(&[*m1, *m2])?, two_digits(&[*d1, *d2])?)?;
            Some((date, &text[year_len + 6..]))
        }
        _ => None,
    }
}

/// The clock time at the start of `text` (`HH:MM`, then `:SS` if there) and what
/// follows it. The numbers are not checked against the clock's ranges.
pub(crate) fn split_clock(text: &str) -> Option<(u32, u32, Option<u32>, &str)> {
    let (hour, minute) = match text.as_bytes() {
        [h1, h2, b':', m1, m2, ..] => (two_digits(&[*h1, *h2])?, two_digits(&[*m1, *m2])?),
        _ => return None,
    };
    match text.as_bytes()[5..] {
        [b':', s1, s2, ..] => Some((hour, minute, Some(two_digits(&[s1, s2])?), &text[8..])),
        _ => Some((hour, minute, None, &text[5..])),
    }
}

fn two_digits(pair: &[u8]) -> Option<u32> {
    match pair {
        [tens @ b'0'..=b'9', ones @ b'0'..=b'9'] => Some(u32::from(tens - b'0') * 10 + u32::from(ones - b'0')),
        _ => None,
    }
}

/// `DateTime<Utc>`.
pub mod instant {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        at.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::parse_instant(&text).ok_or_else(|| super::invalid(&text, "an RFC 3339 instant"))
    }
}

/// `Option<DateTime<Utc>>`: give the field `default` too, so that a missing key is `None`
/// as it is without `with`.
pub mod opt_instant {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
        at.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let Some(text) = Option::<String>::deserialize(deserializer)? else { return Ok(None) };
        super::parse_instant(&text).map(Some).ok_or_else(|| super::invalid(&text, "an RFC 3339 instant"))
    }
}

/// `NaiveDate`.
pub mod date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(day: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        day.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::parse_date(&text).ok_or_else(|| super::invalid(&text, "a date (YYYY-MM-DD)"))
    }
}

/// `Option<NaiveDate>`: give the field `default` too (see [`opt_instant`]).
pub mod opt_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(day: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
        day.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
        let Some(text) = Option::<String>::deserialize(deserializer)? else { return Ok(None) };
        super::parse_date(&text).map(Some).ok_or_else(|| super::invalid(&text, "a date (YYYY-MM-DD)"))
    }
}

/// `Vec<NaiveDate>`.
pub mod dates {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(days: &[NaiveDate], serializer: S) -> Result<S::Ok, S::Error> {
        days.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<NaiveDate>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|text| super::parse_date(text).ok_or_else(|| super::invalid(text, "a date (YYYY-MM-DD)")))
            .collect()
    }
}

fn invalid<E: serde::de::Error>(text: &str, expected: &'static str) -> E {
    E::invalid_value(serde::de::Unexpected::Str(text), &expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Duration, SecondsFormat, TimeZone};

    #[test]
    fn reads_every_instant_as_chrono_writes_it() {
        let start = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap();
        // Every 7h 13m 17.123456789s over about thirty years: every month, day, hour,
        // leap day and fraction width.
        let step = Duration::seconds(7 * 3600 + 13 * 60 + 17) + Duration::nanoseconds(123_456_789);
        let mut at = start;
        for i in 0..40_000 {
            let written = serde_json::to_string(&at).unwrap();
            let text: String = serde_json::from_str(&written).unwrap();
            assert_eq!(parse_instant(&text), Some(at), "{text}");
            // Whole seconds and milliseconds too, as chrono writes them (no fraction, 3 digits).
            let whole = at - Duration::nanoseconds(i64::from(at.timestamp_subsec_nanos()));
            assert_eq!(parse_instant(&whole.to_rfc3339_opts(SecondsFormat::AutoSi, true)), Some(whole));
            let millis = at.to_rfc3339_opts(SecondsFormat::Millis, true);
            assert_eq!(parse_instant(&millis), millis.parse::<DateTime<Utc>>().ok(), "{millis}");
            at += step + Duration::nanoseconds(i % 1000);
        }
    }

    #[test]
    fn reads_offsets_as_chrono_does() {
        for text in [
            "2026-12-04T22:53:00+08:00",
            "2026-12-04T22:53:00.5-05:30",
            "2026-01-01T00:00:00+00:00",
            "2026-12-31T23:59:59.999999999+14:00",
        ] {
            assert_eq!(parse_instant(text), text.parse::<DateTime<Utc>>().ok(), "{text}");
        }
    }

    #[test]
    fn refuses_what_the_server_never_writes() {
        for text in [
            "",
            "2026-12-04",
            "2026-12-04T22:53:00",
            "2026-12-04T22:53Z",
            "2026-12-04T22:53:00.Z",
            "2026-12-04T22:53:00.1234567890Z",
            "2026-12-04T22:53:00ZZ",
            "2026-12-04T24:00:00Z",
            "2026-12-04T22:60:00Z",
            "2026-12-04T22:53:60Z",
            "2026-02-30T00:00:00Z",
            "2026-12-04T22:53:00+0800",
            "2026-12-04T22:53:00+8:00",
            "26-12-04T22:53:00Z",
            "2026-1-04T22:53:00Z",
            "2026-12-04 22:53:00Z",
            "２０２６-12-04T22:53:00Z",
            "2026-12-04T22:53:00Z\n",
        ] {
            assert_eq!(parse_instant(text), None, "{text:?}");
        }
    }

    #[test]
    fn reads_dates_as_chrono_writes_them() {
        let mut day = NaiveDate::from_ymd_opt(1999, 1, 1).unwrap();
        while day.year() < 2040 {
            assert_eq!(parse_date(&day.to_string()), Some(day));
            day = day.succ_opt().unwrap();
        }
        for far in [NaiveDate::from_ymd_opt(12_345, 6, 7).unwrap(), NaiveDate::from_ymd_opt(-44, 3, 15).unwrap()] {
            assert_eq!(parse_date(&far.to_string()), Some(far), "{far}");
        }
        for text in ["", "2026-12", "2026-12-4", "2026-13-01", "2026-02-29", "12345-01-01", "2026-12-05T00:00:00Z", "2026/12/05"]
        {
            assert_eq!(parse_date(text), None, "{text:?}");
        }
    }

    /// The `with` modules keep serde's shape: a missing optional field is `None` (given
    /// `#[serde(default)]`), `null` is `None`, and what is written reads back.
    #[test]
    fn fields_round_trip() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Row {
            #[serde(with = "instant")]
            at: DateTime<Utc>,
            #[serde(default, with = "opt_instant")]
            until: Option<DateTime<Utc>>,
            #[serde(with = "date")]
            day: NaiveDate,
            #[serde(default, with = "opt_date")]
            best_before: Option<NaiveDate>,
            #[serde(with = "dates")]
            days: Vec<NaiveDate>,
        }
        let row = Row {
            at: Utc.with_ymd_and_hms(2026, 12, 4, 22, 53, 0).unwrap(),
            until: Some(Utc.with_ymd_and_hms(2026, 12, 5, 0, 0, 0).unwrap()),
            day: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
            best_before: None,
            days: vec![NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()],
        };
        let json = serde_json::to_string(&row).unwrap();
        assert_eq!(
            json,
            r#"{"at":"2026-12-04T22:53:00Z","until":"2026-12-05T00:00:00Z","day":"2026-12-05","best_before":null,"days":["2026-12-01"]}"#
        );
        assert_eq!(serde_json::from_str::<Row>(&json).unwrap(), row);
        let sparse: Row = serde_json::from_str(r#"{"at":"2026-12-04T22:53:00Z","day":"2026-12-05","days":[]}"#).unwrap();
        assert_eq!((sparse.until, sparse.best_before), (None, None));
        assert!(serde_json::from_str::<Row>(r#"{"at":"tonight","day":"2026-12-05","days":[]}"#).is_err());
    }
}
