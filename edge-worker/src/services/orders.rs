//! Order capture and the order life cycle. Stock is reserved per SKU in `StockKeeper`
//! objects, all lines at once, all-or-nothing; the order is written to D1 before the
//! answer; the order id is derived from (person, Idempotency-Key) so retries land on one
//! order.
//!
//! Order capture waits on two storage round trips when all is well: the reservations (the
//! keepers called in parallel) and one D1 batch. The buyer comes from her cookie's seal and
//! the catalogue facts from the isolate's copy, and the batch's header insert checks both
//! are still true (`storage::orders::ShopGuards`): a signed-out session or a changed price
//! writes nothing and gives the holds back. Whether the key was used before is learnt from
//! the keepers (a hold found under the key) and from the insert (a header already there),
//! and only then is the order read.

use super::{
    catalog::{CatalogService, ProductRow},
    coupons::CouponService,
};
use crate::{
    clients::{
        room::{CancelCall, RoomClient},
        stock::{KeeperReply, ReleaseCall, ReserveCall, StockClient, HOLD_GRACE_MS},
    },
    error::{AppError, AppResult},
    http::env_text,
    services::identity::Shopper,
    storage::{
        changes, nullable,
        orders::{event_statement, shop_order_statements, status_statement, GuardReport, LineFacts, ShopGuards},
        placeholders, stored, stored_date, stored_time, strs, DATE_FORMAT,
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use futures::future::join_all;
use serde::Deserialize;
use shared_model::{
    access::{authorize, AccessError, Action},
    api::{StoreOrder, StoreOrderList, UpdateOrderStatus},
    cart::CartError,
    catalog::like_pattern,
    coupon::{order_totals, CancelReturn, Coupon, CouponError},
    identity::Me,
    order::{
        check_cancel, check_transition, order_id_for, pickup_code, request_fingerprint, verify_pickup_code, IdempotencyKey,
        NewOrder, Order, OrderError, OrderLine, OrderStatus, OrderSummary, Placement, StatusChange, UsedCoupon,
    },
    pickup::{CodeAttempts, PickupCursor, PickupQuery, PICKUP_PAGE_SIZE},
    stock::{cap_window, reservation_key, reservation_order},
    store::{PickupPoint, StoreError},
    time::{cancel_deadline, pickup_date_for},
    CouponId, Fen, LiveSessionId, OrderId, PersonId, PickupPointId, ProductId, StoreId,
};
use std::{cell::Cell, collections::HashMap, future::Future};
use wasm_bindgen::JsValue;
use worker::{D1Database, Env};

/// Fault injection for tests, honoured only where the `FAULT_INJECTION` setting is "1".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Reserve the stock, then stop as if the worker had died before writing the order.
    AbandonAfterReserve,
}

/// Hold grace under `Fault::AbandonAfterReserve`, so a test sees the sweep within seconds.
pub const FAULT_HOLD_GRACE_MS: u64 = 1_000;

/// The result of placing an order: `replayed` when the key had already made this order.
pub struct Placed {
    pub order: Order,
    pub replayed: bool,
    /// The storage round trips it waited on one after another ([`RoundTrips`]).
    pub round_trips: u32,
}

/// Counts the storage round trips a placement waits on one after another (D1 reads and
/// writes, Durable Object calls): each stage awaited in turn counts one, calls made in
/// parallel within a stage count once. The route reports the count (`Server-Timing`).
#[derive(Default)]
struct RoundTrips(Cell<u32>);

impl RoundTrips {
    fn add(&self, n: u32) {
        self.0.set(self.0.get() + n);
    }

    async fn stage<F: Future>(&self, f: F) -> F::Output {
        self.add(1);
        f.await
    }

    fn count(&self) -> u32 {
        self.0.get()
    }
}

/// One order being placed, as [`OrderService::place`] was asked, and its round trips.
struct Placing<'a> {
    shopper: &'a Shopper,
    key: &'a IdempotencyKey,
    new: &'a NewOrder,
    now: DateTime<Utc>,
    fault: Fault,
    trips: RoundTrips,
    /// The coupon the order names, read before anything is reserved (hers, or 404).
    coupon: Option<Coupon>,
}

/// A line's reservation: `fresh` when this attempt took it, not when it found one under
/// the same key (a retry's, or a concurrent request's with the same key).
struct Hold<'a> {
    row: &'a ProductRow,
    fresh: bool,
}

pub struct OrderService {
    db: D1Database,
    env: Env,
    catalog: CatalogService,
    stock: StockClient,
    pickup_secret: String,
}

#[derive(Deserialize)]
struct OrderRow {
    id: String,
    store_id: String,
    person_id: String,
    fingerprint: String,
    status: String,
    total_fen: i64,
    pickup_point_id: String,
    pickup_date: String,
    pickup_code: String,
    note: Option<String>,
    placed_at: String,
    pp_name: String,
    pp_address: String,
    pp_window: String,
    pickup_code_failures: u32,
    pickup_code_failed_at: Option<String>,
    goods_total_fen: Option<i64>,
    coupon_id: Option<String>,
    coupon_discount_fen: i64,
}

#[derive(Deserialize)]
struct LineRow {
    product_id: String,
    name: String,
    unit: String,
    unit_price_fen: i64,
    quantity: u32,
}

#[derive(Deserialize)]
struct EventRow {
    status: String,
    at: String,
}

#[derive(Deserialize)]
struct SummaryRow {
    id: String,
    status: String,
    total_fen: i64,
    pickup_date: String,
    placed_at: String,
    item_count: u32,
    line_count: u32,
    first_item_name: Option<String>,
}

const SUMMARY_COLUMNS: &str = "o.id, o.status, o.total_fen, o.pickup_date, o.placed_at, \
     (SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE order_id = o.id) AS item_count, \
     (SELECT COUNT(*) FROM order_lines WHERE order_id = o.id) AS line_count, \
     (SELECT name FROM order_lines WHERE order_id = o.id AND line_no = 1) AS first_item_name";

impl OrderRow {
    fn store(&self) -> StoreId {
        StoreId::new_unchecked(self.store_id.clone())
    }

    fn buyer(&self) -> PersonId {
        PersonId::new_unchecked(self.person_id.clone())
    }

    fn code_attempts(&self) -> AppResult<CodeAttempts> {
        Ok(CodeAttempts {
            failures: self.pickup_code_failures,
            last_failed_at: self.pickup_code_failed_at.as_deref().map(stored_time).transpose()?,
        })
    }
}

impl SummaryRow {
    fn into_summary(self) -> AppResult<OrderSummary> {
        Ok(OrderSummary {
            id: OrderId::new_unchecked(self.id),
            status: parse_status(&self.status)?,
            total: Fen::from_fen(self.total_fen),
            item_count: self.item_count,
            line_count: self.line_count,
            pickup_date: stored_date(&self.pickup_date)?,
            placed_at: stored_time(&self.placed_at)?,
            first_item_name: self.first_item_name.unwrap_or_default(),
        })
    }
}

fn parse_status(s: &str) -> AppResult<OrderStatus> {
    stored("order status", s, OrderStatus::parse)
}

/// A line that could not be ordered: the problem names the product.
fn line_problem(err: impl Into<AppError>, product: &ProductRow) -> AppError {
    err.into().with_detail(format!("{} ({})", product.name(), product.product_id()))
}

impl OrderService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self {
            db: env.d1("DB")?,
            env: env.clone(),
            catalog: CatalogService::new(env)?,
            stock: StockClient::new(env)?,
            pickup_secret: env_text(env, "PICKUP_CODE_SECRET")
                .ok_or_else(|| AppError::Internal("PICKUP_CODE_SECRET is not set".into()))?,
        })
    }

    /// Places an order for a resident (see the module doc for the guarantees). A write
    /// that finds this isolate's catalogue copy stale is retried once from D1.
    pub async fn place(
        &self,
        shopper: &Shopper,
        key: &IdempotencyKey,
        new: &NewOrder,
        now: DateTime<Utc>,
        fault: Fault,
    ) -> AppResult<Placed> {
        new.validate()?;
        let trips = RoundTrips::default();
        trips.add(u32::from(shopper.read_session));
        let coupon = match &new.coupon_id {
            Some(id) => Some(trips.stage(CouponService::holder_coupon(&self.db, shopper, id)).await?),
            None => None,
        };
        let placing = Placing { shopper, key, new, now, fault, trips, coupon };
        for from_d1 in [false, true] {
            if let Some((order, replayed)) = self.attempt(&placing, from_d1).await? {
                return Ok(Placed { order, replayed, round_trips: placing.trips.count() });
            }
        }
        Err(AppError::Internal("the catalogue changed under the order twice in a row".into()))
    }

    /// One try at placing: `None` when the catalogue facts it used turned out stale (every
    /// hold it took is given back first).
    async fn attempt(&self, placing: &Placing<'_>, from_d1: bool) -> AppResult<Option<(Order, bool)>> {
        let Placing { shopper, key, new, trips, .. } = placing;
        let requested = new.cart_lines();
        let order_id = order_id_for(&shopper.person_id, key);
        let fingerprint = request_fingerprint(new);
        let store = &shopper.store_id;
        let ids: Vec<ProductId> = requested.iter().map(|l| l.product_id.clone()).collect();
        let facts = self.catalog.order_facts(store, &new.pickup_point_id, &ids, from_d1).await?;
        trips.add(u32::from(facts.read_d1));
        let rows: HashMap<ProductId, ProductRow> = facts.products.into_iter().map(|r| (r.product_id(), r)).collect();
        let unknown = requested.iter().find(|l| !rows.get(&l.product_id).is_some_and(ProductRow::on_sale));
        let refusal = match (facts.pickup, unknown) {
            (Some(pickup), None) => return self.reserve_and_write(placing, (order_id, fingerprint), &rows, pickup).await,
            (None, _) => AppError::from(StoreError::UnknownPickupPoint),
            (Some(_), Some(line)) => AppError::from(CartError::UnknownProduct).with_detail(line.product_id.to_string()),
        };
        // The isolate's copy may be what is out of date: D1 has the last word.
        if facts.read_d1 {
            Err(refusal)
        } else {
            Ok(None)
        }
    }

    /// Reserves every line at once (one round trip: the keepers are called in parallel),
    /// then writes the order in one guarded D1 batch (the second). A refused line gives
    /// back what the others took. A write that did not land says why in the same batch
    /// ([`GuardReport`]), and only then is the order read: a retry or a reused key
    /// (`settle_existing`), a voided id (503), a closed session (401), a stale copy (`None`).
    async fn reserve_and_write(
        &self,
        placing: &Placing<'_>,
        (order_id, fingerprint): (OrderId, String),
        rows: &HashMap<ProductId, ProductRow>,
        pickup: PickupPoint,
    ) -> AppResult<Option<(Order, bool)>> {
        let &Placing { shopper, key, new, now, fault, ref trips, ref coupon } = placing;
        let store = &shopper.store_id;
        let requested = new.cart_lines();
        let pickup_date = pickup_date_for(now);
        let lines = reservation_order(&requested);
        let replies = trips
            .stage(join_all(lines.iter().map(|line| {
                let call = ReserveCall {
                    key: reservation_key(&order_id, &line.product_id),
                    buyer: shopper.person_id.to_string(),
                    quantity: line.quantity,
                    per_buyer_cap: rows[&line.product_id].per_buyer_cap(),
                    cap_window: cap_window(pickup_date),
                    opening_stock: rows[&line.product_id].opening_stock(),
                    hold_grace_ms: if fault == Fault::AbandonAfterReserve { FAULT_HOLD_GRACE_MS } else { HOLD_GRACE_MS },
                    confirmed: false,
                };
                async move { self.stock.reserve(store, &line.product_id, &call).await }
            })))
            .await;
        let mut holds: Vec<Hold> = Vec::new();
        let mut mirrors: Vec<(ProductId, u32, u64)> = Vec::new();
        let mut refusal: Option<AppError> = None;
        // In reservation order, so the problem names the first line refused.
        for (line, reply) in lines.iter().zip(replies) {
            let row = &rows[&line.product_id];
            match reply {
                Ok(KeeperReply::Reserved { available, version, replayed }) => {
                    holds.push(Hold { row, fresh: !replayed });
                    mirrors.push((line.product_id.clone(), available, version));
                }
                Ok(KeeperReply::Refused { error, available, version }) => {
                    mirrors.push((line.product_id.clone(), available, version));
                    refusal.get_or_insert_with(|| line_problem(error, row));
                }
                Ok(other) => {
                    refusal.get_or_insert_with(|| AppError::Internal(format!("unexpected keeper reply {other:?}")));
                }
                Err(e) => {
                    refusal.get_or_insert(e);
                }
            }
        }
        if let Some(refusal) = refusal {
            self.release_unowned(store, &order_id, &holds, None).await;
            self.mirror_stock(store, &mirrors).await;
            return Err(refusal);
        }

        if fault == Fault::AbandonAfterReserve {
            return Err(AppError::Internal("fault injected: abandoned after reserving".into()));
        }
        // Each unit at its shelf price at the order's instant (临期特价 included); the
        // write below requires the markdown it saw to be the current one.
        let priced = requested
            .iter()
            .map(|l| {
                let row = &rows[&l.product_id];
                let price = row.shelf_price(now)?.unit_price;
                OrderLine::new(l.product_id.clone(), row.name().to_string(), row.unit().to_string(), price, l.quantity)
                    .ok_or(AppError::from(OrderError::TotalTooLarge))
            })
            .collect::<AppResult<Vec<OrderLine>>>()
            .and_then(|lines| {
                // A retry of this very order sees the coupon it redeemed as still free.
                let coupon = coupon.as_ref().map(|c| c.as_seen_by(&order_id));
                let totals = order_totals(&lines, coupon.as_ref(), &shopper.person_id, store, now)?;
                let placement = Placement {
                    pickup_code: pickup_code(self.pickup_secret.as_bytes(), &order_id),
                    id: order_id.clone(),
                    store_id: store.clone(),
                    person_id: shopper.person_id.clone(),
                    pickup_point: pickup,
                    note: new.clean_note(),
                    placed_at: now,
                };
                Ok(Order::place(placement, lines)?.with_totals(totals))
            });
        let order = match priced {
            Ok(order) => order,
            Err(e) => {
                self.release_unowned(store, &order_id, &holds, None).await;
                return Err(e);
            }
        };
        let guards = ShopGuards {
            session: &shopper.session,
            now,
            lines: order
                .lines
                .iter()
                .map(|l| {
                    let row = &rows[&l.product_id];
                    LineFacts {
                        product: l.product_id.as_str(),
                        price_fen: row.price().fen(),
                        name: &l.name,
                        unit: &l.unit,
                        per_buyer_cap: row.per_buyer_cap(),
                        opening_stock: row.opening_stock(),
                        best_before: row.best_before_text(),
                        markdown_applied_at: row.markdown_applied_at(),
                    }
                })
                .collect(),
        };
        let written = trips.stage(self.insert(key, &fingerprint, &order, &mirrors, &guards)).await;
        let report = match written {
            Ok(None) => return Ok(Some((order, false))),
            Ok(Some(report)) => report,
            // The write may have landed before the error: settle against what D1 holds.
            Err(e) => match self.order_row(&order.id).await {
                Ok(Some(row)) if row.fingerprint == fingerprint => return Ok(Some((self.assemble(row).await?, false))),
                Ok(Some(row)) => return self.settle_existing(store, &fingerprint, row, &holds).await.map(Some),
                _ => {
                    self.release_unowned(store, &order.id, &holds, None).await;
                    return Err(e);
                }
            },
        };
        if report.existing.is_some() {
            let row = self.order_row(&order.id).await?.ok_or_else(|| AppError::Internal("an order vanished".into()))?;
            return self.settle_existing(store, &fingerprint, row, &holds).await.map(Some);
        }
        // No order under this id: nothing owns the holds this attempt took.
        self.release_unowned(store, &order.id, &holds, None).await;
        if report.voided != 0 {
            // Its hold was swept and the id voided before the write.
            return Err(OrderError::TimedOut.into());
        }
        if report.session_open == 0 {
            return Err(AccessError::Unauthenticated.into());
        }
        if report.coupon_free == 0 {
            // Another order redeemed it first.
            return Err(CouponError::CouponUsed.into());
        }
        if report.facts_current == 0 {
            let products: Vec<ProductId> = order.lines.iter().map(|l| l.product_id.clone()).collect();
            CatalogService::forget_order_facts(store, &order.pickup_point.id, &products);
            return Ok(None);
        }
        Err(AppError::Internal(format!("order write refused with every guard holding: {report:?}")))
    }

    /// The answer when an order already exists under this id (a retry, or a reused key):
    /// the stored order if the request is the same, else `IdempotencyKeyReused`. Holds
    /// this attempt took fresh that the stored order does not own (a product not in it,
    /// or it was cancelled and gave its units back) are given back, or the sweep would
    /// confirm them (their order is in D1) and the units would be lost.
    async fn settle_existing(
        &self,
        store: &StoreId,
        fingerprint: &str,
        row: OrderRow,
        holds: &[Hold<'_>],
    ) -> AppResult<(Order, bool)> {
        let same = row.fingerprint == fingerprint;
        let existing = self.assemble(row).await?;
        self.release_unowned(store, &existing.id, holds, Some(&existing)).await;
        if !same {
            return Err(OrderError::IdempotencyKeyReused.into());
        }
        Ok((existing, true))
    }

    /// Writes the order (see [`shop_order_statements`]) and the stock mirrors in one D1
    /// batch, and takes the ordered products out of the cart. `None` when it landed, else
    /// the batch's [`GuardReport`] of why not.
    async fn insert(
        &self,
        key: &IdempotencyKey,
        fingerprint: &str,
        order: &Order,
        mirrors: &[(ProductId, u32, u64)],
        guards: &ShopGuards<'_>,
    ) -> AppResult<Option<GuardReport>> {
        let (mut statements, report) = shop_order_statements(&self.db, key, fingerprint, order, guards)?;
        let ids: Vec<String> = order.lines.iter().map(|l| l.product_id.to_string()).collect();
        let mut args = vec![
            order.person_id.as_str().into(),
            order.id.as_str().into(),
            fingerprint.into(),
            order.placed_at.to_rfc3339().into(),
        ];
        args.extend(strs(&ids));
        // Only if this very request's header landed: a voided order, or a retry of one
        // placed (or cancelled) earlier, leaves the cart as it is.
        statements.push(
            self.db
                .prepare(format!(
                    "DELETE FROM cart_items WHERE person_id = ?1 AND product_id IN ({}) \
                     AND EXISTS (SELECT 1 FROM orders WHERE id = ?2 AND fingerprint = ?3 AND placed_at = ?4)",
                    placeholders(5, ids.len())
                ))
                .bind(&args)?,
        );
        for (product, available, version) in mirrors {
            statements.push(self.catalog.record_stock_statement(&order.store_id, product, *available, *version)?);
        }
        statements.push(report);
        let results = self.db.batch(statements).await?;
        if results.first().map_or(0, changes) > 0 {
            return Ok(None);
        }
        let report = results.last().map(|r| r.results::<GuardReport>()).transpose()?.and_then(|r| r.into_iter().next());
        report.map(Some).ok_or_else(|| AppError::Internal("order batch returned no guard report".into()))
    }

    /// Gives back the holds this attempt took fresh that `owner` (the order already under
    /// this id, if any) does not own; a hold it found (`fresh: false`) belongs to whoever
    /// took it first.
    async fn release_unowned(&self, store: &StoreId, order_id: &OrderId, holds: &[Hold<'_>], owner: Option<&Order>) {
        let owns = |row: &ProductRow| {
            owner.is_some_and(|o| o.status != OrderStatus::Cancelled && o.lines.iter().any(|l| l.product_id.as_str() == row.id()))
        };
        let rows: Vec<&ProductRow> = holds.iter().filter(|h| h.fresh && !owns(h.row)).map(|h| h.row).collect();
        self.release_lines(store, order_id, &rows).await;
    }

    /// Gives back every reservation of `order_id` among `rows`, all at once. Release is
    /// idempotent; a failure is logged (the keeper keeps the hold, so nothing is oversold).
    async fn release_lines(&self, store: &StoreId, order_id: &OrderId, rows: &[&ProductRow]) {
        if rows.is_empty() {
            return;
        }
        let replies = join_all(rows.iter().map(|row| async move {
            let id = row.product_id();
            let call = ReleaseCall { key: reservation_key(order_id, &id), opening_stock: row.opening_stock() };
            (self.stock.release(store, &id, &call).await, id)
        }))
        .await;
        let mut mirrors = Vec::new();
        for (reply, id) in replies {
            match reply {
                Ok(KeeperReply::Released { available, version, .. }) => mirrors.push((id, available, version)),
                Ok(other) => worker::console_error!("release {order_id}/{id}: unexpected {other:?}"),
                Err(e) => worker::console_error!("release {order_id}/{id} failed: {e:?}"),
            }
        }
        self.mirror_stock(store, &mirrors).await;
    }

    /// Records keepers' counts in D1's mirror, in one batch; a failure is logged (the next
    /// count with a higher version corrects it).
    async fn mirror_stock(&self, store: &StoreId, mirrors: &[(ProductId, u32, u64)]) {
        let statements: AppResult<Vec<_>> = mirrors
            .iter()
            .map(|(product, available, version)| self.catalog.record_stock_statement(store, product, *available, *version))
            .collect();
        let written = match statements {
            Ok(statements) if statements.is_empty() => return,
            Ok(statements) => self.db.batch(statements).await.map_err(AppError::from),
            Err(e) => Err(e),
        };
        if let Err(e) = written {
            worker::console_error!("stock mirror {store}: {e:?}");
        }
    }

    async fn order_row(&self, id: &OrderId) -> AppResult<Option<OrderRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT o.id, o.store_id, o.person_id, o.fingerprint, o.status, o.total_fen, o.pickup_point_id, o.pickup_date, \
                 o.pickup_code, o.note, o.placed_at, pp.name AS pp_name, pp.address AS pp_address, pp.time_window AS pp_window, \
                 o.pickup_code_failures, o.pickup_code_failed_at, o.goods_total_fen, o.coupon_id, o.coupon_discount_fen \
                 FROM orders o JOIN pickup_points pp ON pp.id = o.pickup_point_id WHERE o.id = ?1",
            )
            .bind(&[id.as_str().into()])?
            .first(None)
            .await?)
    }

    /// The whole order: its lines, timeline and 跟团号, read in one round trip.
    async fn assemble(&self, row: OrderRow) -> AppResult<Order> {
        #[derive(Deserialize)]
        struct NumberRow {
            n: u32,
        }
        let id: JsValue = row.id.as_str().into();
        let results = self
            .db
            .batch(vec![
                self.db
                    .prepare(
                        "SELECT product_id, name, unit, unit_price_fen, quantity FROM order_lines WHERE order_id = ?1 \
                         ORDER BY line_no",
                    )
                    .bind(std::slice::from_ref(&id))?,
                self.db.prepare("SELECT status, at FROM order_events WHERE order_id = ?1 ORDER BY at, rowid").bind(std::slice::from_ref(&id))?,
                // Its place among the day's orders (`pickup` module): the 跟团号.
                self.db
                    .prepare(
                        "SELECT COUNT(*) AS n FROM orders d JOIN orders o ON o.id = ?1 WHERE d.store_id = o.store_id \
                         AND d.pickup_date = o.pickup_date AND (d.placed_at < o.placed_at OR (d.placed_at = o.placed_at AND d.id <= o.id))",
                    )
                    .bind(&[id])?,
            ])
            .await?;
        let [lines, events, number] = results.as_slice() else {
            return Err(AppError::Internal("order batch returned a different shape".into()));
        };
        let lines: Vec<LineRow> = lines.results()?;
        let events: Vec<EventRow> = events.results()?;
        let group_number = number.results::<NumberRow>()?.first().map(|r| r.n).filter(|n| *n > 0);
        let pickup_date = stored_date(&row.pickup_date)?;
        let coupon = row.coupon_id.map(|id| UsedCoupon {
            coupon_id: CouponId::new_unchecked(id),
            goods_total: Fen::from_fen(row.goods_total_fen.unwrap_or(row.total_fen)),
            discount: Fen::from_fen(row.coupon_discount_fen),
        });
        Ok(Order {
            coupon,
            group_number,
            id: OrderId::new_unchecked(row.id),
            store_id: StoreId::new_unchecked(row.store_id),
            person_id: PersonId::new_unchecked(row.person_id),
            status: parse_status(&row.status)?,
            lines: lines
                .into_iter()
                .map(|l| OrderLine {
                    product_id: ProductId::new_unchecked(l.product_id),
                    name: l.name,
                    unit: l.unit,
                    unit_price: Fen::from_fen(l.unit_price_fen),
                    quantity: l.quantity,
                    line_total: Fen::from_fen(l.unit_price_fen).checked_mul(l.quantity).unwrap_or(Fen::ZERO),
                })
                .collect(),
            total: Fen::from_fen(row.total_fen),
            pickup_point: PickupPoint {
                id: PickupPointId::new_unchecked(row.pickup_point_id),
                name: row.pp_name,
                address: row.pp_address,
                window: row.pp_window,
            },
            pickup_date,
            pickup_code: Some(row.pickup_code),
            note: row.note,
            placed_at: stored_time(&row.placed_at)?,
            cancel_deadline: cancel_deadline(pickup_date),
            timeline: events
                .iter()
                .map(|e| Ok(StatusChange { status: parse_status(&e.status)?, at: stored_time(&e.at)? }))
                .collect::<AppResult<_>>()?,
        })
    }

    /// An order and the fingerprint of the request that made it, if it exists.
    pub async fn load(&self, id: &OrderId) -> AppResult<Option<(Order, String)>> {
        let Some(row) = self.order_row(id).await? else { return Ok(None) };
        let fingerprint = row.fingerprint.clone();
        Ok(Some((self.assemble(row).await?, fingerprint)))
    }

    /// An order the viewer may see (`access::Action::ReadOrder`), its pickup code only
    /// if it is hers.
    pub async fn get(&self, me: &Me, id: &OrderId) -> AppResult<Order> {
        let row = self.order_row(id).await?.ok_or_else(|| AppError::not_found("order_not_found"))?;
        authorize(Some(me), Action::ReadOrder { store: &row.store(), buyer: &row.buyer() })?;
        Ok(self.assemble(row).await?.shown_to(&me.person_id))
    }

    pub async fn list(&self, me: &Me) -> AppResult<Vec<OrderSummary>> {
        let rows: Vec<SummaryRow> = self
            .db
            .prepare(format!("SELECT {SUMMARY_COLUMNS} FROM orders o WHERE o.person_id = ?1 ORDER BY o.placed_at DESC LIMIT 100"))
            .bind(&[me.person_id.as_str().into()])?
            .all()
            .await?
            .results()?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// One page of the store's orders for a pickup day, oldest first, with who collects
    /// them and each order's 跟团号, optionally only those matching `query` (owner only;
    /// the rules are `shared_model::pickup`'s).
    pub async fn list_for_store(
        &self,
        store: &StoreId,
        pickup_date: NaiveDate,
        query: Option<&PickupQuery>,
        after: Option<&PickupCursor>,
    ) -> AppResult<StoreOrderList> {
        #[derive(Deserialize)]
        struct Row {
            #[serde(flatten)]
            summary: SummaryRow,
            group_number: u32,
            nickname: String,
            building: String,
            unit: String,
            phone_tail: String,
            pp_name: String,
        }
        #[derive(Deserialize)]
        struct CountRow {
            n: u32,
        }
        let day = pickup_date.format(DATE_FORMAT).to_string();
        let (after_at, after_id) =
            after.map_or((String::new(), String::new()), |c| (c.placed_at.to_rfc3339(), c.order_id.to_string()));
        let mut args: Vec<JsValue> =
            vec![store.as_str().into(), day.as_str().into(), after_at.into(), after_id.into(), (PICKUP_PAGE_SIZE + 1).into()];
        let filter = match query {
            None => "1",
            Some(PickupQuery::Code(code)) => {
                args.push(code.as_str().into());
                "o.pickup_code = ?6"
            }
            Some(PickupQuery::GroupNumber(n)) => {
                args.push((*n).into());
                "o.group_number = ?6"
            }
            Some(PickupQuery::GroupNumberOrPhoneTail(n, tail)) => {
                args.extend([(*n).into(), format!("%{tail}").into()]);
                "(o.group_number = ?6 OR p.phone LIKE ?7)"
            }
            Some(PickupQuery::Phone(phone)) => {
                args.push(phone.as_str().into());
                "p.phone = ?6"
            }
            Some(PickupQuery::Name(name)) => {
                args.push(like_pattern(name).into());
                "p.nickname LIKE ?6 ESCAPE '\\'"
            }
        };
        // The 跟团号 is the order's place in the whole day, so it is numbered before any
        // search or page narrows the rows.
        let page = self.db.prepare(format!(
            "WITH day AS (SELECT o.*, ROW_NUMBER() OVER (ORDER BY o.placed_at, o.id) AS group_number FROM orders o \
             WHERE o.store_id = ?1 AND o.pickup_date = ?2) \
             SELECT {SUMMARY_COLUMNS}, o.group_number, p.nickname, p.building, p.unit, substr(p.phone, -4) AS phone_tail, \
             pp.name AS pp_name FROM day o JOIN people p ON p.id = o.person_id JOIN pickup_points pp ON pp.id = o.pickup_point_id \
             WHERE (o.placed_at > ?3 OR (o.placed_at = ?3 AND o.id > ?4)) AND {filter} ORDER BY o.placed_at, o.id LIMIT ?5"
        ));
        let count = self.db.prepare("SELECT COUNT(*) AS n FROM orders WHERE store_id = ?1 AND pickup_date = ?2");
        let results = self.db.batch(vec![page.bind(&args)?, count.bind(&[store.as_str().into(), day.as_str().into()])?]).await?;
        let [page, count] = results.as_slice() else {
            return Err(AppError::Internal("pickup list batch returned a different shape".into()));
        };
        let mut rows: Vec<Row> = page.results()?;
        // One row past the page says there is another page, which starts after the last shown.
        let more = rows.len() > PICKUP_PAGE_SIZE as usize;
        rows.truncate(PICKUP_PAGE_SIZE as usize);
        let next_cursor = match rows.last().filter(|_| more) {
            Some(last) => Some(
                PickupCursor {
                    placed_at: stored_time(&last.summary.placed_at)?,
                    order_id: OrderId::new_unchecked(last.summary.id.clone()),
                }
                .encode(),
            ),
            None => None,
        };
        let orders = rows
            .into_iter()
            .map(|r| {
                Ok(StoreOrder {
                    summary: r.summary.into_summary()?,
                    buyer_nickname: r.nickname,
                    buyer_building: r.building,
                    buyer_unit: r.unit,
                    buyer_phone_tail: r.phone_tail,
                    pickup_point_name: r.pp_name,
                    group_number: r.group_number,
                })
            })
            .collect::<AppResult<_>>()?;
        let day_total = count.results::<CountRow>()?.first().map_or(0, |r| r.n);
        Ok(StoreOrderList { pickup_date, orders, next_cursor, day_total })
    }

    /// Cancels a placed order before the cut-off and returns its stock.
    pub async fn cancel(&self, me: &Me, id: &OrderId, now: DateTime<Utc>) -> AppResult<Order> {
        let row = self.order_row(id).await?.ok_or_else(|| AppError::not_found("order_not_found"))?;
        authorize(Some(me), Action::CancelOrder { buyer: &row.buyer() })?;
        let status = parse_status(&row.status)?;
        if status == OrderStatus::Cancelled {
            // A cancel whose answer was lost may have stopped between D1 and the stock
            // (the edge died): the units go back again (each give-back is safe to
            // repeat) before the answer says there is nothing left to cancel.
            let order = self.assemble(row).await?;
            self.return_units(&order).await?;
            return Err(OrderError::NotCancellable.into());
        }
        check_cancel(status, now, stored_date(&row.pickup_date)?)?;
        let mut statements = vec![
            status_statement(&self.db, id, OrderStatus::Placed, OrderStatus::Cancelled)?,
            event_statement(&self.db, id, OrderStatus::Cancelled, now)?,
        ];
        // Its coupon is hers again if it has not expired (`coupon` rule 4), in the same write.
        if let Some(coupon) = &row.coupon_id {
            let coupon =
                CouponService::holder_coupon_by_id(&self.db, &row.buyer(), &CouponId::new_unchecked(coupon.clone())).await?;
            if coupon.after_cancel(now) == CancelReturn::GivenBack {
                statements.push(CouponService::give_back_statement(&self.db, &coupon.id, id)?);
            }
        }
        let results = self.db.batch(statements).await?;
        if results.first().map_or(0, changes) == 0 {
            return Err(OrderError::NotCancellable.into());
        }
        let row = self.order_row(id).await?.ok_or_else(|| AppError::Internal("cancelled order vanished".into()))?;
        let order = self.assemble(row).await?;
        self.return_units(&order).await?;
        Ok(order)
    }

    /// Gives a cancelled order's units back: a live order's to its room (back to the
    /// offer, or to the shelf once the offer is settled), a shop order's to the SKUs'
    /// keepers.
    async fn return_units(&self, order: &Order) -> AppResult<()> {
        if let Some(live) = self.live_of(&order.id).await? {
            return RoomClient::new(&self.env)?.cancel(&live, &CancelCall { order_id: order.id.clone() }).await;
        }
        let ids: Vec<ProductId> = order.lines.iter().map(|l| l.product_id.clone()).collect();
        let rows = self.catalog.products(&order.store_id, &ids).await?;
        let refs: Vec<&ProductRow> = rows.iter().collect();
        self.release_lines(&order.store_id, &order.id, &refs).await;
        Ok(())
    }

    /// The live an order was bought in, if any.
    async fn live_of(&self, id: &OrderId) -> AppResult<Option<LiveSessionId>> {
        #[derive(Deserialize)]
        struct Row {
            live_session_id: String,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT live_session_id FROM live_orders WHERE order_id = ?1")
            .bind(&[id.as_str().into()])?
            .first(None)
            .await?;
        Ok(row.map(|r| LiveSessionId::new_unchecked(r.live_session_id)))
    }

    /// The owner moves an order on: `ready_for_pickup` when packed, `picked_up` when the
    /// resident shows the pickup code. Cancelling stays with the resident (it returns stock).
    pub async fn advance(&self, me: &Me, id: &OrderId, update: &UpdateOrderStatus, now: DateTime<Utc>) -> AppResult<Order> {
        let row = self.order_row(id).await?.ok_or_else(|| AppError::not_found("order_not_found"))?;
        authorize(Some(me), Action::HandOverOrder { store: &row.store() })?;
        let from = parse_status(&row.status)?;
        if update.status == OrderStatus::Cancelled {
            return Err(OrderError::InvalidTransition { from, to: update.status }.into());
        }
        check_transition(from, update.status)?;
        if update.status == OrderStatus::PickedUp {
            let attempts = row.code_attempts()?;
            attempts.check(now)?;
            let code = update.pickup_code.as_deref().unwrap_or_default();
            if !verify_pickup_code(self.pickup_secret.as_bytes(), id, code) {
                let (next, refusal) = attempts.after_wrong_code(now);
                self.db
                    .prepare("UPDATE orders SET pickup_code_failures = ?1, pickup_code_failed_at = ?2 WHERE id = ?3")
                    .bind(&[
                        next.failures.into(),
                        nullable(next.last_failed_at.map(|t| t.to_rfc3339()).as_deref()),
                        id.as_str().into(),
                    ])?
                    .run()
                    .await?;
                return Err(refusal.into());
            }
        }
        let results = self
            .db
            .batch(vec![status_statement(&self.db, id, from, update.status)?, event_statement(&self.db, id, update.status, now)?])
            .await?;
        if results.first().map_or(0, changes) == 0 {
            return Err(OrderError::InvalidTransition { from, to: update.status }.into());
        }
        let row = self.order_row(id).await?.ok_or_else(|| AppError::Internal("order vanished".into()))?;
        Ok(self.assemble(row).await?.shown_to(&me.person_id))
    }
}
