//! 今日建议: the owner's short ranked list of actions, each with its evidence, and the
//! 直播 SOP drafted from it.
//!
//! The rules, one per kind of suggestion:
//! 1. **Live push** (今晚直播主推): a product on sale with at least [`MIN_LIVE_STOCK`] on
//!    hand whose interest, residents wanting it on the wishlist plus searches that found
//!    nothing for it in the last 7 days ([`empty_searches_for`]), is at least
//!    [`MIN_LIVE_INTEREST`]. Suggested flash price: [`FLASH_PERCENT`]% of the regular
//!    price, down to the nearest ¥x.90 (¥35.80 → ¥30.43 → ¥29.90); if that is below the
//!    unit cost or the owner's floor, the lowest of those it may be, and no suggestion
//!    when even that is not below the regular price. Allotment: the stock (at most
//!    [`MAX_ALLOTTED`]). Per-buyer cap: the allotment shared among those who want it,
//!    rounded up (40 boxes, 32 wants → 2), 1..=[`MAX_SUGGESTED_CAP`].
//! 2. **Markdown** (临期): the batch's [`plan_markdown`] advises a rate, and the batch
//!    does not already carry that rate or a deeper one ([`ProductFacts::markdown`]).
//! 3. **Churn coupon** (流失预警): at least [`MIN_CHURNING`] residents are churning
//!    ([`super::churning`]); one suggestion for all of them, with the store's returning
//!    coupon ([`RETURNING_COUPON`] unless the store set its own).
//! 4. **Rising demand** (需求上升): a rising radar topic, at most [`MAX_RISING_NOTES`].
//!
//! **Ranking.** Each suggestion scores the money at stake tonight, in fen, so kinds compare
//! on one scale:
//! - live push: the units likely sold (the allotment, or fewer if fewer want it) × the
//!   flash price;
//! - markdown: the units the markdown is expected to sell beyond the regular price
//!   (capped at the stock) × (the markdown price + the unit cost, or the price twice when
//!   the cost is unknown): the sale gained plus the waste avoided;
//! - churn coupon: [`RETURN_PERCENT`]% of the churning residents' usual baskets (the share
//!   expected back);
//! - rising demand: [`RISING_FEN_PER_RESIDENT`] per resident asking this week: a note to
//!   act on later, so it is weighed lightly.
//!
//! Higher first; ties go markdown (it spoils), live push, churn coupon, rising demand, then
//! by product or keyword. At most [`MAX_MARKDOWNS`] markdowns, the most at stake (a store
//! with many short-lived goods near their date would otherwise fill the list with them,
//! and the owner's markdown plan lists them all anyway), and at most [`MAX_SUGGESTIONS`]
//! in all.
//!
//! **The 直播 SOP** ([`live_sop`]): the live-push products in rank order, then the
//! markdowns as the closing 临期 segment at their markdown price; each with its flash
//! price, allotment, cap and talking points: how many want it, how many searched in vain,
//! a rising topic its name holds, and up to [`MAX_QUOTES`] reviews (KOC first, then most
//! stars, then newest), quoted short.

use super::{churn::ChurnRisk, radar::Radar};
use crate::{
    community::excerpt,
    coupon::CouponTerms,
    ids::{PersonId, ProductId},
    live::{NewOffer, MAX_ALLOTTED},
    markdown::{format_tenths, plan_markdown, BatchFacts, MarkdownRate},
    money::Fen,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Units on hand a live push needs.
pub const MIN_LIVE_STOCK: u32 = 5;
/// Wants plus empty searches a live push needs.
pub const MIN_LIVE_INTEREST: u32 = 10;
/// Suggested flash price before rounding, in percent of the regular price.
pub const FLASH_PERCENT: i64 = 85;
/// Largest suggested per-buyer cap.
pub const MAX_SUGGESTED_CAP: u32 = 5;
/// Churning residents needed for a churn-coupon suggestion.
pub const MIN_CHURNING: usize = 3;
/// Rising topics noted at most.
pub const MAX_RISING_NOTES: usize = 3;
/// Share of churning residents' baskets a returning coupon is expected to bring back.
pub const RETURN_PERCENT: i64 = 30;
/// Weight of one resident asking, for a rising topic's score: ¥5.
pub const RISING_FEN_PER_RESIDENT: i64 = 500;
/// Suggestions in the list at most.
pub const MAX_SUGGESTIONS: usize = 10;
/// Markdown suggestions in the list at most.
pub const MAX_MARKDOWNS: usize = 3;
/// Reviews quoted per SOP item at most.
pub const MAX_QUOTES: usize = 2;
/// Longest review quote, in characters, `…` included.
pub const QUOTE_CHARS: usize = 20;

/// The returning coupon unless the store set its own: ¥5 off ¥39, 7 days.
pub const RETURNING_COUPON: CouponTerms =
    CouponTerms { amount: Fen::from_fen(500), threshold: Fen::from_fen(3900), product_id: None, valid_days: 7 };

/// What the rules need to know about one product of the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFacts {
    /// Name, e.g. `云南蓝莓`.
    pub name: String,
    /// Selling unit, e.g. `盒`.
    pub unit: String,
    /// Price, cost, floor, stock, batch date and sell-through.
    pub batch: BatchFacts,
    /// Distinct residents wanting it on the wishlist (votes of the wishes it answers).
    pub wishlist_wants: u32,
    /// Searches that found nothing for it in the last 7 days ([`empty_searches_for`]).
    pub empty_searches: u32,
    /// Whether the store sells it now.
    pub on_sale: bool,
    /// The markdown already applied to this batch, if any.
    #[serde(default)]
    pub markdown: Option<MarkdownRate>,
}

/// How many of `queries` (searches that found nothing) were for a product called `name`:
/// a query of at least two characters that the name holds, or that holds the name.
pub fn empty_searches_for(name: &str, queries: &[String]) -> u32 {
    let found = queries.iter().map(|q| q.trim()).filter(|q| q.chars().count() >= 2 && (name.contains(q) || q.contains(name)));
    u32::try_from(found.count()).unwrap_or(u32::MAX)
}

/// The day's facts of one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreDay<'a> {
    /// The store-local date.
    pub today: NaiveDate,
    /// Its products.
    pub products: &'a [ProductFacts],
    /// Its churning residents ([`super::churning`]).
    pub churning: &'a [ChurnRisk],
    /// Its radar.
    pub radar: &'a Radar,
    /// The returning coupon it sends.
    pub returning_coupon: CouponTerms,
}

/// One suggestion, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Suggestion {
    /// Rule 1.
    LivePush {
        /// The product.
        product_id: ProductId,
        /// Its name.
        name: String,
        /// Its unit.
        unit: String,
        /// Residents wanting it on the wishlist.
        wishlist_wants: u32,
        /// Searches that found nothing for it, 7 days.
        empty_searches: u32,
        /// Units on hand.
        stock: u32,
        /// The regular price.
        regular_price: Fen,
        /// The suggested flash price.
        flash_price: Fen,
        /// Units to allot to the live.
        allotted: u32,
        /// The suggested per-buyer cap.
        per_buyer_cap: u32,
    },
    /// Rule 2.
    Markdown {
        /// The product.
        product_id: ProductId,
        /// Its name.
        name: String,
        /// Its unit.
        unit: String,
        /// Selling days left.
        selling_days: i64,
        /// Units on hand.
        stock: u32,
        /// Daily sales, tenths of a unit.
        daily_average_tenths: u32,
        /// The rate advised.
        rate: MarkdownRate,
        /// Its price.
        price: Fen,
        /// The regular price.
        regular_price: Fen,
        /// Whether it is expected to sell out.
        sells_out: bool,
    },
    /// Rule 3.
    ChurnCoupon {
        /// The residents to send it to, most overdue first.
        residents: Vec<PersonId>,
        /// The multiple of their usual interval they are past.
        factor: i64,
        /// The coupon to send.
        coupon: CouponTerms,
    },
    /// Rule 4.
    RisingDemand {
        /// The topic's keyword.
        keyword: String,
        /// Residents asking this week.
        residents_this_week: u32,
        /// Residents asking last week.
        residents_last_week: u32,
    },
}

impl Suggestion {
    /// Tie order of the kinds (see the module doc).
    fn kind_rank(&self) -> u8 {
        match self {
            Suggestion::Markdown { .. } => 0,
            Suggestion::LivePush { .. } => 1,
            Suggestion::ChurnCoupon { .. } => 2,
            Suggestion::RisingDemand { .. } => 3,
        }
    }

    /// The product or keyword it is about, for ties.
    fn subject(&self) -> &str {
        match self {
            Suggestion::LivePush { product_id, .. } | Suggestion::Markdown { product_id, .. } => product_id.as_str(),
            Suggestion::ChurnCoupon { .. } => "",
            Suggestion::RisingDemand { keyword, .. } => keyword,
        }
    }

    /// The line the owner reads, in Chinese.
    pub fn text_zh(&self) -> String {
        match self {
            Suggestion::LivePush { name, unit, wishlist_wants, empty_searches, stock, flash_price, per_buyer_cap, .. } => {
                let mut why = Vec::new();
                if *wishlist_wants > 0 {
                    why.push(format!("心愿单 {wishlist_wants} 位邻居想要"));
                }
                if *empty_searches > 0 {
                    why.push(format!("近 7 天搜索 {empty_searches} 次无结果"));
                }
                why.push(format!("库存 {stock} {unit}"));
                format!("今晚直播主推 {name}：{} → 建议闪购价 {flash_price}，每人限 {per_buyer_cap} {unit}", why.join("，"))
            }
            Suggestion::Markdown { name, unit, selling_days, stock, daily_average_tenths, rate, price, sells_out, .. } => {
                let tail = if *sells_out { "" } else { "，预计仍卖不完" };
                format!(
                    "临期：{name} 还剩 {selling_days} 天，库存 {stock} {unit}，近 7 天日均卖 {} {unit} → 建议 {}（{price}）{tail}",
                    format_tenths(*daily_average_tenths),
                    rate.label_zh()
                )
            }
            Suggestion::ChurnCoupon { residents, factor, coupon } => {
                let terms = match coupon.threshold {
                    Fen::ZERO => "无门槛".to_owned(),
                    threshold => format!("满 {threshold} 可用"),
                };
                format!(
                    "流失预警：{} 位老顾客超过平时复购间隔 {factor} 倍未下单 → 建议发 {} 回归券（{terms}，{} 天有效）",
                    residents.len(),
                    coupon.amount,
                    coupon.valid_days
                )
            }
            Suggestion::RisingDemand { keyword, residents_this_week, residents_last_week } => {
                format!("需求上升：「{keyword}」本周 {residents_this_week} 位邻居提到（上周 {residents_last_week} 位）")
            }
        }
    }

    /// The line the owner reads, in English.
    pub fn text_en(&self) -> String {
        match self {
            Suggestion::LivePush { name, wishlist_wants, empty_searches, stock, flash_price, per_buyer_cap, .. } => format!(
                "Push {name} in tonight's live: {wishlist_wants} neighbours want it, {empty_searches} searches found nothing \
                 in 7 days, {stock} in stock → flash price {flash_price}, limit {per_buyer_cap} per person"
            ),
            Suggestion::Markdown { name, selling_days, stock, daily_average_tenths, rate, price, sells_out, .. } => format!(
                "Near expiry: {name}, {selling_days} days left, {stock} in stock, selling {} a day → {} ({price}){}",
                format_tenths(*daily_average_tenths),
                rate.label_en(),
                if *sells_out { "" } else { ", still not expected to sell out" }
            ),
            Suggestion::ChurnCoupon { residents, factor, coupon } => format!(
                "Churn alert: {} regulars have not ordered for over {factor}× their usual interval → send a returning \
                 coupon, {}, valid {} days",
                residents.len(),
                coupon.label_en(),
                coupon.valid_days
            ),
            Suggestion::RisingDemand { keyword, residents_this_week, residents_last_week } => format!(
                "Rising demand: \"{keyword}\" mentioned by {residents_this_week} neighbours this week \
                 ({residents_last_week} last week)"
            ),
        }
    }
}

/// A suggestion and its score (fen at stake, see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked {
    /// Money at stake tonight.
    pub score: Fen,
    /// The suggestion.
    pub suggestion: Suggestion,
}

fn fen_times(price: Fen, units: u32) -> Fen {
    price.checked_mul(units).unwrap_or(Fen::from_fen(i64::MAX))
}

/// The suggested flash price of rule 1, `None` when none is below the regular price.
pub fn flash_price(batch: &BatchFacts) -> Option<Fen> {
    let regular = batch.regular_price.fen();
    let target = i64::try_from(i128::from(regular) * i128::from(FLASH_PERCENT) / 100).ok()?;
    let charm = (target - 90).div_euclid(100) * 100 + 90;
    let lowest = batch.unit_cost.into_iter().chain(batch.floor).max().unwrap_or(Fen::from_fen(10)).fen();
    let price = if charm >= lowest { charm } else { (target - target % 10).max(lowest) };
    (price > 0 && price < regular).then_some(Fen::from_fen(price))
}

fn live_push(p: &ProductFacts) -> Option<Ranked> {
    let interest = p.wishlist_wants.saturating_add(p.empty_searches);
    if !p.on_sale || p.batch.stock < MIN_LIVE_STOCK || interest < MIN_LIVE_INTEREST {
        return None;
    }
    let flash = flash_price(&p.batch)?;
    let allotted = p.batch.stock.min(MAX_ALLOTTED);
    let sharing = if p.wishlist_wants > 0 { p.wishlist_wants } else { interest };
    let cap = allotted.div_ceil(sharing).clamp(1, MAX_SUGGESTED_CAP);
    Some(Ranked {
        score: fen_times(flash, allotted.min(interest)),
        suggestion: Suggestion::LivePush {
            product_id: p.batch.product_id.clone(),
            name: p.name.clone(),
            unit: p.unit.clone(),
            wishlist_wants: p.wishlist_wants,
            empty_searches: p.empty_searches,
            stock: p.batch.stock,
            regular_price: p.batch.regular_price,
            flash_price: flash,
            allotted,
            per_buyer_cap: cap,
        },
    })
}

fn markdown(p: &ProductFacts, today: NaiveDate) -> Option<Ranked> {
    if !p.on_sale {
        return None;
    }
    let plan = plan_markdown(&p.batch, today);
    let step = plan.advised_step()?;
    if p.markdown.is_some_and(|applied| applied >= step.rate) {
        return None;
    }
    let rescued = step.expected_units.min(plan.stock).saturating_sub(plan.expected_at_regular.min(plan.stock));
    let per_unit = step.price.checked_add(p.batch.unit_cost.unwrap_or(step.price)).unwrap_or(step.price);
    Some(Ranked {
        score: fen_times(per_unit, rescued),
        suggestion: Suggestion::Markdown {
            product_id: p.batch.product_id.clone(),
            name: p.name.clone(),
            unit: p.unit.clone(),
            selling_days: plan.selling_days,
            stock: plan.stock,
            daily_average_tenths: plan.daily_average_tenths,
            rate: step.rate,
            price: step.price,
            regular_price: p.batch.regular_price,
            sells_out: step.sells_out,
        },
    })
}

fn churn_coupon(day: &StoreDay) -> Option<Ranked> {
    if day.churning.len() < MIN_CHURNING {
        return None;
    }
    let baskets = Fen::checked_sum(day.churning.iter().map(|r| r.usual_basket)).unwrap_or(Fen::from_fen(i64::MAX));
    Some(Ranked {
        score: Fen::from_fen(baskets.fen() / 100 * RETURN_PERCENT),
        suggestion: Suggestion::ChurnCoupon {
            residents: day.churning.iter().map(|r| r.person.clone()).collect(),
            factor: super::CHURN_FACTOR,
            coupon: day.returning_coupon.clone(),
        },
    })
}

fn ranked_order(a: &Ranked, b: &Ranked) -> Ordering {
    b.score
        .cmp(&a.score)
        .then_with(|| a.suggestion.kind_rank().cmp(&b.suggestion.kind_rank()))
        .then_with(|| a.suggestion.subject().cmp(b.suggestion.subject()))
}

/// 今日建议 for a store's day, ranked (see the module doc).
pub fn suggestions(day: &StoreDay) -> Vec<Ranked> {
    let mut all: Vec<Ranked> = Vec::new();
    all.extend(day.products.iter().filter_map(live_push));
    all.extend(day.products.iter().filter_map(|p| markdown(p, day.today)));
    all.extend(churn_coupon(day));
    all.extend(day.radar.rising().take(MAX_RISING_NOTES).map(|t| Ranked {
        score: Fen::from_fen(i64::from(t.residents_this_week) * RISING_FEN_PER_RESIDENT),
        suggestion: Suggestion::RisingDemand {
            keyword: t.keyword.clone(),
            residents_this_week: t.residents_this_week,
            residents_last_week: t.residents_last_week,
        },
    }));
    all.sort_by(ranked_order);
    let mut markdowns = 0;
    all.retain(|r| {
        let markdown = matches!(r.suggestion, Suggestion::Markdown { .. });
        markdowns += usize::from(markdown);
        !markdown || markdowns <= MAX_MARKDOWNS
    });
    all.truncate(MAX_SUGGESTIONS);
    all
}

/// A review as the SOP may quote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductReview {
    /// The product.
    pub product_id: ProductId,
    /// The author's masked name (`王**`) or the name neighbours know her by (`王姐`).
    pub author: String,
    /// Whether she is a KOC.
    pub is_koc: bool,
    /// Stars, 1..=5.
    pub stars: u8,
    /// The text.
    pub text: String,
    /// When it was written.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
}

/// One product of the 直播 SOP draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SopItem {
    /// The product.
    pub product_id: ProductId,
    /// Its name.
    pub name: String,
    /// The regular price, struck through.
    pub regular_price: Fen,
    /// The price in the live.
    pub flash_price: Fen,
    /// Units to allot.
    pub allotted: u32,
    /// Per-buyer cap, if any.
    pub per_buyer_cap: Option<u32>,
    /// What to say about it.
    pub talking_points: Vec<String>,
}

impl SopItem {
    /// The pin form, pre-filled, for a window `[opens_at, closes_at)`; the owner edits it
    /// and the live's own checks ([`NewOffer::validate`]) still apply.
    pub fn offer(&self, opens_at: DateTime<Utc>, closes_at: DateTime<Utc>) -> NewOffer {
        NewOffer {
            product_id: self.product_id.clone(),
            flash_price: self.flash_price,
            returning_price: None,
            allotted: self.allotted,
            per_buyer_cap: self.per_buyer_cap,
            opens_at,
            closes_at,
            gift: None,
        }
    }
}

/// Up to [`MAX_QUOTES`] quotes of a product's reviews: KOC first, then most stars, then
/// newest; `KOC 王姐：甜度高`.
fn quotes(product: &ProductId, reviews: &[ProductReview]) -> Vec<String> {
    let mut mine: Vec<&ProductReview> =
        reviews.iter().filter(|r| &r.product_id == product && !r.text.trim().is_empty()).collect();
    mine.sort_by(|a, b| b.is_koc.cmp(&a.is_koc).then_with(|| b.stars.cmp(&a.stars)).then_with(|| b.at.cmp(&a.at)));
    mine.into_iter()
        .take(MAX_QUOTES)
        .map(|r| {
            let badge = if r.is_koc { "KOC " } else { "" };
            format!("{badge}{}：{}", r.author, excerpt(r.text.trim(), QUOTE_CHARS))
        })
        .collect()
}

/// The 直播 SOP draft from the day's ranked suggestions (see the module doc).
pub fn live_sop(ranked: &[Ranked], reviews: &[ProductReview], radar: &Radar) -> Vec<SopItem> {
    let mut pushes = Vec::new();
    let mut closing = Vec::new();
    for r in ranked {
        match &r.suggestion {
            Suggestion::LivePush {
                product_id,
                name,
                wishlist_wants,
                empty_searches,
                regular_price,
                flash_price,
                allotted,
                per_buyer_cap,
                ..
            } => {
                let mut points = Vec::new();
                if *wishlist_wants > 0 {
                    points.push(format!("{wishlist_wants} 位邻居想要"));
                }
                if *empty_searches > 0 {
                    points.push(format!("近 7 天 {empty_searches} 次搜索没找到"));
                }
                points.extend(
                    radar
                        .rising()
                        .filter(|t| name.contains(&t.keyword))
                        .map(|t| format!("本周 {} 位邻居提到「{}」", t.residents_this_week, t.keyword)),
                );
                points.extend(quotes(product_id, reviews));
                pushes.push(SopItem {
                    product_id: product_id.clone(),
                    name: name.clone(),
                    regular_price: *regular_price,
                    flash_price: *flash_price,
                    allotted: *allotted,
                    per_buyer_cap: Some(*per_buyer_cap),
                    talking_points: points,
                });
            }
            Suggestion::Markdown { product_id, name, selling_days, stock, rate, price, regular_price, .. } => {
                let mut points = vec![format!("临期特价 {}，还剩 {selling_days} 天", rate.label_zh())];
                points.extend(quotes(product_id, reviews));
                closing.push(SopItem {
                    product_id: product_id.clone(),
                    name: name.clone(),
                    regular_price: *regular_price,
                    flash_price: *price,
                    allotted: (*stock).min(MAX_ALLOTTED),
                    per_buyer_cap: None,
                    talking_points: points,
                });
            }
            Suggestion::ChurnCoupon { .. } | Suggestion::RisingDemand { .. } => {}
        }
    }
    pushes.extend(closing);
    pushes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::{
        churn::tests::rhythm,
        churning, radar,
        radar::tests::{now, voice, Spaces},
        VoiceSource,
    };
    use chrono::TimeZone;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
    }

    /// 云南蓝莓: ¥35.80 a box, cost ¥20, 40 boxes, 32 wants, 18 empty searches.
    fn blueberries() -> ProductFacts {
        ProductFacts {
            name: "云南蓝莓".into(),
            unit: "盒".into(),
            batch: BatchFacts {
                product_id: ProductId::parse("p-berry").unwrap(),
                regular_price: Fen::from_fen(3580),
                unit_cost: Some(Fen::from_fen(2000)),
                floor: None,
                stock: 40,
                best_before: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
                sold_last_7_days: 3,
            },
            wishlist_wants: 32,
            empty_searches: 18,
            on_sale: true,
            markdown: None,
        }
    }

    /// 希腊酸奶: the markdown module's batch, 2 days left, 18 cups, 4 a day.
    fn yoghurt() -> ProductFacts {
        ProductFacts {
            name: "希腊酸奶".into(),
            unit: "杯".into(),
            batch: crate::markdown::tests::yoghurt(),
            wishlist_wants: 0,
            empty_searches: 0,
            on_sale: true,
            markdown: None,
        }
    }

    fn rising_radar() -> Radar {
        let voices: Vec<_> = (0..21)
            .map(|i| voice(&format!("n{i}"), VoiceSource::Wish, 1, "无糖 酸奶"))
            .chain((0..6).map(|i| voice(&format!("o{i}"), VoiceSource::Wish, 8, "无糖")))
            .collect();
        radar(&voices, now(), &Spaces)
    }

    fn churners() -> Vec<ChurnRisk> {
        let rhythms: Vec<_> = (0..12).map(|i| rhythm(&format!("r{i:02}"), &[0, 7, 14, 21])).collect();
        churning(&rhythms, crate::brain::churn::tests::day(40))
    }

    #[test]
    fn flash_prices_end_in_ninety_fen_and_respect_cost_and_floor() {
        let b = blueberries().batch;
        // ¥35.80 × 85% = ¥30.43 → ¥29.90.
        assert_eq!(flash_price(&b), Some(Fen::from_fen(2990)));
        assert_eq!(
            flash_price(&BatchFacts { regular_price: Fen::from_fen(1200), unit_cost: None, ..b.clone() }),
            Some(Fen::from_fen(990))
        );
        // Cost ¥30: ¥29.90 is below it, so the 85% price down to the jiao, ¥30.40.
        assert_eq!(flash_price(&BatchFacts { unit_cost: Some(Fen::from_fen(3000)), ..b.clone() }), Some(Fen::from_fen(3040)));
        // Floor ¥32: the floor itself.
        assert_eq!(flash_price(&BatchFacts { floor: Some(Fen::from_fen(3200)), ..b.clone() }), Some(Fen::from_fen(3200)));
        // Cost at the regular price: no flash price.
        assert_eq!(flash_price(&BatchFacts { unit_cost: Some(Fen::from_fen(3580)), ..b }), None);
    }

    /// The issue's four lines, in rank order, word for word.
    #[test]
    fn the_issue_example_ranks_and_reads_as_written() {
        let products = [blueberries(), yoghurt()];
        let churning = churners();
        let radar = rising_radar();
        let day = StoreDay {
            today: today(),
            products: &products,
            churning: &churning,
            radar: &radar,
            returning_coupon: RETURNING_COUPON,
        };
        let list = suggestions(&day);
        let lines: Vec<String> = list.iter().map(|r| r.suggestion.text_zh()).collect();
        assert_eq!(
            lines,
            [
                "今晚直播主推 云南蓝莓：心愿单 32 位邻居想要，近 7 天搜索 18 次无结果，库存 40 盒 → 建议闪购价 ¥29.90，每人限 2 盒",
                "流失预警：12 位老顾客超过平时复购间隔 2 倍未下单 → 建议发 ¥5.00 回归券（满 ¥39.00 可用，7 天有效）",
                "临期：希腊酸奶 还剩 2 天，库存 18 杯，近 7 天日均卖 4 杯 → 建议 7折（¥8.90）",
                "需求上升：「无糖」本周 21 位邻居提到（上周 6 位）",
            ]
        );
        // 40 boxes × ¥29.90; 12 × ¥45 × 30%; 10 cups rescued × (¥8.90 + ¥6.00); 21 × ¥5.
        let scores: Vec<i64> = list.iter().map(|r| r.score.fen()).collect();
        assert_eq!(scores, [119_600, 16_200, 14_900, 10_500]);
        assert!(list[0].suggestion.text_en().starts_with("Push 云南蓝莓 in tonight's live: 32 neighbours want it"));
    }

    /// A day of `products` with no one churning and nothing said.
    fn quiet_day(products: &[ProductFacts]) -> StoreDay<'_> {
        static QUIET: Radar = Radar { topics: Vec::new(), voices_this_week: 0, residents_this_week: 0 };
        StoreDay { today: today(), products, churning: &[], radar: &QUIET, returning_coupon: RETURNING_COUPON }
    }

    #[test]
    fn markdowns_never_crowd_the_other_kinds_out() {
        let products: Vec<ProductFacts> = (0..12)
            .map(|i| {
                let y = yoghurt();
                ProductFacts {
                    batch: BatchFacts { product_id: ProductId::parse(&format!("p-y{i:02}")).unwrap(), stock: 18 + i, ..y.batch },
                    ..y
                }
            })
            .collect();
        let (churning, radar) = (churners(), rising_radar());
        let day = StoreDay { products: &products, churning: &churning, radar: &radar, ..quiet_day(&[]) };
        let list = suggestions(&day);
        let kinds: Vec<u8> = list.iter().map(|r| r.suggestion.kind_rank()).collect();
        // Three markdowns, then the coupon and the note.
        assert_eq!(kinds, [0, 0, 0, 2, 3], "{list:?}");
        // Those kept are the ones most at stake: no markdown left out scores more.
        let kept: Vec<&Ranked> = list.iter().filter(|r| r.suggestion.kind_rank() == 0).collect();
        let alone = |p: &ProductFacts| {
            let one = [p.clone()];
            let day = StoreDay { products: &one, ..quiet_day(&[]) };
            suggestions(&day).first().map(|r| r.score)
        };
        let lowest_kept = kept.iter().map(|r| r.score).min().unwrap();
        for p in &products {
            if !kept
                .iter()
                .any(|r| matches!(&r.suggestion, Suggestion::Markdown { product_id, .. } if *product_id == p.batch.product_id))
            {
                assert!(alone(p).unwrap() <= lowest_kept);
            }
        }
    }

    #[test]
    fn a_batch_already_marked_down_as_deep_is_not_suggested_again() {
        let suggested = |markdown| suggestions(&quiet_day(&[ProductFacts { markdown, ..yoghurt() }])).len();
        assert_eq!(suggested(None), 1);
        assert_eq!(suggested(Some(MarkdownRate::Ninety)), 1, "9折 is gentler than the 7折 advised");
        assert_eq!(suggested(Some(MarkdownRate::Seventy)), 0);
        assert_eq!(suggested(Some(MarkdownRate::Fifty)), 0);
    }

    #[test]
    fn thresholds_keep_quiet_days_quiet() {
        let few = ProductFacts { wishlist_wants: 5, empty_searches: 4, ..blueberries() };
        let low = ProductFacts { batch: BatchFacts { stock: 4, ..blueberries().batch }, ..blueberries() };
        let off = ProductFacts { on_sale: false, ..blueberries() };
        let products = [few, low, off];
        let two = &churners()[..2];
        let radar = Radar::default();
        let day =
            StoreDay { today: today(), products: &products, churning: two, radar: &radar, returning_coupon: RETURNING_COUPON };
        assert!(suggestions(&day).is_empty());
        // Only searches: the cap shares the allotment among the searches.
        let searched = [ProductFacts { wishlist_wants: 0, empty_searches: 10, ..blueberries() }];
        let day = StoreDay { products: &searched, ..day };
        match &suggestions(&day)[0].suggestion {
            Suggestion::LivePush { per_buyer_cap, allotted, .. } => assert_eq!((*per_buyer_cap, *allotted), (4, 40)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_sop_lists_pushes_then_the_closing_markdowns_with_talking_points() {
        let products = [
            blueberries(),
            yoghurt(),
            ProductFacts {
                name: "无糖酸奶".into(),
                batch: BatchFacts { product_id: ProductId::parse("p-plain").unwrap(), ..blueberries().batch },
                wishlist_wants: 12,
                empty_searches: 0,
                ..blueberries()
            },
        ];
        let radar = rising_radar();
        let day =
            StoreDay { today: today(), products: &products, churning: &[], radar: &radar, returning_coupon: RETURNING_COUPON };
        let at = |d| Utc.with_ymd_and_hms(2026, 12, d, 12, 0, 0).unwrap();
        let berry = ProductId::parse("p-berry").unwrap();
        let review = |author: &str, is_koc, stars, text: &str, d| ProductReview {
            product_id: berry.clone(),
            author: author.into(),
            is_koc,
            stars,
            text: text.into(),
            at: at(d),
        };
        let reviews = [
            review("李**", false, 5, "很新鲜", 3),
            review("王姐", true, 4, "甜度高，颗颗饱满，孩子一次吃了半盒还想要，下次还买", 1),
            review("张**", false, 5, "个头大", 5),
            review("赵**", false, 2, "", 6),
        ];
        let sop = live_sop(&suggestions(&day), &reviews, &radar);
        let names: Vec<&str> = sop.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["云南蓝莓", "无糖酸奶", "希腊酸奶"]);
        assert_eq!(
            sop[0].talking_points,
            ["32 位邻居想要", "近 7 天 18 次搜索没找到", "KOC 王姐：甜度高，颗颗饱满，孩子一次吃了半盒还想…", "张**：个头大"]
        );
        assert_eq!(sop[1].talking_points, ["12 位邻居想要", "本周 21 位邻居提到「无糖」"]);
        assert_eq!((sop[2].flash_price, sop[2].allotted, sop[2].per_buyer_cap), (Fen::from_fen(890), 18, None));
        assert_eq!(sop[2].talking_points, ["临期特价 7折，还剩 2 天"]);
        let offer = sop[0].offer(at(10), at(10) + chrono::Duration::hours(1));
        assert_eq!((offer.flash_price, offer.allotted, offer.per_buyer_cap), (Fen::from_fen(2990), 40, Some(2)));
        assert!(offer.validate(at(10), sop[0].regular_price).is_ok());
    }

    #[test]
    fn empty_searches_match_names_both_ways_from_two_characters() {
        let queries: Vec<String> = ["蓝莓", " 云南蓝莓大果 ", "莓", "草莓", "蓝"].map(String::from).to_vec();
        assert_eq!(empty_searches_for("云南蓝莓", &queries), 2);
    }
}
