//! Operator routes. They are off unless the `SEED_TOKEN` secret is set, and then need it.

use super::respond;
use crate::{
    error::{AppError, AppResult},
    http::{env_text, json, now, query_param, read_optional_json},
    services::{
        brain::{BrainRun, BrainService},
        browse::BrowseService,
        metrics::BACKFILL_DAYS,
        recommendations::RecommendationService,
        seed::{history::DEMO_HISTORY_DAYS, seed_demo_chain},
    },
};
use shared_model::{
    api::{FollowUpsSent, ProfileBuild, RunFollowUps},
    identity::operator_token_matches,
    StoreId,
};
use worker::{Request, Response, RouteContext};

/// The caller holds the operator token (`Authorization: Bearer <SEED_TOKEN>`).
fn operator(req: &Request, ctx: &RouteContext<()>) -> AppResult<()> {
    let Some(expected) = env_text(&ctx.env, "SEED_TOKEN") else { return Err(AppError::not_found("no_such_route")) };
    let given = req.headers().get("Authorization")?.unwrap_or_default();
    if !operator_token_matches(&given, &expected) {
        return Err(AppError::new(401, "invalid_seed_token", "Wrong or missing seed token"));
    }
    Ok(())
}

/// `POST /api/v1/admin/seed?history_days=365`: seeds the demo chain (and builds its
/// recommendation profiles and numbers); `history_days` lengthens its residents' orders
/// from the demo's 90 days up to the year the numbers keep (`scripts/bench numbers`).
#[utoipa::path(
    post,
    path = "/api/v1/admin/seed",
    security(("operator" = [])),
    params(
        ("history_days" = Option<i64>, Query, description = "Days of orders to seed (90 when absent)", minimum = 90, maximum = 365),
    ),
    responses(
        (status = 200, description = "What the seed wrote (nothing new on a second run)", body = crate::services::seed::SeedReport),
        (status = 401, description = "invalid_seed_token"),
        (status = 404, description = "no_such_route"),
        (status = 422, description = "history_days_out_of_range"),
        (status = 500, description = "seed_misconfigured"),
    ),
)]
pub async fn seed(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            operator(&req, &ctx)?;
            let password = env_text(&ctx.env, "DEMO_OWNER_PASSWORD")
                .ok_or_else(|| AppError::new(500, "seed_misconfigured", "DEMO_OWNER_PASSWORD is not set"))?;
            let history_days = match query_param(&req, "history_days")? {
                None => None,
                Some(v) => {
                    Some(v.parse::<i64>().ok().filter(|d| (DEMO_HISTORY_DAYS..=BACKFILL_DAYS).contains(d)).ok_or_else(|| {
                        AppError::new(
                            422,
                            "history_days_out_of_range",
                            &format!("history_days is {DEMO_HISTORY_DAYS} to {BACKFILL_DAYS}"),
                        )
                    })?)
                }
            };
            json(200, &seed_demo_chain(&ctx.env, &password, history_days).await?)
        }
        .await,
    )
}

/// `POST /api/v1/admin/recommendations`: builds every store's recommendation profile
/// now, due or not (what the cron does when enough orders came in).
#[utoipa::path(
    post,
    path = "/api/v1/admin/recommendations",
    security(("operator" = [])),
    responses(
        (status = 200, description = "Each store's build", body = Vec<ProfileBuild>),
        (status = 401, description = "invalid_seed_token"),
        (status = 404, description = "no_such_route"),
    ),
)]
pub async fn create_profile_builds(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            operator(&req, &ctx)?;
            json(200, &RecommendationService::new(&ctx.env)?.rebuild_all(now()).await?)
        }
        .await,
    )
}

/// `GET /api/v1/admin/order-history?store=…`: the store's orders of the history window
/// as CSV in the Instacart format, for `scripts/eval-recommendations`.
#[utoipa::path(
    get,
    path = "/api/v1/admin/order-history",
    security(("operator" = [])),
    params(("store" = String, Query, description = "The store (a store id)")),
    responses(
        (status = 200, description = "The store's orders of the history window, as Instacart-format CSV", body = String, content_type = "text/csv"),
        (status = 401, description = "invalid_seed_token"),
        (status = 404, description = "no_such_route, store_not_found"),
    ),
)]
pub async fn get_order_history(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            operator(&req, &ctx)?;
            let store = query_param(&req, "store")?
                .and_then(|v| StoreId::parse(&v).ok())
                .ok_or_else(|| AppError::not_found("store_not_found"))?;
            let csv = RecommendationService::new(&ctx.env)?.order_history_csv(&store, now()).await?;
            let mut response = Response::ok(csv)?;
            response.headers_mut().set("Content-Type", "text/csv; charset=utf-8")?;
            Ok(response)
        }
        .await,
    )
}

/// `POST /api/v1/admin/browse-follow-ups`: sends the browse-and-leave follow-ups due at
/// `at` (now when absent): what the cron does every ten minutes, at a chosen instant.
#[utoipa::path(
    post,
    path = "/api/v1/admin/browse-follow-ups",
    security(("operator" = [])),
    request_body(content = Option<RunFollowUps>, description = "The instant to run at; empty for now"),
    responses(
        (status = 200, description = "How many were sent", body = FollowUpsSent),
        (status = 401, description = "invalid_seed_token"),
        (status = 404, description = "no_such_route"),
    ),
)]
pub async fn create_browse_follow_ups(mut req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            operator(&req, &ctx)?;
            let run: Option<RunFollowUps> = read_optional_json(&mut req).await?;
            let at = run.and_then(|r| r.at).unwrap_or_else(now);
            json(200, &FollowUpsSent { sent: BrowseService::new(&ctx.env)?.send_due(at).await? })
        }
        .await,
    )
}

/// `POST /api/v1/admin/brain-runs?store=…&scale=1`: times one store's brain: its facts
/// read from D1, multiplied `scale` times (1..=50; each copy its own residents and
/// products), computed and not kept. For `scripts/bench brain`.
#[utoipa::path(
    post,
    path = "/api/v1/admin/brain-runs",
    security(("operator" = [])),
    params(
        ("store" = String, Query, description = "The store (a store id)"),
        ("scale" = Option<u32>, Query, description = "The corpus multiplier (1 when absent)", minimum = 1, maximum = 50),
    ),
    responses(
        (status = 200, description = "What was read and how long each part took", body = BrainRun),
        (status = 401, description = "invalid_seed_token"),
        (status = 404, description = "no_such_route, store_not_found"),
        (status = 422, description = "scale_out_of_range"),
    ),
)]
pub async fn create_brain_run(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            operator(&req, &ctx)?;
            let store = query_param(&req, "store")?
                .and_then(|v| StoreId::parse(&v).ok())
                .ok_or_else(|| AppError::not_found("store_not_found"))?;
            let scale = match query_param(&req, "scale")? {
                None => 1,
                Some(v) => v
                    .parse::<u32>()
                    .ok()
                    .filter(|s| (1..=50).contains(s))
                    .ok_or_else(|| AppError::new(422, "scale_out_of_range", "scale is 1 to 50"))?,
            };
            json(200, &BrainService::new(&ctx.env)?.bench(&store, scale, now()).await?)
        }
        .await,
    )
}
