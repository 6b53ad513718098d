//! 经营数据: a store's weekly numbers, read from its daily rollups, and HQ's view of
//! every store's.

use super::{respond, store_for};
use crate::{
    error::{AppError, AppResult},
    http::{json, now, read_json},
    services::{identity::IdentityService, metrics::MetricsService},
};
use shared_model::{
    access::{authorize, Action},
    metrics::{ChainNumbers, StoreNumbers, StoreSize},
    StoreId,
};
use worker::{Request, Response, RouteContext};

async fn answer(metrics: &MetricsService, store: &StoreId) -> AppResult<Response> {
    let numbers = metrics.numbers(store, now()).await?.ok_or_else(|| AppError::not_found("store_not_found"))?;
    json(200, &numbers)
}

/// `GET /api/v1/stores/:store/numbers`: this week and the 12 before, from the rollups
/// (brought up to date by the cron every ten minutes, or now if today has none yet).
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/numbers",
    security(("session" = [])),
    responses(
        (status = 200, description = "13 weeks of MAU, repurchase rate, AOV, NPS, turnover days, loss rate, live share, 坪效 and 人效, and this week's best sellers", body = StoreNumbers),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "store_not_found"),
    ),
)]
pub async fn get_numbers(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ReadNumbers(s)).await?;
            answer(&MetricsService::new(&ctx.env)?, &store).await
        }
        .await,
    )
}

/// `POST /api/v1/stores/:store/numbers`: the owner has the store's recent days counted
/// again now, from its orders and tasting answers, and gets the numbers.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/numbers",
    security(("session" = [])),
    responses(
        (status = 200, description = "The numbers, just counted", body = StoreNumbers),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "store_not_found"),
    ),
)]
pub async fn create_numbers(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            let metrics = MetricsService::new(&ctx.env)?;
            metrics.refresh(&store, now()).await?;
            answer(&metrics, &store).await
        }
        .await,
    )
}

/// `PUT /api/v1/stores/:store/size`: the owner gives the store's selling area and staff,
/// which 坪效 and 人效 divide by, and gets the numbers with them.
#[utoipa::path(
    put,
    path = "/api/v1/stores/{store}/size",
    security(("session" = [])),
    request_body = StoreSize,
    responses(
        (status = 200, description = "The numbers, 坪效 and 人效 by the new size", body = StoreNumbers),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "store_not_found"),
        (status = 422, description = "invalid_store_area, invalid_staff_count"),
    ),
)]
pub async fn put_size(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            let size: StoreSize = read_json(&mut req).await?;
            let metrics = MetricsService::new(&ctx.env)?;
            metrics.set_size(&store, size).await?;
            answer(&metrics, &store).await
        }
        .await,
    )
}

/// `GET /api/v1/chain/numbers`: HQ's view, every store's last 7 whole days beside the
/// others' and the chain's, by the same definitions.
#[utoipa::path(
    get,
    path = "/api/v1/chain/numbers",
    security(("session" = [])),
    responses(
        (status = 200, description = "Each store's week and the week before, and the chain's", body = ChainNumbers),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "hq_only"),
    ),
)]
pub async fn get_chain_numbers(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            authorize(Some(&me), Action::ReadChain)?;
            json(200, &MetricsService::new(&ctx.env)?.chain(now()).await?)
        }
        .await,
    )
}
