//! The back room: tomorrow's pick list, what to order from a supplier for it, and the
//! rule every stock movement keeps.
//!
//! Rules:
//! 1. **Quantity to order** ([`purchase_quantity`]): tomorrow's ordered units plus the
//!    safety stock, less what is on hand (in the store: free on the shelf or held by open
//!    orders, the ledger's shelf + in open orders, so ordered units already taken from stock
//!    are not bought twice); never below zero; rounded up to whole packs of the supplier's
//!    pack size (a pack size of 0 is read as 1).
//! 2. **Conservation** ([`StockLedger`]): opening stock + received − written off = on the
//!    shelf + held by open orders + sold. Receipts (收货) and write-offs (报损) go through
//!    the same stock keeper as orders, so the ledger of a product always balances.
//! 3. **The pick list** ([`pick_list`]): a pickup day's orders still to hand over (placed
//!    or ready for pickup), per pickup point in the points' order: first the totals by
//!    product (by name), then each order's bag by its 跟团号 (orders not yet numbered
//!    last, by placing time). It never carries a pickup code.
//! 4. **The supply day** ([`supply_day`]): the 备货 page prepares tomorrow (store time);
//!    its orders are final once that day's 22:00 cut-off has passed.
//! 5. **Purchase orders** ([`purchase_orders`]): one per supplier for a store's pickup
//!    day ([`purchase_order_id`]: the same store, supplier and day is the same order, so
//!    sending it again never makes a second). A line per SKU of that supplier by rule 1,
//!    from the day's ordered units (open orders only, as the pick list counts them), the
//!    SKU's safety stock and its units on hand; a line of 0 is left out, and a supplier
//!    with no line has no order. Suppliers by name, lines by product name.
//! 6. **Delivery** ([`DeliveryStatus`], [`retry_delay_secs`]): a sent order is queued;
//!    each failed delivery is retried after `base × 2^(attempt − 1)` seconds (capped at
//!    [`MAX_RETRY_DELAY_SECS`]) until the queue gives up and it becomes a dead letter,
//!    which the owner may send again. The supplier is told the order's id as its
//!    `Idempotency-Key`, so a repeated delivery is one order to the supplier.

use crate::{
    ids::{stored_forms, OrderId, PickupPointId, ProductId, PurchaseOrderId, StoreId, SupplierId},
    order::{Order, OrderStatus},
    problem::impl_error_code,
    time::{cancel_deadline, local_date},
};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

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

/// The pickup day the 备货 page prepares at `now` (tomorrow, store time) and whether its
/// orders are final (its 22:00 cut-off has passed: no new order or cancellation for it).
pub fn supply_day(now: DateTime<Utc>) -> (NaiveDate, bool) {
    let day = local_date(now).checked_add_days(Days::new(1)).unwrap_or(NaiveDate::MAX);
    (day, now >= cancel_deadline(day))
}

/// The purchase order of `store` with `supplier` for `day` (rule 5): derived, so sending
/// the same order twice names the same order.
pub fn purchase_order_id(store: &StoreId, supplier: &SupplierId, day: NaiveDate) -> PurchaseOrderId {
    PurchaseOrderId::new_unchecked(format!("po-{}-{}-{}", store, supplier, day.format("%Y%m%d")))
}

/// What the store knows of one SKU for ordering it: who supplies it, in what packs, the
/// safety stock kept, and the units on hand (in the store, free or held by open orders).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkuSupply {
    pub product_id: ProductId,
    pub name: String,
    pub unit: String,
    pub supplier_id: SupplierId,
    pub pack_size: u32,
    pub safety_stock: u32,
    pub on_hand: u32,
}

/// A supplier as a purchase order names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Supplier {
    pub id: SupplierId,
    pub name: String,
    /// The demo chain's supplier, whose inbox is this project's own route (演示供应商).
    pub demo: bool,
}

/// One line of a purchase order, with the figures rule 1 took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurchaseLine {
    pub product_id: ProductId,
    pub name: String,
    pub unit: String,
    /// Units ordered by residents for the day.
    pub ordered: u32,
    /// The safety stock kept of it.
    pub safety_stock: u32,
    /// Units in the store: free on the shelf or held by open orders.
    pub on_hand: u32,
    /// The supplier's pack size.
    pub pack_size: u32,
    /// Units to order: a whole number of packs.
    pub quantity: u32,
}

impl PurchaseLine {
    /// Whole packs ordered.
    pub fn packs(&self) -> u32 {
        self.quantity / self.pack_size.max(1)
    }
}

/// A purchase order as the rules make it, before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurchasePlan {
    pub id: PurchaseOrderId,
    pub supplier: Supplier,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub pickup_date: NaiveDate,
    pub lines: Vec<PurchaseLine>,
}

/// Units ordered of each product by the open orders among `orders` (as the pick list
/// counts them).
pub fn ordered_units(orders: &[Order]) -> BTreeMap<ProductId, u32> {
    let mut units: BTreeMap<ProductId, u32> = BTreeMap::new();
    for order in orders.iter().filter(|o| matches!(o.status, OrderStatus::Placed | OrderStatus::ReadyForPickup)) {
        for line in &order.lines {
            let n = units.entry(line.product_id.clone()).or_default();
            *n = n.saturating_add(line.quantity);
        }
    }
    units
}

/// The purchase orders of `store` for `day` (rule 5): per supplier of `suppliers`, a line
/// per SKU of `skus` it supplies with units to order by rule 1; lines of 0 and suppliers
/// with no line left out.
pub fn purchase_orders(
    store: &StoreId,
    day: NaiveDate,
    ordered: &BTreeMap<ProductId, u32>,
    skus: &[SkuSupply],
    suppliers: &[Supplier],
) -> Vec<PurchasePlan> {
    let mut plans: Vec<PurchasePlan> = suppliers
        .iter()
        .filter_map(|supplier| {
            let mut lines: Vec<PurchaseLine> = skus
                .iter()
                .filter(|sku| sku.supplier_id == supplier.id)
                .map(|sku| {
                    let ordered = ordered.get(&sku.product_id).copied().unwrap_or(0);
                    PurchaseLine {
                        product_id: sku.product_id.clone(),
                        name: sku.name.clone(),
                        unit: sku.unit.clone(),
                        ordered,
                        safety_stock: sku.safety_stock,
                        on_hand: sku.on_hand,
                        pack_size: sku.pack_size.max(1),
                        quantity: purchase_quantity(ordered, sku.safety_stock, sku.on_hand, sku.pack_size),
                    }
                })
                .filter(|line| line.quantity > 0)
                .collect();
            if lines.is_empty() {
                return None;
            }
            lines.sort_by(|a, b| (&a.name, &a.product_id).cmp(&(&b.name, &b.product_id)));
            Some(PurchasePlan {
                id: purchase_order_id(store, &supplier.id, day),
                supplier: supplier.clone(),
                pickup_date: day,
                lines,
            })
        })
        .collect();
    plans.sort_by(|a, b| (&a.supplier.name, &a.supplier.id).cmp(&(&b.supplier.name, &b.supplier.id)));
    plans
}

/// Where a purchase order's delivery is (rule 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// On the queue, not yet tried.
    Queued,
    /// A delivery failed; the queue will try again.
    Retrying,
    /// The supplier took it. Final.
    Delivered,
    /// The queue gave up: on the dead-letter list until the owner sends it again.
    DeadLettered,
}

stored_forms!(DeliveryStatus, "delivery status", {
    Queued => "queued",
    Retrying => "retrying",
    Delivered => "delivered",
    DeadLettered => "dead_lettered",
});

impl DeliveryStatus {
    /// Whether sending it (again) now puts it on the queue: never once delivered, and
    /// not while the queue still holds it.
    pub fn may_send(status: Option<DeliveryStatus>) -> bool {
        matches!(status, None | Some(DeliveryStatus::DeadLettered))
    }
}

/// The longest wait between two deliveries (Cloudflare Queues accept up to 12 hours).
pub const MAX_RETRY_DELAY_SECS: u32 = 12 * 3600;

/// Seconds to wait before trying delivery again after failed attempt `attempt` (1 for
/// the first): `base × 2^(attempt − 1)`, at most [`MAX_RETRY_DELAY_SECS`] (rule 6).
pub fn retry_delay_secs(attempt: u32, base_secs: u32) -> u32 {
    let doubling = 1u64 << attempt.saturating_sub(1).min(32);
    u32::try_from((u64::from(base_secs) * doubling).min(u64::from(MAX_RETRY_DELAY_SECS))).unwrap_or(MAX_RETRY_DELAY_SECS)
}

/// The header carrying the chain's signature of a purchase order's body.
pub const SIGNATURE_HEADER: &str = "X-Linli-Signature";

/// The chain's signature of a purchase order's body, as hex: HMAC-SHA256 under the
/// chain's secret, the message starting with its own domain label (see `mac`).
pub fn purchase_order_signature(secret: &[u8], body: &[u8]) -> String {
    hex::encode(crate::mac::hmac_sha256(secret, &[b"linli purchase order\n", body]))
}

/// Whether `signature` is the chain's signature of `body` (compared in constant time).
pub fn signature_matches(secret: &[u8], body: &[u8], signature: &str) -> bool {
    use subtle::ConstantTimeEq;
    let expected = purchase_order_signature(secret, body);
    expected.len() == signature.len() && bool::from(expected.as_bytes().ct_eq(signature.as_bytes()))
}

/// Why a supply request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SupplyError {
    /// No such supplier of this store.
    #[error("no such supplier")]
    SupplierNotFound,
    /// The rules order nothing from this supplier for the day.
    #[error("nothing to order from this supplier for that day")]
    NothingToOrder,
    /// No such purchase order of this store.
    #[error("no such purchase order")]
    PurchaseOrderNotFound,
    /// Resending an order that is not on the dead-letter list.
    #[error("only a dead-lettered purchase order can be sent again")]
    NotDeadLettered,
    /// The demo supplier's inbox is switched off.
    #[error("the demo supplier's inbox is closed")]
    InboxClosed,
    /// A delivery to the demo inbox without the chain's signature.
    #[error("the delivery is not signed by the chain")]
    BadSignature,
}

impl SupplyError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            SupplyError::SupplierNotFound => "supplier_not_found",
            SupplyError::NothingToOrder => "nothing_to_order",
            SupplyError::PurchaseOrderNotFound => "purchase_order_not_found",
            SupplyError::NotDeadLettered => "not_dead_lettered",
            SupplyError::InboxClosed => "inbox_closed",
            SupplyError::BadSignature => "bad_signature",
        }
    }

    /// 404 for what does not exist, 409 for a state that says no, 503 for a closed
    /// inbox (the sender should try later), 401 for an unsigned delivery.
    pub fn http_status(&self) -> u16 {
        match self {
            SupplyError::SupplierNotFound | SupplyError::PurchaseOrderNotFound => 404,
            SupplyError::NothingToOrder | SupplyError::NotDeadLettered => 409,
            SupplyError::InboxClosed => 503,
            SupplyError::BadSignature => 401,
        }
    }
}
impl_error_code!(SupplyError);

#[cfg(test)]
pub(crate) mod tests {
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

    pub(crate) fn every_error() -> Vec<SupplyError> {
        use SupplyError::*;
        vec![SupplierNotFound, NothingToOrder, PurchaseOrderNotFound, NotDeadLettered, InboxClosed, BadSignature]
    }

    fn sku(id: &str, supplier: &str, pack: u32, safety: u32, on_hand: u32) -> SkuSupply {
        SkuSupply {
            product_id: ProductId::parse(id).unwrap(),
            name: format!("品{id}"),
            unit: "份".into(),
            supplier_id: SupplierId::parse(supplier).unwrap(),
            pack_size: pack,
            safety_stock: safety,
            on_hand,
        }
    }

    #[test]
    fn purchase_orders_per_supplier_by_the_rule_leaving_out_zeros() {
        let store = StoreId::parse("st-a").unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let suppliers = [
            Supplier { id: SupplierId::parse("sup-veg").unwrap(), name: "二号蔬菜".into(), demo: true },
            Supplier { id: SupplierId::parse("sup-egg").unwrap(), name: "一号蛋奶".into(), demo: true },
            Supplier { id: SupplierId::parse("sup-none").unwrap(), name: "丙".into(), demo: false },
        ];
        let skus = [
            // 7 ordered + 3 safety − 2 on hand = 8, in packs of 6: 12.
            sku("p-egg", "sup-egg", 6, 3, 2),
            // Nothing ordered, 4 safety, 0 on hand: 4 in packs of 10: 10.
            sku("p-milk", "sup-egg", 10, 4, 0),
            // 5 ordered + 2 safety − 9 on hand: nothing, left out.
            sku("p-cabbage", "sup-veg", 5, 2, 9),
            // 12 ordered + 0 − 0 in packs of 4: 12 exactly.
            sku("p-apple", "sup-veg", 4, 0, 0),
            // Enough on hand and nothing ordered: sup-none has no order.
            sku("p-salt", "sup-none", 1, 1, 5),
        ];
        let ordered: BTreeMap<ProductId, u32> =
            [("p-egg", 7), ("p-cabbage", 5), ("p-apple", 12)].iter().map(|(p, n)| (ProductId::parse(p).unwrap(), *n)).collect();
        let plans = purchase_orders(&store, day, &ordered, &skus, &suppliers);
        type Shown<'a> = Vec<(&'a str, Vec<(&'a str, u32, u32)>)>;
        let shown: Shown = plans
            .iter()
            .map(|p| (p.id.as_str(), p.lines.iter().map(|l| (l.product_id.as_str(), l.quantity, l.packs())).collect()))
            .collect();
        assert_eq!(
            shown,
            [
                ("po-st-a-sup-egg-20261204", vec![("p-egg", 12, 2), ("p-milk", 10, 1)]),
                ("po-st-a-sup-veg-20261204", vec![("p-apple", 12, 3)]),
            ]
        );
        assert_eq!((plans[0].lines[0].ordered, plans[0].lines[0].safety_stock, plans[0].lines[0].on_hand), (7, 3, 2));
    }

    #[test]
    fn ordered_units_count_open_orders_only() {
        let orders = [
            order("o-1", "pp-a", Some(1), OrderStatus::Placed, &[("p-egg", 2), ("p-milk", 1)]),
            order("o-2", "pp-b", Some(2), OrderStatus::ReadyForPickup, &[("p-egg", 3)]),
            order("o-3", "pp-a", Some(3), OrderStatus::Cancelled, &[("p-egg", 9)]),
            order("o-4", "pp-a", Some(4), OrderStatus::PickedUp, &[("p-milk", 9)]),
        ];
        let units = ordered_units(&orders);
        let units: Vec<(&str, u32)> = units.iter().map(|(p, n)| (p.as_str(), *n)).collect();
        assert_eq!(units, [("p-egg", 5), ("p-milk", 1)]);
    }

    #[test]
    fn the_same_store_supplier_and_day_is_the_same_order() {
        let (store, supplier) = (StoreId::parse("st-a").unwrap(), SupplierId::parse("sup-1").unwrap());
        let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 2).unwrap();
        assert_eq!(purchase_order_id(&store, &supplier, day), purchase_order_id(&store, &supplier, day));
        assert_eq!(purchase_order_id(&store, &supplier, day).as_str(), "po-st-a-sup-1-20270102");
        assert_ne!(purchase_order_id(&store, &supplier, day), purchase_order_id(&store, &supplier, day.succ_opt().unwrap()));
        assert!(crate::PurchaseOrderId::parse(purchase_order_id(&store, &supplier, day).as_str()).is_ok());
    }

    #[test]
    fn the_supply_day_is_tomorrow_final_from_the_cutoff() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let d = |day: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
        assert_eq!(supply_day(at("2026-12-03T21:59:59+08:00")), (d(4), false));
        assert_eq!(supply_day(at("2026-12-03T22:00:00+08:00")), (d(4), true));
        assert_eq!(supply_day(at("2026-12-04T00:30:00+08:00")), (d(5), false));
    }

    #[test]
    fn a_signature_holds_for_its_body_and_secret_only() {
        let sig = purchase_order_signature(b"secret", b"{\"id\":\"po-1\"}");
        assert_eq!(sig.len(), 64);
        assert!(signature_matches(b"secret", b"{\"id\":\"po-1\"}", &sig));
        assert!(!signature_matches(b"secret", b"{\"id\":\"po-2\"}", &sig));
        assert!(!signature_matches(b"other", b"{\"id\":\"po-1\"}", &sig));
        assert!(!signature_matches(b"secret", b"{\"id\":\"po-1\"}", ""));
    }

    #[test]
    fn retries_back_off_doubling_to_a_cap() {
        assert_eq!([1, 2, 3, 4].map(|a| retry_delay_secs(a, 1)), [1, 2, 4, 8]);
        assert_eq!([1, 2, 3].map(|a| retry_delay_secs(a, 30)), [30, 60, 120]);
        assert_eq!(retry_delay_secs(0, 30), 30, "attempt 0 reads as the first");
        assert_eq!(retry_delay_secs(40, 30), MAX_RETRY_DELAY_SECS);
        assert_eq!(retry_delay_secs(u32::MAX, u32::MAX), MAX_RETRY_DELAY_SECS);
    }

    #[test]
    fn only_a_dead_letter_or_an_unsent_order_is_sent() {
        assert!(DeliveryStatus::may_send(None));
        assert!(DeliveryStatus::may_send(Some(DeliveryStatus::DeadLettered)));
        for s in [DeliveryStatus::Queued, DeliveryStatus::Retrying, DeliveryStatus::Delivered] {
            assert!(!DeliveryStatus::may_send(Some(s)), "{s:?}");
        }
        for s in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(s.as_str()), Ok(s));
        }
    }
}
