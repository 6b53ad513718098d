//! Request and response bodies of the JSON API under `/api/v1/` that are not domain
//! types themselves. Single resources (a `Store`, a `ProductDetail`, `Me`, an `Order`, a
//! `CartSummary`) are sent as they are; lists are wrapped in an object named after them,
//! so fields can be added later without breaking clients.

use crate::{
    cart::{CartBrief, CartSummary},
    catalog::{validate_cap, validate_stock, CatalogError, Category, ProductSummary},
    coupon::{coupons_for_cart, CartCoupon, Coupon, CouponState, CouponTerms},
    ids::{LiveSessionId, OfferId, OrderId, PersonId, PickupPointId, ProductId, StoreId},
    live::{LiveSession, LiveSessionStatus, RoomSnapshot},
    markdown::{Markdown, MarkdownPlan, MarkdownRate},
    movement::{CountLine, MovementKind, ReceiptLine, WriteOffReason},
    order::{Order, OrderStatus, OrderSummary},
    store::Store,
    time::pickup_date_for,
    Fen,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};

/// `PUT /api/v1/cart/items/{product}`: set the line to this many units.
///
/// `i64`, not `u32`, so a negative or huge number reaches the server, which answers with
/// a clear `quantity_out_of_range` problem (see `cart::validate_quantity`) instead of a
/// generic JSON decoding error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetCartQuantity {
    /// Units wanted (valid: 1..=99).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    pub quantity: i64,
}

/// `GET /api/v1/cart` and the answer to every cart edit: the priced cart and the date
/// an order placed now would be picked up (the server's clock decides the cut-off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartView {
    /// The priced cart.
    pub cart: CartSummary,
    /// Pickup date of an order placed now (`time::pickup_date_for`).
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub pickup_date: NaiveDate,
    /// Her usable coupons for this cart, the best first (`coupon::coupons_for_cart`).
    #[serde(default)]
    pub coupons: Vec<CartCoupon>,
}

impl CartView {
    /// The view of `cart` at `now`, with her `coupons` weighed against it.
    pub fn new(cart: CartSummary, coupons: &[Coupon], person: &PersonId, store: &StoreId, now: DateTime<Utc>) -> Self {
        let lines = cart.order_lines_priced();
        let coupons = coupons_for_cart(coupons, &lines, person, store, now);
        CartView { cart, pickup_date: pickup_date_for(now), coupons }
    }
}

/// A [`CartView`] as the shop's add buttons read it: the cart, briefly ([`CartBrief`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartViewBrief {
    pub cart: CartBrief,
}

/// `POST /api/v1/stores/{store}/coupons`: the owner gives coupons on `terms` to residents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueCoupons {
    /// Residents of the store (1..=200).
    pub person_ids: Vec<PersonId>,
    /// What each gets.
    pub terms: CouponTerms,
}

/// Coupons just issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCoupons {
    /// One per resident.
    pub coupons: Vec<Coupon>,
}

/// One of her coupons and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldCoupon {
    /// The coupon.
    pub coupon: Coupon,
    /// Usable, used or expired, now.
    pub state: CouponState,
}

/// `GET /api/v1/me/coupons`: her coupons in her store, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouponList {
    /// At most 100.
    pub coupons: Vec<HeldCoupon>,
}

/// `DELETE /api/v1/sessions/current`: the session is gone and its cookie cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedOut {
    /// Always `true`.
    pub signed_out: bool,
}

/// `GET /api/v1/stores`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreList {
    /// Every store.
    pub stores: Vec<Store>,
}

/// `GET /api/v1/stores/{store}/products`: the matching products, plus every category for
/// the filter bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductList {
    /// Products on sale that match the query.
    pub products: Vec<ProductSummary>,
    /// All categories.
    pub categories: Vec<Category>,
}

/// `GET /api/v1/orders`: the resident's orders, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderList {
    /// Order summaries.
    pub orders: Vec<OrderSummary>,
}

/// One order in the owner's pickup list: the summary and who collects it where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreOrder {
    #[serde(flatten)]
    pub summary: OrderSummary,
    pub buyer_nickname: String,
    pub buyer_building: String,
    pub buyer_unit: String,
    /// The last four digits of the buyer's phone, to tell namesakes apart at the counter.
    #[serde(default)]
    pub buyer_phone_tail: String,
    pub pickup_point_name: String,
    /// The order's 跟团号 on its pickup day (`pickup` module).
    #[serde(default)]
    pub group_number: u32,
}

/// `GET /api/v1/stores/{store}/orders?pickup_date=&q=&cursor=`: what the owner prepares
/// and hands over on one pickup day, oldest first, a page at a time, optionally only the
/// orders matching a search (`pickup::PickupQuery`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreOrderList {
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub pickup_date: NaiveDate,
    pub orders: Vec<StoreOrder>,
    /// Where the next page starts (`cursor=`), absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Orders of the day in all (whatever the search), for the list's heading.
    #[serde(default)]
    pub day_total: u32,
}

/// `POST /api/v1/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceOrderResponse {
    /// The order.
    pub order: Order,
    /// `true` when the Idempotency-Key had already placed this order and nothing new
    /// happened (answered 200 rather than 201).
    pub replayed: bool,
}

/// What the live room's 立即抢购 reads of its [`PlaceOrderResponse`]: the order's ID,
/// pickup code and units. serde passes over the rest, so the live room's bundle carries
/// no reader for a whole [`Order`] (its lines' prices, pickup point, timeline, coupon).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PlacedOrderBrief {
    /// The order, briefly.
    pub order: OrderBrief,
}

/// An [`Order`] as [`PlacedOrderBrief`] reads it, and as the live room answers a buy
/// over its socket (`live::ServerMessage::Bought`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderBrief {
    /// The order.
    pub id: OrderId,
    /// Its lines' units.
    pub lines: Vec<LineUnits>,
    /// The code to show at pickup (the buyer's own order always has one).
    #[serde(default)]
    pub pickup_code: Option<String>,
}

/// An order line's units, as [`OrderBrief`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineUnits {
    /// Units of the line.
    pub quantity: u32,
}

impl From<&Order> for OrderBrief {
    fn from(order: &Order) -> Self {
        Self {
            id: order.id.clone(),
            lines: order.lines.iter().map(|l| LineUnits { quantity: l.quantity }).collect(),
            pickup_code: order.pickup_code.clone(),
        }
    }
}

impl OrderBrief {
    /// Units bought in all, as [`Order::item_count`].
    pub fn item_count(&self) -> u32 {
        crate::order::item_count(self.lines.iter().map(|l| l.quantity))
    }
}

/// `POST /api/v1/orders/{order}/cancellation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelOrderResponse {
    /// The order, now cancelled.
    pub order: Order,
}

/// `PATCH /api/v1/stores/{store}/products/{product}`: an owner's edit of stock and cap.
/// Absent fields are left as they are.
///
/// - `stock`: absent = unchanged; a number = units on hand now (0..=99 999).
/// - `per_buyer_cap`: absent = unchanged; `null` = remove the cap; a number = new cap
///   (1..=99). Hence the double `Option`: `None` / `Some(None)` / `Some(Some(n))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockUpdate {
    /// New units on hand, if changing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(maximum = 99_999))]
    pub stock: Option<u32>,
    /// New per-buyer cap (`Some(None)` removes it), if changing.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    pub per_buyer_cap: Option<Option<u32>>,
}

impl StockUpdate {
    /// Checks the edit: something to change, stock 0..=99 999, cap 1..=99 or removed.
    pub fn validate(&self) -> Result<(), CatalogError> {
        if self.stock.is_none() && self.per_buyer_cap.is_none() {
            return Err(CatalogError::EmptyUpdate);
        }
        if let Some(stock) = self.stock {
            validate_stock(stock)?;
        }
        if let Some(cap) = self.per_buyer_cap {
            validate_cap(cap)?;
        }
        Ok(())
    }
}

/// `POST /api/v1/stores/{store}/stock/receipts`: 收货, what arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordReceipt {
    pub lines: Vec<ReceiptLine>,
}

/// `POST /api/v1/stores/{store}/stock/write-offs`: 报损, units off the shelf and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordWriteOff {
    pub product_id: ProductId,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99_999))]
    pub quantity: u32,
    pub reason: WriteOffReason,
    /// Required for `other`; one line, at most 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/v1/stores/{store}/stock/counts`: 盘点, the shelf as counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordCount {
    pub lines: Vec<CountLine>,
}

/// One product on the stock page: what the keeper has free, and how to recognise it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockItem {
    pub product_id: ProductId,
    pub name: String,
    pub unit: String,
    /// The EAN-13 on its pack, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    /// Units free on the shelf (not held by orders).
    pub available: u32,
    /// The oldest batch's best-before date.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub best_before: NaiveDate,
}

/// One recorded movement, as it moved the shelf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockMovement {
    pub product_id: ProductId,
    pub name: String,
    pub kind: MovementKind,
    /// Units the shelf moved by (negative: taken off).
    pub quantity: i64,
    /// A stock-take's units shown when the owner counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<WriteOffReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::opt_date"))]
    pub best_before: Option<NaiveDate>,
    /// Units lost at the unit cost of the moment (the loss rate's 报损).
    pub loss: Fen,
    /// Units on the shelf just after.
    pub available_after: u32,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/stores/{store}/stock`: the products' shelf and the latest movements,
/// newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockSheet {
    pub products: Vec<StockItem>,
    pub movements: Vec<StockMovement>,
}

/// What a receipt, write-off or stock-take recorded, one movement per product moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MovementsRecorded {
    pub movements: Vec<StockMovement>,
}

/// A field that is present (even as `null`) becomes `Some(...)`; `#[serde(default)]`
/// makes an absent one `None`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// An owner moves an order along its life cycle (ready for pickup, picked up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateOrderStatus {
    /// The status to enter (see `OrderStatus::can_transition`).
    pub status: OrderStatus,
    /// The code the resident shows, required when handing over (`picked_up`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup_code: Option<String>,
}

/// `GET`/`PUT /api/v1/me/preferences`: what she wants to hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preferences {
    /// A notice with a small coupon for a product she kept looking at and did not order
    /// (`brain::browse`); on unless she turns it off.
    pub browse_follow_ups: bool,
}

/// `POST /api/v1/me/product-views`: how long her latest look at a product's page has
/// lasted so far, sent by the page while she reads and as she leaves it
/// (`brain::counted_seconds`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViewTime {
    /// The product whose page it was.
    pub product_id: ProductId,
    /// Seconds the page was open and in view (at most a day).
    #[cfg_attr(feature = "openapi", schema(maximum = 86_400))]
    pub seconds: u32,
}

/// `POST /api/v1/admin/browse-follow-ups`: run the follow-ups as of `at` (now if absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunFollowUps {
    /// The instant to run them at.
    #[serde(default)]
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::opt_instant"))]
    pub at: Option<DateTime<Utc>>,
}

/// How many follow-ups a run sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpsSent {
    /// Notices (each with its coupon) sent.
    pub sent: u32,
}

/// `POST /api/v1/stores/{store}/markdowns`: mark a near-expiry batch down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplyMarkdown {
    /// The product whose current batch it is.
    pub product_id: ProductId,
    /// The step: percent of the regular price paid.
    pub rate: MarkdownRate,
}

/// `PUT /api/v1/stores/{store}/products/{product}/markdown-floor`: the lowest price a
/// markdown may set for the product (`markdown::check_floor`); `null` takes it away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkdownFloor {
    /// The floor, or none (the unit cost still holds).
    pub floor: Option<Fen>,
}

/// One near-expiry batch on the owner's 临期特价 board: as the shop lists it now, its
/// plan, and the markdown on it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkdownItem {
    /// The product at its shelf price.
    pub product: ProductSummary,
    /// What the plan advises (`markdown::plan_markdown`).
    pub plan: MarkdownPlan,
    /// The markdown on this batch, once applied.
    pub applied: Option<Markdown>,
}

/// `GET /api/v1/stores/{store}/markdowns`: the store's near-expiry batches, soonest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkdownBoard {
    /// Store-local date the plans are for.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub today: NaiveDate,
    /// Batches 1..=3 selling days from their best-before date.
    pub items: Vec<MarkdownItem>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stock_update_tells_absent_from_null() {
        let absent: StockUpdate = serde_json::from_str(r#"{"stock":5}"#).unwrap();
        assert_eq!(absent, StockUpdate { stock: Some(5), per_buyer_cap: None });
        let null: StockUpdate = serde_json::from_str(r#"{"per_buyer_cap":null}"#).unwrap();
        assert_eq!(null, StockUpdate { stock: None, per_buyer_cap: Some(None) });
        let set: StockUpdate = serde_json::from_str(r#"{"per_buyer_cap":2}"#).unwrap();
        assert_eq!(set, StockUpdate { stock: None, per_buyer_cap: Some(Some(2)) });
        assert_eq!(serde_json::from_str::<StockUpdate>("{}").unwrap(), StockUpdate::default());
        assert!(serde_json::from_str::<StockUpdate>(r#"{"stock":-1}"#).is_err());
    }

    #[test]
    fn a_notice_card_reads_back_with_its_notice_flattened() {
        let notice = crate::community::CommunityNotice::PromotedFromWaitlist {
            tasting_id: crate::TastingId::parse("t-1").unwrap(),
            title: "白扁豆试吃会".into(),
            starts_at: DateTime::from_timestamp(1_795_000_000, 0).unwrap(),
            seats: 2,
        };
        let card = CommunityNoticeCard {
            id: 7,
            headline: notice.headline_zh().into(),
            text: notice.text_zh(),
            path: "/s/s-1/tastings/t-1".into(),
            notice,
            created_at: DateTime::from_timestamp(1_794_000_000, 0).unwrap(),
            read: false,
        };
        let json = serde_json::to_string(&card).unwrap();
        assert!(json.starts_with(r#"{"id":7,"kind":"promoted_from_waitlist","#), "{json}");
        assert_eq!(serde_json::from_str::<CommunityNoticeCard>(&json).unwrap(), card);

        // As the browser reads it, in a list.
        let list = NoticeList { notices: Vec::new(), community: vec![card.clone()], unread: 1, store_id: None };
        let brief: NoticeListBrief = serde_json::from_str(&serde_json::to_string(&list).unwrap()).unwrap();
        let expected = NoticeCardBrief {
            id: 7,
            headline: card.headline,
            text: card.text,
            path: card.path,
            created_at: card.created_at,
            read: false,
        };
        assert_eq!(brief, NoticeListBrief { notices: Vec::new(), community: vec![expected], unread: 1, store_id: None });
    }

    #[test]
    fn stock_update_serializes_back_the_same_way() {
        for update in [
            StockUpdate { stock: Some(5), per_buyer_cap: None },
            StockUpdate { stock: None, per_buyer_cap: Some(None) },
            StockUpdate { stock: Some(0), per_buyer_cap: Some(Some(3)) },
        ] {
            let text = serde_json::to_string(&update).unwrap();
            assert_eq!(serde_json::from_str::<StockUpdate>(&text).unwrap(), update, "{text}");
        }
        assert_eq!(
            serde_json::to_value(StockUpdate { stock: None, per_buyer_cap: Some(None) }).unwrap(),
            json!({ "per_buyer_cap": null })
        );
        assert_eq!(serde_json::to_value(StockUpdate::default()).unwrap(), json!({}));
    }

    #[test]
    fn stock_update_validation() {
        assert_eq!(StockUpdate::default().validate(), Err(CatalogError::EmptyUpdate));
        assert_eq!(StockUpdate { stock: Some(0), per_buyer_cap: None }.validate(), Ok(()));
        assert_eq!(StockUpdate { stock: Some(100_000), per_buyer_cap: None }.validate(), Err(CatalogError::InvalidStock));
        assert_eq!(StockUpdate { stock: None, per_buyer_cap: Some(None) }.validate(), Ok(()));
        assert_eq!(StockUpdate { stock: None, per_buyer_cap: Some(Some(0)) }.validate(), Err(CatalogError::InvalidCap));
    }

    #[test]
    fn set_cart_quantity_keeps_negative_numbers() {
        let q: SetCartQuantity = serde_json::from_str(r#"{"quantity":-3}"#).unwrap();
        assert_eq!(q.quantity, -3);
        assert!(crate::cart::validate_quantity(q.quantity).is_err());
    }

    #[test]
    fn update_order_status_json() {
        let u: UpdateOrderStatus = serde_json::from_str(r#"{"status":"ready_for_pickup"}"#).unwrap();
        assert_eq!(u, UpdateOrderStatus { status: OrderStatus::ReadyForPickup, pickup_code: None });
        let u: UpdateOrderStatus = serde_json::from_str(r#"{"status":"picked_up","pickup_code":"012345"}"#).unwrap();
        assert_eq!(u.pickup_code.as_deref(), Some("012345"));
    }

    #[test]
    fn cart_view_applies_the_cutoff() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let (person, store) = (PersonId::parse("r-1").unwrap(), StoreId::parse("s-1").unwrap());
        let before = CartView::new(CartSummary::default(), &[], &person, &store, at("2026-11-25T21:59:59+08:00"));
        let after = CartView::new(CartSummary::default(), &[], &person, &store, at("2026-11-25T22:00:00+08:00"));
        assert_eq!(before.pickup_date, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        assert_eq!(after.pickup_date, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
        let json = serde_json::to_value(&before).unwrap();
        assert_eq!(json["pickup_date"], "2026-11-26");
        assert_eq!(json["cart"]["orderable"], false);
    }

    #[test]
    fn a_viewer_holds_what_their_live_orders_add_up_to() {
        let offer = OfferId::parse("f-1").unwrap();
        let purchase = |order: &str, quantity: u32| LivePurchase {
            offer_id: offer.clone(),
            order_id: OrderId::parse(order).unwrap(),
            quantity,
            pickup_code: format!("00000{quantity}"),
        };
        let mut viewer = LiveViewer { signed_in: true, ..LiveViewer::default() };
        viewer.record(purchase("o-1", 2));
        viewer.record(purchase("o-1", 2));
        viewer.record(purchase("o-2", 1));
        assert_eq!(viewer.bought_from(&offer), 3, "a replayed order is counted once");
        assert_eq!(viewer.bought_from(&OfferId::parse("f-2").unwrap()), 0);
        assert_eq!(viewer.latest_from(&offer).map(|p| p.pickup_code.as_str()), Some("000001"));
        // An older server's viewer, without purchases, still reads.
        let old: LiveViewer = serde_json::from_value(
            json!({ "signed_in": true, "is_owner": false, "returning_customer": false, "reminded": false }),
        )
        .unwrap();
        assert!(old.bought.is_empty());
    }

    #[test]
    fn list_envelopes() {
        assert_eq!(serde_json::to_value(OrderList { orders: vec![] }).unwrap(), json!({ "orders": [] }));
        assert_eq!(serde_json::to_value(StoreList { stores: vec![] }).unwrap(), json!({ "stores": [] }));
        assert_eq!(
            serde_json::to_value(ProductList { products: vec![], categories: vec![] }).unwrap(),
            json!({ "products": [], "categories": [] })
        );
    }
}

/// One live in a store's list (`GET /api/v1/stores/{store}/lives`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveCard {
    /// The live.
    pub session: LiveSession,
    /// Whether the signed-in resident asked to be reminded (false when signed out).
    pub reminded: bool,
}

/// `GET /api/v1/stores/{store}/lives`: on air first, then upcoming (soonest first), then
/// past (newest first), at most 50.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveList {
    /// The lives.
    pub lives: Vec<LiveCard>,
}

/// What the live page needs to know about the person looking at it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveViewer {
    /// Signed in as a resident or owner of this live's store (needed to buy and comment).
    pub signed_in: bool,
    /// The store's owner (shown the console link).
    pub is_owner: bool,
    /// Has a completed order, so a returning-customer price applies (`live::price_for`).
    pub returning_customer: bool,
    /// Asked to be reminded of this live.
    pub reminded: bool,
    /// Their orders in this live that are not cancelled, oldest first (from the orders
    /// themselves): what they already hold of each offer, which the per-buyer cap
    /// counts, and the pickup code to keep in view, after a reload too.
    #[serde(default)]
    pub bought: Vec<LivePurchase>,
}

impl LiveViewer {
    /// Units they hold from `offer` in this live.
    pub fn bought_from(&self, offer: &OfferId) -> u32 {
        self.bought.iter().filter(|p| &p.offer_id == offer).fold(0u32, |n, p| n.saturating_add(p.quantity))
    }

    /// Their latest order from `offer`, if any.
    pub fn latest_from(&self, offer: &OfferId) -> Option<&LivePurchase> {
        self.bought.iter().rev().find(|p| &p.offer_id == offer)
    }

    /// Adds an order just bought; a replayed answer for an order already here changes nothing.
    pub fn record(&mut self, purchase: LivePurchase) {
        if !self.bought.iter().any(|p| p.order_id == purchase.order_id) {
            self.bought.push(purchase);
        }
    }
}

/// One of a viewer's orders in a live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LivePurchase {
    /// The offer it was bought from.
    pub offer_id: OfferId,
    /// The order.
    pub order_id: OrderId,
    /// Units bought.
    pub quantity: u32,
    /// The code to show at pickup.
    pub pickup_code: String,
}

/// `GET /api/v1/lives/{live}`: the room as it stands and who is looking. The page renders
/// this first, then follows the room's socket (`GET /api/v1/lives/{live}/socket`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveDetail {
    /// The room.
    pub room: RoomSnapshot,
    /// The viewer.
    pub viewer: LiveViewer,
}

/// `POST /api/v1/lives/{live}/status-changes`: `live` to go on air, `ended` to finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveStatusChange {
    /// The status wanted.
    pub status: LiveSessionStatus,
}

/// `POST /api/v1/lives/{live}/offers/{offer}/orders` (with an `Idempotency-Key` header):
/// one-tap buy. `i64` for the same reason as [`SetCartQuantity`]. Without a pickup point
/// the store's first one is used. Answered like `POST /api/v1/orders`
/// ([`PlaceOrderResponse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveBuy {
    /// Units wanted (valid: 1..=99, and within the offer's per-buyer cap).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    pub quantity: i64,
    /// Where to collect it.
    #[serde(default)]
    pub pickup_point_id: Option<PickupPointId>,
}

/// `PUT` / `DELETE /api/v1/lives/{live}/reminder`, and their answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reminder {
    /// Whether the resident will be told when the live starts.
    pub reminded: bool,
}

/// A live the resident asked about that is on air now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveNotice {
    /// The live.
    pub live_id: LiveSessionId,
    /// Its title.
    pub title: String,
    /// When it went on air.
    #[cfg_attr(feature = "browser", serde(default, with = "crate::time::wire::opt_instant"))]
    pub started_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/me/notices`: lives the resident asked to be reminded of that are on air,
/// her community notices and how many of those she has not read. Empty for a visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeList {
    /// Newest first.
    pub notices: Vec<LiveNotice>,
    /// Wishes stocked and other community news, newest first.
    #[serde(default)]
    pub community: Vec<CommunityNoticeCard>,
    /// Her unread community notices, all of them (not only those listed).
    #[serde(default)]
    pub unread: u32,
    /// The signed-in resident's store, whose notice list the top bar links to; `None` for
    /// a visitor or an owner, who have no notices.
    #[serde(default)]
    pub store_id: Option<StoreId>,
}

/// `POST /api/v1/me/notices/read`: marks the caller's community notices with an id up to
/// `up_to` (the newest her list showed) as read. Repeating it changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkNoticesRead {
    pub up_to: i64,
}

/// The answer to [`MarkNoticesRead`]: how many of her notices are still unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadNotices {
    pub unread: u32,
}

/// A wish as a resident or the owner sees it in the store's 心愿单.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemandCard {
    #[serde(flatten)]
    pub demand: crate::community::Demand,
    /// Whether the viewer wants it too.
    pub voted: bool,
    /// Whether the viewer wrote it.
    pub mine: bool,
}

/// `GET /api/v1/stores/{store}/demands`: open wishes first, most wanted first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemandList {
    pub demands: Vec<DemandCard>,
}

/// A community notice as the resident's notice list carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityNoticeCard {
    pub id: i64,
    #[serde(flatten)]
    pub notice: crate::community::CommunityNotice,
    /// Its headline and words, in Chinese (`CommunityNotice::headline_zh`, `text_zh`).
    pub headline: String,
    pub text: String,
    /// The app page it opens.
    pub path: String,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// [`NoticeList`] as the browser reads it: each community notice as a
/// [`NoticeCardBrief`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NoticeListBrief {
    /// Newest first.
    pub notices: Vec<LiveNotice>,
    /// Newest first.
    #[serde(default)]
    pub community: Vec<NoticeCardBrief>,
    /// Her unread community notices, all of them (not only those listed).
    #[serde(default)]
    pub unread: u32,
    /// The signed-in resident's store; `None` for a visitor or an owner.
    #[serde(default)]
    pub store_id: Option<StoreId>,
}

/// A [`CommunityNoticeCard`] as the browser reads it: what the bell, the banner and the
/// notice list show. The notice itself (`kind` and its fields, flattened into the card)
/// is passed over, and with it serde's buffering of flattened fields, which the shop's
/// and the live room's bundles would otherwise carry for this one card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeCardBrief {
    pub id: i64,
    /// Its headline and words, in Chinese.
    pub headline: String,
    pub text: String,
    /// The app page it opens.
    pub path: String,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// One resident in the owner's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentSummary {
    /// Who.
    pub person_id: PersonId,
    /// Nickname (the owner sees it whole).
    pub nickname: String,
    /// Building.
    pub building: String,
    /// A key opinion consumer (comments highlighted in lives).
    pub is_koc: bool,
    /// Orders picked up.
    pub completed_orders: u32,
}

/// `GET /api/v1/stores/{store}/residents` (owner): the store's residents, most loyal first,
/// then the newest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentList {
    /// At most 200.
    pub residents: Vec<ResidentSummary>,
}

/// `PUT /api/v1/stores/{store}/residents/{person}/koc` (owner): mark or unmark a KOC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KocUpdate {
    /// Whether the resident is a KOC.
    pub is_koc: bool,
}

/// A resident's own booking of a tasting, as her tasting page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyBooking {
    pub booking_id: crate::ids::BookingId,
    pub seats: u32,
    pub status: crate::community::BookingStatus,
    /// Her place on the waitlist (1 is next), while she waits.
    pub position: Option<u32>,
    /// The code she shows at the door, while her seats are confirmed.
    pub check_in_code: Option<String>,
}

/// A tasting with its seats, as lists and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TastingCard {
    #[serde(flatten)]
    pub tasting: crate::community::Tasting,
    /// Seats nobody holds.
    pub seats_left: u32,
    /// Bookings waiting for seats.
    pub waitlisted: u32,
    /// The viewer's booking, if she has one that is not cancelled.
    pub my_booking: Option<MyBooking>,
    /// Whether the viewer may answer the after-tasting question now.
    #[serde(default)]
    pub survey_open: bool,
    /// Whether it has begun (`Tasting::has_started`, at the edge's clock).
    #[serde(default)]
    pub started: bool,
    /// The products to be tasted, with their names (on the tasting's own page).
    #[serde(default)]
    pub products: Vec<TastedProduct>,
}

/// A product a tasting presents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TastedProduct {
    pub id: crate::ids::ProductId,
    pub name: String,
}

/// `GET /api/v1/stores/{store}/tastings`: upcoming first (soonest first), then the past
/// month's, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TastingList {
    pub tastings: Vec<TastingCard>,
}

/// One booking in the owner's list of a tasting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingLine {
    pub booking_id: crate::ids::BookingId,
    /// Who booked (the owner sees the nickname whole) and where she lives.
    pub nickname: String,
    pub building: String,
    pub unit: String,
    pub seats: u32,
    pub status: crate::community::BookingStatus,
    /// Place on the waitlist, while waiting.
    pub position: Option<u32>,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub booked_at: DateTime<Utc>,
    #[cfg_attr(feature = "browser", serde(default, with = "crate::time::wire::opt_instant"))]
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/tastings/{tasting}/bookings` (owner): confirmed and checked-in first, then
/// the waitlist in order, then the cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TastingBookings {
    pub tasting: TastingCard,
    pub bookings: Vec<BookingLine>,
    /// Answers to the after-tasting question so far.
    pub survey: crate::community::NpsSummary,
}

/// `POST /api/v1/tastings/{tasting}/check-ins` (owner's door screen): the code shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInRequest {
    pub code: String,
}

/// `GET /api/v1/stores/{store}/nps` (owner): the store's net promoter score from the
/// answers of the last [`STORE_NPS_WINDOW_DAYS`](crate::community::STORE_NPS_WINDOW_DAYS) days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreNps {
    pub summary: crate::community::NpsSummary,
    pub window_days: u32,
}

/// A review with what its lists show beside it: the author's own review in
/// `GET /api/v1/me/reviews` (hidden ones with the reason), every review in the owner's
/// `GET /api/v1/stores/{store}/reviews`, and the answer to writing, adding a photo and
/// moderating. Neighbours see [`ShownReview`](crate::community::ShownReview)s instead
/// (in `ProductDetail::reviews`). Nested rather than flattened: a flattened type costs
/// the browser bundle a buffering decoder of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewCard {
    pub review: crate::community::Review,
    /// The product's name.
    pub product_name: String,
    /// The author's nickname, whole (she and the owner see it).
    pub author_nickname: String,
    /// Whether the author is a KOC now.
    pub author_is_koc: bool,
}

/// `GET /api/v1/me/reviews` and the owner's `GET /api/v1/stores/{store}/reviews`: newest
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewList {
    pub reviews: Vec<ReviewCard>,
}

/// A featured review on the store's home (邻居晒单), with the product it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeaturedReview {
    pub review: crate::community::ShownReview,
    pub product_name: String,
}

/// `GET /api/v1/stores/{store}/featured-reviews`: newest first, at most 10.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeaturedReviewList {
    pub reviews: Vec<FeaturedReview>,
}

/// A product a reason names: its id and its name as the store lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductRef {
    pub id: crate::ProductId,
    pub name: String,
}

/// One pick of 为你推荐 or 凑单推荐: the product as listed now and why it was picked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    pub product: ProductSummary,
    pub reason: crate::recommend::Reason<ProductRef>,
}

/// `GET /api/v1/me/recommendations?limit=10`: her next basket, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecommendationList {
    pub recommendations: Vec<Recommendation>,
    /// The store profile the picks were made with (`None`: none built yet).
    pub profile_version: Option<i64>,
}

/// `GET /api/v1/cart/suggestions`: what goes with her cart, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartSuggestions {
    pub suggestions: Vec<Recommendation>,
}

/// `POST /api/v1/admin/recommendations` and each cron build: what one store's build did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileBuild {
    pub store_id: StoreId,
    pub version: i64,
    pub residents: u32,
    pub orders: u32,
    /// The profile's size as stored (JSON bytes).
    pub bytes: u32,
    /// Wall time of reading the orders, building and storing, in milliseconds.
    pub build_ms: u32,
}

/// `GET /api/v1/stores/{store}/supply?pickup_date=`: the 备货 page of one pickup day
/// (tomorrow unless asked), its pick list and a purchase order per supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplyPlan {
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub pickup_date: NaiveDate,
    /// The day's 22:00 cut-off has passed: its orders are final.
    pub orders_final: bool,
    /// Per pickup point: the totals, then each bag by its 跟团号 (never a pickup code).
    pub pick_list: Vec<crate::supply::PointPicks>,
    /// One per supplier with something to order, or already sent for the day.
    pub purchase_orders: Vec<PurchaseOrderView>,
}

/// A purchase order: before it is sent, the rules' lines as of now; once sent, the lines
/// as sent and where its delivery is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurchaseOrderView {
    pub id: crate::PurchaseOrderId,
    pub supplier: crate::supply::Supplier,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub pickup_date: NaiveDate,
    pub lines: Vec<crate::supply::PurchaseLine>,
    /// Absent until it is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
}

/// Where a sent purchase order's delivery is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub status: crate::supply::DeliveryStatus,
    /// When the owner (last) sent it.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub sent_at: DateTime<Utc>,
    /// Each try to deliver it, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::opt_instant"))]
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One try to deliver a purchase order to its supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryAttempt {
    /// 1 for the first try (counted across resends).
    pub attempt: u32,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
    /// The supplier's HTTP status, absent when it could not be reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub delivered: bool,
    /// When the queue tries again, after a failed try.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::opt_instant"))]
    pub next_retry_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/stores/{store}/supply/purchase-orders`: send the supplier's purchase
/// order for the day (the rules' lines as of now). Sending one already sent sends nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendPurchaseOrder {
    pub supplier_id: crate::SupplierId,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub pickup_date: NaiveDate,
}

/// `POST /api/v1/stores/{store}/supply/resends`: put a dead-lettered purchase order on
/// the queue again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResendPurchaseOrder {
    pub purchase_order_id: crate::PurchaseOrderId,
}

/// `GET /api/v1/stores/{store}/supply/deliveries`: the store's sent purchase orders,
/// newest first, and the dead-letter list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplyDeliveries {
    pub purchase_orders: Vec<PurchaseOrderView>,
    pub dead_letters: Vec<DeadLetter>,
}

/// A purchase order the queue gave up on, until the owner sends it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadLetter {
    pub purchase_order_id: crate::PurchaseOrderId,
    pub supplier_name: String,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub pickup_date: NaiveDate,
    /// Tries made before it was given up.
    pub attempts: u32,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub dead_at: DateTime<Utc>,
}

/// What the queue carries: which purchase order to deliver (the order itself is read
/// from D1 when delivered, as it was sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedPurchaseOrder {
    pub purchase_order_id: crate::PurchaseOrderId,
    pub store_id: StoreId,
}

/// The body POSTed to a supplier's endpoint, with the order's id as `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurchaseOrderDocument {
    pub id: crate::PurchaseOrderId,
    pub store_id: StoreId,
    pub store_name: String,
    pub supplier_id: crate::SupplierId,
    /// The day the goods are for.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub pickup_date: NaiveDate,
    pub lines: Vec<SupplierLine>,
}

/// One line as the supplier reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplierLine {
    pub product_id: ProductId,
    pub name: String,
    pub unit: String,
    /// Units: a whole number of packs.
    pub quantity: u32,
    pub pack_size: u32,
}

/// `GET /api/v1/stores/{store}/supply/demo-inbox`: the demo supplier (演示供应商) as the
/// store sees it: whether its inbox takes orders, and the store's orders it received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoInbox {
    pub open: bool,
    pub received: Vec<ReceivedPurchaseOrder>,
}

/// A purchase order the demo supplier received: one row per order, however often it
/// was delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceivedPurchaseOrder {
    pub purchase_order_id: crate::PurchaseOrderId,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub received_at: DateTime<Utc>,
    /// Deliveries of it that reached the inbox (a repeat is answered, never stored again).
    pub deliveries: u32,
    pub lines: u32,
}

/// `PUT /api/v1/stores/{store}/supply/demo-inbox`: open or close the demo supplier's
/// inbox for the store's orders (closed, it answers 503, as a supplier that is down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetDemoInbox {
    pub open: bool,
}
