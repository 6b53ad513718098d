//! The statements that write a placed order, shared by the shop (`services::orders`) and
//! the live room (`objects::live_room`), and the void that makes a stranded hold's order
//! impossible to land (used by both objects' sweeps). The shop's header carries further
//! guards ([`ShopGuards`]): order capture decides on facts it did not read from D1 (the
//! session's seal, the isolate's catalogue cache), and the write lands only if they are
//! still true in the same transaction.

use super::{nullable, number, DATE_FORMAT};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared_model::{
    order::{IdempotencyKey, Order, OrderStatus},
    OrderId,
};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

/// The statements that write `order`: its header (first, so its change count says whether
/// it landed), lines and first event. Every one is guarded: the header by `voided_orders`
/// (a swept hold's order can never land) and by its key (a concurrent retry writes nothing),
/// the lines by a header with this request's fingerprint (a reused key adds no line to
/// another request's order), the event by the header's status.
pub fn order_statements(
    db: &D1Database,
    key: &IdempotencyKey,
    fingerprint: &str,
    order: &Order,
) -> AppResult<Vec<D1PreparedStatement>> {
    let (header, args) = header_insert(key, fingerprint, order)?;
    statements_after_header(db, db.prepare(format!("{header} ON CONFLICT DO NOTHING")).bind(&args)?, fingerprint, order)
}

/// One line's facts as order capture used them, which the shop's header requires to be
/// still current: the regular price, name and unit, the batch and the markdown on it (so
/// an order priced before a markdown was applied is priced again), and the cap and
/// opening stock the line's reservation was decided with.
#[derive(Serialize)]
pub struct LineFacts<'a> {
    pub product: &'a str,
    pub price_fen: i64,
    pub name: &'a str,
    pub unit: &'a str,
    pub per_buyer_cap: Option<u32>,
    pub opening_stock: u32,
    pub best_before: &'a str,
    pub markdown_applied_at: Option<&'a str>,
}

/// What the shop's header also requires, beyond the void and the key: the buyer's session
/// still open at `now` (`session`: its token hash), the pickup point as the order shows
/// it, every line's [`LineFacts`] with the product on sale, and the coupon it uses (if
/// any) still hers and unused: of 20 orders sent at once with one coupon, one lands.
pub struct ShopGuards<'a> {
    pub session: &'a str,
    pub now: DateTime<Utc>,
    pub lines: Vec<LineFacts<'a>>,
}

/// Which of the shop's guards held, read in the same batch after the header: why an
/// order that did not land did not (see [`shop_order_statements`]).
#[derive(Deserialize, Debug)]
pub struct GuardReport {
    /// The fingerprint of the order already under this id (a retry, or a reused key).
    pub existing: Option<String>,
    pub voided: u32,
    pub session_open: u32,
    pub facts_current: u32,
    pub coupon_free: u32,
}

/// The session guard; parameters as bound by [`shop_order_statements`].
const SESSION_OPEN: &str = "EXISTS (SELECT 1 FROM sessions WHERE token_hash = ?16 AND person_id = ?3 AND expires_at > ?17)";
/// The catalogue guard: the pickup point as shown, and each line's facts (a JSON array).
const FACTS_CURRENT: &str = "(EXISTS (SELECT 1 FROM pickup_points WHERE id = ?7 AND store_id = ?2 AND name = ?19 \
     AND address = ?20 AND time_window = ?21) AND (SELECT COUNT(*) FROM json_each(?18) f \
     JOIN store_products sp ON sp.store_id = ?2 AND sp.product_id = json_extract(f.value, '$.product') \
     JOIN products p ON p.id = sp.product_id WHERE sp.on_sale = 1 \
     AND sp.price_fen = json_extract(f.value, '$.price_fen') AND p.name = json_extract(f.value, '$.name') \
     AND p.unit = json_extract(f.value, '$.unit') AND sp.per_buyer_cap IS json_extract(f.value, '$.per_buyer_cap') \
     AND sp.opening_stock = json_extract(f.value, '$.opening_stock') AND sp.best_before = json_extract(f.value, '$.best_before') \
     AND sp.markdown_applied_at IS json_extract(f.value, '$.markdown_applied_at')) = json_array_length(?18))";
/// The coupon guard: none named, or hers in this store and not yet redeemed (its expiry
/// was checked at the order's instant, which the write does not change).
const COUPON_FREE: &str =
    "(?14 IS NULL OR EXISTS (SELECT 1 FROM coupons WHERE id = ?14 AND person_id = ?3 AND store_id = ?2 AND redeemed_by IS NULL))";

/// [`order_statements`] for the shop, the header also guarded by `guards`, and a last
/// statement to run after everything else in the same batch, whose row
/// ([`GuardReport`]) says which guard held.
pub fn shop_order_statements(
    db: &D1Database,
    key: &IdempotencyKey,
    fingerprint: &str,
    order: &Order,
    guards: &ShopGuards,
) -> AppResult<(Vec<D1PreparedStatement>, D1PreparedStatement)> {
    let (header, mut args) = header_insert(key, fingerprint, order)?;
    args.extend([
        guards.session.into(),
        guards.now.to_rfc3339().into(),
        serde_json::to_string(&guards.lines)?.into(),
        order.pickup_point.name.as_str().into(),
        order.pickup_point.address.as_str().into(),
        order.pickup_point.window.as_str().into(),
    ]);
    let insert = db
        .prepare(format!("{header} AND {SESSION_OPEN} AND {FACTS_CURRENT} AND {COUPON_FREE} ON CONFLICT DO NOTHING"))
        .bind(&args)?;
    let report = db
        .prepare(format!(
            "SELECT (SELECT fingerprint FROM orders WHERE id = ?1) AS existing, \
             EXISTS (SELECT 1 FROM voided_orders WHERE order_id = ?1) AS voided, \
             {SESSION_OPEN} AS session_open, {FACTS_CURRENT} AS facts_current, {COUPON_FREE} AS coupon_free"
        ))
        .bind(&args)?;
    let mut statements = statements_after_header(db, insert, fingerprint, order)?;
    if let Some(used) = &order.coupon {
        // Redeemed only by this very request's header.
        statements.push(
            db.prepare(
                "UPDATE coupons SET redeemed_by = ?1 WHERE id = ?2 AND redeemed_by IS NULL \
                 AND EXISTS (SELECT 1 FROM orders WHERE id = ?1 AND fingerprint = ?3)",
            )
            .bind(&[order.id.as_str().into(), used.coupon_id.as_str().into(), fingerprint.into()])?,
        );
    }
    Ok((statements, report))
}

/// The header insert up to its `WHERE` conditions (the void), with its arguments ?1..?15.
fn header_insert(key: &IdempotencyKey, fingerprint: &str, order: &Order) -> AppResult<(String, Vec<JsValue>)> {
    let pickup_code =
        order.pickup_code.as_deref().ok_or_else(|| AppError::Internal("an order to write has no pickup code".into()))?;
    let sql = "INSERT INTO orders (id, store_id, person_id, idempotency_key, fingerprint, status, total_fen, pickup_point_id, \
               pickup_date, pickup_code, note, placed_at, goods_total_fen, coupon_id, coupon_discount_fen) \
               SELECT ?1, ?2, ?3, ?4, ?5, ?12, ?6, ?7, ?8, ?9, ?10, ?11, ?13, ?14, ?15 \
               WHERE NOT EXISTS (SELECT 1 FROM voided_orders WHERE order_id = ?1)";
    let coupon = order.coupon.as_ref();
    let args = vec![
        order.id.as_str().into(),
        order.store_id.as_str().into(),
        order.person_id.as_str().into(),
        key.as_str().into(),
        fingerprint.into(),
        number(order.total.fen()),
        order.pickup_point.id.as_str().into(),
        order.pickup_date.format(DATE_FORMAT).to_string().into(),
        pickup_code.into(),
        nullable(order.note.as_deref()),
        order.placed_at.to_rfc3339().into(),
        order.status.as_str().into(),
        number(coupon.map_or(order.total, |c| c.goods_total).fen()),
        nullable(coupon.map(|c| c.coupon_id.as_str())),
        number(coupon.map_or(0, |c| c.discount.fen())),
    ];
    Ok((sql.to_string(), args))
}

/// The header statement followed by the lines and the first event.
fn statements_after_header(
    db: &D1Database,
    header: D1PreparedStatement,
    fingerprint: &str,
    order: &Order,
) -> AppResult<Vec<D1PreparedStatement>> {
    let mut statements = vec![header];
    for (i, line) in order.lines.iter().enumerate() {
        statements.push(
            db.prepare(
                "INSERT INTO order_lines (order_id, line_no, product_id, name, unit, unit_price_fen, quantity) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?1 AND fingerprint = ?8) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(&[
                order.id.as_str().into(),
                ((i + 1) as u32).into(),
                line.product_id.as_str().into(),
                line.name.as_str().into(),
                line.unit.as_str().into(),
                number(line.unit_price.fen()),
                line.quantity.into(),
                fingerprint.into(),
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
