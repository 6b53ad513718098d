//! 优惠券: her coupons, and the owner giving them out.

use super::{param, resident, respond};
use crate::{
    http::{json, now, read_json, read_optional_json},
    services::{coupons::CouponService, identity::IdentityService},
};
use shared_model::{
    api::{CouponList, IssueCoupons, IssuedCoupons},
    brain::RETURNING_COUPON,
    coupon::{CouponKind, CouponTerms},
    StoreId,
};
use worker::{Request, Response, RouteContext};

/// Her coupons in her store, newest first, each usable, used or expired.
#[utoipa::path(
    get,
    path = "/api/v1/me/coupons",
    security(("session" = [])),
    responses(
        (status = 200, description = "Her coupons", body = CouponList),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
    ),
)]
pub async fn list_my_coupons(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = resident(&req, &ctx).await?;
            json(200, &CouponService::new(&ctx.env)?.list(&me, now()).await?)
        }
        .await,
    )
}

/// The owner gives each listed resident a coupon on the same terms.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/coupons",
    security(("session" = [])),
    request_body = IssueCoupons,
    responses(
        (status = 201, description = "One coupon per resident", body = IssuedCoupons),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 422, description = "invalid_coupon_amount, invalid_coupon_threshold, invalid_coupon_validity, invalid_coupon_product, invalid_coupon_recipients"),
    ),
)]
pub async fn create_coupons(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let issue: IssueCoupons = read_json(&mut req).await?;
            json(201, &CouponService::new(&ctx.env)?.issue(&me, &store, &issue, CouponKind::Gift, now()).await?)
        }
        .await,
    )
}

/// 发券: a 回归券 to every resident past her usual repurchase interval (terms in the body,
/// or ¥5 off ¥39 for 7 days when it is empty).
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/coupons/returning",
    security(("session" = [])),
    request_body(content = Option<CouponTerms>, description = "The terms; empty for the store's usual 回归券"),
    responses(
        (status = 201, description = "The coupons given (none when no one is overdue)", body = IssuedCoupons),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 422, description = "invalid_coupon_amount, invalid_coupon_threshold, invalid_coupon_validity, invalid_coupon_product"),
    ),
)]
pub async fn create_returning_coupons(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let terms: CouponTerms = read_optional_json(&mut req).await?.unwrap_or(RETURNING_COUPON);
            json(201, &CouponService::new(&ctx.env)?.issue_returning(&me, &store, &terms, now()).await?)
        }
        .await,
    )
}
