//! The owner's pickup counter: a day's orders a page at a time, finding the one a
//! resident comes for by what she shows or says, and how many wrong pickup codes a
//! hand-over allows.
//!
//! Policy:
//! - The day's list is oldest first and pages by (time placed, order id),
//!   [`PICKUP_PAGE_SIZE`] orders at a time, so a busy evening of any size can be walked
//!   to the end. The cursor is opaque to clients; one that does not parse is refused,
//!   never read as "the first page".
//! - Each order of a store's pickup day has a 跟团号 (group number): its place among that
//!   day's orders by time placed, 1, 2, 3… Cancelled orders keep theirs, so numbers never
//!   shift once given.
//! - A search ([`PickupQuery::parse`]) is read by its shape: 6 digits are a pickup code;
//!   11 digits a phone number; `#23` or 1–3 digits a 跟团号; 4 digits a 跟团号 or the last
//!   four digits of a phone; anything else part of a nickname.
//! - A hand-over allows [`MAX_PICKUP_CODE_ATTEMPTS`] wrong codes for an order; after that
//!   its code is locked for [`PICKUP_CODE_LOCK_MINUTES`] minutes from the last wrong one,
//!   and then the count starts again. Each wrong code says how many tries are left, so
//!   the owner can ask the resident to show her order page instead of guessing.

use crate::{ids::OrderId, problem::impl_error_code};
use chrono::{DateTime, Duration, Utc};
use thiserror::Error;

/// Orders on one page of the pickup list.
pub const PICKUP_PAGE_SIZE: u32 = 50;
/// Longest search, in characters.
pub const MAX_PICKUP_QUERY_CHARS: usize = 20;
/// Wrong pickup codes an order takes before its code is locked.
pub const MAX_PICKUP_CODE_ATTEMPTS: u32 = 5;
/// How long a locked code stays locked after the last wrong try.
pub const PICKUP_CODE_LOCK_MINUTES: i64 = 10;

/// What the owner typed in the counter's search box, read by its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickupQuery {
    /// Six digits: the pickup code the resident shows.
    Code(String),
    /// A 跟团号 (`#23`, or 1–3 digits).
    GroupNumber(u32),
    /// Four digits: a 跟团号, or the last four digits of a phone.
    GroupNumberOrPhoneTail(u32, String),
    /// Eleven digits: a whole phone number.
    Phone(String),
    /// Part of a nickname.
    Name(String),
}

impl PickupQuery {
    /// Reads a search; `None` for an empty one (the whole list).
    pub fn parse(raw: &str) -> Result<Option<Self>, PickupError> {
        let text = raw.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > MAX_PICKUP_QUERY_CHARS || text.chars().any(char::is_control) {
            return Err(PickupError::InvalidQuery);
        }
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if let Some(number) = text.strip_prefix('#').or_else(|| text.strip_prefix('＃')) {
            return match number.trim().parse::<u32>() {
                Ok(n) if digits(number.trim()) && n > 0 => Ok(Some(PickupQuery::GroupNumber(n))),
                _ => Err(PickupError::InvalidQuery),
            };
        }
        if !digits(text) {
            return Ok(Some(PickupQuery::Name(text.to_owned())));
        }
        Ok(Some(match text.len() {
            1..=3 => PickupQuery::GroupNumber(text.parse().map_err(|_| PickupError::InvalidQuery)?),
            4 => PickupQuery::GroupNumberOrPhoneTail(text.parse().map_err(|_| PickupError::InvalidQuery)?, text.to_owned()),
            6 => PickupQuery::Code(text.to_owned()),
            11 => PickupQuery::Phone(text.to_owned()),
            _ => PickupQuery::Name(text.to_owned()),
        }))
    }
}

/// Where the next page of a pickup list starts: after this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickupCursor {
    /// When the last order of the page was placed.
    pub placed_at: DateTime<Utc>,
    /// Its id (orders placed in the same instant are ordered by id).
    pub order_id: OrderId,
}

impl PickupCursor {
    /// The opaque form clients send back (`2026-12-01T12:00:00.123Z~o-…`).
    pub fn encode(&self) -> String {
        format!("{}~{}", self.placed_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true), self.order_id)
    }

    /// Reads a cursor this module encoded.
    pub fn parse(raw: &str) -> Result<Self, PickupError> {
        let (at, id) = raw.split_once('~').ok_or(PickupError::InvalidCursor)?;
        let placed_at = DateTime::parse_from_rfc3339(at).map_err(|_| PickupError::InvalidCursor)?.with_timezone(&Utc);
        let order_id = OrderId::parse(id).map_err(|_| PickupError::InvalidCursor)?;
        Ok(PickupCursor { placed_at, order_id })
    }
}

/// An order's wrong pickup codes so far, as stored with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CodeAttempts {
    /// Wrong codes in a row (counted afresh once a lock has passed).
    pub failures: u32,
    /// When the last wrong code was tried.
    pub last_failed_at: Option<DateTime<Utc>>,
}

impl CodeAttempts {
    /// Wrong codes that still count at `now`: none once the lock time since the last one
    /// has passed.
    fn counting(&self, now: DateTime<Utc>) -> u32 {
        match self.last_failed_at {
            Some(at) if now - at < Duration::minutes(PICKUP_CODE_LOCK_MINUTES) => self.failures,
            _ => 0,
        }
    }

    /// `Ok` if a code may be tried at `now`, else `CodeLocked` with the minutes left.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), PickupError> {
        if self.counting(now) < MAX_PICKUP_CODE_ATTEMPTS {
            return Ok(());
        }
        let unlocks = self.last_failed_at.unwrap_or(now) + Duration::minutes(PICKUP_CODE_LOCK_MINUTES);
        let minutes = (unlocks - now).num_seconds().div_euclid(60) + 1;
        Err(PickupError::CodeLocked { minutes: minutes.clamp(1, PICKUP_CODE_LOCK_MINUTES) as u32 })
    }

    /// After a wrong code at `now`: what to store, and the refusal to answer (how many
    /// tries are left, or locked when none are).
    pub fn after_wrong_code(&self, now: DateTime<Utc>) -> (CodeAttempts, PickupError) {
        let failures = self.counting(now).saturating_add(1);
        let next = CodeAttempts { failures, last_failed_at: Some(now) };
        let refusal = match MAX_PICKUP_CODE_ATTEMPTS.saturating_sub(failures) {
            0 => PickupError::CodeLocked { minutes: PICKUP_CODE_LOCK_MINUTES as u32 },
            left => PickupError::WrongCode { attempts_left: left },
        };
        (next, refusal)
    }
}

/// Why the counter refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PickupError {
    /// The code does not match the order.
    #[error("the pickup code does not match this order ({attempts_left} tries left)")]
    WrongCode { attempts_left: u32 },
    /// Too many wrong codes.
    #[error("too many wrong pickup codes; try again in {minutes} minutes")]
    CodeLocked { minutes: u32 },
    /// A search that is too long or has control characters.
    #[error("the search must be 1 to {MAX_PICKUP_QUERY_CHARS} characters")]
    InvalidQuery,
    /// A cursor this server did not make.
    #[error("the page cursor is not valid; start from the first page")]
    InvalidCursor,
}

impl PickupError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            PickupError::WrongCode { .. } => "invalid_pickup_code",
            PickupError::CodeLocked { .. } => "pickup_code_locked",
            PickupError::InvalidQuery => "invalid_pickup_query",
            PickupError::InvalidCursor => "invalid_cursor",
        }
    }

    /// 422 for a wrong code or search, 429 while locked, 400 for a forged cursor.
    pub fn http_status(&self) -> u16 {
        match self {
            PickupError::WrongCode { .. } | PickupError::InvalidQuery => 422,
            PickupError::CodeLocked { .. } => 429,
            PickupError::InvalidCursor => 400,
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            PickupError::WrongCode { .. } | PickupError::CodeLocked { .. } => Some("pickup_code"),
            PickupError::InvalidQuery => Some("q"),
            PickupError::InvalidCursor => Some("cursor"),
        }
    }

    /// The numbers the message shows.
    pub fn args(&self) -> Vec<(&'static str, i64)> {
        match *self {
            PickupError::WrongCode { attempts_left } => vec![("attempts_left", attempts_left.into())],
            PickupError::CodeLocked { minutes } => vec![("minutes", minutes.into())],
            _ => Vec::new(),
        }
    }
}
impl_error_code!(PickupError, field, args);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{message_zh, Problem};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn searches_are_read_by_their_shape() {
        use PickupQuery::*;
        assert_eq!(PickupQuery::parse("  "), Ok(None));
        assert_eq!(PickupQuery::parse("012345"), Ok(Some(Code("012345".into()))));
        assert_eq!(PickupQuery::parse("#23"), Ok(Some(GroupNumber(23))));
        assert_eq!(PickupQuery::parse("＃ 7"), Ok(Some(GroupNumber(7))));
        assert_eq!(PickupQuery::parse("501"), Ok(Some(GroupNumber(501))));
        assert_eq!(PickupQuery::parse("0023"), Ok(Some(GroupNumberOrPhoneTail(23, "0023".into()))));
        assert_eq!(PickupQuery::parse("13800138000"), Ok(Some(Phone("13800138000".into()))));
        assert_eq!(PickupQuery::parse(" 王小明 "), Ok(Some(Name("王小明".into()))));
        assert_eq!(PickupQuery::parse("12345"), Ok(Some(Name("12345".into()))), "no shape: matched against names");
        assert_eq!(PickupQuery::parse("#0"), Err(PickupError::InvalidQuery));
        assert_eq!(PickupQuery::parse("#abc"), Err(PickupError::InvalidQuery));
        assert_eq!(PickupQuery::parse(&"王".repeat(21)), Err(PickupError::InvalidQuery));
        assert_eq!(PickupQuery::parse("a\u{7}b"), Err(PickupError::InvalidQuery));
    }

    #[test]
    fn cursors_round_trip_and_forged_ones_are_refused() {
        let cursor = PickupCursor { placed_at: utc("2026-12-01T12:00:00.123Z"), order_id: OrderId::parse("o-1a").unwrap() };
        assert_eq!(PickupCursor::parse(&cursor.encode()), Ok(cursor.clone()));
        assert_eq!(cursor.encode(), "2026-12-01T12:00:00.123Z~o-1a");
        for forged in ["", "o-1", "yesterday~o-1", "2026-12-01T12:00:00Z~", "2026-12-01T12:00:00Z~bad id"] {
            assert_eq!(PickupCursor::parse(forged), Err(PickupError::InvalidCursor), "{forged:?}");
        }
    }

    #[test]
    fn wrong_codes_count_down_then_lock_then_start_again() {
        let t0 = utc("2026-12-01T10:00:00Z");
        let mut attempts = CodeAttempts::default();
        for left in (1..MAX_PICKUP_CODE_ATTEMPTS).rev() {
            assert_eq!(attempts.check(t0), Ok(()));
            let (next, refusal) = attempts.after_wrong_code(t0);
            assert_eq!(refusal, PickupError::WrongCode { attempts_left: left });
            attempts = next;
        }
        let (locked, refusal) = attempts.after_wrong_code(t0);
        assert_eq!(refusal, PickupError::CodeLocked { minutes: PICKUP_CODE_LOCK_MINUTES as u32 });
        assert_eq!(locked.check(t0 + Duration::seconds(30)), Err(PickupError::CodeLocked { minutes: 10 }));
        assert_eq!(locked.check(t0 + Duration::seconds(9 * 60 + 1)), Err(PickupError::CodeLocked { minutes: 1 }));
        let later = t0 + Duration::minutes(PICKUP_CODE_LOCK_MINUTES);
        assert_eq!(locked.check(later), Ok(()), "the lock passes");
        assert_eq!(locked.after_wrong_code(later).1, PickupError::WrongCode { attempts_left: 4 }, "and the count starts again");
    }

    #[test]
    fn refusals_say_how_many_tries_are_left() {
        let p = Problem::from_error(&PickupError::WrongCode { attempts_left: 3 });
        assert_eq!(
            (p.status, p.code.as_str(), p.title.as_str()),
            (422, "invalid_pickup_code", "取货码与订单不符，还可以再试3次")
        );
        let p = Problem::from_error(&PickupError::CodeLocked { minutes: 10 });
        assert_eq!((p.status, p.title.as_str()), (429, "取货码错误次数过多，请10分钟后再试"));
        for e in [PickupError::InvalidQuery, PickupError::InvalidCursor] {
            assert!(message_zh(e.code()).is_some(), "{}", e.code());
        }
    }
}
