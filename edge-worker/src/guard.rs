//! Browser-facing defences, applied to every request before it is routed, and the
//! security headers of every answer.
//!
//! Why here and not per route: a route added later is covered without anyone
//! remembering to. The session cookie is `SameSite=Lax`; these checks are the second lock:
//! - a state-changing API request (POST, PUT, PATCH, DELETE) from a foreign `Origin` (or,
//!   without one, marked `Sec-Fetch-Site: cross-site`) is refused with 403;
//! - its body must be JSON, or a photo on the one route where photos go: the media types
//!   a plain HTML form can send cross-site (`text/plain`, urlencoded, multipart) never are;
//! - a body whose declared length is over the route's limit is refused with 413 before a
//!   byte of it is read (a body with no length is cut off while reading, in `http`);
//! - a WebSocket upgrade from a foreign origin is refused (browsers send `Origin` on every
//!   socket, and a socket is not covered by the same-origin policy).
//!
//! Pages get a Content-Security-Policy that runs only our own scripts (the two inline ones
//! carry the page's nonce) and our wasm, and none of our pages may be framed.

use crate::{
    error::{AppError, AppResult},
    http::MAX_BODY_BYTES,
};
use shared_model::community::{ReviewError, MAX_PHOTO_BYTES};
use worker::{Method, Request, Response};

/// Checks an `/api/` request; `Err` is the answer to send instead of routing it.
pub fn check_api_request(req: &Request) -> AppResult<()> {
    let headers = req.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let is_socket = header("Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
    let changes_state = matches!(req.method(), Method::Post | Method::Put | Method::Patch | Method::Delete);
    if !(changes_state || is_socket) {
        return Ok(());
    }
    let own_origin = req.url()?.origin().ascii_serialization();
    let foreign = match header("Origin") {
        Some(origin) => origin != own_origin,
        None => header("Sec-Fetch-Site").is_some_and(|site| site == "cross-site"),
    };
    if foreign {
        return Err(AppError::new(403, "foreign_origin", "Requests from other sites are refused"));
    }
    if is_socket {
        return Ok(());
    }
    let path = req.path();
    let declared_length = header("Content-Length").and_then(|v| v.trim().parse::<u64>().ok());
    if declared_length.is_some_and(|n| n > body_limit(&path) as u64) {
        return Err(if is_photo_upload(&path) { ReviewError::PhotoTooLarge.into() } else { AppError::body_too_large() });
    }
    let has_body = declared_length.is_some_and(|n| n > 0) || header("Transfer-Encoding").is_some();
    let media_type = header("Content-Type").map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    match media_type {
        Some(media_type) if accepts(&path, &media_type) => Ok(()),
        None if !has_body => Ok(()),
        _ => Err(AppError::new(415, "unsupported_media_type", "Send JSON (application/json)")),
    }
}

/// A photo upload: `POST /api/v1/reviews/{review}/photos`, whose body is the image.
fn is_photo_upload(path: &str) -> bool {
    path.strip_prefix("/api/v1/reviews/").and_then(|rest| rest.strip_suffix("/photos")).is_some_and(|id| !id.contains('/'))
}

/// The largest body a route takes.
fn body_limit(path: &str) -> usize {
    if is_photo_upload(path) {
        MAX_PHOTO_BYTES
    } else {
        MAX_BODY_BYTES
    }
}

/// Whether a route takes a body of this media type. A photo's real type is read from its
/// bytes, so any image type (or none in particular) may be declared for it.
fn accepts(path: &str, media_type: &str) -> bool {
    media_type == "application/json"
        || (is_photo_upload(path) && (media_type.starts_with("image/") || media_type == "application/octet-stream"))
}

/// A fresh nonce for one page's inline scripts.
pub fn page_nonce() -> worker::Result<String> {
    let bytes = crate::http::random_bytes::<16>().map_err(|e| worker::Error::RustError(format!("{e:?}")))?;
    Ok(crate::http::hex(&bytes))
}

/// The headers every page carries: its CSP (scripts of our origin or with this page's
/// nonce, wasm compiled by them; styles of our origin and `style` attributes; images,
/// media and sockets of our origin), no framing, no referrer sent off the site, no sniffing.
pub fn set_page_headers(response: &mut Response, nonce: &str) -> worker::Result<()> {
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    let headers = response.headers_mut();
    headers.set("Content-Security-Policy", &csp)?;
    headers.set("X-Frame-Options", "DENY")?;
    set_common_headers(headers)
}

/// Headers for every answer of the worker, API or page.
pub fn set_common_headers(headers: &mut worker::Headers) -> worker::Result<()> {
    headers.set("Referrer-Policy", "same-origin")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    Ok(())
}
