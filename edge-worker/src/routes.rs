//! Every API route, wired in one place. Handlers are thin: parse, call a service, answer.

mod admin;
mod brain;
mod cart;
mod catalog;
mod coupons;
mod demands;
mod identity;
mod live;
mod markdowns;
mod meta;
mod metrics;
mod notices;
#[cfg(test)]
mod openapi;
mod orders;
mod recommendations;
mod reviews;
mod stock;
mod supply;
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

/// Every API route: its method, its path as the router matches it (`:name` for a path
/// parameter) and its handler. This one list makes the router, [`ROUTES`] and the
/// OpenAPI document's operations ([`ApiPaths`], from each handler's `#[utoipa::path]`),
/// so a route cannot be served without its handler being documented, and the unit test
/// in `openapi` finds any route whose documented method or path differs.
macro_rules! api_routes {
    ($(($method:ident, $path:literal, $($handler:ident)::+)),* $(,)?) => {
        /// Method and path of every API route, as the router matches them.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        /// The router for a request to `path`: only the routes that can match it
        /// ([`route_matches`]), as a request's router is built anew and dropped after it.
        fn router(path: &str) -> Router<'static, ()> {
            let router = Router::new();
            $(let router = if route_matches($path, path) {
                api_routes!(@add router, $method, $path, $($handler)::+)
            } else {
                router
            };)*
            router
        }

        /// The operations of the OpenAPI document, one per route (made natively, see
        /// `openapi`: the worker serves the document as a file).
        #[cfg(test)]
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($($handler)::+),*))]
        pub struct ApiPaths;
    };
    (@add $router:ident, GET, $path:literal, $handler:path) => { $router.get_async($path, $handler) };
    (@add $router:ident, POST, $path:literal, $handler:path) => { $router.post_async($path, $handler) };
    (@add $router:ident, PUT, $path:literal, $handler:path) => { $router.put_async($path, $handler) };
    (@add $router:ident, PATCH, $path:literal, $handler:path) => { $router.patch_async($path, $handler) };
    (@add $router:ident, DELETE, $path:literal, $handler:path) => { $router.delete_async($path, $handler) };
}

api_routes![
    (GET, "/api/v1/health", meta::get_health),
    (GET, "/api/v1/stores", catalog::list_stores),
    (GET, "/api/v1/stores/:store", catalog::get_store),
    (GET, "/api/v1/stores/:store/join-qr.svg", catalog::get_join_qr),
    (GET, "/api/v1/stores/:store/products", catalog::list_products),
    (GET, "/api/v1/stores/:store/products/:product", catalog::get_product),
    (PATCH, "/api/v1/stores/:store/products/:product", catalog::update_store_product),
    (GET, "/api/v1/stores/:store/orders", orders::list_store_orders),
    (POST, "/api/v1/stores/:store/residents", identity::create_resident),
    (POST, "/api/v1/stores/:store/sessions", identity::create_store_session),
    (POST, "/api/v1/stores/:store/sign-in-codes", identity::create_sign_in_code),
    (POST, "/api/v1/stores/:store/assisted-sign-in-codes", identity::create_assisted_sign_in_code),
    (POST, "/api/v1/sessions", identity::create_session),
    (DELETE, "/api/v1/sessions/current", identity::delete_session),
    (GET, "/api/v1/me", identity::get_me),
    (POST, "/api/v1/me/device-codes", identity::create_device_code),
    (GET, "/api/v1/cart", cart::get_cart),
    (PUT, "/api/v1/cart/items/:product", cart::put_cart_item),
    (DELETE, "/api/v1/cart/items/:product", cart::delete_cart_item),
    (POST, "/api/v1/orders", orders::create_order),
    (GET, "/api/v1/orders", orders::list_orders),
    (GET, "/api/v1/orders/:order", orders::get_order),
    (POST, "/api/v1/orders/:order/cancellation", orders::create_cancellation),
    (POST, "/api/v1/orders/:order/status-changes", orders::create_status_change),
    (GET, "/api/v1/stores/:store/lives", live::list_lives),
    (POST, "/api/v1/stores/:store/lives", live::create_live),
    (GET, "/api/v1/stores/:store/residents", live::list_residents),
    (PUT, "/api/v1/stores/:store/residents/:person/koc", live::put_koc),
    (GET, "/api/v1/lives/:live", live::get_live),
    (GET, "/api/v1/lives/:live/socket", live::get_live_socket),
    (POST, "/api/v1/lives/:live/status-changes", live::create_live_status_change),
    (POST, "/api/v1/lives/:live/offers", live::create_offer),
    (POST, "/api/v1/lives/:live/offers/:offer/unpin", live::create_unpin),
    (POST, "/api/v1/lives/:live/offers/:offer/orders", live::create_live_order),
    (GET, "/api/v1/lives/:live/summary", live::get_live_summary),
    (PUT, "/api/v1/lives/:live/reminder", live::put_reminder),
    (DELETE, "/api/v1/lives/:live/reminder", live::delete_reminder),
    (GET, "/api/v1/me/notices", notices::list_notices),
    (POST, "/api/v1/me/notices/read", notices::mark_notices_read),
    (POST, "/api/v1/me/product-views", catalog::create_product_view),
    (GET, "/api/v1/me/preferences", notices::get_preferences),
    (PUT, "/api/v1/me/preferences", notices::put_preferences),
    (GET, "/api/v1/stores/:store/demands", demands::list_demands),
    (POST, "/api/v1/stores/:store/demands", demands::create_demand),
    (PUT, "/api/v1/demands/:demand/vote", demands::put_vote),
    (DELETE, "/api/v1/demands/:demand/vote", demands::delete_vote),
    (POST, "/api/v1/demands/:demand/status-changes", demands::create_demand_status_change),
    (GET, "/api/v1/stores/:store/tastings", tastings::list_tastings),
    (POST, "/api/v1/stores/:store/tastings", tastings::create_tasting),
    (GET, "/api/v1/stores/:store/nps", tastings::get_store_nps),
    (GET, "/api/v1/tastings/:tasting", tastings::get_tasting),
    (PUT, "/api/v1/tastings/:tasting/booking", tastings::put_booking),
    (DELETE, "/api/v1/tastings/:tasting/booking", tastings::delete_booking),
    (GET, "/api/v1/tastings/:tasting/booking/qr.svg", tastings::get_check_in_qr),
    (GET, "/api/v1/tastings/:tasting/bookings", tastings::list_bookings),
    (POST, "/api/v1/tastings/:tasting/check-ins", tastings::create_check_in),
    (POST, "/api/v1/tastings/:tasting/cancellation", tastings::create_tasting_cancellation),
    (POST, "/api/v1/tastings/:tasting/nps", tastings::create_nps_answer),
    (GET, "/api/v1/stores/:store/featured-reviews", reviews::list_featured_reviews),
    (GET, "/api/v1/stores/:store/reviews", reviews::list_store_reviews),
    (POST, "/api/v1/stores/:store/reviews", reviews::create_review),
    (GET, "/api/v1/me/reviews", reviews::list_my_reviews),
    (POST, "/api/v1/reviews/:review/photos", reviews::create_review_photo),
    (POST, "/api/v1/reviews/:review/moderation", reviews::create_moderation),
    (GET, "/api/v1/photos/:photo", reviews::get_photo),
    (GET, "/api/v1/me/recommendations", recommendations::get_recommendations),
    (GET, "/api/v1/cart/suggestions", recommendations::get_cart_suggestions),
    (GET, "/api/v1/me/coupons", coupons::list_my_coupons),
    (POST, "/api/v1/stores/:store/coupons", coupons::create_coupons),
    (POST, "/api/v1/stores/:store/coupons/returning", coupons::create_returning_coupons),
    (GET, "/api/v1/stores/:store/markdowns", markdowns::list_markdowns),
    (POST, "/api/v1/stores/:store/markdowns", markdowns::create_markdown),
    (PUT, "/api/v1/stores/:store/products/:product/markdown-floor", markdowns::set_markdown_floor),
    (POST, "/api/v1/admin/seed", admin::seed),
    (POST, "/api/v1/admin/recommendations", admin::create_profile_builds),
    (GET, "/api/v1/admin/order-history", admin::get_order_history),
    (POST, "/api/v1/admin/browse-follow-ups", admin::create_browse_follow_ups),
    (GET, "/api/v1/stores/:store/brain", brain::get_brain),
    (POST, "/api/v1/stores/:store/brain", brain::create_brain),
    (GET, "/api/v1/stores/:store/numbers", metrics::get_numbers),
    (POST, "/api/v1/stores/:store/numbers", metrics::create_numbers),
    (PUT, "/api/v1/stores/:store/size", metrics::put_size),
    (GET, "/api/v1/chain/numbers", metrics::get_chain_numbers),
    (GET, "/api/v1/stores/:store/stock", stock::get_stock),
    (POST, "/api/v1/stores/:store/stock/receipts", stock::create_receipt),
    (POST, "/api/v1/stores/:store/stock/write-offs", stock::create_write_off),
    (POST, "/api/v1/stores/:store/stock/counts", stock::create_count),
    (POST, "/api/v1/admin/brain-runs", admin::create_brain_run),
    (GET, "/api/v1/stores/:store/supply", supply::get_supply),
    (POST, "/api/v1/stores/:store/supply/purchase-orders", supply::create_purchase_order),
    (GET, "/api/v1/stores/:store/supply/deliveries", supply::get_deliveries),
    (POST, "/api/v1/stores/:store/supply/resends", supply::create_resend),
    (GET, "/api/v1/stores/:store/supply/demo-inbox", supply::get_demo_inbox),
    (PUT, "/api/v1/stores/:store/supply/demo-inbox", supply::put_demo_inbox),
    (POST, "/api/v1/demo-supplier/purchase-orders", supply::create_demo_purchase_order),
];

/// Answers one `/api/v1/` request.
pub async fn handle_api(req: Request, env: Env) -> worker::Result<Response> {
    let path = req.path();
    // The worker's `Method` reads any method it does not know (QUERY, PROPFIND…) as GET:
    // those are refused here, before the router would serve them as a GET.
    if !KNOWN_METHODS.contains(&req.inner().method().as_str()) {
        return method_not_allowed(&path);
    }
    let response = router(&path)
        .or_else_any_method_async("/api/*rest", |_, _| async { Ok(AppError::not_found("no_such_route").into_response()) })
        .run(req, env)
        .await?;
    // The router's own 405 is plain text; keep one error envelope for every answer.
    if response.status_code() == 405
        && response.headers().get("Content-Type").ok().flatten().as_deref() != Some(PROBLEM_CONTENT_TYPE)
    {
        return method_not_allowed(&path);
    }
    Ok(response)
}

/// The methods the router tells apart; any other is answered here.
const KNOWN_METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// 405 with the methods served at `path` in `Allow`, or 404 when it is no route's path.
fn method_not_allowed(path: &str) -> worker::Result<Response> {
    let allowed = allowed_methods(path);
    if allowed.is_empty() {
        return Ok(AppError::not_found("no_such_route").into_response());
    }
    let mut refused = AppError::new(405, "method_not_allowed", "This method is not allowed on this route").into_response();
    refused.headers_mut().set("Allow", &allowed.join(", "))?;
    Ok(refused)
}

/// The methods [`ROUTES`] serve at `path` (for a 405's `Allow`).
fn allowed_methods(path: &str) -> Vec<&'static str> {
    ROUTES.iter().filter(|(_, route)| route_matches(route, path)).map(|(method, _)| *method).collect()
}

/// Whether a route (`:name` for a path parameter) can match `path`: the same segments,
/// a parameter standing for any non-empty one. The router still does the matching; this
/// says which routes a request's router holds (registering all of them cost about 6% of
/// the worker's CPU in a live rush) and which methods a 405 allows.
fn route_matches(route: &str, path: &str) -> bool {
    let (mut route, mut path) = (route.split('/'), path.split('/'));
    loop {
        match (route.next(), path.next()) {
            (None, None) => return true,
            (Some(r), Some(p)) if r == p || (r.starts_with(':') && !p.is_empty()) => continue,
            _ => return false,
        }
    }
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

/// The `Idempotency-Key` header of a buy (`POST /api/v1/orders`, a live's one-tap buy), as
/// the document describes it (the handlers read the header themselves: never built).
#[allow(dead_code)]
#[derive(utoipa::IntoParams)]
#[into_params(names("Idempotency-Key"), parameter_in = Header)]
pub struct IdempotencyKeyHeader(
    /// A key of the client's choosing, 8 to 128 printable ASCII characters; a retry with the
    /// same key and body places nothing new.
    #[param(min_length = 8, max_length = 128, pattern = "^[!-~]+$")]
    String,
);

/// The request's `Idempotency-Key` ([`IdempotencyKeyHeader`]): 400 when missing or malformed.
pub fn idempotency_key(req: &Request) -> AppResult<shared_model::order::IdempotencyKey> {
    let key = req.headers().get("Idempotency-Key")?.ok_or(shared_model::order::OrderError::MissingIdempotencyKey)?;
    Ok(shared_model::order::IdempotencyKey::parse(&key)?)
}

/// A path parameter parsed into an ID newtype; a malformed one is simply not found.
pub fn param<T>(
    ctx: &RouteContext<()>,
    name: &str,
    parse: impl Fn(&str) -> Result<T, shared_model::ids::IdError>,
) -> AppResult<T> {
    ctx.param(name).and_then(|raw| parse(raw).ok()).ok_or_else(|| AppError::not_found(&format!("{name}_not_found")))
}

/// The `:store` of the path, when the signed-in person may do `action` there.
pub async fn store_for(
    req: &Request,
    ctx: &RouteContext<()>,
    action: impl for<'a> Fn(&'a shared_model::StoreId) -> Action<'a>,
) -> AppResult<shared_model::StoreId> {
    Ok(viewer_and_store_for(req, ctx, action).await?.1)
}

/// [`store_for`], with the signed-in person for a route that records who acted.
pub async fn viewer_and_store_for(
    req: &Request,
    ctx: &RouteContext<()>,
    action: impl for<'a> Fn(&'a shared_model::StoreId) -> Action<'a>,
) -> AppResult<(shared_model::identity::Me, shared_model::StoreId)> {
    let store = param(ctx, "store", shared_model::StoreId::parse)?;
    let me = IdentityService::new(&ctx.env)?.require_viewer(req).await?;
    authorize(Some(&me), action(&store))?;
    Ok((me, store))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request's router holds the route it is for: each route, its parameters filled
    /// in, is among the routes kept for that path.
    #[test]
    fn a_request_keeps_its_route() {
        for (method, route) in ROUTES {
            let path = route.split('/').map(|s| if s.starts_with(':') { "x-1" } else { s }).collect::<Vec<_>>().join("/");
            assert!(route_matches(route, &path), "{method} {route}");
        }
        assert!(!route_matches("/api/v1/orders/:order", "/api/v1/orders"));
        assert!(!route_matches("/api/v1/orders", "/api/v1/orders/"));
        assert!(!route_matches("/api/v1/orders/:order", "/api/v1/orders/"));
    }

    #[test]
    fn allow_names_the_methods_served_at_a_path() {
        assert_eq!(allowed_methods("/api/v1/cart/items/p-1"), ["PUT", "DELETE"]);
        assert_eq!(allowed_methods("/api/v1/stores/s-1/products/p-1"), ["GET", "PATCH"]);
        assert_eq!(allowed_methods("/api/v1/orders"), ["POST", "GET"]);
        assert!(allowed_methods("/api/v1/stores//products").is_empty());
        assert!(allowed_methods("/api/v1/nothing").is_empty());
    }
}
