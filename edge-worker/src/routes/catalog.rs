//! Stores, categories and products; the owner's stock and cap edits.

use super::{param, respond};
use crate::{
    error::AppError,
    http::{json, read_json, svg},
    services::{catalog::CatalogService, identity::IdentityService, reviews::ReviewService},
};
use shared_model::{
    access::{authorize, Action},
    api::{ProductList, StockUpdate, StoreList},
    catalog::{normalize_search, CatalogError},
    store::join_url,
    CategoryId, ProductId, StoreId,
};
use worker::{Request, Response, RouteContext};

pub async fn list_stores(_req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let stores = CatalogService::new(&ctx.env)?.list_stores().await?;
            json(200, &StoreList { stores })
        }
        .await,
    )
}

pub async fn get_store(_req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let store =
                CatalogService::new(&ctx.env)?.get_store(&store).await?.ok_or_else(|| AppError::not_found("store_not_found"))?;
            json(200, &store)
        }
        .await,
    )
}

/// The store's join QR code (SVG) for its poster: the absolute URL of its join page on the
/// site the request came to, so a poster printed from a local or a production console
/// leads back to the same site. Cached a day: a store's join URL never changes.
pub async fn get_join_qr(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            CatalogService::new(&ctx.env)?.get_store(&store).await?.ok_or_else(|| AppError::not_found("store_not_found"))?;
            let origin = req.url()?.origin().ascii_serialization();
            svg(crate::qr::qr_svg(&join_url(&origin, &store))?, "public, max-age=86400")
        }
        .await,
    )
}

pub async fn list_products(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let catalog = CatalogService::new(&ctx.env)?;
            catalog.get_store(&store).await?.ok_or_else(|| AppError::not_found("store_not_found"))?;
            let url = req.url()?;
            let mut category = None;
            let mut search = None;
            for (k, v) in url.query_pairs() {
                match k.as_ref() {
                    "category" if !v.is_empty() => {
                        category = Some(CategoryId::parse(&v).map_err(|_| CatalogError::InvalidCategory)?)
                    }
                    "q" => search = normalize_search(&v)?,
                    _ => {}
                }
            }
            let products = catalog.list_products(&store, category.as_ref(), search.as_deref()).await?;
            let categories = catalog.list_categories().await?;
            json(200, &ProductList { products, categories })
        }
        .await,
    )
}

pub async fn get_product(_req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let product = param(&ctx, "product", ProductId::parse)?;
            let row = CatalogService::new(&ctx.env)?
                .product(&store, &product)
                .await?
                .ok_or_else(|| AppError::not_found("product_not_found"))?;
            let mut detail = row.detail()?;
            let reviews = ReviewService::new(&ctx.env)?;
            detail.rating = reviews.rating(&store, &product).await?;
            detail.reviews = reviews.for_product(&store, &product).await?;
            json(200, &detail)
        }
        .await,
    )
}

/// The owner sets a product's stock on hand and/or its per-buyer cap.
pub async fn update_store_product(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let product = param(&ctx, "product", ProductId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            authorize(Some(&me), Action::ManageStore(&store))?;
            let update: StockUpdate = read_json(&mut req).await?;
            json(200, &CatalogService::new(&ctx.env)?.update_product(&store, &product, &update).await?)
        }
        .await,
    )
}
