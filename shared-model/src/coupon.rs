//! Coupons (优惠券): their terms, who may use them, and how one changes an order's total.
//!
//! Policy, in the order the rules apply:
//! 1. **Terms** ([`CouponTerms::validate`]): an amount of ¥0.01..=[`MAX_COUPON_AMOUNT`]; a
//!    threshold that is either none (无门槛, zero) or above the amount (满 ¥39 减 ¥5: a
//!    coupon is a discount, never a free order) and at most [`MAX_COUPON_THRESHOLD`];
//!    valid 1..=[`MAX_VALID_DAYS`] days; optionally for one product only (the
//!    browse follow-up's coupon).
//! 2. **Expiry.** A coupon issued at `now` for `n` days is usable through the end of the
//!    store-local day `n` days later ([`Coupon::issue`]): issued on 10 December, 7 days,
//!    it is usable until 18 December 00:00 Beijing time, and the page says 有效期至12月17日.
//! 3. **Whose.** A coupon belongs to one resident in one store. Someone else's coupon, or
//!    one from another store, is answered as not found, so coupon IDs reveal nothing.
//! 4. **One use, one per order.** An order names at most one coupon (`coupon_id`, a single
//!    value, so coupons cannot stack), and a coupon is redeemed by one order. The worker
//!    marks it redeemed in the same write as the order, guarded on it still being unused;
//!    cancelling that order gives it back while it has not expired
//!    ([`Coupon::after_cancel`]), else it stays spent.
//! 5. **What the threshold counts.** The goods total as charged: unit prices after any
//!    临期特价 markdown ([`crate::markdown::shelf_price`]), because that is what she pays and
//!    what the 满 promise is about. A product coupon counts only that product's lines.
//! 6. **The discount** is the amount, but never more than what it counts (so the total
//!    never goes below zero): a ¥5 product coupon on one ¥3.90 item takes ¥3.90.
//! 7. **Checks**, in order: whose (not found), already used, expired, the product in the
//!    order (for a product coupon), the threshold. Used comes before expired: a coupon she
//!    spent is "used" whatever its date.
//! 8. Coupons apply to shop orders. Live flash buys are already the evening's lowest price
//!    and are placed one tap at a time; they take none.

use crate::{
    ids::{stored_forms, CouponId, OrderId, PersonId, ProductId, StoreId},
    money::Fen,
    order::OrderLine,
    problem::impl_error_code,
    time::local_day_at,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The largest coupon amount: ¥100.
pub const MAX_COUPON_AMOUNT: Fen = Fen::from_fen(10_000);
/// The largest threshold: ¥9999.
pub const MAX_COUPON_THRESHOLD: Fen = Fen::from_fen(999_900);
/// The longest validity, in days.
pub const MAX_VALID_DAYS: u32 = 30;

/// Why a coupon was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CouponKind {
    /// 回归券: for a regular customer past her usual interval (`brain::churn`).
    Returning,
    /// 浏览提醒券: for a product she looked at and left (`brain::browse`).
    BrowseFollowUp,
    /// 店长赠券: the owner's own choice of residents.
    Gift,
}

stored_forms!(CouponKind, "coupon kind", {
    Returning => "returning",
    BrowseFollowUp => "browse_follow_up",
    Gift => "gift",
});

impl CouponKind {
    /// Only the browse follow-up names one product; the owner's coupons are for the
    /// whole order, so residents never hold an owner's coupon they cannot place.
    pub fn allows_product(self) -> bool {
        matches!(self, CouponKind::BrowseFollowUp)
    }
}

/// A coupon's terms, as the owner (or a rule) sets them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouponTerms {
    /// Money off.
    pub amount: Fen,
    /// Goods total needed to use it (满); zero for 无门槛.
    #[serde(default)]
    pub threshold: Fen,
    /// The one product it is for, if it is for one.
    #[serde(default)]
    pub product_id: Option<ProductId>,
    /// Days it stays valid (rule 2).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 30))]
    pub valid_days: u32,
}

impl CouponTerms {
    /// Checks, in order: amount, threshold, validity (rule 1), then that a coupon of
    /// `kind` may name a product.
    pub fn validate(&self, kind: CouponKind) -> Result<(), CouponError> {
        if self.amount <= Fen::ZERO || self.amount > MAX_COUPON_AMOUNT {
            return Err(CouponError::InvalidAmount);
        }
        let threshold_ok =
            self.threshold == Fen::ZERO || (self.threshold > self.amount && self.threshold <= MAX_COUPON_THRESHOLD);
        if !threshold_ok {
            return Err(CouponError::InvalidThreshold);
        }
        if !(1..=MAX_VALID_DAYS).contains(&self.valid_days) {
            return Err(CouponError::InvalidValidity);
        }
        if self.product_id.is_some() && !kind.allows_product() {
            return Err(CouponError::ProductNotAllowed);
        }
        Ok(())
    }

    /// `满¥39.00减¥5.00`, or `¥5.00无门槛`.
    pub fn label_zh(&self) -> String {
        label_zh(self.amount, self.threshold)
    }

    /// `¥5.00 off orders of ¥39.00 or more`, or `¥5.00 off`.
    pub fn label_en(&self) -> String {
        label_en(self.amount, self.threshold)
    }
}

fn label_zh(amount: Fen, threshold: Fen) -> String {
    if threshold == Fen::ZERO {
        format!("{amount}无门槛")
    } else {
        format!("满{threshold}减{amount}")
    }
}

fn label_en(amount: Fen, threshold: Fen) -> String {
    if threshold == Fen::ZERO {
        format!("{amount} off")
    } else {
        format!("{amount} off orders of {threshold} or more")
    }
}

/// A coupon issued to one resident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coupon {
    /// The coupon's ID.
    pub id: CouponId,
    /// The store it is good in.
    pub store_id: StoreId,
    /// The resident it belongs to.
    pub holder: PersonId,
    /// Why it was issued.
    pub kind: CouponKind,
    /// Money off.
    pub amount: Fen,
    /// Goods total needed; zero for 无门槛.
    pub threshold: Fen,
    /// The one product it is for, if any.
    pub product_id: Option<ProductId>,
    /// When it was issued.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub issued_at: DateTime<Utc>,
    /// Usable until (not including) this instant.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub expires_at: DateTime<Utc>,
    /// The order that redeemed it, once redeemed.
    pub redeemed_by: Option<OrderId>,
}

/// Where a coupon stands at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CouponState {
    /// Can be used.
    Usable,
    /// Redeemed by an order.
    Used,
    /// Past its date, unused.
    Expired,
}

/// What cancelling the order that redeemed a coupon does to it (rule 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReturn {
    /// It is hers to use again.
    GivenBack,
    /// It has expired meanwhile and stays spent.
    StaysSpent,
}

impl Coupon {
    /// A new coupon on `terms` (validated), usable until the end of the store-local day
    /// `valid_days` after `now` (rule 2).
    pub fn issue(
        id: CouponId,
        store_id: StoreId,
        holder: PersonId,
        kind: CouponKind,
        terms: CouponTerms,
        now: DateTime<Utc>,
    ) -> Result<Coupon, CouponError> {
        terms.validate(kind)?;
        let expires_at = local_day_at(now, i64::from(terms.valid_days) + 1, 0).ok_or(CouponError::InvalidValidity)?;
        Ok(Coupon {
            id,
            store_id,
            holder,
            kind,
            amount: terms.amount,
            threshold: terms.threshold,
            product_id: terms.product_id,
            issued_at: now,
            expires_at,
            redeemed_by: None,
        })
    }

    /// Its terms as people read them (`CouponTerms::label_zh`).
    pub fn label_zh(&self) -> String {
        label_zh(self.amount, self.threshold)
    }

    /// Its terms in English (`CouponTerms::label_en`).
    pub fn label_en(&self) -> String {
        label_en(self.amount, self.threshold)
    }

    /// The last store-local day it can be used on (有效期至), the day before it expires.
    pub fn usable_through(&self) -> chrono::NaiveDate {
        let expiry = crate::time::local_date(self.expires_at);
        expiry.pred_opt().unwrap_or(expiry)
    }

    /// The coupon as `order` sees it: the order that redeemed it sees it free, so a
    /// retry of that order prices it as the first try did.
    pub fn as_seen_by(&self, order: &OrderId) -> Coupon {
        let mut seen = self.clone();
        if seen.redeemed_by.as_ref() == Some(order) {
            seen.redeemed_by = None;
        }
        seen
    }

    /// Its state at `now`.
    pub fn state(&self, now: DateTime<Utc>) -> CouponState {
        if self.redeemed_by.is_some() {
            CouponState::Used
        } else if now >= self.expires_at {
            CouponState::Expired
        } else {
            CouponState::Usable
        }
    }

    /// Whether `person` may use it in `store` at `now` on an order of `lines`, and the
    /// discount it gives (rules 3–7).
    pub fn discount_for(
        &self,
        person: &PersonId,
        store: &StoreId,
        lines: &[OrderLine],
        now: DateTime<Utc>,
    ) -> Result<Fen, CouponError> {
        if &self.holder != person || &self.store_id != store {
            return Err(CouponError::CouponNotFound);
        }
        match self.state(now) {
            CouponState::Used => return Err(CouponError::CouponUsed),
            CouponState::Expired => return Err(CouponError::CouponExpired),
            CouponState::Usable => {}
        }
        let counted = lines.iter().filter(|l| self.product_id.as_ref().is_none_or(|p| &l.product_id == p));
        let counted: Vec<&OrderLine> = counted.collect();
        if self.product_id.is_some() && counted.is_empty() {
            return Err(CouponError::ProductNotInOrder);
        }
        let base = Fen::checked_sum(counted.iter().map(|l| l.line_total)).ok_or(CouponError::CouponNotFound)?;
        if base < self.threshold {
            let short = self.threshold.checked_sub(base).unwrap_or(self.threshold);
            return Err(CouponError::BelowThreshold { threshold: self.threshold, short });
        }
        Ok(self.amount.min(base).max(Fen::ZERO))
    }

    /// What cancelling its order at `now` does to it (rule 4).
    pub fn after_cancel(&self, now: DateTime<Utc>) -> CancelReturn {
        if now < self.expires_at {
            CancelReturn::GivenBack
        } else {
            CancelReturn::StaysSpent
        }
    }
}

/// An order's money: goods at their charged prices, the coupon, and what is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderTotals {
    /// The lines' totals at their charged (marked-down) prices.
    pub goods_total: Fen,
    /// The coupon used, if any.
    pub coupon_id: Option<CouponId>,
    /// Money off from it.
    pub coupon_discount: Fen,
    /// What is paid: goods less the discount, never below zero.
    pub total: Fen,
}

/// The totals of an order of `lines` by `person` in `store` at `now`, with `coupon` if
/// she named one (see the module doc). Refused with the coupon's reason when it cannot
/// be used, or `TotalTooLarge` when the goods do not add up in an `i64`.
pub fn order_totals(
    lines: &[OrderLine],
    coupon: Option<&Coupon>,
    person: &PersonId,
    store: &StoreId,
    now: DateTime<Utc>,
) -> Result<OrderTotals, CouponError> {
    let goods_total = crate::order::order_total(lines).ok_or(CouponError::TotalTooLarge)?;
    let Some(coupon) = coupon else {
        return Ok(OrderTotals { goods_total, coupon_id: None, coupon_discount: Fen::ZERO, total: goods_total });
    };
    let discount = coupon.discount_for(person, store, lines, now)?;
    let total = goods_total.checked_sub(discount).unwrap_or(Fen::ZERO).max(Fen::ZERO);
    Ok(OrderTotals { goods_total, coupon_id: Some(coupon.id.clone()), coupon_discount: discount, total })
}

/// One of her coupons as the cart shows it: usable on this cart (with its discount and
/// what she would pay) or why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartCoupon {
    /// The coupon.
    pub coupon: Coupon,
    /// The discount on this cart, when usable.
    pub discount: Option<Fen>,
    /// What the cart would come to with it ([`order_totals`]), when usable.
    pub pays: Option<Fen>,
    /// Why not, when not (`below_coupon_threshold` with how much is missing,
    /// `coupon_product_missing`), in the words ordering with it would get.
    pub problem: Option<crate::Problem>,
}

/// Her usable-or-not coupons for a cart of `lines`: spent and expired ones left out, the
/// usable ones first by discount (largest first), then by expiry (soonest first) and id,
/// so the cart can preselect the first.
pub fn coupons_for_cart(
    coupons: &[Coupon],
    lines: &[OrderLine],
    person: &PersonId,
    store: &StoreId,
    now: DateTime<Utc>,
) -> Vec<CartCoupon> {
    let mut shown: Vec<CartCoupon> = coupons
        .iter()
        .filter(|c| c.state(now) == CouponState::Usable && &c.holder == person && &c.store_id == store)
        .map(|c| match order_totals(lines, Some(c), person, store, now) {
            Ok(t) => CartCoupon { coupon: c.clone(), discount: Some(t.coupon_discount), pays: Some(t.total), problem: None },
            Err(e) => CartCoupon { coupon: c.clone(), discount: None, pays: None, problem: Some(crate::Problem::from_error(&e)) },
        })
        .collect();
    shown.sort_by(|x, y| {
        y.discount
            .cmp(&x.discount)
            .then_with(|| x.coupon.expires_at.cmp(&y.coupon.expires_at))
            .then_with(|| x.coupon.id.cmp(&y.coupon.id))
    });
    shown
}

/// Why a coupon is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CouponError {
    /// Amount not above zero or above [`MAX_COUPON_AMOUNT`].
    #[error("a coupon's amount must be above zero and at most ¥100")]
    InvalidAmount,
    /// Threshold neither zero nor above the amount (and at most ¥9999).
    #[error("a coupon's threshold must be zero or above its amount")]
    InvalidThreshold,
    /// Validity outside 1..=[`MAX_VALID_DAYS`] days.
    #[error("a coupon is valid for 1 to {MAX_VALID_DAYS} days")]
    InvalidValidity,
    /// A product named on a kind of coupon that is for the whole order.
    #[error("this coupon is for the whole order, not one product")]
    ProductNotAllowed,
    /// Not hers, not this store's, or no such coupon.
    #[error("no such coupon")]
    CouponNotFound,
    /// Already redeemed by an order.
    #[error("the coupon has already been used")]
    CouponUsed,
    /// Past its date.
    #[error("the coupon has expired")]
    CouponExpired,
    /// A product coupon on an order without that product.
    #[error("the coupon is for a product not in the order")]
    ProductNotInOrder,
    /// The goods it counts fall short of its threshold.
    #[error("the coupon needs goods of {threshold}, {short} short")]
    BelowThreshold {
        /// The threshold.
        threshold: Fen,
        /// How much is missing.
        short: Fen,
    },
    /// The goods total cannot be represented.
    #[error("the order total is too large")]
    TotalTooLarge,
}

impl CouponError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            CouponError::InvalidAmount => "invalid_coupon_amount",
            CouponError::InvalidThreshold => "invalid_coupon_threshold",
            CouponError::InvalidValidity => "invalid_coupon_validity",
            CouponError::ProductNotAllowed => "invalid_coupon_product",
            CouponError::CouponNotFound => "coupon_not_found",
            CouponError::CouponUsed => "coupon_used",
            CouponError::CouponExpired => "coupon_expired",
            CouponError::ProductNotInOrder => "coupon_product_missing",
            CouponError::BelowThreshold { .. } => "below_coupon_threshold",
            CouponError::TotalTooLarge => "order_total_too_large",
        }
    }

    /// 422 for terms (and a total too large, as orders answer it), 404 for a coupon that
    /// is not hers, 409 when its state or the order's content says no.
    pub fn http_status(&self) -> u16 {
        match self {
            CouponError::InvalidAmount
            | CouponError::InvalidThreshold
            | CouponError::InvalidValidity
            | CouponError::ProductNotAllowed
            | CouponError::TotalTooLarge => 422,
            CouponError::CouponNotFound => 404,
            CouponError::CouponUsed
            | CouponError::CouponExpired
            | CouponError::ProductNotInOrder
            | CouponError::BelowThreshold { .. } => 409,
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            CouponError::InvalidAmount => Some("amount"),
            CouponError::InvalidThreshold => Some("threshold"),
            CouponError::InvalidValidity => Some("valid_days"),
            CouponError::ProductNotAllowed => Some("product_id"),
            CouponError::TotalTooLarge => Some("lines"),
            _ => None,
        }
    }

    /// The numbers the message shows: the threshold and how much is missing, in fen.
    pub fn args(&self) -> Vec<(&'static str, i64)> {
        match *self {
            CouponError::BelowThreshold { threshold, short } => vec![("threshold", threshold.fen()), ("short", short.fen())],
            _ => Vec::new(),
        }
    }
}

impl_error_code!(CouponError, field, args);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::problem::Problem;
    use chrono::TimeZone;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        // Store-local hour h on 2026-12-d.
        Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap() - chrono::Duration::hours(8)
    }
    fn person(p: &str) -> PersonId {
        PersonId::parse(p).unwrap()
    }
    fn store() -> StoreId {
        StoreId::parse("gubei").unwrap()
    }
    fn line(p: &str, unit: i64, qty: u32) -> OrderLine {
        OrderLine::new(ProductId::parse(p).unwrap(), p.into(), "份".into(), Fen::from_fen(unit), qty).unwrap()
    }
    /// 满¥39减¥5, 7 days, issued to 王姐 at 16:00 on the 10th.
    pub(crate) fn returning() -> Coupon {
        let terms = CouponTerms { amount: Fen::from_fen(500), threshold: Fen::from_fen(3900), product_id: None, valid_days: 7 };
        Coupon::issue(CouponId::parse("c-1").unwrap(), store(), person("wang"), CouponKind::Returning, terms, at(10, 16)).unwrap()
    }

    pub(crate) fn every_error() -> Vec<CouponError> {
        vec![
            CouponError::InvalidAmount,
            CouponError::InvalidThreshold,
            CouponError::InvalidValidity,
            CouponError::ProductNotAllowed,
            CouponError::CouponNotFound,
            CouponError::CouponUsed,
            CouponError::CouponExpired,
            CouponError::ProductNotInOrder,
            CouponError::BelowThreshold { threshold: Fen::from_fen(3900), short: Fen::from_fen(420) },
            CouponError::TotalTooLarge,
        ]
    }

    #[test]
    fn terms_are_checked_in_order() {
        let ok = CouponTerms { amount: Fen::from_fen(500), threshold: Fen::from_fen(3900), product_id: None, valid_days: 7 };
        assert_eq!(ok.validate(CouponKind::Returning), Ok(()));
        assert_eq!(ok.label_zh(), "满¥39.00减¥5.00");
        assert_eq!(ok.label_en(), "¥5.00 off orders of ¥39.00 or more");
        let free = CouponTerms { threshold: Fen::ZERO, ..ok.clone() };
        assert_eq!((free.validate(CouponKind::Gift), free.label_zh()), (Ok(()), "¥5.00无门槛".to_owned()));
        let bad = |t: CouponTerms| t.validate(CouponKind::Gift).unwrap_err();
        assert_eq!(bad(CouponTerms { amount: Fen::ZERO, ..ok.clone() }), CouponError::InvalidAmount);
        assert_eq!(bad(CouponTerms { amount: Fen::from_fen(10_001), ..ok.clone() }), CouponError::InvalidAmount);
        assert_eq!(bad(CouponTerms { threshold: Fen::from_fen(500), ..ok.clone() }), CouponError::InvalidThreshold);
        assert_eq!(bad(CouponTerms { threshold: Fen::from_fen(-1), ..ok.clone() }), CouponError::InvalidThreshold);
        assert_eq!(bad(CouponTerms { threshold: Fen::from_fen(1_000_000), ..ok.clone() }), CouponError::InvalidThreshold);
        assert_eq!(bad(CouponTerms { valid_days: 0, ..ok.clone() }), CouponError::InvalidValidity);
        assert_eq!(bad(CouponTerms { valid_days: 31, ..ok.clone() }), CouponError::InvalidValidity);
        assert_eq!(
            bad(CouponTerms { amount: Fen::ZERO, valid_days: 0, ..ok.clone() }),
            CouponError::InvalidAmount,
            "amount first"
        );
        // Only the browse follow-up is for one product.
        let one_product = CouponTerms { product_id: Some(ProductId::parse("p-1").unwrap()), ..ok };
        assert_eq!(bad(one_product.clone()), CouponError::ProductNotAllowed);
        assert_eq!(one_product.validate(CouponKind::Returning), Err(CouponError::ProductNotAllowed));
        assert_eq!(one_product.validate(CouponKind::BrowseFollowUp), Ok(()));
    }

    #[test]
    fn a_coupon_lasts_to_the_end_of_its_last_local_day() {
        let c = returning();
        // Issued 16:00 on the 10th for 7 days: usable until 00:00 on the 18th, store time.
        assert_eq!(c.expires_at, at(18, 0));
        assert_eq!(c.state(at(17, 23)), CouponState::Usable);
        assert_eq!(c.state(at(18, 0)), CouponState::Expired);
        // Issued at 23:30 local: the same local day counts as day 0.
        let late = Utc.with_ymd_and_hms(2026, 12, 10, 15, 30, 0).unwrap();
        let terms = CouponTerms { amount: Fen::from_fen(500), threshold: Fen::ZERO, product_id: None, valid_days: 1 };
        let c = Coupon::issue(CouponId::parse("c-2").unwrap(), store(), person("wang"), CouponKind::Returning, terms, late);
        assert_eq!(c.unwrap().expires_at, at(12, 0));
    }

    #[test]
    fn the_threshold_counts_the_goods_as_charged_and_the_total_never_goes_below_zero() {
        let c = returning();
        let now = at(12, 10);
        // ¥8.90 × 3 (a 7折 yoghurt) + ¥12.50 = ¥39.20 ≥ ¥39: ¥5 off → ¥34.20.
        let lines = [line("p-yoghurt", 890, 3), line("p-bread", 1250, 1)];
        let totals = order_totals(&lines, Some(&c), &person("wang"), &store(), now).unwrap();
        assert_eq!(
            totals,
            OrderTotals {
                goods_total: Fen::from_fen(3920),
                coupon_id: Some(c.id.clone()),
                coupon_discount: Fen::from_fen(500),
                total: Fen::from_fen(3420)
            }
        );
        // At the regular ¥12.80 the yoghurt would have passed; marked down to ¥8.90 × 3 alone it is ¥26.70, ¥12.30 short.
        let short = order_totals(&lines[..1], Some(&c), &person("wang"), &store(), now).unwrap_err();
        assert_eq!(short, CouponError::BelowThreshold { threshold: Fen::from_fen(3900), short: Fen::from_fen(1230) });
        let problem = Problem::from_error(&short);
        assert_eq!((problem.status, problem.title.as_str()), (409, "满¥39.00可用，还差¥12.30"));
        // Exactly the threshold is enough.
        assert!(order_totals(&[line("p-x", 3900, 1)], Some(&c), &person("wang"), &store(), now).is_ok());
        // No coupon: the goods are the total.
        let plain = order_totals(&lines, None, &person("wang"), &store(), now).unwrap();
        assert_eq!((plain.total, plain.coupon_discount, plain.coupon_id), (Fen::from_fen(3920), Fen::ZERO, None));
    }

    #[test]
    fn a_product_coupon_counts_its_product_and_takes_at_most_its_lines() {
        let terms = CouponTerms {
            amount: Fen::from_fen(500),
            threshold: Fen::ZERO,
            product_id: Some(ProductId::parse("p-berry").unwrap()),
            valid_days: 3,
        };
        let c =
            Coupon::issue(CouponId::parse("c-3").unwrap(), store(), person("li"), CouponKind::BrowseFollowUp, terms, at(10, 9))
                .unwrap();
        let now = at(11, 9);
        let lines = [line("p-berry", 390, 1), line("p-bread", 1250, 2)];
        let totals = order_totals(&lines, Some(&c), &person("li"), &store(), now).unwrap();
        assert_eq!(
            (totals.goods_total, totals.coupon_discount, totals.total),
            (Fen::from_fen(2890), Fen::from_fen(390), Fen::from_fen(2500))
        );
        let err = order_totals(&lines[1..], Some(&c), &person("li"), &store(), now).unwrap_err();
        assert_eq!(err, CouponError::ProductNotInOrder);
        // 无门槛 ¥5 on a ¥3.90 order: the total is zero, never negative.
        let only = order_totals(&lines[..1], Some(&c), &person("li"), &store(), now).unwrap();
        assert_eq!(only.total, Fen::ZERO);
    }

    #[test]
    fn checks_run_in_order_whose_used_expired_then_content() {
        let c = returning();
        let now = at(12, 10);
        let big = [line("p-x", 5000, 1)];
        let small = [line("p-x", 100, 1)];
        assert_eq!(order_totals(&big, Some(&c), &person("li"), &store(), now), Err(CouponError::CouponNotFound));
        let other = StoreId::parse("jingan").unwrap();
        assert_eq!(order_totals(&big, Some(&c), &person("wang"), &other, now), Err(CouponError::CouponNotFound));
        let used = Coupon { redeemed_by: Some(OrderId::parse("o-1").unwrap()), ..c.clone() };
        assert_eq!(order_totals(&small, Some(&used), &person("wang"), &store(), at(30, 0)), Err(CouponError::CouponUsed));
        assert_eq!(order_totals(&small, Some(&c), &person("wang"), &store(), at(18, 0)), Err(CouponError::CouponExpired));
        assert!(matches!(
            order_totals(&small, Some(&c), &person("wang"), &store(), now),
            Err(CouponError::BelowThreshold { .. })
        ));
    }

    #[test]
    fn the_order_that_redeemed_it_sees_it_free_and_no_other() {
        let mine = OrderId::parse("o-1").unwrap();
        let used = Coupon { redeemed_by: Some(mine.clone()), ..returning() };
        let big = [line("p-x", 5000, 1)];
        let now = at(12, 10);
        let retry = order_totals(&big, Some(&used.as_seen_by(&mine)), &person("wang"), &store(), now).unwrap();
        assert_eq!(retry.coupon_discount, Fen::from_fen(500));
        let other = OrderId::parse("o-2").unwrap();
        assert_eq!(
            order_totals(&big, Some(&used.as_seen_by(&other)), &person("wang"), &store(), now),
            Err(CouponError::CouponUsed)
        );
    }

    #[test]
    fn cancelling_gives_it_back_only_before_it_expires() {
        let c = Coupon { redeemed_by: Some(OrderId::parse("o-1").unwrap()), ..returning() };
        assert_eq!(c.usable_through(), chrono::NaiveDate::from_ymd_opt(2026, 12, 17).unwrap());
        assert_eq!(c.after_cancel(at(17, 23)), CancelReturn::GivenBack);
        assert_eq!(c.after_cancel(at(18, 0)), CancelReturn::StaysSpent);
    }

    #[test]
    fn the_cart_lists_usable_coupons_best_first() {
        let now = at(12, 10);
        let five = returning();
        let three =
            Coupon { id: CouponId::parse("c-0").unwrap(), amount: Fen::from_fen(300), threshold: Fen::ZERO, ..five.clone() };
        let high = Coupon { id: CouponId::parse("c-9").unwrap(), threshold: Fen::from_fen(9900), ..five.clone() };
        let spent =
            Coupon { id: CouponId::parse("c-8").unwrap(), redeemed_by: Some(OrderId::parse("o-1").unwrap()), ..five.clone() };
        let theirs = Coupon { id: CouponId::parse("c-7").unwrap(), holder: person("li"), ..five.clone() };
        let lines = [line("p-x", 4000, 1)];
        let shown = coupons_for_cart(&[high, three, spent, theirs, five], &lines, &person("wang"), &store(), now);
        let ids: Vec<(&str, Option<Fen>, Option<&str>)> =
            shown.iter().map(|c| (c.coupon.id.as_str(), c.discount, c.problem.as_ref().map(|p| p.code.as_str()))).collect();
        assert_eq!(
            ids,
            [
                ("c-1", Some(Fen::from_fen(500)), None),
                ("c-0", Some(Fen::from_fen(300)), None),
                ("c-9", None, Some("below_coupon_threshold"))
            ]
        );
    }

    #[test]
    fn kinds_have_stored_forms() {
        assert_eq!(CouponKind::BrowseFollowUp.as_str(), "browse_follow_up");
        assert_eq!(CouponKind::parse("returning"), Ok(CouponKind::Returning));
        assert_eq!(CouponKind::parse("gift"), Ok(CouponKind::Gift));
        assert!(CouponKind::parse("present").is_err());
    }
}
