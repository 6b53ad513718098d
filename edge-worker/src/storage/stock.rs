//! D1's mirror of the `StockKeeper` counts, which listings read.

use crate::error::AppResult;
use shared_model::{ProductId, StoreId};
use worker::{D1Database, D1PreparedStatement};

/// Mirrors a keeper's count into D1; a stale write (older `version`) changes nothing, so
/// mirrors may land in any order.
pub fn record_statement(
    db: &D1Database,
    store: &StoreId,
    product: &ProductId,
    available: u32,
    version: u64,
) -> AppResult<D1PreparedStatement> {
    Ok(db
        .prepare(
            "UPDATE store_products SET available = ?1, stock_version = ?2 \
             WHERE store_id = ?3 AND product_id = ?4 AND stock_version < ?2",
        )
        .bind(&[available.into(), (version as f64).into(), store.as_str().into(), product.as_str().into()])?)
}

/// [`record_statement`], run on its own.
pub async fn record(db: &D1Database, store: &StoreId, product: &ProductId, available: u32, version: u64) -> AppResult<()> {
    record_statement(db, store, product, available, version)?.run().await?;
    Ok(())
}
