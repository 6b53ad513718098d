//! The API about itself: whether it is up. (Its OpenAPI document is a static file, made
//! by `routes::openapi`.)

use super::respond;
use crate::http::json;
use serde::Serialize;
use worker::{Request, Response, RouteContext};

/// `GET /api/v1/health`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok` when the edge answers.
    #[schema(example = "ok")]
    status: &'static str,
}

#[utoipa::path(get, path = "/api/v1/health", responses((status = 200, description = "The edge is up", body = Health)))]
pub async fn get_health(_req: Request, _ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(json(200, &Health { status: "ok" }))
}
