//! 品鉴会: the store's tastings, booking and cancelling, the owner's list and door
//! check-in, the question after the evening, and the store's NPS.

use super::{param, respond};
use crate::{
    http::{json, now, read_json, svg},
    services::{identity::IdentityService, tastings::TastingService},
};
use shared_model::{
    api::{BookingLine, CheckInRequest, StoreNps, TastingBookings, TastingCard, TastingList},
    community::{NewBooking, NewTasting, NpsAnswer},
    StoreId, TastingId,
};
use worker::{Request, Response, RouteContext};

#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/tastings",
    security((), ("session" = [])),
    responses((status = 200, description = "Upcoming tastings, soonest first, then the past month's", body = TastingList)),
)]
pub async fn list_tastings(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.viewer(&req).await?;
            json(200, &TastingService::new(&ctx.env)?.list(&store, me.as_ref(), now()).await?)
        }
        .await,
    )
}

/// The owner schedules a tasting.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/tastings",
    security(("session" = [])),
    request_body = NewTasting,
    responses(
        (status = 201, description = "The tasting", body = TastingCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "product_not_found"),
        (status = 422, description = "invalid_tasting_title, tasting_starts_in_past, tasting_too_far_ahead, invalid_tasting_place, invalid_seats, invalid_seats_per_household, too_many_tasting_products, duplicate_tasting_product, invalid_cover_url"),
    ),
)]
pub async fn create_tasting(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let new: NewTasting = read_json(&mut req).await?;
            json(201, &TastingService::new(&ctx.env)?.create(&me, &store, &new, now()).await?)
        }
        .await,
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/tastings/{tasting}",
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The tasting with its seats, its products and her booking", body = TastingCard),
        (status = 404, description = "tasting_not_found"),
    ),
)]
pub async fn get_tasting(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let tasting = param(&ctx, "tasting", TastingId::parse)?;
            let me = IdentityService::new(&ctx.env)?.viewer(&req).await?;
            json(200, &TastingService::new(&ctx.env)?.get(&tasting, me.as_ref(), now()).await?)
        }
        .await,
    )
}

/// The resident's booking: seats, or a place on the waitlist.
#[utoipa::path(
    put,
    path = "/api/v1/tastings/{tasting}/booking",
    security(("session" = [])),
    request_body = NewBooking,
    responses(
        (status = 201, description = "The tasting with her booking", body = TastingCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store"),
        (status = 404, description = "tasting_not_found"),
        (status = 409, description = "household_seat_cap, not_enough_seats, already_booked, tasting_cancelled, tasting_started"),
        (status = 422, description = "invalid_seat_count"),
    ),
)]
pub async fn put_booking(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let tasting = param(&ctx, "tasting", TastingId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let request: NewBooking = read_json(&mut req).await?;
            json(201, &TastingService::new(&ctx.env)?.book(&me, &tasting, request, now()).await?)
        }
        .await,
    )
}

/// The resident cancels her booking (the next on the waitlist moves up).
#[utoipa::path(
    delete,
    path = "/api/v1/tastings/{tasting}/booking",
    security(("session" = [])),
    responses(
        (status = 200, description = "The tasting without her booking", body = TastingCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store"),
        (status = 404, description = "tasting_not_found, booking_not_found"),
        (status = 409, description = "booking_not_cancellable, tasting_started, tasting_cancelled"),
    ),
)]
pub async fn delete_booking(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let tasting = param(&ctx, "tasting", TastingId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &TastingService::new(&ctx.env)?.cancel_booking(&me, &tasting, now()).await?)
        }
        .await,
    )
}

/// The owner's list of a tasting's bookings, and the answers to its question so far.
#[utoipa::path(
    get,
    path = "/api/v1/tastings/{tasting}/bookings",
    security(("session" = [])),
    responses(
        (status = 200, description = "The bookings", body = TastingBookings),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "tasting_not_found"),
    ),
)]
pub async fn list_bookings(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let tasting = param(&ctx, "tasting", TastingId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &TastingService::new(&ctx.env)?.bookings(&me, &tasting, now()).await?)
        }
        .await,
    )
}

/// The owner checks a guest in at the door with the code she shows.
#[utoipa::path(
    post,
    path = "/api/v1/tastings/{tasting}/check-ins",
    security(("session" = [])),
    request_body = CheckInRequest,
    responses(
        (status = 200, description = "The booking, checked in", body = BookingLine),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "tasting_not_found, booking_not_found"),
        (status = 409, description = "already_checked_in, booking_not_confirmed, check_in_not_open, check_in_closed, tasting_cancelled"),
        (status = 422, description = "invalid_check_in_code"),
    ),
)]
pub async fn create_check_in(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let tasting = param(&ctx, "tasting", TastingId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let CheckInRequest { code } = read_json(&mut req).await?;
            json(200, &TastingService::new(&ctx.env)?.check_in(&me, &tasting, code).await?)
        }
        .await,
    )
}

/// The owner calls the tasting off.
#[utoipa::path(
    post,
    path = "/api/v1/tastings/{tasting}/cancellation",
    security(("session" = [])),
    responses(
        (status = 200, description = "The tasting, called off (every guest is told)", body = TastingCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "tasting_not_found"),
        (status = 409, description = "tasting_cancelled, tasting_started"),
    ),
)]
pub async fn create_tasting_cancellation(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let tasting = param(&ctx, "tasting", TastingId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &TastingService::new(&ctx.env)?.cancel_tasting(&me, &tasting, now()).await?)
        }
        .await,
    )
}

/// A guest answers the after-tasting question (0..=10, with a comment).
#[utoipa::path(
    post,
    path = "/api/v1/tastings/{tasting}/nps",
    security(("session" = [])),
    request_body = NpsAnswer,
    responses(
        (status = 201, description = "The tasting, answered", body = TastingCard),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store, not_an_attendee"),
        (status = 404, description = "tasting_not_found"),
        (status = 409, description = "nps_already_answered, nps_not_open, nps_closed"),
        (status = 422, description = "invalid_nps_score, nps_comment_too_long"),
    ),
)]
pub async fn create_nps_answer(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let tasting = param(&ctx, "tasting", TastingId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let answer: NpsAnswer = read_json(&mut req).await?;
            json(201, &TastingService::new(&ctx.env)?.answer(&me, &tasting, &answer, now()).await?)
        }
        .await,
    )
}

/// The owner's net promoter score of the store's tastings.
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/nps",
    security(("session" = [])),
    responses(
        (status = 200, description = "The score of the last 90 days' answers", body = StoreNps),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
    ),
)]
pub async fn get_store_nps(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &TastingService::new(&ctx.env)?.store_nps(&me, &store, now()).await?)
        }
        .await,
    )
}

/// The QR of the resident's check-in code, for the door's scanner. Private and short-lived:
/// the code is hers, and a new booking has a new one.
#[utoipa::path(
    get,
    path = "/api/v1/tastings/{tasting}/booking/qr.svg",
    security(("session" = [])),
    responses(
        (status = 200, description = "The QR code of her check-in code", body = String, content_type = "image/svg+xml"),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store"),
        (status = 404, description = "tasting_not_found, booking_not_found"),
        (status = 409, description = "booking_not_confirmed"),
    ),
)]
pub async fn get_check_in_qr(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let tasting = param(&ctx, "tasting", TastingId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let code = TastingService::new(&ctx.env)?.check_in_code(&me, &tasting).await?;
            svg(crate::qr::qr_svg(&code)?, "private, max-age=300")
        }
        .await,
    )
}
