//! The owner's stock room: 收货, 报损 and 盘点, each through the SKU's stock keeper.

use super::{idempotency_key, respond, store_for, viewer_and_store_for, IdempotencyKeyHeader};
use crate::{
    error::AppResult,
    http::{json, now, read_json},
    services::movements::MovementService,
};
use shared_model::{
    access::Action,
    api::{MovementsRecorded, RecordCount, RecordReceipt, RecordWriteOff, StockSheet},
    identity::Me,
    order::IdempotencyKey,
    StoreId,
};
use worker::{Request, Response, RouteContext};

/// The owner, her store, and the request's `Idempotency-Key`: a movement retried with
/// the same key moves nothing again.
async fn owner_request(req: &Request, ctx: &RouteContext<()>) -> AppResult<(Me, StoreId, IdempotencyKey)> {
    let (me, store) = viewer_and_store_for(req, ctx, |s| Action::ManageStore(s)).await?;
    Ok((me, store, idempotency_key(req)?))
}

/// `GET /api/v1/stores/:store/stock`: every product's free units, barcode and oldest
/// best-before, and the latest 50 movements.
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/stock",
    security(("session" = [])),
    responses(
        (status = 200, description = "The shelf and the latest movements, newest first", body = StockSheet),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
    ),
)]
pub async fn get_stock(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            json(200, &MovementService::new(&ctx.env)?.sheet(&store).await?)
        }
        .await,
    )
}

/// `POST /api/v1/stores/:store/stock/receipts`: 收货, raising each shelf by what arrived.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/stock/receipts",
    security(("session" = [])),
    params(IdempotencyKeyHeader),
    request_body = RecordReceipt,
    responses(
        (status = 201, description = "The movements recorded (a retry with the same key answers the first time's)", body = MovementsRecorded),
        (status = 400, description = "missing_idempotency_key, invalid_idempotency_key"),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "product_not_found"),
        (status = 422, description = "no_movement_lines, too_many_movement_lines, duplicate_movement_product, invalid_movement_units, best_before_passed"),
    ),
)]
pub async fn create_receipt(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let (me, store, key) = owner_request(&req, &ctx).await?;
            let receipt: RecordReceipt = read_json(&mut req).await?;
            json(201, &MovementService::new(&ctx.env)?.receive(&store, &me.person_id, &key, &receipt, now()).await?)
        }
        .await,
    )
}

/// `POST /api/v1/stores/:store/stock/write-offs`: 报损, units off one shelf and why.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/stock/write-offs",
    security(("session" = [])),
    params(IdempotencyKeyHeader),
    request_body = RecordWriteOff,
    responses(
        (status = 201, description = "The movement recorded (a retry with the same key answers the first time's)", body = MovementsRecorded),
        (status = 400, description = "missing_idempotency_key, invalid_idempotency_key"),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "product_not_found"),
        (status = 409, description = "more_than_on_shelf"),
        (status = 422, description = "invalid_movement_units, invalid_write_off_note"),
    ),
)]
pub async fn create_write_off(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let (me, store, key) = owner_request(&req, &ctx).await?;
            let write_off: RecordWriteOff = read_json(&mut req).await?;
            json(201, &MovementService::new(&ctx.env)?.write_off(&store, &me.person_id, &key, &write_off, now()).await?)
        }
        .await,
    )
}

/// `POST /api/v1/stores/:store/stock/counts`: 盘点, each shelf moved by what was counted
/// less what the page showed.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/stock/counts",
    security(("session" = [])),
    params(IdempotencyKeyHeader),
    request_body = RecordCount,
    responses(
        (status = 201, description = "The differences recorded, one per product that moved", body = MovementsRecorded),
        (status = 400, description = "missing_idempotency_key, invalid_idempotency_key"),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "product_not_found"),
        (status = 422, description = "no_movement_lines, too_many_movement_lines, duplicate_movement_product, invalid_movement_units"),
    ),
)]
pub async fn create_count(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let (me, store, key) = owner_request(&req, &ctx).await?;
            let count: RecordCount = read_json(&mut req).await?;
            json(201, &MovementService::new(&ctx.env)?.count(&store, &me.person_id, &key, &count, now()).await?)
        }
        .await,
    )
}
