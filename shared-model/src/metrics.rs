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

use crate::{community::Nps, money::Fen};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// What a store is, for 坪效 and 人效.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreSize {
    /// Selling area, m².
    pub area_m2: u32,
    /// Staff, people.
    pub staff: u32,
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

/// The numbers of the week ending on `week_ending`, from `days` (any order; days outside
/// the week are left out, a day with no rollup counts as a day with nothing).
pub fn week_metrics(days: &[DayRollup], week_ending: NaiveDate, size: StoreSize) -> WeekMetrics {
    let first = week_ending - Duration::days(WEEK_DAYS - 1);
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

/// `36.5%` from 365‰.
pub fn format_permille(permille: u32) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
