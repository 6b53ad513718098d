//! The resident's cart.

use super::{param, resident, respond};
use crate::{
    error::{AppError, AppResult},
    http::{json, now, read_json},
    services::{cart::CartService, catalog::CatalogService, coupons::CouponService},
};
use shared_model::{
    api::{CartView, SetCartQuantity},
    cart::validate_quantity,
    identity::Me,
    ProductId,
};
use worker::{Request, Response, RouteContext};

async fn summary(ctx: &RouteContext<()>, cart: &CartService, me: &Me) -> AppResult<Response> {
    let summary = cart.summary(&CatalogService::new(&ctx.env)?, &me.store_id, &me.person_id).await?;
    let coupons = CouponService::new(&ctx.env)?.held(&me.person_id, &me.store_id).await?;
    json(200, &CartView::new(summary, &coupons, &me.person_id, &me.store_id, now()))
}

#[utoipa::path(
    get,
    path = "/api/v1/cart",
    security(("session" = [])),
    responses(
        (status = 200, description = "Her cart, priced, and when an order placed now is picked up", body = CartView),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
    ),
)]
pub async fn get_cart(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = resident(&req, &ctx).await?;
            summary(&ctx, &CartService::new(&ctx.env)?, &me).await
        }
        .await,
    )
}

/// Sets a product's quantity in the cart (adds it when new).
#[utoipa::path(
    put,
    path = "/api/v1/cart/items/{product}",
    security(("session" = [])),
    request_body = SetCartQuantity,
    responses(
        (status = 200, description = "Her cart with the line set", body = CartView),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
        (status = 409, description = "cap_exceeded"),
        (status = 422, description = "quantity_out_of_range, cart_full"),
    ),
)]
pub async fn put_cart_item(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = resident(&req, &ctx).await?;
            let product = param(&ctx, "product", ProductId::parse)?;
            let body: SetCartQuantity = read_json(&mut req).await?;
            let quantity = validate_quantity(body.quantity)?;
            let row = CatalogService::new(&ctx.env)?
                .product(&me.store_id, &product)
                .await?
                .filter(|r| r.on_sale())
                .ok_or_else(|| AppError::not_found("product_not_found"))?;
            let cart = CartService::new(&ctx.env)?;
            cart.set_quantity(&me.person_id, &row, quantity).await?;
            summary(&ctx, &cart, &me).await
        }
        .await,
    )
}

/// Takes a product out of the cart (nothing changes if it was not there).
#[utoipa::path(
    delete,
    path = "/api/v1/cart/items/{product}",
    security(("session" = [])),
    responses(
        (status = 200, description = "Her cart without the line", body = CartView),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
    ),
)]
pub async fn delete_cart_item(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = resident(&req, &ctx).await?;
            let product = param(&ctx, "product", ProductId::parse)?;
            let cart = CartService::new(&ctx.env)?;
            cart.remove(&me.person_id, &product).await?;
            summary(&ctx, &cart, &me).await
        }
        .await,
    )
}
