//! Order capture and the order life cycle. Stock is reserved per SKU in `StockKeeper`
//! objects in a fixed order, all-or-nothing; the order is written to D1 before the answer;
//! the order id is derived from (person, Idempotency-Key) so retries land on one order.

use super::catalog::{CatalogService, ProductRow};
use crate::{
    clients::{
        room::{CancelCall, RoomClient},
        stock::{KeeperReply, ReleaseCall, ReserveCall, StockClient, HOLD_GRACE_MS},
    },
    error::{AppError, AppResult},
    http::env_text,
    storage::{
        changes, nullable,
        orders::{event_statement, order_statements, status_statement},
        placeholders, stored, stored_date, stored_time, strs, DATE_FORMAT,
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use shared_model::{
    access::{authorize, Action},
    api::{StoreOrder, StoreOrderList, UpdateOrderStatus},
    cart::CartError,
    catalog::like_pattern,
    identity::Me,
    order::{
        check_cancel, check_transition, order_id_for, pickup_code, request_fingerprint, verify_pickup_code, IdempotencyKey,
        NewOrder, Order, OrderError, OrderLine, OrderStatus, OrderSummary, Placement, StatusChange,
    },
    pickup::{CodeAttempts, PickupCursor, PickupQuery, PICKUP_PAGE_SIZE},
    stock::{cap_window, reservation_key, reservation_order},
    store::{PickupPoint, StoreError},
    time::{cancel_deadline, pickup_date_for},
    Fen, LiveSessionId, OrderId, PersonId, PickupPointId, ProductId, StoreId,
};
use std::collections::HashMap;
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

    /// Places an order for a resident (see the module doc for the guarantees).
    pub async fn place(
        &self,
        me: &Me,
        key: &IdempotencyKey,
        new: &NewOrder,
        now: DateTime<Utc>,
        fault: Fault,
    ) -> AppResult<Placed> {
        new.validate()?;
        let requested = new.cart_lines();
        let order_id = order_id_for(&me.person_id, key);
        let fingerprint = request_fingerprint(new);
        if let Some(existing) = self.order_row(&order_id).await? {
            if existing.fingerprint != fingerprint {
                return Err(OrderError::IdempotencyKeyReused.into());
            }
            return Ok(Placed { order: self.assemble(existing).await?, replayed: true });
        }

        let store = &me.store_id;
        let ids: Vec<ProductId> = requested.iter().map(|l| l.product_id.clone()).collect();
        let (pickup, rows) = self.catalog.order_context(store, &new.pickup_point_id, &ids).await?;
        let pickup = pickup.ok_or(StoreError::UnknownPickupPoint)?;
        let rows: HashMap<ProductId, ProductRow> = rows.into_iter().map(|r| (r.product_id(), r)).collect();
        for line in &requested {
            match rows.get(&line.product_id) {
                Some(row) if row.on_sale() => {}
                _ => return Err(AppError::from(CartError::UnknownProduct).with_detail(line.product_id.to_string())),
            }
        }

        let pickup_date = pickup_date_for(now);
        // Reserve line by line in a fixed order; on the first refusal give back what was taken.
        let mut taken: Vec<&ProductRow> = Vec::new();
        let mut mirrors: Vec<(ProductId, u32, u64)> = Vec::new();
        for line in reservation_order(&requested) {
            let row = &rows[&line.product_id];
            let call = ReserveCall {
                key: reservation_key(&order_id, &line.product_id),
                buyer: me.person_id.to_string(),
                quantity: line.quantity,
                per_buyer_cap: row.per_buyer_cap(),
                cap_window: cap_window(pickup_date),
                opening_stock: row.opening_stock(),
                hold_grace_ms: if fault == Fault::AbandonAfterReserve { FAULT_HOLD_GRACE_MS } else { HOLD_GRACE_MS },
                confirmed: false,
            };
            let refusal = match self.stock.reserve(store, &line.product_id, &call).await {
                Ok(KeeperReply::Reserved { available, version, .. }) => {
                    taken.push(row);
                    mirrors.push((line.product_id.clone(), available, version));
                    continue;
                }
                Ok(KeeperReply::Refused { error, available, version }) => {
                    mirrors.push((line.product_id.clone(), available, version));
                    line_problem(error, row)
                }
                Ok(other) => AppError::Internal(format!("unexpected keeper reply {other:?}")),
                Err(e) => e,
            };
            self.release_lines(store, &order_id, &taken).await;
            self.mirror_stock(store, &mirrors).await;
            return Err(refusal);
        }

        if fault == Fault::AbandonAfterReserve {
            return Err(AppError::Internal("fault injected: abandoned after reserving".into()));
        }
        let lines: Option<Vec<OrderLine>> = requested
            .iter()
            .map(|l| {
                let row = &rows[&l.product_id];
                OrderLine::new(l.product_id.clone(), row.name().to_string(), row.unit().to_string(), row.price(), l.quantity)
            })
            .collect();
        let placement = Placement {
            pickup_code: pickup_code(self.pickup_secret.as_bytes(), &order_id),
            id: order_id.clone(),
            store_id: me.store_id.clone(),
            person_id: me.person_id.clone(),
            pickup_point: pickup,
            note: new.clean_note(),
            placed_at: now,
        };
        let order = match lines.ok_or(OrderError::TotalTooLarge).and_then(|lines| Order::place(placement, lines)) {
            Ok(order) => order,
            Err(e) => {
                self.release_lines(store, &order_id, &taken).await;
                return Err(e.into());
            }
        };
        match self.insert(key, &fingerprint, &order, &mirrors).await {
            Ok(true) => Ok(Placed { order, replayed: false }),
            // A concurrent retry with the same key wrote it first: answer with what it wrote.
            // No order at all means the hold was swept and the id voided before the write.
            Ok(false) => {
                let Some(row) = self.order_row(&order.id).await? else {
                    self.release_lines(store, &order.id, &taken).await;
                    return Err(OrderError::TimedOut.into());
                };
                if row.fingerprint != fingerprint {
                    return Err(OrderError::IdempotencyKeyReused.into());
                }
                Ok(Placed { order: self.assemble(row).await?, replayed: true })
            }
            // The write may have landed before the error: only give stock back if it did not.
            Err(e) => {
                if let Ok(Some(row)) = self.order_row(&order.id).await {
                    return Ok(Placed { order: self.assemble(row).await?, replayed: false });
                }
                self.release_lines(store, &order.id, &taken).await;
                Err(e)
            }
        }
    }

    /// Writes the order (see [`order_statements`]) and the stock mirrors in one D1 batch, and
    /// takes the ordered products out of the cart. Returns false when a concurrent retry
    /// with the same key wrote the order first (the insert then changes nothing).
    async fn insert(
        &self,
        key: &IdempotencyKey,
        fingerprint: &str,
        order: &Order,
        mirrors: &[(ProductId, u32, u64)],
    ) -> AppResult<bool> {
        let mut statements = order_statements(&self.db, key, fingerprint, order)?;
        let ids: Vec<String> = order.lines.iter().map(|l| l.product_id.to_string()).collect();
        let mut args = vec![order.person_id.as_str().into(), order.id.as_str().into()];
        args.extend(strs(&ids));
        // Guarded like the lines: a voided order leaves the cart as it was.
        statements.push(
            self.db
                .prepare(format!(
                    "DELETE FROM cart_items WHERE person_id = ?1 AND product_id IN ({}) \
                     AND EXISTS (SELECT 1 FROM orders WHERE id = ?2)",
                    placeholders(3, ids.len())
                ))
                .bind(&args)?,
        );
        for (product, available, version) in mirrors {
            statements.push(self.catalog.record_stock_statement(&order.store_id, product, *available, *version)?);
        }
        let results = self.db.batch(statements).await?;
        Ok(results.first().map_or(0, changes) > 0)
    }

    /// Gives back every reservation of `order_id` among `rows`. Release is idempotent; a
    /// failure is logged (the keeper keeps the hold, so nothing is oversold).
    async fn release_lines(&self, store: &StoreId, order_id: &OrderId, rows: &[&ProductRow]) {
        let mut mirrors = Vec::new();
        for row in rows.iter().rev() {
            let id = row.product_id();
            let call = ReleaseCall { key: reservation_key(order_id, &id), opening_stock: row.opening_stock() };
            match self.stock.release(store, &id, &call).await {
                Ok(KeeperReply::Released { available, version, .. }) => mirrors.push((id, available, version)),
                Ok(other) => worker::console_error!("release {order_id}/{id}: unexpected {other:?}"),
                Err(e) => worker::console_error!("release {order_id}/{id} failed: {e:?}"),
            }
        }
        self.mirror_stock(store, &mirrors).await;
    }

    async fn mirror_stock(&self, store: &StoreId, mirrors: &[(ProductId, u32, u64)]) {
        for (product, available, version) in mirrors {
            if let Err(e) = self.catalog.record_stock(store, product, *available, *version).await {
                worker::console_error!("stock mirror {store}/{product}: {e:?}");
            }
        }
    }

    async fn order_row(&self, id: &OrderId) -> AppResult<Option<OrderRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT o.id, o.store_id, o.person_id, o.fingerprint, o.status, o.total_fen, o.pickup_point_id, o.pickup_date, \
                 o.pickup_code, o.note, o.placed_at, pp.name AS pp_name, pp.address AS pp_address, pp.time_window AS pp_window, \
                 o.pickup_code_failures, o.pickup_code_failed_at \
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
        Ok(Order {
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
        let results = self
            .db
            .batch(vec![
                status_statement(&self.db, id, OrderStatus::Placed, OrderStatus::Cancelled)?,
                event_statement(&self.db, id, OrderStatus::Cancelled, now)?,
            ])
            .await?;
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
