//! The scoring: a resident's next basket from her own baskets and the store's profile.
//!
//! Rules, in the order they apply:
//! 1. Only what the caller says is on sale and in stock is ever returned.
//! 2. Own products score `(decayed hits + prior × store repeat rate) / (decayed baskets
//!    + prior)`, times a timing factor from her own interval between purchases.
//! 3. Neighbours' products (the closest residents by cosine of basket vectors) add
//!    `neighbour_share ×` their similarity-weighted share; own products keep the rest.
//! 4. Cold start: what households with her tags buy and the store's sellers this week,
//!    taken in turn, then the shelf, each below every scored pick, fill the list up to
//!    `limit`.
//! 5. Ties: higher score first, then the smaller product key.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use super::profile::{ResidentHistory, StoreProfile};
use crate::identity::HouseholdTag;

/// One past order: the day it was for (whole days from any fixed origin) and the
/// distinct products in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Basket<K> {
    pub day: i32,
    pub items: Vec<K>,
}

/// The model's settings, tuned on the Instacart tuning split (see the README).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Knobs {
    /// Weight of a basket `n` orders back: `order_decay^n`.
    pub order_decay: f64,
    /// Pseudo-baskets pulling an own product's share toward the store's repeat rate.
    pub repeat_prior: f64,
    /// Exponent on the timing factor (0 = timing ignored).
    pub timing: f64,
    /// How many similar residents are asked.
    pub neighbours: usize,
    /// Share of the neighbours' score in the blend (own history keeps the rest).
    pub neighbour_share: f64,
    /// Exponent on the cosine similarity when weighing neighbours (sharpens the closest).
    pub similarity_power: f64,
}

impl Knobs {
    /// What the shop uses: the best of a grid on the Instacart tuning split (README,
    /// "Recommendations"). Timing and neighbours barely move that split (its day gaps
    /// stop at 30 and 592 shoppers rarely share products), so they keep small shares
    /// that matter in a store where neighbours buy from one shelf.
    pub const TUNED: Knobs = Knobs {
        order_decay: 0.82,
        repeat_prior: 1.0,
        timing: 0.1,
        neighbours: 300,
        neighbour_share: 0.05,
        similarity_power: 1.0,
    };
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs::TUNED
    }
}

/// Why a product was picked; the app says it in the resident's language. Written with
/// its `kind` first by serde's derive, and read back tag first (below).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason<K> {
    /// 常买 · 上次购买 N 天前: she buys it again and again.
    Usual { times: u32, days_since_last: u32 },
    /// 买过 X 的邻居也买: residents who buy what she buys buy this too.
    NeighboursAlsoBuy { because: K },
    /// 有小孩的家庭常买: households like hers buy it.
    Household { tag: HouseholdTag },
    /// 本店本周热销: one of the store's sellers this week.
    PopularThisWeek,
    /// 店长推荐: from the store's shelf, when nothing above has enough to say.
    StorePick,
    /// 常和 X 一起买: bought together with something in her cart.
    GoesWith { item: K },
}

/// Reads a reason with its `kind` first, as `crate::tagged::tag_first!` reads the enums
/// it declares (the macro takes no type parameter): serde's derive would buffer each
/// reason and bring its buffering code into the cart's bundle, where 凑单推荐 read them.
impl<'de, K: Deserialize<'de>> Deserialize<'de> for Reason<K> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KindFirst<K>(std::marker::PhantomData<K>);
        impl<'de, K: Deserialize<'de>> serde::de::Visitor<'de> for KindFirst<K> {
            type Value = Reason<K>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a Reason with `kind` first")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Reason<K>, A::Error> {
                #[derive(Deserialize)]
                struct Usual {
                    times: u32,
                    days_since_last: u32,
                }
                #[derive(Deserialize)]
                struct Because<K> {
                    because: K,
                }
                #[derive(Deserialize)]
                struct Household {
                    tag: HouseholdTag,
                }
                #[derive(Deserialize)]
                struct Item<K> {
                    item: K,
                }
                #[derive(Deserialize)]
                struct Nothing {}

                let kind = crate::tagged::first_tag(&mut map, "kind")?;
                let rest = serde::de::value::MapAccessDeserializer::new(map);
                Ok(match kind.as_ref() {
                    "usual" => {
                        let Usual { times, days_since_last } = Usual::deserialize(rest)?;
                        Reason::Usual { times, days_since_last }
                    }
                    "neighbours_also_buy" => Reason::NeighboursAlsoBuy { because: Because::deserialize(rest)?.because },
                    "household" => Reason::Household { tag: Household::deserialize(rest)?.tag },
                    "popular_this_week" => Nothing::deserialize(rest).map(|_| Reason::PopularThisWeek)?,
                    "store_pick" => Nothing::deserialize(rest).map(|_| Reason::StorePick)?,
                    "goes_with" => Reason::GoesWith { item: Item::deserialize(rest)?.item },
                    other => return Err(serde::de::Error::unknown_variant(other, REASON_KINDS)),
                })
            }
        }
        deserializer.deserialize_map(KindFirst(std::marker::PhantomData))
    }
}

/// The kinds of [`Reason`], as written.
const REASON_KINDS: &[&str] = &["usual", "neighbours_also_buy", "household", "popular_this_week", "store_pick", "goes_with"];

impl<K> Reason<K> {
    /// The same reason naming its product differently (an id as the id and name shown).
    pub fn map<J>(self, f: impl FnOnce(K) -> J) -> Reason<J> {
        match self {
            Reason::Usual { times, days_since_last } => Reason::Usual { times, days_since_last },
            Reason::NeighboursAlsoBuy { because } => Reason::NeighboursAlsoBuy { because: f(because) },
            Reason::Household { tag } => Reason::Household { tag },
            Reason::PopularThisWeek => Reason::PopularThisWeek,
            Reason::StorePick => Reason::StorePick,
            Reason::GoesWith { item } => Reason::GoesWith { item: f(item) },
        }
    }

    /// The product the reason names, if any.
    pub fn names(&self) -> Option<&K> {
        match self {
            Reason::NeighboursAlsoBuy { because } => Some(because),
            Reason::GoesWith { item } => Some(item),
            _ => None,
        }
    }
}

/// One recommended product, its score (only for ordering) and its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pick<K> {
    pub product: K,
    pub score: f64,
    pub reason: Reason<K>,
}

/// What a resident's baskets say about one product she bought.
#[derive(Debug, Clone)]
pub(crate) struct OwnItem {
    /// Sum of the decayed weights of the baskets that hold it.
    pub hits: f64,
    pub times: u32,
    pub last_day: i32,
    /// Median days between two purchases of it, when bought at least twice.
    pub interval: Option<f64>,
}

/// A resident's baskets summed per product; baskets in any order.
pub(crate) struct OwnHistory<K> {
    pub items: HashMap<K, OwnItem>,
    /// Sum of every basket's decayed weight.
    pub total: f64,
}

impl<K: Clone + Eq + Hash + Ord> OwnHistory<K> {
    pub fn new(baskets: &[Basket<K>], decay: f64) -> Self {
        let mut ordered: Vec<&Basket<K>> = baskets.iter().collect();
        ordered.sort_by_key(|b| b.day);
        let n = ordered.len();
        let mut items: HashMap<K, OwnItem> = HashMap::new();
        let mut days: HashMap<K, Vec<i32>> = HashMap::new();
        let mut total = 0.0;
        for (i, basket) in ordered.iter().enumerate() {
            let weight = decay.powi((n - 1 - i) as i32);
            total += weight;
            let distinct: BTreeSet<&K> = basket.items.iter().collect();
            for item in distinct {
                let entry =
                    items.entry(item.clone()).or_insert(OwnItem { hits: 0.0, times: 0, last_day: basket.day, interval: None });
                entry.hits += weight;
                entry.times += 1;
                entry.last_day = basket.day;
                days.entry(item.clone()).or_default().push(basket.day);
            }
        }
        for (item, bought) in days {
            if let Some(entry) = items.get_mut(&item) {
                entry.interval = median_gap(&bought);
            }
        }
        OwnHistory { items, total }
    }

    /// Each product's decayed share of her baskets, sorted by product: the vector
    /// compared with other residents'.
    pub fn shares(&self) -> Vec<(K, f64)> {
        let mut vector: Vec<(K, f64)> =
            self.items.iter().map(|(k, item)| (k.clone(), item.hits / self.total.max(f64::MIN_POSITIVE))).collect();
        vector.sort_by(|a, b| a.0.cmp(&b.0));
        vector
    }
}

/// Median of the positive gaps between consecutive days; `None` with fewer than two days.
fn median_gap(days: &[i32]) -> Option<f64> {
    let mut gaps: Vec<i32> = days.windows(2).map(|w| (w[1] - w[0]).max(0)).collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_unstable();
    let mid = gaps.len() / 2;
    Some(if gaps.len() % 2 == 1 { gaps[mid] as f64 } else { (gaps[mid - 1] + gaps[mid]) as f64 / 2.0 })
}

/// How due an own product is on `day`: near 1 once the usual interval has passed, lower
/// right after a purchase of a product bought at long intervals.
fn timing_factor(item: &OwnItem, day: i32) -> f64 {
    let Some(interval) = item.interval.filter(|i| *i > 0.0) else {
        return 1.0;
    };
    let elapsed = f64::from((day - item.last_day).max(0)) + 0.5;
    (elapsed / interval).min(1.0)
}

/// The resident's next basket: up to `limit` products, best first, each with its reason.
///
/// `today` is the day the next basket is for, on the same scale as the baskets' days;
/// `shelf` is what is on sale and in stock now, in the store's shelf order: nothing else
/// is returned.
pub fn recommend<K: Clone + Eq + Hash + Ord>(
    me: &ResidentHistory<K>,
    profile: &StoreProfile<K>,
    shelf: &[K],
    today: i32,
    knobs: &Knobs,
    limit: usize,
) -> Vec<Pick<K>> {
    let on_sale: HashSet<&K> = shelf.iter().collect();
    let own = OwnHistory::new(&me.baskets, knobs.order_decay);
    // Product -> (score, the neighbour it came from when she never bought it).
    let mut scored: HashMap<K, (f64, Option<usize>)> = HashMap::new();

    // 2. Her own products.
    let own_share = 1.0 - knobs.neighbour_share;
    for (product, item) in &own.items {
        let rate = profile.repeat_rate(product);
        let share = (item.hits + knobs.repeat_prior * rate) / (own.total + knobs.repeat_prior);
        let score = own_share * share * timing_factor(item, today).powf(knobs.timing);
        scored.insert(product.clone(), (score, None));
    }

    // 3. Similar residents.
    let vector = own.shares();
    if knobs.neighbour_share > 0.0 && !vector.is_empty() {
        for (product, (score, neighbour)) in profile.neighbour_scores(&me.resident, &vector, knobs) {
            let add = knobs.neighbour_share * score;
            scored.entry(product).and_modify(|(existing, _)| *existing += add).or_insert((add, Some(neighbour)));
        }
    }

    let mut ranked: Vec<(K, f64, Option<usize>)> = scored
        .into_iter()
        .filter(|(product, _)| on_sale.contains(product))
        .map(|(product, (score, neighbour))| (product, score, neighbour))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(limit);
    let mut picks: Vec<Pick<K>> = ranked
        .into_iter()
        .filter_map(|(product, score, neighbour)| {
            let reason = match neighbour {
                Some(i) => Reason::NeighboursAlsoBuy { because: profile.shared_with(i, &vector)? },
                None => {
                    let item = own.items.get(&product)?;
                    Reason::Usual { times: item.times, days_since_last: (today - item.last_day).max(0) as u32 }
                }
            };
            Some(Pick { product, score, reason })
        })
        .collect();

    // 4. Cold start and filling up: below every scored pick.
    if picks.len() < limit {
        let chosen: BTreeSet<K> = picks.iter().map(|p| p.product.clone()).collect();
        let fill = profile.fallback(&me.tags, shelf, limit - picks.len(), |k| !chosen.contains(k) && on_sale.contains(k));
        picks.extend(fill);
    }
    picks
}

/// 凑单推荐: up to `limit` products that go with what is in the cart, from what the
/// store's residents buy together, leaning toward what she buys herself.
pub fn suggest_with<K: Clone + Eq + Hash + Ord>(
    cart: &[K],
    baskets: &[Basket<K>],
    profile: &StoreProfile<K>,
    shelf: &[K],
    knobs: &Knobs,
    limit: usize,
) -> Vec<Pick<K>> {
    let on_sale: HashSet<&K> = shelf.iter().collect();
    let in_cart: BTreeSet<&K> = cart.iter().collect();
    let own = OwnHistory::new(baskets, knobs.order_decay);
    let mut scored: BTreeMap<K, (f64, K)> = BTreeMap::new();
    for (product, (score, item)) in profile.bought_with(cart) {
        let own_boost = own.items.get(&product).map_or(0.0, |i| i.hits / own.total.max(f64::MIN_POSITIVE));
        scored.insert(product, (score * (1.0 + own_boost), item));
    }
    let mut picks: Vec<Pick<K>> = scored
        .into_iter()
        .filter(|(product, _)| !in_cart.contains(product) && on_sale.contains(product))
        .map(|(product, (score, item))| Pick { product, score, reason: Reason::GoesWith { item } })
        .collect();
    sort_picks(&mut picks);
    picks.truncate(limit);
    picks
}

/// Best first; equal scores by the smaller key, so the order never depends on hashing.
pub(crate) fn sort_picks<K: Ord>(picks: &mut [Pick<K>]) {
    picks.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.product.cmp(&b.product)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::build_profile;

    #[test]
    fn every_reason_reads_back_as_serde_wrote_it() {
        let reasons: Vec<Reason<String>> = vec![
            Reason::Usual { times: 3, days_since_last: 6 },
            Reason::NeighboursAlsoBuy { because: "p-eggs".into() },
            Reason::Household { tag: HouseholdTag::HasChildren },
            Reason::PopularThisWeek,
            Reason::StorePick,
            Reason::GoesWith { item: "p-tofu".into() },
        ];
        for reason in reasons {
            let json = serde_json::to_string(&reason).unwrap();
            assert!(json.starts_with(r#"{"kind":"#), "{json}");
            assert_eq!(serde_json::from_str::<Reason<String>>(&json).unwrap(), reason, "{json}");
        }
        let refused = |json: &str| serde_json::from_str::<Reason<String>>(json).unwrap_err().to_string();
        assert!(refused(r#"{"kind":"hunch"}"#).contains("unknown variant `hunch`"));
        assert!(refused(r#"{"times":1,"kind":"usual"}"#).contains("expected `kind` as the first key"));
        assert!(refused(r#"{"kind":"goes_with"}"#).contains("missing field `item`"));
    }

    fn basket(day: i32, items: &[&'static str]) -> Basket<&'static str> {
        Basket { day, items: items.to_vec() }
    }

    fn resident(id: &str, tags: &[HouseholdTag], baskets: Vec<Basket<&'static str>>) -> ResidentHistory<&'static str> {
        ResidentHistory { resident: id.to_string(), tags: tags.to_vec(), baskets }
    }

    const SHELF: &[&str] = &["apple", "bread", "eggs", "fish", "milk", "pork", "rice", "tofu"];

    fn products(picks: &[Pick<&'static str>]) -> Vec<&'static str> {
        picks.iter().map(|p| p.product).collect()
    }

    #[test]
    fn a_product_bought_again_and_again_comes_first_and_says_so() {
        let me = resident("a", &[], vec![basket(1, &["milk", "fish"]), basket(8, &["milk"]), basket(15, &["milk", "rice"])]);
        let picks = recommend(&me, &StoreProfile::default(), SHELF, 22, &Knobs::TUNED, 3);
        assert_eq!(picks[0].product, "milk");
        assert_eq!(picks[0].reason, Reason::Usual { times: 3, days_since_last: 7 });
    }

    #[test]
    fn the_latest_basket_outweighs_an_older_one() {
        let me = resident("a", &[], vec![basket(1, &["fish"]), basket(8, &["rice"])]);
        let picks = recommend(&me, &StoreProfile::default(), SHELF, 15, &Knobs::TUNED, 2);
        assert_eq!(products(&picks), ["rice", "fish"]);
    }

    #[test]
    fn a_product_bought_at_long_intervals_waits_when_just_bought() {
        // Pork every 28 days, bought yesterday; tofu every 7 days, due today.
        let pork: Vec<_> = (0..4).map(|i| basket(i * 28, &["pork", "tofu"])).collect();
        let mut baskets = pork;
        baskets.extend((0..12).map(|i| basket(i * 7 + 1, &["tofu"])));
        baskets.push(basket(84, &["pork"]));
        let me = resident("a", &[], baskets);
        let knobs = Knobs { timing: 1.0, ..Knobs::TUNED };
        let picks = recommend(&me, &StoreProfile::default(), SHELF, 85, &knobs, 2);
        assert_eq!(products(&picks), ["tofu", "pork"]);
    }

    #[test]
    fn nothing_off_the_shelf_is_ever_returned() {
        let me = resident("a", &[], vec![basket(1, &["milk", "fish", "caviar"])]);
        let on_sale = ["fish", "rice"];
        let picks = recommend(&me, &StoreProfile::default(), &on_sale, 2, &Knobs::TUNED, 10);
        assert_eq!(products(&picks), ["fish", "rice"]);
    }

    #[test]
    fn a_newcomer_gets_her_households_picks_and_the_weeks_sellers_in_turn_then_the_shelf() {
        let families: Vec<_> = (0..4)
            .map(|i| resident(&format!("f{i}"), &[HouseholdTag::HasChildren], vec![basket(10, &["milk", "eggs", "rice"])]))
            .collect();
        let others: Vec<_> = (0..6).map(|i| resident(&format!("o{i}"), &[], vec![basket(10, &["rice", "bread"])])).collect();
        let all: Vec<_> = families.into_iter().chain(others).collect();
        let profile = build_profile(&all, 12, &Knobs::TUNED);
        let newcomer = resident("new", &[HouseholdTag::HasChildren], Vec::new());
        let picks = recommend(&newcomer, &profile, SHELF, 12, &Knobs::TUNED, 5);
        assert_eq!(products(&picks), ["eggs", "rice", "milk", "bread", "apple"]);
        assert_eq!(picks[0].reason, Reason::Household { tag: HouseholdTag::HasChildren });
        assert_eq!(picks[1].reason, Reason::PopularThisWeek);
        assert_eq!(picks[4].reason, Reason::StorePick);
        // A store with no orders at all still answers, from its shelf.
        let empty = recommend(&newcomer, &StoreProfile::default(), SHELF, 12, &Knobs::TUNED, 3);
        assert_eq!(products(&empty), ["apple", "bread", "eggs"]);
    }

    #[test]
    fn neighbours_fill_in_what_she_has_not_tried_and_name_what_they_share() {
        let neighbours: Vec<_> = (0..3)
            .map(|i| resident(&format!("n{i}"), &[], vec![basket(1, &["apple", "tofu"]), basket(8, &["apple", "tofu"])]))
            .collect();
        let stranger = resident("s", &[], vec![basket(1, &["pork"])]);
        let mut all = neighbours;
        all.push(stranger);
        let profile = build_profile(&all, 10, &Knobs::TUNED);
        let me = resident("me", &[], vec![basket(3, &["apple"])]);
        let picks = recommend(&me, &profile, SHELF, 10, &Knobs::TUNED, 2);
        assert_eq!(products(&picks), ["apple", "tofu"]);
        assert_eq!(picks[1].reason, Reason::NeighboursAlsoBuy { because: "apple" });
    }

    #[test]
    fn equal_scores_keep_one_order() {
        let me = resident("a", &[], vec![basket(1, &["tofu", "eggs", "fish", "apple"])]);
        let first = recommend(&me, &StoreProfile::default(), SHELF, 2, &Knobs::TUNED, 4);
        assert_eq!(products(&first), ["apple", "eggs", "fish", "tofu"]);
        for _ in 0..20 {
            assert_eq!(recommend(&me, &StoreProfile::default(), SHELF, 2, &Knobs::TUNED, 4), first);
        }
    }

    #[test]
    fn the_cart_suggests_what_goes_with_it_and_never_what_is_in_it() {
        let hotpot: Vec<_> =
            (0..3).map(|i| resident(&format!("h{i}"), &[], vec![basket(1, &["pork", "tofu", "rice"])])).collect();
        let breakfast: Vec<_> = (0..3).map(|i| resident(&format!("b{i}"), &[], vec![basket(1, &["milk", "bread"])])).collect();
        let all: Vec<_> = hotpot.into_iter().chain(breakfast).collect();
        let profile = build_profile(&all, 2, &Knobs::TUNED);
        let picks = suggest_with(&["pork"], &[], &profile, SHELF, &Knobs::TUNED, 3);
        assert_eq!(products(&picks), ["rice", "tofu"]);
        assert_eq!(picks[0].reason, Reason::GoesWith { item: "pork" });
        let sold_out_tofu = ["pork", "rice"];
        assert_eq!(products(&suggest_with(&["pork"], &[], &profile, &sold_out_tofu, &Knobs::TUNED, 3)), ["rice"]);
    }
}
