//! 心愿单: the store's wishes, writing one, +1, and the owner's answer.

use super::{param, respond};
use crate::{
    http::{json, now, read_json},
    services::{demands::DemandService, identity::IdentityService},
};
use shared_model::{
    community::{DemandChange, NewDemand},
    DemandId, StoreId,
};
use worker::{Request, Response, RouteContext};

/// The store's wishes; a signed-in resident also sees which she wants and wrote.
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

pub async fn put_vote(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    vote(req, ctx, true).await
}

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
