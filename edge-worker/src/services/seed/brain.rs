//! What makes each kind of 今日建议 appear in the demo chain (`seed/brain.json`), per store:
//! - **rising words**: live-room comments and searches that found nothing, this week and
//!   last week, from the history's households (无糖 this week by many more neighbours
//!   than last week);
//! - **a live push**: a wish the owner answered with a product on the shelf, with its
//!   +1s, and searches for it that found nothing before it was stocked;
//! - **churn**: regulars who shopped every week and stopped a few weeks ago, each with
//!   picked-up orders of her own;
//! - **markdowns** need nothing more: the catalogue's short-lived goods are near their
//!   best-before (seeded at today + shelf life) and the history gives their sell-through.
//!
//! Times are relative to the first run; every row has a fixed id and goes in with
//! `ON CONFLICT DO NOTHING`, so a second run inserts nothing.

use super::history::rows;
use crate::{
    error::AppResult,
    storage::{changes, number, DATE_FORMAT},
};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use shared_model::{community::DemandStatus, identity::Role, order::OrderStatus, time::local_date};
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

const BRAIN: &str = include_str!("../../../seed/brain.json");

#[derive(Deserialize)]
struct BrainSeed {
    /// Live-room comments: (days ago, text), each by the next household.
    comments: Vec<(i64, String)>,
    /// Searches that found nothing: (days ago, query), each by the next household.
    empty_searches: Vec<(i64, String)>,
    /// The wish the owner stocked.
    stocked_wish: StockedWish,
    /// The regulars who stopped.
    lapsed: Lapsed,
}

#[derive(Deserialize)]
struct StockedWish {
    text: String,
    product: String,
    days_ago: i64,
    votes: usize,
}

#[derive(Deserialize)]
struct Lapsed {
    residents: usize,
    /// Days between her orders.
    every_days: i64,
    /// No order further back than this, days ago.
    first_days_ago: i64,
    /// Her last order, days ago (the first resident's; each next one a day later).
    last_days_ago: i64,
    /// What she buys each time.
    product: String,
}

/// The `h`-th history household of `store` (`services::seed::history`).
fn household(store: &str, h: usize) -> String {
    format!("r-hist-{store}-{:03}", h % 200)
}

/// Seeds `store`'s brain demo; returns the rows inserted.
pub async fn seed_brain(
    db: &D1Database,
    store: &str,
    live: Option<&str>,
    point: &str,
    products: &BTreeMap<String, (String, String, i64)>,
    now: DateTime<Utc>,
) -> AppResult<u32> {
    let seed: BrainSeed = serde_json::from_str(BRAIN)?;
    let at = |days_ago: i64, n: usize| (now - Duration::days(days_ago) - Duration::minutes(7 * n as i64)).to_rfc3339();
    // Households speak in turn: the comments' from 100 on, the searches' from 150 on.
    let mut statements: Vec<D1PreparedStatement> = Vec::new();
    if let Some(live) = live {
        let comments: Vec<[JsValue; 6]> = seed
            .comments
            .iter()
            .enumerate()
            .map(|(i, (days, text))| {
                [
                    format!("lc-demo-{store}-{i:03}").into(),
                    store.into(),
                    live.into(),
                    household(store, 100 + i).into(),
                    text.as_str().into(),
                    at(*days, i).into(),
                ]
            })
            .collect();
        statements.extend(rows(db, "live_comments (id, store_id, live_id, person_id, text, at)", comments)?);
    }
    let searches: Vec<[JsValue; 5]> = seed
        .empty_searches
        .iter()
        .enumerate()
        .map(|(i, (days, query))| {
            [
                format!("es-demo-{store}-{i:03}").into(),
                store.into(),
                household(store, 150 + i).into(),
                query.as_str().into(),
                at(*days, i).into(),
            ]
        })
        .collect();
    statements.extend(rows(db, "empty_searches (id, store_id, person_id, query, at)", searches)?);

    // The stocked wish: its author and voters are households 60 on.
    let wish = &seed.stocked_wish;
    if products.contains_key(&wish.product) {
        let id = format!("d-brain-{store}");
        let created = at(wish.days_ago, 0);
        statements.push(
            db.prepare(
                "INSERT INTO demands (id, store_id, author_id, text, category_id, price_fen, status, product_id, decline_reason, \
                 created_at, updated_at) VALUES (?1, ?2, ?3, ?4, NULL, NULL, ?5, ?6, NULL, ?7, ?7) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                id.as_str().into(),
                store.into(),
                household(store, 60).into(),
                wish.text.as_str().into(),
                DemandStatus::Stocked.as_str().into(),
                wish.product.as_str().into(),
                created.as_str().into(),
            ])?,
        );
        let votes: Vec<[JsValue; 3]> =
            (0..wish.votes).map(|v| [id.as_str().into(), household(store, 60 + v).into(), at(wish.days_ago, v).into()]).collect();
        statements.extend(rows(db, "demand_votes (demand_id, person_id, created_at)", votes)?);
    }

    // The regulars who stopped: residents of their own, so the history's rhythms stay as
    // they are.
    let lapsed = &seed.lapsed;
    if let Some((name, unit, price)) = products.get(&lapsed.product) {
        let today = local_date(now);
        let mut people: Vec<[JsValue; 7]> = Vec::new();
        let mut orders: Vec<[JsValue; 12]> = Vec::new();
        let mut lines: Vec<[JsValue; 7]> = Vec::new();
        let mut events: Vec<[JsValue; 3]> = Vec::new();
        for r in 0..lapsed.residents {
            let person = format!("r-lapsed-{store}-{r:02}");
            people.push([
                person.as_str().into(),
                store.into(),
                Role::Resident.as_str().into(),
                format!("老顾客{}", r + 1).into(),
                format!("1970{r:07}").into(),
                format!("{}栋", 1 + r % 20).into(),
                now.to_rfc3339().into(),
            ]);
            // Her last order `last_days_ago + r` days ago, and every `every_days` before it.
            let mut days_ago = lapsed.last_days_ago + r as i64;
            let mut k = 0;
            while days_ago <= lapsed.first_days_ago {
                let order = format!("o-lapsed-{store}-{r:02}-{k:02}");
                let pickup = today - Duration::days(days_ago);
                let quantity = 2 + (r % 3) as u32;
                lines.push([
                    order.as_str().into(),
                    1.into(),
                    lapsed.product.as_str().into(),
                    name.as_str().into(),
                    unit.as_str().into(),
                    number(*price),
                    quantity.into(),
                ]);
                orders.push([
                    order.as_str().into(),
                    store.into(),
                    person.as_str().into(),
                    format!("lapsed-{order}").into(),
                    "demo".into(),
                    OrderStatus::PickedUp.as_str().into(),
                    number(*price * i64::from(quantity)),
                    point.into(),
                    pickup.format(DATE_FORMAT).to_string().into(),
                    format!("{:06}", (r * 7919 + k * 104_729) % 1_000_000).into(),
                    JsValue::NULL,
                    (now - Duration::days(days_ago + 1)).to_rfc3339().into(),
                ]);
                events.push([
                    order.as_str().into(),
                    OrderStatus::PickedUp.as_str().into(),
                    (now - Duration::days(days_ago)).to_rfc3339().into(),
                ]);
                days_ago += lapsed.every_days;
                k += 1;
            }
        }
        statements.extend(rows(db, "people (id, store_id, role, nickname, phone, building, created_at)", people)?);
        statements.extend(rows(
            db,
            "orders (id, store_id, person_id, idempotency_key, fingerprint, status, total_fen, pickup_point_id, pickup_date, \
             pickup_code, note, placed_at)",
            orders,
        )?);
        statements.extend(rows(db, "order_lines (order_id, line_no, product_id, name, unit, unit_price_fen, quantity)", lines)?);
        statements.extend(rows(db, "order_events (order_id, status, at)", events)?);
    }

    let mut inserted = 0;
    for chunk in statements.chunks(200).map(<[_]>::to_vec) {
        inserted += db.batch(chunk).await?.iter().map(|r| changes(r) as u32).sum::<u32>();
    }
    Ok(inserted)
}
