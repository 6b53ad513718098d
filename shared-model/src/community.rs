//! Community (邻里圈): what neighbours ask of their store and tell each other, beyond the
//! shop: wishes for what it does not sell yet, tasting evenings, a one-question survey
//! after them, and buyers' reviews.
//!
//! Policy shared by every file here (each file's own doc lists its rules in the order
//! they apply):
//! - **Who.** Residents write wishes, vote, book tastings, answer the survey and review
//!   what they picked up, only in their own store
//!   ([`Action::ShopAt`](crate::access::Action::ShopAt)). The owner answers wishes,
//!   schedules tastings, checks people in and moderates reviews
//!   ([`Action::ManageStore`](crate::access::Action::ManageStore)). The worker checks
//!   that first and then calls the rules here with the facts as plain values, "now"
//!   included; nothing here reads the clock or storage.
//! - **Text.** Everything typed is trimmed and counted in characters, not bytes. One-line
//!   fields (a wish, a title, a place, a reason) refuse control characters; the two
//!   longer free texts (a review, a survey comment) keep line breaks (`\r\n` is read as
//!   `\n`) and refuse any other control character.
//! - **Numbers on the wire are integers**: money in [`Fen`](crate::Fen), a net promoter
//!   score as a whole number of −100..=100, a star average in tenths. No floats, so the
//!   browser and the owner's report agree exactly.
//! - **Statuses** are stored as their snake_case text (`stored_forms!`), never spelled as
//!   SQL literals; an unknown stored value is an error, never a default.
//!
//! One file per concern: `demand` (心愿单: wishes and their votes), `tasting` (品鉴会: the
//! event, bookings, the waitlist, cancelling and check-in), `nps` (the survey after a
//! tasting), `review` (buyers' reviews, their photos and moderation) and `notice` (what
//! residents are told, with the page it opens). Everything is re-exported here, so
//! callers name `community::X` and never the file.

mod demand;
mod notice;
mod nps;
mod review;
mod tasting;

pub use demand::{
    board_rank, check_open_demands, owner_rank, set_vote, toggle_vote, Demand, DemandChange, DemandError, DemandStatus,
    NewDemand, ValidDemand, VoteChange, MAX_DECLINE_REASON_CHARS, MAX_DEMAND_CHARS, MAX_DEMAND_PRICE, MAX_OPEN_DEMANDS,
    MIN_DEMAND_CHARS,
};
pub use notice::{
    excerpt, my_reviews_path, notices_path, product_path, tasting_path, tasting_reminder_at, tasting_reminder_due, unread_badge,
    CommunityNotice, NoticeKind, MAX_BADGE_COUNT, NOTICE_EXCERPT_CHARS, TASTING_REMINDER_HOUR,
};
pub use nps::{
    check_can_answer, Nps, NpsAnswer, NpsCategory, NpsError, NpsScore, NpsSummary, ValidNpsAnswer, MAX_NPS_COMMENT_CHARS,
    NPS_ANSWER_DAYS, STORE_NPS_WINDOW_DAYS,
};
pub use review::{
    check_photo_upload, check_review_eligibility, inspect_photo, photo_path, shown_order, sort_shown, Moderation, NewReview,
    PhotoFormat, PhotoInfo, PurchaseFacts, RatingSummary, Review, ReviewError, ReviewVisibility, ShownReview, Stars, ValidReview,
    MAX_FEATURED_PER_PRODUCT, MAX_HIDE_REASON_CHARS, MAX_PHOTO_BYTES, MAX_PHOTO_SIDE_PX, MAX_REVIEW_CHARS, MAX_REVIEW_PHOTOS,
    REVIEW_WINDOW_DAYS,
};
pub use tasting::{
    check_in_code, decide_booking, household_key, promote_from_waitlist, suggested_tasting_start, verify_check_in_code,
    waitlist_positions, Booking, BookingDecision, BookingFacts, BookingStatus, Cancellation, NewBooking, NewTasting, Promotion,
    Tasting, TastingError, TastingStatus, ValidTasting, WaitlistEntry, CANCEL_CUTOFF_HOURS, CHECK_IN_CLOSES_HOURS_AFTER,
    CHECK_IN_OPENS_MINUTES_BEFORE, MAX_PLACE_CHARS, MAX_SEATS, MAX_SEATS_PER_HOUSEHOLD, MAX_TASTING_DAYS_AHEAD,
    MAX_TASTING_PRODUCTS, MAX_TASTING_TITLE_CHARS, SUGGESTED_TASTING_HOUR,
};

use crate::text::{free_text, one_line};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{message_with_args_zh, message_zh, ErrorCode, Problem};

    /// Messages that name a limit name the one the rules apply.
    #[test]
    fn messages_say_the_limits() {
        let says = |code: &str, limits: &[i64]| {
            let text = message_zh(code).unwrap();
            for limit in limits {
                assert!(text.contains(&limit.to_string()), "{code}: {text} lacks {limit}");
            }
        };
        says("invalid_demand_text", &[MIN_DEMAND_CHARS as i64, MAX_DEMAND_CHARS as i64]);
        says("invalid_demand_price", &[MAX_DEMAND_PRICE.fen() / 100]);
        says("invalid_decline_reason", &[MAX_DECLINE_REASON_CHARS as i64]);
        says("invalid_tasting_title", &[MAX_TASTING_TITLE_CHARS as i64]);
        says("tasting_too_far_ahead", &[MAX_TASTING_DAYS_AHEAD]);
        says("invalid_tasting_place", &[MAX_PLACE_CHARS as i64]);
        says("invalid_seats", &[MAX_SEATS.into()]);
        says("invalid_seats_per_household", &[MAX_SEATS_PER_HOUSEHOLD.into()]);
        says("too_many_tasting_products", &[MAX_TASTING_PRODUCTS as i64]);
        says("check_in_not_open", &[CHECK_IN_OPENS_MINUTES_BEFORE / 60]);
        says("check_in_closed", &[CHECK_IN_CLOSES_HOURS_AFTER]);
        says("nps_comment_too_long", &[MAX_NPS_COMMENT_CHARS as i64]);
        says("nps_closed", &[NPS_ANSWER_DAYS]);
        assert_eq!(CHECK_IN_OPENS_MINUTES_BEFORE % 60, 0, "the message says whole hours");
    }

    /// One of every error of the four concerns.
    fn every_error() -> Vec<Box<dyn ErrorCode>> {
        let mut all: Vec<Box<dyn ErrorCode>> = Vec::new();
        all.extend(demand::tests::every_error().into_iter().map(|e| Box::new(e) as Box<dyn ErrorCode>));
        all.extend(tasting::tests::every_error().into_iter().map(|e| Box::new(e) as Box<dyn ErrorCode>));
        all.extend(nps::tests::every_error().into_iter().map(|e| Box::new(e) as Box<dyn ErrorCode>));
        all.extend(review::tests::every_error().into_iter().map(|e| Box::new(e) as Box<dyn ErrorCode>));
        all
    }

    /// Every code has a Chinese message (and one with its numbers when it carries any), a
    /// status of the documented classes, a field exactly when it is a validation error,
    /// and no conflict with another concern's meaning of the same code.
    #[test]
    fn every_code_has_a_message_a_sane_status_and_its_field() {
        let mut seen = std::collections::BTreeMap::new();
        for e in every_error() {
            let code = e.code();
            assert!(message_zh(code).is_some(), "no message for {code}");
            assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
            match e.http_status() {
                403 => assert_eq!(e.field(), None, "{code}"),
                413 => assert!(e.field().is_some(), "{code}: too large names its field"),
                404 => assert!(code.ends_with("_not_found") && e.field().is_none(), "{code}"),
                409 => assert_eq!(e.field(), None, "{code}: a conflict has no field at fault"),
                422 => assert!(e.field().is_some(), "{code}: validation names its field"),
                other => panic!("{code}: unexpected status {other}"),
            }
            let problem = Problem::from_error(e.as_ref());
            if !e.args().is_empty() {
                assert!(message_with_args_zh(code, &problem.args).is_some(), "{code}: the numbers are said");
                for (_, n) in e.args() {
                    assert!(problem.title.contains(&n.to_string()), "{code}: {} lacks {n}", problem.title);
                }
            }
            // A code shared by two concerns means the same thing in both.
            if let Some(status) = seen.insert(code, e.http_status()) {
                assert_eq!(status, e.http_status(), "{code}");
            }
        }
        assert!(seen.len() >= 50, "{} codes", seen.len());
    }
}
