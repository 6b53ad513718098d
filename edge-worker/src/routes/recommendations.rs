//! 为你推荐 (the shop home) and 凑单推荐 (the cart), for the signed-in resident.

use super::{resident, respond};
use crate::{
    http::{json, now, query_param},
    services::{cart::CartService, recommendations::RecommendationService},
};
use shared_model::{
    api::{CartSuggestions, RecommendationList},
    recommend::{parse_limit, CART_SUGGESTIONS},
};
use worker::{Request, Response, RouteContext};

/// `GET /api/v1/me/recommendations?limit=10`.
#[utoipa::path(
    get,
    path = "/api/v1/me/recommendations",
    security(("session" = [])),
    params(("limit" = Option<u32>, Query, description = "How many picks (10 when absent)", minimum = 1, maximum = 20)),
    responses(
        (status = 200, description = "Her next basket, best first, each pick with its reason", body = RecommendationList),
        (status = 400, description = "limit_out_of_range"),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
    ),
)]
pub async fn get_recommendations(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let limit = query_param(&req, "limit")?;
            let limit = parse_limit(limit.as_deref())?;
            let me = resident(&req, &ctx).await?;
            let (recommendations, profile_version) =
                RecommendationService::new(&ctx.env)?.for_resident(&me, limit, now()).await?;
            json(200, &RecommendationList { recommendations, profile_version })
        }
        .await,
    )
}

/// `GET /api/v1/cart/suggestions`: what goes with what is in her cart now.
#[utoipa::path(
    get,
    path = "/api/v1/cart/suggestions",
    security(("session" = [])),
    responses(
        (status = 200, description = "What goes with her cart, best first", body = CartSuggestions),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
    ),
)]
pub async fn get_cart_suggestions(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = resident(&req, &ctx).await?;
            let cart: Vec<_> =
                CartService::new(&ctx.env)?.lines(&me.person_id).await?.into_iter().map(|l| l.product_id).collect();
            let suggestions = RecommendationService::new(&ctx.env)?.for_cart(&me, &cart, CART_SUGGESTIONS, now()).await?;
            json(200, &CartSuggestions { suggestions })
        }
        .await,
    )
}
