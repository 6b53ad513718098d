//! 临期特价: the owner's board of near-expiry batches, and applying a markdown.

use super::{param, respond};
use crate::{
    http::{json, now, read_json},
    services::{identity::IdentityService, markdowns::MarkdownService},
};
use shared_model::{
    api::{ApplyMarkdown, MarkdownBoard, MarkdownFloor},
    catalog::ProductSummary,
    ProductId, StoreId,
};
use worker::{Request, Response, RouteContext};

/// The store's batches within 3 selling days of their best-before date, each with its
/// markdown plan and the markdown on it.
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/markdowns",
    security(("session" = [])),
    responses(
        (status = 200, description = "Soonest first", body = MarkdownBoard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
    ),
)]
pub async fn list_markdowns(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &MarkdownService::new(&ctx.env)?.board(&me, &store, now()).await?)
        }
        .await,
    )
}

/// Marks a near-expiry batch down: orders placed from now on pay the new price.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/markdowns",
    security(("session" = [])),
    request_body = ApplyMarkdown,
    responses(
        (status = 201, description = "The product at its new shelf price", body = ProductSummary),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "product_not_found"),
        (status = 409, description = "batch_changed, batch_past_selling, not_near_expiry"),
        (status = 422, description = "markdown_below_cost, markdown_below_floor"),
    ),
)]
pub async fn create_markdown(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let apply: ApplyMarkdown = read_json(&mut req).await?;
            json(201, &MarkdownService::new(&ctx.env)?.apply(&me, &store, &apply, now()).await?)
        }
        .await,
    )
}

/// The owner sets the lowest price a markdown of the product may set (`null`: none).
#[utoipa::path(
    put,
    path = "/api/v1/stores/{store}/products/{product}/markdown-floor",
    security(("session" = [])),
    request_body = MarkdownFloor,
    responses(
        (status = 200, description = "The floor now set", body = MarkdownFloor),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "product_not_found"),
        (status = 422, description = "invalid_markdown_floor"),
    ),
)]
pub async fn set_markdown_floor(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let product = param(&ctx, "product", ProductId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let set: MarkdownFloor = read_json(&mut req).await?;
            json(200, &MarkdownService::new(&ctx.env)?.set_floor(&me, &store, &product, set.floor).await?)
        }
        .await,
    )
}
