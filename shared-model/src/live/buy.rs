//! Buying from an offer: which price a buyer pays (flash or 老顾客专享), the buy decision
//! itself, and the keys the worker records a buy under.
//!
//! [`decide_live_buy`] is what the room's Durable Object runs between reading and
//! writing; it checks quantity, offer state, per-buyer cap, then stock, in that order,
//! and takes every count as an argument so nothing here reads the clock or storage.

use super::{
    error::LiveError,
    offer::{offer_state, Offer, OfferState},
};
use crate::{
    cart::MAX_LINE_QUANTITY,
    ids::{stored_forms, OfferId, PickupPointId},
    money::Fen,
    stock::{check_cap, decide_reserve, ReserveError, ReserveRequest},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Completed orders that make a resident a returning customer (老顾客).
pub const RETURNING_MIN_COMPLETED_ORDERS: u32 = 1;

/// Which price a buyer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PriceTier {
    /// The flash price, for everyone.
    Flash,
    /// The returning-customer price (老顾客专享).
    Returning,
}

stored_forms!(PriceTier, "price tier", { Flash => "flash", Returning => "returning" });

impl PriceTier {
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

/// The most units a buyer who already holds `already` from `offer` may ask for in one
/// tap: what the per-buyer cap leaves them (the cap check [`decide_live_buy`] makes), what
/// is left of the allotment, at most 99 and at least 1. `Err(CapExceeded)` once their cap
/// is used up, so the page can turn the buy button off and say why.
pub fn most_per_buy(offer: &Offer, already: u32) -> Result<u32, ReserveError> {
    check_cap(offer.per_buyer_cap, already, 1)?;
    let cap_left = offer.per_buyer_cap.map_or(MAX_LINE_QUANTITY, |cap| cap.saturating_sub(already));
    Ok(cap_left.min(offer.remaining(offer.sold)).clamp(1, MAX_LINE_QUANTITY))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        live::{
            offer::NewOffer,
            session::LiveSessionStatus,
            test_support::{new_offer, now, offer, product, secs, session},
        },
        stock::ReserveError,
    };
    use chrono::Duration;

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
    fn what_a_buyer_may_still_take_in_one_tap() {
        // `offer()`: 10 allotted, 每人限购 3.
        let o = offer();
        assert_eq!(most_per_buy(&o, 0), Ok(3));
        assert_eq!(most_per_buy(&o, 2), Ok(1), "two bought, one left under the cap");
        assert_eq!(most_per_buy(&o, 3), Err(ReserveError::CapExceeded { cap: 3, already: 3 }));
        assert_eq!(most_per_buy(&o, 5), Err(ReserveError::CapExceeded { cap: 3, already: 5 }));
        assert_eq!(most_per_buy(&Offer { sold: 9, ..o.clone() }, 0), Ok(1), "never more than is left");
        assert_eq!(most_per_buy(&Offer { sold: 10, ..o.clone() }, 0), Ok(1), "sold out is the state's to say");
        let uncapped = Offer { per_buyer_cap: None, allotted: 500, ..o.clone() };
        assert_eq!(most_per_buy(&uncapped, 40), Ok(99));
        // Whatever it allows, the room accepts.
        for already in 0..3 {
            let most = most_per_buy(&o, already).unwrap();
            assert!(decide_live_buy(&o, o.sold, already, most, now()).is_ok(), "{already}");
            assert!(decide_live_buy(&o, o.sold, already, most + 1, now()).is_err(), "{already}");
        }
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
}
