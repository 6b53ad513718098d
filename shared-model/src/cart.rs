//! The cart and its pricing.
//!
//! Policy:
//! - A cart holds at most [`MAX_CART_LINES`] products, each 1..=[`MAX_LINE_QUANTITY`] units.
//! - Prices and stock always come from the store's current catalogue ([`price_cart`]),
//!   never from the client, so a stale page cannot set a price.
//! - A line may not be raised past the per-buyer cap, counting what the resident already
//!   holds in orders for the same pickup day ([`check_cart_quantity`], the same check as
//!   [`crate::stock::check_cap`] at order time): adding the third box of a 限购 2 product is
//!   refused with the cap in the answer. Lowering a line is always allowed.
//! - Each line gets an availability. Sold out is reported before a per-buyer cap or a
//!   short stock, because no quantity change can fix it. The cap counts what the buyer
//!   already holds for the pickup day, as the binding decision at order time does
//!   ([`crate::stock::decide_reserve`]). A line that cannot be ordered says why
//!   ([`LineAvailability::problem`], in the words of the refusal it would get).
//! - Products that are unknown or no longer on sale stay in the cart as `Unavailable`,
//!   priced at zero, so the resident sees what went away.
//! - The total sums only lines that can be ordered as they stand; the cart is orderable
//!   only when every line can. Arithmetic is overflow-checked; a line whose amount cannot
//!   be represented is `Unavailable`.

use crate::{
    ids::ProductId,
    markdown::MarkdownTag,
    money::Fen,
    problem::Problem,
    stock::{check_cap, ReserveError},
    tagged::tag_first,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// Most units of one product in a cart or an order.
pub const MAX_LINE_QUANTITY: u32 = 99;
/// Most distinct products in a cart or an order.
pub const MAX_CART_LINES: usize = 30;

/// One product and how many units of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartLine {
    /// The product.
    pub product_id: ProductId,
    /// Units wanted.
    pub quantity: u32,
}

/// Checks a requested quantity (as sent, possibly negative): 1..=99.
pub fn validate_quantity(raw: i64) -> Result<u32, CartError> {
    match u32::try_from(raw) {
        Ok(q) if (1..=MAX_LINE_QUANTITY).contains(&q) => Ok(q),
        _ => Err(CartError::QuantityOutOfRange),
    }
}

/// Sets `product_id` to `quantity` units in `lines`: updates the line if present, else
/// appends one (refused when the cart already has [`MAX_CART_LINES`] products).
pub fn set_line_quantity(lines: &mut Vec<CartLine>, product_id: ProductId, quantity: u32) -> Result<(), CartError> {
    if !(1..=MAX_LINE_QUANTITY).contains(&quantity) {
        return Err(CartError::QuantityOutOfRange);
    }
    if let Some(line) = lines.iter_mut().find(|l| l.product_id == product_id) {
        line.quantity = quantity;
        return Ok(());
    }
    if lines.len() >= MAX_CART_LINES {
        return Err(CartError::CartFull);
    }
    lines.push(CartLine { product_id, quantity });
    Ok(())
}

/// Whether a resident may change a line of a product with `per_buyer_cap` from `current`
/// to `wanted` units while holding `already_ordered` units of it in orders for the same
/// pickup day: lowering is always fine; raising must stay within the cap
/// ([`crate::stock::check_cap`]), else `CapExceeded` with the cap and what is held.
pub fn check_cart_quantity(
    per_buyer_cap: Option<u32>,
    current: u32,
    wanted: u32,
    already_ordered: u32,
) -> Result<(), ReserveError> {
    if wanted <= current {
        return Ok(());
    }
    check_cap(per_buyer_cap, already_ordered, wanted)
}

/// Removes `product_id` from `lines`; `true` if it was there.
pub fn remove_line(lines: &mut Vec<CartLine>, product_id: &ProductId) -> bool {
    let before = lines.len();
    lines.retain(|l| &l.product_id != product_id);
    lines.len() != before
}

/// What pricing needs to know about a product at the store right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductPricing {
    /// The product.
    pub id: ProductId,
    /// Name to show on the line.
    pub name: String,
    /// Selling unit.
    pub unit: String,
    /// Photo.
    pub image_url: String,
    /// Current unit price.
    pub price: Fen,
    /// Units left.
    pub available: u32,
    /// Most units one buyer may hold, if limited.
    pub per_buyer_cap: Option<u32>,
    /// Whether the store currently sells it.
    pub on_sale: bool,
    /// Present when `price` is a 临期特价.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown: Option<MarkdownTag>,
}

tag_first! {
    tag = "kind";
    /// Whether a cart line can be ordered as it stands, and if not, why.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum LineAvailability {
        /// Can be ordered.
        Ok,
        /// Fewer units left than wanted.
        Insufficient {
            /// Units left.
            available: u32,
        },
        /// None left.
        SoldOut,
        /// More than one buyer may take, counting what they already ordered for the day.
        OverCap {
            /// The per-buyer cap.
            cap: u32,
            /// Units the buyer already holds in orders for the same pickup day.
            #[serde(default)]
            already: u32,
        },
        /// Unknown here or no longer on sale.
        Unavailable,
    }
}

/// A cart line with today's price and availability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PricedLine {
    /// The product.
    pub product_id: ProductId,
    /// Name (empty if the product is unknown).
    pub name: String,
    /// Selling unit.
    pub unit: String,
    /// Photo.
    pub image_url: String,
    /// Current unit price (zero when unavailable).
    pub unit_price: Fen,
    /// Units wanted.
    pub quantity: u32,
    /// `unit_price × quantity` (zero when unavailable).
    pub line_total: Fen,
    /// Whether it can be ordered.
    pub availability: LineAvailability,
    /// Present when `unit_price` is a 临期特价.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown: Option<MarkdownTag>,
}

/// The priced cart (`GET /api/v1/cart`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartSummary {
    /// Every line, in cart order.
    pub lines: Vec<PricedLine>,
    /// Sum of the lines whose availability is `Ok`.
    pub total: Fen,
    /// Units across all lines (the cart badge), saturating.
    pub item_count: u32,
    /// Whether the cart can be turned into an order as it stands.
    pub orderable: bool,
}

impl CartSummary {
    /// The lines that can be ordered as they stand, as an order would charge them (what a
    /// coupon is weighed against).
    pub fn order_lines_priced(&self) -> Vec<crate::order::OrderLine> {
        self.lines
            .iter()
            .filter(|l| l.availability == LineAvailability::Ok)
            .map(|l| crate::order::OrderLine {
                product_id: l.product_id.clone(),
                name: l.name.clone(),
                unit: l.unit.clone(),
                unit_price: l.unit_price,
                quantity: l.quantity,
                line_total: l.line_total,
            })
            .collect()
    }

    /// The lines to send in a `NewOrder`.
    pub fn order_lines(&self) -> Vec<CartLine> {
        self.lines.iter().map(|l| CartLine { product_id: l.product_id.clone(), quantity: l.quantity }).collect()
    }
}

/// A [`CartSummary`] as the shop's islands read it: what the cart bar shows and what an add
/// button counts from. serde passes over the rest of the cart's answer (names, photos,
/// availability, markdowns, coupons), so the shop's bundle carries no reader for them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CartBrief {
    /// Each line's product and units, in cart order.
    pub lines: Vec<HeldLine>,
    /// As [`CartSummary::total`].
    pub total: Fen,
    /// As [`CartSummary::item_count`].
    pub item_count: u32,
}

/// A cart line as [`CartBrief`] reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldLine {
    pub product_id: ProductId,
    pub quantity: u32,
}

impl LineAvailability {
    /// Why the line cannot be ordered, as the problem ordering it would meet (so the
    /// line says it in the same words, with the same numbers); `None` when it can.
    pub fn problem(&self) -> Option<Problem> {
        match *self {
            LineAvailability::Ok => None,
            LineAvailability::Insufficient { available } => {
                Some(Problem::from_error(&ReserveError::InsufficientStock { available }))
            }
            LineAvailability::SoldOut => Some(Problem::from_error(&ReserveError::SoldOut)),
            LineAvailability::OverCap { cap, already } => Some(Problem::from_error(&ReserveError::CapExceeded { cap, already })),
            LineAvailability::Unavailable => Some(Problem::from_error(&CartError::UnknownProduct)),
        }
    }
}

fn availability(product: &ProductPricing, quantity: u32, already: u32) -> LineAvailability {
    if !product.on_sale || product.price.is_negative() {
        return LineAvailability::Unavailable;
    }
    if product.available == 0 {
        return LineAvailability::SoldOut;
    }
    if let Err(ReserveError::CapExceeded { cap, already }) = check_cap(product.per_buyer_cap, already, quantity) {
        return LineAvailability::OverCap { cap, already };
    }
    if quantity > product.available {
        return LineAvailability::Insufficient { available: product.available };
    }
    LineAvailability::Ok
}

/// Prices `lines` against the store's `catalog`, `ordered` being what the buyer already
/// holds of each product in orders for the pickup day (see the module doc for the rules).
pub fn price_cart(lines: &[CartLine], catalog: &[ProductPricing], ordered: &BTreeMap<ProductId, u32>) -> CartSummary {
    let by_id: BTreeMap<&ProductId, &ProductPricing> = catalog.iter().map(|p| (&p.id, p)).collect();
    let mut total = Fen::ZERO;
    let mut item_count = 0u32;
    let mut priced = Vec::with_capacity(lines.len());
    for line in lines {
        item_count = item_count.saturating_add(line.quantity);
        let mut out = PricedLine {
            product_id: line.product_id.clone(),
            name: String::new(),
            unit: String::new(),
            image_url: String::new(),
            unit_price: Fen::ZERO,
            quantity: line.quantity,
            line_total: Fen::ZERO,
            availability: LineAvailability::Unavailable,
            markdown: None,
        };
        if let Some(product) = by_id.get(&line.product_id) {
            out.name.clone_from(&product.name);
            out.unit.clone_from(&product.unit);
            out.image_url.clone_from(&product.image_url);
            out.availability = availability(product, line.quantity, ordered.get(&line.product_id).copied().unwrap_or(0));
            if out.availability != LineAvailability::Unavailable {
                match product.price.checked_mul(line.quantity) {
                    Some(line_total) => {
                        out.unit_price = product.price;
                        out.line_total = line_total;
                        out.markdown = product.markdown;
                    }
                    None => out.availability = LineAvailability::Unavailable,
                }
            }
        }
        if out.availability == LineAvailability::Ok {
            match total.checked_add(out.line_total) {
                Some(sum) => total = sum,
                None => {
                    out.availability = LineAvailability::Unavailable;
                    out.unit_price = Fen::ZERO;
                    out.line_total = Fen::ZERO;
                }
            }
        }
        priced.push(out);
    }
    let mut seen = BTreeSet::new();
    let orderable = !priced.is_empty()
        && priced.len() <= MAX_CART_LINES
        && priced.iter().all(|l| {
            l.availability == LineAvailability::Ok && (1..=MAX_LINE_QUANTITY).contains(&l.quantity) && seen.insert(&l.product_id)
        });
    CartSummary { lines: priced, total, item_count, orderable }
}

/// Errors about the cart.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CartError {
    /// A quantity outside 1..=99.
    #[error("the quantity must be between 1 and {MAX_LINE_QUANTITY}")]
    QuantityOutOfRange,
    /// Adding a product to a cart that already has 30.
    #[error("a cart holds at most {MAX_CART_LINES} products")]
    CartFull,
    /// The product is not sold at this store.
    #[error("this product is not sold at this store")]
    UnknownProduct,
}

impl CartError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            CartError::QuantityOutOfRange => "quantity_out_of_range",
            CartError::CartFull => "cart_full",
            CartError::UnknownProduct => "unknown_product",
        }
    }

    /// All cart errors are validation errors (422).
    pub fn http_status(&self) -> u16 {
        422
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            CartError::QuantityOutOfRange => Some("quantity"),
            CartError::CartFull => None,
            CartError::UnknownProduct => Some("product_id"),
        }
    }
}

crate::problem::impl_error_code!(CartError, field);

#[cfg(test)]
mod tests {
    use super::*;

    fn pid(s: &str) -> ProductId {
        ProductId::parse(s).unwrap()
    }

    fn product(id: &str, price: i64, available: u32, cap: Option<u32>) -> ProductPricing {
        ProductPricing {
            id: pid(id),
            name: format!("商品{id}"),
            unit: "份".into(),
            image_url: format!("/img/{id}.jpg"),
            price: Fen::from_fen(price),
            available,
            per_buyer_cap: cap,
            on_sale: true,
            markdown: None,
        }
    }

    fn line(id: &str, quantity: u32) -> CartLine {
        CartLine { product_id: pid(id), quantity }
    }

    fn none() -> BTreeMap<ProductId, u32> {
        BTreeMap::new()
    }

    #[test]
    fn a_cart_reads_back_briefly_as_the_shop_reads_it() {
        // A line over the cap and one gone: the brief keeps each line's units all the same.
        let catalog = [product("p-tofu", 350, 10, None), product("p-eggs", 1290, 10, Some(2))];
        let cart = price_cart(&[line("p-tofu", 2), line("p-eggs", 3), line("p-gone", 1)], &catalog, &none());
        let view = crate::api::CartView {
            cart: cart.clone(),
            pickup_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            coupons: Vec::new(),
        };
        let brief: crate::api::CartViewBrief = serde_json::from_str(&serde_json::to_string(&view).unwrap()).unwrap();
        let held = |id: &str, quantity| HeldLine { product_id: pid(id), quantity };
        let expected = CartBrief {
            lines: vec![held("p-tofu", 2), held("p-eggs", 3), held("p-gone", 1)],
            total: cart.total,
            item_count: cart.item_count,
        };
        assert_eq!(brief.cart, expected);
        assert_eq!((cart.total, cart.item_count), (Fen::from_fen(700), 6));
        // As the cart bar's prop, the server's whole cart reads back as the brief too.
        let prop: CartBrief = serde_json::from_str(&serde_json::to_string(&cart).unwrap()).unwrap();
        assert_eq!(prop, expected);
    }

    #[test]
    fn raising_a_line_past_the_cap_is_refused_with_the_cap() {
        // 特价鲜鸡蛋, 每人限购 2: the first two boxes go in, the third is refused.
        assert_eq!(check_cart_quantity(Some(2), 0, 1, 0), Ok(()));
        assert_eq!(check_cart_quantity(Some(2), 1, 2, 0), Ok(()));
        assert_eq!(check_cart_quantity(Some(2), 2, 3, 0), Err(ReserveError::CapExceeded { cap: 2, already: 0 }));
        // Boxes already ordered for the pickup day count.
        assert_eq!(check_cart_quantity(Some(2), 0, 1, 1), Ok(()));
        assert_eq!(check_cart_quantity(Some(2), 1, 2, 1), Err(ReserveError::CapExceeded { cap: 2, already: 1 }));
        // Lowering an over-cap line is always allowed, and no cap is no limit.
        assert_eq!(check_cart_quantity(Some(2), 5, 4, 0), Ok(()));
        assert_eq!(check_cart_quantity(Some(2), 3, 3, 0), Ok(()));
        assert_eq!(check_cart_quantity(None, 0, 99, 50), Ok(()));
        // The refusal says the cap: 每人限购2件.
        let problem = Problem::from_error(&check_cart_quantity(Some(2), 2, 3, 0).unwrap_err());
        assert_eq!((problem.code.as_str(), problem.message_zh().as_str()), ("cap_exceeded", "每人限购2件"));
    }

    #[test]
    fn the_cap_on_a_line_counts_what_was_already_ordered() {
        let catalog = [product("egg", 990, 20, Some(2)), product("apple", 1990, 20, None)];
        let ordered = BTreeMap::from([(pid("egg"), 1)]);
        let cart = price_cart(&[line("egg", 2), line("apple", 1)], &catalog, &ordered);
        assert_eq!(cart.lines[0].availability, LineAvailability::OverCap { cap: 2, already: 1 });
        assert!(!cart.orderable);
        // The total is the lines that can be ordered; the line says why it cannot.
        assert_eq!(cart.total, Fen::from_fen(1990));
        assert_eq!(cart.lines[0].availability.problem().map(|p| p.message_zh()).as_deref(), Some("每人限购2件，你已订1件"));
        let cart = price_cart(&[line("egg", 1), line("apple", 1)], &catalog, &ordered);
        assert!(cart.orderable);
        assert_eq!(cart.total, Fen::from_fen(2980));
    }

    #[test]
    fn every_line_that_cannot_be_ordered_says_why() {
        assert_eq!(LineAvailability::Ok.problem(), None);
        let say = |a: LineAvailability| a.problem().map(|p| p.message_zh()).unwrap_or_default();
        assert_eq!(say(LineAvailability::SoldOut), "已售罄");
        assert_eq!(say(LineAvailability::Insufficient { available: 2 }), "库存只剩2件，请减少数量");
        assert_eq!(say(LineAvailability::OverCap { cap: 2, already: 0 }), "每人限购2件");
        assert_eq!(say(LineAvailability::Unavailable), "商品不存在或已下架");
    }

    #[test]
    fn validate_quantity_range() {
        assert_eq!(validate_quantity(1), Ok(1));
        assert_eq!(validate_quantity(99), Ok(99));
        for bad in [0, -1, 100, i64::MIN, i64::MAX, i64::from(u32::MAX) + 1] {
            assert_eq!(validate_quantity(bad), Err(CartError::QuantityOutOfRange), "{bad}");
        }
    }

    #[test]
    fn every_availability_kind() {
        let catalog = vec![
            product("ok", 350, 10, None),
            product("short", 100, 2, None),
            product("gone", 100, 0, Some(1)),
            product("capped", 100, 50, Some(2)),
            ProductPricing { on_sale: false, ..product("off", 999, 10, None) },
        ];
        let lines = [line("ok", 3), line("short", 3), line("gone", 1), line("capped", 3), line("off", 1), line("ghost", 1)];
        let cart = price_cart(&lines, &catalog, &none());
        let kinds: Vec<LineAvailability> = cart.lines.iter().map(|l| l.availability).collect();
        assert_eq!(
            kinds,
            [
                LineAvailability::Ok,
                LineAvailability::Insufficient { available: 2 },
                LineAvailability::SoldOut,
                LineAvailability::OverCap { cap: 2, already: 0 },
                LineAvailability::Unavailable,
                LineAvailability::Unavailable,
            ]
        );
        // Only the Ok line counts.
        assert_eq!(cart.total, Fen::from_fen(1050));
        assert_eq!(cart.item_count, 3 + 3 + 1 + 3 + 1 + 1);
        assert!(!cart.orderable);
        // Unavailable lines are priced at zero; known ones keep their name.
        assert_eq!((cart.lines[4].unit_price, cart.lines[4].line_total), (Fen::ZERO, Fen::ZERO));
        assert_eq!(cart.lines[4].name, "商品off");
        assert_eq!(cart.lines[5].name, "");
        // Not-ok but sold lines still show what they would cost.
        assert_eq!(cart.lines[1].line_total, Fen::from_fen(300));
    }

    #[test]
    fn sold_out_wins_over_cap_and_cap_over_short_stock() {
        let cart = price_cart(&[line("a", 5)], &[product("a", 100, 0, Some(2))], &none());
        assert_eq!(cart.lines[0].availability, LineAvailability::SoldOut);
        let cart = price_cart(&[line("a", 5)], &[product("a", 100, 3, Some(2))], &none());
        assert_eq!(cart.lines[0].availability, LineAvailability::OverCap { cap: 2, already: 0 });
        // Exactly at the cap and exactly the stock left is fine.
        let cart = price_cart(&[line("a", 2)], &[product("a", 100, 2, Some(2))], &none());
        assert_eq!(cart.lines[0].availability, LineAvailability::Ok);
    }

    #[test]
    fn orderable_cart() {
        let catalog = [product("a", 1280, 10, None), product("b", 5, 10, Some(3))];
        let cart = price_cart(&[line("a", 2), line("b", 3)], &catalog, &none());
        assert!(cart.orderable);
        assert_eq!(cart.total, Fen::from_fen(2575));
        assert_eq!(cart.total.to_string(), "¥25.75");
        assert_eq!(cart.item_count, 5);
        assert_eq!(cart.order_lines(), vec![line("a", 2), line("b", 3)]);
    }

    #[test]
    fn empty_and_malformed_carts_are_not_orderable() {
        let catalog = [product("a", 100, 500, None)];
        let empty = price_cart(&[], &catalog, &none());
        assert_eq!((empty.total, empty.item_count, empty.orderable), (Fen::ZERO, 0, false));
        assert!(!price_cart(&[line("a", 0)], &catalog, &none()).orderable);
        assert!(!price_cart(&[line("a", 100)], &catalog, &none()).orderable);
        assert!(!price_cart(&[line("a", 1), line("a", 1)], &catalog, &none()).orderable);
    }

    #[test]
    fn overflow_is_unavailable_not_a_panic() {
        let huge = i64::MAX / 2;
        let catalog = [product("a", huge, 10, None), product("b", huge, 10, None), product("c", i64::MAX, 10, None)];
        // b alone fits, a + b overflows the total: b becomes unavailable.
        let cart = price_cart(&[line("a", 1), line("b", 2)], &catalog, &none());
        assert_eq!(cart.lines[0].availability, LineAvailability::Ok);
        assert_eq!(cart.lines[1].availability, LineAvailability::Unavailable);
        assert_eq!(cart.lines[1].line_total, Fen::ZERO);
        assert_eq!(cart.total, Fen::from_fen(huge));
        assert!(!cart.orderable);
        // The line amount itself overflows.
        let cart = price_cart(&[line("c", 2)], &catalog, &none());
        assert_eq!(cart.lines[0].availability, LineAvailability::Unavailable);
        assert_eq!(cart.total, Fen::ZERO);
        // Item count saturates.
        let cart = price_cart(&[line("a", u32::MAX), line("b", u32::MAX)], &catalog, &none());
        assert_eq!(cart.item_count, u32::MAX);
    }

    #[test]
    fn negative_price_is_unavailable() {
        let cart = price_cart(&[line("a", 1)], &[product("a", -100, 10, None)], &none());
        assert_eq!(cart.lines[0].availability, LineAvailability::Unavailable);
        assert_eq!(cart.total, Fen::ZERO);
    }

    #[test]
    fn set_and_remove_lines() {
        let mut lines = vec![];
        set_line_quantity(&mut lines, pid("a"), 2).unwrap();
        set_line_quantity(&mut lines, pid("a"), 5).unwrap();
        assert_eq!(lines, vec![line("a", 5)]);
        assert_eq!(set_line_quantity(&mut lines, pid("a"), 0), Err(CartError::QuantityOutOfRange));
        assert_eq!(set_line_quantity(&mut lines, pid("a"), 100), Err(CartError::QuantityOutOfRange));
        for i in 1..MAX_CART_LINES {
            set_line_quantity(&mut lines, pid(&format!("p{i}")), 1).unwrap();
        }
        assert_eq!(lines.len(), MAX_CART_LINES);
        assert_eq!(set_line_quantity(&mut lines, pid("new"), 1), Err(CartError::CartFull));
        // Updating an existing line in a full cart is fine.
        set_line_quantity(&mut lines, pid("p1"), 9).unwrap();
        assert!(remove_line(&mut lines, &pid("a")));
        assert!(!remove_line(&mut lines, &pid("a")));
        assert_eq!(lines.len(), MAX_CART_LINES - 1);
    }

    #[test]
    fn availability_json_is_tagged_by_kind() {
        assert_eq!(serde_json::to_value(LineAvailability::Ok).unwrap(), serde_json::json!({ "kind": "ok" }));
        assert_eq!(
            serde_json::to_value(LineAvailability::Insufficient { available: 2 }).unwrap(),
            serde_json::json!({ "kind": "insufficient", "available": 2 })
        );
        assert_eq!(
            serde_json::to_value(LineAvailability::OverCap { cap: 2, already: 0 }).unwrap(),
            serde_json::json!({ "kind": "over_cap", "cap": 2, "already": 0 })
        );
        // An older answer without `already` still reads (as written: the tag first).
        let old: LineAvailability = serde_json::from_str(r#"{"kind":"over_cap","cap":2}"#).unwrap();
        assert_eq!(old, LineAvailability::OverCap { cap: 2, already: 0 });
        let cart = price_cart(&[line("a", 1)], &[product("a", 100, 1, None)], &none());
        let back: CartSummary = serde_json::from_str(&serde_json::to_string(&cart).unwrap()).unwrap();
        assert_eq!(back, cart);
    }
}
