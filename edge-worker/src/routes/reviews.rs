//! 口碑: writing a review, adding its photos one upload at a time, serving the photos,
//! the store home's featured reviews, the resident's own, and the owner's list and
//! moderation. A product's rating and reviews come with the product
//! (`GET /api/v1/stores/{store}/products/{product}`).

use super::{param, respond};
use crate::{
    error::AppResult,
    http::{json, now, read_body_within, read_json},
    services::{identity::IdentityService, reviews::ReviewService},
};
use shared_model::{
    community::{Moderation, NewReview, ReviewError, MAX_PHOTO_BYTES},
    PhotoId, ReviewId, StoreId,
};
use worker::{Headers, Request, Response, RouteContext};

/// Photos never change under their key: browsers and the CDN keep them a year.
const PHOTO_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

pub async fn create_review(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let new: NewReview = read_json(&mut req).await?;
            json(201, &ReviewService::new(&ctx.env)?.create(&me, &store, &new, now()).await?)
        }
        .await,
    )
}

/// One photo as the raw body (JPEG or WebP, at most 2 MiB, whatever its declared type).
/// Who may add it is checked before the body is read, and a body over the limit is never
/// read past it.
pub async fn create_review_photo(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let review = param(&ctx, "review", ReviewId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let reviews = ReviewService::new(&ctx.env)?;
            reviews.photo_slot(&me, &review).await?;
            let bytes = read_body_within(&mut req, MAX_PHOTO_BYTES).await?.ok_or(ReviewError::PhotoTooLarge)?;
            json(201, &reviews.add_photo(&me, &review, bytes, now()).await?)
        }
        .await,
    )
}

pub async fn get_photo(_req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let key = param(&ctx, "photo", PhotoId::parse).map_err(|_| ReviewError::PhotoNotFound)?;
            let photo = ReviewService::new(&ctx.env)?.photo(&key).await?;
            photo_response(photo.bytes, &photo.content_type)
        }
        .await,
    )
}

fn photo_response(bytes: Vec<u8>, content_type: &str) -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("Content-Type", content_type)?;
    headers.set("Cache-Control", PHOTO_CACHE_CONTROL)?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

/// The store home's 邻居晒单.
pub async fn list_featured_reviews(_req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            json(200, &ReviewService::new(&ctx.env)?.featured(&store).await?)
        }
        .await,
    )
}

/// The owner's list: every review of the store, hidden ones too.
pub async fn list_store_reviews(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &ReviewService::new(&ctx.env)?.for_owner(&me, &store).await?)
        }
        .await,
    )
}

pub async fn list_my_reviews(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &ReviewService::new(&ctx.env)?.mine(&me).await?)
        }
        .await,
    )
}

/// The owner: feature, unfeature, hide (with a reason the author is told) or show.
pub async fn create_moderation(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let review = param(&ctx, "review", ReviewId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let action: Moderation = read_json(&mut req).await?;
            json(200, &ReviewService::new(&ctx.env)?.moderate(&me, &review, &action, now()).await?)
        }
        .await,
    )
}
