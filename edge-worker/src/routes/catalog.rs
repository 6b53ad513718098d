//! Stores, categories and products; the owner's stock and cap edits.

use super::{param, respond, viewer_and_store_for};
use crate::{
    error::AppError,
    http::{json, now, read_json, svg},
    services::{
        brain::BrainService, browse::BrowseService, catalog::CatalogService, identity::IdentityService, reviews::ReviewService,
    },
};
use shared_model::{
    access::Action,
    api::{ProductList, StockUpdate, StoreList, ViewTime},
    catalog::{normalize_search, CatalogError, ProductDetail, ProductSummary},
    store::{join_url, Store},
    CategoryId, ProductId, StoreId,
};
use worker::{Request, Response, RouteContext};

#[utoipa::path(get, path = "/api/v1/stores", responses((status = 200, description = "Every store", body = StoreList)))]
pub async fn list_stores(_req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let stores = CatalogService::new(&ctx.env)?.list_stores().await?;
            json(200, &StoreList { stores })
        }
        .await,
    )
}

#[utoipa::path(get, path = "/api/v1/stores/{store}", responses((status = 200, description = "The store with its pickup points", body = Store)))]
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
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/join-qr.svg",
    responses((status = 200, description = "The QR code of the store's join page", body = String, content_type = "image/svg+xml")),
)]
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

#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/products",
    params(
        (
            "category" = Option<String>,
            Query,
            description = "Only this category's products (a category id; empty for all)",
            pattern = "^[A-Za-z0-9_-]{0,64}$",
        ),
        ("q" = Option<String>, Query, description = "Only products whose name holds this text (a few words)"),
    ),
    responses(
        (status = 200, description = "The store's products on sale that match, and every category", body = ProductList),
        (status = 422, description = "invalid_category, query_too_long"),
    ),
)]
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
            if let (Some(query), true) = (search.as_deref(), products.is_empty()) {
                // A search that found nothing is a resident asking (需求雷达).
                let viewer = IdentityService::new(&ctx.env)?.viewer(&req).await?;
                let person = viewer.filter(|me| me.store_id == store).map(|me| me.person_id);
                BrainService::new(&ctx.env)?.record_empty_search(&store, person.as_ref(), query, now()).await?;
            }
            let categories = catalog.list_categories().await?;
            json(200, &ProductList { products, categories })
        }
        .await,
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/products/{product}",
    responses((status = 200, description = "The product at this store, with its rating and reviews", body = ProductDetail)),
)]
pub async fn get_product(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let product = param(&ctx, "product", ProductId::parse)?;
            let catalog = CatalogService::new(&ctx.env)?;
            let identity = IdentityService::new(&ctx.env)?;
            let (row, shopper) = futures::join!(catalog.product(&store, &product), identity.shopper(&req));
            let row = row?.ok_or_else(|| AppError::not_found("product_not_found"))?;
            // A resident of the store looking: one view, for the browse follow-up,
            // written while the reviews are read.
            let browse = BrowseService::new(&ctx.env)?;
            let view = async {
                match &shopper {
                    Ok(shopper) => browse.record_view(shopper, &store, &product, now()).await,
                    Err(_) => Ok(()),
                }
            };
            let reviews = ReviewService::new(&ctx.env)?;
            let (viewed, rating, shown) =
                futures::join!(view, reviews.rating(&store, &product), reviews.for_product(&store, &product));
            viewed?;
            let mut detail = row.detail()?;
            detail.rating = rating?;
            detail.reviews = shown?;
            json(200, &detail)
        }
        .await,
    )
}

/// The page tells how long she has looked at a product, while she reads and as she leaves
/// (browse follow-up).
#[utoipa::path(
    post,
    path = "/api/v1/me/product-views",
    security(("session" = [])),
    request_body = ViewTime,
    responses(
        (status = 204, description = "Added to her latest view of it"),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
        (status = 422, description = "invalid_view_time"),
    ),
)]
pub async fn create_product_view(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let shopper = IdentityService::new(&ctx.env)?.shopper(&req).await?;
            let time: ViewTime = read_json(&mut req).await?;
            BrowseService::new(&ctx.env)?.record_view_time(&shopper, &time, now()).await?;
            Ok(Response::empty()?.with_status(204))
        }
        .await,
    )
}

/// The owner sets a product's stock on hand and/or its per-buyer cap.
#[utoipa::path(
    patch,
    path = "/api/v1/stores/{store}/products/{product}",
    security(("session" = [])),
    request_body = StockUpdate,
    responses(
        (status = 200, description = "The product as now listed", body = ProductSummary),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 422, description = "empty_update, invalid_stock, invalid_cap"),
    ),
)]
pub async fn update_store_product(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let (me, store) = viewer_and_store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            let product = param(&ctx, "product", ProductId::parse)?;
            let update: StockUpdate = read_json(&mut req).await?;
            json(200, &CatalogService::new(&ctx.env)?.update_product(&store, &me.person_id, &product, &update).await?)
        }
        .await,
    )
}
