//! Joining a store, signing in and out, and who am I.

use super::{param, respond, store_for};
use crate::{
    clients::{sms::SmsGateway, throttle::client_address},
    error::{AppError, AppResult},
    http::{cleared_session_cookie, json, now, read_json, session_cookie},
    services::{catalog::CatalogService, identity::IdentityService},
};
use shared_model::{
    access::{authorize, Action},
    identity::{JoinRequest, Me, OwnerSignIn, ResidentSignIn, SignInCodeRequest},
    StoreId,
};
use worker::{Request, Response, RouteContext};

fn signed_in(req: &Request, me: &Me, token: &str, status: u16) -> AppResult<Response> {
    let mut response = json(status, me)?;
    response.headers_mut().set("Set-Cookie", &session_cookie(req, token))?;
    Ok(response)
}

/// A resident joins a store (and is signed in).
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/residents",
    request_body = JoinRequest,
    responses(
        (status = 201, description = "She is a resident of the store, signed in", body = Me, headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 409, description = "phone_already_joined"),
        (status = 422, description = "invalid_nickname, invalid_phone, invalid_building, invalid_unit, too_many_tags"),
        (status = 429, description = "too_many_joins"),
    ),
)]
pub async fn create_resident(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            CatalogService::new(&ctx.env)?.get_store(&store).await?.ok_or_else(|| AppError::not_found("store_not_found"))?;
            let join: JoinRequest = read_json(&mut req).await?;
            let valid = join.validate()?;
            let (me, token) = IdentityService::new(&ctx.env)?.join(&store, &valid, &client_address(&req)).await?;
            signed_in(&req, &me, &token, 201)
        }
        .await,
    )
}

/// An owner signs in with phone and password.
#[utoipa::path(
    post,
    path = "/api/v1/sessions",
    request_body = OwnerSignIn,
    responses(
        (status = 201, description = "The owner, signed in", body = Me, headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 401, description = "invalid_credentials"),
        (status = 429, description = "too_many_sign_ins"),
    ),
)]
pub async fn create_session(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let sign_in: OwnerSignIn = read_json(&mut req).await?;
            let (me, token) = IdentityService::new(&ctx.env)?
                .sign_in_owner(sign_in.phone.trim(), &sign_in.password, &client_address(&req))
                .await?;
            signed_in(&req, &me, &token, 201)
        }
        .await,
    )
}

/// A resident signs in on another device with phone and a device code.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/sessions",
    request_body = ResidentSignIn,
    responses(
        (status = 201, description = "The resident, signed in on this device", body = Me, headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 401, description = "invalid_device_code"),
        (status = 429, description = "too_many_sign_ins"),
    ),
)]
pub async fn create_store_session(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let sign_in: ResidentSignIn = read_json(&mut req).await?;
            let (me, token) = IdentityService::new(&ctx.env)?
                .sign_in_resident(&store, sign_in.phone.trim(), &sign_in.code, &client_address(&req))
                .await?;
            signed_in(&req, &me, &token, 201)
        }
        .await,
    )
}

/// A resident with no signed-in device asks for a sign-in code by SMS: 202 with the
/// masked phone, whether or not the phone is a resident's (`shared_model::sms`).
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/sign-in-codes",
    request_body = SignInCodeRequest,
    responses(
        (status = 202, description = "A code is texted if the phone is a resident's (the same answer if not)", body = shared_model::identity::SignInCodeSent),
        (status = 422, description = "invalid_phone"),
        (status = 429, description = "sms_too_soon, sms_too_many"),
        (status = 503, description = "sms_unavailable"),
    ),
)]
pub async fn create_sign_in_code(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = param(&ctx, "store", StoreId::parse)?;
            let ask: SignInCodeRequest = read_json(&mut req).await?;
            let phone = ask.phone()?;
            let gateway = SmsGateway::from_env(&ctx.env)?;
            json(
                202,
                &IdentityService::new(&ctx.env)?.send_sign_in_code(&gateway, &store, phone, now(), &client_address(&req)).await?,
            )
        }
        .await,
    )
}

/// The store's owner issues a sign-in code at the counter for a resident who has no
/// signed-in device and no SMS, after checking who she is.
#[utoipa::path(
    post,
    path = "/api/v1/stores/{store}/assisted-sign-in-codes",
    security(("session" = [])),
    request_body = SignInCodeRequest,
    responses(
        (status = 201, description = "A code for the resident with this phone, and who she is", body = shared_model::identity::AssistedSignInCode),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "wrong_store, forbidden"),
        (status = 404, description = "resident_not_found"),
        (status = 422, description = "invalid_phone"),
    ),
)]
pub async fn create_assisted_sign_in_code(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let store = store_for(&req, &ctx, |s| Action::ManageStore(s)).await?;
            let ask: SignInCodeRequest = read_json(&mut req).await?;
            json(201, &IdentityService::new(&ctx.env)?.assisted_sign_in_code(&store, ask.phone()?).await?)
        }
        .await,
    )
}

/// `GET /dev/sms`: the development edge's SMS outbox, newest first, the way a mail catcher
/// shows mail. Not found unless `SMS_GATEWAY=outbox` (never in production).
pub async fn dev_sms_outbox(env: &worker::Env) -> worker::Result<Response> {
    if !matches!(SmsGateway::from_env(env), Ok(SmsGateway::Outbox(_))) {
        return Response::error("Not Found", 404);
    }
    let messages = match crate::clients::sms::outbox(&env.d1("DB")?).await {
        Ok(messages) => messages,
        Err(e) => return Ok(e.into_response()),
    };
    let rows: String = messages
        .iter()
        .map(|(phone, text, at)| {
            format!("<li><b>{}</b> <small>{}</small><p>{}</p></li>", escape_html(phone), escape_html(at), escape_html(text))
        })
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width\"><title>短信发件箱（开发环境）</title><style>body{{font-family:sans-serif;margin:16px}}\
         li{{margin:12px 0;list-style:none;border-bottom:1px solid #ddd}}ul{{padding:0}}</style></head><body>\
         <h1>短信发件箱（开发环境）</h1><p>本地开发时，短信不会真的发出，而是显示在这里。</p><ul data-testid=\"sms-outbox\">{rows}</ul></body></html>"
    );
    let mut response = Response::from_html(html)?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A signed-in resident asks for a one-time code to sign in on another device.
#[utoipa::path(
    post,
    path = "/api/v1/me/device-codes",
    security(("session" = [])),
    responses(
        (status = 201, description = "A one-time code to sign in on another device", body = shared_model::identity::DeviceCode),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
    ),
)]
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

#[utoipa::path(
    delete,
    path = "/api/v1/sessions/current",
    security((), ("session" = [])),
    responses((
        status = 200,
        description = "Signed out (also when not signed in)",
        body = shared_model::api::SignedOut,
        headers(("Set-Cookie" = String, description = "The session cookie, cleared")),
    )),
)]
pub async fn delete_session(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            IdentityService::new(&ctx.env)?.sign_out(&req).await?;
            let mut response = json(200, &serde_json::json!({ "signed_out": true }))?;
            response.headers_mut().set("Set-Cookie", &cleared_session_cookie(&req))?;
            Ok(response)
        }
        .await,
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/me",
    security(("session" = [])),
    responses(
        (status = 200, description = "Who is signed in", body = Me),
        (status = 401, description = "unauthenticated"),
    ),
)]
pub async fn get_me(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = IdentityService::new(&ctx.env)?.require_viewer(&req).await?;
            json(200, &me)
        }
        .await,
    )
}
