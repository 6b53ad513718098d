//! The stock reservation rule, applied synchronously by the per-SKU Durable Object.
//!
//! Policy:
//! - A reservation takes units off `available` at order time; cancelling gives them back.
//!   The object reads, calls [`decide_reserve`] and writes with no `.await` in between,
//!   so concurrent buyers are serialised and nothing is oversold.
//! - The per-buyer cap is checked first: it depends only on the buyer, so the answer a
//!   buyer gets for "too many" does not flicker with other people's orders.
//! - An order reserves its lines one SKU at a time in [`reservation_order`] (by product
//!   ID), all-or-nothing: on the first refusal the lines already taken are released in
//!   reverse. A fixed order makes that rollback deterministic.
//! - Each reservation is keyed by [`reservation_key`] (order × product), so a retried
//!   order never takes stock twice and a release is idempotent.
//! - A per-buyer cap limits what one buyer holds for one pickup day ([`cap_window`]):
//!   a 限购 2 offer means two boxes for tomorrow, not two boxes for life.

use crate::{
    cart::CartLine,
    ids::{OrderId, ProductId},
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One buyer asking for units of one SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveRequest {
    /// Units wanted now.
    pub quantity: u32,
    /// Units this buyer already holds in open reservations of this SKU for the same
    /// pickup day (see [`cap_window`]).
    pub buyer_already: u32,
    /// Most units one buyer may hold, if limited.
    pub per_buyer_cap: Option<u32>,
}

/// The window a per-buyer cap counts within: the order's pickup day (`YYYY-MM-DD`).
pub fn cap_window(pickup_date: chrono::NaiveDate) -> String {
    pickup_date.format("%Y-%m-%d").to_string()
}

/// Decides a reservation against `available` units: `Ok(remaining)` after taking the
/// units, or why not. Checks, in order: zero quantity, the per-buyer cap, sold out,
/// short stock.
pub fn decide_reserve(available: u32, req: &ReserveRequest) -> Result<u32, ReserveError> {
    if req.quantity == 0 {
        return Err(ReserveError::InvalidQuantity);
    }
    check_cap(req.per_buyer_cap, req.buyer_already, req.quantity)?;
    if available == 0 {
        return Err(ReserveError::SoldOut);
    }
    if req.quantity > available {
        return Err(ReserveError::InsufficientStock { available });
    }
    Ok(available - req.quantity)
}

/// The per-buyer cap: a buyer holding `already` units may take `quantity` more only if
/// the two together stay within `per_buyer_cap` (no cap, no limit). The one check behind
/// a reservation ([`decide_reserve`]), a live buy and a cart line
/// ([`crate::cart::check_cart_quantity`]).
pub fn check_cap(per_buyer_cap: Option<u32>, already: u32, quantity: u32) -> Result<(), ReserveError> {
    match per_buyer_cap {
        Some(cap) if already.saturating_add(quantity) > cap => Err(ReserveError::CapExceeded { cap, already }),
        _ => Ok(()),
    }
}

/// Units on hand after `quantity` reserved units come back (saturating).
pub fn release(available: u32, quantity: u32) -> u32 {
    available.saturating_add(quantity)
}

/// The order in which an order's lines are taken: sorted by product ID (stable). Order
/// capture reserves them all at once and names the first refused in this order.
pub fn reservation_order(lines: &[CartLine]) -> Vec<CartLine> {
    let mut sorted = lines.to_vec();
    sorted.sort_by(|a, b| a.product_id.cmp(&b.product_id));
    sorted
}

/// The key of one order's reservation of one product: `<order>:<product>`. IDs never
/// contain `:`, so the key is unambiguous.
pub fn reservation_key(order_id: &OrderId, product_id: &ProductId) -> String {
    format!("{order_id}:{product_id}")
}

/// The order a reservation key belongs to (the inverse of [`reservation_key`]).
pub fn order_of_reservation(key: &str) -> Option<&str> {
    key.split_once(':').map(|(order, _)| order).filter(|o| !o.is_empty())
}

/// Why a reservation was refused. Crosses the Durable Object boundary as JSON, tagged by
/// its `code`: `{"code":"cap_exceeded","cap":2,"already":1}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ReserveError {
    /// Zero units asked for.
    #[error("the quantity must be at least 1")]
    InvalidQuantity,
    /// The buyer would hold more than the per-buyer cap.
    #[error("at most {cap} per buyer (already holding {already})")]
    CapExceeded {
        /// The per-buyer cap.
        cap: u32,
        /// Units the buyer already holds.
        already: u32,
    },
    /// None left.
    #[error("sold out")]
    SoldOut,
    /// Fewer units left than asked for.
    #[error("only {available} left")]
    InsufficientStock {
        /// Units left.
        available: u32,
    },
}

impl ReserveError {
    /// Stable machine code for the problem body (the same as the serde tag).
    pub fn code(&self) -> &'static str {
        match self {
            ReserveError::InvalidQuantity => "invalid_quantity",
            ReserveError::CapExceeded { .. } => "cap_exceeded",
            ReserveError::SoldOut => "sold_out",
            ReserveError::InsufficientStock { .. } => "insufficient_stock",
        }
    }

    /// The numbers the message shows: the cap and what is already held, or what is left.
    pub fn args(&self) -> Vec<(&'static str, i64)> {
        match *self {
            ReserveError::CapExceeded { cap, already } => vec![("cap", cap.into()), ("already", already.into())],
            ReserveError::InsufficientStock { available } => vec![("available", available.into())],
            _ => Vec::new(),
        }
    }

    /// 422 for a bad quantity; 409 when the stock or the cap says no.
    pub fn http_status(&self) -> u16 {
        match self {
            ReserveError::InvalidQuantity => 422,
            _ => 409,
        }
    }
}

crate::problem::impl_error_code!(ReserveError, args);

#[cfg(test)]
mod tests {
    use super::*;

    fn req(quantity: u32, buyer_already: u32, per_buyer_cap: Option<u32>) -> ReserveRequest {
        ReserveRequest { quantity, buyer_already, per_buyer_cap }
    }

    #[test]
    fn reserves_and_returns_remaining() {
        assert_eq!(decide_reserve(10, &req(3, 0, None)), Ok(7));
        assert_eq!(decide_reserve(3, &req(3, 0, None)), Ok(0));
        assert_eq!(decide_reserve(10, &req(2, 1, Some(3))), Ok(8));
    }

    #[test]
    fn each_refusal() {
        assert_eq!(decide_reserve(10, &req(0, 0, None)), Err(ReserveError::InvalidQuantity));
        assert_eq!(decide_reserve(10, &req(2, 2, Some(3))), Err(ReserveError::CapExceeded { cap: 3, already: 2 }));
        assert_eq!(decide_reserve(0, &req(1, 0, None)), Err(ReserveError::SoldOut));
        assert_eq!(decide_reserve(2, &req(3, 0, None)), Err(ReserveError::InsufficientStock { available: 2 }));
    }

    #[test]
    fn cap_is_checked_before_stock() {
        // Sold out and over the cap: the cap answers.
        assert_eq!(decide_reserve(0, &req(3, 0, Some(2))), Err(ReserveError::CapExceeded { cap: 2, already: 0 }));
        // Short stock and over the cap: the cap answers.
        assert_eq!(decide_reserve(1, &req(3, 0, Some(2))), Err(ReserveError::CapExceeded { cap: 2, already: 0 }));
        // Zero quantity is refused before anything else.
        assert_eq!(decide_reserve(0, &req(0, 5, Some(2))), Err(ReserveError::InvalidQuantity));
        // A cap of zero refuses everyone.
        assert_eq!(decide_reserve(10, &req(1, 0, Some(0))), Err(ReserveError::CapExceeded { cap: 0, already: 0 }));
    }

    #[test]
    fn cap_arithmetic_does_not_overflow() {
        assert_eq!(
            decide_reserve(u32::MAX, &req(u32::MAX, u32::MAX, Some(u32::MAX - 1))),
            Err(ReserveError::CapExceeded { cap: u32::MAX - 1, already: u32::MAX })
        );
        assert_eq!(decide_reserve(u32::MAX, &req(u32::MAX, 0, Some(u32::MAX))), Ok(0));
    }

    #[test]
    fn release_gives_units_back() {
        assert_eq!(release(0, 3), 3);
        assert_eq!(release(u32::MAX, 1), u32::MAX);
        // Reserve then release restores the count.
        let left = decide_reserve(7, &req(4, 0, None)).unwrap();
        assert_eq!(release(left, 4), 7);
    }

    #[test]
    fn reservation_order_sorts_by_product_id() {
        let line = |id: &str, q| CartLine { product_id: ProductId::parse(id).unwrap(), quantity: q };
        let lines = vec![line("p-c", 1), line("p-a", 2), line("p-b", 3)];
        let ordered = reservation_order(&lines);
        let ids: Vec<&str> = ordered.iter().map(|l| l.product_id.as_str()).collect();
        assert_eq!(ids, ["p-a", "p-b", "p-c"]);
        assert_eq!(ordered[0].quantity, 2);
        // Any permutation gives the same order.
        let mut reversed = lines.clone();
        reversed.reverse();
        assert_eq!(reservation_order(&reversed), ordered);
        assert!(reservation_order(&[]).is_empty());
    }

    #[test]
    fn reservation_key_joins_order_and_product() {
        let key = reservation_key(&OrderId::parse("o-123").unwrap(), &ProductId::parse("p-9").unwrap());
        assert_eq!(key, "o-123:p-9");
    }

    #[test]
    fn codes_and_statuses() {
        assert_eq!(ReserveError::InvalidQuantity.code(), "invalid_quantity");
        assert_eq!(ReserveError::CapExceeded { cap: 1, already: 1 }.code(), "cap_exceeded");
        assert_eq!(ReserveError::SoldOut.http_status(), 409);
        assert_eq!(ReserveError::InvalidQuantity.http_status(), 422);
        // The serde tag and code() agree for every variant.
        for e in [
            ReserveError::InvalidQuantity,
            ReserveError::CapExceeded { cap: 1, already: 0 },
            ReserveError::SoldOut,
            ReserveError::InsufficientStock { available: 1 },
        ] {
            assert_eq!(serde_json::to_value(e).unwrap()["code"], e.code());
        }
    }

    #[test]
    fn caps_count_per_pickup_day() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(cap_window(day), "2026-11-26");
        assert_ne!(cap_window(day), cap_window(day.succ_opt().unwrap()), "a new day is a new window");
    }

    #[test]
    fn reservation_keys_lead_back_to_their_order() {
        let order = OrderId::parse("o-1234").unwrap();
        let key = reservation_key(&order, &ProductId::parse("p-egg").unwrap());
        assert_eq!(order_of_reservation(&key), Some("o-1234"));
        assert_eq!(order_of_reservation("no-colon"), None);
        assert_eq!(order_of_reservation(":p-egg"), None);
    }
}
