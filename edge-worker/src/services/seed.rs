//! The demo chain (stores, pickup points, owners, catalogue, stock, an evening live per
//! store, its community (see `community`), neighbours' reviews with photos on a few
//! products, some by KOCs, each from a picked-up order of its own, and ninety days of
//! households' shopping (see `history`), with the recommendation profiles built from it,
//! and what makes each kind of the owner's 今日建议 appear (see `brain`), the demo suppliers
//! and each product's supplier, pack size and safety stock (see `supply`), seeded idempotently
//! from `seed/demo-chain.json`: every insert is `ON CONFLICT DO NOTHING`, so seeding twice
//! changes nothing and never resets stock that residents have already bought.

mod brain;
mod community;
pub mod history;
mod supply;

use super::{live::LiveService, metrics::MetricsService, recommendations::RecommendationService};
use crate::{
    clients::photos::PhotoBucket,
    error::{AppError, AppResult},
    http::{now, random_bytes},
    storage::{
        number,
        orders::order_statements,
        reviews::{photo_insert, review_insert},
    },
};
use serde::{Deserialize, Serialize};
use shared_model::{
    community::{inspect_photo, NewReview, Review, ReviewVisibility},
    identity::{hash_password, Role, PBKDF2_ITERATIONS},
    live::{suggested_live_start, LiveSession, NewLiveSession},
    order::{IdempotencyKey, Order, OrderLine, OrderStatus, Placement, StatusChange},
    store::PickupPoint,
    time::store_tz,
    Fen, LiveSessionId, OrderId, PersonId, PhotoId, PickupPointId, ProductId, ReviewId, StoreId,
};
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

const DEMO_CHAIN: &str = include_str!("../../seed/demo-chain.json");

#[derive(Deserialize)]
struct DemoChain {
    /// The chain's HQ account: signs in like an owner; its row sits in `store`.
    hq: SeedHq,
    categories: Vec<SeedCategory>,
    stores: Vec<SeedStore>,
    products: Vec<SeedProduct>,
    #[serde(default)]
    reviews: Vec<SeedReview>,
}

/// A neighbour's review, with the picked-up order it comes from (made here, `days_ago`
/// picked up) and its photos (`seed/photos/{name}.jpg`).
#[derive(Deserialize)]
struct SeedReview {
    id: String,
    store: String,
    author: SeedResident,
    product: String,
    stars: i64,
    text: String,
    photos: Vec<String>,
    featured: bool,
    days_ago: i64,
}

#[derive(Deserialize)]
struct SeedResident {
    id: String,
    nickname: String,
    /// Not a 13… number, so no test's resident can collide with it.
    phone: String,
    koc: bool,
}

/// The demo reviews' photos: small generated JPEGs.
const DEMO_PHOTOS: [(&str, &[u8]); 4] = [
    ("eggs", include_bytes!("../../seed/photos/eggs.jpg")),
    ("tomato", include_bytes!("../../seed/photos/tomato.jpg")),
    ("grape", include_bytes!("../../seed/photos/grape.jpg")),
    ("milk", include_bytes!("../../seed/photos/milk.jpg")),
];

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
    /// Selling area (m²) and staff, for 坪效 and 人效.
    area_m2: u32,
    staff: u32,
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
struct SeedHq {
    id: String,
    nickname: String,
    phone: String,
    store: String,
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
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct SeedReport {
    pub inserted_rows: u32,
    pub owners_created: u32,
    /// Stores whose recommendation profile was built (every store, each time).
    pub profiles_built: u32,
}

/// The demo lives' video and cover, served from `public/`.
const DEMO_LIVE_STREAM: &str = "/media/live-demo.webm";
const DEMO_LIVE_COVER: &str = "/images/live/cover.svg";

fn opt<T: Into<JsValue>>(v: Option<T>) -> JsValue {
    v.map(Into::into).unwrap_or(JsValue::NULL)
}

/// The demo chain's unit cost: 60% of the shelf price, a fresh-food store's usual gross
/// margin, so the markdown plans show the deepest steps blocked below cost as they would be.
fn demo_unit_cost(price_fen: i64) -> i64 {
    price_fen * 60 / 100
}

/// Seeds the demo chain, its residents' orders going `history_days` back when more than
/// the demo's own 90 (the numbers then all counted again).
pub async fn seed_demo_chain(env: &Env, owner_password: &str, history_days: Option<i64>) -> AppResult<SeedReport> {
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
        // A chain seeded before stores had a size gets it; a size set since stays.
        statements.push(
            db.prepare("UPDATE stores SET area_m2 = ?2, staff = ?3 WHERE id = ?1 AND area_m2 = 0 AND staff = 0").bind(&[
                s.id.as_str().into(),
                s.area_m2.into(),
                s.staff.into(),
            ])?,
        );
        for p in &s.pickup_points {
            statements.push(
                db.prepare("INSERT INTO pickup_points (id, store_id, name, address, time_window) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")
                    .bind(&[p.id.as_str().into(), s.id.as_str().into(), p.name.as_str().into(), p.address.as_str().into(), p.window.as_str().into()])?,
            );
        }
    }
    // A product seeded before barcodes existed gets one; any other conflict changes
    // nothing, so seeding again reports no row.
    for (index, p) in chain.products.iter().enumerate() {
        statements.push(
            db.prepare(
                "INSERT INTO products (id, name, category_id, unit, description, origin, shelf_life_days, test_report, image_url, \
                   barcode) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                 ON CONFLICT (id) DO UPDATE SET barcode = excluded.barcode WHERE products.barcode IS NULL",
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
                demo_barcode(index).into(),
            ])?,
        );
        let best_before = (today + chrono::Duration::days(i64::from(p.shelf_life_days))).format("%Y-%m-%d").to_string();
        for (store, stock) in &p.stock {
            statements.push(
                db.prepare(
                    "INSERT INTO store_products (store_id, product_id, price_fen, opening_stock, available, per_buyer_cap, best_before, \
                     unit_cost_fen) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                )
                .bind(&[
                    store.as_str().into(),
                    p.id.as_str().into(),
                    number(p.price_fen),
                    (*stock).into(),
                    opt(p.per_buyer_cap),
                    best_before.as_str().into(),
                    number(demo_unit_cost(p.price_fen)),
                ])?,
            );
        }
    }
    statements.extend(supply::supply_statements(&db)?);
    // Owners and HQ: hash only for those not there yet (hashing is deliberately slow).
    let mut owners = 0;
    let hq = (&chain.hq.id, &chain.hq.nickname, &chain.hq.phone, &chain.hq.store, Role::Hq);
    let accounts = chain.stores.iter().map(|s| (&s.owner.id, &s.owner.nickname, &s.owner.phone, &s.id, Role::Owner));
    for (id, nickname, phone, store, role) in accounts.chain([hq]) {
        let exists: Option<serde_json::Value> =
            db.prepare("SELECT id FROM people WHERE id = ?1").bind(&[id.as_str().into()])?.first(None).await?;
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
                id.as_str().into(),
                store.as_str().into(),
                nickname.as_str().into(),
                phone.as_str().into(),
                hash.into(),
                created.as_str().into(),
                role.as_str().into(),
            ])?,
        );
        owners += 1;
    }

    statements.extend(review_statements(&db, &chain, &PhotoBucket::new(env)?).await?);

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
    let catalogue: BTreeMap<String, (String, String, i64)> =
        chain.products.iter().map(|p| (p.id.clone(), (p.name.clone(), p.unit.clone(), p.price_fen))).collect();
    for (index, s) in chain.stores.iter().enumerate() {
        let Some(point) = s.pickup_points.first() else { continue };
        let shop = history::Shop { store: &s.id, index, pickup_point: &point.id, products: &catalogue };
        inserted_rows += history::seed_history(&db, &shop, now, history_days.unwrap_or(0)).await?;
        let live = s.live.as_ref().map(|l| l.id.as_str());
        inserted_rows += brain::seed_brain(&db, &s.id, live, &point.id, &catalogue, now).await?;
    }
    // The strip is right from the first visit: every store's profile, from that history.
    let profiles_built = RecommendationService::new(env)?.rebuild_all(now).await?.len() as u32;
    // And the numbers, counted from it: all of them again when the history grew back.
    let metrics = MetricsService::new(env)?;
    for s in &chain.stores {
        let store = StoreId::new_unchecked(s.id.clone());
        if history_days.is_some() {
            metrics.recount(&store, now).await?;
        } else {
            metrics.refresh(&store, now).await?;
        }
    }
    // Nobody recorded the demo's past evenings' stock: take them to have closed with the
    // shelf as it is now (restocked to the same level each day), so 库存周转 reads from the
    // first look. A day already recorded keeps its own.
    db.prepare(
        "UPDATE store_days SET stock_value_fen = (SELECT COALESCE(SUM(sp.available * COALESCE(sp.unit_cost_fen, 0)), 0) \
           FROM store_products sp WHERE sp.store_id = store_days.store_id) WHERE stock_value_fen IS NULL",
    )
    .run()
    .await?;
    Ok(SeedReport { inserted_rows, owners_created: owners, profiles_built })
}

/// The demo reviews: each author (a resident), her picked-up order, the review and its
/// photos' rows, every insert a no-op the second time. The photos' bytes go to the bucket
/// first, only when not there yet.
async fn review_statements(db: &D1Database, chain: &DemoChain, bucket: &PhotoBucket) -> AppResult<Vec<D1PreparedStatement>> {
    let now = now();
    let mut statements = Vec::new();
    for r in &chain.reviews {
        let missing = |what: &str| AppError::Internal(format!("demo review {}: no {what}", r.id));
        let store = chain.stores.iter().find(|s| s.id == r.store).ok_or_else(|| missing("store"))?;
        let point = store.pickup_points.first().ok_or_else(|| missing("pickup point"))?;
        let product = chain.products.iter().find(|p| p.id == r.product).ok_or_else(|| missing("product"))?;
        statements.push(
            db.prepare(
                "INSERT INTO people (id, store_id, role, nickname, phone, building, unit, is_koc, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, '5', '2单元', ?6, ?7) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                r.author.id.as_str().into(),
                store.id.as_str().into(),
                Role::Resident.as_str().into(),
                r.author.nickname.as_str().into(),
                r.author.phone.as_str().into(),
                u32::from(r.author.koc).into(),
                now.to_rfc3339().into(),
            ])?,
        );
        let picked_up_at = now - chrono::Duration::days(r.days_ago);
        let author = PersonId::new_unchecked(r.author.id.clone());
        let product_id = ProductId::new_unchecked(product.id.clone());
        let line =
            OrderLine::new(product_id.clone(), product.name.clone(), product.unit.clone(), Fen::from_fen(product.price_fen), 1)
                .ok_or_else(|| missing("line"))?;
        let placement = Placement {
            id: OrderId::new_unchecked(format!("o-demo-{}", r.id)),
            pickup_code: "000000".into(),
            store_id: StoreId::new_unchecked(store.id.clone()),
            person_id: author.clone(),
            pickup_point: PickupPoint {
                id: PickupPointId::new_unchecked(point.id.clone()),
                name: point.name.clone(),
                address: point.address.clone(),
                window: point.window.clone(),
            },
            note: None,
            placed_at: picked_up_at - chrono::Duration::days(1),
        };
        let mut order = Order::place(placement, vec![line]).map_err(|e| AppError::Internal(format!("demo order: {e}")))?;
        order.status = OrderStatus::PickedUp;
        order.timeline = vec![StatusChange { status: OrderStatus::PickedUp, at: picked_up_at }];
        let key = IdempotencyKey::parse(&format!("demo-{}", r.id)).map_err(|e| AppError::Internal(format!("demo key: {e}")))?;
        statements.extend(order_statements(db, &key, "demo", &order)?);

        let new = NewReview { order_id: order.id.clone(), product_id, stars: r.stars, text: Some(r.text.clone()) };
        let valid = new.validate().map_err(|e| AppError::Internal(format!("demo review {}: {e}", r.id)))?;
        let mut review =
            Review::create(ReviewId::new_unchecked(r.id.clone()), order.store_id.clone(), author, valid, picked_up_at);
        if r.featured {
            review.visibility = ReviewVisibility::Featured;
        }
        statements.push(review_insert(db, &review)?);
        for (i, name) in r.photos.iter().enumerate() {
            let bytes = DEMO_PHOTOS.iter().find(|(n, _)| n == name).map(|(_, b)| *b).ok_or_else(|| missing("photo"))?;
            let info = inspect_photo(bytes).map_err(|e| AppError::Internal(format!("demo photo {name}: {e}")))?;
            let key = PhotoId::new_unchecked(format!("ph-demo-{}-{}", r.id, i + 1));
            if !bucket.exists(key.as_str()).await? {
                bucket.put(key.as_str(), bytes.to_vec(), info.format.content_type()).await?;
            }
            statements.push(photo_insert(db, &review.id, &key, &info, bytes.len(), picked_up_at)?);
        }
    }
    Ok(statements)
}

/// The demo chain's EAN-13 for its `index`th product: China's 69 prefix, a made-up
/// company number and the index, with its check digit, so 盘点 can be tried by scanning.
fn demo_barcode(index: usize) -> String {
    let first12 = format!("6920261{:05}", index % 100_000);
    let digits: Vec<u32> = first12.chars().filter_map(|c| c.to_digit(10)).collect();
    let check = shared_model::movement::ean13_check_digit(&digits).unwrap_or(0);
    format!("{first12}{check}")
}
