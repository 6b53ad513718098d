//! The catalogue: stores, categories and what each store sells (D1), and this isolate's
//! short-lived copy of the facts order capture needs ([`CatalogService::order_facts`]):
//! the order's write checks those facts are still current, so a stale copy costs a retry,
//! never a wrong price.

use super::movements::MovementService;
use crate::{
    clients::stock::{KeeperReply, StockClient},
    error::{AppError, AppResult},
    http::{now, now_ms},
    storage::{placeholders, stored_date, stored_time, strs, DATE_FORMAT},
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use shared_model::{
    api::StockUpdate,
    cart::ProductPricing,
    catalog::{like_pattern, Category, ProductDetail, ProductSummary, StockState},
    markdown::{shelf_price, BatchFacts, Markdown, MarkdownRate, ShelfPrice, SELL_THROUGH_DAYS},
    order::OrderStatus,
    store::{PickupPoint, Store},
    CategoryId, Fen, PersonId, PickupPointId, ProductId, StoreId,
};
use std::{cell::RefCell, collections::HashMap};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

/// How long this isolate trusts a product's or pickup point's facts before reading them
/// again. Short, because an owner's edit made in another isolate shows here only after it
/// (or after an order's write finds the copy stale).
const ORDER_FACTS_TTL_MS: i64 = 60_000;

thread_local! {
    /// Products by `store:product` and pickup points by `store:point`, each with when it
    /// was read (ms); one isolate serves many requests, one at a time per await point.
    static PRODUCT_FACTS: RefCell<HashMap<String, (i64, ProductRow)>> = RefCell::new(HashMap::new());
    static PICKUP_FACTS: RefCell<HashMap<String, (i64, PickupPoint)>> = RefCell::new(HashMap::new());
}

/// What placing an order needs to know: the pickup point (if it is this store's) and the
/// store's rows for the ordered products (unknown ones absent).
pub struct OrderFacts {
    pub pickup: Option<PickupPoint>,
    pub products: Vec<ProductRow>,
    /// Whether D1 was read for them (one round trip), rather than the isolate's copy.
    pub read_d1: bool,
}

fn fact_key(store: &StoreId, id: &str) -> String {
    format!("{store}:{id}")
}

pub struct CatalogService {
    db: D1Database,
    env: Env,
}

#[derive(Deserialize)]
struct StoreRow {
    id: String,
    name: String,
    neighbourhood: String,
    city: String,
    address: String,
}

#[derive(Deserialize, Clone)]
struct PickupRow {
    id: String,
    store_id: String,
    name: String,
    address: String,
    time_window: String,
}

#[derive(Deserialize)]
struct CategoryRow {
    id: String,
    name_zh: String,
    name_en: String,
}

/// One store's listing of one product, as joined from `products` and `store_products`.
#[derive(Deserialize, Clone)]
pub struct ProductRow {
    id: String,
    store_id: String,
    name: String,
    category_id: String,
    unit: String,
    description: String,
    origin: String,
    shelf_life_days: u32,
    test_report: Option<String>,
    image_url: String,
    price_fen: i64,
    available: u32,
    opening_stock: u32,
    per_buyer_cap: Option<u32>,
    best_before: String,
    on_sale: u32,
    markdown_rate: Option<u8>,
    markdown_price_fen: Option<i64>,
    markdown_best_before: Option<String>,
    markdown_applied_at: Option<String>,
    unit_cost_fen: Option<i64>,
    floor_price_fen: Option<i64>,
}

impl ProductRow {
    pub fn product_id(&self) -> ProductId {
        ProductId::new_unchecked(self.id.clone())
    }
    pub fn opening_stock(&self) -> u32 {
        self.opening_stock
    }
    pub fn per_buyer_cap(&self) -> Option<u32> {
        self.per_buyer_cap
    }
    pub fn on_sale(&self) -> bool {
        self.on_sale != 0
    }
    /// The regular price (before any 临期特价).
    pub fn price(&self) -> Fen {
        Fen::from_fen(self.price_fen)
    }
    pub fn best_before_text(&self) -> &str {
        &self.best_before
    }
    pub fn best_before(&self) -> AppResult<NaiveDate> {
        stored_date(&self.best_before)
    }
    pub fn unit_cost(&self) -> Option<Fen> {
        self.unit_cost_fen.map(Fen::from_fen)
    }
    pub fn floor(&self) -> Option<Fen> {
        self.floor_price_fen.map(Fen::from_fen)
    }
    pub fn available(&self) -> u32 {
        self.available
    }
    /// When the markdown on it was applied, as stored: order capture's write requires it
    /// unchanged (`storage::orders::LineFacts`), so a markdown applied meanwhile is paid.
    pub fn markdown_applied_at(&self) -> Option<&str> {
        self.markdown_applied_at.as_deref()
    }

    /// The markdown applied to it, if any (whichever batch it was for).
    pub fn markdown(&self) -> AppResult<Option<Markdown>> {
        let (Some(rate), Some(price), Some(best_before), Some(applied_at)) =
            (self.markdown_rate, self.markdown_price_fen, &self.markdown_best_before, &self.markdown_applied_at)
        else {
            return Ok(None);
        };
        Ok(Some(Markdown {
            product_id: self.product_id(),
            rate: MarkdownRate::try_from(rate).map_err(AppError::Internal)?,
            price: Fen::from_fen(price),
            best_before: stored_date(best_before)?,
            applied_at: stored_time(applied_at)?,
        }))
    }

    /// The markdown on the batch now on the shelf (one applied to an earlier batch no
    /// longer counts).
    pub fn current_markdown(&self) -> AppResult<Option<Markdown>> {
        let best_before = self.best_before()?;
        Ok(self.markdown()?.filter(|m| m.best_before == best_before))
    }

    /// Its batch as the markdown rules read it; `sold` is units by product over the last
    /// [`SELL_THROUGH_DAYS`] days ([`CatalogService::sold_recently_statement`]).
    pub fn batch_facts(&self, sold: &HashMap<String, u32>) -> AppResult<BatchFacts> {
        Ok(BatchFacts {
            product_id: self.product_id(),
            regular_price: self.price(),
            unit_cost: self.unit_cost(),
            floor: self.floor(),
            stock: self.available,
            best_before: self.best_before()?,
            sold_last_7_days: sold.get(&self.id).copied().unwrap_or(0),
        })
    }

    /// What a unit sells at for an order placed at `at` (`markdown::shelf_price`).
    pub fn shelf_price(&self, at: DateTime<Utc>) -> AppResult<ShelfPrice> {
        Ok(shelf_price(self.price(), self.best_before()?, self.markdown()?.as_ref(), at))
    }
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn unit(&self) -> &str {
        &self.unit
    }

    /// As the shop lists it now, at its shelf price.
    pub fn summary(&self) -> AppResult<ProductSummary> {
        let shelf = self.shelf_price(now())?;
        Ok(ProductSummary {
            id: self.product_id(),
            store_id: StoreId::new_unchecked(self.store_id.clone()),
            name: self.name.clone(),
            category_id: CategoryId::new_unchecked(self.category_id.clone()),
            unit: self.unit.clone(),
            price: shelf.unit_price,
            available: self.available,
            stock_state: StockState::from_available(self.available),
            image_url: self.image_url.clone(),
            origin: self.origin.clone(),
            best_before: stored_date(&self.best_before)?,
            test_report: self.test_report.clone(),
            per_buyer_cap: self.per_buyer_cap,
            markdown: shelf.markdown,
        })
    }

    pub fn detail(&self) -> AppResult<ProductDetail> {
        Ok(ProductDetail {
            summary: self.summary()?,
            description: self.description.clone(),
            shelf_life_days: self.shelf_life_days,
            rating: Default::default(),
            reviews: Vec::new(),
        })
    }

    /// As the cart prices it now, at its shelf price.
    pub fn pricing(&self) -> AppResult<ProductPricing> {
        let shelf = self.shelf_price(now())?;
        Ok(ProductPricing {
            id: self.product_id(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            image_url: self.image_url.clone(),
            price: shelf.unit_price,
            available: self.available,
            per_buyer_cap: self.per_buyer_cap,
            on_sale: self.on_sale(),
            markdown: shelf.markdown,
        })
    }
}

const PRODUCT_COLUMNS: &str = "p.id, sp.store_id, p.name, p.category_id, p.unit, p.description, p.origin, \
     p.shelf_life_days, p.test_report, p.image_url, sp.price_fen, sp.available, sp.opening_stock, \
     sp.per_buyer_cap, sp.best_before, sp.on_sale, sp.markdown_rate, sp.markdown_price_fen, sp.markdown_best_before, \
     sp.markdown_applied_at, sp.unit_cost_fen, sp.floor_price_fen";

/// Units sold by product, read from [`CatalogService::sold_recently_statement`]'s result.
pub fn sold_by_product(result: D1Result) -> AppResult<HashMap<String, u32>> {
    #[derive(Deserialize)]
    struct Row {
        product_id: String,
        units: u32,
    }
    Ok(result.results::<Row>()?.into_iter().map(|r| (r.product_id, r.units)).collect())
}

impl CatalogService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, env: env.clone() })
    }

    pub async fn list_stores(&self) -> AppResult<Vec<Store>> {
        let stores: Vec<StoreRow> =
            self.db.prepare("SELECT id, name, neighbourhood, city, address FROM stores ORDER BY id").all().await?.results()?;
        let points: Vec<PickupRow> = self
            .db
            .prepare("SELECT id, store_id, name, address, time_window FROM pickup_points ORDER BY id")
            .all()
            .await?
            .results()?;
        Ok(stores.into_iter().map(|s| assemble_store(s, &points)).collect())
    }

    pub async fn get_store(&self, store: &StoreId) -> AppResult<Option<Store>> {
        let row: Option<StoreRow> = self
            .db
            .prepare("SELECT id, name, neighbourhood, city, address FROM stores WHERE id = ?1")
            .bind(&strs(&[store.as_str()]))?
            .first(None)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let points: Vec<PickupRow> = self
            .db
            .prepare("SELECT id, store_id, name, address, time_window FROM pickup_points WHERE store_id = ?1 ORDER BY id")
            .bind(&strs(&[store.as_str()]))?
            .all()
            .await?
            .results()?;
        Ok(Some(assemble_store(row, &points)))
    }

    pub async fn list_categories(&self) -> AppResult<Vec<Category>> {
        let rows: Vec<CategoryRow> =
            self.db.prepare("SELECT id, name_zh, name_en FROM categories ORDER BY sort").all().await?.results()?;
        Ok(rows
            .into_iter()
            .map(|r| Category { id: CategoryId::new_unchecked(r.id), name_zh: r.name_zh, name_en: r.name_en })
            .collect())
    }

    /// Every product of `store`, on sale or not, by ID.
    pub fn store_products_statement(&self, store: &StoreId) -> AppResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare(format!(
                "SELECT {PRODUCT_COLUMNS} FROM store_products sp JOIN products p ON p.id = sp.product_id \
                 WHERE sp.store_id = ?1 ORDER BY p.id"
            ))
            .bind(&[store.as_str().into()])?)
    }

    /// Units of each product sold in `store` over the [`SELL_THROUGH_DAYS`] days before
    /// `now`, orders not cancelled (read with [`sold_by_product`]).
    pub fn sold_recently_statement(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<D1PreparedStatement> {
        let since = now - Duration::days(i64::from(SELL_THROUGH_DAYS));
        Ok(self
            .db
            .prepare(
                "SELECT l.product_id, SUM(l.quantity) AS units FROM order_lines l JOIN orders o ON o.id = l.order_id \
                 WHERE o.store_id = ?1 AND o.status != ?2 AND o.placed_at >= ?3 GROUP BY l.product_id",
            )
            .bind(&[store.as_str().into(), OrderStatus::Cancelled.as_str().into(), since.to_rfc3339().into()])?)
    }

    /// [`Self::sold_recently_statement`], read.
    pub async fn sold_recently(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<HashMap<String, u32>> {
        sold_by_product(self.sold_recently_statement(store, now)?.all().await?)
    }

    /// Products on sale at a store whose batch is best before `last_day` or earlier.
    pub async fn best_before_by(&self, store: &StoreId, last_day: NaiveDate) -> AppResult<Vec<ProductRow>> {
        Ok(self
            .db
            .prepare(format!(
                "SELECT {PRODUCT_COLUMNS} FROM store_products sp JOIN products p ON p.id = sp.product_id \
                 WHERE sp.store_id = ?1 AND sp.on_sale = 1 AND sp.best_before <= ?2"
            ))
            .bind(&[store.as_str().into(), last_day.format(DATE_FORMAT).to_string().into()])?
            .all()
            .await?
            .results()?)
    }

    /// Products on sale at a store, optionally in one category and matching a search.
    pub async fn list_products(
        &self,
        store: &StoreId,
        category: Option<&CategoryId>,
        search: Option<&str>,
    ) -> AppResult<Vec<ProductSummary>> {
        Self::read_listing(&self.listing_query(store, category, search)?.all().await?)
    }

    /// The query behind [`Self::list_products`], to batch with others; read its result
    /// with [`Self::read_listing`].
    pub fn listing_query(
        &self,
        store: &StoreId,
        category: Option<&CategoryId>,
        search: Option<&str>,
    ) -> AppResult<D1PreparedStatement> {
        let mut sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM store_products sp JOIN products p ON p.id = sp.product_id \
             JOIN categories c ON c.id = p.category_id WHERE sp.store_id = ?1 AND sp.on_sale = 1"
        );
        let mut args = vec![JsValue::from_str(store.as_str())];
        if let Some(category) = category {
            args.push(JsValue::from_str(category.as_str()));
            sql.push_str(&format!(" AND p.category_id = ?{}", args.len()));
        }
        if let Some(search) = search {
            args.push(JsValue::from_str(&like_pattern(search)));
            let n = args.len();
            sql.push_str(&format!(
                " AND (p.name LIKE ?{n} ESCAPE '\\' OR p.origin LIKE ?{n} ESCAPE '\\' OR c.name_zh LIKE ?{n} ESCAPE '\\')"
            ));
        }
        // Sold-out goods sink to the bottom; otherwise by category, then name.
        sql.push_str(" ORDER BY (sp.available = 0), c.sort, p.id");
        Ok(self.db.prepare(sql).bind(&args)?)
    }

    /// The products a [`Self::listing_query`] answered.
    pub fn read_listing(result: &D1Result) -> AppResult<Vec<ProductSummary>> {
        result.results::<ProductRow>()?.iter().map(ProductRow::summary).collect()
    }

    pub async fn product(&self, store: &StoreId, product: &ProductId) -> AppResult<Option<ProductRow>> {
        Ok(self
            .db
            .prepare(format!(
                "SELECT {PRODUCT_COLUMNS} FROM store_products sp JOIN products p ON p.id = sp.product_id \
                 WHERE sp.store_id = ?1 AND sp.product_id = ?2"
            ))
            .bind(&strs(&[store.as_str(), product.as_str()]))?
            .first(None)
            .await?)
    }

    /// The store's rows for several products (unknown ids are simply absent).
    pub async fn products(&self, store: &StoreId, ids: &[ProductId]) -> AppResult<Vec<ProductRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.products_statement(store, ids)?.all().await?.results()?)
    }

    fn products_statement(&self, store: &StoreId, ids: &[ProductId]) -> AppResult<D1PreparedStatement> {
        let mut args = vec![JsValue::from_str(store.as_str())];
        args.extend(ids.iter().map(|id| JsValue::from_str(id.as_str())));
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM store_products sp JOIN products p ON p.id = sp.product_id \
             WHERE sp.store_id = ?1 AND sp.product_id IN ({})",
            placeholders(2, ids.len())
        );
        Ok(self.db.prepare(sql).bind(&args)?)
    }

    fn pickup_point_statement(&self, store: &StoreId, id: &PickupPointId) -> AppResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare("SELECT id, store_id, name, address, time_window FROM pickup_points WHERE store_id = ?1 AND id = ?2")
            .bind(&strs(&[store.as_str(), id.as_str()]))?)
    }

    /// A query for the store's pickup point `id`, or its first one when `id` is `None`,
    /// to batch with others; read its result with [`Self::read_pickup_point`].
    pub fn pickup_point_query(&self, store: &StoreId, id: Option<&PickupPointId>) -> AppResult<D1PreparedStatement> {
        Ok(match id {
            Some(id) => self.pickup_point_statement(store, id)?,
            None => self
                .db
                .prepare(
                    "SELECT id, store_id, name, address, time_window FROM pickup_points WHERE store_id = ?1 ORDER BY id LIMIT 1",
                )
                .bind(&strs(&[store.as_str()]))?,
        })
    }

    pub fn read_pickup_point(result: &D1Result) -> AppResult<Option<PickupPoint>> {
        Ok(result.results::<PickupRow>()?.into_iter().next().map(pickup_point))
    }

    /// What placing an order needs to know, in one round trip: the pickup point (if it is
    /// this store's) and the store's rows for the ordered products.
    async fn order_context(
        &self,
        store: &StoreId,
        pickup: &PickupPointId,
        ids: &[ProductId],
    ) -> AppResult<(Option<PickupPoint>, Vec<ProductRow>)> {
        let results =
            self.db.batch(vec![self.pickup_point_statement(store, pickup)?, self.products_statement(store, ids)?]).await?;
        let [points, products] = results.as_slice() else {
            return Err(crate::error::AppError::Internal("order context batch returned a different shape".into()));
        };
        let point = points.results::<PickupRow>()?.into_iter().next().map(pickup_point);
        Ok((point, products.results()?))
    }

    /// [`Self::order_context`] from this isolate's copy when it holds every fact asked for,
    /// younger than [`ORDER_FACTS_TTL_MS`] (no round trip), else from D1 (one), which
    /// refreshes the copy. `from_d1` skips the copy, for a retry after the order's write
    /// found it stale.
    pub async fn order_facts(
        &self,
        store: &StoreId,
        pickup: &PickupPointId,
        ids: &[ProductId],
        from_d1: bool,
    ) -> AppResult<OrderFacts> {
        if !from_d1 {
            let fresh_after = now_ms() - ORDER_FACTS_TTL_MS;
            let point = PICKUP_FACTS.with_borrow(|facts| {
                facts.get(&fact_key(store, pickup.as_str())).filter(|(at, _)| *at > fresh_after).map(|(_, p)| p.clone())
            });
            let products: Option<Vec<ProductRow>> = PRODUCT_FACTS.with_borrow(|facts| {
                ids.iter()
                    .map(|id| {
                        facts.get(&fact_key(store, id.as_str())).filter(|(at, _)| *at > fresh_after).map(|(_, r)| r.clone())
                    })
                    .collect()
            });
            if let (Some(point), Some(products)) = (point, products) {
                return Ok(OrderFacts { pickup: Some(point), products, read_d1: false });
            }
        }
        let (point, products) = self.order_context(store, pickup, ids).await?;
        let read_at = now_ms();
        if let Some(point) = &point {
            PICKUP_FACTS.with_borrow_mut(|facts| facts.insert(fact_key(store, pickup.as_str()), (read_at, point.clone())));
        }
        PRODUCT_FACTS.with_borrow_mut(|facts| {
            for row in &products {
                facts.insert(fact_key(store, row.id()), (read_at, row.clone()));
            }
        });
        Ok(OrderFacts { pickup: point, products, read_d1: true })
    }

    /// Drops this isolate's copy of what an order used (its write found some of it stale).
    /// An owner's edit does not drop it: other isolates would keep theirs anyway, and the
    /// order's write is what notices, here as there.
    pub fn forget_order_facts(store: &StoreId, pickup: &PickupPointId, products: &[ProductId]) {
        PICKUP_FACTS.with_borrow_mut(|facts| facts.remove(&fact_key(store, pickup.as_str())));
        PRODUCT_FACTS.with_borrow_mut(|facts| {
            for product in products {
                facts.remove(&fact_key(store, product.as_str()));
            }
        });
    }

    /// Mirrors a Durable Object's stock count into D1 for listings (`storage::stock`).
    pub async fn record_stock(&self, store: &StoreId, product: &ProductId, available: u32, version: u64) -> AppResult<()> {
        crate::storage::stock::record(&self.db, store, product, available, version).await
    }

    /// [`Self::record_stock`] as a statement, to ride in another write's batch.
    pub fn record_stock_statement(
        &self,
        store: &StoreId,
        product: &ProductId,
        available: u32,
        version: u64,
    ) -> AppResult<D1PreparedStatement> {
        crate::storage::stock::record_statement(&self.db, store, product, available, version)
    }

    /// The owner's edit of a product: its per-buyer cap and/or the units on hand (set in
    /// the SKU's keeper, then recorded as a stock-take with the mirror). The whole edit is
    /// validated before anything is written.
    pub async fn update_product(
        &self,
        store: &StoreId,
        person: &PersonId,
        product: &ProductId,
        update: &StockUpdate,
    ) -> AppResult<ProductSummary> {
        update.validate()?;
        let row = self.product(store, product).await?.ok_or_else(|| AppError::not_found("product_not_found"))?;
        if let Some(cap) = update.per_buyer_cap {
            self.set_per_buyer_cap(store, product, cap).await?;
        }
        if let Some(stock) = update.stock {
            if let KeeperReply::Adjusted { available, version, previous, .. } =
                StockClient::new(&self.env)?.set(store, product, stock).await?
            {
                self.record_stock(store, product, available, version).await?;
                MovementService::new(&self.env)?.record_set(store, person, row, previous, available, version, now()).await?;
            }
        }
        let row = self.product(store, product).await?.ok_or_else(|| AppError::not_found("product_not_found"))?;
        row.summary()
    }

    async fn set_per_buyer_cap(&self, store: &StoreId, product: &ProductId, cap: Option<u32>) -> AppResult<()> {
        let cap = cap.map(JsValue::from).unwrap_or(JsValue::NULL);
        self.db
            .prepare("UPDATE store_products SET per_buyer_cap = ?1 WHERE store_id = ?2 AND product_id = ?3")
            .bind(&[cap, store.as_str().into(), product.as_str().into()])?
            .run()
            .await?;
        Ok(())
    }
}

fn pickup_point(r: PickupRow) -> PickupPoint {
    PickupPoint { id: PickupPointId::new_unchecked(r.id), name: r.name, address: r.address, window: r.time_window }
}

fn assemble_store(s: StoreRow, points: &[PickupRow]) -> Store {
    Store {
        pickup_points: points.iter().filter(|p| p.store_id == s.id).cloned().map(pickup_point).collect(),
        id: StoreId::new_unchecked(s.id),
        name: s.name,
        neighbourhood: s.neighbourhood,
        city: s.city,
        address: s.address,
    }
}
