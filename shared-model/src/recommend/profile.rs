//! The per-store artefact: built ahead of time from every resident's baskets, read by
//! each recommendation request.
//!
//! It holds, per store:
//! - each resident's basket vector (her top [`VECTOR_ITEMS`] products, unit length), to
//!   find the residents closest to whoever asks;
//! - each product's repeat rate: of the baskets its buyers ordered after first buying
//!   it, the share that held it again;
//! - per household tag, the products those households buy clearly more than others;
//! - this week's sellers (distinct buyers in the last [`WEEK_DAYS`] days).
//!
//! Numbers are `f32` and vectors are cut to their top products so the artefact stays
//! small on the wire (a store of 300 residents is a few hundred KB of JSON).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use super::model::{Basket, Knobs, OwnHistory, Pick, Reason};
use crate::identity::HouseholdTag;

/// Products kept per resident vector.
pub const VECTOR_ITEMS: usize = 60;
/// "This week": the last seven days, today included.
pub const WEEK_DAYS: i32 = 7;
/// Products kept per household tag and in this week's sellers.
pub const LIST_ITEMS: usize = 40;
/// A tag's product must be bought by at least this many of its households...
const MIN_TAG_BUYERS: usize = 2;
/// ...and by a share of them at least this many times the share of all households.
const MIN_TAG_LIFT: f64 = 1.3;

/// One resident's input to the build, and to her own request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResidentHistory<K> {
    pub resident: String,
    pub tags: Vec<HouseholdTag>,
    pub baskets: Vec<Basket<K>>,
}

/// A resident as a neighbour candidate: her id, her top products with their decayed
/// basket shares (sorted by product), and that vector's length (for the cosine).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Neighbour<K> {
    pub resident: String,
    pub items: Vec<(K, f32)>,
    pub norm: f32,
}

/// The store's artefact; see the module doc.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreProfile<K: Ord> {
    pub residents: Vec<Neighbour<K>>,
    pub repeat_rates: BTreeMap<K, f32>,
    /// Mean repeat rate over all products, for products with no history.
    pub base_repeat_rate: f32,
    pub by_tag: BTreeMap<HouseholdTag, Vec<K>>,
    pub this_week: Vec<K>,
}

impl<K: Ord> Default for StoreProfile<K> {
    fn default() -> Self {
        StoreProfile {
            residents: Vec::new(),
            repeat_rates: BTreeMap::new(),
            base_repeat_rate: 0.0,
            by_tag: BTreeMap::new(),
            this_week: Vec::new(),
        }
    }
}

/// Builds a store's profile from its residents' baskets as of `today`.
pub fn build_profile<K: Clone + Eq + Hash + Ord>(residents: &[ResidentHistory<K>], today: i32, knobs: &Knobs) -> StoreProfile<K> {
    let mut neighbours = Vec::with_capacity(residents.len());
    let mut repeats: HashMap<K, (u32, u32)> = HashMap::new();
    let mut buyers: HashMap<K, usize> = HashMap::new();
    let mut tag_buyers: BTreeMap<HouseholdTag, (usize, HashMap<K, usize>)> = BTreeMap::new();
    let mut week: HashMap<K, usize> = HashMap::new();

    for resident in residents {
        let own = OwnHistory::new(&resident.baskets, knobs.order_decay);
        if own.items.is_empty() {
            continue;
        }
        let mut vector = own.shares();
        vector.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        vector.truncate(VECTOR_ITEMS);
        let norm = vector.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        vector.sort_by(|a, b| a.0.cmp(&b.0));
        neighbours.push(Neighbour {
            resident: resident.resident.clone(),
            items: vector.into_iter().map(|(k, w)| (k, w as f32)).collect(),
            norm: norm as f32,
        });

        let mut ordered: Vec<&Basket<K>> = resident.baskets.iter().collect();
        ordered.sort_by_key(|b| b.day);
        let mut first_seen: HashMap<&K, usize> = HashMap::new();
        let mut bought_this_week: BTreeSet<&K> = BTreeSet::new();
        for (i, basket) in ordered.iter().enumerate() {
            for item in basket.items.iter().collect::<BTreeSet<_>>() {
                first_seen.entry(item).or_insert(i);
                if basket.day > today - WEEK_DAYS && basket.day <= today {
                    bought_this_week.insert(item);
                }
            }
        }
        for (item, first) in first_seen {
            let later = (ordered.len() - 1 - first) as u32;
            let again = own.items.get(item).map_or(0, |i| i.times.saturating_sub(1));
            let entry = repeats.entry(item.clone()).or_insert((0, 0));
            entry.0 += again;
            entry.1 += later;
            *buyers.entry(item.clone()).or_insert(0) += 1;
            for tag in &resident.tags {
                *tag_buyers.entry(*tag).or_default().1.entry(item.clone()).or_insert(0) += 1;
            }
        }
        for tag in &resident.tags {
            tag_buyers.entry(*tag).or_default().0 += 1;
        }
        for item in bought_this_week {
            *week.entry(item.clone()).or_insert(0) += 1;
        }
    }

    let (all_again, all_later) =
        repeats.values().fold((0u64, 0u64), |(a, l), (again, later)| (a + *again as u64, l + *later as u64));
    let base = if all_later > 0 { all_again as f64 / all_later as f64 } else { 0.0 };
    // Shrunk toward the mean rate by a few pseudo-baskets, so one buyer's luck is not a rule.
    const SHRINK: f64 = 4.0;
    let repeat_rates = repeats
        .into_iter()
        .map(|(k, (again, later))| (k, ((f64::from(again) + SHRINK * base) / (f64::from(later) + SHRINK)) as f32))
        .collect();

    let households = neighbours.len();
    let by_tag = tag_buyers
        .into_iter()
        .filter_map(|(tag, (count, items))| {
            if count == 0 {
                return None;
            }
            let mut lifted: Vec<(K, f64)> = items
                .into_iter()
                .filter(|(_, n)| *n >= MIN_TAG_BUYERS)
                .filter_map(|(k, n)| {
                    let share = n as f64 / count as f64;
                    let overall = buyers.get(&k).copied().unwrap_or(n) as f64 / households.max(1) as f64;
                    let lift = share / overall.max(f64::MIN_POSITIVE);
                    (lift >= MIN_TAG_LIFT).then_some((k, share * lift.sqrt()))
                })
                .collect();
            lifted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            lifted.truncate(LIST_ITEMS);
            Some((tag, lifted.into_iter().map(|(k, _)| k).collect::<Vec<_>>()))
        })
        .filter(|(_, list)| !list.is_empty())
        .collect();

    let mut this_week: Vec<(K, usize)> = week.into_iter().collect();
    this_week.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    this_week.truncate(LIST_ITEMS);

    StoreProfile {
        residents: neighbours,
        repeat_rates,
        base_repeat_rate: base as f32,
        by_tag,
        this_week: this_week.into_iter().map(|(k, _)| k).collect(),
    }
}

impl<K: Clone + Eq + Hash + Ord> StoreProfile<K> {
    /// How often the store's buyers of `product` buy it again; the store's mean for an
    /// unknown product.
    pub fn repeat_rate(&self, product: &K) -> f64 {
        f64::from(self.repeat_rates.get(product).copied().unwrap_or(self.base_repeat_rate))
    }

    /// Products of the residents closest to `vector` (her decayed shares, sorted by
    /// product), excluding `me`: each with its similarity-weighted share and the
    /// neighbour who gave it the most.
    pub(crate) fn neighbour_scores(&self, me: &str, vector: &[(K, f64)], knobs: &Knobs) -> HashMap<K, (f64, usize)> {
        let mine: HashMap<&K, f64> = vector.iter().map(|(k, w)| (k, *w)).collect();
        let my_norm = vector.iter().map(|(_, w)| w * w).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
        let mut close: Vec<(f64, usize)> = self
            .residents
            .iter()
            .enumerate()
            .filter(|(_, n)| n.resident != me)
            .filter_map(|(i, n)| {
                let dot: f64 = n.items.iter().filter_map(|(k, w)| mine.get(k).map(|m| m * f64::from(*w))).sum();
                let cosine = dot / (my_norm * f64::from(n.norm).max(f64::from(f32::MIN_POSITIVE)));
                (cosine > 0.0).then_some((cosine.powf(knobs.similarity_power), i))
            })
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        close.truncate(knobs.neighbours);
        let total: f64 = close.iter().map(|(s, _)| s).sum();
        let mut scores: HashMap<K, (f64, f64, usize)> = HashMap::new();
        for (similarity, i) in &close {
            for (k, w) in &self.residents[*i].items {
                let part = similarity * f64::from(*w);
                let entry = scores.entry(k.clone()).or_insert((0.0, 0.0, *i));
                entry.0 += part / total;
                if part > entry.1 {
                    entry.1 = part;
                    entry.2 = *i;
                }
            }
        }
        scores.into_iter().map(|(k, (score, _, i))| (k, (score, i))).collect()
    }

    /// The product of hers (in `vector`, sorted by product) that neighbour `i` buys
    /// most alike: what "买过 X 的邻居也买" names.
    pub(crate) fn shared_with(&self, i: usize, vector: &[(K, f64)]) -> Option<K> {
        let theirs = &self.residents.get(i)?.items;
        vector
            .iter()
            .filter_map(|(k, mine)| theirs.binary_search_by(|(t, _)| t.cmp(k)).ok().map(|at| (k, mine * f64::from(theirs[at].1))))
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(k, _)| k.clone())
    }

    /// What residents who buy the cart's products buy with them: each product's score
    /// and the cart product it goes with most.
    pub(crate) fn bought_with(&self, cart: &[K]) -> HashMap<K, (f64, K)> {
        let cart: BTreeSet<&K> = cart.iter().collect();
        let mut scores: HashMap<K, (f64, f64, K)> = HashMap::new();
        let mut holders: HashMap<&K, f64> = HashMap::new();
        for neighbour in &self.residents {
            for (k, _) in &neighbour.items {
                *holders.entry(k).or_insert(0.0) += 1.0;
            }
            let Some((anchor, strength)) = neighbour
                .items
                .iter()
                .filter(|(k, _)| cart.contains(k))
                .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .map(|(k, w)| (k, f64::from(*w)))
            else {
                continue;
            };
            for (k, w) in &neighbour.items {
                let part = strength * f64::from(*w);
                let entry = scores.entry(k.clone()).or_insert((0.0, 0.0, anchor.clone()));
                entry.0 += part;
                if part > entry.1 {
                    entry.1 = part;
                    entry.2 = anchor.clone();
                }
            }
        }
        scores
            .into_iter()
            .map(|(k, (score, _, anchor))| {
                let spread = holders.get(&k).copied().unwrap_or(1.0).sqrt();
                (k, (score / spread, anchor))
            })
            .collect()
    }

    /// Cold-start picks: her tags' products and this week's sellers taken in turn, then
    /// `shelf`.
    pub(crate) fn fallback(&self, tags: &[HouseholdTag], shelf: &[K], limit: usize, wanted: impl Fn(&K) -> bool) -> Vec<Pick<K>> {
        let mut picks: Vec<Pick<K>> = Vec::new();
        let mut taken: BTreeSet<K> = BTreeSet::new();
        let mut lists: Vec<(std::slice::Iter<'_, K>, Reason<K>)> = tags
            .iter()
            .filter_map(|tag| self.by_tag.get(tag).map(|list| (list.iter(), Reason::Household { tag: *tag })))
            .chain(std::iter::once((self.this_week.iter(), Reason::PopularThisWeek)))
            .collect();
        let mut rank = 0.0;
        let mut any = true;
        while any && picks.len() < limit {
            any = false;
            for (list, reason) in lists.iter_mut() {
                if picks.len() >= limit {
                    break;
                }
                if let Some(product) = list.find(|p| !taken.contains(*p) && wanted(p)) {
                    any = true;
                    taken.insert(product.clone());
                    rank += 1.0;
                    picks.push(Pick { product: product.clone(), score: -rank, reason: reason.clone() });
                }
            }
        }
        for product in shelf {
            if picks.len() >= limit {
                break;
            }
            if !taken.contains(product) && wanted(product) {
                taken.insert(product.clone());
                rank += 1.0;
                picks.push(Pick { product: product.clone(), score: -rank, reason: Reason::StorePick });
            }
        }
        // Scores fall with each pick taken, so the list is already best first.
        picks
    }
}
