//! Live rooms: scheduling and running them (owners), watching and buying (residents), the
//! viewers' WebSocket, reminders and KOCs.

use super::{idempotency_key, param, resident, respond, store_for, IdempotencyKeyHeader};
use crate::{
    error::AppError,
    http::{env_text, json, now, query_param, read_json},
    services::{
        identity::IdentityService,
        live::{BuyRequest, LiveService},
        orders::Fault,
    },
};
use shared_model::{
    access::Action,
    api::{
        KocUpdate, LiveBuy, LiveDetail, LiveList, LiveStatusChange, PlaceOrderResponse, Reminder, ResidentList, ResidentSummary,
    },
    catalog::normalize_search,
    live::{LiveSession, LiveSummary, NewLiveSession, NewOffer, Offer},
    LiveSessionId, OfferId, PersonId, StoreId,
};
use worker::{Request, Response, RouteContext};

/// The store's lives: on air first, then upcoming, then past.
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/lives",
    security((), ("session" = [])),
    responses((status = 200, description = "The lives, with whether she asked to be reminded", body = LiveList)),
)]
pub async fn list_lives(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.viewer(&req).await?;
            json(200, &LiveService::new(&ctx.env)?.list(&store, me.as_ref()).await?)
        }
        .await,
    )
}

/// The owner schedules a live.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/lives",
    security(("session" = [])),
    request_body = NewLiveSession,
    responses(
        (status = 201, description = "The live, scheduled", body = LiveSession),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "not_store_owner"),
        (status = 422, description = "invalid_live_title, live_starts_in_past, invalid_stream_url, invalid_cover_url"),
    ),
)]
pub async fn create_live(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let new: NewLiveSession = read_json(&mut req).await?;
            json(201, &LiveService::new(&ctx.env)?.schedule(&me, &store, &new, now()).await?)
        }
        .await,
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/lives/{live}",
    security((), ("session" = [])),
    responses((status = 200, description = "The room as it stands, and who is looking", body = LiveDetail)),
)]
pub async fn get_live(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let live = param(&ctx, "live", LiveSessionId::parse)?;
            let me = IdentityService::new(&ctx.env)?.viewer(&req).await?;
            json(200, &LiveService::new(&ctx.env)?.detail(&live, me.as_ref()).await?)
        }
        .await,
    )
}

/// Going on air (`live`) or finishing (`ended`).
#[utoipa::path(
    post,
    path = "/api/v1/lives/{live}/status-changes",
    security(("session" = [])),
    request_body = LiveStatusChange,
    responses(
        (status = 200, description = "The live in its new status", body = LiveSession),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "not_store_owner"),
        (status = 409, description = "live_already_started, live_not_started, live_ended"),
    ),
)]
pub async fn create_live_status_change(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let live = param(&ctx, "live", LiveSessionId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let change: LiveStatusChange = read_json(&mut req).await?;
            json(200, &LiveService::new(&ctx.env)?.change_status(&me, &live, change.status, now()).await?)
        }
        .await,
    )
}

/// Pins an offer.
#[utoipa::path(
    post,
    path = "/api/v1/lives/{live}/offers",
    security(("session" = [])),
    request_body = NewOffer,
    responses(
        (status = 201, description = "The offer, pinned, its units set aside", body = Offer),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "not_store_owner"),
        (status = 404, description = "product_not_found"),
        (status = 409, description = "live_not_started, live_ended, sold_out, insufficient_stock"),
        (status = 422, description = "invalid_flash_price, invalid_returning_price, invalid_allotted, invalid_cap, invalid_offer_window, offer_window_too_long, offer_window_passed, gift_too_long, invalid_quantity"),
    ),
)]
pub async fn create_offer(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let live = param(&ctx, "live", LiveSessionId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            let new: NewOffer = read_json(&mut req).await?;
            json(201, &LiveService::new(&ctx.env)?.pin(&me, &live, &new, now()).await?)
        }
        .await,
    )
}

/// Unpins an offer: it closes, and what is left of its units goes back on the shelf.
#[utoipa::path(
    post,
    path = "/api/v1/lives/{live}/offers/{offer}/unpin",
    security(("session" = [])),
    responses(
        (status = 200, description = "The offer, closed", body = Offer),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "not_store_owner"),
        (status = 409, description = "offer_closed, live_ended"),
    ),
)]
pub async fn create_unpin(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let live = param(&ctx, "live", LiveSessionId::parse)?;
            let offer = param(&ctx, "offer", OfferId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &LiveService::new(&ctx.env)?.unpin(&me, &live, &offer).await?)
        }
        .await,
    )
}

/// One-tap buy, with an `Idempotency-Key` like `POST /api/v1/orders`: 201 for a new order,
/// 200 with `replayed: true` for a retry.
#[utoipa::path(
    post,
    path = "/api/v1/lives/{live}/offers/{offer}/orders",
    security(("session" = [])),
    params(IdempotencyKeyHeader),
    request_body = LiveBuy,
    responses(
        (status = 201, description = "The order, placed", body = PlaceOrderResponse),
        (status = 200, description = "The order this key placed before (`replayed: true`)", body = PlaceOrderResponse),
        (status = 400, description = "missing_idempotency_key, invalid_idempotency_key"),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store"),
        (status = 409, description = "idempotency_key_reused, live_not_started, live_ended, offer_not_open, offer_closed, sold_out, insufficient_stock, cap_exceeded"),
        (status = 422, description = "quantity_out_of_range, unknown_pickup_point"),
    ),
)]
pub async fn create_live_order(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let live = param(&ctx, "live", LiveSessionId::parse)?;
            let offer = param(&ctx, "offer", OfferId::parse)?;
            let shopper = IdentityService::new(&ctx.env)?.shopper(&req).await?;
            let key = idempotency_key(&req)?;
            let buy: LiveBuy = read_json(&mut req).await?;
            let fault = match (env_text(&ctx.env, "FAULT_INJECTION").as_deref(), req.headers().get("X-Linli-Fault")?.as_deref()) {
                (Some("1"), Some("abandon-after-reserve")) => Fault::AbandonAfterReserve,
                _ => Fault::None,
            };
            let request = BuyRequest { offer: &offer, key: &key, buy: &buy, fault };
            let (order, replayed) = LiveService::new(&ctx.env)?.buy(&shopper, &live, request, now()).await?;
            json(if replayed { 200 } else { 201 }, &PlaceOrderResponse { order, replayed })
        }
        .await,
    )
}

/// The owner's report of a live: each offer's sales, and who bought what.
#[utoipa::path(
    get,
    path = "/api/v1/lives/{live}/summary",
    security(("session" = [])),
    responses(
        (status = 200, description = "The live's sales", body = LiveSummary),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "not_store_owner"),
    ),
)]
pub async fn get_live_summary(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let live = param(&ctx, "live", LiveSessionId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &LiveService::new(&ctx.env)?.summary(&me, &live).await?)
        }
        .await,
    )
}

/// A resident asks to be told when the live starts.
#[utoipa::path(
    put,
    path = "/api/v1/lives/{live}/reminder",
    security(("session" = [])),
    responses(
        (status = 200, description = "Reminded", body = Reminder),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store"),
    ),
)]
pub async fn put_reminder(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    set_reminder(req, ctx, true).await
}

#[utoipa::path(
    delete,
    path = "/api/v1/lives/{live}/reminder",
    security(("session" = [])),
    responses(
        (status = 200, description = "Not reminded", body = Reminder),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only, wrong_store"),
    ),
)]
pub async fn delete_reminder(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    set_reminder(req, ctx, false).await
}

async fn set_reminder(req: Request, ctx: RouteContext<()>, on: bool) -> worker::Result<Response> {
    respond(
        async {
            let live = param(&ctx, "live", LiveSessionId::parse)?;
            let me = resident(&req, &ctx).await?;
            json(200, &LiveService::new(&ctx.env)?.set_reminder(&me, &live, on, now()).await?)
        }
        .await,
    )
}

/// The owner's list of the store's residents, most loyal first, or those matching `q`.
#[utoipa::path(
    get,
    path = "/api/v1/stores/{store}/residents",
    security(("session" = [])),
    params(("q" = Option<String>, Query, description = "Only residents whose nickname, building or phone's last digits hold this text")),
    responses(
        (status = 200, description = "At most 200 residents", body = ResidentList),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 422, description = "query_too_long"),
    ),
)]
pub async fn list_residents(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            let q = query_param(&req, "q")?.unwrap_or_default();
            let search = normalize_search(&q)?;
            json(200, &LiveService::new(&ctx.env)?.residents(&store, search.as_deref()).await?)
        }
        .await,
    )
}

/// The owner marks or unmarks a resident as a KOC.
#[utoipa::path(
    put,
    path = "/api/v1/stores/{store}/residents/{person}/koc",
    security(("session" = [])),
    request_body = KocUpdate,
    responses(
        (status = 200, description = "The resident", body = ResidentSummary),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "resident_not_found"),
    ),
)]
pub async fn put_koc(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            let person = param(&ctx, "person", PersonId::parse)?;
            let update: KocUpdate = read_json(&mut req).await?;
            json(200, &LiveService::new(&ctx.env)?.set_koc(&store, &person, update.is_koc).await?)
        }
        .await,
    )
}

/// `GET /api/v1/lives/{live}/socket`: a viewer's WebSocket, handed to the room. Watching
/// needs no account; commenting does (the cookie is read here).
#[utoipa::path(
    get,
    path = "/api/v1/lives/{live}/socket",
    security((), ("session" = [])),
    params(("Upgrade" = String, Header, description = "`websocket`")),
    responses(
        (status = 101, description = "A WebSocket to the room: the client sends `ClientMessage`s and receives `ServerMessage`s, JSON text frames (see the components)"),
        (status = 403, description = "foreign_origin"),
        (status = 426, description = "upgrade_required"),
    ),
)]
pub async fn get_live_socket(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let live = param(&ctx, "live", LiveSessionId::parse)?;
            if !req.headers().get("Upgrade")?.is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
                return Err(AppError::new(426, "upgrade_required", "Connect with a WebSocket"));
            }
            let me = IdentityService::new(&ctx.env)?.viewer(&req).await?;
            LiveService::new(&ctx.env)?.connect(&live, &req, me.as_ref()).await
        }
        .await,
    )
}
