//! 品鉴会: the store's tastings, booking and cancelling, the owner's list and door
//! check-in, the question after the evening, and the store's NPS.

use super::{param, respond};
use crate::{
    http::{json, now, read_json, svg},
    services::{identity::IdentityService, tastings::TastingService},
};
use shared_model::{
    api::CheckInRequest,
    community::{NewBooking, NewTasting, NpsAnswer},
    StoreId, TastingId,
};
use worker::{Request, Response, RouteContext};

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
