//! `StockKeeper`: one Durable Object per SKU (store × product), the source of truth for
//! its stock. Every handler reads, decides (shared-model's `decide_reserve`) and writes
//! with synchronous SQLite calls and no `.await` in between, so concurrent buyers are
//! serialised and nothing is oversold. Reservations are keyed, so a retried order never
//! takes stock twice and a release is idempotent.

use crate::services::stock::{KeeperReply, ReleaseCall, ReserveCall, SetStockCall};
use serde::Deserialize;
use shared_model::stock::{decide_reserve, ReserveRequest};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State};

#[durable_object]
pub struct StockKeeper {
    sql: SqlStorage,
}

#[derive(Deserialize)]
struct StockRow {
    available: i64,
    version: i64,
}

#[derive(Deserialize)]
struct HeldRow {
    quantity: i64,
}

impl DurableObject for StockKeeper {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        for ddl in [
            "CREATE TABLE IF NOT EXISTS stock (id INTEGER PRIMARY KEY CHECK (id = 1), available INTEGER NOT NULL, version INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS reservations (key TEXT PRIMARY KEY, buyer TEXT NOT NULL, cap_window TEXT NOT NULL, \
             quantity INTEGER NOT NULL, held INTEGER NOT NULL)",
            "CREATE INDEX IF NOT EXISTS reservations_buyer ON reservations(buyer, cap_window, held)",
        ] {
            if let Err(e) = sql.exec(ddl, None) {
                worker::console_error!("stock keeper schema: {e}");
            }
        }
        Self { sql }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        let reply = match path.as_str() {
            "/reserve" => self.handle_reserve(req.json().await?),
            "/release" => self.handle_release(req.json().await?),
            "/set" => self.handle_set(req.json().await?),
            "/state" => self.handle_state(),
            _ => return Response::error("no such stock keeper route", 404),
        };
        Response::from_json(&reply?)
    }
}

impl StockKeeper {
    /// Current stock, created from the opening stock the first time this SKU is touched.
    fn stock(&self, opening: u32) -> Result<(u32, u64)> {
        let rows: Vec<StockRow> = self.sql.exec("SELECT available, version FROM stock WHERE id = 1", None)?.to_array()?;
        match rows.first() {
            Some(r) => Ok((r.available.max(0) as u32, r.version.max(0) as u64)),
            None => {
                self.sql.exec("INSERT INTO stock (id, available, version) VALUES (1, ?, 0)", vec![(opening as i64).into()])?;
                Ok((opening, 0))
            }
        }
    }

    fn write_stock(&self, available: u32, version: u64) -> Result<()> {
        self.sql.exec(
            "UPDATE stock SET available = ?, version = ? WHERE id = 1",
            vec![(available as i64).into(), (version as i64).into()],
        )?;
        Ok(())
    }

    /// Read, decide, write: no await anywhere in here.
    fn handle_reserve(&self, call: ReserveCall) -> Result<KeeperReply> {
        let (available, version) = self.stock(call.opening_stock)?;
        let existing: Vec<HeldRow> = self
            .sql
            .exec("SELECT quantity FROM reservations WHERE key = ? AND held = 1", vec![call.key.clone().into()])?
            .to_array()?;
        if !existing.is_empty() {
            return Ok(KeeperReply::Reserved { available, version, replayed: true });
        }
        let held: Vec<HeldRow> = self
            .sql
            .exec(
                "SELECT COALESCE(SUM(quantity), 0) AS quantity FROM reservations WHERE buyer = ? AND cap_window = ? AND held = 1",
                vec![call.buyer.clone().into(), call.cap_window.clone().into()],
            )?
            .to_array()?;
        let buyer_already = held.first().map_or(0, |h| h.quantity.max(0) as u32);
        let request = ReserveRequest { quantity: call.quantity, buyer_already, per_buyer_cap: call.per_buyer_cap };
        match decide_reserve(available, &request) {
            Ok(remaining) => {
                self.sql.exec(
                    "INSERT INTO reservations (key, buyer, cap_window, quantity, held) VALUES (?, ?, ?, ?, 1) \
                     ON CONFLICT (key) DO UPDATE SET quantity = excluded.quantity, held = 1",
                    vec![call.key.into(), call.buyer.into(), call.cap_window.into(), (call.quantity as i64).into()],
                )?;
                self.write_stock(remaining, version + 1)?;
                Ok(KeeperReply::Reserved { available: remaining, version: version + 1, replayed: false })
            }
            Err(error) => Ok(KeeperReply::Refused { error, available, version }),
        }
    }

    /// Gives a reservation's units back. Unknown or already released keys change nothing.
    fn handle_release(&self, call: ReleaseCall) -> Result<KeeperReply> {
        let (available, version) = self.stock(call.opening_stock)?;
        let held: Vec<HeldRow> = self
            .sql
            .exec("SELECT quantity FROM reservations WHERE key = ? AND held = 1", vec![call.key.clone().into()])?
            .to_array()?;
        let Some(row) = held.first() else {
            return Ok(KeeperReply::Released { available, version, released: 0 });
        };
        let released = row.quantity.max(0) as u32;
        self.sql.exec("UPDATE reservations SET held = 0 WHERE key = ?", vec![call.key.into()])?;
        let available = available.saturating_add(released);
        self.write_stock(available, version + 1)?;
        Ok(KeeperReply::Released { available, version: version + 1, released })
    }

    /// The owner sets the units on hand (a stock count or a delivery).
    fn handle_set(&self, call: SetStockCall) -> Result<KeeperReply> {
        let (_, version) = self.stock(call.available)?;
        self.write_stock(call.available, version + 1)?;
        Ok(KeeperReply::State { available: call.available, version: version + 1 })
    }

    fn handle_state(&self) -> Result<KeeperReply> {
        let rows: Vec<StockRow> = self.sql.exec("SELECT available, version FROM stock WHERE id = 1", None)?.to_array()?;
        Ok(match rows.first() {
            Some(r) => KeeperReply::State { available: r.available.max(0) as u32, version: r.version.max(0) as u64 },
            None => KeeperReply::Untouched,
        })
    }
}
