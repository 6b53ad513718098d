//! 临期特价: near-expiry markdowns, from the owner's plan to the price every order pays.
//!
//! Policy, in the order the rules apply:
//! 1. **Selling days.** Residents order for next-day pickup ([`crate::time::pickup_date_for`]),
//!    and the last day a batch may be collected is its best-before date. So a batch has
//!    `best_before − today` selling days left (today counted, best-before day not): 2 days
//!    before its date it can still be sold today and tomorrow; on the eve of its date
//!    only today; from its date on it cannot be sold for pickup at all ([`MarkdownError::TooLate`]).
//! 2. **Near expiry** is 1..=[`NEAR_EXPIRY_DAYS`] selling days. Only then is a batch
//!    planned or marked down, so 临期特价 always means what it says.
//! 3. **Rates** are the owner's four steps, [`MarkdownRate::ALL`]: 9折, 8折, 7折, 5折. A
//!    rate's price is the regular price times the rate, rounded down to the jiao
//!    (¥12.80 at 7折 is ¥8.96, sold at ¥8.90).
//! 4. **Never below cost, never below the owner's floor.** A rate whose price would fall
//!    below the unit cost (when known) or the floor the owner set for the product is
//!    refused ([`MarkdownError::BelowCost`], [`MarkdownError::BelowFloor`]) and shown as
//!    blocked in the plan, never quietly lifted to the limit; a price under ¥0.10 is
//!    refused as below the floor.
//! 5. **Expected sales.** Recent sell-through is the daily average of the last 7 days'
//!    units. At the regular price a batch is expected to sell `average × selling days`;
//!    a markdown multiplies that by its rate's lift ([`MarkdownRate::lift_percent`]: ×1.3
//!    at 9折, ×1.7 at 8折, ×2.3 at 7折, ×3.5 at 5折, a rule of thumb for fresh food: demand
//!    roughly doubles at 30% off). Whole units, rounded down, so "sells out" is never
//!    promised on a fraction.
//! 6. **The advice** ([`plan_markdown`]): none when the regular price is expected to sell
//!    the stock; otherwise the gentlest allowed rate expected to sell out; if none does,
//!    the deepest allowed rate, marked as not expected to sell out.
//! 7. **The price an order pays** ([`shelf_price`], the one home for it: the shop, the
//!    cart and order capture all call it). A markdown belongs to the batch it was applied
//!    to (its best-before date): a new batch sells at the regular price again. It applies
//!    to orders placed at or after the instant it was applied, so an order a second
//!    before pays the old price and one a second after pays the new. A markdown never
//!    raises a price (if the regular price was lowered below it, the regular price wins).

use crate::{ids::ProductId, money::Fen, problem::impl_error_code};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Most selling days left at which a batch counts as near expiry.
pub const NEAR_EXPIRY_DAYS: i64 = 3;
/// Days of sales the sell-through average is taken over.
pub const SELL_THROUGH_DAYS: u32 = 7;
/// The lowest price a markdown may set: ¥0.10.
pub const MIN_MARKDOWN_PRICE: Fen = Fen::from_fen(10);

/// A markdown step: the share of the regular price a resident pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum MarkdownRate {
    /// 9折: pays 90%.
    Ninety,
    /// 8折: pays 80%.
    Eighty,
    /// 7折: pays 70%.
    Seventy,
    /// 5折: pays 50%.
    Fifty,
}

#[cfg(feature = "openapi")]
crate::openapi::integer_schema!(MarkdownRate, "A markdown step as the percent of the regular price paid: 90, 80, 70 or 50");

impl MarkdownRate {
    /// Every step, gentlest first.
    pub const ALL: [MarkdownRate; 4] = [MarkdownRate::Ninety, MarkdownRate::Eighty, MarkdownRate::Seventy, MarkdownRate::Fifty];

    /// Percent of the regular price paid (90 for 9折); its form on the wire and in storage.
    pub fn pays_percent(self) -> u8 {
        match self {
            MarkdownRate::Ninety => 90,
            MarkdownRate::Eighty => 80,
            MarkdownRate::Seventy => 70,
            MarkdownRate::Fifty => 50,
        }
    }

    /// Expected sales at this rate, in percent of those at the regular price (rule 5).
    pub fn lift_percent(self) -> u32 {
        match self {
            MarkdownRate::Ninety => 130,
            MarkdownRate::Eighty => 170,
            MarkdownRate::Seventy => 230,
            MarkdownRate::Fifty => 350,
        }
    }

    /// `7折`.
    pub fn label_zh(self) -> String {
        format!("{}折", self.pays_percent() / 10)
    }

    /// `30% off`.
    pub fn label_en(self) -> String {
        format!("{}% off", 100 - self.pays_percent())
    }

    /// The price at this rate: `regular × rate`, rounded down to the jiao (rule 3).
    pub fn price_of(self, regular: Fen) -> Fen {
        let fen = i128::from(regular.fen()) * i128::from(self.pays_percent()) / 100;
        Fen::from_fen(i64::try_from(fen - fen.rem_euclid(10)).unwrap_or(0))
    }
}

impl TryFrom<u8> for MarkdownRate {
    type Error = String;

    fn try_from(percent: u8) -> Result<Self, Self::Error> {
        MarkdownRate::ALL
            .into_iter()
            .find(|r| r.pays_percent() == percent)
            .ok_or_else(|| format!("a markdown rate is one of 90, 80, 70 or 50 (percent paid), got {percent}"))
    }
}

impl From<MarkdownRate> for u8 {
    fn from(rate: MarkdownRate) -> u8 {
        rate.pays_percent()
    }
}

impl fmt::Display for MarkdownRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label_zh())
    }
}

/// What the plan needs to know about a product's current batch in a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchFacts {
    /// The product.
    pub product_id: ProductId,
    /// Its regular price in the store.
    pub regular_price: Fen,
    /// What one unit cost the store, when the owner entered it.
    pub unit_cost: Option<Fen>,
    /// The lowest price the owner allows a markdown to set, if she set one.
    pub floor: Option<Fen>,
    /// Units on hand.
    pub stock: u32,
    /// Best-before date of the batch on hand.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub best_before: NaiveDate,
    /// Units sold in the last [`SELL_THROUGH_DAYS`] days (orders not cancelled).
    pub sold_last_7_days: u32,
}

impl BatchFacts {
    /// Selling days left on store-local `today` (rule 1); zero or less is too late.
    pub fn selling_days(&self, today: NaiveDate) -> i64 {
        (self.best_before - today).num_days()
    }

    /// Units expected to sell over `days` at `rate` (`None`: the regular price), rule 5.
    pub fn expected_units(&self, days: i64, rate: Option<MarkdownRate>) -> u32 {
        let lift = rate.map_or(100, MarkdownRate::lift_percent);
        let days = u64::try_from(days.max(0)).unwrap_or(0);
        let units = u64::from(self.sold_last_7_days) * days * u64::from(lift) / (u64::from(SELL_THROUGH_DAYS) * 100);
        u32::try_from(units).unwrap_or(u32::MAX)
    }

    /// Why `rate` may not be used on this batch's price, if it may not (rule 4).
    pub fn check_price(&self, rate: MarkdownRate) -> Result<Fen, MarkdownError> {
        let price = rate.price_of(self.regular_price);
        if self.unit_cost.is_some_and(|cost| price < cost) {
            return Err(MarkdownError::BelowCost);
        }
        if price < MIN_MARKDOWN_PRICE || self.floor.is_some_and(|floor| price < floor) {
            return Err(MarkdownError::BelowFloor);
        }
        Ok(price)
    }
}

/// One step of a plan: its price and what it is expected to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkdownStep {
    /// The rate.
    pub rate: MarkdownRate,
    /// The price at that rate.
    pub price: Fen,
    /// Units expected to sell by the best-before date at that price.
    pub expected_units: u32,
    /// Whether that is all the stock.
    pub sells_out: bool,
    /// Why the step may not be used (below cost, below the floor); `None` when it may.
    pub blocked: Option<MarkdownBlock>,
}

/// Why a step is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MarkdownBlock {
    /// The price would be below the unit cost.
    BelowCost,
    /// The price would be below the owner's floor (or ¥0.10).
    BelowFloor,
}

/// What the plan advises for a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MarkdownAdvice {
    /// More than [`NEAR_EXPIRY_DAYS`] selling days left: not 临期 yet.
    NotNearExpiry,
    /// No selling day left (rule 1).
    TooLate,
    /// The regular price is expected to sell the stock.
    NotNeeded,
    /// The gentlest allowed rate expected to sell out.
    MarkDown {
        /// The rate.
        rate: MarkdownRate,
    },
    /// No allowed rate is expected to sell out: the deepest allowed one, or `None` when
    /// every step is blocked.
    CannotClear {
        /// The deepest allowed rate, if any.
        rate: Option<MarkdownRate>,
    },
}

/// A batch's markdown plan: the facts said back, every step, and the advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkdownPlan {
    /// The product.
    pub product_id: ProductId,
    /// Selling days left (rule 1).
    pub selling_days: i64,
    /// Units on hand.
    pub stock: u32,
    /// Daily sales over the last 7 days, in tenths of a unit (`36` is 3.6 a day).
    pub daily_average_tenths: u32,
    /// Units expected to sell at the regular price.
    pub expected_at_regular: u32,
    /// Every step, gentlest first (empty unless near expiry).
    pub steps: Vec<MarkdownStep>,
    /// What to do.
    pub advice: MarkdownAdvice,
}

impl MarkdownPlan {
    /// The step the advice names, if it names one.
    pub fn advised_step(&self) -> Option<&MarkdownStep> {
        let rate = match self.advice {
            MarkdownAdvice::MarkDown { rate } | MarkdownAdvice::CannotClear { rate: Some(rate) } => rate,
            _ => return None,
        };
        self.steps.iter().find(|s| s.rate == rate)
    }
}

/// `units` a day in tenths (`36`) as people read it: `3.6`, `4`.
pub fn format_tenths(tenths: u32) -> String {
    match tenths % 10 {
        0 => format!("{}", tenths / 10),
        frac => format!("{}.{frac}", tenths / 10),
    }
}

/// Plans the markdown of `batch` on store-local `today` (see the module doc).
pub fn plan_markdown(batch: &BatchFacts, today: NaiveDate) -> MarkdownPlan {
    let days = batch.selling_days(today);
    let daily = (u64::from(batch.sold_last_7_days) * 10 + u64::from(SELL_THROUGH_DAYS) / 2) / u64::from(SELL_THROUGH_DAYS);
    let mut plan = MarkdownPlan {
        product_id: batch.product_id.clone(),
        selling_days: days,
        stock: batch.stock,
        daily_average_tenths: u32::try_from(daily).unwrap_or(u32::MAX),
        expected_at_regular: batch.expected_units(days, None),
        steps: Vec::new(),
        advice: MarkdownAdvice::NotNeeded,
    };
    if days < 1 {
        plan.advice = MarkdownAdvice::TooLate;
        return plan;
    }
    if days > NEAR_EXPIRY_DAYS {
        plan.advice = MarkdownAdvice::NotNearExpiry;
        return plan;
    }
    plan.steps = MarkdownRate::ALL
        .into_iter()
        .map(|rate| {
            let expected_units = batch.expected_units(days, Some(rate));
            let (price, blocked) = match batch.check_price(rate) {
                Ok(price) => (price, None),
                Err(e) => (rate.price_of(batch.regular_price), e.block()),
            };
            MarkdownStep { rate, price, expected_units, sells_out: expected_units >= batch.stock, blocked }
        })
        .collect();
    if plan.expected_at_regular >= batch.stock {
        return plan;
    }
    let allowed = || plan.steps.iter().filter(|s| s.blocked.is_none());
    plan.advice = match allowed().find(|s| s.sells_out) {
        Some(step) => MarkdownAdvice::MarkDown { rate: step.rate },
        None => MarkdownAdvice::CannotClear { rate: allowed().next_back().map(|s| s.rate) },
    };
    plan
}

/// A markdown as applied by the owner to one batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Markdown {
    /// The product.
    pub product_id: ProductId,
    /// The rate chosen.
    pub rate: MarkdownRate,
    /// The price it sets, fixed when applied.
    pub price: Fen,
    /// The batch it belongs to.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub best_before: NaiveDate,
    /// Orders placed from this instant on pay `price`.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub applied_at: DateTime<Utc>,
}

/// Marks `batch` down at `rate` at `now` (store-local `today`): refused when the batch is
/// past selling or not near expiry (rules 1–2), or the price breaks the cost or the floor
/// (rule 4).
pub fn apply_markdown(
    batch: &BatchFacts,
    rate: MarkdownRate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Markdown, MarkdownError> {
    let days = batch.selling_days(today);
    if days < 1 {
        return Err(MarkdownError::TooLate);
    }
    if days > NEAR_EXPIRY_DAYS {
        return Err(MarkdownError::NotNearExpiry);
    }
    let price = batch.check_price(rate)?;
    Ok(Markdown { product_id: batch.product_id.clone(), rate, price, best_before: batch.best_before, applied_at: now })
}

/// Checks a floor the owner sets for a product: above zero and at most its regular price.
pub fn check_floor(floor: Fen, regular_price: Fen) -> Result<(), MarkdownError> {
    if floor <= Fen::ZERO || floor > regular_price {
        return Err(MarkdownError::InvalidFloor);
    }
    Ok(())
}

/// The 临期特价 label a marked-down line carries: the rate and the date shown plainly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkdownTag {
    /// The rate.
    pub rate: MarkdownRate,
    /// Best-before date of the batch.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub best_before: NaiveDate,
    /// The regular price, shown struck through.
    pub regular_price: Fen,
}

/// The price a unit of a product sells at, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShelfPrice {
    /// What a unit costs the resident.
    pub unit_price: Fen,
    /// The regular price (shown struck through when marked down).
    pub regular_price: Fen,
    /// Present when the unit price is a 临期特价.
    pub markdown: Option<MarkdownTag>,
}

/// The price of one unit of a product whose batch on hand is best before
/// `batch_best_before`, for an order placed at `at` (rule 7): the markdown's price when
/// it belongs to that batch and was applied at or before `at`, else the regular price.
pub fn shelf_price(
    regular_price: Fen,
    batch_best_before: NaiveDate,
    markdown: Option<&Markdown>,
    at: DateTime<Utc>,
) -> ShelfPrice {
    match markdown {
        Some(m) if m.best_before == batch_best_before && m.applied_at <= at && m.price < regular_price => ShelfPrice {
            unit_price: m.price,
            regular_price,
            markdown: Some(MarkdownTag { rate: m.rate, best_before: m.best_before, regular_price }),
        },
        _ => ShelfPrice { unit_price: regular_price, regular_price, markdown: None },
    }
}

/// Why a markdown is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum MarkdownError {
    /// More than [`NEAR_EXPIRY_DAYS`] selling days left.
    #[error("only a batch within {NEAR_EXPIRY_DAYS} days of its best-before date can be marked down")]
    NotNearExpiry,
    /// No selling day left.
    #[error("the batch can no longer be collected before its best-before date")]
    TooLate,
    /// The price would be below the unit cost.
    #[error("the markdown price would be below the unit cost")]
    BelowCost,
    /// The price would be below the owner's floor.
    #[error("the markdown price would be below the floor")]
    BelowFloor,
    /// A floor not above zero or above the regular price.
    #[error("the floor must be above zero and at most the regular price")]
    InvalidFloor,
}

impl MarkdownError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            MarkdownError::NotNearExpiry => "not_near_expiry",
            MarkdownError::TooLate => "batch_past_selling",
            MarkdownError::BelowCost => "markdown_below_cost",
            MarkdownError::BelowFloor => "markdown_below_floor",
            MarkdownError::InvalidFloor => "invalid_markdown_floor",
        }
    }

    /// 409 when the batch's dates say no; 422 for a rate or floor the rules refuse.
    pub fn http_status(&self) -> u16 {
        match self {
            MarkdownError::NotNearExpiry | MarkdownError::TooLate => 409,
            MarkdownError::BelowCost | MarkdownError::BelowFloor | MarkdownError::InvalidFloor => 422,
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            MarkdownError::NotNearExpiry | MarkdownError::TooLate => None,
            MarkdownError::BelowCost | MarkdownError::BelowFloor => Some("rate"),
            MarkdownError::InvalidFloor => Some("floor"),
        }
    }

    fn block(self) -> Option<MarkdownBlock> {
        match self {
            MarkdownError::BelowCost => Some(MarkdownBlock::BelowCost),
            MarkdownError::BelowFloor => Some(MarkdownBlock::BelowFloor),
            _ => None,
        }
    }
}

impl_error_code!(MarkdownError, field);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    /// 希腊酸奶: ¥12.80, 18 cups, 28 sold in 7 days (4 a day), best before the 12th.
    pub(crate) fn yoghurt() -> BatchFacts {
        BatchFacts {
            product_id: ProductId::parse("p-yoghurt").unwrap(),
            regular_price: Fen::from_fen(1280),
            unit_cost: Some(Fen::from_fen(600)),
            floor: None,
            stock: 18,
            best_before: day(12),
            sold_last_7_days: 28,
        }
    }

    pub(crate) fn every_error() -> Vec<MarkdownError> {
        vec![
            MarkdownError::NotNearExpiry,
            MarkdownError::TooLate,
            MarkdownError::BelowCost,
            MarkdownError::BelowFloor,
            MarkdownError::InvalidFloor,
        ]
    }

    #[test]
    fn rates_price_down_to_the_jiao() {
        // 1280 × 0.7 = 896 → 890; × 0.9 = 1152 → 1150; × 0.8 = 1024 → 1020; × 0.5 = 640.
        let prices: Vec<i64> = MarkdownRate::ALL.iter().map(|r| r.price_of(Fen::from_fen(1280)).fen()).collect();
        assert_eq!(prices, [1150, 1020, 890, 640]);
        assert_eq!(MarkdownRate::Fifty.price_of(Fen::from_fen(19)), Fen::ZERO);
        assert_eq!(MarkdownRate::Ninety.price_of(Fen::from_fen(i64::MAX)).fen() % 10, 0, "no overflow");
        assert_eq!(MarkdownRate::Seventy.label_zh(), "7折");
        assert_eq!(MarkdownRate::Seventy.label_en(), "30% off");
    }

    #[test]
    fn rates_travel_as_the_percent_paid() {
        assert_eq!(serde_json::to_string(&MarkdownRate::Seventy).unwrap(), "70");
        assert_eq!(serde_json::from_str::<MarkdownRate>("50").unwrap(), MarkdownRate::Fifty);
        assert!(serde_json::from_str::<MarkdownRate>("60").is_err());
        assert!(serde_json::from_str::<MarkdownRate>("\"70\"").is_err());
    }

    /// The example: 2 days left, 18 cups, 4 a day → 7折.
    #[test]
    fn the_gentlest_rate_that_sells_out_is_advised() {
        let plan = plan_markdown(&yoghurt(), day(10));
        assert_eq!((plan.selling_days, plan.daily_average_tenths, plan.expected_at_regular), (2, 40, 8));
        // 4 × 2 = 8 at the regular price; ×1.3 = 10.4, ×1.7 = 13.6, ×2.3 = 18.4, ×3.5 = 28.
        let expected: Vec<u32> = plan.steps.iter().map(|s| s.expected_units).collect();
        assert_eq!(expected, [10, 13, 18, 28]);
        let sells_out: Vec<bool> = plan.steps.iter().map(|s| s.sells_out).collect();
        assert_eq!(sells_out, [false, false, true, true]);
        assert_eq!(plan.advice, MarkdownAdvice::MarkDown { rate: MarkdownRate::Seventy });
        assert_eq!(plan.advised_step().map(|s| s.price), Some(Fen::from_fen(890)));
    }

    #[test]
    fn no_markdown_when_the_regular_price_sells_the_stock() {
        let batch = BatchFacts { stock: 8, ..yoghurt() };
        let plan = plan_markdown(&batch, day(10));
        assert_eq!(plan.advice, MarkdownAdvice::NotNeeded);
        assert_eq!(plan.steps.len(), 4, "the steps are still shown");
        assert_eq!(plan.advised_step(), None);
    }

    #[test]
    fn cost_and_floor_block_steps_and_the_deepest_allowed_is_advised() {
        // Cost ¥9.00: 7折 (¥8.90) and 5折 (¥6.40) are below it; 8折 (¥10.20) expects 13 < 18.
        let batch = BatchFacts { unit_cost: Some(Fen::from_fen(900)), ..yoghurt() };
        let plan = plan_markdown(&batch, day(10));
        let blocked: Vec<Option<MarkdownBlock>> = plan.steps.iter().map(|s| s.blocked).collect();
        assert_eq!(blocked, [None, None, Some(MarkdownBlock::BelowCost), Some(MarkdownBlock::BelowCost)]);
        assert_eq!(plan.advice, MarkdownAdvice::CannotClear { rate: Some(MarkdownRate::Eighty) });
        // A floor of ¥11.60 blocks everything (9折 is ¥11.50).
        let batch = BatchFacts { floor: Some(Fen::from_fen(1160)), ..yoghurt() };
        let plan = plan_markdown(&batch, day(10));
        assert!(plan.steps.iter().all(|s| s.blocked == Some(MarkdownBlock::BelowFloor)));
        assert_eq!(plan.advice, MarkdownAdvice::CannotClear { rate: None });
        // Exactly at the cost or the floor is allowed.
        let batch = BatchFacts { unit_cost: Some(Fen::from_fen(890)), floor: Some(Fen::from_fen(890)), ..yoghurt() };
        assert_eq!(plan_markdown(&batch, day(10)).advice, MarkdownAdvice::MarkDown { rate: MarkdownRate::Seventy });
    }

    #[test]
    fn selling_days_count_from_today_to_the_best_before_date() {
        let batch = yoghurt();
        assert_eq!(plan_markdown(&batch, day(12)).advice, MarkdownAdvice::TooLate);
        assert_eq!(plan_markdown(&batch, day(13)).advice, MarkdownAdvice::TooLate);
        assert_eq!(plan_markdown(&batch, day(8)).advice, MarkdownAdvice::NotNearExpiry);
        assert!(plan_markdown(&batch, day(8)).steps.is_empty());
        // The eve of the date: one day, 4 at the regular price, 9 at 7折, 14 at 5折: none clears 18.
        let plan = plan_markdown(&batch, day(11));
        assert_eq!(plan.selling_days, 1);
        assert_eq!(plan.advice, MarkdownAdvice::CannotClear { rate: Some(MarkdownRate::Fifty) });
        assert_eq!(plan.advised_step().map(|s| (s.expected_units, s.sells_out)), Some((14, false)));
    }

    #[test]
    fn no_sales_means_nothing_is_expected_to_sell() {
        let batch = BatchFacts { sold_last_7_days: 0, ..yoghurt() };
        let plan = plan_markdown(&batch, day(10));
        assert_eq!(plan.expected_at_regular, 0);
        assert_eq!(plan.advice, MarkdownAdvice::CannotClear { rate: Some(MarkdownRate::Fifty) });
        // 25 in 7 days is 3.57 a day, said as 3.6.
        let plan = plan_markdown(&BatchFacts { sold_last_7_days: 25, ..yoghurt() }, day(10));
        assert_eq!(format_tenths(plan.daily_average_tenths), "3.6");
        assert_eq!(format_tenths(40), "4");
    }

    #[test]
    fn applying_checks_dates_then_price() {
        let now = Utc.with_ymd_and_hms(2026, 12, 10, 8, 0, 0).unwrap();
        let m = apply_markdown(&yoghurt(), MarkdownRate::Seventy, day(10), now).unwrap();
        assert_eq!((m.price, m.best_before, m.applied_at), (Fen::from_fen(890), day(12), now));
        assert_eq!(apply_markdown(&yoghurt(), MarkdownRate::Seventy, day(12), now), Err(MarkdownError::TooLate));
        assert_eq!(apply_markdown(&yoghurt(), MarkdownRate::Seventy, day(8), now), Err(MarkdownError::NotNearExpiry));
        let costly = BatchFacts { unit_cost: Some(Fen::from_fen(650)), ..yoghurt() };
        assert_eq!(apply_markdown(&costly, MarkdownRate::Fifty, day(10), now), Err(MarkdownError::BelowCost));
        let floored = BatchFacts { unit_cost: None, floor: Some(Fen::from_fen(700)), ..yoghurt() };
        assert_eq!(apply_markdown(&floored, MarkdownRate::Fifty, day(10), now), Err(MarkdownError::BelowFloor));
        let cheap = BatchFacts { regular_price: Fen::from_fen(19), unit_cost: None, ..yoghurt() };
        assert_eq!(apply_markdown(&cheap, MarkdownRate::Fifty, day(10), now), Err(MarkdownError::BelowFloor));
        assert_eq!(check_floor(Fen::from_fen(700), Fen::from_fen(1280)), Ok(()));
        assert_eq!(check_floor(Fen::from_fen(1280), Fen::from_fen(1280)), Ok(()));
        assert_eq!(check_floor(Fen::ZERO, Fen::from_fen(1280)), Err(MarkdownError::InvalidFloor));
        assert_eq!(check_floor(Fen::from_fen(1281), Fen::from_fen(1280)), Err(MarkdownError::InvalidFloor));
    }

    #[test]
    fn the_shelf_price_changes_at_the_instant_of_applying_and_for_that_batch_only() {
        let applied = Utc.with_ymd_and_hms(2026, 12, 10, 8, 0, 0).unwrap();
        let m = apply_markdown(&yoghurt(), MarkdownRate::Seventy, day(10), applied).unwrap();
        let regular = Fen::from_fen(1280);
        let before = shelf_price(regular, day(12), Some(&m), applied - chrono::Duration::seconds(1));
        assert_eq!((before.unit_price, before.markdown), (regular, None));
        let at = shelf_price(regular, day(12), Some(&m), applied);
        assert_eq!(at.unit_price, Fen::from_fen(890));
        assert_eq!(at.markdown, Some(MarkdownTag { rate: MarkdownRate::Seventy, best_before: day(12), regular_price: regular }));
        assert_eq!(at.regular_price, regular);
        let after = shelf_price(regular, day(12), Some(&m), applied + chrono::Duration::seconds(1));
        assert_eq!(after.unit_price, Fen::from_fen(890));
        // A new batch (another date) is back at the regular price.
        assert_eq!(shelf_price(regular, day(15), Some(&m), applied).unit_price, regular);
        assert_eq!(shelf_price(regular, day(12), None, applied).unit_price, regular);
        // A regular price lowered below the markdown wins.
        let lowered = shelf_price(Fen::from_fen(800), day(12), Some(&m), applied);
        assert_eq!((lowered.unit_price, lowered.markdown), (Fen::from_fen(800), None));
    }
}
