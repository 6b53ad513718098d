//! The demo chain (stores, pickup points, owners, catalogue, stock, an evening live per
//! store, and its community: see `community`), seeded idempotently
//! from `seed/demo-chain.json`: every insert is `ON CONFLICT DO NOTHING`, so seeding twice
//! changes nothing and never resets stock that residents have already bought.

mod community;

use super::live::LiveService;
use crate::{
    error::AppResult,
    http::{now, random_bytes},
};
use serde::{Deserialize, Serialize};
use shared_model::{
    identity::{hash_password, Role, PBKDF2_ITERATIONS},
    live::{suggested_live_start, LiveSession, NewLiveSession},
    time::store_tz,
    LiveSessionId, StoreId,
};
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

const DEMO_CHAIN: &str = include_str!("../../seed/demo-chain.json");

#[derive(Deserialize)]
struct DemoChain {
    categories: Vec<SeedCategory>,
    stores: Vec<SeedStore>,
    products: Vec<SeedProduct>,
}

#[derive(Deserialize)]
struct SeedCategory {
    id: String,
    name_zh: String,
    name_en: String,
    sort: i32,
}

#[derive(Deserialize)]
struct SeedStore {
    id: String,
    name: String,
    neighbourhood: String,
    city: String,
    address: String,
    cover: String,
    owner: SeedOwner,
    pickup_points: Vec<SeedPickupPoint>,
    /// The store's demo live, scheduled as the console would suggest (tonight at 8).
    live: Option<SeedLive>,
}

#[derive(Deserialize)]
struct SeedLive {
    id: String,
    title: String,
}

#[derive(Deserialize)]
struct SeedOwner {
    id: String,
    nickname: String,
    phone: String,
}

#[derive(Deserialize)]
struct SeedPickupPoint {
    id: String,
    name: String,
    address: String,
    window: String,
}

#[derive(Deserialize)]
struct SeedProduct {
    id: String,
    name: String,
    category_id: String,
    unit: String,
    description: String,
    origin: String,
    shelf_life_days: u32,
    test_report: Option<String>,
    image: String,
    price_fen: i64,
    per_buyer_cap: Option<u32>,
    stock: BTreeMap<String, u32>,
}

/// What the seed wrote: rows newly inserted (0 on a second run) and owners created.
#[derive(Serialize, Default)]
pub struct SeedReport {
    pub inserted_rows: u32,
    pub owners_created: u32,
}

/// The demo lives' video and cover, served from `public/`.
const DEMO_LIVE_STREAM: &str = "/media/live-demo.webm";
const DEMO_LIVE_COVER: &str = "/images/live/cover.svg";

fn opt<T: Into<JsValue>>(v: Option<T>) -> JsValue {
    v.map(Into::into).unwrap_or(JsValue::NULL)
}

pub async fn seed_demo_chain(env: &Env, owner_password: &str) -> AppResult<SeedReport> {
    let db: D1Database = env.d1("DB")?;
    let chain: DemoChain = serde_json::from_str(DEMO_CHAIN)?;
    let today = now().with_timezone(&store_tz()).date_naive();
    let created = now().to_rfc3339();

    let mut statements: Vec<D1PreparedStatement> = Vec::new();
    for c in &chain.categories {
        statements.push(
            db.prepare("INSERT INTO categories (id, name_zh, name_en, sort) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING")
                .bind(&[c.id.as_str().into(), c.name_zh.as_str().into(), c.name_en.as_str().into(), c.sort.into()])?,
        );
    }
    for s in &chain.stores {
        statements.push(
            db.prepare("INSERT INTO stores (id, name, neighbourhood, city, address, cover_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING")
                .bind(&[s.id.as_str().into(), s.name.as_str().into(), s.neighbourhood.as_str().into(), s.city.as_str().into(), s.address.as_str().into(), s.cover.as_str().into()])?,
        );
        for p in &s.pickup_points {
            statements.push(
                db.prepare("INSERT INTO pickup_points (id, store_id, name, address, time_window) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")
                    .bind(&[p.id.as_str().into(), s.id.as_str().into(), p.name.as_str().into(), p.address.as_str().into(), p.window.as_str().into()])?,
            );
        }
    }
    for p in &chain.products {
        statements.push(
            db.prepare(
                "INSERT INTO products (id, name, category_id, unit, description, origin, shelf_life_days, test_report, image_url) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                p.id.as_str().into(),
                p.name.as_str().into(),
                p.category_id.as_str().into(),
                p.unit.as_str().into(),
                p.description.as_str().into(),
                p.origin.as_str().into(),
                p.shelf_life_days.into(),
                opt(p.test_report.as_deref()),
                p.image.as_str().into(),
            ])?,
        );
        let best_before = (today + chrono::Duration::days(i64::from(p.shelf_life_days))).format("%Y-%m-%d").to_string();
        for (store, stock) in &p.stock {
            statements.push(
                db.prepare(
                    "INSERT INTO store_products (store_id, product_id, price_fen, opening_stock, available, per_buyer_cap, best_before) \
                     VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                )
                .bind(&[
                    store.as_str().into(),
                    p.id.as_str().into(),
                    (p.price_fen as f64).into(),
                    (*stock).into(),
                    opt(p.per_buyer_cap),
                    best_before.as_str().into(),
                ])?,
            );
        }
    }
    // Owners: hash only for owners not there yet (hashing is deliberately slow).
    let mut owners = 0;
    for s in &chain.stores {
        let exists: Option<serde_json::Value> =
            db.prepare("SELECT id FROM people WHERE id = ?1").bind(&[s.owner.id.as_str().into()])?.first(None).await?;
        if exists.is_some() {
            continue;
        }
        let salt = random_bytes::<16>()?;
        let hash = hash_password(owner_password, &salt, PBKDF2_ITERATIONS);
        statements.push(
            db.prepare(
                "INSERT INTO people (id, store_id, role, nickname, phone, password_hash, created_at) \
                 VALUES (?1, ?2, ?7, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                s.owner.id.as_str().into(),
                s.id.as_str().into(),
                s.owner.nickname.as_str().into(),
                s.owner.phone.as_str().into(),
                hash.into(),
                created.as_str().into(),
                Role::Owner.as_str().into(),
            ])?,
        );
        owners += 1;
    }

    let results = db.batch(statements).await?;
    let mut inserted_rows: u32 = results.iter().map(|r| crate::storage::changes(r) as u32).sum();

    // Lives need their rooms, so they go through the live service rather than the batch.
    let lives = LiveService::new(env)?;
    let now = now();
    for s in &chain.stores {
        let Some(live) = &s.live else { continue };
        let new = NewLiveSession {
            title: live.title.clone(),
            starts_at: suggested_live_start(now),
            cover_url: Some(DEMO_LIVE_COVER.into()),
            stream_url: Some(DEMO_LIVE_STREAM.into()),
        };
        let session = LiveSession::schedule(
            LiveSessionId::new_unchecked(live.id.clone()),
            StoreId::new_unchecked(s.id.clone()),
            new.validate(now)?,
        );
        inserted_rows += u32::from(lives.create(&session, now).await?);
    }
    for (index, s) in chain.stores.iter().enumerate() {
        inserted_rows += community::seed_community(env, &db, &StoreId::new_unchecked(s.id.clone()), index, now).await?;
    }
    Ok(SeedReport { inserted_rows, owners_created: owners })
}
