//! After the live: the owner's report (orders, units, GMV, distinct buyers, the share of
//! returning customers), and [`BasisPoints`], the integer share it and the stock bars are
//! given in so the browser and the report agree exactly.

use super::{buy::PriceTier, offer::Offer};
use crate::{
    ids::{OfferId, OrderId, PersonId},
    money::Fen,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
};

/// A fraction in basis points (1/100 of a percent): 6250 is 62.5%. Integer on the wire,
/// so the browser and the owner's report agree exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BasisPoints(u32);

#[cfg(feature = "openapi")]
crate::openapi::integer_schema!(BasisPoints, "A fraction in basis points (6250 is 62.5%)");

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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveOrder {
    /// The order created for it.
    pub order_id: OrderId,
    /// The offer bought from.
    pub offer_id: OfferId,
    /// The buyer.
    pub person_id: PersonId,
    /// Units bought.
    pub quantity: u32,
    /// Price per unit paid (see [`price_for`](super::price_for)).
    pub unit_price: Fen,
    /// Which price that was.
    pub tier: PriceTier,
    /// Whether the buyer was a returning customer at the time, whether or not the offer
    /// had a returning price.
    pub returning_customer: bool,
    /// When it was accepted.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
}

/// How one offer did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::test_support::{now, offer};

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
}
