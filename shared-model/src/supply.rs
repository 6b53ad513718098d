//! The back room: what to order from a supplier for tomorrow, and the rule every stock
//! movement keeps.
//!
//! Rules:
//! 1. **Quantity to order** ([`purchase_quantity`]): tomorrow's ordered units plus the
//!    safety stock, less what is on hand; never below zero; rounded up to whole packs of
//!    the supplier's pack size (a pack size of 0 is read as 1).
//! 2. **Conservation** ([`StockLedger`]): opening stock + received − written off = on the
//!    shelf + held by open orders + sold. Receipts (收货) and write-offs (报损) go through
//!    the same stock keeper as orders, so the ledger of a product always balances.

use serde::{Deserialize, Serialize};

/// Units to order from the supplier (rule 1).
pub fn purchase_quantity(ordered: u32, safety: u32, on_hand: u32, pack: u32) -> u32 {
    let needed = u64::from(ordered) + u64::from(safety);
    let short = needed.saturating_sub(u64::from(on_hand));
    let pack = u64::from(pack.max(1));
    u32::try_from(short.div_ceil(pack) * pack).unwrap_or(u32::MAX)
}

/// One product's stock movements over a period, in units (rule 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockLedger {
    /// On hand when the period opened.
    pub opening: u32,
    /// Received (收货).
    pub received: u32,
    /// Written off (报损).
    pub written_off: u32,
    /// On the shelf when the period closed (what the keeper has free).
    pub shelf: u32,
    /// Held by orders not yet picked up.
    pub in_open_orders: u32,
    /// Handed over (sold).
    pub sold: u32,
}

impl StockLedger {
    /// Units the ledger is off by: what came in and stayed, less what is accounted for
    /// (0 when it balances; positive when units went missing).
    pub fn discrepancy(&self) -> i64 {
        let came = i64::from(self.opening) + i64::from(self.received) - i64::from(self.written_off);
        let accounted = i64::from(self.shelf) + i64::from(self.in_open_orders) + i64::from(self.sold);
        came - accounted
    }

    /// Whether it balances (rule 2).
    pub fn balances(&self) -> bool {
        self.discrepancy() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_what_is_short_in_whole_packs() {
        // 37 ordered + 5 safety − 12 on hand = 30, in packs of 12: 3 packs, 36.
        assert_eq!(purchase_quantity(37, 5, 12, 12), 36);
        // Exactly whole packs stay as they are.
        assert_eq!(purchase_quantity(20, 4, 0, 6), 24);
        // Enough on hand: nothing.
        assert_eq!(purchase_quantity(10, 2, 15, 6), 0);
        // No pack size: by the unit.
        assert_eq!(purchase_quantity(7, 0, 2, 0), 5);
        assert_eq!(purchase_quantity(u32::MAX, u32::MAX, 0, 1), u32::MAX, "saturates");
    }

    #[test]
    fn the_ledger_balances_or_says_by_how_much() {
        // 40 opening + 36 received − 3 broken = 73 = 20 on the shelf + 8 held + 45 sold.
        let ledger = StockLedger { opening: 40, received: 36, written_off: 3, shelf: 20, in_open_orders: 8, sold: 45 };
        assert!(ledger.balances());
        let missing = StockLedger { shelf: 18, ..ledger };
        assert_eq!((missing.balances(), missing.discrepancy()), (false, 2));
    }
}
