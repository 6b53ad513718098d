//! Live rooms (直播): a store owner's evening stream with pinned flash offers, a live
//! 接龙 list of accepted orders, and an event log viewers resume from.
//!
//! Policy:
//! - One Durable Object per live room holds its state and applies these rules with no
//!   `.await` between reading and writing, so buyers are serialised and an offer's
//!   allotment is never oversold. Nothing here reads the clock: "now" is passed in.
//! - A live goes scheduled → live → ended, nothing else. Only the store's owner schedules,
//!   starts, ends it and pins offers ([`check_store_owner`]), and only while it is live
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
//!   a masked name ([`mask_name`]) and the building, never the unit or phone.
//! - Every room event carries a sequence number, 1, 2, 3… with no gaps. The room keeps the
//!   last [`MAX_KEPT_EVENTS`]; a viewer that reconnects sends the last number it saw and
//!   gets the events after it, or a full snapshot when it is too far behind
//!   ([`events_after`]).
//! - Shares (returning customers, stock bars) travel as integer [`BasisPoints`], never a
//!   float, and are shown as `62.5%`.

use crate::time::{local_naive, store_tz};
use crate::{
    cart::MAX_LINE_QUANTITY,
    catalog::ProductSummary,
    identity::{mask_name, Me},
    ids::{LiveSessionId, OfferId, OrderId, ParseEnumError, PersonId, PickupPointId, ProductId, StoreId},
    money::Fen,
    problem::Problem,
    stock::{decide_reserve, ReserveError, ReserveRequest},
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
};
use thiserror::Error;

/// Longest live title, in characters.
pub const MAX_TITLE_CHARS: usize = 40;
/// How far in the past a new live may start, in minutes: "start now" from a phone whose
/// clock lags a little must still be accepted.
pub const START_GRACE_MINUTES: i64 = 5;
/// Longest stream or cover URL, in characters.
pub const MAX_URL_CHARS: usize = 500;
/// Most units one offer can allot to a live.
pub const MAX_ALLOTTED: u32 = 9999;
/// Longest offer window, in hours: a flash offer is a moment of the evening, not a shelf.
pub const MAX_OFFER_WINDOW_HOURS: i64 = 4;
/// Longest gift line (赠品), in characters.
pub const MAX_GIFT_CHARS: usize = 30;
/// Completed orders that make a resident a returning customer (老顾客).
pub const RETURNING_MIN_COMPLETED_ORDERS: u32 = 1;
/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 100;
/// Largest WebSocket text frame a viewer may send, in bytes; anything longer is refused
/// before parsing.
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 2048;
/// Room events a live room keeps for viewers to resume from; older ones are dropped and a
/// viewer that missed them gets a snapshot instead.
pub const MAX_KEPT_EVENTS: usize = 2000;

// ---------------------------------------------------------------------------------------
// Sessions

/// Where a live is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveSessionStatus {
    /// Announced, not on air yet.
    Scheduled,
    /// On air: offers can be pinned and bought.
    Live,
    /// Over. Final.
    Ended,
}

impl LiveSessionStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [LiveSessionStatus; 3] = [LiveSessionStatus::Scheduled, LiveSessionStatus::Live, LiveSessionStatus::Ended];

    /// The stored and wire form (`scheduled`, `live`, `ended`).
    pub fn as_str(self) -> &'static str {
        match self {
            LiveSessionStatus::Scheduled => "scheduled",
            LiveSessionStatus::Live => "live",
            LiveSessionStatus::Ended => "ended",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseEnumError> {
        LiveSessionStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| ParseEnumError { kind: "live session status", value: s.to_owned() })
    }

    /// Chinese badge text.
    pub fn label_zh(self) -> &'static str {
        match self {
            LiveSessionStatus::Scheduled => "预告",
            LiveSessionStatus::Live => "直播中",
            LiveSessionStatus::Ended => "已结束",
        }
    }

    /// The status after going on air: only a scheduled live can start.
    pub fn start(self) -> Result<Self, LiveError> {
        match self {
            LiveSessionStatus::Scheduled => Ok(LiveSessionStatus::Live),
            LiveSessionStatus::Live => Err(LiveError::LiveAlreadyStarted),
            LiveSessionStatus::Ended => Err(LiveError::LiveEnded),
        }
    }

    /// The status after going off air: only a running live can end.
    pub fn end(self) -> Result<Self, LiveError> {
        match self {
            LiveSessionStatus::Live => Ok(LiveSessionStatus::Ended),
            LiveSessionStatus::Scheduled => Err(LiveError::LiveNotStarted),
            LiveSessionStatus::Ended => Err(LiveError::LiveEnded),
        }
    }

    /// `Ok` while on air; otherwise why the room is not taking offers.
    pub fn check_live(self) -> Result<(), LiveError> {
        match self {
            LiveSessionStatus::Live => Ok(()),
            LiveSessionStatus::Scheduled => Err(LiveError::LiveNotStarted),
            LiveSessionStatus::Ended => Err(LiveError::LiveEnded),
        }
    }
}

impl fmt::Display for LiveSessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An owner's new live (`POST /api/v1/stores/{store}/lives`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLiveSession {
    /// Title shown on the card and in the room, e.g. `今晚8点 山东寿光白菜专场`.
    pub title: String,
    /// When it is announced to start.
    pub starts_at: DateTime<Utc>,
    /// Cover image, `http(s)://…` or a site path `/…`.
    #[serde(default)]
    pub cover_url: Option<String>,
    /// Where the player reads the stream, `http(s)://…` or a site path `/…`; may be set later.
    #[serde(default)]
    pub stream_url: Option<String>,
}

impl NewLiveSession {
    /// Checks, in order: the title, the start time, the cover URL, the stream URL (see
    /// the module doc). Returns the cleaned form: title and URLs trimmed, blank URLs `None`.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<NewLiveSession, LiveError> {
        let title = bounded_text(&self.title, 1, MAX_TITLE_CHARS).ok_or(LiveError::InvalidLiveTitle)?;
        if now.signed_duration_since(self.starts_at) > Duration::minutes(START_GRACE_MINUTES) {
            return Err(LiveError::LiveStartsInPast);
        }
        let cover_url = clean_url(self.cover_url.as_deref()).map_err(|()| LiveError::InvalidCoverUrl)?;
        let stream_url = clean_url(self.stream_url.as_deref()).map_err(|()| LiveError::InvalidStreamUrl)?;
        Ok(NewLiveSession { title, starts_at: self.starts_at, cover_url, stream_url })
    }
}

/// A store's live, as stored and as sent to viewers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSession {
    /// The live's ID.
    pub id: LiveSessionId,
    /// The store streaming.
    pub store_id: StoreId,
    /// Title, 1..=40 characters.
    pub title: String,
    /// Announced start.
    pub starts_at: DateTime<Utc>,
    /// Cover image.
    pub cover_url: Option<String>,
    /// Where the player reads the stream, once known.
    pub stream_url: Option<String>,
    /// Where it is in its life cycle.
    pub status: LiveSessionStatus,
    /// When it actually went on air.
    pub started_at: Option<DateTime<Utc>>,
    /// When it went off air.
    pub ended_at: Option<DateTime<Utc>>,
}

impl LiveSession {
    /// A scheduled live from a validated [`NewLiveSession`].
    pub fn schedule(id: LiveSessionId, store_id: StoreId, new: NewLiveSession) -> Self {
        LiveSession {
            id,
            store_id,
            title: new.title,
            starts_at: new.starts_at,
            cover_url: new.cover_url,
            stream_url: new.stream_url,
            status: LiveSessionStatus::Scheduled,
            started_at: None,
            ended_at: None,
        }
    }

    /// Goes on air at `now` (see [`LiveSessionStatus::start`]).
    pub fn start(&mut self, now: DateTime<Utc>) -> Result<(), LiveError> {
        self.status = self.status.start()?;
        self.started_at = Some(now);
        Ok(())
    }

    /// Goes off air at `now` (see [`LiveSessionStatus::end`]). The room then unpins every
    /// offer ([`Offer::unpin`]), which closes them.
    pub fn end(&mut self, now: DateTime<Utc>) -> Result<(), LiveError> {
        self.status = self.status.end()?;
        self.ended_at = Some(now);
        Ok(())
    }
}

/// The hour (store time) evening lives usually start.
pub const EVENING_SHOW_HOUR: u32 = 20;

/// When a new live is suggested to start: [`EVENING_SHOW_HOUR`] store time today while
/// that is at least 30 minutes away, else the first half hour at least 30 minutes from now.
pub fn suggested_live_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let tonight =
        local_naive(now).date().and_hms_opt(EVENING_SHOW_HOUR, 0, 0).and_then(|t| store_tz().from_local_datetime(&t).single());
    match tonight.map(|t| t.with_timezone(&Utc)) {
        Some(tonight) if tonight - now >= Duration::minutes(30) => tonight,
        _ => {
            let later = now.timestamp() + 30 * 60;
            let rounded = later + (1800 - later.rem_euclid(1800)) % 1800;
            DateTime::from_timestamp(rounded, 0).unwrap_or(now)
        }
    }
}

/// `Ok` if `me` owns the store of `session`, else `NotStoreOwner`: residents and other
/// stores' owners cannot run this room.
pub fn check_store_owner(me: &Me, session: &LiveSession) -> Result<(), LiveError> {
    if me.owns(&session.store_id) {
        Ok(())
    } else {
        Err(LiveError::NotStoreOwner)
    }
}

/// `raw` trimmed, if it has `min..=max` characters and no control characters.
fn bounded_text(raw: &str, min: usize, max: usize) -> Option<String> {
    let text = raw.trim();
    let len = text.chars().count();
    ((min..=max).contains(&len) && !text.chars().any(char::is_control)).then(|| text.to_owned())
}

/// An optional URL trimmed, blank as `None`; `Err` unless [`is_allowed_url`].
fn clean_url(raw: Option<&str>) -> Result<Option<String>, ()> {
    match raw.map(str::trim).filter(|u| !u.is_empty()) {
        None => Ok(None),
        Some(url) if is_allowed_url(url) => Ok(Some(url.to_owned())),
        Some(_) => Err(()),
    }
}

/// Whether `url` may be used as a stream or cover address: `http://` or `https://`
/// (any case) with a host, or a path on our own site starting with a single `/`. At most
/// [`MAX_URL_CHARS`] characters, with no whitespace, control characters or backslashes
/// (browsers read `/\host` as `//host`, another site).
pub fn is_allowed_url(url: &str) -> bool {
    if url.is_empty()
        || url.chars().count() > MAX_URL_CHARS
        || url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return false;
    }
    if let Some(path) = url.strip_prefix('/') {
        return !path.starts_with('/');
    }
    let rest = ["http://", "https://"].iter().find_map(|scheme| {
        url.get(..scheme.len()).filter(|head| head.eq_ignore_ascii_case(scheme)).map(|_| &url[scheme.len()..])
    });
    match rest {
        Some(rest) => rest.split(['/', '?', '#']).next().is_some_and(|host| !host.is_empty()),
        None => false,
    }
}

// ---------------------------------------------------------------------------------------
// Offers

/// An owner's flash offer to pin (`POST /api/v1/lives/{live}/offers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOffer {
    /// The store's product on offer.
    pub product_id: ProductId,
    /// Price per unit during the offer.
    pub flash_price: Fen,
    /// Lower price for returning customers (老顾客专享), if any.
    #[serde(default)]
    pub returning_price: Option<Fen>,
    /// Units allotted to the live.
    pub allotted: u32,
    /// Most units one buyer may take from this offer, if limited.
    #[serde(default)]
    pub per_buyer_cap: Option<u32>,
    /// When buying opens (the countdown runs to here).
    pub opens_at: DateTime<Utc>,
    /// When buying closes (exclusive).
    pub closes_at: DateTime<Utc>,
    /// A gift line, e.g. `送葱一把`.
    #[serde(default)]
    pub gift: Option<String>,
}

impl NewOffer {
    /// Checks, in order: flash price, returning price, allotment, cap, window, gift (see
    /// the module doc) against the product's `regular_price`. Returns the cleaned form:
    /// gift trimmed, blank gift `None`.
    pub fn validate(&self, now: DateTime<Utc>, regular_price: Fen) -> Result<NewOffer, LiveError> {
        if self.flash_price <= Fen::ZERO || self.flash_price > regular_price {
            return Err(LiveError::InvalidFlashPrice);
        }
        if self.returning_price.is_some_and(|p| p <= Fen::ZERO || p >= self.flash_price) {
            return Err(LiveError::InvalidReturningPrice);
        }
        if !(1..=MAX_ALLOTTED).contains(&self.allotted) {
            return Err(LiveError::InvalidAllotted);
        }
        if self.per_buyer_cap.is_some_and(|c| !(1..=MAX_LINE_QUANTITY).contains(&c)) {
            return Err(LiveError::InvalidCap);
        }
        if self.closes_at <= self.opens_at {
            return Err(LiveError::InvalidOfferWindow);
        }
        if self.closes_at.signed_duration_since(self.opens_at) > Duration::hours(MAX_OFFER_WINDOW_HOURS) {
            return Err(LiveError::OfferWindowTooLong);
        }
        if self.closes_at <= now {
            return Err(LiveError::OfferWindowPassed);
        }
        let gift = match self.gift.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
            None => None,
            Some(g) => Some(bounded_text(g, 1, MAX_GIFT_CHARS).ok_or(LiveError::GiftTooLong)?),
        };
        Ok(NewOffer { gift, ..self.clone() })
    }
}

/// A flash offer as the room stores it and viewers receive it. Product fields are copied
/// at pin time, so a later catalogue edit does not change an offer mid-countdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The offer's ID.
    pub id: OfferId,
    /// The live it was pinned in.
    pub live_session_id: LiveSessionId,
    /// The product on offer.
    pub product_id: ProductId,
    /// Product name at pin time.
    pub name: String,
    /// Selling unit at pin time.
    pub unit: String,
    /// Product photo at pin time.
    pub image_url: String,
    /// The shop price at pin time, shown struck through.
    pub regular_price: Fen,
    /// Price per unit during the offer.
    pub flash_price: Fen,
    /// Lower price for returning customers, if any.
    pub returning_price: Option<Fen>,
    /// Units allotted to the live.
    pub allotted: u32,
    /// Units sold when this copy was written. The room updates the count through
    /// [`RoomEventKind::StockChanged`] without resending the offer, so the rules take the
    /// current count as an argument.
    pub sold: u32,
    /// Most units one buyer may take from this offer, if limited.
    pub per_buyer_cap: Option<u32>,
    /// When it was pinned.
    pub pinned_at: DateTime<Utc>,
    /// When buying opens.
    pub opens_at: DateTime<Utc>,
    /// When buying closes (exclusive).
    pub closes_at: DateTime<Utc>,
    /// Gift line, if any.
    pub gift: Option<String>,
    /// Whether it is still pinned; an unpinned offer is closed for good.
    pub pinned: bool,
}

impl Offer {
    /// Pins `new` for `product` in `session` at `now`: the live must be on air, the product
    /// must be the one named and belong to the live's store, and `new` must validate
    /// against the product's price. The caller checks ownership first
    /// ([`check_store_owner`]).
    pub fn pin(
        id: OfferId,
        session: &LiveSession,
        product: &ProductSummary,
        new: &NewOffer,
        now: DateTime<Utc>,
    ) -> Result<Offer, LiveError> {
        session.status.check_live()?;
        if product.id != new.product_id || product.store_id != session.store_id {
            return Err(LiveError::ProductNotFound);
        }
        let new = new.validate(now, product.price)?;
        Ok(Offer {
            id,
            live_session_id: session.id.clone(),
            product_id: new.product_id,
            name: product.name.clone(),
            unit: product.unit.clone(),
            image_url: product.image_url.clone(),
            regular_price: product.price,
            flash_price: new.flash_price,
            returning_price: new.returning_price,
            allotted: new.allotted,
            sold: 0,
            per_buyer_cap: new.per_buyer_cap,
            pinned_at: now,
            opens_at: new.opens_at,
            closes_at: new.closes_at,
            gift: new.gift,
            pinned: true,
        })
    }

    /// Takes the offer down; it is closed from then on, whatever its window says.
    pub fn unpin(&mut self) {
        self.pinned = false;
    }

    /// Units left of the allotment after `sold`.
    pub fn remaining(&self, sold: u32) -> u32 {
        self.allotted.saturating_sub(sold)
    }

    /// The filled part of the stock bar: `sold` of `allotted`, at most 100%.
    pub fn sold_share(&self, sold: u32) -> BasisPoints {
        BasisPoints::ratio(sold.min(self.allotted), self.allotted)
    }
}

/// Where an offer stands for buyers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferState {
    /// Pinned, counting down to `opens_at`.
    Scheduled,
    /// Buying is open.
    Open,
    /// Within the window, but every allotted unit is sold.
    SoldOut,
    /// Past `closes_at`, or unpinned. Final.
    Closed,
}

impl OfferState {
    /// The wire and attribute form (the same as the serde form).
    pub fn as_str(self) -> &'static str {
        match self {
            OfferState::Scheduled => "scheduled",
            OfferState::Open => "open",
            OfferState::SoldOut => "sold_out",
            OfferState::Closed => "closed",
        }
    }

    /// Chinese badge text.
    pub fn label_zh(self) -> &'static str {
        match self {
            OfferState::Scheduled => "即将开抢",
            OfferState::Open => "抢购中",
            OfferState::SoldOut => "已抢光",
            OfferState::Closed => "已结束",
        }
    }
}

/// The state of `offer` at `now` with `sold` units gone: closed once unpinned or from
/// `closes_at` on (whatever else holds), scheduled before `opens_at`, then sold out when
/// `sold >= allotted`, else open.
pub fn offer_state(offer: &Offer, sold: u32, now: DateTime<Utc>) -> OfferState {
    if !offer.pinned || now >= offer.closes_at {
        OfferState::Closed
    } else if now < offer.opens_at {
        OfferState::Scheduled
    } else if sold >= offer.allotted {
        OfferState::SoldOut
    } else {
        OfferState::Open
    }
}

/// What the offer overlay shows: the state and the seconds to count down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Countdown {
    /// The offer's state.
    pub state: OfferState,
    /// Seconds until buying opens (rounded up), while scheduled.
    pub seconds_to_open: Option<u64>,
    /// Seconds until buying closes (rounded up), while open or sold out.
    pub seconds_left: Option<u64>,
}

/// The countdown for `offer` at `now` with `sold` units gone. Seconds are rounded up, so
/// the overlay shows 0 only when the state has actually changed.
pub fn countdown(offer: &Offer, sold: u32, now: DateTime<Utc>) -> Countdown {
    let state = offer_state(offer, sold, now);
    let (seconds_to_open, seconds_left) = match state {
        OfferState::Scheduled => (Some(ceil_seconds(offer.opens_at.signed_duration_since(now))), None),
        OfferState::Open | OfferState::SoldOut => (None, Some(ceil_seconds(offer.closes_at.signed_duration_since(now)))),
        OfferState::Closed => (None, None),
    };
    Countdown { state, seconds_to_open, seconds_left }
}

/// Whole seconds in `d`, rounded up; 0 for a negative span.
fn ceil_seconds(d: Duration) -> u64 {
    let secs = u64::try_from(d.num_seconds()).unwrap_or(0);
    if d.subsec_nanos() > 0 {
        secs + 1
    } else {
        secs
    }
}

/// A countdown as the overlay prints it: `04:05` under an hour, `1:02:03` from an hour on.
pub fn format_countdown(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// Which price a buyer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceTier {
    /// The flash price, for everyone.
    Flash,
    /// The returning-customer price (老顾客专享).
    Returning,
}

impl PriceTier {
    /// The stored form (the same as the serde form).
    pub fn as_str(self) -> &'static str {
        match self {
            PriceTier::Flash => "flash",
            PriceTier::Returning => "returning",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseEnumError> {
        [PriceTier::Flash, PriceTier::Returning]
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| ParseEnumError { kind: "price tier", value: s.to_owned() })
    }

    /// Chinese label for the price tag.
    pub fn label_zh(self) -> &'static str {
        match self {
            PriceTier::Flash => "秒杀价",
            PriceTier::Returning => "老顾客专享",
        }
    }
}

/// Whether a resident with `completed_orders` picked-up orders counts as a returning
/// customer.
pub fn is_returning_customer(completed_orders: u32) -> bool {
    completed_orders >= RETURNING_MIN_COMPLETED_ORDERS
}

/// The unit price a buyer with `buyer_completed_orders` completed orders pays: the
/// returning price when the offer has one and the buyer is returning, else the flash price.
pub fn price_for(offer: &Offer, buyer_completed_orders: u32) -> (Fen, PriceTier) {
    match offer.returning_price {
        Some(price) if is_returning_customer(buyer_completed_orders) => (price, PriceTier::Returning),
        _ => (offer.flash_price, PriceTier::Flash),
    }
}

/// Decides a buy of `quantity` units from `offer` at `now`, with `sold` units already gone
/// and `buyer_already` units held by this buyer from this offer: `Ok(sold after)` or why
/// not. Checks, in order: quantity 1..=99, the offer's state (scheduled → `OfferNotOpen`,
/// closed or unpinned → `OfferClosed`), the per-buyer cap, sold out, short stock.
pub fn decide_live_buy(
    offer: &Offer,
    sold: u32,
    buyer_already: u32,
    quantity: u32,
    now: DateTime<Utc>,
) -> Result<u32, LiveError> {
    if !(1..=MAX_LINE_QUANTITY).contains(&quantity) {
        return Err(LiveError::QuantityOutOfRange);
    }
    match offer_state(offer, sold, now) {
        OfferState::Scheduled => return Err(LiveError::OfferNotOpen),
        OfferState::Closed => return Err(LiveError::OfferClosed),
        // Sold out is answered below, after the cap.
        OfferState::Open | OfferState::SoldOut => {}
    }
    let request = ReserveRequest { quantity, buyer_already, per_buyer_cap: offer.per_buyer_cap };
    decide_reserve(offer.remaining(sold), &request)?;
    Ok(sold.saturating_add(quantity))
}

/// The `StockKeeper` hold that sets an offer's allotment aside from the shelf while it is
/// pinned (a confirmed hold: there is no order to wait for).
pub fn live_allotment_key(offer_id: &OfferId) -> String {
    format!("live:{offer_id}")
}

/// What an Idempotency-Key's first live buy asked for, hashed: the same key with another
/// offer, quantity or pickup point is a reused key, not a retry (as
/// [`crate::order::request_fingerprint`] is for the shop).
pub fn buy_fingerprint(offer_id: &OfferId, quantity: i64, pickup_point_id: &PickupPointId) -> String {
    use sha2::{Digest, Sha256};
    let canonical = format!("live-v1\n{offer_id}\n{quantity}\n{pickup_point_id}");
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

// ---------------------------------------------------------------------------------------
// 接龙

/// One accepted order in the 接龙 list, as every viewer receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainEntry {
    /// Position in this live's list, from 1 (not the room event sequence).
    pub seq: u64,
    /// The buyer's masked nickname, e.g. `王**`.
    pub buyer_display: String,
    /// The buyer's building, e.g. `3栋`.
    pub building: String,
    /// Units bought.
    pub quantity: u32,
    /// When the order was accepted.
    pub at: DateTime<Utc>,
}

impl ChainEntry {
    /// An entry for a buyer: the nickname is masked here, so the full name never enters
    /// the room's broadcast.
    pub fn new(seq: u64, nickname: &str, building: &str, quantity: u32, at: DateTime<Utc>) -> Self {
        ChainEntry { seq, buyer_display: mask_name(nickname), building: building.trim().to_owned(), quantity, at }
    }
}

/// The entry as one line of the list: `23. 王** 3栋 +2`. The name is masked again
/// (masking is idempotent), so even a hand-built entry never shows a full name; an empty
/// building is left out.
pub fn chain_line(entry: &ChainEntry) -> String {
    let name = mask_name(&entry.buyer_display);
    match entry.building.trim() {
        "" => format!("{}. {} +{}", entry.seq, name, entry.quantity),
        building => format!("{}. {} {} +{}", entry.seq, name, building, entry.quantity),
    }
}

// ---------------------------------------------------------------------------------------
// Room events and resuming

/// One thing that happened in a room, numbered for resuming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomEvent {
    /// Sequence number: 1 for the room's first event, then +1 each, no gaps.
    pub seq: u64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: RoomEventKind,
}

/// What happened, tagged by `type`: `{"type":"stock_changed","offer_id":"f-1",…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RoomEventKind {
    /// An offer was pinned.
    OfferPinned {
        /// The offer as pinned (boxed: it is by far the largest event).
        offer: Box<Offer>,
    },
    /// An offer was taken down (it is closed from now on).
    OfferUnpinned {
        /// Which offer.
        offer_id: OfferId,
    },
    /// Units of an offer were sold (or given back).
    StockChanged {
        /// Which offer.
        offer_id: OfferId,
        /// Units sold now.
        sold: u32,
        /// Units allotted.
        allotted: u32,
    },
    /// An order joined the 接龙 list.
    ChainAppended {
        /// The new line.
        entry: ChainEntry,
    },
    /// A viewer commented.
    Comment {
        /// The author's masked nickname.
        author: String,
        /// The comment, trimmed, 1..=100 characters.
        text: String,
        /// Whether the author is a key opinion consumer (shown with a badge).
        is_koc: bool,
    },
    /// The live went on air.
    LiveStarted,
    /// The live went off air.
    LiveEnded,
}

impl RoomEventKind {
    /// A comment event by a viewer called `nickname`; the name is masked here. `text`
    /// should come from [`parse_client_message`], already checked.
    pub fn comment(nickname: &str, text: String, is_koc: bool) -> Self {
        RoomEventKind::Comment { author: mask_name(nickname), text, is_koc }
    }
}

/// What a reconnecting viewer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume<'a> {
    /// These events, oldest first (possibly none): the viewer is up to date after them.
    Events(&'a [RoomEvent]),
    /// The viewer missed events the room no longer keeps, or has numbers from another
    /// history: send the full state instead.
    Snapshot,
}

/// The events after `last_seen` (0 = none seen) in `events`, which are kept in sequence
/// order. A snapshot when `last_seen` is older than the oldest kept event allows
/// (something in between was dropped) or newer than the newest (the viewer's numbers do
/// not belong to this room's history).
pub fn events_after(events: &[RoomEvent], last_seen: u64) -> Resume<'_> {
    let (Some(oldest), Some(newest)) = (events.first(), events.last()) else {
        return if last_seen == 0 { Resume::Events(&[]) } else { Resume::Snapshot };
    };
    if last_seen > newest.seq || last_seen.saturating_add(1) < oldest.seq {
        return Resume::Snapshot;
    }
    Resume::Events(&events[events.partition_point(|e| e.seq <= last_seen)..])
}

/// Numbers `kinds` as the events after `last_seq`, all at `at`: numbers run on from the
/// room's newest with no gaps.
pub fn number_events(last_seq: u64, at: DateTime<Utc>, kinds: Vec<RoomEventKind>) -> Vec<RoomEvent> {
    (last_seq.saturating_add(1)..).zip(kinds).map(|(seq, kind)| RoomEvent { seq, at, kind }).collect()
}

/// The oldest event a room keeps once its newest is `last_seq`: the last
/// [`MAX_KEPT_EVENTS`]. A viewer further behind is sent a snapshot.
pub fn oldest_kept(last_seq: u64) -> u64 {
    last_seq.saturating_sub(MAX_KEPT_EVENTS as u64 - 1).max(1)
}

/// What a viewer saying `Hello { last_seen }` needs from the `kept` events (oldest first,
/// from `last_seen` on is enough): a snapshot on a first visit (`None`), else
/// [`events_after`].
pub fn resume(kept: &[RoomEvent], last_seen: Option<u64>) -> Resume<'_> {
    match last_seen {
        None => Resume::Snapshot,
        Some(seen) => events_after(kept, seen),
    }
}

// ---------------------------------------------------------------------------------------
// Viewer messages

/// A WebSocket text frame from a viewer, tagged by `type`: `{"type":"hello","last_seen":41}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// First frame after (re)connecting.
    Hello {
        /// The last event number seen; `None` (or missing) on a first visit.
        #[serde(default)]
        last_seen: Option<u64>,
    },
    /// A comment to post.
    Comment {
        /// The text; trimmed and checked by [`parse_client_message`].
        text: String,
    },
    /// Keep-alive.
    Ping,
}

/// Reads a viewer's frame: `MalformedMessage` for anything that is not a known message
/// (or is over [`MAX_CLIENT_MESSAGE_BYTES`]), `InvalidComment` for a comment that is not
/// 1..=100 characters after trimming or holds control characters. A comment comes back
/// trimmed.
pub fn parse_client_message(text: &str) -> Result<ClientMessage, LiveError> {
    if text.len() > MAX_CLIENT_MESSAGE_BYTES {
        return Err(LiveError::MalformedMessage);
    }
    match serde_json::from_str(text).map_err(|_| LiveError::MalformedMessage)? {
        ClientMessage::Comment { text } => {
            let text = bounded_text(&text, 1, MAX_COMMENT_CHARS).ok_or(LiveError::InvalidComment)?;
            Ok(ClientMessage::Comment { text })
        }
        other => Ok(other),
    }
}

/// What the room sends a viewer, tagged by `type`: `{"type":"events","events":[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The whole room: the answer to a first `hello`, or to one the log can no longer
    /// serve ([`Resume::Snapshot`]).
    Snapshot {
        /// The room as it stands.
        room: Box<RoomSnapshot>,
    },
    /// Events in sequence order. One buy sends its 接龙 line and stock change together.
    Events {
        /// The events, oldest first.
        events: Vec<RoomEvent>,
    },
    /// A frame the room refused; the socket stays open.
    Error {
        /// Why, as in every API error.
        problem: Problem,
    },
    /// The answer to [`ClientMessage::Ping`].
    Pong,
}

/// [`ClientMessage::Ping`] as sent, byte for byte: the room has the runtime answer it with
/// [`PONG_FRAME`] without waking up.
pub const PING_FRAME: &str = r#"{"type":"ping"}"#;

/// [`ServerMessage::Pong`] as sent.
pub const PONG_FRAME: &str = r#"{"type":"pong"}"#;

/// 接龙 lines a snapshot carries (the newest); older ones are counted in `chain_total`.
pub const SNAPSHOT_CHAIN_ENTRIES: usize = 200;

/// Comments a snapshot carries (the newest).
pub const SNAPSHOT_COMMENTS: usize = 50;

/// A room as a viewer holds it: sent whole on joining, then kept current by applying
/// events ([`RoomSnapshot::apply`]), so the page and the tests share one reading of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSnapshot {
    /// The live.
    pub session: LiveSession,
    /// Every offer pinned in this live, oldest first, each with its current `sold`.
    pub offers: Vec<Offer>,
    /// The newest [`SNAPSHOT_CHAIN_ENTRIES`] 接龙 lines, oldest first.
    pub chain: Vec<ChainEntry>,
    /// Lines in the whole list (the newest line's `seq`).
    pub chain_total: u64,
    /// The newest [`SNAPSHOT_COMMENTS`] comments, oldest first (`Comment` events).
    pub comments: Vec<RoomEvent>,
    /// Number of the newest event folded in; a viewer resumes after it.
    pub last_seq: u64,
    /// The room's clock when sent, so a phone with a wrong clock still counts down right.
    pub now: DateTime<Utc>,
}

/// One comment in a room's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownComment {
    /// Its event number, a stable key for the list.
    pub seq: u64,
    /// The author's masked nickname.
    pub author: String,
    /// The comment.
    pub text: String,
    /// Shown with the KOC badge.
    pub is_koc: bool,
}

/// What [`RoomSnapshot::apply`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The event was the next one and is folded in.
    Applied,
    /// Already seen (a resend after resuming); nothing changed.
    Duplicate,
    /// One or more events before it are missing: reconnect and resume.
    Gap,
}

impl RoomSnapshot {
    /// Folds in the next event. Only `last_seq + 1` is applied, so a viewer never shows
    /// a list with a hole in it.
    pub fn apply(&mut self, event: &RoomEvent) -> Applied {
        if event.seq <= self.last_seq {
            return Applied::Duplicate;
        }
        if event.seq != self.last_seq + 1 {
            return Applied::Gap;
        }
        self.last_seq = event.seq;
        match &event.kind {
            RoomEventKind::OfferPinned { offer } => match self.offers.iter_mut().find(|o| o.id == offer.id) {
                Some(kept) => *kept = (**offer).clone(),
                None => self.offers.push((**offer).clone()),
            },
            RoomEventKind::OfferUnpinned { offer_id } => {
                if let Some(offer) = self.offers.iter_mut().find(|o| &o.id == offer_id) {
                    offer.unpin();
                }
            }
            RoomEventKind::StockChanged { offer_id, sold, .. } => {
                if let Some(offer) = self.offers.iter_mut().find(|o| &o.id == offer_id) {
                    offer.sold = *sold;
                }
            }
            RoomEventKind::ChainAppended { entry } => {
                self.chain_total = self.chain_total.max(entry.seq);
                self.chain.push(entry.clone());
                let excess = self.chain.len().saturating_sub(SNAPSHOT_CHAIN_ENTRIES);
                self.chain.drain(..excess);
            }
            RoomEventKind::Comment { .. } => {
                self.comments.push(event.clone());
                let excess = self.comments.len().saturating_sub(SNAPSHOT_COMMENTS);
                self.comments.drain(..excess);
            }
            RoomEventKind::LiveStarted => {
                self.session.status = LiveSessionStatus::Live;
                self.session.started_at = Some(event.at);
            }
            RoomEventKind::LiveEnded => {
                self.session.status = LiveSessionStatus::Ended;
                self.session.ended_at = Some(event.at);
                self.offers.iter_mut().for_each(Offer::unpin);
            }
        }
        Applied::Applied
    }

    /// The comments as a list shows them, newest first.
    pub fn comments_newest_first(&self) -> Vec<ShownComment> {
        self.comments
            .iter()
            .rev()
            .filter_map(|e| match &e.kind {
                RoomEventKind::Comment { author, text, is_koc } => {
                    Some(ShownComment { seq: e.seq, author: author.clone(), text: text.clone(), is_koc: *is_koc })
                }
                _ => None,
            })
            .collect()
    }

    /// The offer the overlay features at `now`: the newest pinned one still open or
    /// counting down, else the newest pinned one sold out; `None` when nothing is on.
    pub fn featured_offer(&self, now: DateTime<Utc>) -> Option<&Offer> {
        let live = |wanted: &[OfferState]| self.offers.iter().rev().find(|o| wanted.contains(&offer_state(o, o.sold, now)));
        live(&[OfferState::Open, OfferState::Scheduled]).or_else(|| live(&[OfferState::SoldOut]))
    }
}

// ---------------------------------------------------------------------------------------
// After the live

/// A fraction in basis points (1/100 of a percent): 6250 is 62.5%. Integer on the wire,
/// so the browser and the owner's report agree exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BasisPoints(u32);

impl BasisPoints {
    /// 100%.
    pub const FULL: BasisPoints = BasisPoints(10_000);

    /// `part / whole`, rounded half up to a basis point; 0 when `whole` is 0.
    pub fn ratio(part: u32, whole: u32) -> Self {
        if whole == 0 {
            return BasisPoints(0);
        }
        let bp = (u64::from(part) * 10_000 + u64::from(whole) / 2) / u64::from(whole);
        BasisPoints(u32::try_from(bp).unwrap_or(u32::MAX))
    }

    /// The value in basis points.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// `62.5%`, `100%`, `33.33%`, `0%`: up to two decimals, trailing zeros dropped.
impl fmt::Display for BasisPoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => write!(f, "{whole}%"),
            _ if frac % 10 == 0 => write!(f, "{whole}.{}%", frac / 10),
            _ => write!(f, "{whole}.{frac:02}%"),
        }
    }
}

/// One order accepted during a live, as the room records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveOrder {
    /// The order created for it.
    pub order_id: OrderId,
    /// The offer bought from.
    pub offer_id: OfferId,
    /// The buyer.
    pub person_id: PersonId,
    /// Units bought.
    pub quantity: u32,
    /// Price per unit paid (see [`price_for`]).
    pub unit_price: Fen,
    /// Which price that was.
    pub tier: PriceTier,
    /// Whether the buyer was a returning customer at the time, whether or not the offer
    /// had a returning price.
    pub returning_customer: bool,
    /// When it was accepted.
    pub at: DateTime<Utc>,
}

/// How one offer did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferSummary {
    /// The offer.
    pub offer_id: OfferId,
    /// Product name.
    pub name: String,
    /// Units allotted.
    pub allotted: u32,
    /// Units sold.
    pub units: u32,
    /// Orders taken.
    pub orders: u32,
    /// Gross merchandise value: the sum of unit price × quantity.
    pub gmv: Fen,
}

/// The owner's report after a live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSummary {
    /// One row per offer, in the order given.
    pub offers: Vec<OfferSummary>,
    /// Orders taken.
    pub orders: u32,
    /// Units sold.
    pub units: u32,
    /// Gross merchandise value.
    pub gmv: Fen,
    /// Different people who bought.
    pub distinct_buyers: u32,
    /// Orders by returning customers.
    pub returning_orders: u32,
    /// `returning_orders / orders`, shown as `62.5%`.
    pub returning_share: BasisPoints,
}

/// Sums up a live from its `offers` and the `orders` taken (the caller leaves out
/// cancelled ones). Totals cover every order given, including any for an offer not in
/// `offers`; counts and amounts saturate rather than wrap.
pub fn summarize(offers: &[Offer], orders: &[LiveOrder]) -> LiveSummary {
    let mut rows: Vec<OfferSummary> = offers
        .iter()
        .map(|o| OfferSummary {
            offer_id: o.id.clone(),
            name: o.name.clone(),
            allotted: o.allotted,
            units: 0,
            orders: 0,
            gmv: Fen::ZERO,
        })
        .collect();
    let index: BTreeMap<&OfferId, usize> = offers.iter().enumerate().map(|(i, o)| (&o.id, i)).collect();
    let mut buyers = BTreeSet::new();
    let (mut count, mut units, mut gmv, mut returning) = (0u32, 0u32, Fen::ZERO, 0u32);
    for order in orders {
        let amount = Fen::from_fen(order.unit_price.fen().saturating_mul(i64::from(order.quantity)));
        count = count.saturating_add(1);
        units = units.saturating_add(order.quantity);
        gmv = saturating_add(gmv, amount);
        returning = returning.saturating_add(u32::from(order.returning_customer));
        buyers.insert(&order.person_id);
        if let Some(row) = index.get(&order.offer_id).map(|&i| &mut rows[i]) {
            row.units = row.units.saturating_add(order.quantity);
            row.orders = row.orders.saturating_add(1);
            row.gmv = saturating_add(row.gmv, amount);
        }
    }
    LiveSummary {
        offers: rows,
        orders: count,
        units,
        gmv,
        distinct_buyers: u32::try_from(buyers.len()).unwrap_or(u32::MAX),
        returning_orders: returning,
        returning_share: BasisPoints::ratio(returning, count),
    }
}

fn saturating_add(a: Fen, b: Fen) -> Fen {
    Fen::from_fen(a.fen().saturating_add(b.fen()))
}

// ---------------------------------------------------------------------------------------
// Errors

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
    /// Someone other than the store's owner tried to run the room.
    #[error("only the store's owner can do this")]
    NotStoreOwner,
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
            LiveError::NotStoreOwner => "not_store_owner",
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
            LiveError::NotStoreOwner => 403,
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

crate::problem::impl_error_code!(LiveError, field);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        catalog::StockState,
        identity::Role,
        ids::CategoryId,
        problem::{message_zh, ErrorCode},
    };
    use chrono::NaiveDate;
    use serde_json::json;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// 20:00 local on 25 November 2026.
    fn now() -> DateTime<Utc> {
        utc("2026-11-25T20:00:00+08:00")
    }

    fn secs(n: i64) -> Duration {
        Duration::seconds(n)
    }

    fn new_session() -> NewLiveSession {
        NewLiveSession {
            title: " 今晚8点 寿光白菜专场 ".into(),
            starts_at: now(),
            cover_url: Some("/images/live/cover.png".into()),
            stream_url: None,
        }
    }

    fn session(status: LiveSessionStatus) -> LiveSession {
        let mut s = LiveSession::schedule(
            LiveSessionId::parse("l-1").unwrap(),
            StoreId::parse("s-1").unwrap(),
            new_session().validate(now()).unwrap(),
        );
        s.status = status;
        s
    }

    fn product() -> ProductSummary {
        ProductSummary {
            id: ProductId::parse("p-cabbage").unwrap(),
            store_id: StoreId::parse("s-1").unwrap(),
            name: "本地小白菜".into(),
            category_id: CategoryId::parse("veg").unwrap(),
            unit: "500g".into(),
            price: Fen::from_fen(1580),
            available: 40,
            stock_state: StockState::InStock,
            image_url: "/images/products/p-cabbage.svg".into(),
            origin: "山东寿光".into(),
            best_before: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            test_report: None,
            per_buyer_cap: None,
        }
    }

    /// Opens at now, closes 10 minutes later; ¥9.90, ¥8.80 for returning customers.
    fn new_offer() -> NewOffer {
        NewOffer {
            product_id: ProductId::parse("p-cabbage").unwrap(),
            flash_price: Fen::from_fen(990),
            returning_price: Some(Fen::from_fen(880)),
            allotted: 10,
            per_buyer_cap: Some(3),
            opens_at: now(),
            closes_at: now() + Duration::minutes(10),
            gift: Some(" 送葱一把 ".into()),
        }
    }

    fn offer() -> Offer {
        Offer::pin(OfferId::parse("f-1").unwrap(), &session(LiveSessionStatus::Live), &product(), &new_offer(), now()).unwrap()
    }

    fn owner(store: &str, role: Role) -> Me {
        Me {
            person_id: PersonId::parse("o-1").unwrap(),
            store_id: StoreId::parse(store).unwrap(),
            nickname: "店长".into(),
            role,
            building: String::new(),
            unit: String::new(),
            household_tags: vec![],
            is_koc: false,
        }
    }

    // --- Sessions ---------------------------------------------------------------------

    #[test]
    fn suggests_tonight_at_eight_or_the_next_half_hour() {
        // 10:00 local: tonight 20:00.
        assert_eq!(suggested_live_start(utc("2026-11-25T02:00:00Z")), utc("2026-11-25T12:00:00Z"));
        // 19:30 local: still 20:00.
        assert_eq!(suggested_live_start(utc("2026-11-25T11:30:00Z")), utc("2026-11-25T12:00:00Z"));
        // 19:45 local: 20:15, rounded up to 20:30.
        assert_eq!(suggested_live_start(utc("2026-11-25T11:45:00Z")), utc("2026-11-25T12:30:00Z"));
        // 22:00 local exactly: 22:30.
        assert_eq!(suggested_live_start(utc("2026-11-25T14:00:00Z")), utc("2026-11-25T14:30:00Z"));
        // 23:50:10 local: past midnight, 00:30.
        assert_eq!(suggested_live_start(utc("2026-11-25T15:50:10Z")), utc("2026-11-25T16:30:00Z"));
    }

    #[test]
    fn buy_fingerprint_tells_retries_from_reused_keys() {
        let offer = OfferId::parse("f-1").unwrap();
        let pp = PickupPointId::parse("pp-1").unwrap();
        let fp = buy_fingerprint(&offer, 2, &pp);
        assert_eq!(fp, buy_fingerprint(&offer, 2, &pp));
        assert_ne!(fp, buy_fingerprint(&offer, 3, &pp));
        assert_ne!(fp, buy_fingerprint(&OfferId::parse("f-2").unwrap(), 2, &pp));
        assert_ne!(fp, buy_fingerprint(&offer, 2, &PickupPointId::parse("pp-2").unwrap()));
    }

    #[test]
    fn session_status_transitions() {
        use LiveSessionStatus::*;
        assert_eq!(Scheduled.start(), Ok(Live));
        assert_eq!(Live.start(), Err(LiveError::LiveAlreadyStarted));
        assert_eq!(Ended.start(), Err(LiveError::LiveEnded));
        assert_eq!(Live.end(), Ok(Ended));
        assert_eq!(Scheduled.end(), Err(LiveError::LiveNotStarted));
        assert_eq!(Ended.end(), Err(LiveError::LiveEnded));
        assert_eq!(Live.check_live(), Ok(()));
        assert_eq!(Scheduled.check_live(), Err(LiveError::LiveNotStarted));
        assert_eq!(Ended.check_live(), Err(LiveError::LiveEnded));
    }

    #[test]
    fn session_status_stored_form() {
        for s in LiveSessionStatus::ALL {
            assert_eq!(LiveSessionStatus::parse(s.as_str()), Ok(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
        assert!(LiveSessionStatus::parse("paused").is_err());
        let zh: Vec<_> = LiveSessionStatus::ALL.iter().map(|s| s.label_zh()).collect();
        assert_eq!(zh, ["预告", "直播中", "已结束"]);
    }

    #[test]
    fn session_start_and_end_stamp_times() {
        let mut s = session(LiveSessionStatus::Scheduled);
        assert_eq!(s.end(now()), Err(LiveError::LiveNotStarted));
        assert_eq!((s.status, s.started_at, s.ended_at), (LiveSessionStatus::Scheduled, None, None));
        s.start(now()).unwrap();
        assert_eq!((s.status, s.started_at), (LiveSessionStatus::Live, Some(now())));
        assert_eq!(s.start(now() + secs(1)), Err(LiveError::LiveAlreadyStarted));
        assert_eq!(s.started_at, Some(now()), "a refused start changes nothing");
        s.end(now() + Duration::hours(1)).unwrap();
        assert_eq!((s.status, s.ended_at), (LiveSessionStatus::Ended, Some(now() + Duration::hours(1))));
        assert_eq!(s.start(now()), Err(LiveError::LiveEnded));
        assert_eq!(s.end(now()), Err(LiveError::LiveEnded));
    }

    #[test]
    fn schedule_cleans_and_keeps_fields() {
        let s = session(LiveSessionStatus::Scheduled);
        assert_eq!(s.title, "今晚8点 寿光白菜专场");
        assert_eq!(s.cover_url.as_deref(), Some("/images/live/cover.png"));
        assert_eq!(s.stream_url, None);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["status"], "scheduled");
        assert_eq!(json["starts_at"], "2026-11-25T12:00:00Z");
        assert_eq!(json["started_at"], serde_json::Value::Null);
        assert_eq!(serde_json::from_value::<LiveSession>(json).unwrap(), s);
    }

    #[test]
    fn title_is_counted_in_characters() {
        let mut n = new_session();
        n.title = "播".repeat(40);
        assert!(n.validate(now()).is_ok());
        n.title = "播".repeat(41);
        assert_eq!(n.validate(now()), Err(LiveError::InvalidLiveTitle));
        n.title = "  ".into();
        assert_eq!(n.validate(now()), Err(LiveError::InvalidLiveTitle));
        n.title = "今晚\n直播".into();
        assert_eq!(n.validate(now()), Err(LiveError::InvalidLiveTitle));
        n.title = "a".into();
        assert!(n.validate(now()).is_ok());
    }

    #[test]
    fn start_may_be_at_most_five_minutes_past() {
        let mut n = new_session();
        n.starts_at = now() - Duration::minutes(5);
        assert!(n.validate(now()).is_ok(), "exactly 5 minutes ago is still fine");
        n.starts_at = now() - Duration::minutes(5) - secs(1);
        assert_eq!(n.validate(now()), Err(LiveError::LiveStartsInPast));
        n.starts_at = now() + Duration::days(3);
        assert!(n.validate(now()).is_ok());
        // Extreme instants do not panic.
        n.starts_at = DateTime::<Utc>::MIN_UTC;
        assert_eq!(n.validate(DateTime::<Utc>::MAX_UTC), Err(LiveError::LiveStartsInPast));
        n.starts_at = DateTime::<Utc>::MAX_UTC;
        assert!(n.validate(DateTime::<Utc>::MIN_UTC).is_ok());
    }

    #[test]
    fn urls_are_http_or_site_paths() {
        for ok in [
            "https://live.example.com/s/1.m3u8",
            "http://10.0.0.2:8080/live",
            "HTTPS://Example.com",
            "https://example.com?x=1",
            "/live/s-1/index.m3u8",
            "/",
        ] {
            assert!(is_allowed_url(ok), "{ok}");
        }
        for bad in [
            "",
            "//evil.example/x",
            "/\\evil.example",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "ftp://example.com/a",
            "https://",
            "http:///path",
            "https:/example.com",
            "live/s-1",
            "/live/a b",
            "https://example.com/\u{7}",
            "https：//example.com",
            &format!("/{}", "a".repeat(500)),
        ] {
            assert!(!is_allowed_url(bad), "{bad}");
        }
        assert!(is_allowed_url(&format!("/{}", "a".repeat(499))));
    }

    #[test]
    fn session_urls_are_checked_and_cleaned() {
        let mut n = new_session();
        n.stream_url = Some(" https://live.example.com/1.flv ".into());
        n.cover_url = Some("   ".into());
        let v = n.validate(now()).unwrap();
        assert_eq!(v.stream_url.as_deref(), Some("https://live.example.com/1.flv"));
        assert_eq!(v.cover_url, None, "a blank URL is no URL");
        n.stream_url = Some("//cdn.example.com/1.flv".into());
        assert_eq!(n.validate(now()), Err(LiveError::InvalidStreamUrl));
        n.stream_url = None;
        n.cover_url = Some("javascript:alert(1)".into());
        assert_eq!(n.validate(now()), Err(LiveError::InvalidCoverUrl));
        // Missing optional members in JSON mean none.
        let n: NewLiveSession = serde_json::from_str(r#"{"title":"今晚","starts_at":"2026-11-25T12:00:00Z"}"#).unwrap();
        assert_eq!((n.cover_url, n.stream_url), (None, None));
    }

    #[test]
    fn only_the_stores_owner_runs_the_room() {
        let s = session(LiveSessionStatus::Live);
        assert_eq!(check_store_owner(&owner("s-1", Role::Owner), &s), Ok(()));
        assert_eq!(check_store_owner(&owner("s-2", Role::Owner), &s), Err(LiveError::NotStoreOwner));
        assert_eq!(check_store_owner(&owner("s-1", Role::Resident), &s), Err(LiveError::NotStoreOwner));
        assert_eq!(LiveError::NotStoreOwner.http_status(), 403);
    }

    // --- Offers -----------------------------------------------------------------------

    #[test]
    fn valid_offer_is_cleaned() {
        let v = new_offer().validate(now(), Fen::from_fen(1580)).unwrap();
        assert_eq!(v.gift.as_deref(), Some("送葱一把"));
        assert_eq!(v.flash_price, Fen::from_fen(990));
        let mut n = new_offer();
        n.gift = Some("  ".into());
        assert_eq!(n.validate(now(), Fen::from_fen(1580)).unwrap().gift, None);
        n.gift = None;
        n.returning_price = None;
        n.per_buyer_cap = None;
        assert!(n.validate(now(), Fen::from_fen(1580)).is_ok());
    }

    #[test]
    fn flash_price_above_zero_and_at_most_regular() {
        let regular = Fen::from_fen(1580);
        let check = |flash: i64, returning: Option<i64>| {
            let n = NewOffer { flash_price: Fen::from_fen(flash), returning_price: returning.map(Fen::from_fen), ..new_offer() };
            n.validate(now(), regular)
        };
        assert!(check(1580, None).is_ok(), "the regular price itself is allowed");
        assert_eq!(check(1581, None), Err(LiveError::InvalidFlashPrice));
        assert_eq!(check(0, None), Err(LiveError::InvalidFlashPrice));
        assert_eq!(check(-1, None), Err(LiveError::InvalidFlashPrice));
        assert!(check(1, None).is_ok());
        // Returning price: above 0 and strictly below the flash price.
        assert!(check(990, Some(989)).is_ok());
        assert_eq!(check(990, Some(990)), Err(LiveError::InvalidReturningPrice));
        assert_eq!(check(990, Some(1200)), Err(LiveError::InvalidReturningPrice));
        assert_eq!(check(990, Some(0)), Err(LiveError::InvalidReturningPrice));
        assert!(check(990, Some(1)).is_ok());
        assert_eq!(check(1, Some(1)), Err(LiveError::InvalidReturningPrice));
        // A bad flash price is reported first.
        assert_eq!(check(0, Some(0)), Err(LiveError::InvalidFlashPrice));
    }

    #[test]
    fn allotment_and_cap_bounds() {
        let regular = Fen::from_fen(1580);
        for (allotted, ok) in [(0, false), (1, true), (9999, true), (10_000, false)] {
            let n = NewOffer { allotted, ..new_offer() };
            assert_eq!(n.validate(now(), regular).is_ok(), ok, "{allotted}");
            if !ok {
                assert_eq!(n.validate(now(), regular), Err(LiveError::InvalidAllotted));
            }
        }
        for (cap, ok) in [(Some(0), false), (Some(1), true), (Some(99), true), (Some(100), false), (None, true)] {
            let n = NewOffer { per_buyer_cap: cap, ..new_offer() };
            assert_eq!(n.validate(now(), regular).is_ok(), ok, "{cap:?}");
            if !ok {
                assert_eq!(n.validate(now(), regular), Err(LiveError::InvalidCap));
            }
        }
    }

    #[test]
    fn offer_window_rules() {
        let regular = Fen::from_fen(1580);
        let window = |opens: DateTime<Utc>, closes: DateTime<Utc>| {
            NewOffer { opens_at: opens, closes_at: closes, ..new_offer() }.validate(now(), regular)
        };
        let t = now();
        assert_eq!(window(t, t), Err(LiveError::InvalidOfferWindow));
        assert_eq!(window(t, t - secs(1)), Err(LiveError::InvalidOfferWindow));
        assert!(window(t, t + secs(1)).is_ok());
        assert!(window(t, t + Duration::hours(4)).is_ok(), "exactly 4 hours is allowed");
        assert_eq!(window(t, t + Duration::hours(4) + secs(1)), Err(LiveError::OfferWindowTooLong));
        // Opening in the past is fine ("open now" from a lagging phone); having closed is not.
        assert!(window(t - Duration::minutes(30), t + secs(1)).is_ok());
        assert_eq!(window(t - Duration::minutes(30), t), Err(LiveError::OfferWindowPassed));
        // Opening later in the evening is fine.
        assert!(window(t + Duration::hours(2), t + Duration::hours(3)).is_ok());
    }

    #[test]
    fn gift_is_counted_in_characters() {
        let regular = Fen::from_fen(1580);
        let gift = |g: String| NewOffer { gift: Some(g), ..new_offer() }.validate(now(), regular);
        assert!(gift("葱".repeat(30)).is_ok());
        assert_eq!(gift("葱".repeat(31)), Err(LiveError::GiftTooLong));
        assert_eq!(gift(format!(" {} ", "葱".repeat(30))).unwrap().gift.unwrap().chars().count(), 30);
        assert_eq!(gift("送\u{0}葱".into()), Err(LiveError::GiftTooLong));
    }

    #[test]
    fn pin_copies_the_product_at_pin_time() {
        let o = offer();
        assert_eq!(o.live_session_id.as_str(), "l-1");
        assert_eq!((o.name.as_str(), o.unit.as_str()), ("本地小白菜", "500g"));
        assert_eq!(o.image_url, "/images/products/p-cabbage.svg");
        assert_eq!(o.regular_price, Fen::from_fen(1580));
        assert_eq!((o.flash_price, o.returning_price), (Fen::from_fen(990), Some(Fen::from_fen(880))));
        assert_eq!((o.allotted, o.sold, o.per_buyer_cap), (10, 0, Some(3)));
        assert_eq!((o.pinned_at, o.opens_at, o.closes_at), (now(), now(), now() + Duration::minutes(10)));
        assert_eq!(o.gift.as_deref(), Some("送葱一把"));
        assert!(o.pinned);
        let json = serde_json::to_value(&o).unwrap();
        assert_eq!(json["flash_price"], 990);
        assert_eq!(json["closes_at"], "2026-11-25T12:10:00Z");
        assert_eq!(serde_json::from_value::<Offer>(json).unwrap(), o);
    }

    #[test]
    fn pin_refusals() {
        let id = || OfferId::parse("f-2").unwrap();
        for (status, err) in
            [(LiveSessionStatus::Scheduled, LiveError::LiveNotStarted), (LiveSessionStatus::Ended, LiveError::LiveEnded)]
        {
            assert_eq!(Offer::pin(id(), &session(status), &product(), &new_offer(), now()), Err(err));
        }
        let live = session(LiveSessionStatus::Live);
        let other_store = ProductSummary { store_id: StoreId::parse("s-2").unwrap(), ..product() };
        assert_eq!(Offer::pin(id(), &live, &other_store, &new_offer(), now()), Err(LiveError::ProductNotFound));
        let other_product = ProductSummary { id: ProductId::parse("p-egg").unwrap(), ..product() };
        assert_eq!(Offer::pin(id(), &live, &other_product, &new_offer(), now()), Err(LiveError::ProductNotFound));
        // Validated against the product's own price.
        let cheap = ProductSummary { price: Fen::from_fen(900), ..product() };
        assert_eq!(Offer::pin(id(), &live, &cheap, &new_offer(), now()), Err(LiveError::InvalidFlashPrice));
    }

    #[test]
    fn offer_state_boundaries() {
        let o = NewOffer { opens_at: now() + secs(60), closes_at: now() + secs(660), ..new_offer() };
        let o = Offer::pin(OfferId::parse("f-1").unwrap(), &session(LiveSessionStatus::Live), &product(), &o, now()).unwrap();
        let (opens, closes) = (o.opens_at, o.closes_at);
        assert_eq!(offer_state(&o, 0, opens - secs(1)), OfferState::Scheduled);
        assert_eq!(offer_state(&o, 0, opens), OfferState::Open, "open from opens_at exactly");
        assert_eq!(offer_state(&o, 9, closes - secs(1)), OfferState::Open);
        assert_eq!(offer_state(&o, 0, closes), OfferState::Closed, "closed from closes_at exactly");
        assert_eq!(offer_state(&o, 10, opens), OfferState::SoldOut, "sold == allotted");
        assert_eq!(offer_state(&o, 11, opens), OfferState::SoldOut);
        // Sold out does not show before opening, nor after closing.
        assert_eq!(offer_state(&o, 10, opens - secs(1)), OfferState::Scheduled);
        assert_eq!(offer_state(&o, 10, closes), OfferState::Closed);
        // Unpinned wins over everything.
        let mut down = o.clone();
        down.unpin();
        for t in [opens - secs(1), opens, closes - secs(1)] {
            assert_eq!(offer_state(&down, 0, t), OfferState::Closed);
        }
        let zh: Vec<_> =
            [OfferState::Scheduled, OfferState::Open, OfferState::SoldOut, OfferState::Closed].map(|s| s.label_zh()).to_vec();
        assert_eq!(zh, ["即将开抢", "抢购中", "已抢光", "已结束"]);
        assert_eq!(serde_json::to_value(OfferState::SoldOut).unwrap(), "sold_out");
        for state in [OfferState::Scheduled, OfferState::Open, OfferState::SoldOut, OfferState::Closed] {
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
    }

    #[test]
    fn remaining_and_stock_bar() {
        let o = offer();
        assert_eq!(o.remaining(3), 7);
        assert_eq!(o.remaining(12), 0);
        assert_eq!(o.sold_share(0).to_string(), "0%");
        assert_eq!(o.sold_share(3).to_string(), "30%");
        assert_eq!(o.sold_share(10), BasisPoints::FULL);
        assert_eq!(o.sold_share(12), BasisPoints::FULL, "never above 100%");
    }

    #[test]
    fn countdown_before_during_and_after() {
        let o = NewOffer { opens_at: now() + secs(90), closes_at: now() + secs(690), ..new_offer() };
        let o = Offer::pin(OfferId::parse("f-1").unwrap(), &session(LiveSessionStatus::Live), &product(), &o, now()).unwrap();
        assert_eq!(
            countdown(&o, 0, now()),
            Countdown { state: OfferState::Scheduled, seconds_to_open: Some(90), seconds_left: None }
        );
        // Part seconds round up: 0.5 s before opening still shows 1.
        let half = o.opens_at - Duration::milliseconds(500);
        assert_eq!(countdown(&o, 0, half).seconds_to_open, Some(1));
        assert_eq!(
            countdown(&o, 0, o.opens_at),
            Countdown { state: OfferState::Open, seconds_to_open: None, seconds_left: Some(600) }
        );
        assert_eq!(countdown(&o, 0, o.closes_at - Duration::milliseconds(1)).seconds_left, Some(1));
        assert_eq!(
            countdown(&o, 10, o.opens_at + secs(100)),
            Countdown { state: OfferState::SoldOut, seconds_to_open: None, seconds_left: Some(500) }
        );
        assert_eq!(
            countdown(&o, 0, o.closes_at),
            Countdown { state: OfferState::Closed, seconds_to_open: None, seconds_left: None }
        );
        let json = serde_json::to_value(countdown(&o, 0, now())).unwrap();
        assert_eq!(json, json!({ "state": "scheduled", "seconds_to_open": 90, "seconds_left": null }));
    }

    #[test]
    fn countdown_text() {
        assert_eq!(format_countdown(0), "00:00");
        assert_eq!(format_countdown(9), "00:09");
        assert_eq!(format_countdown(245), "04:05");
        assert_eq!(format_countdown(3599), "59:59");
        assert_eq!(format_countdown(3600), "1:00:00");
        assert_eq!(format_countdown(3723), "1:02:03");
        assert_eq!(format_countdown(4 * 3600), "4:00:00");
    }

    #[test]
    fn tier_price_choice() {
        let o = offer();
        assert_eq!(price_for(&o, 0), (Fen::from_fen(990), PriceTier::Flash), "a first-time buyer pays the flash price");
        assert_eq!(price_for(&o, 1), (Fen::from_fen(880), PriceTier::Returning), "one completed order is enough");
        assert_eq!(price_for(&o, 25), (Fen::from_fen(880), PriceTier::Returning));
        let no_tier = Offer { returning_price: None, ..o };
        assert_eq!(price_for(&no_tier, 0), (Fen::from_fen(990), PriceTier::Flash));
        assert_eq!(price_for(&no_tier, 5), (Fen::from_fen(990), PriceTier::Flash));
        assert!(!is_returning_customer(0));
        assert!(is_returning_customer(1));
        assert_eq!(serde_json::to_value(PriceTier::Returning).unwrap(), "returning");
        assert_eq!(PriceTier::Returning.label_zh(), "老顾客专享");
        assert_eq!(PriceTier::Flash.label_zh(), "秒杀价");
    }

    // --- Buying -----------------------------------------------------------------------

    #[test]
    fn live_buy_returns_sold_after() {
        let o = offer();
        assert_eq!(decide_live_buy(&o, 0, 0, 2, now()), Ok(2));
        assert_eq!(decide_live_buy(&o, 7, 0, 3, now()), Ok(10), "the last units");
        assert_eq!(decide_live_buy(&o, 5, 2, 1, now()), Ok(6), "up to the cap exactly");
        let uncapped = Offer { per_buyer_cap: None, ..o };
        assert_eq!(decide_live_buy(&uncapped, 0, 40, 10, now()), Ok(10));
    }

    #[test]
    fn live_buy_refusals() {
        let o = offer();
        assert_eq!(decide_live_buy(&o, 10, 0, 1, now()), Err(LiveError::Stock(ReserveError::SoldOut)), "sold == allotted");
        assert_eq!(decide_live_buy(&o, 12, 0, 1, now()), Err(LiveError::Stock(ReserveError::SoldOut)));
        assert_eq!(decide_live_buy(&o, 8, 0, 3, now()), Err(LiveError::Stock(ReserveError::InsufficientStock { available: 2 })));
        assert_eq!(decide_live_buy(&o, 0, 2, 2, now()), Err(LiveError::Stock(ReserveError::CapExceeded { cap: 3, already: 2 })));
        assert_eq!(decide_live_buy(&o, 0, 0, 4, now()), Err(LiveError::Stock(ReserveError::CapExceeded { cap: 3, already: 0 })));
    }

    #[test]
    fn live_buy_window_boundaries() {
        let o = NewOffer { opens_at: now() + secs(60), closes_at: now() + secs(660), ..new_offer() };
        let o = Offer::pin(OfferId::parse("f-1").unwrap(), &session(LiveSessionStatus::Live), &product(), &o, now()).unwrap();
        assert_eq!(decide_live_buy(&o, 0, 0, 1, o.opens_at - Duration::milliseconds(1)), Err(LiveError::OfferNotOpen));
        assert_eq!(decide_live_buy(&o, 0, 0, 1, o.opens_at), Ok(1));
        assert_eq!(decide_live_buy(&o, 0, 0, 1, o.closes_at - secs(1)), Ok(1));
        assert_eq!(decide_live_buy(&o, 0, 0, 1, o.closes_at), Err(LiveError::OfferClosed));
        let mut down = o.clone();
        down.unpin();
        assert_eq!(decide_live_buy(&down, 0, 0, 1, o.opens_at), Err(LiveError::OfferClosed));
        assert_eq!(decide_live_buy(&down, 0, 0, 1, o.opens_at - secs(1)), Err(LiveError::OfferClosed));
        // Closed and not-open are distinct codes.
        assert_eq!(LiveError::OfferNotOpen.code(), "offer_not_open");
        assert_eq!(LiveError::OfferClosed.code(), "offer_closed");
    }

    #[test]
    fn live_buy_quantity_first_then_state_then_cap_then_stock() {
        let o = offer();
        for q in [0, 100, u32::MAX] {
            assert_eq!(decide_live_buy(&o, 0, 0, q, now()), Err(LiveError::QuantityOutOfRange), "{q}");
        }
        assert_eq!(decide_live_buy(&Offer { per_buyer_cap: None, allotted: 200, ..o.clone() }, 0, 0, 99, now()), Ok(99));
        // A bad quantity is refused even when the offer is closed.
        assert_eq!(decide_live_buy(&o, 0, 0, 0, o.closes_at), Err(LiveError::QuantityOutOfRange));
        // The state answers before the cap and stock.
        assert_eq!(decide_live_buy(&o, 10, 5, 5, o.closes_at), Err(LiveError::OfferClosed));
        // Sold out and over the cap: the cap answers.
        assert_eq!(decide_live_buy(&o, 10, 0, 4, now()), Err(LiveError::Stock(ReserveError::CapExceeded { cap: 3, already: 0 })));
        // Short stock and over the cap: the cap answers.
        assert_eq!(decide_live_buy(&o, 9, 2, 2, now()), Err(LiveError::Stock(ReserveError::CapExceeded { cap: 3, already: 2 })));
        // Within the cap but short: stock answers.
        assert_eq!(decide_live_buy(&o, 9, 0, 2, now()), Err(LiveError::Stock(ReserveError::InsufficientStock { available: 1 })));
    }

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

    // --- 接龙 -------------------------------------------------------------------------

    #[test]
    fn chain_line_format() {
        let e = ChainEntry::new(23, "王小明", "3栋", 2, now());
        assert_eq!(e.buyer_display, "王**", "the broadcast entry holds the masked name");
        assert_eq!(chain_line(&e), "23. 王** 3栋 +2");
        assert_eq!(chain_line(&ChainEntry::new(1, "李", " 12幢 ", 1, now())), "1. 李* 12幢 +1");
        assert_eq!(chain_line(&ChainEntry::new(7, "Alice", "A座", 10, now())), "7. A**** A座 +10");
        assert_eq!(chain_line(&ChainEntry::new(2, "小明", "", 3, now())), "2. 小* +3");
        // A hand-built entry with a full name is still masked in the line.
        let raw = ChainEntry { buyer_display: "张三丰".into(), ..e.clone() };
        assert_eq!(chain_line(&raw), "23. 张** 3栋 +2");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            json!({ "seq": 23, "buyer_display": "王**", "building": "3栋", "quantity": 2, "at": "2026-11-25T12:00:00Z" })
        );
    }

    // --- Room events ------------------------------------------------------------------

    /// The events a room keeps after `n` stock changes.
    fn log_of(n: u64) -> Vec<RoomEvent> {
        let kinds = (0..n)
            .map(|i| RoomEventKind::StockChanged { offer_id: OfferId::parse("f-1").unwrap(), sold: i as u32, allotted: 10 })
            .collect();
        let mut events = number_events(0, now(), kinds);
        events.retain(|e| e.seq >= oldest_kept(n));
        events
    }

    fn seqs(resume: Resume<'_>) -> Option<Vec<u64>> {
        match resume {
            Resume::Events(events) => Some(events.iter().map(|e| e.seq).collect()),
            Resume::Snapshot => None,
        }
    }

    #[test]
    fn events_after_zero_middle_end() {
        let log = log_of(5);
        let events = &log;
        assert_eq!(seqs(events_after(events, 0)), Some(vec![1, 2, 3, 4, 5]), "0 = nothing seen yet");
        assert_eq!(seqs(events_after(events, 3)), Some(vec![4, 5]));
        assert_eq!(seqs(events_after(events, 4)), Some(vec![5]));
        assert_eq!(seqs(events_after(events, 5)), Some(vec![]), "up to date");
        assert_eq!(events_after(events, 6), Resume::Snapshot, "ahead of this room's history");
        assert_eq!(events_after(events, u64::MAX), Resume::Snapshot);
    }

    #[test]
    fn events_after_too_old_needs_a_snapshot() {
        let log = log_of(MAX_KEPT_EVENTS as u64 + 10);
        let events = &log;
        assert_eq!(events.len(), MAX_KEPT_EVENTS);
        assert_eq!((events[0].seq, events[events.len() - 1].seq), (11, 2010));
        assert_eq!(events_after(events, 0), Resume::Snapshot);
        assert_eq!(events_after(events, 9), Resume::Snapshot, "event 10 was dropped");
        assert_eq!(seqs(events_after(events, 10)).map(|s| s.len()), Some(MAX_KEPT_EVENTS), "10 seen, 11.. all kept");
        assert_eq!(seqs(events_after(events, 2008)), Some(vec![2009, 2010]));
    }

    #[test]
    fn events_after_empty() {
        assert_eq!(events_after(&[], 0), Resume::Events(&[]));
        assert_eq!(events_after(&[], 3), Resume::Snapshot);
    }

    #[test]
    fn events_are_numbered_on_without_gaps() {
        let first = number_events(0, now(), vec![RoomEventKind::LiveStarted, RoomEventKind::LiveEnded]);
        assert_eq!(first.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2]);
        let next = number_events(41, now(), vec![RoomEventKind::LiveStarted]);
        assert_eq!(next[0].seq, 42);
        assert!(number_events(7, now(), Vec::new()).is_empty());
        let full = log_of(MAX_KEPT_EVENTS as u64 + 1);
        assert_eq!((full.len(), full[0].seq), (MAX_KEPT_EVENTS, 2));
        assert!(full.windows(2).all(|w| w[1].seq == w[0].seq + 1));
        assert_eq!((oldest_kept(0), oldest_kept(1), oldest_kept(MAX_KEPT_EVENTS as u64)), (1, 1, 1));
    }

    #[test]
    fn resume_sends_a_first_visit_the_whole_room() {
        let log = log_of(3);
        assert_eq!(resume(&log, None), Resume::Snapshot, "a first visit gets the full state");
        assert_eq!(seqs(resume(&log, Some(1))), Some(vec![2, 3]));
        assert_eq!(seqs(resume(&log, Some(3))), Some(vec![]));
        assert_eq!(resume(&[], Some(0)), Resume::Events(&[]), "a new room, nothing missed");
        assert_eq!(resume(&log[2..], Some(0)), Resume::Snapshot, "events 1 and 2 were dropped");
    }

    fn snapshot_with(offers: Vec<Offer>) -> RoomSnapshot {
        RoomSnapshot {
            session: session(LiveSessionStatus::Live),
            offers,
            chain: Vec::new(),
            chain_total: 0,
            comments: Vec::new(),
            last_seq: 0,
            now: now(),
        }
    }

    #[test]
    fn snapshot_folds_events_in_sequence_only() {
        let mut room = snapshot_with(vec![offer()]);
        let f1 = OfferId::parse("f-1").unwrap();
        let events = number_events(
            0,
            now(),
            vec![
                RoomEventKind::ChainAppended { entry: ChainEntry::new(1, "王小明", "3栋", 2, now()) },
                RoomEventKind::StockChanged { offer_id: f1.clone(), sold: 2, allotted: 10 },
                RoomEventKind::comment("李阿姨", "好新鲜".into(), true),
            ],
        );
        assert_eq!(room.apply(&events[1]), Applied::Gap, "event 1 is missing");
        assert_eq!(room.last_seq, 0, "a gap changes nothing");
        for event in &events {
            assert_eq!(room.apply(event), Applied::Applied);
        }
        assert_eq!(room.apply(&events[0]), Applied::Duplicate);
        assert_eq!((room.last_seq, room.chain_total, room.chain.len()), (3, 1, 1));
        assert_eq!(chain_line(&room.chain[0]), "1. 王** 3栋 +2");
        assert_eq!(room.offers[0].sold, 2);
        assert_eq!(
            room.comments_newest_first(),
            vec![ShownComment { seq: 3, author: "李**".into(), text: "好新鲜".into(), is_koc: true }]
        );

        let more = number_events(3, now(), vec![RoomEventKind::OfferUnpinned { offer_id: f1 }, RoomEventKind::LiveEnded]);
        more.iter().for_each(|e| assert_eq!(room.apply(e), Applied::Applied));
        assert!(!room.offers[0].pinned);
        assert_eq!(room.session.status, LiveSessionStatus::Ended);
    }

    #[test]
    fn snapshot_keeps_the_newest_chain_lines_and_comments() {
        let mut room = snapshot_with(Vec::new());
        let kinds = (1..=SNAPSHOT_CHAIN_ENTRIES as u64 + 5)
            .flat_map(|n| {
                [
                    RoomEventKind::ChainAppended { entry: ChainEntry::new(n, "王小明", "3栋", 1, now()) },
                    RoomEventKind::comment("李阿姨", format!("第{n}条"), false),
                ]
            })
            .collect();
        number_events(0, now(), kinds).iter().for_each(|e| assert_eq!(room.apply(e), Applied::Applied));
        assert_eq!(room.chain.len(), SNAPSHOT_CHAIN_ENTRIES);
        assert_eq!(room.chain_total, SNAPSHOT_CHAIN_ENTRIES as u64 + 5);
        assert_eq!(room.chain[0].seq, 6, "the oldest lines go first");
        assert_eq!(room.comments.len(), SNAPSHOT_COMMENTS);
    }

    #[test]
    fn featured_offer_prefers_open_then_sold_out() {
        let mut sold_out = offer();
        sold_out.sold = sold_out.allotted;
        let mut later = offer();
        later.id = OfferId::parse("f-2").unwrap();
        later.opens_at = now() + Duration::minutes(5);
        let mut gone = offer();
        gone.id = OfferId::parse("f-3").unwrap();
        gone.unpin();
        let room = snapshot_with(vec![sold_out.clone(), later.clone(), gone]);
        assert_eq!(room.featured_offer(now()).map(|o| o.id.as_str()), Some("f-2"), "counting down beats sold out");
        let room = snapshot_with(vec![sold_out]);
        assert_eq!(room.featured_offer(now()).map(|o| o.id.as_str()), Some("f-1"));
        assert_eq!(room.featured_offer(now() + Duration::minutes(11)), None, "all closed");
    }

    #[test]
    fn keep_alive_frames_are_the_messages_serialized() {
        assert_eq!(serde_json::to_string(&ClientMessage::Ping).unwrap(), PING_FRAME);
        assert_eq!(serde_json::to_string(&ServerMessage::Pong).unwrap(), PONG_FRAME);
        assert_eq!(parse_client_message(PING_FRAME), Ok(ClientMessage::Ping));
    }

    #[test]
    fn price_tier_stored_form_round_trips() {
        for tier in [PriceTier::Flash, PriceTier::Returning] {
            assert_eq!(PriceTier::parse(tier.as_str()), Ok(tier));
            assert_eq!(serde_json::to_value(tier).unwrap(), tier.as_str());
        }
        assert!(PriceTier::parse("vip").is_err());
    }

    #[test]
    fn allotment_key_names_the_offer() {
        assert_eq!(live_allotment_key(&OfferId::parse("f-9").unwrap()), "live:f-9");
    }

    #[test]
    fn room_event_json_shape() {
        let event = |kind| RoomEvent { seq: 7, at: now(), kind };
        let f1 = || OfferId::parse("f-1").unwrap();
        assert_eq!(
            serde_json::to_value(event(RoomEventKind::LiveStarted)).unwrap(),
            json!({ "seq": 7, "at": "2026-11-25T12:00:00Z", "kind": { "type": "live_started" } })
        );
        assert_eq!(
            serde_json::to_value(event(RoomEventKind::StockChanged { offer_id: f1(), sold: 3, allotted: 10 })).unwrap()["kind"],
            json!({ "type": "stock_changed", "offer_id": "f-1", "sold": 3, "allotted": 10 })
        );
        assert_eq!(
            serde_json::to_value(event(RoomEventKind::comment("王小明", "还有吗".into(), true))).unwrap()["kind"],
            json!({ "type": "comment", "author": "王**", "text": "还有吗", "is_koc": true })
        );
        assert_eq!(
            serde_json::to_value(event(RoomEventKind::OfferUnpinned { offer_id: f1() })).unwrap()["kind"],
            json!({ "type": "offer_unpinned", "offer_id": "f-1" })
        );
        let pinned = serde_json::to_value(event(RoomEventKind::OfferPinned { offer: Box::new(offer()) })).unwrap();
        assert_eq!(pinned["kind"]["type"], "offer_pinned");
        assert_eq!(pinned["kind"]["offer"]["id"], "f-1");
        let chain =
            serde_json::to_value(event(RoomEventKind::ChainAppended { entry: ChainEntry::new(1, "李", "1栋", 1, now()) }))
                .unwrap();
        assert_eq!(chain["kind"]["type"], "chain_appended");
        assert_eq!(chain["kind"]["entry"]["buyer_display"], "李*");
        // Every kind survives a round trip.
        for kind in [
            RoomEventKind::OfferPinned { offer: Box::new(offer()) },
            RoomEventKind::OfferUnpinned { offer_id: f1() },
            RoomEventKind::StockChanged { offer_id: f1(), sold: 1, allotted: 2 },
            RoomEventKind::ChainAppended { entry: ChainEntry::new(1, "李", "1栋", 1, now()) },
            RoomEventKind::comment("李", "好".into(), false),
            RoomEventKind::LiveStarted,
            RoomEventKind::LiveEnded,
        ] {
            let e = event(kind);
            assert_eq!(serde_json::from_value::<RoomEvent>(serde_json::to_value(&e).unwrap()).unwrap(), e);
        }
    }

    // --- Viewer messages --------------------------------------------------------------

    #[test]
    fn parses_viewer_messages() {
        assert_eq!(parse_client_message(r#"{"type":"hello","last_seen":41}"#), Ok(ClientMessage::Hello { last_seen: Some(41) }));
        assert_eq!(parse_client_message(r#"{"type":"hello","last_seen":null}"#), Ok(ClientMessage::Hello { last_seen: None }));
        assert_eq!(parse_client_message(r#"{"type":"hello"}"#), Ok(ClientMessage::Hello { last_seen: None }));
        assert_eq!(parse_client_message(r#"{"type":"ping"}"#), Ok(ClientMessage::Ping));
        assert_eq!(
            parse_client_message(r#"{"type":"comment","text":"  还有白菜吗？ "}"#),
            Ok(ClientMessage::Comment { text: "还有白菜吗？".into() })
        );
        // What the browser sends is what the room reads.
        for m in [ClientMessage::Hello { last_seen: Some(3) }, ClientMessage::Ping, ClientMessage::Comment { text: "好".into() }]
        {
            assert_eq!(parse_client_message(&serde_json::to_string(&m).unwrap()), Ok(m));
        }
    }

    #[test]
    fn malformed_viewer_messages() {
        for bad in [
            "",
            "ping",
            "{",
            "null",
            "[]",
            "{}",
            r#"{"type":"shout"}"#,
            r#"{"type":"comment"}"#,
            r#"{"type":"comment","text":5}"#,
            r#"{"type":"hello","last_seen":-1}"#,
            r#"{"type":"hello","last_seen":"41"}"#,
            r#"{"type":"Ping"}"#,
            r#"{"type":"ping"} trailing"#,
        ] {
            assert_eq!(parse_client_message(bad), Err(LiveError::MalformedMessage), "{bad}");
        }
        let huge = format!(r#"{{"type":"comment","text":"{}"}}"#, "a".repeat(MAX_CLIENT_MESSAGE_BYTES));
        assert_eq!(parse_client_message(&huge), Err(LiveError::MalformedMessage));
        assert_eq!(LiveError::MalformedMessage.http_status(), 400);
    }

    #[test]
    fn comment_bounds() {
        let comment = |t: &str| parse_client_message(&serde_json::to_string(&ClientMessage::Comment { text: t.into() }).unwrap());
        assert!(comment(&"好".repeat(100)).is_ok());
        assert_eq!(comment(&"好".repeat(101)), Err(LiveError::InvalidComment));
        assert_eq!(comment(&format!("  {}  ", "好".repeat(100))), Ok(ClientMessage::Comment { text: "好".repeat(100) }));
        assert_eq!(comment(""), Err(LiveError::InvalidComment));
        assert_eq!(comment(" \n\t "), Err(LiveError::InvalidComment));
        assert_eq!(comment("第一行\n第二行"), Err(LiveError::InvalidComment));
        assert_eq!(comment("a"), Ok(ClientMessage::Comment { text: "a".into() }));
    }

    // --- Summary ----------------------------------------------------------------------

    fn live_order(n: u32, offer: &str, person: &str, quantity: u32, unit_price: i64, returning_customer: bool) -> LiveOrder {
        LiveOrder {
            order_id: OrderId::new_unchecked(format!("o-{n}")),
            offer_id: OfferId::parse(offer).unwrap(),
            person_id: PersonId::parse(person).unwrap(),
            quantity,
            unit_price: Fen::from_fen(unit_price),
            tier: if returning_customer && unit_price == 880 { PriceTier::Returning } else { PriceTier::Flash },
            returning_customer,
            at: now(),
        }
    }

    #[test]
    fn summary_figures() {
        let cabbage = offer();
        let eggs = Offer { id: OfferId::parse("f-2").unwrap(), name: "土鸡蛋".into(), allotted: 30, ..offer() };
        let orders = [
            live_order(1, "f-1", "r-1", 2, 880, true),
            live_order(2, "f-1", "r-2", 1, 990, false),
            live_order(3, "f-2", "r-1", 3, 1200, true),
            live_order(4, "f-1", "r-3", 3, 880, true),
            live_order(5, "f-2", "r-4", 1, 1200, false),
            live_order(6, "f-2", "r-2", 2, 1200, true),
            live_order(7, "f-1", "r-5", 1, 880, true),
            live_order(8, "f-2", "r-6", 1, 1200, false),
        ];
        let s = summarize(&[cabbage, eggs], &orders);
        assert_eq!(s.offers.len(), 2);
        let f1 = &s.offers[0];
        assert_eq!((f1.offer_id.as_str(), f1.name.as_str(), f1.allotted), ("f-1", "本地小白菜", 10));
        // 2×8.80 + 1×9.90 + 3×8.80 + 1×8.80 = 62.70
        assert_eq!((f1.units, f1.orders, f1.gmv), (7, 4, Fen::from_fen(6270)));
        let f2 = &s.offers[1];
        assert_eq!((f2.units, f2.orders, f2.gmv), (7, 4, Fen::from_fen(8400)));
        assert_eq!((s.orders, s.units, s.gmv), (8, 14, Fen::from_fen(14_670)));
        assert_eq!(s.distinct_buyers, 6);
        assert_eq!(s.returning_orders, 5);
        assert_eq!(s.returning_share, BasisPoints::ratio(5, 8));
        assert_eq!(s.returning_share.get(), 6250);
        assert_eq!(s.returning_share.to_string(), "62.5%");
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["returning_share"], 6250, "an integer on the wire, never a float");
        assert_eq!(json["gmv"], 14_670);
        assert_eq!(serde_json::from_value::<LiveSummary>(json).unwrap(), s);
    }

    #[test]
    fn summary_of_nothing_and_of_strays() {
        let s = summarize(&[offer()], &[]);
        assert_eq!((s.orders, s.units, s.gmv, s.distinct_buyers), (0, 0, Fen::ZERO, 0));
        assert_eq!(s.returning_share.to_string(), "0%");
        assert_eq!((s.offers[0].units, s.offers[0].gmv), (0, Fen::ZERO));
        // An order for an offer not listed counts in the totals only.
        let s = summarize(&[offer()], &[live_order(1, "f-9", "r-1", 2, 500, false)]);
        assert_eq!((s.orders, s.units, s.gmv), (1, 2, Fen::from_fen(1000)));
        assert_eq!(s.offers[0].orders, 0);
        // Amounts saturate instead of wrapping.
        let huge = [live_order(1, "f-1", "r-1", 99, i64::MAX / 2, false), live_order(2, "f-1", "r-2", 99, i64::MAX / 2, false)];
        let s = summarize(&[offer()], &huge);
        assert_eq!((s.gmv, s.offers[0].gmv), (Fen::from_fen(i64::MAX), Fen::from_fen(i64::MAX)));
    }

    #[test]
    fn basis_points_round_and_show() {
        assert_eq!(BasisPoints::ratio(1, 3).get(), 3333);
        assert_eq!(BasisPoints::ratio(2, 3).get(), 6667, "half up");
        assert_eq!(BasisPoints::ratio(1, 0).get(), 0);
        assert_eq!(BasisPoints::ratio(u32::MAX, u32::MAX), BasisPoints::FULL);
        assert_eq!(BasisPoints::ratio(1, 3).to_string(), "33.33%");
        assert_eq!(BasisPoints::ratio(5, 8).to_string(), "62.5%");
        assert_eq!(BasisPoints::FULL.to_string(), "100%");
        assert_eq!(BasisPoints::default().to_string(), "0%");
        assert_eq!(BasisPoints::ratio(1, 2000).to_string(), "0.05%");
        assert_eq!(BasisPoints::ratio(1, 10).to_string(), "10%");
        assert_eq!(BasisPoints::ratio(101, 1000).to_string(), "10.1%");
        assert_eq!(serde_json::to_string(&BasisPoints::ratio(5, 8)).unwrap(), "6250");
    }

    // --- Errors -----------------------------------------------------------------------

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
            LiveError::NotStoreOwner,
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
                403 => assert_eq!(e, LiveError::NotStoreOwner),
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
        let dynamic: &dyn ErrorCode = &LiveError::NotStoreOwner;
        assert_eq!((dynamic.code(), dynamic.http_status()), ("not_store_owner", 403));
    }
}
