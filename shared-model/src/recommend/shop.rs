//! How the shop asks the model: how many picks, which days and orders count, and when a
//! store's profile is built again.
//!
//! Rules:
//! - A resident's history is her orders of the last [`HISTORY_DAYS`] days that were not
//!   cancelled, each on its pickup date; the next basket is the one an order placed now
//!   would be picked up with (`time::pickup_date_for`).
//! - `limit` is 1..=[`MAX_RECOMMENDATIONS`], [`DEFAULT_RECOMMENDATIONS`] when not given;
//!   the cart asks for [`CART_SUGGESTIONS`].
//! - A store's profile is built again once [`REBUILD_AFTER_ORDERS`] orders have come in
//!   since the last build, or when it is older than [`REBUILD_EVERY_HOURS`] and any order
//!   has come in (this week's sellers move), or when there is none yet.

use chrono::{DateTime, NaiveDate, Utc};

/// Days of orders a history holds.
pub const HISTORY_DAYS: i64 = 180;
/// Picks in the 为你推荐 strip unless asked otherwise.
pub const DEFAULT_RECOMMENDATIONS: usize = 10;
/// The most picks one request may ask for.
pub const MAX_RECOMMENDATIONS: usize = 20;
/// Picks in the cart's 凑单推荐.
pub const CART_SUGGESTIONS: usize = 3;
/// New orders that make a store's profile stale.
pub const REBUILD_AFTER_ORDERS: u32 = 20;
/// Age after which a profile is built again if any order came in meanwhile.
pub const REBUILD_EVERY_HOURS: i64 = 24;

/// A bad request for recommendations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecommendError {
    /// `limit` outside 1..=[`MAX_RECOMMENDATIONS`] or not a number.
    #[error("limit must be a whole number from 1 to {MAX_RECOMMENDATIONS}")]
    LimitOutOfRange,
}

impl RecommendError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            RecommendError::LimitOutOfRange => "limit_out_of_range",
        }
    }

    /// A validation error (400: a query parameter, not a body).
    pub fn http_status(&self) -> u16 {
        400
    }

    /// The query parameter at fault.
    pub fn field(&self) -> Option<&'static str> {
        Some("limit")
    }
}

crate::problem::impl_error_code!(RecommendError, field);

/// The `limit` query parameter, as given (`None` when absent).
pub fn parse_limit(limit: Option<&str>) -> Result<usize, RecommendError> {
    match limit {
        None => Ok(DEFAULT_RECOMMENDATIONS),
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_RECOMMENDATIONS).contains(&n) => Ok(n),
            _ => Err(RecommendError::LimitOutOfRange),
        },
    }
}

/// A date as the model's whole day number (days since 1970-01-01).
pub fn day_number(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    i32::try_from((date - epoch).num_days()).unwrap_or(i32::MAX)
}

/// Whether a store's profile should be built again at `now`, given when it was last
/// built (`None`: never) and how many orders came in since.
pub fn rebuild_due(last_built: Option<DateTime<Utc>>, orders_since: u32, now: DateTime<Utc>) -> bool {
    match last_built {
        None => true,
        Some(at) => {
            orders_since >= REBUILD_AFTER_ORDERS || (orders_since > 0 && now - at >= chrono::Duration::hours(REBUILD_EVERY_HOURS))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn limit_defaults_to_ten_and_refuses_what_is_out_of_range() {
        assert_eq!(parse_limit(None), Ok(10));
        assert_eq!(parse_limit(Some("3")), Ok(3));
        assert_eq!(parse_limit(Some("20")), Ok(20));
        for bad in ["0", "21", "-1", "ten", ""] {
            assert_eq!(parse_limit(Some(bad)), Err(RecommendError::LimitOutOfRange), "{bad}");
        }
    }

    #[test]
    fn days_count_from_1970() {
        assert_eq!(day_number(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        assert_eq!(
            day_number(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap())
                - day_number(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()),
            7
        );
    }

    #[test]
    fn a_profile_is_built_first_then_after_enough_orders_or_a_day_with_some() {
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap();
        assert!(rebuild_due(None, 0, now));
        let hour_ago = now - chrono::Duration::hours(1);
        assert!(!rebuild_due(Some(hour_ago), REBUILD_AFTER_ORDERS - 1, now));
        assert!(rebuild_due(Some(hour_ago), REBUILD_AFTER_ORDERS, now));
        let day_ago = now - chrono::Duration::hours(REBUILD_EVERY_HOURS);
        assert!(!rebuild_due(Some(day_ago), 0, now));
        assert!(rebuild_due(Some(day_ago), 1, now));
    }
}
