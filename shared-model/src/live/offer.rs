//! Flash offers: the owner's terms and their checks, pinning a product into a live (a
//! copy taken at pin time, so a catalogue edit cannot change an offer mid-countdown), and
//! the offer's state and countdown as the overlay shows them.
//!
//! [`offer_state`] is the one reading of "can this be bought now"; buying, the overlay
//! and the snapshot all go through it.

use super::{error::LiveError, session::LiveSession, summary::BasisPoints};
use crate::{
    cart::MAX_LINE_QUANTITY,
    catalog::ProductSummary,
    ids::{LiveSessionId, OfferId, ProductId},
    money::Fen,
    text::one_line,
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Most units one offer can allot to a live.
pub const MAX_ALLOTTED: u32 = 9999;
/// Longest offer window, in hours: a flash offer is a moment of the evening, not a shelf.
pub const MAX_OFFER_WINDOW_HOURS: i64 = 4;
/// Longest gift line (赠品), in characters.
pub const MAX_GIFT_CHARS: usize = 30;

/// An owner's flash offer to pin (`POST /api/v1/lives/{live}/offers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOffer {
    /// The store's product on offer.
    pub product_id: ProductId,
    /// Price per unit during the offer.
    pub flash_price: Fen,
    /// Lower price for returning customers (老顾客专享), if any.
    #[serde(default)]
    pub returning_price: Option<Fen>,
    /// Units allotted to the live.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 9999))]
    pub allotted: u32,
    /// Most units one buyer may take from this offer, if limited.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    pub per_buyer_cap: Option<u32>,
    /// When buying opens (the countdown runs to here).
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub opens_at: DateTime<Utc>,
    /// When buying closes (exclusive).
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
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
            Some(g) => Some(one_line(g, 1, MAX_GIFT_CHARS).ok_or(LiveError::GiftTooLong)?),
        };
        Ok(NewOffer { gift, ..self.clone() })
    }
}

/// A flash offer as the room stores it and viewers receive it. Product fields are copied
/// at pin time, so a later catalogue edit does not change an offer mid-countdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// [`RoomEventKind::StockChanged`](super::RoomEventKind::StockChanged) without
    /// resending the offer, so the rules take the current count as an argument.
    pub sold: u32,
    /// Most units one buyer may take from this offer, if limited.
    pub per_buyer_cap: Option<u32>,
    /// When it was pinned.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub pinned_at: DateTime<Utc>,
    /// When buying opens.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub opens_at: DateTime<Utc>,
    /// When buying closes (exclusive).
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
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
    /// ([`Action::RunLive`](crate::access::Action::RunLive)).
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        ids::StoreId,
        live::{
            session::LiveSessionStatus,
            test_support::{new_offer, now, offer, product, secs, session},
        },
    };
    use serde_json::json;

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
}
