//! The back room: tomorrow's pick list, what to order from a supplier for it, and the
//! rule every stock movement keeps.
//!
//! Rules:
//! 1. **Quantity to order** ([`purchase_quantity`]): tomorrow's ordered units plus the
//!    safety stock, less what is on hand; never below zero; rounded up to whole packs of
//!    the supplier's pack size (a pack size of 0 is read as 1).
//! 2. **Conservation** ([`StockLedger`]): opening stock + received − written off = on the
//!    shelf + held by open orders + sold. Receipts (收货) and write-offs (报损) go through
//!    the same stock keeper as orders, so the ledger of a product always balances.
//! 3. **The pick list** ([`pick_list`]): a pickup day's orders still to hand over (placed
//!    or ready for pickup), per pickup point in the points' order: first the totals by
//!    product (by name), then each order's bag by its 跟团号 (orders not yet numbered
//!    last, by placing time). It never carries a pickup code.

use crate::{
    ids::{OrderId, PickupPointId, ProductId},
    order::{Order, OrderStatus},
};
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

/// Units of one product to pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickLine {
    /// The product.
    pub product_id: ProductId,
    /// Its name as ordered.
    pub name: String,
    /// Its selling unit.
    pub unit: String,
    /// Units.
    pub quantity: u32,
}

/// One order's bag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bag {
    /// The order.
    pub order_id: OrderId,
    /// Its 跟团号, once numbered.
    pub group_number: Option<u32>,
    /// What goes in it, as ordered.
    pub lines: Vec<PickLine>,
}

/// One pickup point's part of the pick list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointPicks {
    /// The pickup point.
    pub pickup_point_id: PickupPointId,
    /// Its name.
    pub pickup_point_name: String,
    /// Units of each product for this point, by name.
    pub totals: Vec<PickLine>,
    /// The bags, by 跟团号.
    pub bags: Vec<Bag>,
}

/// The pick list of `orders` (rule 3); `points` gives the pickup points' order, and a
/// point with nothing to pick is left out.
pub fn pick_list(orders: &[Order], points: &[PickupPointId]) -> Vec<PointPicks> {
    let open = |o: &&Order| matches!(o.status, OrderStatus::Placed | OrderStatus::ReadyForPickup);
    let mut picks = Vec::new();
    for point in points {
        let mut here: Vec<&Order> = orders.iter().filter(open).filter(|o| &o.pickup_point.id == point).collect();
        let Some(first) = here.first() else { continue };
        let pickup_point_name = first.pickup_point.name.clone();
        here.sort_by(|a, b| {
            (a.group_number.is_none(), a.group_number, a.placed_at, &a.id).cmp(&(
                b.group_number.is_none(),
                b.group_number,
                b.placed_at,
                &b.id,
            ))
        });
        let mut totals: Vec<PickLine> = Vec::new();
        let mut bags = Vec::new();
        for order in here {
            let mut lines = Vec::new();
            for line in &order.lines {
                let pick = PickLine {
                    product_id: line.product_id.clone(),
                    name: line.name.clone(),
                    unit: line.unit.clone(),
                    quantity: line.quantity,
                };
                match totals.iter_mut().find(|t| t.product_id == line.product_id) {
                    Some(total) => total.quantity = total.quantity.saturating_add(line.quantity),
                    None => totals.push(pick.clone()),
                }
                lines.push(pick);
            }
            bags.push(Bag { order_id: order.id.clone(), group_number: order.group_number, lines });
        }
        totals.sort_by(|a, b| (&a.name, &a.product_id).cmp(&(&b.name, &b.product_id)));
        picks.push(PointPicks { pickup_point_id: point.clone(), pickup_point_name, totals, bags });
    }
    picks
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

    fn order(id: &str, point: &str, number: Option<u32>, status: OrderStatus, lines: &[(&str, u32)]) -> Order {
        use crate::{order::OrderLine, store::PickupPoint, Fen, PersonId, StoreId};
        use chrono::{TimeZone, Utc};
        let placed_at = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
        let lines: Vec<OrderLine> = lines
            .iter()
            .map(|(p, q)| {
                OrderLine::new(ProductId::parse(p).unwrap(), format!("品{p}"), "份".into(), Fen::from_fen(100), *q).unwrap()
            })
            .collect();
        Order {
            id: OrderId::parse(id).unwrap(),
            store_id: StoreId::parse("gubei").unwrap(),
            person_id: PersonId::parse("wang").unwrap(),
            status,
            lines,
            total: Fen::ZERO,
            pickup_point: PickupPoint {
                id: PickupPointId::parse(point).unwrap(),
                name: format!("点{point}"),
                address: String::new(),
                window: String::new(),
            },
            pickup_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            pickup_code: Some("123456".into()),
            note: None,
            placed_at,
            cancel_deadline: placed_at,
            timeline: Vec::new(),
            group_number: number,
            coupon: None,
        }
    }

    #[test]
    fn the_pick_list_totals_each_point_then_bags_by_number() {
        let orders = [
            order("o-3", "pp-a", Some(3), OrderStatus::Placed, &[("p-egg", 2), ("p-milk", 1)]),
            order("o-1", "pp-a", Some(1), OrderStatus::ReadyForPickup, &[("p-egg", 1)]),
            order("o-x", "pp-a", None, OrderStatus::Placed, &[("p-apple", 4)]),
            order("o-2", "pp-b", Some(2), OrderStatus::Placed, &[("p-milk", 5)]),
            // Handed over or cancelled: nothing left to pick.
            order("o-4", "pp-a", Some(4), OrderStatus::PickedUp, &[("p-egg", 9)]),
            order("o-5", "pp-a", Some(5), OrderStatus::Cancelled, &[("p-egg", 9)]),
        ];
        let points =
            [PickupPointId::parse("pp-b").unwrap(), PickupPointId::parse("pp-a").unwrap(), PickupPointId::parse("pp-c").unwrap()];
        let list = pick_list(&orders, &points);
        assert_eq!(list.len(), 2, "pp-c has nothing to pick");
        assert_eq!((list[0].pickup_point_name.as_str(), list[0].totals[0].quantity), ("点pp-b", 5));
        let a = &list[1];
        let totals: Vec<(&str, u32)> = a.totals.iter().map(|t| (t.product_id.as_str(), t.quantity)).collect();
        assert_eq!(totals, [("p-apple", 4), ("p-egg", 3), ("p-milk", 1)]);
        let bags: Vec<(&str, Option<u32>)> = a.bags.iter().map(|b| (b.order_id.as_str(), b.group_number)).collect();
        assert_eq!(bags, [("o-1", Some(1)), ("o-3", Some(3)), ("o-x", None)]);
        assert_eq!(a.bags[1].lines.len(), 2);
        let json = serde_json::to_string(&list).unwrap();
        assert!(!json.contains("123456") && !json.contains("pickup_code"), "never a pickup code");
    }
}
