//! 经营数据 (shared-model's `metrics`): each store's daily rollups in `store_days` (and
//! its products' in `store_product_days`), so the numbers page reads a few rows.
//!
//! A refresh counts again the last [`RECOUNTED_DAYS`] days up to today (an order can still
//! be cancelled the day after it was placed), and any days missing before them, a year back
//! for a store never counted: the orders placed on those days, with the 29 days before for
//! the residents active, and the tasting answers, go through `metrics::day_rollups`.
//! Today's row also records the stock on hand at cost, so the last refresh of a day leaves
//! the day's closing stock. The cron refreshes every store; the owner can ask for it too.
//! The page's weeks end yesterday, the last whole day; today so far is shown apart.

use crate::{
    error::{AppError, AppResult},
    storage::{changes, insert_rows, local_modifier, number, stored_date, stored_time, DATE_FORMAT},
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use shared_model::{
    metrics::{
        chain_days, chain_size, day_rollups, top_products, week_first_day, week_metrics, weekly, ChainNumbers, DayRollup,
        OrderFact, ProductDay, StoreNumbers, StoreSize, StoreWeek, ACTIVE_WINDOW_DAYS, TOP_PRODUCTS_SHOWN, WEEKS_SHOWN,
        WEEK_DAYS,
    },
    order::OrderStatus,
    time::{local_date, local_day_at},
    Fen, ProductId, StoreId,
};
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

/// Days counted again at every refresh, today included.
pub const RECOUNTED_DAYS: i64 = 14;
/// How far back a store never counted is filled in.
pub const BACKFILL_DAYS: i64 = 365;

pub struct MetricsService {
    db: D1Database,
}

/// What a refresh did, for the cron's log.
pub struct Refresh {
    pub store_id: StoreId,
    pub days: usize,
    pub orders: usize,
    pub ms: u32,
}

#[derive(Deserialize)]
struct FactRow {
    person_id: String,
    placed_at: String,
    status: String,
    total_fen: i64,
    goods_cost_fen: i64,
    live: i64,
}

#[derive(Deserialize)]
struct ScoreRow {
    created_at: String,
    score: i64,
}

#[derive(Deserialize)]
struct ProductDayRow {
    date: String,
    product_id: String,
    name: String,
    quantity: i64,
    sales_fen: i64,
}

#[derive(Deserialize)]
struct DayRow {
    date: String,
    orders: i64,
    paid_fen: i64,
    live_paid_fen: i64,
    goods_cost_fen: i64,
    written_off_fen: i64,
    stock_value_fen: Option<i64>,
    promoters: i64,
    passives: i64,
    detractors: i64,
    active: i64,
    repurchasing: i64,
    updated_at: String,
}

/// A day of any store, for HQ.
#[derive(Deserialize)]
struct ChainDayRow {
    store_id: String,
    #[serde(flatten)]
    day: DayRow,
}

#[derive(Deserialize)]
struct StoreRow {
    id: String,
    name: String,
    area_m2: i64,
    staff: i64,
}

#[derive(Deserialize)]
struct LastRow {
    last: Option<String>,
}

/// A day's 报损 at cost (write-offs and stock-take shortfalls, `movement::loss_units`).
#[derive(Deserialize)]
struct LossRow {
    date: String,
    loss_fen: i64,
}

#[derive(Deserialize)]
struct StockRow {
    value_fen: i64,
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

impl DayRow {
    fn into_rollup(self) -> AppResult<(DayRollup, DateTime<Utc>)> {
        let rollup = DayRollup {
            date: stored_date(&self.date)?,
            orders: count(self.orders),
            paid: Fen::from_fen(self.paid_fen),
            live_paid: Fen::from_fen(self.live_paid_fen),
            goods_cost: Fen::from_fen(self.goods_cost_fen),
            written_off: Fen::from_fen(self.written_off_fen),
            stock_value: self.stock_value_fen.map(Fen::from_fen),
            promoters: count(self.promoters),
            passives: count(self.passives),
            detractors: count(self.detractors),
            active: count(self.active),
            repurchasing: count(self.repurchasing),
        };
        Ok((rollup, stored_time(&self.updated_at)?))
    }
}

impl MetricsService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")? })
    }

    /// Every store's ID.
    pub async fn store_ids(&self) -> AppResult<Vec<StoreId>> {
        #[derive(Deserialize)]
        struct IdRow {
            id: String,
        }
        let rows: Vec<IdRow> = self.db.prepare("SELECT id FROM stores ORDER BY id").all().await?.results()?;
        Ok(rows.into_iter().map(|r| StoreId::new_unchecked(r.id)).collect())
    }

    /// Sets `store`'s size, which 坪效 and 人效 divide by (checked by the rule first);
    /// 404 for no such store.
    pub async fn set_size(&self, store: &StoreId, size: StoreSize) -> AppResult<StoreSize> {
        let size = size.validate()?;
        let result = self
            .db
            .prepare("UPDATE stores SET area_m2 = ?2, staff = ?3 WHERE id = ?1")
            .bind(&[store.as_str().into(), number(size.area_m2.into()), number(size.staff.into())])?
            .run()
            .await?;
        if changes(&result) == 0 {
            return Err(AppError::not_found("store_not_found"));
        }
        Ok(size)
    }

    /// Counts `store`'s days again (see the module doc) as of `now`.
    pub async fn refresh(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<Refresh> {
        let today = local_date(now);
        let last: Option<LastRow> = self
            .db
            .prepare("SELECT MAX(date) AS last FROM store_days WHERE store_id = ?1")
            .bind(&[store.as_str().into()])?
            .first(None)
            .await?;
        let recount_from = today - Duration::days(RECOUNTED_DAYS - 1);
        let first = match last.and_then(|l| l.last) {
            Some(last) => (stored_date(&last)? + Duration::days(1)).min(recount_from),
            None => today - Duration::days(BACKFILL_DAYS - 1),
        };
        self.count(store, first, now).await
    }

    /// Counts `store`'s whole year again, for when orders were added to days long counted
    /// (the demo's history grown back). The closing stock each day recorded stays.
    pub async fn recount(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<Refresh> {
        self.count(store, local_date(now) - Duration::days(BACKFILL_DAYS - 1), now).await
    }

    /// Counts `store`'s days from `first` to today.
    async fn count(&self, store: &StoreId, first: NaiveDate, now: DateTime<Utc>) -> AppResult<Refresh> {
        let started = js_sys::Date::now();
        let today = local_date(now);
        let days_back = (today - first).num_days();
        let facts_from = local_day_at(now, -(days_back + ACTIVE_WINDOW_DAYS - 1), 0)
            .ok_or_else(|| AppError::Internal("metrics: no such day".into()))?;
        let counted_from = local_day_at(now, -days_back, 0).ok_or_else(|| AppError::Internal("metrics: no such day".into()))?;
        let args = |since: DateTime<Utc>| -> Vec<JsValue> { vec![store.as_str().into(), since.to_rfc3339().into()] };
        let reads = self
            .db
            .batch(vec![
                self.db
                    .prepare(
                        "SELECT o.person_id, o.placed_at, o.status, o.total_fen, \
                           (SELECT COALESCE(SUM(l.quantity * COALESCE(sp.unit_cost_fen, 0)), 0) FROM order_lines l \
                              LEFT JOIN store_products sp ON sp.store_id = o.store_id AND sp.product_id = l.product_id \
                            WHERE l.order_id = o.id) AS goods_cost_fen, \
                           EXISTS (SELECT 1 FROM live_orders lo WHERE lo.order_id = o.id) AS live \
                         FROM orders o WHERE o.store_id = ?1 AND o.placed_at >= ?2",
                    )
                    .bind(&args(facts_from))?,
                self.db
                    .prepare("SELECT created_at, score FROM nps_answers WHERE store_id = ?1 AND created_at >= ?2")
                    .bind(&args(counted_from))?,
                self.db
                    .prepare(
                        "SELECT date(o.placed_at, ?3) AS date, l.product_id, MIN(l.name) AS name, SUM(l.quantity) AS quantity, \
                           SUM(l.quantity * l.unit_price_fen) AS sales_fen \
                         FROM orders o JOIN order_lines l ON l.order_id = o.id \
                         WHERE o.store_id = ?1 AND o.placed_at >= ?2 AND o.status != ?4 GROUP BY 1, 2",
                    )
                    .bind(&[
                        store.as_str().into(),
                        counted_from.to_rfc3339().into(),
                        local_modifier().into(),
                        OrderStatus::Cancelled.as_str().into(),
                    ])?,
                self.db
                    .prepare(
                        "SELECT COALESCE(SUM(available * COALESCE(unit_cost_fen, 0)), 0) AS value_fen \
                         FROM store_products WHERE store_id = ?1",
                    )
                    .bind(&[store.as_str().into()])?,
                self.db
                    .prepare(
                        "SELECT date(created_at, ?3) AS date, SUM(loss_fen) AS loss_fen FROM stock_movements \
                         WHERE store_id = ?1 AND created_at >= ?2 GROUP BY 1",
                    )
                    .bind(&[store.as_str().into(), counted_from.to_rfc3339().into(), local_modifier().into()])?,
            ])
            .await?;
        let [facts, scores, product_days, stock, losses] =
            <[_; 5]>::try_from(reads).map_err(|_| AppError::Internal("metrics: batch".into()))?;
        let facts: Vec<FactRow> = facts.results()?;
        let orders = facts.len();
        let facts = facts
            .into_iter()
            .map(|f| {
                Ok(OrderFact {
                    person: f.person_id,
                    placed_on: local_date(stored_time(&f.placed_at)?),
                    cancelled: f.status == OrderStatus::Cancelled.as_str(),
                    paid: Fen::from_fen(f.total_fen),
                    goods_cost: Fen::from_fen(f.goods_cost_fen),
                    live: f.live != 0,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let scores = scores
            .results::<ScoreRow>()?
            .into_iter()
            .map(|s| Ok((local_date(stored_time(&s.created_at)?), u8::try_from(s.score).unwrap_or(u8::MAX))))
            .collect::<AppResult<Vec<_>>>()?;
        let stock_today = stock.results::<StockRow>()?.first().map(|s| Fen::from_fen(s.value_fen));
        let mut days = day_rollups(&facts, &scores, first, today);
        for loss in losses.results::<LossRow>()? {
            let date = stored_date(&loss.date)?;
            if let Some(day) = days.iter_mut().find(|d| d.date == date) {
                day.written_off = Fen::from_fen(loss.loss_fen);
            }
        }
        if let Some(day) = days.last_mut() {
            day.stock_value = stock_today;
        }
        let product_days: Vec<ProductDayRow> = product_days.results()?;

        let updated_at = now.to_rfc3339();
        let mut writes = vec![self
            .db
            .prepare("DELETE FROM store_product_days WHERE store_id = ?1 AND date >= ?2")
            .bind(&[store.as_str().into(), first.format(DATE_FORMAT).to_string().into()])?];
        writes.extend(upserts(&self.db, store, &days, &updated_at)?);
        let product_rows: Vec<[JsValue; 6]> = product_days
            .into_iter()
            .map(|p| {
                [
                    store.as_str().into(),
                    p.date.into(),
                    p.product_id.into(),
                    p.name.into(),
                    number(p.quantity),
                    number(p.sales_fen),
                ]
            })
            .collect();
        writes.extend(insert_rows(&self.db, "store_product_days", "", &product_rows)?);
        self.db.batch(writes).await?;
        Ok(Refresh { store_id: store.clone(), days: days.len(), orders, ms: (js_sys::Date::now() - started).max(0.0) as u32 })
    }

    /// `store`'s numbers as the rollups hold them, brought up to date first when today
    /// has not been counted yet (a store just created, or the first look of the day
    /// before the cron's); `None` for no such store.
    pub async fn numbers(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<Option<StoreNumbers>> {
        let today = local_date(now);
        let as_of = today - Duration::days(1);
        let shown_days = WEEK_DAYS * i64::from(WEEKS_SHOWN);
        let first = (as_of - Duration::days(shown_days - 1)).format(DATE_FORMAT).to_string();
        let week_first = week_first_day(as_of).format(DATE_FORMAT).to_string();
        let read = || async {
            let reads = self
                .db
                .batch(vec![
                    self.db
                        .prepare("SELECT id, name, area_m2, staff FROM stores WHERE id = ?1")
                        .bind(&[store.as_str().into()])?,
                    self.db
                        .prepare("SELECT * FROM store_days WHERE store_id = ?1 AND date >= ?2 ORDER BY date")
                        .bind(&[store.as_str().into(), first.clone().into()])?,
                    self.db
                        .prepare("SELECT * FROM store_product_days WHERE store_id = ?1 AND date >= ?2")
                        .bind(&[store.as_str().into(), week_first.clone().into()])?,
                ])
                .await?;
            let [stores, days, products] = <[_; 3]>::try_from(reads).map_err(|_| AppError::Internal("metrics: batch".into()))?;
            AppResult::Ok((stores.results::<StoreRow>()?, days.results::<DayRow>()?, products.results::<ProductDayRow>()?))
        };
        let (mut stores, mut days, mut products) = read().await?;
        let Some(store_row) = stores.pop() else { return Ok(None) };
        let today_text = today.format(DATE_FORMAT).to_string();
        if days.last().map(|d| d.date.as_str()) != Some(today_text.as_str()) {
            self.refresh(store, now).await?;
            (stores, days, products) = read().await?;
        }
        drop(stores);
        let rollups = days.into_iter().map(DayRow::into_rollup).collect::<AppResult<Vec<_>>>()?;
        // Today's row is the one every refresh writes.
        let updated_at = rollups.last().map(|(_, at)| *at).unwrap_or(now);
        let rollups: Vec<DayRollup> = rollups.into_iter().map(|(day, _)| day).collect();
        let products = products
            .into_iter()
            .map(|p| {
                Ok(ProductDay {
                    date: stored_date(&p.date)?,
                    product_id: ProductId::new_unchecked(p.product_id),
                    name: p.name,
                    quantity: count(p.quantity),
                    sales: Fen::from_fen(p.sales_fen),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let size = StoreSize { area_m2: count(store_row.area_m2), staff: count(store_row.staff) };
        let today_so_far =
            rollups.iter().find(|d| d.date == today).cloned().unwrap_or(DayRollup { date: today, ..DayRollup::default() });
        Ok(Some(StoreNumbers {
            store_id: StoreId::new_unchecked(store_row.id),
            store_name: store_row.name,
            size,
            as_of,
            updated_at,
            weeks: weekly(&rollups, as_of, WEEKS_SHOWN, size),
            top_products: top_products(&products, as_of, TOP_PRODUCTS_SHOWN),
            today: today_so_far,
        }))
    }

    /// Every store's last 7 whole days and the week before, and the chain's, for HQ;
    /// stores whose today has not been counted yet are counted first.
    pub async fn chain(&self, now: DateTime<Utc>) -> AppResult<ChainNumbers> {
        let today = local_date(now);
        let as_of = today - Duration::days(1);
        let first = (as_of - Duration::days(2 * WEEK_DAYS - 1)).format(DATE_FORMAT).to_string();
        let today_text = today.format(DATE_FORMAT).to_string();
        let read = || async {
            let reads = self
                .db
                .batch(vec![
                    self.db.prepare("SELECT id, name, area_m2, staff FROM stores ORDER BY id"),
                    self.db
                        .prepare("SELECT * FROM store_days WHERE date >= ?1 ORDER BY store_id, date")
                        .bind(&[first.clone().into()])?,
                ])
                .await?;
            let [stores, days] = <[_; 2]>::try_from(reads).map_err(|_| AppError::Internal("metrics: batch".into()))?;
            AppResult::Ok((stores.results::<StoreRow>()?, days.results::<ChainDayRow>()?))
        };
        let (mut stores, mut days) = read().await?;
        let counted: Vec<&str> = days.iter().filter(|d| d.day.date == today_text).map(|d| d.store_id.as_str()).collect();
        let uncounted: Vec<StoreId> =
            stores.iter().filter(|s| !counted.contains(&s.id.as_str())).map(|s| StoreId::new_unchecked(s.id.clone())).collect();
        if !uncounted.is_empty() {
            for store in &uncounted {
                self.refresh(store, now).await?;
            }
            (stores, days) = read().await?;
        }
        let mut by_store: BTreeMap<String, Vec<DayRollup>> = BTreeMap::new();
        for row in days {
            let (day, _) = row.day.into_rollup()?;
            by_store.entry(row.store_id).or_default().push(day);
        }
        let none = Vec::new();
        let stores: Vec<StoreWeek> = stores
            .into_iter()
            .map(|s| {
                let size = StoreSize { area_m2: count(s.area_m2), staff: count(s.staff) };
                let days = by_store.get(&s.id).unwrap_or(&none);
                StoreWeek {
                    store_id: StoreId::new_unchecked(s.id),
                    store_name: s.name,
                    size,
                    this_week: week_metrics(days, as_of, size),
                    week_before: week_metrics(days, as_of - Duration::days(WEEK_DAYS), size),
                }
            })
            .collect();
        let chain = chain_days(by_store.values().map(Vec::as_slice));
        let chain_size = chain_size(stores.iter().map(|s| s.size));
        Ok(ChainNumbers {
            as_of,
            chain_size,
            chain_this_week: week_metrics(&chain, as_of, chain_size),
            chain_week_before: week_metrics(&chain, as_of - Duration::days(WEEK_DAYS), chain_size),
            stores,
        })
    }
}

/// `days` written over what `store_days` held for them; a day's recorded stock stays when
/// the new count has none.
fn upserts(db: &D1Database, store: &StoreId, days: &[DayRollup], updated_at: &str) -> AppResult<Vec<D1PreparedStatement>> {
    let rows: Vec<[JsValue; 14]> = days
        .iter()
        .map(|d| {
            [
                store.as_str().into(),
                d.date.format(DATE_FORMAT).to_string().into(),
                d.orders.into(),
                number(d.paid.fen()),
                number(d.live_paid.fen()),
                number(d.goods_cost.fen()),
                number(d.written_off.fen()),
                d.stock_value.map_or(JsValue::NULL, |v| number(v.fen())),
                d.promoters.into(),
                d.passives.into(),
                d.detractors.into(),
                d.active.into(),
                d.repurchasing.into(),
                updated_at.into(),
            ]
        })
        .collect();
    insert_rows(
        db,
        "store_days",
        "ON CONFLICT (store_id, date) DO UPDATE SET \
           orders = excluded.orders, paid_fen = excluded.paid_fen, live_paid_fen = excluded.live_paid_fen, \
           goods_cost_fen = excluded.goods_cost_fen, written_off_fen = excluded.written_off_fen, \
           stock_value_fen = COALESCE(excluded.stock_value_fen, store_days.stock_value_fen), \
           promoters = excluded.promoters, passives = excluded.passives, detractors = excluded.detractors, \
           active = excluded.active, repurchasing = excluded.repurchasing, updated_at = excluded.updated_at",
        &rows,
    )
}
