//! Recommendations (为你推荐, 凑单推荐): what a resident is most likely to put in her next
//! basket, each pick with the reason it was made.
//!
//! The model is a next-basket recommender in three layers, tried in this order:
//! 1. **Her own repeat behaviour.** Each product she bought scores its recency-decayed
//!    share of her baskets (the latest counts most), pulled toward how often the store's
//!    buyers of that product buy it again (so one old impulse buy does not outrank a
//!    weekly staple), and weighed by its repurchase timing: a product bought every two
//!    weeks and picked up yesterday waits its turn.
//! 2. **Similar residents.** Her basket history, as a vector, finds the residents whose
//!    histories are closest (cosine); what they buy and she has not fills the list,
//!    blended in with a smaller share.
//! 3. **Cold start.** With no history (or to fill up), what households with her tags
//!    buy and what sells in her store this week, taken in turn, then the shelf. The strip
//!    is never empty while the store sells anything.
//!
//! Everything expensive (the neighbours, the store's repeat rates, this week's
//! popularity) is built per store ahead of time into a [`StoreProfile`]; a request reads
//! only the resident's own baskets and that profile. Nothing here reads the clock or
//! storage; days are whole days counted from any fixed origin. Ties are broken by the
//! product key, so the same input always gives the same list.
//!
//! Files: `model` (the scoring), `profile` (the per-store artefact and its build),
//! `shop` (how the shop asks: limits, history window, when to rebuild), `eval` (Recall@k
//! and NDCG@k, used by the offline evaluation command `scripts/eval-recommendations`).

mod eval;
mod model;
mod profile;
mod shop;

pub use eval::{ndcg_at, recall_at, Scores};
pub use model::{recommend, suggest_with, Basket, Knobs, Pick, Reason};
pub use profile::{build_profile, Neighbour, ResidentHistory, StoreProfile, LIST_ITEMS, VECTOR_ITEMS, WEEK_DAYS};
pub use shop::{
    day_number, parse_limit, rebuild_due, RecommendError, CART_SUGGESTIONS, DEFAULT_RECOMMENDATIONS, HISTORY_DAYS,
    MAX_RECOMMENDATIONS, REBUILD_AFTER_ORDERS, REBUILD_EVERY_HOURS,
};
