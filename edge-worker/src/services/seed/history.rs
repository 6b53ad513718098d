//! Ninety days of the demo chain's shopping (`seed/history.json`): per store, a few
//! hundred households, each of a kind (families with children, elderly people, pet
//! owners, vegetarians, young people), each with its own staples bought at its own pace
//! and a few favourites; this winter's seasonal goods sell in the last two weeks. Every
//! draw comes from a fixed-seed generator, so every run writes the same orders (on the
//! dates of its first run: ids are fixed and inserts are `ON CONFLICT DO NOTHING`).
//!
//! The orders are picked up, on the store's first pickup point; they feed 为你推荐 and
//! the owner's numbers. A longer history (a year, for `scripts/bench numbers`) goes on
//! further back from the same households, drawn apart so the last 90 days do not change.
//! Rows go in with multi-row inserts (`storage::insert_rows`).

use crate::{
    error::AppResult,
    storage::{changes, insert_rows, number},
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use shared_model::{identity::Role, order::OrderStatus, time::store_tz};
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

const HISTORY: &str = include_str!("../../../seed/history.json");

/// The demo's own days of orders: what every seed writes, and the least a longer seed
/// may ask for (`POST /api/v1/admin/seed?history_days=`).
pub const DEMO_HISTORY_DAYS: i64 = 90;

#[derive(Deserialize)]
struct History {
    households_per_store: usize,
    surnames: Vec<String>,
    titles: Vec<String>,
    kinds: Vec<Kind>,
    /// Bought now and then by everyone: (product, chance per order).
    pantry: Vec<(String, f64)>,
    /// Bought by whoever likes them, each household liking a few.
    favourites: Vec<String>,
    /// This season's goods, sold in the last `seasonal_days`.
    seasonal: Vec<String>,
    seasonal_days: i64,
    seasonal_chance: f64,
}

/// A kind of household: its share of a store, its tags, its days between orders and
/// its staples with their chance per order.
#[derive(Deserialize)]
struct Kind {
    share: f64,
    tags: Vec<String>,
    gap_days: f64,
    staples: Vec<(String, f64)>,
}

/// SplitMix64: small, fast and the same everywhere.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// One order of the history.
struct PastOrder {
    id: String,
    person: String,
    pickup: NaiveDate,
    lines: Vec<(String, u32)>,
}

/// What the history needs of the store and the catalogue.
pub struct Shop<'a> {
    pub store: &'a str,
    pub index: usize,
    pub pickup_point: &'a str,
    /// Product id -> (name, unit, price in fen).
    pub products: &'a BTreeMap<String, (String, String, i64)>,
}

/// Seeds `shop`'s households and their orders of the last days before `now` (the demo's
/// own [`DEMO_HISTORY_DAYS`], or `days` when more); returns the rows inserted.
pub async fn seed_history(db: &D1Database, shop: &Shop<'_>, now: DateTime<Utc>, days: i64) -> AppResult<u32> {
    let history: History = serde_json::from_str(HISTORY)?;
    let today = now.with_timezone(&store_tz()).date_naive();
    let mut draw = Draw(0x11A1_u64.wrapping_mul(shop.index as u64 + 1));
    let mut people: Vec<[JsValue; 9]> = Vec::new();
    let mut orders: Vec<PastOrder> = Vec::new();
    // Days before the demo's own: drawn apart, so the demo's orders stay the same.
    let days = DEMO_HISTORY_DAYS.max(days);
    let mut older = Draw(0x01D_u64.wrapping_mul(shop.index as u64 + 1));
    let mut older_orders: Vec<PastOrder> = Vec::new();
    for h in 0..history.households_per_store {
        let kind = pick_kind(&history.kinds, &mut draw);
        let person = format!("r-hist-{}-{h:03}", shop.store);
        let nickname = format!(
            "{}{}",
            history.surnames[draw.below(history.surnames.len())],
            history.titles[draw.below(history.titles.len())]
        );
        let tags = serde_json::to_string(&kind.tags)?;
        people.push([
            person.as_str().into(),
            shop.store.into(),
            Role::Resident.as_str().into(),
            nickname.into(),
            format!("198{:02}{h:06}", shop.index).into(),
            format!("{}栋", 1 + draw.below(20)).into(),
            format!("{}单元", 1 + draw.below(3)).into(),
            tags.into(),
            now.to_rfc3339().into(),
        ]);
        // Her own habits: most of her kind's staples, at her own rate, and a few favourites.
        let mut habits: Vec<(String, f64)> = Vec::new();
        for (product, chance) in &kind.staples {
            if draw.chance(0.75) {
                habits.push((product.clone(), (chance * (0.6 + 0.8 * draw.unit())).min(0.95)));
            }
        }
        for _ in 0..3 {
            let favourite = &history.favourites[draw.below(history.favourites.len())];
            if !habits.iter().any(|(p, _)| p == favourite) {
                habits.push((favourite.clone(), 0.1 + 0.3 * draw.unit()));
            }
        }
        habits.extend(history.pantry.iter().cloned());
        let gap = kind.gap_days * (0.7 + 0.6 * draw.unit());
        let mut day = -(draw.unit() * gap) as i64 - 1;
        // The demo's own days, then (when asked) the same household further back, drawn
        // from a generator of its own.
        for (until, prefix, draw, out) in
            [(DEMO_HISTORY_DAYS, "o-hist", &mut draw, &mut orders), (days, "o-hist-old", &mut older, &mut older_orders)]
        {
            let mut k = 0;
            while day > -until {
                let in_season = day > -history.seasonal_days;
                let lines = basket(&habits, &history, shop, in_season, draw);
                if !lines.is_empty() {
                    out.push(PastOrder {
                        id: format!("{prefix}-{}-{h:03}-{k:03}", shop.store),
                        person: person.clone(),
                        pickup: today + Duration::days(day),
                        lines,
                    });
                    k += 1;
                }
                day -= (gap * (0.5 + draw.unit())).round().max(1.0) as i64;
            }
        }
    }

    let mut statements =
        rows(db, "people (id, store_id, role, nickname, phone, building, unit, household_tags, created_at)", people)?;
    let mut order_rows: Vec<[JsValue; 12]> = Vec::new();
    let mut line_rows: Vec<[JsValue; 7]> = Vec::new();
    let mut event_rows: Vec<[JsValue; 3]> = Vec::new();
    for order in orders.iter().chain(&older_orders) {
        let placed_at = local(order.pickup - Duration::days(1), 20);
        let picked_up_at = local(order.pickup, 18);
        let mut total = 0;
        for (i, (product, quantity)) in order.lines.iter().enumerate() {
            let (name, unit, price) = &shop.products[product];
            total += price * i64::from(*quantity);
            line_rows.push([
                order.id.as_str().into(),
                ((i + 1) as u32).into(),
                product.as_str().into(),
                name.as_str().into(),
                unit.as_str().into(),
                number(*price),
                (*quantity).into(),
            ]);
        }
        order_rows.push([
            order.id.as_str().into(),
            shop.store.into(),
            order.person.as_str().into(),
            format!("hist-{}", order.id).into(),
            "demo".into(),
            OrderStatus::PickedUp.as_str().into(),
            number(total),
            shop.pickup_point.into(),
            order.pickup.format(crate::storage::DATE_FORMAT).to_string().into(),
            format!("{:06}", draw.below(1_000_000)).into(),
            JsValue::NULL,
            placed_at.to_rfc3339().into(),
        ]);
        event_rows.push([order.id.as_str().into(), OrderStatus::PickedUp.as_str().into(), picked_up_at.to_rfc3339().into()]);
    }
    statements.extend(rows(
        db,
        "orders (id, store_id, person_id, idempotency_key, fingerprint, status, total_fen, pickup_point_id, pickup_date, pickup_code, note, placed_at)",
        order_rows,
    )?);
    statements.extend(rows(db, "order_lines (order_id, line_no, product_id, name, unit, unit_price_fen, quantity)", line_rows)?);
    statements.extend(rows(db, "order_events (order_id, status, at)", event_rows)?);

    let mut inserted = 0;
    for chunk in statements.chunks(200).map(<[_]>::to_vec) {
        inserted += db.batch(chunk).await?.iter().map(|r| changes(r) as u32).sum::<u32>();
    }
    Ok(inserted)
}

/// One order's lines: each habit by its chance, maybe one of this season's goods when
/// `in_season`, and her first habit rather than nothing.
fn basket(habits: &[(String, f64)], history: &History, shop: &Shop<'_>, in_season: bool, draw: &mut Draw) -> Vec<(String, u32)> {
    let mut lines: Vec<(String, u32)> = Vec::new();
    for (product, chance) in habits {
        if draw.chance(*chance) {
            lines.push((product.clone(), 1 + u32::from(draw.chance(0.2))));
        }
    }
    if in_season && draw.chance(history.seasonal_chance) {
        let seasonal = &history.seasonal[draw.below(history.seasonal.len())];
        if !lines.iter().any(|(p, _)| p == seasonal) {
            lines.push((seasonal.clone(), 1));
        }
    }
    if lines.is_empty() {
        if let Some((p, _)) = habits.first() {
            lines.push((p.clone(), 1));
        }
    }
    lines.retain(|(p, _)| shop.products.contains_key(p));
    lines
}

fn pick_kind<'a>(kinds: &'a [Kind], draw: &mut Draw) -> &'a Kind {
    let mut left = draw.unit() * kinds.iter().map(|k| k.share).sum::<f64>();
    for kind in kinds {
        if left < kind.share {
            return kind;
        }
        left -= kind.share;
    }
    &kinds[kinds.len() - 1]
}

/// `hour`:00 store time on `date`.
fn local(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    let at = date.and_hms_opt(hour, 0, 0).unwrap_or_default();
    store_tz().from_local_datetime(&at).single().map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}

/// Inserts of `rows` into `table` that leave a row already there as it is.
pub(super) fn rows<const N: usize>(db: &D1Database, table: &str, rows: Vec<[JsValue; N]>) -> AppResult<Vec<D1PreparedStatement>> {
    insert_rows(db, table, "ON CONFLICT DO NOTHING", &rows)
}
