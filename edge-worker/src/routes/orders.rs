//! Placing, listing, viewing and cancelling orders.

use super::{param, resident, respond};
use crate::{
    error::AppError,
    http::{env_text, json, now, read_json},
    services::{
        identity::IdentityService,
        orders::{Fault, OrderService},
    },
};
use shared_model::{
    access::{authorize, Action},
    api::{CancelOrderResponse, OrderList, PlaceOrderResponse, UpdateOrderStatus},
    order::{IdempotencyKey, NewOrder, OrderError},
    pickup::{PickupCursor, PickupQuery},
    time::store_tz,
    OrderId, StoreId,
};
use worker::{Request, Response, RouteContext};

/// `POST /api/v1/orders` with an `Idempotency-Key` header: 201 for a new order, 200 with
/// `replayed: true` for a retry of one already placed.
pub async fn create_order(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = resident(&req, &ctx).await?;
            let key = req.headers().get("Idempotency-Key")?.ok_or(OrderError::MissingIdempotencyKey)?;
            let key = IdempotencyKey::parse(&key)?;
            let new: NewOrder = read_json(&mut req).await?;
            let fault = match (env_text(&ctx.env, "FAULT_INJECTION").as_deref(), req.headers().get("X-Linli-Fault")?.as_deref()) {
                (Some("1"), Some("abandon-after-reserve")) => Fault::AbandonAfterReserve,
                _ => Fault::None,
            };
            let placed = OrderService::new(&ctx.env)?.place(&me, &key, &new, now(), fault).await?;
            let status = if placed.replayed { 200 } else { 201 };
            json(status, &PlaceOrderResponse { order: placed.order, replayed: placed.replayed })
        }
        .await,
    )
}

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
pub async fn list_store_orders(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            authorize(Some(&me), Action::ManageStore(&store))?;
            let url = req.url()?;
            let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
            let query = PickupQuery::parse(&param("q").unwrap_or_default())?;
            let cursor = param("cursor").filter(|c| !c.is_empty()).map(|c| PickupCursor::parse(&c)).transpose()?;
            let pickup_date = match param("pickup_date") {
                Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| AppError::new(422, "invalid_date", "pickup_date must be YYYY-MM-DD"))?,
                None => now().with_timezone(&store_tz()).date_naive(),
            };
            let list = OrderService::new(&ctx.env)?.list_for_store(&store, pickup_date, query.as_ref(), cursor.as_ref()).await?;
            json(200, &list)
        }
        .await,
    )
}
