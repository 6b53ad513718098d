//! Live rooms: scheduling and running them (owners), watching and buying (residents), the
//! viewers' WebSocket, reminders and KOCs.

use super::{param, resident, respond};
use crate::{
    error::AppError,
    http::{env_text, json, now, read_json},
    services::{
        identity::IdentityService,
        live::{BuyRequest, LiveService},
        orders::Fault,
    },
};
use shared_model::{
    access::{authorize, Action},
    api::{KocUpdate, LiveBuy, LiveStatusChange, PlaceOrderResponse},
    catalog::normalize_search,
    live::{NewLiveSession, NewOffer},
    order::{IdempotencyKey, OrderError},
    LiveSessionId, OfferId, PersonId, StoreId,
};
use worker::{Request, Response, RouteContext};

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
pub async fn create_live_order(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let live = param(&ctx, "live", LiveSessionId::parse)?;
            let offer = param(&ctx, "offer", OfferId::parse)?;
            let me = resident(&req, &ctx).await?;
            let key = req.headers().get("Idempotency-Key")?.ok_or(OrderError::MissingIdempotencyKey)?;
            let key = IdempotencyKey::parse(&key)?;
            let buy: LiveBuy = read_json(&mut req).await?;
            let fault = match (env_text(&ctx.env, "FAULT_INJECTION").as_deref(), req.headers().get("X-Linli-Fault")?.as_deref()) {
                (Some("1"), Some("abandon-after-reserve")) => Fault::AbandonAfterReserve,
                _ => Fault::None,
            };
            let request = BuyRequest { offer: &offer, key: &key, buy: &buy, fault };
            let (order, replayed) = LiveService::new(&ctx.env)?.buy(&me, &live, request, now()).await?;
            json(if replayed { 200 } else { 201 }, &PlaceOrderResponse { order, replayed })
        }
        .await,
    )
}

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

pub async fn put_reminder(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    set_reminder(req, ctx, true).await
}

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

pub async fn list_residents(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            authorize(Some(&me), Action::ManageStore(&store))?;
            let url = req.url()?;
            let q = url.query_pairs().find(|(k, _)| k == "q").map(|(_, v)| v.into_owned()).unwrap_or_default();
            let search = normalize_search(&q)?;
            json(200, &LiveService::new(&ctx.env)?.residents(&store, search.as_deref()).await?)
        }
        .await,
    )
}

pub async fn put_koc(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let person = param(&ctx, "person", PersonId::parse)?;
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            authorize(Some(&me), Action::ManageStore(&store))?;
            let update: KocUpdate = read_json(&mut req).await?;
            json(200, &LiveService::new(&ctx.env)?.set_koc(&store, &person, update.is_koc).await?)
        }
        .await,
    )
}

/// `GET /api/v1/lives/{live}/socket`: a viewer's WebSocket, handed to the room. Watching
/// needs no account; commenting does (the cookie is read here).
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
