//! 备货: the owner's pick list and purchase orders, sending them through the queue, the
//! deliveries and dead letters; and the demo supplier's inbox (演示供应商), a route of
//! this worker standing in for a supplier's endpoint, which its store's owner can switch
//! off and on to see a supplier being down (closed, it answers 503).

use super::{respond, store_for};
use crate::{
    error::AppError,
    http::{json, now, pickup_date_param, read_body_within, read_json, MAX_BODY_BYTES},
    services::supply::SupplyService,
};
use shared_model::{
    access::Action,
    api::{DemoInbox, PurchaseOrderView, ResendPurchaseOrder, SendPurchaseOrder, SetDemoInbox, SupplyDeliveries, SupplyPlan},
    supply::{supply_day, SIGNATURE_HEADER},
};
use worker::{Request, Response, RouteContext};

/// `GET /api/v1/stores/:store/supply?pickup_date=`: the day's pick list and purchase
/// orders (tomorrow unless asked).
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/supply",
    security(("session" = [])),
    params(
        ("pickup_date" = Option<chrono::NaiveDate>, Query, description = "The pickup day (YYYY-MM-DD); tomorrow, store time, when absent"),
    ),
    responses(
        (status = 200, description = "The pick list per pickup point and a purchase order per supplier", body = SupplyPlan),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 422, description = "invalid_date"),
    ),
)]
pub async fn get_supply(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ReadSupply(s)).await?;
            let now = now();
            let day = pickup_date_param(&req)?.unwrap_or_else(|| supply_day(now).0);
            json(200, &SupplyService::new(&ctx.env)?.plan(&store, day, now).await?)
        }
        .await,
    )
}

/// `POST /api/v1/stores/:store/supply/purchase-orders`: sends a supplier's purchase order
/// for the day: written as the rules make it now and put on the queue (202). One already
/// sent is answered as it is (200) and sent no second time.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/supply/purchase-orders",
    security(("session" = [])),
    request_body = SendPurchaseOrder,
    responses(
        (status = 202, description = "Queued for delivery", body = PurchaseOrderView),
        (status = 200, description = "Sent before: as it is", body = PurchaseOrderView),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "supplier_not_found"),
        (status = 409, description = "nothing_to_order"),
    ),
)]
pub async fn create_purchase_order(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            let send: SendPurchaseOrder = read_json(&mut req).await?;
            let (view, queued) = SupplyService::new(&ctx.env)?.send(&store, &send.supplier_id, send.pickup_date, now()).await?;
            json(if queued { 202 } else { 200 }, &view)
        }
        .await,
    )
}

/// `GET /api/v1/stores/:store/supply/deliveries`: the sent purchase orders with their
/// attempts, newest first, and the dead-letter list.
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/supply/deliveries",
    security(("session" = [])),
    responses(
        (status = 200, description = "Sent purchase orders and dead letters", body = SupplyDeliveries),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
    ),
)]
pub async fn get_deliveries(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ReadSupply(s)).await?;
            json(200, &SupplyService::new(&ctx.env)?.deliveries(&store).await?)
        }
        .await,
    )
}

/// `POST /api/v1/stores/:store/supply/resends`: puts a dead-lettered purchase order on
/// the queue again.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/supply/resends",
    security(("session" = [])),
    request_body = ResendPurchaseOrder,
    responses(
        (status = 202, description = "Queued for delivery again", body = PurchaseOrderView),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "purchase_order_not_found"),
        (status = 409, description = "not_dead_lettered"),
    ),
)]
pub async fn create_resend(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            let resend: ResendPurchaseOrder = read_json(&mut req).await?;
            json(202, &SupplyService::new(&ctx.env)?.resend(&store, &resend.purchase_order_id, now()).await?)
        }
        .await,
    )
}

/// `GET /api/v1/stores/:store/supply/demo-inbox`: the demo supplier as the store sees it:
/// open or not, and the store's purchase orders it received (once each).
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/supply/demo-inbox",
    security(("session" = [])),
    responses(
        (status = 200, description = "The demo supplier's inbox for this store", body = DemoInbox),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
    ),
)]
pub async fn get_demo_inbox(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ReadSupply(s)).await?;
            json(200, &SupplyService::new(&ctx.env)?.inbox(&store).await?)
        }
        .await,
    )
}

/// `PUT /api/v1/stores/:store/supply/demo-inbox`: the store's owner opens or closes the
/// demo supplier's inbox for the store's orders (closed, deliveries get 503 and are
/// retried, then dead-lettered).
#[utoipa::path(
    put,
    path = "/api/v1/stores/{store}/supply/demo-inbox",
    security(("session" = [])),
    request_body = SetDemoInbox,
    responses(
        (status = 200, description = "The inbox as switched", body = DemoInbox),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
    ),
)]
pub async fn put_demo_inbox(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            let set: SetDemoInbox = read_json(&mut req).await?;
            json(200, &SupplyService::new(&ctx.env)?.set_inbox(&store, set.open).await?)
        }
        .await,
    )
}

/// `POST /api/v1/demo-supplier/purchase-orders`: the demo supplier's inbox. It takes a
/// purchase order signed by the chain (`X-Linli-Signature`) with its id as
/// `Idempotency-Key`, keeps it once however often it comes (201 the first time, 200
/// after), and answers 503 while switched off for the order's store.
#[utoipa::path(
    post,
    path = "/api/v1/demo-supplier/purchase-orders",
    params(
        ("Idempotency-Key" = String, Header, description = "The purchase order's id"),
        ("X-Linli-Signature" = String, Header, description = "The chain's signature of the body (hex HMAC-SHA256)"),
    ),
    request_body = shared_model::api::PurchaseOrderDocument,
    responses(
        (status = 201, description = "Received"),
        (status = 200, description = "Received before: kept once"),
        (status = 400, description = "invalid_idempotency_key"),
        (status = 401, description = "bad_signature"),
        (status = 503, description = "inbox_closed"),
    ),
)]
pub async fn create_demo_purchase_order(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let header = |name: &str| req.headers().get(name).ok().flatten();
            let (key, signature) = (header("Idempotency-Key"), header(SIGNATURE_HEADER));
            let body = read_body_within(&mut req, MAX_BODY_BYTES).await?.ok_or_else(AppError::body_too_large)?;
            let first = SupplyService::new(&ctx.env)?.receive(&body, key.as_deref(), signature.as_deref(), now()).await?;
            json(if first { 201 } else { 200 }, &serde_json::json!({ "received": true }))
        }
        .await,
    )
}
