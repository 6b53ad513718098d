//! The statements that write a placed order, shared by the shop (`services::orders`) and
//! the live room (`objects::live_room`), and the void that makes a stranded hold's order
//! impossible to land (used by both objects' sweeps).

use super::{nullable, DATE_FORMAT};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use shared_model::{
    order::{IdempotencyKey, Order, OrderStatus},
    OrderId,
};
use worker::{D1Database, D1PreparedStatement};

/// The statements that write `order`: its header (first, so its change count says whether
/// it landed), lines and first event. Every one is guarded: the header by `voided_orders`
/// (a swept hold's order can never land) and by its key (a concurrent retry writes nothing),
/// the rest by the header's existence.
pub fn order_statements(
    db: &D1Database,
    key: &IdempotencyKey,
    fingerprint: &str,
    order: &Order,
) -> AppResult<Vec<D1PreparedStatement>> {
    let placed_at = order.placed_at.to_rfc3339();
    let status = order.status.as_str();
    let pickup_code =
        order.pickup_code.as_deref().ok_or_else(|| AppError::Internal("an order to write has no pickup code".into()))?;
    let mut statements = vec![db
        .prepare(
            "INSERT INTO orders (id, store_id, person_id, idempotency_key, fingerprint, status, total_fen, pickup_point_id, \
             pickup_date, pickup_code, note, placed_at) SELECT ?1, ?2, ?3, ?4, ?5, ?12, ?6, ?7, ?8, ?9, ?10, ?11 \
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
            order.pickup_date.format(DATE_FORMAT).to_string().into(),
            pickup_code.into(),
            nullable(order.note.as_deref()),
            placed_at.as_str().into(),
            status.into(),
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
    for change in &order.timeline {
        statements.push(event_statement(db, &order.id, change.status, change.at)?);
    }
    Ok(statements)
}

/// A step of an order's timeline, written only once the order has entered `status` (so
/// a guarded status change that did not happen leaves no event).
pub fn event_statement(
    db: &D1Database,
    order: &OrderId,
    status: OrderStatus,
    at: DateTime<Utc>,
) -> AppResult<D1PreparedStatement> {
    Ok(db
        .prepare(
            "INSERT INTO order_events (order_id, status, at) SELECT ?1, ?2, ?3 \
             WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?1 AND status = ?2) ON CONFLICT DO NOTHING",
        )
        .bind(&[order.as_str().into(), status.as_str().into(), at.to_rfc3339().into()])?)
}

/// Moves an order from `from` to `to`, only if it is still in `from`: with
/// [`event_statement`] in the same batch, the status and its timeline step change together.
pub fn status_statement(db: &D1Database, order: &OrderId, from: OrderStatus, to: OrderStatus) -> AppResult<D1PreparedStatement> {
    Ok(db.prepare("UPDATE orders SET status = ?1 WHERE id = ?2 AND status = ?3").bind(&[
        to.as_str().into(),
        order.as_str().into(),
        from.as_str().into(),
    ])?)
}

/// Whether the order is in D1.
pub async fn order_exists(db: &D1Database, order: &OrderId) -> AppResult<bool> {
    let rows = db.prepare("SELECT id FROM orders WHERE id = ?1").bind(&[order.as_str().into()])?.all().await?;
    Ok(!rows.results::<serde_json::Value>()?.is_empty())
}

/// For a stranded stock hold: voids `order_id` unless its order already reached D1, and
/// says whether it had (`true`: confirm the hold; `false`: give the units back). Void
/// first, then look, in one batch: once voided, the order insert can no longer land.
pub async fn void_unless_landed(db: &D1Database, order_id: &OrderId, now: DateTime<Utc>) -> AppResult<bool> {
    let results = db
        .batch(vec![
            db.prepare(
                "INSERT INTO voided_orders (order_id, voided_at) SELECT ?1, ?2 \
                 WHERE NOT EXISTS (SELECT 1 FROM orders WHERE id = ?1) ON CONFLICT DO NOTHING",
            )
            .bind(&[order_id.as_str().into(), now.to_rfc3339().into()])?,
            db.prepare("SELECT id FROM orders WHERE id = ?1").bind(&[order_id.as_str().into()])?,
        ])
        .await?;
    Ok(results.get(1).map(|r| r.results::<serde_json::Value>().map(|v| !v.is_empty())).transpose()?.unwrap_or(false))
}
