//! Order capture and the order life cycle. Stock is reserved per SKU in `StockKeeper`
//! objects in a fixed order, all-or-nothing; the order is written to D1 before the answer;
//! the order id is derived from (person, Idempotency-Key) so retries land on one order.

use super::{
    catalog::{CatalogService, ProductRow},
    room::{CancelCall, RoomClient},
    stock::{KeeperReply, ReleaseCall, ReserveCall, StockClient, HOLD_GRACE_MS},
};
use crate::{
    error::{AppError, AppResult},
    http::env_text,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use shared_model::{
    api::{StoreOrder, UpdateOrderStatus},
    cart::CartError,
    identity::{Me, Role},
    order::{
        check_cancel, check_transition, order_id_for, order_total, pickup_code, request_fingerprint, verify_pickup_code,
        IdempotencyKey, NewOrder, Order, OrderError, OrderLine, OrderStatus, OrderSummary, StatusChange,
    },
    stock::{cap_window, reservation_key, reservation_order},
    store::{PickupPoint, StoreError},
    time::{cancel_deadline, pickup_date_for},
    Fen, LiveSessionId, OrderId, PersonId, PickupPointId, ProductId, StoreId,
};
use std::collections::HashMap;
use worker::{D1Database, D1PreparedStatement, Env};

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
    first_item_name: Option<String>,
}

const SUMMARY_COLUMNS: &str = "o.id, o.status, o.total_fen, o.pickup_date, o.placed_at, \
     (SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE order_id = o.id) AS item_count, \
     (SELECT name FROM order_lines WHERE order_id = o.id AND line_no = 1) AS first_item_name";

impl SummaryRow {
    fn into_summary(self) -> AppResult<OrderSummary> {
        Ok(OrderSummary {
            id: OrderId::new_unchecked(self.id),
            status: parse_status(&self.status)?,
            total: Fen::from_fen(self.total_fen),
            item_count: self.item_count,
            pickup_date: parse_date(&self.pickup_date),
            placed_at: parse_time(&self.placed_at),
            first_item_name: self.first_item_name.unwrap_or_default(),
        })
    }
}

fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn parse_date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn parse_status(s: &str) -> AppResult<OrderStatus> {
    OrderStatus::parse(s).map_err(|_| AppError::Internal(format!("unknown order status {s}")))
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
        let priced = lines.and_then(|lines| order_total(&lines).map(|total| (lines, total)));
        let Some((lines, total)) = priced else {
            self.release_lines(store, &order_id, &taken).await;
            return Err(OrderError::TotalTooLarge.into());
        };
        let code = pickup_code(self.pickup_secret.as_bytes(), &order_id);
        let order = Order {
            id: order_id,
            pickup_code: code,
            store_id: me.store_id.clone(),
            person_id: me.person_id.clone(),
            status: OrderStatus::Placed,
            lines,
            total,
            pickup_point: pickup,
            pickup_date,
            note: new.clean_note(),
            placed_at: now,
            cancel_deadline: cancel_deadline(pickup_date),
            timeline: vec![StatusChange { status: OrderStatus::Placed, at: now }],
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
        args.extend(super::strs(&ids));
        // Guarded like the lines: a voided order leaves the cart as it was.
        statements.push(
            self.db
                .prepare(format!(
                    "DELETE FROM cart_items WHERE person_id = ?1 AND product_id IN ({}) \
                     AND EXISTS (SELECT 1 FROM orders WHERE id = ?2)",
                    super::placeholders(3, ids.len())
                ))
                .bind(&args)?,
        );
        for (product, available, version) in mirrors {
            statements.push(self.catalog.record_stock_statement(&order.store_id, product, *available, *version)?);
        }
        let results = self.db.batch(statements).await?;
        Ok(results.first().map_or(0, super::changes) > 0)
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
                 o.pickup_code, o.note, o.placed_at, pp.name AS pp_name, pp.address AS pp_address, pp.time_window AS pp_window \
                 FROM orders o JOIN pickup_points pp ON pp.id = o.pickup_point_id WHERE o.id = ?1",
            )
            .bind(&[id.as_str().into()])?
            .first(None)
            .await?)
    }

    async fn assemble(&self, row: OrderRow) -> AppResult<Order> {
        let lines: Vec<LineRow> = self
            .db
            .prepare(
                "SELECT product_id, name, unit, unit_price_fen, quantity FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
            )
            .bind(&[row.id.as_str().into()])?
            .all()
            .await?
            .results()?;
        let events: Vec<EventRow> = self
            .db
            .prepare("SELECT status, at FROM order_events WHERE order_id = ?1 ORDER BY at, rowid")
            .bind(&[row.id.as_str().into()])?
            .all()
            .await?
            .results()?;
        let pickup_date = parse_date(&row.pickup_date);
        Ok(Order {
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
            pickup_code: row.pickup_code,
            note: row.note,
            placed_at: parse_time(&row.placed_at),
            cancel_deadline: cancel_deadline(pickup_date),
            timeline: events
                .iter()
                .map(|e| Ok(StatusChange { status: parse_status(&e.status)?, at: parse_time(&e.at) }))
                .collect::<AppResult<_>>()?,
        })
    }

    /// An order and the fingerprint of the request that made it, if it exists.
    pub async fn load(&self, id: &OrderId) -> AppResult<Option<(Order, String)>> {
        let Some(row) = self.order_row(id).await? else { return Ok(None) };
        let fingerprint = row.fingerprint.clone();
        Ok(Some((self.assemble(row).await?, fingerprint)))
    }

    /// An order the viewer may see: their own, or any of their store's if they own it.
    pub async fn get(&self, me: &Me, id: &OrderId) -> AppResult<Order> {
        let row =
            self.order_row(id).await?.filter(|r| visible_to(me, r)).ok_or_else(|| AppError::not_found("order_not_found"))?;
        self.assemble(row).await
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

    /// The store's orders for one pickup day, with who collects them (owner only).
    pub async fn list_for_store(&self, store: &StoreId, pickup_date: NaiveDate) -> AppResult<Vec<StoreOrder>> {
        #[derive(Deserialize)]
        struct Row {
            #[serde(flatten)]
            summary: SummaryRow,
            nickname: String,
            building: String,
            unit: String,
            pp_name: String,
        }
        let rows: Vec<Row> = self
            .db
            .prepare(format!(
                "SELECT {SUMMARY_COLUMNS}, p.nickname, p.building, p.unit, pp.name AS pp_name FROM orders o \
                 JOIN people p ON p.id = o.person_id JOIN pickup_points pp ON pp.id = o.pickup_point_id \
                 WHERE o.store_id = ?1 AND o.pickup_date = ?2 ORDER BY o.placed_at LIMIT 500"
            ))
            .bind(&[store.as_str().into(), pickup_date.format("%Y-%m-%d").to_string().into()])?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|r| {
                Ok(StoreOrder {
                    summary: r.summary.into_summary()?,
                    buyer_nickname: r.nickname,
                    buyer_building: r.building,
                    buyer_unit: r.unit,
                    pickup_point_name: r.pp_name,
                })
            })
            .collect()
    }

    /// Cancels a placed order before the cut-off and returns its stock.
    pub async fn cancel(&self, me: &Me, id: &OrderId, now: DateTime<Utc>) -> AppResult<Order> {
        let row = self
            .order_row(id)
            .await?
            .filter(|r| r.person_id == me.person_id.as_str())
            .ok_or_else(|| AppError::not_found("order_not_found"))?;
        check_cancel(parse_status(&row.status)?, now, parse_date(&row.pickup_date))?;
        let results = self
            .db
            .batch(vec![
                self.db
                    .prepare("UPDATE orders SET status = 'cancelled' WHERE id = ?1 AND status = 'placed'")
                    .bind(&[id.as_str().into()])?,
                self.db
                    .prepare(
                        "INSERT INTO order_events (order_id, status, at) SELECT ?1, 'cancelled', ?2 \
                         WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?1 AND status = 'cancelled') ON CONFLICT DO NOTHING",
                    )
                    .bind(&[id.as_str().into(), now.to_rfc3339().into()])?,
            ])
            .await?;
        if results.first().map_or(0, super::changes) == 0 {
            return Err(OrderError::NotCancellable.into());
        }
        let row = self.order_row(id).await?.ok_or_else(|| AppError::Internal("cancelled order vanished".into()))?;
        let order = self.assemble(row).await?;
        // A live order's units belong to its room (back to the offer, or to the shelf
        // once the offer is settled); a shop order's to the SKUs' keepers.
        if let Some(live) = self.live_of(&order.id).await? {
            RoomClient::new(&self.env)?.cancel(&live, &CancelCall { order_id: order.id.clone() }).await?;
            return Ok(order);
        }
        let ids: Vec<ProductId> = order.lines.iter().map(|l| l.product_id.clone()).collect();
        let rows = self.catalog.products(&order.store_id, &ids).await?;
        let refs: Vec<&ProductRow> = rows.iter().collect();
        self.release_lines(&order.store_id, &order.id, &refs).await;
        Ok(order)
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
        let row = self
            .order_row(id)
            .await?
            .filter(|r| r.store_id == me.store_id.as_str() && me.role == Role::Owner)
            .ok_or_else(|| AppError::not_found("order_not_found"))?;
        let from = parse_status(&row.status)?;
        if update.status == OrderStatus::Cancelled {
            return Err(OrderError::InvalidTransition { from, to: update.status }.into());
        }
        check_transition(from, update.status)?;
        if update.status == OrderStatus::PickedUp {
            let code = update.pickup_code.as_deref().unwrap_or_default();
            if !verify_pickup_code(self.pickup_secret.as_bytes(), id, code) {
                return Err(AppError::new(422, "invalid_pickup_code", "The pickup code does not match this order"));
            }
        }
        let results = self
            .db
            .batch(vec![
                self.db.prepare("UPDATE orders SET status = ?1 WHERE id = ?2 AND status = ?3").bind(&[
                    update.status.as_str().into(),
                    id.as_str().into(),
                    from.as_str().into(),
                ])?,
                self.db
                    .prepare(
                        "INSERT INTO order_events (order_id, status, at) SELECT ?1, ?2, ?3 \
                         WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?1 AND status = ?2) ON CONFLICT DO NOTHING",
                    )
                    .bind(&[id.as_str().into(), update.status.as_str().into(), now.to_rfc3339().into()])?,
            ])
            .await?;
        if results.first().map_or(0, super::changes) == 0 {
            return Err(OrderError::InvalidTransition { from, to: update.status }.into());
        }
        let row = self.order_row(id).await?.ok_or_else(|| AppError::Internal("order vanished".into()))?;
        self.assemble(row).await
    }
}

fn visible_to(me: &Me, row: &OrderRow) -> bool {
    row.person_id == me.person_id.as_str() || (me.role == Role::Owner && row.store_id == me.store_id.as_str())
}

/// For a stranded stock hold: voids `order_id` unless its order already reached D1, and
/// says whether it had (`true`: confirm the hold; `false`: give the units back). Void
/// first, then look, in one batch: once voided, the order insert can no longer land.
pub async fn void_unless_landed(db: &D1Database, order_id: &str, now: DateTime<Utc>) -> worker::Result<bool> {
    let results = db
        .batch(vec![
            db.prepare(
                "INSERT INTO voided_orders (order_id, voided_at) SELECT ?1, ?2 \
                 WHERE NOT EXISTS (SELECT 1 FROM orders WHERE id = ?1) ON CONFLICT DO NOTHING",
            )
            .bind(&[order_id.into(), now.to_rfc3339().into()])?,
            db.prepare("SELECT id FROM orders WHERE id = ?1").bind(&[order_id.into()])?,
        ])
        .await?;
    Ok(results.get(1).map(|r| r.results::<serde_json::Value>().map(|v| !v.is_empty())).transpose()?.unwrap_or(false))
}

/// The statements that write `order`: its header (first, so its change count says whether
/// it landed), lines and first event. Every one is guarded: the header by `voided_orders`
/// (a swept hold's order can never land) and by its key (a concurrent retry writes nothing),
/// the rest by the header's existence. Shop and live orders share them.
pub fn order_statements(
    db: &D1Database,
    key: &IdempotencyKey,
    fingerprint: &str,
    order: &Order,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let placed_at = order.placed_at.to_rfc3339();
    let mut statements = vec![db
        .prepare(
            "INSERT INTO orders (id, store_id, person_id, idempotency_key, fingerprint, status, total_fen, pickup_point_id, \
             pickup_date, pickup_code, note, placed_at) SELECT ?1, ?2, ?3, ?4, ?5, 'placed', ?6, ?7, ?8, ?9, ?10, ?11 \
             WHERE NOT EXISTS (SELECT 1 FROM voided_orders WHERE order_id = ?1) ON CONFLICT DO NOTHING",
        )
        .bind(&[
            order.id.as_str().into(),
            order.store_id.as_str().into(),
            order.person_id.as_str().into(),
            key.as_str().into(),
            fingerprint.into(),
            (order.total.fen() as f64).into(),
            order.pickup_point.id.as_str().into(),
            order.pickup_date.format("%Y-%m-%d").to_string().into(),
            order.pickup_code.as_str().into(),
            order.note.as_deref().map(Into::into).unwrap_or(wasm_bindgen::JsValue::NULL),
            placed_at.as_str().into(),
        ])?];
    for (i, line) in order.lines.iter().enumerate() {
        statements.push(
            db.prepare(
                "INSERT INTO order_lines (order_id, line_no, product_id, name, unit, unit_price_fen, quantity) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?1) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                order.id.as_str().into(),
                ((i + 1) as u32).into(),
                line.product_id.as_str().into(),
                line.name.as_str().into(),
                line.unit.as_str().into(),
                (line.unit_price.fen() as f64).into(),
                line.quantity.into(),
            ])?,
        );
    }
    statements.push(
        db.prepare(
            "INSERT INTO order_events (order_id, status, at) SELECT ?1, 'placed', ?2 \
             WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?1) ON CONFLICT DO NOTHING",
        )
        .bind(&[order.id.as_str().into(), placed_at.into()])?,
    );
    Ok(statements)
}
