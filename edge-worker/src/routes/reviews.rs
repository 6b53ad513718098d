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
    api::{FeaturedReviewList, ReviewCard, ReviewList},
    community::{Moderation, NewReview, ReviewError, MAX_PHOTO_BYTES},
    PhotoId, ReviewId, StoreId,
};
use worker::{Headers, Request, Response, RouteContext};

/// Photos never change under their key: browsers and the CDN keep them a year.
const PHOTO_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// A photo's bytes on the wire (an upload's body, a served photo), for the document
/// (made natively, in `routes::openapi`'s tests).
#[cfg_attr(not(test), expect(dead_code, reason = "only the OpenAPI document names it"))]
struct PhotoBytes;

impl utoipa::PartialSchema for PhotoBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary))).into()
    }
}

impl utoipa::ToSchema for PhotoBytes {}

/// A resident reviews a product of an order she picked up.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/reviews",
    security(("session" = [])),
    request_body = NewReview,
    responses(
        (status = 201, description = "The review", body = ReviewCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store"),
        (status = 404, description = "order_not_found"),
        (status = 409, description = "order_not_picked_up, already_reviewed, review_window_passed"),
        (status = 422, description = "invalid_stars, review_too_long, product_not_in_order"),
    ),
)]
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
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{review}/photos",
    security(("session" = [])),
    request_body(
        description = "The photo's bytes",
        content(
            (PhotoBytes = "image/jpeg"),
            (PhotoBytes = "image/webp"),
            (PhotoBytes = "application/octet-stream"),
        ),
    ),
    responses(
        (status = 201, description = "The review with the photo", body = ReviewCard),
        (status = 400, description = "bad_request"),
        (status = 401, description = "unauthenticated"),
        (status = 404, description = "review_not_found"),
        (status = 409, description = "review_is_hidden, too_many_photos"),
        (status = 413, description = "photo_too_large"),
        (status = 422, description = "unsupported_photo_type, photo_too_big, unreadable_photo"),
    ),
)]
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

/// A review photo, as stored (JPEG or WebP).
#[utoipa::path(
    get,
    path = "/api/v1/photos/{photo}",
    responses((
        status = 200,
        description = "The photo",
        content((PhotoBytes = "image/jpeg"), (PhotoBytes = "image/webp")),
    )),
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/featured-reviews",
    responses((status = 200, description = "The store's featured reviews, newest first, at most 10", body = FeaturedReviewList)),
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/reviews",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every review of the store, newest first", body = ReviewList),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
    ),
)]
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

/// The signed-in resident's own reviews (hidden ones with the reason), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/reviews",
    security(("session" = [])),
    responses((status = 200, description = "Her reviews", body = ReviewList), (status = 401, description = "unauthenticated")),
)]
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
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{review}/moderation",
    security(("session" = [])),
    request_body = Moderation,
    responses(
        (status = 200, description = "The review, moderated", body = ReviewCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "review_not_found"),
        (status = 409, description = "review_is_hidden, nothing_to_feature, too_many_featured"),
        (status = 422, description = "invalid_hide_reason"),
    ),
)]
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
