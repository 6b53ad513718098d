//! `StockKeeper`: one Durable Object per SKU (store × product), the source of truth for
//! its stock. Every handler reads, decides (shared-model's `decide_reserve`) and writes
//! with synchronous SQLite calls and no `.await` in between, so concurrent buyers are
//! serialised and nothing is oversold. Reservations are keyed, so a retried order never
//! takes stock twice and a release is idempotent.
//!
//! A hold whose order never reached D1 (the worker died between reserving and writing)
//! is swept by an alarm once its grace period is over: the keeper voids the order id in
//! D1 (`voided_orders`, which the order insert checks in the same transaction) and, if
//! the order is not there, gives the units back. A late insert can then no longer land,
//! so the sweep never oversells; an order that did land is simply confirmed.

use super::{now_ms, sweep_stranded, DueHold, HoldBook, ObjectStorage};
use crate::{
    clients::stock::{AdjustCall, KeeperReply, KeeperRoute, ReleaseCall, ReserveCall, SetStockCall, ShrinkCall},
    error::AppResult,
    http::now,
};
use serde::Deserialize;
use shared_model::{
    stock::{decide_reserve, order_of_reservation, ReserveError, ReserveRequest},
    OrderId,
};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State};

#[durable_object]
pub struct StockKeeper {
    storage: ObjectStorage,
    env: Env,
}

/// The keeper's tables, one entry per schema version (never edit a landed one).
const SCHEMA: &[&[&str]] = &[&[
    "CREATE TABLE IF NOT EXISTS stock (id INTEGER PRIMARY KEY CHECK (id = 1), available INTEGER NOT NULL, version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS reservations (key TEXT PRIMARY KEY, buyer TEXT NOT NULL, cap_window TEXT NOT NULL, \
     quantity INTEGER NOT NULL, held INTEGER NOT NULL, expires_at INTEGER NOT NULL, confirmed INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS reservations_buyer ON reservations(buyer, cap_window, held)",
    "CREATE INDEX IF NOT EXISTS reservations_due ON reservations(held, confirmed, expires_at)",
    "CREATE TABLE IF NOT EXISTS applied_ops (op TEXT PRIMARY KEY)",
], &[
    // 收货, 报损, 盘点: what each operation did, so a replay answers the same.
    "CREATE TABLE IF NOT EXISTS adjustments (op TEXT PRIMARY KEY, previous INTEGER NOT NULL, applied INTEGER NOT NULL, \
     available INTEGER NOT NULL, version INTEGER NOT NULL)",
]];

#[derive(Deserialize)]
struct DueRow {
    key: String,
}

#[derive(Deserialize)]
struct StockRow {
    available: i64,
    version: i64,
}

#[derive(Deserialize)]
struct AdjustmentRow {
    previous: i64,
    applied: i64,
    available: i64,
    version: i64,
}

#[derive(Deserialize)]
struct HeldRow {
    quantity: i64,
}

impl DurableObject for StockKeeper {
    fn new(state: State, env: Env) -> Self {
        Self { storage: ObjectStorage::open(state, "stock keeper", SCHEMA), env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let Some(route) = KeeperRoute::from_path(&req.path()) else {
            return Response::error("no such stock keeper route", 404);
        };
        let reply = match route {
            KeeperRoute::Reserve => {
                let reply = self.handle_reserve(req.json().await?, now_ms())?;
                if let KeeperReply::Reserved { replayed: false, .. } = reply {
                    self.schedule_sweep().await.map_err(|e| e.into_worker_error())?;
                }
                Ok(reply)
            }
            KeeperRoute::Release => self.handle_release(req.json().await?),
            KeeperRoute::Shrink => self.handle_shrink(req.json().await?),
            KeeperRoute::Set => self.handle_set(req.json().await?),
            KeeperRoute::Adjust => self.handle_adjust(req.json().await?),
            KeeperRoute::State => self.handle_state(),
        };
        Response::from_json(&reply?)
    }

    /// Sweeps holds past their grace period whose order never reached D1. A failure
    /// (D1 unreachable) fails the alarm, and the runtime retries it with backoff.
    async fn alarm(&self) -> Result<Response> {
        self.storage.alarm_fired();
        sweep_stranded(self, &self.env, now()).await.map_err(|e| e.into_worker_error())?;
        self.schedule_sweep().await.map_err(|e| e.into_worker_error())?;
        Response::ok("swept")
    }
}

impl HoldBook for StockKeeper {
    fn due_holds(&self, now_ms: i64) -> AppResult<Vec<DueHold>> {
        let due: Vec<DueRow> = self
            .storage
            .rows("SELECT key FROM reservations WHERE held = 1 AND confirmed = 0 AND expires_at <= ?", vec![now_ms.into()])?;
        Ok(due
            .into_iter()
            .filter_map(|row| {
                let order = OrderId::new_unchecked(order_of_reservation(&row.key)?.to_owned());
                Some(DueHold { key: row.key, order })
            })
            .collect())
    }

    fn hold_landed(&self, key: &str, _now: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
        self.storage.exec("UPDATE reservations SET confirmed = 1 WHERE key = ?", vec![key.into()])
    }

    fn hold_lost(&self, key: &str) -> AppResult<()> {
        self.release_held(key)?;
        Ok(())
    }
}

impl StockKeeper {
    fn sql(&self) -> &SqlStorage {
        self.storage.sql()
    }

    /// Current stock, created from the opening stock the first time this SKU is touched.
    fn stock(&self, opening: u32) -> Result<(u32, u64)> {
        let rows: Vec<StockRow> = self.sql().exec("SELECT available, version FROM stock WHERE id = 1", None)?.to_array()?;
        match rows.first() {
            Some(r) => Ok((r.available.max(0) as u32, r.version.max(0) as u64)),
            None => {
                self.sql().exec("INSERT INTO stock (id, available, version) VALUES (1, ?, 0)", vec![(opening as i64).into()])?;
                Ok((opening, 0))
            }
        }
    }

    fn write_stock(&self, available: u32, version: u64) -> Result<()> {
        self.sql().exec(
            "UPDATE stock SET available = ?, version = ? WHERE id = 1",
            vec![(available as i64).into(), (version as i64).into()],
        )?;
        Ok(())
    }

    /// Read, decide, write: no await anywhere in here.
    fn handle_reserve(&self, call: ReserveCall, now_ms: i64) -> Result<KeeperReply> {
        let (available, version) = self.stock(call.opening_stock)?;
        let existing: Vec<HeldRow> = self
            .sql()
            .exec("SELECT quantity FROM reservations WHERE key = ? AND held = 1", vec![call.key.clone().into()])?
            .to_array()?;
        if !existing.is_empty() {
            return Ok(KeeperReply::Reserved { available, version, replayed: true });
        }
        let held: Vec<HeldRow> = self
            .sql()
            .exec(
                "SELECT COALESCE(SUM(quantity), 0) AS quantity FROM reservations WHERE buyer = ? AND cap_window = ? AND held = 1",
                vec![call.buyer.clone().into(), call.cap_window.clone().into()],
            )?
            .to_array()?;
        let buyer_already = held.first().map_or(0, |h| h.quantity.max(0) as u32);
        let request = ReserveRequest { quantity: call.quantity, buyer_already, per_buyer_cap: call.per_buyer_cap };
        match decide_reserve(available, &request) {
            Ok(remaining) => {
                self.sql().exec(
                    "INSERT INTO reservations (key, buyer, cap_window, quantity, held, expires_at, confirmed) VALUES (?, ?, ?, ?, 1, ?, ?) \
                     ON CONFLICT (key) DO UPDATE SET quantity = excluded.quantity, held = 1, expires_at = excluded.expires_at, \
                     confirmed = excluded.confirmed",
                    vec![
                        call.key.into(),
                        call.buyer.into(),
                        call.cap_window.into(),
                        (call.quantity as i64).into(),
                        (now_ms + call.hold_grace_ms as i64).into(),
                        i64::from(call.confirmed).into(),
                    ],
                )?;
                self.write_stock(remaining, version + 1)?;
                Ok(KeeperReply::Reserved { available: remaining, version: version + 1, replayed: false })
            }
            Err(error) => Ok(KeeperReply::Refused { error, available, version }),
        }
    }

    /// Gives a reservation's units back. Unknown or already released keys change nothing.
    fn handle_release(&self, call: ReleaseCall) -> Result<KeeperReply> {
        self.stock(call.opening_stock)?;
        let (available, version, released) = self.release_held(&call.key)?;
        Ok(KeeperReply::Released { available, version, released })
    }

    /// Puts part of a hold back on the shelf, once per `op`; never more than is held.
    fn handle_shrink(&self, call: ShrinkCall) -> Result<KeeperReply> {
        let (available, version) = self.stock(0)?;
        let applied: Vec<serde_json::Value> =
            self.sql().exec("SELECT op FROM applied_ops WHERE op = ?", vec![call.op.clone().into()])?.to_array()?;
        let held: Vec<HeldRow> = self
            .sql()
            .exec("SELECT quantity FROM reservations WHERE key = ? AND held = 1", vec![call.key.clone().into()])?
            .to_array()?;
        let (Some(row), true) = (held.first(), applied.is_empty()) else {
            return Ok(KeeperReply::Released { available, version, released: 0 });
        };
        let released = call.quantity.min(row.quantity.max(0) as u32);
        self.sql().exec("INSERT INTO applied_ops (op) VALUES (?)", vec![call.op.into()])?;
        self.sql().exec(
            "UPDATE reservations SET quantity = quantity - ? WHERE key = ?",
            vec![(released as i64).into(), call.key.into()],
        )?;
        let available = available.saturating_add(released);
        self.write_stock(available, version + 1)?;
        Ok(KeeperReply::Released { available, version: version + 1, released })
    }

    /// Ends a hold and puts its units back, synchronously; returns (available, version,
    /// units released), with 0 released when the key holds nothing.
    fn release_held(&self, key: &str) -> Result<(u32, u64, u32)> {
        let (available, version) = self.stock(0)?;
        let held: Vec<HeldRow> =
            self.sql().exec("SELECT quantity FROM reservations WHERE key = ? AND held = 1", vec![key.into()])?.to_array()?;
        let Some(row) = held.first() else {
            return Ok((available, version, 0));
        };
        let released = row.quantity.max(0) as u32;
        self.sql().exec("UPDATE reservations SET held = 0 WHERE key = ?", vec![key.into()])?;
        let available = available.saturating_add(released);
        self.write_stock(available, version + 1)?;
        Ok((available, version + 1, released))
    }

    /// Sets the alarm for the earliest unconfirmed hold, if any (never later than one set).
    async fn schedule_sweep(&self) -> AppResult<()> {
        let next =
            self.storage.number("SELECT MIN(expires_at) AS n FROM reservations WHERE held = 1 AND confirmed = 0", vec![])?;
        self.storage.schedule_alarm((next > 0).then_some(next)).await
    }

    /// The owner sets the units on hand (the product editor's 库存); answers what it held
    /// before, so the change is recorded as a stock-take.
    fn handle_set(&self, call: SetStockCall) -> Result<KeeperReply> {
        let (previous, version) = self.stock(call.available)?;
        self.write_stock(call.available, version + 1)?;
        Ok(KeeperReply::Adjusted {
            available: call.available,
            version: version + 1,
            previous,
            applied: i64::from(call.available) - i64::from(previous),
            replayed: false,
        })
    }

    /// Moves the shelf by a signed delta once per `op`: read, decide, write, no await.
    fn handle_adjust(&self, call: AdjustCall) -> Result<KeeperReply> {
        let (available, version) = self.stock(call.opening_stock)?;
        let done: Vec<AdjustmentRow> = self
            .sql()
            .exec("SELECT previous, applied, available, version FROM adjustments WHERE op = ?", vec![call.op.clone().into()])?
            .to_array()?;
        if let Some(row) = done.first() {
            return Ok(KeeperReply::Adjusted {
                available: row.available.max(0) as u32,
                version: row.version.max(0) as u64,
                previous: row.previous.max(0) as u32,
                applied: row.applied,
                replayed: true,
            });
        }
        let wanted = i64::from(available) + call.delta;
        if wanted < 0 && !call.clamp {
            return Ok(KeeperReply::Refused { error: ReserveError::InsufficientStock { available }, available, version });
        }
        let after = u32::try_from(wanted.max(0)).unwrap_or(u32::MAX);
        let applied = i64::from(after) - i64::from(available);
        self.write_stock(after, version + 1)?;
        self.sql().exec(
            "INSERT INTO adjustments (op, previous, applied, available, version) VALUES (?, ?, ?, ?, ?)",
            vec![
                call.op.into(),
                i64::from(available).into(),
                applied.into(),
                i64::from(after).into(),
                ((version + 1) as i64).into(),
            ],
        )?;
        Ok(KeeperReply::Adjusted { available: after, version: version + 1, previous: available, applied, replayed: false })
    }

    fn handle_state(&self) -> Result<KeeperReply> {
        let rows: Vec<StockRow> = self.sql().exec("SELECT available, version FROM stock WHERE id = 1", None)?.to_array()?;
        Ok(match rows.first() {
            Some(r) => KeeperReply::State { available: r.available.max(0) as u32, version: r.version.max(0) as u64 },
            None => KeeperReply::Untouched,
        })
    }
}
