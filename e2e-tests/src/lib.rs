//! Helpers for the API journeys in `tests/`: they talk to a real local edge (wrangler dev
//! on workerd) at `LINLI_BASE_URL`, started and seeded by `scripts/test`.

use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use shared_model::identity::Me;
use std::sync::atomic::{AtomicU64, Ordering};

pub mod live;

/// This machine's clock (the edge under test runs on it too).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    std::time::SystemTime::now().into()
}

/// The demo chain's stores and owners (edge-worker/seed/demo-chain.json).
pub const STORE_A: &str = "st-gubei";
pub const STORE_B: &str = "st-xixi";
pub const OWNER_A_PHONE: &str = "13800000001";
pub const OWNER_B_PHONE: &str = "13800000002";

pub fn base_url() -> String {
    std::env::var("LINLI_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8790".into())
}

pub fn owner_password() -> String {
    std::env::var("DEMO_OWNER_PASSWORD").unwrap_or_else(|_| "linli-demo-2026".into())
}

/// The operator token the test and bench edges are started with (`scripts/lib.sh`).
pub fn seed_token() -> String {
    std::env::var("SEED_TOKEN").unwrap_or_else(|_| "local-seed-token".into())
}

/// Builds every store's recommendation profile now (the operator route); the builds.
pub async fn build_profiles() -> Value {
    let resp =
        client().post(url("/api/v1/admin/recommendations")).bearer_auth(seed_token()).send().await.expect("build profiles");
    assert_eq!(resp.status(), StatusCode::OK, "build profiles");
    resp.json().await.expect("builds json")
}

pub fn url(path: &str) -> String {
    format!("{}{path}", base_url())
}

/// A phone number no other test has used (residents join once per store per phone).
pub fn unique_phone() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let salt = std::process::id() as u64 % 1000;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64 % 100;
    format!("13{:03}{:02}{:04}", salt, nanos, n % 10_000)
}

/// A cookie-keeping client: one per person, each on a network of its own (see
/// [`client_at`]), as neighbours on their own phones are.
pub fn client() -> Client {
    client_at(&own_address())
}

/// A client address no other client or viewer of this process uses (`10.x.y.z`).
pub fn own_address() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("10.{}.{}.{}", 100 + (std::process::id() % 100), (n / 250) % 250, n % 250 + 1)
}

/// A cookie-keeping client whose requests come from client address `address`. The edge
/// counts joins and sign-ins per address (`shared_model::throttle`); Cloudflare sets
/// `CF-Connecting-IP` in production, and the local edge takes the client's word for it.
pub fn client_at(address: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("CF-Connecting-IP", address.parse().expect("an address"));
    Client::builder().cookie_store(true).pool_max_idle_per_host(4).default_headers(headers).build().expect("http client")
}

/// A resident who has joined `store`.
pub async fn join(store: &str, nickname: &str) -> Client {
    resident(store, nickname, "3栋").await.client
}

/// A resident with their session: the cookie-keeping client, the cookie itself (for
/// the live room's WebSocket) and who they are.
pub struct Resident {
    pub client: Client,
    /// `linli_session=…`, ready for a `Cookie` header.
    pub cookie: String,
    pub me: Me,
    /// The phone they joined with.
    pub phone: String,
}

/// Joins `store` as `nickname` living in `building`.
pub async fn resident(store: &str, nickname: &str, building: &str) -> Resident {
    let client = client();
    let phone = unique_phone();
    let resp = client
        .post(url(&format!("/api/v1/stores/{store}/residents")))
        .json(&json!({ "nickname": nickname, "phone": phone, "building": building, "unit": "1单元", "household_tags": ["has_children"] }))
        .send()
        .await
        .expect("join");
    assert_eq!(resp.status(), StatusCode::CREATED, "join failed: {}", resp.text().await.unwrap_or_default());
    let cookie = session_cookie(&resp);
    Resident { client, cookie, me: resp.json().await.expect("me json"), phone }
}

/// The `name=value` part of the session cookie an answer sets.
pub fn session_cookie(resp: &Response) -> String {
    let set_cookie = resp.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("a Set-Cookie header");
    set_cookie.split(';').next().unwrap_or_default().trim().to_string()
}

/// An owner signed in.
pub async fn owner(phone: &str) -> Client {
    owner_session(phone).await.0
}

/// An owner signed in, with the session cookie (`linli_session=…`) for requests sent
/// from another client.
pub async fn owner_session(phone: &str) -> (Client, String) {
    let c = client();
    let resp = c
        .post(url("/api/v1/sessions"))
        .json(&json!({ "phone": phone, "password": owner_password() }))
        .send()
        .await
        .expect("sign in");
    assert_eq!(resp.status(), StatusCode::CREATED, "owner sign-in failed: {}", resp.text().await.unwrap_or_default());
    let cookie = session_cookie(&resp);
    (c, cookie)
}

/// The owner sets a product's stock and cap.
pub async fn set_stock(owner: &Client, store: &str, product: &str, stock: u32, cap: Option<u32>) -> Value {
    let resp = owner
        .patch(url(&format!("/api/v1/stores/{store}/products/{product}")))
        .json(&json!({ "stock": stock, "per_buyer_cap": cap }))
        .send()
        .await
        .expect("set stock");
    assert_eq!(resp.status(), StatusCode::OK, "set stock failed");
    resp.json().await.expect("product json")
}

/// Units available now, as listings show them.
pub async fn available(store: &str, product: &str) -> u64 {
    let v: Value =
        client().get(url(&format!("/api/v1/stores/{store}/products/{product}"))).send().await.unwrap().json().await.unwrap();
    v["available"].as_u64().expect("available")
}

/// The store's first pickup point.
pub async fn pickup_point(store: &str) -> String {
    let v: Value = client().get(url(&format!("/api/v1/stores/{store}"))).send().await.unwrap().json().await.unwrap();
    v["pickup_points"][0]["id"].as_str().expect("pickup point").to_string()
}

/// Places an order with the given lines `(product, quantity)`.
pub async fn place_order(c: &Client, key: &str, pickup: &str, lines: &[(&str, i64)]) -> Response {
    order_request(c, key, pickup, lines).send().await.expect("order request")
}

/// The storage round trips an order's answer says it waited on one after another (its
/// `Server-Timing` metric `storage`, whose `dur` is that count).
pub fn round_trips(resp: &Response) -> Option<u32> {
    let timing = resp.headers().get("server-timing")?.to_str().ok()?;
    let metric = timing.split(',').map(str::trim).find(|m| m.split(';').next() == Some("storage"))?;
    metric.split(';').find_map(|p| p.trim().strip_prefix("dur="))?.parse().ok()
}

/// The request [`place_order`] sends, for callers that expect it may get no answer.
pub fn order_request(c: &Client, key: &str, pickup: &str, lines: &[(&str, i64)]) -> RequestBuilder {
    let lines: Vec<Value> = lines.iter().map(|(p, q)| json!({ "product_id": p, "quantity": q })).collect();
    c.post(url("/api/v1/orders")).header("Idempotency-Key", key).json(&json!({ "pickup_point_id": pickup, "lines": lines }))
}

/// The owner packs `order` (ready for pickup) and hands it over with its buyer's pickup
/// `code`; asserts each step is taken.
pub async fn pack_and_hand_over(owner: &Client, order: &str, code: &str) {
    for (status, code) in [("ready_for_pickup", None), ("picked_up", Some(code))] {
        let resp = owner
            .post(url(&format!("/api/v1/orders/{order}/status-changes")))
            .json(&json!({ "status": status, "pickup_code": code }))
            .send()
            .await
            .expect("order status change");
        assert_eq!(resp.status(), StatusCode::OK, "{status}: {}", resp.text().await.unwrap_or_default());
    }
}

/// Asserts a problem+json answer with `status` and `code`, and returns its body.
pub async fn expect_problem(resp: Response, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "expected {status} {code}");
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(content_type.starts_with("application/problem+json"), "content type was {content_type}");
    let body: Value = resp.json().await.expect("problem json");
    assert_eq!(body["code"], code, "problem body {body}");
    assert_eq!(body["status"], status);
    body
}

pub async fn json_of<T: DeserializeOwned>(resp: Response) -> T {
    resp.json().await.expect("json body")
}

/// The ids of the products a store sells, sorted, so each test can take its own.
pub async fn product_ids(store: &str) -> Vec<String> {
    let v: Value = client().get(url(&format!("/api/v1/stores/{store}/products"))).send().await.unwrap().json().await.unwrap();
    let mut ids: Vec<String> =
        v["products"].as_array().expect("products").iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids
}

/// One of store A's SKUs set up for a test: the n-th product by id, stocked by its owner.
pub struct Stocked {
    pub sku: String,
    pub owner: Client,
    pub pickup: String,
}

/// Stocks store A's `index`-th product (by id) with `stock` units and `cap`; each test
/// takes its own index so tests can run side by side.
pub async fn stocked(index: usize, stock: u32, cap: Option<u32>) -> Stocked {
    let sku = product_ids(STORE_A).await.swap_remove(index);
    let owner = owner(OWNER_A_PHONE).await;
    set_stock(&owner, STORE_A, &sku, stock, cap).await;
    Stocked { sku, owner, pickup: pickup_point(STORE_A).await }
}

/// Store A's owner schedules a tasting starting `starts_in` from now, in the store.
pub async fn schedule_tasting(owner: &Client, title: &str, starts_in: chrono::Duration, seats: u32, per_household: u32) -> Value {
    let resp = owner
        .post(url(&format!("/api/v1/stores/{STORE_A}/tastings")))
        .json(&json!({
            "title": title,
            "starts_at": (now() + starts_in).to_rfc3339(),
            "place": "店内二楼品鉴区",
            "seats": seats,
            "seats_per_household": per_household,
        }))
        .send()
        .await
        .expect("schedule a tasting");
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", resp.text().await.unwrap_or_default());
    resp.json().await.expect("tasting json")
}

/// `count` residents of store A, each a household of her own (named `{tag}{i}`).
pub async fn households(count: usize, tag: &str) -> Vec<Resident> {
    use futures::{stream, StreamExt};
    stream::iter(0..count)
        .map(|i| async move { resident(STORE_A, &format!("{tag}{i}"), &format!("{tag}{i}号楼")).await })
        .buffered(16)
        .collect()
        .await
}

/// Store A's owner marks a resident as a KOC (or not).
pub async fn set_koc(owner: &Client, person: &str, is_koc: bool) -> Response {
    owner
        .put(url(&format!("/api/v1/stores/{STORE_A}/residents/{person}/koc")))
        .json(&json!({ "is_koc": is_koc }))
        .send()
        .await
        .expect("KOC update")
}
