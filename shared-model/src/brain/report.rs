//! The brain as kept and read: what the worker stores per store after computing it, and
//! when it computes it again.
//!
//! Rules:
//! 1. **Due** ([`brain_due`]): a store's brain is computed again when there is none, when
//!    it is [`BRAIN_MAX_AGE_MINUTES`] old or older, or when it was computed on an earlier
//!    store-local date (the markdown days and churn counts are per day).
//! 2. **A resident's rhythm** ([`rhythm_of`]): her orders' store-local days and her usual
//!    basket, the median of her order totals (the lower middle one of an even count), with
//!    her last returning coupon (`churn` reads it).
//! 3. **The report** ([`StoreBrain::new`]): the suggestions in rank order, each with its
//!    line in both languages; the radar; the 直播 SOP drafted from them.

use super::{live_sop, suggestions, ChurnRisk, ProductReview, PurchaseRhythm, Radar, Ranked, SopItem, StoreDay, Suggestion};
use crate::{ids::PersonId, money::Fen, StoreId};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Age at which the cron computes a store's brain again.
pub const BRAIN_MAX_AGE_MINUTES: i64 = 60;
/// Days of order history read for residents' rhythms: a regular who has been away
/// longer than this is gone, not churning.
pub const BRAIN_HISTORY_DAYS: i64 = 120;

/// Whether a store's brain computed at `computed_at` on store-local `computed_on` is due
/// again at `now`, store-local `today` (rule 1).
pub fn brain_due(last: Option<(DateTime<Utc>, NaiveDate)>, now: DateTime<Utc>, today: NaiveDate) -> bool {
    match last {
        None => true,
        Some((at, on)) => now - at >= Duration::minutes(BRAIN_MAX_AGE_MINUTES) || on < today,
    }
}

/// Her rhythm from her orders (store-local day and total, cancelled ones left out by the
/// caller) and her last returning coupon (rule 2).
pub fn rhythm_of(person: PersonId, orders: &[(NaiveDate, Fen)], last_returning_coupon: Option<NaiveDate>) -> PurchaseRhythm {
    let mut totals: Vec<Fen> = orders.iter().map(|(_, t)| *t).collect();
    totals.sort_unstable();
    let usual_basket = match totals.len() {
        0 => Fen::ZERO,
        n => totals[(n - 1) / 2],
    };
    PurchaseRhythm { person, order_days: orders.iter().map(|(d, _)| *d).collect(), usual_basket, last_returning_coupon }
}

/// One suggestion as the owner's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestionCard {
    /// Money at stake tonight (the rank's score).
    pub score: Fen,
    /// The line in Chinese.
    pub text_zh: String,
    /// The line in English.
    pub text_en: String,
    /// The suggestion with its evidence (its numbers).
    pub suggestion: Suggestion,
}

/// What the brain read, for the page's footnote and the bench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrainInputs {
    /// Products of the store read.
    pub products: u32,
    /// Voices of the last two weeks read (wishes, comments, reviews, empty searches).
    pub voices: u32,
    /// Residents whose order history was read.
    pub residents: u32,
    /// Orders read (not cancelled).
    pub orders: u32,
    /// Residents found churning.
    pub churning: u32,
}

/// A store's brain: `GET /api/v1/stores/{store}/brain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreBrain {
    /// The store.
    pub store_id: StoreId,
    /// When it was computed.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub computed_at: DateTime<Utc>,
    /// The store-local date it was computed for.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub local_date: NaiveDate,
    /// Wall time of gathering the facts and computing, in milliseconds.
    pub compute_ms: u32,
    /// What it read.
    pub inputs: BrainInputs,
    /// 今日建议, best first.
    pub suggestions: Vec<SuggestionCard>,
    /// 需求雷达.
    pub radar: Radar,
    /// The 直播 SOP draft.
    pub sop: Vec<SopItem>,
    /// The residents found churning, most overdue first (the churn suggestion's evidence).
    pub churning: Vec<ChurnRisk>,
}

impl StoreBrain {
    /// The brain of a store's day (rule 3); `compute_ms` is filled in by the caller.
    pub fn new(
        store_id: StoreId,
        computed_at: DateTime<Utc>,
        day: &StoreDay,
        reviews: &[ProductReview],
        inputs: BrainInputs,
    ) -> Self {
        let ranked: Vec<Ranked> = suggestions(day);
        let sop = live_sop(&ranked, reviews, day.radar);
        StoreBrain {
            store_id,
            computed_at,
            local_date: day.today,
            compute_ms: 0,
            inputs,
            suggestions: ranked
                .into_iter()
                .map(|r| SuggestionCard {
                    score: r.score,
                    text_zh: r.suggestion.text_zh(),
                    text_en: r.suggestion.text_en(),
                    suggestion: r.suggestion,
                })
                .collect(),
            radar: day.radar.clone(),
            sop,
            churning: day.churning.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::{Radar, RETURNING_COUPON};
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 10, h, m, 0).unwrap()
    }
    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn due_when_missing_an_hour_old_or_from_an_earlier_day() {
        assert!(brain_due(None, at(8, 0), day(10)));
        assert!(!brain_due(Some((at(8, 0), day(10))), at(8, 59), day(10)));
        assert!(brain_due(Some((at(8, 0), day(10))), at(9, 0), day(10)));
        assert!(brain_due(Some((at(8, 0), day(9))), at(8, 10), day(10)), "the store-local date changed");
    }

    #[test]
    fn the_usual_basket_is_the_median_total() {
        let me = PersonId::parse("r-1").unwrap();
        let orders = [(day(1), Fen::from_fen(3000)), (day(8), Fen::from_fen(9000)), (day(15), Fen::from_fen(4000))];
        let r = rhythm_of(me.clone(), &orders, None);
        assert_eq!((r.usual_basket, r.order_days.len()), (Fen::from_fen(4000), 3));
        assert_eq!(rhythm_of(me.clone(), &orders[..2], None).usual_basket, Fen::from_fen(3000), "the lower middle");
        assert_eq!(rhythm_of(me, &[], Some(day(3))).usual_basket, Fen::ZERO);
    }

    #[test]
    fn the_report_carries_both_languages_in_rank_order() {
        let radar = Radar::default();
        let d = StoreDay { today: day(10), products: &[], churning: &[], radar: &radar, returning_coupon: RETURNING_COUPON };
        let b = StoreBrain::new(StoreId::parse("st-1").unwrap(), at(8, 0), &d, &[], BrainInputs::default());
        assert!(b.suggestions.is_empty() && b.sop.is_empty());
        assert_eq!(b.local_date, day(10));
    }
}
