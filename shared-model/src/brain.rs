//! The owner's daily brain (今日建议, 需求雷达): residents' own words and habits turned into
//! what the owner should do tonight, each suggestion with the numbers behind it.
//!
//! Like every rule here, nothing reads the clock or storage: the worker's scheduled job
//! (and the on-demand refresh) gathers the facts as plain values, "now" included, calls
//! these functions and keeps what they return where the pages read it.
//!
//! One file per concern:
//! - `radar` (需求雷达): residents' wishes, live comments, reviews and empty searches cut
//!   into words, grouped into topics, counted by distinct residents week over week, with
//!   the sentences behind each topic. The cutting is a [`WordCutter`]; the real one,
//!   [`Segmenter`] (jieba with a trimmed dictionary), is behind the `segment` feature,
//!   which only the worker turns on (see `segment` for its size).
//! - `churn` (流失预警): residents past twice their own usual repurchase interval.
//! - `browse`: the browse-and-leave follow-up and its small coupon.
//! - `suggest` (今日建议 and the 直播 SOP): the ranked suggestions with their evidence.
//! - `report`: the brain as the worker keeps it and the owner's pages read it, and when
//!   the cron computes it again.
//!
//! The markdown plan and the price an order pays are [`crate::markdown`]'s; coupon terms
//! and order totals are [`crate::coupon`]'s: residents' pages and order capture use those
//! too, not only the owner's brain.

mod browse;
mod churn;
mod radar;
mod report;
#[cfg(feature = "segment")]
mod segment;
mod suggest;

pub use browse::{
    browse_follow_ups, counted_seconds, follow_up_coupon, BrowseError, BrowseFacts, BrowseFollowUp, Ordered, ProductView,
    BROWSE_WINDOW_HOURS, FOLLOW_UP_AFTER_HOURS, FOLLOW_UP_COUPON_DAYS, FOLLOW_UP_EVERY_DAYS, FOLLOW_UP_STALE_HOURS,
    LONG_VIEW_SECONDS, MAX_FOLLOW_UP_COUPON, MAX_REPORTED_SECONDS, MAX_VIEW_SECONDS, MIN_PRICE_FOR_COUPON, MIN_VIEWS,
};
pub use churn::{
    churn_risk, churning, usual_interval, ChurnRisk, PurchaseRhythm, CHURN_FACTOR, COUPON_COOLDOWN_DAYS, MIN_ABSENCE_DAYS,
    MIN_VISITS,
};
pub use radar::{
    keywords, radar, Evidence, Radar, Topic, Voice, VoiceSource, WordCutter, ATTACH_PERCENT, MAX_EVIDENCE, MAX_RELATED,
    MAX_TOPICS, MIN_RISING_RESIDENTS, MIN_TOPIC_RESIDENTS, RADAR_WEEK_DAYS, SYNONYMS,
};
pub use report::{brain_due, rhythm_of, BrainInputs, StoreBrain, SuggestionCard, BRAIN_HISTORY_DAYS, BRAIN_MAX_AGE_MINUTES};
#[cfg(feature = "segment")]
pub use segment::{Segmenter, DOMAIN_WORDS};
pub use suggest::{
    empty_searches_for, flash_price, live_sop, suggestions, ProductFacts, ProductReview, Ranked, SopItem, StoreDay, Suggestion,
    FLASH_PERCENT, MAX_MARKDOWNS, MAX_QUOTES, MAX_RISING_NOTES, MAX_SUGGESTED_CAP, MAX_SUGGESTIONS, MIN_CHURNING,
    MIN_LIVE_INTEREST, MIN_LIVE_STOCK, QUOTE_CHARS, RETURNING_COUPON, RETURN_PERCENT, RISING_FEN_PER_RESIDENT,
};
