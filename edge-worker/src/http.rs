//! Small HTTP helpers shared by the routes: JSON in and out, cookies, randomness.

use crate::error::{AppError, AppResult};
use serde::{de::DeserializeOwned, Serialize};
use worker::{Headers, Request, Response};

/// Name of the session cookie on local http (HttpOnly, SameSite=Lax).
const SESSION_COOKIE: &str = "linli_session";
/// Its name on https: with the `__Host-` prefix the browser accepts it only `Secure`, for
/// the whole site and from this very host, so a sibling subdomain cannot plant a session.
const HOST_SESSION_COOKIE: &str = "__Host-linli_session";
/// Sessions last 30 days.
pub const SESSION_DAYS: i64 = 30;
/// Largest JSON body any route accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON response with the given status; API answers are never cached.
pub fn json<T: Serialize>(status: u16, value: &T) -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    headers.set("Cache-Control", "no-store")?;
    Ok(Response::ok(serde_json::to_string(value)?)?.with_status(status).with_headers(headers))
}

/// An SVG image (a QR code) with its caching; `nosniff`, so it is only ever an image.
pub fn svg(body: String, cache_control: &str) -> AppResult<Response> {
    let headers = worker::Headers::new();
    headers.set("Content-Type", "image/svg+xml; charset=utf-8")?;
    headers.set("Cache-Control", cache_control)?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    Ok(Response::ok(body)?.with_headers(headers))
}

/// Reads and decodes a JSON body of at most [`MAX_BODY_BYTES`] (413 past it, found before
/// the rest is read); anything unreadable is the client's 400, never a 500.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> AppResult<T> {
    read_optional_json(req).await?.ok_or_else(|| AppError::malformed_json("empty body"))
}

/// [`read_json`] for a route whose body may be left empty (`None`).
pub async fn read_optional_json<T: DeserializeOwned>(req: &mut Request) -> AppResult<Option<T>> {
    let body = read_body_within(req, MAX_BODY_BYTES).await?.ok_or_else(AppError::body_too_large)?;
    let text = std::str::from_utf8(&body).map_err(|_| AppError::malformed_json("not UTF-8"))?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text).map(Some).map_err(|e| AppError::malformed_json(e.to_string()))
}

/// Reads a raw body of at most `limit` bytes: `None` when it is larger, said by its
/// `Content-Length` before anything is read, or found while reading (a body without a
/// length, or one that lies), in which case reading stops at `limit + 1` bytes.
pub async fn read_body_within(req: &mut Request, limit: usize) -> AppResult<Option<Vec<u8>>> {
    use futures::StreamExt;
    let declared = req.headers().get("Content-Length").ok().flatten().and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Ok(None);
    }
    if req.inner().body().is_none() {
        return Ok(Some(Vec::new()));
    }
    let mut body = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    let mut stream = req.stream().map_err(|_| AppError::new(400, "bad_request", "unreadable body"))?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| AppError::new(400, "bad_request", "unreadable body"))?;
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// The query parameter `name` of the request, when given.
pub fn query_param(req: &Request, name: &str) -> AppResult<Option<String>> {
    Ok(req.url()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()))
}

/// The `pickup_date` query parameter (YYYY-MM-DD), when given.
pub fn pickup_date_param(req: &Request) -> AppResult<Option<chrono::NaiveDate>> {
    query_param(req, "pickup_date")?
        .map(|d| {
            chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| AppError::new(422, "invalid_date", "pickup_date must be YYYY-MM-DD"))
        })
        .transpose()
}

/// The value of one cookie from the request, if present.
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("Cookie").ok().flatten()?;
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// The session cookie's value on this request, if it carries one (valid or not).
pub fn session_cookie_value(req: &Request) -> Option<String> {
    cookie(req, session_cookie_name(req))
}

/// The session cookie's name for this request: prefixed on https (plain http, used only
/// locally, cannot carry the prefix).
fn session_cookie_name(req: &Request) -> &'static str {
    if is_https(req) {
        HOST_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// `Set-Cookie` value for a new session, answering `req`.
pub fn session_cookie(req: &Request, token: &str) -> String {
    let max_age = SESSION_DAYS * 24 * 3600;
    let secure = if is_https(req) { "; Secure" } else { "" };
    format!("{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}", session_cookie_name(req))
}

/// `Set-Cookie` value that removes the session, answering `req`.
pub fn cleared_session_cookie(req: &Request) -> String {
    let secure = if is_https(req) { "; Secure" } else { "" };
    format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", session_cookie_name(req))
}

/// Whether the request came over https (cookies then get `Secure`).
pub fn is_https(req: &Request) -> bool {
    req.url().map(|u| u.scheme() == "https").unwrap_or(false)
}

/// Cryptographically random bytes from the runtime's Web Crypto.
pub fn random_bytes<const N: usize>() -> AppResult<[u8; N]> {
    use wasm_bindgen::JsCast;
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .map_err(|_| AppError::Internal("no crypto global".into()))?
        .unchecked_into::<web_sys::Crypto>();
    let mut bytes = [0u8; N];
    crypto.get_random_values_with_u8_array(&mut bytes).map_err(|_| AppError::Internal("getRandomValues failed".into()))?;
    Ok(bytes)
}

/// A random lowercase hex id with a prefix, e.g. `r-3f9a…` for a resident.
pub fn random_id(prefix: &str) -> AppResult<String> {
    let bytes = random_bytes::<8>()?;
    Ok(format!("{prefix}-{}", hex(&bytes)))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The clock is read here, at the edge, and passed into shared-model's rules.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(now_ms()).unwrap_or_default()
}

/// The runtime's clock in milliseconds, for alarm, grace and cache-age arithmetic.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A text setting: a `[vars]` entry or a secret (`wrangler secret put`), whichever is set.
pub fn env_text(env: &worker::Env, name: &str) -> Option<String> {
    env.var(name).map(|v| v.to_string()).or_else(|_| env.secret(name).map(|s| s.to_string())).ok().filter(|v| !v.is_empty())
}
