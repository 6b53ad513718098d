//! Joining a store, signing in and out, and who am I.

use super::{param, respond};
use crate::{
    error::{AppError, AppResult},
    http::{cleared_session_cookie, is_https, json, read_json, session_cookie},
    services::{catalog::CatalogService, identity::IdentityService},
};
use shared_model::{
    access::{authorize, Action},
    identity::{JoinRequest, Me, OwnerSignIn, ResidentSignIn},
    StoreId,
};
use worker::{Request, Response, RouteContext};

fn signed_in(req: &Request, me: &Me, token: &str, status: u16) -> AppResult<Response> {
    let mut response = json(status, me)?;
    response.headers_mut().set("Set-Cookie", &session_cookie(token, is_https(req)))?;
    Ok(response)
}

/// A resident joins a store (and is signed in).
pub async fn create_resident(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            CatalogService::new(&ctx.env)?.get_store(&store).await?.ok_or_else(|| AppError::not_found("store_not_found"))?;
            let join: JoinRequest = read_json(&mut req).await?;
            let valid = join.validate()?;
            let (me, token) = IdentityService::new(&ctx.env)?.join(&store, &valid).await?;
            signed_in(&req, &me, &token, 201)
        }
        .await,
    )
}

/// An owner signs in with phone and password.
pub async fn create_session(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let sign_in: OwnerSignIn = read_json(&mut req).await?;
            let (me, token) = IdentityService::new(&ctx.env)?.sign_in_owner(sign_in.phone.trim(), &sign_in.password).await?;
            signed_in(&req, &me, &token, 201)
        }
        .await,
    )
}

/// A resident signs in on another device with phone and a device code.
pub async fn create_store_session(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let sign_in: ResidentSignIn = read_json(&mut req).await?;
            let (me, token) =
                IdentityService::new(&ctx.env)?.sign_in_resident(&store, sign_in.phone.trim(), &sign_in.code).await?;
            signed_in(&req, &me, &token, 201)
        }
        .await,
    )
}

/// A signed-in resident asks for a one-time code to sign in on another device.
pub async fn create_device_code(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let identity = IdentityService::new(&ctx.env)?;
            let me = identity.require_viewer(&req).await?;
            authorize(Some(&me), Action::Shop)?;
            json(201, &identity.new_device_code(&me).await?)
        }
        .await,
    )
}

pub async fn delete_session(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            IdentityService::new(&ctx.env)?.sign_out(&req).await?;
            let mut response = json(200, &serde_json::json!({ "signed_out": true }))?;
            response.headers_mut().set("Set-Cookie", &cleared_session_cookie())?;
            Ok(response)
        }
        .await,
    )
}

pub async fn get_me(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &me)
        }
        .await,
    )
}
