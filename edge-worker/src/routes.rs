//! Every API route, wired in one place. Handlers are thin: parse, call a service, answer.

mod admin;
mod cart;
mod catalog;
mod demands;
mod identity;
mod live;
mod notices;
mod orders;
mod recommendations;
mod reviews;
mod tastings;

use crate::{
    error::{AppError, AppResult},
    services::identity::IdentityService,
};
use shared_model::{
    access::{authorize, Action},
    identity::Me,
    problem::PROBLEM_CONTENT_TYPE,
};
use worker::{Env, Request, Response, RouteContext, Router};

/// Answers one `/api/v1/` request.
pub async fn handle_api(req: Request, env: Env) -> worker::Result<Response> {
    let response = Router::new()
        .get_async("/api/v1/health", |_, _| async { respond(crate::http::json(200, &serde_json::json!({ "status": "ok" }))) })
        .get_async("/api/v1/stores", catalog::list_stores)
        .get_async("/api/v1/stores/:store", catalog::get_store)
        .get_async("/api/v1/stores/:store/join-qr.svg", catalog::get_join_qr)
        .get_async("/api/v1/stores/:store/products", catalog::list_products)
        .get_async("/api/v1/stores/:store/products/:product", catalog::get_product)
        .patch_async("/api/v1/stores/:store/products/:product", catalog::update_store_product)
        .get_async("/api/v1/stores/:store/orders", orders::list_store_orders)
        .post_async("/api/v1/stores/:store/residents", identity::create_resident)
        .post_async("/api/v1/stores/:store/sessions", identity::create_store_session)
        .post_async("/api/v1/stores/:store/sign-in-codes", identity::create_sign_in_code)
        .post_async("/api/v1/stores/:store/assisted-sign-in-codes", identity::create_assisted_sign_in_code)
        .post_async("/api/v1/sessions", identity::create_session)
        .delete_async("/api/v1/sessions/current", identity::delete_session)
        .get_async("/api/v1/me", identity::get_me)
        .post_async("/api/v1/me/device-codes", identity::create_device_code)
        .get_async("/api/v1/cart", cart::get_cart)
        .put_async("/api/v1/cart/items/:product", cart::put_cart_item)
        .delete_async("/api/v1/cart/items/:product", cart::delete_cart_item)
        .post_async("/api/v1/orders", orders::create_order)
        .get_async("/api/v1/orders", orders::list_orders)
        .get_async("/api/v1/orders/:order", orders::get_order)
        .post_async("/api/v1/orders/:order/cancellation", orders::create_cancellation)
        .post_async("/api/v1/orders/:order/status-changes", orders::create_status_change)
        .get_async("/api/v1/stores/:store/lives", live::list_lives)
        .post_async("/api/v1/stores/:store/lives", live::create_live)
        .get_async("/api/v1/stores/:store/residents", live::list_residents)
        .put_async("/api/v1/stores/:store/residents/:person/koc", live::put_koc)
        .get_async("/api/v1/lives/:live", live::get_live)
        .get_async("/api/v1/lives/:live/socket", live::get_live_socket)
        .post_async("/api/v1/lives/:live/status-changes", live::create_live_status_change)
        .post_async("/api/v1/lives/:live/offers", live::create_offer)
        .post_async("/api/v1/lives/:live/offers/:offer/unpin", live::create_unpin)
        .post_async("/api/v1/lives/:live/offers/:offer/orders", live::create_live_order)
        .get_async("/api/v1/lives/:live/summary", live::get_live_summary)
        .put_async("/api/v1/lives/:live/reminder", live::put_reminder)
        .delete_async("/api/v1/lives/:live/reminder", live::delete_reminder)
        .get_async("/api/v1/me/notices", notices::list_notices)
        .post_async("/api/v1/me/notices/read", notices::mark_notices_read)
        .get_async("/api/v1/stores/:store/demands", demands::list_demands)
        .post_async("/api/v1/stores/:store/demands", demands::create_demand)
        .put_async("/api/v1/demands/:demand/vote", demands::put_vote)
        .delete_async("/api/v1/demands/:demand/vote", demands::delete_vote)
        .post_async("/api/v1/demands/:demand/status-changes", demands::create_demand_status_change)
        .get_async("/api/v1/stores/:store/tastings", tastings::list_tastings)
        .post_async("/api/v1/stores/:store/tastings", tastings::create_tasting)
        .get_async("/api/v1/stores/:store/nps", tastings::get_store_nps)
        .get_async("/api/v1/tastings/:tasting", tastings::get_tasting)
        .put_async("/api/v1/tastings/:tasting/booking", tastings::put_booking)
        .delete_async("/api/v1/tastings/:tasting/booking", tastings::delete_booking)
        .get_async("/api/v1/tastings/:tasting/booking/qr.svg", tastings::get_check_in_qr)
        .get_async("/api/v1/tastings/:tasting/bookings", tastings::list_bookings)
        .post_async("/api/v1/tastings/:tasting/check-ins", tastings::create_check_in)
        .post_async("/api/v1/tastings/:tasting/cancellation", tastings::create_tasting_cancellation)
        .post_async("/api/v1/tastings/:tasting/nps", tastings::create_nps_answer)
        .get_async("/api/v1/stores/:store/featured-reviews", reviews::list_featured_reviews)
        .get_async("/api/v1/stores/:store/reviews", reviews::list_store_reviews)
        .post_async("/api/v1/stores/:store/reviews", reviews::create_review)
        .get_async("/api/v1/me/reviews", reviews::list_my_reviews)
        .post_async("/api/v1/reviews/:review/photos", reviews::create_review_photo)
        .post_async("/api/v1/reviews/:review/moderation", reviews::create_moderation)
        .get_async("/api/v1/photos/:photo", reviews::get_photo)
        .get_async("/api/v1/me/recommendations", recommendations::get_recommendations)
        .get_async("/api/v1/cart/suggestions", recommendations::get_cart_suggestions)
        .post_async("/api/v1/admin/seed", admin::seed)
        .post_async("/api/v1/admin/recommendations", admin::create_profile_builds)
        .get_async("/api/v1/admin/order-history", admin::get_order_history)
        .or_else_any_method_async("/api/*rest", |_, _| async { Ok(AppError::not_found("no_such_route").into_response()) })
        .run(req, env)
        .await?;
    // The router's own 405 is plain text; keep one error envelope for every answer.
    if response.status_code() == 405
        && response.headers().get("Content-Type").ok().flatten().as_deref() != Some(PROBLEM_CONTENT_TYPE)
    {
        return Ok(AppError::new(405, "method_not_allowed", "This method is not allowed on this route").into_response());
    }
    Ok(response)
}

/// `/dev/…`: tools of the local development edge (the SMS outbox).
pub async fn handle_dev(req: Request, env: Env) -> worker::Result<Response> {
    match req.path().as_str() {
        "/dev/sms" => identity::dev_sms_outbox(&env).await,
        _ => Response::error("Not Found", 404),
    }
}

/// Turns a handler's result into the HTTP answer (errors as problem+json).
pub fn respond(result: AppResult<Response>) -> worker::Result<Response> {
    Ok(result.unwrap_or_else(AppError::into_response))
}

/// The signed-in resident making the request (401 signed out, 403 for an owner).
pub async fn resident(req: &Request, ctx: &RouteContext<()>) -> AppResult<Me> {
    let me = IdentityService::new(&ctx.env)?.require_viewer(req).await?;
    authorize(Some(&me), Action::Shop)?;
    Ok(me)
}

/// A path parameter parsed into an ID newtype; a malformed one is simply not found.
pub fn param<T>(
    ctx: &RouteContext<()>,
    name: &str,
    parse: impl Fn(&str) -> Result<T, shared_model::ids::IdError>,
) -> AppResult<T> {
    ctx.param(name).and_then(|raw| parse(raw).ok()).ok_or_else(|| AppError::not_found(&format!("{name}_not_found")))
}
