//! 经营数据: the numbers a chain is run on, one definition each, the same code for one
//! store and for the whole chain.
//!
//! Rules:
//! 1. **A day's rollup** ([`DayRollup`]) holds one store's store-local day in counts that
//!    add up: orders not cancelled and what residents paid for them, the goods' cost, the
//!    share bought in live rooms, 报损 at cost, stock on hand at cost at the day's end,
//!    the tasting answers (NPS), and the residents active in the 30 days ending that day
//!    ([`activity_on`]). A resident belongs to one store, so the chain's day is the sum of
//!    its stores' days ([`chain_days`]).
//! 2. **Active, and repurchasing** ([`activity_on`]): a resident is active on a day with at
//!    least one order in the [`ACTIVE_WINDOW_DAYS`] days ending on it, and repurchasing with
//!    at least two.
//! 3. **A week** is the 7 store-local days ending on its last day ([`week_metrics`]):
//!    - MAU: residents active on its last day;
//!    - repurchase rate: repurchasing ÷ active, on its last day;
//!    - AOV: paid ÷ orders;
//!    - NPS: from the week's answers (`community::nps`);
//!    - turnover days: the average stock on hand at cost (over the days it was recorded)
//!      ÷ the goods' cost sold a day;
//!    - loss rate: 报损 ÷ (goods' cost sold + 报损), both at cost;
//!    - live share: paid in live rooms ÷ paid;
//!    - 坪效 and 人效: paid ÷ the store's area (m²), ÷ its staff.
//! 4. **Rates** are in per mille (‰), turnover in tenths of a day, money in fen; every
//!    division rounds half up. A number with nothing to divide by is `None` (shown as
//!    "—"), never zero.
//! 5. **The change** of a number is this week's minus last week's ([`change`]), in the
//!    number's own unit (‰ points for a rate).
//! 6. **A store's size** ([`StoreSize::validate`]), which 坪效 and 人效 divide by, is kept
//!    by its owner: an area of 1 to [`MAX_AREA_M2`] m² and 1 to [`MAX_STAFF`] staff. A new
//!    size counts for every week shown, since the numbers divide when they are read.

use crate::{community::Nps, money::Fen, problem::impl_error_code, ProductId, StoreId};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// Days a resident stays active after an order (rule 2).
pub const ACTIVE_WINDOW_DAYS: i64 = 30;
/// Days in a week of the numbers (rule 3).
pub const WEEK_DAYS: i64 = 7;
/// Weeks the owner's page shows: this one and the 12 before it.
pub const WEEKS_SHOWN: u32 = 13;

/// One store's store-local day, in counts that add up across stores (rule 1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayRollup {
    /// The store-local day.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub date: NaiveDate,
    /// Orders placed that day, not cancelled.
    pub orders: u32,
    /// What residents paid for them (after coupons).
    pub paid: Fen,
    /// Of that, orders placed in live rooms.
    pub live_paid: Fen,
    /// The goods' cost of those orders.
    pub goods_cost: Fen,
    /// 报损 that day, at cost.
    pub written_off: Fen,
    /// Stock on hand at the day's end, at cost; `None` for a day no one counted it (a
    /// day before stock was recorded).
    pub stock_value: Option<Fen>,
    /// Tasting answers that day: 9–10.
    pub promoters: u32,
    /// Tasting answers that day: 7–8.
    pub passives: u32,
    /// Tasting answers that day: 0–6.
    pub detractors: u32,
    /// Residents with an order in the 30 days ending that day (rule 2).
    pub active: u32,
    /// Of those, with two or more.
    pub repurchasing: u32,
}

/// What a store is, for 坪效 and 人效. The owner keeps it up to date (rule 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreSize {
    /// Selling area, m² (1 to [`MAX_AREA_M2`]).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10000))]
    pub area_m2: u32,
    /// Staff, people (1 to [`MAX_STAFF`]).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 500))]
    pub staff: u32,
}

/// The largest selling area a community store may give, m².
pub const MAX_AREA_M2: u32 = 10_000;
/// The most staff a community store may give.
pub const MAX_STAFF: u32 = 500;

/// Why a store's size was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum StoreSizeError {
    #[error("the selling area must be 1 to 10000 m²")]
    InvalidArea,
    #[error("the staff count must be 1 to 500")]
    InvalidStaff,
}

impl StoreSizeError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreSizeError::InvalidArea => "invalid_store_area",
            StoreSizeError::InvalidStaff => "invalid_staff_count",
        }
    }

    pub fn http_status(&self) -> u16 {
        422
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            StoreSizeError::InvalidArea => "area_m2",
            StoreSizeError::InvalidStaff => "staff",
        })
    }
}

impl_error_code!(StoreSizeError, field);

impl StoreSize {
    /// The size as an owner may set it (rule 6): neither figure zero (坪效 and 人效 would
    /// have nothing to divide by) nor beyond a community store.
    pub fn validate(self) -> Result<Self, StoreSizeError> {
        if !(1..=MAX_AREA_M2).contains(&self.area_m2) {
            return Err(StoreSizeError::InvalidArea);
        }
        if !(1..=MAX_STAFF).contains(&self.staff) {
            return Err(StoreSizeError::InvalidStaff);
        }
        Ok(self)
    }
}

/// Residents active and repurchasing on `day`, from every order date of each resident
/// (rule 2). `orders` maps a resident to her order dates, any order.
pub fn activity_on<K: Ord>(orders: &BTreeMap<K, Vec<NaiveDate>>, day: NaiveDate) -> (u32, u32) {
    let first = day - Duration::days(ACTIVE_WINDOW_DAYS - 1);
    let (mut active, mut repurchasing) = (0u32, 0u32);
    for dates in orders.values() {
        let within = dates.iter().filter(|d| (first..=day).contains(d)).count();
        active = active.saturating_add(u32::from(within >= 1));
        repurchasing = repurchasing.saturating_add(u32::from(within >= 2));
    }
    (active, repurchasing)
}

/// The chain's days: each date's rollups of every store added up (rule 1), by date.
pub fn chain_days<'a>(stores: impl IntoIterator<Item = &'a [DayRollup]>) -> Vec<DayRollup> {
    let mut by_date: BTreeMap<NaiveDate, DayRollup> = BTreeMap::new();
    // The chain's stock is known on a day only if every store's is.
    let mut stock: BTreeMap<NaiveDate, Option<Fen>> = BTreeMap::new();
    for day in stores.into_iter().flatten() {
        let known = stock.entry(day.date).or_insert(Some(Fen::ZERO));
        *known = known.zip(day.stock_value).map(|(a, b)| add(a, b));
        let sum = by_date.entry(day.date).or_insert_with(|| DayRollup { date: day.date, ..DayRollup::default() });
        sum.orders = sum.orders.saturating_add(day.orders);
        sum.paid = add(sum.paid, day.paid);
        sum.live_paid = add(sum.live_paid, day.live_paid);
        sum.goods_cost = add(sum.goods_cost, day.goods_cost);
        sum.written_off = add(sum.written_off, day.written_off);
        sum.promoters = sum.promoters.saturating_add(day.promoters);
        sum.passives = sum.passives.saturating_add(day.passives);
        sum.detractors = sum.detractors.saturating_add(day.detractors);
        sum.active = sum.active.saturating_add(day.active);
        sum.repurchasing = sum.repurchasing.saturating_add(day.repurchasing);
    }
    by_date.into_values().map(|day| DayRollup { stock_value: stock.get(&day.date).copied().flatten(), ..day }).collect()
}

/// The chain's size: the stores' areas and staff added up.
pub fn chain_size(stores: impl IntoIterator<Item = StoreSize>) -> StoreSize {
    stores.into_iter().fold(StoreSize::default(), |sum, s| StoreSize {
        area_m2: sum.area_m2.saturating_add(s.area_m2),
        staff: sum.staff.saturating_add(s.staff),
    })
}

fn add(a: Fen, b: Fen) -> Fen {
    a.checked_add(b).unwrap_or(Fen::from_fen(i64::MAX))
}

/// One week's numbers (rule 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekMetrics {
    /// The week's last store-local day.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub week_ending: NaiveDate,
    /// Orders, not cancelled.
    pub orders: u32,
    /// Paid.
    pub paid: Fen,
    /// MAU: residents active on the week's last day (`None` with no rollup for it).
    pub mau: Option<u32>,
    /// Repurchasing ÷ active, ‰.
    pub repurchase_permille: Option<u32>,
    /// Average order value.
    pub aov: Option<Fen>,
    /// From the week's tasting answers.
    pub nps: Option<Nps>,
    /// Days the average stock lasts at the week's pace of sales, in tenths.
    pub turnover_tenths: Option<u32>,
    /// 报损 ÷ (cost sold + 报损), ‰.
    pub loss_permille: Option<u32>,
    /// Paid in live rooms ÷ paid, ‰.
    pub live_share_permille: Option<u32>,
    /// 坪效: paid per m² of selling area.
    pub paid_per_m2: Option<Fen>,
    /// 人效: paid per member of staff.
    pub paid_per_staff: Option<Fen>,
}

/// `numerator × scale ÷ denominator`, rounded half up; `None` when the denominator is not
/// above zero or the result does not fit.
fn ratio(numerator: i64, denominator: i64, scale: i64) -> Option<i64> {
    if denominator <= 0 || numerator < 0 {
        return None;
    }
    let n = i128::from(numerator) * i128::from(scale);
    let d = i128::from(denominator);
    i64::try_from((2 * n + d) / (2 * d)).ok()
}

fn permille(numerator: i64, denominator: i64) -> Option<u32> {
    ratio(numerator, denominator, 1000).and_then(|r| u32::try_from(r).ok())
}

/// The first day of the week (of [`WEEK_DAYS`]) that ends on `week_ending`.
pub fn week_first_day(week_ending: NaiveDate) -> NaiveDate {
    week_ending - Duration::days(WEEK_DAYS - 1)
}

/// The numbers of the week ending on `week_ending`, from `days` (any order; days outside
/// the week are left out, a day with no rollup counts as a day with nothing).
pub fn week_metrics(days: &[DayRollup], week_ending: NaiveDate, size: StoreSize) -> WeekMetrics {
    let first = week_first_day(week_ending);
    let week: Vec<&DayRollup> = days.iter().filter(|d| (first..=week_ending).contains(&d.date)).collect();
    let sum = |f: fn(&DayRollup) -> i64| week.iter().map(|d| f(d)).fold(0i64, i64::saturating_add);
    let count = |f: fn(&DayRollup) -> u32| week.iter().map(|d| f(d)).fold(0u32, u32::saturating_add);
    let orders = count(|d| d.orders);
    let (promoters, passives, detractors) = (count(|d| d.promoters), count(|d| d.passives), count(|d| d.detractors));
    let paid = sum(|d| d.paid.fen());
    let goods_cost = sum(|d| d.goods_cost.fen());
    let written_off = sum(|d| d.written_off.fen());
    let last = week.iter().find(|d| d.date == week_ending);
    let fen = |r: Option<i64>| r.map(Fen::from_fen);
    WeekMetrics {
        week_ending,
        orders,
        paid: Fen::from_fen(paid),
        mau: last.map(|d| d.active),
        repurchase_permille: last.and_then(|d| permille(d.repurchasing.into(), d.active.into())),
        aov: fen(ratio(paid, orders.into(), 1)),
        nps: Nps::from_counts(promoters, detractors, promoters.saturating_add(passives).saturating_add(detractors)),
        turnover_tenths: turnover_tenths(&week, goods_cost),
        loss_permille: permille(written_off, goods_cost.saturating_add(written_off)),
        live_share_permille: permille(sum(|d| d.live_paid.fen()), paid),
        paid_per_m2: fen(ratio(paid, size.area_m2.into(), 1)),
        paid_per_staff: fen(ratio(paid, size.staff.into(), 1)),
    }
}

/// Average stock over the days it was recorded (Σ ÷ k) ÷ cost sold a day (Σ cost ÷ 7), in
/// tenths of a day; `None` with no stock recorded or nothing sold.
fn turnover_tenths(week: &[&DayRollup], goods_cost: i64) -> Option<u32> {
    let known: Vec<i64> = week.iter().filter_map(|d| d.stock_value).map(Fen::fen).collect();
    let recorded_days = i64::try_from(known.len()).ok().filter(|k| *k > 0)?;
    let stock = known.into_iter().fold(0i64, i64::saturating_add);
    ratio(stock.saturating_mul(WEEK_DAYS), recorded_days.saturating_mul(goods_cost), 10).and_then(|r| u32::try_from(r).ok())
}

/// The `weeks` weeks ending on `last_week_ending`, oldest first.
pub fn weekly(days: &[DayRollup], last_week_ending: NaiveDate, weeks: u32, size: StoreSize) -> Vec<WeekMetrics> {
    (0..i64::from(weeks))
        .rev()
        .map(|back| week_metrics(days, last_week_ending - Duration::days(WEEK_DAYS * back), size))
        .collect()
}

/// This week's number minus last week's (rule 5); `None` unless both are known.
pub fn change<T: Into<i64> + Copy>(this_week: Option<T>, last_week: Option<T>) -> Option<i64> {
    Some(this_week?.into() - last_week?.into())
}

/// One order as the rollups count it (rule 1): whose, the store-local day it was placed,
/// whether it was cancelled, what was paid, its goods' cost and whether it was bought in a
/// live room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFact<K> {
    pub person: K,
    pub placed_on: NaiveDate,
    pub cancelled: bool,
    pub paid: Fen,
    pub goods_cost: Fen,
    pub live: bool,
}

/// The rollups of `first..=last`, one per day, even a day with nothing (rule 1), from the
/// orders placed on those days and the [`ACTIVE_WINDOW_DAYS`] − 1 days before `first` (for
/// the residents active), and the tasting answers given on those days (`scores`: the day
/// and the 0–10 score). Cancelled orders count for nothing; 报损 and stock on hand are not
/// in orders and are left for the caller.
pub fn day_rollups<K: Ord + Clone>(
    orders: &[OrderFact<K>],
    scores: &[(NaiveDate, u8)],
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<DayRollup> {
    let kept: Vec<&OrderFact<K>> = orders.iter().filter(|o| !o.cancelled).collect();
    let mut dates_by_person: BTreeMap<K, Vec<NaiveDate>> = BTreeMap::new();
    for o in &kept {
        dates_by_person.entry(o.person.clone()).or_default().push(o.placed_on);
    }
    first
        .iter_days()
        .take_while(|day| *day <= last)
        .map(|date| {
            let placed: Vec<&&OrderFact<K>> = kept.iter().filter(|o| o.placed_on == date).collect();
            let total = |f: fn(&OrderFact<K>) -> Fen| placed.iter().map(|o| f(o)).fold(Fen::ZERO, add);
            let answers = |range: std::ops::RangeInclusive<u8>| {
                let n = scores.iter().filter(|(on, score)| *on == date && range.contains(score)).count();
                u32::try_from(n).unwrap_or(u32::MAX)
            };
            let (active, repurchasing) = activity_on(&dates_by_person, date);
            DayRollup {
                date,
                orders: u32::try_from(placed.len()).unwrap_or(u32::MAX),
                paid: total(|o| o.paid),
                live_paid: total(|o| if o.live { o.paid } else { Fen::ZERO }),
                goods_cost: total(|o| o.goods_cost),
                written_off: Fen::ZERO,
                stock_value: None,
                promoters: answers(9..=10),
                passives: answers(7..=8),
                detractors: answers(0..=6),
                active,
                repurchasing,
            }
        })
        .collect()
}

/// One product's sales on one day, for the week's best sellers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductDay {
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub date: NaiveDate,
    pub product_id: ProductId,
    pub name: String,
    /// Units sold, in orders not cancelled.
    pub quantity: u32,
    /// At the prices they were sold at (before an order's coupon).
    pub sales: Fen,
}

/// A best seller of a week: its units and sales over the week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopProduct {
    pub product_id: ProductId,
    pub name: String,
    pub quantity: u32,
    pub sales: Fen,
}

/// Best sellers shown on the numbers page.
pub const TOP_PRODUCTS_SHOWN: usize = 5;

/// The week's best sellers (the 7 days ending on `week_ending`): by sales, then units, then
/// product ID, at most `n`.
pub fn top_products(days: &[ProductDay], week_ending: NaiveDate, n: usize) -> Vec<TopProduct> {
    let first = week_first_day(week_ending);
    let mut by_product: BTreeMap<&ProductId, TopProduct> = BTreeMap::new();
    for day in days.iter().filter(|d| (first..=week_ending).contains(&d.date)) {
        let top = by_product.entry(&day.product_id).or_insert_with(|| TopProduct {
            product_id: day.product_id.clone(),
            name: day.name.clone(),
            quantity: 0,
            sales: Fen::ZERO,
        });
        top.quantity = top.quantity.saturating_add(day.quantity);
        top.sales = add(top.sales, day.sales);
    }
    let mut tops: Vec<TopProduct> = by_product.into_values().collect();
    tops.sort_by(|a, b| b.sales.cmp(&a.sales).then(b.quantity.cmp(&a.quantity)).then(a.product_id.cmp(&b.product_id)));
    tops.truncate(n);
    tops
}

/// `GET /api/v1/stores/{store}/numbers`: one store's 经营数据 (or, for HQ, the chain's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreNumbers {
    pub store_id: StoreId,
    pub store_name: String,
    pub size: StoreSize,
    /// The weeks' last day: yesterday, store time, the last whole day (a week ending on a
    /// day half gone would compare a part with a whole).
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub as_of: NaiveDate,
    /// When the rollups read were last brought up to date.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub updated_at: DateTime<Utc>,
    /// [`WEEKS_SHOWN`] weeks ending on `as_of`, oldest first.
    pub weeks: Vec<WeekMetrics>,
    /// The last week's best sellers.
    pub top_products: Vec<TopProduct>,
    /// Today so far, as of `updated_at`.
    pub today: DayRollup,
}

/// A number of the page, to show, compare and rank stores by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Mau,
    Repurchase,
    Aov,
    Nps,
    Turnover,
    Loss,
    Sales,
    Orders,
    LiveShare,
    PerM2,
    PerStaff,
}

impl Metric {
    /// Every number, in the page's order.
    pub const ALL: [Metric; 11] = [
        Metric::Mau,
        Metric::Repurchase,
        Metric::Aov,
        Metric::Nps,
        Metric::Turnover,
        Metric::Loss,
        Metric::Sales,
        Metric::Orders,
        Metric::LiveShare,
        Metric::PerM2,
        Metric::PerStaff,
    ];

    /// Its value in a week, as an integer of its own unit (count, fen, ‰, NPS points,
    /// tenths of a day).
    pub fn of(self, week: &WeekMetrics) -> Option<i64> {
        match self {
            Metric::Mau => week.mau.map(i64::from),
            Metric::Repurchase => week.repurchase_permille.map(i64::from),
            Metric::Aov => week.aov.map(Fen::fen),
            Metric::Nps => week.nps.map(|n| i64::from(n.get())),
            Metric::Turnover => week.turnover_tenths.map(i64::from),
            Metric::Loss => week.loss_permille.map(i64::from),
            Metric::Sales => Some(week.paid.fen()),
            Metric::Orders => Some(i64::from(week.orders)),
            Metric::LiveShare => week.live_share_permille.map(i64::from),
            Metric::PerM2 => week.paid_per_m2.map(Fen::fen),
            Metric::PerStaff => week.paid_per_staff.map(Fen::fen),
        }
    }

    /// Stock that lasts fewer days and less thrown away are better; more of the rest is.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Metric::Turnover | Metric::Loss)
    }

    /// Stable name, for URLs and test ids.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Mau => "mau",
            Metric::Repurchase => "repurchase",
            Metric::Aov => "aov",
            Metric::Nps => "nps",
            Metric::Turnover => "turnover",
            Metric::Loss => "loss",
            Metric::Sales => "sales",
            Metric::Orders => "orders",
            Metric::LiveShare => "live_share",
            Metric::PerM2 => "per_m2",
            Metric::PerStaff => "per_staff",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// One store's last week and the week before, side by side with the others for HQ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreWeek {
    pub store_id: StoreId,
    pub store_name: String,
    pub size: StoreSize,
    pub this_week: WeekMetrics,
    pub week_before: WeekMetrics,
}

/// `GET /api/v1/chain/numbers`: every store's last 7 whole days for HQ, and the chain's,
/// by the same definitions (the chain's days are its stores' added up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainNumbers {
    /// The weeks' last day: yesterday, store time.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub as_of: NaiveDate,
    /// The stores, by store ID.
    pub stores: Vec<StoreWeek>,
    /// The chain: its stores' days and sizes added up.
    pub chain_size: StoreSize,
    pub chain_this_week: WeekMetrics,
    pub chain_week_before: WeekMetrics,
}

/// Stores best first by `metric` last week: by its better direction, a store with no
/// value for it last, ties by store ID.
pub fn rank(stores: &mut [StoreWeek], metric: Metric) {
    stores.sort_by(|a, b| {
        let (x, y) = (metric.of(&a.this_week), metric.of(&b.this_week));
        let by_value = match (x, y) {
            (Some(x), Some(y)) if metric.higher_is_better() => y.cmp(&x),
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_value.then_with(|| a.store_id.cmp(&b.store_id))
    });
}

/// `36.5%` from 365‰.
pub fn format_permille(permille: u32) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_size_needs_some_floor_and_someone_to_run_it() {
        let ok = StoreSize { area_m2: 120, staff: 4 };
        assert_eq!(ok.validate(), Ok(ok));
        assert_eq!(StoreSize { area_m2: MAX_AREA_M2, staff: MAX_STAFF }.validate().map(|s| s.staff), Ok(MAX_STAFF));
        assert_eq!(StoreSize { area_m2: 0, staff: 4 }.validate(), Err(StoreSizeError::InvalidArea));
        assert_eq!(StoreSize { area_m2: MAX_AREA_M2 + 1, staff: 4 }.validate(), Err(StoreSizeError::InvalidArea));
        assert_eq!(StoreSize { area_m2: 120, staff: 0 }.validate(), Err(StoreSizeError::InvalidStaff));
        assert_eq!(StoreSize { area_m2: 120, staff: MAX_STAFF + 1 }.validate(), Err(StoreSizeError::InvalidStaff));
        // Both wrong: the area, first in the form, is named.
        assert_eq!(StoreSizeError::InvalidArea.field(), Some("area_m2"));
        assert_eq!(StoreSize { area_m2: 0, staff: 0 }.validate(), Err(StoreSizeError::InvalidArea));
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }
    fn yuan(y: i64) -> Fen {
        Fen::from_fen(y * 100)
    }

    /// A store's week, 11-01 to 11-07, worked by hand below.
    fn week() -> Vec<DayRollup> {
        let mut days: Vec<DayRollup> =
            (1..=7).map(|n| DayRollup { date: d(n), stock_value: Some(yuan(1000)), ..DayRollup::default() }).collect();
        // Monday: 3 orders, ¥150 paid (¥50 of it in a live), cost ¥90, ¥10 thrown away.
        days[0] = DayRollup {
            orders: 3,
            paid: yuan(150),
            live_paid: yuan(50),
            goods_cost: yuan(90),
            written_off: yuan(10),
            promoters: 2,
            passives: 1,
            ..days[0].clone()
        };
        // Sunday: 1 order of ¥49.99, cost ¥30.01, one detractor; 40 active, 14 twice.
        days[6] = DayRollup {
            orders: 1,
            paid: Fen::from_fen(4999),
            goods_cost: Fen::from_fen(3001),
            detractors: 1,
            active: 40,
            repurchasing: 14,
            ..days[6].clone()
        };
        days
    }

    #[test]
    fn a_week_by_hand() {
        let size = StoreSize { area_m2: 80, staff: 3 };
        let m = week_metrics(&week(), d(7), size);
        assert_eq!((m.orders, m.paid), (4, Fen::from_fen(19_999)));
        assert_eq!(m.mau, Some(40));
        // 14 / 40 = 350‰.
        assert_eq!(m.repurchase_permille, Some(350));
        // ¥199.99 / 4 = ¥49.9975 → ¥50.00 (half up, in fen).
        assert_eq!(m.aov, Some(Fen::from_fen(5000)));
        // 2 promoters, 1 passive, 1 detractor: (2 − 1) / 4 = 25.
        assert_eq!(m.nps.map(Nps::get), Some(25));
        // Stock ¥1000 every day, cost sold ¥120.01 in 7 days (¥17.144 a day): 58.33 days.
        assert_eq!(m.turnover_tenths, Some(583));
        // Stock recorded on two days only, ¥1000 and ¥3000: an average of ¥2000, 116.66 days.
        let mut sparse = week();
        for day in &mut sparse[1..6] {
            day.stock_value = None;
        }
        sparse[6].stock_value = Some(yuan(3000));
        assert_eq!(week_metrics(&sparse, d(7), size).turnover_tenths, Some(1167));
        // None recorded: unknown, not zero.
        let unrecorded: Vec<DayRollup> = week().into_iter().map(|day| DayRollup { stock_value: None, ..day }).collect();
        assert_eq!(week_metrics(&unrecorded, d(7), size).turnover_tenths, None);
        // ¥10 / (¥120.01 + ¥10) = 76.9‰ → 77‰.
        assert_eq!(m.loss_permille, Some(77));
        // ¥50 / ¥199.99 = 250.01‰ → 250‰.
        assert_eq!(m.live_share_permille, Some(250));
        // ¥199.99 / 80 m² = ¥2.4999 → ¥2.50; / 3 staff = ¥66.663 → ¥66.66.
        assert_eq!(m.paid_per_m2, Some(Fen::from_fen(250)));
        assert_eq!(m.paid_per_staff, Some(Fen::from_fen(6666)));
    }

    #[test]
    fn nothing_to_divide_by_is_none_not_zero() {
        let empty = week_metrics(&[], d(7), StoreSize::default());
        assert_eq!(empty.orders, 0);
        assert_eq!(
            (empty.mau, empty.repurchase_permille, empty.aov, empty.nps, empty.turnover_tenths),
            (None, None, None, None, None)
        );
        assert_eq!(
            (empty.loss_permille, empty.live_share_permille, empty.paid_per_m2, empty.paid_per_staff),
            (None, None, None, None)
        );
        // A last day with no one active: MAU 0, the rate unknown.
        let quiet = [DayRollup { date: d(7), ..DayRollup::default() }];
        let m = week_metrics(&quiet, d(7), StoreSize::default());
        assert_eq!((m.mau, m.repurchase_permille), (Some(0), None));
    }

    #[test]
    fn days_outside_the_week_are_left_out() {
        let mut days = week();
        days.push(DayRollup { date: d(8), orders: 99, paid: yuan(9999), ..DayRollup::default() });
        days.push(DayRollup { date: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(), orders: 99, ..DayRollup::default() });
        assert_eq!(week_metrics(&days, d(7), StoreSize::default()).orders, 4);
    }

    #[test]
    fn active_means_an_order_in_the_30_days_ending_that_day() {
        let orders: BTreeMap<&str, Vec<NaiveDate>> = [
            // Twice in the window: active and repurchasing.
            ("wang", vec![d(2), d(20)]),
            // Once in the window (the other order is 31 days before the 30th).
            ("li", vec![NaiveDate::from_ymd_opt(2026, 10, 30).unwrap(), d(30)]),
            // The first day of the window counts: 11-01 is 29 days before 11-30.
            ("zhao", vec![d(1)]),
            // After the day: not yet.
            ("sun", vec![NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()]),
        ]
        .into();
        assert_eq!(activity_on(&orders, d(30)), (3, 1));
        assert_eq!(activity_on(&orders, d(1)), (2, 0), "li's 10-30 and zhao's 11-01");
    }

    #[test]
    fn the_chain_is_its_stores_added_up_with_the_same_definitions() {
        let a = week();
        let b: Vec<DayRollup> = week()
            .into_iter()
            .map(|day| DayRollup { active: day.active / 2, repurchasing: day.repurchasing / 2, ..day })
            .collect();
        let chain = chain_days([a.as_slice(), b.as_slice()]);
        assert_eq!(chain.len(), 7);
        assert_eq!(chain[0].stock_value, Some(yuan(2000)));
        // A store that did not record its stock one day leaves the chain's unknown that day.
        let c: Vec<DayRollup> =
            week().into_iter().map(|day| DayRollup { stock_value: (day.date != d(3)).then_some(yuan(5)), ..day }).collect();
        let three = chain_days([a.as_slice(), c.as_slice()]);
        assert_eq!((three[1].stock_value, three[2].stock_value), (Some(Fen::from_fen(100_500)), None));
        let size = chain_size([StoreSize { area_m2: 80, staff: 3 }, StoreSize { area_m2: 120, staff: 5 }]);
        assert_eq!(size, StoreSize { area_m2: 200, staff: 8 });
        let m = week_metrics(&chain, d(7), size);
        assert_eq!((m.orders, m.mau), (8, Some(60)));
        // (14 + 7) / (40 + 20) = 350‰; the same AOV and rates as each store.
        assert_eq!(m.repurchase_permille, Some(350));
        assert_eq!(m.aov, Some(Fen::from_fen(5000)));
        assert_eq!(m.loss_permille, Some(77));
        // ¥399.98 / 200 m² = ¥2.00 (¥1.9999).
        assert_eq!(m.paid_per_m2, Some(Fen::from_fen(200)));
    }

    #[test]
    fn thirteen_weeks_oldest_first_and_the_change() {
        let series = weekly(&week(), d(7), WEEKS_SHOWN, StoreSize::default());
        assert_eq!(series.len(), 13);
        assert_eq!(series.last().unwrap().week_ending, d(7));
        assert_eq!(series[11].week_ending, NaiveDate::from_ymd_opt(2026, 10, 31).unwrap());
        assert_eq!(series[11].orders, 0);
        assert_eq!(change(series[12].mau, Some(25)), Some(15));
        assert_eq!(change(series[12].repurchase_permille, series[11].repurchase_permille), None);
        assert_eq!(format_permille(350), "35.0%");
        assert_eq!(format_permille(77), "7.7%");
    }

    fn fact(person: &str, placed_on: NaiveDate, paid: i64, live: bool) -> OrderFact<String> {
        OrderFact { person: person.into(), placed_on, cancelled: false, paid: yuan(paid), goods_cost: yuan(paid * 6 / 10), live }
    }

    #[test]
    fn days_rolled_up_from_orders_by_hand() {
        let october_5 = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
        let orders = vec![
            fact("li", d(1), 30, true),
            fact("li", d(3), 20, false),
            OrderFact { cancelled: true, ..fact("wang", d(3), 99, false) },
            // Before the days counted: only makes zhao active, until 30 days have passed.
            fact("zhao", october_5, 10, false),
        ];
        let scores = [(d(1), 10), (d(1), 7), (d(3), 3), (d(5), 10)];
        let days = day_rollups(&orders, &scores, d(1), d(4));
        assert_eq!(days.iter().map(|day| day.date).collect::<Vec<_>>(), vec![d(1), d(2), d(3), d(4)]);
        // 11-01: li's live order; li and zhao (10-05 is within 10-03..11-01) are active.
        assert_eq!(
            days[0],
            DayRollup {
                date: d(1),
                orders: 1,
                paid: yuan(30),
                live_paid: yuan(30),
                goods_cost: yuan(18),
                promoters: 1,
                passives: 1,
                active: 2,
                ..DayRollup::default()
            }
        );
        // 11-02: nothing placed, both still active.
        assert_eq!(days[1], DayRollup { date: d(2), active: 2, ..DayRollup::default() });
        // 11-03: wang's order was cancelled, so only li's; li has two orders in the window.
        assert_eq!(
            days[2],
            DayRollup {
                date: d(3),
                orders: 1,
                paid: yuan(20),
                goods_cost: yuan(12),
                detractors: 1,
                active: 2,
                repurchasing: 1,
                ..DayRollup::default()
            }
        );
        // 11-04: zhao's order is now 31 days old (the window is 10-06..11-04).
        assert_eq!((days[3].active, days[3].repurchasing), (1, 1));
        // The same facts for the chain: two stores' days add up to the rollup of both.
        let other = vec![fact("sun", d(3), 5, false)];
        let both: Vec<OrderFact<String>> = orders.iter().chain(&other).cloned().collect();
        let apart = [day_rollups(&orders, &scores, d(1), d(4)), day_rollups(&other, &[], d(1), d(4))];
        assert_eq!(chain_days(apart.iter().map(Vec::as_slice)), day_rollups(&both, &scores, d(1), d(4)));
    }

    #[test]
    fn best_sellers_of_the_week() {
        let sale = |date, product: &str, quantity, sales| ProductDay {
            date,
            product_id: ProductId::new_unchecked(product.to_string()),
            name: product.to_uppercase(),
            quantity,
            sales: yuan(sales),
        };
        let days = [
            sale(d(1), "egg", 10, 30),
            sale(d(7), "egg", 5, 15),
            sale(d(3), "milk", 2, 45),
            sale(d(4), "kale", 9, 45),
            // The week before: not counted.
            sale(NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(), "milk", 100, 900),
        ];
        let tops = top_products(&days, d(7), 2);
        // Eggs ¥45 from 15 units, kale ¥45 from 9: ties on sales go to more units.
        assert_eq!(
            tops.iter().map(|t| (t.product_id.as_str(), t.quantity, t.sales)).collect::<Vec<_>>(),
            vec![("egg", 15, yuan(45)), ("kale", 9, yuan(45))]
        );
    }
    #[test]
    fn stores_ranked_by_the_better_direction() {
        let size = StoreSize { area_m2: 100, staff: 4 };
        let store = |id: &str, orders: u32, loss: Option<u32>| {
            let mut week = week_metrics(&[], d(7), size);
            week.orders = orders;
            week.loss_permille = loss;
            StoreWeek {
                store_id: StoreId::new_unchecked(id.to_string()),
                store_name: id.to_uppercase(),
                size,
                this_week: week.clone(),
                week_before: week,
            }
        };
        let mut stores = vec![store("a", 5, None), store("b", 9, Some(30)), store("c", 5, Some(12))];
        rank(&mut stores, Metric::Orders);
        let ids = |stores: &[StoreWeek]| stores.iter().map(|s| s.store_id.to_string()).collect::<Vec<_>>();
        // More orders first; a and c tie, by ID.
        assert_eq!(ids(&stores), ["b", "a", "c"]);
        // Less loss first; a store with nothing to divide by last.
        rank(&mut stores, Metric::Loss);
        assert_eq!(ids(&stores), ["c", "b", "a"]);
        assert_eq!(Metric::from_key("live_share"), Some(Metric::LiveShare));
        assert!(Metric::ALL.iter().all(|m| Metric::from_key(m.key()) == Some(*m)));
    }
}
