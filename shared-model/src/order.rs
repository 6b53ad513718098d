//! Orders: what a resident sends, how it is identified, its life cycle and cancelling.
//!
//! Policy:
//! - A new order has 1..=30 lines, one per product, each 1..=99 units, and an optional
//!   note of at most 100 characters.
//! - Placing an order needs an `Idempotency-Key` (8..=128 printable ASCII, no spaces).
//!   The order ID is derived from (person, key) by [`order_id_for`], so a retry after a
//!   lost answer lands on the same order instead of a second one. A key reused with a
//!   different body (compared by [`request_fingerprint`]) is refused.
//! - The resident shows a 6-digit pickup code at the counter: an HMAC of the order ID
//!   under a server secret ([`pickup_code`]), so it needs no storage to check and cannot
//!   be guessed from the order ID. Only the buyer is ever shown it ([`Order::shown_to`]):
//!   the owner types what the resident shows, so a hand-over proves she was there.
//! - Life cycle: placed → ready for pickup → picked up, or placed → cancelled. Only a
//!   placed order can be cancelled, and only before the cut-off
//!   ([`crate::time::cancel_deadline`]: 22:00 on the eve of pickup).

use crate::{
    cart::{CartLine, MAX_CART_LINES, MAX_LINE_QUANTITY},
    ids::{stored_forms, CouponId, OrderId, PersonId, PickupPointId, ProductId, StoreId},
    mac::{hmac_sha256, six_digits},
    money::Fen,
    store::PickupPoint,
    time::{can_cancel, cancel_deadline, pickup_date_for},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::{collections::BTreeSet, fmt};
use subtle::ConstantTimeEq;
use thiserror::Error;

/// Most lines in one order (the same as a cart).
pub const MAX_ORDER_LINES: usize = MAX_CART_LINES;
/// Longest order note, in characters.
pub const MAX_NOTE_CHARS: usize = 100;
/// Shortest Idempotency-Key.
pub const MIN_IDEMPOTENCY_KEY_LEN: usize = 8;
/// Longest Idempotency-Key.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 128;
/// Name of the HTTP header carrying the key.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// Where an order is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed; stock is reserved.
    Placed,
    /// The owner has packed it; waiting at the pickup point.
    ReadyForPickup,
    /// Collected. Final.
    PickedUp,
    /// Cancelled by the resident before the cut-off; stock returned. Final.
    Cancelled,
}

// In life-cycle order.
stored_forms!(OrderStatus, "order status", {
    Placed => "placed",
    ReadyForPickup => "ready_for_pickup",
    PickedUp => "picked_up",
    Cancelled => "cancelled",
});

impl OrderStatus {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            OrderStatus::Placed => "已下单",
            OrderStatus::ReadyForPickup => "待自提",
            OrderStatus::PickedUp => "已提货",
            OrderStatus::Cancelled => "已取消",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            OrderStatus::Placed => "Placed",
            OrderStatus::ReadyForPickup => "Ready for pickup",
            OrderStatus::PickedUp => "Picked up",
            OrderStatus::Cancelled => "Cancelled",
        }
    }

    /// Whether the life cycle allows moving from `self` to `to`: placed → ready for
    /// pickup or cancelled; ready for pickup → picked up; nothing else.
    pub fn can_transition(self, to: OrderStatus) -> bool {
        matches!(
            (self, to),
            (OrderStatus::Placed, OrderStatus::ReadyForPickup)
                | (OrderStatus::Placed, OrderStatus::Cancelled)
                | (OrderStatus::ReadyForPickup, OrderStatus::PickedUp)
        )
    }

    /// Whether no further change is possible.
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::PickedUp | OrderStatus::Cancelled)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Ok` if the life cycle allows `from` → `to`, else `InvalidTransition`.
pub fn check_transition(from: OrderStatus, to: OrderStatus) -> Result<(), OrderError> {
    if from.can_transition(to) {
        Ok(())
    } else {
        Err(OrderError::InvalidTransition { from, to })
    }
}

/// The client's `Idempotency-Key` for placing an order: 8..=128 printable ASCII
/// characters, no spaces. Browsers send a fresh random one per checkout attempt and reuse
/// it for retries of that attempt.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Validates a key (see the type doc).
    pub fn parse(raw: &str) -> Result<Self, OrderError> {
        let ok =
            (MIN_IDEMPOTENCY_KEY_LEN..=MAX_IDEMPOTENCY_KEY_LEN).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(IdempotencyKey(raw.to_owned()))
        } else {
            Err(OrderError::InvalidIdempotencyKey)
        }
    }

    /// The key as text, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for IdempotencyKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IdempotencyKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        IdempotencyKey::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// A resident's order (`POST /api/v1/orders`, with an `Idempotency-Key` header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOrder {
    /// Where to collect it (one of the store's pickup points).
    pub pickup_point_id: PickupPointId,
    /// What to order; prices come from the store, not from here.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 30))]
    pub lines: Vec<RequestedLine>,
    /// A note for the owner, e.g. `帮我挑嫩一点的`.
    #[serde(default)]
    pub note: Option<String>,
    /// The one coupon to use (`coupon` module), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_id: Option<CouponId>,
}

/// One line as a client sends it. The quantity is signed and wide so that 0, negatives
/// and huge numbers reach [`NewOrder::validate`] and get `quantity_out_of_range`, rather
/// than failing as unreadable JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestedLine {
    /// The product.
    pub product_id: ProductId,
    /// Units wanted, checked to be 1..=99 by `validate`.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    pub quantity: i64,
}

impl From<CartLine> for RequestedLine {
    fn from(line: CartLine) -> Self {
        Self { product_id: line.product_id, quantity: i64::from(line.quantity) }
    }
}

impl NewOrder {
    /// The lines as cart lines; call after [`NewOrder::validate`] (out-of-range
    /// quantities are clamped to 0 here, which validation has already refused).
    pub fn cart_lines(&self) -> Vec<CartLine> {
        self.lines
            .iter()
            .map(|l| CartLine { product_id: l.product_id.clone(), quantity: u32::try_from(l.quantity).unwrap_or(0) })
            .collect()
    }

    /// Checks, in order: not empty, at most 30 lines, each quantity 1..=99, no product
    /// twice, note at most 100 characters (after trimming).
    pub fn validate(&self) -> Result<(), OrderError> {
        if self.lines.is_empty() {
            return Err(OrderError::EmptyOrder);
        }
        if self.lines.len() > MAX_ORDER_LINES {
            return Err(OrderError::TooManyLines);
        }
        if self.lines.iter().any(|l| !(1..=i64::from(MAX_LINE_QUANTITY)).contains(&l.quantity)) {
            return Err(OrderError::QuantityOutOfRange);
        }
        let mut seen = BTreeSet::new();
        if !self.lines.iter().all(|l| seen.insert(&l.product_id)) {
            return Err(OrderError::DuplicateLine);
        }
        if self.note.as_deref().is_some_and(|n| n.trim().chars().count() > MAX_NOTE_CHARS) {
            return Err(OrderError::NoteTooLong);
        }
        Ok(())
    }

    /// The note as it should be stored: trimmed, and `None` when blank.
    pub fn clean_note(&self) -> Option<String> {
        self.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned)
    }
}

/// The order a (person, Idempotency-Key) pair maps to: `o-` and the first 20 hex digits
/// of `sha256(person \0 key)`. Deterministic, so a retry finds the order it made.
pub fn order_id_for(person: &PersonId, key: &IdempotencyKey) -> OrderId {
    let mut hasher = Sha256::new();
    hasher.update(person.as_str().as_bytes());
    hasher.update([0u8]);
    hasher.update(key.as_str().as_bytes());
    let digest = hex::encode(hasher.finalize());
    OrderId::new_unchecked(format!("o-{}", &digest[..20]))
}

/// What an order request means, independent of line order and note whitespace: the
/// SHA-256 (hex) of a canonical JSON form. Stored with the order; a key replayed with
/// another fingerprint is `IdempotencyKeyReused`.
pub fn request_fingerprint(order: &NewOrder) -> String {
    #[derive(Serialize)]
    struct Canonical<'a> {
        v: u8,
        pickup_point_id: &'a str,
        lines: Vec<(&'a str, i64)>,
        note: Option<String>,
        // Absent without a coupon, so fingerprints of orders without one are unchanged.
        #[serde(skip_serializing_if = "Option::is_none")]
        coupon_id: Option<&'a str>,
    }
    let mut lines: Vec<(&str, i64)> = order.lines.iter().map(|l| (l.product_id.as_str(), l.quantity)).collect();
    lines.sort_unstable();
    let canonical = Canonical {
        v: 1,
        pickup_point_id: order.pickup_point_id.as_str(),
        lines,
        note: order.clean_note(),
        coupon_id: order.coupon_id.as_ref().map(CouponId::as_str),
    };
    // Serializing strings and integers cannot fail.
    let json = serde_json::to_vec(&canonical).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// The 6-digit code shown at pickup: HMAC-SHA256 of the order ID under `secret`, reduced
/// to 000000..=999999 (leading zeros kept).
pub fn pickup_code(secret: &[u8], order_id: &OrderId) -> String {
    six_digits(&hmac_sha256(secret, &[order_id.as_str().as_bytes()]))
}

/// Whether `code` (as typed, surrounding spaces ignored) is the pickup code of
/// `order_id`; constant-time.
pub fn verify_pickup_code(secret: &[u8], order_id: &OrderId, code: &str) -> bool {
    pickup_code(secret, order_id).as_bytes().ct_eq(code.trim().as_bytes()).into()
}

/// One line of a placed order, priced at the time of ordering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    /// The product.
    pub product_id: ProductId,
    /// Name at the time of ordering.
    pub name: String,
    /// Selling unit.
    pub unit: String,
    /// Price per unit at the time of ordering.
    pub unit_price: Fen,
    /// Units ordered.
    pub quantity: u32,
    /// `unit_price × quantity`.
    pub line_total: Fen,
}

impl OrderLine {
    /// A line with its total computed, or `None` if the total overflows.
    pub fn new(product_id: ProductId, name: String, unit: String, unit_price: Fen, quantity: u32) -> Option<Self> {
        let line_total = unit_price.checked_mul(quantity)?;
        Some(OrderLine { product_id, name, unit, unit_price, quantity, line_total })
    }
}

/// The sum of the lines' totals, or `None` on overflow.
pub fn order_total(lines: &[OrderLine]) -> Option<Fen> {
    Fen::checked_sum(lines.iter().map(|l| l.line_total))
}

/// One step of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    /// The status entered.
    pub status: OrderStatus,
    /// When.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
}

/// A placed order as the resident (or the store owner) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    /// The order's ID.
    pub id: OrderId,
    /// The store it was placed with.
    pub store_id: StoreId,
    /// Who placed it.
    pub person_id: PersonId,
    /// Where it is now.
    pub status: OrderStatus,
    /// What was ordered.
    pub lines: Vec<OrderLine>,
    /// Amount to pay at pickup.
    pub total: Fen,
    /// Where to collect it.
    pub pickup_point: PickupPoint,
    /// Local date of pickup.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub pickup_date: NaiveDate,
    /// 6-digit code to show at pickup: the buyer's alone, absent for anyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup_code: Option<String>,
    /// The resident's note.
    pub note: Option<String>,
    /// When it was placed.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub placed_at: DateTime<Utc>,
    /// Cancelling is possible until (not including) this instant.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub cancel_deadline: DateTime<Utc>,
    /// Every status change, oldest first.
    pub timeline: Vec<StatusChange>,
    /// Its 跟团号 on its pickup day (`pickup` module), once it is written; what the
    /// resident says at the counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_number: Option<u32>,
    /// The coupon it used (`total` is after its discount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon: Option<UsedCoupon>,
}

/// The coupon an order used and what it took off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsedCoupon {
    /// The coupon.
    pub coupon_id: CouponId,
    /// The lines' total before it.
    pub goods_total: Fen,
    /// Money off.
    pub discount: Fen,
}

/// Everything about a new order but its lines: who places it, at which store, where it
/// will be collected, and when. The shop and a live buy both know this before pricing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// The order's ID ([`order_id_for`]).
    pub id: OrderId,
    /// Its pickup code ([`pickup_code`]).
    pub pickup_code: String,
    /// The store it is placed with.
    pub store_id: StoreId,
    /// Who places it.
    pub person_id: PersonId,
    /// Where it will be collected.
    pub pickup_point: PickupPoint,
    /// The resident's note, already cleaned ([`NewOrder::clean_note`]).
    pub note: Option<String>,
    /// When it is placed.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub placed_at: DateTime<Utc>,
}

impl Order {
    /// The order as `viewer` may see it: the pickup code stays with the buyer.
    pub fn shown_to(mut self, viewer: &PersonId) -> Order {
        if &self.person_id != viewer {
            self.pickup_code = None;
        }
        self
    }

    /// A newly placed order, the one way both the shop and a live room make one: status
    /// placed, collected on the pickup day for its time ([`pickup_date_for`]), cancellable
    /// until that day's cut-off, its timeline one "placed" step. Refused only when the
    /// total overflows.
    pub fn place(placement: Placement, lines: Vec<OrderLine>) -> Result<Order, OrderError> {
        let Placement { id, pickup_code, store_id, person_id, pickup_point, note, placed_at } = placement;
        let total = order_total(&lines).ok_or(OrderError::TotalTooLarge)?;
        let pickup_date = pickup_date_for(placed_at);
        Ok(Order {
            id,
            store_id,
            person_id,
            status: OrderStatus::Placed,
            lines,
            total,
            pickup_point,
            pickup_date,
            pickup_code: Some(pickup_code),
            note,
            placed_at,
            cancel_deadline: cancel_deadline(pickup_date),
            timeline: vec![StatusChange { status: OrderStatus::Placed, at: placed_at }],
            group_number: None,
            coupon: None,
        })
    }

    /// The order with `totals` (`coupon::order_totals` of its lines) applied: what is
    /// paid and the coupon that took money off, if any.
    pub fn with_totals(mut self, totals: crate::coupon::OrderTotals) -> Order {
        self.total = totals.total;
        self.coupon = totals.coupon_id.map(|coupon_id| UsedCoupon {
            coupon_id,
            goods_total: totals.goods_total,
            discount: totals.coupon_discount,
        });
        self
    }

    /// Units across all lines (saturating).
    pub fn item_count(&self) -> u32 {
        item_count(self.lines.iter().map(|l| l.quantity))
    }

    /// Whether the resident can cancel it at `now` (status and cut-off).
    pub fn can_cancel(&self, now: DateTime<Utc>) -> bool {
        check_cancel(self.status, now, self.pickup_date).is_ok()
    }

    /// Where the order is, as one list the page shows: the life-cycle path to its status
    /// (placed → ready for pickup → picked up, or placed → cancelled), each step with when
    /// it happened (from the timeline, if there) and the last step being `status` itself.
    /// The badge and the progress are both read from this, so they cannot disagree, even
    /// when the timeline has a step the status has not reached (a half-applied change) or
    /// misses one.
    pub fn progress(&self) -> Vec<ProgressStep> {
        let path: &[OrderStatus] = match self.status {
            OrderStatus::Cancelled => &[OrderStatus::Placed, OrderStatus::Cancelled],
            _ => &[OrderStatus::Placed, OrderStatus::ReadyForPickup, OrderStatus::PickedUp],
        };
        let reached = path.iter().position(|s| *s == self.status).unwrap_or(0);
        path[..=reached]
            .iter()
            .enumerate()
            .map(|(i, &status)| ProgressStep {
                status,
                at: self.timeline.iter().find(|c| c.status == status).map(|c| c.at),
                current: i == reached,
            })
            .collect()
    }

    /// The list entry for this order.
    pub fn summary(&self) -> OrderSummary {
        OrderSummary {
            id: self.id.clone(),
            status: self.status,
            total: self.total,
            item_count: self.item_count(),
            line_count: u32::try_from(self.lines.len()).unwrap_or(u32::MAX),
            pickup_date: self.pickup_date,
            placed_at: self.placed_at,
            first_item_name: self.lines.first().map(|l| l.name.clone()).unwrap_or_default(),
        }
    }
}

/// One step of [`Order::progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressStep {
    /// The status this step entered.
    pub status: OrderStatus,
    /// When, if the timeline has it.
    #[cfg_attr(feature = "browser", serde(default, with = "crate::time::wire::opt_instant"))]
    pub at: Option<DateTime<Utc>>,
    /// The step the order is at now (the last one; its status is the order's).
    pub current: bool,
}

/// An order in the resident's order list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    /// The order's ID.
    pub id: OrderId,
    /// Where it is now.
    pub status: OrderStatus,
    /// Amount to pay.
    pub total: Fen,
    /// Units across all lines.
    pub item_count: u32,
    /// Distinct products (lines), so `3 件` of one product never reads as three products
    /// (`locale::order_contents`). 0 from a server older than this field.
    #[serde(default)]
    pub line_count: u32,
    /// Local date of pickup.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub pickup_date: NaiveDate,
    /// When it was placed.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub placed_at: DateTime<Utc>,
    /// Name of the first line, for `白菜 等 2 种商品，共 3 件`.
    pub first_item_name: String,
}

/// Whether an order in `status` for `pickup_date` can be cancelled at `now`:
/// `NotCancellable` unless placed, then `CutoffPassed` from the deadline on.
pub fn check_cancel(status: OrderStatus, now: DateTime<Utc>, pickup_date: NaiveDate) -> Result<(), OrderError> {
    if !status.can_transition(OrderStatus::Cancelled) {
        return Err(OrderError::NotCancellable);
    }
    if !can_cancel(now, pickup_date) {
        return Err(OrderError::CutoffPassed);
    }
    Ok(())
}

/// Errors about orders.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrderError {
    /// No lines.
    #[error("an order needs at least one product")]
    EmptyOrder,
    /// More than 30 lines.
    #[error("an order holds at most {MAX_ORDER_LINES} products")]
    TooManyLines,
    /// The same product on two lines.
    #[error("each product may appear only once in an order")]
    DuplicateLine,
    /// A quantity outside 1..=99.
    #[error("each quantity must be between 1 and {MAX_LINE_QUANTITY}")]
    QuantityOutOfRange,
    /// Note longer than 100 characters.
    #[error("the note must be at most {MAX_NOTE_CHARS} characters")]
    NoteTooLong,
    /// No `Idempotency-Key` header.
    #[error("placing an order needs an Idempotency-Key header")]
    MissingIdempotencyKey,
    /// A malformed `Idempotency-Key`.
    #[error("the Idempotency-Key must be 8 to 128 printable ASCII characters without spaces")]
    InvalidIdempotencyKey,
    /// The key already placed a different order.
    #[error("this Idempotency-Key was already used for a different order")]
    IdempotencyKeyReused,
    /// Not in a status that can be cancelled.
    #[error("this order can no longer be cancelled")]
    NotCancellable,
    /// The cancel deadline (22:00 on the eve of pickup) has passed.
    #[error("the cancellation deadline has passed")]
    CutoffPassed,
    /// A status change the life cycle does not allow.
    #[error("an order cannot go from {from} to {to}")]
    InvalidTransition {
        /// Current status.
        from: OrderStatus,
        /// Requested status.
        to: OrderStatus,
    },
    /// The total cannot be represented.
    #[error("the order total is too large")]
    TotalTooLarge,
    /// The order took too long to be written and its stock hold was swept; the key is
    /// spent, so the client retries with a new one.
    #[error("the order took too long and was not placed; please try again")]
    TimedOut,
}

impl OrderError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            OrderError::EmptyOrder => "empty_order",
            OrderError::TooManyLines => "too_many_lines",
            OrderError::DuplicateLine => "duplicate_line",
            OrderError::QuantityOutOfRange => "quantity_out_of_range",
            OrderError::NoteTooLong => "note_too_long",
            OrderError::MissingIdempotencyKey => "missing_idempotency_key",
            OrderError::InvalidIdempotencyKey => "invalid_idempotency_key",
            OrderError::IdempotencyKeyReused => "idempotency_key_reused",
            OrderError::NotCancellable => "not_cancellable",
            OrderError::CutoffPassed => "cutoff_passed",
            OrderError::InvalidTransition { .. } => "invalid_transition",
            OrderError::TotalTooLarge => "order_total_too_large",
            OrderError::TimedOut => "order_timed_out",
        }
    }

    /// 400 for a missing or malformed key, 409 for conflicts with the order's state,
    /// 422 for body validation.
    pub fn http_status(&self) -> u16 {
        match self {
            OrderError::MissingIdempotencyKey | OrderError::InvalidIdempotencyKey => 400,
            OrderError::IdempotencyKeyReused
            | OrderError::NotCancellable
            | OrderError::CutoffPassed
            | OrderError::InvalidTransition { .. } => 409,
            OrderError::EmptyOrder
            | OrderError::TooManyLines
            | OrderError::DuplicateLine
            | OrderError::QuantityOutOfRange
            | OrderError::NoteTooLong
            | OrderError::TotalTooLarge => 422,
            OrderError::TimedOut => 503,
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            OrderError::EmptyOrder | OrderError::TooManyLines | OrderError::DuplicateLine | OrderError::QuantityOutOfRange => {
                Some("lines")
            }
            OrderError::NoteTooLong => Some("note"),
            _ => None,
        }
    }
}

crate::problem::impl_error_code!(OrderError, field);

/// Units across an order's lines, saturating: [`Order::item_count`], and the same count of
/// an order read briefly ([`crate::api::OrderBrief::item_count`]).
pub fn item_count(quantities: impl IntoIterator<Item = u32>) -> u32 {
    quantities.into_iter().fold(0u32, u32::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    fn line(id: &str, quantity: i64) -> RequestedLine {
        RequestedLine { product_id: ProductId::parse(id).unwrap(), quantity }
    }

    fn new_order(lines: Vec<RequestedLine>) -> NewOrder {
        NewOrder { pickup_point_id: PickupPointId::parse("pp-1").unwrap(), lines, note: None, coupon_id: None }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn key(s: &str) -> IdempotencyKey {
        IdempotencyKey::parse(s).unwrap()
    }

    #[test]
    fn status_labels_and_stored_form() {
        let zh: Vec<_> = OrderStatus::ALL.iter().map(|s| s.label_zh()).collect();
        assert_eq!(zh, ["已下单", "待自提", "已提货", "已取消"]);
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Ok(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        assert_eq!(OrderStatus::ReadyForPickup.as_str(), "ready_for_pickup");
        assert!(OrderStatus::parse("shipped").is_err());
        assert!(OrderStatus::parse("Placed").is_err());
    }

    #[test]
    fn status_transitions() {
        use OrderStatus::*;
        let allowed = [(Placed, ReadyForPickup), (Placed, Cancelled), (ReadyForPickup, PickedUp)];
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                assert_eq!(from.can_transition(to), allowed.contains(&(from, to)), "{from} -> {to}");
                assert_eq!(check_transition(from, to).is_ok(), allowed.contains(&(from, to)));
            }
        }
        assert_eq!(check_transition(Placed, PickedUp), Err(OrderError::InvalidTransition { from: Placed, to: PickedUp }));
        assert!(PickedUp.is_final() && Cancelled.is_final() && !Placed.is_final());
    }

    #[test]
    fn idempotency_key_rules() {
        assert!(IdempotencyKey::parse("abcdefgh").is_ok());
        assert!(IdempotencyKey::parse("0b6f3c4e-9a1d-4c2e-8f00-123456789abc").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(128)).is_ok());
        for bad in ["abcdefg", "", "abcd efgh", "abcdefgh\n", "键键键键键键键键", "abcdefgh\t"] {
            assert_eq!(IdempotencyKey::parse(bad), Err(OrderError::InvalidIdempotencyKey), "{bad:?}");
        }
        assert_eq!(IdempotencyKey::parse(&"k".repeat(129)), Err(OrderError::InvalidIdempotencyKey));
        assert!(serde_json::from_str::<IdempotencyKey>("\"short\"").is_err());
        assert_eq!(serde_json::to_string(&key("abcdefgh")).unwrap(), "\"abcdefgh\"");
    }

    #[test]
    fn validate_accepts_a_normal_order() {
        let mut o = new_order(vec![line("a", 1), line("b", 99)]);
        o.note = Some("帮我挑嫩一点的".into());
        assert_eq!(o.validate(), Ok(()));
        o.note = Some(format!("  {}  ", "字".repeat(100)));
        assert_eq!(o.validate(), Ok(()));
        let full: Vec<RequestedLine> = (0..MAX_ORDER_LINES).map(|i| line(&format!("p{i}"), 1)).collect();
        assert_eq!(new_order(full).validate(), Ok(()));
    }

    #[test]
    fn validate_each_error() {
        assert_eq!(new_order(vec![]).validate(), Err(OrderError::EmptyOrder));
        let too_many: Vec<RequestedLine> = (0..=MAX_ORDER_LINES).map(|i| line(&format!("p{i}"), 1)).collect();
        assert_eq!(new_order(too_many).validate(), Err(OrderError::TooManyLines));
        assert_eq!(new_order(vec![line("a", 1), line("a", 2)]).validate(), Err(OrderError::DuplicateLine));
        assert_eq!(new_order(vec![line("a", 0)]).validate(), Err(OrderError::QuantityOutOfRange));
        assert_eq!(new_order(vec![line("a", 100)]).validate(), Err(OrderError::QuantityOutOfRange));
        let mut o = new_order(vec![line("a", 1)]);
        o.note = Some("字".repeat(101));
        assert_eq!(o.validate(), Err(OrderError::NoteTooLong));
    }

    #[test]
    fn new_order_json_note_defaults() {
        let o: NewOrder =
            serde_json::from_str(r#"{"pickup_point_id":"pp-1","lines":[{"product_id":"a","quantity":2}]}"#).unwrap();
        assert_eq!(o, new_order(vec![line("a", 2)]));
        let negative: NewOrder =
            serde_json::from_str(r#"{"pickup_point_id":"pp-1","lines":[{"product_id":"a","quantity":-1}]}"#).unwrap();
        assert_eq!(negative.validate(), Err(OrderError::QuantityOutOfRange), "negatives reach validation");
        let huge: NewOrder =
            serde_json::from_str(r#"{"pickup_point_id":"pp-1","lines":[{"product_id":"a","quantity":10000000000}]}"#).unwrap();
        assert_eq!(huge.validate(), Err(OrderError::QuantityOutOfRange));
        let mut o = o;
        assert_eq!(o.clean_note(), None);
        o.note = Some("   ".into());
        assert_eq!(o.clean_note(), None);
        o.note = Some(" 放门口 ".into());
        assert_eq!(o.clean_note().as_deref(), Some("放门口"));
    }

    #[test]
    fn order_id_is_deterministic_and_distinct() {
        let alice = PersonId::parse("r-alice").unwrap();
        let bob = PersonId::parse("r-bob").unwrap();
        let k1 = key("key-00000001");
        let k2 = key("key-00000002");
        let id = order_id_for(&alice, &k1);
        assert_eq!(id, order_id_for(&alice, &k1));
        assert_ne!(id, order_id_for(&alice, &k2));
        assert_ne!(id, order_id_for(&bob, &k1));
        assert_eq!(id.as_str().len(), 22);
        assert!(id.as_str().starts_with("o-"));
        assert!(id.as_str()[2..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        // A valid ID by the public rules.
        assert_eq!(OrderId::parse(id.as_str()), Ok(id.clone()));
        // The separator keeps ("ab", "c…") and ("a", "bc…") apart.
        let a = order_id_for(&PersonId::parse("ab").unwrap(), &key("cdefghij"));
        let b = order_id_for(&PersonId::parse("a").unwrap(), &key("bcdefghij"));
        assert_ne!(a, b);
        // Pinned: changing the derivation would orphan every retry in flight.
        assert_eq!(id, order_id_for(&PersonId::new_unchecked("r-alice".into()), &key("key-00000001")));
        let expected = hex::encode(Sha256::digest(b"r-alice\0key-00000001"));
        assert_eq!(id.as_str(), format!("o-{}", &expected[..20]));
    }

    #[test]
    fn fingerprint_ignores_line_order_only() {
        let a = new_order(vec![line("a", 1), line("b", 2), line("c", 3)]);
        let b = new_order(vec![line("c", 3), line("a", 1), line("b", 2)]);
        assert_eq!(request_fingerprint(&a), request_fingerprint(&b));
        assert_eq!(request_fingerprint(&a).len(), 64);
        // Any change of meaning changes it.
        assert_ne!(request_fingerprint(&a), request_fingerprint(&new_order(vec![line("a", 1), line("b", 2), line("c", 4)])));
        assert_ne!(request_fingerprint(&a), request_fingerprint(&new_order(vec![line("a", 1), line("b", 2)])));
        let mut other_point = a.clone();
        other_point.pickup_point_id = PickupPointId::parse("pp-2").unwrap();
        assert_ne!(request_fingerprint(&a), request_fingerprint(&other_point));
        let mut noted = a.clone();
        noted.note = Some("放门口".into());
        assert_ne!(request_fingerprint(&a), request_fingerprint(&noted));
        // Note whitespace and a blank note do not.
        let mut spaced = noted.clone();
        spaced.note = Some("  放门口 ".into());
        assert_eq!(request_fingerprint(&noted), request_fingerprint(&spaced));
        let mut blank = a.clone();
        blank.note = Some(" ".into());
        assert_eq!(request_fingerprint(&a), request_fingerprint(&blank));
    }

    #[test]
    fn pickup_code_is_six_stable_digits() {
        let secret = b"test-secret";
        let mut codes = BTreeSet::new();
        for i in 0..200 {
            let id = OrderId::new_unchecked(format!("o-{i:020}"));
            let code = pickup_code(secret, &id);
            assert_eq!(code.len(), 6, "{code}");
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(code, pickup_code(secret, &id));
            assert!(verify_pickup_code(secret, &id, &format!(" {code} ")));
            codes.insert(code);
        }
        // Codes spread out (a constant or tiny range would collide).
        assert!(codes.len() > 190);
        let id = OrderId::new_unchecked("o-1".into());
        assert_ne!(pickup_code(b"secret-a", &id), pickup_code(b"secret-b", &id));
        assert!(!verify_pickup_code(secret, &id, "12345"));
        // Leading zeros are kept: some ID among many yields a code starting with 0.
        let leading_zero =
            (0..5000).map(|i| pickup_code(secret, &OrderId::new_unchecked(format!("o-z{i}")))).find(|c| c.starts_with('0'));
        assert_eq!(leading_zero.map(|c| c.len()), Some(6));
        // Pinned against an independent HMAC computation.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap();
        mac.update(b"o-1");
        let tag = mac.finalize().into_bytes();
        let n = u64::from_be_bytes(tag[..8].try_into().unwrap()) % 1_000_000;
        assert_eq!(pickup_code(secret, &id), format!("{n:06}"));
    }

    #[test]
    fn totals_and_summary() {
        let l1 = OrderLine::new(ProductId::parse("a").unwrap(), "白菜".into(), "500g".into(), Fen::from_fen(350), 2).unwrap();
        let l2 = OrderLine::new(ProductId::parse("b").unwrap(), "鸡蛋".into(), "盒".into(), Fen::from_fen(1280), 1).unwrap();
        assert_eq!(l1.line_total, Fen::from_fen(700));
        assert_eq!(order_total(&[l1.clone(), l2.clone()]), Some(Fen::from_fen(1980)));
        assert_eq!(order_total(&[]), Some(Fen::ZERO));
        assert!(OrderLine::new(ProductId::parse("c").unwrap(), "x".into(), "x".into(), Fen::from_fen(i64::MAX), 2).is_none());
        let big = OrderLine { line_total: Fen::from_fen(i64::MAX), ..l1.clone() };
        assert_eq!(order_total(&[big, l2.clone()]), None);

        let placed_at = utc("2026-11-25T10:00:00Z");
        let placement = placement(placed_at);
        let overflowing = OrderLine { line_total: Fen::from_fen(i64::MAX), ..l1.clone() };
        assert_eq!(Order::place(placement.clone(), vec![overflowing, l2.clone()]), Err(OrderError::TotalTooLarge));
        let order = Order::place(placement, vec![l1, l2]).unwrap();
        // Placed at 18:00 store time, so collected the next day; cancellable until 22:00 tonight.
        assert_eq!(order.status, OrderStatus::Placed);
        assert_eq!(order.pickup_date, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        assert_eq!(order.timeline, vec![StatusChange { status: OrderStatus::Placed, at: placed_at }]);
        let s = order.summary();
        assert_eq!((s.item_count, s.line_count, s.total, s.first_item_name.as_str()), (3, 2, Fen::from_fen(1980), "白菜"));
        assert!(order.can_cancel(utc("2026-11-25T13:59:59Z")));
        assert!(!order.can_cancel(utc("2026-11-25T14:00:00Z")));
        let json = serde_json::to_value(&order).unwrap();
        assert_eq!(json["status"], "placed");
        assert_eq!(json["pickup_date"], "2026-11-26");
        assert_eq!(json["cancel_deadline"], "2026-11-25T14:00:00Z");
        assert_eq!(json["pickup_code"], "012345");
        assert_eq!(serde_json::from_value::<Order>(json).unwrap(), order);
        // The buyer sees her pickup code; the owner (anyone else) never does.
        let buyer = order.person_id.clone();
        assert_eq!(order.clone().shown_to(&buyer).pickup_code.as_deref(), Some("012345"));
        let owners = order.clone().shown_to(&PersonId::parse("o-owner").unwrap());
        assert_eq!(owners.pickup_code, None);
        assert!(serde_json::to_value(&owners).unwrap().get("pickup_code").is_none());
    }

    #[test]
    fn a_placed_order_reads_back_briefly_as_the_live_room_reads_it() {
        let lines = [("a", 2), ("b", 3)]
            .map(|(id, quantity)| {
                OrderLine::new(ProductId::parse(id).unwrap(), "白菜".into(), "500g".into(), Fen::from_fen(350), quantity).unwrap()
            })
            .to_vec();
        let order = Order::place(placement(utc("2026-11-25T10:00:00Z")), lines).unwrap();
        let placed = crate::api::PlaceOrderResponse { order, replayed: false };
        let brief: crate::api::PlacedOrderBrief = serde_json::from_str(&serde_json::to_string(&placed).unwrap()).unwrap();
        assert_eq!(brief.order.id, placed.order.id);
        assert_eq!(brief.order.pickup_code.as_deref(), Some("012345"));
        assert_eq!(brief.order.item_count(), 5);
    }

    /// Order o-1 of resident r-1 at store s-1's counter, placed at `placed_at`.
    fn placement(placed_at: DateTime<Utc>) -> Placement {
        Placement {
            id: OrderId::parse("o-1").unwrap(),
            pickup_code: "012345".into(),
            store_id: StoreId::parse("s-1").unwrap(),
            person_id: PersonId::parse("r-1").unwrap(),
            pickup_point: PickupPoint {
                id: PickupPointId::parse("pp-1").unwrap(),
                name: "店内柜台".into(),
                address: "文三路1号".into(),
                window: "08:00-20:00".into(),
            },
            note: None,
            placed_at,
        }
    }

    fn order_with(status: OrderStatus, timeline: &[(OrderStatus, &str)]) -> Order {
        let line = OrderLine::new(ProductId::parse("a").unwrap(), "白菜".into(), "500g".into(), Fen::from_fen(350), 1).unwrap();
        let mut order = Order::place(placement(utc("2026-11-25T10:00:00Z")), vec![line]).unwrap();
        order.status = status;
        order.timeline = timeline.iter().map(|(s, at)| StatusChange { status: *s, at: utc(at) }).collect();
        order
    }

    #[test]
    fn progress_ends_at_the_status_the_badge_shows() {
        let steps = |o: &Order| o.progress().iter().map(|s| (s.status, s.at.is_some(), s.current)).collect::<Vec<_>>();
        let placed = order_with(OrderStatus::Placed, &[(OrderStatus::Placed, "2026-11-25T10:00:00Z")]);
        assert_eq!(steps(&placed), [(OrderStatus::Placed, true, true)]);
        // A step the status has not reached is not shown as reached.
        let stray = order_with(
            OrderStatus::Placed,
            &[(OrderStatus::ReadyForPickup, "2026-11-25T11:00:00Z"), (OrderStatus::Placed, "2026-11-25T10:00:00Z")],
        );
        assert_eq!(steps(&stray), [(OrderStatus::Placed, true, true)]);
        // Steps come in life-cycle order whatever order the timeline has; a missing time is None.
        let done = order_with(
            OrderStatus::PickedUp,
            &[(OrderStatus::PickedUp, "2026-11-26T09:00:00Z"), (OrderStatus::Placed, "2026-11-25T10:00:00Z")],
        );
        assert_eq!(
            steps(&done),
            [
                (OrderStatus::Placed, true, false),
                (OrderStatus::ReadyForPickup, false, false),
                (OrderStatus::PickedUp, true, true)
            ]
        );
        let cancelled = order_with(
            OrderStatus::Cancelled,
            &[(OrderStatus::Placed, "2026-11-25T10:00:00Z"), (OrderStatus::Cancelled, "2026-11-25T10:05:00Z")],
        );
        assert_eq!(steps(&cancelled), [(OrderStatus::Placed, true, false), (OrderStatus::Cancelled, true, true)]);
        for order in [placed, stray, done, cancelled] {
            assert_eq!(order.progress().last().map(|s| (s.status, s.current)), Some((order.status, true)));
        }
    }

    #[test]
    fn check_cancel_status_then_cutoff() {
        let pickup = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let before = utc("2026-11-25T21:59:59+08:00");
        let at = utc("2026-11-25T22:00:00+08:00");
        assert_eq!(check_cancel(OrderStatus::Placed, before, pickup), Ok(()));
        assert_eq!(check_cancel(OrderStatus::Placed, at, pickup), Err(OrderError::CutoffPassed));
        for s in [OrderStatus::ReadyForPickup, OrderStatus::PickedUp, OrderStatus::Cancelled] {
            assert_eq!(check_cancel(s, before, pickup), Err(OrderError::NotCancellable));
            // Status is reported even after the cut-off.
            assert_eq!(check_cancel(s, at, pickup), Err(OrderError::NotCancellable));
        }
    }

    #[test]
    fn error_codes_and_statuses() {
        assert_eq!(OrderError::InvalidIdempotencyKey.http_status(), 400);
        assert_eq!(OrderError::IdempotencyKeyReused.http_status(), 409);
        assert_eq!(OrderError::CutoffPassed.code(), "cutoff_passed");
        assert_eq!(OrderError::NotCancellable.http_status(), 409);
        assert_eq!(OrderError::NoteTooLong.http_status(), 422);
        assert_eq!(OrderError::DuplicateLine.field(), Some("lines"));
    }
}
