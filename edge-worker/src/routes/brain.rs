//! The owner's daily brain: 今日建议, 需求雷达 and the 直播 SOP of her store.

use super::{respond, store_for};
use crate::{
    error::AppResult,
    http::{json, now},
    services::brain::BrainService,
};
use shared_model::{access::Action, brain::StoreBrain, StoreId};
use worker::{Request, Response, RouteContext};

/// The owner of `:store`, signed in.
async fn owner_of(req: &Request, ctx: &RouteContext<()>) -> AppResult<StoreId> {
    store_for(req, ctx, |s| Action::ManageStore(s)).await
}

/// `GET /api/v1/stores/:store/brain`: the store's brain as last computed (by the cron,
/// at most about an hour old, or by the owner); computed now if it never was.
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/brain",
    security(("session" = [])),
    responses(
        (status = 200, description = "今日建议 ranked with their evidence in both languages, 需求雷达's topics, and the 直播 SOP draft", body = StoreBrain),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
    ),
)]
pub async fn get_brain(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = owner_of(&req, &ctx).await?;
            let brain = BrainService::new(&ctx.env)?;
            let stored = match brain.stored(&store).await? {
                Some(stored) => stored,
                None => {
                    brain.compute(&store, now()).await?;
                    brain.stored(&store).await?.ok_or_else(|| crate::error::AppError::Internal("brain not kept".into()))?
                }
            };
            json(200, &stored)
        }
        .await,
    )
}

/// `POST /api/v1/stores/:store/brain`: computes the store's brain now, from what D1 holds.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/brain",
    security(("session" = [])),
    responses(
        (status = 200, description = "The brain just computed", body = StoreBrain),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
    ),
)]
pub async fn create_brain(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = owner_of(&req, &ctx).await?;
            let brain = BrainService::new(&ctx.env)?;
            brain.compute(&store, now()).await?;
            let stored = brain.stored(&store).await?.ok_or_else(|| crate::error::AppError::Internal("brain not kept".into()))?;
            json(200, &stored)
        }
        .await,
    )
}
