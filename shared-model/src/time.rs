//! Store time and the nightly ordering cut-off.
//!
//! Policy:
//! - Every store keeps Beijing time, Asia/Shanghai, which is a fixed UTC+08:00 with no
//!   daylight saving, so a [`FixedOffset`] is exact and needs no tz database in the
//!   browser bundle.
//! - Instants travel as `DateTime<Utc>`; local dates and clock times are derived here and
//!   only here.
//! - Residents order for next-day pickup. Orders placed before 22:00 local are picked up
//!   tomorrow; from 22:00 on, the supplier run has closed and pickup is the day after
//!   tomorrow.
//! - An order can be cancelled until 22:00 local on the eve of its pickup date, the same
//!   cut-off that closes the supplier run, so a new order is always cancellable for a
//!   while.
//! - Nothing here reads the clock: "now" is read at the edge and passed in.
//! - Showing dates and times to people is [`crate::locale`]'s, in their language.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

pub mod wire;

/// Offset of the store time zone from UTC, in seconds (UTC+08:00).
pub const STORE_UTC_OFFSET_SECS: i32 = 8 * 3600;

/// Local time at which ordering for tomorrow closes (and cancelling for tomorrow ends).
pub const ORDER_CUTOFF_LOCAL: NaiveTime = match NaiveTime::from_hms_opt(22, 0, 0) {
    Some(t) => t,
    None => panic!("22:00 is a valid time"),
};

/// The stores' time zone: Asia/Shanghai, a fixed UTC+08:00 (no DST).
pub fn store_tz() -> FixedOffset {
    match FixedOffset::east_opt(STORE_UTC_OFFSET_SECS) {
        Some(tz) => tz,
        None => unreachable!("+08:00 is a valid offset"),
    }
}

/// The store-local wall-clock date and time of an instant. Saturates at the end of
/// chrono's range (where chrono's own conversion would panic).
pub fn local_naive(dt: DateTime<Utc>) -> NaiveDateTime {
    dt.naive_utc().checked_add_offset(store_tz()).unwrap_or(NaiveDateTime::MAX)
}

/// The store-local calendar date of an instant.
pub fn local_date(dt: DateTime<Utc>) -> NaiveDate {
    local_naive(dt).date()
}

/// `hour`:00 store time on the store-local day `days` after `now`'s (negative: before);
/// `None` past the ends of chrono's calendar.
pub fn local_day_at(now: DateTime<Utc>, days: i64, hour: u32) -> Option<DateTime<Utc>> {
    let day = local_date(now).checked_add_signed(chrono::Duration::days(days))?;
    let local = day.and_hms_opt(hour, 0, 0)?;
    store_tz().from_local_datetime(&local).single().map(|at| at.with_timezone(&Utc))
}

/// The pickup date of an order placed at `now`: tomorrow (local) before 22:00, the day
/// after tomorrow from 22:00 on. Saturates at the end of chrono's calendar.
pub fn pickup_date_for(now: DateTime<Utc>) -> NaiveDate {
    let local = local_naive(now);
    let days_ahead = if local.time() < ORDER_CUTOFF_LOCAL { 1 } else { 2 };
    local.date().checked_add_days(Days::new(days_ahead)).unwrap_or(NaiveDate::MAX)
}

/// The last instant (exclusive) an order for `pickup_date` can be cancelled: 22:00 local
/// on the eve of pickup.
pub fn cancel_deadline(pickup_date: NaiveDate) -> DateTime<Utc> {
    let eve = pickup_date.pred_opt().unwrap_or(NaiveDate::MIN);
    store_tz()
        .from_local_datetime(&eve.and_time(ORDER_CUTOFF_LOCAL))
        .single()
        .map(|dt| dt.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Whether an order for `pickup_date` may still be cancelled at `now`.
pub fn can_cancel(now: DateTime<Utc>, pickup_date: NaiveDate) -> bool {
    now < cancel_deadline(pickup_date)
}

/// Parses an `<input type="datetime-local">` value (`2026-11-25T20:00`, seconds optional)
/// as store time (Asia/Shanghai) into an instant; `None` when blank or malformed.
pub fn parse_local_input(value: &str) -> Option<DateTime<Utc>> {
    let (date, rest) = wire::split_date(value.trim())?;
    let (hour, minute, second, "") = wire::split_clock(rest.strip_prefix('T')?)? else { return None };
    let naive = date.and_hms_opt(hour, minute, second.unwrap_or(0))?;
    store_tz().from_local_datetime(&naive).single().map(|at| at.with_timezone(&Utc))
}

/// An instant as a `datetime-local` value in store time, to the minute.
pub fn format_local_input(at: DateTime<Utc>) -> String {
    local_naive(at).format("%Y-%m-%dT%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_local_day_at_an_hour_is_store_time_and_none_past_the_calendar() {
        // 23:30 on 1 December in Shanghai: the day after at 19:00 is 11:00 UTC on the 2nd.
        assert_eq!(local_day_at(utc("2026-12-01T15:30:00Z"), 1, 19), Some(utc("2026-12-02T11:00:00Z")));
        assert_eq!(local_day_at(utc("2026-12-01T15:30:00Z"), -1, 18), Some(utc("2026-11-30T10:00:00Z")));
        assert_eq!(local_day_at(DateTime::<Utc>::MAX_UTC, 1, 19), None);
    }

    #[test]
    fn reads_datetime_local_as_store_time() {
        assert_eq!(parse_local_input("2026-11-25T20:00"), Some(utc("2026-11-25T12:00:00Z")));
        assert_eq!(parse_local_input("2026-11-26T07:30:15"), Some(utc("2026-11-25T23:30:15Z")));
        assert_eq!(parse_local_input(" 2026-11-25T00:05 "), Some(utc("2026-11-24T16:05:00Z")));
        assert_eq!(parse_local_input(""), None);
        assert_eq!(parse_local_input("2026-11-25"), None);
        assert_eq!(parse_local_input("2026-02-30T20:00"), None);
        assert_eq!(parse_local_input("tonight"), None);
    }

    #[test]
    fn formats_back_to_the_same_value() {
        assert_eq!(format_local_input(utc("2026-11-25T12:00:00Z")), "2026-11-25T20:00");
        assert_eq!(format_local_input(utc("2026-11-25T16:30:59Z")), "2026-11-26T00:30");
        let at = parse_local_input("2026-11-25T20:00").unwrap();
        assert_eq!(format_local_input(at), "2026-11-25T20:00");
    }

    #[test]
    fn store_time_is_utc_plus_eight() {
        assert_eq!(store_tz().local_minus_utc(), 8 * 3600);
        assert_eq!(local_date(utc("2026-11-25T16:00:00Z")), date(2026, 11, 26));
        assert_eq!(local_date(utc("2026-11-25T15:59:59Z")), date(2026, 11, 25));
    }

    #[test]
    fn cutoff_boundary_at_22_local() {
        // 21:59:59 local on the 25th -> tomorrow.
        assert_eq!(pickup_date_for(utc("2026-11-25T21:59:59+08:00")), date(2026, 11, 26));
        assert_eq!(pickup_date_for(utc("2026-11-25T13:59:59Z")), date(2026, 11, 26));
        // 22:00:00 local exactly -> the day after tomorrow.
        assert_eq!(pickup_date_for(utc("2026-11-25T14:00:00Z")), date(2026, 11, 27));
        assert_eq!(pickup_date_for(utc("2026-11-25T23:59:59+08:00")), date(2026, 11, 27));
    }

    #[test]
    fn local_date_not_utc_date_decides() {
        // 00:30 local on the 26th is still the 25th in UTC.
        assert_eq!(pickup_date_for(utc("2026-11-25T16:30:00Z")), date(2026, 11, 27));
        // 07:59 local on the 26th: UTC says 25th 23:59.
        assert_eq!(pickup_date_for(utc("2026-11-25T23:59:00Z")), date(2026, 11, 27));
        // Early UTC morning is already local afternoon.
        assert_eq!(pickup_date_for(utc("2026-11-25T00:00:00Z")), date(2026, 11, 26));
    }

    #[test]
    fn cutoff_crosses_month_and_year() {
        assert_eq!(pickup_date_for(utc("2026-12-31T13:59:59Z")), date(2027, 1, 1));
        assert_eq!(pickup_date_for(utc("2026-12-31T14:00:00Z")), date(2027, 1, 2));
        assert_eq!(pickup_date_for(utc("2028-02-28T12:00:00Z")), date(2028, 2, 29));
    }

    #[test]
    fn cancel_deadline_is_22_local_on_the_eve() {
        assert_eq!(cancel_deadline(date(2026, 11, 26)), utc("2026-11-25T14:00:00Z"));
        assert_eq!(cancel_deadline(date(2027, 1, 1)), utc("2026-12-31T22:00:00+08:00"));
        assert!(can_cancel(utc("2026-11-25T13:59:59Z"), date(2026, 11, 26)));
        assert!(!can_cancel(utc("2026-11-25T14:00:00Z"), date(2026, 11, 26)));
        assert!(!can_cancel(utc("2026-11-26T09:00:00Z"), date(2026, 11, 26)));
    }

    #[test]
    fn a_new_order_is_always_cancellable_until_the_cutoff() {
        for now in [
            "2026-11-25T00:00:00Z",
            "2026-11-25T13:59:59Z",
            "2026-11-25T14:00:00Z",
            "2026-11-25T15:59:59Z",
            "2026-11-25T16:00:00Z",
        ] {
            let now = utc(now);
            let pickup = pickup_date_for(now);
            assert!(can_cancel(now, pickup), "{now}");
            assert!(cancel_deadline(pickup) - now <= chrono::Duration::hours(24), "{now}");
        }
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        assert_eq!(pickup_date_for(DateTime::<Utc>::MAX_UTC), NaiveDate::MAX);
        let _ = cancel_deadline(NaiveDate::MIN);
        let _ = cancel_deadline(NaiveDate::MAX);
    }
}
