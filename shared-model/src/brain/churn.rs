//! 流失预警: which regular customers are overdue, each measured against her own rhythm.
//!
//! Rules, in the order they apply:
//! 1. Her orders count by store-local day (two orders on one day are one visit);
//!    cancelled orders do not count (the caller leaves them out).
//! 2. Her usual interval is the median of the gaps between consecutive visits, in whole
//!    days (with an even number of gaps, the mean of the middle two, rounded up). It
//!    needs at least [`MIN_VISITS`] visits, so two gaps: one gap is an anecdote.
//! 3. She is churning when the days since her last visit exceed [`CHURN_FACTOR`] times
//!    her usual interval, and at least [`MIN_ABSENCE_DAYS`]: someone who shops daily is
//!    not lost after three days away.
//! 4. A resident who was sent a 回归券 in the last [`COUPON_COOLDOWN_DAYS`] days is not
//!    listed again (she has one to use).
//! 5. The list is ordered most overdue first (days away over her usual interval), then
//!    by person id.

use crate::ids::PersonId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Visits needed before a usual interval exists.
pub const MIN_VISITS: usize = 3;
/// Times her usual interval after which she is churning.
pub const CHURN_FACTOR: i64 = 2;
/// Fewest days away that can count as churning.
pub const MIN_ABSENCE_DAYS: i64 = 7;
/// Days after a 回归券 during which she is not listed again.
pub const COUPON_COOLDOWN_DAYS: i64 = 30;

/// One resident's facts: the store-local days of her orders (not cancelled, any order),
/// the value of her orders (to size what bringing her back is worth) and her last 回归券.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseRhythm {
    /// The resident.
    pub person: PersonId,
    /// Days she placed orders on.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::dates"))]
    pub order_days: Vec<NaiveDate>,
    /// Her median order total, in fen.
    pub usual_basket: crate::Fen,
    /// When she was last sent a returning coupon.
    #[cfg_attr(feature = "browser", serde(default, with = "crate::time::wire::opt_date"))]
    pub last_returning_coupon: Option<NaiveDate>,
}

/// A resident who is overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChurnRisk {
    /// The resident.
    pub person: PersonId,
    /// Her usual interval, in days.
    pub usual_interval_days: i64,
    /// Days since her last visit.
    pub days_away: i64,
    /// Visits counted.
    pub visits: u32,
    /// Her median order total.
    pub usual_basket: crate::Fen,
}

/// Her usual interval in days (rule 2), `None` with fewer than [`MIN_VISITS`] visits.
pub fn usual_interval(order_days: &[NaiveDate]) -> Option<i64> {
    let mut days = order_days.to_vec();
    days.sort_unstable();
    days.dedup();
    if days.len() < MIN_VISITS {
        return None;
    }
    let mut gaps: Vec<i64> = days.windows(2).map(|w| (w[1] - w[0]).num_days()).collect();
    gaps.sort_unstable();
    let mid = gaps.len() / 2;
    Some(if gaps.len() % 2 == 1 { gaps[mid] } else { (gaps[mid - 1] + gaps[mid] + 1) / 2 })
}

/// Whether one resident is churning on store-local `today` (rules 1–4).
pub fn churn_risk(rhythm: &PurchaseRhythm, today: NaiveDate) -> Option<ChurnRisk> {
    let usual = usual_interval(&rhythm.order_days)?;
    let last = rhythm.order_days.iter().max()?;
    let days_away = (today - *last).num_days();
    let overdue = days_away > CHURN_FACTOR * usual && days_away >= MIN_ABSENCE_DAYS;
    let cooling = rhythm.last_returning_coupon.is_some_and(|sent| (today - sent).num_days() < COUPON_COOLDOWN_DAYS);
    let mut visits = rhythm.order_days.clone();
    visits.sort_unstable();
    visits.dedup();
    (overdue && !cooling).then(|| ChurnRisk {
        person: rhythm.person.clone(),
        usual_interval_days: usual,
        days_away,
        visits: u32::try_from(visits.len()).unwrap_or(u32::MAX),
        usual_basket: rhythm.usual_basket,
    })
}

/// Every churning resident, most overdue first (rule 5).
pub fn churning(rhythms: &[PurchaseRhythm], today: NaiveDate) -> Vec<ChurnRisk> {
    let mut risks: Vec<ChurnRisk> = rhythms.iter().filter_map(|r| churn_risk(r, today)).collect();
    // a/b > c/d ⇔ a·d > c·b (intervals are at least one day).
    risks.sort_by(|a, b| {
        (b.days_away * a.usual_interval_days).cmp(&(a.days_away * b.usual_interval_days)).then_with(|| a.person.cmp(&b.person))
    });
    risks
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Fen;

    pub(crate) fn day(d: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, 1).unwrap() + chrono::Duration::days(d)
    }

    pub(crate) fn rhythm(person: &str, days: &[i64]) -> PurchaseRhythm {
        PurchaseRhythm {
            person: PersonId::parse(person).unwrap(),
            order_days: days.iter().map(|&d| day(d)).collect(),
            usual_basket: Fen::from_fen(4500),
            last_returning_coupon: None,
        }
    }

    #[test]
    fn the_usual_interval_is_the_median_gap_of_distinct_days() {
        assert_eq!(usual_interval(&[day(0), day(7)]), None, "two visits are not a rhythm");
        assert_eq!(usual_interval(&[day(0), day(0), day(7)]), None, "one day counts once");
        // Gaps 7, 7, 30: median 7 (one long trip does not move it).
        assert_eq!(usual_interval(&[day(0), day(7), day(14), day(44)]), Some(7));
        // Gaps 3 and 7: the mean of the middle two; the order of input does not matter.
        assert_eq!(usual_interval(&[day(10), day(0), day(3)]), Some(5));
        // Gaps 3 and 10: 6.5, rounded up.
        assert_eq!(usual_interval(&[day(0), day(3), day(13)]), Some(7));
    }

    #[test]
    fn churning_is_twice_her_own_interval_and_at_least_a_week() {
        // Weekly shopper, last on day 21: churning once more than 14 days away.
        let weekly = rhythm("weekly", &[0, 7, 14, 21]);
        assert_eq!(churn_risk(&weekly, day(35)), None, "14 days is not more than 2 × 7");
        let risk = churn_risk(&weekly, day(36)).unwrap();
        assert_eq!((risk.usual_interval_days, risk.days_away, risk.visits), (7, 15, 4));
        // Daily shopper: 3 days away is more than 2 × 1, but not a week.
        let daily = rhythm("daily", &[0, 1, 2, 3, 4]);
        assert_eq!(churn_risk(&daily, day(7)), None);
        assert!(churn_risk(&daily, day(11)).is_some());
        // Monthly shopper: 20 days away is her normal.
        let monthly = rhythm("monthly", &[0, 30, 60]);
        assert_eq!(churn_risk(&monthly, day(80)), None);
        assert_eq!(churn_risk(&monthly, day(121)).map(|r| r.days_away), Some(61));
        // Too few visits: never listed.
        assert_eq!(churn_risk(&rhythm("new", &[0, 7]), day(100)), None);
    }

    #[test]
    fn a_recent_returning_coupon_keeps_her_off_the_list() {
        let mut weekly = rhythm("weekly", &[0, 7, 14, 21]);
        weekly.last_returning_coupon = Some(day(20));
        assert_eq!(churn_risk(&weekly, day(40)), None, "20 days after the coupon");
        assert!(churn_risk(&weekly, day(50)).is_some(), "30 days after the coupon");
    }

    #[test]
    fn the_most_overdue_come_first() {
        let list = churning(
            &[rhythm("b-weekly", &[0, 7, 14, 21]), rhythm("a-fortnightly", &[0, 14, 28]), rhythm("c-weekly", &[0, 7, 14, 21])],
            day(70),
        );
        // Weekly: 49 days away is 7×; fortnightly: 42 days away is 3×.
        let names: Vec<&str> = list.iter().map(|r| r.person.as_str()).collect();
        assert_eq!(names, ["b-weekly", "c-weekly", "a-fortnightly"]);
    }
}
