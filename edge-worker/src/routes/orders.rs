//! Placing, listing, viewing and cancelling orders.

use super::{idempotency_key, param, respond, store_for, IdempotencyKeyHeader};
use crate::{
    http::{env_text, json, now, pickup_date_param, query_param, read_json},
    services::{
        identity::IdentityService,
        orders::{Fault, OrderService},
    },
};
use shared_model::{
    access::Action,
    api::{CancelOrderResponse, OrderList, PlaceOrderResponse, StoreOrderList, UpdateOrderStatus},
    order::{NewOrder, Order},
    pickup::{PickupCursor, PickupQuery},
    time::store_tz,
    OrderId,
};
use worker::{Request, Response, RouteContext};

/// `POST /api/v1/orders` with an `Idempotency-Key` header: 201 for a new order, 200 with
/// `replayed: true` for a retry of one already placed. Both say in `Server-Timing` how
/// many storage round trips the order waited on one after another.
#[utoipa::path(
    post,
    path = "/api/v1/orders",
    security(("session" = [])),
    params(IdempotencyKeyHeader),
    request_body = NewOrder,
    responses(
        (status = 201, description = "The order, placed", body = PlaceOrderResponse, headers(("Server-Timing" = String, description = "`storage;desc=\"round trips\";dur=N`: N is the count of storage round trips (D1, Durable Objects) the order waited on one after another, parallel calls counted once (a count, not a time)"))),
        (status = 200, description = "The order this key placed before (`replayed: true`)", body = PlaceOrderResponse, headers(("Server-Timing" = String, description = "`storage;desc=\"round trips\";dur=N`: N is the count of storage round trips (D1, Durable Objects) the order waited on one after another, parallel calls counted once (a count, not a time)"))),
        (status = 400, description = "missing_idempotency_key, invalid_idempotency_key"),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
        (status = 404, description = "coupon_not_found"),
        (status = 409, description = "idempotency_key_reused, sold_out, insufficient_stock, cap_exceeded, coupon_used, coupon_expired, coupon_product_missing, below_coupon_threshold"),
        (status = 422, description = "empty_order, too_many_lines, duplicate_line, quantity_out_of_range, note_too_long, order_total_too_large, unknown_pickup_point, unknown_product, invalid_quantity"),
        (status = 503, description = "order_timed_out"),
    ),
)]
pub async fn create_order(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let shopper = IdentityService::new(&ctx.env)?.shopper(&req).await?;
            let key = idempotency_key(&req)?;
            let new: NewOrder = read_json(&mut req).await?;
            let fault = match (env_text(&ctx.env, "FAULT_INJECTION").as_deref(), req.headers().get("X-Linli-Fault")?.as_deref()) {
                (Some("1"), Some("abandon-after-reserve")) => Fault::AbandonAfterReserve,
                _ => Fault::None,
            };
            let placed = OrderService::new(&ctx.env)?.place(&shopper, &key, &new, now(), fault).await?;
            let status = if placed.replayed { 200 } else { 201 };
            let mut response = json(status, &PlaceOrderResponse { order: placed.order, replayed: placed.replayed })?;
            response.headers_mut().set("Server-Timing", &round_trips_timing(placed.round_trips))?;
            Ok(response)
        }
        .await,
    )
}

/// The `Server-Timing` value that reports an order's sequential storage round trips.
fn round_trips_timing(round_trips: u32) -> String {
    format!("storage;desc=\"round trips\";dur={round_trips}")
}

/// The signed-in person's orders, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/orders",
    security(("session" = [])),
    responses((status = 200, description = "Her orders", body = OrderList), (status = 401, description = "unauthenticated")),
)]
pub async fn list_orders(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let orders = OrderService::new(&ctx.env)?.list(&me).await?;
            json(200, &OrderList { orders })
        }
        .await,
    )
}

/// One order, for its buyer or the store's owner.
#[utoipa::path(
    get,
    path = "/api/v1/orders/{order}",
    security(("session" = [])),
    responses((status = 200, description = "The order", body = Order), (status = 401, description = "unauthenticated")),
)]
pub async fn get_order(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let id = param(&ctx, "order", OrderId::parse)?;
            json(200, &OrderService::new(&ctx.env)?.get(&me, &id).await?)
        }
        .await,
    )
}

/// Cancels an order before the cut-off; its stock goes back on sale.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{order}/cancellation",
    security(("session" = [])),
    responses(
        (status = 200, description = "The order, cancelled", body = CancelOrderResponse),
        (status = 401, description = "unauthenticated"),
        (status = 409, description = "not_cancellable, cutoff_passed"),
    ),
)]
pub async fn create_cancellation(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let id = param(&ctx, "order", OrderId::parse)?;
            let order = OrderService::new(&ctx.env)?.cancel(&me, &id, now()).await?;
            json(200, &CancelOrderResponse { order })
        }
        .await,
    )
}

/// The store owner marks an order ready for pickup, or handed over (with the pickup code).
#[utoipa::path(
    post,
    path = "/api/v1/orders/{order}/status-changes",
    security(("session" = [])),
    request_body = UpdateOrderStatus,
    responses(
        (status = 200, description = "The order in its new status", body = Order),
        (status = 401, description = "unauthenticated"),
        (status = 409, description = "invalid_transition"),
        (status = 422, description = "invalid_pickup_code"),
        (status = 429, description = "pickup_code_locked"),
    ),
)]
pub async fn create_status_change(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let id = param(&ctx, "order", OrderId::parse)?;
            let update: UpdateOrderStatus = read_json(&mut req).await?;
            json(200, &OrderService::new(&ctx.env)?.advance(&me, &id, &update, now()).await?)
        }
        .await,
    )
}

/// `GET /api/v1/stores/{store}/orders?pickup_date=YYYY-MM-DD&q=&cursor=` (default: today,
/// store time): the owner's orders to prepare and hand over, a page at a time, optionally
/// found by pickup code, 跟团号, phone or nickname (`q`).
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/orders",
    security(("session" = [])),
    params(
        ("pickup_date" = Option<chrono::NaiveDate>, Query, description = "The pickup day (YYYY-MM-DD); today, store time, when absent"),
        ("q" = Option<String>, Query, description = "Only orders matching a pickup code, 跟团号, phone or nickname"),
        ("cursor" = Option<String>, Query, description = "Where the page starts: a `next_cursor` of the page before"),
    ),
    responses(
        (status = 200, description = "A page of the day's orders", body = StoreOrderList),
        (status = 400, description = "invalid_cursor"),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 422, description = "invalid_date, invalid_pickup_query"),
    ),
)]
pub async fn list_store_orders(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            let query = PickupQuery::parse(&query_param(&req, "q")?.unwrap_or_default())?;
            let cursor = query_param(&req, "cursor")?.filter(|c| !c.is_empty()).map(|c| PickupCursor::parse(&c)).transpose()?;
            let pickup_date = pickup_date_param(&req)?.unwrap_or_else(|| now().with_timezone(&store_tz()).date_naive());
            let list = OrderService::new(&ctx.env)?.list_for_store(&store, pickup_date, query.as_ref(), cursor.as_ref()).await?;
            json(200, &list)
        }
        .await,
    )
}
