//! The API about itself: whether it is up, and its OpenAPI document.

use super::{openapi::document_json, respond};
use crate::http::json;
use serde::Serialize;
use worker::{Headers, Request, Response, RouteContext};

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

/// This document, made from the routes and types (`routes::openapi`).
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    responses((status = 200, description = "The OpenAPI 3.1 document of `/api/v1`", body = Object)),
)]
pub async fn get_openapi(_req: Request, _ctx: RouteContext<()>) -> worker::Result<Response> {
    respond(
        async {
            let headers = Headers::new();
            headers.set("Content-Type", "application/json; charset=utf-8")?;
            headers.set("Cache-Control", "public, max-age=300")?;
            Ok(Response::ok(document_json())?.with_headers(headers))
        }
        .await,
    )
}
