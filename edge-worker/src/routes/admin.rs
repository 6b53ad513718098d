//! Operator routes. Seeding is off unless the `SEED_TOKEN` secret is set, and then needs it.

use super::respond;
use crate::{
    error::AppError,
    http::{env_text, json},
    services::seed::seed_demo_chain,
};
use worker::{Request, Response, RouteContext};

/// `POST /api/v1/admin/seed` with `Authorization: Bearer <SEED_TOKEN>`: seeds the demo chain.
pub async fn seed(req: Request, ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let expected = env_text(&ctx.env, "SEED_TOKEN");
            let Some(expected) = expected else { return Err(AppError::not_found("no_such_route")) };
            let given = req.headers().get("Authorization")?.unwrap_or_default();
            if given != format!("Bearer {expected}") {
                return Err(AppError::new(401, "invalid_seed_token", "Wrong or missing seed token"));
            }
            let password = env_text(&ctx.env, "DEMO_OWNER_PASSWORD")
                .ok_or_else(|| AppError::new(500, "seed_misconfigured", "DEMO_OWNER_PASSWORD is not set"))?;
            json(200, &seed_demo_chain(&ctx.env, &password).await?)
        }
        .await,
    )
}
