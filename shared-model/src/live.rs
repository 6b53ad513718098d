//! Live rooms (直播): a store owner's evening stream with pinned flash offers, a live
//! 接龙 list of accepted orders, and an event log viewers resume from.
//!
//! Policy:
//! - One Durable Object per live room holds its state and applies these rules with no
//!   `.await` between reading and writing, so buyers are serialised and an offer's
//!   allotment is never oversold. Nothing here reads the clock: "now" is passed in.
//! - A live goes scheduled → live → ended, nothing else. Only the store's owner schedules,
//!   starts, ends it and pins offers ([`crate::access::Action::RunLive`]), and only while it is live
//!   ([`Offer::pin`]). Ending a live unpins its offers, so a buy never needs to look at
//!   the session: the offer's own state decides.
//! - A new live has a title of 1..=[`MAX_TITLE_CHARS`] characters and starts no more than
//!   [`START_GRACE_MINUTES`] in the past (the owner's phone clock may lag). Stream and
//!   cover URLs are `http(s)://` or a path on our own site (`/…`), never `//host`,
//!   `javascript:` or `data:`, because they end up in `src` attributes.
//! - A flash offer costs more than 0 and at most the regular price; the optional
//!   returning-customer price (老顾客专享) is lower still. It allots 1..=[`MAX_ALLOTTED`]
//!   units to the live, decided against `allotted - sold` only, with an optional
//!   per-buyer cap of 1..=99 counted per offer. It is open in `[opens_at, closes_at)`, at
//!   most [`MAX_OFFER_WINDOW_HOURS`] long, and must not have closed already.
//! - A resident with at least [`RETURNING_MIN_COMPLETED_ORDERS`] completed order is a
//!   returning customer and pays the returning price when the offer has one.
//! - A live buy checks, in order: the quantity (1..=99), the offer's state (not yet open,
//!   closed), the per-buyer cap, then stock. The cap comes before stock for the reason
//!   given in [`crate::stock`]: the answer to "too many" must not flicker with other
//!   people's orders.
//! - Everyone in the room sees each accepted order in the 接龙 list as `23. 王** 3栋 +2`:
//!   a masked name ([`mask_name`](crate::identity::mask_name)) and the building, never the
//!   unit or phone.
//! - Every room event carries a sequence number, 1, 2, 3… with no gaps. The room keeps the
//!   last [`MAX_KEPT_EVENTS`]; a viewer that reconnects sends the last number it saw and
//!   gets the events after it, or a full snapshot when it is too far behind
//!   ([`events_after`]).
//! - Shares (returning customers, stock bars) travel as integer [`BasisPoints`], never a
//!   float, and are shown as `62.5%`.
//!
//! The rules live in one file per concern, in the order above: `session`, `offer`, `buy`,
//! `chain` (接龙), `events` (the room log and resuming), `messages` (what travels over a
//! viewer's socket, and the snapshot a viewer holds), `summary` (after the live) and
//! `error`. Everything is re-exported here, so callers name `live::X` and never the file.

mod buy;
mod chain;
mod comments;
mod error;
mod events;
mod hold;
mod messages;
mod offer;
mod session;
mod summary;
#[cfg(test)]
mod test_support;

pub use buy::{
    buy_fingerprint, decide_live_buy, is_returning_customer, live_allotment_key, most_per_buy, price_for, PriceTier,
    RETURNING_MIN_COMPLETED_ORDERS,
};
pub use chain::{chain_line, Audience, ChainEntry};
pub use comments::{comments_after, LiveComment, KEPT_COMMENTS};
pub use error::LiveError;
pub use events::{events_after, number_events, oldest_kept, resume, Resume, RoomEvent, RoomEventKind, MAX_KEPT_EVENTS};
pub use hold::HoldState;
pub use messages::{
    parse_client_message, Applied, ClientMessage, RoomSnapshot, ServerMessage, MAX_CLIENT_MESSAGE_BYTES, MAX_COMMENT_CHARS,
    PING_FRAME, PONG_FRAME, SNAPSHOT_CHAIN_ENTRIES, SNAPSHOT_COMMENTS,
};
pub use offer::{
    countdown, format_countdown, offer_state, Countdown, NewOffer, Offer, OfferState, MAX_ALLOTTED, MAX_GIFT_CHARS,
    MAX_OFFER_WINDOW_HOURS,
};
pub use session::{
    is_allowed_url, suggested_live_start, LiveSession, LiveSessionStatus, NewLiveSession, EVENING_SHOW_HOUR, MAX_TITLE_CHARS,
    MAX_URL_CHARS, START_GRACE_MINUTES,
};
pub use summary::{summarize, BasisPoints, LiveOrder, LiveSummary, OfferSummary};
