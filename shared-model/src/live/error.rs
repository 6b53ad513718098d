//! [`LiveError`]: every way a live-room rule refuses, with its stable code, HTTP status
//! and the request field at fault.
//!
//! Stock refusals keep the shop's own codes ([`ReserveError`]), so residents read the
//! same messages in a live as in the shop.

use super::{
    messages::MAX_COMMENT_CHARS,
    offer::{MAX_ALLOTTED, MAX_GIFT_CHARS, MAX_OFFER_WINDOW_HOURS},
    session::{MAX_TITLE_CHARS, START_GRACE_MINUTES},
};
use crate::{cart::MAX_LINE_QUANTITY, stock::ReserveError};
use thiserror::Error;

/// Errors about live rooms. A room answers them as problems (`code`, `status`), never as
/// this type's own JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LiveError {
    /// Title not 1..=40 characters after trimming, or has control characters.
    #[error("the title must be 1 to {MAX_TITLE_CHARS} characters")]
    InvalidLiveTitle,
    /// Start more than 5 minutes in the past.
    #[error("a live cannot start more than {START_GRACE_MINUTES} minutes in the past")]
    LiveStartsInPast,
    /// Stream URL neither `http(s)://` nor a site path.
    #[error("the stream URL must be http(s) or a path starting with /")]
    InvalidStreamUrl,
    /// Cover URL neither `http(s)://` nor a site path.
    #[error("the cover URL must be http(s) or a path starting with /")]
    InvalidCoverUrl,
    /// Flash price not above 0 and at most the regular price.
    #[error("the flash price must be above 0 and at most the regular price")]
    InvalidFlashPrice,
    /// Returning price not above 0 and below the flash price.
    #[error("the returning-customer price must be above 0 and below the flash price")]
    InvalidReturningPrice,
    /// Allotment outside 1..=9999.
    #[error("the allotment must be between 1 and {MAX_ALLOTTED}")]
    InvalidAllotted,
    /// Per-buyer cap outside 1..=99.
    #[error("a per-buyer cap must be between 1 and {MAX_LINE_QUANTITY}")]
    InvalidCap,
    /// `closes_at` not after `opens_at`.
    #[error("an offer must close after it opens")]
    InvalidOfferWindow,
    /// Window longer than 4 hours.
    #[error("an offer may run at most {MAX_OFFER_WINDOW_HOURS} hours")]
    OfferWindowTooLong,
    /// `closes_at` already passed.
    #[error("the offer's closing time has already passed")]
    OfferWindowPassed,
    /// Gift line longer than 30 characters, or has control characters.
    #[error("the gift line must be at most {MAX_GIFT_CHARS} characters")]
    GiftTooLong,
    /// Buy quantity outside 1..=99.
    #[error("the quantity must be between 1 and {MAX_LINE_QUANTITY}")]
    QuantityOutOfRange,
    /// Comment not 1..=100 characters after trimming, or has control characters.
    #[error("a comment must be 1 to {MAX_COMMENT_CHARS} characters")]
    InvalidComment,
    /// A viewer frame that is not a known message.
    #[error("malformed message")]
    MalformedMessage,
    /// No such live.
    #[error("no such live")]
    LiveNotFound,
    /// No such offer in this live.
    #[error("no such offer")]
    OfferNotFound,
    /// The product is not the store's (or not the one named).
    #[error("no such product in this store")]
    ProductNotFound,
    /// Starting a live that is already on air.
    #[error("the live has already started")]
    LiveAlreadyStarted,
    /// Ending, or pinning in, a live not yet on air.
    #[error("the live has not started")]
    LiveNotStarted,
    /// Anything but reading in a live that is over.
    #[error("the live has ended")]
    LiveEnded,
    /// Buying before `opens_at`.
    #[error("the offer is not open yet")]
    OfferNotOpen,
    /// Buying after `closes_at` or after it was unpinned.
    #[error("the offer is closed")]
    OfferClosed,
    /// Refused by the stock rules the shop uses too (per-buyer cap, sold out, short
    /// stock), with the same codes, so residents read the same messages.
    #[error(transparent)]
    Stock(ReserveError),
}

impl From<ReserveError> for LiveError {
    fn from(e: ReserveError) -> Self {
        match e {
            ReserveError::InvalidQuantity => LiveError::QuantityOutOfRange,
            stock => LiveError::Stock(stock),
        }
    }
}

impl LiveError {
    /// Stable machine code for the problem body (the same as the serde tag).
    pub fn code(&self) -> &'static str {
        match self {
            LiveError::InvalidLiveTitle => "invalid_live_title",
            LiveError::LiveStartsInPast => "live_starts_in_past",
            LiveError::InvalidStreamUrl => "invalid_stream_url",
            LiveError::InvalidCoverUrl => "invalid_cover_url",
            LiveError::InvalidFlashPrice => "invalid_flash_price",
            LiveError::InvalidReturningPrice => "invalid_returning_price",
            LiveError::InvalidAllotted => "invalid_allotted",
            LiveError::InvalidCap => "invalid_cap",
            LiveError::InvalidOfferWindow => "invalid_offer_window",
            LiveError::OfferWindowTooLong => "offer_window_too_long",
            LiveError::OfferWindowPassed => "offer_window_passed",
            LiveError::GiftTooLong => "gift_too_long",
            LiveError::QuantityOutOfRange => "quantity_out_of_range",
            LiveError::InvalidComment => "invalid_comment",
            LiveError::MalformedMessage => "malformed_message",
            LiveError::LiveNotFound => "live_not_found",
            LiveError::OfferNotFound => "offer_not_found",
            LiveError::ProductNotFound => "product_not_found",
            LiveError::LiveAlreadyStarted => "live_already_started",
            LiveError::LiveNotStarted => "live_not_started",
            LiveError::LiveEnded => "live_ended",
            LiveError::OfferNotOpen => "offer_not_open",
            LiveError::OfferClosed => "offer_closed",
            LiveError::Stock(e) => e.code(),
        }
    }

    /// 400 for an unreadable frame, 403 for a non-owner, 404 for unknown things, 409 for
    /// conflicts with the room's state or stock, 422 for field validation.
    pub fn http_status(&self) -> u16 {
        match self {
            LiveError::MalformedMessage => 400,
            LiveError::LiveNotFound | LiveError::OfferNotFound | LiveError::ProductNotFound => 404,
            LiveError::LiveAlreadyStarted
            | LiveError::LiveNotStarted
            | LiveError::LiveEnded
            | LiveError::OfferNotOpen
            | LiveError::OfferClosed => 409,
            LiveError::Stock(e) => e.http_status(),
            LiveError::InvalidLiveTitle
            | LiveError::LiveStartsInPast
            | LiveError::InvalidStreamUrl
            | LiveError::InvalidCoverUrl
            | LiveError::InvalidFlashPrice
            | LiveError::InvalidReturningPrice
            | LiveError::InvalidAllotted
            | LiveError::InvalidCap
            | LiveError::InvalidOfferWindow
            | LiveError::OfferWindowTooLong
            | LiveError::OfferWindowPassed
            | LiveError::GiftTooLong
            | LiveError::QuantityOutOfRange
            | LiveError::InvalidComment => 422,
        }
    }

    /// The numbers the message shows (those of a stock refusal).
    pub fn args(&self) -> Vec<(&'static str, i64)> {
        match self {
            LiveError::Stock(e) => e.args(),
            _ => Vec::new(),
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            LiveError::InvalidLiveTitle => Some("title"),
            LiveError::LiveStartsInPast => Some("starts_at"),
            LiveError::InvalidStreamUrl => Some("stream_url"),
            LiveError::InvalidCoverUrl => Some("cover_url"),
            LiveError::InvalidFlashPrice => Some("flash_price"),
            LiveError::InvalidReturningPrice => Some("returning_price"),
            LiveError::InvalidAllotted => Some("allotted"),
            LiveError::InvalidCap => Some("per_buyer_cap"),
            LiveError::InvalidOfferWindow | LiveError::OfferWindowTooLong | LiveError::OfferWindowPassed => Some("closes_at"),
            LiveError::GiftTooLong => Some("gift"),
            LiveError::QuantityOutOfRange => Some("quantity"),
            LiveError::InvalidComment => Some("text"),
            LiveError::ProductNotFound => Some("product_id"),
            _ => None,
        }
    }
}

crate::problem::impl_error_code!(LiveError, field, args);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{message_zh, ErrorCode, Problem};

    #[test]
    fn reserve_errors_map_to_live_errors() {
        assert_eq!(LiveError::from(ReserveError::InvalidQuantity), LiveError::QuantityOutOfRange);
        assert_eq!(LiveError::from(ReserveError::SoldOut), LiveError::Stock(ReserveError::SoldOut));
        assert_eq!(
            LiveError::from(ReserveError::CapExceeded { cap: 2, already: 1 }),
            LiveError::Stock(ReserveError::CapExceeded { cap: 2, already: 1 })
        );
        assert_eq!(
            LiveError::from(ReserveError::InsufficientStock { available: 4 }),
            LiveError::Stock(ReserveError::InsufficientStock { available: 4 })
        );
        // Same codes as the shop's stock errors, so clients show the same messages.
        for e in [
            ReserveError::SoldOut,
            ReserveError::CapExceeded { cap: 1, already: 1 },
            ReserveError::InsufficientStock { available: 1 },
        ] {
            assert_eq!(LiveError::from(e).code(), e.code());
        }
    }

    fn every_error() -> Vec<LiveError> {
        vec![
            LiveError::InvalidLiveTitle,
            LiveError::LiveStartsInPast,
            LiveError::InvalidStreamUrl,
            LiveError::InvalidCoverUrl,
            LiveError::InvalidFlashPrice,
            LiveError::InvalidReturningPrice,
            LiveError::InvalidAllotted,
            LiveError::InvalidCap,
            LiveError::InvalidOfferWindow,
            LiveError::OfferWindowTooLong,
            LiveError::OfferWindowPassed,
            LiveError::GiftTooLong,
            LiveError::QuantityOutOfRange,
            LiveError::InvalidComment,
            LiveError::MalformedMessage,
            LiveError::LiveNotFound,
            LiveError::OfferNotFound,
            LiveError::ProductNotFound,
            LiveError::LiveAlreadyStarted,
            LiveError::LiveNotStarted,
            LiveError::LiveEnded,
            LiveError::OfferNotOpen,
            LiveError::OfferClosed,
            LiveError::Stock(ReserveError::CapExceeded { cap: 2, already: 1 }),
            LiveError::Stock(ReserveError::SoldOut),
            LiveError::Stock(ReserveError::InsufficientStock { available: 1 }),
        ]
    }

    #[test]
    fn every_code_has_a_message_and_a_sane_status() {
        for e in every_error() {
            let code = e.code();
            assert!(message_zh(code).is_some(), "no message for {code}");
            assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
            let status = e.http_status();
            match status {
                400 => assert_eq!(e, LiveError::MalformedMessage),
                404 => assert!(code.ends_with("_not_found"), "{code}"),
                409 => assert_eq!(e.field(), None, "{code}: a conflict has no field at fault"),
                422 => assert!(e.field().is_some(), "{code}: validation names its field"),
                other => panic!("{code}: unexpected status {other}"),
            }
        }
        let conflicts = ["sold_out", "insufficient_stock", "cap_exceeded", "offer_not_open", "offer_closed", "live_ended"];
        for e in every_error() {
            if conflicts.contains(&e.code()) {
                assert_eq!(e.http_status(), 409, "{}", e.code());
            }
        }
    }

    #[test]
    fn problem_from_live_error() {
        let p = Problem::from_error(&LiveError::InvalidFlashPrice);
        assert_eq!((p.status, p.code.as_str(), p.title.as_str()), (422, "invalid_flash_price", "秒杀价需大于0且不高于原价"));
        assert_eq!(p.errors[0].field, "flash_price");
        let p = Problem::from_error(&LiveError::OfferClosed);
        assert_eq!((p.status, p.title.as_str()), (409, "本轮秒杀已结束"));
        assert!(p.errors.is_empty());
        let dynamic: &dyn ErrorCode = &LiveError::LiveNotFound;
        assert_eq!((dynamic.code(), dynamic.http_status()), ("live_not_found", 404));
    }
}
