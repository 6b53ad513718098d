//! The signed-in resident's notices: lives on air she asked about, her community notices
//! with the unread count the top bar shows, and marking them read.

use super::{resident, respond};
use crate::{
    http::{json, now, read_json},
    services::{browse::BrowseService, identity::IdentityService, live::LiveService, notices::NoticeService},
};
use shared_model::{
    access::{self, Action},
    api::{MarkNoticesRead, NoticeList, Preferences, UnreadNotices},
};
use worker::{Request, Response, RouteContext};

/// A visitor who is not signed in, or an owner, simply has no notices (every page asks,
/// signed in or not).
#[utoipa::path(
    get,
    path = "/api/v1/me/notices",
    security((), ("session" = [])),
    responses((status = 200, description = "Her notices and unread count; empty for a visitor or an owner", body = NoticeList)),
)]
pub async fn list_notices(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = IdentityService::new(&ctx.env)?.viewer(&req).await?;
            let list = match me.filter(|me| access::may(Some(me), Action::Shop)) {
                Some(me) => {
                    let notices = NoticeService::new(&ctx.env)?;
                    NoticeList {
                        notices: LiveService::new(&ctx.env)?.notices(&me).await?,
                        community: notices.community(&me).await?,
                        unread: notices.unread(&me).await?,
                        store_id: Some(me.store_id),
                    }
                }
                None => NoticeList::default(),
            };
            json(200, &list)
        }
        .await,
    )
}

/// `{"up_to": id}`: the caller's notices up to `id` are read; answers the unread count.
#[utoipa::path(
    post,
    path = "/api/v1/me/notices/read",
    security(("session" = [])),
    request_body = MarkNoticesRead,
    responses(
        (status = 200, description = "How many of her notices are still unread", body = UnreadNotices),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
    ),
)]
pub async fn mark_notices_read(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = resident(&req, &ctx).await?;
            let body: MarkNoticesRead = read_json(&mut req).await?;
            let unread = NoticeService::new(&ctx.env)?.mark_read(&me, body.up_to, now()).await?;
            json(200, &UnreadNotices { unread })
        }
        .await,
    )
}

/// What she wants to hear about.
#[utoipa::path(
    get,
    path = "/api/v1/me/preferences",
    security(("session" = [])),
    responses(
        (status = 200, description = "Her preferences", body = Preferences),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
    ),
)]
pub async fn get_preferences(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = resident(&req, &ctx).await?;
            json(200, &BrowseService::new(&ctx.env)?.preferences(&me).await?)
        }
        .await,
    )
}

/// Turns the browse follow-ups (a product she kept looking at, with a small coupon) on or off.
#[utoipa::path(
    put,
    path = "/api/v1/me/preferences",
    security(("session" = [])),
    request_body = Preferences,
    responses(
        (status = 200, description = "Her preferences as now set", body = Preferences),
        (status = 401, description = "unauthenticated"),
        (status = 403, description = "residents_only"),
    ),
)]
pub async fn put_preferences(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let me = resident(&req, &ctx).await?;
            let preferences: Preferences = read_json(&mut req).await?;
            json(200, &BrowseService::new(&ctx.env)?.set_preferences(&me, &preferences).await?)
        }
        .await,
    )
}
