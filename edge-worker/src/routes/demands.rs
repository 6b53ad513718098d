//! 心愿单: the store's wishes, writing one, +1, and the owner's answer.

use super::{param, respond};
use crate::{
    http::{json, now, read_json},
    services::{demands::DemandService, identity::IdentityService},
};
use shared_model::{
    api::{DemandCard, DemandList},
    community::{DemandChange, NewDemand},
    DemandId, StoreId,
};
use worker::{Request, Response, RouteContext};

/// The store's wishes; a signed-in resident also sees which she wants and wrote.
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/demands",
    security((), ("session" = [])),
    responses((status = 200, description = "Open wishes first, most wanted first, then the answered ones", body = DemandList)),
)]
pub async fn list_demands(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.viewer(&req).await?;
            json(200, &DemandService::new(&ctx.env)?.list(&store, me.as_ref()).await?)
        }
        .await,
    )
}

/// A resident writes a wish (her own +1 comes with it).
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/demands",
    security(("session" = [])),
    request_body = NewDemand,
    responses(
        (status = 201, description = "The wish", body = DemandCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store"),
        (status = 409, description = "too_many_open_demands"),
        (status = 422, description = "invalid_demand_text, invalid_category, invalid_demand_price"),
    ),
)]
pub async fn create_demand(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let new: NewDemand = read_json(&mut req).await?;
            json(201, &DemandService::new(&ctx.env)?.create(&me, &store, &new, now()).await?)
        }
        .await,
    )
}

/// A resident wants it too (+1); again changes nothing.
#[utoipa::path(
    put,
    path = "/api/v1/demands/{demand}/vote",
    security(("session" = [])),
    responses(
        (status = 200, description = "The wish with her vote", body = DemandCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store"),
        (status = 404, description = "demand_not_found"),
        (status = 409, description = "demand_closed, own_demand_vote"),
    ),
)]
pub async fn put_vote(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    vote(req, ctx, true).await
}

/// A resident takes her +1 back.
#[utoipa::path(
    delete,
    path = "/api/v1/demands/{demand}/vote",
    security(("session" = [])),
    responses(
        (status = 200, description = "The wish without her vote", body = DemandCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store"),
        (status = 404, description = "demand_not_found"),
        (status = 409, description = "demand_closed, own_demand_vote"),
    ),
)]
pub async fn delete_vote(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    vote(req, ctx, false).await
}

async fn vote(req: Request, ctx: RouteContext<()>, want: bool) -> worker::Result<Response> {
    respond(
        async {
            let demand = param(&ctx, "demand", DemandId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &DemandService::new(&ctx.env)?.vote(&me, &demand, want, now()).await?)
        }
        .await,
    )
}

/// The owner: sourcing, stocked (with the product), or declined (with a reason).
#[utoipa::path(
    post,
    path = "/api/v1/demands/{demand}/status-changes",
    security(("session" = [])),
    request_body = DemandChange,
    responses(
        (status = 200, description = "The wish, answered", body = DemandCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "demand_not_found, product_not_found"),
        (status = 409, description = "invalid_demand_transition, demand_closed"),
        (status = 422, description = "invalid_decline_reason"),
    ),
)]
pub async fn create_demand_status_change(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let demand = param(&ctx, "demand", DemandId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let change: DemandChange = read_json(&mut req).await?;
            json(200, &DemandService::new(&ctx.env)?.answer(&me, &demand, &change, now()).await?)
        }
        .await,
    )
}
