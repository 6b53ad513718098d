//! 备货 (shared-model's `supply`): a store's pick list and purchase orders for a pickup
//! day, sending a purchase order through the `SUPPLY_QUEUE`, delivering it to the
//! supplier, and the demo supplier's inbox.
//!
//! The delivery path, and why each step is where it is:
//! 1. **Send** writes the order and its lines (as the rules make them now) and then puts
//!    `{purchase_order_id}` on the queue. The row is written first, so a queue that
//!    refuses the message leaves an order on the dead-letter list to send again, never a
//!    message about an order that does not exist. The order's id is derived from store,
//!    supplier and day, so sending it again finds the row and sends nothing.
//! 2. **The consumer** ([`SupplyService::deliver`]) reads the order as sent and POSTs it to
//!    the supplier's endpoint with `Idempotency-Key` = the order's id and the chain's
//!    signature. It records every attempt; a failed one is retried with the delay of
//!    `supply::retry_delay_secs` for its attempt in this round (`retry_with_options`). An
//!    order already delivered is acknowledged without being sent again.
//! 3. **The dead-letter queue's consumer** ([`SupplyService::bury`]) records the dead
//!    letter. It is recorded there rather than on "the last attempt" because the queue
//!    alone decides when retries are exhausted (`max_retries` lives in `wrangler.toml`
//!    only, not copied here), and a message whose consumer crashed or timed out before
//!    recording anything still ends up on the dead-letter queue. Recording is idempotent.
//! 4. **Resend** takes an order off the dead-letter list and queues it again; its attempts
//!    keep counting, and its back-off starts over.
//!
//! Reaching the demo supplier: an endpoint starting with `/` is a route of this worker,
//! fetched through the `SELF` service binding (the worker bound to itself), which reaches
//! it the same way under `wrangler dev` and in production, with no public URL to know
//! and no request leaving Cloudflare. Any other endpoint is fetched over the internet.

use crate::{
    error::{AppError, AppResult},
    http::env_text,
    storage::{changes, nullable, placeholders, stored, stored_date, stored_time, DATE_FORMAT},
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use shared_model::{
    api::{
        DeadLetter, Delivery, DeliveryAttempt, DemoInbox, PurchaseOrderDocument, PurchaseOrderView, QueuedPurchaseOrder,
        ReceivedPurchaseOrder, SupplierLine, SupplyDeliveries, SupplyPlan,
    },
    order::{Order, OrderLine, OrderStatus},
    store::PickupPoint,
    supply::{
        ordered_units, pick_list, purchase_order_signature, purchase_orders, retry_delay_secs, signature_matches, DeliveryStatus,
        PurchaseLine, SkuSupply, Supplier, SupplyError, SIGNATURE_HEADER,
    },
    time::cancel_deadline,
    Fen, OrderId, PersonId, PickupPointId, ProductId, PurchaseOrderId, StoreId, SupplierId,
};
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;
use worker::{D1Database, Env, Fetch, Headers, Method, Request, RequestInit};

/// The queue purchase orders go on (`wrangler.toml`).
pub const QUEUE_BINDING: &str = "SUPPLY_QUEUE";
/// The queue the `SUPPLY_QUEUE`'s consumer moves a message to when its retries are
/// exhausted (`wrangler.toml`); this worker consumes it too.
pub const DEAD_LETTER_QUEUE: &str = "linli-supply-dead";
/// The worker bound to itself, to reach its own routes (the demo supplier's inbox).
const SELF_BINDING: &str = "SELF";
/// The first retry's delay in seconds (then doubling): a `[vars]` entry, 30 in
/// production; the local test edge sets 1 so the journey's retries take seconds.
const RETRY_BASE_VAR: &str = "SUPPLY_RETRY_BASE_SECS";
const DEFAULT_RETRY_BASE_SECS: u32 = 30;
/// The demo supplier's inbox, a route of this worker.
pub const DEMO_INBOX_PATH: &str = "/api/v1/demo-supplier/purchase-orders";

pub struct SupplyService {
    db: D1Database,
    env: Env,
}

/// What the consumer did with one message, for the queue's answer.
pub enum Delivered {
    /// Delivered now or before (or no such order): acknowledge.
    Done,
    /// Not delivered: retry after this many seconds.
    RetryIn(u32),
}

#[derive(Deserialize)]
struct OrderRow {
    id: String,
    person_id: String,
    status: String,
    total_fen: i64,
    pickup_point_id: String,
    placed_at: String,
    group_number: u32,
    pp_name: String,
}

#[derive(Deserialize)]
struct LineRow {
    order_id: String,
    product_id: String,
    name: String,
    unit: String,
    unit_price_fen: i64,
    quantity: u32,
}

#[derive(Deserialize)]
struct SkuRow {
    product_id: String,
    name: String,
    unit: String,
    supplier_id: String,
    pack_size: u32,
    safety_stock: u32,
    on_hand: u32,
}

#[derive(Deserialize)]
struct SupplierRow {
    id: String,
    name: String,
    endpoint: String,
    demo: u32,
}

impl SupplierRow {
    fn supplier(&self) -> Supplier {
        Supplier { id: SupplierId::new_unchecked(self.id.clone()), name: self.name.clone(), demo: self.demo != 0 }
    }
}

#[derive(Deserialize)]
struct PoRow {
    id: String,
    store_id: String,
    supplier_id: String,
    pickup_date: String,
    status: String,
    sent_at: String,
    delivered_at: Option<String>,
}

#[derive(Deserialize)]
struct PoLineRow {
    purchase_order_id: String,
    product_id: String,
    name: String,
    unit: String,
    ordered: u32,
    safety_stock: u32,
    on_hand: u32,
    pack_size: u32,
    quantity: u32,
}

#[derive(Deserialize)]
struct AttemptRow {
    purchase_order_id: String,
    attempt: u32,
    at: String,
    http_status: Option<u16>,
    delivered: u32,
    next_retry_at: Option<String>,
}

#[derive(Deserialize)]
struct CountRow {
    n: u32,
}

/// The columns of a purchase order row.
const PO_COLUMNS: &str = "id, store_id, supplier_id, pickup_date, status, sent_at, delivered_at";

impl SupplyService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, env: env.clone() })
    }

    /// The 备货 of `store` for `day` at `now`: the pick list, and each supplier's purchase
    /// order (as sent, or as the rules make it now).
    pub async fn plan(&self, store: &StoreId, day: NaiveDate, now: DateTime<Utc>) -> AppResult<SupplyPlan> {
        let orders = self.orders_for(store, day).await?;
        let points = self.pickup_points(store).await?;
        let suppliers = self.suppliers().await?;
        let planned = self.planned(store, day, &orders, &suppliers).await?;
        let sent = self.sent(store, Some(day)).await?;
        let sent_ids: Vec<PurchaseOrderId> = sent.iter().map(|s| s.id.clone()).collect();
        let mut purchase_orders: Vec<PurchaseOrderView> = planned
            .into_iter()
            .filter(|p| !sent_ids.contains(&p.id))
            .map(|p| PurchaseOrderView {
                id: p.id,
                supplier: p.supplier,
                pickup_date: p.pickup_date,
                lines: p.lines,
                delivery: None,
            })
            .chain(sent)
            .collect();
        purchase_orders.sort_by(|a, b| (&a.supplier.name, &a.supplier.id).cmp(&(&b.supplier.name, &b.supplier.id)));
        Ok(SupplyPlan {
            pickup_date: day,
            orders_final: now >= cancel_deadline(day),
            pick_list: pick_list(&orders, &points),
            purchase_orders,
        })
    }

    /// Sends `supplier`'s purchase order of `store` for `day`: written with the rules'
    /// lines as of now and queued. One already sent is answered as it is (`false`),
    /// nothing sent again.
    pub async fn send(
        &self,
        store: &StoreId,
        supplier: &SupplierId,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> AppResult<(PurchaseOrderView, bool)> {
        let suppliers = self.suppliers().await?;
        if !suppliers.iter().any(|s| &s.id == supplier) {
            return Err(SupplyError::SupplierNotFound.into());
        }
        let id = shared_model::supply::purchase_order_id(store, supplier, day);
        if let Some(existing) = self.view(store, &id).await? {
            return Ok((existing, false));
        }
        let orders = self.orders_for(store, day).await?;
        let plan = self
            .planned(store, day, &orders, &suppliers)
            .await?
            .into_iter()
            .find(|p| &p.supplier.id == supplier)
            .ok_or(SupplyError::NothingToOrder)?;
        let mut writes = vec![self
            .db
            .prepare(
                "INSERT INTO purchase_orders (id, store_id, supplier_id, pickup_date, status, sent_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                id.as_str().into(),
                store.as_str().into(),
                supplier.as_str().into(),
                day.format(DATE_FORMAT).to_string().into(),
                DeliveryStatus::Queued.as_str().into(),
                now.to_rfc3339().into(),
            ])?];
        for line in &plan.lines {
            writes.push(
                self.db
                    // Only into the row written just now (not one another send won the race to).
                    .prepare(format!(
                        "INSERT INTO purchase_order_lines SELECT {} \
                         WHERE (SELECT sent_at FROM purchase_orders WHERE id = ?1) = ?10 ON CONFLICT DO NOTHING",
                        placeholders(1, 9)
                    ))
                    .bind(&[
                        id.as_str().into(),
                        line.product_id.as_str().into(),
                        line.name.as_str().into(),
                        line.unit.as_str().into(),
                        line.ordered.into(),
                        line.safety_stock.into(),
                        line.on_hand.into(),
                        line.pack_size.into(),
                        line.quantity.into(),
                        now.to_rfc3339().into(),
                    ])?,
            );
        }
        let results = self.db.batch(writes).await?;
        let created = results.first().map(changes).unwrap_or(0) > 0;
        if created {
            self.enqueue(store, &id, now).await?;
        }
        let view = self.view(store, &id).await?.ok_or_else(|| AppError::Internal(format!("purchase order {id} not written")))?;
        Ok((view, created))
    }

    /// Puts a dead-lettered purchase order of `store` on the queue again.
    pub async fn resend(&self, store: &StoreId, id: &PurchaseOrderId, now: DateTime<Utc>) -> AppResult<PurchaseOrderView> {
        let current = self.view(store, id).await?.ok_or(SupplyError::PurchaseOrderNotFound)?;
        if current.delivery.as_ref().map(|d| d.status) != Some(DeliveryStatus::DeadLettered) {
            return Err(SupplyError::NotDeadLettered.into());
        }
        let results = self
            .db
            .batch(vec![
                self.db.prepare("UPDATE purchase_orders SET status = ?2, sent_at = ?3 WHERE id = ?1 AND status = ?4").bind(&[
                    id.as_str().into(),
                    DeliveryStatus::Queued.as_str().into(),
                    now.to_rfc3339().into(),
                    DeliveryStatus::DeadLettered.as_str().into(),
                ])?,
                self.db
                    .prepare(
                        "DELETE FROM dead_letters WHERE purchase_order_id = ?1 \
                         AND EXISTS (SELECT 1 FROM purchase_orders WHERE id = ?1 AND sent_at = ?2)",
                    )
                    .bind(&[id.as_str().into(), now.to_rfc3339().into()])?,
            ])
            .await?;
        // Another resend took it first: that one queued it.
        if results.first().map(changes).unwrap_or(0) == 0 {
            return Err(SupplyError::NotDeadLettered.into());
        }
        self.enqueue(store, id, now).await?;
        self.view(store, id).await?.ok_or_else(|| SupplyError::PurchaseOrderNotFound.into())
    }

    /// The store's sent purchase orders, newest first, and its dead-letter list.
    pub async fn deliveries(&self, store: &StoreId) -> AppResult<SupplyDeliveries> {
        #[derive(Deserialize)]
        struct DeadRow {
            purchase_order_id: String,
            supplier_name: String,
            pickup_date: String,
            attempts: u32,
            dead_at: String,
        }
        let mut purchase_orders = self.sent(store, None).await?;
        purchase_orders.sort_by(|a, b| {
            let at = |v: &PurchaseOrderView| v.delivery.as_ref().map(|d| d.sent_at);
            at(b).cmp(&at(a)).then_with(|| a.id.cmp(&b.id))
        });
        let dead: Vec<DeadRow> = self
            .db
            .prepare(
                "SELECT d.purchase_order_id, s.name AS supplier_name, po.pickup_date, d.attempts, d.dead_at FROM dead_letters d \
                 JOIN purchase_orders po ON po.id = d.purchase_order_id JOIN suppliers s ON s.id = po.supplier_id \
                 WHERE d.store_id = ?1 ORDER BY d.dead_at DESC",
            )
            .bind(&[store.as_str().into()])?
            .all()
            .await?
            .results()?;
        let dead_letters = dead
            .into_iter()
            .map(|d| {
                Ok(DeadLetter {
                    purchase_order_id: PurchaseOrderId::new_unchecked(d.purchase_order_id),
                    supplier_name: d.supplier_name,
                    pickup_date: stored_date(&d.pickup_date)?,
                    attempts: d.attempts,
                    dead_at: stored_time(&d.dead_at)?,
                })
            })
            .collect::<AppResult<_>>()?;
        Ok(SupplyDeliveries { purchase_orders, dead_letters })
    }

    /// The queue's consumer for one message: delivers the order to its supplier (see the
    /// module doc, step 2) and records the attempt.
    pub async fn deliver(&self, message: &QueuedPurchaseOrder, now: DateTime<Utc>) -> AppResult<Delivered> {
        let id = &message.purchase_order_id;
        let Some(po) = self.po_row(id).await? else {
            worker::console_error!("supply: no purchase order {id}; message dropped");
            return Ok(Delivered::Done);
        };
        if stored("delivery status", &po.status, DeliveryStatus::parse)? == DeliveryStatus::Delivered {
            return Ok(Delivered::Done);
        }
        let (attempt, round_attempt) = self.next_attempt(&po).await?;
        let supplier = self.supplier(&po.supplier_id).await?;
        let document = self.document(&po).await?;
        let body = serde_json::to_string(&document)?;
        let http_status = match self.post(&supplier.endpoint, id, &body).await {
            Ok(status) => Some(status),
            Err(e) => {
                worker::console_error!("supply: delivering {id} to {}: {e:?}", supplier.id);
                None
            }
        };
        let delivered = http_status.is_some_and(|s| (200..300).contains(&s));
        let retry_in = retry_delay_secs(round_attempt, self.retry_base());
        let next_retry_at = (!delivered).then(|| now + Duration::seconds(i64::from(retry_in)));
        let mut writes = vec![self
            .db
            .prepare(
                "INSERT INTO delivery_attempts (purchase_order_id, attempt, at, http_status, delivered, next_retry_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                id.as_str().into(),
                attempt.into(),
                now.to_rfc3339().into(),
                http_status.map_or(JsValue::NULL, |s| JsValue::from(u32::from(s))),
                u32::from(delivered).into(),
                nullable(next_retry_at.map(|t| t.to_rfc3339()).as_deref()),
            ])?];
        let (status, delivered_at) =
            if delivered { (DeliveryStatus::Delivered, Some(now.to_rfc3339())) } else { (DeliveryStatus::Retrying, None) };
        writes.push(
            self.db
                .prepare("UPDATE purchase_orders SET status = ?2, delivered_at = COALESCE(?3, delivered_at) WHERE id = ?1 AND status != ?4")
                .bind(&[
                    id.as_str().into(),
                    status.as_str().into(),
                    nullable(delivered_at.as_deref()),
                    DeliveryStatus::Delivered.as_str().into(),
                ])?,
        );
        self.db.batch(writes).await?;
        Ok(if delivered { Delivered::Done } else { Delivered::RetryIn(retry_in) })
    }

    /// The dead-letter queue's consumer for one message: the order goes on the store's
    /// dead-letter list (module doc, step 3), unless it was delivered after all.
    pub async fn bury(&self, message: &QueuedPurchaseOrder, now: DateTime<Utc>) -> AppResult<()> {
        let id = &message.purchase_order_id;
        let Some(po) = self.po_row(id).await? else {
            worker::console_error!("supply: dead letter of no purchase order {id}");
            return Ok(());
        };
        let (next, _) = self.next_attempt(&po).await?;
        self.db
            .batch(vec![
                self.db
                    .prepare(
                        "INSERT INTO dead_letters (purchase_order_id, store_id, attempts, dead_at) \
                         SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM purchase_orders WHERE id = ?1 AND status != ?5) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(&[
                        id.as_str().into(),
                        po.store_id.as_str().into(),
                        (next - 1).into(),
                        now.to_rfc3339().into(),
                        DeliveryStatus::Delivered.as_str().into(),
                    ])?,
                self.db.prepare("UPDATE purchase_orders SET status = ?2 WHERE id = ?1 AND status != ?3").bind(&[
                    id.as_str().into(),
                    DeliveryStatus::DeadLettered.as_str().into(),
                    DeliveryStatus::Delivered.as_str().into(),
                ])?,
            ])
            .await?;
        Ok(())
    }

    /// The demo supplier's inbox receiving a delivery: checked as a supplier would (the
    /// chain's signature, the key naming the order), refused while switched off for the
    /// order's store, and kept once however often it arrives. `true` the first time.
    pub async fn receive(&self, body: &[u8], key: Option<&str>, signature: Option<&str>, now: DateTime<Utc>) -> AppResult<bool> {
        let secret = self.secret()?;
        if !signature.is_some_and(|s| signature_matches(secret.as_bytes(), body, s)) {
            return Err(SupplyError::BadSignature.into());
        }
        let document: PurchaseOrderDocument =
            serde_json::from_slice(body).map_err(|e| AppError::malformed_json(e.to_string()))?;
        if key != Some(document.id.as_str()) {
            return Err(AppError::new(400, "invalid_idempotency_key", "Idempotency-Key must be the purchase order's id"));
        }
        if !self.inbox_open(&document.store_id).await? {
            return Err(SupplyError::InboxClosed.into());
        }
        let row: Option<CountRow> = self
            .db
            .prepare(
                "INSERT INTO demo_inbox_orders (purchase_order_id, store_id, body, lines, received_at) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (purchase_order_id) DO UPDATE SET deliveries = deliveries + 1 RETURNING deliveries AS n",
            )
            .bind(&[
                document.id.as_str().into(),
                document.store_id.as_str().into(),
                String::from_utf8_lossy(body).into_owned().into(),
                (document.lines.len() as u32).into(),
                now.to_rfc3339().into(),
            ])?
            .first(None)
            .await?;
        Ok(row.map(|r| r.n) == Some(1))
    }

    /// The demo supplier as `store` sees it.
    pub async fn inbox(&self, store: &StoreId) -> AppResult<DemoInbox> {
        #[derive(Deserialize)]
        struct Row {
            purchase_order_id: String,
            received_at: String,
            deliveries: u32,
            lines: u32,
        }
        let rows: Vec<Row> = self
            .db
            .prepare(
                "SELECT purchase_order_id, received_at, deliveries, lines FROM demo_inbox_orders WHERE store_id = ?1 \
                 ORDER BY received_at DESC, purchase_order_id",
            )
            .bind(&[store.as_str().into()])?
            .all()
            .await?
            .results()?;
        let received = rows
            .into_iter()
            .map(|r| {
                Ok(ReceivedPurchaseOrder {
                    purchase_order_id: PurchaseOrderId::new_unchecked(r.purchase_order_id),
                    received_at: stored_time(&r.received_at)?,
                    deliveries: r.deliveries,
                    lines: r.lines,
                })
            })
            .collect::<AppResult<_>>()?;
        Ok(DemoInbox { open: self.inbox_open(store).await?, received })
    }

    /// Opens or closes the demo supplier's inbox for `store`'s orders.
    pub async fn set_inbox(&self, store: &StoreId, open: bool) -> AppResult<DemoInbox> {
        self.db
            .prepare(
                "INSERT INTO demo_inbox_switch (store_id, open) VALUES (?1, ?2) ON CONFLICT (store_id) DO UPDATE SET open = ?2",
            )
            .bind(&[store.as_str().into(), u32::from(open).into()])?
            .run()
            .await?;
        self.inbox(store).await
    }

    async fn inbox_open(&self, store: &StoreId) -> AppResult<bool> {
        #[derive(Deserialize)]
        struct Row {
            open: u32,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT open FROM demo_inbox_switch WHERE store_id = ?1")
            .bind(&[store.as_str().into()])?
            .first(None)
            .await?;
        Ok(row.is_none_or(|r| r.open != 0))
    }

    // -----------------------------------------------------------------------------------

    fn retry_base(&self) -> u32 {
        env_text(&self.env, RETRY_BASE_VAR).and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_RETRY_BASE_SECS)
    }

    /// The chain's secret the purchase orders are signed with.
    fn secret(&self) -> AppResult<String> {
        env_text(&self.env, "SESSION_SECRET").ok_or_else(|| AppError::Internal("SESSION_SECRET is not set".into()))
    }

    async fn enqueue(&self, store: &StoreId, id: &PurchaseOrderId, now: DateTime<Utc>) -> AppResult<()> {
        let message = QueuedPurchaseOrder { purchase_order_id: id.clone(), store_id: store.clone() };
        let queued = async { self.env.queue(QUEUE_BINDING)?.send(&message).await };
        if let Err(e) = queued.await {
            // The order stays findable: on the dead-letter list, to send again.
            worker::console_error!("supply: queueing {id}: {e:?}");
            self.bury(&message, now).await?;
            return Err(AppError::Internal(format!("queueing {id}: {e}")));
        }
        Ok(())
    }

    /// POSTs `body` to `endpoint` (module doc: a `/` path through `SELF`); the answer's
    /// status.
    async fn post(&self, endpoint: &str, id: &PurchaseOrderId, body: &str) -> AppResult<u16> {
        let headers = Headers::new();
        headers.set("Content-Type", "application/json")?;
        headers.set("Idempotency-Key", id.as_str())?;
        headers.set(SIGNATURE_HEADER, &purchase_order_signature(self.secret()?.as_bytes(), body.as_bytes()))?;
        let init = RequestInit { method: Method::Post, headers, body: Some(body.into()), ..RequestInit::default() };
        let response = if endpoint.starts_with('/') {
            let request = Request::new_with_init(&format!("https://linli.internal{endpoint}"), &init)?;
            self.env.service(SELF_BINDING)?.fetch_request(request).await?
        } else {
            Fetch::Request(Request::new_with_init(endpoint, &init)?).send().await?
        };
        Ok(response.status_code())
    }

    async fn po_row(&self, id: &PurchaseOrderId) -> AppResult<Option<PoRow>> {
        Ok(self
            .db
            .prepare(format!("SELECT {PO_COLUMNS} FROM purchase_orders WHERE id = ?1"))
            .bind(&[id.as_str().into()])?
            .first(None)
            .await?)
    }

    /// The number of the next attempt at `po`, overall and in this round (since it was
    /// last sent: the back-off starts over at a resend).
    async fn next_attempt(&self, po: &PoRow) -> AppResult<(u32, u32)> {
        #[derive(Deserialize)]
        struct Row {
            total: u32,
            round: u32,
        }
        let row: Option<Row> = self
            .db
            .prepare(
                "SELECT COALESCE(MAX(attempt), 0) AS total, COUNT(CASE WHEN at >= ?2 THEN 1 END) AS round \
                 FROM delivery_attempts WHERE purchase_order_id = ?1",
            )
            .bind(&[po.id.as_str().into(), po.sent_at.as_str().into()])?
            .first(None)
            .await?;
        let row = row.unwrap_or(Row { total: 0, round: 0 });
        Ok((row.total + 1, row.round + 1))
    }

    async fn supplier(&self, id: &str) -> AppResult<SupplierRow> {
        self.db
            .prepare("SELECT id, name, endpoint, demo FROM suppliers WHERE id = ?1")
            .bind(&[id.into()])?
            .first(None)
            .await?
            .ok_or_else(|| AppError::Internal(format!("purchase order of no supplier {id}")))
    }

    async fn suppliers(&self) -> AppResult<Vec<Supplier>> {
        let rows: Vec<SupplierRow> =
            self.db.prepare("SELECT id, name, endpoint, demo FROM suppliers ORDER BY id").all().await?.results()?;
        Ok(rows.iter().map(SupplierRow::supplier).collect())
    }

    /// What the supplier receives: the order as sent.
    async fn document(&self, po: &PoRow) -> AppResult<PurchaseOrderDocument> {
        #[derive(Deserialize)]
        struct StoreRow {
            name: String,
        }
        let store: Option<StoreRow> =
            self.db.prepare("SELECT name FROM stores WHERE id = ?1").bind(&[po.store_id.as_str().into()])?.first(None).await?;
        let lines = self.po_lines(&[po.id.as_str()]).await?.remove(&po.id).unwrap_or_default();
        Ok(PurchaseOrderDocument {
            id: PurchaseOrderId::new_unchecked(po.id.clone()),
            store_id: StoreId::new_unchecked(po.store_id.clone()),
            store_name: store.map(|s| s.name).unwrap_or_default(),
            supplier_id: SupplierId::new_unchecked(po.supplier_id.clone()),
            pickup_date: stored_date(&po.pickup_date)?,
            lines: lines
                .into_iter()
                .map(|l| SupplierLine {
                    product_id: l.product_id,
                    name: l.name,
                    unit: l.unit,
                    quantity: l.quantity,
                    pack_size: l.pack_size,
                })
                .collect(),
        })
    }

    /// The rules' purchase orders of `store` for `day` from its `orders` for that day. On
    /// hand is what is physically in the store: the keeper's free units and those its open
    /// orders hold (the ledger's shelf + in open orders), so the day's orders, already taken
    /// from stock, are not bought twice.
    async fn planned(
        &self,
        store: &StoreId,
        day: NaiveDate,
        orders: &[Order],
        suppliers: &[Supplier],
    ) -> AppResult<Vec<shared_model::supply::PurchasePlan>> {
        let rows: Vec<SkuRow> = self
            .db
            .prepare(
                "SELECT sp.product_id, p.name, p.unit, sp.supplier_id, sp.pack_size, sp.safety_stock, \
                 sp.available + COALESCE((SELECT SUM(ol.quantity) FROM order_lines ol JOIN orders o ON o.id = ol.order_id \
                   WHERE o.store_id = sp.store_id AND ol.product_id = sp.product_id \
                   AND o.status IN ('placed', 'ready_for_pickup')), 0) AS on_hand \
                 FROM store_products sp JOIN products p ON p.id = sp.product_id \
                 WHERE sp.store_id = ?1 AND sp.supplier_id IS NOT NULL",
            )
            .bind(&[store.as_str().into()])?
            .all()
            .await?
            .results()?;
        let skus: Vec<SkuSupply> = rows
            .into_iter()
            .map(|r| SkuSupply {
                product_id: ProductId::new_unchecked(r.product_id),
                name: r.name,
                unit: r.unit,
                supplier_id: SupplierId::new_unchecked(r.supplier_id),
                pack_size: r.pack_size,
                safety_stock: r.safety_stock,
                on_hand: r.on_hand,
            })
            .collect();
        Ok(purchase_orders(store, day, &ordered_units(orders), &skus, suppliers))
    }

    /// `store`'s orders for pickup on `day`, each with its lines and 跟团号 (never its
    /// pickup code: the pick list has no use for it).
    async fn orders_for(&self, store: &StoreId, day: NaiveDate) -> AppResult<Vec<Order>> {
        let day_text = day.format(DATE_FORMAT).to_string();
        let args = [store.as_str().into(), day_text.as_str().into()];
        let results = self
            .db
            .batch(vec![
                self.db
                    .prepare(
                        "WITH day AS (SELECT o.*, ROW_NUMBER() OVER (ORDER BY o.placed_at, o.id) AS group_number FROM orders o \
                         WHERE o.store_id = ?1 AND o.pickup_date = ?2) \
                         SELECT o.id, o.person_id, o.status, o.total_fen, o.pickup_point_id, o.placed_at, o.group_number, \
                         pp.name AS pp_name FROM day o JOIN pickup_points pp ON pp.id = o.pickup_point_id",
                    )
                    .bind(&args)?,
                self.db
                    .prepare(
                        "SELECT l.order_id, l.product_id, l.name, l.unit, l.unit_price_fen, l.quantity FROM order_lines l \
                         JOIN orders o ON o.id = l.order_id WHERE o.store_id = ?1 AND o.pickup_date = ?2 ORDER BY l.order_id, l.line_no",
                    )
                    .bind(&args)?,
            ])
            .await?;
        let [orders, lines] = results.as_slice() else {
            return Err(AppError::Internal("supply: order batch returned a different shape".into()));
        };
        let mut lines_of: BTreeMap<String, Vec<OrderLine>> = BTreeMap::new();
        for l in lines.results::<LineRow>()? {
            let unit_price = Fen::from_fen(l.unit_price_fen);
            lines_of.entry(l.order_id).or_default().push(OrderLine {
                product_id: ProductId::new_unchecked(l.product_id),
                name: l.name,
                unit: l.unit,
                unit_price,
                quantity: l.quantity,
                line_total: unit_price.checked_mul(l.quantity).unwrap_or(Fen::ZERO),
            });
        }
        orders
            .results::<OrderRow>()?
            .into_iter()
            .map(|o| {
                let placed_at = stored_time(&o.placed_at)?;
                Ok(Order {
                    lines: lines_of.remove(&o.id).unwrap_or_default(),
                    id: OrderId::new_unchecked(o.id),
                    store_id: store.clone(),
                    person_id: PersonId::new_unchecked(o.person_id),
                    status: stored("order status", &o.status, OrderStatus::parse)?,
                    total: Fen::from_fen(o.total_fen),
                    pickup_point: PickupPoint {
                        id: PickupPointId::new_unchecked(o.pickup_point_id),
                        name: o.pp_name,
                        address: String::new(),
                        window: String::new(),
                    },
                    pickup_date: day,
                    pickup_code: None,
                    note: None,
                    placed_at,
                    cancel_deadline: cancel_deadline(day),
                    timeline: Vec::new(),
                    group_number: Some(o.group_number),
                    coupon: None,
                })
            })
            .collect()
    }

    async fn pickup_points(&self, store: &StoreId) -> AppResult<Vec<PickupPointId>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
        }
        let rows: Vec<Row> = self
            .db
            .prepare("SELECT id FROM pickup_points WHERE store_id = ?1 ORDER BY id")
            .bind(&[store.as_str().into()])?
            .all()
            .await?
            .results()?;
        Ok(rows.into_iter().map(|r| PickupPointId::new_unchecked(r.id)).collect())
    }

    /// One purchase order of `store` as sent, or `None`.
    async fn view(&self, store: &StoreId, id: &PurchaseOrderId) -> AppResult<Option<PurchaseOrderView>> {
        let Some(row) = self.po_row(id).await?.filter(|r| r.store_id == store.as_str()) else { return Ok(None) };
        Ok(self.views(vec![row]).await?.pop())
    }

    /// `store`'s sent purchase orders (for `day`, or the latest 50).
    async fn sent(&self, store: &StoreId, day: Option<NaiveDate>) -> AppResult<Vec<PurchaseOrderView>> {
        let rows: Vec<PoRow> = match day {
            Some(day) => self
                .db
                .prepare(format!("SELECT {PO_COLUMNS} FROM purchase_orders WHERE store_id = ?1 AND pickup_date = ?2"))
                .bind(&[store.as_str().into(), day.format(DATE_FORMAT).to_string().into()])?,
            None => self
                .db
                .prepare(format!("SELECT {PO_COLUMNS} FROM purchase_orders WHERE store_id = ?1 ORDER BY sent_at DESC LIMIT 50"))
                .bind(&[store.as_str().into()])?,
        }
        .all()
        .await?
        .results()?;
        self.views(rows).await
    }

    /// Sent purchase orders with their lines, supplier and attempts.
    async fn views(&self, rows: Vec<PoRow>) -> AppResult<Vec<PurchaseOrderView>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let mut lines = self.po_lines(&ids).await?;
        let attempt_rows: Vec<AttemptRow> = self
            .db
            .prepare(format!(
                "SELECT purchase_order_id, attempt, at, http_status, delivered, next_retry_at FROM delivery_attempts \
                 WHERE purchase_order_id IN ({}) ORDER BY purchase_order_id, attempt",
                placeholders(1, ids.len())
            ))
            .bind(&crate::storage::strs(&ids))?
            .all()
            .await?
            .results()?;
        let mut attempts: BTreeMap<String, Vec<DeliveryAttempt>> = BTreeMap::new();
        for a in attempt_rows {
            attempts.entry(a.purchase_order_id).or_default().push(DeliveryAttempt {
                attempt: a.attempt,
                at: stored_time(&a.at)?,
                http_status: a.http_status,
                delivered: a.delivered != 0,
                next_retry_at: a.next_retry_at.as_deref().map(stored_time).transpose()?,
            });
        }
        let suppliers = self.suppliers().await?;
        rows.into_iter()
            .map(|r| {
                let supplier = suppliers
                    .iter()
                    .find(|s| s.id.as_str() == r.supplier_id)
                    .cloned()
                    .ok_or_else(|| AppError::Internal(format!("purchase order {} of no supplier", r.id)))?;
                Ok(PurchaseOrderView {
                    supplier,
                    pickup_date: stored_date(&r.pickup_date)?,
                    lines: lines.remove(&r.id).unwrap_or_default(),
                    delivery: Some(Delivery {
                        status: stored("delivery status", &r.status, DeliveryStatus::parse)?,
                        sent_at: stored_time(&r.sent_at)?,
                        attempts: attempts.remove(&r.id).unwrap_or_default(),
                        delivered_at: r.delivered_at.as_deref().map(stored_time).transpose()?,
                    }),
                    id: PurchaseOrderId::new_unchecked(r.id),
                })
            })
            .collect()
    }

    async fn po_lines(&self, ids: &[&str]) -> AppResult<BTreeMap<String, Vec<PurchaseLine>>> {
        let rows: Vec<PoLineRow> = self
            .db
            .prepare(format!(
                "SELECT * FROM purchase_order_lines WHERE purchase_order_id IN ({}) ORDER BY purchase_order_id, name, product_id",
                placeholders(1, ids.len())
            ))
            .bind(&crate::storage::strs(ids))?
            .all()
            .await?
            .results()?;
        let mut lines: BTreeMap<String, Vec<PurchaseLine>> = BTreeMap::new();
        for l in rows {
            lines.entry(l.purchase_order_id).or_default().push(PurchaseLine {
                product_id: ProductId::new_unchecked(l.product_id),
                name: l.name,
                unit: l.unit,
                ordered: l.ordered,
                safety_stock: l.safety_stock,
                on_hand: l.on_hand,
                pack_size: l.pack_size,
                quantity: l.quantity,
            });
        }
        Ok(lines)
    }
}
