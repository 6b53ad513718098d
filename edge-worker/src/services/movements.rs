//! 收货, 报损 and 盘点 (`shared_model::movement`): each moves a shelf through the SKU's
//! stock keeper by a signed delta, once per request key, then records the movement in D1
//! with the keeper's new count (the listings' mirror) in one batch. A request that fails
//! after the keeper moved is retried with the same `Idempotency-Key`: the keeper answers
//! what it did the first time and the batch writes what is missing, so nothing moves twice
//! and nothing accepted is lost.

use super::catalog::{CatalogService, ProductRow};
use crate::{
    clients::stock::{AdjustCall, KeeperReply, StockClient},
    error::{AppError, AppResult},
    storage::{self, nullable, number, placeholders, stored, stored_date, stored_time, DATE_FORMAT},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use shared_model::{
    api::{MovementsRecorded, RecordCount, RecordReceipt, RecordWriteOff, StockItem, StockMovement, StockSheet},
    movement::{
        best_before_after_receipt, count_difference, loss_units, validate_count, validate_receipt, validate_write_off,
        MovementError, MovementKind, WriteOffReason,
    },
    order::IdempotencyKey,
    stock::ReserveError,
    time::local_date,
    Fen, PersonId, ProductId, StoreId,
};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

/// Movements the stock page lists, newest first.
const MOVEMENTS_SHOWN: u32 = 50;

/// One product's movement, as asked for.
struct Planned {
    row: ProductRow,
    kind: MovementKind,
    delta: i64,
    expected: Option<u32>,
    reason: Option<WriteOffReason>,
    note: Option<String>,
    best_before: Option<NaiveDate>,
}

/// What the keeper did with a [`Planned`] movement.
struct Applied {
    plan: Planned,
    available: u32,
    version: u64,
    previous: u32,
    applied: i64,
}

#[derive(Deserialize)]
struct ItemRow {
    id: String,
    name: String,
    unit: String,
    barcode: Option<String>,
    available: i64,
    best_before: String,
}

#[derive(Deserialize)]
struct MovementRow {
    product_id: String,
    name: String,
    kind: String,
    quantity: i64,
    expected: Option<i64>,
    reason: Option<String>,
    note: Option<String>,
    best_before: Option<String>,
    loss_fen: i64,
    available_after: i64,
    created_at: String,
}

impl MovementRow {
    fn movement(self) -> AppResult<StockMovement> {
        Ok(StockMovement {
            product_id: ProductId::new_unchecked(self.product_id),
            name: self.name,
            kind: stored("movement kind", &self.kind, |k| MovementKind::parse(k).ok_or(()))?,
            quantity: self.quantity,
            expected: self.expected.map(units),
            reason: self.reason.map(|r| stored("write-off reason", &r, |r| WriteOffReason::parse(r).ok_or(()))).transpose()?,
            note: self.note,
            best_before: self.best_before.as_deref().map(stored_date).transpose()?,
            loss: Fen::from_fen(self.loss_fen),
            available_after: units(self.available_after),
            created_at: stored_time(&self.created_at)?,
        })
    }
}

fn units(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

const MOVEMENT_COLUMNS: &str = "m.product_id, p.name, m.kind, m.quantity, m.expected, m.reason, m.note, m.best_before, \
                                m.loss_fen, m.available_after, m.created_at";

pub struct MovementService {
    db: D1Database,
    env: Env,
}

impl MovementService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, env: env.clone() })
    }

    /// The store's products with what is free on each shelf, and the latest movements.
    pub async fn sheet(&self, store: &StoreId) -> AppResult<StockSheet> {
        let reads = self
            .db
            .batch(vec![
                self.db
                    .prepare(
                        "SELECT p.id, p.name, p.unit, p.barcode, sp.available, sp.best_before \
                         FROM store_products sp JOIN products p ON p.id = sp.product_id \
                         WHERE sp.store_id = ?1 ORDER BY p.category_id, p.name",
                    )
                    .bind(&[store.as_str().into()])?,
                self.db
                    .prepare(format!(
                        "SELECT {MOVEMENT_COLUMNS} FROM stock_movements m JOIN products p ON p.id = m.product_id \
                         WHERE m.store_id = ?1 ORDER BY m.created_at DESC, m.id LIMIT ?2"
                    ))
                    .bind(&[store.as_str().into(), MOVEMENTS_SHOWN.into()])?,
            ])
            .await?;
        let [items, movements] = <[_; 2]>::try_from(reads).map_err(|_| AppError::Internal("movements: batch".into()))?;
        let products = items
            .results::<ItemRow>()?
            .into_iter()
            .map(|r| {
                Ok(StockItem {
                    product_id: ProductId::new_unchecked(r.id),
                    name: r.name,
                    unit: r.unit,
                    barcode: r.barcode,
                    available: units(r.available),
                    best_before: stored_date(&r.best_before)?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let movements = movements.results::<MovementRow>()?.into_iter().map(MovementRow::movement).collect::<AppResult<_>>()?;
        Ok(StockSheet { products, movements })
    }

    /// 收货: raises each shelf by what arrived.
    pub async fn receive(
        &self,
        store: &StoreId,
        person: &PersonId,
        key: &IdempotencyKey,
        receipt: &RecordReceipt,
        now: DateTime<Utc>,
    ) -> AppResult<MovementsRecorded> {
        validate_receipt(&receipt.lines, local_date(now))?;
        let rows = self.rows(store, receipt.lines.iter().map(|l| &l.product_id)).await?;
        let plans = receipt
            .lines
            .iter()
            .zip(rows)
            .map(|(line, row)| Planned {
                row,
                kind: MovementKind::Receipt,
                delta: i64::from(line.quantity),
                expected: None,
                reason: None,
                note: None,
                best_before: Some(line.best_before),
            })
            .collect();
        self.apply(store, person, key, plans, now).await
    }

    /// 报损: takes units off one shelf, never more than it has free.
    pub async fn write_off(
        &self,
        store: &StoreId,
        person: &PersonId,
        key: &IdempotencyKey,
        write_off: &RecordWriteOff,
        now: DateTime<Utc>,
    ) -> AppResult<MovementsRecorded> {
        let note = validate_write_off(write_off.quantity, write_off.reason, write_off.note.as_deref())?;
        let row = self.rows(store, [&write_off.product_id].into_iter()).await?.remove(0);
        let plan = Planned {
            row,
            kind: MovementKind::WriteOff,
            delta: -i64::from(write_off.quantity),
            expected: None,
            reason: Some(write_off.reason),
            note,
            best_before: None,
        };
        self.apply(store, person, key, vec![plan], now).await
    }

    /// 盘点: moves each shelf by what was counted less what the page showed; products
    /// counted as shown are not recorded.
    pub async fn count(
        &self,
        store: &StoreId,
        person: &PersonId,
        key: &IdempotencyKey,
        count: &RecordCount,
        now: DateTime<Utc>,
    ) -> AppResult<MovementsRecorded> {
        validate_count(&count.lines)?;
        let rows = self.rows(store, count.lines.iter().map(|l| &l.product_id)).await?;
        let plans = count
            .lines
            .iter()
            .zip(rows)
            .filter(|(line, _)| count_difference(line) != 0)
            .map(|(line, row)| Planned {
                row,
                kind: MovementKind::Count,
                delta: count_difference(line),
                expected: Some(line.expected),
                reason: None,
                note: None,
                best_before: None,
            })
            .collect();
        self.apply(store, person, key, plans, now).await
    }

    /// The product editor's 库存 set a shelf outright (`CatalogService::update_product`):
    /// recorded as a stock-take of what the keeper held before, so the ledger still
    /// balances. The keeper's version makes the record's key.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_set(
        &self,
        store: &StoreId,
        person: &PersonId,
        row: ProductRow,
        previous: u32,
        available: u32,
        version: u64,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let applied = i64::from(available) - i64::from(previous);
        if applied == 0 {
            return Ok(());
        }
        let plan = Planned {
            row,
            kind: MovementKind::Count,
            delta: applied,
            expected: Some(previous),
            reason: None,
            note: None,
            best_before: None,
        };
        let done = Applied { plan, available, version, previous, applied };
        let id = format!("{store}:{}:set:{version}", done.plan.row.id());
        self.db.batch(self.statements(store, person, &id, &done, now)?).await?;
        Ok(())
    }

    /// The store's rows of `products`, in that order; 404 when one is not sold here.
    async fn rows<'a>(&self, store: &StoreId, products: impl Iterator<Item = &'a ProductId>) -> AppResult<Vec<ProductRow>> {
        let ids: Vec<ProductId> = products.cloned().collect();
        let mut found = CatalogService::new(&self.env)?.products(store, &ids).await?;
        ids.iter()
            .map(|id| {
                let at = found.iter().position(|r| r.id() == id.as_str()).ok_or(MovementError::UnknownProduct)?;
                Ok(found.swap_remove(at))
            })
            .collect()
    }

    /// Moves each shelf through its keeper, then records every movement in one D1 batch
    /// and reads them back as stored (a replay shows the first time's rows).
    async fn apply(
        &self,
        store: &StoreId,
        person: &PersonId,
        key: &IdempotencyKey,
        plans: Vec<Planned>,
        now: DateTime<Utc>,
    ) -> AppResult<MovementsRecorded> {
        let client = StockClient::new(&self.env)?;
        let mut done = Vec::with_capacity(plans.len());
        for plan in plans {
            let call = AdjustCall {
                op: format!("{}:{}", plan.kind.as_str(), key.as_str()),
                delta: plan.delta,
                clamp: plan.kind == MovementKind::Count,
                opening_stock: plan.row.opening_stock(),
            };
            match client.adjust(store, &plan.row.product_id(), &call).await? {
                KeeperReply::Adjusted { available, version, previous, applied, .. } => {
                    done.push(Applied { plan, available, version, previous, applied })
                }
                KeeperReply::Refused { error: ReserveError::InsufficientStock { available }, .. } => {
                    return Err(MovementError::MoreThanOnShelf { available }.into())
                }
                other => return Err(AppError::Internal(format!("stock keeper answered {other:?} to an adjustment"))),
            }
        }
        if done.is_empty() {
            return Ok(MovementsRecorded { movements: Vec::new() });
        }
        let ids: Vec<String> =
            done.iter().map(|d| format!("{store}:{}:{}:{}", d.plan.row.id(), d.plan.kind.as_str(), key.as_str())).collect();
        let mut writes = Vec::new();
        for (id, applied) in ids.iter().zip(&done) {
            writes.extend(self.statements(store, person, id, applied, now)?);
        }
        self.db.batch(writes).await?;
        let mut args = vec![JsValue::from_str(store.as_str())];
        args.extend(ids.iter().map(|id| JsValue::from_str(id)));
        let rows: Vec<MovementRow> = self
            .db
            .prepare(format!(
                "SELECT {MOVEMENT_COLUMNS} FROM stock_movements m JOIN products p ON p.id = m.product_id \
                 WHERE m.store_id = ?1 AND m.id IN ({}) ORDER BY p.name",
                placeholders(2, ids.len())
            ))
            .bind(&args)?
            .all()
            .await?
            .results()?;
        Ok(MovementsRecorded { movements: rows.into_iter().map(MovementRow::movement).collect::<AppResult<_>>()? })
    }

    /// One movement's writes: its row (once per id), the listings' mirror of the keeper's
    /// count, and for a receipt the shelf's best-before (rule 2 of `movement`).
    fn statements(
        &self,
        store: &StoreId,
        person: &PersonId,
        id: &str,
        done: &Applied,
        now: DateTime<Utc>,
    ) -> AppResult<Vec<D1PreparedStatement>> {
        let Applied { plan, available, version, previous, applied } = done;
        let product = plan.row.product_id();
        let lost = loss_units(plan.kind, *applied);
        let loss_fen = i64::from(lost) * plan.row.unit_cost().unwrap_or(Fen::ZERO).fen();
        let best_before = plan.best_before.map(|d| d.format(DATE_FORMAT).to_string());
        let mut writes = vec![
            self.db
                .prepare(
                    "INSERT INTO stock_movements (id, store_id, product_id, kind, quantity, expected, reason, note, best_before, \
                       loss_fen, available_after, person_id, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (id) DO NOTHING",
                )
                .bind(&[
                    id.into(),
                    store.as_str().into(),
                    product.as_str().into(),
                    plan.kind.as_str().into(),
                    number(*applied),
                    plan.expected.map_or(JsValue::NULL, |e| number(e.into())),
                    nullable(plan.reason.map(WriteOffReason::as_str)),
                    nullable(plan.note.as_deref()),
                    nullable(best_before.as_deref()),
                    number(loss_fen),
                    number((*available).into()),
                    person.as_str().into(),
                    now.to_rfc3339().into(),
                ])?,
            storage::stock::record_statement(&self.db, store, &product, *available, *version)?,
        ];
        if let Some(received) = plan.best_before {
            let shelf = best_before_after_receipt(plan.row.best_before()?, *previous, received);
            writes.push(
                self.db.prepare("UPDATE store_products SET best_before = ?1 WHERE store_id = ?2 AND product_id = ?3").bind(&[
                    shelf.format(DATE_FORMAT).to_string().into(),
                    store.as_str().into(),
                    product.as_str().into(),
                ])?,
            );
        }
        Ok(writes)
    }
}
